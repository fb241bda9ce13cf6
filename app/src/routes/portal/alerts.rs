//! `/portal/alerts`: the tenant's alerts — counts, filters, rows, pages —
//! as HTML made on the server for the address bar's query string
//! ([`alerts_html`]). Filters are a GET form and pages are links, so the
//! page's own code is only its frame.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use leptos_router::{LazyRoute, lazy_route};

use crate::alerts::alerts_html;
use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::portal_tabs::{PortalTab, PortalTabs};
use crate::error::AppError;
use crate::i18n::{use_lang, use_t};

/// The list's HTML, requested as soon as the route matches (see the
/// portal page for why every resource is made here).
pub struct AlertsPage {
    html: Resource<Result<String, AppError>>,
}

#[lazy_route]
impl LazyRoute for AlertsPage {
    fn data() -> Self {
        let lang = use_lang();
        let search = use_location().search;
        AlertsPage {
            html: Resource::new(
                move || (lang.get(), search.get()),
                |(lang, query)| alerts_html(query, lang),
            ),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::Portal>
                <AlertList html=this.html />
            </RequireArea>
        }
        .into_any()
    }
}

#[component]
fn AlertList(html: Resource<Result<String, AppError>>) -> impl IntoView {
    let t = use_t();
    view! {
        <section class="card" data-testid="alerts-page">
            <PortalTabs current=PortalTab::Alerts />
            <h1>{move || t().portal_tab_alerts}</h1>
            <Transition fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match html.await {
                        Ok(html) => view! { <div inner_html=html></div> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
