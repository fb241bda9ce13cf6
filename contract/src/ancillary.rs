//! Ancillary services (附帯サービス, revised terms only): fee models, contract
//! periods (Art. 6-2(1)) and the early-termination lump sum (Art. 6-2(2),
//! Art. 19 second paragraph).
//!
//! Contract periods: a full-month item's period starts on its start date and
//! ends on the last day of its N-th charge month (counting the start month),
//! so a 12-month item is billed 12 times per period. A prorated monthly item's
//! period is date-based: start + N months − 1 day.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::derivation::{Article, Derivation};
use crate::money::{Fraction, RoundingMode, Yen};
use crate::proration::{ChargeMonth, prorate};
use crate::tariff::{
    AncillaryItem, EarlyTerminationReading, FeeModel, PrepaidRefundReading, Tariff,
};
use crate::terms::TermsVersion;

/// One contract period of an ancillary subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// 0 for the first period, 1 after the first renewal, …
    pub index: u32,
    /// First day.
    pub start: NaiveDate,
    /// Last day (契約期間満了日).
    pub end: NaiveDate,
}

fn date_based(item: &AncillaryItem) -> bool {
    matches!(item.fee_model, FeeModel::Monthly { prorated: true })
}

/// The `index`-th period of a subscription starting on `start`, or `None` for
/// items without a contract period (or dates past the calendar).
pub fn period(item: &AncillaryItem, start: NaiveDate, index: u32) -> Option<Period> {
    let n = item.contract_period_months?;
    if matches!(item.fee_model, FeeModel::OneTime) || n == 0 {
        return None;
    }
    if date_based(item) {
        let s = start.checked_add_months(Months::new(index.checked_mul(n)?))?;
        let next = start.checked_add_months(Months::new(index.checked_add(1)?.checked_mul(n)?))?;
        Some(Period {
            index,
            start: s,
            end: next.pred_opt()?,
        })
    } else {
        let first = ChargeMonth::of(start);
        let s = if index == 0 {
            start
        } else {
            first.plus(index.checked_mul(n)?).first_day()
        };
        let end = first
            .plus(index.checked_add(1)?.checked_mul(n)? - 1)
            .last_day();
        Some(Period {
            index,
            start: s,
            end,
        })
    }
}

/// The period containing `date` (on or after `start`).
pub fn period_containing(
    item: &AncillaryItem,
    start: NaiveDate,
    date: NaiveDate,
) -> Option<Period> {
    if date < start {
        return None;
    }
    let n = item.contract_period_months? as i64;
    if n == 0 {
        return None;
    }
    let months = ChargeMonth::of(start).months_until(ChargeMonth::of(date));
    // The estimate is off by at most one period for date-based periods.
    let mut idx = (months / n).max(1) as u32 - 1;
    loop {
        let p = period(item, start, idx)?;
        if p.end >= date {
            return (p.start <= date).then_some(p);
        }
        idx += 1;
    }
}

/// Last day the service is in use: the cancellation date, or the end of the
/// first period for an item that does not renew.
pub fn service_end(
    item: &AncillaryItem,
    start: NaiveDate,
    cancellation: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let natural = if item.auto_renew {
        None
    } else {
        period(item, start, 0).map(|p| p.end)
    };
    match (cancellation, natural) {
        (Some(c), Some(n)) => Some(c.min(n)),
        (c, n) => c.or(n),
    }
}

/// One ancillary charge in a charge month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AncillaryCharge {
    /// Tax-excluded amount.
    pub amount: Yen,
    /// Days used and days of the month, for prorated items.
    pub days: Option<(u32, u32)>,
    /// True for a one-time fee (counted as initial, not recurring).
    pub one_time: bool,
    /// How it was computed.
    pub derivation: Derivation,
}

/// What an ancillary subscription is billed in `month`, by its fee model.
pub fn charge_for_month(
    item: &AncillaryItem,
    start: NaiveDate,
    end: Option<NaiveDate>,
    month: ChargeMonth,
    rounding: RoundingMode,
) -> Option<AncillaryCharge> {
    if month < ChargeMonth::of(start) || end.is_some_and(|e| month > ChargeMonth::of(e)) {
        return None;
    }
    let fee = item.fee;
    match item.fee_model {
        FeeModel::OneTime => (ChargeMonth::of(start) == month).then(|| AncillaryCharge {
            amount: fee,
            days: None,
            one_time: true,
            derivation: Derivation::new(
                format!("{fee} (one-time)"),
                Article::AncillaryCatalogue,
                "附帯サービス料（一括）。開始月に請求。",
                "Ancillary fee, one-time: billed in the month the service starts.",
            ),
        }),
        FeeModel::Monthly { prorated: false } => Some(AncillaryCharge {
            amount: fee,
            days: None,
            one_time: false,
            derivation: Derivation::new(
                format!("{fee} (full month)"),
                Article::AncillaryCatalogue,
                "附帯サービス料（月額）。利用のある料金月ごとに月額全額（日割りなし）。",
                "Ancillary fee, monthly: the full fee for every charge month in use (not prorated).",
            ),
        }),
        FeeModel::Monthly { prorated: true } => {
            let p = prorate(fee, month, start, end, rounding, TermsVersion::Revised2025)?;
            Some(AncillaryCharge {
                amount: p.amount,
                days: Some((p.days_used, p.days_in_month)),
                one_time: false,
                derivation: Derivation::new(
                    p.derivation.formula.clone(),
                    Article::AncillaryCatalogue,
                    "附帯サービス料（月額・日割りあり）。料金月の日数で日割り。",
                    "Ancillary fee, monthly, prorated by the days of the charge month.",
                ),
            })
        }
        FeeModel::Prepaid => {
            // Billed in the charge month in which a period starts, while in use.
            let months = ChargeMonth::of(start).months_until(month);
            let n = item.contract_period_months.unwrap_or(1).max(1) as i64;
            if months < 0 || months % n != 0 {
                return None;
            }
            let p = period(item, start, (months / n) as u32)?;
            if end.is_some_and(|e| p.start > e) {
                return None;
            }
            Some(AncillaryCharge {
                amount: fee,
                days: None,
                one_time: false,
                derivation: Derivation::new(
                    format!("{fee} (prepaid for {n} months, {} to {})", p.start, p.end),
                    Article::Art6_2,
                    "附帯サービス料を契約期間分一括前払い。当社の責による解約を除き返金なし。",
                    "Ancillary fee prepaid for the whole contract period; never refunded unless the cancellation is the operator's fault.",
                ),
            })
        }
    }
}

/// [`charge_for_month`] for a quote that walks the months of one
/// subscription: a monthly item that is not prorated is billed the same
/// charge (amount and derivation) in every month it is in use, so it is built
/// once into `memo` and cloned; other fee models are computed as usual.
pub(crate) fn charge_for_month_memo(
    item: &AncillaryItem,
    start: NaiveDate,
    end: Option<NaiveDate>,
    month: ChargeMonth,
    rounding: RoundingMode,
    memo: &mut Option<AncillaryCharge>,
) -> Option<AncillaryCharge> {
    if !matches!(item.fee_model, FeeModel::Monthly { prorated: false }) {
        return charge_for_month(item, start, end, month, rounding);
    }
    // The same months as `charge_for_month` bills.
    if month < ChargeMonth::of(start) || end.is_some_and(|e| month > ChargeMonth::of(e)) {
        return None;
    }
    if memo.is_none() {
        *memo = charge_for_month(item, start, end, month, rounding);
    }
    memo.clone()
}

/// The Art. 6-2 settlement of one ancillary subscription cancelled inside its
/// contract period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlyTermination {
    /// Catalogue item.
    pub item_id: String,
    /// Index of the subscription in the description.
    pub subscription: usize,
    /// Cancellation date.
    pub cancellation: NaiveDate,
    /// The period the cancellation falls in.
    pub period: Period,
    /// Charge months after the cancellation month through the period end month.
    pub remaining_months: u32,
    /// Lump sum owed (tax-excluded), billed with the cancellation month.
    pub lump_sum: Yen,
    /// Prepaid fee refunded (tax-excluded, positive number), only on operator fault.
    pub refund: Yen,
    /// The article the cancellation falls under (6-2, 13-2 or 14).
    pub cause: Article,
    /// How it was computed.
    pub derivation: Derivation,
}

/// Settle a cancellation on `cancellation` of a subscription that started on
/// `start`. `None` when the item has no contract period or the cancellation
/// falls on the period end date. A prepaid item without operator fault gets a
/// zero settlement, so the UI can say "nothing more owed, no refund".
pub fn early_termination(
    item: &AncillaryItem,
    subscription: usize,
    start: NaiveDate,
    cancellation: NaiveDate,
    operator_fault: bool,
    cause: Article,
    tariff: &Tariff,
) -> Option<EarlyTermination> {
    let p = period_containing(item, start, cancellation)?;
    if p.end <= cancellation {
        return None;
    }
    let cm = ChargeMonth::of(cancellation);
    let em = ChargeMonth::of(p.end);
    let remaining = cm.months_until(em).max(0) as u32;
    let fee = item.fee;
    let n = item.contract_period_months.unwrap_or(1).max(1);
    let cause_ja = cause.label_ja();
    let cause_en = cause.label_en();
    match tariff.early_termination_reading {
        EarlyTerminationReading::RemainingChargeMonthsAfterCancellationMonth => {}
    }
    let (lump_sum, refund, formula, note_ja, note_en) = match item.fee_model {
        FeeModel::OneTime => return None,
        FeeModel::Monthly { prorated } => {
            let mut sum = Yen::ZERO;
            let mut m = cm.next();
            while m <= em {
                let amount = if prorated {
                    prorate(
                        fee,
                        m,
                        p.start,
                        Some(p.end),
                        tariff.line_rounding,
                        TermsVersion::Revised2025,
                    )
                    .map(|x| x.amount)
                    .unwrap_or_default()
                } else {
                    fee
                };
                sum += amount;
                m = m.next();
            }
            let formula = if prorated {
                format!(
                    "Σ fees of {remaining} charge months {} … {} = {sum}",
                    cm.next().label(),
                    em.label()
                )
            } else {
                format!(
                    "{fee} × {remaining} months ({} … {}) = {sum}",
                    cm.next().label(),
                    em.label()
                )
            };
            (
                sum,
                Yen::ZERO,
                formula,
                format!(
                    "{cause_ja}による契約期間内の解約。解約月は通常どおり請求し、翌料金月から契約期間満了日（{}）の月までの附帯サービス料を一括で支払う（第6条の2第2項、第19条）。",
                    p.end
                ),
                format!(
                    "Cancelled inside the contract period ({cause_en}). The cancellation month is billed as usual; the fees of the remaining charge months through the period end date ({}) are due as one lump sum (Art. 6-2(2), Art. 19).",
                    p.end
                ),
            )
        }
        FeeModel::Prepaid => {
            if operator_fault {
                let refund = match tariff.prepaid_refund_reading {
                    PrepaidRefundReading::UnusedChargeMonths => {
                        Fraction::ratio_of(fee, remaining as i64, n as i64)
                            .round(tariff.line_rounding)
                    }
                };
                (
                    Yen::ZERO,
                    refund,
                    format!(
                        "refund {fee} × {remaining} / {n} = {} → {refund} ({})",
                        Fraction::ratio_of(fee, remaining as i64, n as i64).display_2dp(),
                        tariff.line_rounding.label_en()
                    ),
                    "当社の責に帰すべき事由による解約のため、前払い附帯サービス料のうち解約月の翌月以降の月数分を返金。".to_string(),
                    "Cancelled through the operator's fault: the prepaid fee of the charge months after the cancellation month is refunded.".to_string(),
                )
            } else {
                (
                    Yen::ZERO,
                    Yen::ZERO,
                    format!("prepaid {fee}: nothing more owed, no refund"),
                    "一括前払い済みのため追加の支払いなし。前払い料金は返金しない（第6条の2第2項）。".to_string(),
                    "Prepaid: nothing more is owed, and the prepaid fee is not refunded (Art. 6-2(2)).".to_string(),
                )
            }
        }
    };
    Some(EarlyTermination {
        item_id: item.id.clone(),
        subscription,
        cancellation,
        period: p,
        remaining_months: remaining,
        lump_sum,
        refund,
        cause,
        derivation: Derivation::new(formula, Article::Art6_2, note_ja, note_en),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn item(id: &str) -> AncillaryItem {
        Tariff::standard().item(id).unwrap().clone()
    }

    #[test]
    fn a_12_month_full_month_item_started_mid_august_runs_through_july() {
        // Start 2025-08-18: months 2025-08 … 2026-07 = 12 charge months.
        let p = period(&item("example-operation-support"), d(2025, 8, 18), 0).unwrap();
        assert_eq!((p.start, p.end), (d(2025, 8, 18), d(2026, 7, 31)));
        let p1 = period(&item("example-operation-support"), d(2025, 8, 18), 1).unwrap();
        assert_eq!((p1.start, p1.end), (d(2026, 8, 1), d(2027, 7, 31)));
    }

    #[test]
    fn a_prorated_item_has_a_date_based_period() {
        let mut it = item("example-operation-support");
        it.fee_model = FeeModel::Monthly { prorated: true };
        let p = period(&it, d(2025, 8, 18), 0).unwrap();
        assert_eq!(p.end, d(2026, 8, 17));
        assert_eq!(
            period_containing(&it, d(2025, 8, 18), d(2026, 8, 18))
                .unwrap()
                .index,
            1
        );
    }

    #[test]
    fn cancelling_monthly_operation_support_in_month_5_owes_the_7_remaining_months() {
        // Period 2025-08 … 2026-07; cancelled 2025-12-10: December billed as usual,
        // lump sum = 30,000 × 7 (2026-01 … 2026-07) = 210,000.
        let e = early_termination(
            &item("example-operation-support"),
            0,
            d(2025, 8, 18),
            d(2025, 12, 10),
            false,
            Article::Art6_2,
            &Tariff::standard(),
        )
        .unwrap();
        assert_eq!(e.remaining_months, 7);
        assert_eq!(e.lump_sum, Yen(210_000));
        assert_eq!(
            e.derivation.formula,
            "30,000 × 7 months (2026-01 … 2026-07) = 210,000"
        );
    }

    #[test]
    fn cancelling_on_the_period_end_date_owes_nothing() {
        assert!(
            early_termination(
                &item("example-operation-support"),
                0,
                d(2025, 8, 18),
                d(2026, 7, 31),
                false,
                Article::Art6_2,
                &Tariff::standard(),
            )
            .is_none()
        );
    }

    #[test]
    fn a_prepaid_item_is_never_refunded_without_operator_fault() {
        // 600,000 prepaid; cancelled 2025-12-10 → owed 0, refund 0.
        let e = early_termination(
            &item("example-assessment-report"),
            0,
            d(2025, 8, 18),
            d(2025, 12, 10),
            false,
            Article::Art6_2,
            &Tariff::standard(),
        )
        .unwrap();
        assert_eq!((e.lump_sum, e.refund), (Yen(0), Yen(0)));
    }

    #[test]
    fn a_prepaid_item_cancelled_by_operator_fault_refunds_the_unused_months() {
        // 600,000 × 7 / 12 = 350,000 refunded (2026-01 … 2026-07).
        let e = early_termination(
            &item("example-assessment-report"),
            0,
            d(2025, 8, 18),
            d(2025, 12, 10),
            true,
            Article::Art14,
            &Tariff::standard(),
        )
        .unwrap();
        assert_eq!(e.refund, Yen(350_000));
    }

    #[test]
    fn prepaid_is_billed_at_the_start_of_each_period() {
        let it = item("example-assessment-report");
        let s = d(2025, 8, 18);
        let r = RoundingMode::Down;
        let aug25 = ChargeMonth {
            year: 2025,
            month: 8,
        };
        assert_eq!(
            charge_for_month(&it, s, None, aug25, r).unwrap().amount,
            Yen(600_000)
        );
        assert!(charge_for_month(&it, s, None, aug25.plus(1), r).is_none());
        assert_eq!(
            charge_for_month(&it, s, None, aug25.plus(12), r)
                .unwrap()
                .amount,
            Yen(600_000)
        );
        // Cancelled before the renewal: the second period is not billed.
        assert!(charge_for_month(&it, s, Some(d(2026, 5, 1)), aug25.plus(12), r).is_none());
    }

    #[test]
    fn a_monthly_item_is_billed_the_full_fee_even_in_a_partial_month() {
        let c = charge_for_month(
            &item("example-operation-support"),
            d(2025, 8, 18),
            None,
            ChargeMonth {
                year: 2025,
                month: 8,
            },
            RoundingMode::Down,
        )
        .unwrap();
        assert_eq!(c.amount, Yen(30_000));
    }
}
