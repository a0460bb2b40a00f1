//! The host's on-disk cache (`docs/delivery.md`, "The cache"): verified bundles by hash,
//! interrupted downloads, precompiled modules, `good.json` with the good and demoted bundles
//! and the start-up trap counts, and the last manifest that verified.
//!
//! Every file is written to a temporary name and renamed, so a power cut leaves the old file
//! or the new one, never half of one. Every cached file is re-hashed when loaded; one that
//! fails is deleted and counts as missing.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::manifest::AbiVersion;
use super::signing::sha256_hex;

/// How many good versions `good.json` keeps.
pub const MAX_GOOD: usize = 3;
/// Start-up traps in a row that demote a bundle.
pub const DEMOTE_AFTER_TRAPS: u32 = 3;
/// Frames a bundle must run without a trap to become good.
pub const GOOD_AFTER_FRAMES: u64 = 120;
/// How many demoted hashes are remembered (the oldest are forgotten first).
const MAX_DEMOTED: usize = 32;
/// The format of `good.json`.
const GOOD_FORMAT: u32 = 1;

/// A cache file that could not be written or a directory that could not be made.
#[derive(Debug, thiserror::Error)]
#[error("cache: {path}: {source}")]
pub struct CacheError {
    /// The file or directory.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

fn cache_error(path: &Path) -> impl FnOnce(std::io::Error) -> CacheError + '_ {
    move |source| CacheError { path: path.to_owned(), source }
}

/// One good version in `good.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoodEntry {
    /// The release's version.
    pub version: String,
    /// SHA-256 of the bundle (`bundles/<sha256>.wasm`).
    pub sha256: String,
    /// The ABI version the manifest named (and the bundle exported).
    pub abi: AbiVersion,
    /// SHA-256 of the legacy JS (`bundles/<js_sha256>.js`), when the release had one.
    pub js_sha256: Option<String>,
}

/// `good.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoodList {
    /// Always 1.
    pub format: u32,
    /// Newest first, at most [`MAX_GOOD`].
    pub good: Vec<GoodEntry>,
    /// Bundles that trapped at start-up [`DEMOTE_AFTER_TRAPS`] times in a row: never run again.
    #[serde(default)]
    pub demoted: Vec<String>,
    /// Start-up traps in a row so far, by bundle SHA-256 (reset when the bundle becomes good).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub startup_traps: BTreeMap<String, u32>,
}

impl Default for GoodList {
    fn default() -> Self {
        Self { format: GOOD_FORMAT, good: Vec::new(), demoted: Vec::new(), startup_traps: BTreeMap::new() }
    }
}

/// What a start-up trap led to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapVerdict {
    /// Fewer than [`DEMOTE_AFTER_TRAPS`] in a row: restart the same bundle.
    Retry {
        /// Start-up traps in a row so far, this one included.
        traps: u32,
    },
    /// The bundle is demoted: run the newest good bundle that is not.
    Demoted {
        /// Start-up traps in a row, this one included.
        traps: u32,
    },
}

/// The cache directory.
#[derive(Clone, Debug)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    /// Opens (creating) the cache at `root`.
    pub fn open(root: &Path) -> Result<Self, CacheError> {
        for sub in ["bundles", "partial", "modules", "storage"] {
            let dir = root.join(sub);
            std::fs::create_dir_all(&dir).map_err(cache_error(&dir))?;
        }
        Ok(Self { root: root.to_owned() })
    }

    /// The cache directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `bundles/<sha256>.wasm`.
    pub fn bundle_path(&self, sha256: &str) -> PathBuf {
        self.root.join("bundles").join(format!("{sha256}.wasm"))
    }

    /// `bundles/<sha256>.js`.
    pub fn js_path(&self, sha256: &str) -> PathBuf {
        self.root.join("bundles").join(format!("{sha256}.js"))
    }

    /// `partial/<sha256>.part`: an interrupted download, resumed with `Range`.
    pub fn partial_path(&self, sha256: &str) -> PathBuf {
        self.root.join("partial").join(format!("{sha256}.part"))
    }

    /// `modules/<sha256>-<engine>-<host version>.cwasm`: a precompiled module.
    pub fn module_path(&self, sha256: &str, engine: &str, host_version: &str) -> PathBuf {
        self.root.join("modules").join(format!("{sha256}-{engine}-{host_version}.cwasm"))
    }

    /// `good.json`.
    pub fn good_path(&self) -> PathBuf {
        self.root.join("good.json")
    }

    /// `manifest.json`: the last manifest that verified.
    pub fn manifest_path(&self) -> PathBuf {
        self.root.join("manifest.json")
    }

    /// `manifest.etag`: the `ETag` it was served with.
    pub fn etag_path(&self) -> PathBuf {
        self.root.join("manifest.etag")
    }

    /// The verified bundle with this hash, or `None` (a file that fails its hash is deleted).
    pub fn load_bundle(&self, sha256: &str) -> Option<Vec<u8>> {
        load_verified(&self.bundle_path(sha256), sha256)
    }

    /// The verified legacy JS with this hash, or `None`.
    pub fn load_js(&self, sha256: &str) -> Option<Vec<u8>> {
        load_verified(&self.js_path(sha256), sha256)
    }

    /// Stores a verified bundle.
    pub fn store_bundle(&self, sha256: &str, bytes: &[u8]) -> Result<(), CacheError> {
        write_atomic(&self.bundle_path(sha256), bytes)
    }

    /// Stores verified legacy JS.
    pub fn store_js(&self, sha256: &str, bytes: &[u8]) -> Result<(), CacheError> {
        write_atomic(&self.js_path(sha256), bytes)
    }

    /// A precompiled module, when its `.xxh3` checksum file is present and matches (a module
    /// that fails is deleted with its checksum). A checksum, not a signature: whoever can
    /// write the cache can write both, and the bundle it was compiled from was verified
    /// against the signed manifest; it catches torn writes and bit rot, at memory speed.
    ///
    /// Returns its path, for `Module::deserialize_file` to map: checking it reads the file through
    /// a mapping, so a warm start never copies the module.
    pub fn checked_module(&self, sha256: &str, engine: &str, host_version: &str) -> Option<PathBuf> {
        let path = self.module_path(sha256, engine, host_version);
        map_checked(&path, 1).map(|_| path)
    }

    /// Stores a precompiled module and its checksum (the checksum last, so a module is never
    /// trusted before it is whole).
    pub fn store_module(
        &self,
        sha256: &str,
        engine: &str,
        host_version: &str,
        bytes: &[u8],
    ) -> Result<(), CacheError> {
        store_checked(&self.module_path(sha256, engine, host_version), bytes)
    }

    /// `modules/<sha256>-<engine>-<host version>-<W>x<H>.snapshot`: the start-up snapshot of
    /// that module for that viewport (docs/host-abi.md, "Start-up snapshots").
    pub fn snapshot_path(&self, module: &ModuleKey<'_>, width: u32, height: u32) -> PathBuf {
        let ModuleKey { sha256, engine, host_version } = module;
        self.root.join("modules").join(format!("{sha256}-{engine}-{host_version}-{width}x{height}.snapshot"))
    }

    /// A start-up snapshot, when its `.xxh3` checksum matches and it is whole wasm pages (one
    /// that fails is deleted with its checksum).
    pub fn load_snapshot(&self, module: &ModuleKey<'_>, width: u32, height: u32) -> Option<Vec<u8>> {
        map_checked(&self.snapshot_path(module, width, height), 65536).map(|map| map.to_vec())
    }

    /// Stores a start-up snapshot and its checksum (the checksum last).
    pub fn store_snapshot(
        &self,
        module: &ModuleKey<'_>,
        width: u32,
        height: u32,
        bytes: &[u8],
    ) -> Result<(), CacheError> {
        store_checked(&self.snapshot_path(module, width, height), bytes)
    }

    /// `good.json`; an unreadable or malformed one reads as empty (it is rewritten on the
    /// next change), so a damaged cache never stops a launch.
    pub fn good_list(&self) -> GoodList {
        let Ok(bytes) = std::fs::read(self.good_path()) else { return GoodList::default() };
        match serde_json::from_slice::<GoodList>(&bytes) {
            Ok(list) if list.format == GOOD_FORMAT => list,
            _ => GoodList::default(),
        }
    }

    fn write_good_list(&self, list: &GoodList) -> Result<(), CacheError> {
        let mut bytes = serde_json::to_vec_pretty(list).unwrap_or_default();
        bytes.push(b'\n');
        write_atomic(&self.good_path(), &bytes)
    }

    /// True when `sha256` was demoted.
    pub fn is_demoted(&self, sha256: &str) -> bool {
        self.good_list().demoted.iter().any(|d| d == sha256)
    }

    /// Records that `entry`'s bundle ran [`GOOD_AFTER_FRAMES`] frames without a trap: it goes
    /// first in `good.json`, its trap count is reset, and the files of versions beyond
    /// [`MAX_GOOD`] are deleted.
    pub fn mark_good(&self, entry: &GoodEntry) -> Result<(), CacheError> {
        let mut list = self.good_list();
        list.good.retain(|g| g.sha256 != entry.sha256);
        list.good.insert(0, entry.clone());
        list.startup_traps.remove(&entry.sha256);
        let dropped: Vec<GoodEntry> = list.good.split_off(list.good.len().min(MAX_GOOD));
        self.write_good_list(&list)?;
        for old in dropped {
            let still_used =
                |sha: &str| list.good.iter().any(|g| g.sha256 == sha || g.js_sha256.as_deref() == Some(sha));
            if !still_used(&old.sha256) {
                remove_quietly(&self.bundle_path(&old.sha256));
                self.remove_modules(&old.sha256);
            }
            if let Some(js) = old.js_sha256.as_deref().filter(|js| !still_used(js)) {
                remove_quietly(&self.js_path(js));
            }
        }
        Ok(())
    }

    /// Counts a trap before [`GOOD_AFTER_FRAMES`] frames. The [`DEMOTE_AFTER_TRAPS`]th in a
    /// row demotes the bundle: it leaves the good list and is never run again.
    pub fn record_startup_trap(&self, sha256: &str) -> Result<TrapVerdict, CacheError> {
        let mut list = self.good_list();
        let traps = list.startup_traps.get(sha256).copied().unwrap_or(0).saturating_add(1);
        let verdict = if traps >= DEMOTE_AFTER_TRAPS {
            list.startup_traps.remove(sha256);
            list.good.retain(|g| g.sha256 != sha256);
            if !list.demoted.iter().any(|d| d == sha256) {
                list.demoted.push(sha256.to_owned());
            }
            // A demoted bundle never runs again: its files go (no good version shares them).
            remove_quietly(&self.bundle_path(sha256));
            remove_quietly(&self.partial_path(sha256));
            self.remove_modules(sha256);
            let excess = list.demoted.len().saturating_sub(MAX_DEMOTED);
            list.demoted.drain(..excess);
            TrapVerdict::Demoted { traps }
        } else {
            list.startup_traps.insert(sha256.to_owned(), traps);
            TrapVerdict::Retry { traps }
        };
        self.write_good_list(&list)?;
        Ok(verdict)
    }

    /// The last manifest that verified and its `ETag`, when both are cached.
    pub fn cached_manifest(&self) -> Option<(Vec<u8>, String)> {
        let bytes = std::fs::read(self.manifest_path()).ok()?;
        let etag = std::fs::read_to_string(self.etag_path()).ok()?;
        let etag = etag.trim();
        (!etag.is_empty()).then(|| (bytes, etag.to_owned()))
    }

    /// Keeps a manifest that verified (and its `ETag`, or removes a stale one).
    pub fn store_manifest(&self, bytes: &[u8], etag: Option<&str>) -> Result<(), CacheError> {
        // The old ETag goes first: it must never stand beside a newer manifest.
        remove_quietly(&self.etag_path());
        write_atomic(&self.manifest_path(), bytes)?;
        match etag {
            Some(etag) => write_atomic(&self.etag_path(), format!("{etag}\n").as_bytes()),
            None => Ok(()),
        }
    }

    /// Forgets the cached manifest (it no longer verifies).
    pub fn forget_manifest(&self) {
        remove_quietly(&self.etag_path());
        remove_quietly(&self.manifest_path());
    }

    fn remove_modules(&self, sha256: &str) {
        let Ok(entries) = std::fs::read_dir(self.root.join("modules")) else { return };
        let prefix = format!("{sha256}-");
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                remove_quietly(&entry.path());
            }
        }
    }
}

/// Reads `path` and checks its SHA-256; a file that fails is deleted.
fn load_verified(path: &Path, sha256: &str) -> Option<Vec<u8>> {
    let bytes = std::fs::read(path).ok()?;
    if sha256_hex(&bytes) == sha256 {
        Some(bytes)
    } else {
        remove_quietly(path);
        None
    }
}

/// Which precompiled module: the bundle's hash, the engine and the host version.
#[derive(Clone, Copy, Debug)]
pub struct ModuleKey<'a> {
    /// The bundle's SHA-256 (lowercase hex).
    pub sha256: &'a str,
    /// `cranelift` or `pulley`.
    pub engine: &'a str,
    /// The host build (another never loads this one's files).
    pub host_version: &'a str,
}

/// Beside each `.cwasm` and `.snapshot`: its checksum, 16 lowercase hex digits of XXH3-64.
const MODULE_CHECKSUM_SUFFIX: &str = ".xxh3";

/// The file at `path`, mapped read-only, when its `.xxh3` checksum matches and its size is a
/// multiple of `unit`; else it is deleted with its checksum.
fn map_checked(path: &Path, unit: usize) -> Option<memmap2::Mmap> {
    let checksum_path = with_suffix(path, MODULE_CHECKSUM_SUFFIX);
    let expected = std::fs::read_to_string(&checksum_path).unwrap_or_default();
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: a mapped file changed underneath would change the slice. This host only ever
    // replaces cache files by renaming a new one over them (`write_atomic`), which leaves a
    // mapping of the old file intact; nothing writes one in place.
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::Mmap::map(&file) }.ok();
    match map {
        Some(map)
            if !map.is_empty()
                && map.len().is_multiple_of(unit)
                && expected.trim() == module_checksum(&map) =>
        {
            Some(map)
        }
        _ => {
            remove_quietly(path);
            remove_quietly(&checksum_path);
            None
        }
    }
}

/// Writes `bytes` to `path`, then their checksum beside it (last: never trusted before whole).
fn store_checked(path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
    write_atomic(path, bytes)?;
    write_atomic(
        &with_suffix(path, MODULE_CHECKSUM_SUFFIX),
        format!("{}\n", module_checksum(bytes)).as_bytes(),
    )
}

/// The checksum a precompiled module's `.xxh3` file holds.
pub fn module_checksum(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut os = path.as_os_str().to_owned();
    os.push(suffix);
    PathBuf::from(os)
}

fn remove_quietly(path: &Path) {
    // Already gone is as good as removed; anything else only wastes disk.
    let _ = std::fs::remove_file(path);
}

/// Writes `bytes` to a temporary name beside `path`, flushes it to disk and renames it over
/// `path`, so readers see the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        remove_quietly(&temp);
        return Err(CacheError { path: path.to_owned(), source: e });
    }
    Ok(())
}
