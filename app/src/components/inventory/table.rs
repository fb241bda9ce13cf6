//! The asset table (`/portal/assets`): the filter form, the count with the
//! CSV link, the sortable table and the pages, as server HTML.

use leptos::prelude::*;
use model::inventory::{AssetFacets, AssetPage, AssetParams, AssetRow, AssetSort};

use super::{asset_href, grouped, html, label, utc_ms};
use crate::i18n::Lang;
use crate::i18n::inventory::InventoryWords;

/// What the table shows: a page of assets, or why the filter was refused.
pub enum Listing {
    Page(AssetPage),
    Refused(String),
}

/// The table's HTML for `params` (as the address bar had them).
pub fn render(
    listing: Listing,
    params: AssetParams,
    facets: std::sync::Arc<AssetFacets>,
    page_size: i64,
    lang: Lang,
) -> String {
    let w = lang.inventory();
    html(lang, move || {
        let body = match listing {
            Listing::Page(page) => results(page, &params, page_size, w).into_any(),
            Listing::Refused(problem) => view! {
                <p class="error" role="alert" data-testid="asset-filter-error">
                    {w.bad_filter} ": " {problem}
                </p>
            }
            .into_any(),
        };
        view! {
            {filters(&params, &facets, w)}
            {body}
        }
    })
}

fn options(
    values: &[(String, String)],
    chosen: Option<&str>,
    any: &'static str,
) -> impl IntoView + use<> {
    let chosen = chosen.map(str::trim).unwrap_or("").to_owned();
    let none_chosen = chosen.is_empty();
    let items = values
        .iter()
        .map(|(value, text)| {
            view! { <option value=value.clone() selected=*value == chosen>{text.clone()}</option> }
        })
        .collect_view();
    view! {
        <option value="" selected=none_chosen>{any}</option>
        {items}
    }
}

fn filters(
    params: &AssetParams,
    facets: &AssetFacets,
    w: &'static InventoryWords,
) -> impl IntoView + use<> {
    let roles: Vec<(String, String)> = facets
        .roles
        .iter()
        .map(|r| (r.clone(), w.role(r).to_owned()))
        .collect();
    let levels: Vec<(String, String)> = (0..=5).map(|l| (l.to_string(), w.level(l))).collect();
    let protocols: Vec<(String, String)> = facets
        .protocols
        .iter()
        .map(|p| (p.clone(), p.clone()))
        .collect();
    let zones: Vec<(String, String)> = facets
        .zones
        .iter()
        .map(|z| (z.clone(), z.clone()))
        .collect();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    view! {
        <form class="filters" method="get" action="/portal/assets" data-testid="asset-filters">
            <label>{w.role}
                <select name="role" data-testid="filter-role">{options(&roles, params.role.as_deref(), w.any)}</select>
            </label>
            <label>{w.level}
                <select name="level" data-testid="filter-level">{options(&levels, params.level.as_deref(), w.any)}</select>
            </label>
            <label>{w.protocols}
                <select name="protocol" data-testid="filter-protocol">{options(&protocols, params.protocol.as_deref(), w.any)}</select>
            </label>
            <label>{w.zone}
                <select name="zone" data-testid="filter-zone">{options(&zones, params.zone.as_deref(), w.any)}</select>
            </label>
            <label>{w.vendor}
                <input type="text" name="vendor" value=text(&params.vendor) data-testid="filter-vendor" />
            </label>
            <label>{w.seen_since}
                <input type="date" name="seen" value=text(&params.seen) data-testid="filter-seen" />
            </label>
            <label class="wide">{w.search}
                <input type="search" name="q" value=text(&params.q) placeholder=w.search_hint data-testid="filter-search" />
            </label>
            // The sort survives a new filter; the page starts again at 1.
            <input type="hidden" name="sort" value=text(&params.sort) />
            <input type="hidden" name="desc" value=text(&params.desc) />
            <div class="actions">
                <button type="submit" data-testid="filter-submit">{w.filter}</button>
                <a class="button secondary" href="/portal/assets">{w.clear}</a>
            </div>
        </form>
    }
}

/// The address of the table with `change` applied to `params`.
fn href_with(params: &AssetParams, change: impl FnOnce(&mut AssetParams)) -> String {
    let mut next = params.clone();
    change(&mut next);
    match next.to_query_string() {
        q if q.is_empty() => "/portal/assets".to_owned(),
        q => format!("/portal/assets?{q}"),
    }
}

fn results(
    page: AssetPage,
    params: &AssetParams,
    page_size: i64,
    w: &'static InventoryWords,
) -> impl IntoView + use<> {
    let number = params.page_number();
    let pages = ((page.total + page_size - 1) / page_size).max(1);
    let from = (number - 1) * page_size + 1;
    let to = from + page.assets.len() as i64 - 1;
    let showing = if page.assets.is_empty() {
        String::new()
    } else {
        crate::i18n::fill(
            w.showing,
            &[
                ("from", &grouped(from)),
                ("to", &grouped(to)),
                ("total", &grouped(page.total)),
            ],
        )
    };
    let csv = {
        let all = AssetParams {
            page: None,
            ..params.clone()
        };
        match all.to_query_string() {
            q if q.is_empty() => "/portal/assets.csv".to_owned(),
            q => format!("/portal/assets.csv?{q}"),
        }
    };
    let current_sort = params
        .sort
        .as_deref()
        .and_then(AssetSort::parse)
        .unwrap_or_default();
    let descending = matches!(params.desc.as_deref().map(str::trim), Some("1" | "true"));
    let header = |sort: AssetSort, text: &'static str| {
        let here = sort == current_sort;
        let href = href_with(params, |p| {
            p.sort = Some(sort.as_str().to_owned());
            // The same column again turns the order round.
            p.desc = (here && !descending).then(|| "1".to_owned());
            p.page = None;
        });
        let mark = match (here, descending) {
            (true, false) => " ▲",
            (true, true) => " ▼",
            _ => "",
        };
        let aria = match (here, descending) {
            (true, false) => "ascending",
            (true, true) => "descending",
            _ => "none",
        };
        view! {
            <th aria-sort=aria>
                <a href=href data-testid=format!("sort-{}", sort.as_str())>{text}{mark}</a>
            </th>
        }
    };
    let rows = page
        .assets
        .into_iter()
        .map(|row| asset_row(row, w))
        .collect_view();
    let empty = page.total == 0;
    let prev = (number > 1).then(|| {
        let href = href_with(params, |p| p.page = Some((number - 1).to_string()));
        view! { <a href=href rel="prev" data-testid="page-prev">{w.previous}</a> }
    });
    let next = (number < pages).then(|| {
        let href = href_with(params, |p| p.page = Some((number + 1).to_string()));
        view! { <a href=href rel="next" data-testid="page-next">{w.next}</a> }
    });
    let page_of = crate::i18n::fill(w.page_of, &[("page", &number), ("pages", &pages)]);
    view! {
        <p class="table-meta">
            <span data-testid="asset-total" data-total=page.total>{showing}</span>
            // Not a page of the app: the router must let the browser download it.
            <a class="button secondary" href=csv download="assets.csv" rel="external" data-testid="asset-csv">{w.csv}</a>
        </p>
        {empty.then(|| view! { <p class="muted" data-testid="asset-none">{w.no_match}</p> })}
        <div class="scroll">
            <table class="assets" data-testid="asset-table">
                <thead><tr>
                    {header(AssetSort::Id, w.asset)}
                    {header(AssetSort::Role, w.role)}
                    {header(AssetSort::PurdueLevel, w.level)}
                    {header(AssetSort::Vendor, w.vendor)}
                    <th>{w.addresses}</th>
                    <th>{w.protocols}</th>
                    <th>{w.zone}</th>
                    {header(AssetSort::FirstSeen, w.first_seen)}
                    {header(AssetSort::LastSeen, w.last_seen)}
                    {header(AssetSort::Confidence, w.confidence)}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" data-testid="pager">
            {prev}
            <span>{page_of}</span>
            {next}
        </nav>
    }
}

fn asset_row(row: AssetRow, w: &'static InventoryWords) -> impl IntoView + use<> {
    let name = label(&row);
    let href = asset_href(&row.id);
    let role = w.role(&row.role).to_owned();
    let level = row
        .purdue_level
        .map(|l| w.level(l))
        .unwrap_or_else(|| "—".into());
    let vendor = match (&row.vendor, &row.product) {
        (Some(v), Some(p)) => format!("{v} · {p}"),
        (Some(v), None) => v.clone(),
        (None, Some(p)) => p.clone(),
        (None, None) => "—".into(),
    };
    let addresses = row
        .ips
        .iter()
        .chain(&row.macs)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <tr data-testid="asset-row" data-asset-id=row.id.clone() data-role=row.role.clone()>
            <td><a href=href>{name}</a></td>
            <td>{role}</td>
            <td>{level}</td>
            <td>{vendor}</td>
            <td class="mono">{addresses}</td>
            <td>{row.protocols.join(", ")}</td>
            <td>{row.zones.join(", ")}</td>
            <td class="nowrap">{utc_ms(row.first_seen_ms)}</td>
            <td class="nowrap">{utc_ms(row.last_seen_ms)}</td>
            <td class="num">{row.confidence} "%"</td>
        </tr>
    }
}
