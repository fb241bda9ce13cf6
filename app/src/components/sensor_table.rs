//! The sensors table with each sensor's health: read-only for customers,
//! with token rotation and revocation for operator admins.

use leptos::prelude::*;

use crate::i18n::use_t;
use crate::sensors::{RevokeSensor, RotateSensorToken, SensorSummary};

/// `2026-11-25 09:14 UTC` from Unix seconds.
pub fn utc_minute(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

fn opt_number(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

/// The sensors; `rotate` and `revoke` (operator admins only) add the tenant
/// column and the action buttons.
#[component]
pub fn SensorTable(
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
                    <th class="num">{move || t().s.analysis_pending}</th>
                    <th>{move || t().s.analysed_through}</th>
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
                                <td class="num" data-testid="analysis-pending">{h.analysis_pending}</td>
                                <td>{h.analysed_minute.map(utc_minute).unwrap_or_else(|| "—".into())}</td>
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
