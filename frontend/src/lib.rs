//! The browser entry point: hydrates the server-rendered page. With the
//! `bench` feature only (never in the release bundle), also exports
//! `bench_quote`, which `scripts/bench-wasm.sh` calls to time the contract
//! engine inside Chromium.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

#[cfg(feature = "bench")]
mod bench;
#[cfg(feature = "bench")]
pub use bench::{bench_quote, bench_quote_lines};
