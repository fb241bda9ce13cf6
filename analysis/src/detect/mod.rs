//! Detections: the same minute batches as the inventory in, alerts out.
//! Pure and incremental like [`crate::Inventory`]: the state serialises
//! with serde, batches of one sensor come in sequence order, and time is
//! the batches' own (no clock), so the server and `sensor analyze` give the
//! same alerts for the same batches.
//!
//! One file per family, named after what it detects:
//!
//! - [`commands`]: dangerous commands, always on — operating mode, restart,
//!   reconfiguration, program download and upload, logic changes,
//!   firmware, clock, PROFINET DCP Set.
//! - [`scans`]: network scans and industrial discovery sweeps, always on.
//! - [`malformed`]: malformed industrial messages and bursts of error
//!   answers, always on.
//! - [`baseline`]: after the learning period, what the baseline has not
//!   seen — assets, edges, protocols, operation classes and functions, IT
//!   protocols reaching OT assets, IP/MAC pairs.
//! - [`volume`]: after the learning period, an edge's requests against
//!   its own history — a poll that triples, a periodic poll that stops.
//! - [`review`]: after the learning period, what the inventory's report
//!   says changed — roles, edges that skip Purdue levels.
//!
//! Findings an [`Allow`] covers are not recorded ([`allow`]).
//!
//! ```
//! use analysis::detect::{Config, Detector};
//! use traffic::record::Batch;
//!
//! let mut detector = Detector::new(Config::default());
//! let changed = detector.observe(&Batch::empty("sen_line1", 1, 1_764_000_000));
//! assert!(changed.is_empty());
//! ```

pub mod alert;
pub mod allow;
pub mod baseline;
pub mod commands;
pub mod malformed;
pub mod names;
pub mod review;
pub mod scans;
pub mod text;
pub mod view;
pub mod volume;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use traffic::record::Batch;

pub use alert::{Alert, AlertType, AlertView, BatchRef, Finding, Party, Severity};
pub use allow::{Allow, AllowScope, ScopeKind};

use crate::report::Report;

/// Seven days, the default learning period.
pub const DEFAULT_LEARNING_SECS: i64 = 7 * 24 * 3600;
/// One hour: a repeat less than this after an alert was last seen updates it.
pub const DEFAULT_DEDUP_WINDOW_SECS: i64 = 3600;

/// Settings of a detector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// How long each sensor learns, in batch time from its first batch.
    pub learning_secs: i64,
    /// A repeat of an alert (same type, sensor, assets, protocol and
    /// subject) within this long after it was last seen updates it instead
    /// of opening a new one. The window slides: a behaviour that goes on
    /// every minute stays one alert.
    pub dedup_window_secs: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            learning_secs: DEFAULT_LEARNING_SECS,
            dedup_window_secs: DEFAULT_DEDUP_WINDOW_SECS,
        }
    }
}

/// Where a sensor stands in its learning period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Learning {
    /// Its first batch's minute.
    pub started: i64,
    /// Set when learning was ended by hand ([`Detector::end_learning`]).
    pub ended: bool,
}

impl Learning {
    /// True while a batch of `minute_start` falls in the learning period.
    pub fn learns_at(&self, minute_start: i64, config: Config) -> bool {
        !self.ended && minute_start.saturating_sub(self.started) < config.learning_secs
    }
}

/// The detections of one tenant, fed batch by batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detector {
    config: Config,
    learning: BTreeMap<String, Learning>,
    names: names::Names,
    baseline: baseline::Baseline,
    volume: volume::Volume,
    review: review::ReviewState,
    /// The alerts still open to repeats, by id (ascending); a long-running
    /// detector drops the others with [`Detector::forget_closed`].
    alerts: Vec<Alert>,
    /// Dedup key → id of the alert a repeat updates.
    open: BTreeMap<String, u64>,
    /// The id the next alert gets: ids keep increasing when alerts are
    /// forgotten.
    #[serde(default)]
    next_id: u64,
    /// Per sensor, its latest batch time, ms: where its dedup windows stand.
    #[serde(default)]
    sensor_now_ms: BTreeMap<String, i64>,
    /// Latest batch time seen, ms: the time of findings that come from the
    /// inventory rather than a batch.
    now_ms: i64,
    /// What the customer allowed; set before each run
    /// ([`Detector::set_allows`]), not part of the state (the server keeps
    /// them in its tables).
    #[serde(skip)]
    allows: Vec<Allow>,
    /// Findings not recorded because an allow covered them.
    #[serde(default)]
    suppressed: u64,
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new(Config::default())
    }
}

impl Detector {
    pub fn new(config: Config) -> Detector {
        Detector {
            config,
            learning: BTreeMap::new(),
            names: names::Names::default(),
            baseline: baseline::Baseline::default(),
            volume: volume::Volume::default(),
            review: review::ReviewState::default(),
            alerts: Vec::new(),
            open: BTreeMap::new(),
            next_id: 1,
            sensor_now_ms: BTreeMap::new(),
            now_ms: 0,
            allows: Vec::new(),
            suppressed: 0,
        }
    }

    pub fn config(&self) -> Config {
        self.config
    }

    /// Changes the settings of a detector restored from its state (a
    /// server started with another learning period): learning is judged
    /// with the new period from the next batch on.
    pub fn set_config(&mut self, config: Config) {
        self.config = config;
    }

    /// True while `sensor` learns (a sensor never seen learns too).
    pub fn is_learning(&self, sensor: &str, minute_start: i64) -> bool {
        match self.learning.get(sensor) {
            None => true,
            Some(l) => l.learns_at(minute_start, self.config),
        }
    }

    /// Ends the learning period of every sensor seen so far now (offline:
    /// after the `--learn` captures), whatever their batch time says.
    pub fn end_learning(&mut self) {
        for l in self.learning.values_mut() {
            l.ended = true;
        }
    }

    /// Takes in one minute of one sensor; returns the ids of the alerts it
    /// opened or updated.
    pub fn observe(&mut self, batch: &Batch) -> Vec<u64> {
        self.take(batch, false)
    }

    /// Takes in one minute as baseline whatever its time says (offline:
    /// the `--learn` captures, which may span more than the learning
    /// period); always-on detections still alert.
    pub fn learn(&mut self, batch: &Batch) -> Vec<u64> {
        self.take(batch, true)
    }

    fn take(&mut self, batch: &Batch, force_learning: bool) -> Vec<u64> {
        // The sensor's period starts with its first batch, learnt by force
        // or not, so `end_learning` ends it.
        let l = self
            .learning
            .entry(batch.sensor_id.clone())
            .or_insert(Learning {
                started: batch.minute_start,
                ended: false,
            });
        let learning = force_learning || l.learns_at(batch.minute_start, self.config);
        let minute_ms = batch.minute_start.saturating_mul(1000);
        self.now_ms = self.now_ms.max(minute_ms);
        let sensor_now = self
            .sensor_now_ms
            .entry(batch.sensor_id.clone())
            .or_insert(minute_ms);
        *sensor_now = (*sensor_now).max(minute_ms);
        let mut findings = Vec::new();
        // Names first, so a device is named the same way in the batch that
        // first shows its MAC as in the ones after (the baseline keeps its
        // own IP/MAC pairs to tell what changed).
        self.names.observe(batch);
        self.baseline
            .observe(batch, &self.names, learning, &mut findings);
        self.volume
            .observe(batch, &self.names, learning, &mut findings);
        commands::detect(batch, &self.names, &mut findings);
        scans::detect(batch, &self.names, &mut findings);
        malformed::detect(batch, &self.names, &mut findings);
        self.record(findings)
    }

    /// Compares the inventory's report with what it said during learning:
    /// new roles and edges that skip Purdue levels. Call it after
    /// [`Detector::observe`] with the report of the same batches (the
    /// server after each analysis step; `sensor analyze` after each file).
    pub fn review(&mut self, report: &Report) -> Vec<u64> {
        let mut findings = Vec::new();
        let (learning, config, now_ms) = (&self.learning, self.config, self.now_ms);
        let is_learning = |sensor: &str| match learning.get(sensor) {
            None => true,
            Some(l) => l.learns_at(now_ms / 1000, config),
        };
        self.review
            .review(report, is_learning, now_ms, &mut findings);
        self.record(findings)
    }

    /// Every alert kept, oldest first (every alert, unless
    /// [`Detector::forget_closed`] dropped some).
    pub fn alerts(&self) -> &[Alert] {
        &self.alerts
    }

    /// The alert of an id, if still kept.
    pub fn alert(&self, id: u64) -> Option<&Alert> {
        self.alerts
            .binary_search_by_key(&id, |a| a.id)
            .ok()
            .and_then(|i| self.alerts.get(i))
    }

    /// Replaces the allow list. An alert an allow covers is closed to
    /// repeats: what it covers is suppressed while the allow stands, and
    /// opens a new alert once the allow is revoked, rather than quietly
    /// updating the alert a person already dealt with.
    pub fn set_allows(&mut self, allows: Vec<Allow>) {
        let alerts = &self.alerts;
        let covered = |id: &u64| {
            alerts
                .binary_search_by_key(id, |a| a.id)
                .ok()
                .and_then(|i| alerts.get(i))
                .is_some_and(|a| allows.iter().any(|allow| allow.covers_alert(a)))
        };
        self.open.retain(|_, id| !covered(id));
        self.allows = allows;
    }

    /// Findings an allow covered since the detector began.
    pub fn suppressed(&self) -> u64 {
        self.suppressed
    }

    /// Drops the alerts no finding can update any more — those closed by
    /// an allow, and those last seen more than the dedup window before
    /// their sensor's latest batch — and returns how many. For a detector
    /// that runs for ever (the server), which keeps the alerts elsewhere;
    /// ids keep increasing. Exact while each sensor's batch time moves
    /// forward; a sensor whose time goes back (an old capture uploaded
    /// after a newer one) may open a new alert where a kept one would
    /// have been updated.
    pub fn forget_closed(&mut self) -> usize {
        let window_ms = self.config.dedup_window_secs.saturating_mul(1000);
        let (sensor_now, now_ms) = (&self.sensor_now_ms, self.now_ms);
        let open: std::collections::BTreeSet<u64> = self.open.values().copied().collect();
        let before = self.alerts.len();
        self.alerts.retain(|a| {
            let now = sensor_now.get(&a.sensor).copied().unwrap_or(now_ms);
            open.contains(&a.id) && now.saturating_sub(a.last_seen_ms) <= window_ms
        });
        let alerts = &self.alerts;
        self.open
            .retain(|_, id| alerts.binary_search_by_key(id, |a| a.id).is_ok());
        before - self.alerts.len()
    }

    /// Every alert as shown (JSON: docs/DETECTIONS.md).
    pub fn views(&self) -> Vec<AlertView> {
        self.alerts.iter().map(Alert::view).collect()
    }

    fn record(&mut self, findings: Vec<Finding>) -> Vec<u64> {
        let window_ms = self.config.dedup_window_secs.saturating_mul(1000);
        let mut changed = Vec::new();
        for f in findings {
            if self.allows.iter().any(|allow| allow.covers(&f)) {
                self.suppressed = self.suppressed.saturating_add(1);
                continue;
            }
            let key = f.key();
            // An id that points nowhere (a state stored by hand) opens a
            // new alert rather than panicking.
            let repeat = self
                .open
                .get(&key)
                .and_then(|id| self.alerts.binary_search_by_key(id, |a| a.id).ok())
                .filter(|&i| {
                    self.alerts.get(i).is_some_and(|a| {
                        f.first_seen_ms.saturating_sub(a.last_seen_ms) <= window_ms
                    })
                });
            let id = match repeat.and_then(|i| self.alerts.get_mut(i)) {
                Some(a) => {
                    a.count = a.count.saturating_add(1);
                    a.severity = a.severity.max(f.severity);
                    a.first_seen_ms = a.first_seen_ms.min(f.first_seen_ms);
                    a.last_seen_ms = a.last_seen_ms.max(f.last_seen_ms);
                    if f.batch.is_some() {
                        for (name, more) in f.operations {
                            let n = a.operations.entry(name).or_default();
                            *n = n.saturating_add(more);
                        }
                    } else {
                        // A finding from the report carries the edge's
                        // totals so far: they replace, not add.
                        a.operations = f.operations;
                    }
                    if let Some(b) = f.batch
                        && a.batches.last() != Some(&b)
                    {
                        a.batches_total = a.batches_total.saturating_add(1);
                        if a.batches.len() < alert::MAX_BATCHES_PER_ALERT {
                            a.batches.push(b);
                        }
                    }
                    a.id
                }
                None => {
                    // A state from before `next_id` (0 by serde's default)
                    // goes on after its last alert.
                    let id = self
                        .next_id
                        .max(self.alerts.last().map_or(1, |a| a.id.saturating_add(1)));
                    self.next_id = id.saturating_add(1);
                    self.open.insert(key, id);
                    self.alerts.push(Alert {
                        id,
                        alert_type: f.alert_type,
                        severity: f.severity,
                        sensor: f.sensor,
                        client: f.client,
                        server: f.server,
                        protocol: f.protocol,
                        subject: f.subject,
                        operations: f.operations,
                        count: 1,
                        first_seen_ms: f.first_seen_ms,
                        last_seen_ms: f.last_seen_ms,
                        batches: f.batch.into_iter().collect(),
                        batches_total: u64::from(f.batch.is_some()),
                    });
                    id
                }
            };
            if !changed.contains(&id) {
                changed.push(id);
            }
        }
        changed
    }
}

/// The batch a finding came from.
pub(crate) fn batch_ref(batch: &Batch) -> BatchRef {
    BatchRef {
        sequence: batch.sequence,
        minute_start: batch.minute_start,
    }
}
