//! Cancellation: the Art. 13-2 cascade and the refusals.
//!
//! Cancelling the basic service (the whole contract) cancels every ancillary
//! service on the same date and triggers Art. 6-2 for each (Art. 13-2, 19);
//! the same holds when the operator cancels (Art. 14). The basic service
//! cannot be cancelled while an ancillary service is kept, and ancillary
//! services cannot start before the revised terms exist.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ancillary::service_end;
use crate::derivation::Article;
use crate::description::ContractDescription;
use crate::error::ContractError;
use crate::tariff::{AncillaryItem, SensorType, Tariff};
use crate::terms::TermsVersion;
use crate::text::Text;

/// A sensor contract with its effective dates after the cascade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedSensor {
    /// Sensor contract id (shared by the sensor's invoice lines).
    pub id: Text,
    /// Hardware type.
    pub sensor_type: SensorType,
    /// Opening date.
    pub opening: NaiveDate,
    /// Last day billed, if cancelled.
    pub end: Option<NaiveDate>,
}

/// An ancillary subscription with its effective dates after the cascade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedAncillary {
    /// Index in the description.
    pub index: usize,
    /// The catalogue item.
    pub item: AncillaryItem,
    /// Start date.
    pub start: NaiveDate,
    /// Cancellation date (own or cascaded).
    pub cancellation: Option<NaiveDate>,
    /// Last day in use (cancellation, or natural end of a non-renewing item).
    pub end: Option<NaiveDate>,
    /// Which article the cancellation falls under.
    pub cause: Article,
    /// Operator fault on the cancellation.
    pub operator_fault: bool,
}

/// The contract with every cancellation resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedContract {
    /// Sensor contracts.
    pub sensors: Vec<ResolvedSensor>,
    /// Ancillary subscriptions.
    pub ancillaries: Vec<ResolvedAncillary>,
    /// Last day of the basic service, if every sensor contract ends.
    pub basic_end: Option<NaiveDate>,
}

/// The stretches of time in which at least one sensor contract is in use
/// (the basic service runs), merged and in date order; `None` end = open.
fn basic_spans(sensors: &[ResolvedSensor]) -> Vec<(NaiveDate, Option<NaiveDate>)> {
    let mut v: Vec<(NaiveDate, Option<NaiveDate>)> =
        sensors.iter().map(|s| (s.opening, s.end)).collect();
    v.sort_by_key(|x| x.0);
    let mut out: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::with_capacity(v.len());
    for (from, to) in v {
        match out.last_mut() {
            // Adjacent or overlapping: one stretch (a sensor opening the day
            // after another ends leaves no gap).
            Some(last)
                if last
                    .1
                    .is_none_or(|e| e.succ_opt().is_none_or(|n| from <= n)) =>
            {
                last.1 = match (last.1, to) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => out.push((from, to)),
        }
    }
    out
}

/// Apply the cascade and refuse what the terms do not allow. Field-level
/// validation (ranges, unknown items) has already run.
pub fn resolve(
    desc: &ContractDescription,
    tariff: &Tariff,
) -> Result<ResolvedContract, ContractError> {
    let cc = desc.contract_cancellation.as_ref();
    let mut sensors = Vec::with_capacity(desc.sensors.len());
    for (i, s) in desc.sensors.iter().enumerate() {
        let end = match (s.cancellation, cc) {
            (Some(own), Some(c)) => Some(own.min(c.date)),
            (own, c) => own.or(c.map(|c| c.date)),
        };
        if let Some(c) = cc
            && s.opening > c.date
        {
            return Err(ContractError::DatesReversed {
                field: "contract_cancellation.date".to_string(),
                date: c.date,
                other_field: format!("sensors[{i}].opening"),
                other: s.opening,
            });
        }
        sensors.push(ResolvedSensor {
            id: Text::from(s.id.as_str()),
            sensor_type: s.sensor_type,
            opening: s.opening,
            end,
        });
    }
    // The basic service ends only when every sensor contract has ended.
    let basic_end = if sensors.iter().all(|s| s.end.is_some()) {
        sensors.iter().filter_map(|s| s.end).max()
    } else {
        None
    };
    let spans = basic_spans(&sensors);

    let mut ancillaries = Vec::with_capacity(desc.ancillaries.len());
    for (i, a) in desc.ancillaries.iter().enumerate() {
        let field = format!("ancillaries[{i}]");
        let item = tariff
            .item(&a.item_id)
            .ok_or_else(|| ContractError::UnknownCatalogueItem {
                field: format!("{field}.item_id"),
                item_id: a.item_id.clone(),
                catalogue_version: tariff.catalogue_version.clone(),
            })?;
        // Ancillary services exist only under the revised terms (Art. 5(3)).
        for (name, date) in [("start", Some(a.start)), ("cancellation", a.cancellation)] {
            if let Some(date) = date
                && !TermsVersion::in_force_on(date).has_ancillary_services()
            {
                return Err(ContractError::AncillaryBeforeRevisedTerms {
                    field: format!("{field}.{name}"),
                    date,
                });
            }
        }
        // Sold only together with the basic service: it must start while the
        // basic service runs (or before its first opening, e.g. installation
        // support bought ahead of the opening date).
        let anchor = spans.first().map_or(a.start, |f| a.start.max(f.0));
        let Some(&(_, span_end)) = spans
            .iter()
            .find(|(from, to)| *from <= anchor && to.is_none_or(|t| anchor <= t))
        else {
            return Err(ContractError::AncillaryWithoutBasic {
                field: format!("{field}.start"),
                date: a.start,
            });
        };
        let (cancellation, cause, operator_fault) = match (a.cancellation, cc) {
            (Some(own), Some(c)) if own > c.date => {
                // Keeping the ancillary past the contract's end is exactly what
                // Art. 13-2 forbids.
                return Err(ContractError::BasicCancelledWhileKeepingAncillary {
                    field: format!("{field}.cancellation"),
                    basic_end: c.date,
                });
            }
            (Some(own), Some(c)) if own == c.date => {
                (Some(own), c.article(), c.operator_fault || a.operator_fault)
            }
            (Some(own), _) => (Some(own), Article::Art6_2, a.operator_fault),
            (None, Some(c)) => (Some(c.date), c.article(), c.operator_fault),
            (None, None) => (None, Article::Art6_2, false),
        };
        let end = service_end(item, a.start, cancellation);
        // It must also end no later than that stretch of basic service.
        if let Some(b) = span_end
            && end.is_none_or(|e| e > b)
        {
            return Err(ContractError::BasicCancelledWhileKeepingAncillary {
                field: format!("{field}.cancellation"),
                basic_end: b,
            });
        }
        ancillaries.push(ResolvedAncillary {
            index: i,
            item: item.clone(),
            start: a.start,
            cancellation,
            end,
            cause,
            operator_fault,
        });
    }
    Ok(ResolvedContract {
        sensors,
        ancillaries,
        basic_end,
    })
}
