//! The portal dashboard's inventory sections, as server HTML: assets by
//! role and by Purdue level (each a link to the table filtered so), the
//! protocols in use, traffic per hour and the assets new this week.

use leptos::prelude::*;
use model::inventory::{AssetCounts, AssetParams, NewAssets, ProtocolUse, TrafficHour};

use super::{asset_href, bars, grouped, label, utc_ms};
use crate::i18n::fill;
use crate::i18n::inventory::InventoryWords;

/// What the dashboard shows of the inventory.
pub struct Figures {
    pub counts: AssetCounts,
    pub protocols: Vec<ProtocolUse>,
    pub traffic: Vec<TrafficHour>,
    pub new_assets: NewAssets,
    /// Edges whose ends sit more than one Purdue level apart.
    pub skipping_edges: i64,
}

/// Hours the traffic chart spans, up to the latest stored minute.
pub const TRAFFIC_HOURS: i64 = 7 * 24;

fn table_link(params: AssetParams) -> String {
    format!("/portal/assets?{}", params.to_query_string())
}

pub fn sections(f: Figures, w: &'static InventoryWords) -> impl IntoView + use<> {
    let total: i64 = f.counts.by_role.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return view! {
            <section data-testid="dashboard-inventory">
                <h2>{w.assets_title}</h2>
                <p class="muted" data-testid="dashboard-empty">{w.nothing_yet}</p>
            </section>
        }
        .into_any();
    }
    let by_role = f
        .counts
        .by_role
        .iter()
        .map(|(role, n)| {
            let href = table_link(AssetParams {
                role: Some(role.clone()),
                ..AssetParams::default()
            });
            view! {
                <li data-testid="count-role" data-role=role.clone()>
                    <a href=href>{w.role(role).to_owned()}</a> " " <strong>{grouped(*n)}</strong>
                </li>
            }
        })
        .collect_view();
    let by_level = f
        .counts
        .by_level
        .iter()
        .map(|(level, n)| {
            let (text, href) = match level {
                Some(l) => (
                    w.level(*l),
                    Some(table_link(AssetParams {
                        level: Some(l.to_string()),
                        ..AssetParams::default()
                    })),
                ),
                None => (w.no_level.to_owned(), None),
            };
            let name = match href {
                Some(href) => view! { <a href=href>{text}</a> }.into_any(),
                None => view! { <span>{text}</span> }.into_any(),
            };
            view! { <li data-testid="count-level">{name} " " <strong>{grouped(*n)}</strong></li> }
        })
        .collect_view();
    let protocols = f
        .protocols
        .iter()
        .map(|p| {
            let href = table_link(AssetParams {
                protocol: Some(p.protocol.clone()),
                ..AssetParams::default()
            });
            view! {
                <tr data-testid="protocol-row" data-protocol=p.protocol.clone()>
                    <td><a href=href>{p.protocol.clone()}</a></td>
                    <td class="num">{grouped(p.edges)}</td>
                    <td class="num">{grouped(p.requests)}</td>
                    <td class="num">{grouped(p.packets)}</td>
                    <td class="num">{grouped(p.bytes)}</td>
                </tr>
            }
        })
        .collect_view();
    let traffic = (!f.traffic.is_empty()).then(|| {
        let hour = |t: &TrafficHour| utc_ms(t.hour_start.checked_mul(1000));
        let from = f.traffic.first().map(hour).unwrap_or_default();
        let to = f.traffic.last().map(hour).unwrap_or_default();
        let peak = f.traffic.iter().map(|t| t.packets).max().unwrap_or(0);
        // One bar per hour of the span, empty hours included, so gaps show.
        let first = f.traffic.first().map(|t| t.hour_start).unwrap_or(0);
        let last = f.traffic.last().map(|t| t.hour_start).unwrap_or(0);
        let hours = ((last - first) / 3600 + 1).clamp(1, TRAFFIC_HOURS);
        let mut values: Vec<(String, i64)> = (0..hours)
            .map(|i| (utc_ms((first + i * 3600).checked_mul(1000)), 0))
            .collect();
        for t in &f.traffic {
            if let Some(slot) = usize::try_from((t.hour_start - first) / 3600)
                .ok()
                .and_then(|i| values.get_mut(i))
            {
                slot.1 = t.packets;
            }
        }
        let caption = fill(
            w.traffic_caption,
            &[("from", &from), ("to", &to), ("peak", &grouped(peak))],
        );
        view! {
            <section data-testid="dashboard-traffic">
                <h2>{w.traffic_title}</h2>
                {bars(&values, 720, 96)}
                <p class="muted small">{caption}</p>
            </section>
        }
    });
    let newest = f
        .new_assets
        .newest
        .iter()
        .map(|a| {
            view! {
                <li data-testid="new-asset">
                    <a href=asset_href(&a.id)>{label(a)}</a>
                    " · " {w.role(&a.role).to_owned()} " · " {utc_ms(a.first_seen_ms)}
                </li>
            }
        })
        .collect_view();
    let new_caption = fill(
        w.new_caption,
        &[
            ("count", &grouped(f.new_assets.total)),
            ("through", &utc_ms(f.new_assets.through_ms)),
        ],
    );
    let skipping = (f.skipping_edges > 0).then(|| {
        view! {
            <p data-testid="dashboard-skipping">
                <span class="badge warn">{w.skipping_edges}</span> " " <strong>{grouped(f.skipping_edges)}</strong>
            </p>
        }
    });
    view! {
        <section data-testid="dashboard-inventory">
            <h2>{w.assets_title} " " <span data-testid="asset-count">{grouped(total)}</span>
                " · " <a href="/portal/assets" data-testid="all-assets">{w.all_assets}</a>
            </h2>
            <div class="two">
                <div>
                    <h3>{w.by_role}</h3>
                    <ul class="plain counts">{by_role}</ul>
                </div>
                <div>
                    <h3>{w.by_level}</h3>
                    <ul class="plain counts">{by_level}</ul>
                </div>
            </div>
            {skipping}
        </section>
        <section data-testid="dashboard-protocols">
            <h2>{w.protocols_title}</h2>
            <div class="scroll">
                <table>
                    <thead><tr>
                        <th>{w.protocol}</th><th>{w.edges}</th><th>{w.requests}</th><th>{w.packets}</th><th>{w.bytes}</th>
                    </tr></thead>
                    <tbody>{protocols}</tbody>
                </table>
            </div>
        </section>
        {traffic}
        <section data-testid="dashboard-new">
            <h2>{w.new_title}</h2>
            <p class="muted small">{new_caption}</p>
            <ul class="plain">{newest}</ul>
        </section>
    }
    .into_any()
}
