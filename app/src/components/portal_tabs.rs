//! The portal's tabs: overview, assets, alerts, map, zones. Plain links, so they work
//! before the page's code has loaded. The Alerts tab carries how many
//! alerts are new (not yet triaged), so a customer sees them from any tab;
//! the server renders that badge as HTML (`portal/alerts_badge`) and
//! `public/alerts-badge.js` puts it in the tab's empty slot, which keeps the
//! code every portal page loads small.

use leptos::prelude::*;

use crate::i18n::{Catalogue, use_t};

/// The alert export settings, under the Alerts tab.
pub const ALERT_EXPORT_HREF: &str = "/portal/alert-export";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalTab {
    Overview,
    Assets,
    Alerts,
    Map,
    Zones,
}

impl PortalTab {
    pub const ALL: [PortalTab; 5] = [
        PortalTab::Overview,
        PortalTab::Assets,
        PortalTab::Alerts,
        PortalTab::Map,
        PortalTab::Zones,
    ];

    pub fn href(self) -> &'static str {
        match self {
            PortalTab::Overview => "/portal",
            PortalTab::Assets => "/portal/assets",
            PortalTab::Alerts => "/portal/alerts",
            PortalTab::Map => "/portal/map",
            PortalTab::Zones => "/portal/zones",
        }
    }

    pub fn label(self, t: &Catalogue) -> &'static str {
        match self {
            PortalTab::Overview => t.portal_tab_overview,
            PortalTab::Assets => t.portal_tab_assets,
            PortalTab::Alerts => t.portal_tab_alerts,
            PortalTab::Map => t.portal_tab_map,
            PortalTab::Zones => t.portal_tab_zones,
        }
    }

    /// The page's heading: the portal's name on its first tab.
    pub fn heading(self, t: &Catalogue) -> &'static str {
        match self {
            PortalTab::Overview => t.portal_title,
            _ => self.label(t),
        }
    }

    fn testid(self) -> &'static str {
        match self {
            PortalTab::Overview => "tab-overview",
            PortalTab::Assets => "tab-assets",
            PortalTab::Alerts => "tab-alerts",
            PortalTab::Map => "tab-map",
            PortalTab::Zones => "tab-zones",
        }
    }
}

#[component]
pub fn PortalTabs(current: PortalTab) -> impl IntoView {
    let t = use_t();
    let tabs = PortalTab::ALL
        .into_iter()
        .map(|tab| {
            let here = tab == current;
            let badge = (tab == PortalTab::Alerts)
                .then(|| view! { <span class="tab-badge" data-alerts-badge=""></span> });
            view! {
                <a
                    href=tab.href()
                    class:current=here
                    aria-current=here.then_some("page")
                    data-testid=tab.testid()
                >
                    {move || tab.label(t())}
                    {badge}
                </a>
            }
        })
        .collect_view();
    view! { <nav class="tabs" data-testid="portal-tabs">{tabs}</nav> }
}
