//! `/quotes`: the quote simulator for sales staff. Every input change
//! recomputes the quote in the browser (the engine compiled to WASM); the
//! server is only asked for a starting form, the saved-quote list, a saved
//! quote, and to save.

use contract::{
    ChargeMonth, ContractDescription, Quote, TermsVersion, TermsView, compare_terms_given,
};
use leptos::prelude::*;

use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::i18n::{Lang, use_lang, use_t};
use crate::quotes::chart::{self, chart};
use crate::quotes::form::{
    AncillaryInput, Computed, FieldError, MAX_SCENARIOS, QuoteForm, SensorGroupInput,
};
use crate::quotes::table::{
    MonthRow, QuoteFigures, csv_data_url, month_rows, monthly_csv, terms_label, yen,
};
use crate::quotes::{QuoteListing, TARIFF, get_quote, list_quotes, quote_defaults, save_quote};

#[component]
pub fn QuotesPage() -> impl IntoView {
    view! {
        <RequireArea area=Area::Quotes>
            <Simulator />
        </RequireArea>
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

#[component]
fn Simulator() -> impl IntoView {
    let t = use_t();
    // Both resources are made here, before any await: resources created inside
    // a resolved Suspend do not hydrate in the same order as on the server.
    let defaults = Resource::new(|| (), |_| quote_defaults());
    let list = Resource::new(|| (), |_| list_quotes());
    view! {
        <Suspense fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
            {move || Suspend::new(async move {
                match defaults.await {
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
    list: Resource<Result<Vec<QuoteListing>, crate::error::AppError>>,
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
            if let Ok(saved) = get_quote(id).await {
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

/// Error messages of a computation, by field.
fn errors_of(result: Memo<Computed>) -> Memo<Vec<FieldError>> {
    Memo::new(move |_| {
        result.with(|r| match r {
            Ok(_) => Vec::new(),
            Err(e) => e.clone(),
        })
    })
}

/// The message next to a field, when it has one.
fn field_message(errors: Memo<Vec<FieldError>>, key: String) -> impl IntoView {
    let lang = use_lang();
    let testid = format!("error-{key}");
    move || {
        errors.with(|es| {
            es.iter().find(|e| e.field == key).map(|e| {
                view! {
                    <span class="field-error" role="alert" data-testid=testid.clone()>
                        {e.message(lang.get())}
                    </span>
                }
            })
        })
    }
}

/// A text-like input bound to one field of the form.
fn bound_input(
    form: RwSignal<QuoteForm>,
    errors: Memo<Vec<FieldError>>,
    key: String,
    input_type: &'static str,
    get: impl Fn(&QuoteForm) -> String + Copy + Send + Sync + 'static,
    set: impl Fn(&mut QuoteForm, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let invalid_key = key.clone();
    view! {
        <input
            type=input_type
            prop:value=move || form.with(get)
            aria-invalid=move || errors.with(|es| es.iter().any(|e| e.field == invalid_key)).to_string()
            data-testid=format!("field-{key}")
            on:input=move |ev| {
                let value = event_target_value(&ev);
                form.update(|f| set(f, value));
            }
        />
        {field_message(errors, key)}
    }
}

#[component]
pub(crate) fn Editor(form: RwSignal<QuoteForm>, result: Memo<Computed>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let errors = errors_of(result);
    let groups = Memo::new(move |_| form.with(|f| f.sensors.len()));
    let ancillaries = Memo::new(move |_| form.with(|f| f.ancillaries.len()));
    let cancellation_on = Memo::new(move |_| form.with(|f| f.cancellation.enabled));
    let damage_on = Memo::new(move |_| form.with(|f| f.damage.enabled));

    let sensor_row = move |g: usize| {
        let get = move |f: &QuoteForm, pick: fn(&SensorGroupInput) -> &String| {
            f.sensors
                .get(g)
                .map(|s| pick(s).clone())
                .unwrap_or_default()
        };
        view! {
            <tr data-testid=format!("sensor-row-{g}")>
                <td>
                    <select
                        data-testid=format!("field-sensors.{g}.sensor_type")
                        prop:value=move || form.with(|f| get(f, |s| &s.sensor_type))
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            form.update(|f| if let Some(s) = f.sensors.get_mut(g) { s.sensor_type = v });
                        }
                    >
                        <option value="N">{move || t().q.type_n}</option>
                        <option value="D">{move || t().q.type_d}</option>
                    </select>
                    {field_message(errors, format!("sensors.{g}.sensor_type"))}
                </td>
                <td>
                    {bound_input(form, errors, format!("sensors.{g}.count"), "number",
                        move |f| get(f, |s| &s.count),
                        move |f, v| if let Some(s) = f.sensors.get_mut(g) { s.count = v })}
                </td>
                <td>
                    {bound_input(form, errors, format!("sensors.{g}.opening"), "date",
                        move |f| get(f, |s| &s.opening),
                        move |f, v| if let Some(s) = f.sensors.get_mut(g) { s.opening = v })}
                </td>
                <td>
                    {bound_input(form, errors, format!("sensors.{g}.removal"), "date",
                        move |f| get(f, |s| &s.removal),
                        move |f, v| if let Some(s) = f.sensors.get_mut(g) { s.removal = v })}
                </td>
                <td>
                    <button type="button" class="icon" title=move || t().q.remove_row
                        aria-label=move || t().q.remove_row
                        data-testid=format!("sensor-remove-{g}")
                        on:click=move |_| form.update(|f| { if g < f.sensors.len() { f.sensors.remove(g); } })>
                        "×"
                    </button>
                </td>
            </tr>
        }
    };

    let ancillary_row = move |i: usize| {
        let get = move |f: &QuoteForm, pick: fn(&AncillaryInput) -> &String| {
            f.ancillaries
                .get(i)
                .map(|a| pick(a).clone())
                .unwrap_or_default()
        };
        view! {
            <tr data-testid=format!("ancillary-row-{i}")>
                <td>
                    <select
                        data-testid=format!("field-ancillaries.{i}.item_id")
                        prop:value=move || form.with(|f| get(f, |a| &a.item_id))
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            form.update(|f| if let Some(a) = f.ancillaries.get_mut(i) { a.item_id = v });
                        }
                    >
                        {TARIFF.ancillary_catalogue.iter().map(|item| {
                            let (id, ja, en) = (item.id.clone(), item.name_ja.clone(), item.name_en.clone());
                            view! { <option value=id>{move || if lang.get() == Lang::Ja { ja.clone() } else { en.clone() }}</option> }
                        }).collect_view()}
                    </select>
                    {field_message(errors, format!("ancillaries.{i}.item_id"))}
                </td>
                <td>
                    {bound_input(form, errors, format!("ancillaries.{i}.start"), "date",
                        move |f| get(f, |a| &a.start),
                        move |f, v| if let Some(a) = f.ancillaries.get_mut(i) { a.start = v })}
                </td>
                <td>
                    {bound_input(form, errors, format!("ancillaries.{i}.cancellation"), "date",
                        move |f| get(f, |a| &a.cancellation),
                        move |f, v| if let Some(a) = f.ancillaries.get_mut(i) { a.cancellation = v })}
                </td>
                <td>
                    <input type="checkbox"
                        title=move || t().q.operator_fault
                        aria-label=move || t().q.operator_fault
                        prop:checked=move || form.with(|f| f.ancillaries.get(i).is_some_and(|a| a.operator_fault))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.update(|f| if let Some(a) = f.ancillaries.get_mut(i) { a.operator_fault = on });
                        } />
                </td>
                <td>
                    <button type="button" class="icon" title=move || t().q.remove_row
                        aria-label=move || t().q.remove_row
                        on:click=move |_| form.update(|f| { if i < f.ancillaries.len() { f.ancillaries.remove(i); } })>
                        "×"
                    </button>
                </td>
            </tr>
        }
    };

    view! {
        <form class="editor stack" on:submit=|ev| ev.prevent_default() data-testid="quote-editor">
            <fieldset>
                <legend>{move || t().q.contract}</legend>
                <label>{move || t().q.prospect}
                    {bound_input(form, errors, "prospect".into(), "text", |f| f.prospect.clone(), |f, v| f.prospect = v)}
                </label>
                <div class="row">
                    <label>{move || t().q.quote_date}
                        {bound_input(form, errors, "quote_date".into(), "date", |f| f.quote_date.clone(), |f, v| f.quote_date = v)}
                    </label>
                    <label>{move || t().q.horizon}
                        {bound_input(form, errors, "horizon_months".into(), "number", |f| f.horizon_months.clone(), |f, v| f.horizon_months = v)}
                    </label>
                </div>
            </fieldset>
            <fieldset>
                <legend>{move || t().q.sensors}</legend>
                <p class="hint">{move || t().q.sensors_hint}</p>
                <table class="inputs">
                    <thead><tr>
                        <th>{move || t().q.sensor_type}</th>
                        <th>{move || t().q.count}</th>
                        <th>{move || t().q.opening}</th>
                        <th>{move || t().q.removal}</th>
                        <th></th>
                    </tr></thead>
                    <tbody>{move || (0..groups.get()).map(sensor_row).collect_view()}</tbody>
                </table>
                {field_message(errors, "sensors".into())}
                <button type="button" class="button" data-testid="sensor-add"
                    on:click=move |_| form.update(|f| {
                        let opening = f.sensors.last().map(|s| s.opening.clone()).unwrap_or_default();
                        f.sensors.push(SensorGroupInput { sensor_type: "N".into(), count: "1".into(), opening, removal: String::new() });
                    })>
                    "+ " {move || t().q.add_sensors}
                </button>
            </fieldset>
            <fieldset>
                <legend>{move || t().q.ancillaries}</legend>
                <p class="hint">{move || t().q.ancillaries_hint}</p>
                <Show when=move || { ancillaries.get() > 0 }>
                    <table class="inputs">
                        <thead><tr>
                            <th>{move || t().q.item}</th>
                            <th>{move || t().q.start}</th>
                            <th>{move || t().q.cancellation}</th>
                            <th>{move || t().q.fault_short}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>{move || (0..ancillaries.get()).map(ancillary_row).collect_view()}</tbody>
                    </table>
                </Show>
                <button type="button" class="button" data-testid="ancillary-add"
                    on:click=move |_| form.update(|f| {
                        let start = f.sensors.first().map(|s| s.opening.clone()).unwrap_or_default();
                        let item_id = TARIFF.ancillary_catalogue.first().map(|i| i.id.clone()).unwrap_or_default();
                        f.ancillaries.push(AncillaryInput { item_id, start, cancellation: String::new(), operator_fault: false });
                    })>
                    "+ " {move || t().q.add_ancillary}
                </button>
            </fieldset>
            <fieldset>
                <legend>
                    <label class="inline">
                        <input type="checkbox" data-testid="field-cancellation.enabled"
                            prop:checked=move || cancellation_on.get()
                            on:change=move |ev| { let on = event_target_checked(&ev); form.update(|f| f.cancellation.enabled = on); } />
                        {move || t().q.what_if_cancelled}
                    </label>
                </legend>
                <Show when=move || cancellation_on.get()>
                    <div class="row">
                        <label>{move || t().q.cancellation_date}
                            {bound_input(form, errors, "cancellation.date".into(), "date", |f| f.cancellation.date.clone(), |f, v| f.cancellation.date = v)}
                        </label>
                        <label>{move || t().q.cancelled_by}
                            <select data-testid="field-cancellation.by"
                                prop:value=move || form.with(|f| f.cancellation.by.clone())
                                on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.cancellation.by = v); }>
                                <option value="contractor">{move || t().q.by_contractor}</option>
                                <option value="operator">{move || t().q.by_operator}</option>
                            </select>
                        </label>
                        <label class="inline">
                            <input type="checkbox"
                                prop:checked=move || form.with(|f| f.cancellation.operator_fault)
                                on:change=move |ev| { let on = event_target_checked(&ev); form.update(|f| f.cancellation.operator_fault = on); } />
                            {move || t().q.operator_fault}
                        </label>
                    </div>
                </Show>
            </fieldset>
            <fieldset>
                <legend>
                    <label class="inline">
                        <input type="checkbox" data-testid="field-damage.enabled"
                            prop:checked=move || damage_on.get()
                            on:change=move |ev| { let on = event_target_checked(&ev); form.update(|f| f.damage.enabled = on); } />
                        {move || t().q.damage_scenario}
                    </label>
                </legend>
                <Show when=move || damage_on.get()>
                    <div class="row">
                        <label>{move || t().q.damage_date}
                            {bound_input(form, errors, "damage.date".into(), "date", |f| f.damage.date.clone(), |f, v| f.damage.date = v)}
                        </label>
                        <label>{move || t().q.damage_cause}
                            <select data-testid="field-damage.cause"
                                prop:value=move || form.with(|f| f.damage.cause.clone())
                                on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.damage.cause = v); }>
                                <option value="basic">{move || t().q.cause_basic}</option>
                                {TARIFF.ancillary_catalogue.iter().map(|item| {
                                    let (id, ja, en) = (item.id.clone(), item.name_ja.clone(), item.name_en.clone());
                                    view! { <option value=id>{move || if lang.get() == Lang::Ja { ja.clone() } else { en.clone() }}</option> }
                                }).collect_view()}
                            </select>
                            {field_message(errors, "damage.cause".into())}
                        </label>
                        <label>{move || t().q.damage_months}
                            {bound_input(form, errors, "damage.months".into(), "number", |f| f.damage.months.clone(), |f, v| f.damage.months = v)}
                        </label>
                    </div>
                </Show>
            </fieldset>
            {field_message(errors, "form".into())}
        </form>
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

fn with_quote<R>(
    result: Memo<Computed>,
    f: impl FnOnce(&ContractDescription, &Quote) -> R,
) -> Option<R> {
    result.with(|r| r.as_ref().ok().map(|(d, q)| f(d, q)))
}

#[component]
pub(crate) fn Summary(result: Memo<Computed>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    // Each total's tooltip shows the sum it is.
    let explain = move |which: &'static str| {
        move || {
            with_quote(result, |_, q| {
                let n = q.invoices.len();
                let tt = &q.totals;
                match (which, lang.get()) {
                    ("subtotal", _) => format!(
                        "{} + {} + {} = {}",
                        yen(tt.initial), yen(tt.recurring), yen(tt.settlement), yen(tt.subtotal)
                    ),
                    ("tax", Lang::Ja) => format!("{n} 通の月次請求書ごとに税抜合計 × {}%（端数処理は請求書ごとに 1 回）の合計", TARIFF.tax_rate_percent),
                    ("tax", Lang::En) => format!("Sum over {n} monthly invoices of {}% of each invoice's tax-excluded total, rounded once per invoice", TARIFF.tax_rate_percent),
                    ("total", _) => format!("{} + {} = {}", yen(tt.subtotal), yen(tt.tax), yen(tt.total)),
                    (_, Lang::Ja) => format!("{n} 通の月次請求書の該当明細の合計"),
                    (_, Lang::En) => format!("Sum of these lines over {n} monthly invoices"),
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

#[component]
fn CostChart(result: Memo<Computed>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let geometry = Memo::new(move |_| with_quote(result, |_, q| chart(&month_rows(q), lang.get())));
    let viewbox = format!("0 0 {} {}", chart::WIDTH, chart::HEIGHT);
    view! {
        <figure class="chart" data-testid="cost-chart">
            <svg viewBox=viewbox role="img" aria-label=move || t().q.chart_label preserveAspectRatio="xMidYMid meet">
                {move || geometry.with(|g| g.as_ref().map(|g| {
                    let (l, r, top, bottom) = (chart::plot_left(), chart::plot_right(), chart::plot_top(), chart::plot_bottom());
                    view! {
                        <g class="grid">
                            {g.left_ticks.iter().map(|tk| view! {
                                <line x1=l.to_string() x2=r.to_string() y1=tk.y.clone() y2=tk.y.clone() />
                                <text class="axis left" x={(l - 6).to_string()} y=tk.y.clone()>{tk.label.clone()}</text>
                            }).collect_view()}
                            {g.right_ticks.iter().map(|tk| view! {
                                <text class="axis right" x={(r + 6).to_string()} y=tk.y.clone()>{tk.label.clone()}</text>
                            }).collect_view()}
                            <line class="axis-line" x1=l.to_string() x2=l.to_string() y1=top.to_string() y2=bottom.to_string() />
                            <line class="axis-line" x1=l.to_string() x2=r.to_string() y1=bottom.to_string() y2=bottom.to_string() />
                        </g>
                        <g class="bars">
                            {g.bars.iter().map(|b| view! {
                                <rect x=b.x.clone() y=b.y.clone() width=b.width.clone() height=b.height.clone() class:prorated=b.prorated>
                                    <title>{b.title.clone()}</title>
                                </rect>
                            }).collect_view()}
                        </g>
                        <polyline class="cumulative" points=g.cumulative.clone() />
                        <g class="x-labels">
                            {g.x_labels.iter().map(|x| view! {
                                <text x=x.x.clone() y={(bottom + 18).to_string()}>{x.label.clone()}</text>
                            }).collect_view()}
                        </g>
                    }
                }))}
            </svg>
            <figcaption class="legend">
                <span class="swatch bar"></span>{move || t().q.legend_monthly}
                <span class="swatch prorated"></span>{move || t().q.legend_prorated}
                <span class="swatch line"></span>{move || t().q.legend_cumulative}
            </figcaption>
        </figure>
    }
}

fn derivation_title(d: &contract::Derivation, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}\n{}\n{}", d.formula, d.article.label_ja(), d.note_ja),
        Lang::En => format!("{}\n{}\n{}", d.formula, d.article.label_en(), d.note_en),
    }
}

#[component]
pub(crate) fn MonthlyTable(result: Memo<Computed>) -> impl IntoView {
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
                    let label = match lang { Lang::Ja => l.label_ja(&TARIFF), Lang::En => l.label_en(&TARIFF) };
                    let days = l.days.map(|(u, d)| format!("{u}/{d}")).unwrap_or_default();
                    let article = match lang { Lang::Ja => l.derivation.article.label_ja(), Lang::En => l.derivation.article.label_en() };
                    let note = match lang { Lang::Ja => l.derivation.note_ja.clone(), Lang::En => l.derivation.note_en.clone() };
                    view! {
                        <tr title=derivation_title(&l.derivation, lang)>
                            <td>{label}</td>
                            <td class="num muted">{days}</td>
                            <td class="num">{yen(l.amount)}</td>
                            <td class="derivation"><code>{l.derivation.formula.clone()}</code><br /><span class="muted small">{article} " — " {note}</span></td>
                        </tr>
                    }
                }).collect_view();
                let tax_article = match lang { Lang::Ja => inv.tax_derivation.article.label_ja(), Lang::En => inv.tax_derivation.article.label_en() };
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

/// Installation deadlines, early-termination settlements and the liability cap.
#[component]
pub(crate) fn Details(result: Memo<Computed>) -> impl IntoView {
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
                                        {match lang {
                                            Lang::Ja => format!("開通日 {}（{n} 台）→ 設置期限 {}", d.deadline.opening, d.deadline.deadline),
                                            Lang::En => format!("Opening {} ({n} sensors) → install by {}", d.deadline.opening, d.deadline.deadline),
                                        }}
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
                                let name = TARIFF.item(&e.item_id).map(|i| if lang == Lang::Ja { i.name_ja.clone() } else { i.name_en.clone() }).unwrap_or_else(|| e.item_id.clone());
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
                                    <br /><span class="muted small">{match lang { Lang::Ja => cap.derivation.note_ja.clone(), Lang::En => cap.derivation.note_en.clone() }}</span>
                                </p>
                            }.into_any(),
                        })
                    }}
                </div>
            </div>
        </div>
    }
}

/// The same contract under each version of the terms; computed only while open.
#[component]
fn TermsComparison(result: Memo<Computed>) -> impl IntoView {
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
            Some(Err(e)) => match lang {
                Lang::Ja => "対象外（旧規約に附帯サービスはありません）".to_string(),
                Lang::En => format!("not applicable ({e})"),
            },
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
    list: Resource<Result<Vec<QuoteListing>, crate::error::AppError>>,
) -> impl IntoView {
    let t = use_t();
    let just_saved = use_context::<JustSaved>();
    view! {
        <section class="saved" data-testid="saved-quotes">
            <h2>{move || t().q.saved}</h2>
            <Transition fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let fetched = list.await;
                    let fetched = move || fetched.clone().map(|fetched| {
                        let mut items = just_saved.map(|JustSaved(l)| l.get()).unwrap_or_default();
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
