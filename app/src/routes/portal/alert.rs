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
use crate::components::guard::RequireArea;
use crate::components::portal_html::PortalHtmlItem;
use crate::components::portal_tabs::PortalTab;
use crate::error::AppError;
use crate::i18n::use_lang;

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
                <PortalHtmlItem tab=PortalTab::Alerts testid="alert-page" not_found_testid="alert-not-found" html=this.html />
            </RequireArea>
        }
        .into_any()
    }
}
