//! The portal's tabs: overview, assets, alerts, map. Plain links, so they work
//! before the page's code has loaded.

use leptos::prelude::*;

use crate::i18n::use_t;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalTab {
    Overview,
    Assets,
    Alerts,
    Map,
}

#[component]
pub fn PortalTabs(current: PortalTab) -> impl IntoView {
    let t = use_t();
    let tab = move |which: PortalTab,
                    href: &'static str,
                    testid: &'static str,
                    text: fn(&crate::i18n::Catalogue) -> &'static str| {
        let here = which == current;
        view! {
            <a
                href=href
                class:current=here
                aria-current=here.then_some("page")
                data-testid=testid
            >
                {move || text(t())}
            </a>
        }
    };
    view! {
        <nav class="tabs" data-testid="portal-tabs">
            {tab(PortalTab::Overview, "/portal", "tab-overview", |c| c.portal_tab_overview)}
            {tab(PortalTab::Assets, "/portal/assets", "tab-assets", |c| c.portal_tab_assets)}
            {tab(PortalTab::Alerts, "/portal/alerts", "tab-alerts", |c| c.portal_tab_alerts)}
            {tab(PortalTab::Map, "/portal/map", "tab-map", |c| c.portal_tab_map)}
        </nav>
    }
}
