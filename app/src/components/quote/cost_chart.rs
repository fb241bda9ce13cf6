//! Monthly cost as a bar chart (SVG).

use leptos::prelude::*;

use super::with_quote;
use crate::i18n::{use_lang, use_t};
use crate::quotes::chart::{self, chart};
use crate::quotes::form::Computed;
use crate::quotes::table::month_rows;

#[component]
pub fn CostChart(result: Memo<Computed>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let geometry = Memo::new(move |_| with_quote(result, |_, q| chart(&month_rows(q), lang.get())));
    let viewbox = format!("0 0 {} {}", chart::WIDTH, chart::HEIGHT);
    view! {
        <figure class="chart" data-testid="cost-chart">
            <svg viewBox=viewbox role="img" aria-label=move || t().q.chart_label preserveAspectRatio="xMidYMid meet">
                {move || geometry.with(|g| g.as_ref().map(|g| {
                    let (l, r, top, bottom) = (chart::plot_left(), chart::plot_right(), chart::plot_top(), chart::plot_bottom());
                    view! {
                        <g class="grid">
                            {g.left_ticks.iter().map(|tk| view! {
                                <line x1=l.to_string() x2=r.to_string() y1=tk.y.clone() y2=tk.y.clone() />
                                <text class="axis left" x={(l - 6).to_string()} y=tk.y.clone()>{tk.label.clone()}</text>
                            }).collect_view()}
                            {g.right_ticks.iter().map(|tk| view! {
                                <text class="axis right" x={(r + 6).to_string()} y=tk.y.clone()>{tk.label.clone()}</text>
                            }).collect_view()}
                            <line class="axis-line" x1=l.to_string() x2=l.to_string() y1=top.to_string() y2=bottom.to_string() />
                            <line class="axis-line" x1=l.to_string() x2=r.to_string() y1=bottom.to_string() y2=bottom.to_string() />
                        </g>
                        <g class="bars">
                            {g.bars.iter().map(|b| view! {
                                <rect x=b.x.clone() y=b.y.clone() width=b.width.clone() height=b.height.clone() class:prorated=b.prorated>
                                    <title>{b.title.clone()}</title>
                                </rect>
                            }).collect_view()}
                        </g>
                        <polyline class="cumulative" points=g.cumulative.clone() />
                        <g class="x-labels">
                            {g.x_labels.iter().map(|x| view! {
                                <text x=x.x.clone() y={(bottom + 18).to_string()}>{x.label.clone()}</text>
                            }).collect_view()}
                        </g>
                    }
                }))}
            </svg>
            <figcaption class="legend">
                <span class="swatch bar"></span>{move || t().q.legend_monthly}
                <span class="swatch prorated"></span>{move || t().q.legend_prorated}
                <span class="swatch line"></span>{move || t().q.legend_cumulative}
            </figcaption>
        </figure>
    }
}
