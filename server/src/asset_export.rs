//! `GET /portal/assets.csv`: the signed-in customer's assets as a CSV file,
//! with the asset table's filters and sort as query parameters
//! ([`AssetParams`]: `role`, `vendor`, `protocol`, `zone`, `level`, `seen`,
//! `q`, `sort`, `desc`).
//!
//! UTF-8 with a byte order mark, so Excel opens Japanese names correctly.
//! Names, vendors and products come off the wire and are attacker-controlled:
//! a cell that a spreadsheet would take for a formula (starting with `=`,
//! `+`, `-`, `@`, a tab or a carriage return) is neutralised with a leading
//! apostrophe, and every cell is quoted.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use app::ssr::ServerState;
use model::inventory::{AssetParams, AssetRow};

pub const ASSETS_CSV_PATH: &str = "/portal/assets.csv";

/// More rows than any plant has assets; a file is never unbounded.
const MAX_EXPORT_ROWS: i64 = 1_000_000;

pub fn routes(state: ServerState) -> Router {
    Router::new()
        .route(ASSETS_CSV_PATH, get(export))
        .with_state(state)
}

async fn export(
    State(state): State<ServerState>,
    headers: HeaderMap,
    params: Result<Query<AssetParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let tenant_id = match crate::customer::portal_tenant(
        &state,
        &headers,
        "only a customer's users may export its assets",
    )
    .await
    {
        Ok(tenant_id) => tenant_id,
        Err(refused) => return refused,
    };
    let Query(params) = match params {
        Ok(p) => p,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    // Every page of the filtered table, whatever page it showed.
    let params = AssetParams {
        page: None,
        ..params
    };
    let mut query = match params.to_query(store::inventory::MAX_PAGE) {
        Ok(q) => q,
        Err(message) => return (StatusCode::BAD_REQUEST, message).into_response(),
    };
    let mut rows = Vec::new();
    loop {
        let page = match state.inventory.assets(tenant_id, &query).await {
            Ok(page) => page,
            Err(_) => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage unavailable, try again",
                )
                    .into_response();
            }
        };
        let fetched = page.assets.len() as i64;
        rows.extend(page.assets);
        query.offset += fetched;
        if fetched == 0 || query.offset >= page.total || query.offset >= MAX_EXPORT_ROWS {
            break;
        }
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"assets.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        assets_csv(&rows),
    )
        .into_response()
}

/// The CSV file: a byte order mark, a header row, one row per asset.
pub fn assets_csv(rows: &[AssetRow]) -> String {
    let mut out = String::from("\u{FEFF}");
    let header = [
        "id",
        "role",
        "purdue_level",
        "vendor",
        "product",
        "names",
        "ips",
        "macs",
        "protocols",
        "zones",
        "first_seen_utc",
        "last_seen_utc",
        "confidence",
    ];
    push_row(&mut out, header.iter().map(|h| h.to_string()));
    for r in rows {
        push_row(
            &mut out,
            [
                r.id.clone(),
                r.role.clone(),
                r.purdue_level.map(|l| l.to_string()).unwrap_or_default(),
                r.vendor.clone().unwrap_or_default(),
                r.product.clone().unwrap_or_default(),
                r.names.join("; "),
                r.ips.join("; "),
                r.macs.join("; "),
                r.protocols.join("; "),
                r.zones.join("; "),
                r.first_seen_ms.map(utc).unwrap_or_default(),
                r.last_seen_ms.map(utc).unwrap_or_default(),
                r.confidence.to_string(),
            ]
            .into_iter(),
        );
    }
    out
}

fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            out.push('\'');
        }
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, vendor: Option<&str>) -> AssetRow {
        AssetRow {
            id: "mac:00:1b:1b:23:eb:3b".into(),
            role: "controller".into(),
            purdue_level: Some(1),
            vendor: vendor.map(str::to_owned),
            product: None,
            names: vec![name.into()],
            ips: vec!["192.168.1.40".into(), "10.0.0.7".into()],
            macs: vec!["00:1b:1b:23:eb:3b".into()],
            protocols: vec!["s7comm".into()],
            zones: vec!["capture".into()],
            first_seen_ms: Some(1_408_528_799_992),
            last_seen_ms: None,
            confidence: 90,
        }
    }

    #[test]
    fn the_file_starts_with_a_byte_order_mark_and_a_header() {
        let csv = assets_csv(&[]);
        assert!(csv.starts_with("\u{FEFF}\"id\",\"role\""), "{csv}");
        assert_eq!(csv.lines().count(), 1);
    }

    #[test]
    fn a_row_carries_every_column_quoted() {
        let csv = assets_csv(&[row("第1ライン PLC", Some("Siemens AG"))]);
        let line = csv.lines().nth(1).expect("one asset");
        assert_eq!(
            line,
            "\"mac:00:1b:1b:23:eb:3b\",\"controller\",\"1\",\"Siemens AG\",\"\",\"第1ライン PLC\",\
             \"192.168.1.40; 10.0.0.7\",\"00:1b:1b:23:eb:3b\",\"s7comm\",\"capture\",\
             \"2014-08-20T09:59:59.992Z\",\"\",\"90\""
        );
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        for hostile in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            let csv = assets_csv(&[row(hostile, Some(hostile))]);
            let line = csv.split("\r\n").nth(1).expect("one asset");
            let quoted = format!("\"'{}\"", hostile.replace('"', "\"\""));
            assert_eq!(line.matches(&quoted).count(), 2, "{hostile:?} in {line}");
        }
        // Quotes and separators inside a name stay inside its cell.
        let csv = assets_csv(&[row("a\",\"b\r\nc", None)]);
        assert!(csv.contains("\"a\"\",\"\"b\r\nc\""), "{csv}");
    }
}
