//! Text a person reads, in both languages of the product: alert titles and
//! advice, and the evidence behind a role.

use serde::{Deserialize, Serialize};

/// Text in Japanese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    pub ja: String,
    pub en: String,
}

/// `Texts` from a Japanese and an English text.
pub fn t(ja: impl Into<String>, en: impl Into<String>) -> Texts {
    Texts {
        ja: ja.into(),
        en: en.into(),
    }
}
