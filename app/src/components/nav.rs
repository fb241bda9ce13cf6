//! The top bar: the areas the signed-in role may use, the language switch, logout.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::auth::{Area, SessionUser};
use crate::i18n::{switch_language, use_lang, use_t};
use crate::use_current_user;

#[component]
pub fn NavBar() -> impl IntoView {
    let current = use_current_user();
    let t = use_t();
    let lang = use_lang();
    let links = move |user: Option<SessionUser>| {
        let role = user.as_ref().map(|u| u.role);
        let allowed = move |area: Area| role.is_some_and(|r| area.allows(r));
        view! {
            <a href="/" data-testid="nav-home">{move || t().nav_home}</a>
            <Show when=move || allowed(Area::Portal)>
                <a href="/portal" data-testid="nav-portal">{move || t().nav_portal}</a>
            </Show>
            <Show when=move || allowed(Area::Quotes)>
                <a href="/quotes" data-testid="nav-quotes">{move || t().nav_quotes}</a>
            </Show>
            <Show when=move || allowed(Area::Admin)>
                <a href="/admin" data-testid="nav-admin">{move || t().nav_admin}</a>
            </Show>
        }
    };
    let account = move |user: Option<SessionUser>| match user {
        Some(u) => {
            let role = u.role;
            view! {
                <span class="who" data-testid="who">
                    <span class="muted">{move || t().signed_in_as}</span>
                    " " {u.display_name.clone()} " · " {move || t().role(role)}
                </span>
                <ActionForm action=current.logout attr:class="inline">
                    <button type="submit" class="link" data-testid="logout">
                        {move || t().nav_logout}
                    </button>
                </ActionForm>
            }
            .into_any()
        }
        None => view! { <a href="/login" data-testid="nav-login">{move || t().nav_login}</a> }
            .into_any(),
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/">{move || t().app_name}</a>
            <nav class="areas">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        links(current.resource.await.ok().flatten())
                    })}
                </Transition>
            </nav>
            <div class="account">
                <button
                    type="button"
                    class="lang"
                    data-testid="lang-switch"
                    on:click=move |_| switch_language(lang.get_untracked().other())
                >
                    {move || t().switch_to_other_language}
                </button>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        account(current.resource.await.ok().flatten())
                    })}
                </Transition>
            </div>
        </header>
    }
}
