//! The browser entry point: hydrates the server-rendered page. With the
//! `bench` feature only (never in the release bundle), also exports
//! `bench_quote`, which `scripts/bench-wasm.sh` calls to time the contract
//! engine inside Chromium.

use wasm_bindgen::prelude::wasm_bindgen;

/// No panic hook: `console_error_panic_hook` is code in the main file
/// every page loads (805 B gzip in the clean CI builds: 392,710 → 391,905
/// B), and the release build aborts on a panic anyway; the browser's
/// console still shows where (`unreachable` with a WASM stack).
#[wasm_bindgen]
pub fn hydrate() {
    // Loads the current page's WASM chunk (lazy routes) before hydrating it.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        // From here every handler of the page answers; end-to-end tests and
        // benchmarks wait for this mark.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

#[cfg(feature = "bench")]
mod bench;
#[cfg(feature = "bench")]
pub use bench::{bench_quote, bench_quote_lines};
