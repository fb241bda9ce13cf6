//! `/portal/assets/:id`: one asset — identity and where each fact came
//! from, role and evidence, IP history, peers, operations, timeline — as
//! HTML made on the server ([`asset_html`]). Customer admins' form to
//! correct the role and level is a plain HTML form in that HTML.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_router::{LazyRoute, lazy_route};
use model::inventory::percent_decode;

use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::portal_html::PortalHtmlItem;
use crate::components::portal_tabs::PortalTab;
use crate::error::AppError;
use crate::i18n::use_lang;
use crate::inventory::asset_html;

/// The asset's HTML, requested as soon as the route matches.
pub struct AssetPage {
    html: Resource<Result<Option<String>, AppError>>,
}

#[lazy_route]
impl LazyRoute for AssetPage {
    fn data() -> Self {
        let lang = use_lang();
        let params = use_params_map();
        // Ids hold `:` and `/`, so links escape them; decoding an id that
        // was not escaped leaves it as it is.
        let id = move || {
            params
                .read()
                .get("id")
                .map(|id| percent_decode(&id))
                .unwrap_or_default()
        };
        AssetPage {
            html: Resource::new(
                move || (lang.get(), id()),
                |(lang, id)| asset_html(id, lang),
            ),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::Portal>
                <PortalHtmlItem tab=PortalTab::Assets testid="asset-page" not_found_testid="asset-not-found" html=this.html />
            </RequireArea>
        }
        .into_any()
    }
}
