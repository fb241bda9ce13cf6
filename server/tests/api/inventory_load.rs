//! The portal's inventory answers at scale, under load, through the real
//! HTTP server (docs/BENCHMARKS.md, "Inventory at scale"): a sensor of the
//! demo tenant uploads a synthetic plant of 10,000 assets and 100,000 edges
//! (`analysis::synthetic`) as 20 minute batches, the server's own job
//! analyses them, then `wrk -t2 -c32 -d20s` asks, as the signed-in
//! browser does, for the map data and for the asset table's first page.
//! Prints wrk's figures; asserts only that the data is there and that wrk
//! saw no error answer. Ignored: a benchmark, run by
//! `scripts/bench-inventory.sh`.

use analysis::synthetic::{Plant, batches};
use reqwest::StatusCode;

use crate::analysis::{upload_all, wait_analysed_within};
use crate::helpers::{Backend, PASSWORD, TestApp, client, spawn_app};
use crate::ingest::register;

const PLANT: Plant = Plant {
    assets: 10_000,
    peers: 10,
    batches: 20,
    first_minute: 1_764_000_000,
};

/// The customer's session cookie, as a browser holds it after signing in.
async fn session_cookie(app: &TestApp) -> String {
    let c = client();
    let r = app.login(&c, "customer-viewer", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(app::ssr::SESSION_COOKIE))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// Runs wrk on one server function (a form-encoded POST, as the browser
/// sends it) and returns its report.
fn wrk(app: &TestApp, cookie: &str, endpoint: &str, body: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("post.lua");
    // wrk counts a non-2xx/3xx answer as an error; the script adds nothing else.
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.body = \"{body}\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\nwrk.headers[\"Accept\"] = \"application/json\"\nwrk.headers[\"Cookie\"] = \"{cookie}\"\n"
        ),
    )
    .expect("wrk script");
    let output = std::process::Command::new("wrk")
        .args(["-t2", "-c32", "-d20s", "--latency", "-s"])
        .arg(&script)
        .arg(format!("{}/api/{endpoint}", app.base))
        .output()
        .expect("wrk runs (scripts/setup.sh --tests installs it)");
    assert!(output.status.success(), "wrk failed: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn the_inventory_under_load(backend: Backend) {
    let app = spawn_app(backend).await;
    let sensor = register(&app, app.tenant_demo, "synthetic plant").await;
    let started = std::time::Instant::now();
    let uploads = batches(&PLANT, &sensor.public_id);
    upload_all(&app, &sensor.token, &uploads).await;
    // Up to ten minutes: the analysis took 15 to 16 s in the store's own benchmark.
    wait_analysed_within(
        &app,
        "customer-viewer",
        &sensor.public_id,
        PLANT.batches as u64,
        6_000,
    )
    .await;
    println!(
        "BENCH {backend:?}: {} batches uploaded and analysed in {:.1?}",
        uploads.len(),
        started.elapsed()
    );

    let cookie = session_cookie(&app).await;
    let viewer = app.signed_in("customer-viewer").await;
    let map = app.call(&viewer, "portal/map", &[]).await;
    assert_eq!(map.status(), StatusCode::OK);
    let map_text: String = map.json().await.expect("the map as JSON text");
    let map: model::map::MapData = serde_json::from_str(&map_text).expect("the map");
    println!(
        "BENCH {backend:?}: map data {} nodes, {} edges, truncated {}, {} bytes of JSON",
        map.nodes.len(),
        map.edges.len(),
        map.truncated,
        map_text.len()
    );
    assert!(
        map.nodes.len() >= 5_000,
        "the map holds the synthetic plant"
    );

    for (name, endpoint, body) in [
        ("map data", "portal/map", ""),
        (
            "asset table, first page (HTML)",
            "portal/assets_html",
            "query=&lang=Ja",
        ),
    ] {
        let report = wrk(&app, &cookie, endpoint, body);
        assert!(
            !report.contains("Non-2xx or 3xx responses"),
            "{name}: error answers\n{report}"
        );
        println!("BENCH {backend:?}: {name}, wrk -t2 -c32 -d20s\n{report}");
    }
}

mod the_inventory_under_load {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a benchmark: prints wrk's figures (scripts/bench-inventory.sh)"]
    async fn on_sqlite() {
        super::the_inventory_under_load(super::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a benchmark: prints wrk's figures (scripts/bench-inventory.sh)"]
    async fn on_postgres() {
        super::the_inventory_under_load(super::Backend::Postgres).await
    }
}
