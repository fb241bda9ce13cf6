//! The portal's capture file upload, for customer admins.

use leptos::prelude::*;

use crate::i18n::use_t;

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
                    let cut = q.get("cut");
                    view! {
                        <p class="ok" role="status" data-testid="upload-done">
                            {move || t().s.uploaded} ": " {minutes.clone()} " " {move || t().s.minutes} ", "
                            {flows.clone()} " " {move || t().s.flow_records}
                        </p>
                        {cut.map(|why| view! {
                            <p class="notice-inline" role="status" data-testid="upload-cut">{move || t().s.upload_cut} " " {why}</p>
                        })}
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
