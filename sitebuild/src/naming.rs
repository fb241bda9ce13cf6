//! Content-hashed file names for the site's code and stylesheet, and the
//! rewrites that keep the files' references to each other in step.
//!
//! The server lets browsers keep a hashed file for a year
//! (`server/src/static_files.rs`), so a name must change whenever the
//! bytes behind it do. The main JS glue and the split loader import each
//! other, so neither can be named after its own final bytes: the two, and
//! the main WASM the glue instantiates, share one hash of everything they
//! contain. Chunks and the stylesheet are named after their own bytes, so
//! a chunk that did not change keeps its name (and the browser's copy).
//!
//! Leptos links the names from the hash list written beside the server
//! binary (`js:`, `wasm:`, `css:`, `manifest:`, `split:` lines), as it
//! reads the one cargo-leptos writes.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use sha2::{Digest, Sha256};

/// The module name the split main WASM imports its chunk loaders from,
/// before naming. Naming replaces it in place, so the hash that replaces
/// the underscores must have their length.
pub const LOADER_PLACEHOLDER: &str = "__wasm_split.______________________.js";

/// The site's code and stylesheet as built, before naming.
pub struct Unnamed {
    /// The file stem every page links, e.g. `otlens`.
    pub output_name: String,
    /// wasm-bindgen's JS glue; imports the split loader by its placeholder name.
    pub main_js: Vec<u8>,
    pub main_wasm: Vec<u8>,
    /// Present when lazy routes were split out of the main WASM.
    pub split: Option<Split>,
    pub css: Vec<u8>,
}

pub struct Split {
    /// The loader as the splitter wrote it: it imports `./{output_name}.js`
    /// and fetches each chunk as `./{stem}.wasm`.
    pub loader: String,
    /// Each chunk's file stem and bytes.
    pub chunks: Vec<(String, Vec<u8>)>,
    /// Lazy route → the chunk stems it loads, for preload links.
    pub manifest: BTreeMap<String, Vec<String>>,
}

/// The files to write into the package directory, and the hash list.
#[derive(Debug)]
pub struct Named {
    pub files: Vec<(String, Vec<u8>)>,
    pub hash_list: String,
}

/// 22 characters of unpadded base64url over the first 16 bytes of SHA-256
/// of the parts (each length-prefixed, so parts cannot run into each other).
pub fn content_hash(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    base64url(&digest[..16])
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let value = group
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..=group.len() {
            out.push(char::from(ALPHABET[(value >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

/// Replaces every occurrence of `from` with `to` (same length) in place;
/// returns how many there were.
fn replace_bytes(haystack: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    debug_assert_eq!(from.len(), to.len());
    let mut count = 0;
    let mut at = 0;
    while let Some(offset) = haystack[at..].windows(from.len()).position(|w| w == from) {
        let start = at + offset;
        haystack[start..start + from.len()].copy_from_slice(to);
        count += 1;
        at = start + from.len();
    }
    count
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Names every file after its content and rewrites the references between
/// them. `minify_loader` runs on the loader once its references are final
/// (its name is the group's hash, so its own bytes need not be known first).
pub fn name_site(
    site: Unnamed,
    minify_loader: impl FnOnce(&str) -> Result<String>,
) -> Result<Named> {
    let name = &site.output_name;
    let css_hash = content_hash(&[&site.css]);
    let mut files = vec![(format!("{name}.{css_hash}.css"), site.css.clone())];
    let Some(split) = site.split else {
        let js_hash = content_hash(&[&site.main_js]);
        let wasm_hash = content_hash(&[&site.main_wasm]);
        files.push((format!("{name}.{js_hash}.js"), site.main_js));
        files.push((format!("{name}.{wasm_hash}.wasm"), site.main_wasm));
        let hash_list = format!("js: {js_hash}\nwasm: {wasm_hash}\ncss: {css_hash}\n");
        return Ok(Named { files, hash_list });
    };

    let mut chunk_names = BTreeMap::new();
    for (stem, bytes) in &split.chunks {
        // A chunk is named before the loader is; if it named the loader,
        // renaming the loader would change it after it was named.
        if contains(bytes, LOADER_PLACEHOLDER.as_bytes()) {
            bail!(
                "chunk {stem}.wasm names the split loader {LOADER_PLACEHOLDER}: it cannot be named before the loader"
            );
        }
        let hashed = format!("{stem}.{}", content_hash(&[bytes]));
        files.push((format!("{hashed}.wasm"), bytes.clone()));
        chunk_names.insert(stem.clone(), hashed);
    }

    let chunk_list = chunk_names.values().cloned().collect::<Vec<_>>().join("\n");
    let group = content_hash(&[
        &site.main_js,
        &site.main_wasm,
        split.loader.as_bytes(),
        chunk_list.as_bytes(),
    ]);
    let js_hash = content_hash(&[b"js", group.as_bytes()]);
    let wasm_hash = content_hash(&[b"wasm", group.as_bytes()]);
    let split_hash = content_hash(&[b"split", group.as_bytes()]);
    let loader_name = format!("__wasm_split.{split_hash}.js");
    debug_assert_eq!(loader_name.len(), LOADER_PLACEHOLDER.len());

    let mut loader = split.loader.clone();
    let main_import = format!("\"./{name}.js\"");
    if !loader.contains(&main_import) {
        bail!("the split loader does not import {main_import}; the splitter's output changed");
    }
    loader = loader.replace(&main_import, &format!("\"./{name}.{js_hash}.js\""));
    for (route, stems) in &split.manifest {
        if let Some(stem) = stems.iter().find(|s| !chunk_names.contains_key(*s)) {
            bail!("lazy route {route} loads chunk {stem}, which the splitter did not write");
        }
    }
    // Several routes share chunks: each chunk's reference is replaced once.
    // An empty chunk is never fetched, and the manifest leaves it out.
    for (stem, hashed) in &chunk_names {
        let fetched = format!("\"./{stem}.wasm\"");
        if loader.contains(&fetched) {
            loader = loader.replace(&fetched, &format!("\"./{hashed}.wasm\""));
        } else if split.manifest.values().flatten().any(|s| s == stem) {
            bail!("the split loader does not fetch {fetched}; the splitter's output changed");
        }
    }
    files.push((loader_name.clone(), minify_loader(&loader)?.into_bytes()));

    let mut main_js = site.main_js;
    let mut main_wasm = site.main_wasm;
    let placeholder = LOADER_PLACEHOLDER.as_bytes();
    if replace_bytes(&mut main_js, placeholder, loader_name.as_bytes()) == 0 {
        bail!("the JS glue does not import the split loader {LOADER_PLACEHOLDER}");
    }
    // The WASM names the loader as its import module, the key the glue's
    // import object uses: both must change together.
    replace_bytes(&mut main_wasm, placeholder, loader_name.as_bytes());
    files.push((format!("{name}.{js_hash}.js"), main_js));
    files.push((format!("{name}.{wasm_hash}.wasm"), main_wasm));

    let manifest: BTreeMap<&String, Vec<&String>> = split
        .manifest
        .iter()
        .map(|(route, stems)| {
            (
                route,
                stems.iter().filter_map(|s| chunk_names.get(s)).collect(),
            )
        })
        .collect();
    let manifest = serde_json::to_vec(&manifest)?;
    let manifest_hash = content_hash(&[&manifest]);
    files.push((
        format!("__wasm_split_manifest.{manifest_hash}.json"),
        manifest,
    ));

    let hash_list = format!(
        "js: {js_hash}\nwasm: {wasm_hash}\ncss: {css_hash}\nmanifest: {manifest_hash}\nsplit: {split_hash}\n"
    );
    Ok(Named { files, hash_list })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loader() -> String {
        [
            "import { initSync } from \"./otlens.js\";",
            "const __chunk_0 = makeLoad(() => fetch(new URL(\"./chunk_1.wasm\", import.meta.url)), []);",
            "export const portal = makeLoad(() => fetch(new URL(\"./chunk_10.wasm\", import.meta.url)), [__chunk_0]);",
        ]
        .join("\n")
    }

    fn site(chunk_10: &[u8]) -> Unnamed {
        Unnamed {
            output_name: "otlens".into(),
            main_js: format!("import*as a from\"./{LOADER_PLACEHOLDER}\";const i={{\"./{LOADER_PLACEHOLDER}\":a}};").into_bytes(),
            main_wasm: [b"\0asm".as_slice(), LOADER_PLACEHOLDER.as_bytes(), b"rest"].concat(),
            split: Some(Split {
                loader: loader(),
                chunks: vec![
                    ("chunk_1".into(), b"one".to_vec()),
                    ("chunk_10".into(), chunk_10.to_vec()),
                ],
                manifest: BTreeMap::from([
                    ("portal".into(), vec!["chunk_1".into(), "chunk_10".into()]),
                    // Routes share chunks.
                    ("map".into(), vec!["chunk_1".into()]),
                ]),
            }),
            css: b"body{margin:0}".to_vec(),
        }
    }

    fn file<'a>(named: &'a Named, prefix: &str, suffix: &str) -> (&'a str, &'a [u8]) {
        let found: Vec<_> = named
            .files
            .iter()
            .filter(|(n, _)| n.starts_with(prefix) && n.ends_with(suffix))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{prefix}*{suffix} in {:?}",
            named.files.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        (found[0].0.as_str(), found[0].1.as_slice())
    }

    fn hash_of(list: &str, key: &str) -> String {
        list.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}: ")))
            .unwrap_or_else(|| panic!("no {key} in {list}"))
            .to_owned()
    }

    #[test]
    fn hashes_are_22_characters_of_base64url() {
        let hash = content_hash(&[b"anything"]);
        assert_eq!(hash.len(), 22);
        assert!(
            hash.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(content_hash(&[b"ab", b"c"]), content_hash(&[b"a", b"bc"]));
        // RFC 4648's test vectors, unpadded and with the URL alphabet.
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(b"fooba"), "Zm9vYmE");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn every_reference_names_the_hashed_file() {
        let named = name_site(site(b"ten"), |js| Ok(js.to_owned())).unwrap();
        let list = &named.hash_list;
        let js_name = format!("otlens.{}.js", hash_of(list, "js"));
        let loader_name = format!("__wasm_split.{}.js", hash_of(list, "split"));
        let (_, js) = file(&named, &js_name, "");
        let js = std::str::from_utf8(js).unwrap();
        assert_eq!(js.matches(&loader_name).count(), 2, "{js}");
        assert!(!js.contains(LOADER_PLACEHOLDER));
        let (_, wasm) = file(
            &named,
            &format!("otlens.{}.wasm", hash_of(list, "wasm")),
            "",
        );
        assert!(contains(wasm, loader_name.as_bytes()));
        let (_, loader) = file(&named, &loader_name, "");
        let loader = std::str::from_utf8(loader).unwrap();
        assert!(loader.contains(&format!("\"./{js_name}\"")), "{loader}");
        let (chunk_1, _) = file(&named, "chunk_1.", ".wasm");
        let (chunk_10, _) = file(&named, "chunk_10.", ".wasm");
        // chunk_1 is a prefix of chunk_10: each reference is replaced whole.
        assert!(loader.contains(&format!("\"./{chunk_1}\"")), "{loader}");
        assert!(loader.contains(&format!("\"./{chunk_10}\"")), "{loader}");
        let (_, manifest) = file(
            &named,
            &format!("__wasm_split_manifest.{}.json", hash_of(list, "manifest")),
            "",
        );
        let manifest: BTreeMap<String, Vec<String>> = serde_json::from_slice(manifest).unwrap();
        assert_eq!(
            manifest["portal"],
            [
                chunk_1.trim_end_matches(".wasm"),
                chunk_10.trim_end_matches(".wasm")
            ]
        );
        assert_eq!(manifest["map"], [chunk_1.trim_end_matches(".wasm")]);
        file(&named, &format!("otlens.{}.css", hash_of(list, "css")), "");
    }

    #[test]
    fn a_changed_chunk_renames_itself_and_the_group_but_not_the_other_chunks() {
        let before = name_site(site(b"ten"), |js| Ok(js.to_owned())).unwrap();
        let after = name_site(site(b"ten, changed"), |js| Ok(js.to_owned())).unwrap();
        assert_eq!(
            file(&before, "chunk_1.", ".wasm").0,
            file(&after, "chunk_1.", ".wasm").0
        );
        assert_ne!(
            file(&before, "chunk_10.", ".wasm").0,
            file(&after, "chunk_10.", ".wasm").0
        );
        for key in ["js", "wasm", "split", "manifest"] {
            assert_ne!(
                hash_of(&before.hash_list, key),
                hash_of(&after.hash_list, key),
                "{key}"
            );
        }
        assert_eq!(
            hash_of(&before.hash_list, "css"),
            hash_of(&after.hash_list, "css")
        );
        let again = name_site(site(b"ten"), |js| Ok(js.to_owned())).unwrap();
        assert_eq!(before.hash_list, again.hash_list, "naming is deterministic");
    }

    #[test]
    fn a_splitter_output_it_does_not_understand_is_an_error() {
        let mut odd = site(b"ten");
        odd.split.as_mut().unwrap().loader = loader().replace("\"./otlens.js\"", "'./otlens.js'");
        let err = name_site(odd, |js| Ok(js.to_owned())).unwrap_err();
        assert!(
            err.to_string().contains("does not import \"./otlens.js\""),
            "{err}"
        );

        let mut odd = site(b"ten");
        odd.split.as_mut().unwrap().chunks[0].1 = LOADER_PLACEHOLDER.as_bytes().to_vec();
        let err = name_site(odd, |js| Ok(js.to_owned())).unwrap_err();
        assert!(
            err.to_string()
                .contains("chunk chunk_1.wasm names the split loader"),
            "{err}"
        );

        let mut odd = site(b"ten");
        odd.split
            .as_mut()
            .unwrap()
            .manifest
            .insert("admin".into(), vec!["chunk_7".into()]);
        let err = name_site(odd, |js| Ok(js.to_owned())).unwrap_err();
        assert!(err.to_string().contains("loads chunk chunk_7"), "{err}");

        let mut odd = site(b"ten");
        odd.split.as_mut().unwrap().loader =
            loader().replace("\"./chunk_10.wasm\"", "`./chunk_10.wasm`");
        let err = name_site(odd, |js| Ok(js.to_owned())).unwrap_err();
        assert!(
            err.to_string()
                .contains("does not fetch \"./chunk_10.wasm\""),
            "{err}"
        );
    }

    #[test]
    fn without_a_split_each_file_is_named_after_its_own_bytes() {
        let mut plain = site(b"ten");
        plain.split = None;
        let js_hash = content_hash(&[&plain.main_js]);
        let named = name_site(plain, |_| unreachable!("no loader to minify")).unwrap();
        assert_eq!(hash_of(&named.hash_list, "js"), js_hash);
        assert_eq!(named.files.len(), 3);
    }
}
