//! Uploading spooled batches: what each server answer means for the batch,
//! and how long to wait before trying again.

use std::time::Duration;

/// What to do with a batch after one upload attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Stored (or already stored): remove it from the spool.
    Acknowledged,
    /// The server will never accept this batch (malformed, too large,
    /// unsupported schema): set it aside and go on with the next one.
    Rejected(String),
    /// The sensor's credentials are refused: keep everything and retry
    /// slowly until an operator fixes the token.
    Unauthorised(String),
    /// Network trouble or a server-side failure: retry with backoff.
    Retry(String),
}

/// Classifies an HTTP status (and the server's error text).
pub fn verdict(status: u16, message: &str) -> Verdict {
    match status {
        200..=299 => Verdict::Acknowledged,
        401 | 403 => Verdict::Unauthorised(format!("{status}: {message}")),
        408 | 429 => Verdict::Retry(format!("{status}: {message}")),
        400..=499 => Verdict::Rejected(format!("{status}: {message}")),
        _ => Verdict::Retry(format!("{status}: {message}")),
    }
}

/// Exponential backoff: 1 s, 2 s, 4 s … capped at 5 minutes.
pub fn backoff(failures: u32) -> Duration {
    let secs = 1u64
        .checked_shl(failures.min(16))
        .unwrap_or(u64::MAX)
        .min(300);
    Duration::from_secs(secs)
}

/// Sends one encoded batch.
pub fn send(agent: &ureq::Agent, url: &str, token: &str, body: &[u8]) -> Verdict {
    let result = agent
        .post(url)
        .set("Authorization", &format!("Bearer {token}"))
        .set("Content-Type", "application/cbor")
        .set("Content-Encoding", "zstd")
        .send_bytes(body);
    match result {
        Ok(r) => verdict(r.status(), ""),
        Err(ureq::Error::Status(code, r)) => {
            let text = r.into_string().unwrap_or_default();
            let message = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["error"].as_str().map(str::to_owned))
                .unwrap_or(text);
            verdict(code, &message)
        }
        Err(e) => Verdict::Retry(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_map_to_what_the_sensor_does() {
        assert_eq!(verdict(200, ""), Verdict::Acknowledged);
        assert!(matches!(verdict(422, "schema"), Verdict::Rejected(_)));
        assert!(matches!(verdict(413, "big"), Verdict::Rejected(_)));
        assert!(matches!(verdict(401, "token"), Verdict::Unauthorised(_)));
        assert!(matches!(verdict(429, "slow down"), Verdict::Retry(_)));
        assert!(matches!(verdict(503, "db"), Verdict::Retry(_)));
    }

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(9), Duration::from_secs(300));
        assert_eq!(backoff(u32::MAX), Duration::from_secs(300));
    }
}
