//! Daily proration (日割り) by the days of the charge month: Art. 19 and the
//! tariff general rules. Payment runs from the opening date through the
//! cancellation date, both included; opening and cancelling on the same day is
//! one day.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::derivation::{Article, Derivation};
use crate::money::{Fraction, RoundingMode, Yen};
use crate::terms::TermsVersion;

/// A charge month (料金月): a calendar month, 1st to last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ChargeMonth {
    /// Calendar year.
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl ChargeMonth {
    /// The charge month containing `date`.
    pub fn of(date: NaiveDate) -> ChargeMonth {
        ChargeMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// First day of the month. Months are only built from valid dates, so the
    /// fallback is unreachable in practice.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// Number of days: 28, 29, 30 or 31.
    pub fn days(self) -> u32 {
        match self.month {
            4 | 6 | 9 | 11 => 30,
            2 if is_leap_year(self.year) => 29,
            2 => 28,
            _ => 31,
        }
    }

    /// The following month.
    pub fn next(self) -> ChargeMonth {
        self.plus(1)
    }

    /// `n` months later.
    pub fn plus(self, n: u32) -> ChargeMonth {
        let idx = self.index() + n as i64;
        ChargeMonth::from_index(idx)
    }

    /// Months from `self` to `other` (negative when `other` is earlier).
    pub fn months_until(self, other: ChargeMonth) -> i64 {
        other.index() - self.index()
    }

    fn index(self) -> i64 {
        self.year as i64 * 12 + (self.month as i64 - 1)
    }

    fn from_index(idx: i64) -> ChargeMonth {
        ChargeMonth {
            year: idx.div_euclid(12) as i32,
            month: idx.rem_euclid(12) as u32 + 1,
        }
    }

    /// Whether `date` lies in this month.
    pub fn contains(self, date: NaiveDate) -> bool {
        ChargeMonth::of(date) == self
    }

    /// `YYYY-MM`.
    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

fn is_leap_year(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days of `month` on which a service running from `start` through `end`
/// (inclusive; `None` = not cancelled) is in use.
pub fn days_in_use(month: ChargeMonth, start: NaiveDate, end: Option<NaiveDate>) -> u32 {
    let from = start.max(month.first_day());
    let to = match end {
        Some(e) => e.min(month.last_day()),
        None => month.last_day(),
    };
    if to < from {
        0
    } else {
        // Inclusive of both ends: the same day counts as one day (Art. 19).
        ((to - from).num_days() + 1) as u32
    }
}

/// A fee prorated for one charge month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proration {
    /// Days in use in the month.
    pub days_used: u32,
    /// Days of the month (28–31).
    pub days_in_month: u32,
    /// The unrounded amount.
    pub unrounded: Fraction,
    /// After the tariff's rounding.
    pub amount: Yen,
    /// How it was computed.
    pub derivation: Derivation,
}

/// Prorate a monthly `fee` for `month`, or `None` when the service is not in
/// use that month. A whole month in use is the full fee.
pub fn prorate(
    fee: Yen,
    month: ChargeMonth,
    start: NaiveDate,
    end: Option<NaiveDate>,
    rounding: RoundingMode,
    version: TermsVersion,
) -> Option<Proration> {
    let used = days_in_use(month, start, end);
    if used == 0 {
        return None;
    }
    Some(prorate_days(fee, used, month.days(), rounding, version))
}

/// [`prorate()`] once the days are known: `used` days (≥ 1) of a `dim`-day
/// month. Everything in the result depends on these five values only, so a
/// quote computes it once per distinct (version, used, dim) and shares it.
pub(crate) fn prorate_days(
    fee: Yen,
    used: u32,
    dim: u32,
    rounding: RoundingMode,
    version: TermsVersion,
) -> Proration {
    let unrounded = Fraction::ratio_of(fee, used as i64, dim as i64);
    let amount = unrounded.round(rounding);
    let fee_ja = version.monthly_fee_name_ja();
    let fee_en = version.monthly_fee_name_en();
    let (formula, note_ja, note_en) = if used == dim {
        (
            format!("{fee} × {used} / {dim} = {amount} (full month)"),
            format!("料金月の全日利用のため{fee_ja}の月額全額。"),
            format!("In use every day of the charge month: the full monthly {fee_en}."),
        )
    } else {
        let rounded = if unrounded.is_integer() {
            String::new()
        } else {
            format!(" → {amount} ({})", rounding.label_en())
        };
        (
            format!(
                "{fee} × {used} / {dim} = {}{rounded}",
                unrounded.display_2dp()
            ),
            format!(
                "{fee_ja}を料金月の日数（{dim}日）で日割り、利用{used}日（開通日・解約日を含む）。円未満{}。",
                rounding.label_ja()
            ),
            format!(
                "{fee_en} prorated by the days of the charge month ({dim}); {used} days in use, opening and cancellation days included; {}.",
                rounding.label_en()
            ),
        )
    };
    Proration {
        days_used: used,
        days_in_month: dim,
        unrounded,
        amount,
        derivation: Derivation::new(formula, Article::TariffGeneralRules, note_ja, note_en),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn basic(month: (i32, u32), start: NaiveDate, end: Option<NaiveDate>) -> Option<Proration> {
        prorate(
            Yen(90_000),
            ChargeMonth {
                year: month.0,
                month: month.1,
            },
            start,
            end,
            RoundingMode::Down,
            TermsVersion::Revised2025,
        )
    }

    #[test]
    fn opening_on_the_15th_of_a_31_day_month_bills_17_days() {
        // 2025-08-15 → 08-31 = 17 days; 90,000 × 17 / 31 = 49,354.83 → 49,354
        let p = basic((2025, 8), d(2025, 8, 15), None).unwrap();
        assert_eq!(p.days_used, 17);
        assert_eq!(p.amount, Yen(49_354));
        assert_eq!(
            p.derivation.formula,
            "90,000 × 17 / 31 = 49,354.83 → 49,354 (rounded down)"
        );
    }

    #[test]
    fn opening_on_the_1st_bills_the_full_month() {
        // 2025-09-01 → 09-30 = 30 / 30 days = 90,000
        let p = basic((2025, 9), d(2025, 9, 1), None).unwrap();
        assert_eq!((p.days_used, p.amount), (30, Yen(90_000)));
    }

    #[test]
    fn cancellation_on_the_last_day_bills_the_full_month() {
        // Opened earlier, cancelled 2025-11-30: 30 / 30 days = 90,000
        let p = basic((2025, 11), d(2025, 1, 10), Some(d(2025, 11, 30))).unwrap();
        assert_eq!((p.days_used, p.amount), (30, Yen(90_000)));
    }

    #[test]
    fn same_day_opening_and_cancellation_bills_one_day() {
        // 90,000 × 1 / 30 = 3,000
        let p = basic((2025, 9), d(2025, 9, 10), Some(d(2025, 9, 10))).unwrap();
        assert_eq!((p.days_used, p.amount), (1, Yen(3_000)));
        assert_eq!(p.derivation.formula, "90,000 × 1 / 30 = 3,000");
    }

    #[test]
    fn february_of_a_common_year_divides_by_28() {
        // 2026-02-15 → 02-28 = 14 days; 90,000 × 14 / 28 = 45,000
        let p = basic((2026, 2), d(2026, 2, 15), None).unwrap();
        assert_eq!(
            (p.days_used, p.days_in_month, p.amount),
            (14, 28, Yen(45_000))
        );
    }

    #[test]
    fn leap_february_divides_by_29() {
        // 2028-02-15 → 02-29 = 15 days; 90,000 × 15 / 29 = 46,551.72 → 46,551
        let p = basic((2028, 2), d(2028, 2, 15), None).unwrap();
        assert_eq!(
            (p.days_used, p.days_in_month, p.amount),
            (15, 29, Yen(46_551))
        );
    }

    #[test]
    fn a_30_day_month_divides_by_30() {
        // 2025-04-21 → 04-30 = 10 days; 90,000 × 10 / 30 = 30,000
        let p = basic((2025, 4), d(2025, 4, 21), None).unwrap();
        assert_eq!((p.days_in_month, p.amount), (30, Yen(30_000)));
    }

    #[test]
    fn half_up_rounding_is_selectable() {
        // 90,000 × 17 / 31 = 49,354.83 → 49,355 (half up)
        let p = prorate(
            Yen(90_000),
            ChargeMonth {
                year: 2025,
                month: 8,
            },
            d(2025, 8, 15),
            None,
            RoundingMode::HalfUp,
            TermsVersion::Revised2025,
        )
        .unwrap();
        assert_eq!(p.amount, Yen(49_355));
    }

    #[test]
    fn months_outside_the_service_are_not_billed() {
        assert!(basic((2025, 7), d(2025, 8, 1), None).is_none());
        assert!(basic((2025, 9), d(2025, 8, 1), Some(d(2025, 8, 31))).is_none());
    }

    #[test]
    fn charge_months_step_across_the_year_end() {
        let m = ChargeMonth {
            year: 2025,
            month: 12,
        };
        assert_eq!(
            m.next(),
            ChargeMonth {
                year: 2026,
                month: 1
            }
        );
        assert_eq!(
            m.plus(14),
            ChargeMonth {
                year: 2027,
                month: 2
            }
        );
        assert_eq!(
            m.months_until(ChargeMonth {
                year: 2026,
                month: 3
            }),
            3
        );
        assert_eq!(
            ChargeMonth {
                year: 2100,
                month: 2
            }
            .days(),
            28
        );
        assert_eq!(
            ChargeMonth {
                year: 2000,
                month: 2
            }
            .days(),
            29
        );
    }
}
