//! Bundle delivery (`docs/delivery.md`) against `touchline serve` run in-process: one test per
//! network fault, each asserting what the launch hands over (which version, from where, the
//! failure line) and that the cache still holds the last good bundle afterwards.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use touchline_desktop::delivery::cache::GoodEntry;
use touchline_desktop::delivery::signing::sha256_hex;
use touchline_desktop::delivery::{
    AbiVersion, Cache, Delivery, FailureReason, FileFailure, FileKind, Launch, LaunchOptions, Manifest,
    NetOptions, NoBundle, PublicKey, SecretKey, Source, TrapOutcome,
};
use touchline_desktop::release::{ReleaseError, ReleaseInput, read_abi_version, write_release};
use touchline_desktop::serve::{Fault, RequestRecord, ServeOptions, Server};

const ABI_1_4: u32 = (1 << 16) | 4;

/// A small bundle: exports `touchline_abi_version` returning `abi`, and carries `marker` in
/// 8 KiB of data so every version has other bytes (and truncation has room to bite).
fn bundle(marker: &str, abi: u32) -> Vec<u8> {
    let filler = format!("{marker}:").repeat(8192 / (marker.len() + 1) + 1);
    let wat = format!(
        r#"(module
             (memory 1)
             (data (i32.const 0) "{filler}")
             (func (export "touchline_abi_version") (result i32) i32.const {abi}))"#,
        abi = abi as i32
    );
    wat::parse_str(&wat).expect("fixture wat")
}

/// A fresh directory under cargo's per-test temp dir.
fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("delivery").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A release directory served in-process, a cache and a signing key.
struct Fixture {
    release_dir: PathBuf,
    cache_dir: PathBuf,
    key: SecretKey,
    server: Option<Server>,
    manifest_url: String,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let root = temp_dir(name);
        let release_dir = root.join("release");
        let cache_dir = root.join("cache");
        std::fs::create_dir_all(&release_dir).expect("release dir");
        let server = Server::start(&release_dir, "127.0.0.1:0", ServeOptions::default()).expect("serve");
        let manifest_url = format!("{}manifest.json", server.url());
        let key = SecretKey::generate().expect("key");
        Self { release_dir, cache_dir, key, server: Some(server), manifest_url }
    }

    fn server(&self) -> &Server {
        self.server.as_ref().expect("server running")
    }

    /// Releases `version` (a bundle exporting `abi`) into the served directory.
    fn release(&self, version: &str, abi: u32, js: Option<&[u8]>) -> Manifest {
        self.release_with_key(version, abi, js, &self.key)
    }

    fn release_with_key(&self, version: &str, abi: u32, js: Option<&[u8]>, key: &SecretKey) -> Manifest {
        let bytes = bundle(version, abi);
        let input = ReleaseInput {
            bundle: &bytes,
            legacy_js: js,
            version,
            abi: read_abi_version(&bytes).expect("fixture exports its ABI"),
            assets: None,
        };
        write_release(&self.release_dir, &input, key).expect("release")
    }

    /// Releases `version` with `assets` as the release's asset tree (or none).
    fn release_assets(&self, version: &str, assets: Option<&Path>) -> Result<Manifest, ReleaseError> {
        let bytes = bundle(version, ABI_1_4);
        let input = ReleaseInput {
            bundle: &bytes,
            legacy_js: None,
            version,
            abi: AbiVersion::from_packed(ABI_1_4),
            assets,
        };
        write_release(&self.release_dir, &input, &self.key)
    }

    fn faults(&self, specs: &[&str]) {
        let faults = specs.iter().map(|s| s.parse::<Fault>().expect("fault spec")).collect();
        self.server().set_faults(faults);
    }

    /// Fast timeouts and backoff so every test stays quick.
    fn options(&self) -> LaunchOptions {
        let mut options = LaunchOptions::new(self.manifest_url.clone(), self.cache_dir.clone());
        options.public_key = self.key.public();
        options.host_abi_major = 1;
        options.net = NetOptions {
            connect_timeout: Duration::from_millis(500),
            manifest_timeout: Duration::from_millis(1500),
            download_timeout: Duration::from_millis(1500),
            attempts: 3,
            backoff_base: Duration::from_millis(5),
            jitter: true,
        };
        options
    }

    fn delivery(&self) -> Delivery {
        Delivery::new(self.options()).expect("cache opens")
    }

    fn launch(&self) -> Result<Launch, NoBundle> {
        self.delivery().launch()
    }

    /// Launches `version` from the network and marks it good (as after 120 frames).
    fn launch_good(&self, version: &str) -> Launch {
        let launch = self.launch().expect("launch");
        assert_eq!(launch.version, version, "{:?}", launch.lines);
        self.delivery().mark_good(&launch).expect("mark good");
        launch
    }

    fn cache(&self) -> Cache {
        Cache::open(&self.cache_dir).expect("cache")
    }

    /// The newest good entry is `version` and its bundle is still in the cache, intact.
    fn assert_last_good(&self, version: &str) {
        let list = self.cache().good_list();
        let first = list.good.first().expect("a good version");
        assert_eq!(first.version, version);
        assert!(self.cache().load_bundle(&first.sha256).is_some(), "the last good bundle is still cached");
    }

    fn requests_for(&self, prefix: &str) -> Vec<RequestRecord> {
        self.server().requests().into_iter().filter(|r| r.path.starts_with(prefix)).collect()
    }

    fn stop_server(&mut self) {
        self.server = None;
    }
}

fn reason(launch: &Launch) -> &FailureReason {
    match &launch.source {
        Source::Fallback { reason } => reason,
        other => panic!("expected a fallback, got {other:?}: {:?}", launch.lines),
    }
}

/// Asserts `launch` is the fallback to `version` after `failed`, with the documented lines.
fn assert_fallback(launch: &Launch, version: &str, failed: &str) {
    assert_eq!(launch.version, version, "{:?}", launch.lines);
    assert!(launch.is_fallback(), "{:?}", launch.lines);
    assert_eq!(reason(launch).to_string(), failed);
    assert_eq!(launch.lines[0], format!("delivery: failed: {failed}"));
    assert_eq!(
        launch.lines.last().map(String::as_str),
        Some(format!("delivery: running last good version {version} (sha256 {})", launch.sha256).as_str())
    );
    assert_eq!(sha256_hex(&launch.bundle), launch.sha256);
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).expect("under root").to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Names in the release directory that are neither the release's nor its assets': leftovers of
/// building the tree.
fn leftovers(release_dir: &Path) -> Vec<String> {
    std::fs::read_dir(release_dir)
        .expect("release dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| !["manifest.json", "bundles", "js", "assets"].contains(&name.as_str()))
        .collect()
}

#[test]
fn release_with_assets_lays_out_the_tree_and_replaces_it() {
    let fx = Fixture::new("release_assets");
    let src = temp_dir("release_assets_src");
    std::fs::create_dir_all(src.join("images")).expect("dir");
    std::fs::create_dir_all(src.join("videos/2024")).expect("dir");
    std::fs::create_dir_all(src.join("empty")).expect("dir");
    std::fs::write(src.join("catalog.json"), "{\"matches\":[]}\n").expect("write");
    std::fs::write(src.join("images/crest.png"), "png bytes").expect("write");
    std::fs::write(src.join("videos/2024/final.webm"), vec![7u8; 100_000]).expect("write");

    let manifest = fx.release_assets("1.0.0", Some(&src)).expect("release");
    assert_eq!(manifest.assets.as_deref(), Some("assets/"));
    let on_disk = std::fs::read(fx.release_dir.join("manifest.json")).expect("manifest");
    assert_eq!(Manifest::parse(&on_disk).expect("parses").assets.as_deref(), Some("assets/"));
    assert!(touchline_desktop::delivery::signing::verify_manifest(&manifest, &fx.key.public()));
    let assets = fx.release_dir.join("assets");
    assert_eq!(files_under(&assets), ["catalog.json", "images/crest.png", "videos/2024/final.webm"]);
    assert!(assets.join("empty").is_dir(), "directories come too");
    assert_eq!(std::fs::read(assets.join("videos/2024/final.webm")).expect("video"), vec![7u8; 100_000]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let inode = |p: &Path| std::fs::metadata(p).expect("metadata").ino();
        assert_eq!(
            inode(&assets.join("videos/2024/final.webm")),
            inode(&src.join("videos/2024/final.webm")),
            "hard-linked"
        );
    }
    assert!(leftovers(&fx.release_dir).is_empty(), "{:?}", leftovers(&fx.release_dir));

    // The served release names them, resolved against the manifest's URL.
    let launch = fx.launch().expect("launch");
    assert_eq!(launch.assets_url, Some(format!("{}assets/", fx.server().url())));

    // Releasing again replaces the tree: files gone from SRC are gone from the release.
    std::fs::remove_file(src.join("catalog.json")).expect("remove");
    std::fs::write(src.join("images/new.png"), "new").expect("write");
    fx.release_assets("1.0.1", Some(&src)).expect("release again");
    assert_eq!(files_under(&assets), ["images/crest.png", "images/new.png", "videos/2024/final.webm"]);
    assert!(leftovers(&fx.release_dir).is_empty(), "{:?}", leftovers(&fx.release_dir));

    // Without assets the manifest has no `assets` and the tree stays as it is.
    let plain = fx.release_assets("1.0.2", None).expect("release without assets");
    assert_eq!(plain.assets, None);
    let text = std::fs::read_to_string(fx.release_dir.join("manifest.json")).expect("manifest");
    assert!(!text.contains("\"assets\""), "{text}");
    assert_eq!(files_under(&assets).len(), 3);
    assert_eq!(fx.launch().expect("launch").assets_url, None);

    // A symlink is refused, typed; the tree and the manifest in place stay.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(src.join("images/new.png"), src.join("images/link.png")).expect("symlink");
        match fx.release_assets("1.0.3", Some(&src)) {
            Err(ReleaseError::Assets { path, .. }) => assert_eq!(path, src.join("images/link.png")),
            other => panic!("expected ReleaseError::Assets, got {other:?}"),
        }
        let error = fx.release_assets("1.0.3", Some(&src)).expect_err("refused").to_string();
        assert!(error.contains("link.png") && error.contains("symlink"), "{error}");
        std::fs::remove_file(src.join("images/link.png")).expect("remove");
        // A socket is neither a file nor a directory.
        let _socket = std::os::unix::net::UnixListener::bind(src.join("control.sock")).expect("socket");
        match fx.release_assets("1.0.3", Some(&src)) {
            Err(ReleaseError::Assets { path, .. }) => assert_eq!(path, src.join("control.sock")),
            other => panic!("expected ReleaseError::Assets, got {other:?}"),
        }
        assert_eq!(files_under(&assets).len(), 3, "the tree in place is untouched");
        assert!(leftovers(&fx.release_dir).is_empty(), "{:?}", leftovers(&fx.release_dir));
        let text = std::fs::read_to_string(fx.release_dir.join("manifest.json")).expect("manifest");
        assert!(text.contains("\"version\": \"1.0.2\""), "the manifest is not rewritten: {text}");
    }
    // SRC must be a directory.
    let file = src.join("images/new.png");
    assert!(matches!(fx.release_assets("1.0.4", Some(&file)), Err(ReleaseError::Assets { .. })));
}

#[test]
fn a_fallback_launch_has_no_asset_root() {
    let mut fx = Fixture::new("fallback_assets");
    let src = temp_dir("fallback_assets_src");
    std::fs::write(src.join("catalog.json"), "{}").expect("write");
    fx.release_assets("1.0.0", Some(&src)).expect("release");
    fx.launch_good("1.0.0");
    fx.stop_server();
    let launch = fx.launch().expect("fallback");
    assert!(launch.is_fallback(), "{:?}", launch.lines);
    assert_eq!(launch.assets_url, None, "no manifest verified: no asset root from it");
}

#[test]
fn first_launch_downloads_then_runs_from_the_cache() {
    let fx = Fixture::new("first_launch");
    let js = b"console.log('legacy');\n";
    let manifest = fx.release("1.0.0", ABI_1_4, Some(js));
    let launch = fx.launch().expect("launch");
    assert_eq!(launch.source, Source::Network);
    assert_eq!((launch.version.as_str(), launch.abi), ("1.0.0", AbiVersion { major: 1, minor: 4 }));
    assert_eq!(launch.sha256, manifest.bundle.sha256);
    assert_eq!(launch.bundle, bundle("1.0.0", ABI_1_4));
    assert_eq!(launch.legacy_js.as_deref(), Some(&js[..]));
    assert_eq!(
        launch.lines,
        [format!("delivery: running version 1.0.0 (sha256 {}) from the network", manifest.bundle.sha256)]
    );
    assert!(launch.check_exported_abi(ABI_1_4).is_ok());
    assert!(fx.cache().bundle_path(&manifest.bundle.sha256).is_file());

    let again = fx.launch().expect("second launch");
    assert_eq!(again.source, Source::Cache);
    assert_eq!(fx.requests_for("/bundles/").len(), 1, "the bundle is fetched once");
}

#[test]
fn server_down_runs_last_good() {
    let mut fx = Fixture::new("server_down");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    fx.stop_server();
    let started = Instant::now();
    let launch = fx.launch().expect("fallback");
    assert!(matches!(reason(&launch), FailureReason::ManifestUnreachable(_)), "{:?}", launch.lines);
    assert!(launch.lines[0].starts_with("delivery: failed: manifest unreachable: "), "{:?}", launch.lines);
    assert_fallback(&launch, "1.0.0", &reason(&launch).to_string());
    assert!(started.elapsed() < Duration::from_secs(5));
    fx.assert_last_good("1.0.0");
}

#[test]
fn manifest_404_is_not_retried() {
    let fx = Fixture::new("manifest_404");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    fx.release("2.0.0", ABI_1_4, None);
    let before = fx.requests_for("/manifest.json").len();
    fx.faults(&["status=404@manifest.json"]);
    let launch = fx.launch().expect("fallback");
    assert_fallback(&launch, "1.0.0", "manifest HTTP 404");
    assert_eq!(fx.requests_for("/manifest.json").len() - before, 1, "4xx is not retried");
    fx.assert_last_good("1.0.0");
}

#[test]
fn manifest_500_is_retried_three_times_then_falls_back() {
    let fx = Fixture::new("manifest_500");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    let before = fx.requests_for("/manifest.json").len();
    fx.faults(&["status=500@manifest.json"]);
    let launch = fx.launch().expect("fallback");
    assert_fallback(&launch, "1.0.0", "manifest HTTP 500");
    assert_eq!(fx.requests_for("/manifest.json").len() - before, 3, "three attempts");
    fx.assert_last_good("1.0.0");
}

#[test]
fn manifest_500_once_then_ok_on_retry() {
    let fx = Fixture::new("manifest_500_once");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    fx.release("2.0.0", ABI_1_4, None);
    let before = fx.requests_for("/manifest.json").len();
    fx.faults(&["status=500@manifest.json#1"]);
    let launch = fx.launch().expect("launch");
    assert_eq!((launch.version.as_str(), &launch.source), ("2.0.0", &Source::Network));
    let statuses: Vec<_> = fx.requests_for("/manifest.json")[before..].iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(500), Some(200)]);
    fx.assert_last_good("1.0.0");
}

#[test]
fn slow_manifest_beyond_the_timeout_falls_back() {
    let fx = Fixture::new("slow_manifest");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    fx.faults(&["delay=5000@manifest.json"]);
    let mut options = fx.options();
    options.net.manifest_timeout = Duration::from_millis(300);
    let started = Instant::now();
    let launch = Delivery::new(options).expect("cache").launch().expect("fallback");
    let elapsed = started.elapsed();
    assert_fallback(&launch, "1.0.0", "manifest unreachable: timed out");
    assert!(elapsed >= Duration::from_millis(900), "three attempts of 300 ms: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "not the server's 5 s delay: {elapsed:?}");
    fx.assert_last_good("1.0.0");
}

#[test]
fn slow_bundle_beyond_the_timeout_falls_back() {
    let fx = Fixture::new("slow_bundle");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    fx.release("2.0.0", ABI_1_4, None);
    fx.faults(&["delay=5000@bundles/"]);
    let mut options = fx.options();
    options.net.download_timeout = Duration::from_millis(300);
    let launch = Delivery::new(options).expect("cache").launch().expect("fallback");
    assert_fallback(&launch, "1.0.0", "bundle unreachable: timed out");
    fx.assert_last_good("1.0.0");
}

#[test]
fn truncated_bundle_every_time_falls_back_and_keeps_the_partial() {
    let fx = Fixture::new("truncated_always");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    let manifest = fx.release("2.0.0", ABI_1_4, None);
    fx.faults(&["truncate=100@bundles/"]);
    let launch = fx.launch().expect("fallback");
    // Each attempt resumes where the last stopped and gets 100 more bytes.
    let expected = format!("bundle truncated: got 300 of {} bytes", manifest.bundle.size);
    assert_fallback(&launch, "1.0.0", &expected);
    let partial = fx.cache().partial_path(&manifest.bundle.sha256);
    assert_eq!(std::fs::metadata(&partial).map(|m| m.len()).ok(), Some(300));
    let ranges: Vec<_> = fx.requests_for("/bundles/").iter().skip(1).map(|r| r.range.clone()).collect();
    assert_eq!(ranges, [None, Some("bytes=100-".into()), Some("bytes=200-".into())]);
    fx.assert_last_good("1.0.0");

    // The next launch resumes from the partial file.
    fx.faults(&[]);
    let next = fx.launch().expect("launch");
    assert_eq!((next.version.as_str(), &next.source), ("2.0.0", &Source::Network));
    let last = fx.requests_for("/bundles/").pop().expect("a request");
    assert_eq!((last.range.as_deref(), last.status), (Some("bytes=300-"), Some(206)));
    assert!(!partial.exists(), "the partial file is gone once the bundle is whole");
}

#[test]
fn truncated_bundle_once_resumes_with_range() {
    let fx = Fixture::new("truncated_once");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    let manifest = fx.release("2.0.0", ABI_1_4, None);
    fx.faults(&["truncate=1000@bundles/#1"]);
    let launch = fx.launch().expect("launch");
    assert_eq!((launch.version.as_str(), &launch.source), ("2.0.0", &Source::Network));
    assert_eq!(launch.sha256, manifest.bundle.sha256);
    assert_eq!(sha256_hex(&launch.bundle), manifest.bundle.sha256);
    let requests = fx.requests_for(&format!("/{}", manifest.bundle.url));
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!((requests[0].range.as_deref(), requests[0].bytes), (None, 1000));
    assert_eq!((requests[1].range.as_deref(), requests[1].status), (Some("bytes=1000-"), Some(206)));
    assert_eq!(requests[1].bytes, manifest.bundle.size - 1000);
    fx.assert_last_good("1.0.0");
}

#[test]
fn flipped_byte_is_a_hash_mismatch_and_not_retried() {
    let fx = Fixture::new("flipped_byte");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    let manifest = fx.release("2.0.0", ABI_1_4, None);
    fx.faults(&["corrupt=40@bundles/"]);
    let launch = fx.launch().expect("fallback");
    assert_fallback(&launch, "1.0.0", "bundle hash mismatch");
    assert_eq!(fx.requests_for(&format!("/{}", manifest.bundle.url)).len(), 1, "wrong bytes are not retried");
    assert!(!fx.cache().partial_path(&manifest.bundle.sha256).exists());
    assert!(!fx.cache().bundle_path(&manifest.bundle.sha256).exists(), "nothing that fails a check is kept");
    fx.assert_last_good("1.0.0");
}

#[test]
fn corrupt_legacy_js_falls_back() {
    let fx = Fixture::new("corrupt_js");
    fx.release("1.0.0", ABI_1_4, Some(b"var v = 1;\n"));
    fx.launch_good("1.0.0");
    fx.release("2.0.0", ABI_1_4, Some(b"var v = 2;\n"));
    fx.faults(&["corrupt=4@js/"]);
    let launch = fx.launch().expect("fallback");
    assert_fallback(&launch, "1.0.0", "legacy JS hash mismatch");
    assert_eq!(launch.legacy_js.as_deref(), Some(&b"var v = 1;\n"[..]));
    fx.assert_last_good("1.0.0");
}

#[test]
fn bad_signature_falls_back_without_fetching_the_bundle() {
    let fx = Fixture::new("bad_signature");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    let other = SecretKey::generate().expect("key");
    fx.release_with_key("2.0.0", ABI_1_4, None, &other);
    let bundles_before = fx.requests_for("/bundles/").len();
    let launch = fx.launch().expect("fallback");
    assert_fallback(&launch, "1.0.0", "bad signature");
    assert_eq!(fx.requests_for("/bundles/").len(), bundles_before, "nothing fetched after a bad signature");

    // A manifest edited after signing fails the same way.
    let mut manifest = fx.release("2.0.0", ABI_1_4, None);
    manifest.version = "2.0.1".into();
    let path = fx.release_dir.join("manifest.json");
    std::fs::write(&path, manifest.to_json()).expect("write");
    assert_fallback(&fx.launch().expect("fallback"), "1.0.0", "bad signature");
    fx.assert_last_good("1.0.0");
}

#[test]
fn malformed_signature_is_a_bad_signature() {
    let fx = Fixture::new("malformed_signature");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    let path = fx.release_dir.join("manifest.json");
    let mut manifest: Manifest =
        serde_json::from_slice(&std::fs::read(&path).expect("manifest")).expect("json");
    manifest.signature = "zz".repeat(64);
    std::fs::write(&path, manifest.to_json()).expect("write");
    assert_fallback(&fx.launch().expect("fallback"), "1.0.0", "bad signature");
}

#[test]
fn invalid_manifest_falls_back() {
    let fx = Fixture::new("invalid_manifest");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    std::fs::write(fx.release_dir.join("manifest.json"), b"{\"format\": 1, \"app\": \"touchline\"}")
        .expect("write");
    let launch = fx.launch().expect("fallback");
    let text = reason(&launch).to_string();
    assert!(text.starts_with("manifest invalid: missing field"), "{text}");
    std::fs::write(fx.release_dir.join("manifest.json"), vec![b' '; 70_000]).expect("write");
    let launch = fx.launch().expect("fallback");
    assert_eq!(reason(&launch).to_string(), "manifest invalid: larger than 65536 bytes");
    fx.assert_last_good("1.0.0");
}

#[test]
fn wrong_abi_major_falls_back_without_fetching_the_bundle() {
    let fx = Fixture::new("wrong_abi");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    fx.release("2.0.0", 2 << 16, None);
    let bundles_before = fx.requests_for("/bundles/").len();
    let launch = fx.launch().expect("fallback");
    assert_fallback(&launch, "1.0.0", "wrong ABI: bundle speaks 2.0, host speaks 1.x");
    assert_eq!(fx.requests_for("/bundles/").len(), bundles_before);
    fx.assert_last_good("1.0.0");
}

#[test]
fn gzip_manifest_and_legacy_js_are_decoded() {
    let fx = Fixture::new("gzip");
    let js = "function legacy() { return 'x'; }\n".repeat(50);
    let manifest = fx.release("1.0.0", ABI_1_4, Some(js.as_bytes()));
    let launch = fx.launch().expect("launch");
    assert_eq!(launch.source, Source::Network);
    assert_eq!(launch.legacy_js.as_deref(), Some(js.as_bytes()));
    // The server gzips .json and .js for a client that accepts gzip: fewer bytes went over the
    // wire than the files hold, and the launch still saw the decoded bytes.
    let manifest_file = std::fs::metadata(fx.release_dir.join("manifest.json")).expect("manifest").len();
    let manifest_sent = fx.requests_for("/manifest.json")[0].bytes;
    assert!(manifest_sent < manifest_file, "{manifest_sent} gzip bytes of {manifest_file}");
    let js_sent = fx.requests_for("/js/")[0].bytes;
    assert!(js_sent < manifest.legacy_js.as_ref().expect("js").size, "{js_sent}");
    let bundle_sent = fx.requests_for("/bundles/")[0].bytes;
    assert_eq!(bundle_sent, manifest.bundle.size, "bundles are sent as they are");
}

#[test]
fn manifest_304_uses_the_cached_manifest() {
    let fx = Fixture::new("manifest_304");
    let manifest = fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    let etag = std::fs::read_to_string(fx.cache().etag_path()).expect("etag kept");
    assert_eq!(etag.trim(), format!("\"{}\"", sha256_hex(&manifest.to_json())));
    let launch = fx.launch().expect("launch");
    assert_eq!((launch.version.as_str(), &launch.source), ("1.0.0", &Source::Cache));
    let last = fx.requests_for("/manifest.json").pop().expect("request");
    assert_eq!((last.status, last.bytes), (Some(304), 0));

    // A new release changes the ETag: a 200 with the new manifest.
    fx.release("2.0.0", ABI_1_4, None);
    let launch = fx.launch().expect("launch");
    assert_eq!((launch.version.as_str(), &launch.source), ("2.0.0", &Source::Network));
    fx.assert_last_good("1.0.0");
}

#[test]
fn three_startup_traps_demote_a_bundle() {
    let fx = Fixture::new("demotion");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    let bad = fx.release("2.0.0", ABI_1_4, None);
    let delivery = fx.delivery();
    let launch = delivery.launch().expect("launch");
    assert_eq!(launch.version, "2.0.0");
    // A precompiled module and a start-up snapshot of the bad bundle, as a host keeps them.
    let modules = fx.cache().module_path(&bad.bundle.sha256, "cranelift", "v").with_file_name("");
    std::fs::create_dir_all(&modules).expect("modules dir");
    let module = modules.join(format!("{}-cranelift-v.cwasm", bad.bundle.sha256));
    let snapshot = modules.join(format!("{}-cranelift-v-64x48.snapshot", bad.bundle.sha256));
    for file in [&module, &snapshot] {
        std::fs::write(file, b"m").expect("write");
    }
    for expected in 1..=2 {
        match delivery.record_startup_trap(&launch).expect("count") {
            TrapOutcome::Restart { traps } => assert_eq!(traps, expected),
            other => panic!("trap {expected}: {other:?}"),
        }
    }
    let TrapOutcome::Demoted { line, next } = delivery.record_startup_trap(&launch).expect("count") else {
        panic!("the third trap demotes");
    };
    assert_eq!(line, "delivery: demoted version 2.0.0 (trapped at start-up 3 times)");
    assert!(!fx.cache().bundle_path(&bad.bundle.sha256).exists(), "a demoted bundle's files go");
    assert!(!module.exists() && !snapshot.exists(), "and its modules and snapshots");
    let next = (*next).expect("the last good runs");
    assert_eq!(next.version, "1.0.0");
    assert_eq!(next.lines[0], line);
    assert_eq!(fx.cache().good_list().demoted, std::slice::from_ref(&bad.bundle.sha256));

    // The manifest still names the demoted bundle: it is not run again.
    let launch = fx.launch().expect("fallback");
    assert_fallback(&launch, "1.0.0", "bundle demoted: version 2.0.0 trapped at start-up 3 times");
    fx.assert_last_good("1.0.0");

    // The next release (another hash) runs.
    fx.release("3.0.0", ABI_1_4, None);
    assert_eq!(fx.launch().expect("launch").version, "3.0.0");
}

#[test]
fn start_failure_falls_back_to_the_previous_good_then_to_nothing() {
    let fx = Fixture::new("start_failure");
    fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    fx.release("2.0.0", ABI_1_4, None);
    let delivery = fx.delivery();
    let launch = delivery.launch().expect("launch");
    assert_eq!(launch.version, "2.0.0");
    let detail = launch.check_exported_abi((1 << 16) | 3).expect_err("1.3 is not the manifest's 1.4");
    assert_eq!(detail, "it exports ABI 1.3, the manifest says 1.4");
    let fallback = delivery.fallback_after_start_failure(&launch, &detail).expect("fallback");
    assert_fallback(&fallback, "1.0.0", "bundle does not start: it exports ABI 1.3, the manifest says 1.4");
    let none = delivery.fallback_after_start_failure(&fallback, "trap in init").expect_err("nothing left");
    assert_eq!(none.to_string(), "no bundle to run: bundle does not start: trap in init");
    fx.assert_last_good("1.0.0");
}

#[test]
fn no_cache_and_a_failure_is_no_bundle() {
    let fx = Fixture::new("no_bundle");
    fx.release("1.0.0", ABI_1_4, None);
    fx.faults(&["status=404@manifest.json"]);
    let no = fx.launch().expect_err("nothing to run");
    assert_eq!(no.reason, FailureReason::ManifestHttp(404));
    assert_eq!(no.to_string(), "no bundle to run: manifest HTTP 404");
    assert_eq!(no.lines, ["delivery: failed: manifest HTTP 404"]);

    fx.faults(&["drop@bundles/"]);
    let no = fx.launch().expect_err("nothing to run");
    assert!(
        matches!(
            &no.reason,
            FailureReason::File { kind: FileKind::Bundle, failure: FileFailure::Unreachable(_) }
        ),
        "{no}"
    );
    assert!(fx.cache().good_list().good.is_empty());
}

#[test]
fn a_damaged_cached_bundle_is_fetched_again() {
    let fx = Fixture::new("damaged_cache");
    let manifest = fx.release("1.0.0", ABI_1_4, None);
    fx.launch_good("1.0.0");
    let path = fx.cache().bundle_path(&manifest.bundle.sha256);
    let mut bytes = std::fs::read(&path).expect("cached");
    bytes[20] ^= 1;
    std::fs::write(&path, &bytes).expect("damage");
    let launch = fx.launch().expect("launch");
    assert_eq!((launch.version.as_str(), &launch.source), ("1.0.0", &Source::Network));
    assert_eq!(std::fs::read(&path).expect("cached again"), bundle("1.0.0", ABI_1_4));
}

#[test]
fn good_json_keeps_three_newest_first() {
    let fx = Fixture::new("good_three");
    for v in ["1", "2", "3", "4"] {
        fx.release(v, ABI_1_4, None);
        fx.launch_good(v);
    }
    let list = fx.cache().good_list();
    let versions: Vec<_> = list.good.iter().map(|g: &GoodEntry| g.version.as_str()).collect();
    assert_eq!(versions, ["4", "3", "2"]);
    let oldest = sha256_hex(&bundle("1", ABI_1_4));
    assert!(!fx.cache().bundle_path(&oldest).exists(), "the fourth version's files are deleted");
}

#[test]
fn dev_key_pair_matches_and_is_built_in() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let secret = SecretKey::read(&root.join("tools/keys/dev.secret")).expect("dev.secret");
    assert_eq!(secret.public(), PublicKey::dev());
    let public = std::fs::read_to_string(root.join("tools/keys/dev.public")).expect("dev.public");
    assert_eq!(public.trim(), PublicKey::dev().to_hex());
}

#[test]
fn keygen_and_release_cli_make_a_release_the_host_runs() {
    let root = temp_dir("cli");
    let exe = env!("CARGO_BIN_EXE_touchline");
    let key = root.join("test-key");
    let out = Command::new(exe).args(["keygen", "--out"]).arg(&key).output().expect("keygen runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = Command::new(exe).args(["keygen", "--out"]).arg(&key).output().expect("keygen runs");
    assert!(!again.status.success(), "keygen does not overwrite a key");

    let wasm = root.join("fixture.wasm");
    std::fs::write(&wasm, bundle("cli", ABI_1_4)).expect("fixture");
    let js = root.join("legacy.js");
    std::fs::write(&js, "var cli = true;\n").expect("js");
    let dir = root.join("release");
    let out = Command::new(exe)
        .args(["release", "--version", "9.9.9", "--out"])
        .arg(&dir)
        .arg("--bundle")
        .arg(&wasm)
        .arg("--legacy-js")
        .arg(&js)
        .arg("--key")
        .arg(key.with_extension("secret"))
        .output()
        .expect("release runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let manifest =
        Manifest::parse(&std::fs::read(dir.join("manifest.json")).expect("manifest")).expect("valid");
    assert_eq!((manifest.version.as_str(), manifest.abi), ("9.9.9", AbiVersion { major: 1, minor: 4 }));
    assert!(dir.join(&manifest.bundle.url).is_file());
    assert!(dir.join(manifest.legacy_js.as_ref().expect("js").url.as_str()).is_file());
    assert!(
        !dir.read_dir()
            .expect("dir")
            .any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().contains(".tmp")))
    );

    // A bundle without the export needs --abi; a bundle with one refuses a different --abi.
    let bare = root.join("bare.wasm");
    std::fs::write(&bare, wat::parse_str("(module)").expect("wat")).expect("bare");
    let release = |bundle: &Path, abi: Option<&str>| {
        let mut cmd = Command::new(exe);
        cmd.args(["release", "--version", "1", "--no-legacy-js", "--out"])
            .arg(&dir)
            .arg("--bundle")
            .arg(bundle);
        cmd.arg("--key").arg(key.with_extension("secret"));
        if let Some(abi) = abi {
            cmd.args(["--abi", abi]);
        }
        cmd.output().expect("release runs")
    };
    let out = release(&bare, None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `touchline_abi_version`"), "{out:?}");
    assert!(release(&bare, Some("1.2")).status.success());
    assert!(!release(&wasm, Some("1.2")).status.success());

    // The release the CLI made is served and launched.
    let server = Server::start(&dir, "127.0.0.1:0", ServeOptions::default()).expect("serve");
    std::fs::write(dir.join("manifest.json"), manifest.to_json()).expect("restore the 9.9.9 manifest");
    let key_hex = std::fs::read_to_string(key.with_extension("public")).expect("public");
    let mut options = LaunchOptions::new(format!("{}manifest.json", server.url()), root.join("cache"));
    options.public_key = PublicKey::from_hex(&key_hex).expect("public key");
    let launch = Delivery::new(options).expect("cache").launch().expect("launch");
    assert_eq!((launch.version.as_str(), &launch.source), ("9.9.9", &Source::Network));
    assert_eq!(launch.legacy_js.as_deref(), Some(&b"var cli = true;\n"[..]));
}
