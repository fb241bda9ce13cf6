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
use crate::components::portal_html::PortalHtmlList;
use crate::components::portal_tabs::PortalTab;
use crate::error::AppError;
use crate::i18n::use_lang;

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
                <PortalHtmlList tab=PortalTab::Alerts testid="alerts-page" html=this.html />
            </RequireArea>
        }
        .into_any()
    }
}
