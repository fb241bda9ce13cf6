//! Japanese public holidays, computed from the rules of the Act on National
//! Holidays (国民の祝日に関する法律), not from a table.
//!
//! Covers 1996–2100: fixed days, Happy Monday days (2000 / 2003), the vernal and
//! autumnal equinox by the standard approximation formula (scaled integers, no
//! floats), substitute holidays 振替休日 (old and 2007 rule), citizens'
//! holidays 国民の休日, the 2019 enthronement days and the 2020/2021 Olympic
//! moves. Equinox dates are formally fixed each February by the Cabinet Office
//! gazette; the formula agrees with every published year so far.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::ContractError;

/// First year the rules here reproduce (Marine Day exists from 1996).
pub const FIRST_YEAR: i32 = 1996;
/// Last year the rules here reproduce (the equinox constants cover 2100).
pub const LAST_YEAR: i32 = 2100;

/// Which holiday a day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HolidayName {
    /// 元日
    NewYearsDay,
    /// 成人の日
    ComingOfAgeDay,
    /// 建国記念の日
    FoundationDay,
    /// 天皇誕生日
    EmperorsBirthday,
    /// 春分の日
    VernalEquinoxDay,
    /// 昭和の日 (from 2007)
    ShowaDay,
    /// みどりの日 (Apr 29 until 2006, May 4 from 2007)
    GreeneryDay,
    /// 憲法記念日
    ConstitutionDay,
    /// こどもの日
    ChildrensDay,
    /// 海の日
    MarineDay,
    /// 山の日 (from 2016)
    MountainDay,
    /// 敬老の日
    RespectForTheAgedDay,
    /// 秋分の日
    AutumnalEquinoxDay,
    /// 体育の日 (until 2019)
    HealthAndSportsDay,
    /// スポーツの日 (from 2020)
    SportsDay,
    /// 文化の日
    CultureDay,
    /// 勤労感謝の日
    LabourThanksgivingDay,
    /// 即位の日 / 即位礼正殿の儀の行われる日 (2019, by special act)
    Enthronement,
    /// 振替休日
    Substitute,
    /// 国民の休日
    Citizens,
}

impl HolidayName {
    /// Japanese name as in the Cabinet Office list.
    pub fn name_ja(self) -> &'static str {
        match self {
            HolidayName::NewYearsDay => "元日",
            HolidayName::ComingOfAgeDay => "成人の日",
            HolidayName::FoundationDay => "建国記念の日",
            HolidayName::EmperorsBirthday => "天皇誕生日",
            HolidayName::VernalEquinoxDay => "春分の日",
            HolidayName::ShowaDay => "昭和の日",
            HolidayName::GreeneryDay => "みどりの日",
            HolidayName::ConstitutionDay => "憲法記念日",
            HolidayName::ChildrensDay => "こどもの日",
            HolidayName::MarineDay => "海の日",
            HolidayName::MountainDay => "山の日",
            HolidayName::RespectForTheAgedDay => "敬老の日",
            HolidayName::AutumnalEquinoxDay => "秋分の日",
            HolidayName::HealthAndSportsDay => "体育の日",
            HolidayName::SportsDay => "スポーツの日",
            HolidayName::CultureDay => "文化の日",
            HolidayName::LabourThanksgivingDay => "勤労感謝の日",
            HolidayName::Enthronement => "即位関連の休日",
            HolidayName::Substitute => "休日（振替休日）",
            HolidayName::Citizens => "休日（国民の休日）",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            HolidayName::NewYearsDay => "New Year's Day",
            HolidayName::ComingOfAgeDay => "Coming of Age Day",
            HolidayName::FoundationDay => "National Foundation Day",
            HolidayName::EmperorsBirthday => "Emperor's Birthday",
            HolidayName::VernalEquinoxDay => "Vernal Equinox Day",
            HolidayName::ShowaDay => "Showa Day",
            HolidayName::GreeneryDay => "Greenery Day",
            HolidayName::ConstitutionDay => "Constitution Memorial Day",
            HolidayName::ChildrensDay => "Children's Day",
            HolidayName::MarineDay => "Marine Day",
            HolidayName::MountainDay => "Mountain Day",
            HolidayName::RespectForTheAgedDay => "Respect for the Aged Day",
            HolidayName::AutumnalEquinoxDay => "Autumnal Equinox Day",
            HolidayName::HealthAndSportsDay => "Health and Sports Day",
            HolidayName::SportsDay => "Sports Day",
            HolidayName::CultureDay => "Culture Day",
            HolidayName::LabourThanksgivingDay => "Labour Thanksgiving Day",
            HolidayName::Enthronement => "Enthronement holiday",
            HolidayName::Substitute => "Substitute holiday",
            HolidayName::Citizens => "Citizens' holiday",
        }
    }
}

/// One holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Holiday {
    /// The day.
    pub date: NaiveDate,
    /// Which holiday.
    pub name: HolidayName,
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The `n`-th Monday of a month (Happy Monday system).
fn nth_monday(y: i32, m: u32, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(y, m, Weekday::Mon, n)
}

/// Day of March (vernal) or September (autumnal) of the equinox by the
/// standard approximation
/// `floor(C + 0.242194 × (Y − 1980) − floor((Y − 1980) / 4))`,
/// evaluated in millionths so no float is involved.
fn equinox_day(year: i32, vernal: bool) -> u32 {
    // Constants in millionths of a day; the 2100–2150 set differs.
    let c: i64 = match (vernal, year <= 2099) {
        (true, true) => 20_843_100,
        (true, false) => 21_851_000,
        (false, true) => 23_248_800,
        (false, false) => 24_248_800,
    };
    let dy = (year - 1980) as i64;
    // dy ≥ 0 in the supported range, so integer division is floor.
    let day = (c + 242_194 * dy) / 1_000_000 - dy / 4;
    day as u32
}

/// The 国民の祝日 of a year (the days named in Art. 2 of the Act and the
/// special acts), before substitute and citizens' holidays are added.
fn national_holidays(y: i32) -> Vec<Holiday> {
    use HolidayName::*;
    let mut v: Vec<(Option<NaiveDate>, HolidayName)> = Vec::with_capacity(20);
    v.push((ymd(y, 1, 1), NewYearsDay));
    v.push((
        if y >= 2000 {
            nth_monday(y, 1, 2)
        } else {
            ymd(y, 1, 15)
        },
        ComingOfAgeDay,
    ));
    v.push((ymd(y, 2, 11), FoundationDay));
    if y >= 2020 {
        v.push((ymd(y, 2, 23), EmperorsBirthday));
    }
    v.push((ymd(y, 3, equinox_day(y, true)), VernalEquinoxDay));
    v.push((
        ymd(y, 4, 29),
        if y >= 2007 { ShowaDay } else { GreeneryDay },
    ));
    v.push((ymd(y, 5, 3), ConstitutionDay));
    if y >= 2007 {
        v.push((ymd(y, 5, 4), GreeneryDay));
    }
    v.push((ymd(y, 5, 5), ChildrensDay));
    // The Olympic special measures act moved three holidays in 2020 and 2021.
    let marine = match y {
        2020 => ymd(2020, 7, 23),
        2021 => ymd(2021, 7, 22),
        _ if y >= 2003 => nth_monday(y, 7, 3),
        _ => ymd(y, 7, 20),
    };
    v.push((marine, MarineDay));
    if y >= 2016 {
        let mountain = match y {
            2020 => ymd(2020, 8, 10),
            2021 => ymd(2021, 8, 8),
            _ => ymd(y, 8, 11),
        };
        v.push((mountain, MountainDay));
    }
    v.push((
        if y >= 2003 {
            nth_monday(y, 9, 3)
        } else {
            ymd(y, 9, 15)
        },
        RespectForTheAgedDay,
    ));
    v.push((ymd(y, 9, equinox_day(y, false)), AutumnalEquinoxDay));
    let sports = match y {
        2020 => ymd(2020, 7, 24),
        2021 => ymd(2021, 7, 23),
        _ if y >= 2000 => nth_monday(y, 10, 2),
        _ => ymd(y, 10, 10),
    };
    v.push((
        sports,
        if y >= 2020 {
            SportsDay
        } else {
            HealthAndSportsDay
        },
    ));
    v.push((ymd(y, 11, 3), CultureDay));
    v.push((ymd(y, 11, 23), LabourThanksgivingDay));
    if (1989..=2018).contains(&y) {
        v.push((ymd(y, 12, 23), EmperorsBirthday));
    }
    if y == 2019 {
        v.push((ymd(2019, 5, 1), Enthronement));
        v.push((ymd(2019, 10, 22), Enthronement));
    }
    let mut out: Vec<Holiday> = v
        .into_iter()
        .filter_map(|(d, name)| d.map(|date| Holiday { date, name }))
        .collect();
    out.sort_by_key(|h| h.date);
    out
}

/// Every public holiday of `year`, in date order.
pub fn holidays_in_year(year: i32) -> Result<Vec<Holiday>, ContractError> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        let first = ymd(FIRST_YEAR, 1, 1).unwrap_or(NaiveDate::MIN);
        let last = ymd(LAST_YEAR, 12, 31).unwrap_or(NaiveDate::MAX);
        return Err(ContractError::DateOutOfRange {
            field: "holiday year".to_string(),
            date: ymd(year, 1, 1).unwrap_or(NaiveDate::MIN),
            min: first,
            max: last,
        });
    }
    // No holiday falls on Dec 31 or is sandwiched across the year end, so each
    // year can be computed on its own.
    let national = national_holidays(year);
    let is_national = |d: NaiveDate| national.iter().any(|h| h.date == d);
    let mut all = national.clone();

    // 振替休日: Art. 3(2).
    for h in &national {
        if h.date.weekday() != Weekday::Sun {
            continue;
        }
        let mut d = h.date + Duration::days(1);
        if year >= 2007 {
            // The nearest following day that is not a national holiday.
            while is_national(d) {
                d += Duration::days(1);
            }
        } else if is_national(d) {
            // Before 2007 only the next day could become the substitute.
            continue;
        }
        if d.year() == year && !all.iter().any(|x| x.date == d) {
            all.push(Holiday {
                date: d,
                name: HolidayName::Substitute,
            });
        }
    }

    // 国民の休日: Art. 3(3) — a day between two national holidays.
    for w in national.windows(2) {
        let gap = w[1].date - w[0].date;
        if gap == Duration::days(2) {
            let d = w[0].date + Duration::days(1);
            let taken = all.iter().any(|x| x.date == d);
            if !taken && d.weekday() != Weekday::Sun {
                all.push(Holiday {
                    date: d,
                    name: HolidayName::Citizens,
                });
            }
        }
    }
    all.sort_by_key(|h| h.date);
    Ok(all)
}

/// The holiday on `date`, if any.
pub fn holiday_on(date: NaiveDate) -> Result<Option<HolidayName>, ContractError> {
    Ok(holidays_in_year(date.year())?
        .into_iter()
        .find(|h| h.date == date)
        .map(|h| h.name))
}

/// Whether `date` is a Japanese public holiday (including 振替休日 and 国民の休日).
pub fn is_holiday(date: NaiveDate) -> Result<bool, ContractError> {
    Ok(holiday_on(date)?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Cabinet Office list (内閣府「国民の祝日について」), every holiday of
    /// 2020–2027 as (year, month, day).
    const CABINET_OFFICE: &[(i32, u32, u32)] = &[
        // 2020 (Olympic moves: 7/23, 7/24, 8/10)
        (2020, 1, 1),
        (2020, 1, 13),
        (2020, 2, 11),
        (2020, 2, 23),
        (2020, 2, 24),
        (2020, 3, 20),
        (2020, 4, 29),
        (2020, 5, 3),
        (2020, 5, 4),
        (2020, 5, 5),
        (2020, 5, 6),
        (2020, 7, 23),
        (2020, 7, 24),
        (2020, 8, 10),
        (2020, 9, 21),
        (2020, 9, 22),
        (2020, 11, 3),
        (2020, 11, 23),
        // 2021 (Olympic moves: 7/22, 7/23, 8/8 + substitute 8/9)
        (2021, 1, 1),
        (2021, 1, 11),
        (2021, 2, 11),
        (2021, 2, 23),
        (2021, 3, 20),
        (2021, 4, 29),
        (2021, 5, 3),
        (2021, 5, 4),
        (2021, 5, 5),
        (2021, 7, 22),
        (2021, 7, 23),
        (2021, 8, 8),
        (2021, 8, 9),
        (2021, 9, 20),
        (2021, 9, 23),
        (2021, 11, 3),
        (2021, 11, 23),
        // 2022
        (2022, 1, 1),
        (2022, 1, 10),
        (2022, 2, 11),
        (2022, 2, 23),
        (2022, 3, 21),
        (2022, 4, 29),
        (2022, 5, 3),
        (2022, 5, 4),
        (2022, 5, 5),
        (2022, 7, 18),
        (2022, 8, 11),
        (2022, 9, 19),
        (2022, 9, 23),
        (2022, 10, 10),
        (2022, 11, 3),
        (2022, 11, 23),
        // 2023
        (2023, 1, 1),
        (2023, 1, 2),
        (2023, 1, 9),
        (2023, 2, 11),
        (2023, 2, 23),
        (2023, 3, 21),
        (2023, 4, 29),
        (2023, 5, 3),
        (2023, 5, 4),
        (2023, 5, 5),
        (2023, 7, 17),
        (2023, 8, 11),
        (2023, 9, 18),
        (2023, 9, 23),
        (2023, 10, 9),
        (2023, 11, 3),
        (2023, 11, 23),
        // 2024
        (2024, 1, 1),
        (2024, 1, 8),
        (2024, 2, 11),
        (2024, 2, 12),
        (2024, 2, 23),
        (2024, 3, 20),
        (2024, 4, 29),
        (2024, 5, 3),
        (2024, 5, 4),
        (2024, 5, 5),
        (2024, 5, 6),
        (2024, 7, 15),
        (2024, 8, 11),
        (2024, 8, 12),
        (2024, 9, 16),
        (2024, 9, 22),
        (2024, 9, 23),
        (2024, 10, 14),
        (2024, 11, 3),
        (2024, 11, 4),
        (2024, 11, 23),
        // 2025
        (2025, 1, 1),
        (2025, 1, 13),
        (2025, 2, 11),
        (2025, 2, 23),
        (2025, 2, 24),
        (2025, 3, 20),
        (2025, 4, 29),
        (2025, 5, 3),
        (2025, 5, 4),
        (2025, 5, 5),
        (2025, 5, 6),
        (2025, 7, 21),
        (2025, 8, 11),
        (2025, 9, 15),
        (2025, 9, 23),
        (2025, 10, 13),
        (2025, 11, 3),
        (2025, 11, 23),
        (2025, 11, 24),
        // 2026 (9/22 is a citizens' holiday)
        (2026, 1, 1),
        (2026, 1, 12),
        (2026, 2, 11),
        (2026, 2, 23),
        (2026, 3, 20),
        (2026, 4, 29),
        (2026, 5, 3),
        (2026, 5, 4),
        (2026, 5, 5),
        (2026, 5, 6),
        (2026, 7, 20),
        (2026, 8, 11),
        (2026, 9, 21),
        (2026, 9, 22),
        (2026, 9, 23),
        (2026, 10, 12),
        (2026, 11, 3),
        (2026, 11, 23),
        // 2027
        (2027, 1, 1),
        (2027, 1, 11),
        (2027, 2, 11),
        (2027, 2, 23),
        (2027, 3, 21),
        (2027, 3, 22),
        (2027, 4, 29),
        (2027, 5, 3),
        (2027, 5, 4),
        (2027, 5, 5),
        (2027, 7, 19),
        (2027, 8, 11),
        (2027, 9, 20),
        (2027, 9, 23),
        (2027, 10, 11),
        (2027, 11, 3),
        (2027, 11, 23),
    ];

    #[test]
    fn every_holiday_2020_to_2027_matches_the_cabinet_office_list() {
        for year in 2020..=2027 {
            let expected: Vec<NaiveDate> = CABINET_OFFICE
                .iter()
                .filter(|(y, _, _)| *y == year)
                .map(|&(y, m, d)| ymd(y, m, d).unwrap())
                .collect();
            let computed: Vec<NaiveDate> = holidays_in_year(year)
                .unwrap()
                .into_iter()
                .map(|h| h.date)
                .collect();
            assert_eq!(computed, expected, "year {year}");
        }
    }

    #[test]
    fn the_2021_mountain_day_on_sunday_8_8_gives_substitute_monday_8_9() {
        assert_eq!(
            holiday_on(ymd(2021, 8, 8).unwrap()).unwrap(),
            Some(HolidayName::MountainDay)
        );
        assert_eq!(
            holiday_on(ymd(2021, 8, 9).unwrap()).unwrap(),
            Some(HolidayName::Substitute)
        );
        // The usual days were ordinary working days that year.
        assert_eq!(holiday_on(ymd(2021, 7, 19).unwrap()).unwrap(), None);
        assert_eq!(holiday_on(ymd(2021, 10, 11).unwrap()).unwrap(), None);
    }

    #[test]
    fn september_22_2026_is_a_citizens_holiday_between_two_holidays() {
        // 9/21 Respect for the Aged (Mon), 9/23 autumnal equinox (Wed) → 9/22.
        assert_eq!(
            holiday_on(ymd(2026, 9, 22).unwrap()).unwrap(),
            Some(HolidayName::Citizens)
        );
    }

    #[test]
    fn a_sunday_constitution_day_pushes_the_substitute_past_may_4_and_5() {
        // 2026-05-03 is a Sunday; 5/4 and 5/5 are holidays → substitute 5/6.
        assert_eq!(
            holiday_on(ymd(2026, 5, 6).unwrap()).unwrap(),
            Some(HolidayName::Substitute)
        );
    }

    #[test]
    fn the_emperors_birthday_moved_from_december_23_to_february_23() {
        assert_eq!(
            holiday_on(ymd(2018, 12, 23).unwrap()).unwrap(),
            Some(HolidayName::EmperorsBirthday)
        );
        assert_eq!(holiday_on(ymd(2019, 12, 23).unwrap()).unwrap(), None);
        assert_eq!(holiday_on(ymd(2019, 2, 23).unwrap()).unwrap(), None);
        assert_eq!(
            holiday_on(ymd(2020, 2, 23).unwrap()).unwrap(),
            Some(HolidayName::EmperorsBirthday)
        );
    }

    #[test]
    fn the_2019_enthronement_made_a_ten_day_golden_week() {
        // 4/27 Sat … 5/6 Mon: 4/30 and 5/2 are citizens' holidays, 5/6 substitute.
        assert_eq!(
            holiday_on(ymd(2019, 4, 30).unwrap()).unwrap(),
            Some(HolidayName::Citizens)
        );
        assert_eq!(
            holiday_on(ymd(2019, 5, 1).unwrap()).unwrap(),
            Some(HolidayName::Enthronement)
        );
        assert_eq!(
            holiday_on(ymd(2019, 5, 2).unwrap()).unwrap(),
            Some(HolidayName::Citizens)
        );
        assert_eq!(
            holiday_on(ymd(2019, 5, 6).unwrap()).unwrap(),
            Some(HolidayName::Substitute)
        );
    }

    #[test]
    fn the_equinox_formula_gives_the_known_dates() {
        // 2000: 20.8431 + 0.242194 × 20 − 5 = 20.69 → 3/20; 23.2488 + 4.84 − 5 = 23.09 → 9/23
        // 2012: 20.8431 + 7.750 − 8 = 20.59 → 3/20; 23.2488 + 7.750 − 8 = 22.99 → 9/22
        assert_eq!(
            (equinox_day(2000, true), equinox_day(2000, false)),
            (20, 23)
        );
        assert_eq!(
            (equinox_day(2012, true), equinox_day(2012, false)),
            (20, 22)
        );
    }

    #[test]
    fn years_outside_1996_to_2100_are_refused() {
        assert!(holidays_in_year(1995).is_err());
        assert!(holidays_in_year(2101).is_err());
        assert!(holidays_in_year(2100).is_ok());
    }
}
