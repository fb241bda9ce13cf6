//! BACnet carried directly over Ethernet (ASHRAE 135 clause 7: an 802.3
//! frame, an 802.2 LLC header to SAP 0x82, then the NPDU with no BVLC),
//! through the whole capture path on a pcap built here.

mod common;

use common::pcap_of;
use std::collections::BTreeMap;
use traffic::analyzer::{AnalyzerConfig, digest_capture_bytes};
use traffic::operation::Protocol;

const WORKSTATION: [u8; 6] = [0x00, 0x50, 0x56, 0x00, 0x00, 0x01];
const CONTROLLER: [u8; 6] = [0x00, 0x20, 0x4a, 0x00, 0x00, 0x02];
const BROADCAST: [u8; 6] = [0xff; 6];

/// An 802.3 frame with the BACnet LLC header, padded to the 60-byte minimum.
fn frame(dst: [u8; 6], src: [u8; 6], npdu_and_apdu: &[u8]) -> Vec<u8> {
    llc_frame(dst, src, [0x82, 0x82, 0x03], npdu_and_apdu)
}

fn llc_frame(dst: [u8; 6], src: [u8; 6], llc: [u8; 3], npdu_and_apdu: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&dst);
    f.extend_from_slice(&src);
    f.extend_from_slice(&((llc.len() + npdu_and_apdu.len()) as u16).to_be_bytes());
    f.extend_from_slice(&llc);
    f.extend_from_slice(npdu_and_apdu);
    f.resize(f.len().max(60), 0);
    f
}

#[test]
fn who_is_i_am_and_read_property_over_ethernet() {
    // NPDU to every network (DNET 0xFFFF), then the APDU.
    let global = [0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF];
    let who_is = [&global[..], &[0x10, 0x08]].concat();
    // I-Am: device 123, max APDU 480, no segmentation, vendor 15.
    let i_am = [
        &global[..],
        &[
            0x10, 0x00, 0xC4, 0x02, 0x00, 0x00, 0x7B, 0x22, 0x01, 0xE0, 0x91, 0x00, 0x21, 0x0F,
        ],
    ]
    .concat();
    // ReadProperty object-name of device 123, a reply expected.
    let read_property = [
        0x01, 0x04, 0x00, 0x05, 0x01, 0x0C, 0x0C, 0x02, 0x00, 0x00, 0x7B, 0x19, 0x4D,
    ];
    let frames = vec![
        frame(BROADCAST, WORKSTATION, &who_is),
        frame(BROADCAST, CONTROLLER, &i_am),
        frame(CONTROLLER, WORKSTATION, &read_property),
        // Spanning tree (SAP 0x42) is no BACnet: not dissected, not malformed.
        llc_frame(
            [0x01, 0x80, 0xc2, 0, 0, 0],
            CONTROLLER,
            [0x42, 0x42, 0x03],
            &[0x00, 0x00, 0x00, 0x00],
        ),
    ];
    let whole = digest_capture_bytes(&pcap_of(&frames, 1000), AnalyzerConfig::default()).unwrap();
    let mut ops = BTreeMap::new();
    for o in whole.minutes.iter().flat_map(|m| &m.operations) {
        assert_eq!(o.protocol, Protocol::Bacnet);
        *ops.entry((
            o.name.as_str(),
            o.direction.as_str(),
            o.client_mac.map(|m| m.0),
        ))
        .or_insert(0) += o.count;
    }
    assert_eq!(
        ops,
        BTreeMap::from([
            (("i_am", "response", Some(BROADCAST)), 1),
            (("read_property", "request", Some(WORKSTATION)), 1),
            (("who_is", "request", Some(WORKSTATION)), 1),
        ])
    );
    let ids: Vec<_> = whole
        .minutes
        .iter()
        .flat_map(|m| &m.identities)
        .filter(|i| i.source == "bacnet_i_am")
        .map(|i| (i.mac.map(|m| m.0), i.attribute.as_str(), i.value.as_str()))
        .collect();
    assert_eq!(
        ids,
        vec![
            (Some(CONTROLLER), "device_instance", "123"),
            (Some(CONTROLLER), "vendor_id", "15"),
        ]
    );
    common::assert_nothing_malformed(&whole);
}
