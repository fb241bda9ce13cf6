//! Stored batches read back and analysed, on SQLite and PostgreSQL: a
//! rebuilt batch is the batch that was sent, the analysis job's inventory
//! is the one `analysis::Inventory` makes of the same batches offline, and
//! every inventory query stays inside its tenant.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};

use analysis::Inventory;
use model::inventory::{AssetFilter, AssetQuery, AssetSort};
use store::analysis::Step;
use store::batches::RebuildError;
use store::sensors::AuthenticatedSensor;
use store::{Db, Store, StoreError};
use traffic::analyzer::{AnalyzerConfig, digest_capture};
use traffic::record::{Batch, Health};

const CAPTURE: &[u8] =
    include_bytes!("../../traffic/testdata/pcaps/s7comm/s7comm_downloading_block_db1.pcap");
const OTHER_CAPTURE: &[u8] =
    include_bytes!("../../traffic/testdata/pcaps/iec104/iec104_090813_diverse.pcap");

static COUNTER: AtomicU64 = AtomicU64::new(0);

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, migrated database of `backend`.
async fn fresh(backend: Backend) -> (Store, Option<std::path::PathBuf>) {
    let (url, file) = fresh_url(backend).await;
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    (Store::new(db), file)
}

/// The URL of a new, empty database of `backend` (and its file, on SQLite).
async fn fresh_url(backend: Backend) -> (String, Option<std::path::PathBuf>) {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let (url, file) = match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!(
                "otlens_store_analysis_{}_{n}.db",
                std::process::id()
            ));
            let _ = std::fs::remove_file(&path);
            (format!("sqlite://{}", path.display()), Some(path))
        }
        Backend::Postgres => {
            let name = format!("otlens_test_analysis_{}_{n}", std::process::id());
            (common::new_postgres_database(&name).await, None)
        }
    };
    (url, file)
}

/// A fresh database of `backend`, not migrated.
async fn unmigrated(backend: Backend) -> (Db, Option<std::path::PathBuf>) {
    let (url, file) = fresh_url(backend).await;
    (Db::connect(&url).await.unwrap(), file)
}

async fn sensor(store: &Store, tenant: &str) -> AuthenticatedSensor {
    let tenant = store.accounts.create_tenant(tenant).await.unwrap();
    let created = store.sensors.create(tenant.id, "mirror").await.unwrap();
    AuthenticatedSensor {
        id: created.sensor.id,
        tenant_id: tenant.id,
        public_id: created.sensor.public_id,
    }
}

fn batches(capture: &[u8], public_id: &str) -> Vec<Batch> {
    digest_capture(capture, AnalyzerConfig::default())
        .unwrap()
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let health = Health {
                version: Some("test 1".into()),
                lag_s: Some(4),
                ..Health::default()
            };
            d.into_batch(public_id, i as u64 + 1, health)
        })
        .collect()
}

/// The batch with its records in one order: the store keeps every field of
/// every record, not their order within the minute.
fn canonical(mut b: Batch) -> Batch {
    fn sort<T: serde::Serialize>(v: &mut [T]) {
        v.sort_by_cached_key(|x| serde_json::to_string(x).unwrap());
    }
    sort(&mut b.flows);
    sort(&mut b.operations);
    sort(&mut b.identities);
    sort(&mut b.hosts);
    b
}

async fn analyse_all(store: &Store) -> usize {
    let mut analysed = 0;
    for _ in 0..1000 {
        match store.analysis.step().await.unwrap() {
            Step::Idle => return analysed,
            Step::Analysed { batches, .. } => analysed += batches,
        }
    }
    panic!("the analysis job never became idle");
}

async fn a_stored_batch_is_rebuilt_as_sent(backend: Backend) {
    let (store, file) = fresh(backend).await;
    let s = sensor(&store, "plant").await;
    let sent = batches(OTHER_CAPTURE, &s.public_id);
    assert!(sent.len() >= 2);
    assert!(
        sent.iter()
            .any(|b| !b.operations.is_empty() && !b.flows.is_empty())
    );
    assert!(sent.iter().any(|b| !b.identities.is_empty()));
    for b in &sent {
        assert!(store.ingest.store(&s, b, Some(1)).await.unwrap().stored);
    }
    // A second batch of the same minute (a restarted sensor): each batch
    // keeps its own rows.
    let mut again = sent[0].clone();
    again.sequence = 100;
    again.flows.truncate(1);
    store.ingest.store(&s, &again, None).await.unwrap();
    // Records of a VLAN keep it (the same address on two VLANs is two
    // devices).
    let mut tagged = sent
        .iter()
        .find(|b| !b.operations.is_empty())
        .unwrap()
        .clone();
    tagged.sequence = 101;
    tagged.identities = sent.iter().flat_map(|b| b.identities.clone()).collect();
    tagged.flows.iter_mut().for_each(|r| r.vlan = Some(42));
    tagged.operations.iter_mut().for_each(|r| r.vlan = Some(42));
    tagged
        .identities
        .iter_mut()
        .for_each(|r| r.vlan = Some(4094));
    tagged.hosts.iter_mut().for_each(|r| r.vlan = Some(1));
    assert!(!tagged.hosts.is_empty() && !tagged.identities.is_empty());
    store.ingest.store(&s, &tagged, None).await.unwrap();

    for b in sent.iter().chain([&again, &tagged]) {
        let back = store
            .analysis
            .rebuild_batch(s.tenant_id, s.id, b.sequence as i64)
            .await
            .unwrap()
            .expect("stored");
        assert_eq!(
            canonical(back),
            canonical(b.clone()),
            "batch {}",
            b.sequence
        );
    }
    assert_eq!(
        store
            .analysis
            .rebuild_batch(s.tenant_id, s.id, 999)
            .await
            .unwrap(),
        None
    );
    // Another tenant's key finds nothing.
    let other = sensor(&store, "elsewhere").await;
    assert_eq!(
        store
            .analysis
            .rebuild_batch(other.tenant_id, s.id, 1)
            .await
            .unwrap(),
        None
    );

    // A row another version wrote: an error naming it, never a panic.
    sqlx::query("UPDATE flow_minutes SET transport = 'warp' WHERE sequence = 1")
        .execute(store.db.pool())
        .await
        .unwrap();
    match store.analysis.rebuild_batch(s.tenant_id, s.id, 1).await {
        Err(e @ RebuildError::Row { .. }) => {
            let message = e.to_string();
            assert!(message.contains("flow_minutes.transport"), "{message}");
            assert!(message.contains("\"warp\""), "{message}");
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    // The job reads a batch's rows when no upload of it is kept (a batch
    // stored before uploads were kept): it reports the bad row and
    // analyses nothing of that tenant, but goes on with the others.
    sqlx::query("UPDATE batches SET upload = NULL, upload_encoding = NULL WHERE sequence = 1")
        .execute(store.db.pool())
        .await
        .unwrap();
    assert!(store.analysis.step().await.is_err());
    let fine = Batch::empty(&other.public_id, 1, 1_764_000_000);
    store.ingest.store(&other, &fine, None).await.unwrap();
    assert_eq!(
        store.analysis.step().await.unwrap(),
        Step::Analysed {
            tenant_id: other.tenant_id,
            batches: 1
        }
    );
    assert!(store.analysis.step().await.is_err());
    assert_eq!(
        store
            .sensors
            .get(s.id)
            .await
            .unwrap()
            .health
            .analysed_sequence,
        None
    );
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

/// The tenant's materialised tables hold `expected`: every asset (its
/// JSON as the engine made it), as many edges and zones.
async fn tables_hold(store: &Store, tenant_id: i64, expected: &analysis::Report) {
    let page = store
        .inventory
        .assets(tenant_id, &AssetQuery::default())
        .await
        .unwrap();
    assert_eq!(page.total as usize, expected.assets.len());
    let ids: Vec<&str> = page.assets.iter().map(|r| r.id.as_str()).collect();
    let mut want: Vec<&str> = expected.assets.iter().map(|a| a.id.as_str()).collect();
    want.sort_unstable();
    assert_eq!(ids, want);
    for asset in &expected.assets {
        let detail = store.inventory.asset(tenant_id, &asset.id).await.unwrap();
        assert_eq!(detail.json, serde_json::to_string(asset).unwrap());
    }
    let edges = store.inventory.edges(tenant_id).await.unwrap();
    assert_eq!(edges.len(), expected.edges.len());
    let zones = store.inventory.zones(tenant_id).await.unwrap();
    assert_eq!(zones.len(), expected.zones.len());
}

/// Batches with uploads kept.
async fn kept_uploads(store: &Store, sensor_id: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM batches WHERE sensor_id = $1 AND upload IS NOT NULL",
    )
    .bind(sensor_id)
    .fetch_one(store.db.pool())
    .await
    .unwrap()
}

async fn uploads_and_rows_give_the_same_inventory_and_uploads_go_once_analysed(backend: Backend) {
    use store::ingest::Received;
    use traffic::upload::Encoding;
    let (store, file) = fresh(backend).await;
    // Tenant A's batches arrive as sensors send them (CBOR, one as JSON);
    // tenant B's were stored before uploads were kept, but one, whose kept
    // upload is damaged: both are read from their rows.
    let a = sensor(&store, "a").await;
    let b = sensor(&store, "b").await;
    let sent_a = batches(OTHER_CAPTURE, &a.public_id);
    let sent_b = batches(OTHER_CAPTURE, &b.public_id);
    assert!(sent_a.len() >= 2);
    for (i, x) in sent_a.iter().enumerate() {
        let (bytes, encoding) = if i == 1 {
            let json = serde_json::to_vec(x).unwrap();
            (
                zstd::encode_all(json.as_slice(), 3).unwrap(),
                Encoding::Json,
            )
        } else {
            (traffic::upload::encode(x), Encoding::Cbor)
        };
        let received = Received {
            bytes: &bytes,
            encoding,
        };
        let outcome = store.ingest.store_received(&a, x, 7, received).await;
        assert!(outcome.unwrap().stored);
    }
    for x in &sent_b {
        store.ingest.store(&b, x, None).await.unwrap();
    }
    assert_eq!(kept_uploads(&store, a.id).await, sent_a.len() as i64);
    // With uploads kept, the job does not read the rows at all: rows it
    // could not read do not stop it.
    sqlx::query("UPDATE flow_minutes SET transport = 'warp' WHERE sensor_id = $1")
        .bind(a.id)
        .execute(store.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE batches SET upload = NULL, upload_encoding = NULL WHERE sensor_id = $1")
        .bind(b.id)
        .execute(store.db.pool())
        .await
        .unwrap();
    sqlx::query(
        "UPDATE batches SET upload = $1, upload_encoding = 'cbor' WHERE sensor_id = $2 AND sequence = 2",
    )
    .bind(b"not zstd".as_slice())
    .bind(b.id)
    .execute(store.db.pool())
    .await
    .unwrap();

    assert_eq!(analyse_all(&store).await, sent_a.len() + sent_b.len());
    for (s, sent) in [(&a, &sent_a), (&b, &sent_b)] {
        let mut offline = Inventory::default();
        sent.iter().for_each(|x| offline.observe(x));
        let expected = offline.report();
        assert!(!expected.assets.is_empty());
        tables_hold(&store, s.tenant_id, &expected).await;
        // Analysed: nothing of them is kept twice any more.
        assert_eq!(kept_uploads(&store, s.id).await, 0);
    }
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

async fn the_job_analyses_each_batch_once_in_order_per_tenant(backend: Backend) {
    let (store, file) = fresh(backend).await;
    let a = sensor(&store, "a").await;
    let b = sensor(&store, "b").await;
    let sent = batches(CAPTURE, &a.public_id);
    let theirs = batches(OTHER_CAPTURE, &b.public_id);
    let mut offline = Inventory::default();
    for x in &sent {
        offline.observe(x);
    }
    let expected = offline.report();
    assert!(!expected.assets.is_empty());

    // Half, analysed; then a restart (a new Store: nothing cached); the
    // rest, with a retry of an analysed batch.
    let half = sent.len().div_ceil(2);
    for x in &sent[..half] {
        store.ingest.store(&a, x, Some(7)).await.unwrap();
    }
    for x in &theirs {
        store.ingest.store(&b, x, None).await.unwrap();
    }
    assert_eq!(analyse_all(&store).await, half + theirs.len());
    let store = Store::new(store.db.clone());
    store.ingest.store(&a, &sent[0], Some(7)).await.unwrap();
    for x in &sent[half..] {
        store.ingest.store(&a, x, Some(7)).await.unwrap();
    }
    if let Backend::Postgres = backend {
        // Another instance holding the tenant: this one leaves it alone.
        let mut other_instance = store.db.pool().begin().await.unwrap();
        sqlx::query("SELECT version FROM analysis_state WHERE tenant_id = $1 FOR UPDATE")
            .bind(a.tenant_id)
            .fetch_one(&mut *other_instance)
            .await
            .unwrap();
        assert_eq!(store.analysis.step().await.unwrap(), Step::Idle);
        other_instance.rollback().await.unwrap();
    }
    assert_eq!(analyse_all(&store).await, sent.len() - half);
    assert_eq!(analyse_all(&store).await, 0);

    tables_hold(&store, a.tenant_id, &expected).await;
    for asset in &expected.assets {
        // Tenant B never sees tenant A's asset, even by its id.
        assert_eq!(
            store.inventory.asset(b.tenant_id, &asset.id).await,
            Err(StoreError::NotFound)
        );
    }
    let zones = store.inventory.zones(a.tenant_id).await.unwrap();
    assert_eq!(zones[0].zone, a.public_id);

    // The PLC, found by filters the portal table uses.
    let controllers = store
        .inventory
        .assets(
            a.tenant_id,
            &AssetQuery {
                filter: AssetFilter {
                    role: Some("controller".into()),
                    vendor: Some("siemens".into()),
                    protocol: Some("s7comm".into()),
                    zone: Some(a.public_id.clone()),
                    purdue_level: Some(1),
                    search: Some("192.168.1.40".into()),
                    seen_since_ms: Some(0),
                },
                ..AssetQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(controllers.total, 1);
    assert_eq!(controllers.assets[0].ips, ["192.168.1.40"]);
    assert_eq!(controllers.assets[0].protocols, ["s7comm"]);
    let none = store
        .inventory
        .assets(
            a.tenant_id,
            &AssetQuery {
                filter: AssetFilter {
                    search: Some("%".into()),
                    ..AssetFilter::default()
                },
                ..AssetQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(none.total, 0, "a wildcard is searched for literally");
    let first = store
        .inventory
        .assets(
            a.tenant_id,
            &AssetQuery {
                sort: AssetSort::Confidence,
                descending: true,
                limit: 1,
                ..AssetQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(first.assets.len(), 1);
    assert_eq!(first.total as usize, expected.assets.len());
    let top = expected.assets.iter().map(|a| a.confidence).max().unwrap();
    assert_eq!(first.assets[0].confidence, i64::from(top));

    let counts = store.inventory.counts(a.tenant_id).await.unwrap();
    let total: i64 = counts.by_role.iter().map(|(_, n)| n).sum();
    assert_eq!(total as usize, expected.assets.len());
    assert!(counts.by_role.contains(&("controller".to_owned(), 1)));
    assert!(counts.by_level.iter().any(|(l, _)| *l == Some(1)));

    // Tenant B's inventory is its own.
    let theirs_page = store
        .inventory
        .assets(b.tenant_id, &AssetQuery::default())
        .await
        .unwrap();
    assert!(
        theirs_page
            .assets
            .iter()
            .all(|r| r.zones == [b.public_id.clone()])
    );

    // Lag: nothing pending, analysed through the last batch.
    let health = store.sensors.get(a.id).await.unwrap().health;
    assert_eq!(health.analysis_pending, 0);
    assert_eq!(health.analysed_sequence, Some(sent.len() as i64));
    assert_eq!(
        health.analysed_minute,
        Some(sent.last().unwrap().minute_start)
    );

    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

/// Rows stored before minute rows carried their batch get its sequence
/// where one batch of their sensor covers their minute, and none where two
/// do (no guess).
async fn old_minute_rows_get_their_batch_where_it_is_unambiguous(backend: Backend) {
    let (db, file) = unmigrated(backend).await;
    let mut before = match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version <= 6)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(db.pool()).await.unwrap();
    for sql in [
        "INSERT INTO tenants (id, name, created_at) VALUES (1, 't', 0)",
        "INSERT INTO sensors (id, public_id, tenant_id, name, token_hash, created_at) VALUES (1, 'sen_1', 1, 's', 'h', 0)",
        "INSERT INTO batches (sensor_id, sequence, tenant_id, minute_start, received_at, flows, operations, identities, hosts, packets, bytes, counters_json, health_json) \
         VALUES (1, 1, 1, 60, 0, 0, 0, 1, 1, 0, 0, '{}', '{}'), (1, 2, 1, 120, 0, 0, 0, 0, 1, 0, 0, '{}', '{}'), (1, 3, 1, 120, 0, 0, 0, 0, 0, 0, 0, '{}', '{}')",
        "INSERT INTO host_minutes (tenant_id, sensor_id, minute_start, ip, grp, macs_json, first_seen_ms, last_seen_ms, packets_sent, packets_received, bytes_sent, bytes_received) \
         VALUES (1, 1, 60, '10.0.0.1', FALSE, '[]', 0, 0, 0, 0, 0, 0), (1, 1, 120, '10.0.0.2', FALSE, '[]', 0, 0, 0, 0, 0, 0)",
        "INSERT INTO identity_observations (tenant_id, sensor_id, minute_start, ip, source, attribute, value, first_seen_ms) \
         VALUES (1, 1, 60, '10.0.0.1', 'ttl', 'os_hint', 'x', 0)",
    ] {
        sqlx::query(sql).execute(db.pool()).await.unwrap();
    }
    db.migrate().await.unwrap();
    let hosts: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT ip, sequence FROM host_minutes ORDER BY ip")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(
        hosts,
        [
            ("10.0.0.1".to_owned(), Some(1)),
            ("10.0.0.2".to_owned(), None)
        ]
    );
    let identity: Option<i64> = sqlx::query_scalar("SELECT sequence FROM identity_observations")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(identity, Some(1));
    db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

/// A missing sequence is waited for while it may still come (a retry, a
/// concurrent upload), then skipped; a batch arriving after its sensor's
/// progress passed it stays stored, unanalysed.
async fn a_missing_batch_is_waited_for_then_skipped(backend: Backend) {
    let (store, file) = fresh(backend).await;
    let s = sensor(&store, "gaps").await;
    let batch =
        |sequence: u64| Batch::empty(&s.public_id, sequence, 1_764_000_000 + 60 * sequence as i64);
    let progress = |store: &Store| {
        let store = store.clone();
        let id = s.id;
        async move {
            let h = store.sensors.get(id).await.unwrap().health;
            (h.analysed_sequence, h.analysis_pending)
        }
    };
    for n in [1, 2, 4] {
        store.ingest.store(&s, &batch(n), None).await.unwrap();
    }
    assert_eq!(analyse_all(&store).await, 2);
    assert_eq!(progress(&store).await, (Some(2), 1));
    store.ingest.store(&s, &batch(3), None).await.unwrap();
    assert_eq!(analyse_all(&store).await, 2);
    assert_eq!(progress(&store).await, (Some(4), 0));

    store.ingest.store(&s, &batch(6), None).await.unwrap();
    assert_eq!(analyse_all(&store).await, 0, "5 may still come");
    assert_eq!(progress(&store).await, (Some(4), 1));
    sqlx::query("UPDATE batches SET received_at = received_at - $1 WHERE sequence = 6")
        .bind(store::analysis::GAP_WAIT_SECS)
        .execute(store.db.pool())
        .await
        .unwrap();
    assert_eq!(analyse_all(&store).await, 1);
    assert_eq!(progress(&store).await, (Some(6), 0));
    store.ingest.store(&s, &batch(5), None).await.unwrap();
    assert_eq!(analyse_all(&store).await, 0);
    assert_eq!(progress(&store).await, (Some(6), 0));
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

/// Two server instances stepping at once: each batch is analysed by one of
/// them, once, and each picks up the state the other committed.
async fn two_instances_analyse_each_batch_once(backend: Backend) {
    let (store, file) = fresh(backend).await;
    let s7 = sensor(&store, "plant").await;
    let created = store.sensors.create(s7.tenant_id, "second").await.unwrap();
    let iec = AuthenticatedSensor {
        id: created.sensor.id,
        tenant_id: s7.tenant_id,
        public_id: created.sensor.public_id,
    };
    let mut offline = Inventory::default();
    let mut total = 0;
    for (sensor, capture) in [(&s7, CAPTURE), (&iec, OTHER_CAPTURE)] {
        for b in batches(capture, &sensor.public_id) {
            store.ingest.store(sensor, &b, None).await.unwrap();
            offline.observe(&b);
            total += 1;
        }
    }
    let other = Store::new(store.db.clone());
    let (one, two) = tokio::join!(analyse_all(&store), analyse_all(&other));
    assert_eq!(one + two, total);
    let expected = offline.report();
    let page = store
        .inventory
        .assets(
            s7.tenant_id,
            &AssetQuery {
                limit: 500,
                ..AssetQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total as usize, expected.assets.len());
    for asset in &expected.assets {
        let stored = store
            .inventory
            .asset(s7.tenant_id, &asset.id)
            .await
            .unwrap();
        assert_eq!(stored.json, serde_json::to_string(asset).unwrap());
    }
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

/// Steps take tenants in turn, so one with a long backlog never starves
/// another; each step takes a bounded number of batches.
async fn tenants_take_turns_in_bounded_steps(backend: Backend) {
    let (store, file) = fresh(backend).await;
    let x = sensor(&store, "x").await;
    let y = sensor(&store, "y").await;
    let per_tenant = store::analysis::BATCHES_PER_STEP as u64 + 8;
    for s in [&x, &y] {
        for n in 1..=per_tenant {
            let b = Batch::empty(&s.public_id, n, 1_764_000_000 + 60 * n as i64);
            store.ingest.store(s, &b, None).await.unwrap();
        }
    }
    let mut steps = Vec::new();
    loop {
        match store.analysis.step().await.unwrap() {
            Step::Idle => break,
            Step::Analysed { tenant_id, batches } => steps.push((tenant_id, batches)),
        }
    }
    let full = store::analysis::BATCHES_PER_STEP as usize;
    assert_eq!(
        steps,
        [
            (x.tenant_id, full),
            (y.tenant_id, full),
            (x.tenant_id, 8),
            (y.tenant_id, 8)
        ]
    );
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

/// The state is read from the database only when its version moved on
/// since this instance wrote it: a damaged stored state goes unnoticed by
/// the instance holding the current one, and is reported (never a panic)
/// by one that must read it.
async fn the_state_is_reloaded_only_when_its_version_moved(backend: Backend) {
    let (store, file) = fresh(backend).await;
    let s = sensor(&store, "cache").await;
    let batch = |n: u64| Batch::empty(&s.public_id, n, 1_764_000_000 + 60 * n as i64);
    store.ingest.store(&s, &batch(1), None).await.unwrap();
    assert_eq!(analyse_all(&store).await, 1);
    sqlx::query("UPDATE analysis_state SET state = $1")
        .bind(vec![0xffu8, 0x00])
        .execute(store.db.pool())
        .await
        .unwrap();
    store.ingest.store(&s, &batch(2), None).await.unwrap();
    assert_eq!(analyse_all(&store).await, 1, "the cached state is current");

    sqlx::query("UPDATE analysis_state SET state = $1")
        .bind(vec![0xffu8, 0x00])
        .execute(store.db.pool())
        .await
        .unwrap();
    store.ingest.store(&s, &batch(3), None).await.unwrap();
    let restarted = Store::new(store.db.clone());
    let error = restarted.analysis.step().await.unwrap_err().to_string();
    assert!(error.contains("analysis state cannot be read"), "{error}");
    // Another instance moved the version on: the cache is stale, so the
    // first instance reads the state too.
    sqlx::query("UPDATE analysis_state SET version = version + 1")
        .execute(store.db.pool())
        .await
        .unwrap();
    assert!(store.analysis.step().await.is_err());
    assert_eq!(
        store
            .sensors
            .get(s.id)
            .await
            .unwrap()
            .health
            .analysed_sequence,
        Some(2)
    );
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

/// The tenant's materialised assets and edges as (key, JSON), in key order.
async fn tables(store: &Store, tenant_id: i64) -> (Vec<(String, String)>, Vec<(String, String)>) {
    use sqlx::Row;
    let assets = sqlx::query(
        "SELECT asset_id, asset_json FROM assets WHERE tenant_id = $1 ORDER BY asset_id",
    )
    .bind(tenant_id)
    .fetch_all(store.db.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.get::<String, _>("asset_id"),
            r.get::<String, _>("asset_json"),
        )
    })
    .collect();
    let edges = sqlx::query(
        "SELECT client_id, server_id, protocol, edge_json FROM edges WHERE tenant_id = $1 \
         ORDER BY client_id, server_id, protocol",
    )
    .bind(tenant_id)
    .fetch_all(store.db.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| {
        let key = format!(
            "{} {} {}",
            r.get::<String, _>("client_id"),
            r.get::<String, _>("server_id"),
            r.get::<String, _>("protocol")
        );
        (key, r.get::<String, _>("edge_json"))
    })
    .collect();
    (assets, edges)
}

async fn steps_write_only_what_changed_and_match_the_offline_engine(backend: Backend) {
    let (store, file) = fresh(backend).await;
    let s = sensor(&store, "incremental").await;
    let sent = batches(OTHER_CAPTURE, &s.public_id);
    assert!(sent.len() >= 3);
    // One batch a step: every step after the first writes only changes.
    for x in &sent {
        store.ingest.store(&s, x, None).await.unwrap();
        assert_eq!(analyse_all(&store).await, 1);
    }
    let mut offline = Inventory::default();
    for x in &sent {
        offline.observe(x);
    }
    let report = offline.report();
    let mut expected_assets: Vec<(String, String)> = report
        .assets
        .iter()
        .map(|a| (a.id.clone(), serde_json::to_string(a).unwrap()))
        .collect();
    expected_assets.sort();
    let mut expected_edges: Vec<(String, String)> = report
        .edges
        .iter()
        .map(|e| {
            (
                format!("{} {} {}", e.client, e.server, e.protocol),
                serde_json::to_string(e).unwrap(),
            )
        })
        .collect();
    expected_edges.sort();
    let (assets, edges) = tables(&store, s.tenant_id).await;
    assert_eq!(assets, expected_assets);
    assert_eq!(edges, expected_edges);

    // A row the next step does not change is not written again …
    let untouched = &assets[0].0;
    sqlx::query("UPDATE assets SET role = 'tampered' WHERE tenant_id = $1 AND asset_id = $2")
        .bind(s.tenant_id)
        .bind(untouched.as_str())
        .execute(store.db.pool())
        .await
        .unwrap();
    let next = sent.len() as u64 + 1;
    let last_minute = sent.last().unwrap().minute_start;
    store
        .ingest
        .store(
            &s,
            &Batch::empty(&s.public_id, next, last_minute + 60),
            None,
        )
        .await
        .unwrap();
    assert_eq!(analyse_all(&store).await, 1);
    let role = |store: Store| {
        let id = untouched.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT role FROM assets WHERE tenant_id = $1 AND asset_id = $2",
            )
            .bind(s.tenant_id)
            .bind(id)
            .fetch_one(store.db.pool())
            .await
            .unwrap()
        }
    };
    assert_eq!(role(store.clone()).await, "tampered");
    // … while an instance that knows nothing of the tables writes them whole.
    let restarted = Store::new(store.db.clone());
    restarted
        .ingest
        .store(
            &s,
            &Batch::empty(&s.public_id, next + 1, last_minute + 120),
            None,
        )
        .await
        .unwrap();
    assert_eq!(analyse_all(&restarted).await, 1);
    assert_ne!(role(restarted.clone()).await, "tampered");
    assert_eq!(
        tables(&restarted, s.tenant_id).await,
        (expected_assets, expected_edges)
    );
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

async fn a_decision_about_an_asset_shows_at_once_and_holds(backend: Backend) {
    use store::analysis::AssetDecision;
    let (store, file) = fresh(backend).await;
    let s = sensor(&store, "decisions").await;
    for x in &batches(CAPTURE, &s.public_id) {
        store.ingest.store(&s, x, None).await.unwrap();
    }
    analyse_all(&store).await;
    let plc = store
        .inventory
        .assets(
            s.tenant_id,
            &AssetQuery {
                filter: AssetFilter {
                    search: Some("192.168.1.40".into()),
                    ..AssetFilter::default()
                },
                ..AssetQuery::default()
            },
        )
        .await
        .unwrap()
        .assets
        .remove(0);
    assert_eq!(plc.role, "controller");

    let decision = AssetDecision::parse("hmi", " 3 ").unwrap();
    store
        .analysis
        .set_override(s.tenant_id, &plc.id, decision, "someone")
        .await
        .unwrap();
    let row = store.inventory.asset(s.tenant_id, &plc.id).await.unwrap();
    assert_eq!(
        (row.row.role.as_str(), row.row.purdue_level),
        ("hmi", Some(3))
    );
    assert!(row.json.contains("set by a user"), "{}", row.json);
    let decisions = store.analysis.decisions(s.tenant_id).await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].set_by, "someone");
    assert_eq!(decisions[0].role.as_deref(), Some("hmi"));
    assert_eq!(
        store.analysis.decision(s.tenant_id, &plc.id).await.unwrap(),
        Some(decisions[0].clone())
    );
    assert_eq!(
        store
            .analysis
            .decision(s.tenant_id, "mac:00:00:00:00:00:01")
            .await
            .unwrap(),
        None
    );

    // Later batches, from a second sensor seeing the same PLC, on an
    // instance that just started: still the decision.
    let restarted = Store::new(store.db.clone());
    let created = restarted
        .sensors
        .create(s.tenant_id, "mirror 2")
        .await
        .unwrap();
    let second = AuthenticatedSensor {
        id: created.sensor.id,
        tenant_id: s.tenant_id,
        public_id: created.sensor.public_id,
    };
    for x in &batches(CAPTURE, &second.public_id) {
        restarted.ingest.store(&second, x, None).await.unwrap();
    }
    assert!(analyse_all(&restarted).await > 0);
    let row = restarted
        .inventory
        .asset(s.tenant_id, &plc.id)
        .await
        .unwrap();
    assert_eq!(row.row.role, "hmi");

    // An asset the tenant does not have, or nonsense, is refused.
    let other = sensor(&store, "someone else").await;
    assert!(matches!(
        restarted
            .analysis
            .set_override(other.tenant_id, &plc.id, decision, "x")
            .await,
        Err(store::analysis::AnalysisError::Store(StoreError::NotFound))
    ));
    assert!(
        AssetDecision::parse("boss", "")
            .unwrap_err()
            .to_string()
            .contains("role")
    );
    assert!(
        AssetDecision::parse("", "6")
            .unwrap_err()
            .to_string()
            .contains("purdue_level")
    );

    // Nothing decided: the engine's view again.
    restarted
        .analysis
        .set_override(s.tenant_id, &plc.id, AssetDecision::default(), "someone")
        .await
        .unwrap();
    let row = restarted
        .inventory
        .asset(s.tenant_id, &plc.id)
        .await
        .unwrap();
    assert_eq!(
        (row.row.role.as_str(), row.row.purdue_level),
        ("controller", Some(1))
    );
    assert!(
        restarted
            .analysis
            .decisions(s.tenant_id)
            .await
            .unwrap()
            .is_empty()
    );
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

/// The map and the filter choices kept per inventory version are always
/// what the tables give: built once while nothing changes, built again
/// after an analysis step and after a customer's decision.
async fn the_kept_answers_follow_every_change_of_the_inventory(backend: Backend) {
    use store::analysis::AssetDecision;
    let (store, file) = fresh(backend).await;
    let s = sensor(&store, "kept map").await;
    let fresh_map = |store: &Store| {
        let inventory = store.inventory.clone();
        async move { serde_json::to_string(&inventory.map(s.tenant_id).await.unwrap()).unwrap() }
    };
    // The kept page of the asset table is the page read afresh.
    let same_page = async |store: &Store| {
        let q = AssetQuery::default();
        let kept = store.inventory.assets_page(s.tenant_id, &q).await.unwrap();
        let fresh = store.inventory.assets(s.tenant_id, &q).await.unwrap();
        assert_eq!(*kept, fresh);
        fresh.total
    };
    let empty = store.inventory.map_json(s.tenant_id).await.unwrap();
    assert_eq!(&*empty, fresh_map(&store).await);

    for x in &batches(CAPTURE, &s.public_id) {
        store.ingest.store(&s, x, None).await.unwrap();
    }
    analyse_all(&store).await;
    let first = store.inventory.map_json(s.tenant_id).await.unwrap();
    assert_eq!(&*first, fresh_map(&store).await);
    assert_ne!(first, empty, "the analysed capture's assets are on the map");
    let again = store.inventory.map_json(s.tenant_id).await.unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "nothing changed: the kept map"
    );
    let assets_before = same_page(&store).await;
    assert!(assets_before > 0);

    // Another sensor of the tenant sees other assets.
    let created = store.sensors.create(s.tenant_id, "second").await.unwrap();
    let second = AuthenticatedSensor {
        id: created.sensor.id,
        tenant_id: s.tenant_id,
        public_id: created.sensor.public_id,
    };
    for x in &batches(OTHER_CAPTURE, &second.public_id) {
        store.ingest.store(&second, x, None).await.unwrap();
    }
    assert!(analyse_all(&store).await > 0);
    let grown = store.inventory.map_json(s.tenant_id).await.unwrap();
    assert_eq!(&*grown, fresh_map(&store).await);
    let nodes = |json: &str| {
        serde_json::from_str::<model::map::MapData>(json)
            .unwrap()
            .nodes
            .len()
    };
    assert!(
        nodes(&grown) > nodes(&first),
        "{} then {}",
        nodes(&first),
        nodes(&grown)
    );
    assert!(same_page(&store).await > assets_before);

    let facets = store.inventory.facets(s.tenant_id).await.unwrap();
    assert!(facets.protocols.iter().any(|p| p == "iec104"), "{facets:?}");
    assert!(!facets.roles.iter().any(|r| r == "historian"), "{facets:?}");
    let again = store.inventory.facets(s.tenant_id).await.unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&facets, &again),
        "nothing changed: the kept choices"
    );

    // A decision about a role shows on the map and in the choices at once.
    let map: model::map::MapData = serde_json::from_str(&grown).unwrap();
    let node = map.nodes.iter().find(|n| n.role == "controller").unwrap();
    store
        .analysis
        .set_override(
            s.tenant_id,
            &node.id,
            AssetDecision::parse("historian", "").unwrap(),
            "someone",
        )
        .await
        .unwrap();
    let decided = store.inventory.map_json(s.tenant_id).await.unwrap();
    assert_eq!(&*decided, fresh_map(&store).await);
    let map: model::map::MapData = serde_json::from_str(&decided).unwrap();
    assert_eq!(
        map.nodes.iter().find(|n| n.id == node.id).unwrap().role,
        "historian"
    );
    let facets = store.inventory.facets(s.tenant_id).await.unwrap();
    assert!(facets.roles.iter().any(|r| r == "historian"), "{facets:?}");
    same_page(&store).await;

    // Another tenant's map is its own.
    let other = sensor(&store, "other tenant").await;
    let theirs = store.inventory.map_json(other.tenant_id).await.unwrap();
    assert_eq!(nodes(&theirs), 0);
    let theirs = store.inventory.facets(other.tenant_id).await.unwrap();
    assert!(theirs.roles.is_empty() && theirs.protocols.is_empty());
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

/// Minute rows of one batch in every minute table.
/// Zones a customer defines label the inventory at once, hold through
/// later steps and a restart, and are the offline engine's with the same
/// plan; each tenant's are its own.
async fn zones_a_customer_defines_label_the_inventory_at_once(backend: Backend) {
    use analysis::report::Overrides;
    use store::analysis::{AnalysisError, ZonePlan, ZoneRule};
    let (store, file) = fresh(backend).await;
    let s = sensor(&store, "zoned").await;
    let sent = batches(CAPTURE, &s.public_id);
    for x in &sent {
        store.ingest.store(&s, x, None).await.unwrap();
    }
    analyse_all(&store).await;
    let zones = store.inventory.zones(s.tenant_id).await.unwrap();
    assert_eq!(zones.len(), 1, "{zones:?}");
    assert_eq!(zones[0].zone, s.public_id);
    assert!(!zones[0].defined);
    assert_eq!(zones[0].sensor.as_deref(), Some(s.public_id.as_str()));
    let all = zones[0].assets;
    assert!(all > 1);
    assert_eq!(
        store.analysis.zone_plan(s.tenant_id).await.unwrap(),
        ZonePlan::default()
    );

    let cell = ZoneRule::parse("Cell 1 <b>", "192.168.1.0/24", "", None).unwrap();
    store
        .analysis
        .save_zone(s.tenant_id, None, cell.clone(), "someone")
        .await
        .unwrap();
    // The tables are what the engine makes of the same batches and plan.
    let plan = store.analysis.zone_plan(s.tenant_id).await.unwrap();
    assert_eq!(plan.rules, std::slice::from_ref(&cell));
    let mut offline = Inventory::default();
    for x in &sent {
        offline.observe(x);
    }
    let report = offline.report_with(&Overrides {
        zones: plan,
        ..Overrides::default()
    });
    let mut expected: Vec<(String, String)> = report
        .assets
        .iter()
        .map(|a| (a.id.clone(), serde_json::to_string(a).unwrap()))
        .collect();
    expected.sort();
    assert_eq!(tables(&store, s.tenant_id).await.0, expected);
    let in_cell = report
        .assets
        .iter()
        .filter(|a| a.zones.iter().any(|z| z == "Cell 1 <b>"))
        .count() as i64;
    assert!(in_cell > 0);
    let zones = store.inventory.zones(s.tenant_id).await.unwrap();
    assert_eq!(zones[0].zone, "Cell 1 <b>");
    assert!(zones[0].defined);
    assert_eq!(zones[0].assets, in_cell);
    assert_eq!(zones[0].networks, ["192.168.1.0/24"]);
    // The asset table filters by it, the map groups by it.
    let filtered = store
        .inventory
        .assets(
            s.tenant_id,
            &AssetQuery {
                filter: AssetFilter {
                    zone: Some("Cell 1 <b>".into()),
                    ..AssetFilter::default()
                },
                ..AssetQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(filtered.total, in_cell);
    let map: model::map::MapData =
        serde_json::from_str(&store.inventory.map_json(s.tenant_id).await.unwrap()).unwrap();
    assert_eq!(
        map.nodes
            .iter()
            .filter(|n| n.zone.as_deref() == Some("Cell 1 <b>"))
            .count() as i64,
        in_cell
    );

    // Refused: a second zone of the name, a zone that is not there.
    let error = store
        .analysis
        .save_zone(s.tenant_id, None, cell.clone(), "someone")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, AnalysisError::Store(StoreError::Invalid(i)) if i.problem.contains("two zones")),
        "{error:?}"
    );
    let error = store
        .analysis
        .save_zone(s.tenant_id, Some("Cell 9"), cell.clone(), "someone")
        .await
        .unwrap_err();
    assert!(
        matches!(error, AnalysisError::Store(StoreError::NotFound)),
        "{error:?}"
    );

    // Renamed; it holds through the next step and through a restart.
    let renamed = ZoneRule::parse("Line 1", "192.168.1.0/24", "", Some(&s.public_id)).unwrap();
    store
        .analysis
        .save_zone(s.tenant_id, Some("Cell 1 <b>"), renamed, "someone")
        .await
        .unwrap();
    let names = |store: Store| async move {
        store
            .inventory
            .zones(s.tenant_id)
            .await
            .unwrap()
            .into_iter()
            .map(|z| (z.zone, z.assets))
            .collect::<Vec<_>>()
    };
    let renamed_zones = names(store.clone()).await;
    assert_eq!(renamed_zones[0], ("Line 1".to_owned(), in_cell));
    assert!(renamed_zones.iter().all(|(z, _)| z != "Cell 1 <b>"));
    let next = sent.len() as u64 + 1;
    let last_minute = sent.last().unwrap().minute_start;
    store
        .ingest
        .store(
            &s,
            &Batch::empty(&s.public_id, next, last_minute + 60),
            None,
        )
        .await
        .unwrap();
    assert_eq!(analyse_all(&store).await, 1);
    assert_eq!(names(store.clone()).await, renamed_zones);
    let restarted = Store::new(store.db.clone());
    restarted
        .ingest
        .store(
            &s,
            &Batch::empty(&s.public_id, next + 1, last_minute + 120),
            None,
        )
        .await
        .unwrap();
    assert_eq!(analyse_all(&restarted).await, 1);
    assert_eq!(names(restarted.clone()).await, renamed_zones);

    // Another tenant: none of ours; it defines its own before any batch.
    let other = sensor(&store, "other tenant").await;
    assert_eq!(
        store.analysis.zone_plan(other.tenant_id).await.unwrap(),
        ZonePlan::default()
    );
    let error = store
        .analysis
        .delete_zone(other.tenant_id, "Line 1", "intruder")
        .await
        .unwrap_err();
    assert!(
        matches!(error, AnalysisError::Store(StoreError::NotFound)),
        "{error:?}"
    );
    let spare = ZoneRule::parse("Spare", "", "30", None).unwrap();
    store
        .analysis
        .save_zone(other.tenant_id, None, spare, "them")
        .await
        .unwrap();
    let theirs = store.inventory.zones(other.tenant_id).await.unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!((theirs[0].zone.as_str(), theirs[0].assets), ("Spare", 0));
    assert_eq!(theirs[0].vlans, [30]);
    assert_eq!(names(store.clone()).await, renamed_zones);

    // Deleted: the addresses go back to their sensor's zone.
    store
        .analysis
        .delete_zone(s.tenant_id, "Line 1", "someone")
        .await
        .unwrap();
    let zones = store.inventory.zones(s.tenant_id).await.unwrap();
    assert_eq!(zones.len(), 1);
    assert_eq!(
        (zones[0].zone.as_str(), zones[0].assets),
        (s.public_id.as_str(), all)
    );
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

async fn minute_rows(store: &Store, sensor_id: i64, sequence: u64) -> i64 {
    let mut n = 0;
    for table in [
        "flow_minutes",
        "operation_minutes",
        "identity_observations",
        "host_minutes",
    ] {
        let c: i64 = sqlx::query_scalar(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM {table} WHERE sensor_id = $1 AND sequence = $2"
        ))
        .bind(sensor_id)
        .bind(sequence as i64)
        .fetch_one(store.db.pool())
        .await
        .unwrap();
        n += c;
    }
    n
}

async fn old_minute_rows_go_once_analysed_and_nothing_else_changes(backend: Backend) {
    let (store, file) = fresh(backend).await;
    let s = sensor(&store, "retention").await;
    let sent = batches(OTHER_CAPTURE, &s.public_id);
    let n = sent.len() as u64;
    assert!(n >= 3);
    for x in &sent {
        store.ingest.store(&s, x, None).await.unwrap();
    }
    analyse_all(&store).await;
    // A batch that arrived after its sensor's progress passed it is never
    // analysed: it keeps its upload until its rows go.
    sqlx::query(
        "UPDATE batches SET upload = $1, upload_encoding = 'cbor' WHERE sensor_id = $2 AND sequence = 1",
    )
    .bind(traffic::upload::encode(&sent[0]))
    .bind(s.id)
    .execute(store.db.pool())
    .await
    .unwrap();
    assert_eq!(kept_uploads(&store, s.id).await, 1);
    // One more batch, stored but not analysed yet (the job is not running):
    // the first one's traffic again, on VLAN 7 (other devices, so the
    // rollups keep it apart).
    let mut extra = Batch {
        sequence: n + 1,
        minute_start: sent.last().unwrap().minute_start + 60,
        ..sent[0].clone()
    };
    extra.operations.iter_mut().for_each(|o| o.vlan = Some(7));
    extra.flows.iter_mut().for_each(|f| f.vlan = Some(7));
    store.ingest.store(&s, &extra, None).await.unwrap();
    let totals = store.ingest.totals(s.tenant_id).await.unwrap();
    let (assets, edges) = tables(&store, s.tenant_id).await;
    assert!(totals.operations > 0);
    assert!(minute_rows(&store, s.id, 1).await > 0);

    // What the hourly rollups must hold once every batch is purged.
    let scalar = |sql: &'static str| {
        let store = &store;
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .bind(s.id)
                .fetch_one(store.db.pool())
                .await
                .unwrap()
        }
    };
    let operations_before =
        scalar("SELECT CAST(SUM(count) AS BIGINT) FROM operation_minutes WHERE sensor_id = $1")
            .await;
    let errors_before = scalar(
        "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM operation_minutes \
         WHERE sensor_id = $1 AND error_code IS NOT NULL",
    )
    .await;
    let operation_groups = scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT DISTINCT (minute_start / 3600) * 3600 AS h, \
         COALESCE(client_ip, client_mac, '') AS c, COALESCE(server_ip, server_mac, '') AS s, \
         COALESCE(server_port, -1) AS p, protocol, name, class, direction, COALESCE(vlan, -1) AS v \
         FROM operation_minutes WHERE sensor_id = $1) AS g",
    )
    .await;
    let flow_records_before =
        scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM flow_minutes WHERE sensor_id = $1").await;
    let flow_groups = scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT DISTINCT (minute_start / 3600) * 3600 AS h, \
         transport, client_ip, server_ip, server_port, COALESCE(protocol, '') AS p, \
         COALESCE(vlan, -1) AS v FROM flow_minutes WHERE sensor_id = $1) AS g",
    )
    .await;
    let packets_before = scalar(
        "SELECT CAST(SUM(packets_to_server + packets_to_client) AS BIGINT) FROM flow_minutes \
         WHERE sensor_id = $1",
    )
    .await;
    assert!(operation_groups > 0 && flow_records_before > 0);

    // Everything but the newest analysed batch was stored long ago.
    sqlx::query("UPDATE batches SET received_at = 1000 WHERE sequence < $1 OR sequence = $2")
        .bind(n as i64)
        .bind((n + 1) as i64)
        .execute(store.db.pool())
        .await
        .unwrap();
    let purged = store
        .retention
        .purge(store::now_secs() - 30 * 86_400)
        .await
        .unwrap();
    assert_eq!(
        purged as u64,
        n - 1,
        "the analysed old batches, not the unanalysed one"
    );
    for sequence in 1..n {
        assert_eq!(
            minute_rows(&store, s.id, sequence).await,
            0,
            "batch {sequence}"
        );
    }
    assert!(
        minute_rows(&store, s.id, n).await > 0,
        "a recent batch keeps its rows"
    );
    assert!(
        minute_rows(&store, s.id, n + 1).await > 0,
        "an unanalysed batch keeps its rows"
    );
    assert_eq!(store.ingest.totals(s.tenant_id).await.unwrap(), totals);
    assert_eq!(tables(&store, s.tenant_id).await, (assets, edges));
    assert_eq!(
        store.retention.purge(store::now_secs() + 1).await.unwrap(),
        1,
        "with no retention left, the newest analysed one too"
    );
    // Once analysed, the old unanalysed batch goes too; a retry of a purged
    // batch is still a duplicate.
    analyse_all(&store).await;
    assert_eq!(
        store
            .retention
            .purge(store::now_secs() - 30 * 86_400)
            .await
            .unwrap(),
        1
    );
    assert_eq!(minute_rows(&store, s.id, n + 1).await, 0);
    assert_eq!(kept_uploads(&store, s.id).await, 0);
    // Every batch went through the rollups once, over three purges (later
    // batches of an hour added to its rows).
    assert_eq!(
        scalar("SELECT CAST(SUM(count) AS BIGINT) FROM operation_hours WHERE sensor_id = $1").await,
        operations_before
    );
    assert_eq!(
        scalar("SELECT CAST(SUM(errors) AS BIGINT) FROM operation_hours WHERE sensor_id = $1")
            .await,
        errors_before
    );
    assert_eq!(
        scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM operation_hours WHERE sensor_id = $1").await,
        operation_groups
    );
    assert_eq!(
        scalar("SELECT CAST(SUM(flow_records) AS BIGINT) FROM flow_hours WHERE sensor_id = $1")
            .await,
        flow_records_before
    );
    assert_eq!(
        scalar("SELECT CAST(SUM(packets) AS BIGINT) FROM flow_hours WHERE sensor_id = $1").await,
        packets_before
    );
    assert_eq!(
        scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM flow_hours WHERE sensor_id = $1").await,
        flow_groups
    );
    assert!(
        scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM operation_hours WHERE sensor_id = $1 AND vlan = 7"
        )
        .await
            > 0,
        "VLAN 7's operations kept apart"
    );
    assert!(!store.ingest.store(&s, &sent[0], None).await.unwrap().stored);
    assert_eq!(
        store.ingest.totals(s.tenant_id).await.unwrap().flow_records,
        totals.flow_records
    );
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

macro_rules! on_both {
    ($($name:ident),*) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::$name(super::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                super::$name(super::Backend::Postgres).await
            }
        }
    )*};
}

on_both!(
    zones_a_customer_defines_label_the_inventory_at_once,
    old_minute_rows_go_once_analysed_and_nothing_else_changes,
    steps_write_only_what_changed_and_match_the_offline_engine,
    a_decision_about_an_asset_shows_at_once_and_holds,
    the_kept_answers_follow_every_change_of_the_inventory,
    the_state_is_reloaded_only_when_its_version_moved,
    tenants_take_turns_in_bounded_steps,
    two_instances_analyse_each_batch_once,
    a_missing_batch_is_waited_for_then_skipped,
    old_minute_rows_get_their_batch_where_it_is_unambiguous,
    a_stored_batch_is_rebuilt_as_sent,
    uploads_and_rows_give_the_same_inventory_and_uploads_go_once_analysed,
    the_job_analyses_each_batch_once_in_order_per_tenant
);

/// The inventory at scale (docs/BENCHMARKS.md, "Inventory at scale"):
/// 10,000 assets and 100,000 edges uploaded as 20 minute batches, analysed
/// by the job, then the portal's queries timed. Ignored: a benchmark, run by
/// `cargo test -p store --release --test analysis -- --ignored at_scale --nocapture`.
async fn an_inventory_of_ten_thousand_assets_at_scale(backend: Backend) {
    use analysis::synthetic::{Plant, address, batches as plant_batches, conversations};
    use std::time::{Duration, Instant};

    const BATCHES: u32 = 20;
    let plant = Plant {
        assets: 10_000,
        peers: 10,
        batches: BATCHES,
        // A minute boundary (1,764,000,000 is one).
        first_minute: 1_764_000_000,
    };
    let (store, file) = fresh(backend).await;
    let s = sensor(&store, "scale").await;
    let ip = address;
    let pairs = conversations(&plant);
    let started = Instant::now();
    for b in plant_batches(&plant, &s.public_id) {
        assert!(store.ingest.store(&s, &b, None).await.unwrap().stored);
    }
    let ingested = started.elapsed();
    let started = Instant::now();
    assert_eq!(analyse_all(&store).await, BATCHES as usize);
    let analysed = started.elapsed();
    let counts = store.inventory.counts(s.tenant_id).await.unwrap();
    let edges = store.inventory.edges(s.tenant_id).await.unwrap().len();
    assert_eq!(edges, pairs.len());

    // Median of five runs of each query.
    async fn timed<T, F: std::future::Future<Output = T>>(
        mut f: impl FnMut() -> F,
    ) -> (Duration, T) {
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..5 {
            let t = Instant::now();
            last = Some(f().await);
            times.push(t.elapsed());
        }
        times.sort();
        (times[2], last.unwrap())
    }
    let tenant = s.tenant_id;
    let inv = &store.inventory;
    let query = |filter: AssetFilter, sort: AssetSort, descending: bool, offset: i64| AssetQuery {
        filter,
        sort,
        descending,
        offset,
        limit: 50,
    };
    let mut rows: Vec<(&str, Duration, String)> = Vec::new();
    let by_role = AssetFilter {
        role: Some("controller".into()),
        ..AssetFilter::default()
    };
    let search = AssetFilter {
        search: Some("10.1.7.".into()),
        protocol: Some("modbus".into()),
        ..AssetFilter::default()
    };
    let pages = [
        (
            "asset table, first page by id",
            query(AssetFilter::default(), AssetSort::Id, false, 0),
        ),
        (
            "asset table, page 101 by last seen",
            query(AssetFilter::default(), AssetSort::LastSeen, true, 5_000),
        ),
        (
            "asset table, controllers by confidence",
            query(by_role, AssetSort::Confidence, true, 0),
        ),
        (
            "asset table, search and protocol",
            query(search, AssetSort::Id, false, 0),
        ),
    ];
    for (name, q) in &pages {
        let (t, page) = timed(|| inv.assets(tenant, q)).await;
        let page = page.unwrap();
        rows.push((
            name,
            t,
            format!("{} rows of {}", page.assets.len(), page.total),
        ));
    }
    let (t, facets) = timed(|| inv.facets(tenant)).await;
    rows.push((
        "filter choices (facets), kept per inventory version (4 of the 5 runs reuse them)",
        t,
        format!("{} roles", facets.unwrap().roles.len()),
    ));
    let (t, c) = timed(|| inv.counts(tenant)).await;
    rows.push((
        "dashboard counts",
        t,
        format!("{} roles", c.unwrap().by_role.len()),
    ));
    let target = format!("ip:{}/{}", s.public_id, ip(4_321));
    let (t, detail) = timed(|| inv.asset(tenant, &target)).await;
    assert!(detail.is_ok(), "{target}");
    rows.push(("asset page: the asset", t, "found".to_string()));
    let (t, peers) = timed(|| inv.edges_of(tenant, &target)).await;
    rows.push((
        "asset page: its edges",
        t,
        format!("{} edges", peers.unwrap().len()),
    ));
    let (t, kept) = timed(|| inv.map_json(tenant)).await;
    rows.push((
        "map data as JSON, kept per inventory version (4 of the 5 runs reuse it)",
        t,
        format!("{} bytes", kept.unwrap().len()),
    ));
    let (t, map) = timed(|| inv.map(tenant)).await;
    let map = map.unwrap();
    rows.push((
        "map data",
        t,
        format!(
            "{} nodes, {} edges, truncated {}",
            map.nodes.len(),
            map.edges.len(),
            map.truncated
        ),
    ));
    println!(
        "\n{backend:?}: {} assets, {edges} edges; 20 batches stored in {ingested:.2?}, analysed by the job in {analysed:.2?}",
        counts.by_role.iter().map(|(_, n)| n).sum::<i64>()
    );
    println!("| query | median of 5 | result |\n|---|---|---|");
    for (name, t, what) in rows {
        println!("| {name} | {:.1} ms | {what} |", t.as_secs_f64() * 1000.0);
    }
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

mod an_inventory_of_ten_thousand_assets_at_scale {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a benchmark: prints timings (docs/BENCHMARKS.md)"]
    async fn on_sqlite() {
        super::an_inventory_of_ten_thousand_assets_at_scale(super::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a benchmark: prints timings (docs/BENCHMARKS.md)"]
    async fn on_postgres() {
        super::an_inventory_of_ten_thousand_assets_at_scale(super::Backend::Postgres).await
    }
}
