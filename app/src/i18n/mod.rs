//! The UI's words. Every string a page shows comes from one typed catalogue
//! per language, so a missing translation is a compile error, not a blank.

mod en;
mod ja;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The cookie that remembers the chosen language for a year.
pub const LANG_COOKIE: &str = "otlens_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Japanese is the default: most users are plant staff in Japan.
    #[default]
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim() {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }

    pub fn catalogue(self) -> &'static Catalogue {
        match self {
            Lang::Ja => &ja::JA,
            Lang::En => &en::EN,
        }
    }
}

/// Finds the language in a `Cookie` header value.
pub fn lang_from_cookie_header(header: &str) -> Option<Lang> {
    header
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.trim() == LANG_COOKIE)
        .and_then(|(_, value)| Lang::parse(value))
}

/// The language to render with: the request's cookie on the server, and on
/// the client whatever the server rendered into `<html lang>`, so hydration matches.
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(lang_from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            document()
                .document_element()
                .and_then(|el| el.get_attribute("lang"))
                .and_then(|code| Lang::parse(&code))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Lang::default()
        }
    }
}

#[derive(Clone, Copy)]
pub struct LangSignal(pub RwSignal<Lang>);

pub fn provide_lang(lang: Lang) {
    provide_context(LangSignal(RwSignal::new(lang)));
}

pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<LangSignal>().0
}

/// `t()` inside a reactive closure gives the current catalogue.
pub fn use_t() -> impl Fn() -> &'static Catalogue + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || lang.get().catalogue()
}

/// Switches the language and remembers it in a cookie (client side; no round trip).
pub fn switch_language(lang: Lang) {
    use_lang().set(lang);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let doc = document();
        if let Some(el) = doc.document_element() {
            let _ = el.set_attribute("lang", lang.code());
        }
        if let Ok(html) = doc.dyn_into::<web_sys::HtmlDocument>() {
            let _ = html.set_cookie(&format!(
                "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                lang.code()
            ));
        }
    }
}

/// Every string of the UI. Fields are grouped by page.
pub struct Catalogue {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub switch_to_other_language: &'static str,
    // navigation
    pub nav_home: &'static str,
    pub nav_portal: &'static str,
    pub nav_quotes: &'static str,
    pub nav_admin: &'static str,
    pub nav_login: &'static str,
    pub nav_logout: &'static str,
    pub signed_in_as: &'static str,
    // roles
    pub role_operator_admin: &'static str,
    pub role_sales: &'static str,
    pub role_customer_admin: &'static str,
    pub role_customer_viewer: &'static str,
    // login
    pub login_title: &'static str,
    pub login_username: &'static str,
    pub login_password: &'static str,
    pub login_submit: &'static str,
    pub login_failed: &'static str,
    pub login_throttled: &'static str,
    // generic
    pub loading: &'static str,
    pub error_generic: &'static str,
    pub forbidden_title: &'static str,
    pub forbidden_body: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub sign_in_required: &'static str,
    pub placeholder_notice: &'static str,
    // home
    pub home_title: &'static str,
    pub home_intro: &'static str,
    // portal
    pub portal_title: &'static str,
    pub portal_tenant: &'static str,
    pub portal_users: &'static str,
    pub portal_sensors: &'static str,
    pub portal_coming: &'static str,
    // quotes
    pub quotes_title: &'static str,
    pub quotes_coming: &'static str,
    // admin
    pub admin_title: &'static str,
    pub admin_tenants: &'static str,
    pub admin_users: &'static str,
    pub admin_new_tenant: &'static str,
    pub admin_tenant_name: &'static str,
    pub admin_create: &'static str,
    pub admin_new_user: &'static str,
    pub admin_display_name: &'static str,
    pub admin_role: &'static str,
    pub admin_tenant: &'static str,
    pub admin_no_tenant: &'static str,
    pub admin_created: &'static str,
    pub admin_id: &'static str,
}
