//! wasm-opt's outputs kept by the hash of their input, so a rebuild only
//! optimises the WASM files whose bytes changed. wasm-opt is most of the
//! site step (minutes on 2 cores), and a rebuild after a server-only change
//! produces the very same WASM files. A change to the browser code always
//! changes the main file (most of the time) and some or all chunks.
//!
//! The key is the input's bytes and the optimiser's identity (its version
//! and flags): another binaryen or other flags never reuse an output. Only
//! the outputs the latest build used are kept, so the cache holds one
//! site's worth of files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

use crate::naming::content_hash;

/// How many files were optimised and how many reused a kept output.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub optimised: usize,
    pub reused: usize,
}

/// Optimises each file in place with `optimise`, `jobs` at a time (largest
/// first, so a long one does not start last), unless `cache` holds the
/// output for the same bytes and `identity`. Kept outputs this call did not
/// use are removed afterwards.
pub fn optimise_all(
    files: &[&Path],
    jobs: usize,
    cache: &Path,
    identity: &str,
    optimise: impl Fn(&Path) -> Result<()> + Sync,
) -> Result<Outcome> {
    std::fs::create_dir_all(cache).with_context(|| format!("creating {}", cache.display()))?;
    let mut outcome = Outcome::default();
    let mut used = HashSet::new();
    let mut queue: Vec<(u64, &Path, PathBuf)> = Vec::new();
    for &file in files {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        let key = format!("{}.wasm", content_hash(&[identity.as_bytes(), &bytes]));
        let kept = cache.join(&key);
        used.insert(key);
        if kept.is_file() {
            std::fs::copy(&kept, file)
                .with_context(|| format!("copying {} to {}", kept.display(), file.display()))?;
            outcome.reused += 1;
        } else {
            queue.push((bytes.len() as u64, file, kept));
        }
    }
    queue.sort_by_key(|(size, _, _)| std::cmp::Reverse(*size));
    outcome.optimised = queue.len();

    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                while let Some((_, file, kept)) = queue.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let Err(e) = optimise(file).and_then(|()| keep(file, kept)) {
                        failures.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                    }
                }
            });
        }
    });
    if let Some(first) = failures
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .next()
    {
        return Err(first);
    }
    prune(cache, &used)?;
    Ok(outcome)
}

/// Copies an output into the cache under a temporary name, then renames
/// it: a build stopped halfway never leaves a truncated file under a key.
fn keep(output: &Path, kept: &Path) -> Result<()> {
    let partial = kept.with_extension("partial");
    std::fs::copy(output, &partial)
        .with_context(|| format!("copying {} to {}", output.display(), partial.display()))?;
    std::fs::rename(&partial, kept)
        .with_context(|| format!("moving {} to {}", partial.display(), kept.display()))
}

fn prune(cache: &Path, used: &HashSet<String>) -> Result<()> {
    for entry in std::fs::read_dir(cache).with_context(|| format!("reading {}", cache.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !used.contains(&name) {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("removing {}", entry.path().display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stands in for wasm-opt: appends a byte, and counts its calls.
    fn fake_optimiser(calls: &AtomicUsize) -> impl Fn(&Path) -> Result<()> + Sync + '_ {
        move |file| {
            calls.fetch_add(1, Ordering::Relaxed);
            let mut bytes = std::fs::read(file)?;
            bytes.push(b'!');
            std::fs::write(file, bytes)?;
            Ok(())
        }
    }

    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir()
                .join(format!("sitebuild-optcache-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("work")).unwrap();
            Scratch(dir)
        }
        fn cache(&self) -> PathBuf {
            self.0.join("cache")
        }
        /// Writes the build's inputs afresh, as sitebuild does each run.
        fn inputs(&self, files: &[(&str, &[u8])]) -> Vec<PathBuf> {
            files
                .iter()
                .map(|(name, bytes)| {
                    let path = self.0.join("work").join(name);
                    std::fs::write(&path, bytes).unwrap();
                    path
                })
                .collect()
        }
        fn cached_files(&self) -> usize {
            std::fs::read_dir(self.cache()).unwrap().count()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn run(scratch: &Scratch, paths: &[PathBuf], identity: &str, calls: &AtomicUsize) -> Outcome {
        let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        optimise_all(&refs, 2, &scratch.cache(), identity, fake_optimiser(calls)).unwrap()
    }

    #[test]
    fn unchanged_inputs_reuse_the_kept_outputs() {
        let scratch = Scratch::new("unchanged");
        let calls = AtomicUsize::new(0);
        let inputs: &[(&str, &[u8])] = &[("main.wasm", b"main"), ("a.wasm", b"chunk a")];
        let first = run(
            &scratch,
            &scratch.inputs(inputs),
            "wasm-opt 132 -Oz",
            &calls,
        );
        assert_eq!(
            first,
            Outcome {
                optimised: 2,
                reused: 0
            }
        );

        let paths = scratch.inputs(inputs);
        let second = run(&scratch, &paths, "wasm-opt 132 -Oz", &calls);
        assert_eq!(
            second,
            Outcome {
                optimised: 0,
                reused: 2
            }
        );
        assert_eq!(calls.load(Ordering::Relaxed), 2, "nothing optimised twice");
        assert_eq!(std::fs::read(&paths[0]).unwrap(), b"main!");
        assert_eq!(std::fs::read(&paths[1]).unwrap(), b"chunk a!");
    }

    #[test]
    fn a_changed_file_alone_is_optimised_again_and_stale_outputs_go() {
        let scratch = Scratch::new("changed");
        let calls = AtomicUsize::new(0);
        run(
            &scratch,
            &scratch.inputs(&[("main.wasm", b"main"), ("a.wasm", b"chunk a")]),
            "id",
            &calls,
        );
        let paths = scratch.inputs(&[("main.wasm", b"main v2"), ("a.wasm", b"chunk a")]);
        let outcome = run(&scratch, &paths, "id", &calls);
        assert_eq!(
            outcome,
            Outcome {
                optimised: 1,
                reused: 1
            }
        );
        assert_eq!(std::fs::read(&paths[0]).unwrap(), b"main v2!");
        assert_eq!(
            scratch.cached_files(),
            2,
            "the old main's output was removed"
        );
    }

    #[test]
    fn another_optimiser_identity_never_reuses() {
        let scratch = Scratch::new("identity");
        let calls = AtomicUsize::new(0);
        let inputs: &[(&str, &[u8])] = &[("main.wasm", b"main")];
        run(
            &scratch,
            &scratch.inputs(inputs),
            "wasm-opt 132 -Oz",
            &calls,
        );
        let outcome = run(
            &scratch,
            &scratch.inputs(inputs),
            "wasm-opt 133 -Oz",
            &calls,
        );
        assert_eq!(
            outcome,
            Outcome {
                optimised: 1,
                reused: 0
            }
        );
    }

    #[test]
    fn a_failed_optimisation_keeps_nothing_and_says_so() {
        let scratch = Scratch::new("failure");
        let paths = scratch.inputs(&[("main.wasm", b"main")]);
        let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let err = optimise_all(&refs, 1, &scratch.cache(), "id", |_| {
            anyhow::bail!("wasm-opt failed: bad input")
        })
        .unwrap_err();
        assert!(err.to_string().contains("bad input"));
        assert_eq!(scratch.cached_files(), 0);
    }
}
