//! Sending syslog messages: TCP with octet-counted frames (RFC 6587
//! 3.4.1, what rsyslog and syslog-ng read without configuration), the same
//! frames over TLS (RFC 5425), or UDP, one message per datagram (RFC 5426).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use super::destination;

/// Longest message sent: rsyslog's default limit is 8 KiB.
pub const MAX_MESSAGE_BYTES: usize = 8000;

/// Time to connect, and to write each message.
const TIMEOUT: Duration = Duration::from_secs(5);

/// How sending a run of messages went: the first `sent` went out; if
/// fewer than all, `error` says why the rest did not.
#[derive(Debug, PartialEq, Eq)]
pub struct Sent {
    pub sent: usize,
    pub error: Option<String>,
}

/// Cuts a message to [`MAX_MESSAGE_BYTES`] on a character boundary.
pub fn cut(message: &str) -> &str {
    if message.len() <= MAX_MESSAGE_BYTES {
        return message;
    }
    let mut end = MAX_MESSAGE_BYTES;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    &message[..end]
}

/// Sends `messages` over one TCP connection to `address` (`host:port`).
pub async fn send_tcp(address: &str, messages: &[String], private_allowed: bool) -> Sent {
    match connect_tcp(address, private_allowed).await {
        Ok(mut stream) => send_frames(&mut stream, address, messages).await,
        Err(error) => Sent {
            sent: 0,
            error: Some(error),
        },
    }
}

/// Sends `messages` over one TLS connection to `address`, whose
/// certificate must be valid for its host name (or IP address) and signed
/// by `ca_pem`'s certificates, or by a public root when that is empty.
pub async fn send_tls(
    address: &str,
    messages: &[String],
    private_allowed: bool,
    ca_pem: &str,
) -> Sent {
    let mut stream = match connect_tls(address, private_allowed, ca_pem).await {
        Ok(stream) => stream,
        Err(error) => {
            return Sent {
                sent: 0,
                error: Some(error),
            };
        }
    };
    let sent = send_frames(&mut stream, address, messages).await;
    if sent.error.is_some() {
        return sent;
    }
    // In TLS 1.3 the handshake ends on the client's side before the
    // receiver has judged it: a receiver that wants a client certificate
    // (syslog-ng's default) refuses with an alert after our frames are
    // written. Reading until it closes tells that refusal from a delivery.
    match refused_after_writing(&mut stream).await {
        None => sent,
        Some(error) => Sent {
            sent: 0,
            error: Some(format!("{address} refused the connection: {error}")),
        },
    }
}

/// What the receiver answered to our close_notify: `None` when it closed
/// (with or without its own close_notify) or said nothing within the
/// timeout; the error when it sent an alert or reset the connection.
async fn refused_after_writing<S: AsyncRead + Unpin>(stream: &mut S) -> Option<String> {
    let mut buf = [0u8; 512];
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) => return None,
            Ok(Ok(_)) => continue,
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => return None,
            Ok(Err(e)) => return Some(e.to_string()),
        }
    }
}

async fn connect_tls(
    address: &str,
    private_allowed: bool,
    ca_pem: &str,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, String> {
    let (host, _) = model::exports::split_host_port(address)?;
    let name = ServerName::try_from(host.clone())
        .map_err(|_| format!("{host:?} cannot be checked against a certificate"))?;
    let config = tls_config(ca_pem)?;
    let tcp = connect_tcp(address, private_allowed).await?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    match tokio::time::timeout(TIMEOUT, connector.connect(name, tcp)).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => Err(format!("TLS with {address}: {e}")),
        Err(_) => Err(format!(
            "TLS with {address} took over {} s",
            TIMEOUT.as_secs()
        )),
    }
}

/// What a TLS receiver's certificate is checked against: the receiver's
/// own CA when it names one (a plant's SIEM often has a private CA), the
/// public roots otherwise. TLS 1.2 and 1.3 only.
fn tls_config(ca_pem: &str) -> Result<ClientConfig, String> {
    let mut roots = RootCertStore::empty();
    if ca_pem.trim().is_empty() {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    } else {
        for (i, cert) in CertificateDer::pem_slice_iter(ca_pem.as_bytes()).enumerate() {
            let cert = cert.map_err(|e| format!("the receiver's CA certificate: {e}"))?;
            roots.add(cert).map_err(|e| {
                format!("the receiver's CA certificate {} is not usable: {e}", i + 1)
            })?;
        }
        if roots.is_empty() {
            return Err("the receiver's CA text holds no certificate".into());
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Writes each message as an octet-counted frame, then closes the stream
/// (for TLS, with close_notify). A message counts as sent once written.
async fn send_frames<S: AsyncWrite + Unpin>(
    stream: &mut S,
    address: &str,
    messages: &[String],
) -> Sent {
    for (i, message) in messages.iter().enumerate() {
        let message = cut(message);
        let frame = format!("{} {message}", message.len());
        match tokio::time::timeout(TIMEOUT, stream.write_all(frame.as_bytes())).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                return Sent {
                    sent: i,
                    error: Some(format!("writing to {address}: {e}")),
                };
            }
            Err(_) => {
                return Sent {
                    sent: i,
                    error: Some(format!(
                        "writing to {address} took over {} s",
                        TIMEOUT.as_secs()
                    )),
                };
            }
        }
    }
    match tokio::time::timeout(TIMEOUT, stream.shutdown()).await {
        Ok(Ok(())) => Sent {
            sent: messages.len(),
            error: None,
        },
        Ok(Err(e)) => Sent {
            sent: 0,
            error: Some(format!("closing the connection to {address}: {e}")),
        },
        Err(_) => Sent {
            sent: 0,
            error: Some(format!(
                "closing the connection to {address} took over {} s",
                TIMEOUT.as_secs()
            )),
        },
    }
}

async fn connect_tcp(address: &str, private_allowed: bool) -> Result<TcpStream, String> {
    let addrs = resolve(address, private_allowed).await?;
    let mut last = String::new();
    for addr in addrs {
        match tokio::time::timeout(TIMEOUT, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) => last = format!("connecting to {address} ({addr}): {e}"),
            Err(_) => {
                last = format!(
                    "connecting to {address} ({addr}) took over {} s",
                    TIMEOUT.as_secs()
                )
            }
        }
    }
    Err(last)
}

/// Sends `messages` as datagrams to `address` (`host:port`).
pub async fn send_udp(address: &str, messages: &[String], private_allowed: bool) -> Sent {
    let addr = match resolve(address, private_allowed).await {
        Ok(addrs) => addrs[0],
        Err(error) => {
            return Sent {
                sent: 0,
                error: Some(error),
            };
        }
    };
    let local: SocketAddr = if addr.is_ipv4() {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = match UdpSocket::bind(local).await {
        Ok(s) => s,
        Err(e) => {
            return Sent {
                sent: 0,
                error: Some(format!("opening a UDP socket: {e}")),
            };
        }
    };
    // Connected, so an ICMP "port unreachable" from a receiver that is not
    // listening fails the next send instead of vanishing.
    if let Err(e) = socket.connect(addr).await {
        return Sent {
            sent: 0,
            error: Some(format!("{address} ({addr}): {e}")),
        };
    }
    for (i, message) in messages.iter().enumerate() {
        if let Err(e) = socket.send(cut(message).as_bytes()).await {
            return Sent {
                sent: i,
                error: Some(format!("sending to {address} ({addr}): {e}")),
            };
        }
    }
    Sent {
        sent: messages.len(),
        error: None,
    }
}

async fn resolve(address: &str, private_allowed: bool) -> Result<Vec<SocketAddr>, String> {
    let (host, port) = model::exports::split_host_port(address)?;
    destination::resolve(&host, port, private_allowed).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        let long = "あ".repeat(3000);
        let cut = cut(&long);
        assert!(cut.len() <= MAX_MESSAGE_BYTES && cut.len() > MAX_MESSAGE_BYTES - 3);
        assert_eq!(super::cut("short"), "short");
    }

    #[tokio::test]
    async fn tcp_frames_carry_their_length() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let reader = tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            let (mut s, _) = listener.accept().await.unwrap();
            let mut got = String::new();
            s.read_to_string(&mut got).await.unwrap();
            got
        });
        let sent = send_tcp(&address, &["héllo".into(), "b".into()], true).await;
        assert_eq!(
            sent,
            Sent {
                sent: 2,
                error: None
            }
        );
        assert_eq!(reader.await.unwrap(), "6 héllo1 b");
        let refused = send_tcp(&address, &["x".into()], false).await;
        assert!(refused.error.unwrap().contains("public addresses"));
    }

    #[tokio::test]
    async fn tls_refuses_a_receiver_its_ca_did_not_sign() {
        // A plain TCP listener: the TLS handshake fails, and says so.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let (mut s, _) = listener.accept().await.unwrap();
            let _ = s.write_all(b"220 not TLS\r\n").await;
        });
        let sent = send_tls(&address, &["x".into()], true, "").await;
        assert_eq!(sent.sent, 0);
        assert!(sent.error.unwrap().starts_with("TLS with 127.0.0.1:"));
        let bad_ca = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
        let sent = send_tls(&address, &["x".into()], true, bad_ca).await;
        assert!(sent.error.unwrap().contains("CA certificate 1"));
    }
}
