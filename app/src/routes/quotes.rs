//! `/quotes`: the quote simulator for sales staff. Every input change
//! recomputes the quote in the browser (the engine compiled to WASM); the
//! server is only asked for a starting form, the saved-quote list, a saved
//! quote, and to save.

use contract::Quote;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};
use model::JsonText;

use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::quote::{
    CostChart, Details, Editor, MonthlyTable, Summary, TermsComparison, with_quote,
};
use crate::error::{AppError, decoded};
use crate::i18n::use_t;
use crate::quotes::form::{Computed, MAX_SCENARIOS, QuoteForm};
use crate::quotes::table::{QuoteFigures, yen};
use crate::quotes::{QuoteListing, TARIFF, get_quote, list_quotes, quote_defaults, save_quote};

/// The page's data, requested as soon as the route matches, while the
/// browser loads the page's code (its own WASM chunk, with the engine).
///
/// Both come as JSON text ([`model::JsonText`]), decoded in the page's own
/// code: `data()` is in the main file every page loads.
pub struct QuotesPage {
    defaults: Resource<Result<JsonText<QuoteForm>, AppError>>,
    list: Resource<Result<JsonText<Vec<QuoteListing>>, AppError>>,
}

#[lazy_route]
impl LazyRoute for QuotesPage {
    fn data() -> Self {
        QuotesPage {
            defaults: Resource::new(|| (), |_| quote_defaults()),
            list: Resource::new(|| (), |_| list_quotes()),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::Quotes>
                <Simulator defaults=this.defaults list=this.list />
            </RequireArea>
        }
        .into_any()
    }
}

/// One scenario: its form, its quote (recomputed when the form changes) and
/// the saved quote it was last saved as.
#[derive(Clone, Copy)]
struct Scenario {
    form: RwSignal<QuoteForm>,
    result: Memo<Computed>,
    saved: RwSignal<Option<QuoteListing>>,
}

impl Scenario {
    fn new(form: QuoteForm) -> Scenario {
        let form = RwSignal::new(form);
        Scenario {
            form,
            result: Memo::new(move |_| form.with(|f| f.compute(&TARIFF))),
            saved: RwSignal::new(None),
        }
    }
}

fn scenario_letter(i: usize) -> char {
    (b'A' + i as u8) as char
}

/// `defaults` and `list` are made with the route's data, before any await:
/// resources created inside a resolved Suspend do not hydrate in the same
/// order as on the server.
#[component]
fn Simulator(
    defaults: Resource<Result<JsonText<QuoteForm>, AppError>>,
    list: Resource<Result<JsonText<Vec<QuoteListing>>, AppError>>,
) -> impl IntoView {
    let t = use_t();
    view! {
        <Suspense fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
            {move || Suspend::new(async move {
                match decoded(defaults.await) {
                    Ok(form) => view! { <Workbench initial=form list=list /> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Workbench(
    initial: QuoteForm,
    list: Resource<Result<JsonText<Vec<QuoteListing>>, AppError>>,
) -> impl IntoView {
    let t = use_t();
    let owner = StoredValue::new(Owner::current());
    provide_context(JustSaved(RwSignal::new(Vec::new())));
    let scenarios = RwSignal::new(vec![Scenario::new(initial)]);
    let active = RwSignal::new(0usize);
    let current = move || scenarios.with(|s| s.get(active.get()).copied().unwrap_or(s[0]));
    // Memos outlive the click that made them: create them under the page's owner.
    let make = move |form: QuoteForm| {
        owner.with_value(|o| match o {
            Some(o) => o.with(|| Scenario::new(form)),
            None => Scenario::new(form),
        })
    };

    let add_scenario = move |_| {
        let copy = current().form.get_untracked();
        scenarios.update(|s| {
            if s.len() < MAX_SCENARIOS {
                s.push(make(copy));
            }
        });
        active.set(scenarios.with_untracked(|s| s.len() - 1));
    };
    let remove_scenario = move |i: usize| {
        scenarios.update(|s| {
            if s.len() > 1 && i < s.len() {
                s.remove(i);
            }
        });
        active.update(|a| *a = (*a).min(scenarios.with_untracked(|s| s.len() - 1)));
    };
    let open_saved = Callback::new(move |(id, as_new): (i64, bool)| {
        leptos::task::spawn_local(async move {
            if let Ok(saved) = decoded(get_quote(id).await) {
                if as_new {
                    let full = scenarios.with_untracked(|s| s.len() >= MAX_SCENARIOS);
                    if full {
                        current().form.set(saved.form);
                        current().saved.set(None);
                    } else {
                        scenarios.update(|s| s.push(make(saved.form)));
                        active.set(scenarios.with_untracked(|s| s.len() - 1));
                    }
                } else {
                    current().form.set(saved.form);
                    current().saved.set(Some(saved.listing));
                }
            }
        });
    });

    view! {
        <section class="card simulator" data-testid="quotes-page">
            <h1>{move || t().q.title}</h1>
            <p class="muted">{move || t().q.intro}</p>
            <div class="tabs" role="tablist">
                {move || {
                    let n = scenarios.with(|s| s.len());
                    (0..n)
                        .map(|i| {
                            view! {
                                <span class="tab-wrap">
                                    <button
                                        type="button"
                                        role="tab"
                                        class="tab"
                                        class:active=move || active.get() == i
                                        aria-selected=move || (active.get() == i).to_string()
                                        data-testid=format!("scenario-tab-{i}")
                                        on:click=move |_| active.set(i)
                                    >
                                        {move || t().q.scenario} " " {scenario_letter(i).to_string()}
                                    </button>
                                    <Show when=move || { n > 1 }>
                                        <button
                                            type="button"
                                            class="tab-close"
                                            title=move || t().q.remove_scenario
                                            aria-label=move || t().q.remove_scenario
                                            data-testid=format!("scenario-remove-{i}")
                                            on:click=move |_| remove_scenario(i)
                                        >
                                            "×"
                                        </button>
                                    </Show>
                                </span>
                            }
                        })
                        .collect_view()
                }}
                <Show when=move || scenarios.with(|s| s.len() < MAX_SCENARIOS)>
                    <button type="button" class="tab add" data-testid="scenario-add" on:click=add_scenario>
                        "+ " {move || t().q.add_scenario}
                    </button>
                </Show>
            </div>
            {move || {
                let s = current();
                view! {
                    <div class="sim-grid">
                        <Editor form=s.form result=s.result />
                        <Results scenario=s letter=scenario_letter(active.get()) />
                    </div>
                }
            }}
            <Show when=move || scenarios.with(|s| s.len() > 1)>
                <ScenarioComparison scenarios=scenarios />
            </Show>
            <SavedQuotes open=open_saved list=list />
        </section>
    }
}

#[component]
fn Results(scenario: Scenario, letter: char) -> impl IntoView {
    let t = use_t();
    let result = scenario.result;
    let ok = Memo::new(move |_| result.with(|r| r.is_ok()));
    view! {
        <div class="results stack" data-testid="quote-results">
            <Show
                when=move || ok.get()
                fallback=move || view! {
                    <div class="notice" role="status" data-testid="quote-invalid">
                        <p>{move || t().q.fix_inputs}</p>
                    </div>
                }
            >
                <Summary result=result />
                <CostChart result=result />
                <MonthlyTable result=result />
                <Details result=result />
                <TermsComparison result=result />
                <SaveBar scenario=scenario letter=letter />
            </Show>
        </div>
    }
}

/// Quotes saved on this page since it loaded, newest first: shown above the
/// list the server sent, so saving needs no refetch.
#[derive(Clone, Copy)]
struct JustSaved(RwSignal<Vec<QuoteListing>>);

#[component]
fn SaveBar(scenario: Scenario, letter: char) -> impl IntoView {
    let t = use_t();
    let just_saved = use_context::<JustSaved>();
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let on_save = move |_| {
        let form = scenario.form.get_untracked();
        let Some(figures) = scenario
            .result
            .with_untracked(|r| r.as_ref().ok().map(|(_, q)| QuoteFigures::of(q)))
        else {
            return;
        };
        pending.set(true);
        leptos::task::spawn_local(async move {
            match save_quote(form, figures).await {
                Ok(listing) => {
                    failure.set(None);
                    scenario.saved.set(Some(listing.clone()));
                    if let Some(JustSaved(list)) = just_saved {
                        list.update(|l| l.insert(0, listing));
                    }
                }
                Err(e) => failure.set(Some(e.to_string())),
            }
            pending.set(false);
        });
    };
    view! {
        <div class="save-bar">
            <button type="button" class="button primary" data-testid="quote-save" on:click=on_save
                disabled=move || pending.get()>
                {move || t().q.save} " (" {letter.to_string()} ")"
            </button>
            {move || failure.get().map(|e| view! { <span class="error" role="alert" data-testid="save-error">{e}</span> })}
            {move || scenario.saved.get().map(|s| view! {
                <span class="ok" role="status" data-testid="saved-as">
                    {move || t().q.saved_as} " " <strong>{s.number.clone()}</strong> " "
                    <a href=format!("/quotes/{}/print", s.id) target="_blank" data-testid="print-link">{move || t().q.print}</a>
                </span>
            })}
        </div>
    }
}

#[component]
fn ScenarioComparison(scenarios: RwSignal<Vec<Scenario>>) -> impl IntoView {
    let t = use_t();
    type Pick = fn(&Quote) -> contract::Yen;
    type Label = fn(&crate::i18n::Catalogue) -> &'static str;
    let rows: [(Label, Pick); 6] = [
        (|c| c.q.total_initial, |q| q.totals.initial),
        (|c| c.q.total_recurring, |q| q.totals.recurring),
        (|c| c.q.total_settlement, |q| q.totals.settlement),
        (|c| c.q.total_tax, |q| q.totals.tax),
        (|c| c.q.total_value, |q| q.totals.total),
        (
            |c| c.q.first_invoice,
            |q| q.invoices.first().map(|i| i.total).unwrap_or_default(),
        ),
    ];
    view! {
        <section class="compare" data-testid="scenario-comparison">
            <h2>{move || t().q.compare}</h2>
            <table>
                <thead><tr>
                    <th></th>
                    {move || (0..scenarios.with(|s| s.len())).map(|i| view! {
                        <th class="num">{move || t().q.scenario} " " {scenario_letter(i).to_string()}</th>
                    }).collect_view()}
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|(label, pick)| view! {
                        <tr>
                            <th>{move || label(t())}</th>
                            {move || {
                                let values: Vec<Option<contract::Yen>> = scenarios.with(|s| s.iter().map(|sc| with_quote(sc.result, |_, q| pick(q))).collect());
                                let base = values.first().copied().flatten();
                                values.into_iter().enumerate().map(|(i, v)| {
                                    let diff = match (i, v, base) {
                                        (0, _, _) | (_, None, _) | (_, _, None) => None,
                                        (_, Some(v), Some(b)) => Some(v - b),
                                    };
                                    view! {
                                        <td class="num">
                                            {v.map(yen).unwrap_or_else(|| "—".into())}
                                            {diff.map(|d| view! {
                                                <div class="small" class:up={d.0 > 0} class:down={d.0 < 0}>
                                                    {if d.0 > 0 { format!("+{}", yen(d)) } else { yen(d) }}
                                                </div>
                                            })}
                                        </td>
                                    }
                                }).collect_view()
                            }}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="hint">{move || t().q.compare_hint}</p>
        </section>
    }
}

#[component]
fn SavedQuotes(
    open: Callback<(i64, bool)>,
    list: Resource<Result<JsonText<Vec<QuoteListing>>, AppError>>,
) -> impl IntoView {
    let t = use_t();
    let just_saved = use_context::<JustSaved>();
    // Set once the list has hydrated in the browser (effects run only there):
    // from then on a quote saved on this page is listed and its buttons answer.
    let ready = RwSignal::new(false);
    view! {
        <section class="saved" data-testid="saved-quotes" data-ready=move || ready.get().then_some("true")>
            <h2>{move || t().q.saved}</h2>
            <Transition fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let fetched = decoded(list.await);
                    Effect::new(move |_| ready.set(true));
                    let fetched = move || fetched.clone().map(|fetched| {
                        // Until hydrated, exactly what the server rendered: a quote
                        // saved meanwhile would not match the HTML being hydrated.
                        let mut items = match just_saved {
                            Some(JustSaved(l)) if ready.get() => l.get(),
                            _ => Vec::new(),
                        };
                        let shown: Vec<i64> = items.iter().map(|s| s.id).collect();
                        items.extend(fetched.into_iter().filter(|f| !shown.contains(&f.id)));
                        items
                    });
                    move || match fetched() {
                        Ok(items) if items.is_empty() => view! { <p class="muted">{move || t().q.none}</p> }.into_any(),
                        Ok(items) => view! {
                            <table>
                                <thead><tr>
                                    <th>{move || t().q.number}</th>
                                    <th>{move || t().q.prospect}</th>
                                    <th class="num">{move || t().q.total}</th>
                                    <th>{move || t().q.issue_date}</th>
                                    <th>{move || t().q.created_by}</th>
                                    <th></th>
                                </tr></thead>
                                <tbody>
                                    {items.into_iter().map(|q| {
                                        let id = q.id;
                                        view! {
                                            <tr data-testid=format!("saved-{}", q.number)>
                                                <td>{q.number.clone()}</td>
                                                <td>{q.prospect.clone()}</td>
                                                <td class="num">{yen(contract::Yen(q.total))}</td>
                                                <td>{q.issue_date.to_string()}</td>
                                                <td>{q.created_by.clone()}</td>
                                                <td class="actions">
                                                    <button type="button" class="button small" data-testid="saved-open" on:click=move |_| open.run((id, false))>{move || t().q.open}</button>
                                                    <button type="button" class="button small" data-testid="saved-duplicate" on:click=move |_| open.run((id, true))>{move || t().q.duplicate}</button>
                                                    <a class="button small" href=format!("/quotes/{id}/print") target="_blank">{move || t().q.print}</a>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
