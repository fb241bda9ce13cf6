//! Where a tenant's alerts are sent (docs/EXPORT.md): receivers a customer
//! admin configures — syslog in CEF over TCP, TLS or UDP, or a webhook — and the
//! delivery log that shows what reached them.

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// How alerts reach a receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiverKind {
    /// RFC 5424 messages carrying CEF, octet-counted frames (RFC 6587).
    SyslogTcp,
    /// The same frames over TLS (RFC 5425), the server's certificate checked
    /// against the public roots or the receiver's own CA.
    SyslogTls,
    /// RFC 5424 messages carrying CEF, one per datagram (RFC 5426).
    SyslogUdp,
    /// An HTTP(S) POST of the alert as JSON, signed with HMAC-SHA256.
    Webhook,
}

impl ReceiverKind {
    pub const ALL: [ReceiverKind; 4] = [
        ReceiverKind::SyslogTcp,
        ReceiverKind::SyslogTls,
        ReceiverKind::SyslogUdp,
        ReceiverKind::Webhook,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ReceiverKind::SyslogTcp => "syslog_tcp",
            ReceiverKind::SyslogTls => "syslog_tls",
            ReceiverKind::SyslogUdp => "syslog_udp",
            ReceiverKind::Webhook => "webhook",
        }
    }

    /// The kind of its wire name, or an error naming `field`.
    pub fn parse(field: &str, name: &str) -> Result<ReceiverKind, Invalid> {
        ReceiverKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name.trim())
            .ok_or_else(|| {
                Invalid::new(
                    field,
                    format!(
                        "a receiver is syslog_tcp, syslog_tls, syslog_udp or webhook, not {name:?}"
                    ),
                )
            })
    }
}

/// The lowest severity a receiver is sent, lowest first.
pub const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];

/// The rank of a severity name in [`SEVERITIES`]; `None` for an unknown one.
pub fn severity_rank(name: &str) -> Option<usize> {
    SEVERITIES.iter().position(|s| *s == name)
}

/// Longest address kept (a webhook URL, or `host:port`).
pub const MAX_ADDRESS_CHARS: usize = 500;

/// Longest CA certificate text kept: a chain of a few certificates.
pub const MAX_CA_PEM_CHARS: usize = 20_000;

/// A receiver as a customer admin asks for it, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReceiver {
    pub kind: String,
    /// `host:port` for syslog (`[v6]:port` for an IPv6 address); an
    /// `http://` or `https://` URL for a webhook.
    pub address: String,
    pub min_severity: String,
    /// For syslog over TLS to a receiver whose certificate a private CA
    /// signed: that CA's certificate(s), PEM. Empty: the public roots.
    #[serde(default)]
    pub ca_pem: String,
}

/// A receiver that passed [`NewReceiver::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedReceiver {
    pub kind: ReceiverKind,
    pub address: String,
    pub min_severity: &'static str,
    /// Empty, or PEM certificate blocks (syslog over TLS only).
    pub ca_pem: String,
}

impl NewReceiver {
    /// The receiver, or what is wrong with it, by field. Whether the host
    /// may be reached is decided when sending (its addresses are known
    /// only then).
    pub fn check(&self) -> Result<CheckedReceiver, Invalid> {
        let kind = ReceiverKind::parse("kind", &self.kind)?;
        let address = self.address.trim();
        if address.is_empty() {
            return Err(Invalid::new("address", "say where to send the alerts"));
        }
        if address.chars().count() > MAX_ADDRESS_CHARS {
            return Err(Invalid::new(
                "address",
                format!("at most {MAX_ADDRESS_CHARS} characters"),
            ));
        }
        if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Invalid::new("address", "an address has no spaces"));
        }
        match kind {
            ReceiverKind::Webhook => check_url(address)?,
            ReceiverKind::SyslogTcp | ReceiverKind::SyslogTls | ReceiverKind::SyslogUdp => {
                let (host, _) =
                    split_host_port(address).map_err(|problem| Invalid::new("address", problem))?;
                if kind == ReceiverKind::SyslogTls && !certificate_host(&host) {
                    return Err(Invalid::new(
                        "address",
                        format!(
                            "{host:?} cannot be checked against a certificate: give a DNS name or an IP address"
                        ),
                    ));
                }
            }
        }
        let ca_pem = self.ca_pem.trim();
        let ca_pem = if ca_pem.is_empty() {
            String::new()
        } else {
            if kind != ReceiverKind::SyslogTls {
                return Err(Invalid::new(
                    "ca_pem",
                    "a CA certificate is for syslog over TLS only; leave it empty",
                ));
            }
            canonical_ca_pem(ca_pem)?
        };
        let min_severity = SEVERITIES
            .into_iter()
            .find(|s| *s == self.min_severity.trim())
            .ok_or_else(|| {
                Invalid::new(
                    "min_severity",
                    format!(
                        "the lowest severity sent is low, medium, high or critical, not {:?}",
                        self.min_severity
                    ),
                )
            })?;
        Ok(CheckedReceiver {
            kind,
            address: address.to_owned(),
            min_severity,
            ca_pem,
        })
    }
}

/// PEM text holding one or more certificates and nothing secret, as the
/// sender will read it: each CERTIFICATE block, unindented, with LF line
/// ends (text around the blocks, such as openssl's `subject=` lines, is
/// dropped). Whether each is a valid certificate is known when the server
/// connects (an error there is shown in the delivery log).
fn canonical_ca_pem(pem: &str) -> Result<String, Invalid> {
    let invalid = |problem: &str| Invalid::new("ca_pem", problem);
    if pem.chars().count() > MAX_CA_PEM_CHARS {
        return Err(Invalid::new(
            "ca_pem",
            format!("at most {MAX_CA_PEM_CHARS} characters"),
        ));
    }
    if pem.contains("PRIVATE KEY") {
        return Err(invalid(
            "this is a private key: paste the CA's certificate, never a key",
        ));
    }
    let mut canonical = String::with_capacity(pem.len());
    let mut certificates = 0;
    let mut lines = pem.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if !line.starts_with("-----BEGIN ") {
            continue;
        }
        if line != "-----BEGIN CERTIFICATE-----" {
            return Err(invalid(
                "only CERTIFICATE blocks (-----BEGIN CERTIFICATE-----) are taken",
            ));
        }
        canonical.push_str("-----BEGIN CERTIFICATE-----\n");
        let mut body = 0;
        loop {
            match lines.next() {
                Some("-----END CERTIFICATE-----") => break,
                Some(l)
                    if l.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c)) =>
                {
                    if !l.is_empty() {
                        canonical.push_str(l);
                        canonical.push('\n');
                    }
                    body += l.len()
                }
                Some(_) => return Err(invalid("a certificate's body is base64 text")),
                None => {
                    return Err(invalid(
                        "a certificate is not closed by -----END CERTIFICATE-----",
                    ));
                }
            }
        }
        if body == 0 {
            return Err(invalid("a certificate block is empty"));
        }
        canonical.push_str("-----END CERTIFICATE-----\n");
        certificates += 1;
    }
    if certificates == 0 {
        return Err(invalid(
            "no certificate found: paste PEM text starting with -----BEGIN CERTIFICATE-----",
        ));
    }
    Ok(canonical)
}

/// Whether `host` can be checked against a certificate: an IP address, or
/// a DNS name of non-empty labels (letters, digits, `-`, `_`), not starting
/// or ending with `-`, whose last label is not all digits.
fn certificate_host(host: &str) -> bool {
    if host.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let labels: Vec<&str> = host.split('.').collect();
    labels.iter().all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }) && labels
        .last()
        .is_some_and(|l| !l.chars().all(|c| c.is_ascii_digit()))
}

fn check_url(url: &str) -> Result<(), Invalid> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            Invalid::new("address", "a webhook's URL starts with https:// or http://")
        })?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(Invalid::new(
            "address",
            "a webhook's URL carries no user name or password; the signature authenticates",
        ));
    }
    let host = if authority.starts_with('[') && authority.ends_with(']') {
        authority.trim_matches(['[', ']']).to_owned()
    } else if authority.contains(':') {
        split_host_port(authority)
            .map_err(|problem| Invalid::new("address", problem))?
            .0
    } else {
        authority.to_owned()
    };
    if host.is_empty() {
        return Err(Invalid::new("address", "the URL names no host"));
    }
    if !host.chars().all(host_char) {
        return Err(Invalid::new(
            "address",
            format!("{host:?} is not a host name or an IP address"),
        ));
    }
    Ok(())
}

/// `host:port` (or `[v6]:port`) split into its host and a port from 1 to
/// 65535, or what is wrong.
pub fn split_host_port(address: &str) -> Result<(String, u16), String> {
    let (host, port) = if let Some(rest) = address.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or("an IPv6 address is written [address]:port")?;
        let port = after
            .strip_prefix(':')
            .ok_or("say the port after the address: host:port")?;
        (host, port)
    } else {
        let (host, port) = address
            .rsplit_once(':')
            .ok_or("say the port after the host: host:port")?;
        if host.contains(':') {
            return Err("an IPv6 address is written [address]:port".into());
        }
        (host, port)
    };
    if host.is_empty() {
        return Err("say the host before the port: host:port".into());
    }
    if !host.chars().all(host_char) {
        return Err(format!("{host:?} is not a host name or an IP address"));
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 => Ok((host.to_owned(), p)),
        _ => Err(format!(
            "the port is a number from 1 to 65535, not {port:?}"
        )),
    }
}

fn host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':')
}

/// A configured receiver as its settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiverRow {
    pub id: i64,
    pub kind: String,
    pub address: String,
    pub min_severity: String,
    pub enabled: bool,
    /// The webhook's signing key (hex), for the admin to give the receiver;
    /// empty for syslog.
    pub secret: String,
    /// Whether the receiver's certificate is checked against its own CA
    /// (syslog over TLS) rather than the public roots.
    pub own_ca: bool,
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Deliveries waiting (to be sent, or retried) and delivered.
    pub pending: i64,
    pub delivered: i64,
}

/// One alert's delivery to one receiver, for the delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub receiver_id: i64,
    pub alert_id: i64,
    pub alert_type: String,
    pub severity: String,
    /// `pending` (waiting or retrying) or `delivered`.
    pub state: String,
    pub attempts: i64,
    /// Unix milliseconds of the next try, while pending.
    pub next_attempt_ms: i64,
    pub last_attempt_ms: Option<i64>,
    pub delivered_ms: Option<i64>,
    /// Why the last try failed, in words (the receiver's answer or the
    /// network's error), while it has not been delivered.
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receiver(kind: &str, address: &str) -> NewReceiver {
        NewReceiver {
            kind: kind.into(),
            address: address.into(),
            min_severity: "medium".into(),
            ca_pem: String::new(),
        }
    }

    #[test]
    fn kinds_name_themselves_as_serde_does() {
        for k in ReceiverKind::ALL {
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::Value::from(k.as_str())
            );
            assert_eq!(ReceiverKind::parse("kind", k.as_str()), Ok(k));
        }
        assert_eq!(
            ReceiverKind::parse("kind", "email").unwrap_err().field,
            "kind"
        );
    }

    #[test]
    fn syslog_addresses_are_host_and_port() {
        let ok = receiver("syslog_tcp", " siem.example.jp:6514 ")
            .check()
            .unwrap();
        assert_eq!(ok.address, "siem.example.jp:6514");
        assert_eq!(ok.min_severity, "medium");
        assert!(receiver("syslog_udp", "[2001:db8::1]:514").check().is_ok());
        for bad in [
            "siem",
            "siem:0",
            "siem:70000",
            ":514",
            "2001:db8::1:514",
            "a b:514",
            "sie/m:514",
        ] {
            let e = receiver("syslog_udp", bad).check().unwrap_err();
            assert_eq!(e.field, "address", "{bad}");
        }
    }

    #[test]
    fn webhook_addresses_are_http_urls_without_credentials() {
        assert!(
            receiver("webhook", "https://hooks.example.jp/otlens?x=1")
                .check()
                .is_ok()
        );
        assert!(
            receiver("webhook", "http://10.0.0.5:8080/in")
                .check()
                .is_ok()
        );
        for bad in [
            "ftp://x/",
            "hooks.example.jp/in",
            "https://user:pw@hooks.example.jp/",
            "https:///path",
            "https://host:99999/",
        ] {
            let e = receiver("webhook", bad).check().unwrap_err();
            assert_eq!(e.field, "address", "{bad}");
        }
    }

    #[test]
    fn a_tls_receiver_may_name_its_ca_by_certificate_only() {
        let cert = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\nAAAA==\n-----END CERTIFICATE-----\n";
        let mut r = receiver("syslog_tls", "siem.example.jp:6514");
        assert_eq!(r.check().unwrap().ca_pem, "");
        // Text around the blocks dropped; indented and CRLF blocks as the
        // sender reads them: unindented, LF only.
        r.ca_pem = format!(
            "subject=CN = plant CA\r\n{}  {}",
            cert.replace('\n', "\r\n"),
            cert.replace('\n', "\n    ")
        );
        assert_eq!(r.check().unwrap().ca_pem, format!("{cert}{cert}"));
        for bad in [
            "hello",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            "-----BEGIN CERTIFICATE-----\nAAAA\n",
            "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----",
            "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----",
        ] {
            r.ca_pem = bad.into();
            assert_eq!(r.check().unwrap_err().field, "ca_pem", "{bad}");
        }
        let mut tcp = receiver("syslog_tcp", "siem.example.jp:514");
        tcp.ca_pem = cert.into();
        assert_eq!(tcp.check().unwrap_err().field, "ca_pem");
        for host in ["1.2.3:6514", "a..b:6514", "-siem.jp:6514"] {
            let e = receiver("syslog_tls", host).check().unwrap_err();
            assert_eq!(e.field, "address", "{host}");
        }
        for host in ["[::1]:6514", "10.0.0.5:6514", "siem_1.plant.local:6514"] {
            assert!(receiver("syslog_tls", host).check().is_ok(), "{host}");
        }
    }

    #[test]
    fn the_lowest_severity_is_one_of_four() {
        let mut r = receiver("webhook", "https://h/");
        r.min_severity = "urgent".into();
        assert_eq!(r.check().unwrap_err().field, "min_severity");
        assert!(severity_rank("critical") > severity_rank("high"));
        assert_eq!(severity_rank("urgent"), None);
    }
}
