//! Which addresses a receiver may be at. A customer admin types the
//! address, so without a check the server could be made to send to
//! itself, its database or a cloud metadata service (169.254.169.254).
//! Unless the server is told receivers may be private (an installation on
//! the plant's own network, and the tests), only public addresses are
//! used, checked after name resolution so a name cannot point inward.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Whether a receiver may be at `ip`.
pub fn allowed(ip: IpAddr, private_allowed: bool) -> bool {
    private_allowed || is_public(ip)
}

/// An address on the public internet: not loopback, private, link-local,
/// shared (CGNAT), unspecified, multicast, broadcast or documentation.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || first == 0x2001 && ip.segments()[1] == 0x0db8)
}

/// `host:port` resolved to the addresses a receiver may be at, or why
/// none: the name does not resolve, or every address is refused.
pub async fn resolve(
    host: &str,
    port: u16,
    private_allowed: bool,
) -> Result<Vec<SocketAddr>, String> {
    let found: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("{host} does not resolve: {e}"))?
            .collect(),
    };
    let usable: Vec<SocketAddr> = found
        .iter()
        .copied()
        .filter(|a| allowed(a.ip(), private_allowed))
        .collect();
    if usable.is_empty() {
        return Err(match found.first() {
            Some(a) => format!(
                "{host} is at {}, a private or local address; this server sends only to public addresses",
                a.ip()
            ),
            None => format!("{host} has no address"),
        });
    }
    Ok(usable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inward_addresses_are_refused_unless_private_is_allowed() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(!allowed(ip, false), "{ip}");
            assert!(allowed(ip, true), "{ip}");
        }
        for ip in ["8.8.8.8", "203.0.114.1", "2606:4700::1111"] {
            assert!(allowed(ip.parse().unwrap(), false), "{ip}");
        }
    }

    #[tokio::test]
    async fn a_name_that_points_inward_is_refused() {
        let err = resolve("localhost", 514, false).await.unwrap_err();
        assert!(err.contains("private or local"), "{err}");
        assert!(!resolve("localhost", 514, true).await.unwrap().is_empty());
        let err = resolve("10.0.0.1", 514, false).await.unwrap_err();
        assert!(err.contains("10.0.0.1"), "{err}");
    }
}
