//! The frame of a portal page whose content is HTML made on the server (the
//! asset table and an asset's page, the alert list and an alert's page):
//! the tabs, then the HTML once it has come. A new filter, sort, page or
//! language fetches the next HTML while the old one stays on screen.

use leptos::prelude::*;

use crate::components::guard::set_http_status;
use crate::components::portal_tabs::{PortalTab, PortalTabs};
use crate::error::AppError;
use crate::i18n::use_t;

/// A tab's list page, headed by the tab's name.
#[component]
pub fn PortalHtmlList(
    tab: PortalTab,
    testid: &'static str,
    html: Resource<Result<String, AppError>>,
) -> impl IntoView {
    let t = use_t();
    view! {
        <section class="card" data-testid=testid>
            <PortalTabs current=tab />
            <h1>{move || tab.heading(t())}</h1>
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

/// One item of a tab (an asset, an alert): its HTML, or a 404 page with the
/// way back to the tab when the tenant has no such item.
#[component]
pub fn PortalHtmlItem(
    tab: PortalTab,
    testid: &'static str,
    not_found_testid: &'static str,
    html: Resource<Result<Option<String>, AppError>>,
) -> impl IntoView {
    let t = use_t();
    view! {
        <section class="card" data-testid=testid>
            <PortalTabs current=tab />
            <Transition fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match html.await {
                        Ok(Some(html)) => view! { <div inner_html=html></div> }.into_any(),
                        Ok(None) => {
                            set_http_status(404);
                            view! {
                                <p class="error" role="alert" data-testid=not_found_testid>{move || t().not_found_title}</p>
                                <p><a href=tab.href()>{move || tab.label(t())}</a></p>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
