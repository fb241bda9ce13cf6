//! The portal's inventory answers at scale, under load, through the real
//! HTTP server (docs/BENCHMARKS.md, "Inventory at scale"): a sensor of the
//! demo tenant uploads a synthetic plant of 10,000 assets and 100,000 edges
//! (`analysis::synthetic`) as 20 minute batches, the server's own job
//! analyses them, then `wrk -t2 -c32 -d20s` asks, as the signed-in
//! browser does, for the map data (gzipped, and again with the ETag of the
//! copy it holds) and for the asset table's first page.
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
pub(crate) async fn session_cookie(app: &TestApp) -> String {
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

/// One request as wrk repeats it.
struct Ask<'a> {
    method: &'a str,
    path: String,
    headers: Vec<(&'a str, String)>,
    body: &'a str,
}

/// Runs wrk on one request and returns its report.
fn wrk(app: &TestApp, ask: &Ask) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("ask.lua");
    // wrk counts a non-2xx/3xx answer as an error; the script adds nothing else.
    let mut lua = format!(
        "wrk.method = \"{}\"\nwrk.body = \"{}\"\n",
        ask.method, ask.body
    );
    for (name, value) in &ask.headers {
        lua.push_str(&format!(
            "wrk.headers[\"{name}\"] = \"{}\"\n",
            value.replace('"', "\\\"")
        ));
    }
    std::fs::write(&script, lua).expect("wrk script");
    let output = std::process::Command::new("wrk")
        .args(["-t2", "-c32", "-d20s", "--latency", "-s"])
        .arg(&script)
        .arg(format!("{}{}", app.base, ask.path))
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
    let url = format!("{}{}", app.base, server::map_data::MAP_DATA_PATH);
    let r = viewer
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("the map");
    assert_eq!(r.status(), StatusCode::OK);
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let gzipped = r.bytes().await.unwrap();
    let r = viewer.get(&url).send().await.expect("the map");
    let map_text = r.text().await.unwrap();
    let map: model::map::MapData = serde_json::from_str(&map_text).expect("the map");
    println!(
        "BENCH {backend:?}: map data {} nodes, {} edges, truncated {}, {} bytes of JSON, {} gzipped",
        map.nodes.len(),
        map.edges.len(),
        map.truncated,
        map_text.len(),
        gzipped.len()
    );
    assert!(
        map.nodes.len() >= 5_000,
        "the map holds the synthetic plant"
    );

    let map_ask = |extra: Vec<(&'static str, String)>| Ask {
        method: "GET",
        path: server::map_data::MAP_DATA_PATH.to_owned(),
        headers: [
            vec![
                ("Cookie", cookie.clone()),
                ("Accept-Encoding", "gzip, deflate, br, zstd".to_owned()),
            ],
            extra,
        ]
        .concat(),
        body: "",
    };
    for (name, ask) in [
        ("map data, gzipped (a first visit)", map_ask(vec![])),
        (
            "map data, the browser's copy current (a repeat visit: 304)",
            map_ask(vec![("If-None-Match", etag.clone())]),
        ),
        (
            "asset table, first page (HTML)",
            Ask {
                method: "POST",
                path: "/api/portal/assets_html".to_owned(),
                headers: vec![
                    (
                        "Content-Type",
                        "application/x-www-form-urlencoded".to_owned(),
                    ),
                    ("Accept", "application/json".to_owned()),
                    ("Cookie", cookie.clone()),
                ],
                body: "query=&lang=Ja",
            },
        ),
    ] {
        let report = wrk(&app, &ask);
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
