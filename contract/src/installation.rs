//! The installation deadline of Art. 31(16): the sensor must be installed no
//! later than 4 business days before the opening date. Billing starts on the
//! opening date regardless.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::business_days::{HolidayYears, NonBusinessReason, business_days_before_cached};
use crate::derivation::{Article, Derivation};
use crate::error::ContractError;
use crate::tariff::Tariff;

/// The deadline of one opening date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallationDeadline {
    /// The opening date (開通日).
    pub opening: NaiveDate,
    /// Last day on which installation satisfies Art. 31(16).
    pub deadline: NaiveDate,
    /// Counting shown step by step.
    pub derivation: Derivation,
}

/// Count back the tariff's lead business days from `opening`, not counting
/// the opening date itself.
pub fn installation_deadline(
    opening: NaiveDate,
    tariff: &Tariff,
) -> Result<InstallationDeadline, ContractError> {
    installation_deadline_cached(opening, tariff, &mut HolidayYears::default())
}

/// [`installation_deadline`] with the holiday lists kept in `holidays`, so a
/// quote computes each year's holidays once for all its opening dates.
pub(crate) fn installation_deadline_cached(
    opening: NaiveDate,
    tariff: &Tariff,
    holidays: &mut HolidayYears,
) -> Result<InstallationDeadline, ContractError> {
    let n = tariff.installation_lead_business_days;
    let (deadline, skipped) = business_days_before_cached(opening, n, tariff, holidays)?;
    let skipped_en: Vec<String> = skipped
        .iter()
        .map(|(d, r)| {
            let why = match r {
                NonBusinessReason::Weekend => "weekend".to_string(),
                NonBusinessReason::Holiday(h) => h.name_en().to_string(),
                NonBusinessReason::ClosingDay => "closing day".to_string(),
            };
            format!("{} ({why})", d.format("%Y-%m-%d %a"))
        })
        .collect();
    let skipped_ja: Vec<String> = skipped
        .iter()
        .map(|(d, r)| {
            let why = match r {
                NonBusinessReason::Weekend => "土日".to_string(),
                NonBusinessReason::Holiday(h) => h.name_ja().to_string(),
                NonBusinessReason::ClosingDay => "休業日".to_string(),
            };
            format!("{}（{why}）", d.format("%Y-%m-%d"))
        })
        .collect();
    let formula = format!(
        "{} − {n} business days = {}",
        opening.format("%Y-%m-%d %a"),
        deadline.format("%Y-%m-%d %a"),
    );
    let skipped_en = if skipped_en.is_empty() {
        "none".to_string()
    } else {
        skipped_en.join(", ")
    };
    let skipped_ja = if skipped_ja.is_empty() {
        "なし".to_string()
    } else {
        skipped_ja.join("、")
    };
    Ok(InstallationDeadline {
        opening,
        deadline,
        derivation: Derivation::new(
            formula,
            Article::Art31_16,
            format!(
                "開通日の{n}営業日前までに設置（開通日は数えない）。除外日: {skipped_ja}。未設置でも開通日から請求。"
            ),
            format!(
                "Install no later than {n} business days before the opening date (the opening date is not counted). Skipped: {skipped_en}. Billing starts on the opening date even if not installed."
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn opening_monday_2025_08_18_gives_tuesday_2025_08_12_because_of_mountain_day() {
        // Back from Mon 8/18: Fri 8/15 (1), Thu 8/14 (2), Wed 8/13 (3), Tue 8/12 (4);
        // 8/16–17 weekend skipped. 8/11 Mountain Day would be next anyway.
        let r = installation_deadline(d(2025, 8, 18), &Tariff::standard()).unwrap();
        assert_eq!(r.deadline, d(2025, 8, 12));
    }

    #[test]
    fn opening_friday_2025_08_15_skips_mountain_day_and_lands_on_friday_08_08() {
        // Thu 8/14 (1), Wed 8/13 (2), Tue 8/12 (3), Mon 8/11 Mountain Day skipped,
        // Sun 8/10 and Sat 8/9 skipped, Fri 8/8 (4).
        let r = installation_deadline(d(2025, 8, 15), &Tariff::standard()).unwrap();
        assert_eq!(r.deadline, d(2025, 8, 8));
        assert!(r.derivation.note_en.contains("Mountain Day"));
    }

    #[test]
    fn opening_after_new_year_skips_the_closing_days_and_weekend() {
        // Opening Wed 2026-01-07: Tue 1/6 (1), Mon 1/5 (2), 1/3–1/4 weekend/closed,
        // 1/1–1/2 holiday/closed, 12/29–31 closed, Fri 12/26 (3), Thu 12/25 (4).
        let r = installation_deadline(d(2026, 1, 7), &Tariff::standard()).unwrap();
        assert_eq!(r.deadline, d(2025, 12, 25));
    }

    #[test]
    fn golden_week_2026_is_skipped_including_the_substitute_holiday() {
        // Opening Fri 2026-05-08: Thu 5/7 (1), 5/6 substitute, 5/5, 5/4, 5/3 Sun,
        // 5/2 Sat, Fri 5/1 (2), Thu 4/30 (3), 4/29 Showa Day, Tue 4/28 (4).
        let r = installation_deadline(d(2026, 5, 8), &Tariff::standard()).unwrap();
        assert_eq!(r.deadline, d(2026, 4, 28));
    }
}
