//! `sitebuild`: the release site from the frontend's compiled WASM, in
//! place of cargo-leptos's post-processing (whose build took longer than
//! everything else in a first run): split the lazy routes out, generate
//! the JS glue, optimise the WASM, minify the JS and the stylesheet, name
//! every file after its content, and copy the static assets.
//!
//! `scripts/build.sh` compiles the server and the WASM, then runs this.

mod naming;
mod optcache;
mod tools;
mod wasm;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;

#[derive(Parser)]
#[command(about = "Builds target/site from the frontend's WASM")]
struct Args {
    /// The frontend compiled for wasm32 with `-Clink-args=--emit-relocs`.
    #[arg(
        long,
        default_value = "target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm"
    )]
    wasm: PathBuf,
    #[arg(long, default_value = "style/main.css")]
    style: PathBuf,
    /// Files served as they are from the site's root.
    #[arg(long, default_value = "public")]
    assets: PathBuf,
    #[arg(long, default_value = "target/site")]
    site: PathBuf,
    #[arg(long, default_value = "pkg")]
    pkg_dir: String,
    /// The stem of the main files, as the server was compiled with (LEPTOS_OUTPUT_NAME).
    #[arg(long, default_value = "otlens")]
    output_name: String,
    /// Where leptos looks for the content hashes: beside the server binary.
    #[arg(long, default_value = "target/release/hash.txt")]
    hash_list: PathBuf,
    /// wasm-opt's outputs from the last build, reused for unchanged files.
    #[arg(long, default_value = "target/sitebuild-cache")]
    cache: PathBuf,
    /// Scratch space.
    #[arg(long, default_value = "target/sitebuild")]
    work: PathBuf,
    /// wasm-opt processes at once (build.sh: 1, beside the server's compiler).
    #[arg(long, default_value_t = 2)]
    jobs: usize,
}

fn main() {
    if let Err(e) = build(&Args::parse()) {
        eprintln!("sitebuild: {e:#}");
        std::process::exit(1);
    }
}

fn step(what: &str, started: &mut Instant) {
    println!(
        "[sitebuild] {what} ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    *started = Instant::now();
}

fn build(args: &Args) -> Result<()> {
    let mut started = Instant::now();
    let input = wasm::read(&args.wasm)
        .context("the frontend's WASM is missing: compile it first (scripts/build.sh does)")?;
    wasm::recreate(&args.work)?;
    let split = wasm::split(&input, &args.output_name, &args.work)?;
    drop(input);
    step(
        &format!("split {} chunks out of the WASM", split.split.chunks.len()),
        &mut started,
    );

    let glue = wasm::bindgen(split.main, &args.output_name, &args.work)?;
    step("generated the JS glue (wasm-bindgen)", &mut started);

    let opt_dir = args.work.join("opt");
    wasm::recreate(&opt_dir)?;
    let main_wasm_path = opt_dir.join("main.wasm");
    std::fs::write(&main_wasm_path, &glue.wasm)?;
    let mut chunk_paths = Vec::new();
    for (stem, bytes) in &split.split.chunks {
        let path = opt_dir.join(format!("{stem}.wasm"));
        std::fs::write(&path, bytes)?;
        chunk_paths.push(path);
    }
    let mut all: Vec<&Path> = vec![&main_wasm_path];
    all.extend(chunk_paths.iter().map(PathBuf::as_path));
    let identity = tools::wasm_opt_identity()?;
    let outcome = optcache::optimise_all(&all, args.jobs, &args.cache, &identity, tools::wasm_opt)?;
    let mut chunks = Vec::new();
    for ((stem, _), path) in split.split.chunks.iter().zip(&chunk_paths) {
        chunks.push((stem.clone(), wasm::read(path)?));
    }
    let main_wasm = wasm::read(&main_wasm_path)?;
    step(
        &format!(
            "optimised {} WASM files (wasm-opt), reused {} unchanged",
            outcome.optimised, outcome.reused
        ),
        &mut started,
    );

    let main_js = String::from_utf8(glue.js).context("wasm-bindgen's JS is not UTF-8")?;
    let main_js = tools::minify_js(&main_js, &args.work, "main")?.into_bytes();
    let css = tools::minify_css(&args.style, &args.work)?;
    let site = naming::Unnamed {
        output_name: args.output_name.clone(),
        main_js,
        main_wasm,
        split: Some(naming::Split {
            chunks,
            ..split.split
        }),
        css,
    };
    let named = naming::name_site(site, |loader| {
        tools::minify_js(loader, &args.work, "loader")
    })?;
    step(
        "minified the JS and the stylesheet, named the files",
        &mut started,
    );

    write_site(args, &named, glue.snippets.as_deref())?;
    step(&format!("wrote {}", args.site.display()), &mut started);
    Ok(())
}

/// Replaces the package directory whole (an earlier build's hashed files
/// would only pile up), copies the assets, then writes the hash list,
/// which leptos reads to link the files just written.
fn write_site(args: &Args, named: &naming::Named, snippets: Option<&Path>) -> Result<()> {
    let pkg = args.site.join(&args.pkg_dir);
    let fresh = args.site.join(format!("{}.new", args.pkg_dir));
    wasm::recreate(&fresh)?;
    for (name, bytes) in &named.files {
        let path = fresh.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(snippets) = snippets {
        copy_tree(snippets, &fresh.join("snippets"))?;
    }
    if pkg.exists() {
        std::fs::remove_dir_all(&pkg).with_context(|| format!("removing {}", pkg.display()))?;
    }
    std::fs::rename(&fresh, &pkg)
        .with_context(|| format!("moving {} to {}", fresh.display(), pkg.display()))?;
    copy_tree(&args.assets, &args.site)?;
    if let Some(dir) = args.hash_list.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.hash_list, &named.hash_list)
        .with_context(|| format!("writing {}", args.hash_list.display()))
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).with_context(|| {
                format!("copying {} to {}", entry.path().display(), target.display())
            })?;
        }
    }
    Ok(())
}
