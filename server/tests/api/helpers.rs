use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::{Client, Response, StatusCode};
use server::{Application, Settings, demo};

pub const PASSWORD: &str = "test-password-123";

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(Backend)` as two tests, one per database.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn on_postgres() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        )*
    };
}

pub struct TestApp {
    pub base: String,
    /// The app's own database, for tests that check what was stored.
    pub db_url: String,
    pub tenant_demo: i64,
    pub tenant_other: i64,
    /// The running app's storage, for tests that act as the server itself.
    pub state: app::ssr::ServerState,
    _dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The PostgreSQL server the suite uses; the test script exports it, and a
/// missing server is a failure, never a skip.
pub fn postgres_admin_url() -> String {
    std::env::var("OTLENS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A new, empty database: a file in `dir`, or a PostgreSQL database of its own.
pub async fn fresh_database_url(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("test.db").display()),
        Backend::Postgres => {
            use sqlx::Connection;
            let admin = postgres_admin_url();
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is required for the suite and was not reachable at {admin}: {e}"
                    )
                });
            let name = format!(
                "otlens_test_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create a test database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            format!("{base}/{name}")
        }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database_url(backend, dir.path()).await;
    spawn_app_on(&url, &url, dir).await
}

/// The app over `connect_url` (which may lead through a relay), seeded;
/// `db_url` is how the test itself reaches the same database.
pub async fn spawn_app_on(connect_url: &str, db_url: &str, dir: tempfile::TempDir) -> TestApp {
    spawn_app_with(connect_url, db_url, dir, |_| {}).await
}

/// A fresh, seeded app on `backend` serving the compiled site in
/// `site_root` (the WASM and CSS `scripts/build.sh` writes), for a browser.
pub async fn spawn_app_serving(backend: Backend, site_root: &std::path::Path) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database_url(backend, dir.path()).await;
    let root = site_root.display().to_string();
    spawn_app_with(&url, &url, dir, move |s| s.site_root = root).await
}

async fn spawn_app_with(
    connect_url: &str,
    db_url: &str,
    dir: tempfile::TempDir,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    let url = db_url.to_owned();
    let mut settings = Settings::for_tests(connect_url);
    configure(&mut settings);
    let app = Application::build(&settings).await.expect("app builds");
    let accounts = demo::seed(&app.state().accounts, Some(PASSWORD))
        .await
        .expect("seed demo data");
    drop(accounts);
    let tenants = app.state().accounts.list_tenants().await.expect("tenants");
    let tenant_id = |name: &str| {
        tenants
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.id)
            .unwrap()
    };
    let base = format!("http://{}", app.local_addr());
    let state = app.state().clone();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    TestApp {
        base,
        db_url: url,
        tenant_demo: tenant_id(demo::DEMO_TENANT),
        tenant_other: tenant_id(demo::OTHER_TENANT),
        state,
        _dir: dir,
        shutdown: Some(tx),
    }
}

/// The value inside an answer sent as JSON text (`model::JsonText`: a lazy
/// page's data, a JSON string holding the JSON).
pub async fn json_text(response: Response) -> serde_json::Value {
    let text: String = response.json().await.expect("a JSON string");
    serde_json::from_str(&text).expect("JSON inside the string")
}

/// A TCP port nobody listens on at the moment.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("its address")
        .port()
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // A response that never comes fails its test with a message instead
        // of holding the whole suite (a server-rendered page once hung in CI).
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .expect("http client")
}

impl TestApp {
    /// Calls a server function the way the browser does (form-encoded POST).
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    /// Calls a server function that takes JSON.
    pub async fn call_json(
        &self,
        client: &Client,
        endpoint: &str,
        body: &serde_json::Value,
    ) -> Response {
        client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("Accept", "application/json")
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn login(&self, client: &Client, username: &str, password: &str) -> Response {
        self.call(
            client,
            "login",
            &[("username", username), ("password", password)],
        )
        .await
    }

    /// A client signed in as one of the demo users.
    pub async fn signed_in(&self, username: &str) -> Client {
        let c = client();
        let r = self.login(&c, username, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "login as {username}");
        c
    }

    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request sent")
    }
}
