//! One invoice per charge month: a line per sensor contract and per ancillary
//! item, and consumption tax computed once on the sum of the tax-excluded
//! lines (the qualified-invoice rule), never per line.

use serde::{Deserialize, Serialize};

use crate::derivation::{Article, Derivation};
use crate::money::{Fraction, RoundingMode, Yen};
use crate::proration::ChargeMonth;
use crate::tariff::{SensorType, Tariff};
use crate::terms::TermsVersion;
use crate::text::Text;

/// What a line bills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    /// Initial fee of a sensor contract (first charge month).
    InitialFee {
        /// Sensor contract id.
        sensor_id: Text,
        /// Its hardware type.
        sensor_type: SensorType,
    },
    /// Basic service fee of a sensor contract.
    BasicFee {
        /// Sensor contract id.
        sensor_id: Text,
    },
    /// An ancillary service fee.
    Ancillary {
        /// Catalogue item.
        item_id: String,
        /// Index of the subscription in the description.
        subscription: usize,
    },
    /// Art. 6-2 lump sum for an ancillary cancelled inside its period.
    EarlyTermination {
        /// Catalogue item.
        item_id: String,
        /// Index of the subscription in the description.
        subscription: usize,
    },
    /// Prepaid fee refunded on operator fault (a negative line).
    PrepaidRefund {
        /// Catalogue item.
        item_id: String,
        /// Index of the subscription in the description.
        subscription: usize,
    },
}

/// Whether a line is a one-off start-up charge, a recurring charge, or a
/// settlement on cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LineCategory {
    /// Initial fees and one-time ancillary fees.
    Initial,
    /// Basic service fees and monthly / prepaid ancillary fees.
    Recurring,
    /// Early-termination lump sums and refunds.
    Settlement,
}

/// One invoice line (tax-excluded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// What it bills.
    pub kind: LineKind,
    /// Initial, recurring or settlement.
    pub category: LineCategory,
    /// Days in use and days of the month, when prorated by days.
    pub days: Option<(u32, u32)>,
    /// Tax-excluded amount after rounding.
    pub amount: Yen,
    /// How it was computed.
    pub derivation: Derivation,
}

impl InvoiceLine {
    /// A short English label for display, e.g. `Basic service fee — plant-a`;
    /// catalogue names come from the tariff the quote was made with.
    pub fn label_en(&self, tariff: &Tariff) -> String {
        let item = |id: &str| {
            tariff
                .item(id)
                .map_or_else(|| id.to_string(), |i| i.name_en.clone())
        };
        match &self.kind {
            LineKind::InitialFee {
                sensor_id,
                sensor_type,
            } => format!("Initial fee ({}) — {sensor_id}", sensor_type.label()),
            LineKind::BasicFee { sensor_id } => format!("Basic service fee — {sensor_id}"),
            LineKind::Ancillary { item_id, .. } => item(item_id),
            LineKind::EarlyTermination { item_id, .. } => {
                format!("Early termination (Art. 6-2) — {}", item(item_id))
            }
            LineKind::PrepaidRefund { item_id, .. } => {
                format!("Prepaid fee refund — {}", item(item_id))
            }
        }
    }

    /// Japanese counterpart of [`Self::label_en`].
    pub fn label_ja(&self, tariff: &Tariff) -> String {
        let item = |id: &str| {
            tariff
                .item(id)
                .map_or_else(|| id.to_string(), |i| i.name_ja.clone())
        };
        match &self.kind {
            LineKind::InitialFee {
                sensor_id,
                sensor_type,
            } => format!("初期費用（{}）— {sensor_id}", sensor_type.label()),
            LineKind::BasicFee { sensor_id } => format!("基本サービス料 — {sensor_id}"),
            LineKind::Ancillary { item_id, .. } => item(item_id),
            LineKind::EarlyTermination { item_id, .. } => {
                format!("契約期間内解約金（第6条の2）— {}", item(item_id))
            }
            LineKind::PrepaidRefund { item_id, .. } => {
                format!("前払い料金の返金 — {}", item(item_id))
            }
        }
    }
}

/// The invoice of one charge month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// The charge month.
    pub month: ChargeMonth,
    /// Terms versions in force on some day of the month (two for July 2025).
    pub terms_versions: Vec<TermsVersion>,
    /// The lines.
    pub lines: Vec<InvoiceLine>,
    /// Sum of initial lines.
    pub initial_subtotal: Yen,
    /// Sum of recurring lines.
    pub recurring_subtotal: Yen,
    /// Sum of settlement lines.
    pub settlement_subtotal: Yen,
    /// Sum of all lines, tax-excluded.
    pub subtotal: Yen,
    /// Consumption tax of the invoice.
    pub tax: Yen,
    /// How the tax was computed.
    pub tax_derivation: Derivation,
    /// Tax-included total.
    pub total: Yen,
}

/// Consumption tax on a tax-excluded sum: `sum × rate / 100`, rounded once.
pub fn consumption_tax(subtotal: Yen, rate_percent: u32, mode: RoundingMode) -> (Yen, Derivation) {
    consumption_tax_noted(
        subtotal,
        rate_percent,
        mode,
        &TaxNotes::new(rate_percent, mode),
    )
}

/// The notes of every tax derivation for one rate and rounding: the same on
/// each invoice of a quote, so built once per quote.
#[derive(Debug, Clone)]
pub(crate) struct TaxNotes {
    ja: String,
    en: String,
}

impl TaxNotes {
    pub(crate) fn new(rate_percent: u32, mode: RoundingMode) -> TaxNotes {
        TaxNotes {
            ja: format!(
                "消費税は請求書ごと・税率ごとに税抜合計へ{rate_percent}%を乗じて1回だけ計算し、円未満{}（適格請求書）。",
                mode.label_ja()
            ),
            en: format!(
                "Consumption tax is computed once per invoice and rate on the tax-excluded sum at {rate_percent}%, {} (qualified-invoice rule).",
                mode.label_en()
            ),
        }
    }
}

/// [`consumption_tax`] with notes built by [`TaxNotes::new`] for the same
/// rate and rounding.
fn consumption_tax_noted(
    subtotal: Yen,
    rate_percent: u32,
    mode: RoundingMode,
    notes: &TaxNotes,
) -> (Yen, Derivation) {
    let unrounded = Fraction::ratio_of(subtotal, rate_percent as i64, 100);
    let tax = unrounded.round(mode);
    let rounded = if unrounded.is_integer() {
        String::new()
    } else {
        format!(" → {tax} ({})", mode.label_en())
    };
    (
        tax,
        Derivation::new(
            format!(
                "{subtotal} × {rate_percent}% = {}{rounded}",
                unrounded.display_2dp()
            ),
            Article::ConsumptionTax,
            notes.ja.clone(),
            notes.en.clone(),
        ),
    )
}

/// Assemble the invoice of `month` from its lines.
pub fn build_invoice(
    month: ChargeMonth,
    terms_versions: Vec<TermsVersion>,
    lines: Vec<InvoiceLine>,
    tax_rate_percent: u32,
    tax_rounding: RoundingMode,
) -> Invoice {
    build_invoice_noted(
        month,
        terms_versions,
        lines,
        tax_rate_percent,
        tax_rounding,
        &TaxNotes::new(tax_rate_percent, tax_rounding),
    )
}

/// [`build_invoice`] with the tax notes built once per quote.
pub(crate) fn build_invoice_noted(
    month: ChargeMonth,
    terms_versions: Vec<TermsVersion>,
    lines: Vec<InvoiceLine>,
    tax_rate_percent: u32,
    tax_rounding: RoundingMode,
    tax_notes: &TaxNotes,
) -> Invoice {
    let mut initial_subtotal = Yen::ZERO;
    let mut recurring_subtotal = Yen::ZERO;
    let mut settlement_subtotal = Yen::ZERO;
    for l in &lines {
        match l.category {
            LineCategory::Initial => initial_subtotal += l.amount,
            LineCategory::Recurring => recurring_subtotal += l.amount,
            LineCategory::Settlement => settlement_subtotal += l.amount,
        }
    }
    let subtotal = initial_subtotal + recurring_subtotal + settlement_subtotal;
    let (tax, tax_derivation) =
        consumption_tax_noted(subtotal, tax_rate_percent, tax_rounding, tax_notes);
    Invoice {
        month,
        terms_versions,
        lines,
        initial_subtotal,
        recurring_subtotal,
        settlement_subtotal,
        subtotal,
        tax,
        tax_derivation,
        total: subtotal + tax,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(amount: i64) -> InvoiceLine {
        InvoiceLine {
            kind: LineKind::BasicFee {
                sensor_id: "s".into(),
            },
            category: LineCategory::Recurring,
            days: None,
            amount: Yen(amount),
            derivation: Derivation::new("", Article::TariffTable1, "", ""),
        }
    }

    #[test]
    fn tax_is_computed_once_on_the_sum_not_per_line() {
        // Lines 5 + 5 + 5 = 15; 15 × 10% = 1.5 → 1 (down).
        // Per line it would be 0.5 → 0 each, 0 in total: a different answer.
        let inv = build_invoice(
            ChargeMonth {
                year: 2025,
                month: 9,
            },
            vec![TermsVersion::Revised2025],
            vec![line(5), line(5), line(5)],
            10,
            RoundingMode::Down,
        );
        assert_eq!(
            (inv.subtotal, inv.tax, inv.total),
            (Yen(15), Yen(1), Yen(16))
        );
        assert_eq!(
            inv.tax_derivation.formula,
            "15 × 10% = 1.5 → 1 (rounded down)"
        );
    }

    #[test]
    fn lines_label_themselves_from_the_catalogue() {
        let t = Tariff::standard();
        let mut l = line(1);
        assert_eq!(l.label_en(&t), "Basic service fee — s");
        l.kind = LineKind::EarlyTermination {
            item_id: "example-operation-support".into(),
            subscription: 0,
        };
        assert!(
            l.label_ja(&t)
                .starts_with("契約期間内解約金（第6条の2）— 【例】運用支援")
        );
    }

    #[test]
    fn tax_half_up_rounds_a_half_yen_up() {
        // 49,355 × 10% = 4,935.5 → 4,936 (half up), 4,935 (down)
        assert_eq!(
            consumption_tax(Yen(49_355), 10, RoundingMode::HalfUp).0,
            Yen(4_936)
        );
        assert_eq!(
            consumption_tax(Yen(49_355), 10, RoundingMode::Down).0,
            Yen(4_935)
        );
    }

    #[test]
    fn the_tariff_table_tax_included_prices_follow_from_10_percent() {
        // 350,000 → 385,000; 250,000 → 275,000; 90,000 → 99,000
        for (ex, inc) in [(350_000, 385_000), (250_000, 275_000), (90_000, 99_000)] {
            let (tax, _) = consumption_tax(Yen(ex), 10, RoundingMode::Down);
            assert_eq!(Yen(ex) + tax, Yen(inc));
        }
    }
}
