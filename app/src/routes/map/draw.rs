//! The map on a 2D canvas (browser only). Every text from the wire — asset
//! labels, zone names — is drawn with `fillText`, which paints glyphs and
//! never parses markup.

use maplayout::{Point, Region};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::scene::{
    Camera, EDGE_COLOUR, GroupBy, GroupName, SKIP_COLOUR, Scene, Visible, node_radius, role_colour,
};
use crate::i18n::{MapWords, fill};

/// Everything one frame shows.
pub struct Frame<'a> {
    pub scene: &'a Scene,
    pub positions: &'a [Point],
    pub regions: &'a [Region],
    pub group_by: GroupBy,
    pub visible: &'a Visible,
    pub camera: Camera,
    pub selected: Option<usize>,
    pub words: &'static MapWords,
}

/// Labels longer than this are cut: a hostile 10,000-character host name
/// must not cost a frame.
const LABEL_CHARS: usize = 40;

/// The canvas's size in CSS pixels.
pub fn css_size(canvas: &HtmlCanvasElement) -> (f64, f64) {
    (
        f64::from(canvas.client_width()),
        f64::from(canvas.client_height()),
    )
}

/// Draws a frame; returns the canvas's size in CSS pixels. Does nothing
/// (and says so with a zero size) if the canvas has no 2D context.
pub fn draw(canvas: &HtmlCanvasElement, frame: &Frame<'_>) -> (f64, f64) {
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return (0.0, 0.0);
    };
    let (w, h) = css_size(canvas);
    // Backing store at the screen's pixel density, so lines stay sharp.
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r >= 1.0)
        .unwrap_or(1.0);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, w, h);
    regions(&ctx, frame);
    edges(&ctx, frame);
    nodes(&ctx, frame, w, h);
    (w, h)
}

fn regions(ctx: &CanvasRenderingContext2d, f: &Frame<'_>) {
    ctx.set_font("600 12px sans-serif");
    ctx.set_line_width(1.0);
    for (k, r) in f.regions.iter().enumerate() {
        let (x0, y0) = f.camera.to_screen(r.min);
        let (x1, y1) = f.camera.to_screen(r.max);
        ctx.set_fill_style_str(if k % 2 == 0 { "#f3f6fa" } else { "#eef2f7" });
        ctx.fill_rect(x0, y0, x1 - x0, y1 - y0);
        ctx.set_stroke_style_str("#d8dee8");
        ctx.stroke_rect(x0, y0, x1 - x0, y1 - y0);
        let name = match f.scene.group_name(f.group_by, r.group) {
            GroupName::Zone(z) => cut(z),
            GroupName::NoZone => f.words.no_zone.to_owned(),
            GroupName::Level(n) => fill(f.words.level_n, &[("n", &n)]),
            GroupName::NoLevel => f.words.no_level.to_owned(),
        };
        ctx.set_fill_style_str("#5b6676");
        let _ = ctx.fill_text(&name, x0 + 6.0, y0 + 16.0);
    }
}

/// Edges in four strokes — plain and level-skipping, each dimmed or not —
/// rather than one stroke per edge: 10,000 edges stay a few calls.
fn edges(ctx: &CanvasRenderingContext2d, f: &Frame<'_>) {
    let touches = |client: u32, server: u32| match f.selected {
        None => true,
        Some(s) => client as usize == s || server as usize == s,
    };
    for (lit, skip) in [(false, false), (false, true), (true, false), (true, true)] {
        ctx.begin_path();
        let mut any = false;
        for (e, shown) in f.scene.data.edges.iter().zip(&f.visible.edges) {
            if !*shown || e.skips_levels != skip || touches(e.client, e.server) != lit {
                continue;
            }
            let (Some(a), Some(b)) = (
                f.positions.get(e.client as usize),
                f.positions.get(e.server as usize),
            ) else {
                continue;
            };
            let (ax, ay) = f.camera.to_screen(*a);
            let (bx, by) = f.camera.to_screen(*b);
            ctx.move_to(ax, ay);
            ctx.line_to(bx, by);
            any = true;
        }
        if !any {
            continue;
        }
        ctx.set_global_alpha(if lit { 0.9 } else { 0.12 });
        ctx.set_stroke_style_str(if skip { SKIP_COLOUR } else { EDGE_COLOUR });
        ctx.set_line_width(if skip { 2.5 } else { 1.0 });
        ctx.stroke();
    }
    ctx.set_global_alpha(1.0);
}

fn nodes(ctx: &CanvasRenderingContext2d, f: &Frame<'_>, w: f64, h: f64) {
    let r = node_radius(f.camera.scale);
    let near = |i: usize| match f.selected {
        None => true,
        Some(s) => {
            i == s
                || f.scene
                    .neighbours
                    .get(s)
                    .is_some_and(|n| n.binary_search(&(i as u32)).is_ok())
        }
    };
    // Labels when they can be read: zoomed in, or few nodes.
    let labels = f.camera.scale >= 0.8 || f.visible.node_count <= 60;
    ctx.set_font("12px sans-serif");
    for (i, node) in f.scene.data.nodes.iter().enumerate() {
        if !f.visible.nodes.get(i).copied().unwrap_or(false) {
            continue;
        }
        let Some(p) = f.positions.get(i) else {
            continue;
        };
        let (x, y) = f.camera.to_screen(*p);
        if x < -r || y < -r || x > w + r || y > h + r {
            continue;
        }
        let lit = near(i);
        ctx.set_global_alpha(if lit { 1.0 } else { 0.2 });
        ctx.begin_path();
        let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        ctx.set_fill_style_str(role_colour(&node.role));
        ctx.fill();
        if f.selected == Some(i) {
            ctx.set_line_width(3.0);
            ctx.set_stroke_style_str("#12263f");
            ctx.stroke();
        }
        if lit && (labels || f.selected.is_some()) {
            ctx.set_fill_style_str("#1c2430");
            let _ = ctx.fill_text(&cut(&node.label), x + r + 3.0, y + 4.0);
        }
    }
    ctx.set_global_alpha(1.0);
}

fn cut(text: &str) -> String {
    let mut out: String = text.chars().take(LABEL_CHARS).collect();
    if text.chars().nth(LABEL_CHARS).is_some() {
        out.push('…');
    }
    out
}
