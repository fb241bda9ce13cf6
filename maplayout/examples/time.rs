//! One timed layout of the benchmark's graph: `cargo run --release -p
//! maplayout --example time -- [nodes] [edges] [iterations] [groups]`.
fn main() {
    let arg = |i: usize, default: usize| {
        std::env::args()
            .nth(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (groups, edges) = maplayout::synthetic(arg(1, 2000), arg(2, 10_000), arg(4, 8) as u32, 1);
    for grouping in [maplayout::Grouping::Clusters, maplayout::Grouping::Bands] {
        let mut options = maplayout::Options::new(grouping);
        options.iterations = arg(3, options.iterations as usize) as u32;
        let start = std::time::Instant::now();
        let out = maplayout::layout(&groups, &edges, &options);
        println!(
            "{grouping:?}: {:.1} ms for {} nodes",
            start.elapsed().as_secs_f64() * 1000.0,
            out.positions.len()
        );
    }
}
