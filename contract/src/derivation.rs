//! How each amount was derived: the formula with its numbers, the article of
//! the terms it comes from, and a short note in Japanese and English.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A provision of the terms of use (or the tariff) that an amount rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Article {
    /// 第6条の2 契約期間 (ancillary contract periods, early termination).
    Art6_2,
    /// 第7条 その他の契約内容の変更 (adding or changing services).
    Art7,
    /// 第13条第2項 (basic service cannot be cancelled alone; cascade).
    Art13_2,
    /// 第14条 当社が行う本契約の解約 (operator cancellation).
    Art14,
    /// 第19条 料金の支払義務 (payment from opening through cancellation).
    Art19,
    /// 第27条第2項 責任の制限 (liability cap).
    Art27_2,
    /// 第31条(16) (installation 4 business days before opening).
    Art31_16,
    /// 料金表 通則 (daily proration, change applies from its day).
    TariffGeneralRules,
    /// 料金表 第1表 (initial fees, basic service fee).
    TariffTable1,
    /// 附帯サービス料 別に定めます (the ancillary catalogue).
    AncillaryCatalogue,
    /// Not in the terms: consumption tax, one computation per invoice and rate
    /// (qualified-invoice rule), rounding per the tariff setting.
    ConsumptionTax,
}

impl Article {
    /// Japanese citation.
    pub fn label_ja(self) -> &'static str {
        match self {
            Article::Art6_2 => "第6条の2（契約期間）",
            Article::Art7 => "第7条（その他の契約内容の変更）",
            Article::Art13_2 => "第13条第2項",
            Article::Art14 => "第14条（当社が行う本契約の解約）",
            Article::Art19 => "第19条（料金の支払義務）",
            Article::Art27_2 => "第27条第2項（責任の制限）",
            Article::Art31_16 => "第31条(16)",
            Article::TariffGeneralRules => "料金表 通則（料金の計算方法等）",
            Article::TariffTable1 => "料金表 第1表",
            Article::AncillaryCatalogue => "附帯サービス料（別に定めます）",
            Article::ConsumptionTax => "消費税（適格請求書の端数処理）",
        }
    }

    /// English citation.
    pub fn label_en(self) -> &'static str {
        match self {
            Article::Art6_2 => "Art. 6-2 (contract period)",
            Article::Art7 => "Art. 7 (other contract changes)",
            Article::Art13_2 => "Art. 13-2",
            Article::Art14 => "Art. 14 (cancellation by the operator)",
            Article::Art19 => "Art. 19 (payment obligation)",
            Article::Art27_2 => "Art. 27-2 (limitation of liability)",
            Article::Art31_16 => "Art. 31(16)",
            Article::TariffGeneralRules => "Tariff, general rules (fee calculation)",
            Article::TariffTable1 => "Tariff, table 1",
            Article::AncillaryCatalogue => "Ancillary service fees (defined separately)",
            Article::ConsumptionTax => "Consumption tax (qualified-invoice rounding)",
        }
    }
}

/// The derivation of one amount: formula, article and notes, read through
/// [`Deref`] as `d.formula`, `d.article`, `d.note_ja`, `d.note_en`.
///
/// Immutable and shared: a quote has thousands of lines but only a few dozen
/// distinct derivations (the full-month line of a 31-day month reads the same
/// for every sensor contract), so cloning one shares it instead of copying
/// its text. Every line still carries its complete derivation, and it
/// serialises exactly as [`DerivationParts`] (a plain JSON object).
#[derive(Clone, PartialEq, Eq)]
pub struct Derivation(Arc<DerivationParts>);

/// The contents of a [`Derivation`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivationParts {
    /// The formula with its numbers, e.g.
    /// `90,000 × 17 / 31 = 49,354.83 → 49,354 (rounded down)`.
    pub formula: String,
    /// Where the rule comes from.
    pub article: Article,
    /// Explanation in Japanese.
    pub note_ja: String,
    /// Explanation in English.
    pub note_en: String,
}

impl Derivation {
    /// Build a derivation from its parts.
    pub fn new(
        formula: impl Into<String>,
        article: Article,
        note_ja: impl Into<String>,
        note_en: impl Into<String>,
    ) -> Derivation {
        Derivation(Arc::new(DerivationParts {
            formula: formula.into(),
            article,
            note_ja: note_ja.into(),
            note_en: note_en.into(),
        }))
    }
}

impl Deref for Derivation {
    type Target = DerivationParts;
    fn deref(&self) -> &DerivationParts {
        &self.0
    }
}

impl From<DerivationParts> for Derivation {
    fn from(parts: DerivationParts) -> Derivation {
        Derivation(Arc::new(parts))
    }
}

/// Prints as the struct it reads as: `Derivation { formula: …, … }`.
impl fmt::Debug for Derivation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Derivation")
            .field("formula", &self.0.formula)
            .field("article", &self.0.article)
            .field("note_ja", &self.0.note_ja)
            .field("note_en", &self.0.note_en)
            .finish()
    }
}

impl Serialize for Derivation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Derivation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Derivation, D::Error> {
        DerivationParts::deserialize(deserializer).map(Derivation::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_derivation_serialises_as_a_plain_object_and_round_trips() {
        let d = Derivation::new(
            "90,000 × 17 / 31 = 49,354.83 → 49,354 (rounded down)",
            Article::TariffGeneralRules,
            "日割り",
            "prorated",
        );
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"{"formula":"90,000 × 17 / 31 = 49,354.83 → 49,354 (rounded down)","article":"TariffGeneralRules","note_ja":"日割り","note_en":"prorated"}"#
        );
        assert_eq!(serde_json::from_str::<Derivation>(&json).unwrap(), d);
        assert_eq!(d.article, Article::TariffGeneralRules);
        assert!(format!("{d:?}").starts_with("Derivation { formula: \"90,000"));
    }

    #[test]
    fn a_cloned_derivation_shares_its_text() {
        let d = Derivation::new("f", Article::Art19, "ja", "en");
        let e = d.clone();
        assert!(std::ptr::eq(d.formula.as_str(), e.formula.as_str()));
        assert_eq!(d, e);
    }
}
