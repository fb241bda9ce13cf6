//! Worked examples of contract-terms.md through the public entry point.

use chrono::NaiveDate;
use contract::{
    AncillarySubscription, Article, CancelledBy, ContractCancellation, ContractDescription,
    ContractError, DamageCause, DamageScenario, Horizon, Invoice, LineCategory, LineKind, Quote,
    RoundingMode, SensorContract, SensorType, Tariff, TermsVersion, Yen, quote, quote_json,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn sensor(
    id: &str,
    t: SensorType,
    opening: NaiveDate,
    cancellation: Option<NaiveDate>,
) -> SensorContract {
    SensorContract {
        id: id.into(),
        sensor_type: t,
        opening,
        cancellation,
    }
}

fn sub(item: &str, start: NaiveDate, cancellation: Option<NaiveDate>) -> AncillarySubscription {
    AncillarySubscription {
        item_id: item.into(),
        start,
        cancellation,
        operator_fault: false,
    }
}

fn desc(sensors: Vec<SensorContract>) -> ContractDescription {
    ContractDescription {
        quote_date: d(2025, 8, 1),
        sensors,
        ancillaries: vec![],
        contract_cancellation: None,
        horizon: Horizon::Months(24),
        damage: None,
    }
}

fn month(q: &Quote, y: i32, m: u32) -> &Invoice {
    q.invoices
        .iter()
        .find(|i| i.month.year == y && i.month.month == m)
        .unwrap_or_else(|| panic!("no invoice for {y}-{m}"))
}

fn basic_line(inv: &Invoice, sensor: &str) -> Yen {
    inv.lines
        .iter()
        .find(|l| matches!(&l.kind, LineKind::BasicFee { sensor_id } if sensor_id == sensor))
        .map(|l| l.amount)
        .unwrap_or_else(|| panic!("no basic line for {sensor}"))
}

const OPS: &str = "example-operation-support";
const REPORT: &str = "example-assessment-report";
const INSTALL: &str = "example-installation-support";

#[test]
fn the_first_invoice_carries_the_initial_fee_and_a_prorated_basic_fee() {
    // Aug 2025: 350,000 + 90,000 × 17 / 31 = 49,354.83 → 49,354; subtotal 399,354;
    // tax 39,935.4 → 39,935; total 439,289. Sep: 90,000 + 9,000 = 99,000.
    let q = quote(
        &desc(vec![sensor("a", SensorType::N, d(2025, 8, 15), None)]),
        &Tariff::standard(),
    )
    .unwrap();
    let aug = month(&q, 2025, 8);
    assert_eq!(aug.initial_subtotal, Yen(350_000));
    assert_eq!(aug.recurring_subtotal, Yen(49_354));
    assert_eq!(
        (aug.subtotal, aug.tax, aug.total),
        (Yen(399_354), Yen(39_935), Yen(439_289))
    );
    let line = aug
        .lines
        .iter()
        .find(|l| l.category == LineCategory::Recurring)
        .unwrap();
    assert_eq!(
        line.derivation.formula,
        "90,000 × 17 / 31 = 49,354.83 → 49,354 (rounded down)"
    );
    assert_eq!(line.days, Some((17, 31)));
    let sep = month(&q, 2025, 9);
    assert_eq!(
        (sep.subtotal, sep.tax, sep.total),
        (Yen(90_000), Yen(9_000), Yen(99_000))
    );
}

#[test]
fn a_type_d_sensor_costs_250_000_up_front() {
    // Opened on the 1st: 250,000 + 90,000 (full month) = 340,000; tax 34,000.
    let q = quote(
        &desc(vec![sensor("d", SensorType::D, d(2025, 9, 1), None)]),
        &Tariff::standard(),
    )
    .unwrap();
    let sep = month(&q, 2025, 9);
    assert_eq!((sep.subtotal, sep.tax), (Yen(340_000), Yen(34_000)));
}

#[test]
fn the_24_month_total_contract_value_adds_every_invoice() {
    // Opened 2025-09-01, 24 full months: 350,000 + 24 × 90,000 = 2,510,000 tax-excluded,
    // tax per invoice: 44,000 + 23 × 9,000 = 251,000 → 2,761,000 tax-included.
    let q = quote(
        &desc(vec![sensor("a", SensorType::N, d(2025, 9, 1), None)]),
        &Tariff::standard(),
    )
    .unwrap();
    assert_eq!(q.invoices.len(), 24);
    assert_eq!(q.totals.initial, Yen(350_000));
    assert_eq!(q.totals.recurring, Yen(2_160_000));
    assert_eq!(q.totals.subtotal, Yen(2_510_000));
    assert_eq!(q.totals.tax, Yen(251_000));
    assert_eq!(q.totals.total, Yen(2_761_000));
}

#[test]
fn opening_on_the_1st_and_cancelling_on_the_last_day_bills_whole_months_only() {
    // 2025-09-01 … 2025-11-30: 3 × 90,000, no partial month.
    let q = quote(
        &desc(vec![sensor(
            "a",
            SensorType::N,
            d(2025, 9, 1),
            Some(d(2025, 11, 30)),
        )]),
        &Tariff::standard(),
    )
    .unwrap();
    assert_eq!(q.invoices.len(), 3);
    assert_eq!(q.totals.recurring, Yen(270_000));
}

#[test]
fn opening_and_cancelling_on_the_same_day_bills_one_day_and_the_initial_fee() {
    // 2025-09-10 only: 90,000 × 1 / 30 = 3,000; + 350,000 = 353,000.
    let q = quote(
        &desc(vec![sensor(
            "a",
            SensorType::N,
            d(2025, 9, 10),
            Some(d(2025, 9, 10)),
        )]),
        &Tariff::standard(),
    )
    .unwrap();
    assert_eq!(q.invoices.len(), 1);
    assert_eq!(q.invoices[0].subtotal, Yen(353_000));
}

#[test]
fn adding_and_removing_sensors_mid_month_applies_from_the_day_of_the_change() {
    // a: N from 2025-08-01, cancelled 2025-10-20; b: D added 2025-09-10.
    // Sep: a 90,000; b 250,000 + 90,000 × 21 / 30 = 63,000 → 403,000, tax 40,300.
    // Oct: a 90,000 × 20 / 31 = 58,064.51 → 58,064; b 90,000 → 148,064, tax 14,806.4 → 14,806.
    let q = quote(
        &desc(vec![
            sensor("a", SensorType::N, d(2025, 8, 1), Some(d(2025, 10, 20))),
            sensor("b", SensorType::D, d(2025, 9, 10), None),
        ]),
        &Tariff::standard(),
    )
    .unwrap();
    let sep = month(&q, 2025, 9);
    assert_eq!(basic_line(sep, "b"), Yen(63_000));
    assert_eq!((sep.subtotal, sep.tax), (Yen(403_000), Yen(40_300)));
    let oct = month(&q, 2025, 10);
    assert_eq!(basic_line(oct, "a"), Yen(58_064));
    assert_eq!((oct.subtotal, oct.tax), (Yen(148_064), Yen(14_806)));
    let nov = month(&q, 2025, 11);
    assert_eq!(nov.lines.len(), 1);
}

#[test]
fn a_leap_february_is_prorated_by_29_days_and_a_common_one_by_28() {
    // 2028-02-10 … 02-29 = 20 days: 90,000 × 20 / 29 = 62,068.96 → 62,068.
    // 2027-02-10 … 02-28 = 19 days: 90,000 × 19 / 28 = 61,071.42 → 61,071.
    let t = Tariff::standard();
    let leap = quote(
        &desc(vec![sensor("a", SensorType::N, d(2028, 2, 10), None)]),
        &t,
    )
    .unwrap();
    assert_eq!(basic_line(month(&leap, 2028, 2), "a"), Yen(62_068));
    let common = quote(
        &desc(vec![sensor("a", SensorType::N, d(2027, 2, 10), None)]),
        &t,
    )
    .unwrap();
    assert_eq!(basic_line(month(&common, 2027, 2), "a"), Yen(61_071));
}

#[test]
fn a_30_day_month_cancellation_divides_by_30() {
    // Cancelled 2025-11-12: 90,000 × 12 / 30 = 36,000.
    let q = quote(
        &desc(vec![sensor(
            "a",
            SensorType::N,
            d(2025, 8, 1),
            Some(d(2025, 11, 12)),
        )]),
        &Tariff::standard(),
    )
    .unwrap();
    assert_eq!(basic_line(month(&q, 2025, 11), "a"), Yen(36_000));
}

#[test]
fn half_up_rounding_changes_both_the_line_and_the_tax() {
    // 90,000 × 17 / 31 = 49,354.83 → 49,355 (half up); 399,355 × 10% = 39,935.5 → 39,936.
    let mut t = Tariff::standard();
    t.line_rounding = RoundingMode::HalfUp;
    t.tax_rounding = RoundingMode::HalfUp;
    let q = quote(
        &desc(vec![sensor("a", SensorType::N, d(2025, 8, 15), None)]),
        &t,
    )
    .unwrap();
    let aug = month(&q, 2025, 8);
    assert_eq!((aug.subtotal, aug.tax), (Yen(399_355), Yen(39_936)));
}

#[test]
fn a_quote_spanning_2025_07_31_says_which_terms_governed_which_days() {
    // Opened 2025-07-15: July is governed by both versions (7/1–7/30 old, 7/31 revised).
    let q = quote(
        &desc(vec![sensor("a", SensorType::N, d(2025, 7, 15), None)]),
        &Tariff::standard(),
    )
    .unwrap();
    let jul = month(&q, 2025, 7);
    assert_eq!(
        jul.terms_versions,
        vec![TermsVersion::Original, TermsVersion::Revised2025]
    );
    assert_eq!(
        month(&q, 2025, 8).terms_versions,
        vec![TermsVersion::Revised2025]
    );
    assert_eq!(q.terms_periods.len(), 2);
    assert_eq!(
        (q.terms_periods[0].from, q.terms_periods[0].to),
        (d(2025, 7, 1), d(2025, 7, 30))
    );
    assert_eq!(q.terms_periods[1].version, TermsVersion::Revised2025);
    assert_eq!(q.terms_periods[1].from, d(2025, 7, 31));
    // July 2025, 17 days: 90,000 × 17 / 31 = 49,354 — same fee under both texts.
    assert_eq!(basic_line(jul, "a"), Yen(49_354));
}

#[test]
fn the_installation_deadline_of_an_opening_on_monday_2025_08_18_is_tuesday_2025_08_12() {
    let q = quote(
        &desc(vec![sensor("a", SensorType::N, d(2025, 8, 18), None)]),
        &Tariff::standard(),
    )
    .unwrap();
    assert_eq!(
        q.installation_deadlines[0].deadline.deadline,
        d(2025, 8, 12)
    );
    assert_eq!(
        q.installation_deadlines[0].deadline.derivation.article,
        Article::Art31_16
    );
    // Quoted on 2025-08-01: still in time.
    assert!(!q.installation_deadlines[0].passed_on_quote_date);
}

#[test]
fn a_deadline_before_the_quote_date_is_flagged_and_billing_still_starts_on_opening() {
    // Opening 2025-08-18, deadline 08-12, quoted 08-14: too late to install in time,
    // but August is still billed from the 18th: 90,000 × 14 / 31 = 40,645.16 → 40,645.
    let mut x = desc(vec![sensor("a", SensorType::N, d(2025, 8, 18), None)]);
    x.quote_date = d(2025, 8, 14);
    let q = quote(&x, &Tariff::standard()).unwrap();
    assert!(q.installation_deadlines[0].passed_on_quote_date);
    assert_eq!(basic_line(month(&q, 2025, 8), "a"), Yen(40_645));
}

// --- Ancillary services, early termination and the cascade -------------------------

fn with_ancillaries(subs: Vec<AncillarySubscription>) -> ContractDescription {
    let mut x = desc(vec![sensor("a", SensorType::N, d(2025, 8, 18), None)]);
    x.ancillaries = subs;
    x
}

#[test]
fn the_three_fee_models_bill_once_monthly_and_per_period() {
    // Aug 2025: install 200,000 (initial) + ops 30,000 + report 600,000
    //   + basic 90,000 × 14 / 31 = 40,645.16 → 40,645 + initial fee 350,000.
    // Sep: ops 30,000 + basic 90,000 = 120,000. Aug 2026: report renews 600,000.
    let q = quote(
        &with_ancillaries(vec![
            sub(INSTALL, d(2025, 8, 18), None),
            sub(OPS, d(2025, 8, 18), None),
            sub(REPORT, d(2025, 8, 18), None),
        ]),
        &Tariff::standard(),
    )
    .unwrap();
    let aug = month(&q, 2025, 8);
    assert_eq!(aug.initial_subtotal, Yen(550_000));
    assert_eq!(aug.recurring_subtotal, Yen(40_645 + 30_000 + 600_000));
    assert_eq!(month(&q, 2025, 9).subtotal, Yen(120_000));
    assert_eq!(month(&q, 2026, 8).subtotal, Yen(90_000 + 30_000 + 600_000));
}

#[test]
fn cancelling_the_contract_cancels_every_ancillary_and_bills_the_lump_sum() {
    // Contract cancelled 2025-12-10 (Art. 13-2). December: basic 90,000 × 10 / 31 =
    // 29,032.25 → 29,032; ops 30,000 as usual; lump sum 30,000 × 7 (2026-01 … 2026-07)
    // = 210,000; the prepaid report owes nothing more and is not refunded.
    // Subtotal 269,032; tax 26,903.2 → 26,903.
    let mut x = with_ancillaries(vec![
        sub(OPS, d(2025, 8, 18), None),
        sub(REPORT, d(2025, 8, 18), None),
    ]);
    x.contract_cancellation = Some(ContractCancellation {
        date: d(2025, 12, 10),
        by: CancelledBy::Contractor,
        operator_fault: false,
    });
    let q = quote(&x, &Tariff::standard()).unwrap();
    let dec = month(&q, 2025, 12);
    assert_eq!(dec.settlement_subtotal, Yen(210_000));
    assert_eq!((dec.subtotal, dec.tax), (Yen(269_032), Yen(26_903)));
    assert_eq!(q.invoices.last().unwrap().month.month, 12);
    assert_eq!(q.early_terminations.len(), 2);
    assert!(
        q.early_terminations
            .iter()
            .all(|e| e.cause == Article::Art13_2)
    );
    let report = q
        .early_terminations
        .iter()
        .find(|e| e.item_id == REPORT)
        .unwrap();
    assert_eq!((report.lump_sum, report.refund), (Yen(0), Yen(0)));
}

#[test]
fn an_operator_fault_cancellation_refunds_the_unused_prepaid_months() {
    // Art. 14 with operator fault, 2025-12-10: report refund 600,000 × 7 / 12 = 350,000
    // as a credit line; ops lump sum 210,000 still due (Art. 19 second paragraph).
    let mut x = with_ancillaries(vec![
        sub(OPS, d(2025, 8, 18), None),
        sub(REPORT, d(2025, 8, 18), None),
    ]);
    x.contract_cancellation = Some(ContractCancellation {
        date: d(2025, 12, 10),
        by: CancelledBy::Operator,
        operator_fault: true,
    });
    let q = quote(&x, &Tariff::standard()).unwrap();
    let dec = month(&q, 2025, 12);
    assert_eq!(dec.settlement_subtotal, Yen(210_000 - 350_000));
    assert!(
        q.early_terminations
            .iter()
            .all(|e| e.cause == Article::Art14)
    );
    assert!(
        dec.lines
            .iter()
            .any(|l| matches!(l.kind, LineKind::PrepaidRefund { .. }) && l.amount == Yen(-350_000))
    );
}

#[test]
fn cancelling_one_ancillary_alone_settles_only_that_one() {
    // Ops cancelled 2026-03-31: lump sum 30,000 × 4 (2026-04 … 2026-07) = 120,000.
    let q = quote(
        &with_ancillaries(vec![sub(OPS, d(2025, 8, 18), Some(d(2026, 3, 31)))]),
        &Tariff::standard(),
    )
    .unwrap();
    assert_eq!(q.early_terminations.len(), 1);
    assert_eq!(q.early_terminations[0].lump_sum, Yen(120_000));
    assert_eq!(q.early_terminations[0].cause, Article::Art6_2);
    assert_eq!(month(&q, 2026, 3).settlement_subtotal, Yen(120_000));
    assert_eq!(month(&q, 2026, 4).subtotal, Yen(90_000));
}

#[test]
fn cancelling_the_basic_service_while_keeping_an_ancillary_is_refused() {
    let mut x = with_ancillaries(vec![sub(OPS, d(2025, 8, 18), None)]);
    x.sensors[0].cancellation = Some(d(2025, 12, 10));
    let e = quote(&x, &Tariff::standard()).unwrap_err();
    assert_eq!(
        e,
        ContractError::BasicCancelledWhileKeepingAncillary {
            field: "ancillaries[0].cancellation".into(),
            basic_end: d(2025, 12, 10),
        }
    );
    assert!(e.to_string().contains("Art. 13-2"));
}

#[test]
fn an_ancillary_cancellation_after_the_contract_cancellation_is_refused() {
    let mut x = with_ancillaries(vec![sub(OPS, d(2025, 8, 18), Some(d(2026, 1, 31)))]);
    x.contract_cancellation = Some(ContractCancellation {
        date: d(2025, 12, 10),
        by: CancelledBy::Contractor,
        operator_fault: false,
    });
    assert!(matches!(
        quote(&x, &Tariff::standard()),
        Err(ContractError::BasicCancelledWhileKeepingAncillary { .. })
    ));
}

#[test]
fn an_ancillary_dated_before_2025_07_31_is_refused() {
    let mut x = desc(vec![sensor("a", SensorType::N, d(2025, 7, 1), None)]);
    x.ancillaries = vec![sub(OPS, d(2025, 7, 30), None)];
    assert_eq!(
        quote(&x, &Tariff::standard()).unwrap_err(),
        ContractError::AncillaryBeforeRevisedTerms {
            field: "ancillaries[0].start".into(),
            date: d(2025, 7, 30),
        }
    );
    x.ancillaries = vec![sub(OPS, d(2025, 7, 31), None)];
    assert!(quote(&x, &Tariff::standard()).is_ok());
}

// --- Liability caps ------------------------------------------------------------------

fn damage(date: NaiveDate, cause: DamageCause, months: u32) -> Option<DamageScenario> {
    Some(DamageScenario {
        date,
        cause,
        damage_months: months,
    })
}

#[test]
fn under_the_old_terms_the_cap_is_the_monthly_fees_of_the_sensors_in_use() {
    // Damage 2025-07-20; a and b in use, c not yet open: 90,000 × 2 = 180,000.
    let mut x = desc(vec![
        sensor("a", SensorType::N, d(2025, 7, 1), None),
        sensor("b", SensorType::D, d(2025, 7, 15), None),
        sensor("c", SensorType::D, d(2025, 7, 25), None),
    ]);
    x.damage = damage(d(2025, 7, 20), DamageCause::Basic, 1);
    let cap = quote(&x, &Tariff::standard()).unwrap().liability.unwrap();
    assert_eq!(cap.terms, TermsVersion::Original);
    assert_eq!(cap.amount, Yen(180_000));
    assert_eq!(cap.sensors_in_use, vec!["a".to_string(), "b".to_string()]);
}

#[test]
fn under_the_revised_terms_a_basic_cap_in_a_prorated_month_is_the_prorated_amount() {
    // Opened 2025-08-15, damage 2025-08-20: billed 90,000 × 17 / 31 → 49,354.
    // Same contract, damage 2025-09-20: full month 90,000.
    let mut x = desc(vec![sensor("a", SensorType::N, d(2025, 8, 15), None)]);
    x.damage = damage(d(2025, 8, 20), DamageCause::Basic, 1);
    let t = Tariff::standard();
    let cap = quote(&x, &t).unwrap().liability.unwrap();
    assert_eq!(
        (cap.terms, cap.amount),
        (TermsVersion::Revised2025, Yen(49_354))
    );
    x.damage = damage(d(2025, 9, 20), DamageCause::Basic, 1);
    assert_eq!(
        quote(&x, &t).unwrap().liability.unwrap().amount,
        Yen(90_000)
    );
    // The other reading, as a tariff setting: the full monthly fee.
    let mut full = t.clone();
    full.basic_liability_reading = contract::tariff::BasicLiabilityReading::FullMonthlyFee;
    x.damage = damage(d(2025, 8, 20), DamageCause::Basic, 1);
    assert_eq!(
        quote(&x, &full).unwrap().liability.unwrap().amount,
        Yen(90_000)
    );
}

#[test]
fn the_same_contract_caps_differently_on_either_side_of_2025_07_31() {
    // Opened 2025-07-15. Damage 7/30 (old): 90,000. Damage 7/31 (revised, July
    // billed 17 days): 90,000 × 17 / 31 → 49,354.
    let mut x = desc(vec![sensor("a", SensorType::N, d(2025, 7, 15), None)]);
    let t = Tariff::standard();
    x.damage = damage(d(2025, 7, 30), DamageCause::Basic, 1);
    assert_eq!(
        quote(&x, &t).unwrap().liability.unwrap().amount,
        Yen(90_000)
    );
    x.damage = damage(d(2025, 7, 31), DamageCause::Basic, 1);
    assert_eq!(
        quote(&x, &t).unwrap().liability.unwrap().amount,
        Yen(49_354)
    );
}

#[test]
fn an_ancillary_cap_is_the_period_fee_divided_by_its_months_times_the_damage_months() {
    // Report: 600,000 ÷ 12 × 2 = 100,000. Ops: 30,000 × 12 ÷ 12 × 3 = 90,000.
    let mut x = with_ancillaries(vec![
        sub(OPS, d(2025, 8, 18), None),
        sub(REPORT, d(2025, 8, 18), None),
    ]);
    let t = Tariff::standard();
    x.damage = damage(
        d(2025, 10, 1),
        DamageCause::Ancillary {
            item_id: REPORT.into(),
        },
        2,
    );
    assert_eq!(
        quote(&x, &t).unwrap().liability.unwrap().amount,
        Yen(100_000)
    );
    x.damage = damage(
        d(2025, 10, 1),
        DamageCause::Ancillary {
            item_id: OPS.into(),
        },
        3,
    );
    let cap = quote(&x, &t).unwrap().liability.unwrap();
    assert_eq!(cap.amount, Yen(90_000));
    assert_eq!(cap.derivation.article, Article::Art27_2);
}

#[test]
fn an_ancillary_cause_under_the_old_terms_is_refused() {
    let mut x = desc(vec![sensor("a", SensorType::N, d(2025, 7, 1), None)]);
    x.damage = damage(
        d(2025, 7, 20),
        DamageCause::Ancillary {
            item_id: OPS.into(),
        },
        1,
    );
    assert!(matches!(
        quote(&x, &Tariff::standard()),
        Err(ContractError::BadDamageScenario { .. })
    ));
}

// --- Validation ----------------------------------------------------------------------

#[test]
fn a_cancellation_before_the_opening_names_both_fields() {
    let x = desc(vec![sensor(
        "a",
        SensorType::N,
        d(2025, 9, 10),
        Some(d(2025, 9, 9)),
    )]);
    let e = quote(&x, &Tariff::standard()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "sensors[0].cancellation: 2025-09-09 is before sensors[0].opening (2025-09-10)"
    );
}

#[test]
fn a_contract_without_sensor_contracts_is_refused() {
    let e = quote(&desc(vec![]), &Tariff::standard()).unwrap_err();
    assert!(matches!(e, ContractError::BadCount { ref field, value: 0, .. } if field == "sensors"));
}

#[test]
fn dates_outside_2000_to_2100_are_refused() {
    let e = quote(
        &desc(vec![sensor("a", SensorType::N, d(1999, 12, 31), None)]),
        &Tariff::standard(),
    )
    .unwrap_err();
    assert!(
        matches!(e, ContractError::DateOutOfRange { ref field, .. } if field == "sensors[0].opening")
    );
    let mut x = desc(vec![sensor("a", SensorType::N, d(2100, 6, 1), None)]);
    x.horizon = Horizon::Months(12);
    assert!(
        matches!(quote(&x, &Tariff::standard()), Err(ContractError::DateOutOfRange { ref field, .. }) if field == "horizon")
    );
}

#[test]
fn a_zero_or_absurd_horizon_is_refused() {
    let mut x = desc(vec![sensor("a", SensorType::N, d(2025, 9, 1), None)]);
    x.horizon = Horizon::Months(0);
    assert!(matches!(
        quote(&x, &Tariff::standard()),
        Err(ContractError::BadCount { .. })
    ));
    x.horizon = Horizon::Months(601);
    assert!(matches!(
        quote(&x, &Tariff::standard()),
        Err(ContractError::BadCount { .. })
    ));
    x.horizon = Horizon::Until(d(2025, 8, 31));
    assert!(matches!(
        quote(&x, &Tariff::standard()),
        Err(ContractError::DatesReversed { .. })
    ));
}

#[test]
fn an_unknown_catalogue_item_is_refused_with_its_id() {
    let x = with_ancillaries(vec![sub("gold-support", d(2025, 8, 18), None)]);
    let e = quote(&x, &Tariff::standard()).unwrap_err();
    assert!(
        e.to_string()
            .contains("ancillaries[0].item_id: unknown ancillary catalogue item \"gold-support\"")
    );
}

#[test]
fn a_repeated_sensor_id_is_refused() {
    let x = desc(vec![
        sensor("a", SensorType::N, d(2025, 9, 1), None),
        sensor("a", SensorType::D, d(2025, 9, 1), None),
    ]);
    assert!(matches!(
        quote(&x, &Tariff::standard()),
        Err(ContractError::BadIdentifier { .. })
    ));
}

#[test]
fn an_unknown_sensor_type_in_json_is_a_malformed_input_not_a_panic() {
    let json = r#"{"quote_date":"2025-08-01","sensors":[{"id":"a","sensor_type":"X","opening":"2025-08-15"}],"horizon":{"Months":12}}"#;
    let e = quote_json(json, &Tariff::standard()).unwrap_err();
    assert!(matches!(e, ContractError::Malformed { ref message } if message.contains("X")));
    let ok = json.replace("\"X\"", "\"D\"");
    assert!(quote_json(&ok, &Tariff::standard()).is_ok());
}

#[test]
fn a_quote_survives_a_json_round_trip_and_recomputes_identically() {
    let mut x = with_ancillaries(vec![
        sub(OPS, d(2025, 8, 18), None),
        sub(REPORT, d(2025, 9, 1), None),
    ]);
    x.damage = damage(d(2025, 10, 1), DamageCause::Basic, 1);
    let t = Tariff::standard();
    let q = quote(&x, &t).unwrap();
    let json = serde_json::to_string(&q).unwrap();
    let back: Quote = serde_json::from_str(&json).unwrap();
    assert_eq!(back, q);
    let desc_back: ContractDescription =
        serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
    assert_eq!(quote(&desc_back, &t).unwrap(), q);
}

#[test]
fn a_sensor_opening_after_the_contract_cancellation_is_refused() {
    let mut x = desc(vec![
        sensor("a", SensorType::N, d(2025, 8, 1), None),
        sensor("b", SensorType::N, d(2026, 1, 5), None),
    ]);
    x.contract_cancellation = Some(ContractCancellation {
        date: d(2025, 12, 31),
        by: CancelledBy::Contractor,
        operator_fault: false,
    });
    let e = quote(&x, &Tariff::standard()).unwrap_err();
    assert!(
        matches!(e, ContractError::DatesReversed { ref other_field, .. } if other_field == "sensors[1].opening")
    );
}

#[test]
fn an_ancillary_starting_after_the_basic_service_ended_is_refused() {
    let mut x = with_ancillaries(vec![sub(INSTALL, d(2026, 2, 1), None)]);
    x.sensors[0].cancellation = Some(d(2025, 12, 31));
    assert!(matches!(
        quote(&x, &Tariff::standard()),
        Err(ContractError::AncillaryWithoutBasic { .. })
    ));
}

#[test]
fn a_damage_cap_for_an_ancillary_not_in_use_is_refused() {
    let mut x = with_ancillaries(vec![sub(OPS, d(2025, 9, 1), None)]);
    x.damage = damage(
        d(2025, 8, 20),
        DamageCause::Ancillary {
            item_id: OPS.into(),
        },
        1,
    );
    assert!(matches!(
        quote(&x, &Tariff::standard()),
        Err(ContractError::BadDamageScenario { ref field, .. }) if field == "damage.cause.item_id"
    ));
}

#[test]
fn an_operator_cancellation_without_fault_still_owes_the_lump_sum_and_refunds_nothing() {
    // Art. 14 + Art. 19: ops lump sum 30,000 × 7 = 210,000; report: no refund.
    let mut x = with_ancillaries(vec![
        sub(OPS, d(2025, 8, 18), None),
        sub(REPORT, d(2025, 8, 18), None),
    ]);
    x.contract_cancellation = Some(ContractCancellation {
        date: d(2025, 12, 10),
        by: CancelledBy::Operator,
        operator_fault: false,
    });
    let q = quote(&x, &Tariff::standard()).unwrap();
    assert_eq!(month(&q, 2025, 12).settlement_subtotal, Yen(210_000));
}

#[test]
fn a_non_renewing_item_ends_on_its_period_end_date_without_a_settlement() {
    // Ops set not to renew: billed 2025-08 … 2026-07 (12 × 30,000), nothing after.
    let mut t = Tariff::standard();
    t.ancillary_catalogue[1].auto_renew = false;
    let q = quote(&with_ancillaries(vec![sub(OPS, d(2025, 8, 18), None)]), &t).unwrap();
    let ops: Yen = q
        .invoices
        .iter()
        .flat_map(|i| &i.lines)
        .filter(|l| matches!(l.kind, LineKind::Ancillary { .. }))
        .map(|l| l.amount)
        .sum();
    assert_eq!(ops, Yen(360_000));
    assert!(q.early_terminations.is_empty());
}

#[test]
fn a_prorated_ancillary_settles_the_prorated_remaining_months() {
    // Prorated ops 30,000/month, period 2025-08-18 … 2026-08-17, cancelled 2026-05-20.
    // Remaining: Jun 30,000 + Jul 30,000 + Aug 30,000 × 17 / 31 = 16,451.61 → 16,451
    // = 76,451. May itself: 30,000 × 20 / 31 = 19,354.83 → 19,354.
    let mut t = Tariff::standard();
    t.ancillary_catalogue[1].fee_model = contract::FeeModel::Monthly { prorated: true };
    let q = quote(
        &with_ancillaries(vec![sub(OPS, d(2025, 8, 18), Some(d(2026, 5, 20)))]),
        &t,
    )
    .unwrap();
    assert_eq!(q.early_terminations[0].lump_sum, Yen(76_451));
    let may = month(&q, 2026, 5);
    let ops = may
        .lines
        .iter()
        .find(|l| matches!(l.kind, LineKind::Ancillary { .. }))
        .unwrap();
    assert_eq!(ops.amount, Yen(19_354));
}

#[test]
fn a_horizon_given_as_an_end_date_runs_through_that_charge_month() {
    // 2025-09 … 2026-03 = 7 invoices.
    let mut x = desc(vec![sensor("a", SensorType::N, d(2025, 9, 1), None)]);
    x.horizon = Horizon::Until(d(2026, 3, 15));
    let q = quote(&x, &Tariff::standard()).unwrap();
    assert_eq!(q.invoices.len(), 7);
    assert_eq!(q.totals.recurring, Yen(630_000));
}

#[test]
fn the_old_terms_call_the_monthly_fee_a_usage_fee_in_the_derivation() {
    let q = quote(
        &desc(vec![sensor("a", SensorType::N, d(2025, 6, 10), None)]),
        &Tariff::standard(),
    )
    .unwrap();
    let jun = month(&q, 2025, 6);
    let line = jun
        .lines
        .iter()
        .find(|l| l.category == LineCategory::Recurring)
        .unwrap();
    assert!(line.derivation.note_en.starts_with("usage fee"));
    assert!(line.derivation.note_ja.starts_with("利用料金"));
    let sep = month(&q, 2025, 9);
    let line = sep
        .lines
        .iter()
        .find(|l| l.category == LineCategory::Recurring)
        .unwrap();
    assert!(line.derivation.note_en.contains("basic service fee"));
}

#[test]
fn the_example_catalogue_items_are_labelled_as_examples() {
    let t = Tariff::standard();
    assert!(t.ancillary_catalogue.iter().all(|i| i.example
        && i.name_en.starts_with("[EXAMPLE]")
        && i.name_ja.starts_with("【例】")));
    let q = quote(
        &desc(vec![sensor("a", SensorType::N, d(2025, 9, 1), None)]),
        &t,
    )
    .unwrap();
    assert_eq!(q.catalogue_version, t.catalogue_version);
}

#[test]
fn an_ancillary_running_through_a_gap_in_the_basic_service_is_refused() {
    // a: 2025-08-18 … 2025-12-31, b opens 2026-02-01: January has no basic service.
    let mut x = with_ancillaries(vec![sub(OPS, d(2025, 8, 18), None)]);
    x.sensors[0].cancellation = Some(d(2025, 12, 31));
    x.sensors
        .push(sensor("b", SensorType::N, d(2026, 2, 1), None));
    assert_eq!(
        quote(&x, &Tariff::standard()).unwrap_err(),
        ContractError::BasicCancelledWhileKeepingAncillary {
            field: "ancillaries[0].cancellation".into(),
            basic_end: d(2025, 12, 31),
        }
    );
    // Replacing the sensor the next day leaves no gap.
    x.sensors[1].opening = d(2026, 1, 1);
    assert!(quote(&x, &Tariff::standard()).is_ok());
}

#[test]
fn installation_support_may_be_bought_before_the_opening_date() {
    // Install support 2025-08-01, opening 2025-08-18: billed 200,000 in August.
    let q = quote(
        &with_ancillaries(vec![sub(INSTALL, d(2025, 8, 1), None)]),
        &Tariff::standard(),
    )
    .unwrap();
    assert_eq!(month(&q, 2025, 8).initial_subtotal, Yen(550_000));
}
