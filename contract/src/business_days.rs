//! Business days (営業日): Monday to Friday, not a Japanese public holiday, not
//! an operator closing day.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::ContractError;
use crate::holidays;
use crate::tariff::Tariff;

/// Why a day is not a business day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NonBusinessReason {
    /// Saturday or Sunday.
    Weekend,
    /// A public holiday (including 振替休日 and 国民の休日).
    Holiday(holidays::HolidayName),
    /// An operator closing day from the tariff.
    ClosingDay,
}

/// `None` for a business day, otherwise why it is not one.
pub fn non_business_reason(
    date: NaiveDate,
    tariff: &Tariff,
) -> Result<Option<NonBusinessReason>, ContractError> {
    reason_with_cache(date, tariff, &mut HolidayYears::default())
}

/// Holiday lists by year, each computed once and kept: a quote counts back
/// from many opening dates, mostly in the same few years.
#[derive(Debug, Default)]
pub(crate) struct HolidayYears(Vec<(i32, Vec<holidays::Holiday>)>);

impl HolidayYears {
    fn year(&mut self, year: i32) -> Result<&[holidays::Holiday], ContractError> {
        let i = match self.0.iter().position(|(y, _)| *y == year) {
            Some(i) => i,
            None => {
                self.0.push((year, holidays::holidays_in_year(year)?));
                self.0.len() - 1
            }
        };
        Ok(&self.0[i].1)
    }
}

/// As [`non_business_reason`], taking each year's holiday list from `cache`.
fn reason_with_cache(
    date: NaiveDate,
    tariff: &Tariff,
    cache: &mut HolidayYears,
) -> Result<Option<NonBusinessReason>, ContractError> {
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        return Ok(Some(NonBusinessReason::Weekend));
    }
    let holiday = cache.year(date.year())?.iter().find(|h| h.date == date);
    if let Some(h) = holiday {
        return Ok(Some(NonBusinessReason::Holiday(h.name)));
    }
    if tariff.is_closing_day(date.month(), date.day()) {
        return Ok(Some(NonBusinessReason::ClosingDay));
    }
    Ok(None)
}

/// Whether `date` is a business day under `tariff`'s closing days.
pub fn is_business_day(date: NaiveDate, tariff: &Tariff) -> Result<bool, ContractError> {
    Ok(non_business_reason(date, tariff)?.is_none())
}

/// The `n`-th business day before `date`, not counting `date` itself, with the
/// days skipped on the way (for the derivation).
pub fn business_days_before(
    date: NaiveDate,
    n: u32,
    tariff: &Tariff,
) -> Result<(NaiveDate, Vec<(NaiveDate, NonBusinessReason)>), ContractError> {
    business_days_before_cached(date, n, tariff, &mut HolidayYears::default())
}

/// [`business_days_before`] with the holiday lists kept in `cache`.
pub(crate) fn business_days_before_cached(
    date: NaiveDate,
    n: u32,
    tariff: &Tariff,
    cache: &mut HolidayYears,
) -> Result<(NaiveDate, Vec<(NaiveDate, NonBusinessReason)>), ContractError> {
    let mut d = date;
    let mut counted = 0;
    let mut skipped = Vec::new();
    while counted < n {
        d = d.checked_sub_signed(Duration::days(1)).ok_or_else(|| {
            ContractError::DateOutOfRange {
                field: "business day".to_string(),
                date,
                min: NaiveDate::MIN,
                max: NaiveDate::MAX,
            }
        })?;
        match reason_with_cache(d, tariff, cache)? {
            None => counted += 1,
            Some(r) => skipped.push((d, r)),
        }
    }
    Ok((d, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_year_end_closing_days_are_not_business_days() {
        let t = Tariff::standard();
        // 2025-12-29 is a Monday, 2026-01-02 a Friday: closed; 2026-01-05 Monday: open.
        assert!(!is_business_day(d(2025, 12, 29), &t).unwrap());
        assert!(!is_business_day(d(2026, 1, 2), &t).unwrap());
        assert!(is_business_day(d(2026, 1, 5), &t).unwrap());
    }

    #[test]
    fn an_empty_closing_calendar_makes_december_29_a_business_day() {
        let mut t = Tariff::standard();
        t.closing_periods.clear();
        assert!(is_business_day(d(2025, 12, 29), &t).unwrap());
    }
}
