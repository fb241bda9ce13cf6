//! The same contract under the original and the revised terms, side by side.

use contract::{TermsVersion, TermsView, compare_terms_given};
use leptos::prelude::*;

use super::with_quote;
use crate::i18n::{fill, use_lang, use_t};
use crate::quotes::TARIFF;
use crate::quotes::form::Computed;
use crate::quotes::table::{terms_label, yen};

/// The same contract under each version of the terms; computed only while open.
#[component]
pub fn TermsComparison(result: Memo<Computed>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let open = RwSignal::new(false);
    let views = Memo::new(move |_| {
        if !open.get() {
            return None;
        }
        with_quote(result, |d, q| compare_terms_given(d, q, &TARIFF).ok()).flatten()
    });
    let column = move |v: &TermsView| {
        let lang = lang.get();
        let liability = match &v.liability {
            None => "—".to_string(),
            Some(Ok(cap)) => yen(cap.amount),
            Some(Err(e)) => fill(
                lang.catalogue().q.liability_not_applicable,
                &[("reason", e)],
            ),
        };
        view! {
            <td data-testid=format!("terms-{:?}", v.version)>
                <div class="strong">{yen(v.totals.total)}</div>
                <div class="muted small">{move || t().q.total_subtotal} " " {yen(v.totals.subtotal)}</div>
                {(v.ancillaries_dropped > 0).then(|| view! { <div class="warn small">{move || t().q.ancillaries_dropped} " (" {v.ancillaries_dropped} ")"</div> })}
                <div>{move || t().q.liability} ": " {liability}</div>
            </td>
        }
    };
    view! {
        <details class="terms-compare">
            // Mirrors the native toggle, so the comparison is computed only while shown.
            <summary data-testid="terms-compare-toggle" on:click=move |_| open.update(|o| *o = !*o)>{move || t().q.terms_compare}</summary>
            <p class="hint">{move || t().q.terms_compare_hint}</p>
            <table data-testid="terms-compare">
                <thead><tr>
                    {TermsVersion::ALL.map(|v| view! { <th>{move || terms_label(v, lang.get())}</th> }).collect_view()}
                </tr></thead>
                <tbody><tr>
                    {move || views.get().map(|vs| vs.iter().map(column).collect_view())}
                </tr></tbody>
            </table>
        </details>
    }
}
