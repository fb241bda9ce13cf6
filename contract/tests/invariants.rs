//! Properties that hold for every contract, checked on generated inputs.

use chrono::{Datelike, Duration, NaiveDate};
use contract::{
    AncillarySubscription, CancelledBy, ContractCancellation, ContractDescription, DamageCause,
    DamageScenario, Fraction, Horizon, LineKind, RoundingMode, SensorContract, SensorType, Tariff,
    Yen, quote, quote_json,
};
use proptest::prelude::*;

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
}

/// A day within ~6 years of 2024-01-01.
fn day() -> impl Strategy<Value = NaiveDate> {
    (0i64..2_200).prop_map(|n| base() + Duration::days(n))
}

fn sensor_type() -> impl Strategy<Value = SensorType> {
    prop_oneof![Just(SensorType::N), Just(SensorType::D)]
}

/// A valid sensor contract: opening plus an optional length.
fn sensor(i: usize) -> impl Strategy<Value = SensorContract> {
    (sensor_type(), day(), proptest::option::of(0i64..900)).prop_map(move |(t, opening, len)| {
        SensorContract {
            id: format!("s{i}"),
            sensor_type: t,
            opening,
            cancellation: len.map(|l| opening + Duration::days(l)),
        }
    })
}

fn sensors() -> impl Strategy<Value = Vec<SensorContract>> {
    (1usize..6).prop_flat_map(|n| (0..n).map(sensor).collect::<Vec<_>>())
}

fn rounding() -> impl Strategy<Value = RoundingMode> {
    prop_oneof![Just(RoundingMode::Down), Just(RoundingMode::HalfUp)]
}

fn describe(sensors: Vec<SensorContract>) -> ContractDescription {
    ContractDescription {
        quote_date: base(),
        sensors,
        ancillaries: vec![],
        contract_cancellation: None,
        // Long enough to cover every generated date.
        horizon: Horizon::Until(NaiveDate::from_ymd_opt(2033, 12, 31).unwrap()),
        damage: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_sensor_in_use_for_a_whole_charge_month_is_billed_the_full_fee(s in sensors(), r in rounding()) {
        let mut t = Tariff::standard();
        t.line_rounding = r;
        let q = quote(&describe(s.clone()), &t).unwrap();
        for inv in &q.invoices {
            let first = inv.month.first_day();
            let last = inv.month.last_day();
            for sc in &s {
                let whole = sc.opening <= first && sc.cancellation.is_none_or(|c| c >= last);
                let line = inv.lines.iter().find(|l| matches!(&l.kind, LineKind::BasicFee { sensor_id } if *sensor_id == sc.id));
                if whole {
                    prop_assert_eq!(line.map(|l| l.amount), Some(Yen(90_000)));
                } else if let Some(l) = line {
                    prop_assert!(l.amount < Yen(90_000) || r == RoundingMode::HalfUp);
                }
            }
        }
    }

    #[test]
    fn the_days_billed_equal_the_days_from_opening_to_cancellation_inclusive(s in sensors()) {
        let q = quote(&describe(s.clone()), &Tariff::standard()).unwrap();
        for sc in s.iter().filter(|sc| sc.cancellation.is_some()) {
            let billed: i64 = q.invoices.iter()
                .flat_map(|i| &i.lines)
                .filter(|l| matches!(&l.kind, LineKind::BasicFee { sensor_id } if *sensor_id == sc.id))
                .map(|l| l.days.unwrap().0 as i64)
                .sum();
            let expected = (sc.cancellation.unwrap() - sc.opening).num_days() + 1;
            prop_assert_eq!(billed, expected);
        }
    }

    #[test]
    fn tax_is_computed_once_per_invoice_on_the_sum_of_lines(s in sensors(), r in rounding(), rate in 0u32..=25) {
        let mut t = Tariff::standard();
        t.tax_rounding = r;
        t.tax_rate_percent = rate;
        let q = quote(&describe(s), &t).unwrap();
        for inv in &q.invoices {
            let sum: Yen = inv.lines.iter().map(|l| l.amount).sum();
            prop_assert_eq!(sum, inv.subtotal);
            let expected = Fraction::ratio_of(sum, rate as i64, 100).round(r);
            prop_assert_eq!(inv.tax, expected);
            prop_assert_eq!(inv.total, inv.subtotal + inv.tax);
        }
        prop_assert_eq!(q.totals.total, q.totals.subtotal + q.totals.tax);
    }

    #[test]
    fn every_opening_month_carries_exactly_one_initial_fee_per_sensor(s in sensors()) {
        let q = quote(&describe(s.clone()), &Tariff::standard()).unwrap();
        let initial: Yen = s.iter().map(|sc| match sc.sensor_type {
            SensorType::N => Yen(350_000),
            SensorType::D => Yen(250_000),
        }).sum();
        prop_assert_eq!(q.totals.initial, initial);
    }
}

/// Any date at all, including far outside the supported range.
fn any_day() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        (-1_000_000i32..1_000_000).prop_map(
            |n| NaiveDate::from_num_days_from_ce_opt(730_000 + n).unwrap_or(NaiveDate::MIN)
        ),
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
        (1998i32..2102, 1u32..=12, 1u32..=31)
            .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(base())),
    ]
}

fn any_item() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("example-operation-support".to_string()),
        Just("example-assessment-report".to_string()),
        Just("example-installation-support".to_string()),
        ".{0,8}",
    ]
}

fn any_description() -> impl Strategy<Value = ContractDescription> {
    let sensor = (
        ".{0,3}",
        sensor_type(),
        any_day(),
        proptest::option::of(any_day()),
    )
        .prop_map(|(id, t, o, c)| SensorContract {
            id,
            sensor_type: t,
            opening: o,
            cancellation: c,
        });
    let sub = (
        any_item(),
        any_day(),
        proptest::option::of(any_day()),
        any::<bool>(),
    )
        .prop_map(
            |(item_id, start, cancellation, operator_fault)| AncillarySubscription {
                item_id,
                start,
                cancellation,
                operator_fault,
            },
        );
    let cancel = proptest::option::of((any_day(), any::<bool>(), any::<bool>()).prop_map(
        |(date, op, fault)| ContractCancellation {
            date,
            by: if op {
                CancelledBy::Operator
            } else {
                CancelledBy::Contractor
            },
            operator_fault: fault,
        },
    ));
    let horizon = prop_oneof![
        any::<u32>().prop_map(Horizon::Months),
        (0u32..700).prop_map(Horizon::Months),
        any_day().prop_map(Horizon::Until)
    ];
    let damage = proptest::option::of(
        (any_day(), proptest::option::of(any_item()), any::<u32>()).prop_map(|(date, item, m)| {
            DamageScenario {
                date,
                cause: match item {
                    Some(item_id) => DamageCause::Ancillary { item_id },
                    None => DamageCause::Basic,
                },
                damage_months: m % 200,
            }
        }),
    );
    (
        any_day(),
        proptest::collection::vec(sensor, 0..5),
        proptest::collection::vec(sub, 0..4),
        cancel,
        horizon,
        damage,
    )
        .prop_map(
            |(quote_date, sensors, ancillaries, contract_cancellation, horizon, damage)| {
                ContractDescription {
                    quote_date,
                    sensors,
                    ancillaries,
                    contract_cancellation,
                    horizon,
                    damage,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn quote_never_panics_on_any_description(x in any_description(), fee in any::<i64>(), rate in any::<u32>(), lead in 0u32..100) {
        let _ = quote(&x, &Tariff::standard());
        let mut t = Tariff::standard();
        t.basic_fee_monthly = Yen(fee);
        t.tax_rate_percent = rate;
        t.installation_lead_business_days = lead;
        let _ = quote(&x, &t);
    }

    #[test]
    fn quote_json_never_panics_on_any_text(s in ".{0,200}") {
        let _ = quote_json(&s, &Tariff::standard());
    }

    #[test]
    fn a_successful_quote_is_deterministic(x in any_description()) {
        let t = Tariff::standard();
        if let Ok(q) = quote(&x, &t) {
            prop_assert_eq!(quote(&x, &t).unwrap(), q.clone());
            prop_assert!(q.invoices.iter().all(|i| i.month.year >= 2000 && i.month.first_day().year() <= 2100));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn cancelling_a_monthly_ancillary_inside_its_period_still_pays_the_whole_period(
        start_off in 0i64..400,
        cancel_off in 0i64..365,
    ) {
        // Billed months + lump sum = 30,000 × 12, wherever the cancellation falls
        // in the first period (Art. 6-2 default reading).
        let start = NaiveDate::from_ymd_opt(2025, 7, 31).unwrap() + Duration::days(start_off);
        let mut x = describe(vec![SensorContract {
            id: "a".into(),
            sensor_type: SensorType::N,
            opening: start,
            cancellation: None,
        }]);
        let period_end = {
            let m = contract::ChargeMonth::of(start).plus(11);
            m.last_day()
        };
        let cancel = (start + Duration::days(cancel_off)).min(period_end);
        x.ancillaries = vec![AncillarySubscription {
            item_id: "example-operation-support".into(),
            start,
            cancellation: Some(cancel),
            operator_fault: false,
        }];
        let q = quote(&x, &Tariff::standard()).unwrap();
        let paid: Yen = q.invoices.iter()
            .flat_map(|i| &i.lines)
            .filter(|l| matches!(l.kind, LineKind::Ancillary { .. } | LineKind::EarlyTermination { .. }))
            .map(|l| l.amount)
            .sum();
        prop_assert_eq!(paid, Yen(360_000));
    }

    #[test]
    fn nothing_is_billed_after_the_contract_cancellation_date(s in sensors(), c in day(), op in any::<bool>()) {
        let mut x = describe(s);
        let first = x.sensors.iter().map(|s| s.opening).max().unwrap();
        let c = c.max(first);
        x.contract_cancellation = Some(ContractCancellation {
            date: c,
            by: if op { CancelledBy::Operator } else { CancelledBy::Contractor },
            operator_fault: false,
        });
        let q = quote(&x, &Tariff::standard()).unwrap();
        prop_assert!(q.invoices.iter().all(|i| i.month <= contract::ChargeMonth::of(c)));
        let last = q.invoices.iter().find(|i| i.month == contract::ChargeMonth::of(c));
        if let Some(inv) = last {
            for l in inv.lines.iter().filter(|l| matches!(l.kind, LineKind::BasicFee { .. })) {
                prop_assert!(l.days.unwrap().0 <= c.day());
            }
        }
    }
}
