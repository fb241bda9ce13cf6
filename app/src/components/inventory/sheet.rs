//! The asset page (`/portal/assets/:id`) as server HTML: identity with the
//! source of each fact, the role with its evidence (and, for customer
//! admins, the form that corrects it), IP history, peers, operations by
//! class, activity by hour and a timeline.

use std::collections::{BTreeMap, HashMap};

use leptos::prelude::*;
use model::inventory::{AssetDetail, AssetRow, EdgeRow};
use serde::Deserialize;

use super::{asset_href, bars, grouped, html, label, utc_ms};
use crate::i18n::inventory::InventoryWords;
use crate::i18n::{Lang, fill};

/// The engine's view of an asset (`analysis::report::AssetView` as stored);
/// every field defaulted, so a page still shows what it can of a row an
/// older or newer engine wrote.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AssetJson {
    oui_vendor: Option<String>,
    product: Option<String>,
    facts: Vec<Fact>,
    role_overridden: bool,
    evidence: Vec<Evidence>,
    ips: Vec<ZonedIp>,
    sensors: Vec<String>,
    protocols_served: Vec<String>,
    protocols_used: Vec<String>,
}

/// One line of role evidence: in both languages, or plain text as
/// engines before the Japanese evidence wrote it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Evidence {
    Texts { ja: String, en: String },
    Plain(String),
}

impl Evidence {
    fn text(&self, lang: Lang) -> String {
        match self {
            Evidence::Texts { ja, en } => lang.pick(ja, en).clone(),
            Evidence::Plain(text) => text.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Fact {
    source: String,
    attribute: String,
    value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ZonedIp {
    zone: String,
    ip: String,
    /// The 802.1Q VLAN it was seen on; absent untagged (and from engines
    /// before VLANs told devices apart).
    vlan: Option<u16>,
    first_seen_ms: Option<i64>,
    last_seen_ms: Option<i64>,
}

/// The engine's view of an edge: requests by class and by hour of day.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EdgeJson {
    classes: BTreeMap<String, u64>,
    operations: BTreeMap<String, u64>,
    hourly: Vec<u64>,
}

/// A user's standing decision about the asset.
pub struct Decision {
    pub role: Option<String>,
    pub purdue_level: Option<i64>,
    pub set_by: String,
    /// Unix seconds.
    pub set_at: i64,
}

/// Everything the page shows of one asset.
pub struct Sheet {
    pub detail: AssetDetail,
    /// Its edges, busiest first.
    pub edges: Vec<EdgeRow>,
    /// The rows of the assets at the other ends, by id.
    pub peers: HashMap<String, AssetRow>,
    pub decision: Option<Decision>,
    /// May the user correct the role and level (a customer admin)?
    pub may_decide: bool,
    /// Every role's wire name, for the decision form.
    pub role_names: Vec<&'static str>,
}

/// Rows of the peers table at most; the CSV and map show every edge.
const PEERS_SHOWN: usize = 200;

/// The page's HTML in `lang`.
pub fn render(sheet: Sheet, lang: Lang) -> String {
    let w = lang.inventory();
    html(lang, move || page(sheet, lang, w))
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "—".into()
    } else {
        items.join(", ")
    }
}

fn page(sheet: Sheet, lang: Lang, w: &'static InventoryWords) -> impl IntoView + use<> {
    let Sheet {
        detail,
        edges,
        peers,
        decision,
        may_decide,
        role_names,
    } = sheet;
    let row = detail.row;
    let json: AssetJson = serde_json::from_str(&detail.json).unwrap_or_else(|error| {
        tracing::error!(%error, asset = %row.id, "a stored asset's JSON cannot be read");
        AssetJson::default()
    });
    let name = label(&row);
    let role = w.role(&row.role).to_owned();
    let level = row
        .purdue_level
        .map(|l| w.level(l))
        .unwrap_or_else(|| "—".into());
    let edge_details: Vec<(EdgeRow, EdgeJson)> = edges
        .into_iter()
        .map(|e| {
            let parsed = serde_json::from_str(&e.json).unwrap_or_default();
            (e, parsed)
        })
        .collect();

    let facts = json
        .facts
        .iter()
        .map(|f| {
            view! {
                <tr><td>{f.source.clone()}</td><td>{f.attribute.clone()}</td><td>{f.value.clone()}</td></tr>
            }
        })
        .collect_view();
    let evidence = json
        .evidence
        .iter()
        .map(|e| view! { <li>{e.text(lang)}</li> })
        .collect_view();
    let ip_history = json
        .ips
        .iter()
        .map(|z| {
            view! {
                <tr>
                    <td class="mono">{z.ip.clone()}</td>
                    <td class="num">{z.vlan.map_or_else(|| "—".to_owned(), |v| v.to_string())}</td>
                    <td>{z.zone.clone()}</td>
                    <td class="nowrap">{utc_ms(z.first_seen_ms)}</td>
                    <td class="nowrap">{utc_ms(z.last_seen_ms)}</td>
                </tr>
            }
        })
        .collect_view();

    // Operations by class over every edge, and requests by hour of day.
    let mut classes: BTreeMap<String, u64> = BTreeMap::new();
    let mut hourly = [0u64; 24];
    for (_, j) in &edge_details {
        for (class, n) in &j.classes {
            *classes.entry(class.clone()).or_default() += n;
        }
        for (hour, n) in j.hourly.iter().take(24).enumerate() {
            hourly[hour] += n;
        }
    }
    let class_rows = classes
        .iter()
        .map(|(class, n)| {
            view! {
                <tr data-testid="asset-class" data-class=class.clone()>
                    <td>{w.class(class).to_owned()}</td>
                    <td class="num">{grouped(i64::try_from(*n).unwrap_or(i64::MAX))}</td>
                </tr>
            }
        })
        .collect_view();
    let hourly_bars: Vec<(String, i64)> = hourly
        .iter()
        .enumerate()
        .map(|(h, n)| (format!("{h:02}:00"), i64::try_from(*n).unwrap_or(i64::MAX)))
        .collect();
    let any_hourly = hourly.iter().any(|n| *n > 0);

    let peer_label = |id: &str| peers.get(id).map(label).unwrap_or_else(|| id.to_owned());
    let mut timeline: Vec<(Option<i64>, String)> = Vec::new();
    timeline.push((row.first_seen_ms, w.timeline_first_seen.to_owned()));
    for z in &json.ips {
        timeline.push((
            z.first_seen_ms,
            fill(w.timeline_address, &[("ip", &z.ip), ("zone", &z.zone)]),
        ));
    }
    let peer_rows = edge_details
        .iter()
        .take(PEERS_SHOWN)
        .map(|(e, j)| {
            let as_client = e.client == row.id;
            let peer_id = if as_client { &e.server } else { &e.client };
            let peer_name = peer_label(peer_id);
            let direction = if as_client { w.as_client } else { w.as_server };
            let classes = j
                .classes
                .iter()
                .map(|(c, n)| format!("{} {}", w.class(c), grouped(i64::try_from(*n).unwrap_or(i64::MAX))))
                .collect::<Vec<_>>()
                .join(", ");
            let operations = j
                .operations
                .iter()
                .map(|(op, n)| format!("{op} ×{n}"))
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <tr data-testid="asset-peer" class:skips=e.skips_levels>
                    <td><a href=asset_href(peer_id)>{peer_name}</a></td>
                    <td>{direction}</td>
                    <td>{e.protocol.clone()}
                        {e.skips_levels.then(|| view! { " " <span class="badge warn">{w.skips_levels}</span> })}
                    </td>
                    <td>{classes}<br /><span class="muted small">{operations}</span></td>
                    <td class="num">{grouped(e.requests)}</td>
                    <td class="num">{grouped(e.packets)}</td>
                    <td class="num">{grouped(e.bytes)}</td>
                    <td class="nowrap">{utc_ms(e.first_seen_ms)}</td>
                    <td class="nowrap">{utc_ms(e.last_seen_ms)}</td>
                </tr>
            }
        })
        .collect_view();
    for (e, _) in edge_details.iter().take(PEERS_SHOWN) {
        let peer_id = if e.client == row.id {
            &e.server
        } else {
            &e.client
        };
        timeline.push((
            e.first_seen_ms,
            fill(
                w.timeline_edge,
                &[("protocol", &e.protocol), ("peer", &peer_label(peer_id))],
            ),
        ));
    }
    timeline.push((row.last_seen_ms, w.timeline_last_seen.to_owned()));
    // Stable: events of one instant keep the order above (first seen first).
    timeline.sort_by_key(|(at, _)| at.unwrap_or(i64::MAX));
    let timeline = timeline
        .into_iter()
        .map(|(at, what)| view! { <li><span class="nowrap mono">{utc_ms(at)}</span> " " {what}</li> })
        .collect_view();

    let decided = decision.as_ref().map(|d| {
        let when = utc_ms(d.set_at.checked_mul(1000));
        format!("{} · {} · {when}", w.set_by_user, d.set_by)
    });
    let form = may_decide.then(|| decision_form(&row.id, decision.as_ref(), &role_names, w));
    let protocols_served = list(&json.protocols_served);
    let protocols_used = list(&json.protocols_used);

    view! {
        <p><a href="/portal/assets" data-testid="back-to-assets">{w.back_to_assets}</a></p>
        <h1 data-testid="asset-name">{name}</h1>
        <p class="lead">
            <span class="badge" data-testid="asset-role" data-role=row.role.clone()>{role.clone()}</span>
            " · " {w.level} " " <span data-testid="asset-level">{level.clone()}</span>
            " · " {w.confidence} " " {row.confidence} "%"
        </p>
        <section class="card">
            <h2>{w.identity}</h2>
            <dl class="facts" data-testid="asset-identity">
                <dt>"ID"</dt><dd class="mono">{row.id.clone()}</dd>
                <dt>{w.names}</dt><dd>{list(&row.names)}</dd>
                <dt>{w.addresses}</dt><dd class="mono">{list(&row.ips)}</dd>
                <dt>{w.macs}</dt><dd class="mono">{list(&row.macs)}</dd>
                <dt>{w.oui_vendor}</dt><dd>{json.oui_vendor.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{w.product}</dt><dd>{json.product.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{w.protocols} " (" {w.as_server} ")"</dt><dd>{protocols_served}</dd>
                <dt>{w.protocols} " (" {w.as_client} ")"</dt><dd>{protocols_used}</dd>
                <dt>{w.zone}</dt><dd>{list(&row.zones)}</dd>
                <dt>{w.sensors}</dt><dd>{list(&json.sensors)}</dd>
                <dt>{w.first_seen}</dt><dd>{utc_ms(row.first_seen_ms)}</dd>
                <dt>{w.last_seen}</dt><dd>{utc_ms(row.last_seen_ms)}</dd>
            </dl>
            {(!json.facts.is_empty()).then(|| view! {
                <h3>{w.facts_title}</h3>
                <table data-testid="asset-facts">
                    <thead><tr><th>{w.fact_source}</th><th>{w.fact_attribute}</th><th>{w.fact_value}</th></tr></thead>
                    <tbody>{facts}</tbody>
                </table>
            })}
        </section>
        <section class="card">
            <h2>{w.role_title}</h2>
            <p>
                <strong>{role}</strong> " · " {level}
                {json.role_overridden.then(|| view! { " " <span class="badge">{w.set_by_user}</span> })}
            </p>
            {decided.map(|d| view! { <p class="muted small" data-testid="asset-decision">{d}</p> })}
            <h3>{w.evidence}</h3>
            <ul data-testid="asset-evidence">{evidence}</ul>
            {form}
        </section>
        <section class="card">
            <h2>{w.ip_history}</h2>
            <table data-testid="asset-ips">
                <thead><tr><th>"IP"</th><th>"VLAN"</th><th>{w.zone}</th><th>{w.first_seen}</th><th>{w.last_seen}</th></tr></thead>
                <tbody>{ip_history}</tbody>
            </table>
        </section>
        <section class="card">
            <h2>{w.peers_title}</h2>
            <div class="scroll">
                <table data-testid="asset-peers">
                    <thead><tr>
                        <th>{w.peer}</th><th>{w.direction}</th><th>{w.protocol}</th><th>{w.operations_title}</th>
                        <th>{w.requests}</th><th>{w.packets}</th><th>{w.bytes}</th>
                        <th>{w.first_seen}</th><th>{w.last_seen}</th>
                    </tr></thead>
                    <tbody>{peer_rows}</tbody>
                </table>
            </div>
        </section>
        <section class="card two">
            <div>
                <h2>{w.operations_title}</h2>
                <table data-testid="asset-classes">
                    <thead><tr><th>{w.class}</th><th>{w.count}</th></tr></thead>
                    <tbody>{class_rows}</tbody>
                </table>
            </div>
            <div>
                <h2>{w.hourly_title}</h2>
                {any_hourly.then(|| bars(&hourly_bars, 480, 80))}
            </div>
        </section>
        <section class="card">
            <h2>{w.timeline_title}</h2>
            <ol class="timeline" data-testid="asset-timeline">{timeline}</ol>
        </section>
    }
}

/// A plain HTML form posting to the server function: it works without
/// the page's code, and the server sends the browser back to this page.
fn decision_form(
    id: &str,
    decision: Option<&Decision>,
    role_names: &[&'static str],
    w: &'static InventoryWords,
) -> impl IntoView + use<> {
    let chosen_role = decision.and_then(|d| d.role.clone()).unwrap_or_default();
    let chosen_level = decision
        .and_then(|d| d.purdue_level)
        .map(|l| l.to_string())
        .unwrap_or_default();
    let roles = role_names
        .iter()
        .map(|r| {
            view! { <option value=*r selected=*r == chosen_role>{w.role(r).to_owned()}</option> }
        })
        .collect_view();
    let levels = (0..=5i64)
        .map(|l| {
            let value = l.to_string();
            let selected = value == chosen_level;
            view! { <option value=value selected=selected>{w.level(l)}</option> }
        })
        .collect_view();
    let no_role = chosen_role.is_empty();
    let no_level = chosen_level.is_empty();
    view! {
        <form class="decide" method="post" action="/api/portal/set_asset_decision" data-testid="asset-decide">
            <h3>{w.decide_title}</h3>
            <p class="muted small">{w.decide_hint}</p>
            <input type="hidden" name="id" value=id.to_owned() />
            <label>{w.role}
                <select name="role" data-testid="decide-role">
                    <option value="" selected=no_role>{w.as_traffic_says}</option>
                    {roles}
                </select>
            </label>
            <label>{w.level}
                <select name="purdue_level" data-testid="decide-level">
                    <option value="" selected=no_level>{w.as_traffic_says}</option>
                    {levels}
                </select>
            </label>
            <button type="submit" data-testid="decide-save">{w.save}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_read_in_both_shapes_and_shown_in_the_pages_language() {
        let json: AssetJson = serde_json::from_str(
            r#"{"evidence": [{"ja": "s7comm 要求に応答", "en": "answers s7comm requests"}, "polls 2 controller(s)"]}"#,
        )
        .unwrap();
        let shown = |lang| {
            json.evidence
                .iter()
                .map(|e| e.text(lang))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            shown(Lang::Ja),
            ["s7comm 要求に応答", "polls 2 controller(s)"]
        );
        assert_eq!(
            shown(Lang::En),
            ["answers s7comm requests", "polls 2 controller(s)"]
        );
    }
}
