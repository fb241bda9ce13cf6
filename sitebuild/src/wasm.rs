//! The frontend's WASM into what a browser loads: lazy routes split into
//! chunks, then wasm-bindgen's JS glue for the main module.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::naming::{LOADER_PLACEHOLDER, Split};

/// The main module (still to go through wasm-bindgen) and its split-off parts.
pub struct SplitModule {
    pub main: Vec<u8>,
    pub split: Split,
}

/// Splits the `#[lazy]` functions out of `input` (compiled with
/// `-Clink-args=--emit-relocs`, which the splitter needs). Files go
/// through `work`, where the splitter writes them.
pub fn split(input: &[u8], output_name: &str, work: &Path) -> Result<SplitModule> {
    let dir = work.join("split");
    recreate(&dir)?;
    let main_path = dir.join(format!("{output_name}_split.wasm"));
    let main_module = format!("./{output_name}.js");
    let link_name = format!("./{LOADER_PLACEHOLDER}");
    let result = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(input);
        options.output_dir = &dir;
        options.main_out_path = &main_path;
        options.main_module = &main_module;
        options.link_name = &link_name;
        options
    })
    .map_err(|e| anyhow::anyhow!("splitting the lazy routes out of the WASM failed: {e:?}"))?;
    let main = read(&main_path)?;
    let loader = std::fs::read_to_string(dir.join(LOADER_PLACEHOLDER))
        .with_context(|| format!("reading the split loader in {}", dir.display()))?;
    let mut chunks = Vec::new();
    for path in result.split_modules {
        let stem = stem_of(&path)?;
        chunks.push((stem, read(&path)?));
    }
    let manifest: BTreeMap<String, Vec<String>> = result.prefetch_map.into_iter().collect();
    Ok(SplitModule {
        main,
        split: Split {
            loader,
            chunks,
            manifest,
        },
    })
}

/// What wasm-bindgen makes of the main module.
pub struct Glue {
    pub js: Vec<u8>,
    pub wasm: Vec<u8>,
    /// JS files the glue imports by relative path (`snippets/…`), kept as they are.
    pub snippets: Option<PathBuf>,
}

/// wasm-bindgen for `--target web`, keeping the exports the split loader
/// calls and their mangled names (as `wasm-bindgen --target=web
/// --keep-lld-exports --no-demangle` does).
pub fn bindgen(main: Vec<u8>, output_name: &str, work: &Path) -> Result<Glue> {
    let dir = work.join("bindgen");
    recreate(&dir)?;
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_bytes(output_name, main)
        .web(true)
        .context("wasm-bindgen: the web target")?
        .out_name(output_name)
        .keep_lld_exports(true)
        .demangle(false)
        .typescript(false);
    bindgen
        .generate(&dir)
        .context("wasm-bindgen could not generate the JS glue")?;
    let snippets = dir.join("snippets");
    Ok(Glue {
        js: read(&dir.join(format!("{output_name}.js")))?,
        wasm: read(&dir.join(format!("{output_name}_bg.wasm")))?,
        snippets: snippets.is_dir().then_some(snippets),
    })
}

pub fn recreate(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn stem_of(path: &Path) -> Result<String> {
    path.file_stem()
        .and_then(|s| s.to_str())
        .map(str::to_owned)
        .with_context(|| {
            format!(
                "the splitter wrote a file without a name: {}",
                path.display()
            )
        })
}
