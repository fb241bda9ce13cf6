use leptos::prelude::*;

use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::i18n::use_t;

#[component]
pub fn QuotesPage() -> impl IntoView {
    let t = use_t();
    view! {
        <RequireArea area=Area::Quotes>
            <section class="card" data-testid="quotes-page">
                <h1>{move || t().quotes_title}</h1>
                <p class="notice-inline">{move || t().placeholder_notice}</p>
                <p>{move || t().quotes_coming}</p>
            </section>
        </RequireArea>
    }
}
