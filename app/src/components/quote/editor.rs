//! The quote form: every input bound to one field, with its error message.

use leptos::prelude::*;

use crate::i18n::{use_lang, use_t};
use crate::quotes::TARIFF;
use crate::quotes::form::{AncillaryInput, Computed, FieldError, QuoteForm, SensorGroupInput};

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
pub fn Editor(form: RwSignal<QuoteForm>, result: Memo<Computed>) -> impl IntoView {
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
                            view! { <option value=id>{move || lang.get().pick(&ja, &en).clone()}</option> }
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
                                    view! { <option value=id>{move || lang.get().pick(&ja, &en).clone()}</option> }
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
