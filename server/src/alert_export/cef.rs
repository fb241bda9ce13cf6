//! An alert as one syslog message: RFC 5424 header, CEF (ArcSight Common
//! Event Format, revision 0) as its text. Pure; [`super::syslog`] frames
//! and sends it.

use std::net::IpAddr;

use chrono::{TimeZone, Utc};

use super::alert::ExportedAlert;

/// Syslog facility local4: CEF's usual home, kept apart from the host's
/// own logs.
const FACILITY: u8 = 20;

/// Longest "why it matters" text carried (the portal has the rest).
const MAX_MSG_CHARS: usize = 1000;

/// The RFC 5424 message (without transport framing): priority, version,
/// timestamp (`sent_at_ms`, UTC), host, app `otlens`, message id `alert`,
/// no structured data, then the CEF text.
pub fn syslog_message(alert: &ExportedAlert, hostname: &str, sent_at_ms: i64) -> String {
    let pri = u16::from(FACILITY) * 8 + u16::from(syslog_severity(&alert.severity));
    let time = Utc
        .timestamp_millis_opt(sent_at_ms)
        .single()
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ");
    format!(
        "<{pri}>1 {time} {} otlens - alert - {}",
        header_token(hostname),
        cef_line(alert)
    )
}

/// Syslog severity of an alert's: critical → 2 (crit), high → 3 (err),
/// medium → 4 (warning), low and anything else → 5 (notice).
fn syslog_severity(severity: &str) -> u8 {
    match severity {
        "critical" => 2,
        "high" => 3,
        "medium" => 4,
        _ => 5,
    }
}

/// CEF severity, 0–10.
fn cef_severity(severity: &str) -> u8 {
    match severity {
        "critical" => 10,
        "high" => 8,
        "medium" => 5,
        _ => 3,
    }
}

/// `CEF:0|OT Lens|OT Lens|<version>|<type>|<title>|<severity>|<extension>`.
pub fn cef_line(alert: &ExportedAlert) -> String {
    let mut ext: Vec<(&str, String)> = vec![
        ("externalId", alert.alert_id.to_string()),
        ("rt", alert.last_seen_ms.to_string()),
        ("start", alert.first_seen_ms.to_string()),
        ("end", alert.last_seen_ms.to_string()),
        ("cnt", alert.count.to_string()),
    ];
    address(&mut ext, "src", "c6a2", alert.client.ip.as_deref());
    if let Some(mac) = &alert.client.mac {
        ext.push(("smac", mac.clone()));
    }
    address(&mut ext, "dst", "c6a3", alert.server.ip.as_deref());
    if let Some(mac) = &alert.server.mac {
        ext.push(("dmac", mac.clone()));
    }
    if let Some(protocol) = &alert.protocol {
        ext.push(("app", protocol.clone()));
    }
    if let Some((id, name)) = &alert.technique {
        ext.push(("cs1Label", "mitreAttackForIcs".into()));
        ext.push((
            "cs1",
            if name.is_empty() {
                id.clone()
            } else {
                format!("{id} {name}")
            },
        ));
    }
    ext.push(("cs2Label", "sensor".into()));
    ext.push(("cs2", alert.sensor.clone()));
    if !alert.subject.is_empty() {
        ext.push(("cs3Label", "subject".into()));
        ext.push(("cs3", alert.subject.clone()));
    }
    ext.push(("cs4Label", "tenantId".into()));
    ext.push(("cs4", alert.tenant_id.to_string()));
    if let Some(asset) = &alert.client.asset {
        ext.push(("cs5Label", "sourceAsset".into()));
        ext.push(("cs5", asset.clone()));
    }
    if let Some(asset) = &alert.server.asset {
        ext.push(("cs6Label", "destinationAsset".into()));
        ext.push(("cs6", asset.clone()));
    }
    if !alert.why_en.is_empty() {
        ext.push(("msg", alert.why_en.chars().take(MAX_MSG_CHARS).collect()));
    }
    let extension = ext
        .iter()
        .map(|(k, v)| format!("{k}={}", extension_value(v)))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "CEF:0|OT Lens|OT Lens|{}|{}|{}|{}|{extension}",
        header_field(env!("CARGO_PKG_VERSION")),
        header_field(&alert.alert_type),
        header_field(&alert.title_en),
        cef_severity(&alert.severity),
    )
}

/// IPv4 under its CEF key, IPv6 under the custom IPv6 key; anything else
/// (never, from the engine) left out.
fn address(ext: &mut Vec<(&str, String)>, v4: &'static str, v6: &'static str, ip: Option<&str>) {
    match ip.and_then(|ip| ip.parse::<IpAddr>().ok()) {
        Some(IpAddr::V4(ip)) => ext.push((v4, ip.to_string())),
        Some(IpAddr::V6(ip)) => ext.push((v6, ip.to_string())),
        None => {}
    }
}

/// A CEF header field: `\` and `|` escaped, line breaks made spaces.
fn header_field(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A CEF extension value: `\` and `=` escaped, line breaks as `\n`, `\r`.
fn extension_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '=' => out.push_str("\\="),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// An RFC 5424 header token: printable ASCII without spaces, at most 255
/// characters; `-` when nothing is left.
fn header_token(value: &str) -> String {
    let token: String = value
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(255)
        .collect();
    if token.is_empty() { "-".into() } else { token }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert_export::alert::Party;

    fn alert() -> ExportedAlert {
        ExportedAlert {
            tenant_id: 7,
            alert_id: 42,
            alert_type: "program_download".into(),
            severity: "critical".into(),
            title_en: "Program download to a PLC | S7".into(),
            sensor: "line-1".into(),
            subject: "download_block=OB1".into(),
            protocol: Some("s7comm".into()),
            count: 3,
            first_seen_ms: 1_764_800_000_000,
            last_seen_ms: 1_764_800_060_000,
            client: Party {
                asset: Some("ip:z/10.0.0.5".into()),
                ip: Some("10.0.0.5".into()),
                mac: Some("00:1b:1b:00:00:01".into()),
            },
            server: Party {
                asset: Some("mac:00:0e:8c:00:00:02".into()),
                ip: Some("fe80::2".into()),
                mac: None,
            },
            technique: Some(("T0843".into(), "Program Download".into())),
            why_en: "Logic changed.\nCheck who did it \\ why".into(),
            view: serde_json::Value::Null,
        }
    }

    #[test]
    fn the_cef_line_escapes_headers_and_extension_values() {
        let line = cef_line(&alert());
        assert!(
            line.starts_with(&format!(
                "CEF:0|OT Lens|OT Lens|{}|program_download|Program download to a PLC \\| S7|10|externalId=42 ",
                env!("CARGO_PKG_VERSION")
            )),
            "{line}"
        );
        assert!(
            line.contains(" src=10.0.0.5 smac=00:1b:1b:00:00:01 c6a3=fe80::2 app=s7comm "),
            "{line}"
        );
        assert!(
            line.contains(" cs1Label=mitreAttackForIcs cs1=T0843 Program Download "),
            "{line}"
        );
        assert!(line.contains(" cs3=download_block\\=OB1 "), "{line}");
        assert!(
            line.ends_with("msg=Logic changed.\\nCheck who did it \\\\ why"),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }

    #[test]
    fn the_syslog_header_follows_rfc_5424() {
        let msg = syslog_message(&alert(), "ot lens\u{7}", 1_764_800_061_234);
        // local4 (20) * 8 + crit (2)
        assert!(
            msg.starts_with("<162>1 2025-12-03T22:14:21.234Z otlens otlens - alert - CEF:0|"),
            "{msg}"
        );
        let mut low = alert();
        low.severity = "low".into();
        assert!(
            syslog_message(&low, "", 0).starts_with("<165>1 1970-01-01T00:00:00.000Z - otlens")
        );
    }
}
