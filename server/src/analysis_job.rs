//! The analysis job: a background task that takes stored batches through
//! the analysis engine (`store::analysis`), woken after each committed
//! batch and on a periodic tick, running steps until nothing is pending.
//! The sensor's acknowledgement never waits for it. A failed step is
//! logged and retried on the next wake or tick; nothing here panics, and a
//! step cut short (shutdown) rolls back, to be done again.

use std::time::Duration;

use store::Analysis;
use store::analysis::Step;

/// How often the job looks for work without being woken: batches another
/// server instance stored, or a step that failed.
pub const TICK: Duration = Duration::from_secs(30);

/// Runs until the task is aborted.
pub async fn run(analysis: Analysis, tick: Duration) {
    loop {
        drain(&analysis).await;
        tokio::select! {
            () = analysis.woken() => {}
            () = tokio::time::sleep(tick) => {}
        }
    }
}

/// Steps until nothing is pending or a step fails.
async fn drain(analysis: &Analysis) {
    let started = std::time::Instant::now();
    let mut analysed = 0;
    loop {
        match analysis.step().await {
            Ok(Step::Idle) => {
                if analysed > 0 {
                    // How fast the job works through a backlog
                    // (scripts/bench-ingest.sh reads this line).
                    let ms = started.elapsed().as_secs_f64() * 1000.0;
                    tracing::debug!(batches = analysed, ms, "analysis caught up");
                }
                return;
            }
            Ok(Step::Analysed { tenant_id, batches }) => {
                analysed += batches;
                tracing::debug!(tenant_id, batches, "batches analysed");
            }
            Err(error) => {
                tracing::error!(%error, "analysis step failed; retrying later");
                return;
            }
        }
    }
}

/// Starts the job on the current runtime.
pub fn spawn(analysis: Analysis) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(analysis, TICK))
}
