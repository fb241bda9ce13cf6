//! `/login`. A lazy route like the others, so the form's code (its action
//! form and the form decoding under it) is in the login page's own chunk,
//! not in the main file every other page loads.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::{LazyRoute, lazy_route};

use crate::error::AppError;
use crate::i18n::use_t;
use crate::use_current_user;

pub struct LoginPage;

#[lazy_route]
impl LazyRoute for LoginPage {
    fn data() -> Self {
        LoginPage
    }

    fn view(_this: Self) -> AnyView {
        view! { <LoginForm /> }.into_any()
    }
}

#[component]
fn LoginForm() -> impl IntoView {
    let t = use_t();
    let login = use_current_user().login;
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = login.value().get() {
            navigate("/", Default::default());
        }
    });
    let error = move || match login.value().get() {
        Some(Err(AppError::Throttled)) => Some(t().login_throttled),
        Some(Err(_)) => Some(t().login_failed),
        _ => None,
    };
    view! {
        <section class="card narrow">
            <h1>{move || t().login_title}</h1>
            <ActionForm action=login attr:class="stack">
                <label>
                    {move || t().login_username}
                    <input type="text" name="username" autocomplete="username" required data-testid="username" />
                </label>
                <label>
                    {move || t().login_password}
                    <input
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        data-testid="password"
                    />
                </label>
                <button type="submit" class="button primary" data-testid="login-submit">
                    {move || t().login_submit}
                </button>
                {move || error().map(|msg| view! { <p class="error" role="alert" data-testid="login-error">{msg}</p> })}
            </ActionForm>
        </section>
    }
}
