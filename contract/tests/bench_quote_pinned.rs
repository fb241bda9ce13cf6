//! Pins the complete output of the benchmarked quote (`benches/quote.rs`) as
//! computed before any performance work, so an optimisation provably changes
//! nothing: every amount, every line and every derivation string.
//!
//! The whole quote is pinned by the length and FNV-1a hash of its JSON (what
//! the UI and the server receive); the spot checks below say *what* differs
//! when the hash does.

use contract::{ChargeMonth, Invoice, LineCategory, LineKind, Quote, Tariff, Yen, quote};

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn bench_quote() -> Quote {
    quote(
        &contract::sample::benchmark_description(),
        &Tariff::standard(),
    )
    .expect("valid quote")
}

fn invoice(q: &Quote, year: i32, month: u32) -> &Invoice {
    q.invoices
        .iter()
        .find(|i| i.month == ChargeMonth { year, month })
        .unwrap_or_else(|| panic!("no invoice for {year}-{month}"))
}

fn basic_line_json(inv: &Invoice, sensor: &str) -> String {
    let line = inv
        .lines
        .iter()
        .find(|l| matches!(&l.kind, LineKind::BasicFee { sensor_id } if sensor_id == sensor))
        .unwrap_or_else(|| panic!("no basic line for {sensor}"));
    serde_json::to_string(line).unwrap()
}

#[test]
fn the_whole_benchmarked_quote_is_unchanged() {
    let q = bench_quote();
    let json = serde_json::to_string(&q).unwrap();
    assert_eq!(json.len(), 2_209_593);
    assert_eq!(fnv1a(json.as_bytes()), 0xcfbe_47b8_edd2_8335);
}

#[test]
fn the_benchmarked_quote_round_trips_through_json() {
    // A saved quote (shared derivations and ids included) reads back equal.
    let q = bench_quote();
    let json = serde_json::to_string(&q).unwrap();
    let back: Quote = serde_json::from_str(&json).unwrap();
    assert_eq!(back, q);
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
}

#[test]
fn the_benchmarked_totals_and_invoices_are_unchanged() {
    let q = bench_quote();
    assert_eq!(q.totals.initial, Yen(30_200_000));
    assert_eq!(q.totals.recurring, Yen(488_985_475));
    assert_eq!(q.totals.settlement, Yen(0));
    assert_eq!(q.totals.subtotal, Yen(519_185_475));
    assert_eq!(q.totals.tax, Yen(51_918_543));
    assert_eq!(q.totals.total, Yen(571_104_018));
    assert_eq!(q.invoices.len(), 60);
    assert_eq!(
        q.invoices.iter().map(|i| i.lines.len()).sum::<usize>(),
        5_606
    );

    // (year, month, lines, initial, recurring, subtotal, tax, total, tax formula)
    let expected = [
        (
            2025,
            8,
            183,
            27_200_000,
            4_288_050,
            31_488_050,
            3_148_805,
            34_636_855,
            "31,488,050 × 10% = 3,148,805",
        ),
        (
            2025,
            9,
            93,
            350_000,
            8_151_000,
            8_501_000,
            850_100,
            9_351_100,
            "8,501,000 × 10% = 850,100",
        ),
        (
            2025,
            10,
            94,
            250_000,
            8_161_935,
            8_411_935,
            841_193,
            9_253_128,
            "8,411,935 × 10% = 841,193.5 → 841,193 (rounded down)",
        ),
        (
            2026,
            2,
            94,
            350_000,
            8_252_142,
            8_602_142,
            860_214,
            9_462_356,
            "8,602,142 × 10% = 860,214.2 → 860,214 (rounded down)",
        ),
        (
            2026,
            8,
            97,
            250_000,
            9_005_806,
            9_255_806,
            925_580,
            10_181_386,
            "9,255,806 × 10% = 925,580.6 → 925,580 (rounded down)",
        ),
        (
            2028,
            2,
            91,
            0,
            8_130_000,
            8_130_000,
            813_000,
            8_943_000,
            "8,130,000 × 10% = 813,000",
        ),
        (
            2030,
            7,
            91,
            0,
            8_130_000,
            8_130_000,
            813_000,
            8_943_000,
            "8,130,000 × 10% = 813,000",
        ),
    ];
    for (y, m, n, initial, recurring, subtotal, tax, total, formula) in expected {
        let inv = invoice(&q, y, m);
        assert_eq!(inv.lines.len(), n, "{y}-{m}");
        assert_eq!(inv.initial_subtotal, Yen(initial), "{y}-{m}");
        assert_eq!(inv.recurring_subtotal, Yen(recurring), "{y}-{m}");
        assert_eq!(inv.settlement_subtotal, Yen(0), "{y}-{m}");
        assert_eq!(inv.subtotal, Yen(subtotal), "{y}-{m}");
        assert_eq!(inv.tax, Yen(tax), "{y}-{m}");
        assert_eq!(inv.total, Yen(total), "{y}-{m}");
        assert_eq!(inv.tax_derivation.formula, formula, "{y}-{m}");
    }
}

#[test]
fn the_benchmarked_lines_and_derivations_are_unchanged() {
    let q = bench_quote();
    let aug25 = invoice(&q, 2025, 8);
    assert_eq!(
        serde_json::to_string(&aug25.lines[0]).unwrap(),
        r#"{"kind":{"InitialFee":{"sensor_id":"sensor-000","sensor_type":"N"}},"category":"Initial","days":null,"amount":350000,"derivation":{"formula":"350,000 (Type N sensor contract)","article":"TariffTable1","note_ja":"初期費用は開通日を含む最初の料金月に請求（設置未完了でも開通日から請求、第31条(16)）。","note_en":"The initial fee is billed with the first charge month, from the opening date even if the sensor was not installed in time (Art. 31(16))."}}"#
    );
    assert_eq!(
        basic_line_json(aug25, "sensor-000"),
        r#"{"kind":{"BasicFee":{"sensor_id":"sensor-000"}},"category":"Recurring","days":[14,31],"amount":40645,"derivation":{"formula":"90,000 × 14 / 31 = 40,645.16 → 40,645 (rounded down)","article":"TariffGeneralRules","note_ja":"基本サービス料を料金月の日数（31日）で日割り、利用14日（開通日・解約日を含む）。円未満切り捨て。","note_en":"basic service fee prorated by the days of the charge month (31); 14 days in use, opening and cancellation days included; rounded down."}}"#
    );
    // The first line of every kind of ancillary item.
    let ancillary: Vec<String> = aug25
        .lines
        .iter()
        .filter(|l| matches!(l.kind, LineKind::Ancillary { .. }))
        .map(|l| serde_json::to_string(l).unwrap())
        .collect();
    assert_eq!(
        ancillary,
        [
            r#"{"kind":{"Ancillary":{"item_id":"example-installation-support","subscription":0}},"category":"Initial","days":null,"amount":200000,"derivation":{"formula":"200,000 (one-time)","article":"AncillaryCatalogue","note_ja":"附帯サービス料（一括）。開始月に請求。","note_en":"Ancillary fee, one-time: billed in the month the service starts."}}"#,
            r#"{"kind":{"Ancillary":{"item_id":"example-operation-support","subscription":1}},"category":"Recurring","days":null,"amount":30000,"derivation":{"formula":"30,000 (full month)","article":"AncillaryCatalogue","note_ja":"附帯サービス料（月額）。利用のある料金月ごとに月額全額（日割りなし）。","note_en":"Ancillary fee, monthly: the full fee for every charge month in use (not prorated)."}}"#,
            r#"{"kind":{"Ancillary":{"item_id":"example-assessment-report","subscription":2}},"category":"Recurring","days":null,"amount":600000,"derivation":{"formula":"600,000 (prepaid for 12 months, 2025-08-18 to 2026-07-31)","article":"Art6_2","note_ja":"附帯サービス料を契約期間分一括前払い。当社の責による解約を除き返金なし。","note_en":"Ancillary fee prepaid for the whole contract period; never refunded unless the cancellation is the operator's fault."}}"#,
        ]
    );
    // Full months of 30, 31, 28 and 29 days.
    let full = |days: u32| {
        format!(
            r#"{{"kind":{{"BasicFee":{{"sensor_id":"sensor-000"}}}},"category":"Recurring","days":[{days},{days}],"amount":90000,"derivation":{{"formula":"90,000 × {days} / {days} = 90,000 (full month)","article":"TariffGeneralRules","note_ja":"料金月の全日利用のため基本サービス料の月額全額。","note_en":"In use every day of the charge month: the full monthly basic service fee."}}}}"#
        )
    };
    assert_eq!(
        basic_line_json(invoice(&q, 2025, 9), "sensor-000"),
        full(30)
    );
    assert_eq!(
        basic_line_json(invoice(&q, 2025, 10), "sensor-000"),
        full(31)
    );
    assert_eq!(
        basic_line_json(invoice(&q, 2026, 2), "sensor-000"),
        full(28)
    );
    assert_eq!(
        basic_line_json(invoice(&q, 2028, 2), "sensor-000"),
        full(29)
    );
    // An addition opening mid-month and a removal cancelled mid-month.
    let sep25 = invoice(&q, 2025, 9);
    assert_eq!(
        basic_line_json(sep25, "sensor-080"),
        r#"{"kind":{"BasicFee":{"sensor_id":"sensor-080"}},"category":"Recurring","days":[7,30],"amount":21000,"derivation":{"formula":"90,000 × 7 / 30 = 21,000","article":"TariffGeneralRules","note_ja":"基本サービス料を料金月の日数（30日）で日割り、利用7日（開通日・解約日を含む）。円未満切り捨て。","note_en":"basic service fee prorated by the days of the charge month (30); 7 days in use, opening and cancellation days included; rounded down."}}"#
    );
    let feb26 = invoice(&q, 2026, 2);
    assert_eq!(
        basic_line_json(feb26, "sensor-084"),
        r#"{"kind":{"BasicFee":{"sensor_id":"sensor-084"}},"category":"Recurring","days":[10,28],"amount":32142,"derivation":{"formula":"90,000 × 10 / 28 = 32,142.85 → 32,142 (rounded down)","article":"TariffGeneralRules","note_ja":"基本サービス料を料金月の日数（28日）で日割り、利用10日（開通日・解約日を含む）。円未満切り捨て。","note_en":"basic service fee prorated by the days of the charge month (28); 10 days in use, opening and cancellation days included; rounded down."}}"#
    );
    assert_eq!(
        basic_line_json(invoice(&q, 2025, 10), "sensor-090"),
        r#"{"kind":{"BasicFee":{"sensor_id":"sensor-090"}},"category":"Recurring","days":[10,31],"amount":29032,"derivation":{"formula":"90,000 × 10 / 31 = 29,032.25 → 29,032 (rounded down)","article":"TariffGeneralRules","note_ja":"基本サービス料を料金月の日数（31日）で日割り、利用10日（開通日・解約日を含む）。円未満切り捨て。","note_en":"basic service fee prorated by the days of the charge month (31); 10 days in use, opening and cancellation days included; rounded down."}}"#
    );
    // A removed sensor has no line after its cancellation month.
    assert!(
        !invoice(&q, 2025, 11).lines.iter().any(
            |l| matches!(&l.kind, LineKind::BasicFee { sensor_id } if sensor_id == "sensor-090")
        )
    );

    // 31 distinct derivations in all, and every line has one.
    let mut distinct: Vec<String> = Vec::new();
    for l in q.invoices.iter().flat_map(|i| &i.lines) {
        assert!(!l.derivation.formula.is_empty());
        assert!(!l.derivation.note_ja.is_empty());
        assert!(!l.derivation.note_en.is_empty());
        let key = serde_json::to_string(&l.derivation).unwrap();
        if !distinct.contains(&key) {
            distinct.push(key);
        }
    }
    assert_eq!(distinct.len(), 31);
    assert_eq!(
        q.invoices
            .iter()
            .flat_map(|i| &i.lines)
            .filter(|l| l.category == LineCategory::Initial)
            .count(),
        101
    );
}

#[test]
fn the_benchmarked_deadlines_and_terms_are_unchanged() {
    let q = bench_quote();
    assert_eq!(q.installation_deadlines.len(), 100);
    assert_eq!(
        serde_json::to_string(&q.installation_deadlines[85]).unwrap(),
        r#"{"sensor_id":"sensor-085","deadline":{"opening":"2026-03-28","deadline":"2026-03-24","derivation":{"formula":"2026-03-28 Sat − 4 business days = 2026-03-24 Tue","article":"Art31_16","note_ja":"開通日の4営業日前までに設置（開通日は数えない）。除外日: なし。未設置でも開通日から請求。","note_en":"Install no later than 4 business days before the opening date (the opening date is not counted). Skipped: none. Billing starts on the opening date even if not installed."}},"passed_on_quote_date":false}"#
    );
    let d0 = &q.installation_deadlines[0].deadline;
    assert_eq!(
        d0.derivation.formula,
        "2025-08-18 Mon − 4 business days = 2025-08-12 Tue"
    );
    assert!(
        d0.derivation
            .note_en
            .contains("Skipped: 2025-08-17 Sun (weekend), 2025-08-16 Sat (weekend).")
    );
    assert_eq!(
        serde_json::to_string(&q.terms_periods).unwrap(),
        r#"[{"version":"Revised2025","from":"2025-08-01","to":"2030-07-31"}]"#
    );
}
