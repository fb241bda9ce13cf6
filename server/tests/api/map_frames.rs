//! The communication map in Chromium with a big inventory (docs/BENCHMARKS.md,
//! "Communication map"): a sensor of the demo tenant uploads a synthetic
//! plant of 2,000 assets and 10,000 edges (`analysis::synthetic`), the
//! server's job analyses it, then `end2end/bench/map-frames.mjs` opens the
//! map page signed in as a customer, waits for the layout and pans the map
//! with the mouse, printing the layout time and each frame's drawing time.
//! Serves the site `scripts/build.sh` compiled (`target/site`). Ignored: a
//! benchmark, run by `scripts/bench-map-page.sh`.

use std::path::PathBuf;

use analysis::synthetic::{Plant, batches};

use crate::analysis::{upload_all, wait_analysed_within};
use crate::helpers::{Backend, spawn_app_serving};
use crate::ingest::register;
use crate::inventory_load::session_cookie;

const PLANT: Plant = Plant {
    assets: 2_000,
    peers: 5,
    batches: 10,
    first_minute: 1_764_000_000,
};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

async fn the_map_page_in_chromium(backend: Backend) {
    let site = repo().join("target/site");
    assert!(
        site.join("pkg").is_dir(),
        "{} has no compiled site: run ./scripts/build.sh first",
        site.display()
    );
    // Leptos links the site's hashed file names from the list the release
    // build writes beside the server binary: this test's binary needs it too.
    let hashes = repo().join("target/release/hash.txt");
    let beside = std::env::current_exe()
        .expect("the test's path")
        .with_file_name("hash.txt");
    std::fs::copy(&hashes, &beside)
        .unwrap_or_else(|e| panic!("{}: {e} (run ./scripts/build.sh first)", hashes.display()));
    let app = spawn_app_serving(backend, &site).await;
    let sensor = register(&app, app.tenant_demo, "synthetic plant").await;
    upload_all(&app, &sensor.token, &batches(&PLANT, &sensor.public_id)).await;
    wait_analysed_within(
        &app,
        "customer-viewer",
        &sensor.public_id,
        PLANT.batches as u64,
        3_000,
    )
    .await;
    let cookie = session_cookie(&app).await;
    let output = std::process::Command::new("node")
        .current_dir(repo().join("end2end"))
        .args(["bench/map-frames.mjs", &app.base, &cookie])
        .output()
        .expect("node runs (scripts/setup.sh --tests installs Playwright)");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!("BENCH {backend:?}: the map page\n{report}");
    assert!(
        report.contains("with 2000 nodes and 10000 edges shown"),
        "{report}"
    );
}

mod the_map_page_in_chromium {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a benchmark: needs the compiled site (scripts/bench-map-page.sh)"]
    async fn on_sqlite() {
        super::the_map_page_in_chromium(super::Backend::Sqlite).await
    }
}
