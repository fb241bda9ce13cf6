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
//! Test hooks on the canvas's wrapper (`data-testid="map"`): `data-nodes`
//! and `data-edges` (shown), `data-zoom`, `data-pan`, `data-selected` (the
//! node's id), `data-first-node-xy` (where the first shown node is drawn, in
//! CSS pixels from the canvas's top left), `data-layout-ms` and
//! `data-ready` once laid out; on the canvas, `data-draw-ms`, how long the
//! last frame took to draw.

#[cfg(feature = "hydrate")]
mod draw;
pub mod scene;

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};
use maplayout::Point;
#[cfg(feature = "hydrate")]
use maplayout::Region;
use model::map::MapData;

use self::scene::{
    Camera, Filter, GroupBy, ROLE_COLOURS, Scene, asset_href, first_on_screen, role_colour,
};
use crate::auth::Area;
use crate::components::guard::RequireArea;
use crate::components::portal_tabs::{PortalTab, PortalTabs};
use crate::i18n::{fill, use_t};
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
    let loading = move || view! { <p class="muted">{move || t().loading}</p> };
    // The data is fetched by the browser and may be there before the page
    // hydrates; the server rendered "loading", so hydration must too. The
    // map appears once hydrated (effects run only then, only in browsers).
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <section class="card map-page" data-testid="map-page">
            <PortalTabs current=PortalTab::Map />
            <h1>{move || t().m.title}</h1>
            {move || if hydrated.get() {
                view! {
                    <Suspense fallback=loading>
                        {move || Suspend::new(async move {
                            match data.await {
                                Ok(json) => match serde_json::from_str::<MapData>(&json) {
                                    Ok(map) => view! { <MapView scene=Arc::new(Scene::new(map)) /> }.into_any(),
                                    Err(_) => view! { <p class="error">{move || t().m.unreadable}</p> }.into_any(),
                                },
                                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                            }
                        })}
                    </Suspense>
                }.into_any()
            } else {
                loading().into_any()
            }}
        </section>
    }
}

/// What a press on the canvas started.
#[derive(Debug, Clone, Copy)]
enum Drag {
    Node {
        index: usize,
        start: (f64, f64),
        moved: bool,
    },
    Pan {
        start: (f64, f64),
        from: Camera,
        moved: bool,
    },
}

/// A press that travels less than this is a click.
const CLICK_SLOP: f64 = 4.0;

/// How much one wheel step (100 units of `deltaY`) zooms: e^0.15 ≈ 1.16.
const WHEEL_ZOOM: f64 = 0.0015;

#[component]
fn MapView(scene: Arc<Scene>) -> impl IntoView {
    let t = use_t();
    let filter = RwSignal::new(Filter::default());
    let group_by = RwSignal::new(GroupBy::default());
    let positions = RwSignal::new(Vec::<Point>::new());
    let camera = RwSignal::new(Camera::default());
    let selected = RwSignal::new(None::<usize>);
    // The canvas's CSS size, known once drawn (never on the server).
    let size = RwSignal::new((0.0_f64, 0.0_f64));
    let layout_ms = RwSignal::new(None::<f64>);
    let drag = StoredValue::new(None::<Drag>);
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let visible = {
        let scene = scene.clone();
        Memo::new(move |_| filter.with(|f| scene.visible(f)))
    };

    #[cfg(feature = "hydrate")]
    start_drawing(
        scene.clone(),
        canvas,
        Signals {
            group_by,
            positions,
            regions: RwSignal::new(Vec::new()),
            camera,
            selected,
            size,
            layout_ms,
            visible,
        },
    );

    let point = |ev: &leptos::ev::MouseEvent| (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
    let on_down = move |ev: leptos::ev::MouseEvent| {
        let at = point(&ev);
        let cam = camera.get_untracked();
        let found = positions.with_untracked(|p| {
            visible.with_untracked(|v| scene::hit(p, &v.nodes, &cam, at.0, at.1))
        });
        drag.set_value(Some(match found {
            Some(index) => Drag::Node {
                index,
                start: at,
                moved: false,
            },
            None => Drag::Pan {
                start: at,
                from: cam,
                moved: false,
            },
        }));
    };
    let far = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).hypot(a.1 - b.1) > CLICK_SLOP;
    let on_move = move |ev: leptos::ev::MouseEvent| {
        let at = point(&ev);
        match drag.get_value() {
            Some(Drag::Node {
                index,
                start,
                moved,
            }) => {
                let moved = moved || far(at, start);
                if moved {
                    let world = camera.get_untracked().to_world(at.0, at.1);
                    positions.update(|p| {
                        if let Some(q) = p.get_mut(index) {
                            *q = world;
                        }
                    });
                }
                drag.set_value(Some(Drag::Node {
                    index,
                    start,
                    moved,
                }));
            }
            Some(Drag::Pan { start, from, moved }) => {
                let moved = moved || far(at, start);
                if moved {
                    camera.set(Camera {
                        x: from.x + at.0 - start.0,
                        y: from.y + at.1 - start.1,
                        scale: from.scale,
                    });
                }
                drag.set_value(Some(Drag::Pan { start, from, moved }));
            }
            None => {}
        }
    };
    let on_up = move |_: leptos::ev::MouseEvent| {
        match drag.get_value() {
            Some(Drag::Node {
                index,
                moved: false,
                ..
            }) => selected.set(Some(index)),
            Some(Drag::Pan { moved: false, .. }) => selected.set(None),
            _ => {}
        }
        drag.set_value(None);
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        let factor = (-ev.delta_y() * WHEEL_ZOOM).exp();
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        camera.update(|c| *c = c.zoom_at(x, y, factor));
    };
    let zoom_by = move |factor: f64| {
        let (w, h) = size.get_untracked();
        camera.update(|c| *c = c.zoom_at(w / 2.0, h / 2.0, factor));
    };
    let fit = move |_| {
        let (w, h) = size.get_untracked();
        let cam = positions.with_untracked(|p| {
            visible.with_untracked(|v| {
                Camera::fit(
                    p.iter().zip(&v.nodes).filter(|(_, s)| **s).map(|(p, _)| p),
                    w,
                    h,
                )
            })
        });
        camera.set(cam);
    };

    let selected_id = {
        let scene = scene.clone();
        move || {
            selected
                .get()
                .and_then(|i| scene.data.nodes.get(i))
                .map(|n| n.id.clone())
                .unwrap_or_default()
        }
    };
    let first_xy = move || {
        let (w, h) = size.get();
        let cam = camera.get();
        positions
            .with(|p| visible.with(|v| first_on_screen(p, &v.nodes, &cam, w, h)))
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .unwrap_or_default()
    };
    let empty = scene.data.nodes.is_empty();
    let truncated = scene.data.truncated;
    let filter_select = move |label: fn(&'static crate::i18n::Catalogue) -> &'static str,
                              testid: &'static str,
                              options: Vec<(String, String)>,
                              set: fn(&mut Filter, String)| {
        view! {
            <label class="map-filter">
                <span>{move || label(t())}</span>
                <select data-testid=testid on:change=move |ev| {
                    let value = event_target_value(&ev);
                    filter.update(|f| set(f, value));
                    selected.set(None);
                }>
                    <option value="">{move || t().m.all}</option>
                    {options.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    let protocols: Vec<(String, String)> = scene
        .protocols
        .iter()
        .map(|p| (p.clone(), p.clone()))
        .collect();
    let zones: Vec<(String, String)> = scene.zones.iter().map(|z| (z.clone(), z.clone())).collect();
    let roles: Vec<(String, String)> = scene
        .roles
        .iter()
        .map(|r| (r.clone(), t().m.role_name(r).to_owned()))
        .collect();
    let mut levels: Vec<(String, String)> = scene
        .levels
        .iter()
        .map(|l| (l.to_string(), fill(t().m.level_n, &[("n", l)])))
        .collect();
    if scene.data.nodes.iter().any(|n| n.purdue_level.is_none()) {
        levels.push(("none".into(), t().m.no_level.into()));
    }
    let panel_scene = scene.clone();

    view! {
        <p class="hint">{move || t().m.hint}</p>
        {truncated.then(|| view! { <p class="notice-inline" data-testid="map-truncated">{move || t().m.truncated}</p> })}
        {empty.then(|| view! { <p class="muted" data-testid="map-empty">{move || t().m.empty}</p> })}
        <div class="map-controls row">
            {filter_select(|c| c.m.protocol, "map-protocol", protocols, |f, v| f.protocol = v)}
            {filter_select(|c| c.m.zone, "map-zone", zones, |f, v| f.zone = v)}
            {filter_select(|c| c.m.role, "map-role", roles, |f, v| f.role = v)}
            {filter_select(|c| c.m.level, "map-level", levels, |f, v| f.level = v)}
            <label class="map-filter">
                <span>{move || t().m.group_by}</span>
                <select data-testid="map-group" on:change=move |ev| group_by.set(GroupBy::parse(&event_target_value(&ev)))>
                    <option value=GroupBy::Level.as_str()>{move || t().m.by_level}</option>
                    <option value=GroupBy::Zone.as_str()>{move || t().m.by_zone}</option>
                </select>
            </label>
            <span class="map-zoom">
                <button type="button" class="button small" data-testid="map-zoom-in" title=move || t().m.zoom_in on:click=move |_| zoom_by(1.25)>"+"</button>
                <button type="button" class="button small" data-testid="map-zoom-out" title=move || t().m.zoom_out on:click=move |_| zoom_by(0.8)>"−"</button>
                <button type="button" class="button small" data-testid="map-fit" on:click=fit>{move || t().m.fit}</button>
            </span>
        </div>
        <p class="muted" data-testid="map-shown">
            {move || visible.with(|v| fill(t().m.shown, &[("nodes", &v.node_count), ("edges", &v.edge_count)]))}
        </p>
        <div class="map-layout">
            <div
                class="map-canvas"
                data-testid="map"
                data-nodes=move || visible.with(|v| v.node_count)
                data-edges=move || visible.with(|v| v.edge_count)
                data-zoom=move || format!("{:.3}", camera.get().scale)
                data-pan=move || { let c = camera.get(); format!("{:.1},{:.1}", c.x, c.y) }
                data-selected=selected_id
                data-first-node-xy=first_xy
                data-layout-ms=move || layout_ms.get().map(|ms| format!("{ms:.1}")).unwrap_or_default()
                data-ready=move || (layout_ms.get().is_some()).to_string()
            >
                <canvas
                    node_ref=canvas
                    on:mousedown=on_down
                    on:mousemove=on_move
                    on:mouseup=on_up
                    on:mouseleave=move |_| drag.set_value(None)
                    on:wheel=on_wheel
                ></canvas>
            </div>
            <aside class="map-side">
                {move || {
                    let scene = panel_scene.clone();
                    selected.get().and_then(|i| scene.data.nodes.get(i).cloned().map(|n| (i, n))).map(|(i, n)| {
                        let peers = scene.neighbours.get(i).map_or(0, Vec::len);
                        let level = n.purdue_level.map_or_else(|| t().m.no_level.to_owned(), |l| fill(t().m.level_n, &[("n", &l)]));
                        let role = t().m.role_name(&n.role).to_owned();
                        let href = asset_href(&n.id);
                        view! {
                            <div class="map-panel" data-testid="map-panel">
                                <h2>{n.label.clone()}</h2>
                                <dl>
                                    <dt>{move || t().m.id}</dt><dd>{n.id.clone()}</dd>
                                    <dt>{move || t().m.role}</dt><dd>{role}</dd>
                                    <dt>{move || t().m.level}</dt><dd>{level}</dd>
                                    <dt>{move || t().m.zone}</dt><dd>{n.zone.clone().unwrap_or_default()}</dd>
                                    <dt>{move || t().m.vendor}</dt><dd>{n.vendor.clone().unwrap_or_default()}</dd>
                                    <dt>{move || t().m.neighbours}</dt><dd>{peers}</dd>
                                </dl>
                                <p><a href=href data-testid="map-asset-link">{move || t().m.open_asset}</a></p>
                                <button type="button" class="button small" on:click=move |_| selected.set(None)>{move || t().m.close}</button>
                            </div>
                        }
                    })
                }}
                <div class="map-legend" data-testid="map-legend">
                    <h2>{move || t().m.legend}</h2>
                    <ul>
                        {ROLE_COLOURS.iter().map(|(wire, _)| {
                            let wire: &'static str = wire;
                            view! {
                                <li><span class="swatch" style:background-color=role_colour(wire)></span>{move || t().m.role_name(wire)}</li>
                            }
                        }).collect_view()}
                        <li><span class="line" style:background-color=scene::EDGE_COLOUR></span>{move || t().m.legend_edge}</li>
                        <li><span class="line skip" style:background-color=scene::SKIP_COLOUR></span>{move || t().m.legend_skip}</li>
                    </ul>
                </div>
            </aside>
        </div>
    }
}

/// The reactive state the drawing reads.
#[cfg(feature = "hydrate")]
#[derive(Clone, Copy)]
struct Signals {
    group_by: RwSignal<GroupBy>,
    positions: RwSignal<Vec<Point>>,
    regions: RwSignal<Vec<Region>>,
    camera: RwSignal<Camera>,
    selected: RwSignal<Option<usize>>,
    size: RwSignal<(f64, f64)>,
    layout_ms: RwSignal<Option<f64>>,
    visible: Memo<scene::Visible>,
}

/// In the browser: lays the map out whenever the grouping changes, and
/// draws a frame (one per animation frame at most) whenever something it
/// shows changed — never otherwise.
#[cfg(feature = "hydrate")]
fn start_drawing(scene: Arc<Scene>, canvas: NodeRef<leptos::html::Canvas>, s: Signals) {
    let now = || {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    };
    let layout_scene = scene.clone();
    Effect::new(move |_| {
        let by = s.group_by.get();
        let groups = layout_scene.groups(by);
        let edges: Vec<(u32, u32)> = layout_scene
            .data
            .edges
            .iter()
            .map(|e| (e.client, e.server))
            .collect();
        let start = now();
        let out = maplayout::layout(&groups, &edges, &maplayout::Options::new(by.layout()));
        let took = now() - start;
        let (w, h) = canvas
            .get_untracked()
            .map_or((0.0, 0.0), |c| draw::css_size(&c));
        s.size.set((w, h));
        s.camera.set(Camera::fit(out.positions.iter(), w, h));
        s.positions.set(out.positions);
        s.regions.set(out.regions);
        s.layout_ms.set(Some(took));
    });

    let pending = StoredValue::new(false);
    let t = crate::i18n::use_t();
    Effect::new(move |_| {
        // What a frame shows; any change asks for one frame.
        s.positions.track();
        s.regions.track();
        s.camera.track();
        s.selected.track();
        s.visible.track();
        let words = &t().m;
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        let scene = scene.clone();
        request_animation_frame(move || {
            pending.set_value(false);
            let Some(el) = canvas.get_untracked() else {
                return;
            };
            let start = now();
            let size = s.positions.with_untracked(|positions| {
                s.regions.with_untracked(|regions| {
                    s.visible.with_untracked(|visible| {
                        draw::draw(
                            &el,
                            &draw::Frame {
                                scene: &scene,
                                positions,
                                regions,
                                group_by: s.group_by.get_untracked(),
                                visible,
                                camera: s.camera.get_untracked(),
                                selected: s.selected.get_untracked(),
                                words,
                            },
                        )
                    })
                })
            });
            // For benchmarks (end2end/bench/map-frames.mjs): set directly,
            // not through a signal, so timing a frame costs no re-render.
            let _ = el.set_attribute("data-draw-ms", &format!("{:.2}", now() - start));
            let before = s.size.get_untracked();
            if before != size {
                s.size.set(size);
                // Laid out while the canvas had no size yet (the map is
                // mounted in the browser, and the layout may run first):
                // fit the camera now that it has one.
                if (before.0 <= 0.0 || before.1 <= 0.0) && size.0 > 0.0 && size.1 > 0.0 {
                    let fitted = s
                        .positions
                        .with_untracked(|p| Camera::fit(p.iter(), size.0, size.1));
                    s.camera.set(fitted);
                }
            }
        });
    });

    // A resized window resizes the canvas: draw again.
    let handle = window_event_listener(leptos::ev::resize, move |_| s.camera.update(|_| {}));
    on_cleanup(move || handle.remove());
}
