//! The portal's inventory answers at scale, under load, through the real
//! HTTP server (docs/BENCHMARKS.md, "Inventory at scale"): a sensor of the
//! demo tenant uploads a synthetic plant of 10,000 assets and 100,000 edges
//! (`analysis::synthetic`) as 20 minute batches, the server's own job
//! analyses them, then `wrk -t2 -c32 -d20s` asks, as the signed-in
//! browser does, for the map data (gzipped, and again with the ETag of the
//! copy it holds) and for the asset table's first page. Then the tenant
//! gets 30 days of minute data (see [`HISTORY`]) and wrk asks the same
//! again, so the two are measured in one run.
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

/// 30 days of minute data, for a second sensor of the tenant: a batch row
/// per minute and, per batch, this many flow, operation and host rows
/// (the demo's captures have about 5, 10 and 6 a minute). Written by SQL,
/// not uploaded: 30 days of uploads of the plant above would hold billions
/// of rows, more than this machine's disk, and the analysis of 43,200
/// batches would take hours. The sensor's analysis progress is set past
/// them, so the job leaves them alone, as it leaves batches it analysed.
struct History {
    minutes: i64,
    flows: i64,
    operations: i64,
    hosts: i64,
}

const HISTORY: History = History {
    minutes: 30 * 1440,
    flows: 100,
    operations: 100,
    hosts: 50,
};

/// Writes [`HISTORY`] for `sensor_id`, ending at `before` (a minute start);
/// returns the rows written and the database's size after, in bytes.
async fn write_history(app: &TestApp, tenant_id: i64, sensor_id: i64, before: i64) -> (i64, i64) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.db_url)
        .await
        .expect("the database");
    let h = &HISTORY;
    let first = before - 60 * h.minutes;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let postgres = app.db_url.starts_with("postgres");
    let no = if postgres { "false" } else { "0" };
    // Minutes 0.. and rows 0.. of a minute, by recursive CTE (both SQL
    // dialects have them); BIGINT from the start so no product overflows.
    let series = |n: i64| {
        format!(
            "WITH RECURSIVE m(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM m WHERE i < {}), \
             k(j) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT j + 1 FROM k WHERE j < {}) ",
            h.minutes - 1,
            n.max(1) - 1
        )
    };
    let minute = format!("({first} + 60 * i)");
    let ms = format!("(1000 * ({first} + 60 * i) + j)");
    let ip =
        |base: &str| format!("'{base}.' || CAST(j / 256 AS TEXT) || '.' || CAST(j % 256 AS TEXT)");
    let statements = [
        format!(
            "INSERT INTO analysis_progress (tenant_id, sensor_id, analysed_sequence, analysed_minute) \
             VALUES ({tenant_id}, {sensor_id}, {}, {})",
            h.minutes,
            before - 60
        ),
        format!(
            "{}INSERT INTO batches (sensor_id, sequence, tenant_id, minute_start, received_at, flows, \
             operations, identities, hosts, packets, bytes, counters_json, health_json) \
             SELECT {sensor_id}, i + 1, {tenant_id}, {minute}, {now}, {}, {}, 0, {}, 1000, 100000, '{{}}', '{{}}' \
             FROM m",
            series(1),
            h.flows,
            h.operations,
            h.hosts
        ),
        format!(
            "{}INSERT INTO flow_minutes (tenant_id, sensor_id, minute_start, sequence, transport, ip_protocol, \
             client_ip, server_ip, client_port, server_port, client_mac, server_mac, vlan, initiator, protocol, \
             flow_start_ms, first_seen_ms, last_seen_ms, packets_to_server, packets_to_client, bytes_to_server, \
             bytes_to_client, payload_to_server, payload_to_client, tcp_flags_to_server, tcp_flags_to_client, \
             started, ended, reassembly_gap_bytes) \
             SELECT {tenant_id}, {sensor_id}, {minute}, i + 1, 'tcp', 6, {}, {}, 40000 + j, 502, NULL, NULL, NULL, \
             'syn', 'modbus', {ms}, {ms}, {ms} + 500, 6, 6, 600, 600, 144, 144, 24, 24, {}, NULL, 0 FROM m, k",
            series(h.flows),
            ip("10.8"),
            ip("10.9"),
            no
        ),
        format!(
            "{}INSERT INTO operation_minutes (tenant_id, sensor_id, minute_start, sequence, transport, client_ip, \
             server_ip, server_port, client_mac, server_mac, protocol, function_code, name, class, unit, \
             direction, error_code, count, first_seen_ms, last_seen_ms, ranges_json, ranges_truncated, vlan) \
             SELECT {tenant_id}, {sensor_id}, {minute}, i + 1, 'tcp', {}, {}, 502, NULL, NULL, 'modbus', 3, \
             'read_holding_registers', 'read', 1, 'request', NULL, 6, {ms}, {ms} + 500, '[]', {}, NULL FROM m, k",
            series(h.operations),
            ip("10.8"),
            ip("10.9"),
            no
        ),
        format!(
            "{}INSERT INTO host_minutes (tenant_id, sensor_id, minute_start, sequence, mac, ip, grp, vendor, \
             macs_json, ttl, first_seen_ms, last_seen_ms, packets_sent, packets_received, bytes_sent, \
             bytes_received, vlan) \
             SELECT {tenant_id}, {sensor_id}, {minute}, i + 1, NULL, {}, {}, NULL, '[]', 64, {ms}, {ms} + 500, \
             12, 12, 1200, 1200, NULL FROM m, k",
            series(h.hosts),
            ip("10.9"),
            no
        ),
    ];
    for sql in &statements {
        sqlx::query(sql)
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
    }
    let mut rows = 0;
    for table in [
        "batches",
        "flow_minutes",
        "operation_minutes",
        "host_minutes",
    ] {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM {table} WHERE sensor_id = {sensor_id}"
        ))
        .fetch_one(&pool)
        .await
        .expect("a count");
        rows += n;
    }
    let size_sql = if postgres {
        "SELECT CAST(pg_database_size(current_database()) AS BIGINT)"
    } else {
        "SELECT CAST(page_count * page_size AS BIGINT) FROM pragma_page_count(), pragma_page_size()"
    };
    let size: i64 = sqlx::query_scalar(size_sql)
        .fetch_one(&pool)
        .await
        .expect("the size");
    pool.close().await;
    (rows, size)
}

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
    let asks = [
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
    ];
    let under_load = |history: &str| {
        for (name, ask) in &asks {
            let report = wrk(&app, ask);
            assert!(
                !report.contains("Non-2xx or 3xx responses"),
                "{name}: error answers\n{report}"
            );
            println!("BENCH {backend:?}: {name}, {history}, wrk -t2 -c32 -d20s\n{report}");
        }
    };
    under_load("20 minutes of minute data");

    let history = register(&app, app.tenant_demo, "30 days of history").await;
    let started = std::time::Instant::now();
    let (rows, size) = write_history(&app, app.tenant_demo, history.id, PLANT.first_minute).await;
    println!(
        "BENCH {backend:?}: 30 days of minute data written in {:.1?}: {rows} rows for the second sensor \
         ({} batches; {} flow, {} operation and {} host rows a minute); the database is now {size} bytes",
        started.elapsed(),
        HISTORY.minutes,
        HISTORY.flows,
        HISTORY.operations,
        HISTORY.hosts
    );
    under_load("30 days of minute data");
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
