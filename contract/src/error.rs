//! The one error type of the contract engine.

use chrono::NaiveDate;
use thiserror::Error;

/// Why a quote (or a rule) could not be computed. Validation errors name the
/// field (a path such as `sensors[2].cancellation`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Error, serde::Serialize, serde::Deserialize)]
pub enum ContractError {
    /// The input could not be read at all (malformed JSON, unknown enum value
    /// such as an unknown sensor type).
    #[error("the contract description could not be read: {message}")]
    Malformed {
        /// Parser message, including the offending value.
        message: String,
    },
    /// A date lies outside what the engine supports (holiday rules, terms).
    #[error("{field}: {date} is outside the supported range {min} to {max}")]
    DateOutOfRange {
        /// Field path.
        field: String,
        /// The date given.
        date: NaiveDate,
        /// First supported date.
        min: NaiveDate,
        /// Last supported date.
        max: NaiveDate,
    },
    /// Two dates are in the wrong order.
    #[error("{field}: {date} is before {other_field} ({other})")]
    DatesReversed {
        /// Field path of the later-expected date.
        field: String,
        /// Its value.
        date: NaiveDate,
        /// Field path of the date it must not precede.
        other_field: String,
        /// Its value.
        other: NaiveDate,
    },
    /// A count is zero, negative or absurdly large.
    #[error("{field}: {value} is not allowed ({reason})")]
    BadCount {
        /// Field path.
        field: String,
        /// The value given.
        value: i64,
        /// What is allowed.
        reason: String,
    },
    /// An identifier is empty or repeated.
    #[error("{field}: {reason}")]
    BadIdentifier {
        /// Field path.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A catalogue item id that the tariff does not define.
    #[error(
        "{field}: unknown ancillary catalogue item \"{item_id}\" (catalogue {catalogue_version})"
    )]
    UnknownCatalogueItem {
        /// Field path.
        field: String,
        /// The id given.
        item_id: String,
        /// The catalogue searched.
        catalogue_version: String,
    },
    /// An unknown sensor type name (when parsed from text).
    #[error("{field}: unknown sensor type \"{value}\" (expected N or D)")]
    UnknownSensorType {
        /// Field path.
        field: String,
        /// The value given.
        value: String,
    },
    /// Ancillary services do not exist before the revised terms (2025-07-31).
    #[error(
        "{field}: ancillary services exist only from 2025-07-31 (revised terms); {date} is governed by the original terms"
    )]
    AncillaryBeforeRevisedTerms {
        /// Field path.
        field: String,
        /// The date given.
        date: NaiveDate,
    },
    /// Art. 13-2: the basic service cannot be cancelled while an ancillary
    /// service is kept.
    #[error(
        "{field}: the ancillary service would outlive the basic service (ends {basic_end}); the basic service cannot be cancelled while keeping ancillary services (Art. 13-2) — cancel the whole contract instead"
    )]
    BasicCancelledWhileKeepingAncillary {
        /// Field path of the ancillary subscription.
        field: String,
        /// Last day of the basic service.
        basic_end: NaiveDate,
    },
    /// Ancillary services are sold only together with the basic service.
    #[error(
        "{field}: an ancillary service needs the basic service: no sensor contract is open on {date}"
    )]
    AncillaryWithoutBasic {
        /// Field path.
        field: String,
        /// Start date of the ancillary service.
        date: NaiveDate,
    },
    /// A tariff value is unusable (zero days, negative fee, …).
    #[error("tariff {field}: {reason}")]
    BadTariff {
        /// Field of the tariff.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A damage scenario that the terms in force do not cover.
    #[error("{field}: {reason}")]
    BadDamageScenario {
        /// Field path.
        field: String,
        /// What is wrong.
        reason: String,
    },
}
