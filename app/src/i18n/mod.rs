//! The UI's words. Every string a page shows comes from one typed catalogue
//! per language, so a missing translation is a compile error, not a blank.

#[cfg(feature = "ssr")]
pub mod alert_export;
#[cfg(feature = "ssr")]
pub mod alerts;
mod en;
#[cfg(feature = "ssr")]
pub mod inventory;
mod ja;
#[cfg(feature = "ssr")]
pub mod zones;

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

    /// Picks this language's side of a ja/en pair that comes with the data
    /// (the engine's article labels and notes, the tariff's item names).
    pub fn pick<T>(self, ja: T, en: T) -> T {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

/// Fills a catalogue template: each `{name}` becomes the value given for
/// `name`. One pass, so a value containing braces is never read as a
/// placeholder; a placeholder without a value is left as written, and a value
/// the template does not use is ignored (one language may leave it out).
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (close, v))
        });
        match value {
            Some((close, v)) => {
                let _ = write!(out, "{v}");
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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

impl Catalogue {
    /// A role's name as users read it.
    pub fn role(&self, role: model::Role) -> &'static str {
        use model::Role;
        match role {
            Role::OperatorAdmin => self.role_operator_admin,
            Role::Sales => self.role_sales,
            Role::CustomerAdmin => self.role_customer_admin,
            Role::CustomerViewer => self.role_customer_viewer,
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
    pub unavailable_title: &'static str,
    pub unavailable_body: &'static str,
    pub sign_in_required: &'static str,
    pub placeholder_notice: &'static str,
    // home
    pub home_title: &'static str,
    pub home_intro: &'static str,
    // portal
    pub portal_title: &'static str,
    // the portal's tabs
    pub portal_tab_overview: &'static str,
    pub portal_tab_assets: &'static str,
    pub portal_tab_map: &'static str,
    pub portal_tab_zones: &'static str,
    pub portal_tab_alerts: &'static str,
    pub portal_tenant: &'static str,
    pub portal_users: &'static str,
    pub portal_sensors: &'static str,
    // quotes
    pub q: QuoteWords,
    pub c: ContractWords,
    pub s: SensorWords,
    /// The communication map.
    pub m: MapWords,
    // the quote form's validation messages
    pub v: ValidationWords,
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

/// The quote simulator's and printed quote's words.
pub struct QuoteWords {
    pub title: &'static str,
    pub intro: &'static str,
    pub scenario: &'static str,
    pub add_scenario: &'static str,
    pub remove_scenario: &'static str,
    pub contract: &'static str,
    pub prospect: &'static str,
    pub quote_date: &'static str,
    pub horizon: &'static str,
    pub horizon_period: &'static str,
    pub sensors: &'static str,
    pub sensors_hint: &'static str,
    pub sensor_type: &'static str,
    pub count: &'static str,
    pub opening: &'static str,
    pub removal: &'static str,
    pub type_n: &'static str,
    pub type_d: &'static str,
    pub remove_row: &'static str,
    pub add_sensors: &'static str,
    pub ancillaries: &'static str,
    pub ancillaries_hint: &'static str,
    pub item: &'static str,
    pub start: &'static str,
    pub cancellation: &'static str,
    pub fault_short: &'static str,
    pub operator_fault: &'static str,
    pub add_ancillary: &'static str,
    pub what_if_cancelled: &'static str,
    pub cancellation_date: &'static str,
    pub cancelled_by: &'static str,
    pub by_contractor: &'static str,
    pub by_operator: &'static str,
    pub damage_scenario: &'static str,
    pub damage_date: &'static str,
    pub damage_cause: &'static str,
    pub cause_basic: &'static str,
    pub damage_months: &'static str,
    pub fix_inputs: &'static str,
    pub total_initial: &'static str,
    pub total_recurring: &'static str,
    pub total_settlement: &'static str,
    pub total_subtotal: &'static str,
    pub total_tax: &'static str,
    pub total_value: &'static str,
    pub first_invoice: &'static str,
    pub terms_governing: &'static str,
    pub chart_label: &'static str,
    pub legend_monthly: &'static str,
    pub legend_prorated: &'static str,
    pub legend_cumulative: &'static str,
    pub prorated: &'static str,
    pub prorated_hint: &'static str,
    pub monthly: &'static str,
    pub monthly_hint: &'static str,
    pub csv: &'static str,
    pub month: &'static str,
    pub terms: &'static str,
    pub initial: &'static str,
    pub recurring: &'static str,
    pub settlement: &'static str,
    pub subtotal: &'static str,
    pub tax: &'static str,
    pub total: &'static str,
    pub cumulative: &'static str,
    pub line: &'static str,
    pub days: &'static str,
    pub amount: &'static str,
    pub derivation: &'static str,
    pub deadlines: &'static str,
    pub deadline_passed: &'static str,
    pub early_termination: &'static str,
    pub none: &'static str,
    pub liability: &'static str,
    pub liability_none: &'static str,
    pub terms_compare: &'static str,
    pub terms_compare_hint: &'static str,
    pub ancillaries_dropped: &'static str,
    pub save: &'static str,
    pub saved_as: &'static str,
    pub print: &'static str,
    pub compare: &'static str,
    pub compare_hint: &'static str,
    pub saved: &'static str,
    pub number: &'static str,
    pub issue_date: &'static str,
    pub valid_until: &'static str,
    pub created_by: &'static str,
    pub open: &'static str,
    pub duplicate: &'static str,
    pub back: &'static str,
    pub sheet_title: &'static str,
    pub addressee_suffix: &'static str,
    pub prepared_by: &'static str,
    pub sheet_amount: &'static str,
    pub catalogue: &'static str,
    pub description: &'static str,
    pub quantity: &'static str,
    pub unit_price: &'static str,
    pub amount_excl: &'static str,
    pub sheet_tax_note: &'static str,
    pub sheet_example_note: &'static str,
    pub sheet_stale: &'static str,
    // terms versions, short (tables, CSV)
    pub terms_original: &'static str,
    pub terms_revised: &'static str,
    /// The monthly CSV's header row.
    pub csv_header: [&'static str; 10],
    /// The CSV's "prorated" cell of a month with proration.
    pub csv_prorated: &'static str,
    /// Summary tooltips: `{n}` invoices, `{rate}` the tax rate in percent.
    pub tip_lines: &'static str,
    pub tip_tax: &'static str,
    /// `{opening}`, `{n}` sensors, `{deadline}`.
    pub deadline_line: &'static str,
    /// A liability cap the terms do not define; `{reason}` is the engine's.
    pub liability_not_applicable: &'static str,
    /// A chart bar's tooltip: `{month}`, `{monthly}`, `{cumulative}`, then
    /// `{prorated}` (`chart_bar_prorated` or nothing).
    pub chart_bar_title: &'static str,
    pub chart_bar_prorated: &'static str,
    /// Axis money: the largest `(unit, template)` with `unit ≤ amount`,
    /// `{n}` the amount in units to one decimal; below every unit `compact_yen`.
    pub compact_yen_units: &'static [(i64, &'static str)],
    pub compact_yen: &'static str,
    /// Printed quote descriptions: `{type}` (`N`/`D`), `{item}` an item name.
    pub sheet_initial_fee_n: &'static str,
    pub sheet_initial_fee_d: &'static str,
    pub sheet_basic_fee: &'static str,
    pub sheet_early_termination: &'static str,
    pub sheet_prepaid_refund: &'static str,
    /// `{quantity}`, of which `{prorated}` are prorated.
    pub sheet_quantity_prorated: &'static str,
}

/// What is wrong with a field of the quote form, including the contract
/// engine's refusals (shown next to the field, so without its path).
pub struct ValidationWords {
    pub required: &'static str,
    pub not_a_date: &'static str,
    /// `{min}`, `{max}`.
    pub not_a_count: &'static str,
    pub unknown_sensor_type: &'static str,
    pub unknown_cancelled_by: &'static str,
    /// `{max}` characters.
    pub too_long: &'static str,
    /// `{max}` rows.
    pub too_many: &'static str,
    pub no_sensors: &'static str,
    // The engine's refusals; `{reason}` and `{message}` are the engine's words.
    pub malformed: &'static str,
    /// `{date}`, `{min}`, `{max}`.
    pub date_out_of_range: &'static str,
    /// `{date}` is before `{other_field}` (one of the `field_*` names) `{other}`.
    pub dates_reversed: &'static str,
    /// `{value}`, `{reason}`.
    pub bad_count: &'static str,
    pub bad_identifier: &'static str,
    /// `{item_id}`, `{catalogue_version}`.
    pub unknown_catalogue_item: &'static str,
    /// `{value}`.
    pub engine_unknown_sensor_type: &'static str,
    /// `{date}`.
    pub ancillary_before_revised_terms: &'static str,
    /// `{basic_end}`.
    pub basic_cancelled_while_keeping_ancillary: &'static str,
    /// `{date}`.
    pub ancillary_without_basic: &'static str,
    /// `{field}` of the tariff, `{reason}`.
    pub bad_tariff: &'static str,
    pub bad_damage_scenario: &'static str,
    // the date another date is compared with
    pub field_opening: &'static str,
    pub field_start: &'static str,
    pub field_cancellation: &'static str,
    pub field_quote_date: &'static str,
    pub field_related: &'static str,
}

/// Contract recording (admin) and the customer's contract (portal).
pub struct ContractWords {
    pub record_title: &'static str,
    pub record_hint: &'static str,
    pub choose_tenant: &'static str,
    pub recorded_by: &'static str,
    pub not_recorded: &'static str,
    pub record: &'static str,
    pub recorded: &'static str,
    pub your_contract: &'static str,
    pub no_contract: &'static str,
    pub as_of: &'static str,
    pub sensor: &'static str,
    pub install_by: &'static str,
}

/// Sensor registration (admin) and sensor health (portal).
pub struct SensorWords {
    pub upload_title: &'static str,
    pub upload_hint: &'static str,
    pub upload: &'static str,
    pub uploaded: &'static str,
    /// Before why reading stopped: the file ended in a damaged record.
    pub upload_cut: &'static str,
    pub minutes: &'static str,
    pub title: &'static str,
    pub name: &'static str,
    pub create: &'static str,
    pub token_once: &'static str,
    pub sensor_id: &'static str,
    pub token: &'static str,
    pub none: &'static str,
    pub status: &'static str,
    pub active: &'static str,
    pub revoked: &'static str,
    pub last_upload: &'static str,
    pub lag: &'static str,
    pub batches: &'static str,
    pub packets: &'static str,
    pub drops: &'static str,
    pub spool: &'static str,
    /// Batches stored and not yet analysed (the analysis lag).
    pub analysis_pending: &'static str,
    /// The newest minute the analysis has taken in.
    pub analysed_through: &'static str,
    pub version: &'static str,
    pub rotate: &'static str,
    pub revoke: &'static str,
    pub health_title: &'static str,
    pub traffic: &'static str,
    pub flow_records: &'static str,
    pub operations: &'static str,
}

/// The communication map (`/portal/map`).
pub struct MapWords {
    pub title: &'static str,
    pub hint: &'static str,
    pub protocol: &'static str,
    pub zone: &'static str,
    pub role: &'static str,
    pub level: &'static str,
    pub all: &'static str,
    /// `{n}`: a Purdue level.
    pub level_n: &'static str,
    pub no_level: &'static str,
    pub no_zone: &'static str,
    pub group_by: &'static str,
    pub by_level: &'static str,
    pub by_zone: &'static str,
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub fit: &'static str,
    /// `{nodes}` assets and `{edges}` connections shown.
    pub shown: &'static str,
    pub empty: &'static str,
    pub truncated: &'static str,
    pub unreadable: &'static str,
    pub legend: &'static str,
    pub legend_edge: &'static str,
    pub legend_skip: &'static str,
    pub id: &'static str,
    pub vendor: &'static str,
    pub neighbours: &'static str,
    pub open_asset: &'static str,
    pub close: &'static str,
    /// Each role's wire name and its name for users, in the legend's order.
    pub roles: [(&'static str, &'static str); 8],
}

impl MapWords {
    /// A role's name for users; a role this build does not know shows its
    /// wire name.
    pub fn role_name<'a>(&self, wire: &'a str) -> &'a str {
        self.roles
            .iter()
            .find(|(w, _)| *w == wire)
            .map_or(wire, |(_, name)| name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_each_named_placeholder() {
        assert_eq!(
            fill("{min} から {max} まで", &[("min", &1), ("max", &600)]),
            "1 から 600 まで"
        );
        assert_eq!(
            fill("At most {max} rows.", &[("max", &50)]),
            "At most 50 rows."
        );
        assert_eq!(fill("{n}{n}", &[("n", &"x")]), "xx");
    }

    #[test]
    fn fill_leaves_unknown_placeholders_and_braces_in_values_alone() {
        assert_eq!(fill("{a} {b} {", &[("a", &"{b}")]), "{b} {b} {");
        assert_eq!(fill("no placeholder", &[("a", &1)]), "no placeholder");
        assert_eq!(fill("{}", &[]), "{}");
    }

    #[test]
    fn pick_takes_the_languages_side() {
        assert_eq!(Lang::Ja.pick("ja", "en"), "ja");
        assert_eq!(Lang::En.pick("ja", "en"), "en");
    }
}
