//! Time per recomputation of a large quote: 60 months, 100 sensor contracts of
//! which 20 are changes (10 added, 10 removed mid-term), 3 ancillary items.
//! The description is `contract::sample`, pinned by `tests/bench_quote_pinned.rs`.

use contract::{Tariff, quote};
use criterion::{Criterion, black_box, criterion_group, criterion_main};

fn bench_quote(c: &mut Criterion) {
    let desc = contract::sample::benchmark_description();
    let tariff = Tariff::standard();
    c.bench_function("quote_60_months_100_sensors_20_changes_3_ancillary", |b| {
        b.iter(|| quote(black_box(&desc), black_box(&tariff)).expect("valid quote"))
    });
}

criterion_group!(benches, bench_quote);
criterion_main!(benches);
