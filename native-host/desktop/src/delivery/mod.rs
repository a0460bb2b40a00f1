//! Bundle delivery, as `docs/delivery.md` specifies it: at launch, fetch the signed manifest,
//! check it, fetch (or find in the cache) the bundle and legacy JS it names, check them, and
//! hand them to the host; on any failure hand over the last good bundle instead.
//!
//! A host uses it like this:
//!
//! ```no_run
//! use touchline_desktop::delivery::{Delivery, LaunchOptions, TrapOutcome};
//!
//! let delivery = Delivery::new(LaunchOptions::new("http://127.0.0.1:8080/manifest.json", ".touchline-cache"))
//!     .unwrap_or_else(|no| { eprintln!("error: {no}"); std::process::exit(1) });
//! let mut launch = match delivery.launch() {
//!     Ok(launch) => launch,
//!     Err(no_bundle) => {
//!         no_bundle.lines.iter().for_each(|l| println!("{l}"));
//!         eprintln!("error: {no_bundle}");
//!         std::process::exit(1)
//!     }
//! };
//! launch.lines.iter().for_each(|l| println!("{l}"));
//! // Compile `launch.bundle`, read its `touchline_abi_version` and check it:
//! # let exported = 0x0001_0004;
//! if let Err(detail) = launch.check_exported_abi(exported) {
//!     launch = delivery.fallback_after_start_failure(&launch, &detail).unwrap_or_else(|_| std::process::exit(1));
//! }
//! // A trap before 120 frames: `delivery.record_startup_trap(&launch)` says restart or run
//! // another; 120 frames without one: `delivery.mark_good(&launch)`.
//! ```

pub mod cache;
pub mod download;
pub mod manifest;
pub mod signing;

use std::path::{Path, PathBuf};

pub use cache::{Cache, CacheError, GoodEntry, GoodList, TrapVerdict};
pub use download::{Client, FetchError, NetOptions};
pub use manifest::{AbiVersion, FileRef, Manifest, ManifestError};
pub use signing::{PublicKey, SecretKey};

use download::{FileRequest, ManifestFetch};
use manifest::resolve_url;

/// Which downloaded file a failure is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// The wasm bundle.
    Bundle,
    /// The legacy JS beside it.
    LegacyJs,
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Bundle => "bundle",
            Self::LegacyJs => "legacy JS",
        })
    }
}

/// What went wrong with a bundle or legacy JS file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileFailure {
    /// Connection refused, DNS, TLS, a timeout, after all retries.
    Unreachable(String),
    /// A status other than 200 (or 206 when resuming), after retries for 5xx.
    Http(u16),
    /// The body ended short after all retries.
    Truncated {
        /// Bytes received.
        got: u64,
        /// The manifest's `size`.
        expected: u64,
    },
    /// A longer body or a wrong `Content-Length`.
    SizeMismatch {
        /// Bytes received or announced.
        got: u64,
        /// The manifest's `size`.
        expected: u64,
    },
    /// The SHA-256 differs.
    HashMismatch,
    /// Not wasm, a wrong exported ABI, a missing export, a trap in init.
    DoesNotStart(String),
}

/// A delivery failure: the `REASON` of `delivery: failed: REASON` and of
/// `error: no bundle to run: REASON`, worded as the table in `docs/delivery.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailureReason {
    /// `manifest unreachable: DETAIL`.
    ManifestUnreachable(String),
    /// `manifest HTTP STATUS`.
    ManifestHttp(u16),
    /// `manifest invalid: DETAIL`.
    ManifestInvalid(String),
    /// `bad signature`.
    BadSignature,
    /// `wrong ABI: bundle speaks A.B, host speaks C.x`.
    WrongAbi {
        /// The manifest's `abi`.
        bundle: AbiVersion,
        /// The host's `ABI_VERSION_MAJOR`.
        host_major: u32,
    },
    /// The manifest names a demoted bundle: `bundle demoted: version V trapped at start-up`.
    Demoted {
        /// The manifest's version.
        version: String,
    },
    /// `bundle …` / `legacy JS …`.
    File {
        /// Which file.
        kind: FileKind,
        /// What went wrong.
        failure: FileFailure,
    },
    /// The cache directory cannot be created: `cache unusable: DETAIL`.
    CacheUnusable(String),
}

impl std::fmt::Display for FailureReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ManifestUnreachable(detail) => write!(f, "manifest unreachable: {detail}"),
            Self::ManifestHttp(status) => write!(f, "manifest HTTP {status}"),
            Self::ManifestInvalid(detail) => write!(f, "manifest invalid: {detail}"),
            Self::BadSignature => f.write_str("bad signature"),
            Self::WrongAbi { bundle, host_major } => {
                write!(f, "wrong ABI: bundle speaks {bundle}, host speaks {host_major}.x")
            }
            Self::Demoted { version } => write!(
                f,
                "bundle demoted: version {version} trapped at start-up {} times",
                cache::DEMOTE_AFTER_TRAPS
            ),
            Self::File { kind, failure } => match failure {
                FileFailure::Unreachable(detail) => write!(f, "{kind} unreachable: {detail}"),
                FileFailure::Http(status) => write!(f, "{kind} HTTP {status}"),
                FileFailure::Truncated { got, expected } => {
                    write!(f, "{kind} truncated: got {got} of {expected} bytes")
                }
                FileFailure::SizeMismatch { got, expected } => {
                    write!(f, "{kind} size mismatch: got {got}, manifest says {expected}")
                }
                FileFailure::HashMismatch => write!(f, "{kind} hash mismatch"),
                FileFailure::DoesNotStart(detail) => write!(f, "{kind} does not start: {detail}"),
            },
            Self::CacheUnusable(detail) => write!(f, "cache unusable: {detail}"),
        }
    }
}

impl FailureReason {
    fn manifest(error: FetchError) -> Self {
        match error {
            FetchError::Http(status) => Self::ManifestHttp(status),
            FetchError::TooLarge => Self::ManifestInvalid(error.to_string()),
            FetchError::Unreachable(detail) => Self::ManifestUnreachable(detail),
            other => Self::ManifestUnreachable(other.to_string()),
        }
    }

    fn file(kind: FileKind, error: FetchError) -> Self {
        let failure = match error {
            FetchError::Unreachable(detail) => FileFailure::Unreachable(detail),
            FetchError::Http(status) => FileFailure::Http(status),
            FetchError::Truncated { got, expected } => FileFailure::Truncated { got, expected },
            FetchError::SizeMismatch { got, expected } => FileFailure::SizeMismatch { got, expected },
            FetchError::HashMismatch => FileFailure::HashMismatch,
            // Only the manifest is fetched with a size limit of its own; sizes are checked above.
            FetchError::TooLarge => FileFailure::Unreachable(error.to_string()),
        };
        Self::File { kind, failure }
    }
}

/// Where the bundle a [`Launch`] hands over came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The manifest verified and the bundle (or its legacy JS) was downloaded now.
    Network,
    /// The manifest verified and names files the cache already held.
    Cache,
    /// Delivery failed; this is the newest good bundle that is not demoted.
    Fallback {
        /// Why delivery failed.
        reason: FailureReason,
    },
}

/// What to run: checked bytes and where they came from.
#[derive(Clone, Debug)]
pub struct Launch {
    /// The wasm bundle (its SHA-256 checked).
    pub bundle: Vec<u8>,
    /// The legacy JS, when the release has one (checked too).
    pub legacy_js: Option<Vec<u8>>,
    /// The release's version.
    pub version: String,
    /// SHA-256 of `bundle`.
    pub sha256: String,
    /// SHA-256 of `legacy_js`.
    pub js_sha256: Option<String>,
    /// The ABI version the manifest named; the module must export exactly this.
    pub abi: AbiVersion,
    /// Network, cache or fallback.
    pub source: Source,
    /// The manifest's `assets`, resolved against its URL: the asset root of a run without
    /// `--assets`. `None` when the manifest names none, and for a fallback bundle (no manifest
    /// verified for it).
    pub assets_url: Option<String>,
    /// The `delivery: …` lines the host prints, in order.
    pub lines: Vec<String>,
    /// Bundles that already failed to start in this launch (never offered again).
    failed: Vec<String>,
}

impl Launch {
    /// The `good.json` entry for this bundle.
    pub fn good_entry(&self) -> GoodEntry {
        GoodEntry {
            version: self.version.clone(),
            sha256: self.sha256.clone(),
            abi: self.abi,
            js_sha256: self.js_sha256.clone(),
        }
    }

    /// Step 6's check: the module's exported `touchline_abi_version` (packed) must equal the
    /// manifest's `abi`. The error is the `DETAIL` for
    /// [`Delivery::fallback_after_start_failure`].
    pub fn check_exported_abi(&self, exported: u32) -> Result<(), String> {
        let exported = AbiVersion::from_packed(exported);
        if exported == self.abi {
            Ok(())
        } else {
            Err(format!("it exports ABI {exported}, the manifest says {}", self.abi))
        }
    }

    /// True when this launch runs a fallback bundle.
    pub fn is_fallback(&self) -> bool {
        matches!(self.source, Source::Fallback { .. })
    }
}

/// Nothing can run: delivery failed and the cache holds no good bundle.
/// Displays as `no bundle to run: REASON`; the host prints `error: {this}` and exits with 1.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no bundle to run: {reason}")]
pub struct NoBundle {
    /// Why delivery failed.
    pub reason: FailureReason,
    /// The `delivery: …` lines to print before the error.
    pub lines: Vec<String>,
}

/// What a start-up trap leads to.
#[derive(Clone, Debug)]
pub enum TrapOutcome {
    /// Restart the same bundle.
    Restart {
        /// Start-up traps in a row so far.
        traps: u32,
    },
    /// The bundle is demoted; run `next` instead (or, with nothing left, exit).
    Demoted {
        /// `delivery: demoted version V (trapped at start-up 3 times)`.
        line: String,
        /// The newest good bundle that is not demoted.
        next: Box<Result<Launch, NoBundle>>,
    },
}

/// How a host launches.
#[derive(Clone, Debug)]
pub struct LaunchOptions {
    /// `--manifest URL`.
    pub manifest_url: String,
    /// `--cache DIR` (default `.touchline-cache`).
    pub cache_dir: PathBuf,
    /// `--public-key HEX`, else the built-in development key.
    pub public_key: PublicKey,
    /// The host's `ABI_VERSION_MAJOR`.
    pub host_abi_major: u32,
    /// Timeouts and retries.
    pub net: NetOptions,
}

impl LaunchOptions {
    /// The defaults: the development key, this host's ABI major, the documented timeouts.
    pub fn new(manifest_url: impl Into<String>, cache_dir: impl Into<PathBuf>) -> Self {
        Self {
            manifest_url: manifest_url.into(),
            cache_dir: cache_dir.into(),
            public_key: PublicKey::dev(),
            host_abi_major: touchline_abi::ABI_VERSION_MAJOR,
            net: NetOptions::default(),
        }
    }
}

/// The default `--cache`.
pub const DEFAULT_CACHE_DIR: &str = ".touchline-cache";

/// A host's delivery state for one process: the options and the open cache.
#[derive(Debug)]
pub struct Delivery {
    options: LaunchOptions,
    cache: Cache,
}

/// Runs [`Delivery::launch`] once, for a host that needs nothing after it.
pub fn launch(options: &LaunchOptions) -> Result<Launch, NoBundle> {
    Delivery::new(options.clone())?.launch()
}

impl Delivery {
    /// Opens the cache (creating it).
    pub fn new(options: LaunchOptions) -> Result<Self, NoBundle> {
        let cache = Cache::open(&options.cache_dir).map_err(|e| {
            let reason = FailureReason::CacheUnusable(e.to_string());
            NoBundle { lines: vec![failed_line(&reason)], reason }
        })?;
        Ok(Self { options, cache })
    }

    /// The options.
    pub fn options(&self) -> &LaunchOptions {
        &self.options
    }

    /// The cache.
    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// Steps 1–5 of `docs/delivery.md`: the manifest, its signature and ABI major, the bundle
    /// and legacy JS from the cache or the network. On a failure, the last good bundle.
    pub fn launch(&self) -> Result<Launch, NoBundle> {
        match self.deliver() {
            Ok(launch) => Ok(launch),
            Err(reason) => self.fallback(reason, &[]),
        }
    }

    /// Step 6 failed for `failed` (not wasm, a wrong exported ABI, a missing export, a trap in
    /// init): the newest good bundle other than the ones that already failed in this launch.
    pub fn fallback_after_start_failure(&self, failed: &Launch, detail: &str) -> Result<Launch, NoBundle> {
        let reason = FailureReason::File {
            kind: FileKind::Bundle,
            failure: FileFailure::DoesNotStart(detail.to_owned()),
        };
        let mut exclude = failed.failed.clone();
        exclude.push(failed.sha256.clone());
        self.fallback(reason, &exclude)
    }

    /// `launch`'s bundle trapped before 120 frames. The third time in a row it is demoted and
    /// the outcome carries what to run instead.
    pub fn record_startup_trap(&self, launch: &Launch) -> Result<TrapOutcome, CacheError> {
        match self.cache.record_startup_trap(&launch.sha256)? {
            TrapVerdict::Retry { traps } => Ok(TrapOutcome::Restart { traps }),
            TrapVerdict::Demoted { traps } => {
                let line = format!(
                    "delivery: demoted version {} (trapped at start-up {traps} times)",
                    launch.version
                );
                let reason = FailureReason::Demoted { version: launch.version.clone() };
                let mut exclude = launch.failed.clone();
                exclude.push(launch.sha256.clone());
                let next = self.pick_good(reason, &exclude, false).map(|mut next| {
                    next.lines.insert(0, line.clone());
                    next
                });
                Ok(TrapOutcome::Demoted { line, next: Box::new(next) })
            }
        }
    }

    /// `launch`'s bundle ran 120 frames without a trap: it becomes the newest good version.
    pub fn mark_good(&self, launch: &Launch) -> Result<(), CacheError> {
        self.cache.mark_good(&launch.good_entry())
    }

    /// Steps 1–5.
    fn deliver(&self) -> Result<Launch, FailureReason> {
        let options = &self.options;
        let client = Client::new(&options.net);
        let cached = self.cache.cached_manifest();
        let (bytes, etag, fresh) = match client
            .fetch_manifest(&options.manifest_url, cached.as_ref().map(|(_, etag)| etag.as_str()))
        {
            Ok(ManifestFetch::Fresh { bytes, etag }) => (bytes, etag, true),
            Ok(ManifestFetch::NotModified) => match cached {
                Some((bytes, etag)) => (bytes, Some(etag), false),
                None => return Err(FailureReason::ManifestHttp(304)),
            },
            Err(e) => return Err(FailureReason::manifest(e)),
        };
        let manifest = match Manifest::parse(&bytes) {
            Ok(manifest) => manifest,
            Err(e) => {
                if !fresh {
                    self.cache.forget_manifest();
                }
                return Err(FailureReason::ManifestInvalid(e.to_string()));
            }
        };
        if !signing::verify_manifest(&manifest, &options.public_key) {
            if !fresh {
                self.cache.forget_manifest();
            }
            return Err(FailureReason::BadSignature);
        }
        let mut lines = Vec::new();
        if fresh && let Err(e) = self.cache.store_manifest(&bytes, etag.as_deref()) {
            lines.push(format!("delivery: warning: {e}"));
        }
        if u32::from(manifest.abi.major) != options.host_abi_major {
            return Err(FailureReason::WrongAbi { bundle: manifest.abi, host_major: options.host_abi_major });
        }
        if self.cache.is_demoted(&manifest.bundle.sha256) {
            return Err(FailureReason::Demoted { version: manifest.version.clone() });
        }
        let mut downloaded = false;
        let bundle = self.file(&client, FileKind::Bundle, &manifest.bundle, &mut downloaded, &mut lines)?;
        let legacy_js = match &manifest.legacy_js {
            Some(js) => Some(self.file(&client, FileKind::LegacyJs, js, &mut downloaded, &mut lines)?),
            None => None,
        };
        let source = if downloaded { Source::Network } else { Source::Cache };
        let from = if downloaded { "the network" } else { "the cache" };
        lines.push(format!(
            "delivery: running version {} (sha256 {}) from {from}",
            manifest.version, manifest.bundle.sha256
        ));
        let assets_url = manifest.assets_url(&options.manifest_url);
        Ok(Launch {
            bundle,
            legacy_js,
            version: manifest.version,
            sha256: manifest.bundle.sha256,
            js_sha256: manifest.legacy_js.map(|js| js.sha256),
            abi: manifest.abi,
            source,
            assets_url,
            lines,
            failed: Vec::new(),
        })
    }

    /// One file the manifest names: from the cache (re-hashed), else downloaded and stored.
    fn file(
        &self,
        client: &Client,
        kind: FileKind,
        file: &FileRef,
        downloaded: &mut bool,
        lines: &mut Vec<String>,
    ) -> Result<Vec<u8>, FailureReason> {
        let cached = match kind {
            FileKind::Bundle => self.cache.load_bundle(&file.sha256),
            FileKind::LegacyJs => self.cache.load_js(&file.sha256),
        };
        if let Some(bytes) = cached {
            return Ok(bytes);
        }
        let url = resolve_url(&self.options.manifest_url, &file.url);
        let partial = self.cache.partial_path(&file.sha256);
        let request = FileRequest { url: &url, size: file.size, sha256: &file.sha256, partial: &partial };
        let bytes = client.fetch_file(&request).map_err(|e| FailureReason::file(kind, e))?;
        *downloaded = true;
        let stored = match kind {
            FileKind::Bundle => self.cache.store_bundle(&file.sha256, &bytes),
            FileKind::LegacyJs => self.cache.store_js(&file.sha256, &bytes),
        };
        // A full disk must not stop a verified bundle from running; it is fetched again next time.
        if let Err(e) = stored {
            lines.push(format!("delivery: warning: {e}"));
        }
        Ok(bytes)
    }

    /// Delivery failed: the newest good, not demoted bundle (not in `exclude`), with the
    /// `delivery: failed` line first.
    fn fallback(&self, reason: FailureReason, exclude: &[String]) -> Result<Launch, NoBundle> {
        self.pick_good(reason, exclude, true)
    }

    fn pick_good(&self, reason: FailureReason, exclude: &[String], failed: bool) -> Result<Launch, NoBundle> {
        let mut lines = Vec::new();
        if failed {
            lines.push(failed_line(&reason));
        }
        let list = self.cache.good_list();
        for entry in &list.good {
            if exclude.contains(&entry.sha256)
                || list.demoted.contains(&entry.sha256)
                || u32::from(entry.abi.major) != self.options.host_abi_major
            {
                continue;
            }
            let Some(bundle) = self.cache.load_bundle(&entry.sha256) else { continue };
            let legacy_js = match &entry.js_sha256 {
                // A release is its bundle and its JS together: without the JS, try an older one.
                Some(js) => match self.cache.load_js(js) {
                    Some(bytes) => Some(bytes),
                    None => continue,
                },
                None => None,
            };
            lines.push(format!(
                "delivery: running last good version {} (sha256 {})",
                entry.version, entry.sha256
            ));
            return Ok(Launch {
                bundle,
                legacy_js,
                version: entry.version.clone(),
                sha256: entry.sha256.clone(),
                js_sha256: entry.js_sha256.clone(),
                abi: entry.abi,
                source: Source::Fallback { reason },
                assets_url: None,
                lines,
                failed: exclude.to_vec(),
            });
        }
        Err(NoBundle { reason, lines })
    }
}

/// `delivery: failed: REASON`.
pub fn failed_line(reason: &FailureReason) -> String {
    format!("delivery: failed: {reason}")
}

/// The host's cache directory from `--cache`, or [`DEFAULT_CACHE_DIR`].
pub fn cache_dir(flag: Option<&Path>) -> PathBuf {
    flag.map_or_else(|| PathBuf::from(DEFAULT_CACHE_DIR), Path::to_owned)
}
