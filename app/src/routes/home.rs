use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::auth::Area;
use crate::i18n::use_t;
use crate::use_current_user;

/// `/`: a lazy route, so its code stays out of the main file.
pub struct HomePage;

#[lazy_route]
impl LazyRoute for HomePage {
    fn data() -> Self {
        HomePage
    }

    fn view(_this: Self) -> AnyView {
        view! { <Home /> }.into_any()
    }
}

#[component]
fn Home() -> impl IntoView {
    let t = use_t();
    let user = use_current_user().resource;
    view! {
        <section class="hero">
            <h1>{move || t().app_name}</h1>
            <p class="muted">{move || t().tagline}</p>
        </section>
        <Suspense fallback=move || view! { <p class="muted">{move || t().loading}</p> }>
            {move || Suspend::new(async move {
                match user.await.ok().flatten() {
                    Some(u) => {
                        let role = u.role;
                        let tiles = [
                            (Area::Portal, "/portal", t().nav_portal),
                            (Area::Quotes, "/quotes", t().nav_quotes),
                            (Area::Admin, "/admin", t().nav_admin),
                        ]
                            .into_iter()
                            .filter(|(area, _, _)| area.allows(role))
                            .map(|(_, href, label)| view! { <a class="tile" href=href>{label}</a> })
                            .collect_view();
                        view! {
                            <section class="card">
                                <h2>{move || t().home_title} ", " {u.display_name.clone()}</h2>
                                <p>{move || t().home_intro}</p>
                                <div class="tiles">{tiles}</div>
                            </section>
                        }
                            .into_any()
                    }
                    None => view! {
                        <section class="card">
                            <a class="button" href="/login">{move || t().nav_login}</a>
                        </section>
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}
