//! Authorisation lives in one place (`app::ssr::require_area` and the
//! session's tenant); these tests prove it for every server function that exists.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, TestApp, client, spawn_app};
use crate::on_both_databases;

/// Demo users: one per role, two tenants for customers.
const OPERATOR_ADMIN: &str = "admin";
const SALES: &str = "sales";
const CUSTOMER_ADMIN: &str = "customer-admin";
const CUSTOMER_VIEWER: &str = "customer-viewer";
const OTHER_TENANT_ADMIN: &str = "other-admin";
const EVERYONE: [&str; 5] = [
    OPERATOR_ADMIN,
    SALES,
    CUSTOMER_ADMIN,
    CUSTOMER_VIEWER,
    OTHER_TENANT_ADMIN,
];

struct ServerFn {
    endpoint: &'static str,
    /// Who may call it; everyone else gets 403, anonymous callers 401.
    allowed: &'static [&'static str],
    body: Body,
}

/// What a call sends.
enum Body {
    /// Form fields; `{other}` is replaced by the other tenant's id.
    Form(&'static [(&'static str, &'static str)]),
    /// A JSON body (server functions with the JSON codec), given the other
    /// tenant's id.
    Json(fn(i64) -> Value),
}

use Body::{Form, Json};

/// A valid contract to record for the other tenant.
fn contract_to_record(other_tenant: i64) -> Value {
    let form =
        app::quotes::QuoteForm::starter(chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap());
    serde_json::json!({ "tenant_id": other_tenant, "form": form })
}

/// A valid quote to save, with the figures the engine computes for it.
fn asset_query(other_tenant: i64) -> Value {
    // A tenant id in the body is not a parameter: the session decides.
    serde_json::json!({ "query": model::inventory::AssetQuery::default(), "tenant_id": other_tenant })
}

fn alert_query(other_tenant: i64) -> Value {
    serde_json::json!({ "query": app::alerts::AlertQuery::default(), "tenant_id": other_tenant })
}

fn quote_to_save(_other_tenant: i64) -> Value {
    let mut form =
        app::quotes::QuoteForm::starter(chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap());
    form.prospect = "Matrix prospect".into();
    let (_, quote) = form.compute(&app::quotes::TARIFF).unwrap();
    serde_json::json!({ "form": form, "figures": app::quotes::QuoteFigures::of(&quote) })
}

/// Every server function of the app. The coverage test below fails when one
/// is added without being listed here.
const SERVER_FNS: &[ServerFn] = &[
    ServerFn {
        endpoint: "admin/list_tenants",
        allowed: &[OPERATOR_ADMIN],
        body: Form(&[]),
    },
    ServerFn {
        endpoint: "admin/create_tenant",
        allowed: &[OPERATOR_ADMIN],
        body: Form(&[("name", "Tenant made in the matrix test")]),
    },
    ServerFn {
        endpoint: "admin/list_users",
        allowed: &[OPERATOR_ADMIN],
        body: Form(&[]),
    },
    ServerFn {
        endpoint: "admin/create_user",
        allowed: &[OPERATOR_ADMIN],
        body: Form(&[
            ("username", "matrix-user"),
            ("display_name", "Matrix"),
            ("password", "matrix-password-1"),
            ("role", "customer_admin"),
            ("tenant", "{other}"),
        ]),
    },
    ServerFn {
        endpoint: "admin/get_contract",
        allowed: &[OPERATOR_ADMIN],
        body: Form(&[("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "admin/save_contract",
        allowed: &[OPERATOR_ADMIN],
        body: Json(contract_to_record),
    },
    ServerFn {
        endpoint: "portal/contract",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/overview_html",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("query", ""), ("lang", "En"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/summary",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("lang", "En"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/assets",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Json(asset_query),
    },
    ServerFn {
        endpoint: "portal/asset",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("id", "mac:00:1b:1b:23:eb:3b"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/edges",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/zones",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/zones_html",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("lang", "En"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/save_zone",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[
            ("replacing", ""),
            ("name", "Matrix zone"),
            ("networks", "10.99.0.0/16"),
            ("vlans", ""),
            ("sensor", ""),
            ("tenant_id", "{other}"),
        ]),
    },
    ServerFn {
        endpoint: "portal/delete_zone",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[("name", "no such zone"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/asset_counts",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/assets_html",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[
            ("query", "role=controller"),
            ("lang", "En"),
            ("tenant_id", "{other}"),
        ]),
    },
    ServerFn {
        endpoint: "portal/asset_html",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[
            ("id", "mac:00:1b:1b:23:eb:3b"),
            ("lang", "En"),
            ("tenant_id", "{other}"),
        ]),
    },
    ServerFn {
        endpoint: "portal/set_asset_decision",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[
            ("id", "mac:00:1b:1b:23:eb:3b"),
            ("role", "hmi"),
            ("purdue_level", ""),
            ("tenant_id", "{other}"),
        ]),
    },
    ServerFn {
        endpoint: "portal/alerts",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Json(alert_query),
    },
    ServerFn {
        endpoint: "portal/alert",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("id", "1"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/alert_counts",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/alerts_badge",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("lang", "En"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/alert_allows",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/alerts_html",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[
            ("query", "severity=high"),
            ("lang", "En"),
            ("tenant_id", "{other}"),
        ]),
    },
    ServerFn {
        endpoint: "portal/alert_html",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("id", "1"), ("lang", "En"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/set_alert_state",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[
            ("id", "1"),
            ("state", "acknowledged"),
            ("note", ""),
            ("tenant_id", "{other}"),
        ]),
    },
    ServerFn {
        endpoint: "portal/allow_alert",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[
            ("id", "1"),
            ("scope", "edge"),
            ("note", ""),
            ("tenant_id", "{other}"),
        ]),
    },
    ServerFn {
        endpoint: "portal/revoke_alert_allow",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[("id", "1"), ("tenant_id", "{other}")]),
    },
    // In this order: each allowed caller adds its tenant's receiver 1,
    // then pauses and deletes it.
    ServerFn {
        endpoint: "portal/add_export_receiver",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[
            ("kind", "syslog_udp"),
            ("address", "127.0.0.1:9"),
            ("min_severity", "critical"),
            ("tenant_id", "{other}"),
        ]),
    },
    ServerFn {
        endpoint: "portal/export_receivers",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/export_deliveries",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[("limit", "10"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/export_html",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[("lang", "En"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/set_export_receiver",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[("id", "1"), ("enabled", "false"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/delete_export_receiver",
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
        body: Form(&[("id", "1"), ("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/statement",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("lang", "En"), ("tenant_id", "{other}")]),
    },
    // In this order: the first allowed caller creates sensor 1, then rotates
    // and revokes it.
    ServerFn {
        endpoint: "admin/list_sensors",
        allowed: &[OPERATOR_ADMIN],
        body: Form(&[]),
    },
    ServerFn {
        endpoint: "admin/create_sensor",
        allowed: &[OPERATOR_ADMIN],
        body: Form(&[("tenant_id", "{other}"), ("name", "matrix sensor")]),
    },
    ServerFn {
        endpoint: "admin/rotate_sensor_token",
        allowed: &[OPERATOR_ADMIN],
        body: Form(&[("sensor_id", "1")]),
    },
    ServerFn {
        endpoint: "admin/revoke_sensor",
        allowed: &[OPERATOR_ADMIN],
        body: Form(&[("sensor_id", "1")]),
    },
    ServerFn {
        endpoint: "portal/sensors",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("tenant_id", "{other}")]),
    },
    ServerFn {
        endpoint: "quotes/defaults",
        allowed: &[OPERATOR_ADMIN, SALES],
        body: Form(&[]),
    },
    // Before quotes/get: the first allowed caller's save makes quote 1.
    ServerFn {
        endpoint: "quotes/save",
        allowed: &[OPERATOR_ADMIN, SALES],
        body: Json(quote_to_save),
    },
    ServerFn {
        endpoint: "quotes/list",
        allowed: &[OPERATOR_ADMIN, SALES],
        body: Form(&[]),
    },
    ServerFn {
        endpoint: "quotes/get",
        allowed: &[OPERATOR_ADMIN, SALES],
        body: Form(&[("id", "1")]),
    },
    ServerFn {
        endpoint: "portal/overview",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("tenant_id", "{other}"), ("tenant", "{other}")]),
    },
    ServerFn {
        endpoint: "portal/users",
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
        body: Form(&[("tenant_id", "{other}"), ("tenant", "{other}")]),
    },
];

/// Functions about one thing by id, which answer an allowed caller 404
/// when the caller's tenant has no such thing (the matrix's tenants have no
/// assets).
const NOT_FOUND_IS_AN_ANSWER: [&str; 7] = [
    "portal/set_asset_decision",
    "portal/delete_zone",
    "portal/set_export_receiver",
    "portal/delete_export_receiver",
    "portal/set_alert_state",
    "portal/allow_alert",
    "portal/revoke_alert_allow",
];

/// Open to anyone: they establish or describe the session itself.
const PUBLIC_FNS: [&str; 3] = ["login", "logout", "whoami"];

fn form_for(fields: &[(&str, &str)], other_tenant: i64) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                v.replace("{other}", &other_tenant.to_string()),
            )
        })
        .collect()
}

async fn call(
    app: &TestApp,
    c: &reqwest::Client,
    f: &ServerFn,
    other: i64,
) -> (StatusCode, String) {
    let r = match &f.body {
        Form(fields) => {
            let form = form_for(fields, other);
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call(c, f.endpoint, &pairs).await
        }
        Json(body) => app.call_json(c, f.endpoint, &body(other)).await,
    };
    (r.status(), r.text().await.unwrap())
}

#[test]
fn every_registered_server_function_is_in_the_authorisation_matrix() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let listed: BTreeSet<String> = SERVER_FNS
        .iter()
        .map(|f| f.endpoint)
        .chain(PUBLIC_FNS)
        .map(|e| format!("/api/{e}"))
        .collect();
    assert_eq!(
        registered, listed,
        "add new server functions to SERVER_FNS with their allowed roles"
    );
}

async fn every_server_function_refuses_anonymous_callers(backend: Backend) {
    let app = spawn_app(backend).await;
    for f in SERVER_FNS {
        let (status, body) = call(&app, &client(), f, app.tenant_other).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{} answered {body}",
            f.endpoint
        );
    }
}

async fn every_server_function_refuses_the_roles_it_does_not_serve(backend: Backend) {
    let app = spawn_app(backend).await;
    for user in EVERYONE {
        let c = app.signed_in(user).await;
        for f in SERVER_FNS {
            let (status, body) = call(&app, &c, f, app.tenant_other).await;
            if f.allowed.contains(&user) {
                let answered = status.is_success()
                    || (status == StatusCode::NOT_FOUND
                        && NOT_FOUND_IS_AN_ANSWER.contains(&f.endpoint));
                assert!(
                    answered,
                    "{user} may call {} but got {status}: {body}",
                    f.endpoint
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{user} calling {}: {body}",
                    f.endpoint
                );
            }
        }
    }
}

async fn a_customer_gets_nothing_of_another_tenant_even_with_its_ids(backend: Backend) {
    let app = spawn_app(backend).await;
    for user in [CUSTOMER_ADMIN, CUSTOMER_VIEWER] {
        let c = app.signed_in(user).await;
        for f in SERVER_FNS {
            let (_, body) = call(&app, &c, f, app.tenant_other).await;
            for leak in [server::demo::OTHER_TENANT, OTHER_TENANT_ADMIN] {
                assert!(
                    !body.contains(leak),
                    "{user} calling {} saw {leak}: {body}",
                    f.endpoint
                );
            }
        }
        let overview: Value = app
            .call(
                &c,
                "portal/overview",
                &[("tenant_id", &app.tenant_other.to_string())],
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(overview["tenant_id"], app.tenant_demo);
        let users: Value = app
            .call(&c, "portal/users", &[])
            .await
            .json()
            .await
            .unwrap();
        let users = users.as_array().unwrap();
        assert!(!users.is_empty());
        assert!(
            users.iter().all(|u| u["tenant_id"] == app.tenant_demo),
            "{users:?}"
        );
    }
    // And the other way round.
    let c = app.signed_in(OTHER_TENANT_ADMIN).await;
    let users: Value = app
        .call(&c, "portal/users", &[])
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert_eq!(names, [OTHER_TENANT_ADMIN]);
}

/// The plain handlers outside the server functions that act for a signed-in
/// user, with the roles `model::Area` admits to each.
struct PlainHandler {
    path: &'static str,
    allowed: &'static [&'static str],
}

const PLAIN_HANDLERS: &[PlainHandler] = &[
    PlainHandler {
        path: server::pcap_upload::PCAP_UPLOAD_PATH,
        allowed: &[CUSTOMER_ADMIN, OTHER_TENANT_ADMIN],
    },
    PlainHandler {
        path: server::asset_export::ASSETS_CSV_PATH,
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
    },
    PlainHandler {
        path: server::map_data::MAP_DATA_PATH,
        allowed: &[CUSTOMER_ADMIN, CUSTOMER_VIEWER, OTHER_TENANT_ADMIN],
    },
    PlainHandler {
        path: "/api/v1/quotes/preview",
        allowed: &[OPERATOR_ADMIN, SALES],
    },
];

async fn post_plain(c: &reqwest::Client, app: &TestApp, h: &PlainHandler) -> reqwest::Response {
    let url = format!("{}{}", app.base, h.path);
    if h.path == server::asset_export::ASSETS_CSV_PATH || h.path == server::map_data::MAP_DATA_PATH
    {
        // A download: a GET, with another tenant's id that must not matter.
        c.get(format!("{url}?tenant_id={}", app.tenant_other))
            .send()
            .await
            .unwrap()
    } else if h.path == server::pcap_upload::PCAP_UPLOAD_PATH {
        // A file that is not a capture: admitted callers get told so, not refused.
        let form = reqwest::multipart::Form::new().part(
            "capture",
            reqwest::multipart::Part::bytes(b"not a capture".to_vec()).file_name("x.pcap"),
        );
        c.post(url).multipart(form).send().await.unwrap()
    } else {
        c.post(url)
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap()
    }
}

async fn every_plain_handler_admits_exactly_its_roles(backend: Backend) {
    let app = spawn_app(backend).await;
    for h in PLAIN_HANDLERS {
        let r = post_plain(&client(), &app, h).await;
        let to_login = r
            .headers()
            .get("location")
            .is_some_and(|l| l.to_str().unwrap_or("").starts_with("/login"));
        assert!(
            r.status() == StatusCode::UNAUTHORIZED || to_login,
            "anonymous {}: {}",
            h.path,
            r.status()
        );
        for user in EVERYONE {
            let c = app.signed_in(user).await;
            let status = post_plain(&c, &app, h).await.status();
            if h.allowed.contains(&user) {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{user} may use {} but got {status}",
                    h.path
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{user} using {}", h.path);
            }
        }
    }
}

on_both_databases!(
    every_plain_handler_admits_exactly_its_roles,
    every_server_function_refuses_anonymous_callers,
    every_server_function_refuses_the_roles_it_does_not_serve,
    a_customer_gets_nothing_of_another_tenant_even_with_its_ids,
);
