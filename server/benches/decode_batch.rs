//! Decoding one uploaded batch (1,000 flow records from a real capture's
//! digest), as `POST /api/v1/ingest` and the analysis do (`traffic::upload`), against the same bytes decoded
//! with ciborium (the library the server used before, and the sensors'
//! encoder). `cargo bench -p server --bench decode_batch`
use criterion::{Criterion, criterion_group, criterion_main};
use traffic::analyzer::{AnalyzerConfig, digest_capture};
use traffic::record::Batch;
use traffic::upload::{self, Encoding};

fn batch_of_1000_flows() -> Batch {
    let capture = include_bytes!("../../traffic/testdata/pcaps/modbus/modbus_test_2.pcap");
    let digest = digest_capture(capture.as_slice(), AnalyzerConfig::default())
        .expect("valid capture")
        .remove(0);
    let mut batch = digest.into_batch("sen_0123456789abcdef", 1, Default::default());
    let template = batch.flows.clone();
    let mut port = 1024u16;
    while batch.flows.len() < 1000 {
        for f in &template {
            let mut f = f.clone();
            f.client_port = port;
            port = port.wrapping_add(1);
            batch.flows.push(f);
        }
    }
    batch.flows.truncate(1000);
    batch
}

fn decode(c: &mut Criterion) {
    let batch = batch_of_1000_flows();
    let mut raw = Vec::new();
    ciborium::into_writer(&batch, &mut raw).expect("encodes");
    let body = zstd::encode_all(raw.as_slice(), 3).expect("compresses");
    let mut group = c.benchmark_group("decode 1,000-flow batch");
    group.bench_function("server (zstd + cbor4ii)", |b| {
        b.iter(|| upload::decode(&body, Encoding::Cbor).unwrap())
    });
    group.bench_function("zstd + ciborium", |b| {
        b.iter(|| {
            let raw = zstd::decode_all(body.as_slice()).unwrap();
            ciborium::from_reader::<Batch, _>(raw.as_slice()).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
