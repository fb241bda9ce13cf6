//! The admin page's sensor section: register a sensor for a tenant (its
//! token is shown once), rotate and revoke tokens.

use leptos::form::ActionForm;
use leptos::prelude::*;

use super::Changed;
use crate::components::sensor_table::SensorTable;
use crate::components::tenant_select::{TenantList, TenantSelect};
use crate::error::{AppError, decoded};
use crate::i18n::use_t;
use crate::sensors::{
    CreateSensor, RevokeSensor, RotateSensorToken, SensorSummary, SensorToken, list_sensors,
};
use model::JsonText;

/// The token of a new or rotated sensor, shown once.
#[component]
fn TokenOnce(token: SensorToken) -> impl IntoView {
    let t = use_t();
    view! {
        <div class="notice-inline token-once" role="status" data-testid="sensor-token">
            <p><strong>{move || t().s.token_once}</strong></p>
            <p>{move || t().s.sensor_id} ": " <code data-testid="sensor-public-id">{token.sensor.public_id.clone()}</code></p>
            <p>{move || t().s.token} ": " <code data-testid="sensor-token-value">{token.token.clone()}</code></p>
        </div>
    }
}

/// The sensor section's list (JSON text) and what makes it refetch, created
/// by the admin page before its role check (see `AdminPage`); the section
/// makes its actions itself.
#[derive(Clone, Copy)]
pub struct SensorAdminData {
    changed: Changed,
    sensors: Resource<Result<JsonText<Vec<SensorSummary>>, AppError>>,
}

impl SensorAdminData {
    pub fn new() -> Self {
        let changed = Changed::new();
        SensorAdminData {
            changed,
            sensors: Resource::new(move || changed.track(), |_| list_sensors()),
        }
    }
}

impl Default for SensorAdminData {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn SensorAdmin(tenants: TenantList, data: SensorAdminData) -> impl IntoView {
    let t = use_t();
    let SensorAdminData { changed, sensors } = data;
    let create = ServerAction::<CreateSensor>::new();
    let rotate = ServerAction::<RotateSensorToken>::new();
    let revoke = ServerAction::<RevokeSensor>::new();
    changed.after(create);
    changed.after(rotate);
    changed.after(revoke);
    view! {
        <section class="card" data-testid="sensor-admin">
            <h2>{move || t().s.title}</h2>
            <ActionForm action=create attr:class="row">
                <label>
                    {move || t().admin_tenant}
                    <TenantSelect tenants=tenants name="tenant_id" testid="sensor-tenant" />
                </label>
                <label>
                    {move || t().s.name}
                    <input type="text" name="name" required data-testid="sensor-name" />
                </label>
                <button type="submit" class="button primary" data-testid="sensor-create">{move || t().s.create}</button>
            </ActionForm>
            {move || create.value().get().map(|r| match r {
                Ok(token) => view! { <TokenOnce token=token /> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
            {move || rotate.value().get().map(|r| match r {
                Ok(token) => view! { <TokenOnce token=token /> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
            <Transition fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match decoded(sensors.await) {
                        Ok(list) => view! { <SensorTable sensors=list rotate=Some(rotate) revoke=Some(revoke) /> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
