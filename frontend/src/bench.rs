//! Times the contract engine inside the browser, for `scripts/bench-wasm.sh`.

use wasm_bindgen::prelude::wasm_bindgen;

/// Recomputes the reference quote (`contract::sample`) `runs` times and
/// returns each run's duration in milliseconds (`performance.now()`, which
/// Chromium coarsens to 0.1 ms without cross-origin isolation, so the bench
/// script also reports the total over all runs); empty when the page has no
/// `performance`.
#[wasm_bindgen]
pub fn bench_quote(runs: u32) -> Vec<f64> {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return Vec::new();
    };
    let description = contract::sample::benchmark_description();
    let tariff = contract::Tariff::standard();
    (0..runs)
        .map(|_| {
            let start = performance.now();
            let quote = contract::quote(&description, &tariff);
            let elapsed = performance.now() - start;
            // The whole result is used, so no part of the work can be elided.
            std::hint::black_box(&quote);
            elapsed
        })
        .collect()
}

/// Invoice lines of the reference quote (to show the work timed).
#[wasm_bindgen]
pub fn bench_quote_lines() -> usize {
    contract::quote(
        &contract::sample::benchmark_description(),
        &contract::Tariff::standard(),
    )
    .map(|q| q.invoices.iter().map(|i| i.lines.len()).sum())
    .unwrap_or(0)
}
