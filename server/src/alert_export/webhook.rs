//! Webhooks: the alert as a JSON body, POSTed with a signature the
//! receiver checks — `X-OTLens-Signature: sha256=<hex>`, the HMAC-SHA256
//! of `<timestamp>.<body>` under the receiver's key, with the timestamp
//! (Unix seconds) in `X-OTLens-Timestamp` so a replay can be refused.
//! Redirects are not followed, and names resolve only to addresses the
//! server may send to (destination.rs).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use super::alert::ExportedAlert;
use super::destination;

/// The body: which delivery (the same on a retry), the event, when it was
/// sent and the alert as the portal's alert page has it.
pub fn body(alert: &ExportedAlert, receiver_id: i64, sent_at_ms: i64) -> Vec<u8> {
    let value = json!({
        "delivery": delivery_id(alert, receiver_id),
        "event": "alert",
        "sent_at_ms": sent_at_ms,
        "tenant_id": alert.tenant_id,
        "alert": alert.view,
    });
    serde_json::to_vec(&value).unwrap_or_default()
}

/// Names one alert's delivery to one receiver, for a receiver to drop a
/// repeat (a retry after a lost answer).
pub fn delivery_id(alert: &ExportedAlert, receiver_id: i64) -> String {
    format!("{}-{}-{}", alert.tenant_id, receiver_id, alert.alert_id)
}

/// `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the
/// key (the hex text the settings page shows, used as its bytes).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes a key of any length; this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The HTTP client every webhook goes through, or why there is none (the
/// TLS backend failed to start).
pub fn client(private_allowed: bool) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("OTLens/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(CheckedResolver { private_allowed }))
        .build()
        .map_err(|e| format!("the HTTP client for webhooks failed to start: {e}"))
}

/// Posts one alert. `Ok` when the receiver answered 2xx; otherwise what
/// went wrong, in words for the delivery log.
pub async fn send(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    body: Vec<u8>,
    delivery: &str,
    sent_at_ms: i64,
    private_allowed: bool,
) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url} is not a URL: {e}"))?;
    // A literal address is not resolved, so it is checked here.
    let literal = parsed
        .host_str()
        .and_then(|h| h.trim_matches(['[', ']']).parse::<IpAddr>().ok());
    if let Some(ip) = literal
        && !destination::allowed(ip, private_allowed)
    {
        return Err(format!(
            "{ip} is a private or local address; this server sends only to public addresses"
        ));
    }
    let timestamp = sent_at_ms.div_euclid(1000);
    let answer = client
        .post(parsed)
        .header("content-type", "application/json")
        .header("x-otlens-delivery", delivery)
        .header("x-otlens-timestamp", timestamp.to_string())
        .header("x-otlens-signature", signature(secret, timestamp, &body))
        .body(body)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = answer.status();
    if status.is_success() {
        Ok(())
    } else if status.is_redirection() {
        Err(format!("HTTP {status}: redirects are not followed"))
    } else {
        Err(format!("HTTP {status}"))
    }
}

/// A reqwest error with its causes, which name what really failed
/// ("connection refused", the refused address).
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Name resolution that keeps only addresses a receiver may be at.
struct CheckedResolver {
    private_allowed: bool,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let private_allowed = self.private_allowed;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = destination::resolve(name.as_str(), 0, private_allowed)
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?;
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: python3 -c "import hmac, hashlib;
        // print(hmac.new(b'key', b'1700000000.{}', hashlib.sha256).hexdigest())"
        let sig = signature("key", 1_700_000_000, b"{}");
        assert_eq!(
            sig,
            "sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
        );
        assert_ne!(signature("other", 1_700_000_000, b"{}"), sig);
        assert_ne!(signature("key", 1_700_000_001, b"{}"), sig);
    }
}
