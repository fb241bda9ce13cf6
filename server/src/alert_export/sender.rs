//! The sender: claims due deliveries, sends each receiver's share over one
//! connection (syslog) or one request each (webhook), receivers side by
//! side, and records what happened. A failed delivery is tried again after
//! a delay that doubles with each failure (from `retry_base` up to an
//! hour) and is never given up: it waits until the receiver answers, is
//! paused or is deleted. A claim is a lease, so a server that dies
//! mid-send leaves the delivery due again; a receiver may then see an
//! alert twice (the webhook's delivery id, the CEF `externalId` tell).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use model::exports::ReceiverKind;
use store::Exports;
use store::exports::Due;
use tokio::task::JoinSet;

use super::alert::ExportedAlert;
use super::{cef, syslog, webhook};

/// Deliveries claimed per round.
const CLAIM_LIMIT: i64 = 200;

/// How long a claim holds. A receiver's share still unsent after half of
/// it is handed back for the next round, so a claim never runs out while
/// its delivery is being sent.
const LEASE_MS: i64 = 120_000;

/// The longest wait between two tries.
const MAX_BACKOFF_MS: i64 = 3_600_000;

#[derive(Debug, Clone)]
pub struct SenderConfig {
    /// How often the sender looks for due deliveries.
    pub poll: Duration,
    /// The wait after a first failure.
    pub retry_base: Duration,
    /// Whether receivers may be at private or local addresses
    /// (destination.rs).
    pub private_allowed: bool,
    /// The HOSTNAME of the syslog header.
    pub hostname: String,
}

impl Default for SenderConfig {
    fn default() -> SenderConfig {
        SenderConfig {
            poll: Duration::from_secs(2),
            retry_base: Duration::from_secs(5),
            private_allowed: false,
            hostname: "otlens".into(),
        }
    }
}

/// Starts the sender on the current runtime; it runs until aborted.
pub fn spawn(exports: Exports, config: SenderConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(exports, config))
}

async fn run(exports: Exports, config: SenderConfig) {
    let client = webhook::client(config.private_allowed);
    if let Err(error) = &client {
        tracing::error!(%error, "alert export: webhooks cannot be sent");
    }
    loop {
        match round(&exports, &client, &config).await {
            // A full claim: more may be due at once.
            Ok(claimed) if claimed as i64 == CLAIM_LIMIT => continue,
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "alert export: claiming deliveries failed"),
        }
        tokio::time::sleep(config.poll).await;
    }
}

/// One round: claims what is due and sends it, each receiver on a task of
/// its own. Returns how many deliveries it claimed.
pub async fn round(
    exports: &Exports,
    client: &Result<reqwest::Client, String>,
    config: &SenderConfig,
) -> Result<usize, store::StoreError> {
    let due = exports.claim_due(now_ms(), LEASE_MS, CLAIM_LIMIT).await?;
    let claimed = due.len();
    let mut by_receiver: BTreeMap<(i64, i64), Vec<Due>> = BTreeMap::new();
    for d in due {
        by_receiver
            .entry((d.tenant_id, d.receiver_id))
            .or_default()
            .push(d);
    }
    let mut tasks = JoinSet::new();
    for (_, share) in by_receiver {
        tasks.spawn(send_share(
            exports.clone(),
            client.clone(),
            config.clone(),
            share,
        ));
    }
    while tasks.join_next().await.is_some() {}
    Ok(claimed)
}

/// Sends one receiver's claimed deliveries and records each outcome.
async fn send_share(
    exports: Exports,
    client: Result<reqwest::Client, String>,
    config: SenderConfig,
    share: Vec<Due>,
) {
    let Some(first) = share.first() else { return };
    let (kind, address) = (first.kind, first.address.clone());
    let started = Instant::now();
    match kind {
        ReceiverKind::SyslogTcp | ReceiverKind::SyslogTls | ReceiverKind::SyslogUdp => {
            let sent_at = now_ms();
            let messages: Vec<String> = share
                .iter()
                .map(|d| {
                    cef::syslog_message(&ExportedAlert::from_due(d), &config.hostname, sent_at)
                })
                .collect();
            let private = config.private_allowed;
            let outcome = match kind {
                ReceiverKind::SyslogTcp => syslog::send_tcp(&address, &messages, private).await,
                ReceiverKind::SyslogTls => {
                    syslog::send_tls(&address, &messages, private, &first.ca_pem).await
                }
                _ => syslog::send_udp(&address, &messages, private).await,
            };
            let done = now_ms();
            for (i, due) in share.iter().enumerate() {
                match &outcome.error {
                    Some(error) if i >= outcome.sent => {
                        record_failure(&exports, &config, due, done, error).await
                    }
                    _ => record_success(&exports, due, done).await,
                }
            }
        }
        ReceiverKind::Webhook => {
            let mut failure: Option<String> = client.as_ref().err().cloned();
            for due in &share {
                if let Some(error) = &failure {
                    // The receiver failed just now: the rest wait their turn
                    // rather than each waiting out a timeout.
                    record_failure(&exports, &config, due, now_ms(), error).await;
                    continue;
                }
                if started.elapsed() > Duration::from_millis((LEASE_MS / 2) as u64) {
                    release(&exports, due).await;
                    continue;
                }
                let alert = ExportedAlert::from_due(due);
                let sent_at = now_ms();
                let body = webhook::body(&alert, due.receiver_id, sent_at);
                let delivery = webhook::delivery_id(&alert, due.receiver_id);
                let Ok(client) = &client else { continue };
                let result = webhook::send(
                    client,
                    &address,
                    &due.secret,
                    body,
                    &delivery,
                    sent_at,
                    config.private_allowed,
                )
                .await;
                match result {
                    Ok(()) => record_success(&exports, due, now_ms()).await,
                    Err(error) => {
                        record_failure(&exports, &config, due, now_ms(), &error).await;
                        failure = Some(error);
                    }
                }
            }
        }
    }
}

async fn record_success(exports: &Exports, due: &Due, now: i64) {
    if let Err(error) = exports.delivered(due, now).await {
        tracing::error!(%error, tenant_id = due.tenant_id, receiver_id = due.receiver_id, alert_id = due.alert_id, "alert export: recording a delivery failed; it will be sent again");
    }
}

async fn record_failure(
    exports: &Exports,
    config: &SenderConfig,
    due: &Due,
    now: i64,
    error: &str,
) {
    tracing::warn!(tenant_id = due.tenant_id, receiver_id = due.receiver_id, alert_id = due.alert_id, attempts = due.attempts + 1, %error, "alert export: delivery failed; retrying later");
    let next = next_attempt(now, due.attempts, config.retry_base);
    if let Err(e) = exports.failed(due, now, next, error).await {
        tracing::error!(error = %e, "alert export: recording a failed delivery failed");
    }
}

async fn release(exports: &Exports, due: &Due) {
    if let Err(e) = exports.release(due, now_ms()).await {
        tracing::error!(error = %e, "alert export: handing a delivery back failed; its claim runs out instead");
    }
}

/// When to try again after the `attempts_before + 1`-th failure: `base`,
/// doubled for each earlier failure, at most an hour.
pub fn next_attempt(now_ms: i64, attempts_before: i64, base: Duration) -> i64 {
    let base_ms = i64::try_from(base.as_millis()).unwrap_or(MAX_BACKOFF_MS);
    let doublings = attempts_before.clamp(0, 30) as u32;
    let delay = base_ms
        .saturating_mul(1i64 << doublings)
        .clamp(0, MAX_BACKOFF_MS);
    now_ms.saturating_add(delay)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_an_hour() {
        let base = Duration::from_secs(5);
        assert_eq!(next_attempt(1000, 0, base), 6000);
        assert_eq!(next_attempt(1000, 1, base), 11_000);
        assert_eq!(next_attempt(1000, 3, base), 41_000);
        assert_eq!(next_attempt(0, 12, base), MAX_BACKOFF_MS);
        assert_eq!(next_attempt(0, 10_000, base), MAX_BACKOFF_MS);
    }
}
