//! Shows a page only to the roles its area allows; others get a 403 page
//! (and the HTTP status says so when rendered on the server).

use leptos::prelude::*;

use crate::auth::Area;
use crate::i18n::use_t;
use crate::use_current_user;

/// Sets the HTTP status of the server-rendered response (no-op in the browser).
pub fn set_http_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
pub fn Forbidden() -> impl IntoView {
    let t = use_t();
    set_http_status(403);
    view! {
        <section class="card notice" data-testid="forbidden">
            <h1>{move || t().forbidden_title}</h1>
            <p>{move || t().forbidden_body}</p>
        </section>
    }
}

#[component]
pub fn SignInRequired() -> impl IntoView {
    let t = use_t();
    set_http_status(401);
    view! {
        <section class="card notice" data-testid="sign-in-required">
            <p>{move || t().sign_in_required}</p>
            <a class="button" href="/login">{move || t().nav_login}</a>
        </section>
    }
}

#[component]
pub fn RequireArea(area: Area, children: ChildrenFn) -> impl IntoView {
    let user = use_current_user().resource;
    let t = use_t();
    view! {
        <Suspense fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
            {
                let children = children.clone();
                move || {
                    let children = children.clone();
                    Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) if area.allows(u.role) => children().into_any(),
                            Ok(Some(_)) => view! { <Forbidden /> }.into_any(),
                            Ok(None) => view! { <SignInRequired /> }.into_any(),
                            Err(e) => {
                                view! { <p class="error">{move || t().error_generic} ": " {e.to_string()}</p> }
                                    .into_any()
                            }
                        }
                    })
                }
            }
        </Suspense>
    }
}
