//! Attacks from the browser side: a page on another origin (another site,
//! a sibling subdomain, another port of this host) making a signed-in
//! admin's browser change state, and the headers that keep pages out of
//! frames and content types from being guessed.

use reqwest::StatusCode;

use crate::helpers::{Backend, TestApp, client, spawn_app};
use crate::on_both_databases;

async fn create_operator_admin(
    app: &TestApp,
    c: &reqwest::Client,
    username: &str,
    extra: &[(&'static str, String)],
) -> reqwest::Response {
    let mut request = c
        .post(format!("{}/api/admin/create_user", app.base))
        .header("Accept", "application/json")
        .form(&[
            ("username", username),
            ("display_name", "Intruder"),
            ("password", "a-long-password-1"),
            ("role", "operator_admin"),
            ("tenant", ""),
        ]);
    for (name, value) in extra {
        request = request.header(*name, value);
    }
    request.send().await.unwrap()
}

async fn cross_site_state_changes_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.signed_in("admin").await;
    let host = app.base.trim_start_matches("http://").to_owned();
    let other_port = {
        let (ip, port) = host.rsplit_once(':').unwrap();
        format!("http://{ip}:{}", port.parse::<u16>().unwrap() ^ 1)
    };
    let attacks: [(&str, Vec<(&'static str, String)>); 4] = [
        (
            "evil-origin",
            vec![("Origin", "http://evil.example".into())],
        ),
        ("other-port", vec![("Origin", other_port)]),
        (
            "fetch-cross-site",
            vec![
                ("Sec-Fetch-Site", "cross-site".into()),
                ("Origin", "http://evil.example".into()),
            ],
        ),
        (
            "fetch-same-site",
            vec![("Sec-Fetch-Site", "same-site".into())],
        ),
    ];
    for (name, headers) in attacks {
        let r = create_operator_admin(&app, &admin, name, &headers).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}");
        let c = client();
        assert_eq!(
            app.login(&c, name, "a-long-password-1").await.status(),
            StatusCode::UNAUTHORIZED,
            "{name}: no account was created"
        );
    }
    // The app's own pages send their origin, or same-origin fetch metadata.
    let own = [
        ("own-origin", vec![("Origin", app.base.clone())]),
        (
            "own-fetch",
            vec![
                ("Sec-Fetch-Site", "same-origin".into()),
                ("Origin", app.base.clone()),
            ],
        ),
    ];
    for (name, headers) in own {
        let r = create_operator_admin(&app, &admin, name, &headers).await;
        assert_eq!(r.status(), StatusCode::OK, "{name}");
    }
    // A cross-site login form cannot plant a session either.
    let c = client();
    let r = c
        .post(format!("{}/api/login", app.base))
        .header("Origin", "http://evil.example")
        .form(&[
            ("username", "admin"),
            ("password", crate::helpers::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn every_page_carries_the_security_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.signed_in("admin").await;
    for path in [
        "/",
        "/login",
        "/portal",
        "/quotes",
        "/admin",
        "/no-such-page",
        "/healthz",
    ] {
        for c in [&client(), &admin] {
            let r = c
                .get(format!("{}{path}", app.base))
                .header("Accept", "text/html")
                .send()
                .await
                .unwrap();
            let h = r.headers();
            let csp = h
                .get("content-security-policy")
                .unwrap_or_else(|| panic!("{path}: no CSP"))
                .to_str()
                .unwrap();
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(csp.contains("object-src 'none'"), "{path}: {csp}");
            assert_eq!(h["x-frame-options"], "DENY", "{path}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
            assert!(h.contains_key("referrer-policy"), "{path}");
        }
    }
}

on_both_databases!(
    cross_site_state_changes_are_refused,
    every_page_carries_the_security_headers,
);
