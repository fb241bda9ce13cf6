//! `/pkg` over HTTP: brotli or gzip as the browser accepts, the same bytes
//! after decompression, a 304 for a file the browser already has, a year's
//! caching for a name with a content hash; pages revalidated.

use std::io::Read;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use server::{Application, Settings};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_are_served_compressed_and_revalidated() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let wasm: Vec<u8> = (0..200_000u32)
        .flat_map(|i| (i % 251).to_le_bytes())
        .collect();
    std::fs::write(site.join("pkg/otlens.wasm"), &wasm).unwrap();
    // A release build's name carries the content's hash.
    let hashed = "otlens.3kQyLw0_mB2-cX9aZ1pQZw.js";
    std::fs::write(site.join("pkg").join(hashed), b"export default 1;").unwrap();
    let mut settings =
        Settings::for_tests(&format!("sqlite://{}", dir.path().join("t.db").display()));
    settings.site_root = site.display().to_string();
    let app = Application::build(&settings).await.unwrap();
    let base = format!("http://{}", app.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    // The copies are made in the background at start.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !site.join("pkg/otlens.wasm.gz").exists() {
        assert!(Instant::now() < deadline, "no compressed copies were made");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A client that decompresses nothing by itself sees the raw encoding.
    let c = reqwest::Client::builder().build().unwrap();
    let get = |encoding: &'static str| {
        c.get(format!("{base}/pkg/otlens.wasm"))
            .header("Accept-Encoding", encoding)
            .send()
    };

    let r = get("br, gzip").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert!(r.headers().contains_key("x-content-type-options"));
    let last_modified = r.headers()["last-modified"].to_str().unwrap().to_owned();
    let body = r.bytes().await.unwrap();
    assert!(
        body.len() < wasm.len() / 4,
        "{} bytes on the wire",
        body.len()
    );
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut &body[..], &mut plain).unwrap();
    assert_eq!(plain, wasm);

    let r = get("gzip").await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(&r.bytes().await.unwrap()[..])
        .read_to_end(&mut plain)
        .unwrap();
    assert_eq!(plain, wasm);

    let r = get("identity").await.unwrap();
    assert!(!r.headers().contains_key("content-encoding"));
    assert_eq!(r.bytes().await.unwrap().len(), wasm.len());

    let r = c
        .get(format!("{base}/pkg/otlens.wasm"))
        .header("Accept-Encoding", "br")
        .header("If-Modified-Since", last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(r.bytes().await.unwrap().is_empty());

    // A hashed name never changes content: kept a year without asking.
    let r = c.get(format!("{base}/pkg/{hashed}")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // A hashed name that is missing now may exist after the next build.
    let r = c
        .get(format!("{base}/pkg/otlens.AAAAAAAAAAAAAAAAAAAAAA.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["cache-control"], "no-cache");

    // Pages are per user: revalidated, never kept by a shared cache.
    let r = c
        .get(format!("{base}/login"))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "private, no-cache");
    let _ = stop.send(());
}
