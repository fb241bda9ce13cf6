//! `/portal/assets`: the tenant's asset table — filters, search, sort,
//! pages and the CSV export — as HTML made on the server for the address
//! bar's query string ([`assets_html`]). Filters are a GET form and sort
//! headers and pages are links, so the page's own code is only its frame.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use leptos_router::{LazyRoute, lazy_route};

use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::portal_html::PortalHtmlList;
use crate::components::portal_tabs::PortalTab;
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::inventory::assets_html;

/// The table's HTML, requested as soon as the route matches (see the
/// portal page for why every resource is made here).
pub struct AssetsPage {
    html: Resource<Result<String, AppError>>,
}

#[lazy_route]
impl LazyRoute for AssetsPage {
    fn data() -> Self {
        let lang = use_lang();
        let search = use_location().search;
        AssetsPage {
            html: Resource::new(
                move || (lang.get(), search.get()),
                |(lang, query)| assets_html(query, lang),
            ),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::Portal>
                <PortalHtmlList tab=PortalTab::Assets testid="assets-page" html=this.html />
            </RequireArea>
        }
        .into_any()
    }
}
