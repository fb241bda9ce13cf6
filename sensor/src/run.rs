//! `sensor run`: decode traffic, close a digest per minute, spool it, and
//! upload it in the background until the server has acknowledged it.
//!
//! Two threads: the capture side (reading, decoding, spooling) never waits
//! for the network; the uploader drains the spool oldest first, backing off
//! while the server is unreachable. The spool is the hand-over, so nothing
//! acknowledged is lost and nothing unacknowledged is forgotten on exit.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use traffic::analyzer::{Analyzer, AnalyzerConfig, MinuteDigest};
use traffic::capture::{CaptureReader, Timestamp};
use traffic::record::Health;

use crate::live::{LiveCapture, LiveError, RingConfig};
use crate::spool::{Spool, SpoolError};
use crate::upload::{Verdict, backoff, send};

/// Where the packets come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A capture file replayed at `pace`.
    Pcap { path: PathBuf, pace: Pace },
    /// Live capture from a network interface.
    Interface { name: String, ring: RingConfig },
}

/// How fast a capture file is replayed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// As fast as it decodes.
    Max,
    /// At this multiple of the capture's own timing (1.0 = real time).
    Speed(f64),
}

#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Server base URL, e.g. `https://otlens.example.com`.
    pub server: String,
    pub token: String,
    /// The sensor's id as registered (`sen_…`).
    pub sensor_id: String,
    pub source: Source,
    pub spool_dir: PathBuf,
    pub spool_max_bytes: u64,
    /// Give up waiting for the uploads to drain after this long once the
    /// capture is done (the spool keeps what is left for the next run).
    pub drain_timeout: Duration,
    /// The decoding engine's settings (`--ignore-vlans`).
    pub analyzer: AnalyzerConfig,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub packets: u64,
    pub batches: u64,
    pub uploaded: u64,
    pub rejected: u64,
    /// Dropped because the spool was full (since the spool was created).
    pub spool_dropped: u64,
    /// Still spooled at exit.
    pub left_in_spool: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{path}: {message}")]
    Capture { path: PathBuf, message: String },
    #[error(transparent)]
    Live(#[from] LiveError),
    #[error(transparent)]
    Spool(#[from] SpoolError),
}

struct Shared {
    spool: Mutex<Spool>,
    capture_done: AtomicBool,
    uploaded: AtomicU64,
    rejected: AtomicU64,
    last_error: Mutex<Option<String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere must not stop the spool from draining.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Uploads spooled batches oldest first until the capture is done and the
/// spool is empty, the drain deadline passes, or `abort` is set.
fn uploader(
    shared: Arc<Shared>,
    cfg: RunConfig,
    abort: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<String>>>,
) {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build();
    let url = format!("{}/api/v1/ingest", cfg.server.trim_end_matches('/'));
    let mut failures = 0u32;
    let deadline =
        |started: Option<Instant>| started.is_some_and(|s| s.elapsed() > cfg.drain_timeout);
    let mut drain_started = None;
    loop {
        if abort.load(Ordering::Relaxed) {
            return;
        }
        let capture_done = shared.capture_done.load(Ordering::Acquire);
        if capture_done && drain_started.is_none() {
            drain_started = Some(Instant::now());
        }
        let next = lock(&shared.spool)
            .pending()
            .ok()
            .and_then(|p| p.into_iter().next());
        let Some(next) = next else {
            if capture_done {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        if deadline(drain_started) {
            return;
        }
        let body = match std::fs::read(&next.path) {
            Ok(b) => b,
            Err(e) => {
                lock(&log).push(format!("reading {}: {e}", next.path.display()));
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        let wait = match send(&agent, &url, &cfg.token, &body) {
            Verdict::Acknowledged => {
                failures = 0;
                if let Err(e) = lock(&shared.spool).acknowledge(next.sequence) {
                    lock(&log).push(e.to_string());
                }
                shared.uploaded.fetch_add(1, Ordering::Relaxed);
                None
            }
            Verdict::Rejected(why) => {
                failures = 0;
                lock(&log).push(format!(
                    "batch {} refused, kept aside: {why}",
                    next.sequence
                ));
                *lock(&shared.last_error) = Some(why);
                if let Err(e) = lock(&shared.spool).reject(next.sequence) {
                    lock(&log).push(e.to_string());
                }
                shared.rejected.fetch_add(1, Ordering::Relaxed);
                None
            }
            Verdict::Unauthorised(why) | Verdict::Retry(why) => {
                let wait = backoff(failures);
                failures = failures.saturating_add(1);
                lock(&log).push(format!(
                    "upload of batch {} failed ({why}); retrying in {} s",
                    next.sequence,
                    wait.as_secs()
                ));
                *lock(&shared.last_error) = Some(why);
                Some(wait)
            }
        };
        if let Some(wait) = wait {
            // Sleep in small steps so a stop or the drain deadline is noticed.
            let until = Instant::now() + wait;
            while Instant::now() < until
                && !abort.load(Ordering::Relaxed)
                && !deadline(drain_started)
            {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// The capture side: decodes packets into minute digests and spools them.
struct Digester<'a> {
    cfg: &'a RunConfig,
    shared: &'a Shared,
    started: Instant,
    analyzer: Analyzer,
    packets: u64,
    batches: u64,
    kernel_dropped: u64,
    last_minute_spooled: Option<i64>,
}

fn now() -> Timestamp {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp(since.as_nanos().min(u128::from(u64::MAX)) as u64)
}

impl Digester<'_> {
    fn spool(&mut self, digest: MinuteDigest) -> Result<(), RunError> {
        let mut spool = lock(&self.shared.spool);
        let minute_start = digest.minute_start;
        let health = Health {
            version: Some(format!("otlens-sensor {}", env!("CARGO_PKG_VERSION"))),
            uptime_s: Some(self.started.elapsed().as_secs()),
            capture_dropped_total: Some(self.kernel_dropped),
            spool_backlog: Some(spool.pending()?.len() as u64),
            spool_dropped_total: Some(spool.dropped_batches()),
            // Replayed minutes are old by nature; lag is a live-capture figure.
            lag_s: matches!(self.cfg.source, Source::Interface { .. })
                .then(|| (now().secs() as i64 - (minute_start + 60)).max(0) as u64),
            last_error: lock(&self.shared.last_error).clone(),
        };
        spool.push(digest.into_batch(&self.cfg.sensor_id, 0, health))?;
        self.batches += 1;
        self.last_minute_spooled = Some(minute_start);
        Ok(())
    }

    fn spool_completed(&mut self) -> Result<(), RunError> {
        while let Some(d) = self.analyzer.drain_minute() {
            self.spool(d)?;
        }
        Ok(())
    }

    fn replay(&mut self, path: &Path, pace: Pace, stop: &AtomicBool) -> Result<(), RunError> {
        let capture_error = |message: String| RunError::Capture {
            path: path.to_owned(),
            message,
        };
        let file = std::fs::File::open(path).map_err(|e| capture_error(e.to_string()))?;
        let mut reader = CaptureReader::new(std::io::BufReader::new(file))
            .map_err(|e| capture_error(e.to_string()))?;
        let mut first_ts: Option<u64> = None;
        while let Some(packet) = reader.next_packet() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let packet = packet.map_err(|e| capture_error(e.to_string()))?;
            if let Pace::Speed(speed) = pace {
                let ts = packet.timestamp.0;
                let first = *first_ts.get_or_insert(ts);
                let due = Duration::from_secs_f64(ts.saturating_sub(first) as f64 / 1e9 / speed);
                if let Some(wait) = due.checked_sub(self.started.elapsed()) {
                    std::thread::sleep(wait);
                }
            }
            self.analyzer.push_packet(&packet);
            self.packets += 1;
            self.spool_completed()?;
        }
        Ok(())
    }

    fn live(
        &mut self,
        interface: &str,
        ring: RingConfig,
        stop: &AtomicBool,
        log: &Mutex<Vec<String>>,
    ) -> Result<(), RunError> {
        let mut capture = LiveCapture::open(interface, ring)?;
        lock(log).push(format!(
            "capturing on {interface} ({} MiB ring)",
            (u64::from(ring.block_size) * u64::from(ring.block_count)) >> 20
        ));
        while !stop.load(Ordering::Relaxed) {
            let (analyzer, packets) = (&mut self.analyzer, &mut self.packets);
            capture.next_block(Duration::from_millis(250), |frame| {
                analyzer.push_with_len(frame.timestamp, frame.linktype, frame.data, frame.wire_len);
                *packets += 1;
            })?;
            self.kernel_dropped = capture.stats()?.dropped;
            // A minute closes a second late, so frames still in a ring block
            // that the kernel has not handed over yet land in their minute.
            let closing = Timestamp(now().0.saturating_sub(1_000_000_000));
            self.analyzer.tick(closing);
            self.spool_completed()?;
            // A quiet minute still reports, so the server tells an idle
            // network from a dead sensor.
            let ended = (closing.minute() as i64 - 1) * 60;
            if self.last_minute_spooled.is_none_or(|last| last < ended)
                && self
                    .analyzer
                    .current_minute_start()
                    .is_none_or(|m| m > ended)
            {
                self.spool(MinuteDigest::empty(ended))?;
            }
        }
        self.kernel_dropped = capture.stats()?.dropped;
        Ok(())
    }
}

/// Decodes a capture file or an interface as a sensor, uploading as it goes,
/// until the file ends or `stop` is set; then spools the last minute and
/// keeps uploading until the spool is empty or the drain timeout has passed
/// (what is left waits in the spool for the next run).
pub fn run(
    cfg: &RunConfig,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<String>>>,
) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let spool = Spool::open(&cfg.spool_dir, cfg.spool_max_bytes)?;
    let shared = Arc::new(Shared {
        spool: Mutex::new(spool),
        capture_done: AtomicBool::new(false),
        uploaded: AtomicU64::new(0),
        rejected: AtomicU64::new(0),
        last_error: Mutex::new(None),
    });
    let abort = Arc::new(AtomicBool::new(false));
    let upload_thread = {
        let (shared, cfg, abort, log) = (shared.clone(), cfg.clone(), abort.clone(), log.clone());
        std::thread::spawn(move || uploader(shared, cfg, abort, log))
    };

    let mut digester = Digester {
        cfg,
        shared: &shared,
        started,
        analyzer: Analyzer::new(cfg.analyzer),
        packets: 0,
        batches: 0,
        kernel_dropped: 0,
        last_minute_spooled: None,
    };
    let mut result = match &cfg.source {
        Source::Pcap { path, pace } => digester.replay(path, *pace, &stop),
        Source::Interface { name, ring } => digester.live(name, *ring, &stop, &log),
    };
    if result.is_ok() || matches!(result, Err(RunError::Capture { .. } | RunError::Live(_))) {
        // What was decoded before a damaged record or a failing interface
        // is still worth sending.
        let last = digester.analyzer.finish();
        for d in last {
            if let Err(e) = digester.spool(d) {
                result = result.and(Err(e));
                break;
            }
        }
    }
    let (packets, batches) = (digester.packets, digester.batches);
    drop(digester);
    shared.capture_done.store(true, Ordering::Release);
    if result.is_err() {
        // Keep what was spooled for the next run; stop uploading now.
        abort.store(true, Ordering::Relaxed);
    }
    let _ = upload_thread.join();
    result?;
    let spool = lock(&shared.spool);
    Ok(RunSummary {
        packets,
        batches,
        uploaded: shared.uploaded.load(Ordering::Relaxed),
        rejected: shared.rejected.load(Ordering::Relaxed),
        spool_dropped: spool.dropped_batches(),
        left_in_spool: spool.pending()?.len() as u64,
    })
}
