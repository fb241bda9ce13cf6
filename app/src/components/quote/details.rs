//! Installation deadlines, early-termination settlements and the liability cap.

use leptos::prelude::*;

use super::{derivation_title, with_quote};
use crate::i18n::{fill, use_lang, use_t};
use crate::quotes::TARIFF;
use crate::quotes::form::Computed;
use crate::quotes::table::{terms_label, yen};

/// Installation deadlines, early-termination settlements and the liability cap.
#[component]
pub fn Details(result: Memo<Computed>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    view! {
        <div class="columns details">
            <div>
                <h3>{move || t().q.deadlines}</h3>
                <ul class="plain" data-testid="deadlines">
                    {move || {
                        let lang = lang.get();
                        with_quote(result, |_, q| {
                            // One line per opening date: sensors opened together share it.
                            let mut seen = Vec::new();
                            q.installation_deadlines.iter().filter(|d| {
                                let new = !seen.contains(&d.deadline.opening);
                                seen.push(d.deadline.opening);
                                new
                            }).map(|d| {
                                let n = q.installation_deadlines.iter().filter(|o| o.deadline.opening == d.deadline.opening).count();
                                view! {
                                    <li title=derivation_title(&d.deadline.derivation, lang) class:late=d.passed_on_quote_date>
                                        {fill(lang.catalogue().q.deadline_line, &[("opening", &d.deadline.opening), ("n", &n), ("deadline", &d.deadline.deadline)])}
                                        {d.passed_on_quote_date.then(|| view! { <strong class="warn">" " {move || t().q.deadline_passed}</strong> })}
                                    </li>
                                }
                            }).collect_view()
                        })
                    }}
                </ul>
            </div>
            <div>
                <h3>{move || t().q.early_termination}</h3>
                <ul class="plain" data-testid="early-terminations">
                    {move || {
                        let lang = lang.get();
                        with_quote(result, |_, q| {
                            if q.early_terminations.is_empty() {
                                return view! { <li class="muted">{move || t().q.none}</li> }.into_any();
                            }
                            q.early_terminations.iter().map(|e| {
                                let name = TARIFF.item(&e.item_id).map(|i| lang.pick(&i.name_ja, &i.name_en).clone()).unwrap_or_else(|| e.item_id.clone());
                                view! {
                                    <li title=derivation_title(&e.derivation, lang)>
                                        {name} ": " {yen(e.lump_sum)}
                                        {(e.refund.0 != 0).then(|| format!(" (−{})", yen(e.refund)))}
                                        <br /><code class="small">{e.derivation.formula.clone()}</code>
                                    </li>
                                }
                            }).collect_view().into_any()
                        })
                    }}
                </ul>
            </div>
            <div>
                <h3>{move || t().q.liability}</h3>
                <div data-testid="liability">
                    {move || {
                        let lang = lang.get();
                        with_quote(result, |_, q| match &q.liability {
                            None => view! { <p class="muted">{move || t().q.liability_none}</p> }.into_any(),
                            Some(cap) => view! {
                                <p title=derivation_title(&cap.derivation, lang)>
                                    <strong data-testid="liability-amount">{yen(cap.amount)}</strong>
                                    " (" {terms_label(cap.terms, lang)} ")"
                                    <br /><code class="small">{cap.derivation.formula.clone()}</code>
                                    <br /><span class="muted small">{lang.pick(&cap.derivation.note_ja, &cap.derivation.note_en).clone()}</span>
                                </p>
                            }.into_any(),
                        })
                    }}
                </div>
            </div>
        </div>
    }
}
