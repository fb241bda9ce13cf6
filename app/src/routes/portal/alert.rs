//! `/portal/alerts/:id`: one alert — what happened, between which assets
//! (linked to their pages), why it matters and what to check in the
//! reader's language, the evidence, its history — as HTML made on the
//! server ([`alert_html`]). Customer admins' triage forms and the allow
//! list's revoke buttons are plain HTML forms in that HTML.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_router::{LazyRoute, lazy_route};

use crate::alerts::alert_html;
use crate::auth::Area;
use crate::components::guard::{RequireArea, set_http_status};
use crate::components::portal_tabs::{PortalTab, PortalTabs};
use crate::error::AppError;
use crate::i18n::{use_lang, use_t};

/// The alert's HTML, requested as soon as the route matches.
pub struct AlertPage {
    html: Resource<Result<Option<String>, AppError>>,
}

#[lazy_route]
impl LazyRoute for AlertPage {
    fn data() -> Self {
        let lang = use_lang();
        let params = use_params_map();
        // An id that is not a number is an alert nobody has.
        let id = move || {
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i64>().ok())
        };
        AlertPage {
            html: Resource::new(
                move || (lang.get(), id()),
                |(lang, id)| async move {
                    match id {
                        Some(id) => alert_html(id, lang).await,
                        None => Ok(None),
                    }
                },
            ),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::Portal>
                <AlertSheet html=this.html />
            </RequireArea>
        }
        .into_any()
    }
}

#[component]
fn AlertSheet(html: Resource<Result<Option<String>, AppError>>) -> impl IntoView {
    let t = use_t();
    view! {
        <section class="card" data-testid="alert-page">
            <PortalTabs current=PortalTab::Alerts />
            <Transition fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match html.await {
                        Ok(Some(html)) => view! { <div inner_html=html></div> }.into_any(),
                        Ok(None) => {
                            set_http_status(404);
                            view! {
                                <p class="error" role="alert" data-testid="alert-not-found">{move || t().not_found_title}</p>
                                <p><a href="/portal/alerts">{move || t().portal_tab_alerts}</a></p>
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
