//! `sensor analyze`: the server's analysis engine over capture files, for
//! assessing a plant from captures without a server, and for tests. The
//! files go through the same decoding as `sensor run` (one batch per
//! minute) and into `analysis::Inventory`.

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

use analysis::detect::{AlertView, Config as DetectConfig, Detector};
use analysis::report::Overrides;
use analysis::zones::ZonePlan;
use analysis::{Inventory, Report};
use traffic::record::Health;
use traffic::{Analyzer, AnalyzerConfig, CaptureReader};

/// A file that could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("{file}: cannot open: {source}")]
    Open {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: not a pcap or pcapng file: {source}")]
    NotCapture {
        file: String,
        source: traffic::capture::CaptureError,
    },
}

/// What was read: the inventory, the alerts, and the files that stopped early.
pub struct Analysis {
    pub report: Report,
    /// Alerts of the detection engine, oldest first (docs/DETECTIONS.md).
    pub alerts: Vec<AlertView>,
    /// (file, packets read, why reading stopped) for damaged files.
    pub stopped: Vec<(String, u64, String)>,
}

/// The JSON `sensor analyze --json` prints: the inventory's fields
/// (docs/ANALYSIS.md) with the alerts beside them.
#[derive(serde::Serialize)]
pub struct AnalysisJson<'a> {
    #[serde(flatten)]
    pub report: &'a Report,
    pub alerts: &'a [AlertView],
}

impl Analysis {
    pub fn json(&self) -> AnalysisJson<'_> {
        AnalysisJson {
            report: &self.report,
            alerts: &self.alerts,
        }
    }
}

/// The zone every file's devices are placed in unless each file gets its own.
pub const CAPTURE_ZONE: &str = "capture";

/// Analyzes `files` in order; with `zone_per_file`, each file is a zone of
/// its own (captures of separate networks), else all share one. Without
/// learning captures the sensors are in their learning period (seven days
/// of batch time), so only the always-on detections alert.
pub fn analyze_paths(files: &[&Path], zone_per_file: bool) -> Result<Analysis, AnalyzeError> {
    analyze_learning(&[], files, zone_per_file)
}

/// Learns from `learn` (the baseline), ends learning, then detects on
/// `files`. Always-on detections alert in both.
pub fn analyze_learning(
    learn: &[&Path],
    files: &[&Path],
    zone_per_file: bool,
) -> Result<Analysis, AnalyzeError> {
    analyze_zoned(
        learn,
        files,
        zone_per_file,
        &ZonePlan::default(),
        AnalyzerConfig::default(),
    )
}

/// Reads a zone plan (`sensor analyze --zones`): `analysis::zones::ZonePlan`
/// as JSON, checked as the portal checks what its users type.
pub fn read_zones(path: &Path) -> Result<ZonePlan, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let plan: ZonePlan =
        serde_json::from_str(&text).map_err(|e| format!("{name}: not a zone plan: {e}"))?;
    ZonePlan::new(plan.rules).map_err(|e| format!("{name}: {e}"))
}

/// As [`analyze_learning`], the inventory labelled with the defined `zones`,
/// the captures decoded with `analyzer`'s settings.
pub fn analyze_zoned(
    learn: &[&Path],
    files: &[&Path],
    zone_per_file: bool,
    zones: &ZonePlan,
    analyzer: AnalyzerConfig,
) -> Result<Analysis, AnalyzeError> {
    let mut inventory = Inventory::default();
    let mut detector = Detector::new(DetectConfig::default());
    let mut stopped = Vec::new();
    let mut sequences = std::collections::BTreeMap::<String, u64>::new();
    let learning = learn.iter().map(|p| (p, true));
    let detecting = files.iter().map(|p| (p, false));
    let mut learned = learn.is_empty();
    for (path, is_learn) in learning.chain(detecting) {
        if !is_learn && !learned {
            detector.review(&inventory.report());
            detector.end_learning();
            learned = true;
        }
        let name = path.display().to_string();
        let zone = if zone_per_file {
            name.clone()
        } else {
            CAPTURE_ZONE.to_owned()
        };
        let input: Box<dyn Read> = if path.as_os_str() == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(
                std::fs::File::open(path).map_err(|source| AnalyzeError::Open {
                    file: name.clone(),
                    source,
                })?,
            )
        };
        let mut reader = CaptureReader::new(std::io::BufReader::new(input)).map_err(|source| {
            AnalyzeError::NotCapture {
                file: name.clone(),
                source,
            }
        })?;
        let mut analyzer = Analyzer::new(analyzer);
        let sequence = sequences.entry(zone.clone()).or_default();
        let mut take = |minute: traffic::analyzer::MinuteDigest| {
            *sequence += 1;
            let batch = minute.into_batch(&zone, *sequence, Health::default());
            inventory.observe(&batch);
            if is_learn {
                detector.learn(&batch);
            } else {
                detector.observe(&batch);
            }
        };
        let mut packets = 0u64;
        while let Some(packet) = reader.next_packet() {
            match packet {
                Ok(p) => {
                    packets += 1;
                    analyzer.push_packet(&p);
                    while let Some(minute) = analyzer.drain_minute() {
                        take(minute);
                    }
                }
                Err(e) => {
                    stopped.push((name.clone(), packets, e.to_string()));
                    break;
                }
            }
        }
        analyzer.finish().into_iter().for_each(take);
        // Roles and levels as the inventory now sees them (each file: the
        // server reviews after each step the same way).
        detector.review(&inventory.report());
    }
    Ok(Analysis {
        report: inventory.report_with(&Overrides {
            zones: zones.clone(),
            ..Overrides::default()
        }),
        alerts: detector.views(),
        stopped,
    })
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() { "-" } else { s }
}

/// The inventory as text: assets with role and evidence, then edges, then zones.
pub fn render_text(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Assets: {}", r.assets.len());
    for a in &r.assets {
        let ips: Vec<&str> = a.ips.iter().map(|z| z.ip.as_str()).collect();
        let _ = writeln!(
            out,
            "\n  {}  {}  {:?} ({}%){}",
            a.id,
            or_dash(&ips.join(", ")),
            a.role,
            a.confidence,
            a.purdue_level
                .map(|l| format!("  level {l}"))
                .unwrap_or_default()
        );
        let identity: Vec<String> = [
            a.oui_vendor.clone(),
            a.product.clone(),
            (!a.names.is_empty()).then(|| a.names.join(" / ")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !identity.is_empty() {
            let _ = writeln!(out, "    {}", identity.join("  ·  "));
        }
        for e in &a.evidence {
            let _ = writeln!(out, "    because: {}", e.en);
        }
        for f in &a.facts {
            let _ = writeln!(out, "    {} = {}  ({})", f.attribute, f.value, f.source);
        }
    }
    let _ = writeln!(out, "\nEdges: {}", r.edges.len());
    for e in &r.edges {
        let classes: Vec<String> = e.classes.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let _ = writeln!(
            out,
            "  {} -> {}  {}  {}",
            e.client,
            e.server,
            e.protocol,
            or_dash(&classes.join(", "))
        );
    }
    let _ = writeln!(out, "\nZones: {}", r.zones.len());
    for z in &r.zones {
        let _ = writeln!(
            out,
            "  {}  {} assets  {}",
            z.zone,
            z.assets,
            or_dash(&z.networks.join(", "))
        );
    }
    out
}

/// The alerts as text, most severe first: one line each, then why and what
/// to check (English; the JSON has Japanese too).
pub fn render_alerts(alerts: &[AlertView]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\nAlerts: {}", alerts.len());
    let mut sorted: Vec<&AlertView> = alerts.iter().collect();
    sorted.sort_by_key(|a| (std::cmp::Reverse(a.severity), a.id));
    for a in sorted {
        let technique = a
            .technique
            .map(|t| format!("  {} {}", t.id, t.name))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n  [{}] {}  {}{}",
            a.severity.as_str(),
            a.alert_type.as_str(),
            a.title.en,
            technique
        );
        let _ = writeln!(
            out,
            "    seen {} time(s), {} batch(es)",
            a.count, a.evidence.batches_total
        );
        let _ = writeln!(out, "    why: {}", a.why.en);
        let _ = writeln!(out, "    check: {}", a.check.en);
    }
    out
}
