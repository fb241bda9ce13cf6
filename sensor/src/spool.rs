//! The on-disk spool: every batch is written here (encoded and compressed,
//! flushed to disk) before any upload is tried, and removed only after the
//! server acknowledged it. Bounded: past the limit the oldest batches are
//! dropped, and counted, so a day-long outage cannot fill the disk.
//!
//! Layout: `<dir>/<sequence, 20 digits>.batch` files plus `state.json`
//! (next sequence number and the drop counter), written atomically (temp
//! file + rename) so a crash never leaves a half-written file under a final
//! name. Sequence numbers survive restarts, so a retried batch keeps its
//! number and the server can recognise it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use traffic::record::Batch;

#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error("spool {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("spool state {path} is unreadable: {message}")]
    State { path: PathBuf, message: String },
    #[error("encoding a batch: {0}")]
    Encode(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SpoolError + '_ {
    move |source| SpoolError::Io {
        path: path.to_owned(),
        source,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct State {
    next_sequence: u64,
    dropped_batches: u64,
}

/// A spooled batch waiting for upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spooled {
    pub sequence: u64,
    pub path: PathBuf,
    pub bytes: u64,
}

#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    max_bytes: u64,
    state: State,
}

/// Encodes a batch as the server expects it: CBOR, then zstd.
pub fn encode(batch: &Batch) -> Result<Vec<u8>, SpoolError> {
    let mut raw = Vec::new();
    ciborium::into_writer(batch, &mut raw).map_err(|e| SpoolError::Encode(e.to_string()))?;
    zstd::encode_all(raw.as_slice(), 3).map_err(|e| SpoolError::Encode(e.to_string()))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SpoolError> {
    let tmp = path.with_extension("tmp");
    let mut f = fs::File::create(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    fs::rename(&tmp, path).map_err(io(path))
}

impl Spool {
    /// Opens (creating if needed) a spool directory holding at most
    /// `max_bytes` of batches.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<Spool, SpoolError> {
        fs::create_dir_all(dir).map_err(io(dir))?;
        let state_path = dir.join("state.json");
        let mut state = match fs::read(&state_path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| SpoolError::State {
                path: state_path.clone(),
                message: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State {
                next_sequence: 1,
                dropped_batches: 0,
            },
            Err(e) => return Err(io(&state_path)(e)),
        };
        let mut spool = Spool {
            dir: dir.to_owned(),
            max_bytes,
            state: State::default(),
        };
        // Never reuse a sequence still on disk, even if the state file lags.
        if let Some(last) = spool.pending()?.last() {
            state.next_sequence = state.next_sequence.max(last.sequence + 1);
        }
        spool.state = state;
        Ok(spool)
    }

    fn save_state(&self) -> Result<(), SpoolError> {
        let bytes =
            serde_json::to_vec(&self.state).map_err(|e| SpoolError::Encode(e.to_string()))?;
        write_atomically(&self.dir.join("state.json"), &bytes)
    }

    /// The sequence number the next batch gets.
    pub fn next_sequence(&self) -> u64 {
        self.state.next_sequence
    }

    /// Batches dropped because the spool was full, since it was created.
    pub fn dropped_batches(&self) -> u64 {
        self.state.dropped_batches
    }

    /// Stores a batch under the next sequence number (the batch's own
    /// `sequence` is set here), then trims the oldest batches past the limit.
    pub fn push(&mut self, mut batch: Batch) -> Result<u64, SpoolError> {
        let sequence = self.state.next_sequence;
        batch.sequence = sequence;
        let bytes = encode(&batch)?;
        // The counter moves first: a crash after this never reuses the number.
        self.state.next_sequence += 1;
        self.save_state()?;
        write_atomically(&self.path_of(sequence), &bytes)?;
        self.trim()?;
        Ok(sequence)
    }

    fn path_of(&self, sequence: u64) -> PathBuf {
        self.dir.join(format!("{sequence:020}.batch"))
    }

    /// Waiting batches, oldest first.
    pub fn pending(&self) -> Result<Vec<Spooled>, SpoolError> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&self.dir).map_err(io(&self.dir))? {
            let entry = entry.map_err(io(&self.dir))?;
            let path = entry.path();
            let Some(sequence) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".batch"))
                .and_then(|n| n.parse::<u64>().ok())
            else {
                continue;
            };
            let bytes = entry.metadata().map_err(io(&path))?.len();
            out.push(Spooled {
                sequence,
                path,
                bytes,
            });
        }
        out.sort_by_key(|s| s.sequence);
        Ok(out)
    }

    /// Bytes waiting.
    pub fn backlog_bytes(&self) -> Result<u64, SpoolError> {
        Ok(self.pending()?.iter().map(|s| s.bytes).sum())
    }

    /// Removes an acknowledged batch.
    pub fn acknowledge(&self, sequence: u64) -> Result<(), SpoolError> {
        let path = self.path_of(sequence);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(&path)(e)),
        }
    }

    /// Moves a batch the server refused for good (4xx) aside, so it is kept
    /// for inspection but no longer retried.
    pub fn reject(&self, sequence: u64) -> Result<PathBuf, SpoolError> {
        let dir = self.dir.join("rejected");
        fs::create_dir_all(&dir).map_err(io(&dir))?;
        let to = dir.join(format!("{sequence:020}.batch"));
        fs::rename(self.path_of(sequence), &to).map_err(io(&to))?;
        Ok(to)
    }

    fn trim(&mut self) -> Result<(), SpoolError> {
        let pending = self.pending()?;
        let mut total: u64 = pending.iter().map(|s| s.bytes).sum();
        let mut dropped = 0;
        for s in &pending {
            // The newest batch always stays, whatever its size.
            if total <= self.max_bytes || Some(s) == pending.last() {
                break;
            }
            fs::remove_file(&s.path).map_err(io(&s.path))?;
            total -= s.bytes;
            dropped += 1;
        }
        if dropped > 0 {
            self.state.dropped_batches += dropped;
            self.save_state()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch() -> Batch {
        Batch::empty("sen_test", 0, 1_700_000_040)
    }

    #[test]
    fn batches_are_numbered_kept_in_order_and_removed_when_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(spool.push(batch()).unwrap(), 1);
        assert_eq!(spool.push(batch()).unwrap(), 2);
        let pending: Vec<u64> = spool
            .pending()
            .unwrap()
            .iter()
            .map(|s| s.sequence)
            .collect();
        assert_eq!(pending, [1, 2]);
        spool.acknowledge(1).unwrap();
        assert_eq!(spool.pending().unwrap()[0].sequence, 2);
        // The stored bytes decode to the batch with its sequence.
        let bytes = fs::read(&spool.pending().unwrap()[0].path).unwrap();
        let raw = zstd::decode_all(bytes.as_slice()).unwrap();
        let back: Batch = ciborium::from_reader(raw.as_slice()).unwrap();
        assert_eq!(back.sequence, 2);
    }

    #[test]
    fn sequence_numbers_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::open(dir.path(), 1 << 20).unwrap();
        spool.push(batch()).unwrap();
        spool.push(batch()).unwrap();
        spool.acknowledge(2).unwrap();
        drop(spool);
        let mut again = Spool::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(again.push(batch()).unwrap(), 3);
        // Even with the state file gone, a number still on disk is not reused.
        fs::remove_file(dir.path().join("state.json")).unwrap();
        let reopened = Spool::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(reopened.next_sequence(), 4);
    }

    #[test]
    fn past_the_limit_the_oldest_batches_are_dropped_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let one = encode(&batch()).unwrap().len() as u64;
        let mut spool = Spool::open(dir.path(), one * 3).unwrap();
        for _ in 0..5 {
            spool.push(batch()).unwrap();
        }
        let pending: Vec<u64> = spool
            .pending()
            .unwrap()
            .iter()
            .map(|s| s.sequence)
            .collect();
        assert_eq!(pending, [3, 4, 5]);
        assert_eq!(spool.dropped_batches(), 2);
        assert_eq!(
            Spool::open(dir.path(), one * 3).unwrap().dropped_batches(),
            2
        );
    }

    #[test]
    fn a_rejected_batch_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::open(dir.path(), 1 << 20).unwrap();
        spool.push(batch()).unwrap();
        let aside = spool.reject(1).unwrap();
        assert!(aside.exists());
        assert!(spool.pending().unwrap().is_empty());
    }
}
