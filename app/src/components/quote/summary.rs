//! The totals of a quote at a glance, each explaining the sum it is.

use contract::Quote;
use leptos::prelude::*;

use super::with_quote;
use crate::i18n::{fill, use_lang, use_t};
use crate::quotes::TARIFF;
use crate::quotes::form::Computed;
use crate::quotes::table::{terms_label, yen};

#[component]
pub fn Summary(result: Memo<Computed>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    // Each total's tooltip shows the sum it is.
    let explain = move |which: &'static str| {
        move || {
            with_quote(result, |_, q| {
                let n = q.invoices.len();
                let tt = &q.totals;
                let words = &lang.get().catalogue().q;
                match which {
                    "subtotal" => format!(
                        "{} + {} + {} = {}",
                        yen(tt.initial),
                        yen(tt.recurring),
                        yen(tt.settlement),
                        yen(tt.subtotal)
                    ),
                    "tax" => fill(
                        words.tip_tax,
                        &[("n", &n), ("rate", &TARIFF.tax_rate_percent)],
                    ),
                    "total" => {
                        format!("{} + {} = {}", yen(tt.subtotal), yen(tt.tax), yen(tt.total))
                    }
                    _ => fill(words.tip_lines, &[("n", &n)]),
                }
            })
            .unwrap_or_default()
        }
    };
    let figure = move |label: fn(&crate::i18n::Catalogue) -> &'static str,
                       value: fn(&Quote) -> contract::Yen,
                       testid: &'static str,
                       which: &'static str| {
        view! {
            <div class="figure" title=explain(which)>
                <span class="label">{move || label(t())}</span>
                <span class="value" data-testid=testid>
                    {move || with_quote(result, |_, q| yen(value(q))).unwrap_or_default()}
                </span>
            </div>
        }
    };
    view! {
        <div class="summary" data-testid="quote-summary">
            {figure(|c| c.q.total_initial, |q| q.totals.initial, "total-initial", "lines")}
            {figure(|c| c.q.total_recurring, |q| q.totals.recurring, "total-recurring", "lines")}
            {figure(|c| c.q.total_settlement, |q| q.totals.settlement, "total-settlement", "lines")}
            {figure(|c| c.q.total_subtotal, |q| q.totals.subtotal, "total-subtotal", "subtotal")}
            {figure(|c| c.q.total_tax, |q| q.totals.tax, "total-tax", "tax")}
            <div class="figure total" title=explain("total")>
                <span class="label">{move || t().q.total_value}</span>
                <span class="value" data-testid="total-total">
                    {move || with_quote(result, |_, q| yen(q.totals.total)).unwrap_or_default()}
                </span>
            </div>
        </div>
        <p class="muted small" data-testid="terms-periods">
            {move || t().q.terms_governing} ": "
            {move || with_quote(result, |_, q| {
                q.terms_periods.iter().map(|p| format!("{} – {} {}", p.from, p.to, terms_label(p.version, lang.get()))).collect::<Vec<_>>().join(" / ")
            }).unwrap_or_default()}
        </p>
    }
}
