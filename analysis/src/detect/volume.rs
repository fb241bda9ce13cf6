//! Volume and timing against an edge's own history, after the learning
//! period:
//!
//! - **traffic spike**: an edge's requests in one minute reach
//!   [`SPIKE_FACTOR`] times its learned average per active minute (and at
//!   least [`SPIKE_MIN_REQUESTS`]) — a poll that triples, a flood;
//! - **polling stopped**: an edge that had requests in at least nine
//!   minutes of ten its sensor sent while learning (a periodic poll) has
//!   had none for [`STOP_AFTER_SECS`] of batch time — a poller, a
//!   controller or the path between them down.
//!
//! Both need [`MIN_LEARNED_MINUTES`] active minutes learned, so a short
//! learning capture never calls anything periodic.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use traffic::operation::{Direction, Protocol};
use traffic::record::Batch;

use super::alert::{AlertType, Finding, Party, Severity};
use super::names::{AssetKey, Names};
use crate::observations::zone_key;

/// A minute this many times the learned average is a spike.
pub const SPIKE_FACTOR: u64 = 3;
/// Fewer requests than this in a minute are no spike, whatever the average
/// (one request a minute becoming three is noise).
pub const SPIKE_MIN_REQUESTS: u64 = 30;
/// An edge is judged on its history only after this many active minutes.
pub const MIN_LEARNED_MINUTES: u64 = 10;
/// A periodic edge silent this long has stopped.
pub const STOP_AFTER_SECS: i64 = 300;

/// What one edge did while learning, and when it was last active.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// Minutes (batches) with requests, while learning.
    pub minutes: u64,
    /// Requests in them.
    pub requests: u64,
    /// The last minute with requests, learning or not.
    pub last_minute: i64,
    pub client: Option<Party>,
    pub server: Option<Party>,
}

/// (client, server, protocol).
type Key = (AssetKey, AssetKey, Protocol);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Volume {
    /// Batches each sensor sent while learning.
    pub sensor_minutes: BTreeMap<String, u64>,
    /// Per sensor, each edge's learned rate.
    pub edges: BTreeMap<String, BTreeMap<Key, Rate>>,
    /// Per sensor, its periodic edges, settled at its first batch after
    /// learning.
    pub periodic: BTreeMap<String, Vec<Key>>,
}

impl Volume {
    pub fn observe(
        &mut self,
        batch: &Batch,
        names: &Names,
        learning: bool,
        out: &mut Vec<Finding>,
    ) {
        let sensor = batch.sensor_id.as_str();
        let minute = batch.minute_start;
        let batch_ref = Some(super::batch_ref(batch));

        /// One edge's requests this minute; the operations behind them by
        /// index, read only when they make an alert.
        struct Now {
            requests: u64,
            ops: Vec<usize>,
        }
        let mut now: BTreeMap<Key, Now> = BTreeMap::new();
        for (i, op) in batch.operations.iter().enumerate() {
            if op.direction == Direction::Response {
                continue;
            }
            let zone = zone_key(sensor, op.vlan);
            let (Some(client), Some(server)) = (
                names.key(&zone, op.client_ip, op.client_mac),
                names.key(&zone, op.server_ip, op.server_mac),
            ) else {
                continue;
            };
            let n = now.entry((client, server, op.protocol)).or_insert(Now {
                requests: 0,
                ops: Vec::new(),
            });
            n.requests = n.requests.saturating_add(op.count);
            n.ops.push(i);
        }
        let ends = |n: &Now| {
            let first = n.ops.first().and_then(|i| batch.operations.get(*i));
            (
                first.and_then(|op| {
                    names.party(&zone_key(sensor, op.vlan), op.client_ip, op.client_mac)
                }),
                first.and_then(|op| {
                    names.party(&zone_key(sensor, op.vlan), op.server_ip, op.server_mac)
                }),
            )
        };

        if learning {
            // Learning again (a later `learn`): the periodic edges are
            // settled anew when it ends.
            self.periodic.remove(sensor);
            let m = self.sensor_minutes.entry(sensor.to_owned()).or_default();
            *m = m.saturating_add(1);
            let edges = self.edges.entry(sensor.to_owned()).or_default();
            for (key, n) in now {
                let rate = edges.entry(key).or_default();
                rate.minutes = rate.minutes.saturating_add(1);
                rate.requests = rate.requests.saturating_add(n.requests);
                rate.last_minute = rate.last_minute.max(minute);
                if rate.client.is_none() {
                    (rate.client, rate.server) = ends(&n);
                }
            }
            return;
        }

        let Some(edges) = self.edges.get_mut(sensor) else {
            // Nothing learned for this sensor: nothing to compare with.
            return;
        };
        for (key, n) in &now {
            let Some(rate) = edges.get_mut(key) else {
                // Not learned: a new edge, alerted by the baseline.
                continue;
            };
            rate.last_minute = rate.last_minute.max(minute);
            if rate.minutes < MIN_LEARNED_MINUTES {
                continue;
            }
            let average = (rate.requests / rate.minutes).max(1);
            if n.requests < SPIKE_MIN_REQUESTS || n.requests < average.saturating_mul(SPIKE_FACTOR)
            {
                continue;
            }
            let mut operations = BTreeMap::new();
            let (mut first, mut last) = (i64::MAX, i64::MIN);
            for op in n.ops.iter().filter_map(|i| batch.operations.get(*i)) {
                let c: &mut u64 = operations.entry(op.name.clone()).or_default();
                *c = c.saturating_add(op.count);
                first = first.min(op.first_seen_ms);
                last = last.max(op.last_seen_ms);
            }
            let (client, server) = ends(n);
            out.push(Finding {
                alert_type: AlertType::TrafficSpike,
                severity: Severity::Medium,
                sensor: sensor.to_owned(),
                client,
                server,
                protocol: Some(key.2),
                // The learned figure is the same at every repeat, so it
                // can name the alert; the counts go in the operations.
                subject: format!("learned average {average}/min"),
                operations,
                first_seen_ms: first,
                last_seen_ms: last,
                batch: batch_ref,
            });
        }

        // Periodic edges of this sensor gone quiet. Which edges are
        // periodic is settled when learning ends (the learned counts do not
        // change after it), so each batch checks those only.
        let learned = self.sensor_minutes.get(sensor).copied().unwrap_or(0);
        if !self.periodic.contains_key(sensor) {
            let keys = edges
                .iter()
                .filter(|(_, rate)| {
                    rate.minutes >= MIN_LEARNED_MINUTES
                        && rate.minutes.saturating_mul(10) >= learned.saturating_mul(9)
                })
                .map(|(k, _)| k.clone())
                .collect();
            self.periodic.insert(sensor.to_owned(), keys);
        }
        let periodic = self.periodic.get(sensor).map(Vec::as_slice).unwrap_or(&[]);
        for key in periodic {
            let Some(rate) = edges.get(key) else {
                continue;
            };
            if minute.saturating_sub(rate.last_minute) < STOP_AFTER_SECS {
                continue;
            }
            let last_ms = rate.last_minute.saturating_mul(1000);
            out.push(Finding {
                alert_type: AlertType::PollingStopped,
                severity: Severity::Medium,
                sensor: sensor.to_owned(),
                client: rate.client.clone(),
                server: rate.server.clone(),
                protocol: Some(key.2),
                subject: format!("active in {} of {learned} learned minutes", rate.minutes),
                operations: BTreeMap::new(),
                // From the last active minute: a repeat every quiet minute
                // stays one alert.
                first_seen_ms: last_ms,
                last_seen_ms: minute.saturating_mul(1000),
                batch: batch_ref,
            });
        }
    }
}
