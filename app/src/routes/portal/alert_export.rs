//! `/portal/alert-export`: where the tenant's alerts are sent — receivers,
//! the form that adds one, the delivery log — as HTML made on the server
//! ([`export_html`]); its forms post to the server functions. Customer
//! admins only.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::alert_export::export_html;
use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::portal_html::PortalHtmlItem;
use crate::components::portal_tabs::PortalTab;
use crate::error::AppError;
use crate::i18n::use_lang;

/// The page's HTML, requested as soon as the route matches.
pub struct AlertExportPage {
    html: Resource<Result<Option<String>, AppError>>,
}

#[lazy_route]
impl LazyRoute for AlertExportPage {
    fn data() -> Self {
        let lang = use_lang();
        AlertExportPage {
            html: Resource::new(
                move || lang.get(),
                |lang| async move { export_html(lang).await.map(Some) },
            ),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::PortalManage>
                <PortalHtmlItem tab=PortalTab::Alerts testid="alert-export-page" not_found_testid="alert-export-missing" html=this.html />
            </RequireArea>
        }
        .into_any()
    }
}
