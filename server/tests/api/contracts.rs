//! Recorded contracts: the operator admin records a tenant's contract, its
//! customers see it with invoices from the same engine, and no one else does.

use app::quotes::QuoteForm;
use app::quotes::form::{AncillaryInput, SensorGroupInput};
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, spawn_app};
use crate::on_both_databases;

fn contract_form() -> QuoteForm {
    let mut f = QuoteForm::starter(NaiveDate::from_ymd_opt(2025, 8, 1).unwrap());
    f.sensors = vec![
        SensorGroupInput {
            sensor_type: "N".into(),
            count: "2".into(),
            opening: "2025-08-18".into(),
            removal: String::new(),
        },
        SensorGroupInput {
            sensor_type: "D".into(),
            count: "1".into(),
            opening: "2025-09-01".into(),
            removal: "2025-12-15".into(),
        },
    ];
    f.ancillaries = vec![AncillaryInput {
        item_id: "example-operation-support".into(),
        start: "2025-09-01".into(),
        cancellation: String::new(),
        operator_fault: false,
    }];
    f
}

async fn a_recorded_contract_is_billed_in_its_tenants_portal_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.signed_in("admin").await;
    let customer = app.signed_in("customer-viewer").await;

    let none: Value = app
        .call(&customer, "portal/contract", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, Value::Null, "nothing before the operator records it");

    let draft: Value = app
        .call(
            &admin,
            "admin/get_contract",
            &[("tenant_id", &app.tenant_demo.to_string())],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(draft["recorded"], Value::Null);
    assert_eq!(draft["starter"]["prospect"], server::demo::DEMO_TENANT);

    let r = app
        .call_json(
            &admin,
            "admin/save_contract",
            &json!({ "tenant_id": app.tenant_demo, "form": contract_form() }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let recorded: Value = r.json().await.unwrap();
    assert_eq!(recorded["updated_by"], "admin");

    let s: Value = app
        .call(&customer, "portal/contract", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["tenant_name"], server::demo::DEMO_TENANT);
    let invoices = s["quote"]["invoices"].as_array().unwrap();
    // August 2025: 2 × 350,000 + 2 × 90,000 × 14 / 31 (= 40,645.16 → 40,645).
    assert_eq!(invoices[0]["month"], json!({ "year": 2025, "month": 8 }));
    assert_eq!(invoices[0]["subtotal"], 700_000 + 2 * 40_645);
    // Invoices run through the current charge month, no further.
    let as_of: NaiveDate = s["as_of"].as_str().unwrap().parse().unwrap();
    let last = invoices.last().unwrap()["month"].clone();
    use chrono::Datelike;
    assert_eq!(
        last,
        json!({ "year": as_of.year(), "month": as_of.month() })
    );
    // Installation deadline of the 2025-08-18 opening: Tuesday 2025-08-12.
    assert_eq!(
        s["quote"]["installation_deadlines"][0]["deadline"]["deadline"],
        "2025-08-12"
    );

    let other = app.signed_in("other-admin").await;
    let theirs: Value = app
        .call(&other, "portal/contract", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, Value::Null, "another tenant sees nothing of it");

    let page = app.get(&customer, "/portal").await.text().await.unwrap();
    assert!(
        page.contains("N1-01") && page.contains("2025-08-12"),
        "server-rendered statement"
    );

    // The portal's HTML form of the same statement, in the language asked for.
    let html = |lang: &'static str, who| {
        let app = &app;
        async move {
            let v: Value = app
                .call(who, "portal/statement", &[("lang", lang)])
                .await
                .json()
                .await
                .unwrap();
            v
        }
    };
    let en = html("En", &customer).await;
    let en = en.as_str().expect("an HTML string");
    assert!(en.contains("N1-01") && en.contains("2025-08-12"), "{en}");
    assert!(en.contains("781,290"), "August's subtotal: {en}");
    let ja = html("Ja", &customer).await;
    assert_ne!(ja.as_str(), Some(en), "the language changes the text");
    assert_eq!(
        html("En", &other).await,
        Value::Null,
        "another tenant sees nothing of it"
    );
}

async fn a_contract_the_terms_refuse_is_not_recorded(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.signed_in("admin").await;
    let mut f = contract_form();
    // Cancelling the basic service while keeping an ancillary one (Art. 13-2).
    f.sensors.truncate(1);
    f.sensors[0].removal = "2025-10-31".into();
    let r = app
        .call_json(
            &admin,
            "admin/save_contract",
            &json!({ "tenant_id": app.tenant_demo, "form": f }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let text = r.text().await.unwrap();
    assert!(text.contains("Art. 13-2"), "{text}");

    let r = app
        .call_json(
            &admin,
            "admin/save_contract",
            &json!({ "tenant_id": 999_999, "form": contract_form() }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let draft: Value = app
        .call(
            &admin,
            "admin/get_contract",
            &[("tenant_id", &app.tenant_demo.to_string())],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(draft["recorded"], Value::Null, "nothing stored");
}

on_both_databases!(
    a_recorded_contract_is_billed_in_its_tenants_portal_only,
    a_contract_the_terms_refuse_is_not_recorded,
);
