//! Industrial protocol dissectors, one module per protocol.
//!
//! The packet layer (flows, TCP reassembly) calls [`classify`] once per flow
//! and then hands each direction's bytes to [`dissect`].
//!
//! Each protocol lives in its own folder (`codes.rs` for function codes,
//! `parser.rs` for pure parsing, `mod.rs` turning parsed messages into
//! [`Operation`]s); see `README.md` beside this file for what each decodes.

pub mod ads;
pub mod bacnet;
pub mod ber;
pub mod c37118;
pub mod cclink;
pub mod common;
pub mod dnp3;
pub mod enip;
pub mod fins;
pub mod goose;
pub mod harness;
pub mod iec104;
pub mod melsec;
pub mod mms;
pub mod modbus;
pub mod opcua;
pub mod profinet;
pub mod s7comm;
pub mod sv;

#[cfg(test)]
mod fuzz;

use crate::operation::{IdentityObservation, Operation, Protocol};

/// The layer the payload came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// Reassembled bytes of one direction of a TCP connection.
    TcpStream,
    /// One UDP datagram's payload.
    UdpDatagram,
    /// An Ethernet frame's payload after the EtherType (e.g. PROFINET 0x8892).
    Ethernet { ethertype: u16 },
    /// An 802.3 frame's payload after its 802.2 LLC header, addressed to the
    /// service access point `sap` (0x82: BACnet, ASHRAE 135 clause 7).
    Llc { sap: u8 },
}

/// Where a payload is going; `to_server` is true when the destination is the well-known side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayloadContext {
    pub carrier: Carrier,
    pub src_port: u16,
    pub dst_port: u16,
    pub to_server: bool,
}

impl PayloadContext {
    /// A layer-2 frame's context: no ports, the sender counted as the client.
    pub fn ethernet(ethertype: u16) -> PayloadContext {
        PayloadContext {
            carrier: Carrier::Ethernet { ethertype },
            src_port: 0,
            dst_port: 0,
            to_server: true,
        }
    }

    /// True when either port is `port`.
    pub fn has_port(&self, port: u16) -> bool {
        self.src_port == port || self.dst_port == port
    }
}

/// What a call to [`dissect`] produced.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DissectOutput {
    pub operations: Vec<Operation>,
    pub identities: Vec<IdentityObservation>,
    /// Messages that could not be parsed (counted per protocol by the caller).
    pub malformed: u32,
}

/// Counters layer-2 publishers carry in every frame, whose meaning shows
/// only across frames (`analyzer::publishers` follows them). A dissector
/// keeps no state, so the analyzer asks for them apart
/// ([`publisher_counter`]), for the few protocols that have one, and the
/// path every other payload takes stays as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublisherCounter {
    /// GOOSE: the control block (APPID, a hash of its gocbRef, and whether
    /// the frame is a simulation), the state number, the sequence number
    /// within that state, and how long a subscriber waits for the next
    /// frame (0: not said).
    GooseState {
        appid: u16,
        control_block: u64,
        simulation: bool,
        st_num: u32,
        sq_num: u32,
        time_allowed_to_live_ms: u32,
    },
    /// PROFINET IO cyclic data: the FrameID and the APDU status's cycle
    /// counter, which counts in units of 31.25 µs.
    ProfinetCycle { frame_id: u16, cycle_counter: u16 },
}

#[cfg(test)]
impl DissectOutput {
    /// The identities as (attribute, value) pairs, in order: what a
    /// dissector's tests compare.
    pub(crate) fn identity_pairs(&self) -> Vec<(&str, &str)> {
        self.identities
            .iter()
            .map(|i| (i.attribute.as_ref(), i.value.as_str()))
            .collect()
    }
}

/// Result of dissecting a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consumed {
    /// Bytes at the front of `data` that were whole messages (or skipped garbage) and can be dropped.
    pub bytes: usize,
}

/// Well-known ports and the protocol each carries.
pub mod ports {
    pub const MODBUS: u16 = 502;
    pub const ENIP: u16 = 44818;
    pub const ENIP_IO: u16 = 2222;
    pub const S7COMM: u16 = 102;
    pub const BACNET: u16 = 47808;
    pub const DNP3: u16 = 20000;
    pub const IEC104: u16 = 2404;
    pub const FINS: u16 = 9600;
}

/// BACnet/IP's alternative UDP ports 0xBAC1-0xBACF (47809-47823).
fn bacnet_alt_port(p: u16) -> bool {
    (ports::BACNET + 1..=ports::BACNET + 15).contains(&p)
}

/// Decide which protocol a flow speaks from its ports and its first payload bytes.
/// Returns `None` when it is no industrial protocol we know.
pub fn classify(ctx: &PayloadContext, first_payload: &[u8]) -> Option<Protocol> {
    if let Carrier::Llc { sap } = ctx.carrier {
        return (sap == bacnet::LLC_SAP).then_some(Protocol::Bacnet);
    }
    if let Carrier::Ethernet { ethertype } = ctx.carrier {
        return match ethertype {
            profinet::ETHERTYPE => match first_payload.first_chunk::<2>() {
                Some(id) if !profinet::codes::is_dcp_frame(u16::from_be_bytes(*id)) => {
                    Some(Protocol::ProfinetIo)
                }
                _ => Some(Protocol::ProfinetDcp),
            },
            goose::codes::ETHERTYPE => Some(Protocol::Goose),
            sv::codes::ETHERTYPE => Some(Protocol::SampledValues),
            cclink::codes::ETHERTYPE => Some(Protocol::CclinkIe),
            _ => None,
        };
    }
    let tcp = ctx.carrier == Carrier::TcpStream;
    let b = first_payload;
    // Well-known ports, confirmed by the first bytes so that an ephemeral client port
    // that happens to be 20000 or 9600 does not turn a web session into "malformed" DNP3.
    let starts =
        |prefix: &[u8]| b.len() < prefix.len() && prefix.starts_with(b) || b.starts_with(prefix);
    if tcp && ctx.has_port(ports::MODBUS) && modbus_like(b) {
        return Some(Protocol::Modbus);
    }
    if ctx.has_port(ports::ENIP) && enip_like(b) || !tcp && ctx.has_port(ports::ENIP_IO) {
        return Some(Protocol::Enip);
    }
    if tcp && ctx.has_port(ports::S7COMM) && starts(&[0x03, 0x00]) {
        return Some(Protocol::S7comm);
    }
    if !tcp
        && (ctx.has_port(ports::BACNET)
            || bacnet_alt_port(ctx.src_port)
            || bacnet_alt_port(ctx.dst_port))
        && b.first() == Some(&0x81)
    {
        return Some(Protocol::Bacnet);
    }
    if ctx.has_port(ports::DNP3) && starts(&[0x05, 0x64]) {
        return Some(Protocol::Dnp3);
    }
    if tcp && ctx.has_port(ports::IEC104) && starts(&[0x68]) {
        return Some(Protocol::Iec104);
    }
    if (tcp && ctx.has_port(ads::TCP_PORT) && ads_tcp_like(b))
        || (!tcp && ctx.has_port(ads::UDP_PORT) && starts(&ads::parser::UDP_MAGIC))
    {
        return Some(Protocol::Ads);
    }
    if (ctx.has_port(c37118::PORT) || (!tcp && ctx.has_port(c37118::UDP_DATA_PORT)))
        && c37118::parser::looks_like_frame(b)
    {
        return Some(Protocol::C37118);
    }
    if ctx.has_port(ports::FINS)
        && (if tcp {
            starts(b"FINS")
        } else {
            b.len() >= 12 && b[0] & 0x3E == 0
        })
    {
        return Some(Protocol::Fins);
    }
    // PROFINET IO context management: connectionless DCE/RPC (version 4).
    if !tcp && ctx.has_port(profinet::rpc::PORT) && b.first() == Some(&4) {
        return Some(Protocol::ProfinetIo);
    }
    // CC-Link IE TSN link management: its own SLMP subheaders on its ports.
    if !tcp
        && cclink::parser::TSN_PORTS.iter().any(|&p| ctx.has_port(p))
        && (starts(&cclink::codes::TSN_REQUEST) || starts(&cclink::codes::TSN_RESPONSE))
    {
        return Some(Protocol::CclinkIe);
    }
    // CC-Link IE Field Basic: SLMP-framed cyclic data on its own ports.
    if !tcp
        && cclink::parser::BASIC_PORTS.iter().any(|&p| ctx.has_port(p))
        && melsec::looks_like_slmp(b)
    {
        return Some(Protocol::CclinkIe);
    }
    // Found by content on any port.
    if tcp && (ctx.has_port(opcua::PORT) || opcua::looks_like_opcua(b)) {
        return Some(Protocol::OpcUa);
    }
    if (tcp && ctx.has_port(melsec::MELSOFT_TCP_PORT))
        || (!tcp && ctx.has_port(melsec::MELSOFT_UDP_PORT))
        || melsec::parser::looks_like_melsoft(b)
        || melsec::looks_like_slmp(b)
    {
        return Some(Protocol::Melsec);
    }
    None
}

/// An MBAP header (protocol id 0, sane length), or a prefix of one.
fn modbus_like(b: &[u8]) -> bool {
    let pid_ok = b.len() < 4 || b[2..4] == [0, 0];
    let len_ok =
        common::be16_at(b, 4).is_none_or(|l| (1..=modbus::parser::MAX_MBAP_LENGTH).contains(&l));
    pid_ok && len_ok
}

/// An AMS/TCP header (reserved 0, or a port-connect / router command) whose
/// length leaves room for an AMS header, or a prefix of one.
fn ads_tcp_like(b: &[u8]) -> bool {
    let reserved_ok = common::le16_at(b, 0).is_none_or(|r| matches!(r, 0 | 0x1000 | 0x1001))
        && b.first().is_none_or(|&r| r == 0);
    let len_ok = common::le32_at(b, 2).is_none_or(|l| {
        (l as usize) <= ads::parser::MAX_AMS_LEN
            && (common::le16_at(b, 0) != Some(0) || l as usize >= ads::parser::AMS_HEADER_LEN)
    });
    reserved_ok && len_ok
}

/// An encapsulation header with a known command (or a prefix of one), or
/// any command of the specification's range whose whole 24-byte header
/// holds together: a session may open with a legacy or rarely used command
/// such as 0x0001.
fn enip_like(b: &[u8]) -> bool {
    let Some(command) = common::le16_at(b, 0) else {
        return true;
    };
    if enip::codes::Command(command).name().is_some() {
        return true;
    }
    // Commands above 0x00C7 are reserved for the future; the options field
    // is always zero; statuses are 16-bit codes in a 32-bit field.
    let options = common::le32_at(b, 20);
    let status = common::le32_at(b, 8);
    command <= enip::codes::LAST_DEFINED_COMMAND
        && options == Some(0)
        && status.is_some_and(|s| s <= 0xFFFF)
}

/// Dissect every complete message at the front of `data`. For TCP streams a
/// trailing partial message is left unconsumed so the caller can append more bytes.
/// Never panics on any input.
/// The counter a layer-2 frame of `protocol` carries, if it has one: GOOSE
/// state numbers, PROFINET IO cyclic data's cycle counter.
pub fn publisher_counter(protocol: Protocol, data: &[u8]) -> Option<PublisherCounter> {
    match protocol {
        Protocol::Goose => goose::publisher_counter(data),
        Protocol::ProfinetIo => profinet::io::publisher_counter(data),
        _ => None,
    }
}

pub fn dissect(
    protocol: Protocol,
    ctx: &PayloadContext,
    data: &[u8],
    out: &mut DissectOutput,
) -> Consumed {
    let bytes = match protocol {
        Protocol::Modbus => modbus::dissect(ctx, data, out),
        Protocol::Bacnet => bacnet::dissect(ctx, data, out),
        Protocol::Dnp3 => dnp3::dissect(ctx, data, out),
        Protocol::Iec104 => iec104::dissect(ctx, data, out),
        Protocol::Fins => fins::dissect(ctx, data, out),
        Protocol::Melsec => melsec::dissect(ctx, data, out),
        Protocol::OpcUa => opcua::dissect(ctx, data, out),
        Protocol::ProfinetDcp => profinet::dissect(ctx, data, out),
        Protocol::ProfinetIo => match ctx.carrier {
            Carrier::Ethernet { .. } => profinet::io::dissect(ctx, data, out),
            _ => profinet::rpc::dissect(ctx, data, out),
        },
        Protocol::Ads => ads::dissect(ctx, data, out),
        Protocol::C37118 => c37118::dissect(ctx, data, out),
        Protocol::Goose => goose::dissect(ctx, data, out),
        Protocol::SampledValues => sv::dissect(ctx, data, out),
        Protocol::CclinkIe => cclink::dissect(ctx, data, out),
        Protocol::Enip | Protocol::Cip => enip::dissect(ctx, data, out),
        // One ISO-on-TCP reassembler; each TSDU goes to S7comm or MMS by content.
        Protocol::S7comm | Protocol::S7commPlus | Protocol::Mms => s7comm::dissect(ctx, data, out),
    };
    Consumed {
        bytes: bytes.min(data.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(src_port: u16, dst_port: u16) -> PayloadContext {
        PayloadContext {
            carrier: Carrier::TcpStream,
            src_port,
            dst_port,
            to_server: true,
        }
    }

    fn udp(src_port: u16, dst_port: u16) -> PayloadContext {
        PayloadContext {
            carrier: Carrier::UdpDatagram,
            src_port,
            dst_port,
            to_server: true,
        }
    }

    #[test]
    fn classify_by_port_confirmed_by_content() {
        let mbap = [
            0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x00, 0x00, 0x01,
        ];
        assert_eq!(classify(&tcp(40000, 502), &mbap), Some(Protocol::Modbus));
        assert_eq!(
            classify(&tcp(40000, 20000), &[0x05, 0x64, 0x05, 0xC0]),
            Some(Protocol::Dnp3)
        );
        assert_eq!(
            classify(&tcp(40000, 102), &[0x03, 0x00, 0x00, 0x16]),
            Some(Protocol::S7comm)
        );
        assert_eq!(
            classify(&tcp(40000, 2404), &[0x68, 0x04, 0x07, 0, 0, 0]),
            Some(Protocol::Iec104)
        );
        assert_eq!(
            classify(&udp(47808, 47808), &[0x81, 0x0B, 0x00, 0x0C]),
            Some(Protocol::Bacnet)
        );
        assert_eq!(
            classify(&udp(50000, 44818), &[0x63, 0x00]),
            Some(Protocol::Enip)
        );
        // A TLS client hello from an ephemeral port that happens to be 20000 or 9600.
        let tls = [
            0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03, 0x00,
        ];
        assert_eq!(classify(&tcp(20000, 443), &tls), None);
        assert_eq!(classify(&tcp(9600, 443), &tls), None);
        assert_eq!(classify(&tcp(502, 443), &tls), None);
    }

    #[test]
    fn classify_by_content_on_any_port() {
        let hel = [b'H', b'E', b'L', b'F', 0x20, 0x00, 0x00, 0x00];
        assert_eq!(classify(&tcp(50000, 12001), &hel), Some(Protocol::OpcUa));
        let slmp = melsec::parser::tests::BATCH_READ_D100;
        assert_eq!(classify(&tcp(50000, 5002), &slmp), Some(Protocol::Melsec));
        let pn = PayloadContext {
            carrier: Carrier::Ethernet { ethertype: 0x8892 },
            src_port: 0,
            dst_port: 0,
            to_server: true,
        };
        assert_eq!(classify(&pn, &[0xFE, 0xFE]), Some(Protocol::ProfinetDcp));
        assert_eq!(classify(&tcp(50000, 8080), b"GET / HTTP/1.1\r\n"), None);
    }

    #[test]
    fn classify_ads_c37118_and_goose() {
        let ams = ads::parser::tests::READ_STATE_REQ;
        assert_eq!(classify(&tcp(50000, 48898), &ams), Some(Protocol::Ads));
        assert_eq!(classify(&tcp(50000, 48898), &ams[..3]), Some(Protocol::Ads));
        let route = ads::parser::tests::ADD_ROUTE_REQ;
        assert_eq!(classify(&udp(48899, 48899), &route), Some(Protocol::Ads));
        let cmd = c37118::parser::tests::SEND_CFG2;
        assert_eq!(classify(&tcp(36835, 4712), &cmd), Some(Protocol::C37118));
        assert_eq!(classify(&udp(50000, 4713), &cmd), Some(Protocol::C37118));
        let goose = PayloadContext {
            carrier: Carrier::Ethernet { ethertype: 0x88B8 },
            src_port: 0,
            dst_port: 0,
            to_server: true,
        };
        assert_eq!(classify(&goose, &[0x30, 0x01]), Some(Protocol::Goose));
        let sv = PayloadContext {
            carrier: Carrier::Ethernet { ethertype: 0x88BA },
            ..goose
        };
        assert_eq!(classify(&sv, &[0x40, 0x00]), Some(Protocol::SampledValues));
        let llc = |sap| PayloadContext {
            carrier: Carrier::Llc { sap },
            ..goose
        };
        assert_eq!(classify(&llc(0x82), &[0x01, 0x20]), Some(Protocol::Bacnet));
        assert_eq!(classify(&llc(0x42), &[0x00]), None); // spanning tree
        let pn = PayloadContext {
            carrier: Carrier::Ethernet { ethertype: 0x8892 },
            ..goose
        };
        assert_eq!(classify(&pn, &[0xFE, 0xFE]), Some(Protocol::ProfinetDcp));
        assert_eq!(classify(&pn, &[0x80, 0x01]), Some(Protocol::ProfinetIo));
        assert_eq!(classify(&pn, &[0xFC, 0x01]), Some(Protocol::ProfinetIo));
        assert_eq!(
            classify(&udp(49152, 34964), &[4, 0]),
            Some(Protocol::ProfinetIo)
        );
        assert_eq!(classify(&udp(49152, 34964), &[5, 0]), None);
        // Other traffic on those ports stays unclassified.
        let tls = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01];
        assert_eq!(classify(&tcp(48898, 443), &tls), None);
        assert_eq!(classify(&tcp(4712, 443), &tls), None);
        assert_eq!(classify(&udp(48899, 53), &tls), None);
        // An AMS/TCP length too short for an AMS header is not ADS.
        assert_eq!(classify(&tcp(50000, 48898), &[0, 0, 4, 0, 0, 0]), None);
    }

    /// A 24-byte encapsulation header: command, body length, session,
    /// status, sender context, options.
    fn encap(command: u16, body: &[u8], status: u32, options: u32) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&command.to_le_bytes());
        m.extend_from_slice(&(body.len() as u16).to_le_bytes());
        m.extend_from_slice(&0x1234_5678u32.to_le_bytes());
        m.extend_from_slice(&status.to_le_bytes());
        m.extend_from_slice(&[0; 8]);
        m.extend_from_slice(&options.to_le_bytes());
        m.extend_from_slice(body);
        m
    }

    #[test]
    fn classify_cclink_ie_and_iso_on_tcp_for_mms() {
        let field = PayloadContext {
            carrier: Carrier::Ethernet { ethertype: 0x890F },
            src_port: 0,
            dst_port: 0,
            to_server: true,
        };
        assert_eq!(classify(&field, &[0x26, 0x04]), Some(Protocol::CclinkIe));
        // Field Basic: an SLMP 3E request on UDP 61450 is CC-Link IE, the
        // same frame on another UDP port MELSEC.
        let basic = cclink::parser::tests::basic_request();
        assert_eq!(
            classify(&udp(61450, 61450), &basic),
            Some(Protocol::CclinkIe)
        );
        assert_eq!(classify(&udp(5000, 5001), &basic), Some(Protocol::Melsec));
        // TSN link management by subheader on its ports only.
        let tsn = cclink::parser::tests::TSN_SLAVE_CONFIG;
        assert_eq!(classify(&udp(45238, 45238), &tsn), Some(Protocol::CclinkIe));
        assert_eq!(classify(&udp(45238, 53), &[0x16, 0x03, 0x01]), None);
        assert_eq!(classify(&udp(5000, 5001), &tsn), None);
        // TCP 102 starts as S7comm (its COTP connect says nothing more); the
        // TSDUs decide, MMS ones reporting `Mms` operations.
        let cr = [0x03, 0x00, 0x00, 0x0B, 0x06, 0xE0, 0, 0, 0, 1, 0];
        assert_eq!(classify(&tcp(50000, 102), &cr), Some(Protocol::S7comm));
        let stop = mms::parser::tests::in_tpkt(mms::parser::tests::STOP_REQ);
        let mut out = DissectOutput::default();
        let used = dissect(Protocol::S7comm, &tcp(50000, 102), &stop, &mut out);
        assert_eq!(used.bytes, stop.len());
        assert_eq!(out.operations[0].protocol, Protocol::Mms);
        assert_eq!(out.operations[0].name, "stop");
    }

    #[test]
    fn an_enip_session_opening_with_a_legacy_command_is_enip() {
        let legacy = encap(0x0001, &[], 0, 0);
        assert_eq!(classify(&tcp(50000, 44818), &legacy), Some(Protocol::Enip));
        // Then dissected like any other: one operation named by its code.
        let mut out = DissectOutput::default();
        let consumed = dissect(Protocol::Enip, &tcp(50000, 44818), &legacy, &mut out);
        assert_eq!(consumed.bytes, legacy.len());
        assert_eq!(out.malformed, 0);
        assert_eq!(out.operations.len(), 1);
        assert_eq!(out.operations[0].function_code, 1);
        assert_eq!(out.operations[0].name, "unknown_0x01");
        // Not every byte string on the port: options must be zero, the
        // command in the specification's range, the header complete.
        assert_eq!(
            classify(&tcp(50000, 44818), &encap(0x0001, &[], 0, 1)),
            None
        );
        assert_eq!(
            classify(&tcp(50000, 44818), &encap(0x1603, &[], 0, 0)),
            None
        );
        assert_eq!(classify(&tcp(50000, 44818), &legacy[..12]), None);
        assert_eq!(
            classify(&tcp(50000, 44818), &encap(0x0001, &[], 0x0001_0000, 0)),
            None
        );
    }
}
