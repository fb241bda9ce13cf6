use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, PASSWORD, client, spawn_app};
use crate::on_both_databases;

async fn health_and_readiness_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = client();
    let r = app.get(&c, "/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.get(&c, "/readyz").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ready");
}

async fn a_right_password_opens_a_session_with_a_safe_cookie(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = client();
    let r = app.login(&c, "customer-admin", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("otlens_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "not secure unless configured: {cookie}"
    );
    let me: Value = app.call(&c, "whoami", &[]).await.json().await.unwrap();
    assert_eq!(me["username"], "customer-admin");
    assert_eq!(me["role"], "customer_admin");
    assert_eq!(me["tenant_id"], app.tenant_demo);
}

async fn an_unknown_user_and_a_wrong_password_get_the_same_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let unknown = app
        .login(&client(), "nobody-here", "whatever-password")
        .await;
    let (s1, b1) = (unknown.status(), unknown.text().await.unwrap());
    let wrong = app.login(&client(), "sales", "whatever-password").await;
    let (s2, b2) = (wrong.status(), wrong.text().await.unwrap());
    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    assert_eq!((s1, &b1), (s2, &b2));
}

async fn an_account_is_throttled_after_five_failures_even_with_the_right_password(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    for _ in 0..5 {
        let r = app.login(&client(), "sales", "wrong-password-x").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = app.login(&client(), "sales", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are unaffected by this account's failures.
    let r = app.login(&client(), "admin", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
}

async fn logging_in_again_rotates_the_session_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = client();
    let first = app.login(&c, "sales", PASSWORD).await;
    let old = session_cookie(&first);
    let second = app.login(&c, "sales", PASSWORD).await;
    let new = session_cookie(&second);
    assert_ne!(old, new);
    // The old token no longer identifies anyone.
    let stale = reqwest::Client::new()
        .post(format!("{}/api/whoami", app.base))
        .header("Cookie", format!("otlens_session={old}"))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.json::<Value>().await.unwrap(), Value::Null);
}

async fn logout_ends_the_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = client();
    let token = session_cookie(&app.login(&c, "customer-viewer", PASSWORD).await);
    let r = app.call(&c, "logout", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let me: Value = app.call(&c, "whoami", &[]).await.json().await.unwrap();
    assert_eq!(me, Value::Null);
    let replay = reqwest::Client::new()
        .post(format!("{}/api/whoami", app.base))
        .header("Cookie", format!("otlens_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.json::<Value>().await.unwrap(), Value::Null);
}

async fn an_operator_admin_creates_a_tenant_and_a_user_who_can_log_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.signed_in("admin").await;
    let r = app
        .call(&admin, "admin/create_tenant", &[("name", "北海道プラント")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let tenant: Value = r.json().await.unwrap();
    let id = tenant["id"].as_i64().unwrap().to_string();
    let r = app
        .call(
            &admin,
            "admin/create_user",
            &[
                ("username", "hokkaido-eng"),
                ("display_name", "北海道 技術"),
                ("password", "a-long-password-1"),
                ("role", "customer_viewer"),
                ("tenant", &id),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let c = client();
    assert_eq!(
        app.login(&c, "hokkaido-eng", "a-long-password-1")
            .await
            .status(),
        StatusCode::OK
    );
    let overview: Value = app
        .call(&c, "portal/overview", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overview["tenant_name"], "北海道プラント");
}

async fn bad_user_input_is_refused_with_the_field_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.signed_in("admin").await;
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[
                ("username", "sales"),
                ("display_name", "x"),
                ("password", "long-enough-pw"),
                ("role", "sales"),
                ("tenant", ""),
            ],
            "username",
        ),
        (
            &[
                ("username", "new-one"),
                ("display_name", "x"),
                ("password", "short"),
                ("role", "sales"),
                ("tenant", ""),
            ],
            "password",
        ),
        (
            &[
                ("username", "new-two"),
                ("display_name", "x"),
                ("password", "long-enough-pw"),
                ("role", "emperor"),
                ("tenant", ""),
            ],
            "role",
        ),
        (
            &[
                ("username", "new-three"),
                ("display_name", "x"),
                ("password", "long-enough-pw"),
                ("role", "customer_admin"),
                ("tenant", ""),
            ],
            "tenant",
        ),
    ];
    for (form, field) in cases {
        let r = app.call(&admin, "admin/create_user", form).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{field}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], field, "{body}");
    }
    let r = app
        .call(&admin, "admin/create_tenant", &[("name", "   ")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

fn session_cookie(r: &reqwest::Response) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("otlens_session="))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned()
}

on_both_databases!(
    health_and_readiness_answer,
    a_right_password_opens_a_session_with_a_safe_cookie,
    an_unknown_user_and_a_wrong_password_get_the_same_answer,
    an_account_is_throttled_after_five_failures_even_with_the_right_password,
    logging_in_again_rotates_the_session_token,
    logout_ends_the_session,
    an_operator_admin_creates_a_tenant_and_a_user_who_can_log_in,
    bad_user_input_is_refused_with_the_field_named,
);
