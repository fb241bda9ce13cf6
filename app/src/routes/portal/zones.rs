//! `/portal/zones`: the tenant's zones — the ones its admins defined by
//! network, VLAN or sensor, then each sensor's — as HTML made on the
//! server ([`zones_html`]); customer admins' forms that change them are
//! plain HTML forms in that HTML.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::portal_html::PortalHtmlItem;
use crate::components::portal_tabs::PortalTab;
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::zones::zones_html;

/// The page's HTML, requested as soon as the route matches.
pub struct ZonesPage {
    html: Resource<Result<Option<String>, AppError>>,
}

#[lazy_route]
impl LazyRoute for ZonesPage {
    fn data() -> Self {
        let lang = use_lang();
        ZonesPage {
            html: Resource::new(
                move || lang.get(),
                |lang| async move { zones_html(lang).await.map(Some) },
            ),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::Portal>
                <PortalHtmlItem tab=PortalTab::Zones testid="zones-page" not_found_testid="zones-missing" html=this.html />
            </RequireArea>
        }
        .into_any()
    }
}
