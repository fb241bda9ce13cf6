//! Geometry of the monthly / cumulative cost chart, computed in integers
//! (tenths of an SVG unit) so the chart is the same on server and browser.

use crate::i18n::{Lang, fill};
use crate::quotes::table::{MonthRow, yen};

pub const WIDTH: i64 = 960;
pub const HEIGHT: i64 = 320;
const LEFT: i64 = 80;
const RIGHT: i64 = 80;
const TOP: i64 = 12;
const BOTTOM: i64 = 28;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    pub prorated: bool,
    /// Tooltip: month, monthly and cumulative totals.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    pub y: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XLabel {
    pub x: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub bars: Vec<Bar>,
    /// `points` of the cumulative polyline.
    pub cumulative: String,
    /// Monthly scale (left axis).
    pub left_ticks: Vec<Tick>,
    /// Cumulative scale (right axis).
    pub right_ticks: Vec<Tick>,
    pub x_labels: Vec<XLabel>,
}

/// Tenths of a unit as SVG text: `123` → `12.3`.
fn svg(tenths: i64) -> String {
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    }
}

/// The smallest "round" step (1, 2 or 5 × 10^k) with `4 × step ≥ max`.
fn axis_step(max: i64) -> i64 {
    let wanted = (max.max(1) + 3) / 4;
    let mut power = 1i64;
    while power.saturating_mul(10) <= wanted {
        power *= 10;
    }
    [1i64, 2, 5, 10]
        .into_iter()
        .filter_map(|m| m.checked_mul(power))
        .find(|s| *s >= wanted)
        // Beyond any real quote; keeps 4 × step representable.
        .unwrap_or(i64::MAX / 4)
}

/// Compact money for axis labels: `120万円`, `¥1.2M`.
pub fn compact_yen(v: i64, lang: Lang) -> String {
    let one_decimal = |v: i64, unit: i64| {
        let tenths = v * 10 / unit;
        if tenths % 10 == 0 {
            (tenths / 10).to_string()
        } else {
            format!("{}.{}", tenths / 10, tenths % 10)
        }
    };
    let q = &lang.catalogue().q;
    match q.compact_yen_units.iter().find(|(unit, _)| v >= *unit) {
        Some((unit, template)) => fill(template, &[("n", &one_decimal(v, *unit))]),
        None => fill(q.compact_yen, &[("n", &v)]),
    }
}

pub fn chart(rows: &[MonthRow], lang: Lang) -> Chart {
    let plot_w = (WIDTH - LEFT - RIGHT) * 10;
    let plot_h = (HEIGHT - TOP - BOTTOM) * 10;
    let (top, left) = (TOP * 10, LEFT * 10);
    let n = rows.len().max(1) as i64;
    let monthly_step = axis_step(rows.iter().map(|r| r.total.0).max().unwrap_or(0));
    let cumulative_step = axis_step(rows.iter().map(|r| r.cumulative.0).max().unwrap_or(0));
    let y_of = |v: i64, step: i64| -> i64 {
        let full = 4 * step as i128;
        let v = (v as i128).clamp(0, full);
        top + plot_h - (v * plot_h as i128 / full) as i64
    };
    let slot = |i: i64| left + plot_w * i / n;

    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (x0, x1) = (slot(i as i64), slot(i as i64 + 1));
            // A gap of a fifth of the slot between bars.
            let gap = (x1 - x0) / 5;
            let y = y_of(r.total.0, monthly_step);
            Bar {
                x: svg(x0 + gap / 2),
                y: svg(y),
                width: svg((x1 - x0 - gap).max(1)),
                height: svg(top + plot_h - y),
                prorated: r.prorated,
                title: {
                    let q = &lang.catalogue().q;
                    let prorated = if r.prorated { q.chart_bar_prorated } else { "" };
                    fill(
                        q.chart_bar_title,
                        &[
                            ("month", &r.month.label()),
                            ("monthly", &yen(r.total)),
                            ("cumulative", &yen(r.cumulative)),
                            ("prorated", &prorated),
                        ],
                    )
                },
            }
        })
        .collect();

    let cumulative = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let x = (slot(i as i64) + slot(i as i64 + 1)) / 2;
            format!("{},{}", svg(x), svg(y_of(r.cumulative.0, cumulative_step)))
        })
        .collect::<Vec<_>>()
        .join(" ");

    let ticks = |step: i64| -> Vec<Tick> {
        (0..=4)
            .map(|k| Tick {
                y: svg(y_of(k * step, step)),
                label: compact_yen(k * step, lang),
            })
            .collect()
    };

    // At most about 12 month labels.
    let every = rows.len().div_ceil(12).max(1);
    let x_labels = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, r)| XLabel {
            x: svg((slot(i as i64) + slot(i as i64 + 1)) / 2),
            label: r.month.label(),
        })
        .collect();

    Chart {
        bars,
        cumulative,
        left_ticks: ticks(monthly_step),
        right_ticks: ticks(cumulative_step),
        x_labels,
    }
}

/// Where the axes sit, for the view.
pub fn plot_left() -> i64 {
    LEFT
}
pub fn plot_right() -> i64 {
    WIDTH - RIGHT
}
pub fn plot_bottom() -> i64 {
    HEIGHT - BOTTOM
}
pub fn plot_top() -> i64 {
    TOP
}

#[cfg(test)]
mod tests {
    use contract::{ChargeMonth, Yen};

    use super::*;

    fn row(month: u32, total: i64, cumulative: i64) -> MonthRow {
        MonthRow {
            month: ChargeMonth { year: 2026, month },
            invoice: 0,
            prorated: month == 1,
            terms: vec![],
            initial: Yen(0),
            recurring: Yen(total),
            settlement: Yen(0),
            subtotal: Yen(total),
            tax: Yen(0),
            total: Yen(total),
            cumulative: Yen(cumulative),
        }
    }

    #[test]
    fn axis_steps_are_round_and_cover_the_maximum() {
        assert_eq!(axis_step(0), 1);
        assert_eq!(axis_step(99_000), 50_000);
        assert_eq!(axis_step(439_289), 200_000);
        assert_eq!(axis_step(400_000), 100_000);
        assert!(axis_step(i64::MAX / 2) >= i64::MAX / 8);
    }

    #[test]
    fn the_tallest_bar_and_the_last_point_stay_inside_the_plot() {
        let rows = [row(1, 100, 100), row(2, 200, 300), row(3, 200, 500)];
        let c = chart(&rows, Lang::En);
        assert_eq!(c.bars.len(), 3);
        // Monthly step 50 → scale 0..200: the 200 bar fills the plot height.
        assert_eq!(c.bars[1].y, plot_top().to_string());
        assert_eq!(c.bars[1].height, (plot_bottom() - plot_top()).to_string());
        assert!(c.bars[0].prorated && !c.bars[1].prorated);
        // Cumulative step 200 → scale 0..800: 500 sits at 5/8 of the height.
        let last_y = c.cumulative.rsplit(',').next().expect("a point");
        let expected = plot_bottom() * 10 - (plot_bottom() - plot_top()) * 10 * 5 / 8;
        assert_eq!(last_y, svg(expected));
        assert_eq!(c.left_ticks.last().expect("tick").label, "¥200");
        assert!(c.bars[2].title.contains("cumulative ¥500"));
    }

    #[test]
    fn long_horizons_get_at_most_twelve_month_labels() {
        let rows: Vec<_> = (0..60)
            .map(|i| row(1 + (i % 12), 10, 10 * (i as i64 + 1)))
            .collect();
        assert!(chart(&rows, Lang::Ja).x_labels.len() <= 12);
    }

    #[test]
    fn compact_labels_read_naturally_in_both_languages() {
        assert_eq!(compact_yen(1_200_000, Lang::Ja), "120万円");
        assert_eq!(compact_yen(150_000_000, Lang::Ja), "1.5億円");
        assert_eq!(compact_yen(1_200_000, Lang::En), "¥1.2M");
        assert_eq!(compact_yen(350_000, Lang::En), "¥350k");
        assert_eq!(compact_yen(0, Lang::Ja), "0円");
        assert_eq!(compact_yen(9_999, Lang::Ja), "9999円");
        assert_eq!(compact_yen(999, Lang::En), "¥999");
    }

    #[test]
    fn bar_tooltips_say_the_month_its_total_and_the_running_total() {
        let rows = [row(1, 100, 100), row(2, 200, 300)];
        let ja = chart(&rows, Lang::Ja);
        assert_eq!(
            ja.bars[0].title,
            "2026-01\u{3000}月額 ¥100\u{3000}累計 ¥100（日割あり）"
        );
        assert_eq!(
            ja.bars[1].title,
            "2026-02\u{3000}月額 ¥200\u{3000}累計 ¥300"
        );
        let en = chart(&rows, Lang::En);
        assert_eq!(
            en.bars[0].title,
            "2026-01: month ¥100, cumulative ¥100 (prorated)"
        );
        assert_eq!(en.bars[1].title, "2026-02: month ¥200, cumulative ¥300");
    }

    #[test]
    fn an_empty_quote_draws_nothing_and_does_not_divide_by_zero() {
        let c = chart(&[], Lang::En);
        assert!(c.bars.is_empty() && c.cumulative.is_empty());
    }
}
