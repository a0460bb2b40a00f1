//! Hands wasmtime's C headers to CMake.
//!
//! `wasmtime-c-api-impl`'s own build script installs the complete header tree, including the
//! `wasmtime/conf.h` it configures for exactly the features enabled in Cargo.toml, into its
//! `OUT_DIR/include` and announces it as `DEP_WASMTIME_C_API_INCLUDE`. CMake cannot see that
//! directory, so when `TOUCHLINE_WASMTIME_INCLUDE_DEST` is set this copies the tree there.

use std::path::Path;
use std::{env, fs, io};

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=TOUCHLINE_WASMTIME_INCLUDE_DEST");
    let Some(dest) = env::var_os("TOUCHLINE_WASMTIME_INCLUDE_DEST") else { return };
    let dest = Path::new(&dest);
    // A missing stamp makes cargo run this again, so a deleted copy is restored.
    let stamp = dest.join("wasmtime/conf.h");
    println!("cargo:rerun-if-changed={}", stamp.display());
    let src = env::var_os("DEP_WASMTIME_C_API_INCLUDE")
        .expect("wasmtime-c-api-impl did not announce its include directory");
    if let Err(err) = copy_tree(Path::new(&src), dest) {
        panic!("cannot copy wasmtime headers to {}: {err}", dest.display());
    }
}
