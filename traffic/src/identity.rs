//! Device identity learned at the packet layer: DHCP host names and vendor
//! classes, NetBIOS, mDNS and LLMNR names, and passive OS hints from the IP
//! TTL and TCP SYN options. (MAC vendors come from [`crate::oui`]; industrial
//! protocols report their own identities through the dissectors.)
//!
//! Every parser here reads untrusted bytes with bounds checks and bounded loops.

use crate::ethernet::MacAddr;
use crate::transport::{TcpOption, TcpSlice};
use std::borrow::Cow;
use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One fact about the device at `mac` / `ip`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fact {
    pub mac: Option<MacAddr>,
    pub ip: Option<IpAddr>,
    /// The VLAN of the frame that told it (the analyzer sets it): with the
    /// IP address, which device it is about.
    pub vlan: Option<u16>,
    pub source: Cow<'static, str>,
    pub attribute: Cow<'static, str>,
    pub value: String,
}

/// Longest identity string kept; longer values are cut.
pub const MAX_VALUE_LEN: usize = 128;

/// Makes a wire string safe to store and show: lossy UTF-8, control characters
/// dropped, trailing NULs and spaces trimmed, length bounded.
pub fn clean_text(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    let mut out: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_VALUE_LEN)
        .collect();
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// UDP ports whose payloads [`udp_facts`] understands.
pub fn is_identity_port(src: u16, dst: u16) -> bool {
    matches!(src, 67 | 68 | 137 | 5353 | 5355) || matches!(dst, 67 | 68 | 137 | 5353 | 5355)
}

/// Identity facts from a UDP datagram, chosen by port.
pub fn udp_facts(
    src_mac: Option<MacAddr>,
    src_ip: IpAddr,
    src_port: u16,
    dst_port: u16,
    payload: &[u8],
    out: &mut Vec<Fact>,
) {
    if dst_port == 67 && src_port == 68 {
        dhcp_request(payload, out);
    } else if src_port == 137 || dst_port == 137 {
        netbios_ns(payload, src_mac, src_ip, out);
    } else if src_port == 5353 || dst_port == 5353 {
        dns_answers(payload, "mdns", src_mac, src_ip, out);
    } else if src_port == 5355 {
        dns_answers(payload, "llmnr", src_mac, src_ip, out);
    }
}

/// DHCP client messages: option 12 (host name), 60 (vendor class), 81 (client FQDN).
/// The device is the client hardware address; its IP is `ciaddr` or the requested address.
pub fn dhcp_request(p: &[u8], out: &mut Vec<Fact>) {
    const OPTIONS_AT: usize = 240;
    if p.len() < OPTIONS_AT || p[0] != 1 || p[236..240] != [99, 130, 83, 99] {
        return;
    }
    let mac = (p[1] == 1 && p[2] == 6).then(|| MacAddr::from_slice6(&p[28..34]));
    let ciaddr = Ipv4Addr::new(p[12], p[13], p[14], p[15]);
    let mut ip = (!ciaddr.is_unspecified()).then_some(IpAddr::V4(ciaddr));
    let mut found: [Option<(&'static str, &[u8])>; 3] = [None; 3];
    let mut opts = &p[OPTIONS_AT..];
    while let Some((&code, rest)) = opts.split_first() {
        match code {
            0 => {
                opts = rest;
                continue;
            }
            255 => break,
            _ => {}
        }
        let Some((&len, rest)) = rest.split_first() else {
            break;
        };
        let len = usize::from(len);
        if rest.len() < len {
            break;
        }
        let value = &rest[..len];
        match code {
            12 => found[0] = Some(("hostname", value)),
            60 => found[1] = Some(("vendor_class", value)),
            // Client FQDN: flags, two obsolete rcodes, then the name (ASCII when the E flag is clear).
            81 if len > 3 && value[0] & 0x04 == 0 => found[2] = Some(("fqdn", &value[3..])),
            50 if len == 4 && ip.is_none() => {
                ip = Some(IpAddr::V4(Ipv4Addr::new(
                    value[0], value[1], value[2], value[3],
                )))
            }
            _ => {}
        }
        opts = &rest[len..];
    }
    for (attribute, raw) in found.into_iter().flatten() {
        let value = clean_text(raw);
        if !value.is_empty() {
            out.push(Fact {
                vlan: None,
                mac,
                ip,
                source: "dhcp".into(),
                attribute: attribute.into(),
                value,
            });
        }
    }
}

/// Reads a (possibly compressed) DNS name at `at`; returns it and the offset after it.
fn dns_name(msg: &[u8], mut at: usize, name: &mut String) -> Option<usize> {
    let mut end = None;
    for _ in 0..32 {
        let len = *msg.get(at)?;
        match len {
            0 => return Some(end.unwrap_or(at + 1)),
            l if l & 0xc0 == 0xc0 => {
                let ptr = usize::from(u16::from_be_bytes([l, *msg.get(at + 1)?]) & 0x3fff);
                end.get_or_insert(at + 2);
                at = ptr;
            }
            l if l & 0xc0 == 0 => {
                let l = usize::from(l);
                let label = msg.get(at + 1..at + 1 + l)?;
                if !name.is_empty() {
                    name.push('.');
                }
                name.push_str(&String::from_utf8_lossy(label));
                if name.len() > 255 {
                    return None;
                }
                at += 1 + l;
            }
            _ => return None,
        }
    }
    None
}

/// Decodes a NetBIOS first-level encoded name ("FEEFFD..." → "NAME", suffix).
fn netbios_decode(encoded: &str) -> Option<(String, u8)> {
    let label = encoded.split('.').next()?;
    let b = label.as_bytes();
    if b.len() != 32 {
        return None;
    }
    let mut raw = [0u8; 16];
    for (i, pair) in b.chunks(2).enumerate() {
        let hi = pair[0].checked_sub(b'A')?;
        let lo = pair[1].checked_sub(b'A')?;
        if hi > 15 || lo > 15 {
            return None;
        }
        raw[i] = (hi << 4) | lo;
    }
    let name = clean_text(&raw[..15]);
    (!name.is_empty()).then_some((name, raw[15]))
}

/// Iterates the resource records after the question section: (name, type, rdata).
fn dns_records(msg: &[u8], mut visit: impl FnMut(String, u16, &[u8])) {
    if msg.len() < 12 {
        return;
    }
    let qd = usize::from(u16::from_be_bytes([msg[4], msg[5]]));
    let rr = [6, 8, 10]
        .iter()
        .map(|&i| usize::from(u16::from_be_bytes([msg[i], msg[i + 1]])))
        .sum::<usize>();
    let mut at = 12;
    let mut scratch = String::new();
    for _ in 0..qd.min(16) {
        scratch.clear();
        let Some(next) = dns_name(msg, at, &mut scratch) else {
            return;
        };
        at = next + 4;
    }
    for _ in 0..rr.min(32) {
        let mut name = String::new();
        let Some(next) = dns_name(msg, at, &mut name) else {
            return;
        };
        let Some(fixed) = msg.get(next..next + 10) else {
            return;
        };
        let rtype = u16::from_be_bytes([fixed[0], fixed[1]]);
        let rdlen = usize::from(u16::from_be_bytes([fixed[8], fixed[9]]));
        let Some(rdata) = msg.get(next + 10..next + 10 + rdlen) else {
            return;
        };
        visit(name, rtype, rdata);
        at = next + 10 + rdlen;
    }
}

/// NetBIOS name service: names registered or refreshed by the sender, and names
/// in positive query responses (which belong to the address in the answer).
pub fn netbios_ns(msg: &[u8], src_mac: Option<MacAddr>, src_ip: IpAddr, out: &mut Vec<Fact>) {
    if msg.len() < 12 {
        return;
    }
    let flags = u16::from_be_bytes([msg[2], msg[3]]);
    let response = flags & 0x8000 != 0;
    let opcode = (flags >> 11) & 0x0f;
    let registering = !response && matches!(opcode, 5 | 8 | 9);
    let answering = response && opcode == 0 && flags & 0x000f == 0;
    if !registering && !answering {
        return;
    }
    // Registrations carry the name in the question and again in an additional record.
    let mut seen_names = Vec::new();
    dns_records(msg, |name, rtype, rdata| {
        // NB record: flags (G bit = group name), then IPv4 address.
        if rtype != 0x20 || rdata.len() < 6 {
            return;
        }
        let Some((nb, suffix)) = netbios_decode(&name) else {
            return;
        };
        let group = rdata[0] & 0x80 != 0;
        let ip = IpAddr::V4(Ipv4Addr::new(rdata[2], rdata[3], rdata[4], rdata[5]));
        let attribute = match (group, suffix) {
            (false, 0x00 | 0x20) => "netbios_name",
            (true, 0x00 | 0x1e) | (false, 0x1d) | (true, 0x1c) => "netbios_group",
            _ => return,
        };
        if seen_names.contains(&(nb.clone(), attribute)) {
            return;
        }
        seen_names.push((nb.clone(), attribute));
        out.push(Fact {
            vlan: None,
            mac: if ip == src_ip { src_mac } else { None },
            ip: Some(ip),
            source: "netbios_ns".into(),
            attribute: attribute.into(),
            value: nb,
        });
    });
}

/// mDNS and LLMNR responses: A / AAAA records name the address in their data.
pub fn dns_answers(
    msg: &[u8],
    source: &'static str,
    src_mac: Option<MacAddr>,
    src_ip: IpAddr,
    out: &mut Vec<Fact>,
) {
    if msg.len() < 12 || msg[2] & 0x80 == 0 {
        return;
    }
    dns_records(msg, |name, rtype, rdata| {
        let ip = match (rtype, rdata.len()) {
            (1, 4) => IpAddr::V4(Ipv4Addr::new(rdata[0], rdata[1], rdata[2], rdata[3])),
            (28, 16) => {
                let mut a = [0u8; 16];
                a.copy_from_slice(rdata);
                IpAddr::V6(Ipv6Addr::from(a))
            }
            _ => return,
        };
        let value = clean_text(name.as_bytes());
        if value.is_empty() || out.iter().any(|f| f.ip == Some(ip) && f.value == value) {
            return;
        }
        out.push(Fact {
            vlan: None,
            mac: if ip == src_ip { src_mac } else { None },
            ip: Some(ip),
            source: source.into(),
            attribute: "hostname".into(),
            value,
        });
    });
}

/// The usual initial TTL a packet with this observed TTL started from.
pub fn initial_ttl(observed: u8) -> u8 {
    match observed {
        0..=32 => 32,
        33..=64 => 64,
        65..=128 => 128,
        _ => 255,
    }
}

/// Operating-system family suggested by an initial TTL.
pub fn os_hint_from_ttl(initial: u8) -> &'static str {
    match initial {
        32 => "legacy_or_embedded",
        64 => "linux_unix_like",
        128 => "windows",
        _ => "network_gear_or_rtos",
    }
}

/// A p0f-style signature of a SYN or SYN-ACK (initial TTL, window, option layout)
/// and the OS family it suggests, if any.
pub fn tcp_fingerprint(tcp: &TcpSlice<'_>, ttl: u8) -> (String, Option<&'static str>) {
    let init = initial_ttl(ttl);
    let mut sig = String::with_capacity(48);
    let _ = write!(sig, "{}:{}:", init, tcp.window());
    let (mut has_ts, mut has_ws, mut count) = (false, false, 0);
    for (i, opt) in tcp.options().enumerate() {
        let Ok(opt) = opt else { break };
        if i > 0 {
            sig.push(',');
        }
        sig.push(opt.code());
        count += 1;
        match opt {
            TcpOption::MaxSegmentSize(m) => {
                let _ = write!(sig, "{m}");
            }
            TcpOption::WindowScale(w) => {
                has_ws = true;
                let _ = write!(sig, "{w}");
            }
            TcpOption::Timestamp { .. } => has_ts = true,
            TcpOption::Other { kind, .. } => {
                let _ = write!(sig, "{kind}");
            }
            _ => {}
        }
    }
    let hint = match (init, has_ts, has_ws, count) {
        (64, true, true, _) => Some("linux_unix_like"),
        (128, false, true, _) => Some("windows"),
        (128, true, true, _) => Some("windows"),
        // A lone MSS (or nothing) is the mark of small embedded TCP stacks (PLCs, RTUs).
        (_, false, false, 0..=1) => Some("embedded_stack"),
        _ => None,
    };
    (sig, hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(a, b, c, d))
    }

    #[test]
    fn dhcp_hostname_and_vendor() {
        let mut p = vec![0u8; 240];
        p[0] = 1; // op: BOOTREQUEST
        p[1] = 1; // htype: Ethernet
        p[2] = 6; // hlen
        p[28..34].copy_from_slice(&[0x00, 0x80, 0xf4, 0x01, 0x02, 0x03]); // chaddr
        p[236..240].copy_from_slice(&[99, 130, 83, 99]); // magic cookie
        p.extend_from_slice(&[53, 1, 3]); // message type: request
        p.extend_from_slice(&[50, 4, 10, 0, 0, 7]); // requested IP 10.0.0.7
        p.extend_from_slice(&[12, 5, b'h', b'm', b'i', b'-', b'1']); // host name
        p.extend_from_slice(&[60, 8]); // vendor class
        p.extend_from_slice(b"MSFT 5.0");
        p.push(255); // end
        let mut out = vec![];
        dhcp_request(&p, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(
            (&*out[0].attribute, out[0].value.as_str()),
            ("hostname", "hmi-1")
        );
        assert_eq!(out[0].ip, Some(v4(10, 0, 0, 7)));
        assert_eq!(out[0].mac.unwrap().to_string(), "00:80:f4:01:02:03");
        assert_eq!(out[1].value, "MSFT 5.0");
        for cut in 0..p.len() {
            dhcp_request(&p[..cut], &mut vec![]);
        }
    }

    /// Encodes a NetBIOS name the way the wire does.
    fn nb_encode(name: &str, suffix: u8) -> Vec<u8> {
        let mut raw = [b' '; 16];
        raw[..name.len()].copy_from_slice(name.as_bytes());
        raw[15] = suffix;
        let mut v = vec![32u8];
        for b in raw {
            v.push(b'A' + (b >> 4));
            v.push(b'A' + (b & 0x0f));
        }
        v.push(0);
        v
    }

    #[test]
    fn netbios_registration() {
        let mut m = vec![
            0x12, 0x34, // transaction id
            0x29, 0x10, // flags: request, opcode 5 (registration), broadcast
            0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, // 1 question, 1 additional
        ];
        m.extend(nb_encode("ENG-WS", 0x00));
        m.extend_from_slice(&[0x00, 0x20, 0x00, 0x01]); // type NB, class IN
        m.extend_from_slice(&[0xc0, 0x0c]); // additional: pointer to the question name
        m.extend_from_slice(&[0x00, 0x20, 0x00, 0x01, 0x00, 0x04, 0x93, 0xe0]); // NB IN, TTL
        m.extend_from_slice(&[0x00, 0x06, 0x00, 0x00, 10, 0, 0, 5]); // rdlen 6: flags, 10.0.0.5
        let mut out = vec![];
        netbios_ns(&m, None, v4(10, 0, 0, 5), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (&*out[0].attribute, out[0].value.as_str()),
            ("netbios_name", "ENG-WS")
        );
        assert_eq!(out[0].ip, Some(v4(10, 0, 0, 5)));
        for cut in 0..m.len() {
            netbios_ns(&m[..cut], None, v4(10, 0, 0, 5), &mut vec![]);
        }
    }

    #[test]
    fn mdns_a_record() {
        let mut m = vec![
            0x00, 0x00, 0x84, 0x00, // id 0, flags: response, authoritative
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // 1 answer
            0x04, b'p', b'l', b'c', b'1', 0x05, b'l', b'o', b'c', b'a', b'l',
            0x00, // plc1.local
            0x00, 0x01, 0x80, 0x01, // type A, class IN (cache flush)
            0x00, 0x00, 0x00, 0x78, 0x00, 0x04, // TTL 120, rdlen 4
            192, 168, 0, 9, // address
        ];
        let mut out = vec![];
        dns_answers(&m, "mdns", None, v4(192, 168, 0, 9), &mut out);
        assert_eq!(out[0].value, "plc1.local");
        assert_eq!(out[0].ip, Some(v4(192, 168, 0, 9)));
        // A compression loop must end, not hang.
        m[12] = 0xc0;
        m[13] = 12;
        let mut out = vec![];
        dns_answers(&m, "mdns", None, v4(192, 168, 0, 9), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn ttl_and_syn_hints() {
        assert_eq!(
            (initial_ttl(57), initial_ttl(127), initial_ttl(250)),
            (64, 128, 255)
        );
        assert_eq!(os_hint_from_ttl(128), "windows");
        let syn = [
            0xc3, 0x50, 0x01, 0xf6, 0, 0, 0, 1, 0, 0, 0, 0, // ports, seq, ack
            0x70, 0x02, 0xfa, 0xf0, 0, 0, 0, 0, // offset 7, SYN, window 64240
            0x02, 0x04, 0x05, 0xb4, // MSS 1460
            0x01, 0x03, 0x03, 0x08, // NOP, window scale 8
        ];
        let tcp = TcpSlice::from_slice(&syn).unwrap();
        let (sig, hint) = tcp_fingerprint(&tcp, 128);
        assert_eq!(sig, "128:64240:M1460,N,W8");
        assert_eq!(hint, Some("windows"));
    }
}
