//! The pieces of a quote on screen, shared by the simulator and the admin's
//! contract recorder: the form editor, the summary, the cost chart, the
//! month table, the details and the terms comparison.

pub mod cost_chart;
pub mod details;
pub mod editor;
pub mod month_table;
pub mod summary;
pub mod terms_comparison;

use contract::{ContractDescription, Quote};
use leptos::prelude::*;

use crate::i18n::Lang;
use crate::quotes::form::Computed;

pub use cost_chart::CostChart;
pub use details::Details;
pub use editor::Editor;
pub use month_table::MonthlyTable;
pub use summary::Summary;
pub use terms_comparison::TermsComparison;

pub fn with_quote<R>(
    result: Memo<Computed>,
    f: impl FnOnce(&ContractDescription, &Quote) -> R,
) -> Option<R> {
    result.with(|r| r.as_ref().ok().map(|(d, q)| f(d, q)))
}

pub fn derivation_title(d: &contract::Derivation, lang: Lang) -> String {
    format!(
        "{}\n{}\n{}",
        d.formula,
        lang.pick(d.article.label_ja(), d.article.label_en()),
        lang.pick(&d.note_ja, &d.note_en)
    )
}
