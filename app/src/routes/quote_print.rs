//! `/quotes/:id/print`: the printable quote (見積書) of a saved quote,
//! recomputed from its saved form with the same engine, rendered on the
//! server so printing to PDF needs no script.

use contract::{Quote, SensorType};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_router::{LazyRoute, lazy_route};
use model::JsonText;

use crate::auth::Area;
use crate::components::guard::{RequireArea, set_http_status};
use crate::error::{AppError, decoded};
use crate::i18n::{Lang, fill, use_lang, use_t};
use crate::quotes::table::{SheetItem, SheetLine, month_rows, sheet_lines, terms_label, yen};
use crate::quotes::{SavedQuote, TARIFF, get_quote};

/// The saved quote, requested as soon as the route matches, while the
/// browser loads the page's code (its own WASM chunk, with the engine). As
/// JSON text, decoded by the page's own code: `data()` is in the main file.
pub struct QuotePrintPage {
    saved: Resource<Result<JsonText<SavedQuote>, AppError>>,
}

#[lazy_route]
impl LazyRoute for QuotePrintPage {
    fn data() -> Self {
        let params = use_params_map();
        let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
        QuotePrintPage {
            saved: Resource::new(id, |id| async move {
                match id {
                    Some(id) => get_quote(id).await,
                    None => Err(AppError::NotFound),
                }
            }),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::Quotes>
                <QuoteSheet saved=this.saved />
            </RequireArea>
        }
        .into_any()
    }
}

#[component]
fn QuoteSheet(saved: Resource<Result<JsonText<SavedQuote>, AppError>>) -> impl IntoView {
    let t = use_t();
    view! {
        <Suspense fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
            {move || Suspend::new(async move {
                match decoded(saved.await) {
                    Ok(saved) => match saved.form.compute(&TARIFF) {
                        Ok((_, quote)) => view! { <Sheet saved=saved quote=quote /> }.into_any(),
                        // Saved quotes were verified when saved; this means the
                        // engine changed since. Say so rather than print figures.
                        Err(_) => view! { <p class="error" role="alert">{move || t().q.sheet_stale}</p> }.into_any(),
                    },
                    Err(AppError::NotFound) => {
                        set_http_status(404);
                        view! { <p class="error" role="alert" data-testid="quote-not-found">{move || t().not_found_title}</p> }.into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn item_name(id: &str, lang: Lang) -> String {
    TARIFF
        .item(id)
        .map(|i| lang.pick(&i.name_ja, &i.name_en).clone())
        .unwrap_or_else(|| id.to_owned())
}

fn describe(line: &SheetLine, lang: Lang) -> (String, String) {
    let q = &lang.catalogue().q;
    let name = match &line.item {
        SheetItem::InitialFee(t) => {
            let template = match t {
                SensorType::N => q.sheet_initial_fee_n,
                SensorType::D => q.sheet_initial_fee_d,
            };
            fill(template, &[("type", &t.label())])
        }
        SheetItem::BasicFee => q.sheet_basic_fee.to_owned(),
        SheetItem::Ancillary(id) => item_name(id, lang),
        SheetItem::EarlyTermination(id) => {
            fill(q.sheet_early_termination, &[("item", &item_name(id, lang))])
        }
        SheetItem::PrepaidRefund(id) => {
            fill(q.sheet_prepaid_refund, &[("item", &item_name(id, lang))])
        }
    };
    let quantity = match line.prorated {
        0 => line.quantity.to_string(),
        p => fill(
            q.sheet_quantity_prorated,
            &[("quantity", &line.quantity), ("prorated", &p)],
        ),
    };
    (name, quantity)
}

#[component]
fn Sheet(saved: SavedQuote, quote: Quote) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let listing = saved.listing;
    let lines = sheet_lines(&quote);
    let rows = month_rows(&quote);
    let horizon = format!(
        "{} – {}",
        quote.first_month.label(),
        quote.last_month.label()
    );
    let terms: Vec<_> = quote
        .terms_periods
        .iter()
        .map(|p| (p.from, p.to, p.version))
        .collect();
    let deadlines: Vec<_> = {
        let mut seen = Vec::new();
        quote
            .installation_deadlines
            .iter()
            .filter(|d| {
                let new = !seen.contains(&d.deadline.opening);
                seen.push(d.deadline.opening);
                new
            })
            .map(|d| (d.deadline.opening, d.deadline.deadline))
            .collect()
    };
    let has_examples = quote
        .invoices
        .iter()
        .flat_map(|i| &i.lines)
        .any(|l| matches!(&l.kind, contract::LineKind::Ancillary { item_id, .. } if TARIFF.item(item_id).is_some_and(|i| i.example)));
    let totals = quote.totals.clone();
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().print();
        }
    };

    view! {
        <article class="sheet" data-testid="quote-sheet">
            <div class="no-print sheet-actions">
                <a class="button" href="/quotes">{move || t().q.back}</a>
                <button type="button" class="button primary" on:click=print>{move || t().q.print}</button>
            </div>
            <header class="sheet-head">
                <h1>{move || t().q.sheet_title}</h1>
                <dl class="sheet-meta">
                    <dt>{move || t().q.number}</dt><dd data-testid="sheet-number">{listing.number.clone()}</dd>
                    <dt>{move || t().q.issue_date}</dt><dd data-testid="sheet-issue-date">{listing.issue_date.to_string()}</dd>
                    <dt>{move || t().q.valid_until}</dt><dd data-testid="sheet-valid-until">{listing.valid_until.to_string()}</dd>
                </dl>
            </header>
            <div class="sheet-parties">
                <p class="addressee" data-testid="sheet-prospect">
                    {listing.prospect.clone()} " " {move || t().q.addressee_suffix}
                </p>
                <p class="issuer">{move || t().app_name} <br /> {move || t().q.prepared_by} ": " {listing.created_by.clone()}</p>
            </div>
            <p class="sheet-total">
                {move || t().q.sheet_amount} " "
                <strong data-testid="sheet-total">{yen(totals.total)}</strong>
            </p>
            <dl class="sheet-conditions">
                <dt>{move || t().q.quote_date}</dt><dd>{quote.quote_date.to_string()}</dd>
                <dt>{move || t().q.horizon_period}</dt><dd>{horizon}</dd>
                <dt>{move || t().q.terms}</dt>
                <dd>{move || terms.iter().map(|(f, to, v)| format!("{f} – {to} {}", terms_label(*v, lang.get()))).collect::<Vec<_>>().join(" / ")}</dd>
                <dt>{move || t().q.catalogue}</dt><dd>{saved.catalogue_version.clone()}</dd>
            </dl>
            <table class="sheet-lines" data-testid="sheet-lines">
                <thead><tr>
                    <th>{move || t().q.description}</th>
                    <th class="num">{move || t().q.quantity}</th>
                    <th class="num">{move || t().q.unit_price}</th>
                    <th class="num">{move || t().q.amount_excl}</th>
                </tr></thead>
                <tbody>
                    {move || {
                        let lang = lang.get();
                        lines.iter().map(|l| {
                            let (name, quantity) = describe(l, lang);
                            view! {
                                <tr>
                                    <td>{name}</td>
                                    <td class="num">{quantity}</td>
                                    <td class="num">{l.unit.map(yen).unwrap_or_else(|| "—".into())}</td>
                                    <td class="num">{yen(l.amount)}</td>
                                </tr>
                            }
                        }).collect_view()
                    }}
                </tbody>
                <tfoot>
                    <tr><th colspan="3">{move || t().q.subtotal}</th><td class="num" data-testid="sheet-subtotal">{yen(totals.subtotal)}</td></tr>
                    <tr><th colspan="3">{move || t().q.tax}</th><td class="num" data-testid="sheet-tax">{yen(totals.tax)}</td></tr>
                    <tr class="grand"><th colspan="3">{move || t().q.total}</th><td class="num">{yen(totals.total)}</td></tr>
                </tfoot>
            </table>
            <ul class="sheet-notes small">
                <li>{move || t().q.sheet_tax_note}</li>
                <li>
                    {move || t().q.deadlines} ": "
                    {deadlines.iter().map(|(o, d)| format!("{o} → {d}")).collect::<Vec<_>>().join(", ")}
                </li>
                {has_examples.then(|| view! { <li class="warn">{move || t().q.sheet_example_note}</li> })}
            </ul>
            <h2 class="sheet-break">{move || t().q.monthly}</h2>
            <table class="sheet-monthly">
                <thead><tr>
                    <th>{move || t().q.month}</th>
                    <th class="num">{move || t().q.subtotal}</th>
                    <th class="num">{move || t().q.tax}</th>
                    <th class="num">{move || t().q.total}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td>{r.month.label()} {r.prorated.then(|| view! { " " <span class="badge">{move || t().q.prorated}</span> })}</td>
                            <td class="num">{yen(r.subtotal)}</td>
                            <td class="num">{yen(r.tax)}</td>
                            <td class="num">{yen(r.total)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </article>
    }
}
