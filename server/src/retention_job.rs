//! The retention job: every hour, deletes the minute rows of analysed
//! batches stored longer ago than the retention period
//! (`store::retention`). A failed purge is logged and tried again an hour
//! later; nothing here panics.

use std::time::Duration;

use store::retention::Retention;

/// How often the job purges.
pub const EVERY: Duration = Duration::from_secs(3600);

/// Runs until the task is aborted; `keep` is how long minute rows stay.
pub async fn run(retention: Retention, keep: Duration, every: Duration) {
    loop {
        let stored_before = store::now_secs() - i64::try_from(keep.as_secs()).unwrap_or(i64::MAX);
        match retention.purge(stored_before).await {
            Ok(0) => {}
            Ok(batches) => tracing::info!(batches, "minute rows past the retention period deleted"),
            Err(error) => tracing::error!(%error, "retention purge failed; trying again later"),
        }
        tokio::time::sleep(every).await;
    }
}

/// Starts the job on the current runtime; none when minute rows are kept
/// for ever (a retention of 0 days).
pub fn spawn(retention: Retention, days: u32) -> Option<tokio::task::JoinHandle<()>> {
    (days > 0).then(|| {
        let keep = Duration::from_secs(u64::from(days) * 24 * 3600);
        tokio::spawn(run(retention, keep, EVERY))
    })
}
