//! A PostgreSQL outage, made by cutting a TCP relay between the server and
//! the database: connections break and new ones hang, as when a database
//! host or its network goes away. Readiness and pages must answer within
//! two seconds, ingestion must tell the sensor to back off at once, and
//! everything must recover without a restart.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, watch};

use crate::helpers::{Backend, client, fresh_database_url, spawn_app_on};

/// Forwards connections to `target` until cut; while cut, open connections
/// are dropped and new ones are accepted but never answered.
struct Relay {
    port: u16,
    cut: watch::Sender<bool>,
}

impl Relay {
    async fn start(target: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (cut, watching) = watch::channel(false);
        let held = Arc::new(Mutex::new(Vec::new()));
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if *watching.borrow() {
                    // Black hole: the client waits for an answer that never comes.
                    held.lock().await.push(inbound);
                    continue;
                }
                let target = target.clone();
                let mut cut = watching.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.wait_for(|c| *c) => {}
                    }
                });
            }
        });
        Relay { port, cut }
    }

    fn set_cut(&self, cut: bool) {
        let _ = self.cut.send(cut);
    }
}

async fn timed(
    request: reqwest::RequestBuilder,
) -> (StatusCode, Duration, reqwest::header::HeaderMap) {
    let started = Instant::now();
    let r = request.send().await.expect("the server answers");
    (r.status(), started.elapsed(), r.headers().clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_is_answered_fast_and_recovered_from() {
    let dir = tempfile::tempdir().unwrap();
    let direct = fresh_database_url(Backend::Postgres, dir.path()).await;
    // postgres://user@host:port/db → the same through the relay.
    let (head, rest) = direct.split_once('@').unwrap();
    let (address, database) = rest.split_once('/').unwrap();
    let relay = Relay::start(address.to_owned()).await;
    let relayed = format!("{head}@127.0.0.1:{}/{database}", relay.port);
    let app = spawn_app_on(&relayed, &direct, dir).await;
    let viewer = app.signed_in("customer-viewer").await;
    let c = client();
    let page = |path: &str| {
        viewer
            .get(format!("{}{path}", app.base))
            .header("Accept", "text/html")
    };
    assert_eq!(timed(page("/portal")).await.0, StatusCode::OK);

    relay.set_cut(true);
    for _ in 0..3 {
        let (status, took, _) = timed(c.get(format!("{}/readyz", app.base))).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(took < Duration::from_secs(2), "readyz took {took:?}");

        let (status, took, headers) = timed(page("/portal")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(took < Duration::from_secs(2), "a page took {took:?}");
        assert!(headers.contains_key("retry-after"));

        let (status, took, headers) = timed(
            c.post(format!("{}/api/v1/ingest", app.base))
                .header("Authorization", format!("Bearer otls_{:064x}", 7))
                .header("Content-Type", "application/cbor")
                .header("Content-Encoding", "zstd")
                .body(vec![0u8; 16]),
        )
        .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(took < Duration::from_secs(3), "ingestion took {took:?}");
        assert!(headers.contains_key("retry-after"));

        let (status, took, _) = timed(
            viewer
                .post(format!("{}/api/portal/overview", app.base))
                .header("Accept", "application/json"),
        )
        .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            took < Duration::from_secs(3),
            "a server function took {took:?}"
        );
    }

    relay.set_cut(false);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, _, _) = timed(c.get(format!("{}/readyz", app.base))).await;
        if status == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "no recovery after the outage");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(timed(page("/portal")).await.0, StatusCode::OK);
}
