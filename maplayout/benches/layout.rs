//! Time to lay out the map's design size: 2,000 nodes and 10,000 edges
//! (`maplayout::synthetic`, eight groups), 300 iterations, grouped either way.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use maplayout::{Grouping, Options, layout, synthetic};

fn bench_layout(c: &mut Criterion) {
    let (groups, edges) = synthetic(2000, 10_000, 8, 1);
    let mut g = c.benchmark_group("layout_2000_nodes_10000_edges");
    g.sample_size(10);
    for (name, grouping) in [("clusters", Grouping::Clusters), ("bands", Grouping::Bands)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                layout(
                    black_box(&groups),
                    black_box(&edges),
                    &Options::new(grouping),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_layout);
criterion_main!(benches);
