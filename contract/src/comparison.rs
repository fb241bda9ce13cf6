//! The same contract read under each version of the terms: what the sales
//! conversation "what changed on 2025-07-31?" needs.
//!
//! Table 1 fees are identical in both versions, so what differs for a given
//! contract is whether its ancillary services can exist at all (Art. 5(3),
//! 6-2: only under the revised terms) and how Art. 27-2 caps liability.
//! [`quote()`] itself always follows the version in force on each date; this
//! module is only the comparison view.

use serde::{Deserialize, Serialize};

use crate::cancellation::resolve;
use crate::error::ContractError;
use crate::liability::{LiabilityCap, liability_cap_under};
use crate::quote::{ContractDescription, Quote, Totals, quote};
use crate::tariff::Tariff;
use crate::terms::TermsVersion;

/// One version of the terms applied to the whole contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsView {
    /// The version applied.
    pub version: TermsVersion,
    /// Totals over the horizon under that version.
    pub totals: Totals,
    /// Ancillary subscriptions left out because the version has none.
    pub ancillaries_dropped: usize,
    /// The Art. 27-2 cap of the damage scenario as this version words it, or
    /// why this version cannot cap it (an ancillary cause under the original
    /// terms). `None` without a damage scenario.
    pub liability: Option<Result<LiabilityCap, ContractError>>,
}

/// The contract under every version of the terms, oldest first. Fails only
/// when the description itself is invalid (the same errors as [`quote()`]).
pub fn compare_terms(
    desc: &ContractDescription,
    tariff: &Tariff,
) -> Result<Vec<TermsView>, ContractError> {
    compare_terms_given(desc, &quote(desc, tariff)?, tariff)
}

/// [`compare_terms`] for a description already quoted (`as_in_force` is
/// `quote(desc, tariff)`), so the simulator does not compute it twice.
pub fn compare_terms_given(
    desc: &ContractDescription,
    as_in_force: &Quote,
    tariff: &Tariff,
) -> Result<Vec<TermsView>, ContractError> {
    TermsVersion::ALL
        .into_iter()
        .map(|version| {
            let (totals, ancillaries_dropped, view_desc) =
                if version.has_ancillary_services() || desc.ancillaries.is_empty() {
                    (as_in_force.totals.clone(), 0, None)
                } else {
                    let mut without = desc.clone();
                    without.ancillaries.clear();
                    // The cap is computed below under `version`; leave it out of
                    // the quote, whose own cap follows the damage date.
                    without.damage = None;
                    let totals = quote(&without, tariff)?.totals;
                    (totals, desc.ancillaries.len(), Some(without))
                };
            let liability = match &desc.damage {
                None => None,
                Some(damage) => {
                    let view_desc = view_desc.as_ref().unwrap_or(desc);
                    let resolved = resolve(view_desc, tariff)?;
                    Some(liability_cap_under(version, &resolved, damage, tariff))
                }
            };
            Ok(TermsView {
                version,
                totals,
                ancillaries_dropped,
                liability,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::description::{DamageCause, DamageScenario};
    use crate::money::Yen;
    use crate::quote::{AncillarySubscription, Horizon, SensorContract};
    use crate::tariff::SensorType;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn contract(damage: Option<DamageScenario>) -> ContractDescription {
        ContractDescription {
            quote_date: d(2025, 8, 1),
            sensors: vec![SensorContract {
                id: "a".into(),
                sensor_type: SensorType::N,
                opening: d(2025, 8, 15),
                cancellation: None,
            }],
            ancillaries: vec![AncillarySubscription {
                item_id: "example-operation-support".into(),
                start: d(2025, 9, 1),
                cancellation: None,
                operator_fault: false,
            }],
            contract_cancellation: None,
            horizon: Horizon::Months(12),
            damage,
        }
    }

    #[test]
    fn original_terms_drop_ancillaries_and_revised_keep_the_quote() {
        let desc = contract(None);
        let tariff = Tariff::standard();
        let views = compare_terms(&desc, &tariff).expect("valid");
        let real = quote(&desc, &tariff).expect("valid");
        assert_eq!(views.len(), 2);
        assert_eq!(views[0].version, TermsVersion::Original);
        assert_eq!(views[0].ancillaries_dropped, 1);
        // 11 full charge months of the operation support item (Sep–Jul), 30,000 each.
        assert_eq!(
            real.totals.subtotal - views[0].totals.subtotal,
            Yen(30_000 * 11)
        );
        assert_eq!(views[1].version, TermsVersion::Revised2025);
        assert_eq!(views[1].totals, real.totals);
        assert!(views[1].liability.is_none());
    }

    #[test]
    fn liability_is_capped_as_each_version_words_it() {
        // Damage on 2025-08-20, the first (prorated) month: the revised terms
        // cap at the amount billed for August, the original at a full month.
        let desc = contract(Some(DamageScenario {
            date: d(2025, 8, 20),
            cause: DamageCause::Basic,
            damage_months: 1,
        }));
        let views = compare_terms(&desc, &Tariff::standard()).expect("valid");
        let cap = |i: usize| {
            views[i]
                .liability
                .clone()
                .expect("scenario given")
                .expect("capped")
        };
        assert_eq!(cap(0).amount, Yen(90_000));
        assert_eq!(cap(0).terms, TermsVersion::Original);
        // 90,000 × 17 / 31 = 49,354.83 → 49,354
        assert_eq!(cap(1).amount, Yen(49_354));
        assert_eq!(cap(1).terms, TermsVersion::Revised2025);
    }

    #[test]
    fn an_ancillary_cause_has_no_cap_under_the_original_terms() {
        let desc = contract(Some(DamageScenario {
            date: d(2025, 10, 1),
            cause: DamageCause::Ancillary {
                item_id: "example-operation-support".into(),
            },
            damage_months: 2,
        }));
        let views = compare_terms(&desc, &Tariff::standard()).expect("valid");
        assert!(matches!(
            views[0].liability,
            Some(Err(ContractError::BadDamageScenario { .. }))
        ));
        // 30,000 × 12 ÷ 12 months × 2 = 60,000
        let revised = views[1].liability.clone().expect("given").expect("capped");
        assert_eq!(revised.amount, Yen(60_000));
    }

    #[test]
    fn comparing_a_quote_already_computed_gives_the_same_views() {
        let desc = contract(Some(DamageScenario {
            date: d(2025, 8, 20),
            cause: DamageCause::Basic,
            damage_months: 1,
        }));
        let tariff = Tariff::standard();
        let q = quote(&desc, &tariff).expect("valid");
        assert_eq!(
            compare_terms_given(&desc, &q, &tariff),
            compare_terms(&desc, &tariff)
        );
    }

    #[test]
    fn an_invalid_description_is_refused_like_a_quote() {
        let mut desc = contract(None);
        desc.sensors.clear();
        assert_eq!(
            compare_terms(&desc, &Tariff::standard()).err(),
            quote(&desc, &Tariff::standard()).err()
        );
    }
}
