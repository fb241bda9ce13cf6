//! Alert export against real receivers: Debian's rsyslogd listening on TCP,
//! TLS (its certificate signed by a CA the test makes with openssl) and
//! UDP and writing what it gets to files, and a webhook receiver (an
//! HTTP server in the test) that is down when the alerts open, across a
//! server restart, and comes back. Each alert reaches each receiver once,
//! signed; the delivery log shows the failures and the deliveries; the
//! settings are the customer admin's, of their own tenant only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::Sha256;

use crate::analysis::s7_line;
use crate::helpers::{Backend, TestApp, free_port, fresh_database_url, spawn_app_on};
use crate::on_both_databases;

fn rsyslogd() -> PathBuf {
    for candidate in ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"] {
        if Path::new(candidate).exists() {
            return candidate.into();
        }
    }
    panic!("rsyslogd is missing: install Debian's rsyslog (scripts/setup.sh does)");
}

/// rsyslogd in the foreground with its own configuration: what arrives by
/// TCP goes to `tcp.log`, by TLS to `tls.log`, by UDP to `udp.log`, one
/// raw message per line.
pub(crate) struct Rsyslog {
    child: std::process::Child,
    dir: tempfile::TempDir,
    pub(crate) tcp_port: u16,
    tls_port: u16,
    /// A TLS input that wants a client certificate, which the server does
    /// not present.
    strict_tls_port: u16,
    udp_port: u16,
    /// The certificate of the CA that signed rsyslogd's (for 127.0.0.1).
    ca_pem: String,
}

/// Runs openssl with `args` in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs (Debian's openssl; scripts/setup.sh --tests installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, and a server certificate it signed for 127.0.0.1, in `dir`:
/// `ca.pem`, `server.pem`, `server.key`.
fn make_certificates(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"]);
    ca.extend(["-subj", "/CN=OT Lens test CA"]);
    openssl(dir, &ca);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend(["-keyout", "server.key", "-out", "server.csr"]);
    csr.extend(["-subj", "/CN=127.0.0.1"]);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ],
    );
}

impl Rsyslog {
    pub(crate) fn start() -> Rsyslog {
        let dir = tempfile::tempdir().unwrap();
        make_certificates(dir.path());
        let (tcp_port, tls_port, udp_port) = (free_port(), free_port(), free_udp_port());
        let strict_tls_port = free_port();
        let d = dir.path().display();
        let conf = format!(
            r#"global(workDirectory="{d}")
module(load="imtcp")
module(load="imudp")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="tcp") {{ action(type="omfile" file="{d}/tcp.log" template="raw") }}
ruleset(name="tls") {{ action(type="omfile" file="{d}/tls.log" template="raw") }}
ruleset(name="udp") {{ action(type="omfile" file="{d}/udp.log" template="raw") }}
input(type="imtcp" address="127.0.0.1" port="{tcp_port}" ruleset="tcp")
input(type="imtcp" address="127.0.0.1" port="{tls_port}" ruleset="tls"
      streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon"
      streamDriver.CAFile="{d}/ca.pem" streamDriver.CertFile="{d}/server.pem"
      streamDriver.KeyFile="{d}/server.key")
input(type="imtcp" address="127.0.0.1" port="{strict_tls_port}" ruleset="tls"
      streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="x509/certvalid"
      streamDriver.CAFile="{d}/ca.pem" streamDriver.CertFile="{d}/server.pem"
      streamDriver.KeyFile="{d}/server.key")
input(type="imudp" address="127.0.0.1" port="{udp_port}" ruleset="udp")
"#
        );
        let conf_path = dir.path().join("rsyslog.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = std::process::Command::new(rsyslogd())
            .arg("-n")
            .arg("-f")
            .arg(&conf_path)
            .arg("-i")
            .arg(dir.path().join("rsyslogd.pid"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("rsyslogd starts");
        let ca_pem = std::fs::read_to_string(dir.path().join("ca.pem")).unwrap();
        let r = Rsyslog {
            child,
            dir,
            tcp_port,
            tls_port,
            strict_tls_port,
            udp_port,
            ca_pem,
        };
        // Listening once a TCP connection is taken on both ports.
        let deadline = Instant::now() + Duration::from_secs(20);
        for port in [tcp_port, tls_port, strict_tls_port] {
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "rsyslogd did not start listening (the TLS input needs Debian's rsyslog-gnutls)"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        r
    }

    pub(crate) fn lines(&self, file: &str) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join(file))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Rsyslog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// What the webhook receiver got: (headers, body) per request.
pub(crate) type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A webhook receiver on `port`, answering 204 to every POST.
pub(crate) async fn webhook_receiver(port: u16) -> (Received, tokio::task::JoinHandle<()>) {
    let received: Received = Arc::default();
    let keep = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let keep = keep.clone();
            async move {
                keep.lock().unwrap().push((headers, body));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (received, task)
}

pub(crate) async fn wait_for(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done().await {
        assert!(Instant::now() < deadline, "waited 60 s for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn add(app: &TestApp, c: &reqwest::Client, kind: &str, address: &str) -> Value {
    add_with_ca(app, c, kind, address, "").await
}

async fn add_with_ca(
    app: &TestApp,
    c: &reqwest::Client,
    kind: &str,
    address: &str,
    ca_pem: &str,
) -> Value {
    let r = app
        .call(
            c,
            "portal/add_export_receiver",
            &[
                ("kind", kind),
                ("address", address),
                ("min_severity", "medium"),
                ("ca_pem", ca_pem),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "adding {kind} {address}");
    r.json().await.unwrap()
}

async fn deliveries(app: &TestApp, c: &reqwest::Client) -> Vec<Value> {
    let r = app
        .call(c, "portal/export_deliveries", &[("limit", "100")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    v.as_array().unwrap().clone()
}

async fn alerts_reach_syslog_and_a_webhook_that_comes_back_after_a_restart(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(backend, dir.path()).await;
    let app = spawn_app_on(&url, &url, tempfile::tempdir().unwrap()).await;
    let syslog = Rsyslog::start();
    let hook_port = free_port();
    let admin = app.signed_in("customer-admin").await;

    // Settings: checked, the admin's own, not the viewer's.
    let bad = app
        .call(
            &admin,
            "portal/add_export_receiver",
            &[
                ("kind", "syslog_tcp"),
                ("address", "siem"),
                ("min_severity", "low"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("host:port"));
    let tcp = add(
        &app,
        &admin,
        "syslog_tcp",
        &format!("127.0.0.1:{}", syslog.tcp_port),
    )
    .await;
    let tls = add_with_ca(
        &app,
        &admin,
        "syslog_tls",
        &format!("127.0.0.1:{}", syslog.tls_port),
        &syslog.ca_pem,
    )
    .await;
    assert_eq!(tls["own_ca"], true);
    assert_eq!(tcp["own_ca"], false);
    // A CA is for TLS only, and a private key is refused outright.
    for (kind, ca, says) in [
        ("syslog_tcp", syslog.ca_pem.as_str(), "TLS only"),
        (
            "syslog_tls",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            "private key",
        ),
    ] {
        let r = app
            .call(
                &admin,
                "portal/add_export_receiver",
                &[
                    ("kind", kind),
                    ("address", "127.0.0.1:6514"),
                    ("min_severity", "low"),
                    ("ca_pem", ca),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(r.text().await.unwrap().contains(says), "{kind}");
    }
    let udp = add(
        &app,
        &admin,
        "syslog_udp",
        &format!("127.0.0.1:{}", syslog.udp_port),
    )
    .await;
    let hook = add(
        &app,
        &admin,
        "webhook",
        &format!("http://127.0.0.1:{hook_port}/hook"),
    )
    .await;
    assert_eq!(tcp["secret"], "");
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64);
    let viewer = app.signed_in("customer-viewer").await;
    let r = app.call(&viewer, "portal/export_receivers", &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let other = app.signed_in("other-admin").await;
    let theirs: Value = app
        .call(&other, "portal/export_receivers", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, serde_json::json!([]));
    let hook_id = hook["id"].to_string();
    let r = app
        .call(
            &other,
            "portal/set_export_receiver",
            &[("id", &hook_id), ("enabled", "false")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .call(&other, "portal/delete_export_receiver", &[("id", &hook_id)])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The S7 capture opens two alerts (program download, logic change).
    s7_line(&app).await;

    wait_for("two CEF messages over TCP, TLS and UDP", async || {
        ["tcp.log", "tls.log", "udp.log"]
            .iter()
            .all(|f| syslog.lines(f).len() >= 2)
    })
    .await;
    // The webhook is down: its deliveries wait, with the reason.
    wait_for("the webhook's failed tries in the log", async || {
        let log = deliveries(&app, &admin).await;
        let hooks: Vec<&Value> = log
            .iter()
            .filter(|d| d["receiver_id"] == hook["id"])
            .collect();
        hooks.len() == 2
            && hooks
                .iter()
                .all(|d| d["state"] == "pending" && d["attempts"].as_i64() >= Some(1))
    })
    .await;
    let log = deliveries(&app, &admin).await;
    let failed = log.iter().find(|d| d["receiver_id"] == hook["id"]).unwrap();
    assert!(
        failed["last_error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("connect"),
        "{failed}"
    );
    drop(app);

    // A restart, then the receiver comes back: both alerts arrive, once.
    let app = spawn_app_on(&url, &url, tempfile::tempdir().unwrap()).await;
    let (received, _server) = webhook_receiver(hook_port).await;
    wait_for("both alerts at the webhook", async || {
        received.lock().unwrap().len() >= 2
    })
    .await;
    let admin = app.signed_in("customer-admin").await;
    wait_for("every delivery recorded", async || {
        let log = deliveries(&app, &admin).await;
        log.len() == 8 && log.iter().all(|d| d["state"] == "delivered")
    })
    .await;
    let mut types = BTreeMap::new();
    for (headers, body) in received.lock().unwrap().iter() {
        let header = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_owned();
        let timestamp = header("x-otlens-timestamp");
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(body);
        let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(header("x-otlens-signature"), expected);
        let v: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(header("x-otlens-delivery"), v["delivery"].as_str().unwrap());
        assert_eq!(v["tenant_id"], app.tenant_demo);
        assert!(v["alert"]["title"]["ja"].is_string());
        *types
            .entry(v["alert"]["type"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    assert_eq!(
        types,
        BTreeMap::from([
            ("logic_change".to_owned(), 1),
            ("program_download".to_owned(), 1)
        ])
    );

    // Syslog got each alert once, across the restart, as CEF.
    for file in ["tcp.log", "tls.log", "udp.log"] {
        let lines = syslog.lines(file);
        assert_eq!(lines.len(), 2, "{file}: {lines:?}");
        let mut got: Vec<&str> = lines
            .iter()
            .map(|l| {
                assert!(l.starts_with("<"), "{l}");
                assert!(
                    l.contains(" otlens - alert - CEF:0|OT Lens|OT Lens|"),
                    "{l}"
                );
                assert!(l.contains(" cs1Label=mitreAttackForIcs cs1=T0"), "{l}");
                assert!(l.contains(" src=192.168."), "{l}");
                l.split('|').nth(4).unwrap()
            })
            .collect();
        got.sort_unstable();
        assert_eq!(got, ["logic_change", "program_download"], "{file}");
    }

    // The page shows the receivers and the log to the admin, in Japanese too.
    let html: String = app
        .call(&admin, "portal/export_html", &[("lang", "Ja")])
        .await
        .json()
        .await
        .unwrap();
    assert!(html.contains("アラート転送"));
    assert!(html.contains(&secret));
    assert_eq!(html.matches("data-testid=\"export-delivery\"").count(), 8);
    assert_eq!(html.matches("data-testid=\"export-own-ca\"").count(), 1);

    // Paused, nothing new is queued; deleted, it is gone from the list.
    let r = app
        .call(
            &admin,
            "portal/set_export_receiver",
            &[("id", &tcp["id"].to_string()), ("enabled", "false")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .call(
            &admin,
            "portal/delete_export_receiver",
            &[("id", &udp["id"].to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let left: Value = app
        .call(&admin, "portal/export_receivers", &[])
        .await
        .json()
        .await
        .unwrap();
    let left = left.as_array().unwrap();
    assert_eq!(left.len(), 3);
    assert_eq!(left[0]["enabled"], false);
    assert_eq!(left[0]["delivered"], 2);
}

on_both_databases!(alerts_reach_syslog_and_a_webhook_that_comes_back_after_a_restart);

/// Syslog over TLS reaches rsyslogd only when its certificate checks out:
/// against the public roots (the test CA is not one) or another CA it is
/// refused, and nothing is written.
#[tokio::test]
async fn syslog_over_tls_checks_the_receivers_certificate() {
    use server::alert_export::syslog::send_tls;
    let syslog = Rsyslog::start();
    let address = format!("127.0.0.1:{}", syslog.tls_port);
    let other_ca = tempfile::tempdir().unwrap();
    make_certificates(other_ca.path());
    let other_ca = std::fs::read_to_string(other_ca.path().join("ca.pem")).unwrap();
    for ca in ["", other_ca.as_str()] {
        let sent = send_tls(&address, &["<165>1 - - - - - - refused".into()], true, ca).await;
        assert_eq!(sent.sent, 0);
        let error = sent.error.unwrap();
        assert!(error.contains("certificate"), "{error}");
    }
    // A receiver that wants a client certificate refuses after the
    // handshake: not delivered, and said so.
    let strict = format!("127.0.0.1:{}", syslog.strict_tls_port);
    let sent = send_tls(
        &strict,
        &["<165>1 - - - - - - no".into()],
        true,
        &syslog.ca_pem,
    )
    .await;
    // It refuses as our frames or close_notify go out, or right after:
    // either way not delivered, with the reason.
    assert_eq!(sent.sent, 0, "{sent:?}");
    assert!(sent.error.is_some());
    let name = format!("localhost:{}", syslog.tls_port);
    let sent = send_tls(&name, &["x".into()], true, &syslog.ca_pem).await;
    assert!(
        sent.error.unwrap().contains("certificate"),
        "issued for 127.0.0.1 only"
    );
    let sent = send_tls(
        &address,
        &[
            "<165>1 - otlens - - - one".into(),
            "<165>1 - otlens - - - two".into(),
        ],
        true,
        &syslog.ca_pem,
    )
    .await;
    assert_eq!(
        sent,
        server::alert_export::syslog::Sent {
            sent: 2,
            error: None
        }
    );
    wait_for("both messages in tls.log", async || {
        syslog.lines("tls.log").len() == 2
    })
    .await;
    assert!(syslog.lines("tls.log")[1].ends_with(" two"));
}

/// Alerts a throughput run sends to each receiver.
const BENCH_ALERTS: i64 = 2000;

/// Throughput of the sender (scripts/bench-export.sh; docs/BENCHMARKS.md):
/// `BENCH_ALERTS` alerts queued for an rsyslogd over TCP and for a local
/// webhook receiver, timed until every delivery is recorded; beside it,
/// util-linux `logger` sending as many CEF-sized lines to the same rsyslogd
/// over TCP. Prints the figures; asserts only that everything arrived.
async fn export_throughput(backend: Backend) {
    use sqlx::Row;
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(backend, dir.path()).await;
    let app = spawn_app_on(&url, &url, tempfile::tempdir().unwrap()).await;
    let syslog = Rsyslog::start();
    let hook_port = free_port();
    let (received, _server) = webhook_receiver(hook_port).await;
    let admin = app.signed_in("customer-admin").await;
    let tcp = add(
        &app,
        &admin,
        "syslog_tcp",
        &format!("127.0.0.1:{}", syslog.tcp_port),
    )
    .await;
    let hook = add(
        &app,
        &admin,
        "webhook",
        &format!("http://127.0.0.1:{hook_port}/hook"),
    )
    .await;
    // Paused while the queue is filled, so the sender starts on a full one.
    for r in [&tcp, &hook] {
        let id = r["id"].to_string();
        app.call(
            &admin,
            "portal/set_export_receiver",
            &[("id", &id), ("enabled", "false")],
        )
        .await;
    }
    let view = serde_json::json!({
        "id": 1, "type": "program_download", "severity": "high", "sensor": "bench",
        "client": {"asset": "ip:z/10.0.0.5", "ip": "10.0.0.5", "mac": null},
        "server": {"asset": "ip:z/10.0.0.6", "ip": "10.0.0.6", "mac": null},
        "protocol": "s7comm", "subject": "download_block", "count": 1,
        "first_seen_ms": 1_764_800_000_000_i64, "last_seen_ms": 1_764_800_000_000_i64,
        "technique": {"id": "T0843", "name": "Program Download"},
        "title": {"ja": "PLC へのプログラムダウンロード", "en": "Program download to a PLC"},
        "why": {"ja": "ロジックが変わります。", "en": "The controller's logic changes."},
    })
    .to_string();
    let pool = app.state.db.pool();
    let mut tx = pool.begin().await.unwrap();
    for id in 1..=BENCH_ALERTS {
        sqlx::query(
            "INSERT INTO alerts (tenant_id, alert_id, alert_type, severity, state, sensor, subject, \
             count, first_seen_ms, last_seen_ms, title_ja, title_en, view_json, created_at, updated_at) \
             VALUES ($1, $2, 'program_download', 'high', 'new', 'bench', '', 1, 0, 0, 'ja', 'en', $3, 0, 0)",
        )
        .bind(app.tenant_demo)
        .bind(id)
        .bind(view.as_str())
        .execute(&mut *tx)
        .await
        .unwrap();
        for r in [&tcp, &hook] {
            sqlx::query(
                "INSERT INTO export_deliveries (tenant_id, receiver_id, alert_id, state, attempts, \
                 next_attempt_ms, created_ms) VALUES ($1, $2, $3, 'pending', 0, 0, 0)",
            )
            .bind(app.tenant_demo)
            .bind(r["id"].as_i64().unwrap())
            .bind(id)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();

    let delivered = async |receiver: &Value| -> i64 {
        sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM export_deliveries \
             WHERE receiver_id = $1 AND state = 'delivered'",
        )
        .bind(receiver["id"].as_i64().unwrap())
        .fetch_one(pool)
        .await
        .unwrap()
        .get::<i64, _>("n")
    };
    for (name, r) in [("syslog over TCP", &tcp), ("webhook", &hook)] {
        let id = r["id"].to_string();
        let started = Instant::now();
        app.call(
            &admin,
            "portal/set_export_receiver",
            &[("id", &id), ("enabled", "true")],
        )
        .await;
        let deadline = started + Duration::from_secs(600);
        while delivered(r).await < BENCH_ALERTS {
            assert!(
                Instant::now() < deadline,
                "{name}: not all delivered in 600 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "BENCH {backend:?} OT Lens sender, {name}: {BENCH_ALERTS} alerts in {secs:.2} s = {:.0} alerts/s",
            BENCH_ALERTS as f64 / secs
        );
    }
    wait_for("every alert in rsyslogd's file", async || {
        syslog.lines("tcp.log").len() as i64 >= BENCH_ALERTS
    })
    .await;
    assert_eq!(received.lock().unwrap().len() as i64, BENCH_ALERTS);

    // The reference: logger sending the same number of CEF-sized messages
    // over TCP, octet-counted, one connection.
    let line = syslog.lines("tcp.log")[0].clone();
    let cef = &line[line.find("CEF:").unwrap()..];
    let input: String = (0..BENCH_ALERTS).map(|_| format!("{cef}\n")).collect();
    let file = dir.path().join("logger-input.txt");
    std::fs::write(&file, input).unwrap();
    let before = syslog.lines("tcp.log").len() as i64;
    let started = Instant::now();
    let status = std::process::Command::new("logger")
        .args([
            "--tcp",
            "--octet-count",
            "--rfc5424",
            "-n",
            "127.0.0.1",
            "-P",
        ])
        .arg(syslog.tcp_port.to_string())
        .arg("-f")
        .arg(&file)
        .status()
        .expect("util-linux logger runs");
    assert!(status.success());
    // Polled every 2 ms: logger is done faster than a coarser poll could time.
    let deadline = started + Duration::from_secs(60);
    while (syslog.lines("tcp.log").len() as i64) < before + BENCH_ALERTS {
        assert!(
            Instant::now() < deadline,
            "logger's messages never all arrived"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "BENCH {backend:?} util-linux logger, syslog over TCP: {BENCH_ALERTS} messages in {secs:.2} s = {:.0} messages/s",
        BENCH_ALERTS as f64 / secs
    );
}

mod export_throughput {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a benchmark: scripts/bench-export.sh"]
    async fn on_sqlite() {
        super::export_throughput(super::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a benchmark: scripts/bench-export.sh"]
    async fn on_postgres() {
        super::export_throughput(super::Backend::Postgres).await
    }
}
