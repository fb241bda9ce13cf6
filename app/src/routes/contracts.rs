//! Contracts: the admin records a tenant's contract with the simulator's
//! form; the customer sees it with installation deadlines and invoices.

use leptos::prelude::*;

use crate::contracts::{ContractStatement, SaveContract, get_contract};
use crate::i18n::use_t;
use crate::quotes::TARIFF;
use crate::quotes::form::{Computed, QuoteForm};
use crate::routes::quotes::{Details, Editor, MonthlyTable, Summary};

/// Operator admins: pick a tenant, edit its contract, record it.
#[component]
pub fn ContractRecorder(tenants: crate::routes::admin::TenantList) -> impl IntoView {
    let t = use_t();
    let selected = RwSignal::new(None::<i64>);
    view! {
        <section class="card" data-testid="contract-recorder">
            <h2>{move || t().c.record_title}</h2>
            <p class="hint">{move || t().c.record_hint}</p>
            <label>
                {move || t().admin_tenant}
                // The whole <select> waits for the tenants: a suspense boundary
                // inside a <select> hydrated inconsistently (its markers sit
                // where the HTML parser keeps only options).
                <Transition fallback=|| view! { <select disabled></select> }>
                    {move || Suspend::new(async move {
                        let tenants = tenants.await.unwrap_or_default();
                        view! {
                            <select data-testid="contract-tenant" on:change=move |ev| selected.set(event_target_value(&ev).parse().ok())>
                                <option value="">{move || t().c.choose_tenant}</option>
                                {tenants.into_iter()
                                    .map(|tn| view! { <option value=tn.id.to_string()>{tn.name}</option> })
                                    .collect_view()}
                            </select>
                        }
                    })}
                </Transition>
            </label>
            {move || selected.get().map(|id| view! { <ContractForm tenant_id=id /> })}
        </section>
    }
}

#[component]
fn ContractForm(tenant_id: i64) -> impl IntoView {
    let t = use_t();
    let draft = Resource::new(move || tenant_id, get_contract);
    view! {
        <Suspense fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
            {move || Suspend::new(async move {
                match draft.await {
                    Ok(d) => {
                        let recorded = d.recorded.as_ref().map(|r| (r.updated_by.clone(), r.updated_at));
                        let form = d.recorded.map(|r| r.form).unwrap_or(d.starter);
                        view! { <ContractEditor tenant_id=tenant_id form=form recorded=recorded /> }.into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ContractEditor(
    tenant_id: i64,
    form: QuoteForm,
    recorded: Option<(String, i64)>,
) -> impl IntoView {
    let t = use_t();
    let form = RwSignal::new(form);
    let result: Memo<Computed> = Memo::new(move |_| form.with(|f| f.compute(&TARIFF)));
    let save = ServerAction::<SaveContract>::new();
    let ok = Memo::new(move |_| result.with(|r| r.is_ok()));
    view! {
        <p class="muted small" data-testid="contract-recorded">
            {match recorded {
                Some((by, _)) => view! { {move || t().c.recorded_by} " " {by} }.into_any(),
                None => view! { {move || t().c.not_recorded} }.into_any(),
            }}
        </p>
        <div class="sim-grid">
            <Editor form=form result=result />
            <div class="results stack">
                <Show when=move || ok.get() fallback=move || view! { <p class="notice">{move || t().q.fix_inputs}</p> }>
                    <Summary result=result />
                    <MonthlyTable result=result />
                </Show>
                <div class="save-bar">
                    <button type="button" class="button primary" data-testid="contract-save"
                        disabled=move || save.pending().get() || !ok.get()
                        on:click=move |_| { save.dispatch(SaveContract { tenant_id, form: form.get_untracked() }); }>
                        {move || t().c.record}
                    </button>
                    {move || save.value().get().map(|r| match r {
                        Ok(_) => view! { <span class="ok" role="status" data-testid="contract-saved">{move || t().c.recorded}</span> }.into_any(),
                        Err(e) => view! { <span class="error" role="alert" data-testid="contract-error">{e.to_string()}</span> }.into_any(),
                    })}
                </div>
            </div>
        </div>
    }
}

/// Customers: their contract, installation deadlines and invoices to date
/// (`statement` from [`crate::contracts::portal_contract`], created by the page).
#[component]
pub fn ContractStatementSection(
    statement: Resource<Result<Option<ContractStatement>, crate::error::AppError>>,
) -> impl IntoView {
    let t = use_t();
    view! {
        <section class="contract-statement" data-testid="contract-statement">
            <h2>{move || t().c.your_contract}</h2>
            <Suspense fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match statement.await {
                        Ok(Some(s)) => view! { <Statement statement=s /> }.into_any(),
                        Ok(None) => view! { <p class="muted" data-testid="no-contract">{move || t().c.no_contract}</p> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Statement(statement: ContractStatement) -> impl IntoView {
    let t = use_t();
    let lang = crate::i18n::use_lang();
    let ContractStatement {
        as_of,
        description,
        quote,
        ..
    } = statement;
    let sensors = description.sensors.clone();
    let deadlines = quote.installation_deadlines.clone();
    let ancillaries = description.ancillaries.clone();
    let result: Memo<Computed> = Memo::new(move |_| Ok((description.clone(), quote.clone())));
    view! {
        <p class="muted small">{move || t().c.as_of} " " {as_of.to_string()}</p>
        <table data-testid="contract-sensors">
            <thead><tr>
                <th>{move || t().c.sensor}</th>
                <th>{move || t().q.sensor_type}</th>
                <th>{move || t().q.opening}</th>
                <th>{move || t().q.removal}</th>
                <th>{move || t().c.install_by}</th>
            </tr></thead>
            <tbody>
                {sensors.into_iter().map(|s| {
                    let deadline = deadlines.iter().find(|d| d.sensor_id == s.id).map(|d| d.deadline.deadline.to_string()).unwrap_or_default();
                    view! {
                        <tr>
                            <td>{s.id.clone()}</td>
                            <td>{s.sensor_type.label()}</td>
                            <td>{s.opening.to_string()}</td>
                            <td>{s.cancellation.map(|c| c.to_string()).unwrap_or_default()}</td>
                            <td>{deadline}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {(!ancillaries.is_empty()).then(|| view! {
            <h3>{move || t().q.ancillaries}</h3>
            <ul class="plain" data-testid="contract-ancillaries">
                {ancillaries.iter().map(|a| {
                    let item = TARIFF.item(&a.item_id).map(|i| (i.name_ja.clone(), i.name_en.clone()));
                    let id = a.item_id.clone();
                    let (start, end) = (a.start, a.cancellation);
                    view! {
                        <li>
                            {move || match (&item, lang.get()) {
                                (Some((ja, _)), crate::i18n::Lang::Ja) => ja.clone(),
                                (Some((_, en)), crate::i18n::Lang::En) => en.clone(),
                                (None, _) => id.clone(),
                            }}
                            " · " {start.to_string()} {end.map(|e| format!(" – {e}"))}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        <Summary result=result />
        <MonthlyTable result=result />
        <Details result=result />
    }
}
