//! The human-readable inspection report: aligned plain-text tables.

use crate::report::Report;
use std::fmt::Write;

/// Renders the report for a terminal. Every string that came off the wire is
/// stripped of control characters first.
pub fn render_text(r: &Report) -> String {
    let mut o = String::new();
    let kv = |o: &mut String, k: &str, v: String| {
        let _ = writeln!(o, "{k:<10}{v}");
    };
    kv(
        &mut o,
        "File",
        format!(
            "{} ({}, {} bytes read)",
            clean(&r.file),
            r.format,
            r.file_bytes
        ),
    );
    let cut = if r.captured_bytes < r.bytes {
        format!(", {} captured", r.captured_bytes)
    } else {
        String::new()
    };
    kv(
        &mut o,
        "Packets",
        format!("{} ({} bytes on the wire{cut})", r.packets, r.bytes),
    );
    match &r.time {
        Some(t) => kv(
            &mut o,
            "Time",
            format!("{} .. {} ({})", t.first, t.last, duration(t.duration_s)),
        ),
        None => kv(&mut o, "Time", "-".into()),
    }
    if !r.link_types.is_empty() {
        let links: Vec<String> = r
            .link_types
            .iter()
            .map(|l| format!("{} {}", l.name, l.packets))
            .collect();
        kv(&mut o, "Links", links.join(", "));
    }
    let t = &r.traffic;
    kv(
        &mut o,
        "Traffic",
        format!(
            "IPv4 {}, IPv6 {}, ARP {}, TCP {}, UDP {}, fragments {}",
            t.ipv4_packets,
            t.ipv6_packets,
            t.arp_packets,
            t.tcp_packets,
            t.udp_packets,
            t.ip_fragments
        ),
    );
    if let Some(e) = &r.read_error {
        kv(
            &mut o,
            "WARNING",
            format!(
                "reading stopped after {} packets at byte {}: {}",
                e.after_packets,
                e.at_byte,
                clean(&e.message)
            ),
        );
    }

    // Hosts.
    let h = &r.hosts;
    let _ = writeln!(
        o,
        "\nHosts: {} IP, {} MAC{}",
        h.ips.len(),
        h.macs.len(),
        not_listed(h.not_listed)
    );
    if !h.ips.is_empty() {
        let rows = h
            .ips
            .iter()
            .map(|ip| {
                vec![
                    clean(&ip.ip) + if ip.group { " *" } else { "" },
                    join_or_dash(&ip.macs),
                    vendors(&ip.vendors),
                    ip.ttl.map_or("-".into(), |t| t.to_string()),
                    format!("{}/{}", ip.packets_sent, ip.packets_received),
                    format!("{}/{}", ip.bytes_sent, ip.bytes_received),
                    join_or_dash(&ip.names),
                ]
            })
            .collect();
        table(
            &mut o,
            &[
                "IP",
                "MAC",
                "vendor",
                "TTL",
                "pkts out/in",
                "bytes out/in",
                "names",
            ],
            &[false, false, false, true, true, true, false],
            rows,
        );
    }
    if !h.macs.is_empty() {
        let rows = h
            .macs
            .iter()
            .map(|m| {
                vec![
                    clean(&m.mac) + if m.group { " *" } else { "" },
                    m.vendor.as_deref().map_or("-".into(), clean),
                    join_or_dash(&m.ips),
                    format!("{}/{}", m.packets_sent, m.packets_received),
                    format!("{}/{}", m.bytes_sent, m.bytes_received),
                    join_or_dash(&m.names),
                ]
            })
            .collect();
        o.push('\n');
        table(
            &mut o,
            &[
                "MAC",
                "vendor",
                "IPs",
                "pkts out/in",
                "bytes out/in",
                "names",
            ],
            &[false, false, false, true, true, false],
            rows,
        );
    }
    if h.ips.iter().any(|i| i.group) || h.macs.iter().any(|m| m.group) {
        let _ = writeln!(o, "  (* broadcast or multicast)");
    }

    // Conversations.
    let c = &r.conversations;
    let _ = writeln!(
        o,
        "\nConversations: {} Ethernet, {} IP, {} TCP, {} UDP, {} other; {} services{}",
        c.ethernet,
        c.ip,
        c.tcp,
        c.udp,
        c.other,
        c.services,
        if c.flows_not_listed > 0 {
            format!(" (+{} flows in services not listed)", c.flows_not_listed)
        } else {
            String::new()
        }
    );
    if !c.top.is_empty() {
        let _ = writeln!(o, "  top {} by bytes:", c.top.len());
        let rows = c
            .top
            .iter()
            .map(|s| {
                let server = if s.server_port == 0 {
                    clean(&s.server_ip)
                } else if s.server_ip.contains(':') {
                    format!("[{}]:{}", clean(&s.server_ip), s.server_port)
                } else {
                    format!("{}:{}", clean(&s.server_ip), s.server_port)
                };
                vec![
                    clean(&s.client_ip),
                    "->".into(),
                    server,
                    s.transport.clone(),
                    s.protocol.clone().unwrap_or_else(|| "-".into()),
                    s.flows.to_string(),
                    format!("{}/{}", s.packets_to_server, s.packets_to_client),
                    s.bytes.to_string(),
                ]
            })
            .collect();
        table(
            &mut o,
            &[
                "client",
                "",
                "server",
                "transport",
                "protocol",
                "flows",
                "pkts c>s/s>c",
                "bytes",
            ],
            &[false, false, false, false, false, true, true, true],
            rows,
        );
    }

    // Operations.
    let ops = &r.operations;
    let _ = writeln!(o, "\nIndustrial operations: {}", ops.total);
    if ops.total > 0 {
        let _ = writeln!(o, "  by class: {}", classes(&ops.by_class));
    }
    for p in &ops.protocols {
        let _ = writeln!(
            o,
            "\n  {}: {} ({} requests, {} responses, {} errors; {} functions)",
            p.protocol, p.total, p.requests, p.responses, p.errors, p.distinct_functions
        );
        let _ = writeln!(o, "  by class: {}", classes(&p.by_class));
        let rows = p
            .top_functions
            .iter()
            .map(|f| {
                vec![
                    clean(&f.name),
                    f.function_code.to_string(),
                    f.class.clone(),
                    f.count.to_string(),
                    f.requests.to_string(),
                    f.responses.to_string(),
                    f.errors.to_string(),
                ]
            })
            .collect();
        table(
            &mut o,
            &[
                "function", "code", "class", "count", "req", "resp", "errors",
            ],
            &[false, true, false, true, true, true, true],
            rows,
        );
    }

    // Identities.
    let _ = writeln!(
        o,
        "\nIdentities: {}{}",
        r.identities.len(),
        not_listed(r.identities_not_listed)
    );
    if !r.identities.is_empty() {
        let rows = r
            .identities
            .iter()
            .map(|i| {
                vec![
                    i.ip.as_deref().map_or("-".into(), clean),
                    i.mac.as_deref().map_or("-".into(), clean),
                    clean(&i.source),
                    clean(&i.attribute),
                    clean(&i.value),
                ]
            })
            .collect();
        table(
            &mut o,
            &["IP", "MAC", "source", "attribute", "value"],
            &[false; 5],
            rows,
        );
    }

    // Malformed and dropped.
    let m = &r.malformed;
    if m.packets == 0 && m.by_name.is_empty() {
        let _ = writeln!(o, "\nMalformed: none");
    } else {
        let parts: Vec<String> = m
            .by_name
            .iter()
            .map(|(k, v)| format!("{} {v}", clean(k)))
            .collect();
        let _ = writeln!(
            o,
            "\nMalformed: {} packets; {}",
            m.packets,
            if parts.is_empty() {
                "-".into()
            } else {
                parts.join(", ")
            }
        );
    }
    let d = &r.dropped;
    let dropped: Vec<String> = [
        ("flows not tracked", d.flows_not_tracked),
        ("flows evicted", d.flows_evicted),
        ("reassembly gaps", d.reassembly_gaps),
        ("reassembly overflow bytes", d.reassembly_overflow_bytes),
        ("hosts not tracked", d.hosts_not_tracked),
        ("operations not tracked", d.operations_not_tracked),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(k, n)| format!("{k} {n}"))
    .collect();
    if !dropped.is_empty() {
        let _ = writeln!(o, "Dropped: {}", dropped.join(", "));
    }
    o
}

fn classes(m: &std::collections::BTreeMap<String, u64>) -> String {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    v.iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn not_listed(n: u64) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(" (+{n} not listed)")
    }
}

fn join_or_dash(v: &[String]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        v.iter().map(|s| clean(s)).collect::<Vec<_>>().join(", ")
    }
}

fn vendors(v: &[Option<String>]) -> String {
    if v.is_empty() {
        return "-".into();
    }
    v.iter()
        .map(|s| s.as_deref().map_or("?".into(), clean))
        .collect::<Vec<_>>()
        .join(", ")
}

fn duration(s: f64) -> String {
    if s < 60.0 {
        format!("{s:.3} s")
    } else {
        let total = s as u64;
        let (d, h, m, sec) = (
            total / 86_400,
            (total % 86_400) / 3600,
            (total % 3600) / 60,
            total % 60,
        );
        if d > 0 {
            format!("{d}d {h:02}h {m:02}m {sec:02}s")
        } else if h > 0 {
            format!("{h}h {m:02}m {sec:02}s")
        } else {
            format!("{m}m {sec:02}s")
        }
    }
}

/// Control characters (terminal escapes) replaced, so wire text cannot drive the terminal.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// Appends an indented table; `right[i]` right-aligns column `i`.
fn table(o: &mut String, headers: &[&str], right: &[bool], rows: Vec<Vec<String>>) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |o: &mut String, cells: Vec<&str>| {
        let mut s = String::from("  ");
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            let last = i + 1 == cells.len();
            if right[i] {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                if !last {
                    s.push_str(&" ".repeat(pad));
                }
            }
            if !last {
                s.push_str("  ");
            }
        }
        let _ = writeln!(o, "{}", s.trim_end());
    };
    line(o, headers.to_vec());
    for row in &rows {
        line(o, row.iter().map(String::as_str).collect());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns() {
        let mut o = String::new();
        table(
            &mut o,
            &["name", "n"],
            &[false, true],
            vec![
                vec!["a".into(), "100".into()],
                vec!["longer".into(), "2".into()],
            ],
        );
        assert_eq!(o, "  name      n\n  a       100\n  longer    2\n");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(1.5), "1.500 s");
        assert_eq!(duration(875.3), "14m 35s");
        assert_eq!(duration(7_322.0), "2h 02m 02s");
        assert_eq!(duration(90_061.0), "1d 01h 01m 01s");
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(clean("a\x1b[31mb\n"), "a\u{fffd}[31mb\u{fffd}");
    }
}
