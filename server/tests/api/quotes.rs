//! Saving, listing, reopening and printing quotes, and the JSON preview API:
//! the server recomputes every quote with the engine and trusts no figure
//! from the browser.

use app::quotes::form::SensorGroupInput;
use app::quotes::{QuoteFigures, QuoteForm, TARIFF};
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, client, json_text, spawn_app};
use crate::on_both_databases;

fn form(prospect: &str) -> QuoteForm {
    let mut f = QuoteForm::starter(NaiveDate::from_ymd_opt(2025, 8, 1).unwrap());
    f.prospect = prospect.into();
    f.horizon_months = "12".into();
    f.sensors = vec![SensorGroupInput {
        sensor_type: "N".into(),
        count: "1".into(),
        opening: "2025-08-15".into(),
        removal: String::new(),
    }];
    f
}

fn body(form: &QuoteForm) -> Value {
    let (_, quote) = form.compute(&TARIFF).expect("valid form");
    json!({ "form": form, "figures": QuoteFigures::of(&quote) })
}

async fn a_verified_quote_is_saved_listed_reopened_and_printed(backend: Backend) {
    let app = spawn_app(backend).await;
    let sales = app.signed_in("sales").await;
    let f = form("株式会社テスト工業");
    let r = app.call_json(&sales, "quotes/save", &body(&f)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    let id = saved["id"].as_i64().expect("id");
    let number = saved["number"].as_str().expect("number").to_owned();
    assert!(
        number.starts_with("Q-20") && number.ends_with(&format!("{id:05}")),
        "{number}"
    );
    // 12 months of one Type N sensor opened 2025-08-15: initial 350,000 +
    // 49,354 (Aug) + 11 × 90,000, with 10% tax per monthly invoice.
    let (_, q) = f.compute(&TARIFF).unwrap();
    assert_eq!(saved["total"], q.totals.total.0);
    assert_eq!(saved["created_by"], "sales");

    let list: Value = json_text(app.call(&sales, "quotes/list", &[]).await).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["prospect"], "株式会社テスト工業");

    // An operator admin sees and reopens it too: quotes belong to the operator.
    let admin = app.signed_in("admin").await;
    let got: Value = json_text(
        app.call(&admin, "quotes/get", &[("id", &id.to_string())])
            .await,
    )
    .await;
    let reopened: QuoteForm = serde_json::from_value(got["form"].clone()).unwrap();
    assert_eq!(reopened, f);

    let page = app.get(&sales, &format!("/quotes/{id}/print")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("御見積書"), "printed in Japanese by default");
    assert!(html.contains(&number));
    assert!(
        html.contains(&format!("¥{}", q.totals.total)),
        "total on the sheet"
    );
    assert!(html.contains("株式会社テスト工業"));

    let missing = app.get(&sales, "/quotes/999999/print").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let customer = app.signed_in("customer-admin").await;
    let refused = app.get(&customer, &format!("/quotes/{id}/print")).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(!refused.text().await.unwrap().contains("株式会社テスト工業"));
}

async fn figures_that_differ_from_the_server_are_refused_and_nothing_is_saved(backend: Backend) {
    let app = spawn_app(backend).await;
    let sales = app.signed_in("sales").await;
    let mut tampered = body(&form("Tampered"));
    let total = tampered["figures"]["total"].as_i64().unwrap();
    tampered["figures"]["total"] = json!(total - 1);
    let r = app.call_json(&sales, "quotes/save", &tampered).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let text = r.text().await.unwrap();
    assert!(text.contains("differ from the server"), "{text}");
    assert!(
        text.contains(&format!("total: {} sent, {total} computed", total - 1)),
        "{text}"
    );

    // One month's figure changed, totals intact: still refused.
    let mut tampered = body(&form("Tampered"));
    tampered["figures"]["months"][1][1] = json!(1);
    let r = app.call_json(&sales, "quotes/save", &tampered).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("invoice 2025-09"));

    let list: Value = json_text(app.call(&sales, "quotes/list", &[]).await).await;
    assert_eq!(list, json!([]));
}

async fn invalid_forms_are_refused_with_the_field_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let sales = app.signed_in("sales").await;
    let good = body(&form("Valid"));

    let mut reversed = form("Reversed");
    reversed.sensors[0].removal = "2025-08-01".into();
    let mut b = good.clone();
    b["form"] = serde_json::to_value(&reversed).unwrap();
    let r = app.call_json(&sales, "quotes/save", &b).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let text = r.text().await.unwrap();
    assert!(text.contains("sensors.0.removal"), "{text}");

    let mut b = good.clone();
    b["form"]["prospect"] = json!("   ");
    let r = app.call_json(&sales, "quotes/save", &b).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("prospect"));

    let mut b = good.clone();
    b["form"]["sensors"][0]["count"] = json!("100000");
    let r = app.call_json(&sales, "quotes/save", &b).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Not even JSON.
    let r = sales
        .post(format!("{}/api/quotes/save", app.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

async fn the_preview_api_returns_the_quote_with_its_derivations(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = format!("{}/api/v1/quotes/preview", app.base);
    let description = json!({
        "quote_date": "2025-08-01",
        "sensors": [{ "id": "plant-a", "sensor_type": "N", "opening": "2025-08-15" }],
        "horizon": { "Months": 12 },
        "damage": { "date": "2025-08-20", "cause": "Basic" }
    });

    let anonymous = client().post(&url).json(&description).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let customer = app.signed_in("customer-admin").await;
    let r = customer.post(&url).json(&description).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let sales = app.signed_in("sales").await;
    let r = sales.post(&url).json(&description).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let q: Value = r.json().await.unwrap();
    let august = &q["invoices"][0];
    assert_eq!(august["subtotal"], 399_354);
    assert_eq!(august["tax"], 39_935);
    let basic = &august["lines"][1];
    assert_eq!(
        basic["derivation"]["formula"],
        "90,000 × 17 / 31 = 49,354.83 → 49,354 (rounded down)"
    );
    assert_eq!(q["liability"]["amount"], 49_354);
    assert_eq!(
        q["installation_deadlines"][0]["deadline"]["deadline"],
        "2025-08-08"
    );

    let r = sales
        .post(&url)
        .json(&json!({ "quote_date": "2025-08-01", "sensors": [{ "id": "a", "sensor_type": "X", "opening": "2025-08-15" }], "horizon": { "Months": 12 } }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("could not be read"));

    let r = sales
        .post(&url)
        .json(&json!({ "quote_date": "2025-08-01", "sensors": [{ "id": "a", "sensor_type": "N", "opening": "2025-08-15", "cancellation": "2025-08-01" }], "horizon": { "Months": 12 } }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["detail"]["DatesReversed"]["field"],
        "sensors[0].cancellation"
    );

    let r = sales.post(&url).body("{}").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = vec![b' '; 2 * 1024 * 1024];
    let r = sales
        .post(&url)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

on_both_databases!(
    a_verified_quote_is_saved_listed_reopened_and_printed,
    figures_that_differ_from_the_server_are_refused_and_nothing_is_saved,
    invalid_forms_are_refused_with_the_field_named,
    the_preview_api_returns_the_quote_with_its_derivations,
);
