//! Which version of the terms of use governs a date.
//!
//! A rule is looked up by the date of the event it applies to. Every rule that
//! differs between versions matches [`TermsVersion`] exhaustively, so adding a
//! version is a compile error until each rule says what it does.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A version of the WideAngle OsecT terms of use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TermsVersion {
    /// The text in force until 2025-07-30: one service, one monthly fee.
    Original,
    /// The text in force from 2025-07-31 (付則 令和7年7月28日): basic service +
    /// ancillary services.
    Revised2025,
}

impl TermsVersion {
    /// Every version, oldest first.
    pub const ALL: [TermsVersion; 2] = [TermsVersion::Original, TermsVersion::Revised2025];

    /// The version in force on `date`.
    pub fn in_force_on(date: NaiveDate) -> TermsVersion {
        if date >= Self::Revised2025.effective_from() {
            TermsVersion::Revised2025
        } else {
            TermsVersion::Original
        }
    }

    /// First day the version is in force (the original has no known start;
    /// the supported range begins in 2000).
    pub fn effective_from(self) -> NaiveDate {
        match self {
            TermsVersion::Original => NaiveDate::MIN,
            TermsVersion::Revised2025 => revised_2025_start(),
        }
    }

    /// Whether ancillary services exist under this version (Art. 5(3), 6-2).
    pub fn has_ancillary_services(self) -> bool {
        match self {
            TermsVersion::Original => false,
            TermsVersion::Revised2025 => true,
        }
    }

    /// What the monthly fee is called in this version's tariff general rules,
    /// so derivations quote the wording in force.
    pub fn monthly_fee_name_ja(self) -> &'static str {
        match self {
            TermsVersion::Original => "利用料金",
            TermsVersion::Revised2025 => "基本サービス料",
        }
    }

    /// English counterpart of [`Self::monthly_fee_name_ja`].
    pub fn monthly_fee_name_en(self) -> &'static str {
        match self {
            TermsVersion::Original => "usage fee",
            TermsVersion::Revised2025 => "basic service fee",
        }
    }

    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            TermsVersion::Original => "terms until 2025-07-30",
            TermsVersion::Revised2025 => "terms from 2025-07-31",
        }
    }
}

/// 2025-07-31, evaluated at compile time: `in_force_on` runs for every line.
const REVISED_2025_START: NaiveDate = match NaiveDate::from_ymd_opt(2025, 7, 31) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

fn revised_2025_start() -> NaiveDate {
    REVISED_2025_START
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_revised_terms_start_on_2025_07_31_and_not_a_day_earlier() {
        assert_eq!(
            TermsVersion::in_force_on(d(2025, 7, 30)),
            TermsVersion::Original
        );
        assert_eq!(
            TermsVersion::in_force_on(d(2025, 7, 31)),
            TermsVersion::Revised2025
        );
    }
}
