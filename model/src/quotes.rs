//! Saved quotes as listed and reopened. The form a quote was made from is
//! the simulator's (`F`); storage keeps it as typed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A saved quote as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteListing {
    pub id: i64,
    /// `Q-2026-00012`: issue year and a serial number.
    pub number: String,
    pub prospect: String,
    /// Tax-included total over the horizon.
    pub total: i64,
    pub issue_date: NaiveDate,
    pub valid_until: NaiveDate,
    pub created_by: String,
}

/// A saved quote with the form it was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedQuote<F> {
    pub listing: QuoteListing,
    pub form: F,
    pub catalogue_version: String,
}

/// The quote number shown on the printed sheet.
pub fn quote_number(id: i64, issue_date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("Q-{}-{id:05}", issue_date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_the_issue_year_and_five_digits() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 9).expect("valid date");
        assert_eq!(quote_number(12, day), "Q-2026-00012");
        assert_eq!(quote_number(123_456, day), "Q-2026-123456");
    }
}
