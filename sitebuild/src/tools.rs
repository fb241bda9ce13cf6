//! The two programs the build runs from npm (`end2end/node_modules/.bin`,
//! installed by `scripts/setup.sh`): binaryen's wasm-opt and esbuild.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// `-Oz` and the two features cargo-leptos ran wasm-opt with. Not
/// `--converge` (the passes again until the module stops shrinking): it took
/// 1.3 KB off the main file and doubled the step's time (docs/BENCHMARKS.md,
/// session 14), which every first run pays. Not `--ignore-implicit-traps`:
/// it lets wasm-opt hoist a load above the bounds check that guards it, and
/// the map page then trapped with "memory access out of bounds".
const WASM_OPT_FLAGS: &[&str] = &[
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
];

/// Browsers the stylesheet is lowered and prefixed for: about browserslist's
/// "defaults" (what cargo-leptos targeted), in esbuild's terms.
const CSS_TARGETS: &str = "chrome109,edge109,firefox115,safari15.6";

/// What an optimised file depends on besides its input: wasm-opt's
/// version and the flags (the key of `optcache`).
pub fn wasm_opt_identity() -> Result<String> {
    let mut command = Command::new("wasm-opt");
    command.arg("--version");
    let version = run(command, "wasm-opt", "binaryen 132")?;
    Ok(format!(
        "{} {}",
        String::from_utf8_lossy(&version.stdout).trim(),
        WASM_OPT_FLAGS.join(" ")
    ))
}

/// Optimises one file in place.
pub fn wasm_opt(file: &Path) -> Result<()> {
    let mut command = Command::new("wasm-opt");
    // Several may run at once: each keeps to one thread.
    command
        .env("BINARYEN_CORES", "1")
        .args(WASM_OPT_FLAGS)
        .arg(file)
        .arg("-o")
        .arg(file);
    run(command, "wasm-opt", "binaryen 132").map(drop)
}

/// Minifies an ES module, keeping its exports' names.
pub fn minify_js(source: &str, work: &Path, name: &str) -> Result<String> {
    let input = work.join(name);
    std::fs::write(&input, source).with_context(|| format!("writing {}", input.display()))?;
    let output = work.join(format!("{name}.min.js"));
    let mut command = Command::new("esbuild");
    command
        .arg(&input)
        .args(["--minify", "--format=esm", "--log-level=warning"])
        .arg(format!("--outfile={}", output.display()));
    run(command, "esbuild", "esbuild")?;
    std::fs::read_to_string(&output).with_context(|| format!("reading {}", output.display()))
}

/// Minifies the stylesheet and adds the prefixes its browsers need.
pub fn minify_css(style: &Path, work: &Path) -> Result<Vec<u8>> {
    let output = work.join("style.min.css");
    let mut command = Command::new("esbuild");
    command
        .arg(style)
        .args(["--minify", "--log-level=warning"])
        .arg(format!("--target={CSS_TARGETS}"))
        .arg(format!("--outfile={}", output.display()));
    run(command, "esbuild", "esbuild")?;
    std::fs::read(&output).with_context(|| format!("reading {}", output.display()))
}

fn run(mut command: Command, program: &str, package: &str) -> Result<std::process::Output> {
    let output = command.output().map_err(|e| {
        anyhow::anyhow!(
            "could not run {program} ({e}): it comes from npm ({package}) into end2end/node_modules; run ./scripts/setup.sh"
        )
    })?;
    if !output.status.success() {
        bail!(
            "{program} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(output)
}
