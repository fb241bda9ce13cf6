//! The OT Lens server: SSR of the Leptos app, server functions, health
//! endpoints and sensor ingestion, over SQLite or PostgreSQL.

// The app's lazy routes make deeply nested view types, laid out here.
#![recursion_limit = "512"]

pub mod alert_export;
pub mod analysis_job;
pub mod api;
pub mod asset_export;
pub mod customer;
pub mod demo;
pub mod guard;
pub mod ingest;
pub mod map_data;
pub mod pcap_upload;
pub mod retention_job;
pub mod settings;
pub mod static_files;

use std::net::SocketAddr;

use app::ssr::{AppSettings, Db, ServerState};
use app::{App, shell};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;

pub use settings::Settings;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] store::DbError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("leptos configuration: {0}")]
    Leptos(String),
}

/// A bound, migrated server that is ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: ServerState,
    /// The analysis job, stopped when the server stops (none when this
    /// instance leaves the analysis to others: `--analysis false`).
    analysis: Option<tokio::task::JoinHandle<()>>,
    /// The retention job (none when minute rows are kept for ever).
    retention: Option<tokio::task::JoinHandle<()>>,
    /// The alert sender, stopped when the server stops.
    export: tokio::task::JoinHandle<()>,
}

impl Application {
    /// Connects and migrates the database, builds the router and binds the port.
    pub async fn build(settings: &Settings) -> Result<Application, StartError> {
        let db = Db::connect(&settings.database_url).await?;
        db.migrate().await?;
        let state = ServerState::with_store(
            store::Store::new(db).with_detection(settings.detection()),
            AppSettings {
                cookie_secure: settings.cookie_secure,
            },
        );
        let listener =
            TcpListener::bind(settings.listen)
                .await
                .map_err(|source| StartError::Listen {
                    addr: settings.listen,
                    source,
                })?;
        let mut leptos_options = get_configuration(None)
            .map_err(|e| StartError::Leptos(e.to_string()))?
            .leptos_options;
        leptos_options.site_root = settings.site_root.clone().into();
        // The release build's file names carry their content hash (long
        // caching); leptos links them when told, and must not be told
        // without the list of hashes (it would fail every page).
        leptos_options.hash_files = static_files::built_with_hashed_names(&leptos_options);
        if let Ok(addr) = listener.local_addr() {
            leptos_options.site_addr = addr;
        }
        let pkg_dir = std::path::Path::new(leptos_options.site_root.as_ref())
            .join(leptos_options.site_pkg_dir.as_ref());
        // Compressed copies of the WASM, JS and CSS, made off the start-up
        // path: until they exist the files go out uncompressed.
        let compressing = pkg_dir.clone();
        tokio::task::spawn_blocking(move || {
            let written = static_files::precompress(&compressing);
            if written > 0 {
                tracing::info!(written, dir = %compressing.display(), "compressed copies of the static files made");
            }
        });
        let router = router(state.clone(), leptos_options, pkg_dir);
        let analysis = settings
            .analysis
            .then(|| analysis_job::spawn(state.analysis.clone()));
        let retention = retention_job::spawn(state.retention.clone(), settings.retention_days);
        let export = alert_export::spawn(state.exports.clone(), settings.export());
        Ok(Application {
            listener,
            router,
            state,
            analysis,
            retention,
            export,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn state(&self) -> &ServerState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        // A step cut short rolls back; the next start does it again.
        if let Some(analysis) = self.analysis {
            analysis.abort();
            let _ = analysis.await;
        }
        // A send cut short stays claimed until its lease runs out, then is
        // sent again: nothing is lost.
        self.export.abort();
        let _ = self.export.await;
        if let Some(retention) = self.retention {
            // A purge cut short rolls back; the next start does it again.
            retention.abort();
            let _ = retention.await;
        }
        self.state.db.close().await;
        result
    }
}

fn router(
    state: ServerState,
    leptos_options: LeptosOptions,
    pkg_dir: std::path::PathBuf,
) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    // The 404 page renders the app too (navigation asks who is signed in).
    let fallback_state = state.clone();
    let shell_options = leptos_options.clone();
    let health = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(state.clone());
    Router::new()
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(shell_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context(
            move || provide_context(fallback_state.clone()),
            shell,
        ))
        .with_state(leptos_options.clone())
        .layer(axum::middleware::map_response(
            undecodable_requests_are_client_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            guard::PAGE_RENDER_RETRY_AFTER,
            guard::render_again_if_stuck,
        ))
        .merge(health)
        .merge(static_files::routes(pkg_dir))
        .merge(api::routes(state.clone()))
        .merge(asset_export::routes(state.clone()))
        .merge(map_data::routes(state.clone()))
        .merge(ingest::routes(state.clone()))
        .merge(pcap_upload::routes(state.clone()))
        .layer(axum::middleware::from_fn_with_state(
            guard::OutagePage {
                state,
                stylesheet: static_files::stylesheet_href(&leptos_options).into(),
            },
            guard::unavailable_page_when_db_is_down,
        ))
        .layer(axum::middleware::from_fn(guard::refuse_cross_site))
        .layer(axum::middleware::from_fn(guard::security_headers))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// The server-function layer answers a request body it cannot decode with
/// 500; it is the client's error, and our error type already says so
/// (`AppError::Transport`), so the status follows it.
async fn undecodable_requests_are_client_errors(
    response: axum::response::Response,
) -> axum::response::Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    if let Ok(app::error::AppError::Transport(_)) = serde_json::from_slice(&bytes) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

async fn readyz(State(state): State<ServerState>) -> (StatusCode, &'static str) {
    // Within a second, outage or not: an orchestrator's probe must not hang.
    if state.db.ping(std::time::Duration::from_secs(1)).await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing requests");
}
