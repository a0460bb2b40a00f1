//! Finds the examples that register themselves for the preview (a `pub fn preview()` at the
//! start of a line) and writes the modules that link them, and their registry.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let workspace = manifest.join("..").canonicalize().expect("the workspace root exists");
    println!("cargo::rustc-env=TOUCHLINE_WORKSPACE_ROOT={}", workspace.display());
    let examples = workspace.join("examples");
    println!("cargo::rerun-if-changed={}", examples.display());
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&examples)
        .map(|dir| dir.filter_map(Result::ok).map(|entry| entry.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .filter(|path| {
            std::fs::read_to_string(path)
                .is_ok_and(|text| text.lines().any(|l| l.starts_with("pub fn preview()")))
        })
        .filter_map(|path| Some((path.file_stem()?.to_str()?.to_owned(), path)))
        .collect();
    found.sort();
    let mut code = String::new();
    for (name, path) in &found {
        let _ = writeln!(
            code,
            "#[path = {:?}]\n#[allow(dead_code, unreachable_pub, missing_docs)]\nmod {name};",
            path.display().to_string()
        );
    }
    code.push_str("\n/// Every example with a `preview()`, by file name.\npub(crate) fn example_previews() -> Vec<touchline_ui::preview::Preview> {\n    vec![");
    for (name, _) in &found {
        let _ = write!(code, "{name}::preview(), ");
    }
    code.push_str("]\n}\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("examples.rs");
    std::fs::write(&out, code).expect("OUT_DIR is writable");
}
