//! The inventory's read-only sections as HTML rendered on the server: the
//! dashboard's figures (`dashboard`), the asset table (`table`) and the
//! asset page (`sheet`). Links, sort headers, filters and pages are plain
//! links and GET forms, so they work before (and without) the page's code.
//!
//! Everything shown from an asset came off the wire and is
//! attacker-controlled (host names, product names, DHCP strings): it only
//! ever enters the HTML as text or attribute values through the view macro,
//! which escapes it.

pub mod dashboard;
pub mod sheet;
pub mod table;

use leptos::prelude::*;
use model::inventory::{AssetRow, percent_encode};

/// A view rendered to HTML, with `lang`'s catalogue provided.
pub(crate) fn html<V: IntoView + 'static>(
    lang: crate::i18n::Lang,
    make: impl FnOnce() -> V,
) -> String {
    let owner = Owner::new();
    owner.with(|| {
        crate::i18n::provide_lang(lang);
        make().to_html()
    })
}

/// The asset page's address.
pub fn asset_href(id: &str) -> String {
    format!("/portal/assets/{}", percent_encode(id))
}

/// What a person calls an asset: a name, else an address, else its id.
pub fn label(row: &AssetRow) -> String {
    row.names
        .first()
        .or(row.ips.first())
        .or(row.macs.first())
        .cloned()
        .unwrap_or_else(|| row.id.clone())
}

/// `2026-11-25 09:14 UTC` from Unix milliseconds (the sensor table's
/// format); a dash for none.
pub fn utc_ms(ms: Option<i64>) -> String {
    match ms.map(|ms| crate::components::sensor_table::utc_minute(ms.div_euclid(1000))) {
        Some(minute) if !minute.is_empty() => minute,
        _ => "—".into(),
    }
}

/// `1,234,567`: counts read at a glance.
pub fn grouped(n: i64) -> String {
    contract::money::group_thousands(i128::from(n))
}

/// Bars of `values` as an SVG chart `width`×`height`, each bar titled.
pub(crate) fn bars(values: &[(String, i64)], width: u32, height: u32) -> impl IntoView + use<> {
    let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = values.len().max(1) as f64;
    let step = f64::from(width) / n;
    let h = f64::from(height);
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, (title, v))| {
            // Layout only: the figures themselves are integers in the titles.
            let bar_h = (*v as f64 / max as f64 * (h - 2.0)).max(if *v > 0 { 1.0 } else { 0.0 });
            let x = format!("{:.2}", i as f64 * step);
            let w = format!("{:.2}", (step * 0.8).max(0.5));
            let y = format!("{:.2}", h - bar_h);
            let bh = format!("{bar_h:.2}");
            view! {
                <rect x=x y=y width=w height=bh>
                    <title>{format!("{title}: {}", grouped(*v))}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <svg class="bars" viewBox=format!("0 0 {width} {height}") preserveAspectRatio="none" role="img">
            {bars}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(-1_234_567), "-1,234,567");
        assert_eq!(grouped(i64::MIN), "-9,223,372,036,854,775,808");
        assert_eq!(utc_ms(Some(1_764_000_059_999)), "2025-11-24 16:00 UTC");
        assert_eq!(utc_ms(None), "—");
    }

    #[test]
    fn an_asset_is_called_by_its_name_then_its_address() {
        let mut row = AssetRow {
            id: "ip:s1/10.0.0.1".into(),
            role: "hmi".into(),
            purdue_level: Some(2),
            vendor: None,
            product: None,
            names: vec![],
            ips: vec!["10.0.0.1".into()],
            macs: vec![],
            protocols: vec![],
            zones: vec![],
            first_seen_ms: None,
            last_seen_ms: None,
            confidence: 60,
        };
        assert_eq!(label(&row), "10.0.0.1");
        row.names.push("HMI-1".into());
        assert_eq!(label(&row), "HMI-1");
        assert_eq!(asset_href(&row.id), "/portal/assets/ip%3As1%2F10.0.0.1");
    }
}
