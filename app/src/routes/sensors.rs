//! Sensors: operator admins register them (the token is shown once), rotate
//! and revoke tokens; customers watch each sensor's health.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::i18n::use_t;
use crate::sensors::{
    CreateSensor, RevokeSensor, RotateSensorToken, SensorSummary, SensorToken, list_sensors,
};

/// `2026-11-25 09:14 UTC` from Unix seconds.
pub fn utc_minute(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

fn opt_number(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

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

/// The sensor section's actions and list, created by the admin page before
/// its role check (see `AdminPage`).
#[derive(Clone, Copy)]
pub struct SensorAdminData {
    create: ServerAction<CreateSensor>,
    rotate: ServerAction<RotateSensorToken>,
    revoke: ServerAction<RevokeSensor>,
    sensors: Resource<Result<Vec<SensorSummary>, crate::error::AppError>>,
}

impl SensorAdminData {
    pub fn new() -> Self {
        let create = ServerAction::<CreateSensor>::new();
        let rotate = ServerAction::<RotateSensorToken>::new();
        let revoke = ServerAction::<RevokeSensor>::new();
        let sensors = Resource::new(
            move || {
                (
                    create.version().get(),
                    rotate.version().get(),
                    revoke.version().get(),
                )
            },
            |_| list_sensors(),
        );
        SensorAdminData {
            create,
            rotate,
            revoke,
            sensors,
        }
    }
}

impl Default for SensorAdminData {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn SensorAdmin(
    tenants: crate::routes::admin::TenantList,
    data: SensorAdminData,
) -> impl IntoView {
    let t = use_t();
    let SensorAdminData {
        create,
        rotate,
        revoke,
        sensors,
    } = data;
    view! {
        <section class="card" data-testid="sensor-admin">
            <h2>{move || t().s.title}</h2>
            <ActionForm action=create attr:class="row">
                <label>
                    {move || t().admin_tenant}
                    // No suspense boundary inside the <select> (see ContractRecorder).
                    <Transition fallback=|| view! { <select name="tenant_id" disabled></select> }>
                        {move || Suspend::new(async move {
                            let tenants = tenants.await.unwrap_or_default();
                            view! {
                                <select name="tenant_id" data-testid="sensor-tenant">
                                    {tenants.into_iter()
                                        .map(|tn| view! { <option value=tn.id.to_string()>{tn.name}</option> })
                                        .collect_view()}
                                </select>
                            }
                        })}
                    </Transition>
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
                    match sensors.await {
                        Ok(list) => view! { <SensorTable sensors=list rotate=Some(rotate) revoke=Some(revoke) /> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SensorTable(
    sensors: Vec<SensorSummary>,
    rotate: Option<ServerAction<RotateSensorToken>>,
    revoke: Option<ServerAction<RevokeSensor>>,
) -> impl IntoView {
    let t = use_t();
    if sensors.is_empty() {
        return view! { <p class="muted" data-testid="no-sensors">{move || t().s.none}</p> }
            .into_any();
    }
    let admin = rotate.is_some();
    view! {
        <div class="scroll">
            <table data-testid="sensors">
                <thead><tr>
                    <th>{move || t().s.name}</th>
                    {admin.then(|| view! { <th>{move || t().admin_tenant}</th> })}
                    <th>{move || t().s.sensor_id}</th>
                    <th>{move || t().s.status}</th>
                    <th>{move || t().s.last_upload}</th>
                    <th class="num">{move || t().s.lag}</th>
                    <th class="num">{move || t().s.batches}</th>
                    <th class="num">{move || t().s.packets}</th>
                    <th class="num">{move || t().s.drops}</th>
                    <th class="num">{move || t().s.spool}</th>
                    <th>{move || t().s.version}</th>
                    {admin.then(|| view! { <th></th> })}
                </tr></thead>
                <tbody>
                    {sensors.into_iter().map(|s| {
                        let id = s.id;
                        let revoked = s.revoked;
                        let h = s.health.clone();
                        view! {
                            <tr data-testid=format!("sensor-{}", s.public_id) class:revoked=revoked>
                                <td>{s.name.clone()}</td>
                                {admin.then(|| view! { <td>{s.tenant_name.clone()}</td> })}
                                <td><code>{s.public_id.clone()}</code></td>
                                <td>{move || if revoked { t().s.revoked } else { t().s.active }}</td>
                                <td>{h.last_upload_at.map(utc_minute).unwrap_or_else(|| "—".into())}</td>
                                <td class="num">{h.lag_s.map(|l| format!("{l} s")).unwrap_or_else(|| "—".into())}</td>
                                <td class="num">{h.batches}</td>
                                <td class="num">{h.packets_total}</td>
                                <td class="num">{opt_number(h.capture_dropped_total)}</td>
                                <td class="num">{opt_number(h.spool_backlog)}</td>
                                <td>{h.version.clone().unwrap_or_default()}</td>
                                {admin.then(|| view! {
                                    <td class="actions">
                                        <button type="button" class="button small" disabled=revoked
                                            data-testid="sensor-rotate"
                                            on:click=move |_| { if let Some(a) = rotate { a.dispatch(RotateSensorToken { sensor_id: id }); } }>
                                            {move || t().s.rotate}
                                        </button>
                                        <button type="button" class="button small" disabled=revoked
                                            data-testid="sensor-revoke"
                                            on:click=move |_| { if let Some(a) = revoke { a.dispatch(RevokeSensor { sensor_id: id }); } }>
                                            {move || t().s.revoke}
                                        </button>
                                    </td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Customers: their sensors' health (`sensors` from
/// [`crate::sensors::portal_sensors`], created by the page).
#[component]
pub fn SensorHealthSection(
    sensors: Resource<Result<Vec<SensorSummary>, crate::error::AppError>>,
) -> impl IntoView {
    let t = use_t();
    view! {
        <section data-testid="sensor-health">
            <h2>{move || t().s.health_title}</h2>
            <Suspense fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match sensors.await {
                        Ok(list) => view! { <SensorTable sensors=list rotate=None revoke=None /> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Customer admins: upload a capture file instead of running a sensor. A
/// plain form post (works before the WASM loads); the server redirects back
/// with what it stored.
#[component]
pub fn PcapUpload() -> impl IntoView {
    let t = use_t();
    let query = leptos_router::hooks::use_query_map();
    let user = crate::use_current_user().resource;
    let result = move || {
        query.with(|q| {
            if let Some(e) = q.get("upload_error") {
                Some(view! { <p class="error" role="alert" data-testid="upload-error">{e}</p> }.into_any())
            } else {
                q.get("uploaded").map(|minutes| {
                    let flows = q.get("flows").unwrap_or_default();
                    view! {
                        <p class="ok" role="status" data-testid="upload-done">
                            {move || t().s.uploaded} ": " {minutes.clone()} " " {move || t().s.minutes} ", "
                            {flows.clone()} " " {move || t().s.flow_records}
                        </p>
                    }
                    .into_any()
                })
            }
        })
    };
    view! {
        <section data-testid="pcap-upload">
            <h2>{move || t().s.upload_title}</h2>
            <p class="hint">{move || t().s.upload_hint}</p>
            {result}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let may_upload = matches!(user.await, Ok(Some(u)) if u.role == crate::auth::Role::CustomerAdmin);
                    may_upload.then(|| view! {
                        <form method="post" action="/portal/pcap" enctype="multipart/form-data" class="row">
                            <input type="file" name="capture" accept=".pcap,.pcapng,.cap" required data-testid="pcap-file" />
                            <button type="submit" class="button primary" data-testid="pcap-submit">{move || t().s.upload}</button>
                        </form>
                    })
                })}
            </Suspense>
        </section>
    }
}
