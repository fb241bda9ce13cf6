//! What every request passes on its way in and out, whatever route serves
//! it: the cross-site check on state-changing requests, the security
//! headers, the "temporarily unavailable" page while the database is out of
//! reach, and `Retry-After` on every 503.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use app::ssr::ServerState;

/// Seconds a client is asked to wait after a 503.
pub const RETRY_AFTER_SECS: u64 = 5;

/// How long a page request waits for the database to answer before the
/// "temporarily unavailable" page is sent instead.
pub const PAGE_DB_CHECK: Duration = Duration::from_secs(1);

/// Why not a CSRF token: every state change goes through a POST from the
/// app's own pages, and browsers tell where a request comes from in headers
/// a page cannot forge (`Sec-Fetch-Site`, and `Origin` on every POST). Those
/// cover server functions, form posts and uploads alike, with no token to
/// thread through forms, and the app keeps working without its WASM.
///
/// Refused: a state-changing request that the browser marks as coming from
/// another origin — another site, a sibling subdomain ("same-site") or
/// another port of the same host. Requests without either header come from
/// programs (sensors, scripts), which carry no browser cookies by accident.
pub fn is_cross_site(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match value(header::ORIGIN.as_str()) {
        None => false,
        Some(origin) => {
            let host = value(header::HOST.as_str()).unwrap_or("");
            let origin_host = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                .unwrap_or("");
            origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host)
        }
    }
}

pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    if is_cross_site(request.method(), request.headers()) {
        tracing::warn!(
            path = request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            "cross-site request refused"
        );
        return (
            StatusCode::FORBIDDEN,
            "cross-site request refused: state-changing requests must come from OT Lens's own pages",
        )
            .into_response();
    }
    next.run(request).await
}

/// The headers every answer carries. The policy keeps pages out of frames
/// (clickjacking), plugins out, and forms and `<base>` on this origin; it
/// does not restrict scripts, because Leptos hydrates from an inline module
/// script.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: &'static str, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(
        headers,
        "content-security-policy",
        "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
    );
    set(headers, "x-frame-options", "DENY");
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "same-origin");
    // Pages are made per user and change with every batch: never kept by a
    // shared cache, always asked again (the code they load is what caches).
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        set(headers, "cache-control", "private, no-cache");
    }
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(HeaderValue::from(RETRY_AFTER_SECS));
    }
    response
}

fn is_page_request(request: &Request) -> bool {
    let path = request.uri().path();
    let accepts_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    matches!(*request.method(), Method::GET | Method::HEAD)
        && accepts_html
        && !path.starts_with("/pkg/")
        && !path.starts_with("/api/")
        && !matches!(path, "/healthz" | "/readyz")
}

/// What the outage page needs: the database to ask, and the stylesheet's
/// address (hashed in a release build).
#[derive(Clone)]
pub struct OutagePage {
    pub state: ServerState,
    pub stylesheet: std::sync::Arc<str>,
}

/// How long a page may take to render before it is rendered again. A page
/// takes well under a second; about once in a few hundred renders under
/// load (seen in CI, never reproduced alone), leptos' server rendering of
/// a page never finishes, the request hanging for good. Until that is
/// found, the stuck render is dropped and the page rendered once more.
pub const PAGE_RENDER_RETRY_AFTER: Duration = Duration::from_secs(15);

/// Renders a page (GET or HEAD, which carry no body and change nothing)
/// again when its first render has not answered within `retry_after`,
/// logging the page; the second render waits as long as it takes.
pub async fn render_again_if_stuck(
    State(retry_after): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let (parts, _) = request.into_parts();
    let first = Request::from_parts(parts.clone(), axum::body::Body::empty());
    match tokio::time::timeout(retry_after, next.clone().run(first)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                path = parts.uri.path(),
                "a page's render did not finish in time; rendering it again"
            );
            next.run(Request::from_parts(parts, axum::body::Body::empty()))
                .await
        }
    }
}

/// A page asks the database first, with a short deadline: during an outage
/// the user gets a 503 page at once instead of a page that hangs and then
/// renders errors.
pub async fn unavailable_page_when_db_is_down(
    State(OutagePage { state, stylesheet }): State<OutagePage>,
    request: Request,
    next: Next,
) -> Response {
    if !is_page_request(&request) || state.db.ping(PAGE_DB_CHECK).await {
        return next.run(request).await;
    }
    let lang = request
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(app::i18n::lang_from_cookie_header)
        .unwrap_or_default();
    let t = lang.catalogue();
    tracing::warn!(
        path = request.uri().path(),
        "page refused: database unreachable"
    );
    let page = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <link rel=\"stylesheet\" href=\"{}\"></head><body><main class=\"page\">\
         <section class=\"card notice\" data-testid=\"unavailable\"><h1>{}</h1><p>{}</p></section>\
         </main></body></html>",
        lang.code(),
        t.app_name,
        stylesheet,
        t.unavailable_title,
        t.unavailable_body
    );
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, Html(page)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn reads_are_never_refused() {
        let h = headers(&[("sec-fetch-site", "cross-site")]);
        assert!(!is_cross_site(&Method::GET, &h));
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        for (site, refused) in [
            ("same-origin", false),
            ("none", false),
            ("same-site", true),
            ("cross-site", true),
        ] {
            let h = headers(&[("sec-fetch-site", site), ("host", "ot.example")]);
            assert_eq!(is_cross_site(&Method::POST, &h), refused, "{site}");
        }
    }

    #[test]
    fn origin_must_name_the_host_when_fetch_metadata_is_missing() {
        let same = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(!is_cross_site(&Method::POST, &same));
        let port = headers(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(is_cross_site(&Method::POST, &port));
        let evil = headers(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(is_cross_site(&Method::POST, &evil));
        let null = headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]);
        assert!(is_cross_site(&Method::POST, &null));
        // A program without browser headers (a sensor, a script).
        assert!(!is_cross_site(&Method::POST, &headers(&[("host", "h")])));
    }

    #[tokio::test]
    async fn a_stuck_page_is_rendered_again_and_a_post_is_never_repeated() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        use axum::Router;
        use axum::routing::get;
        use tower::ServiceExt;

        let renders = Arc::new(AtomicUsize::new(0));
        let counted = renders.clone();
        // The first render never finishes; the second answers.
        let page = move || {
            let counted = counted.clone();
            async move {
                if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                    std::future::pending::<()>().await;
                }
                "page"
            }
        };
        let posts = Arc::new(AtomicUsize::new(0));
        let counted_posts = posts.clone();
        let post = move || {
            let counted_posts = counted_posts.clone();
            async move {
                counted_posts.fetch_add(1, Ordering::SeqCst);
                "posted"
            }
        };
        let app = Router::new().route("/page", get(page).post(post)).layer(
            axum::middleware::from_fn_with_state(Duration::from_millis(50), render_again_if_stuck),
        );

        let request = |method: Method| {
            Request::builder()
                .method(method)
                .uri("/page")
                .body(axum::body::Body::empty())
                .unwrap()
        };
        let response = tokio::time::timeout(
            Duration::from_secs(5),
            app.clone().oneshot(request(Method::GET)),
        )
        .await
        .expect("the stuck render was not replaced")
        .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(renders.load(Ordering::SeqCst), 2);

        let response = app.oneshot(request(Method::POST)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(posts.load(Ordering::SeqCst), 1);
    }
}
