//! The alert pages as HTML rendered on the server: the list (`list`) with
//! its filters as a GET form and its counts, and one alert (`sheet`) with
//! its evidence, texts, history and — for customer admins — the triage
//! forms (plain HTML forms posting to the server functions) and the allow
//! list.
//!
//! Addresses, names and subjects in an alert came off the wire: they only
//! ever enter the HTML as text or attribute values through the view
//! macro, which escapes them.

use leptos::prelude::*;
use model::alerts::{AlertCounts, AlertDetail, AlertFilter, AlertPage, AlertQuery, AllowRow};
use model::inventory::{percent_decode, percent_encode};

use crate::components::inventory::{asset_href, grouped, html, utc_ms};
use crate::i18n::Lang;
use crate::i18n::alerts::AlertWords;

/// Alerts a list page shows.
pub const LIST_PAGE: i64 = 50;

/// The list's parameters as the address bar holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertParams {
    pub severity: String,
    pub alert_type: String,
    pub state: String,
    pub asset: String,
    /// `YYYY-MM-DD`, UTC.
    pub since: String,
    pub until: String,
    pub page: String,
}

impl AlertParams {
    pub fn from_query_string(query: &str) -> AlertParams {
        let mut p = AlertParams::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            // A form sends spaces as `+`.
            let value = percent_decode(&value.replace('+', " ")).trim().to_owned();
            match percent_decode(name).as_str() {
                "severity" => p.severity = value,
                "type" => p.alert_type = value,
                "state" => p.state = value,
                "asset" => p.asset = value,
                "since" => p.since = value,
                "until" => p.until = value,
                "page" => p.page = value,
                _ => {}
            }
        }
        p
    }

    /// The parameters as a query string, the page replaced.
    fn with_page(&self, page: i64) -> String {
        let fields = [
            ("severity", &self.severity),
            ("type", &self.alert_type),
            ("state", &self.state),
            ("asset", &self.asset),
            ("since", &self.since),
            ("until", &self.until),
        ];
        let mut parts: Vec<String> = fields
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect();
        parts.push(format!("page={page}"));
        parts.join("&")
    }

    /// The page number, from 1.
    pub fn page(&self) -> Result<i64, String> {
        if self.page.is_empty() {
            return Ok(1);
        }
        self.page
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=1_000_000).contains(p))
            .ok_or_else(|| format!("page: {:?} is not a page number", self.page))
    }

    /// The store's query; a date or page that cannot be read is said so.
    pub fn to_query(&self, page_size: i64) -> Result<AlertQuery, String> {
        let day = |name: &str, v: &str| -> Result<Option<i64>, String> {
            if v.is_empty() {
                return Ok(None);
            }
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| Some(d.and_utc().timestamp_millis()))
                .ok_or_else(|| format!("{name}: {v:?} is not a date like 2026-12-04"))
        };
        let text = |v: &String| (!v.is_empty()).then(|| v.clone());
        Ok(AlertQuery {
            filter: AlertFilter {
                severity: text(&self.severity),
                alert_type: text(&self.alert_type),
                state: text(&self.state),
                asset: text(&self.asset),
                since_ms: day("since", &self.since)?,
                until_ms: day("until", &self.until)?,
            },
            offset: (self.page()? - 1) * page_size,
            limit: page_size,
        })
    }
}

/// What the list shows: a page, or why the filter was refused.
pub enum Listing {
    Page(AlertPage),
    Refused(String),
}

/// The alert page's address.
pub fn alert_href(id: i64) -> String {
    format!("/portal/alerts/{id}")
}

fn select(
    name: &'static str,
    chosen: &str,
    options: Vec<(String, String)>,
    any: &'static str,
) -> impl IntoView + use<> {
    let chosen = chosen.to_owned();
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let selected = value == chosen;
            view! { <option value=value selected=selected>{text}</option> }
        })
        .collect_view();
    view! {
        <select name=name>
            <option value="">{any}</option>
            {options}
        </select>
    }
}

/// The list page: counts, filters, rows, pages; for customer admins
/// (`may_export`), the way to the export settings.
/// The Alerts tab's badge: the number of new alerts, nothing when none.
pub fn render_badge(new: i64, lang: Lang) -> String {
    if new <= 0 {
        return String::new();
    }
    html(lang, move || {
        let said = crate::i18n::fill(lang.alerts().new_badge, &[("n", &new)]);
        view! {
            " "
            <span class="badge" title=said.clone() aria-label=said data-testid="tab-alerts-new">
                {grouped(new)}
            </span>
        }
    })
}

pub fn render_list(
    listing: Listing,
    params: AlertParams,
    counts: AlertCounts,
    types: Vec<&'static str>,
    may_export: bool,
    lang: Lang,
) -> String {
    html(lang, move || {
        let w = lang.alerts();
        let export = may_export.then(|| {
            let link = lang.alert_export().link;
            view! { <p><a href=crate::components::portal_tabs::ALERT_EXPORT_HREF data-testid="alert-export-link">{link}</a></p> }
        });
        let by_state = counts
            .by_state
            .iter()
            .map(|(s, n)| {
                let href = format!("/portal/alerts?state={s}");
                view! { <li><a href=href>{format!("{} {}", w.state(s), grouped(*n))}</a></li> }
            })
            .collect_view();
        let by_severity = counts
            .by_severity
            .iter()
            .map(|(s, n)| {
                let href = format!("/portal/alerts?severity={s}");
                view! { <li><a href=href class=format!("sev-{s}")>{format!("{s} {}", grouped(*n))}</a></li> }
            })
            .collect_view();
        let severities = ["critical", "high", "medium", "low"]
            .iter()
            .map(|s| (s.to_string(), s.to_string()))
            .collect();
        let states = ["new", "acknowledged", "resolved", "allowed"]
            .iter()
            .map(|s| (s.to_string(), w.state(s).to_owned()))
            .collect();
        let types = types
            .iter()
            .map(|t| (t.to_string(), t.to_string()))
            .collect();
        let form = view! {
            <form method="get" action="/portal/alerts" class="filters" data-testid="alert-filters">
                <label>{w.severity} {select("severity", &params.severity, severities, w.any)}</label>
                <label>{w.alert_type} {select("type", &params.alert_type, types, w.any)}</label>
                <label>{w.state} {select("state", &params.state, states, w.any)}</label>
                <label>{w.asset} <input type="text" name="asset" value=params.asset.clone() /></label>
                <label>{w.since} <input type="date" name="since" value=params.since.clone() /></label>
                <label>{w.until} <input type="date" name="until" value=params.until.clone() /></label>
                <button type="submit">{w.filter}</button>
                <a href="/portal/alerts">{w.clear}</a>
            </form>
        };
        let body = match listing {
            Listing::Refused(problem) => view! {
                <p class="error" data-testid="alert-bad-filter">{w.bad_filter} " " {problem}</p>
            }
            .into_any(),
            Listing::Page(page) => list_rows(page, &params, w, lang).into_any(),
        };
        view! {
            <ul class="counts" data-testid="alert-counts">{by_state}</ul>
            <ul class="counts" data-testid="alert-severities">{by_severity}</ul>
            {export}
            {form}
            {body}
        }
    })
}

fn list_rows(
    page: AlertPage,
    params: &AlertParams,
    w: &'static AlertWords,
    lang: Lang,
) -> impl IntoView + use<> {
    let current = params.page().unwrap_or(1);
    let pages = (page.total + LIST_PAGE - 1) / LIST_PAGE;
    let total = w.total.replace("{total}", &grouped(page.total));
    if page.alerts.is_empty() {
        return view! { <p class="muted" data-testid="alert-none">{total} " · " {w.no_match}</p> }
            .into_any();
    }
    let rows = page
        .alerts
        .into_iter()
        .map(|a| {
            let title = match lang {
                Lang::Ja => a.title_ja.clone(),
                Lang::En => a.title_en.clone(),
            };
            let sev = a.severity.clone();
            view! {
                <tr data-testid="alert-row">
                    <td><span class=format!("sev sev-{sev}")>{sev.clone()}</span></td>
                    <td><a href=alert_href(a.id)>{title}</a><br /><span class="muted small">{a.alert_type.clone()}</span></td>
                    <td>{w.state(a.state.as_str()).to_owned()}</td>
                    <td data-testid="alert-count">{grouped(a.count)}</td>
                    <td>{utc_ms(Some(a.first_seen_ms))}</td>
                    <td>{utc_ms(Some(a.last_seen_ms))}</td>
                </tr>
            }
        })
        .collect_view();
    let prev = (current > 1).then(|| {
        let href = format!("/portal/alerts?{}", params.with_page(current - 1));
        view! { <a href=href rel="prev">{w.previous}</a> }
    });
    let next = (current < pages).then(|| {
        let href = format!("/portal/alerts?{}", params.with_page(current + 1));
        view! { <a href=href rel="next">{w.next}</a> }
    });
    view! {
        <p class="muted" data-testid="alert-total">{total}</p>
        <table class="alerts" data-testid="alert-table">
            <thead><tr>
                <th>{w.severity}</th><th>{w.alert}</th><th>{w.state}</th>
                <th>{w.count}</th><th>{w.first_seen}</th><th>{w.last_seen}</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <nav class="pages">{prev} " " {next}</nav>
    }
    .into_any()
}

/// One alert's page.
pub struct Sheet {
    pub detail: AlertDetail,
    pub allows: Vec<AllowRow>,
    pub may_triage: bool,
}

fn text(view: &serde_json::Value, field: &str, lang: Lang) -> String {
    let key = match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    };
    view[field][key].as_str().unwrap_or_default().to_owned()
}

pub fn render_sheet(sheet: Sheet, lang: Lang) -> String {
    html(lang, move || {
        let w = lang.alerts();
        let Sheet {
            detail,
            allows,
            may_triage,
        } = sheet;
        let row = detail.row;
        // The view was written by this server from `AlertView`; one that
        // does not read shows the row alone.
        let view_json: serde_json::Value =
            serde_json::from_str(&detail.view_json).unwrap_or_default();
        let party = |id: &Option<String>| {
            id.clone().map(|id| {
                let href = asset_href(&id);
                view! { <a href=href>{id}</a> }
            })
        };
        let technique = view_json["technique"]["id"].as_str().map(|id| {
            let name = view_json["technique"]["name"].as_str().unwrap_or_default();
            format!("{id} {name}")
        });
        let operations = view_json["evidence"]["operations"].as_object().map(|ops| {
            ops.iter()
                .map(|(name, n)| {
                    view! { <li>{format!("{name} ×{}", n.as_u64().unwrap_or(0))}</li> }
                })
                .collect_view()
        });
        let batches = view_json["evidence"]["batches"]
            .as_array()
            .map(|b| {
                b.iter()
                    .map(|b| {
                        format!(
                            "#{} ({})",
                            b["sequence"].as_u64().unwrap_or(0),
                            utc_ms(b["minute_start"].as_i64().map(|s| s.saturating_mul(1000)))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let history = detail
            .actions
            .iter()
            .map(|a| {
                let what = match (a.action.as_str(), &a.to_state) {
                    ("state" | "allow", Some(to)) => format!(
                        "{} → {}",
                        w.state(a.from_state.as_deref().unwrap_or("")),
                        w.state(to)
                    ),
                    ("revoke", _) => w.revoked.to_owned(),
                    (other, _) => other.to_owned(),
                };
                let when = utc_ms(Some(a.done_at.saturating_mul(1000)));
                view! {
                    <li data-testid="alert-action">
                        {format!("{when} · {} · {what}", a.done_by)}
                        {(!a.note.is_empty()).then(|| view! { " · " <q>{a.note.clone()}</q> })}
                    </li>
                }
            })
            .collect_view();
        let triage = may_triage.then(|| triage_forms(row.id, w));
        let allow_list = allow_list(allows, row.id, may_triage, w);
        view! {
            <p><a href="/portal/alerts">{w.all_alerts}</a></p>
            <h1 data-testid="alert-title">{text(&view_json, "title", lang)}</h1>
            <p>
                <span class=format!("sev sev-{}", row.severity)>{row.severity.clone()}</span>
                " · " {row.alert_type.clone()} " · " {w.state(row.state.as_str()).to_owned()}
            </p>
            <dl class="facts">
                <dt>{w.client}</dt><dd>{party(&row.client_id)}</dd>
                <dt>{w.server}</dt><dd>{party(&row.server_id)}</dd>
                <dt>{w.protocol}</dt><dd>{row.protocol.clone().unwrap_or_default()}</dd>
                <dt>{w.sensor}</dt><dd>{row.sensor.clone()}</dd>
                <dt>{w.count}</dt><dd>{grouped(row.count)}</dd>
                <dt>{w.first_seen}</dt><dd>{utc_ms(Some(row.first_seen_ms))}</dd>
                <dt>{w.last_seen}</dt><dd>{utc_ms(Some(row.last_seen_ms))}</dd>
                <dt>{w.technique}</dt><dd>{technique.unwrap_or_else(|| "—".into())}</dd>
            </dl>
            <h2>{w.why}</h2>
            <p data-testid="alert-why">{text(&view_json, "why", lang)}</p>
            <h2>{w.check}</h2>
            <p data-testid="alert-check">{text(&view_json, "check", lang)}</p>
            <h2>{w.evidence}</h2>
            <h3>{w.operations}</h3>
            <ul data-testid="alert-operations">{operations}</ul>
            <h3>{w.batches}</h3>
            <p>{batches}</p>
            <h2>{w.history}</h2>
            <ul data-testid="alert-history">{history}</ul>
            {triage}
            {allow_list}
        }
    })
}

/// Plain HTML forms posting to the server functions: they work without the
/// page's code, and the server sends the browser back to this page.
fn triage_forms(id: i64, w: &'static AlertWords) -> impl IntoView + use<> {
    let id = id.to_string();
    let states = ["new", "acknowledged", "resolved"]
        .iter()
        .map(|s| view! { <option value=*s>{w.state(s).to_owned()}</option> })
        .collect_view();
    let scopes = ["edge", "asset", "zone"]
        .iter()
        .map(|s| view! { <option value=*s>{w.scope(s).to_owned()}</option> })
        .collect_view();
    view! {
        <h2>{w.triage}</h2>
        <form class="decide" method="post" action="/api/portal/set_alert_state" data-testid="alert-set-state">
            <input type="hidden" name="id" value=id.clone() />
            <label>{w.state} <select name="state">{states}</select></label>
            <label>{w.note} <input type="text" name="note" maxlength="1000" /></label>
            <button type="submit">{w.set_state}</button>
        </form>
        <form class="decide" method="post" action="/api/portal/allow_alert" data-testid="alert-allow">
            <h3>{w.allow_title}</h3>
            <p class="muted small">{w.allow_hint}</p>
            <input type="hidden" name="id" value=id />
            <label>{w.scope} <select name="scope">{scopes}</select></label>
            <label>{w.note} <input type="text" name="note" maxlength="1000" /></label>
            <button type="submit">{w.allow}</button>
        </form>
    }
}

/// The allows made from this alert, with a revoke button each for admins.
fn allow_list(
    allows: Vec<AllowRow>,
    alert_id: i64,
    may_revoke: bool,
    w: &'static AlertWords,
) -> impl IntoView + use<> {
    let mine: Vec<AllowRow> = allows
        .into_iter()
        .filter(|a| a.alert_id == Some(alert_id))
        .collect();
    (!mine.is_empty()).then(|| {
        let rows = mine
            .into_iter()
            .map(|a| {
                let when = utc_ms(Some(a.created_at.saturating_mul(1000)));
                let state = match (&a.revoked_by, a.revoked_at) {
                    (Some(by), Some(at)) => {
                        format!("{} · {by} · {}", w.revoked, utc_ms(Some(at.saturating_mul(1000))))
                    }
                    _ => String::new(),
                };
                let revoke = (may_revoke && a.revoked_at.is_none()).then(|| {
                    view! {
                        <form method="post" action="/api/portal/revoke_alert_allow" class="inline">
                            <input type="hidden" name="id" value=a.id.to_string() />
                            <button type="submit">{w.revoke}</button>
                        </form>
                    }
                });
                view! {
                    <li data-testid="alert-allow-row">
                        {format!("{} · {} · {when} · {}", w.scope(&a.scope), a.alert_type, a.created_by)}
                        {(!a.note.is_empty()).then(|| view! { " · " <q>{a.note.clone()}</q> })}
                        " " {state} {revoke}
                    </li>
                }
            })
            .collect_view();
        view! {
            <h2>{w.allows_title}</h2>
            <ul>{rows}</ul>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_query_reads_its_filters_dates_and_page() {
        let p = AlertParams::from_query_string(
            "?severity=high&type=program_download&state=new&asset=mac%3A00%3A1b&since=2026-12-01&page=2",
        );
        let q = p.to_query(50).unwrap();
        assert_eq!(q.filter.severity.as_deref(), Some("high"));
        assert_eq!(q.filter.asset.as_deref(), Some("mac:00:1b"));
        assert_eq!(q.filter.since_ms, Some(1_796_083_200_000));
        assert_eq!((q.offset, q.limit), (50, 50));
        assert!(p.with_page(3).ends_with("page=3"));
        let bad = AlertParams::from_query_string("since=yesterday").to_query(50);
        assert!(bad.unwrap_err().contains("since"));
        let bad = AlertParams::from_query_string("page=0").to_query(50);
        assert!(bad.unwrap_err().contains("page"));
    }
}
