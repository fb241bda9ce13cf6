//! What a contract is, as the engine takes it in: sensor contracts,
//! ancillary subscriptions, a cancellation of the whole contract, the horizon
//! to quote and an optional damage event — and the limits on each.
//!
//! Kept apart from the computations so every rule module can read a
//! description without importing another rule module.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::derivation::Article;
use crate::tariff::SensorType;

/// Most sensor contracts one description may hold.
pub const MAX_SENSORS: usize = 1_000;
/// Most ancillary subscriptions one description may hold.
pub const MAX_ANCILLARIES: usize = 100;
/// Longest horizon in charge months (50 years).
pub const MAX_HORIZON_MONTHS: u32 = 600;
/// Longest damage period for an ancillary cap, in months.
pub const MAX_DAMAGE_MONTHS: u32 = 120;

const MIN_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
const MAX_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// First date accepted anywhere in a description.
pub fn min_date() -> NaiveDate {
    MIN_DATE
}

/// Last date accepted anywhere in a description.
pub fn max_date() -> NaiveDate {
    MAX_DATE
}

/// One sensor contract (one OsecT sensor). Adding or removing a sensor later
/// is another sensor contract with its own dates (Art. 7, tariff general
/// rules: the new amount applies from the day of the change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorContract {
    /// Identifier shown on invoice lines; unique within the description.
    pub id: String,
    /// Hardware type (decides the initial fee).
    pub sensor_type: SensorType,
    /// Opening date (開通日): billing starts this day.
    pub opening: NaiveDate,
    /// Cancellation date: the last day billed.
    #[serde(default)]
    pub cancellation: Option<NaiveDate>,
}

/// One ancillary service subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AncillarySubscription {
    /// Catalogue item id.
    pub item_id: String,
    /// Start date (on or after 2025-07-31).
    pub start: NaiveDate,
    /// Cancellation date of this subscription alone.
    #[serde(default)]
    pub cancellation: Option<NaiveDate>,
    /// Its cancellation is the operator's fault (prepaid refund).
    #[serde(default)]
    pub operator_fault: bool,
}

/// How far the quote looks ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Horizon {
    /// This many charge months from the first charge month.
    Months(u32),
    /// Through the charge month containing this date.
    Until(NaiveDate),
}

/// Everything a quote depends on besides the tariff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractDescription {
    /// Date of the quote; recorded with the terms version in force that day.
    pub quote_date: NaiveDate,
    /// Sensor contracts (the basic service); at least one.
    pub sensors: Vec<SensorContract>,
    /// Ancillary subscriptions.
    #[serde(default)]
    pub ancillaries: Vec<AncillarySubscription>,
    /// Cancellation of the whole contract (cascades to everything).
    #[serde(default)]
    pub contract_cancellation: Option<ContractCancellation>,
    /// Quote horizon.
    pub horizon: Horizon,
    /// Optional damage event for the liability cap.
    #[serde(default)]
    pub damage: Option<DamageScenario>,
}

/// Who ends the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CancelledBy {
    /// The contractor (Art. 13).
    Contractor,
    /// The operator (Art. 14).
    Operator,
}

/// A cancellation of the whole contract (basic service and everything with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractCancellation {
    /// The cancellation date (last day billed).
    pub date: NaiveDate,
    /// Who cancels.
    pub by: CancelledBy,
    /// The cancellation is the operator's fault (当社の責に帰すべき事由): the
    /// only case in which prepaid ancillary fees are refunded.
    #[serde(default)]
    pub operator_fault: bool,
}

impl ContractCancellation {
    /// The article the cascade falls under.
    pub fn article(&self) -> Article {
        match self.by {
            CancelledBy::Contractor => Article::Art13_2,
            CancelledBy::Operator => Article::Art14,
        }
    }
}

/// What caused the damage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DamageCause {
    /// The basic service (or, under the original terms, the service).
    Basic,
    /// An ancillary service (revised terms only).
    Ancillary {
        /// Catalogue item of the subscription in use.
        item_id: String,
    },
}

/// A damage event to cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DamageScenario {
    /// Day the service became wholly unusable.
    pub date: NaiveDate,
    /// Cause.
    pub cause: DamageCause,
    /// Number of months in which damage occurred (ancillary cap), 1 or more.
    #[serde(default = "one")]
    pub damage_months: u32,
}

fn one() -> u32 {
    1
}
