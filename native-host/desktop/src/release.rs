//! `touchline release` and `touchline keygen` (`docs/delivery.md`, "The release directory"):
//! build or take a bundle, read the ABI version it exports, sign the manifest and lay out a
//! directory a CDN (or `touchline serve`) can serve.

use std::path::{Path, PathBuf};
use std::process::Command;

use touchline_abi::EXPORT_ABI_VERSION;

use crate::delivery::cache::write_atomic;
use crate::delivery::manifest::{AbiVersion, FileRef, MANIFEST_FORMAT, Manifest, ManifestError};
use crate::delivery::signing::{self, KeyError, SecretKey, sha256_hex};

/// The repository root, for the defaults (`tools/keys/dev.secret`, `pages/legacy/legacy.js`,
/// the bundle build).
const WORKSPACE_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
/// The app name every manifest carries.
pub const APP_NAME: &str = "touchline";

/// Why a release could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `cargo build` of the bundle failed.
    #[error("building the bundle failed: {0}")]
    Build(String),
    /// The bundle's ABI version could not be read.
    #[error("cannot read the bundle's ABI version: {0}")]
    Abi(String),
    /// The signing key.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The manifest would not be valid (a version too long, a file too large, …).
    #[error("the manifest would be invalid: {0}")]
    Manifest(#[from] ManifestError),
    /// `--assets` holds something that is not a regular file or a directory (a symlink, a
    /// FIFO, …), or is not a directory itself.
    #[error("--assets: {path}: {problem}")]
    Assets {
        /// The offending path.
        path: PathBuf,
        /// What it is.
        problem: &'static str,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ReleaseError + '_ {
    move |source| ReleaseError::Io { path: path.to_owned(), source }
}

/// `touchline keygen`.
#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// Writes NAME.secret and NAME.public (64 hex characters each).
    #[arg(long, value_name = "NAME")]
    pub out: PathBuf,
    /// Replace existing key files.
    #[arg(long)]
    pub force: bool,
}

/// `touchline release`.
#[derive(Debug, clap::Args)]
pub struct ReleaseArgs {
    /// The release directory (created; earlier releases in it are kept).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The bundle to release. Default: build it (`cargo build -p touchline-pages --target
    /// wasm32-wasip1 --profile bundle`).
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
    /// The legacy JS to release beside it. Default: pages/legacy/legacy.js when it exists.
    #[arg(long, value_name = "FILE")]
    pub legacy_js: Option<PathBuf>,
    /// Release without legacy JS even when pages/legacy/legacy.js exists.
    #[arg(long, conflicts_with = "legacy_js")]
    pub no_legacy_js: bool,
    /// The secret key that signs the manifest. Default: tools/keys/dev.secret.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// The release's version. Default: <workspace version>-<short git hash>.
    #[arg(long, value_name = "V")]
    pub version: Option<String>,
    /// For test fixtures only: the ABI version to write when the bundle has no
    /// `touchline_abi_version` export. A real bundle's own export always wins when present.
    #[arg(long, value_name = "MAJOR.MINOR")]
    pub abi: Option<AbiVersion>,
    /// The app's assets (catalog, pictures, videos): SRC's tree replaces DIR/assets/ and the
    /// manifest says `"assets": "assets/"`. Files are hard-linked where possible, else copied.
    #[arg(long, value_name = "SRC")]
    pub assets: Option<PathBuf>,
}

/// What goes into a release.
#[derive(Clone, Debug)]
pub struct ReleaseInput<'a> {
    /// The wasm bundle.
    pub bundle: &'a [u8],
    /// The legacy JS, if any.
    pub legacy_js: Option<&'a [u8]>,
    /// The release's version.
    pub version: &'a str,
    /// The ABI version the bundle exports.
    pub abi: AbiVersion,
    /// The asset tree to put at `DIR/assets/` (the manifest then names it), if any.
    pub assets: Option<&'a Path>,
}

/// Where a release's assets go, under the release directory; also the manifest's `assets`.
pub const ASSETS_DIR: &str = "assets";

/// Runs `touchline keygen`: prints where the keys went.
pub fn keygen(args: &KeygenArgs) -> Result<String, ReleaseError> {
    let key = SecretKey::generate()?;
    signing::write_key_pair(&args.out, &key, args.force)?;
    Ok(format!("wrote {0}.secret and {0}.public (public key {1})", args.out.display(), key.public().to_hex()))
}

/// Runs `touchline release`: returns the lines to print.
pub fn release(args: &ReleaseArgs) -> Result<Vec<String>, ReleaseError> {
    let root = Path::new(WORKSPACE_ROOT);
    let bundle_path = match &args.bundle {
        Some(path) => path.clone(),
        None => build_bundle(root)?,
    };
    let bundle = std::fs::read(&bundle_path).map_err(io_error(&bundle_path))?;
    let js_path = match (&args.legacy_js, args.no_legacy_js) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => None,
        (None, false) => Some(root.join("pages/legacy/legacy.js")).filter(|p| p.is_file()),
    };
    let legacy_js = match &js_path {
        Some(path) => Some(std::fs::read(path).map_err(io_error(path))?),
        None => None,
    };
    let abi = match (read_abi_version(&bundle), args.abi) {
        (Ok(exported), Some(flag)) if flag != exported => {
            return Err(ReleaseError::Abi(format!(
                "the bundle exports {exported}; --abi {flag} is only for fixtures without the export"
            )));
        }
        (Ok(exported), _) => exported,
        (Err(_), Some(flag)) => flag,
        (Err(e), None) => return Err(e),
    };
    let key_path = args.key.clone().unwrap_or_else(|| root.join("tools/keys/dev.secret"));
    let key = SecretKey::read(&key_path)?;
    let version = args.version.clone().unwrap_or_else(|| default_version(root));
    let input = ReleaseInput {
        bundle: &bundle,
        legacy_js: legacy_js.as_deref(),
        version: &version,
        abi,
        assets: args.assets.as_deref(),
    };
    let manifest = write_release(&args.out, &input, &key)?;
    let mut lines = vec![format!(
        "released {} {version} (ABI {abi}) to {}",
        APP_NAME,
        args.out.join("manifest.json").display()
    )];
    lines.push(format!("  bundle    {} ({} bytes)", manifest.bundle.url, manifest.bundle.size));
    if let Some(js) = &manifest.legacy_js {
        lines.push(format!("  legacy JS {} ({} bytes)", js.url, js.size));
    }
    if let (Some(assets), Some(src)) = (&manifest.assets, &args.assets) {
        lines.push(format!("  assets    {assets} (from {})", src.display()));
    }
    lines.push(format!("  signed by {}", key.public().to_hex()));
    Ok(lines)
}

/// Lays out a release in `out`: the content-hashed files and the asset tree first,
/// `manifest.json` last (atomically), so a reader never sees a manifest naming a file not yet
/// there.
pub fn write_release(
    out: &Path,
    input: &ReleaseInput<'_>,
    key: &SecretKey,
) -> Result<Manifest, ReleaseError> {
    let bundle_sha = sha256_hex(input.bundle);
    let bundle = FileRef {
        url: format!("bundles/touchline-{bundle_sha}.wasm"),
        size: input.bundle.len() as u64,
        sha256: bundle_sha,
    };
    let legacy_js = input.legacy_js.map(|js| {
        let sha = sha256_hex(js);
        FileRef { url: format!("js/legacy-{sha}.js"), size: js.len() as u64, sha256: sha }
    });
    let mut manifest = Manifest {
        format: MANIFEST_FORMAT,
        app: APP_NAME.to_owned(),
        version: input.version.to_owned(),
        abi: input.abi,
        bundle,
        legacy_js,
        assets: input.assets.map(|_| format!("{ASSETS_DIR}/")),
        signature: String::new(),
    };
    signing::sign_manifest(&mut manifest, key);
    manifest.check()?;
    write_immutable(&out.join(&manifest.bundle.url), input.bundle)?;
    if let (Some(js), Some(bytes)) = (&manifest.legacy_js, input.legacy_js) {
        write_immutable(&out.join(&js.url), bytes)?;
    }
    if let Some(src) = input.assets {
        install_assets(src, out)?;
    }
    let path = out.join("manifest.json");
    write_atomic(&path, &manifest.to_json()).map_err(|e| ReleaseError::Io { path, source: e.source })?;
    Ok(manifest)
}

/// Puts `src`'s tree at `out/assets/`, replacing the one there: built under a temporary name
/// beside it, then swapped in with renames, so a half-copied tree is never in place. Files are
/// hard-linked (videos are large), else copied; symlinks and anything else that is not a
/// regular file or a directory are refused.
pub fn install_assets(src: &Path, out: &Path) -> Result<(), ReleaseError> {
    let meta = std::fs::metadata(src).map_err(io_error(src))?;
    if !meta.is_dir() {
        return Err(ReleaseError::Assets { path: src.to_owned(), problem: "is not a directory" });
    }
    std::fs::create_dir_all(out).map_err(io_error(out))?;
    let pid = std::process::id();
    let building = out.join(format!(".{ASSETS_DIR}.new-{pid}"));
    let retired = out.join(format!(".{ASSETS_DIR}.old-{pid}"));
    let target = out.join(ASSETS_DIR);
    for leftover in [&building, &retired] {
        remove_tree(leftover)?;
    }
    if let Err(e) = copy_tree(src, &building) {
        let _ = std::fs::remove_dir_all(&building);
        return Err(e);
    }
    // The old tree steps aside and the new one takes its name: between the two renames (and
    // only then) there is no `assets/`.
    let had_old = std::fs::symlink_metadata(&target).is_ok();
    if had_old {
        std::fs::rename(&target, &retired).map_err(io_error(&target))?;
    }
    std::fs::rename(&building, &target).map_err(io_error(&target))?;
    if had_old {
        remove_tree(&retired)?;
    }
    Ok(())
}

/// Removes a directory tree (or a file) if there is one.
fn remove_tree(path: &Path) -> Result<(), ReleaseError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path).map_err(io_error(path)),
        Ok(_) => std::fs::remove_file(path).map_err(io_error(path)),
        Err(_) => Ok(()),
    }
}

/// Recreates `src` at `dst`: directories made, regular files hard-linked or copied.
fn copy_tree(src: &Path, dst: &Path) -> Result<(), ReleaseError> {
    std::fs::create_dir(dst).map_err(io_error(dst))?;
    let entries = std::fs::read_dir(src).map_err(io_error(src))?;
    for entry in entries {
        let entry = entry.map_err(io_error(src))?;
        let from = entry.path();
        let to = dst.join(entry.file_name());
        // `symlink_metadata`: a symlink is judged as itself, not as what it points at.
        let kind = std::fs::symlink_metadata(&from).map_err(io_error(&from))?.file_type();
        if kind.is_symlink() {
            return Err(ReleaseError::Assets { path: from, problem: "is a symlink (not released)" });
        } else if kind.is_dir() {
            copy_tree(&from, &to)?;
        } else if kind.is_file() {
            if std::fs::hard_link(&from, &to).is_err() {
                std::fs::copy(&from, &to).map_err(io_error(&from))?;
            }
        } else {
            return Err(ReleaseError::Assets {
                path: from,
                problem: "is not a regular file or a directory (not released)",
            });
        }
    }
    Ok(())
}

/// Writes a content-hashed file unless it is already there (it cannot differ: its name is
/// its hash, and a damaged one is replaced).
fn write_immutable(path: &Path, bytes: &[u8]) -> Result<(), ReleaseError> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    }
    write_atomic(path, bytes).map_err(|e| ReleaseError::Io { path: path.to_owned(), source: e.source })
}

/// `cargo build -p touchline-pages --target wasm32-wasip1 --profile bundle`, then the path of
/// the bundle it made.
fn build_bundle(root: &Path) -> Result<PathBuf, ReleaseError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "-p", "touchline-pages", "--target", "wasm32-wasip1", "--profile", "bundle"])
        .current_dir(root)
        .status()
        .map_err(|e| ReleaseError::Build(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(ReleaseError::Build(format!("cargo exited with {status}")));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target.join("wasm32-wasip1/bundle/touchline_pages.wasm"))
}

/// `<workspace version>-<short git hash>`, or the workspace version without git.
pub fn default_version(root: &Path) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let hash = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    match hash {
        Some(hash) => format!("{version}-{hash}"),
        None => version.to_owned(),
    }
}

/// The ABI version a bundle exports from `touchline_abi_version`: read from the code when the
/// function is `i32.const N` (what the Rust export compiles to), else by running just that
/// function on wasmtime with every import stubbed to trap.
pub fn read_abi_version(wasm: &[u8]) -> Result<AbiVersion, ReleaseError> {
    match static_abi_version(wasm)? {
        Some(packed) => Ok(AbiVersion::from_packed(packed)),
        None => run_abi_version(wasm).map(AbiVersion::from_packed),
    }
}

/// `Some(N)` when the export's body is exactly `i32.const N; end`; `None` when it is code.
fn static_abi_version(wasm: &[u8]) -> Result<Option<u32>, ReleaseError> {
    use wasmparser::{ExternalKind, Operator, Parser, Payload, TypeRef};
    let bad = |e: wasmparser::BinaryReaderError| ReleaseError::Abi(format!("not a wasm module: {e}"));
    let mut imported_funcs = 0u32;
    let mut export = None;
    let mut body_index = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(bad)? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import.map_err(bad)?.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                        imported_funcs += 1;
                    }
                }
            }
            Payload::ExportSection(reader) => {
                for item in reader {
                    let item = item.map_err(bad)?;
                    if item.name == EXPORT_ABI_VERSION && item.kind == ExternalKind::Func {
                        export = Some(item.index);
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let index = imported_funcs + body_index;
                body_index += 1;
                if Some(index) != export {
                    continue;
                }
                let mut ops = body.get_operators_reader().map_err(bad)?;
                let first = ops.read().map_err(bad)?;
                let second = ops.read().map_err(bad)?;
                return Ok(match (first, second, ops.eof()) {
                    // The bits are the version, whatever the sign.
                    (Operator::I32Const { value }, Operator::End, true) => Some(value as u32),
                    _ => None,
                });
            }
            _ => {}
        }
    }
    match export {
        Some(_) => Ok(None),
        None => Err(ReleaseError::Abi(format!(
            "the bundle has no `{EXPORT_ABI_VERSION}` function export (pass --abi only for test fixtures)"
        ))),
    }
}

/// Calls the export on wasmtime, nothing else: no `_initialize`, imports trap.
fn run_abi_version(wasm: &[u8]) -> Result<u32, ReleaseError> {
    let fail = |what: &str, e: wasmtime::Error| ReleaseError::Abi(format!("{what}: {e}"));
    // Only one tiny function runs: compile fast rather than well.
    let mut config = wasmtime::Config::new();
    config.cranelift_opt_level(wasmtime::OptLevel::None);
    let engine = wasmtime::Engine::new(&config).map_err(|e| fail("engine", e))?;
    let module = wasmtime::Module::new(&engine, wasm).map_err(|e| fail("compile", e))?;
    let mut linker = wasmtime::Linker::new(&engine);
    linker.define_unknown_imports_as_traps(&module).map_err(|e| fail("link", e))?;
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module).map_err(|e| fail("instantiate", e))?;
    let func = instance
        .get_typed_func::<(), i32>(&mut store, EXPORT_ABI_VERSION)
        .map_err(|e| fail(EXPORT_ABI_VERSION, e))?;
    let packed = func.call(&mut store, ()).map_err(|e| fail(EXPORT_ABI_VERSION, e))?;
    // The bits are the version, whatever the sign.
    Ok(packed as u32)
}
