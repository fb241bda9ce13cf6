//! The per-packet path: one frame through decoding, the flow and host tables,
//! TCP reassembly and the industrial dissectors, into the current minute.

use super::Analyzer;
use super::minute::Edge;
use crate::capture::{Packet, Timestamp};
use crate::dissect::{self, Carrier, DissectOutput, PayloadContext};
use crate::error::DecodeError;
use crate::ethernet::ethertype;
use crate::flow::{Flow, FlowKey, Side};
use crate::host::HostTable;
use crate::identity::{self, Fact};
use crate::link::LinkType;
use crate::operation::{Direction, Protocol};
use crate::packet::{DecodedPacket, Transport, decode_fresh};
use crate::reassembly::{ReassemblyConfig, TcpStreams};
use crate::record::{FlowEnd, TransportKind};
use std::net::IpAddr;

impl Analyzer {
    /// Processes a packet from a capture reader (uses its wire length for byte counts).
    pub fn push_packet(&mut self, p: &Packet<'_>) {
        self.push_with_len(
            p.timestamp,
            p.linktype,
            p.data,
            p.original_len.max(p.data.len() as u32),
        );
    }

    /// Processes one frame; byte counts use the captured length.
    pub fn push(&mut self, ts: Timestamp, linktype: LinkType, frame: &[u8]) {
        self.push_with_len(ts, linktype, frame, frame.len() as u32);
    }

    /// Processes one frame whose length on the wire was `wire_len`.
    pub fn push_with_len(
        &mut self,
        ts: Timestamp,
        linktype: LinkType,
        frame: &[u8],
        wire_len: u32,
    ) {
        self.advance(ts);
        let now = ts.max(self.latest);
        self.latest = now;
        let bytes = u64::from(wire_len);
        let c = &mut self.counters.c;
        c.packets += 1;
        c.bytes += bytes;
        self.totals.packets += 1;
        self.totals.bytes += bytes;

        let mut p = DecodedPacket::default();
        decode_fresh(linktype, frame, &mut p);
        if !self.cfg.vlans_apart {
            p.vlan = Default::default();
        }
        if let Some(err) = p.error {
            self.count_error(err, frame.len() < wire_len as usize);
        }
        if let Some(ip) = &p.ip {
            let c = &mut self.counters.c;
            if ip.src.is_ipv4() {
                c.ipv4_packets += 1;
            } else {
                c.ipv6_packets += 1;
            }
            if ip.fragment.is_some() {
                c.ip_fragments += 1;
            }
        }
        if let Some(arp) = p.arp {
            self.counters.c.arp_packets += 1;
            if let Some((mac, ip)) = arp.sender_mac_ipv4()
                && !ip.is_unspecified()
            {
                self.remember_fact(
                    Fact {
                        mac: Some(mac),
                        ip: Some(IpAddr::V4(ip)),
                        vlan: p.vlan.vlan_id(),
                        source: "arp".into(),
                        attribute: "ip_address".into(),
                        value: ip.to_string(),
                    },
                    now,
                );
            }
        }
        // Packets of a tracked flow reach the host table through the flow (see
        // `HostTable::absorb_flow`); every other frame is counted here.
        let by_flow = match p.transport {
            Transport::Tcp(_) | Transport::Udp(_) => self.transport_packet(&p, now, bytes),
            Transport::Icmp { .. } | Transport::Other(_) => match &p.ip {
                Some(ip) if ip.fragment.is_none_or(|f| f.offset == 0) => {
                    self.other_ip_packet(&p, ip.protocol, now, bytes)
                }
                _ => false,
            },
            Transport::None => {
                if p.ip.is_none() {
                    match p.ethertype {
                        Some(et)
                            if !matches!(
                                et,
                                ethertype::ARP | ethertype::IPV4 | ethertype::IPV6
                            ) =>
                        {
                            let carrier = Carrier::Ethernet { ethertype: et };
                            self.ethernet_payload(&p, carrier, p.l2_payload, now);
                        }
                        // An 802.3 frame: an 802.2 LLC header with an
                        // unnumbered-information control byte, then the payload.
                        None if let [dsap, ssap, 0x03, payload @ ..] = p.l2_payload
                            && *dsap == *ssap & 0xFE =>
                        {
                            let carrier = Carrier::Llc { sap: *dsap };
                            self.ethernet_payload(&p, carrier, payload, now);
                        }
                        _ => {}
                    }
                }
                false
            }
        };
        if !by_flow {
            if let Some(src) = p.src_mac {
                self.hosts.observe_macs(src, p.dst_mac, now, bytes);
            }
            if let Some(ip) = &p.ip {
                self.hosts.observe_ips(
                    ip.src,
                    ip.dst,
                    p.vlan.vlan_id(),
                    ip.ttl,
                    p.src_mac,
                    now,
                    bytes,
                );
            }
        }
        // What flows ended by this packet still held behind a hole is
        // counted now, into the minute's bounded tables: held until the
        // minute closed, it would grow with every such flow.
        if self.ended.has_leftovers() {
            self.absorb_leftovers();
        }
    }

    fn count_error(&mut self, err: DecodeError, snaplen_cut: bool) {
        match err {
            DecodeError::UnsupportedLinkType(_) => self.counters.c.unsupported_link += 1,
            // A frame the capture cut short is not the sender's fault.
            DecodeError::Truncated { .. } if snaplen_cut => self.totals.snaplen_truncated += 1,
            e => {
                self.counters.malformed_layer[e.layer().index()] += 1;
                self.totals.malformed += 1;
            }
        }
    }

    fn other_ip_packet(
        &mut self,
        p: &DecodedPacket<'_>,
        protocol: u8,
        now: Timestamp,
        bytes: u64,
    ) -> bool {
        let Some(ip) = &p.ip else { return false };
        let (key, side) = FlowKey::tagged(protocol, &ip.src, 0, &ip.dst, 0, p.vlan.vlan_id());
        let (ended, hosts) = (&mut self.ended, &mut self.hosts);
        let Some(f) = self.flows.get_or_insert_with(
            key,
            now,
            || Flow::new(key, side, now, None),
            &mut |f: Flow, why| ended.end(hosts, f, why),
        ) else {
            return false;
        };
        f.update(side, now, bytes, 0, 0);
        note_l2(f, side, p, &mut self.hosts, now);
        true
    }

    fn transport_packet(&mut self, p: &DecodedPacket<'_>, now: Timestamp, bytes: u64) -> bool {
        // Borrowed, not copied: see `FlowKey` on copies of freshly written addresses.
        let Some(ip) = &p.ip else { return false };
        let (Some(sport), Some(dport)) = (p.src_port(), p.dst_port()) else {
            return false;
        };
        let tcp = p.tcp().copied();
        let flags = tcp.map_or(0, |t| t.flags().0);
        let c = &mut self.counters.c;
        if tcp.is_some() {
            c.tcp_packets += 1;
        } else {
            c.udp_packets += 1;
        }
        let (key, side) = FlowKey::tagged(
            ip.protocol,
            &ip.src,
            sport,
            &ip.dst,
            dport,
            p.vlan.vlan_id(),
        );
        let syn_only = flags & 0x12 == 0x02;

        // A SYN with another sequence number than this side's SYN or first
        // segment starts a new flow, as does any SYN on a finished flow whose
        // side sent nothing before. The same number again is the client's
        // stack retrying the same attempt, also after an RST: one flow, as
        // tshark's one stream.
        if syn_only
            && let Some(t) = tcp
            && let Some(f) = self.flows.get_mut(&key)
            && match f.base_seq[side.index()] {
                Some(s) => s != t.sequence(),
                None => f.closed(),
            }
            && let Some(old) = self.flows.remove(&key)
        {
            self.ended.end(&mut self.hosts, old, FlowEnd::Reused);
        }
        // SYN fingerprints, before borrowing the flow.
        if let Some(t) = tcp
            && t.flags().syn()
        {
            let (sig, hint) = identity::tcp_fingerprint(&t, ip.ttl);
            let source = if t.flags().ack() {
                "tcp_synack"
            } else {
                "tcp_syn"
            };
            let mac = p.src_mac;
            self.remember_fact(
                Fact {
                    mac,
                    ip: Some(ip.src),
                    vlan: p.vlan.vlan_id(),
                    source: source.into(),
                    attribute: "tcp_fingerprint".into(),
                    value: sig,
                },
                now,
            );
            if let Some(h) = hint {
                self.remember_fact(
                    Fact {
                        mac,
                        ip: Some(ip.src),
                        vlan: p.vlan.vlan_id(),
                        source: source.into(),
                        attribute: "os_hint".into(),
                        value: h.to_owned(),
                    },
                    now,
                );
            }
        }
        if tcp.is_none() && identity::is_identity_port(sport, dport) && !p.payload.is_empty() {
            let mut facts = std::mem::take(&mut self.scratch_facts);
            identity::udp_facts(p.src_mac, ip.src, sport, dport, p.payload, &mut facts);
            for mut f in facts.drain(..) {
                f.vlan = p.vlan.vlan_id();
                self.remember_fact(f, now);
            }
            self.scratch_facts = facts;
        }

        let (ended, hosts) = (&mut self.ended, &mut self.hosts);
        let Some(f) = self.flows.get_or_insert_with(
            key,
            now,
            || Flow::new(key, side, now, Some(flags).filter(|_| tcp.is_some())),
            &mut |f: Flow, why| ended.end(hosts, f, why),
        ) else {
            return false;
        };
        f.update(side, now, bytes, p.payload.len() as u64, flags);
        note_l2(f, side, p, &mut self.hosts, now);
        if let Some(t) = tcp
            && (syn_only || f.base_seq[side.index()].is_none())
        {
            f.base_seq[side.index()] = Some(t.sequence());
        }
        if !self.cfg.dissect {
            return true;
        }
        let ctx = PayloadContext {
            carrier: if tcp.is_some() {
                Carrier::TcpStream
            } else {
                Carrier::UdpDatagram
            },
            src_port: sport,
            dst_port: dport,
            to_server: f.to_server(side),
        };
        // A 1-byte TCP segment is a keep-alive probe (one old byte below the
        // window), not the protocol's first message: classifying on it left
        // an MMS connection that had been idle before the capture undecoded.
        let probe = tcp.is_some() && p.payload.len() == 1;
        if !f.classified && !p.payload.is_empty() && !probe {
            f.classified = true;
            f.protocol = dissect::classify(&ctx, p.payload);
            if f.protocol.is_some() && tcp.is_some() {
                f.streams = Some(Box::default());
            }
        }
        let Some(protocol) = f.protocol else {
            return true;
        };
        let out = &mut self.scratch_out;
        match (tcp, f.streams.as_deref_mut()) {
            (Some(t), Some(streams)) => {
                let (gaps, overflow) = (streams.gaps(), streams.overflow_bytes());
                let held = streams.buffered() as u64;
                feed_tcp(
                    &self.cfg.reassembly,
                    streams,
                    side,
                    &t,
                    protocol,
                    &ctx,
                    p.payload,
                    out,
                );
                // Global bound: past the budget, the stream that grew gives up its buffers.
                let ledger = &mut self.ended.buffered;
                *ledger = (*ledger + streams.buffered() as u64).saturating_sub(held);
                if *ledger > self.cfg.max_reassembly_bytes {
                    *ledger = ledger.saturating_sub(streams.buffered() as u64);
                    streams.clear();
                }
                let dropped = &mut self.counters.c.dropped;
                dropped.reassembly_gaps += streams.gaps() - gaps;
                dropped.reassembly_overflow_bytes += streams.overflow_bytes() - overflow;
            }
            (None, _) if !p.payload.is_empty() => {
                dissect::dissect(protocol, &ctx, p.payload, out);
            }
            _ => {}
        }
        // Port 102 carries S7comm or MMS and its first bytes (COTP connect)
        // do not say which; the first decoded MMS PDU settles it, so the flow
        // record and the malformed counts name MMS from then on.
        let minute = self.minute.unwrap_or(0);
        let protocol = if protocol == Protocol::S7comm && !f.iso_decided {
            match out.operations.first().map(|o| o.protocol) {
                Some(Protocol::Mms) => {
                    f.protocol = Some(Protocol::Mms);
                    // The connection's first units (a broken COTP confirm,
                    // say) were counted before anything named the protocol.
                    if let Some((m, n)) = f.iso_undecided_malformed.take()
                        && m == minute
                        && let Some(c) = self.counters.malformed_protocol.get_mut(&Protocol::S7comm)
                    {
                        let moved = (*c).min(u64::from(n));
                        *c -= moved;
                        out.malformed = out.malformed.saturating_add(moved as u32);
                    }
                    Protocol::Mms
                }
                Some(_) => {
                    f.iso_decided = true;
                    f.iso_undecided_malformed = None;
                    protocol
                }
                None => {
                    if out.malformed > 0 {
                        let n = match f.iso_undecided_malformed {
                            Some((m, n)) if m == minute => n,
                            _ => 0,
                        };
                        f.iso_undecided_malformed = Some((minute, n.saturating_add(out.malformed)));
                    }
                    protocol
                }
            }
        } else {
            protocol
        };
        if self.scratch_out.operations.is_empty()
            && self.scratch_out.identities.is_empty()
            && self.scratch_out.malformed == 0
        {
            return true;
        }
        // The flow remembers its edge index for the current minute, saving a lookup per operation.
        let cached = f.op_edge.filter(|(m, _)| *m == minute).map(|(_, id)| id);
        let (client, server) = (f.client, f.client.other());
        let edge = match cached {
            Some(id) => id,
            None => {
                let id = self.edge_id(Edge {
                    transport: key.transport(),
                    client_ip: Some(key.endpoint(client).0),
                    server_ip: Some(key.endpoint(server).0),
                    server_port: Some(key.endpoint(server).1),
                    client_mac: None,
                    server_mac: None,
                    vlan: key.vlan(),
                });
                if let Some(f) = self.flows.get_mut(&key) {
                    f.op_edge = Some((minute, id));
                }
                id
            }
        };
        self.absorb_output(edge, protocol, p.src_mac, Some(ip.src), now);
        true
    }

    /// A layer-2 protocol's payload (after the EtherType, or after the LLC header).
    fn ethernet_payload(
        &mut self,
        p: &DecodedPacket<'_>,
        carrier: Carrier,
        payload: &[u8],
        now: Timestamp,
    ) {
        if !self.cfg.dissect || payload.is_empty() {
            return;
        }
        let ctx = PayloadContext {
            carrier,
            src_port: 0,
            dst_port: 0,
            to_server: true,
        };
        let Some(protocol) = dissect::classify(&ctx, payload) else {
            return;
        };
        dissect::dissect(protocol, &ctx, payload, &mut self.scratch_out);
        if let (Some(counter), Some(sender)) =
            (dissect::publisher_counter(protocol, payload), p.src_mac)
        {
            self.publishers
                .observe(sender, counter, now, &mut self.scratch_out);
        }
        // Layer 2 has no connection: the requester is the client, the sender of a response the server.
        let ops_dir = self.scratch_out.operations.first().map(|o| o.direction);
        let (client_mac, server_mac) = match ops_dir {
            Some(Direction::Response) => (p.dst_mac, p.src_mac),
            _ => (p.src_mac, p.dst_mac),
        };
        let edge = self.edge_id(Edge {
            transport: TransportKind::Ethernet,
            client_ip: None,
            server_ip: None,
            server_port: None,
            client_mac,
            server_mac,
            vlan: p.vlan.vlan_id(),
        });
        self.absorb_output(edge, protocol, p.src_mac, None, now);
    }
}

/// Remembers the sender's MAC on a flow,
/// and registers the packet's addresses with the host table when they differ from
/// the last packet of the same sender (always on a flow's first packet).
fn note_l2(f: &mut Flow, side: Side, p: &DecodedPacket<'_>, hosts: &mut HostTable, now: Timestamp) {
    if let Some(m) = p.src_mac {
        f.macs[side.index()] = Some(m);
    }
    if let Some(ip) = &p.ip {
        let sig = Some((p.src_mac, p.dst_mac, ip.ttl));
        if f.l2[side.index()] != sig {
            // Traffic so far went with the old addresses: count it before switching.
            if f.l2[side.index()].is_some() {
                hosts.absorb_flow(f);
            }
            f.l2[side.index()] = sig;
            hosts.register(
                f.key.vlan(),
                ip.src,
                ip.dst,
                ip.ttl,
                p.src_mac,
                p.dst_mac,
                now,
            );
        }
    }
}

/// Feeds a TCP segment to the reassembler and the dissector.
#[allow(clippy::too_many_arguments)] // a hot-path helper taking disjoint borrows of the analyzer
fn feed_tcp(
    cfg: &ReassemblyConfig,
    streams: &mut TcpStreams,
    side: Side,
    tcp: &crate::transport::TcpSlice<'_>,
    protocol: Protocol,
    ctx: &PayloadContext,
    payload: &[u8],
    out: &mut DissectOutput,
) {
    let flags = tcp.flags();
    let mut sink = |data: &[u8]| dissect::dissect(protocol, ctx, data, out).bytes;
    streams.dirs[side.index()].segment(cfg, tcp.sequence(), flags.syn(), payload, &mut sink);
    if flags.ack() {
        // Our ACK tells the reassembler of the other direction what the peer really sent.
        streams.dirs[side.other().index()].acknowledged(cfg, tcp.acknowledgment());
    }
}

#[cfg(test)]
mod tests {
    use crate::analyzer::test_frames::{CLIENT, SERVER, at, tagged, tcp_frame};
    use crate::analyzer::{Analyzer, AnalyzerConfig};
    use crate::link::LinkType;
    use crate::operation::Protocol;
    use crate::record::{FlowEnd, Initiator};
    use std::net::{IpAddr, Ipv4Addr};

    #[test]
    fn tcp_connection_lifecycle() {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        let push = |a: &mut Analyzer, s: u64, f: Vec<u8>| a.push(at(s), LinkType::ETHERNET, &f);
        push(
            &mut a,
            0,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x02, 100, 128, b""),
        ); // SYN
        push(
            &mut a,
            0,
            tcp_frame(SERVER, CLIENT, 502, 40000, 0x12, 900, 64, b""),
        ); // SYN-ACK
        push(
            &mut a,
            1,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 101, 128, b"abcd"),
        ); // data
        push(
            &mut a,
            2,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x11, 105, 128, b""),
        ); // FIN
        push(
            &mut a,
            2,
            tcp_frame(SERVER, CLIENT, 502, 40000, 0x11, 901, 64, b""),
        ); // FIN
        // Same ports again with a new ISN: a new connection.
        push(
            &mut a,
            3,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x02, 5000, 128, b""),
        );
        let d = a.finish();
        let flows: Vec<_> = d.iter().flat_map(|d| d.flows.iter()).collect();
        assert_eq!(flows.len(), 2);
        let first = flows
            .iter()
            .find(|f| f.ended == Some(FlowEnd::Reused))
            .unwrap();
        assert_eq!(first.client_ip, IpAddr::V4(Ipv4Addr::from(CLIENT)));
        assert_eq!((first.server_port, first.initiator), (502, Initiator::Syn));
        assert_eq!((first.packets_to_server, first.packets_to_client), (3, 2));
        assert_eq!(first.payload_to_server, 4);
        assert_eq!(first.tcp_flags_to_server, 0x02 | 0x18 | 0x11);
        assert!(first.started);
        assert_eq!(a.flow_stats().created_tcp, 2);
        // OS hints: TTL 128 client, TTL 64 server, each reported once.
        let ids: Vec<_> = d.iter().flat_map(|d| d.identities.iter()).collect();
        let hint = |ip: [u8; 4], source: &str| {
            ids.iter()
                .filter(|i| {
                    i.ip == Some(IpAddr::V4(Ipv4Addr::from(ip)))
                        && i.source == source
                        && i.attribute == "os_hint"
                })
                .map(|i| i.value.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(hint(CLIENT, "ttl"), vec!["windows"]);
        assert_eq!(hint(SERVER, "ttl"), vec!["linux_unix_like"]);
        assert_eq!(hint(CLIENT, "tcp_syn"), vec!["embedded_stack"]);
        // Hosts carry the vendor from the OUI table.
        let h = d[0].hosts.iter().find(|h| h.mac.is_some()).unwrap();
        assert_eq!(h.vendor.as_deref(), Some("Siemens AG"));
    }

    /// Two lines reusing one subnet, mirrored to one sensor on a trunk:
    /// the same addresses and ports on VLANs 10 and 20 are two
    /// conversations between four devices; a priority tag (VLAN 0) is
    /// untagged traffic.
    #[test]
    fn one_address_on_two_vlans_is_two_devices() {
        let d = two_lines_on_vlans(AnalyzerConfig::default());
        let mut flows: Vec<_> = d
            .iter()
            .flat_map(|d| d.flows.iter())
            .map(|f| (f.vlan, f.packets_to_server))
            .collect();
        flows.sort();
        // The untagged and the priority-tagged packets are one flow.
        assert_eq!(flows, [(None, 3), (Some(10), 2), (Some(20), 2)]);

        let server = IpAddr::V4(Ipv4Addr::from(SERVER));
        let mut server_hosts: Vec<_> = d
            .iter()
            .flat_map(|d| d.hosts.iter())
            .filter(|h| h.ip == Some(server))
            .map(|h| h.vlan)
            .collect();
        server_hosts.sort();
        server_hosts.dedup();
        assert_eq!(server_hosts, [None, Some(10), Some(20)]);

        let mut reads: Vec<_> = d
            .iter()
            .flat_map(|d| d.operations.iter())
            .filter(|o| o.protocol == Protocol::Modbus && o.server_ip == Some(server))
            .map(|o| (o.vlan, o.count))
            .collect();
        reads.sort();
        assert_eq!(reads, [(None, 2), (Some(10), 1), (Some(20), 1)]);

        // What the client's packets told about it, once per VLAN.
        let client = IpAddr::V4(Ipv4Addr::from(CLIENT));
        let mut hints: Vec<_> = d
            .iter()
            .flat_map(|d| d.identities.iter())
            .filter(|i| i.ip == Some(client) && i.source == "tcp_syn" && i.attribute == "os_hint")
            .map(|i| i.vlan)
            .collect();
        hints.sort();
        assert_eq!(hints, [None, Some(10), Some(20)]);
    }

    /// The frames of [`one_address_on_two_vlans_is_two_devices`], digested.
    fn two_lines_on_vlans(cfg: AnalyzerConfig) -> Vec<crate::analyzer::MinuteDigest> {
        let mut a = Analyzer::new(cfg);
        // Modbus/TCP read holding registers, unit 1, 10 registers from 0.
        let read = [0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10];
        let syn = tcp_frame(CLIENT, SERVER, 40000, 502, 0x02, 100, 128, b"");
        let data = tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 101, 128, &read);
        for vlan in [Some(10), Some(20), None] {
            let frames = match vlan {
                Some(v) => [tagged(&syn, v), tagged(&data, v)],
                None => [syn.clone(), data.clone()],
            };
            for (s, f) in frames.into_iter().enumerate() {
                a.push(at(s as u64), LinkType::ETHERNET, &f);
            }
        }
        // The next read of the untagged connection, priority-tagged.
        let next = tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 113, 128, &read);
        a.push(at(2), LinkType::ETHERNET, &tagged(&next, 0));
        a.finish()
    }

    /// A mirror tagging one direction only would split every conversation:
    /// with `vlans_apart` off, tags are not looked at.
    #[test]
    fn with_vlans_apart_off_every_record_is_untagged() {
        let d = two_lines_on_vlans(AnalyzerConfig {
            vlans_apart: false,
            ..AnalyzerConfig::default()
        });
        let flows: Vec<_> = d
            .iter()
            .flat_map(|d| d.flows.iter())
            .map(|f| (f.vlan, f.packets_to_server))
            .collect();
        assert_eq!(flows, [(None, 7)], "one conversation");
        assert!(d.iter().flat_map(|d| &d.hosts).all(|h| h.vlan.is_none()));
        assert!(
            d.iter()
                .flat_map(|d| &d.operations)
                .all(|o| o.vlan.is_none())
        );
        assert!(
            d.iter()
                .flat_map(|d| &d.identities)
                .all(|i| i.vlan.is_none())
        );
    }

    #[test]
    fn a_syn_after_a_lone_mid_stream_segment_is_a_new_connection() {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        let push = |a: &mut Analyzer, s: u64, f: Vec<u8>| a.push(at(s), LinkType::ETHERNET, &f);
        // The capture starts with the tail of an earlier connection.
        push(
            &mut a,
            0,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 7000, 128, b"abcd"),
        );
        // The same client port opens a connection with its own ISN.
        push(
            &mut a,
            1,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x02, 100, 128, b""),
        );
        // Retransmitted: the same ISN stays the same connection.
        push(
            &mut a,
            2,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x02, 100, 128, b""),
        );
        let d = a.finish();
        let flows: Vec<_> = d.iter().flat_map(|d| d.flows.iter()).collect();
        assert_eq!(a.flow_stats().created_tcp, 2);
        let old = flows
            .iter()
            .find(|f| f.ended == Some(FlowEnd::Reused))
            .unwrap();
        assert_eq!(
            (old.packets_to_server, old.initiator),
            (1, Initiator::ServicePort)
        );
        let new = flows
            .iter()
            .rfind(|f| f.ended != Some(FlowEnd::Reused))
            .unwrap();
        assert_eq!((new.packets_to_server, new.initiator), (2, Initiator::Syn));
    }

    #[test]
    fn requests_after_a_hole_are_decoded_when_the_capture_ends() {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        let push = |a: &mut Analyzer, s: u64, f: Vec<u8>| a.push(at(s), LinkType::ETHERNET, &f);
        // Modbus read holding registers, transaction `t`: 12 bytes.
        let read = |t: u8| vec![0, t, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10];
        push(
            &mut a,
            0,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x02, 100, 128, b""),
        );
        push(
            &mut a,
            0,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 101, 128, &read(1)),
        );
        // Transaction 2 (seq 113..125) was lost by the capture; nothing
        // acknowledges past it before the capture ends.
        push(
            &mut a,
            1,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 125, 128, &read(3)),
        );
        push(
            &mut a,
            1,
            tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 137, 128, &read(4)),
        );
        let d = a.finish();
        let reads: u64 = d
            .iter()
            .flat_map(|m| &m.operations)
            .filter(|o| o.name == "read_holding_registers")
            .map(|o| o.count)
            .sum();
        assert_eq!(reads, 3);
        let dropped: u64 = d.iter().map(|m| m.counters.dropped.reassembly_gaps).sum();
        assert_eq!(dropped, 1);
        let flow = d.iter().flat_map(|m| &m.flows).last().unwrap();
        assert_eq!(flow.reassembly_gap_bytes, 12);
    }

    #[test]
    fn mms_found_only_behind_a_hole_names_the_flow_and_its_malformed_counts() {
        use crate::dissect::mms::parser::tests::{STOP_REQ, hex};
        let mut a = Analyzer::new(AnalyzerConfig::default());
        let push = |a: &mut Analyzer, s: u64, f: Vec<u8>| a.push(at(s), LinkType::ETHERNET, &f);
        // TPKT and COTP DT around a TSDU.
        let tpkt = |tsdu: &[u8]| {
            let mut t = vec![3, 0];
            t.extend_from_slice(&((7 + tsdu.len()) as u16).to_be_bytes());
            t.extend_from_slice(&[2, 0xf0, 0x80]);
            t.extend_from_slice(tsdu);
            t
        };
        let stop = tpkt(&hex(STOP_REQ));
        // A confirmed-RequestPDU cut inside its invokeID.
        let broken = tpkt(&[0xa0, 0x03, 0x02, 0x01]);
        // COTP connection request: 22 bytes that name neither S7 nor MMS.
        let connect = [
            3, 0, 0, 22, 17, 0xe0, 0, 0, 0, 1, 0, 0xc1, 2, 1, 0, 0xc2, 2, 1, 2, 0xc0, 1, 10,
        ];
        push(
            &mut a,
            0,
            tcp_frame(CLIENT, SERVER, 40000, 102, 0x02, 100, 128, b""),
        );
        push(
            &mut a,
            0,
            tcp_frame(CLIENT, SERVER, 40000, 102, 0x18, 101, 128, &connect),
        );
        // The next unit (seq 123, 20 bytes) was lost: nothing named the
        // protocol before the capture ends.
        push(
            &mut a,
            1,
            tcp_frame(CLIENT, SERVER, 40000, 102, 0x18, 143, 128, &stop),
        );
        let next = 143 + stop.len() as u32;
        push(
            &mut a,
            1,
            tcp_frame(CLIENT, SERVER, 40000, 102, 0x18, next, 128, &broken),
        );
        let d = a.finish();
        let stops: Vec<_> = d
            .iter()
            .flat_map(|m| &m.operations)
            .filter(|o| o.name == "stop")
            .map(|o| o.protocol)
            .collect();
        assert_eq!(stops, [Protocol::Mms]);
        let malformed = |name: &str| -> u64 {
            d.iter()
                .filter_map(|m| m.counters.malformed.get(name))
                .sum()
        };
        assert_eq!((malformed("mms"), malformed("s7comm")), (1, 0));
        let flow = d.iter().flat_map(|m| &m.flows).last().unwrap();
        assert_eq!(flow.protocol, Some(Protocol::Mms));
    }

    #[test]
    fn malformed_counted_per_layer_but_not_snaplen_cuts() {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        let f = tcp_frame(CLIENT, SERVER, 40000, 502, 0x18, 1, 64, b"");
        // IP says 40 bytes, but the TCP header is cut: malformed at TCP... unless the capture cut it.
        let mut bad = f[..44].to_vec();
        bad[16..18].copy_from_slice(&30u16.to_be_bytes()); // IP total length 30
        a.push(at(0), LinkType::ETHERNET, &bad);
        a.push_with_len(at(0), LinkType::ETHERNET, &f[..44], f.len() as u32);
        a.push(at(0), LinkType(147), &f);
        let d = a.finish();
        assert_eq!(d[0].counters.malformed.get("tcp"), Some(&1));
        assert_eq!(d[0].counters.unsupported_link, 1);
        assert_eq!(a.totals().snaplen_truncated, 1);
    }

    #[test]
    fn arp_and_dhcp_identities() {
        let mut a = Analyzer::new(AnalyzerConfig::default());
        let arp = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x80, 0xf4, 0x01, 0x02, 0x03, 0x08,
            0x06, // Ethernet, ARP
            0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, // Ethernet/IPv4 reply
            0x00, 0x80, 0xf4, 0x01, 0x02, 0x03, 10, 0, 0, 7, // sender MAC, IP
            0, 0, 0, 0, 0, 0, 10, 0, 0, 1, // target
        ];
        a.push(at(0), LinkType::ETHERNET, &arp);
        a.push(at(1), LinkType::ETHERNET, &arp); // same fact: reported once
        let mut dhcp = vec![0u8; 240];
        dhcp[0] = 1; // BOOTREQUEST
        dhcp[1] = 1; // Ethernet
        dhcp[2] = 6;
        dhcp[28..34].copy_from_slice(&[0x00, 0x80, 0xf4, 0x01, 0x02, 0x03]); // chaddr
        dhcp[236..240].copy_from_slice(&[99, 130, 83, 99]); // magic cookie
        dhcp.extend_from_slice(&[12, 4, b'p', b'l', b'c', b'7', 255]); // host name, end
        let mut frame = vec![
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x80, 0xf4, 0x01, 0x02, 0x03, 0x08, 0x00,
        ];
        let total = (20 + 8 + dhcp.len()) as u16;
        frame.extend_from_slice(&[
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            0,
            0,
            0,
            64,
            17,
            0,
            0,
        ]);
        frame.extend_from_slice(&[0, 0, 0, 0, 255, 255, 255, 255]); // 0.0.0.0 -> broadcast
        let ulen = (8 + dhcp.len()) as u16;
        frame.extend_from_slice(&[0, 68, 0, 67, (ulen >> 8) as u8, ulen as u8, 0, 0]); // UDP 68 -> 67
        frame.extend_from_slice(&dhcp);
        a.push(at(2), LinkType::ETHERNET, &frame);
        let d = a.finish();
        let ids = &d[0].identities;
        let arp_facts: Vec<_> = ids.iter().filter(|i| i.source == "arp").collect();
        assert_eq!(arp_facts.len(), 1);
        assert_eq!(arp_facts[0].value, "10.0.0.7");
        let host = ids.iter().find(|i| i.source == "dhcp").unwrap();
        assert_eq!(
            (host.attribute.as_str(), host.value.as_str()),
            ("hostname", "plc7")
        );
        assert_eq!(host.mac.unwrap().to_string(), "00:80:f4:01:02:03");
        // 255.255.255.255 is a group address: no OS hint for it, and 0.0.0.0 gets none either.
        assert!(ids.iter().all(|i| i.source != "ttl"));
    }

    #[test]
    fn ipv6_udp_flow_and_mdns_name() {
        let mdns = [
            0x00, 0x00, 0x84, 0x00, // id, flags: response, authoritative
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // one answer
            0x03, b'h', b'm', b'i', 0x05, b'l', b'o', b'c', b'a', b'l', 0x00, // hmi.local
            0x00, 0x1c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00,
            0x10, // AAAA, IN, TTL 120, rdlen 16
            0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07, // fe80::7
        ];
        let mut f = vec![
            0x33, 0x33, 0x00, 0x00, 0x00, 0xfb, // destination: IPv6 multicast MAC
            0x00, 0x0c, 0x29, 0x00, 0x00, 0x07, // source
            0x86, 0xdd, // IPv6
            0x60, 0x00, 0x00, 0x00, // version 6
        ];
        f.extend_from_slice(&((8 + mdns.len()) as u16).to_be_bytes()); // payload length
        f.extend_from_slice(&[17, 255]); // next header UDP, hop limit 255
        f.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07]); // fe80::7
        f.extend_from_slice(&[0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb]); // ff02::fb
        f.extend_from_slice(&[0x14, 0xe9, 0x14, 0xe9]); // 5353 -> 5353
        f.extend_from_slice(&((8 + mdns.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0]); // checksum
        f.extend_from_slice(&mdns);
        let mut a = Analyzer::new(AnalyzerConfig::default());
        a.push(at(0), LinkType::ETHERNET, &f);
        let d = a.finish();
        assert_eq!(d[0].counters.ipv6_packets, 1);
        assert_eq!(d[0].flows.len(), 1);
        assert_eq!(d[0].flows[0].server_port, 5353);
        let name = d[0].identities.iter().find(|i| i.source == "mdns").unwrap();
        assert_eq!(name.value, "hmi.local");
        assert_eq!(name.ip, Some("fe80::7".parse().unwrap()));
        assert_eq!(name.mac.unwrap().to_string(), "00:0c:29:00:00:07");
        let group = d[0]
            .hosts
            .iter()
            .find(|h| h.ip == Some("ff02::fb".parse().unwrap()))
            .unwrap();
        assert!(group.group);
    }

    #[test]
    fn full_flow_table_still_counts_hosts() {
        let mut cfg = AnalyzerConfig::default();
        cfg.flow.max_flows = 4;
        let mut a = Analyzer::new(cfg);
        for port in 0..20u16 {
            let f = tcp_frame(CLIENT, SERVER, 40000 + port, 502, 0x02, 1, 64, b""); // SYN scan
            a.push(at(1), LinkType::ETHERNET, &f);
        }
        assert_eq!(a.active_flows(), 4);
        let d = a.finish();
        assert_eq!(d[0].counters.dropped.flows_not_tracked, 16);
        assert_eq!(d[0].flows.len(), 4);
        let client = d[0]
            .hosts
            .iter()
            .find(|h| h.ip == Some(IpAddr::V4(Ipv4Addr::from(CLIENT))))
            .unwrap();
        assert_eq!(client.packets_sent, 20);
    }
}
