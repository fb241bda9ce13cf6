//! The map in the browser: the page's HTML frame (`super::frame_html`)
//! brought to life with plain DOM and canvas code. Pan (drag the
//! background), zoom (wheel, buttons, fit), drag a node, filter, group by
//! zone or level, click a node for its panel.
//!
//! Every text from the wire (labels, ids, zones, vendors) reaches the page
//! as a text node or an attribute value set through the DOM, never as
//! markup; on the canvas it is painted by `fillText` (`draw`).

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::request_animation_frame;
use maplayout::{Point, Region};
use model::map::MapData;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Document, Element, Event, EventTarget, HtmlCanvasElement, MouseEvent, WheelEvent};

use super::draw;
use super::scene::{Camera, Filter, GroupBy, Scene, Visible, asset_href, first_on_screen, hit};
use crate::i18n::{Catalogue, MapWords, fill};

/// A press that travels less than this is a click.
const CLICK_SLOP: f64 = 4.0;

/// How much one wheel step (100 units of `deltaY`) zooms: e^0.15 ≈ 1.16.
const WHEEL_ZOOM: f64 = 0.0015;

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

/// The frame's elements the map writes to.
struct Parts {
    document: Document,
    canvas: HtmlCanvasElement,
    /// `data-testid="map"`: the test hooks' element.
    hooks: Element,
    shown: Element,
    panel: Element,
}

/// What the map shows and how.
struct State {
    scene: Scene,
    words: &'static MapWords,
    filter: Filter,
    group_by: GroupBy,
    visible: Visible,
    positions: Vec<Point>,
    regions: Vec<Region>,
    camera: Camera,
    selected: Option<usize>,
    /// The node the panel shows, so it is rebuilt only when that changes.
    panel_of: Option<usize>,
    /// The canvas's CSS size at the last frame.
    size: (f64, f64),
    layout_ms: Option<f64>,
    drag: Option<Drag>,
    frame_asked: bool,
}

struct Map {
    parts: Parts,
    state: RefCell<State>,
}

/// A map brought to life; dropping it removes its listeners (the window's
/// too, which outlives the page).
pub struct Island {
    listeners: Vec<Listener>,
}

/// A listener as added: where, for which event, and the closure called.
type Listener = (EventTarget, &'static str, Closure<dyn FnMut(Event)>);

impl Drop for Island {
    fn drop(&mut self) {
        for (target, event, listener) in &self.listeners {
            let _ = target
                .remove_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        }
    }
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Draws the frame into `root` and, with the data, lays the map out and
/// wires its controls. Without usable data it says why in the frame.
pub fn mount(
    root: &Element,
    fetched: Result<String, String>,
    words: &'static Catalogue,
) -> Option<Island> {
    root.set_inner_html(&super::frame_html(words));
    let find = |selector: &str| root.query_selector(selector).ok().flatten();
    let status = find("[data-map=\"status\"]")?;
    let map = match fetched.map(|json| serde_json::from_str::<MapData>(&json)) {
        Ok(Ok(map)) => map,
        Ok(Err(_)) => return say(&status, "error", words.m.unreadable),
        Err(e) => return say(&status, "error", &e),
    };
    let notices = find("[data-map=\"notices\"]")?;
    let _ = notices.remove_child(&status);
    let document = root.owner_document()?;
    let notice = |class: &str, testid: &str, text: &str| {
        if let Ok(p) = document.create_element("p") {
            let _ = p.set_attribute("class", class);
            let _ = p.set_attribute("data-testid", testid);
            p.set_text_content(Some(text));
            let _ = notices.append_child(&p);
        }
    };
    if map.truncated {
        notice("notice-inline", "map-truncated", words.m.truncated);
    }
    if map.nodes.is_empty() {
        notice("muted", "map-empty", words.m.empty);
    }

    let scene = Scene::new(map);
    let canvas: HtmlCanvasElement = find("[data-testid=\"map\"] canvas")?.dyn_into().ok()?;
    let parts = Parts {
        hooks: find("[data-testid=\"map\"]")?,
        shown: find("[data-testid=\"map-shown\"]")?,
        panel: find("[data-map=\"panel\"]")?,
        document,
        canvas,
    };
    fill_options(
        &parts.document,
        find("[data-testid=\"map-protocol\"]"),
        &scene.protocols,
        |p| p.clone(),
    );
    fill_options(
        &parts.document,
        find("[data-testid=\"map-zone\"]"),
        &scene.zones,
        |z| z.clone(),
    );
    fill_options(
        &parts.document,
        find("[data-testid=\"map-role\"]"),
        &scene.roles,
        |r| words.m.role_name(r).to_owned(),
    );
    let mut levels: Vec<(String, String)> = scene
        .levels
        .iter()
        .map(|l| (l.to_string(), fill(words.m.level_n, &[("n", l)])))
        .collect();
    if scene.data.nodes.iter().any(|n| n.purdue_level.is_none()) {
        levels.push(("none".into(), words.m.no_level.into()));
    }
    add_options(
        &parts.document,
        find("[data-testid=\"map-level\"]"),
        &levels,
    );

    let visible = scene.visible(&Filter::default());
    let map = Rc::new(Map {
        parts,
        state: RefCell::new(State {
            scene,
            words: &words.m,
            filter: Filter::default(),
            group_by: GroupBy::default(),
            visible,
            positions: Vec::new(),
            regions: Vec::new(),
            camera: Camera::default(),
            selected: None,
            panel_of: None,
            size: (0.0, 0.0),
            layout_ms: None,
            drag: None,
            frame_asked: false,
        }),
    });
    let mut island = Island {
        listeners: Vec::new(),
    };
    wire(&mut island, &map, root);
    lay_out(&map);
    Some(island)
}

/// Shows `text` in the status line instead of a map.
fn say(status: &Element, class: &str, text: &str) -> Option<Island> {
    let _ = status.set_attribute("class", class);
    status.set_text_content(Some(text));
    None
}

fn fill_options(
    document: &Document,
    select: Option<Element>,
    values: &[String],
    text: impl Fn(&String) -> String,
) {
    let options: Vec<(String, String)> = values.iter().map(|v| (v.clone(), text(v))).collect();
    add_options(document, select, &options);
}

/// Appends `(value, text)` options to `select`, after its "all".
fn add_options(document: &Document, select: Option<Element>, options: &[(String, String)]) {
    let Some(select) = select else { return };
    for (value, text) in options {
        if let Ok(option) = document.create_element("option") {
            let _ = option.set_attribute("value", value);
            option.set_text_content(Some(text));
            let _ = select.append_child(&option);
        }
    }
}

/// Adds `listener` for `event` on `target`, kept (and removed) by `island`.
fn listen(
    island: &mut Island,
    target: &EventTarget,
    event: &'static str,
    passive: bool,
    listener: impl FnMut(Event) + 'static,
) {
    let listener = Closure::<dyn FnMut(Event)>::new(listener);
    let options = web_sys::AddEventListenerOptions::new();
    options.set_passive(passive);
    let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
        event,
        listener.as_ref().unchecked_ref(),
        &options,
    );
    island.listeners.push((target.clone(), event, listener));
}

fn select_value(event: &Event) -> String {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

fn point(event: &Event) -> Option<(f64, f64)> {
    let e = event.dyn_ref::<MouseEvent>()?;
    Some((f64::from(e.offset_x()), f64::from(e.offset_y())))
}

fn wire(island: &mut Island, map: &Rc<Map>, root: &Element) {
    let find = |selector: &str| -> Option<EventTarget> {
        root.query_selector(selector)
            .ok()
            .flatten()
            .map(EventTarget::from)
    };
    type SetFilter = fn(&mut Filter, String);
    let filters: [(&str, SetFilter); 4] = [
        ("map-protocol", |f, v| f.protocol = v),
        ("map-zone", |f, v| f.zone = v),
        ("map-role", |f, v| f.role = v),
        ("map-level", |f, v| f.level = v),
    ];
    for (testid, set) in filters {
        if let Some(select) = find(&format!("[data-testid=\"{testid}\"]")) {
            let m = map.clone();
            listen(island, &select, "change", true, move |e| {
                {
                    let mut s = m.state.borrow_mut();
                    set(&mut s.filter, select_value(&e));
                    s.visible = s.scene.visible(&s.filter);
                    s.selected = None;
                }
                changed(&m);
            });
        }
    }
    if let Some(select) = find("[data-testid=\"map-group\"]") {
        let m = map.clone();
        listen(island, &select, "change", true, move |e| {
            let by = GroupBy::parse(&select_value(&e));
            m.state.borrow_mut().group_by = by;
            lay_out(&m);
        });
    }
    for (testid, factor) in [("map-zoom-in", 1.25), ("map-zoom-out", 0.8)] {
        if let Some(button) = find(&format!("[data-testid=\"{testid}\"]")) {
            let m = map.clone();
            listen(island, &button, "click", true, move |_| {
                {
                    let mut s = m.state.borrow_mut();
                    let (w, h) = s.size;
                    s.camera = s.camera.zoom_at(w / 2.0, h / 2.0, factor);
                }
                changed(&m);
            });
        }
    }
    if let Some(button) = find("[data-testid=\"map-fit\"]") {
        let m = map.clone();
        listen(island, &button, "click", true, move |_| {
            {
                let mut s = m.state.borrow_mut();
                let (w, h) = s.size;
                let shown = s
                    .positions
                    .iter()
                    .zip(&s.visible.nodes)
                    .filter(|(_, v)| **v)
                    .map(|(p, _)| p);
                s.camera = Camera::fit(shown, w, h);
            }
            changed(&m);
        });
    }
    // The panel's close button, found by delegation (the panel is rebuilt).
    {
        let m = map.clone();
        let panel = EventTarget::from(map.parts.panel.clone());
        listen(island, &panel, "click", true, move |e| {
            let close = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .is_some_and(|el| el.has_attribute("data-map-close"));
            if close {
                m.state.borrow_mut().selected = None;
                changed(&m);
            }
        });
    }

    let canvas = EventTarget::from(map.parts.canvas.clone());
    {
        let m = map.clone();
        listen(island, &canvas, "mousedown", true, move |e| {
            let Some(at) = point(&e) else { return };
            let mut s = m.state.borrow_mut();
            let found = hit(&s.positions, &s.visible.nodes, &s.camera, at.0, at.1);
            s.drag = Some(match found {
                Some(index) => Drag::Node {
                    index,
                    start: at,
                    moved: false,
                },
                None => Drag::Pan {
                    start: at,
                    from: s.camera,
                    moved: false,
                },
            });
        });
    }
    {
        let m = map.clone();
        listen(island, &canvas, "mousemove", true, move |e| {
            let Some(at) = point(&e) else { return };
            let far = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).hypot(a.1 - b.1) > CLICK_SLOP;
            let mut s = m.state.borrow_mut();
            let moved = match s.drag {
                Some(Drag::Node {
                    index,
                    start,
                    moved,
                }) => {
                    let moved = moved || far(at, start);
                    if moved {
                        let world = s.camera.to_world(at.0, at.1);
                        if let Some(q) = s.positions.get_mut(index) {
                            *q = world;
                        }
                    }
                    s.drag = Some(Drag::Node {
                        index,
                        start,
                        moved,
                    });
                    moved
                }
                Some(Drag::Pan { start, from, moved }) => {
                    let moved = moved || far(at, start);
                    if moved {
                        s.camera = Camera {
                            x: from.x + at.0 - start.0,
                            y: from.y + at.1 - start.1,
                            scale: from.scale,
                        };
                    }
                    s.drag = Some(Drag::Pan { start, from, moved });
                    moved
                }
                None => false,
            };
            drop(s);
            if moved {
                changed(&m);
            }
        });
    }
    {
        let m = map.clone();
        listen(island, &canvas, "mouseup", true, move |_| {
            let mut s = m.state.borrow_mut();
            match s.drag.take() {
                Some(Drag::Node {
                    index,
                    moved: false,
                    ..
                }) => s.selected = Some(index),
                Some(Drag::Pan { moved: false, .. }) => s.selected = None,
                _ => {}
            }
            drop(s);
            changed(&m);
        });
    }
    {
        let m = map.clone();
        listen(island, &canvas, "mouseleave", true, move |_| {
            m.state.borrow_mut().drag = None;
        });
    }
    {
        let m = map.clone();
        // Not passive: the wheel zooms the map instead of scrolling the page.
        listen(island, &canvas, "wheel", false, move |e| {
            e.prevent_default();
            let Some(wheel) = e.dyn_ref::<WheelEvent>() else {
                return;
            };
            let factor = (-wheel.delta_y() * WHEEL_ZOOM).exp();
            let (x, y) = (f64::from(wheel.offset_x()), f64::from(wheel.offset_y()));
            {
                let mut s = m.state.borrow_mut();
                s.camera = s.camera.zoom_at(x, y, factor);
            }
            changed(&m);
        });
    }
    // A resized window resizes the canvas: draw again.
    if let Some(window) = web_sys::window() {
        let m = map.clone();
        listen(island, &window, "resize", true, move |_| ask_frame(&m));
    }
}

/// Lays the map out for its grouping and fits the camera to it.
fn lay_out(map: &Rc<Map>) {
    {
        let mut s = map.state.borrow_mut();
        let groups = s.scene.groups(s.group_by);
        let edges: Vec<(u32, u32)> = s
            .scene
            .data
            .edges
            .iter()
            .map(|e| (e.client, e.server))
            .collect();
        let start = now();
        let out = maplayout::layout(
            &groups,
            &edges,
            &maplayout::Options::new(s.group_by.layout()),
        );
        s.layout_ms = Some(now() - start);
        let (w, h) = draw::css_size(&map.parts.canvas);
        s.size = (w, h);
        s.camera = Camera::fit(out.positions.iter(), w, h);
        s.positions = out.positions;
        s.regions = out.regions;
    }
    changed(map);
}

/// Something shown changed: the hooks and the panel now, the canvas at the
/// next animation frame.
fn changed(map: &Rc<Map>) {
    sync(map);
    ask_frame(map);
}

/// One frame at the next animation frame, however many changes ask.
fn ask_frame(map: &Rc<Map>) {
    {
        let mut s = map.state.borrow_mut();
        if s.frame_asked {
            return;
        }
        s.frame_asked = true;
    }
    let m = map.clone();
    request_animation_frame(move || frame(&m));
}

fn frame(map: &Rc<Map>) {
    let start = now();
    let size = {
        let mut s = map.state.borrow_mut();
        s.frame_asked = false;
        draw::draw(
            &map.parts.canvas,
            &draw::Frame {
                scene: &s.scene,
                positions: &s.positions,
                regions: &s.regions,
                group_by: s.group_by,
                visible: &s.visible,
                camera: s.camera,
                selected: s.selected,
                words: s.words,
            },
        )
    };
    // For benchmarks (end2end/bench/map-frames.mjs).
    let _ = map
        .parts
        .canvas
        .set_attribute("data-draw-ms", &format!("{:.2}", now() - start));
    let resized = {
        let mut s = map.state.borrow_mut();
        let before = s.size;
        s.size = size;
        // Laid out while the canvas had no size yet: fit the camera now
        // that it has one (and draw again).
        if (before.0 <= 0.0 || before.1 <= 0.0) && size.0 > 0.0 && size.1 > 0.0 {
            s.camera = Camera::fit(s.positions.iter(), size.0, size.1);
        }
        before != size
    };
    if resized {
        changed(map);
    }
}

/// The test hooks, the count shown and the side panel, from the state.
fn sync(map: &Map) {
    let s = map.state.borrow();
    let hooks = &map.parts.hooks;
    let set = |name: &str, value: &str| {
        let _ = hooks.set_attribute(name, value);
    };
    let w = s.words;
    set("data-nodes", &s.visible.node_count.to_string());
    set("data-edges", &s.visible.edge_count.to_string());
    set("data-zoom", &format!("{:.3}", s.camera.scale));
    set("data-pan", &format!("{:.1},{:.1}", s.camera.x, s.camera.y));
    let selected = s.selected.and_then(|i| s.scene.data.nodes.get(i));
    set("data-selected", selected.map_or("", |n| n.id.as_str()));
    let first = first_on_screen(
        &s.positions,
        &s.visible.nodes,
        &s.camera,
        s.size.0,
        s.size.1,
    )
    .map(|(x, y)| format!("{x:.1},{y:.1}"))
    .unwrap_or_default();
    set("data-first-node-xy", &first);
    set(
        "data-layout-ms",
        &s.layout_ms.map(|ms| format!("{ms:.1}")).unwrap_or_default(),
    );
    set(
        "data-ready",
        if s.layout_ms.is_some() {
            "true"
        } else {
            "false"
        },
    );
    map.parts.shown.set_text_content(Some(&fill(
        w.shown,
        &[
            ("nodes", &s.visible.node_count),
            ("edges", &s.visible.edge_count),
        ],
    )));
    if s.panel_of != s.selected {
        let of = s.selected;
        show_panel(&map.parts, &s);
        drop(s);
        map.state.borrow_mut().panel_of = of;
    }
}

/// The selected node's facts and a link to its page, or nothing.
fn show_panel(parts: &Parts, s: &State) {
    let panel = &parts.panel;
    panel.set_text_content(None);
    let Some((i, n)) = s
        .selected
        .and_then(|i| s.scene.data.nodes.get(i).map(|n| (i, n)))
    else {
        return;
    };
    let w = s.words;
    let doc = &parts.document;
    let element = |tag: &str, text: Option<&str>, attributes: &[(&str, &str)]| -> Option<Element> {
        let el = doc.create_element(tag).ok()?;
        for (name, value) in attributes {
            let _ = el.set_attribute(name, value);
        }
        if text.is_some() {
            el.set_text_content(text);
        }
        Some(el)
    };
    let built = (|| -> Option<Element> {
        let div = element(
            "div",
            None,
            &[("class", "map-panel"), ("data-testid", "map-panel")],
        )?;
        append(&div, element("h2", Some(&n.label), &[]))?;
        let dl = element("dl", None, &[])?;
        let level = n
            .purdue_level
            .map_or_else(|| w.no_level.to_owned(), |l| fill(w.level_n, &[("n", &l)]));
        let peers = s.scene.neighbours.get(i).map_or(0, Vec::len).to_string();
        for (term, value) in [
            (w.id, n.id.as_str()),
            (w.role, w.role_name(&n.role)),
            (w.level, level.as_str()),
            (w.zone, n.zone.as_deref().unwrap_or_default()),
            (w.vendor, n.vendor.as_deref().unwrap_or_default()),
            (w.neighbours, peers.as_str()),
        ] {
            append(&dl, element("dt", Some(term), &[]))?;
            append(&dl, element("dd", Some(value), &[]))?;
        }
        append(&div, Some(dl))?;
        let p = element("p", None, &[])?;
        let href = asset_href(&n.id);
        append(
            &p,
            element(
                "a",
                Some(w.open_asset),
                &[("href", href.as_str()), ("data-testid", "map-asset-link")],
            ),
        )?;
        append(&div, Some(p))?;
        append(
            &div,
            element(
                "button",
                Some(w.close),
                &[
                    ("type", "button"),
                    ("class", "button small"),
                    ("data-map-close", ""),
                ],
            ),
        )?;
        Some(div)
    })();
    if let Some(div) = built {
        let _ = panel.append_child(&div);
    }
}

/// Appends `child` to `parent`; `None` when there is no child or the DOM
/// refused it.
fn append(parent: &Element, child: Option<Element>) -> Option<()> {
    let child: Element = child?;
    parent.append_child(&child).ok().map(|_| ())
}
