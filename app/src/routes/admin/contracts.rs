//! The admin page's contract section: pick a tenant, edit its contract with
//! the simulator's form, record it.

use leptos::prelude::*;

use crate::components::quote::{Editor, MonthlyTable, Summary};
use crate::components::tenant_select::{TenantList, TenantSelect};
use crate::contracts::{SaveContract, get_contract};
use crate::i18n::{Catalogue, use_t};
use crate::quotes::TARIFF;
use crate::quotes::form::{Computed, QuoteForm};

/// Operator admins: pick a tenant, edit its contract, record it.
#[component]
pub fn ContractRecorder(tenants: TenantList) -> impl IntoView {
    let t = use_t();
    let selected = RwSignal::new(None::<i64>);
    view! {
        <section class="card" data-testid="contract-recorder">
            <h2>{move || t().c.record_title}</h2>
            <p class="hint">{move || t().c.record_hint}</p>
            <label>
                {move || t().admin_tenant}
                <TenantSelect
                    tenants=tenants
                    testid="contract-tenant"
                    empty=|t: &Catalogue| t.c.choose_tenant
                    on_change=Callback::new(move |id| selected.set(id))
                />
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
