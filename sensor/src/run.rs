//! `sensor run`: decode traffic, close a digest per minute, spool it, and
//! upload it in the background until the server has acknowledged it.
//!
//! Two threads: the capture side (reading, decoding, spooling) never waits
//! for the network; the uploader drains the spool oldest first, backing off
//! while the server is unreachable. The spool is the hand-over, so nothing
//! acknowledged is lost and nothing unacknowledged is forgotten on exit.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use traffic::analyzer::{Analyzer, AnalyzerConfig, MinuteDigest};
use traffic::capture::CaptureReader;
use traffic::record::Health;

use crate::spool::{Spool, SpoolError};
use crate::upload::{Verdict, backoff, send};

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
    pub pcap: PathBuf,
    pub pace: Pace,
    pub spool_dir: PathBuf,
    pub spool_max_bytes: u64,
    /// Give up waiting for the uploads to drain after this long once the
    /// capture is done (the spool keeps what is left for the next run).
    pub drain_timeout: Duration,
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

fn uploader(
    shared: Arc<Shared>,
    cfg: RunConfig,
    stop: Arc<AtomicBool>,
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
        if stop.load(Ordering::Relaxed) {
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
                && !stop.load(Ordering::Relaxed)
                && !deadline(drain_started)
            {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// Replays a capture file as a sensor would see it live, uploading as it goes.
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
    let upload_thread = {
        let (shared, cfg, stop, log) = (shared.clone(), cfg.clone(), stop.clone(), log.clone());
        std::thread::spawn(move || uploader(shared, cfg, stop, log))
    };

    let capture_error = |message: String| RunError::Capture {
        path: cfg.pcap.clone(),
        message,
    };
    let result = (|| -> Result<(u64, u64), RunError> {
        let file = std::fs::File::open(&cfg.pcap).map_err(|e| capture_error(e.to_string()))?;
        let mut reader = CaptureReader::new(std::io::BufReader::new(file))
            .map_err(|e| capture_error(e.to_string()))?;
        let mut analyzer = Analyzer::new(AnalyzerConfig::default());
        let (mut packets, mut batches) = (0u64, 0u64);
        let mut first_ts: Option<u64> = None;
        let spool_digest = |d: MinuteDigest, batches: &mut u64| -> Result<(), RunError> {
            let mut spool = lock(&shared.spool);
            let health = Health {
                version: Some(format!("otlens-sensor {}", env!("CARGO_PKG_VERSION"))),
                uptime_s: Some(started.elapsed().as_secs()),
                capture_dropped_total: Some(0),
                spool_backlog: Some(spool.pending()?.len() as u64),
                spool_dropped_total: Some(spool.dropped_batches()),
                // Replayed minutes are old by nature; lag is a live-capture figure.
                lag_s: None,
                last_error: lock(&shared.last_error).clone(),
            };
            spool.push(d.into_batch(&cfg.sensor_id, 0, health))?;
            *batches += 1;
            Ok(())
        };
        while let Some(packet) = reader.next_packet() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let packet = packet.map_err(|e| capture_error(e.to_string()))?;
            if let Pace::Speed(speed) = cfg.pace {
                let ts = packet.timestamp.0;
                let first = *first_ts.get_or_insert(ts);
                let due = Duration::from_secs_f64(ts.saturating_sub(first) as f64 / 1e9 / speed);
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    std::thread::sleep(wait);
                }
            }
            analyzer.push_packet(&packet);
            packets += 1;
            while let Some(d) = analyzer.drain_minute() {
                spool_digest(d, &mut batches)?;
            }
        }
        for d in analyzer.finish() {
            spool_digest(d, &mut batches)?;
        }
        Ok((packets, batches))
    })();
    shared.capture_done.store(true, Ordering::Release);
    if result.is_err() {
        // Keep what was spooled for the next run; stop uploading now.
        stop.store(true, Ordering::Relaxed);
    }
    let _ = upload_thread.join();
    let (packets, batches) = result?;
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
