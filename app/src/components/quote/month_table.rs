//! The month-by-month invoice table, each month expandable to its lines.

use contract::ChargeMonth;
use leptos::prelude::*;

use super::{derivation_title, with_quote};
use crate::i18n::{use_lang, use_t};
use crate::quotes::TARIFF;
use crate::quotes::form::Computed;
use crate::quotes::table::{MonthRow, csv_data_url, month_rows, monthly_csv, terms_label, yen};

#[component]
pub fn MonthlyTable(result: Memo<Computed>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let expanded = RwSignal::new(None::<ChargeMonth>);
    let rows = Memo::new(move |_| with_quote(result, |_, q| month_rows(q)).unwrap_or_default());
    let csv_href = move || {
        with_quote(result, |_, q| csv_data_url(&monthly_csv(q, lang.get()))).unwrap_or_default()
    };

    let row_view = move |r: MonthRow| {
        let month = r.month;
        let terms = r
            .terms
            .iter()
            .map(|v| terms_label(*v, lang.get_untracked()))
            .collect::<Vec<_>>()
            .join(" / ");
        let tax_title = with_quote(result, |_, q| {
            q.invoices
                .get(r.invoice)
                .map(|inv| derivation_title(&inv.tax_derivation, lang.get_untracked()))
        })
        .flatten()
        .unwrap_or_default();
        view! {
            <tr
                class="month"
                class:prorated=r.prorated
                class:open=move || expanded.get() == Some(month)
                data-testid=format!("month-{}", month.label())
                tabindex="0"
                on:click=move |_| expanded.update(|e| *e = if *e == Some(month) { None } else { Some(month) })
            >
                <td>{month.label()} {r.prorated.then(|| view! { <span class="badge" title=move || t().q.prorated_hint>{move || t().q.prorated}</span> })}</td>
                <td class="muted small">{terms}</td>
                <td class="num">{yen(r.initial)}</td>
                <td class="num">{yen(r.recurring)}</td>
                <td class="num">{yen(r.settlement)}</td>
                <td class="num">{yen(r.subtotal)}</td>
                <td class="num" title=tax_title>{yen(r.tax)}</td>
                <td class="num strong">{yen(r.total)}</td>
                <td class="num muted">{yen(r.cumulative)}</td>
            </tr>
            <Show when=move || expanded.get() == Some(month)>
                <tr class="lines"><td colspan="9"><InvoiceLines result=result month=month /></td></tr>
            </Show>
        }
    };

    view! {
        <div class="table-head">
            <h2>{move || t().q.monthly}</h2>
            <a class="button" data-testid="csv-download" href=csv_href download="otlens-quote.csv">
                {move || t().q.csv}
            </a>
        </div>
        <p class="hint">{move || t().q.monthly_hint}</p>
        <div class="scroll">
            <table class="monthly" data-testid="monthly-table">
                <thead><tr>
                    <th>{move || t().q.month}</th>
                    <th>{move || t().q.terms}</th>
                    <th class="num">{move || t().q.initial}</th>
                    <th class="num">{move || t().q.recurring}</th>
                    <th class="num">{move || t().q.settlement}</th>
                    <th class="num">{move || t().q.subtotal}</th>
                    <th class="num">{move || t().q.tax}</th>
                    <th class="num">{move || t().q.total}</th>
                    <th class="num">{move || t().q.cumulative}</th>
                </tr></thead>
                <tbody>
                    {move || {
                        let _ = lang.get();
                        rows.get().into_iter().map(row_view).collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}

/// The lines of one month's invoice with their derivations.
#[component]
fn InvoiceLines(result: Memo<Computed>, month: ChargeMonth) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    move || {
        let lang = lang.get();
        with_quote(result, |_, q| {
            q.invoices.iter().find(|i| i.month == month).map(|inv| {
                let lines = inv.lines.iter().map(|l| {
                    let label = lang.pick(l.label_ja(&TARIFF), l.label_en(&TARIFF));
                    let days = l.days.map(|(u, d)| format!("{u}/{d}")).unwrap_or_default();
                    let article = lang.pick(l.derivation.article.label_ja(), l.derivation.article.label_en());
                    let note = lang.pick(&l.derivation.note_ja, &l.derivation.note_en).clone();
                    view! {
                        <tr title=derivation_title(&l.derivation, lang)>
                            <td>{label}</td>
                            <td class="num muted">{days}</td>
                            <td class="num">{yen(l.amount)}</td>
                            <td class="derivation"><code>{l.derivation.formula.clone()}</code><br /><span class="muted small">{article} " — " {note}</span></td>
                        </tr>
                    }
                }).collect_view();
                let tax_article = lang.pick(inv.tax_derivation.article.label_ja(), inv.tax_derivation.article.label_en());
                view! {
                    <table class="lines" data-testid="invoice-lines">
                        <thead><tr>
                            <th>{move || t().q.line}</th>
                            <th class="num">{move || t().q.days}</th>
                            <th class="num">{move || t().q.amount}</th>
                            <th>{move || t().q.derivation}</th>
                        </tr></thead>
                        <tbody>
                            {lines}
                            <tr class="tax">
                                <td>{move || t().q.tax}</td><td></td>
                                <td class="num">{yen(inv.tax)}</td>
                                <td class="derivation"><code>{inv.tax_derivation.formula.clone()}</code><br /><span class="muted small">{tax_article}</span></td>
                            </tr>
                        </tbody>
                    </table>
                }
            })
        }).flatten()
    }
}
