//! `/portal`: the customer's page. Its overview tab — the inventory's
//! dashboard, the tenant's figures, users and sensors' health, the capture
//! upload and the contract — is HTML made on the server for the address
//! bar's query string (`components/portal_overview.rs`), like the other
//! tabs: the asset table (`assets.rs`), an asset's page (`asset.rs`), the
//! alerts (`alerts.rs`), an alert's page (`alert.rs`), the alert export
//! settings (`alert_export.rs`); the map draws in the browser (`routes/map`).

pub mod alert;
pub mod alert_export;
pub mod alerts;
pub mod asset;
pub mod assets;
pub mod zones;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use leptos_router::{LazyRoute, lazy_route};

use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::portal_html::PortalHtmlList;
use crate::components::portal_tabs::PortalTab;
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::portal::portal_overview_html;

/// The tab's HTML, requested as soon as the route matches, while the
/// browser loads the page's code (its own WASM chunk).
///
/// Every resource of the page is created here, before the role check's
/// suspense boundary, as on the admin page: a resource first created inside
/// the boundary once it had resolved sometimes never resolved during server
/// rendering, and the page's response never ended.
pub struct PortalPage {
    html: Resource<Result<String, AppError>>,
}

#[lazy_route]
impl LazyRoute for PortalPage {
    fn data() -> Self {
        let lang = use_lang();
        let search = use_location().search;
        PortalPage {
            html: Resource::new(
                move || (lang.get(), search.get()),
                |(lang, query)| portal_overview_html(query, lang),
            ),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::Portal>
                <PortalHtmlList tab=PortalTab::Overview testid="portal-page" html=this.html />
            </RequireArea>
        }
        .into_any()
    }
}
