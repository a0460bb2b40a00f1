//! The release manifest (`docs/delivery.md`, "The manifest"): its JSON form, its checks, the
//! exact bytes its signature covers, and how its relative URLs resolve.

use serde::{Deserialize, Serialize};

/// The only manifest format this host reads.
pub const MANIFEST_FORMAT: u32 = 1;
/// A manifest larger than this is `ManifestInvalid`.
pub const MAX_MANIFEST_BYTES: usize = 64 * 1024;
/// The largest bundle a manifest may name.
pub const MAX_BUNDLE_BYTES: u64 = 64 * 1024 * 1024;
/// The largest legacy JS file a manifest may name.
pub const MAX_LEGACY_JS_BYTES: u64 = 1024 * 1024;
/// The longest `app` or `version`, in bytes.
pub const MAX_NAME_BYTES: usize = 128;
/// The longest `assets` URL, in bytes.
pub const MAX_ASSETS_URL_BYTES: usize = 2048;
/// The first line of the signed message; bumping it invalidates every old signature.
pub const SIGNED_MESSAGE_TAG: &str = "touchline-manifest-v1";

/// An ABI version as `major.minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AbiVersion {
    /// Hosts refuse a bundle whose major version they do not speak.
    pub major: u16,
    /// Additions older hosts may ignore.
    pub minor: u16,
}

impl AbiVersion {
    /// From the packed form a bundle exports (`major << 16 | minor`).
    pub fn from_packed(packed: u32) -> Self {
        // Both halves fit in 16 bits by construction.
        Self { major: (packed >> 16) as u16, minor: (packed & 0xffff) as u16 }
    }

    /// The packed form a bundle exports.
    pub fn packed(self) -> u32 {
        (u32::from(self.major) << 16) | u32::from(self.minor)
    }
}

impl std::fmt::Display for AbiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl std::str::FromStr for AbiVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not MAJOR.MINOR (two numbers below 65536)");
        let (major, minor) = s.split_once('.').ok_or_else(bad)?;
        Ok(Self { major: major.parse().map_err(|_| bad())?, minor: minor.parse().map_err(|_| bad())? })
    }
}

/// One downloadable file a manifest names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    /// Relative to the manifest's URL, or absolute `http(s)://`.
    pub url: String,
    /// Size in bytes of the (decoded) file.
    pub size: u64,
    /// SHA-256 of the (decoded) file, 64 lowercase hex characters.
    pub sha256: String,
}

/// A parsed, checked manifest. Its signature is verified separately
/// ([`crate::delivery::signing::verify_manifest`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: u32,
    /// The app's name (`touchline`).
    pub app: String,
    /// The release's version, shown in logs and kept in `good.json`.
    pub version: String,
    /// The ABI version the bundle exports.
    pub abi: AbiVersion,
    /// The wasm bundle.
    pub bundle: FileRef,
    /// The legacy JS that goes with it, when the release has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_js: Option<FileRef>,
    /// The release's asset directory (`assets/`): where a delivered run's relative image,
    /// fetch and video URLs resolve. A URL ending in `/`, relative to the manifest's or
    /// absolute `http(s)://`. Not signed (no URL is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<String>,
    /// 128 lowercase hex characters: Ed25519 over [`Manifest::signed_message`].
    pub signature: String,
}

/// Why a manifest is `ManifestInvalid`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// Over [`MAX_MANIFEST_BYTES`].
    #[error("larger than {MAX_MANIFEST_BYTES} bytes")]
    TooLarge,
    /// Not JSON, a missing field or a field of the wrong type (serde's words).
    #[error("{0}")]
    Json(String),
    /// A field that parsed but breaks a rule of the format.
    #[error("{field}: {problem}")]
    Field {
        /// Which field, e.g. `bundle.sha256`.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
}

fn field(field: &'static str, problem: impl Into<String>) -> ManifestError {
    ManifestError::Field { field, problem: problem.into() }
}

impl Manifest {
    /// Parses and checks a manifest's bytes (everything but the signature).
    pub fn parse(bytes: &[u8]) -> Result<Self, ManifestError> {
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(ManifestError::TooLarge);
        }
        let manifest: Manifest =
            serde_json::from_slice(bytes).map_err(|e| ManifestError::Json(e.to_string()))?;
        manifest.check()?;
        Ok(manifest)
    }

    /// The rules serde cannot express.
    pub fn check(&self) -> Result<(), ManifestError> {
        if self.format != MANIFEST_FORMAT {
            return Err(field("format", format!("is {}, this host reads {MANIFEST_FORMAT}", self.format)));
        }
        check_name("app", &self.app)?;
        check_name("version", &self.version)?;
        check_file("bundle", &self.bundle, MAX_BUNDLE_BYTES)?;
        if let Some(js) = &self.legacy_js {
            check_file("legacy_js", js, MAX_LEGACY_JS_BYTES)?;
        }
        if let Some(assets) = &self.assets {
            check_assets(assets)?;
        }
        Ok(())
    }

    /// The asset root this manifest names, resolved against `manifest_url`.
    pub fn assets_url(&self, manifest_url: &str) -> Option<String> {
        self.assets.as_deref().map(|assets| resolve_url(manifest_url, assets))
    }

    /// The exact bytes the signature covers (`docs/delivery.md`, "The signed message").
    pub fn signed_message(&self) -> Vec<u8> {
        signed_message(&self.app, &self.version, self.abi, &self.bundle, self.legacy_js.as_ref())
    }

    /// The manifest as written by `touchline release`: pretty JSON with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        // A struct of strings and numbers always serializes.
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// The signed message for these fields: UTF-8, every line ending in `\n`.
pub fn signed_message(
    app: &str,
    version: &str,
    abi: AbiVersion,
    bundle: &FileRef,
    legacy_js: Option<&FileRef>,
) -> Vec<u8> {
    let js = match legacy_js {
        Some(js) => format!("legacy_js={} {}\n", js.size, js.sha256),
        None => "legacy_js=none\n".to_owned(),
    };
    format!(
        "{SIGNED_MESSAGE_TAG}\napp={app}\nversion={version}\nabi={abi}\nbundle={} {}\n{js}",
        bundle.size, bundle.sha256
    )
    .into_bytes()
}

fn check_name(name: &'static str, value: &str) -> Result<(), ManifestError> {
    if value.is_empty() {
        return Err(field(name, "is empty"));
    }
    if value.len() > MAX_NAME_BYTES {
        return Err(field(name, format!("is longer than {MAX_NAME_BYTES} bytes")));
    }
    // Printable ASCII keeps the signed message one line per field.
    if !value.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(field(name, "is not printable ASCII"));
    }
    Ok(())
}

fn check_file(name: &'static str, file: &FileRef, max: u64) -> Result<(), ManifestError> {
    let (url, size, sha) = match name {
        "bundle" => ("bundle.url", "bundle.size", "bundle.sha256"),
        _ => ("legacy_js.url", "legacy_js.size", "legacy_js.sha256"),
    };
    if file.size > max {
        return Err(field(size, format!("{} is over the limit of {max} bytes", file.size)));
    }
    if !is_sha256_hex(&file.sha256) {
        return Err(field(sha, "is not 64 lowercase hex characters"));
    }
    if file.url.is_empty() || file.url.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
        return Err(field(url, "is empty or has spaces or non-ASCII characters"));
    }
    if file.url.contains("://") && !is_http_url(&file.url) {
        return Err(field(url, "is absolute but not http:// or https://"));
    }
    Ok(())
}

fn check_assets(url: &str) -> Result<(), ManifestError> {
    if url.len() > MAX_ASSETS_URL_BYTES {
        return Err(field("assets", format!("is longer than {MAX_ASSETS_URL_BYTES} bytes")));
    }
    if url.is_empty() || url.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
        return Err(field("assets", "is empty or has spaces or non-ASCII characters"));
    }
    if has_scheme(url) && !is_http_url(url) {
        return Err(field("assets", "is absolute but not http:// or https://"));
    }
    if !url.ends_with('/') {
        return Err(field("assets", "does not end with `/`"));
    }
    Ok(())
}

/// True when `url` starts with an RFC 3986 scheme and a colon (`ftp:`, `file:`, `data:`).
fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// True for 64 lowercase hex characters.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_http_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Resolves a manifest's `url` against the manifest's own URL, as a browser resolves a relative
/// link: absolute `http(s)://` URLs as they are, `/path` against the origin, anything else
/// against the manifest's URL up to its last `/` (query and fragment removed first).
pub fn resolve_url(manifest_url: &str, url: &str) -> String {
    if is_http_url(url) {
        return url.to_owned();
    }
    let base = manifest_url.split(['?', '#']).next().unwrap_or(manifest_url);
    // The authority ends at the first `/` after `scheme://`.
    let path_start = base.find("://").map(|i| i + 3).and_then(|i| base[i..].find('/').map(|j| i + j));
    if let Some(rest) = url.strip_prefix("//") {
        let scheme = base.split("://").next().unwrap_or("http");
        return format!("{scheme}://{rest}");
    }
    if url.starts_with('/') {
        let origin = path_start.map_or(base, |i| &base[..i]);
        return format!("{origin}{url}");
    }
    match path_start {
        Some(start) => {
            let dir_end = base[start..].rfind('/').map_or(base.len(), |i| start + i + 1);
            format!("{}{url}", &base[..dir_end])
        }
        None => format!("{base}/{url}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_a_browser() {
        let m = "http://cdn.example/app/v1/manifest.json?x=/y";
        assert_eq!(resolve_url(m, "bundles/a.wasm"), "http://cdn.example/app/v1/bundles/a.wasm");
        assert_eq!(resolve_url(m, "/b.wasm"), "http://cdn.example/b.wasm");
        assert_eq!(resolve_url(m, "https://other/c.wasm"), "https://other/c.wasm");
        assert_eq!(resolve_url("http://h:1", "a.wasm"), "http://h:1/a.wasm");
        assert_eq!(resolve_url("http://h/m.json", "//o/a"), "http://o/a");
    }

    fn manifest_with_assets(assets: Option<&str>) -> Vec<u8> {
        let sha = "a".repeat(64);
        let mut json = serde_json::json!({
            "format": 1, "app": "touchline", "version": "1.0", "abi": { "major": 1, "minor": 6 },
            "bundle": { "url": "bundles/b.wasm", "size": 10, "sha256": sha },
            "signature": "0".repeat(128), "unknown": true,
        });
        if let Some(assets) = assets {
            json["assets"] = assets.into();
        }
        serde_json::to_vec(&json).expect("json")
    }

    #[test]
    fn assets_field_is_optional_and_checked() {
        let parse = |assets| Manifest::parse(&manifest_with_assets(assets));
        assert_eq!(parse(None).expect("no assets").assets, None);
        for good in ["assets/", "/", "/cdn/assets/", "HTTPS://cdn.example/a/", "http://h:1/x/", "a%20b/"] {
            let manifest = parse(Some(good)).unwrap_or_else(|e| panic!("{good:?}: {e}"));
            assert_eq!(manifest.assets.as_deref(), Some(good));
        }
        let long = format!("{}/", "a".repeat(MAX_ASSETS_URL_BYTES - 1));
        assert!(parse(Some(&long)).is_ok(), "2048 bytes is fine");
        let too_long = format!("{}/", "a".repeat(MAX_ASSETS_URL_BYTES));
        for bad in [
            "",
            "assets",
            "http://cdn.example/assets",
            "ftp://cdn.example/assets/",
            "file:///srv/assets/",
            "data:x/",
            "as sets/",
            "assets\n/",
            "assets\u{7f}/",
            "assets\t/",
            "équipe/",
            too_long.as_str(),
        ] {
            let error = parse(Some(bad)).expect_err(bad);
            assert!(matches!(error, ManifestError::Field { field: "assets", .. }), "{bad:?}: {error}");
        }
        // A field of the wrong type is serde's error, as for every field.
        let mut json: serde_json::Value = serde_json::from_slice(&manifest_with_assets(None)).expect("json");
        json["assets"] = 7.into();
        assert!(matches!(
            Manifest::parse(&serde_json::to_vec(&json).expect("json")),
            Err(ManifestError::Json(_))
        ));
    }

    #[test]
    fn assets_resolve_like_the_other_urls() {
        let manifest = Manifest::parse(&manifest_with_assets(Some("assets/"))).expect("manifest");
        assert_eq!(
            manifest.assets_url("http://127.0.0.1:8080/app/manifest.json?v=2").as_deref(),
            Some("http://127.0.0.1:8080/app/assets/")
        );
        assert_eq!(
            Manifest::parse(&manifest_with_assets(None)).expect("manifest").assets_url("http://h/m.json"),
            None
        );
        // Not signed: the signed message is the same with and without it.
        let without = Manifest::parse(&manifest_with_assets(None)).expect("manifest");
        assert_eq!(manifest.signed_message(), without.signed_message());
        // Written back only when present.
        assert!(String::from_utf8_lossy(&manifest.to_json()).contains("\"assets\": \"assets/\""));
        assert!(!String::from_utf8_lossy(&without.to_json()).contains("assets"));
    }

    #[test]
    fn signed_message_is_the_documented_text() {
        let file = |size, c: char| FileRef { url: "x".into(), size, sha256: c.to_string().repeat(64) };
        let text =
            signed_message("touchline", "1.0", AbiVersion { major: 1, minor: 4 }, &file(10, 'a'), None);
        let expected = format!(
            "touchline-manifest-v1\napp=touchline\nversion=1.0\nabi=1.4\nbundle=10 {}\nlegacy_js=none\n",
            "a".repeat(64)
        );
        assert_eq!(String::from_utf8_lossy(&text), expected);
    }
}
