//! The reference workload: the description benchmarked natively by
//! `benches/quote.rs`, in Chromium by the simulator's WASM bench, and pinned by
//! `tests/bench_quote_pinned.rs` (one definition, so they can never drift
//! apart): 60 months, 100 sensor contracts of which 20 are changes (10 added,
//! 10 removed mid-term), 3 ancillary items.

use chrono::{Duration, NaiveDate};

use crate::quote::{AncillarySubscription, ContractDescription, Horizon, SensorContract};
use crate::tariff::SensorType;

/// The benchmarked contract.
pub fn benchmark_description() -> ContractDescription {
    let start = NaiveDate::from_ymd_opt(2025, 8, 18).expect("valid date");
    let sensors = (0..100)
        .map(|i| {
            let sensor_type = if i % 2 == 0 {
                SensorType::N
            } else {
                SensorType::D
            };
            let (opening, cancellation) = match i {
                // 10 additions spread over the term.
                80..=89 => (start + Duration::days(37 * (i as i64 - 79)), None),
                // 10 removals.
                90..=99 => (start, Some(start + Duration::days(53 * (i as i64 - 89)))),
                _ => (start, None),
            };
            SensorContract {
                id: format!("sensor-{i:03}"),
                sensor_type,
                opening,
                cancellation,
            }
        })
        .collect();
    let ancillaries = [
        "example-installation-support",
        "example-operation-support",
        "example-assessment-report",
    ]
    .into_iter()
    .map(|id| AncillarySubscription {
        item_id: id.to_string(),
        start,
        cancellation: None,
        operator_fault: false,
    })
    .collect();
    ContractDescription {
        quote_date: start,
        sensors,
        ancillaries,
        contract_cancellation: None,
        horizon: Horizon::Months(60),
        damage: None,
    }
}
