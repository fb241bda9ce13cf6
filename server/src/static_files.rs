//! The compiled WASM, JS and CSS under `/pkg`: served with brotli or gzip
//! when the browser accepts it, and revalidated rather than fetched again.
//!
//! The compressed copies are made once, next to the files (`otlens.wasm.br`,
//! `otlens.wasm.gz`), when the server starts and finds them missing or older
//! than the file: compressing a 2.8 MB WASM on every request would cost
//! more CPU than serving it. Until they exist, the file goes out as it is.
//! The release build names each file after its content (`hash-files` in
//! Cargo.toml: `otlens.<hash>.wasm`), so such a name never changes content
//! and browsers keep it a year without asking. A name without a hash (a
//! build without `hash-files`, the WASM's JS snippets) is revalidated: the
//! browser asks with `If-Modified-Since`, and an unchanged file is answered
//! 304 without a body.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::LeptosOptions;
use tower_http::services::ServeDir;

/// Files worth compressing: text and WASM; images and fonts already are.
const COMPRESSED_EXTENSIONS: [&str; 4] = ["wasm", "js", "css", "map"];

/// Brotli quality 9: within a few percent of the maximum (11) on the WASM,
/// at a fraction of its time.
const BROTLI_QUALITY: i32 = 9;

/// The `/pkg` service over `pkg_dir`.
pub fn routes(pkg_dir: PathBuf) -> Router {
    let files = ServeDir::new(pkg_dir)
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service("/pkg", files)
        .layer(axum::middleware::from_fn(
            cache_for_as_long_as_the_name_allows,
        ))
}

/// A year, the longest `max-age` caches honour.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

async fn cache_for_as_long_as_the_name_allows(request: Request, next: Next) -> Response {
    let policy = match request.uri().path().rsplit('/').next() {
        Some(name) if has_content_hash(name) => IMMUTABLE,
        _ => REVALIDATE,
    };
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static(policy));
    } else {
        // A 404 for a name the next build will have must not be kept.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
    }
    response
}

/// True for a file name with a content hash between its stem and its
/// extension, as sitebuild writes them: 22 characters of unpadded
/// base64url (16 bytes of a SHA-256), e.g. `otlens.3kQy…Zw.wasm`. Its unhashed split
/// loader is named with 22 underscores as the placeholder: not a hash.
fn has_content_hash(file_name: &str) -> bool {
    let parts: Vec<&str> = file_name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|part| {
            part.len() == 22
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && part.bytes().any(|b| b != b'_')
        })
}

/// The list of content hashes the release build writes beside the server
/// binary (`hash.txt`), which leptos reads to link the hashed names.
fn hash_list(options: &LeptosOptions) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

/// Whether this server was built with hashed file names: the hash list is
/// beside its binary. A debug build or a test has none, and links the
/// plain names.
pub fn built_with_hashed_names(options: &LeptosOptions) -> bool {
    hash_list(options).is_some_and(|list| list.is_file())
}

/// The stylesheet's address, hashed like leptos links it, for pages the
/// app does not render (the outage page).
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    let hash = options
        .hash_files
        .then(|| hash_list(options))
        .flatten()
        .and_then(|list| std::fs::read_to_string(list).ok())
        .and_then(|text| {
            text.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == "css").then(|| hash.trim().to_owned())
            })
        });
    match hash {
        Some(hash) => format!(
            "/{}/{}.{hash}.css",
            options.site_pkg_dir, options.output_name
        ),
        None => format!("/{}/{}.css", options.site_pkg_dir, options.output_name),
    }
}

fn is_stale(copy: &Path, original_modified: std::time::SystemTime) -> bool {
    match std::fs::metadata(copy).and_then(|m| m.modified()) {
        Ok(made) => made < original_modified,
        Err(_) => true,
    }
}

/// Writes `data` to `target` through a temporary file, so a request never
/// sees half a copy.
fn write_atomically(target: &Path, data: &[u8]) -> std::io::Result<()> {
    let temp = target.with_extension(format!(
        "{}.partial-{}",
        target
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default(),
        std::process::id()
    ));
    std::fs::write(&temp, data)?;
    std::fs::rename(&temp, target)
}

fn brotli(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 3);
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out)
}

fn gzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::best(),
    );
    encoder.write_all(data)?;
    encoder.finish()
}

/// Makes the missing or outdated `.br` and `.gz` copies under `pkg_dir`;
/// returns how many were written. Errors are logged: without copies the
/// files are still served, uncompressed.
pub fn precompress(pkg_dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(pkg_dir) else {
        return 0;
    };
    let mut written = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSED_EXTENSIONS.contains(&e));
        let Ok(modified) = entry.metadata().and_then(|m| m.modified()) else {
            continue;
        };
        if !wanted {
            continue;
        }
        let with = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        let (br, gz) = (with(".br"), with(".gz"));
        if !is_stale(&br, modified) && !is_stale(&gz, modified) {
            continue;
        }
        let mut data = Vec::new();
        let read = std::fs::File::open(&path).and_then(|mut f| f.read_to_end(&mut data));
        let result = read.and_then(|_| {
            write_atomically(&br, &brotli(&data)?)?;
            write_atomically(&gz, &gzip(&data)?)
        });
        match result {
            Ok(()) => written += 2,
            Err(error) => {
                tracing::warn!(file = %path.display(), %error, "no compressed copy; served as it is")
            }
        }
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_with_a_content_hash_are_kept_for_a_year() {
        for hashed in [
            "otlens.3kQyLw0_mB2-cX9aZ1pQZw.wasm",
            "otlens.3kQyLw0_mB2-cX9aZ1pQZw.js",
            "__wasm_split.aaaaaaaaaaaaaaaaaaaaa1.js",
            "__wasm_split_manifest.3kQyLw0_mB2-cX9aZ1pQZw.json",
        ] {
            assert!(has_content_hash(hashed), "{hashed}");
        }
        for plain in [
            "otlens.wasm",
            "otlens_bg.wasm",
            "__wasm_split.______________________.js",
            "otlens.short.css",
            "inline0.js",
            "otlens.3kQyLw0_mB2-cX9aZ1pQZw",
        ] {
            assert!(!has_content_hash(plain), "{plain}");
        }
    }

    #[test]
    fn copies_are_made_once_and_remade_when_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let wasm = dir.path().join("otlens.wasm");
        std::fs::write(&wasm, b"(module)".repeat(1000)).unwrap();
        std::fs::write(dir.path().join("logo.png"), b"\x89PNG").unwrap();
        assert_eq!(precompress(dir.path()), 2);
        assert!(!dir.path().join("logo.png.br").exists());
        assert_eq!(precompress(dir.path()), 0, "up to date");

        let br = std::fs::read(dir.path().join("otlens.wasm.br")).unwrap();
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, b"(module)".repeat(1000));
        let gz = std::fs::read(dir.path().join("otlens.wasm.gz")).unwrap();
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, b"(module)".repeat(1000));

        // A newer build of the file makes the copies stale.
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&wasm)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(precompress(dir.path()), 2);
    }
}
