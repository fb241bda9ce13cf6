//! Two plain exports (no wasm-bindgen, so the module loads with
//! `WebAssembly.instantiate` and nothing else): `prepare` makes the
//! benchmark graph (`maplayout::synthetic`, as the criterion bench), `run`
//! lays it out and returns a checksum of the positions (so nothing is
//! optimised away, and native and WASM results can be compared).

use std::cell::RefCell;

thread_local! {
    static GRAPH: RefCell<(Vec<u32>, Vec<(u32, u32)>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

#[unsafe(no_mangle)]
pub extern "C" fn prepare(nodes: u32, edges: u32, groups: u32) {
    let graph = maplayout::synthetic(nodes as usize, edges as usize, groups, 1);
    GRAPH.with(|g| *g.borrow_mut() = graph);
}

/// `bands`: 1 for Purdue bands, 0 for zone clusters.
#[unsafe(no_mangle)]
pub extern "C" fn run(bands: u32) -> f64 {
    let grouping = if bands == 1 {
        maplayout::Grouping::Bands
    } else {
        maplayout::Grouping::Clusters
    };
    GRAPH.with(|g| {
        let (groups, edges) = &*g.borrow();
        let out = maplayout::layout(groups, edges, &maplayout::Options::new(grouping));
        out.positions.iter().map(|p| p.x + p.y).sum()
    })
}
