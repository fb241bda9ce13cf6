//! The tariff as data: fees, tax, rounding, closing days, the ancillary
//! catalogue, and the business readings the terms leave open.
//!
//! Everything an operator may change lives here, so a new price list is a new
//! value, not new code.

use serde::{Deserialize, Serialize};

use crate::error::ContractError;
use crate::money::{RoundingMode, Yen};

/// The OsecT sensor hardware of a sensor contract (tariff table 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SensorType {
    /// Type N: NEC Platforms hardware.
    N,
    /// Type D: Dell hardware.
    D,
}

impl SensorType {
    /// Parse `"N"` / `"D"` (case-insensitive), naming the field on failure.
    pub fn parse(value: &str, field: &str) -> Result<SensorType, ContractError> {
        match value.trim() {
            "N" | "n" => Ok(SensorType::N),
            "D" | "d" => Ok(SensorType::D),
            other => Err(ContractError::UnknownSensorType {
                field: field.to_string(),
                value: other.to_string(),
            }),
        }
    }

    /// Short label, e.g. `Type N`.
    pub fn label(self) -> &'static str {
        match self {
            SensorType::N => "Type N",
            SensorType::D => "Type D",
        }
    }
}

/// Initial fee per sensor contract, by sensor type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitialFees {
    /// Type N (NEC Platforms), tax-excluded.
    pub type_n: Yen,
    /// Type D (Dell), tax-excluded.
    pub type_d: Yen,
}

impl InitialFees {
    /// The fee for a sensor type.
    pub fn for_type(&self, t: SensorType) -> Yen {
        match t {
            SensorType::N => self.type_n,
            SensorType::D => self.type_d,
        }
    }
}

/// A day of the year without the year, for recurring closing days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MonthDay {
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
}

/// A recurring closing period, inclusive; may wrap the year end
/// (December 29 → January 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClosingPeriod {
    /// First closing day.
    pub from: MonthDay,
    /// Last closing day.
    pub to: MonthDay,
}

impl ClosingPeriod {
    /// Whether `(month, day)` falls in the period.
    pub fn contains(&self, month: u32, day: u32) -> bool {
        let md = MonthDay { month, day };
        if self.from <= self.to {
            self.from <= md && md <= self.to
        } else {
            md >= self.from || md <= self.to
        }
    }
}

/// How a catalogue item is billed (contract-terms.md, billing rule 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FeeModel {
    /// Billed once, in the charge month of the start date.
    OneTime,
    /// Billed every charge month in which the service is in use: the full
    /// fee, or by days when `prorated`.
    Monthly {
        /// Prorate the first and last month by days like the basic fee.
        prorated: bool,
    },
    /// The fee for the whole contract period, billed in the charge month the
    /// period starts.
    Prepaid,
}

/// One item of the ancillary catalogue ("defined separately").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AncillaryItem {
    /// Stable id referenced by subscriptions.
    pub id: String,
    /// Japanese name.
    pub name_ja: String,
    /// English name.
    pub name_en: String,
    /// True for the illustrative items shipped with the product; the UI must
    /// label them as examples, not real prices.
    pub example: bool,
    /// Tax-excluded fee: per occurrence (one-time), per month (monthly) or
    /// for the whole period (prepaid).
    pub fee: Yen,
    /// How the fee is billed.
    pub fee_model: FeeModel,
    /// Contract period in months (Art. 6-2); `None` for items without one
    /// (one-time items).
    pub contract_period_months: Option<u32>,
    /// Whether a new period starts automatically when one ends. Without
    /// renewal the service ends on the period end date.
    pub auto_renew: bool,
}

/// How to read Art. 6-2 ("the fee for the period from the cancellation date to
/// the period end date"). Only the documented default exists so far; a new
/// reading is a new variant, matched exhaustively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EarlyTerminationReading {
    /// The cancellation month is billed as usual; the lump sum is the fees of
    /// the remaining charge months after it through the period end month.
    RemainingChargeMonthsAfterCancellationMonth,
}

/// How to read "the basic service fee of the month in which the damage
/// occurred" (Art. 27-2(1), revised terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BasicLiabilityReading {
    /// The amount billed for that month (a prorated month caps at the
    /// prorated amount). The default.
    AmountBilledForMonth,
    /// The full monthly fee of each sensor contract in use.
    FullMonthlyFee,
}

/// How much of a prepaid fee comes back when a cancellation is the operator's
/// fault (Art. 6-2 says only that it is otherwise never refunded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PrepaidRefundReading {
    /// fee ÷ period months × charge months remaining after the cancellation
    /// month.
    UnusedChargeMonths,
}

/// The complete tariff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tariff {
    /// Version label of this tariff and its catalogue; recorded in each quote.
    pub catalogue_version: String,
    /// Initial fee per sensor contract (table 1).
    pub initial_fees: InitialFees,
    /// Basic service fee per sensor contract per month (table 1).
    pub basic_fee_monthly: Yen,
    /// Consumption tax rate in percent (10 = 10%).
    pub tax_rate_percent: u32,
    /// Rounding of each prorated invoice line.
    pub line_rounding: RoundingMode,
    /// Rounding of the consumption tax of an invoice.
    pub tax_rounding: RoundingMode,
    /// Operator closing days (not business days).
    pub closing_periods: Vec<ClosingPeriod>,
    /// Business days the sensor must be installed before the opening date
    /// (Art. 31(16)).
    pub installation_lead_business_days: u32,
    /// The ancillary catalogue.
    pub ancillary_catalogue: Vec<AncillaryItem>,
    /// Reading of Art. 6-2.
    pub early_termination_reading: EarlyTerminationReading,
    /// Reading of Art. 27-2(1).
    pub basic_liability_reading: BasicLiabilityReading,
    /// Reading of the prepaid refund on operator fault.
    pub prepaid_refund_reading: PrepaidRefundReading,
}

impl Tariff {
    /// The published tariff (identical in both versions of the terms) with the
    /// example ancillary catalogue.
    pub fn standard() -> Tariff {
        Tariff {
            catalogue_version: "2025-07-31-example-1".to_string(),
            initial_fees: InitialFees {
                type_n: Yen(350_000),
                type_d: Yen(250_000),
            },
            basic_fee_monthly: Yen(90_000),
            tax_rate_percent: 10,
            line_rounding: RoundingMode::Down,
            tax_rounding: RoundingMode::Down,
            closing_periods: vec![ClosingPeriod {
                from: MonthDay { month: 12, day: 29 },
                to: MonthDay { month: 1, day: 3 },
            }],
            installation_lead_business_days: 4,
            ancillary_catalogue: vec![
                AncillaryItem {
                    id: "example-installation-support".to_string(),
                    name_ja: "【例】導入支援（一括）".to_string(),
                    name_en: "[EXAMPLE] Installation support (one-time)".to_string(),
                    example: true,
                    fee: Yen(200_000),
                    fee_model: FeeModel::OneTime,
                    contract_period_months: None,
                    auto_renew: false,
                },
                AncillaryItem {
                    id: "example-operation-support".to_string(),
                    name_ja: "【例】運用支援（月額・契約期間12か月）".to_string(),
                    name_en: "[EXAMPLE] Operation support (monthly, 12-month period)".to_string(),
                    example: true,
                    fee: Yen(30_000),
                    fee_model: FeeModel::Monthly { prorated: false },
                    contract_period_months: Some(12),
                    auto_renew: true,
                },
                AncillaryItem {
                    id: "example-assessment-report".to_string(),
                    name_ja: "【例】アセスメントレポート（12か月一括前払い）".to_string(),
                    name_en: "[EXAMPLE] Assessment report (12 months, prepaid)".to_string(),
                    example: true,
                    fee: Yen(600_000),
                    fee_model: FeeModel::Prepaid,
                    contract_period_months: Some(12),
                    auto_renew: true,
                },
            ],
            early_termination_reading:
                EarlyTerminationReading::RemainingChargeMonthsAfterCancellationMonth,
            basic_liability_reading: BasicLiabilityReading::AmountBilledForMonth,
            prepaid_refund_reading: PrepaidRefundReading::UnusedChargeMonths,
        }
    }

    /// Look up a catalogue item.
    pub fn item(&self, id: &str) -> Option<&AncillaryItem> {
        self.ancillary_catalogue.iter().find(|i| i.id == id)
    }

    /// Whether the date is an operator closing day.
    pub fn is_closing_day(&self, month: u32, day: u32) -> bool {
        self.closing_periods.iter().any(|p| p.contains(month, day))
    }

    /// Check the tariff itself, so a hand-edited tariff cannot make the engine
    /// misbehave.
    pub fn validate(&self) -> Result<(), ContractError> {
        let bad = |field: &str, reason: &str| ContractError::BadTariff {
            field: field.to_string(),
            reason: reason.to_string(),
        };
        const MAX_FEE: i64 = 1_000_000_000_000;
        let fee_ok = |y: Yen| (0..=MAX_FEE).contains(&y.0);
        if !fee_ok(self.initial_fees.type_n) || !fee_ok(self.initial_fees.type_d) {
            return Err(bad("initial_fees", "must be between 0 and 10^12 yen"));
        }
        if !fee_ok(self.basic_fee_monthly) {
            return Err(bad("basic_fee_monthly", "must be between 0 and 10^12 yen"));
        }
        if self.tax_rate_percent > 100 {
            return Err(bad("tax_rate_percent", "must be between 0 and 100"));
        }
        if self.installation_lead_business_days > 60 {
            return Err(bad("installation_lead_business_days", "must be at most 60"));
        }
        for (i, p) in self.closing_periods.iter().enumerate() {
            for md in [p.from, p.to] {
                if !(1..=12).contains(&md.month) || !(1..=31).contains(&md.day) {
                    return Err(bad(
                        &format!("closing_periods[{i}]"),
                        "month must be 1–12 and day 1–31",
                    ));
                }
            }
        }
        for (i, item) in self.ancillary_catalogue.iter().enumerate() {
            let field = format!("ancillary_catalogue[{i}]");
            if item.id.trim().is_empty() {
                return Err(bad(&field, "id must not be empty"));
            }
            if self.ancillary_catalogue[..i]
                .iter()
                .any(|o| o.id == item.id)
            {
                return Err(bad(&field, "id is repeated"));
            }
            if !fee_ok(item.fee) {
                return Err(bad(&field, "fee must be between 0 and 10^12 yen"));
            }
            match (item.fee_model, item.contract_period_months) {
                (FeeModel::OneTime, _) => {}
                (FeeModel::Monthly { .. } | FeeModel::Prepaid, Some(1..=120)) => {}
                (FeeModel::Monthly { .. }, None) if !item.auto_renew => {}
                _ => {
                    return Err(bad(
                        &field,
                        "contract_period_months must be 1–120 (prepaid and renewing items need one)",
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_tariff_matches_table_1() {
        let t = Tariff::standard();
        assert_eq!(t.initial_fees.for_type(SensorType::N), Yen(350_000));
        assert_eq!(t.initial_fees.for_type(SensorType::D), Yen(250_000));
        assert_eq!(t.basic_fee_monthly, Yen(90_000));
        assert_eq!(t.tax_rate_percent, 10);
        assert!(t.ancillary_catalogue.iter().all(|i| i.example));
        assert!(t.validate().is_ok());
    }

    #[test]
    fn the_closing_period_wraps_the_year_end() {
        let t = Tariff::standard();
        assert!(t.is_closing_day(12, 29));
        assert!(t.is_closing_day(12, 31));
        assert!(t.is_closing_day(1, 3));
        assert!(!t.is_closing_day(1, 4));
        assert!(!t.is_closing_day(12, 28));
    }

    #[test]
    fn an_unknown_sensor_type_names_the_field() {
        let e = SensorType::parse("X", "sensors[0].sensor_type").unwrap_err();
        assert_eq!(
            e.to_string(),
            "sensors[0].sensor_type: unknown sensor type \"X\" (expected N or D)"
        );
    }
}
