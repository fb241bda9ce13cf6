//! `/portal`: the customer's page — overview, sensors' health, capture
//! upload, contract and users. Sections with more than a few lines live in
//! their own file.

pub mod sensors;
pub mod statement;

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use self::sensors::{PcapUpload, SensorHealthSection};
use self::statement::ContractStatementSection;
use crate::admin::UserSummary;
use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::contracts::portal_statement;
use crate::error::AppError;
use crate::i18n::{use_lang, use_t};
use crate::portal::{TenantOverview, portal_overview, tenant_users};
use crate::sensors::{SensorSummary, portal_sensors};

/// The page's data, requested as soon as the route matches, while the
/// browser loads the page's code (its own WASM chunk).
///
/// Every resource of the page is created here, before the role check's
/// suspense boundary, as on the admin page: a resource first created inside
/// the boundary once it had resolved sometimes never resolved during server
/// rendering, and the page's response never ended.
pub struct PortalPage {
    overview: Resource<Result<TenantOverview, AppError>>,
    users: Resource<Result<Vec<UserSummary>, AppError>>,
    sensors: Resource<Result<Vec<SensorSummary>, AppError>>,
    statement: Resource<Result<Option<String>, AppError>>,
}

#[lazy_route]
impl LazyRoute for PortalPage {
    fn data() -> Self {
        let lang = use_lang();
        PortalPage {
            overview: Resource::new(|| (), |_| portal_overview()),
            users: Resource::new(|| (), |_| tenant_users()),
            sensors: Resource::new(|| (), |_| portal_sensors()),
            statement: Resource::new(move || lang.get(), portal_statement),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::Portal>
                <PortalOverview overview=this.overview users=this.users sensors=this.sensors statement=this.statement />
            </RequireArea>
        }
        .into_any()
    }
}

#[component]
fn PortalOverview(
    overview: Resource<Result<TenantOverview, AppError>>,
    users: Resource<Result<Vec<UserSummary>, AppError>>,
    sensors: Resource<Result<Vec<SensorSummary>, AppError>>,
    statement: Resource<Result<Option<String>, AppError>>,
) -> impl IntoView {
    let t = use_t();
    view! {
        <section class="card" data-testid="portal-page">
            <h1>{move || t().portal_title}</h1>
            <Suspense fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(o) => view! {
                            <dl class="facts">
                                <dt>{move || t().portal_tenant}</dt>
                                <dd data-testid="tenant-name">{o.tenant_name.clone()}</dd>
                                <dt>{move || t().portal_users}</dt>
                                <dd>{o.user_count}</dd>
                                <dt>{move || t().portal_sensors}</dt>
                                <dd data-testid="sensor-count">{o.sensor_count}</dd>
                                <dt>{move || t().s.flow_records}</dt>
                                <dd data-testid="flow-records">{o.flow_records}</dd>
                                <dt>{move || t().s.operations}</dt>
                                <dd>{o.operations}</dd>
                            </dl>
                        }
                            .into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{move || t().portal_users}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(list) => view! {
                            <ul class="plain">
                                {list
                                    .into_iter()
                                    .map(|u| {
                                        let role = u.role;
                                        view! {
                                            <li>
                                                {u.display_name} " (" {u.username} ") · "
                                                {move || t().role(role)}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <SensorHealthSection sensors=sensors />
            <PcapUpload />
            <ContractStatementSection statement=statement />
        </section>
    }
}
