//! A synthetic plant for benchmarks at scale (docs/BENCHMARKS.md,
//! "Inventory at scale"): `assets` devices on 10.1.0.0/16, each asking
//! `peers` others over Modbus, S7comm, EtherNet/IP or BACnet in turn, so
//! `assets × peers` distinct (client, server, protocol) edges, uploaded as
//! `batches` consecutive minute batches with a host record for every
//! address a batch saw. Every asset serves an industrial protocol, so the
//! engine makes them all controllers.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use traffic::operation::{Direction, OperationClass, Protocol};
use traffic::record::{Batch, HostRecord, OperationCount, TransportKind};

/// The size of the plant and of its upload.
#[derive(Clone, Copy, Debug)]
pub struct Plant {
    pub assets: u32,
    pub peers: u32,
    pub batches: u32,
    /// The first batch's minute (a multiple of 60).
    pub first_minute: i64,
}

/// The address of asset `i` (up to 51,200 assets).
pub fn address(i: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 1, (i / 200) as u8, (i % 200 + 10) as u8))
}

/// Every (client, server, protocol) conversation of the plant, in upload order.
pub fn conversations(plant: &Plant) -> Vec<(u32, u32, Protocol)> {
    let mut pairs = Vec::with_capacity((plant.assets * plant.peers) as usize);
    for client in 0..plant.assets {
        for k in 0..plant.peers {
            // 997 is prime: a client's peers are spread over the plant.
            let server = (client + 1 + k * 997) % plant.assets;
            pairs.push((client, server, protocol_of(k)));
        }
    }
    pairs
}

fn protocol_of(k: u32) -> Protocol {
    match k % 4 {
        0 => Protocol::Modbus,
        1 => Protocol::S7comm,
        2 => Protocol::Enip,
        _ => Protocol::Bacnet,
    }
}

/// The plant's conversations as the sensor `public_id` uploads them.
pub fn batches(plant: &Plant, public_id: &str) -> Vec<Batch> {
    let pairs = conversations(plant);
    let per_batch = pairs.len().div_ceil(plant.batches.max(1) as usize).max(1);
    pairs
        .chunks(per_batch)
        .enumerate()
        .map(|(n, chunk)| {
            let minute = plant.first_minute + 60 * n as i64;
            let ms = minute * 1000 + 500;
            let mut batch = Batch::empty(public_id, n as u64 + 1, minute);
            let mut seen = BTreeSet::new();
            for &(client, server, protocol) in chunk {
                seen.extend([client, server]);
                let (name, port) = match protocol {
                    Protocol::Modbus => ("read_holding_registers", 502),
                    Protocol::S7comm => ("read_var", 102),
                    Protocol::Enip => ("send_rr_data", 44818),
                    _ => ("read_property", 47808),
                };
                batch.operations.push(OperationCount {
                    vlan: None,
                    transport: TransportKind::Tcp,
                    client_ip: Some(address(client)),
                    server_ip: Some(address(server)),
                    server_port: Some(port),
                    client_mac: None,
                    server_mac: None,
                    protocol,
                    function_code: 3,
                    name: name.into(),
                    class: OperationClass::Read,
                    unit: None,
                    direction: Direction::Request,
                    error_code: None,
                    count: 12,
                    first_seen_ms: ms,
                    last_seen_ms: ms,
                    ranges: vec![],
                    ranges_truncated: false,
                });
            }
            for i in seen {
                batch.hosts.push(HostRecord {
                    vlan: None,
                    mac: None,
                    ip: Some(address(i)),
                    group: false,
                    vendor: None,
                    macs: vec![],
                    ttl: Some(64),
                    first_seen_ms: ms,
                    last_seen_ms: ms,
                    packets_sent: 24,
                    packets_received: 24,
                    bytes_sent: 2_400,
                    bytes_received: 2_400,
                });
            }
            batch
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Inventory;

    #[test]
    fn a_small_plant_gives_its_assets_and_edges() {
        let plant = Plant {
            assets: 50,
            peers: 4,
            batches: 3,
            first_minute: 1_764_000_000,
        };
        let batches = batches(&plant, "sen_synthetic");
        assert_eq!(batches.len(), 3);
        assert_eq!(
            batches.iter().map(|b| b.operations.len()).sum::<usize>(),
            200
        );
        let distinct: BTreeSet<_> = conversations(&plant).into_iter().collect();
        assert_eq!(distinct.len(), 200, "no conversation repeats");
        let mut inventory = Inventory::default();
        for b in &batches {
            inventory.observe(b);
        }
        let report = inventory.report();
        assert_eq!(report.assets.len(), 50);
        assert_eq!(report.edges.len(), 200);
        assert!(
            report
                .assets
                .iter()
                .all(|a| a.role.as_str() == "controller")
        );
    }
}
