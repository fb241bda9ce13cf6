//! `/portal/map`: the tenant's communication map — every asset a node,
//! every (client, server, protocol) an edge — laid out in the browser by
//! `maplayout` and drawn on a canvas. Pan, zoom, drag a node, filter,
//! group by Purdue level or zone, click a node for its facts and its page.
//!
//! A lazy route: this code, the layout and the map's JSON parser are the
//! page's own WASM chunk, loaded by no other page. The data is fetched by
//! the browser as JSON text (`GET /portal/map.json`, see `crate::map`) for
//! the same reason, and so that the page's HTML does not carry it.
//!
//! The page's controls, canvas and legend are one HTML frame
//! ([`frame_html`]: only this product's words, no text from the wire) that
//! `island` brings to life with plain DOM and canvas code. Written as
//! Leptos views they made the map's chunk 105 KB gzip, three quarters of it
//! the views' generic rendering and reactive code, which put the page over
//! its 400 KB budget (docs/BENCHMARKS.md, "Code the map page loads").
//!
//! Test hooks on the canvas's wrapper (`data-testid="map"`): `data-nodes`
//! and `data-edges` (shown), `data-zoom`, `data-pan`, `data-selected` (the
//! node's id), `data-first-node-xy` (where the first shown node is drawn, in
//! CSS pixels from the canvas's top left), `data-layout-ms` and
//! `data-ready` once laid out; on the canvas, `data-draw-ms`, how long the
//! last frame took to draw.

#[cfg(feature = "hydrate")]
mod draw;
#[cfg(feature = "hydrate")]
mod island;
pub mod scene;

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use self::scene::{EDGE_COLOUR, GroupBy, ROLE_COLOURS, SKIP_COLOUR, role_colour};
use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::portal_tabs::{PortalTab, PortalTabs};
use crate::i18n::{Catalogue, use_t};
use crate::map::fetch_map_json;

/// The page's data, requested as soon as the route matches, while the
/// browser loads the page's chunk (see `routes/portal/mod.rs` for why every
/// resource is made here). Local: only the browser fetches it.
pub struct MapPage {
    data: LocalResource<Result<String, String>>,
}

#[lazy_route]
impl LazyRoute for MapPage {
    fn data() -> Self {
        MapPage {
            data: LocalResource::new(fetch_map_json),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <RequireArea area=Area::Portal>
                <MapSection data=this.data />
            </RequireArea>
        }
        .into_any()
    }
}

#[component]
fn MapSection(data: LocalResource<Result<String, String>>) -> impl IntoView {
    let t = use_t();
    let root = NodeRef::<leptos::html::Div>::new();
    // Once hydrated and the data is there, and again in another language:
    // the frame is drawn anew and brought to life; the island before it is
    // dropped (its listeners removed), as when the page is left.
    #[cfg(feature = "hydrate")]
    {
        let island = StoredValue::new_local(None::<island::Island>);
        Effect::new(move |_| {
            let words = t();
            let Some(fetched) = data.get() else {
                return;
            };
            let Some(root) = root.get() else {
                return;
            };
            island.set_value(None);
            island.set_value(island::mount(&root, fetched, words));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = data;
    view! {
        <section class="card map-page" data-testid="map-page">
            <PortalTabs current=PortalTab::Map />
            <h1>{move || t().m.title}</h1>
            <div class="map-root" node_ref=root inner_html=frame_html(t())></div>
        </section>
    }
}

/// Escapes text for HTML (the frame's words are ours, but a translator's
/// `<` must not become markup).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page below its title before the data is there: the filters (their
/// options come with the data), the grouping, the zoom buttons, the canvas
/// with its test hooks, the side panel's place and the legend. `island`
/// finds its parts by `data-testid` and `data-map`.
pub fn frame_html(c: &Catalogue) -> String {
    let w = &c.m;
    let e = escape;
    let filter = |label: &str, testid: &str| {
        format!(
            "<label class=\"map-filter\"><span>{}</span><select data-testid=\"{testid}\">\
             <option value=\"\">{}</option></select></label>",
            e(label),
            e(w.all)
        )
    };
    let legend: String = ROLE_COLOURS
        .iter()
        .map(|(wire, _)| {
            format!(
                "<li><span class=\"swatch\" style=\"background-color:{}\"></span>{}</li>",
                role_colour(wire),
                e(w.role_name(wire))
            )
        })
        .collect();
    format!(
        "<p class=\"hint\">{hint}</p>\
         <div data-map=\"notices\"><p class=\"muted\" data-map=\"status\">{loading}</p></div>\
         <div class=\"map-controls row\">{protocol}{zone}{role}{level}\
         <label class=\"map-filter\"><span>{group_by}</span><select data-testid=\"map-group\">\
         <option value=\"{level_value}\">{by_level}</option><option value=\"{zone_value}\">{by_zone}</option>\
         </select></label>\
         <span class=\"map-zoom\">\
         <button type=\"button\" class=\"button small\" data-testid=\"map-zoom-in\" title=\"{zoom_in}\">+</button>\
         <button type=\"button\" class=\"button small\" data-testid=\"map-zoom-out\" title=\"{zoom_out}\">\u{2212}</button>\
         <button type=\"button\" class=\"button small\" data-testid=\"map-fit\">{fit}</button>\
         </span></div>\
         <p class=\"muted\" data-testid=\"map-shown\"></p>\
         <div class=\"map-layout\">\
         <div class=\"map-canvas\" data-testid=\"map\"><canvas></canvas></div>\
         <aside class=\"map-side\"><div data-map=\"panel\"></div>\
         <div class=\"map-legend\" data-testid=\"map-legend\"><h2>{legend_title}</h2><ul>{legend}\
         <li><span class=\"line\" style=\"background-color:{EDGE_COLOUR}\"></span>{legend_edge}</li>\
         <li><span class=\"line skip\" style=\"background-color:{SKIP_COLOUR}\"></span>{legend_skip}</li>\
         </ul></div></aside></div>",
        hint = e(w.hint),
        loading = e(c.loading),
        protocol = filter(w.protocol, "map-protocol"),
        zone = filter(w.zone, "map-zone"),
        role = filter(w.role, "map-role"),
        level = filter(w.level, "map-level"),
        group_by = e(w.group_by),
        level_value = GroupBy::Level.as_str(),
        zone_value = GroupBy::Zone.as_str(),
        by_level = e(w.by_level),
        by_zone = e(w.by_zone),
        zoom_in = e(w.zoom_in),
        zoom_out = e(w.zoom_out),
        fit = e(w.fit),
        legend_title = e(w.legend),
        legend_edge = e(w.legend_edge),
        legend_skip = e(w.legend_skip),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_frame_holds_every_part_the_island_looks_for_in_both_languages() {
        for lang in [Lang::Ja, Lang::En] {
            let html = frame_html(lang.catalogue());
            for part in [
                "data-map=\"notices\"",
                "data-map=\"status\"",
                "data-testid=\"map-protocol\"",
                "data-testid=\"map-zone\"",
                "data-testid=\"map-role\"",
                "data-testid=\"map-level\"",
                "data-testid=\"map-group\"",
                "data-testid=\"map-zoom-in\"",
                "data-testid=\"map-zoom-out\"",
                "data-testid=\"map-fit\"",
                "data-testid=\"map-shown\"",
                "data-testid=\"map\"><canvas></canvas>",
                "data-map=\"panel\"",
                "data-testid=\"map-legend\"",
            ] {
                assert_eq!(html.matches(part).count(), 1, "{lang:?}: {part}");
            }
            assert!(html.contains(lang.catalogue().m.legend_skip));
        }
    }

    #[test]
    fn words_are_escaped() {
        assert_eq!(
            escape("<a href='x'>&\""),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
    }
}
