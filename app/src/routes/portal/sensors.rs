//! The portal's sensor sections: each sensor's health, and the capture file
//! upload for customer admins.

use leptos::prelude::*;

use crate::components::sensor_table::SensorTable;
use crate::i18n::use_t;
use crate::sensors::SensorSummary;

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
                    let may_upload = matches!(user.await, Ok(Some(u)) if u.may(crate::auth::Area::PortalManage));
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
