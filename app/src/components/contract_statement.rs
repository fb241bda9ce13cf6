//! A customer's contract as the portal shows it: sensors with their
//! installation deadlines, ancillary services, and the invoices to date.
//!
//! Rendered to HTML on the server only ([`render`]): the portal shows it
//! without shipping the contract engine's types and tables to the browser.

use chrono::NaiveDate;
use contract::{ContractDescription, Quote};
use leptos::prelude::*;

use crate::components::quote::{Details, MonthlyTable, Summary};
use crate::i18n::{Lang, provide_lang, use_t};
use crate::quotes::TARIFF;
use crate::quotes::form::Computed;

/// The statement as HTML in `lang`, for the portal to insert as it is.
pub fn render(
    as_of: NaiveDate,
    description: ContractDescription,
    quote: Quote,
    lang: Lang,
) -> String {
    use leptos::tachys::view::RenderHtml;
    let owner = Owner::new();
    owner.with(|| {
        provide_lang(lang);
        view! { <Statement as_of description quote /> }.to_html()
    })
}

#[component]
fn Statement(as_of: NaiveDate, description: ContractDescription, quote: Quote) -> impl IntoView {
    let t = use_t();
    let lang = crate::i18n::use_lang();
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
