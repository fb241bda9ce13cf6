//! The portal's contract section: the customer's contract, installation
//! deadlines and invoices to date, computed on the server by the same engine.

use leptos::prelude::*;

use crate::components::quote::{Details, MonthlyTable, Summary};
use crate::contracts::ContractStatement;
use crate::i18n::use_t;
use crate::quotes::TARIFF;
use crate::quotes::form::Computed;

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
                            {move || match &item {
                                Some((ja, en)) => lang.get().pick(ja, en).clone(),
                                None => id.clone(),
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
