//! The month-by-month view of a quote, its CSV export, and the figures a
//! saved quote is checked against.

use contract::{ChargeMonth, Invoice, LineKind, Quote, TermsVersion, Yen};
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// One row of the monthly table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthRow {
    pub month: ChargeMonth,
    /// Index of the invoice in `Quote::invoices`.
    pub invoice: usize,
    /// Some line of the month is billed for part of the month.
    pub prorated: bool,
    pub terms: Vec<TermsVersion>,
    pub initial: Yen,
    pub recurring: Yen,
    pub settlement: Yen,
    pub subtotal: Yen,
    pub tax: Yen,
    pub total: Yen,
    /// Tax-included total of this and every earlier month.
    pub cumulative: Yen,
}

/// True when a line is billed for fewer days than its month has.
pub fn is_prorated(invoice: &Invoice) -> bool {
    invoice
        .lines
        .iter()
        .any(|l| matches!(l.days, Some((used, of)) if used < of))
}

pub fn month_rows(quote: &Quote) -> Vec<MonthRow> {
    let mut cumulative = Yen(0);
    quote
        .invoices
        .iter()
        .enumerate()
        .map(|(i, inv)| {
            cumulative += inv.total;
            MonthRow {
                month: inv.month,
                invoice: i,
                prorated: is_prorated(inv),
                terms: inv.terms_versions.clone(),
                initial: inv.initial_subtotal,
                recurring: inv.recurring_subtotal,
                settlement: inv.settlement_subtotal,
                subtotal: inv.subtotal,
                tax: inv.tax,
                total: inv.total,
                cumulative,
            }
        })
        .collect()
}

/// `¥1,234,567` (negative amounts as `-¥1,234`).
pub fn yen(amount: Yen) -> String {
    if amount.0 < 0 {
        format!("-¥{}", Yen(-amount.0))
    } else {
        format!("¥{amount}")
    }
}

/// Short label of a terms version for tables.
pub fn terms_label(version: TermsVersion, lang: Lang) -> &'static str {
    let q = &lang.catalogue().q;
    match version {
        TermsVersion::Original => q.terms_original,
        TermsVersion::Revised2025 => q.terms_revised,
    }
}

/// The monthly table as CSV (RFC 4180, CRLF, plain integer yen so a
/// spreadsheet sums them), headed in the page's language.
pub fn monthly_csv(quote: &Quote, lang: Lang) -> String {
    let q = &lang.catalogue().q;
    let mut out = q.csv_header.map(csv_field).join(",");
    out.push_str("\r\n");
    for r in month_rows(quote) {
        let terms: Vec<&str> = r.terms.iter().map(|t| terms_label(*t, lang)).collect();
        let prorated = if r.prorated { q.csv_prorated } else { "" };
        let fields = [
            r.month.label(),
            prorated.to_owned(),
            terms.join(" / "),
            r.initial.0.to_string(),
            r.recurring.0.to_string(),
            r.settlement.0.to_string(),
            r.subtotal.0.to_string(),
            r.tax.0.to_string(),
            r.total.0.to_string(),
            r.cumulative.0.to_string(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// A `data:` URL for a download link: UTF-8 with a byte-order mark, which
/// spreadsheet programs need to read Japanese headers correctly.
pub fn csv_data_url(csv: &str) -> String {
    let mut url = String::from("data:text/csv;charset=utf-8,%EF%BB%BF");
    for b in csv.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// What a browser claims a quote comes to; the server recomputes the quote
/// and refuses to save when its own figures differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteFigures {
    pub subtotal: i64,
    pub tax: i64,
    pub total: i64,
    /// (charge month `YYYY-MM`, tax-included total) per invoice.
    pub months: Vec<(String, i64)>,
}

impl QuoteFigures {
    pub fn of(quote: &Quote) -> QuoteFigures {
        QuoteFigures {
            subtotal: quote.totals.subtotal.0,
            tax: quote.totals.tax.0,
            total: quote.totals.total.0,
            months: quote
                .invoices
                .iter()
                .map(|i| (i.month.label(), i.total.0))
                .collect(),
        }
    }

    /// The first figure that differs, described for the error message.
    pub fn first_difference(&self, computed: &QuoteFigures) -> Option<String> {
        let pairs = [
            ("subtotal", self.subtotal, computed.subtotal),
            ("tax", self.tax, computed.tax),
            ("total", self.total, computed.total),
        ];
        if let Some((name, sent, ours)) = pairs.iter().find(|(_, a, b)| a != b) {
            return Some(format!("{name}: {sent} sent, {ours} computed"));
        }
        if self.months.len() != computed.months.len() {
            return Some(format!(
                "invoices: {} sent, {} computed",
                self.months.len(),
                computed.months.len()
            ));
        }
        self.months
            .iter()
            .zip(&computed.months)
            .find(|(a, b)| a != b)
            .map(|((m, sent), (cm, ours))| {
                format!("invoice {m}: {sent} sent, {cm} {ours} computed")
            })
    }
}

/// The line kinds grouped as a 見積書 shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetItem {
    InitialFee(contract::SensorType),
    BasicFee,
    Ancillary(String),
    EarlyTermination(String),
    PrepaidRefund(String),
}

/// One line of the printed quote: every invoice line of one kind over the
/// horizon, summed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetLine {
    pub item: SheetItem,
    /// Invoice lines summed (sensor contracts for an initial fee,
    /// sensor-months for the basic fee, charge months for an ancillary item).
    pub quantity: u32,
    /// Of which billed for part of a month.
    pub prorated: u32,
    /// The unit price when every line has the same amount.
    pub unit: Option<Yen>,
    pub amount: Yen,
}

/// The quote's lines grouped for print, in the order they first appear.
pub fn sheet_lines(quote: &Quote) -> Vec<SheetLine> {
    let mut out: Vec<SheetLine> = Vec::new();
    for line in quote.invoices.iter().flat_map(|i| &i.lines) {
        let item = match &line.kind {
            LineKind::InitialFee { sensor_type, .. } => SheetItem::InitialFee(*sensor_type),
            LineKind::BasicFee { .. } => SheetItem::BasicFee,
            LineKind::Ancillary { item_id, .. } => SheetItem::Ancillary(item_id.clone()),
            LineKind::EarlyTermination { item_id, .. } => {
                SheetItem::EarlyTermination(item_id.clone())
            }
            LineKind::PrepaidRefund { item_id, .. } => SheetItem::PrepaidRefund(item_id.clone()),
        };
        let prorated = u32::from(matches!(line.days, Some((used, of)) if used < of));
        match out.iter_mut().find(|s| s.item == item) {
            Some(s) => {
                s.quantity += 1;
                s.prorated += prorated;
                s.amount += line.amount;
                if s.unit != Some(line.amount) {
                    s.unit = None;
                }
            }
            None => out.push(SheetLine {
                item,
                quantity: 1,
                prorated,
                unit: Some(line.amount),
                amount: line.amount,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use contract::{ContractDescription, Horizon, SensorContract, SensorType, Tariff};

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn quote() -> Quote {
        let desc = ContractDescription {
            quote_date: d(2025, 8, 1),
            sensors: vec![
                SensorContract {
                    id: "a".into(),
                    sensor_type: SensorType::N,
                    opening: d(2025, 8, 15),
                    cancellation: None,
                },
                SensorContract {
                    id: "b".into(),
                    sensor_type: SensorType::D,
                    opening: d(2025, 9, 1),
                    cancellation: Some(d(2025, 10, 10)),
                },
            ],
            ancillaries: vec![],
            contract_cancellation: None,
            horizon: Horizon::Months(3),
            damage: None,
        };
        contract::quote(&desc, &Tariff::standard()).expect("valid")
    }

    #[test]
    fn rows_mark_prorated_months_and_accumulate_totals() {
        let rows = month_rows(&quote());
        let marks: Vec<_> = rows.iter().map(|r| (r.month.label(), r.prorated)).collect();
        assert_eq!(
            marks,
            [
                ("2025-08".to_string(), true),
                ("2025-09".to_string(), false),
                ("2025-10".to_string(), true)
            ]
        );
        // August: 350,000 + 49,354 = 399,354, tax 39,935 → 439,289.
        assert_eq!(rows[0].total, Yen(439_289));
        assert_eq!(
            rows[2].cumulative,
            Yen(rows.iter().map(|r| r.total.0).sum())
        );
    }

    #[test]
    fn csv_has_a_header_and_one_line_per_month() {
        let csv = monthly_csv(&quote(), Lang::En);
        let lines: Vec<_> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 5, "header, 3 months, trailing empty");
        assert!(lines[0].starts_with("charge month,prorated,terms,initial"));
        assert_eq!(
            lines[1],
            "2025-08,yes,revised terms,350000,49354,0,399354,39935,439289,439289"
        );
        assert!(monthly_csv(&quote(), Lang::Ja).starts_with("料金月,日割,"));
    }

    #[test]
    fn csv_fields_with_separators_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn the_data_url_percent_encodes_everything_but_safe_bytes() {
        let url = csv_data_url("月,1\r\n");
        assert_eq!(
            url,
            "data:text/csv;charset=utf-8,%EF%BB%BF%E6%9C%88%2C1%0D%0A"
        );
    }

    #[test]
    fn figures_name_the_first_difference() {
        let q = quote();
        let ours = QuoteFigures::of(&q);
        assert_eq!(ours.first_difference(&ours), None);
        let mut sent = ours.clone();
        sent.months[1].1 += 1;
        sent.total += 1;
        assert_eq!(
            sent.first_difference(&ours),
            Some(format!(
                "total: {} sent, {} computed",
                ours.total + 1,
                ours.total
            ))
        );
        sent.total -= 1;
        assert!(
            sent.first_difference(&ours)
                .expect("differs")
                .starts_with("invoice 2025-09:")
        );
    }

    #[test]
    fn sheet_lines_sum_each_kind_over_the_horizon() {
        let lines = sheet_lines(&quote());
        let basic = lines
            .iter()
            .find(|l| l.item == SheetItem::BasicFee)
            .expect("basic fee");
        // a: Aug (prorated), Sep, Oct; b: Sep, Oct (prorated).
        assert_eq!((basic.quantity, basic.prorated, basic.unit), (5, 2, None));
        let initial_n = lines
            .iter()
            .find(|l| l.item == SheetItem::InitialFee(SensorType::N))
            .expect("initial N");
        assert_eq!(
            (initial_n.quantity, initial_n.unit),
            (1, Some(Yen(350_000)))
        );
        let sum: Yen = lines.iter().map(|l| l.amount).sum();
        assert_eq!(sum, quote().totals.subtotal);
    }
}
