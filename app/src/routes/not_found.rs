use leptos::prelude::*;

use crate::components::guard::set_http_status;
use crate::i18n::use_t;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let t = use_t();
    set_http_status(404);
    view! {
        <section class="card notice">
            <h1>{move || t().not_found_title}</h1>
            <p>{move || t().not_found_body}</p>
        </section>
    }
}
