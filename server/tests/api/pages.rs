//! Server-rendered pages: the right status for each role and language.

use reqwest::StatusCode;

use crate::helpers::{Backend, client, spawn_app};
use crate::on_both_databases;

async fn pages_answer_with_the_status_the_role_deserves(backend: Backend) {
    let app = spawn_app(backend).await;
    let anon = client();
    assert_eq!(app.get(&anon, "/login").await.status(), StatusCode::OK);
    assert_eq!(
        app.get(&anon, "/admin").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(&anon, "/no-such-page").await.status(),
        StatusCode::NOT_FOUND
    );

    let customer = app.signed_in("customer-viewer").await;
    assert_eq!(app.get(&customer, "/portal").await.status(), StatusCode::OK);
    assert_eq!(
        app.get(&customer, "/admin").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&customer, "/quotes").await.status(),
        StatusCode::FORBIDDEN
    );

    let sales = app.signed_in("sales").await;
    assert_eq!(app.get(&sales, "/quotes").await.status(), StatusCode::OK);
    // The 404 page still knows who is signed in (it renders the navigation).
    let missing = app.get(&sales, "/no-such-page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let html = missing.text().await.unwrap();
    assert!(html.contains("data-testid=\"nav-quotes\""), "{html}");
    assert_eq!(
        app.get(&sales, "/portal").await.status(),
        StatusCode::FORBIDDEN
    );

    let admin = app.signed_in("admin").await;
    let page = app.get(&admin, "/admin").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(server::demo::OTHER_TENANT),
        "admin sees all tenants"
    );
}

async fn the_portal_page_shows_only_the_signed_in_tenant(backend: Backend) {
    let app = spawn_app(backend).await;
    let customer = app.signed_in("customer-admin").await;
    let html = app.get(&customer, "/portal").await.text().await.unwrap();
    assert!(html.contains(server::demo::DEMO_TENANT));
    assert!(!html.contains(server::demo::OTHER_TENANT));
    assert!(!html.contains("other-admin"));
}

/// The portal's read-only sections come as HTML made on the server: the
/// tenant's own figures, users and sensors, in the language asked for, with
/// names from users and sensors escaped.
async fn the_portal_summary_is_the_tenants_own_html(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.signed_in("admin").await;
    let hostile = "<img src=x onerror=alert(1)>&\"line";
    let created = app
        .call(
            &admin,
            "admin/create_sensor",
            &[
                ("tenant_id", &app.tenant_demo.to_string()),
                ("name", hostile),
            ],
        )
        .await;
    assert!(created.status().is_success(), "{}", created.status());
    let created: serde_json::Value = created.json().await.unwrap();
    let public_id = created["sensor"]["public_id"]
        .as_str()
        .expect("the new sensor's public id")
        .to_owned();

    let summary = |who, lang: &'static str| {
        let app = &app;
        async move {
            let v: serde_json::Value = app
                .call(who, "portal/summary", &[("lang", lang)])
                .await
                .json()
                .await
                .unwrap();
            v.as_str().expect("an HTML string").to_owned()
        }
    };
    let customer = app.signed_in("customer-viewer").await;
    let en = summary(&customer, "En").await;
    assert!(en.contains(server::demo::DEMO_TENANT), "{en}");
    assert!(en.contains(&public_id), "the tenant's sensor: {en}");
    assert!(en.contains("customer-admin"), "the tenant's users: {en}");
    assert!(
        !en.contains("<img"),
        "a sensor name is text, not markup: {en}"
    );
    assert!(en.contains("&lt;img src=x"), "{en}");
    assert!(en.contains("Sensors") || en.contains("sensors"), "{en}");
    let ja = summary(&customer, "Ja").await;
    assert_ne!(ja, en, "the language changes the text");
    assert!(ja.contains(&public_id));

    let other = app.signed_in("other-admin").await;
    let theirs = summary(&other, "En").await;
    assert!(theirs.contains(server::demo::OTHER_TENANT), "{theirs}");
    assert!(
        !theirs.contains(&public_id),
        "another tenant's sensor: {theirs}"
    );
    assert!(!theirs.contains(server::demo::DEMO_TENANT), "{theirs}");
    assert!(!theirs.contains("customer-admin"), "{theirs}");
}

/// The overview tab is one piece of server HTML: the summary, the upload
/// form for customer admins only, the last upload's result from the query
/// string (text, never markup) and the contract.
async fn the_portal_overview_is_one_piece_of_html(backend: Backend) {
    let app = spawn_app(backend).await;
    let overview = |who, query: &'static str| {
        let app = &app;
        async move {
            let v: serde_json::Value = app
                .call(
                    who,
                    "portal/overview_html",
                    &[("query", query), ("lang", "En")],
                )
                .await
                .json()
                .await
                .unwrap();
            v.as_str().expect("an HTML string").to_owned()
        }
    };
    let admin = app.signed_in("customer-admin").await;
    let html = overview(&admin, "").await;
    assert!(html.contains(server::demo::DEMO_TENANT), "{html}");
    assert!(html.contains("data-testid=\"pcap-file\""), "{html}");
    assert!(
        html.contains("data-testid=\"contract-statement\""),
        "{html}"
    );
    assert!(!html.contains("upload-done") && !html.contains("upload-error"));
    let viewer = app.signed_in("customer-viewer").await;
    let html = overview(&viewer, "").await;
    assert!(html.contains("data-testid=\"pcap-upload\""), "{html}");
    assert!(!html.contains("pcap-file"), "viewers get no form: {html}");

    let html = overview(&admin, "uploaded=3&flows=120&cut=record%2042").await;
    assert!(html.contains("data-testid=\"upload-done\""), "{html}");
    assert!(html.contains("120") && html.contains("record 42"), "{html}");
    let html = overview(&admin, "upload_error=%3Cscript%3Ex%3C%2Fscript%3E").await;
    assert!(html.contains("data-testid=\"upload-error\""), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");

    let other = app.signed_in("other-admin").await;
    let theirs = overview(&other, "").await;
    assert!(theirs.contains(server::demo::OTHER_TENANT), "{theirs}");
    assert!(!theirs.contains(server::demo::DEMO_TENANT), "{theirs}");
}

async fn japanese_is_the_default_and_the_cookie_selects_english(backend: Backend) {
    let app = spawn_app(backend).await;
    let ja = app.get(&client(), "/login").await.text().await.unwrap();
    assert!(
        ja.contains(r#"<html lang="ja""#),
        "{}",
        &ja[..200.min(ja.len())]
    );
    assert!(ja.contains("パスワード"));
    let en = client()
        .get(format!("{}/login", app.base))
        .header("Cookie", "otlens_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains(r#"<html lang="en""#));
    assert!(en.contains("Password"));
    assert!(!en.contains("パスワード"));
}

on_both_databases!(
    pages_answer_with_the_status_the_role_deserves,
    the_portal_page_shows_only_the_signed_in_tenant,
    japanese_is_the_default_and_the_cookie_selects_english,
    the_portal_summary_is_the_tenants_own_html,
    the_portal_overview_is_one_piece_of_html,
);
