//! The portal's contract section: the customer's contract, installation
//! deadlines and invoices to date, computed and rendered on the server by the
//! same engine (see [`crate::contracts::portal_statement`]).

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::use_t;

/// Customers: their contract, installation deadlines and invoices to date
/// (`statement`, the HTML from [`crate::contracts::portal_statement`] in the
/// page's language, created by the page).
#[component]
pub fn ContractStatementSection(
    statement: Resource<Result<Option<String>, AppError>>,
) -> impl IntoView {
    let t = use_t();
    view! {
        <section class="contract-statement" data-testid="contract-statement">
            <h2>{move || t().c.your_contract}</h2>
            // A language switch refetches the HTML; the old one stays meanwhile.
            <Transition fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match statement.await {
                        Ok(Some(html)) => view! { <div inner_html=html></div> }.into_any(),
                        Ok(None) => view! { <p class="muted" data-testid="no-contract">{move || t().c.no_contract}</p> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
