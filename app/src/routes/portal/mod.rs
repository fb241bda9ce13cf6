//! `/portal`: the customer's page — the inventory's dashboard, overview,
//! users, sensors' health, capture upload and contract; its other tabs are
//! the asset table (`assets.rs`), an asset's page (`asset.rs`), the alerts (`alerts.rs`), an alert's page (`alert.rs`), the alert export settings (`alert_export.rs`) and the map. The read-only sections are HTML made on the
//! server (`components/portal_summary.rs`, `components/contract_statement.rs`);
//! the upload form is the page's own code (`upload.rs`).

pub mod alert;
pub mod alert_export;
pub mod alerts;
pub mod asset;
pub mod assets;
pub mod statement;
pub mod upload;

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use self::statement::ContractStatementSection;
use self::upload::PcapUpload;
use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::portal_tabs::{PortalTab, PortalTabs};
use crate::contracts::portal_statement;
use crate::error::AppError;
use crate::i18n::{use_lang, use_t};
use crate::portal::portal_summary;

/// The page's data, requested as soon as the route matches, while the
/// browser loads the page's code (its own WASM chunk).
///
/// Every resource of the page is created here, before the role check's
/// suspense boundary, as on the admin page: a resource first created inside
/// the boundary once it had resolved sometimes never resolved during server
/// rendering, and the page's response never ended.
///
/// The read-only sections come as HTML rendered on the server (see
/// [`portal_summary`]): the page's code is only the upload form and the
/// frames around them.
pub struct PortalPage {
    summary: Resource<Result<String, AppError>>,
    statement: Resource<Result<Option<String>, AppError>>,
}

#[lazy_route]
impl LazyRoute for PortalPage {
    fn data() -> Self {
        let lang = use_lang();
        PortalPage {
            summary: Resource::new(move || lang.get(), portal_summary),
            statement: Resource::new(move || lang.get(), portal_statement),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::Portal>
                <PortalOverview summary=this.summary statement=this.statement />
            </RequireArea>
        }
        .into_any()
    }
}

#[component]
fn PortalOverview(
    summary: Resource<Result<String, AppError>>,
    statement: Resource<Result<Option<String>, AppError>>,
) -> impl IntoView {
    let t = use_t();
    view! {
        <section class="card" data-testid="portal-page">
            <PortalTabs current=PortalTab::Overview />
            <h1>{move || t().portal_title}</h1>
            // A language switch refetches the HTML; the old one stays meanwhile.
            <Transition fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(html) => view! { <div inner_html=html></div> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <PcapUpload />
            <ContractStatementSection statement=statement />
        </section>
    }
}
