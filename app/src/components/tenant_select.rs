//! The tenant `<select>` of the admin page's sections.

use leptos::prelude::*;

use crate::admin::Tenant;
use crate::error::{AppError, decoded};
use crate::i18n::{Catalogue, use_t};

/// The list of tenants every section of the admin page chooses from (JSON
/// text, decoded by the page's own code: see [`model::JsonText`]).
pub type TenantList = Resource<Result<model::JsonText<Vec<Tenant>>, AppError>>;

/// A `<select>` of the tenants, valued by tenant id.
///
/// The whole `<select>` waits for the tenants: a suspense boundary inside a
/// `<select>` hydrated inconsistently (its markers sit where the HTML parser
/// keeps only options).
#[component]
pub fn TenantSelect(
    tenants: TenantList,
    /// `data-testid` of the `<select>`.
    testid: &'static str,
    /// The form field it fills, when inside a form.
    #[prop(optional)]
    name: Option<&'static str>,
    /// A first option with no tenant, labelled from the catalogue.
    #[prop(optional)]
    empty: Option<fn(&Catalogue) -> &'static str>,
    /// Called with the chosen tenant (None for the empty option).
    #[prop(optional)]
    on_change: Option<Callback<Option<i64>>>,
) -> impl IntoView {
    let t = use_t();
    view! {
        <Transition fallback=move || view! { <select name=name disabled></select> }>
            {move || Suspend::new(async move {
                let tenants = decoded(tenants.await).unwrap_or_default();
                view! {
                    <select
                        name=name
                        data-testid=testid
                        on:change=move |ev| {
                            if let Some(on_change) = on_change {
                                on_change.run(event_target_value(&ev).parse().ok());
                            }
                        }
                    >
                        {empty.map(|label| view! { <option value="">{move || label(t())}</option> })}
                        {tenants.into_iter()
                            .map(|tn| view! { <option value=tn.id.to_string()>{tn.name}</option> })
                            .collect_view()}
                    </select>
                }
            })}
        </Transition>
    }
}
