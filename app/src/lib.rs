//! OT Lens web application: pages, components and server functions.
//!
//! Compiled twice: with `ssr` into the server binary (rendering and server
//! function bodies) and with `hydrate` into the browser's WASM bundle.

#![recursion_limit = "512"]

pub mod admin;
pub mod alert_export;
pub mod alerts;
pub mod auth;
pub mod components;
pub mod contracts;
pub mod error;
pub mod i18n;
pub mod inventory;
pub mod map;
pub mod portal;
pub mod quotes;
pub mod routes;
pub mod sensors;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod zones;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

use crate::auth::{Login, Logout, whoami};
use crate::components::nav::NavBar;
use crate::i18n::{provide_lang, use_t};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = i18n::initial_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <script src="/alerts-badge.js" defer></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Who is signed in, shared by every page. Refetched when someone logs in or out.
#[derive(Clone, Copy)]
pub struct CurrentUser {
    pub resource: Resource<Result<Option<auth::SessionUser>, error::AppError>>,
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
}

pub fn use_current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_lang(i18n::initial_lang());
    let login = ServerAction::<Login>::new();
    let logout = ServerAction::<Logout>::new();
    let resource = Resource::new(
        move || (login.version().get(), logout.version().get()),
        |_| whoami(),
    );
    provide_context(CurrentUser {
        resource,
        login,
        logout,
    });
    let t = use_t();

    view! {
        <Title text=move || t().app_name />
        <Router>
            <NavBar />
            <main class="page">
                // Guarded pages render in async mode so their 401/403 status is
                // set before the response head is sent.
                <Routes fallback=routes::not_found::NotFoundPage>
                    <Route path=StaticSegment("") view={Lazy::<routes::home::HomePage>::new()} />
                    <Route path=StaticSegment("login") view={Lazy::<routes::login::LoginPage>::new()} />
                    // Each page's code is its own WASM chunk, loaded with its
                    // page: the portal does not carry the login form, nor the
                    // login page and the portal the simulator, the admin
                    // console or the contract engine.
                    <Route path=StaticSegment("portal") ssr=SsrMode::Async view={Lazy::<routes::portal::PortalPage>::new()} />
                    <Route path=(StaticSegment("portal"), StaticSegment("alerts")) ssr=SsrMode::Async view={Lazy::<routes::portal::alerts::AlertsPage>::new()} />
                    <Route path=(StaticSegment("portal"), StaticSegment("alert-export")) ssr=SsrMode::Async view={Lazy::<routes::portal::alert_export::AlertExportPage>::new()} />
                    <Route path=(StaticSegment("portal"), StaticSegment("alerts"), ParamSegment("id")) ssr=SsrMode::Async view={Lazy::<routes::portal::alert::AlertPage>::new()} />
                    <Route path=(StaticSegment("portal"), StaticSegment("assets")) ssr=SsrMode::Async view={Lazy::<routes::portal::assets::AssetsPage>::new()} />
                    <Route path=(StaticSegment("portal"), StaticSegment("assets"), ParamSegment("id")) ssr=SsrMode::Async view={Lazy::<routes::portal::asset::AssetPage>::new()} />
                    <Route path=(StaticSegment("portal"), StaticSegment("map")) ssr=SsrMode::Async view={Lazy::<routes::map::MapPage>::new()} />
                    <Route path=(StaticSegment("portal"), StaticSegment("zones")) ssr=SsrMode::Async view={Lazy::<routes::portal::zones::ZonesPage>::new()} />
                    <Route path=StaticSegment("quotes") ssr=SsrMode::Async view={Lazy::<routes::quotes::QuotesPage>::new()} />
                    <Route path=(StaticSegment("quotes"), ParamSegment("id"), StaticSegment("print")) ssr=SsrMode::Async view={Lazy::<routes::quote_print::QuotePrintPage>::new()} />
                    <Route path=StaticSegment("admin") ssr=SsrMode::Async view={Lazy::<routes::admin::AdminPage>::new()} />
                </Routes>
            </main>
        </Router>
    }
}
