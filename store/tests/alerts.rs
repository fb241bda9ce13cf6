//! Alerts stored by the analysis job, on SQLite and PostgreSQL: the same
//! alerts as the offline detector, each batch alerting once across a
//! restart, triage recorded with who and when, allows that suppress and
//! revokes that make it alert again, and nothing seen across tenants.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};

use analysis::Inventory;
use analysis::detect::{Config, Detector, ScopeKind};
use model::alerts::{AlertFilter, AlertQuery, AlertState};
use store::analysis::Step;
use store::sensors::AuthenticatedSensor;
use store::{Db, Store, StoreError};
use traffic::analyzer::{AnalyzerConfig, digest_capture};
use traffic::record::{Batch, Health};

const DOWNLOAD: &[u8] =
    include_bytes!("../../traffic/testdata/pcaps/s7comm/s7comm_downloading_block_db1.pcap");
const DNP3: &[u8] =
    include_bytes!("../../traffic/testdata/pcaps/dnp3/dnp3_digitalbond_test_data_part1.pcap");

static COUNTER: AtomicU64 = AtomicU64::new(0);

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

async fn fresh_url(backend: Backend) -> (String, Option<std::path::PathBuf>) {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir()
                .join(format!("otlens_store_alerts_{}_{n}.db", std::process::id()));
            let _ = std::fs::remove_file(&path);
            (format!("sqlite://{}", path.display()), Some(path))
        }
        Backend::Postgres => {
            let name = format!("otlens_test_alerts_{}_{n}", std::process::id());
            (common::new_postgres_database(&name).await, None)
        }
    }
}

async fn open(url: &str) -> Store {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    Store::new(db)
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

/// The capture's minutes as batches `first..` of the sensor.
fn batches(capture: &[u8], public_id: &str, first: u64) -> Vec<Batch> {
    digest_capture(capture, AnalyzerConfig::default())
        .unwrap()
        .into_iter()
        .zip(first..)
        .map(|(d, sequence)| d.into_batch(public_id, sequence, Health::default()))
        .collect()
}

async fn analyse_all(store: &Store) {
    for _ in 0..1000 {
        if store.analysis.step().await.unwrap() == Step::Idle {
            return;
        }
    }
    panic!("the analysis job never became idle");
}

async fn store_all(store: &Store, s: &AuthenticatedSensor, sent: &[Batch]) {
    for b in sent {
        store.ingest.store(s, b, None).await.unwrap();
    }
}

/// (type, severity, client, server) of each alert, sorted.
type Summary = Vec<(String, String, Option<String>, Option<String>)>;

async fn stored(store: &Store, tenant_id: i64) -> Summary {
    let page = store
        .alerts
        .list(tenant_id, &AlertQuery::default())
        .await
        .unwrap();
    assert_eq!(page.total as usize, page.alerts.len());
    let mut out: Summary = page
        .alerts
        .into_iter()
        .map(|a| (a.alert_type, a.severity, a.client_id, a.server_id))
        .collect();
    out.sort();
    out
}

fn offline(sent: &[Batch]) -> Summary {
    let mut inventory = Inventory::default();
    let mut detector = Detector::new(Config::default());
    for b in sent {
        inventory.observe(b);
        detector.observe(b);
    }
    detector.review(&inventory.report());
    let mut out: Summary = detector
        .alerts()
        .iter()
        .map(|a| {
            (
                a.alert_type.as_str().to_owned(),
                a.severity.as_str().to_owned(),
                a.client.as_ref().map(|p| p.asset.clone()),
                a.server.as_ref().map(|p| p.asset.clone()),
            )
        })
        .collect();
    out.sort();
    out
}

async fn the_job_stores_the_offline_alerts_once_across_a_restart(backend: Backend) {
    let (url, file) = fresh_url(backend).await;
    let store = open(&url).await;
    let s = sensor(&store, "plant").await;
    let sent = batches(DNP3, &s.public_id, 1);
    assert!(sent.len() > 2);
    let expected = offline(&sent);
    assert!(expected.iter().any(|a| a.0 == "device_restart"));
    // Half, then a "restart" (a new store: nothing cached), then the rest.
    let half = sent.len() / 2;
    store_all(&store, &s, &sent[..half]).await;
    analyse_all(&store).await;
    store.db.close().await;
    let store = open(&url).await;
    store_all(&store, &s, &sent[half..]).await;
    analyse_all(&store).await;
    assert_eq!(stored(&store, s.tenant_id).await, expected);
    // The restart alert was seen in three minutes: one row, count 3 or so,
    // as the offline detector counts it.
    let mut inventory = Inventory::default();
    let mut detector = Detector::default();
    for b in &sent {
        inventory.observe(b);
        detector.observe(b);
    }
    let page = store
        .alerts
        .list(
            s.tenant_id,
            &AlertQuery {
                filter: AlertFilter {
                    alert_type: Some("device_restart".into()),
                    ..AlertFilter::default()
                },
                ..AlertQuery::default()
            },
        )
        .await
        .unwrap();
    let offline_restart = detector
        .alerts()
        .iter()
        .find(|a| a.alert_type.as_str() == "device_restart")
        .unwrap();
    assert_eq!(page.alerts[0].count, offline_restart.count as i64);
    assert_eq!(page.alerts[0].state, AlertState::New);
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

async fn triage_allows_and_revokes_stay_in_their_tenant(backend: Backend) {
    let (url, file) = fresh_url(backend).await;
    let store = open(&url).await;
    let s = sensor(&store, "plant").await;
    let other = sensor(&store, "other plant").await;
    let sent = batches(DOWNLOAD, &s.public_id, 1);
    store_all(&store, &s, &sent).await;
    store_all(&store, &other, &batches(DOWNLOAD, &other.public_id, 1)).await;
    analyse_all(&store).await;
    let list = |tenant_id| {
        let store = store.clone();
        async move {
            store
                .alerts
                .list(tenant_id, &AlertQuery::default())
                .await
                .unwrap()
        }
    };
    let page = list(s.tenant_id).await;
    assert_eq!(page.total, 2, "{page:?}");
    let download = page
        .alerts
        .iter()
        .find(|a| a.alert_type == "program_download")
        .unwrap()
        .clone();

    // Acknowledge: who and when; the other tenant cannot.
    store
        .alerts
        .set_state(
            s.tenant_id,
            download.id,
            AlertState::Acknowledged,
            "alice",
            "on it",
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .alerts
            .set_state(other.tenant_id, 99, AlertState::Resolved, "mallory", "")
            .await,
        Err(StoreError::NotFound)
    );
    let detail = store.alerts.get(s.tenant_id, download.id).await.unwrap();
    assert_eq!(detail.row.state, AlertState::Acknowledged);
    assert_eq!(detail.actions.len(), 1);
    assert_eq!(detail.actions[0].done_by, "alice");
    assert_eq!(detail.actions[0].from_state.as_deref(), Some("new"));
    assert_eq!(detail.actions[0].to_state.as_deref(), Some("acknowledged"));
    assert!(detail.actions[0].done_at > 1_700_000_000);
    assert!(detail.view_json.contains("\"technique\""));
    assert!(matches!(
        store
            .alerts
            .set_state(s.tenant_id, download.id, AlertState::Allowed, "alice", "")
            .await,
        Err(StoreError::Invalid(_))
    ));
    // The other tenant's alerts are untouched.
    let theirs = list(other.tenant_id).await;
    assert!(theirs.alerts.iter().all(|a| a.state == AlertState::New));

    // Allow the edge: the same download again does not alert.
    let allow = store
        .alerts
        .allow(
            s.tenant_id,
            download.id,
            ScopeKind::Edge,
            "alice",
            "planned",
        )
        .await
        .unwrap();
    assert_eq!(allow.scope, "edge");
    assert_eq!(allow.created_by, "alice");
    assert_eq!(
        store
            .alerts
            .get(s.tenant_id, download.id)
            .await
            .unwrap()
            .row
            .state,
        AlertState::Allowed
    );
    assert!(
        store
            .alerts
            .allows(other.tenant_id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .alerts
            .revoke_allow(other.tenant_id, allow.id, "mallory")
            .await,
        Err(StoreError::NotFound)
    );
    let again = batches(DOWNLOAD, &s.public_id, sent.len() as u64 + 1);
    store_all(&store, &s, &again).await;
    analyse_all(&store).await;
    let page = list(s.tenant_id).await;
    let downloads: Vec<_> = page
        .alerts
        .iter()
        .filter(|a| a.alert_type == "program_download")
        .collect();
    assert_eq!(downloads.len(), 1);
    assert_eq!(downloads[0].count, 1, "the allowed alert was not updated");

    // Revoked: the same behaviour alerts again, as a new alert.
    store
        .alerts
        .revoke_allow(s.tenant_id, allow.id, "bob")
        .await
        .unwrap();
    assert!(matches!(
        store
            .alerts
            .revoke_allow(s.tenant_id, allow.id, "bob")
            .await,
        Err(StoreError::Invalid(_))
    ));
    let third = batches(DOWNLOAD, &s.public_id, 2 * sent.len() as u64 + 1);
    store_all(&store, &s, &third).await;
    analyse_all(&store).await;
    let page = list(s.tenant_id).await;
    let downloads: Vec<_> = page
        .alerts
        .iter()
        .filter(|a| a.alert_type == "program_download")
        .collect();
    assert_eq!(downloads.len(), 2);
    assert!(
        downloads
            .iter()
            .any(|a| a.state == AlertState::New && a.id > download.id)
    );
    let allows = store.alerts.allows(s.tenant_id).await.unwrap();
    assert_eq!(allows[0].revoked_by.as_deref(), Some("bob"));
    let counts = store.alerts.counts(s.tenant_id).await.unwrap();
    assert_eq!(counts.in_state(AlertState::Allowed), 1);
    assert_eq!(counts.total, page.total);

    // Filters: a bad one is refused by name.
    let bad = store
        .alerts
        .list(
            s.tenant_id,
            &AlertQuery {
                filter: AlertFilter {
                    severity: Some("urgent".into()),
                    ..AlertFilter::default()
                },
                ..AlertQuery::default()
            },
        )
        .await;
    assert!(matches!(bad, Err(StoreError::Invalid(i)) if i.field == "severity"));
    store.db.close().await;
    if let Some(f) = file {
        let _ = std::fs::remove_file(f);
    }
}

/// The analysis step queues each alert once per receiver whose lowest
/// severity it reaches; the sender's claim is a lease (a crashed sender's
/// deliveries come back when it runs out); outcomes are logged; nothing
/// crosses tenants.
async fn export_deliveries_are_queued_once_and_claimed_as_leases(backend: Backend) {
    use model::exports::NewReceiver;
    let (url, file) = fresh_url(backend).await;
    let store = open(&url).await;
    let s = sensor(&store, "plant").await;
    let other = sensor(&store, "neighbour").await;
    // A made-up certificate: the store keeps the text, the sender parses it.
    let ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    let receiver = |kind: &str, address: &str, min: &str| {
        NewReceiver {
            kind: kind.into(),
            address: address.into(),
            min_severity: min.into(),
            ca_pem: if kind == "syslog_tls" {
                ca.into()
            } else {
                String::new()
            },
        }
        .check()
        .unwrap()
    };
    let syslog = store
        .exports
        .add_receiver(
            s.tenant_id,
            &receiver("syslog_tls", "siem.example:6514", "low"),
            "ann",
        )
        .await
        .unwrap();
    let critical_only = store
        .exports
        .add_receiver(
            s.tenant_id,
            &receiver("webhook", "https://hooks.example/x", "critical"),
            "ann",
        )
        .await
        .unwrap();
    assert_eq!(critical_only.secret.len(), 64);
    assert_eq!(syslog.secret, "");
    assert!(syslog.own_ca && !critical_only.own_ca);
    let sent = batches(DOWNLOAD, &s.public_id, 1);
    store_all(&store, &s, &sent).await;
    store_all(&store, &other, &batches(DOWNLOAD, &other.public_id, 1)).await;
    analyse_all(&store).await;
    let alerts = stored(&store, s.tenant_id).await;
    assert!(!alerts.is_empty());
    assert!(alerts.iter().all(|a| a.1 != "critical"));

    let now = chrono::Utc::now().timestamp_millis();
    let claimed = store.exports.claim_due(now, 60_000, 100).await.unwrap();
    assert_eq!(
        claimed.len(),
        alerts.len(),
        "one per alert, to the syslog receiver only"
    );
    assert!(
        claimed
            .iter()
            .all(|d| d.tenant_id == s.tenant_id && d.receiver_id == syslog.id && d.ca_pem == ca)
    );
    assert!(
        store
            .exports
            .claim_due(now, 60_000, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store
        .exports
        .claim_due(now + 60_001, 60_000, 100)
        .await
        .unwrap();
    assert_eq!(
        again.len(),
        alerts.len(),
        "a lease that ran out is due again"
    );

    // The same behaviour later: the alerts repeat, nothing is queued twice.
    store_all(
        &store,
        &s,
        &batches(DOWNLOAD, &s.public_id, sent.len() as u64 + 1),
    )
    .await;
    analyse_all(&store).await;
    let log = store.exports.deliveries(s.tenant_id, 100).await.unwrap();
    assert_eq!(log.len(), alerts.len());

    store
        .exports
        .failed(&again[0], now, now + 5_000, "connection refused")
        .await
        .unwrap();
    for d in &again[1..] {
        store.exports.delivered(d, now).await.unwrap();
    }
    let log = store.exports.deliveries(s.tenant_id, 100).await.unwrap();
    let failed = log
        .iter()
        .find(|d| d.alert_id == again[0].alert_id)
        .unwrap();
    assert_eq!((failed.state.as_str(), failed.attempts), ("pending", 1));
    assert_eq!(failed.last_error.as_deref(), Some("connection refused"));
    assert_eq!(
        log.iter().filter(|d| d.state == "delivered").count(),
        alerts.len() - 1
    );
    let receivers = store.exports.receivers(s.tenant_id).await.unwrap();
    assert_eq!(
        (receivers[0].pending, receivers[0].delivered),
        (1, alerts.len() as i64 - 1)
    );

    // Paused, its waiting delivery is not claimed; resumed, it is.
    store
        .exports
        .set_enabled(s.tenant_id, syslog.id, false)
        .await
        .unwrap();
    assert!(
        store
            .exports
            .claim_due(now + 10_000, 60_000, 100)
            .await
            .unwrap()
            .is_empty()
    );
    store
        .exports
        .set_enabled(s.tenant_id, syslog.id, true)
        .await
        .unwrap();
    assert_eq!(
        store
            .exports
            .claim_due(now + 10_000, 60_000, 100)
            .await
            .unwrap()
            .len(),
        1
    );

    // The neighbour has no receivers and cannot touch these.
    assert!(
        store
            .exports
            .receivers(other.tenant_id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .exports
            .deliveries(other.tenant_id, 100)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store
            .exports
            .set_enabled(other.tenant_id, syslog.id, false)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .exports
            .delete_receiver(other.tenant_id, syslog.id, "eve")
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .exports
        .delete_receiver(s.tenant_id, syslog.id, "ann")
        .await
        .unwrap();
    assert_eq!(store.exports.receivers(s.tenant_id).await.unwrap().len(), 1);
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
    the_job_stores_the_offline_alerts_once_across_a_restart,
    triage_allows_and_revokes_stay_in_their_tenant,
    export_deliveries_are_queued_once_and_claimed_as_leases
);
