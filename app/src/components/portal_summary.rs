//! The portal's read-only sections — the inventory's dashboard, the
//! tenant's figures, its users and its sensors' health — as HTML.
//!
//! Rendered on the server only ([`render`]): nothing in them reacts to a
//! click, so the browser takes them as they are instead of loading the code
//! and types that would build them.

use leptos::prelude::*;
use model::UserSummary;
use model::portal::TenantOverview;
use model::sensors::SensorSummary;

use crate::components::inventory::dashboard::{self, Figures};
use crate::components::sensor_table::SensorTable;
use crate::i18n::{Lang, provide_lang, use_t};

/// The sections as HTML in `lang`, for the portal to insert as they are.
pub fn render(
    overview: TenantOverview,
    users: Vec<UserSummary>,
    sensors: Vec<SensorSummary>,
    inventory: Figures,
    lang: Lang,
) -> String {
    use leptos::tachys::view::RenderHtml;
    let owner = Owner::new();
    owner.with(|| {
        provide_lang(lang);
        view! { <Sections overview users sensors inventory lang /> }.to_html()
    })
}

#[component]
fn Sections(
    overview: TenantOverview,
    users: Vec<UserSummary>,
    sensors: Vec<SensorSummary>,
    inventory: Figures,
    lang: Lang,
) -> impl IntoView {
    let t = use_t();
    view! {
        {dashboard::sections(inventory, lang.inventory())}
        <dl class="facts">
            <dt>{move || t().portal_tenant}</dt>
            <dd data-testid="tenant-name">{overview.tenant_name}</dd>
            <dt>{move || t().portal_users}</dt>
            <dd>{overview.user_count}</dd>
            <dt>{move || t().portal_sensors}</dt>
            <dd data-testid="sensor-count">{overview.sensor_count}</dd>
            <dt>{move || t().s.flow_records}</dt>
            <dd data-testid="flow-records">{overview.flow_records}</dd>
            <dt>{move || t().s.operations}</dt>
            <dd>{overview.operations}</dd>
        </dl>
        <h2>{move || t().portal_users}</h2>
        <ul class="plain" data-testid="portal-users">
            {users
                .into_iter()
                .map(|u| {
                    let role = u.role;
                    view! {
                        <li>{u.display_name} " (" {u.username} ") · " {move || t().role(role)}</li>
                    }
                })
                .collect_view()}
        </ul>
        <section data-testid="sensor-health">
            <h2>{move || t().s.health_title}</h2>
            <SensorTable sensors rotate=None revoke=None />
        </section>
    }
}
