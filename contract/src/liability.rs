//! The liability cap of Art. 27-2, by the version of the terms in force on the
//! damage date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::cancellation::ResolvedContract;
use crate::derivation::{Article, Derivation};
use crate::description::{DamageCause, DamageScenario};
use crate::error::ContractError;
use crate::money::{Fraction, Yen};
use crate::proration::{ChargeMonth, prorate};
use crate::tariff::{BasicLiabilityReading, FeeModel, Tariff};
use crate::terms::TermsVersion;

/// The cap and how it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiabilityCap {
    /// Version of the terms in force on the damage date.
    pub terms: TermsVersion,
    /// The cap (tax-excluded).
    pub amount: Yen,
    /// Sensor contracts counted (in use on the damage date).
    pub sensors_in_use: Vec<String>,
    /// How it was computed.
    pub derivation: Derivation,
}

fn in_use(start: NaiveDate, end: Option<NaiveDate>, date: NaiveDate) -> bool {
    start <= date && end.is_none_or(|e| date <= e)
}

/// The Art. 27-2 cap for `damage` under the contract as resolved, by the
/// version of the terms in force on the damage date.
pub fn liability_cap(
    contract: &ResolvedContract,
    damage: &DamageScenario,
    tariff: &Tariff,
) -> Result<LiabilityCap, ContractError> {
    liability_cap_under(
        TermsVersion::in_force_on(damage.date),
        contract,
        damage,
        tariff,
    )
}

/// The Art. 27-2 cap as `version` words it, whatever the damage date: the
/// "what if the other version applied" view of the simulator.
pub fn liability_cap_under(
    version: TermsVersion,
    contract: &ResolvedContract,
    damage: &DamageScenario,
    tariff: &Tariff,
) -> Result<LiabilityCap, ContractError> {
    let fee = tariff.basic_fee_monthly;
    let sensors: Vec<_> = contract
        .sensors
        .iter()
        .filter(|s| in_use(s.opening, s.end, damage.date))
        .collect();
    let ids: Vec<String> = sensors.iter().map(|s| s.id.to_string()).collect();
    let count = sensors.len() as i64;
    let month = ChargeMonth::of(damage.date);

    let (amount, formula, note_ja, note_en) = match (version, &damage.cause) {
        (TermsVersion::Original, DamageCause::Basic) => {
            let amount = fee.times(count);
            (
                amount,
                format!("{fee} × {count} sensor contracts in use = {amount}"),
                "旧規約：全く利用できない状態が生じた時点で利用している部分の月額基本サービス料の合計額が上限。".to_string(),
                "Original terms: the total of the monthly basic fees of the sensor contracts in use when the service became wholly unusable.".to_string(),
            )
        }
        (TermsVersion::Original, DamageCause::Ancillary { .. }) => {
            return Err(ContractError::BadDamageScenario {
                field: "damage.cause".to_string(),
                reason:
                    "ancillary services do not exist under the original terms (until 2025-07-30)"
                        .to_string(),
            });
        }
        (TermsVersion::Revised2025, DamageCause::Basic) => match tariff.basic_liability_reading {
            BasicLiabilityReading::AmountBilledForMonth => {
                let parts: Vec<Yen> = sensors
                    .iter()
                    .filter_map(|s| {
                        prorate(fee, month, s.opening, s.end, tariff.line_rounding, version)
                            .map(|p| p.amount)
                    })
                    .collect();
                let amount: Yen = parts.iter().copied().sum();
                let shown: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
                let sum = if shown.is_empty() {
                    "0".to_string()
                } else {
                    shown.join(" + ")
                };
                (
                    amount,
                    format!("{sum} = {amount} (billed for {})", month.label()),
                    format!(
                        "改定規約：損害が発生した月（{}）の基本サービス料（その時点で利用しているセンサー契約分、日割り月は日割り額）が上限。",
                        month.label()
                    ),
                    format!(
                        "Revised terms: the basic service fee of the month of the damage ({}), for the sensor contracts in use at that moment; a prorated month caps at the amount billed.",
                        month.label()
                    ),
                )
            }
            BasicLiabilityReading::FullMonthlyFee => {
                let amount = fee.times(count);
                (
                    amount,
                    format!("{fee} × {count} sensor contracts in use = {amount}"),
                    "改定規約：損害が発生した月の基本サービス料（月額、利用中のセンサー契約分）が上限。".to_string(),
                    "Revised terms: the monthly basic service fee of the sensor contracts in use in the month of the damage.".to_string(),
                )
            }
        },
        (TermsVersion::Revised2025, DamageCause::Ancillary { item_id }) => {
            let sub = contract
                .ancillaries
                .iter()
                .find(|a| &a.item.id == item_id && in_use(a.start, a.end, damage.date))
                .ok_or_else(|| ContractError::BadDamageScenario {
                    field: "damage.cause.item_id".to_string(),
                    reason: format!(
                        "no subscription of \"{item_id}\" is in use on {}",
                        damage.date
                    ),
                })?;
            let item = &sub.item;
            let months = damage.damage_months as i64;
            // The fee of one whole contract period, divided by its months.
            let (period_fee, n) = match item.fee_model {
                FeeModel::Monthly { .. } => {
                    let n = item.contract_period_months.unwrap_or(1).max(1) as i64;
                    (item.fee.times(n), n)
                }
                FeeModel::Prepaid => (
                    item.fee,
                    item.contract_period_months.unwrap_or(1).max(1) as i64,
                ),
                // No contract period: the one-time fee counts as one month.
                FeeModel::OneTime => (item.fee, 1),
            };
            let unrounded = Fraction::ratio_of(period_fee, months, n);
            let amount = unrounded.round(tariff.line_rounding);
            (
                amount,
                format!(
                    "{period_fee} ÷ {n} months × {months} = {}{}",
                    unrounded.display_2dp(),
                    if unrounded.is_integer() {
                        String::new()
                    } else {
                        format!(" → {amount} ({})", tariff.line_rounding.label_en())
                    }
                ),
                "改定規約：附帯サービス料を契約期間の月数で除し、損害が発生した月数を乗じた額が上限。".to_string(),
                "Revised terms: the ancillary fee divided by the months of its contract period, times the months in which damage occurred.".to_string(),
            )
        }
    };
    Ok(LiabilityCap {
        terms: version,
        amount,
        sensors_in_use: ids,
        derivation: Derivation::new(formula, Article::Art27_2, note_ja, note_en),
    })
}
