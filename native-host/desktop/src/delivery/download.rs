//! The network side of delivery (`docs/delivery.md`, "Network behaviour"): timeouts, retries
//! with backoff, `Range` resume from `partial/<sha256>.part`, gzip, and `ETag`/`304` for the
//! manifest. Blocking, on `ureq` (already the host's HTTP client for `Fetch`).

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use flate2::read::MultiGzDecoder;

use super::manifest::MAX_MANIFEST_BYTES;
use super::signing::sha256_hex;

/// Timeouts and retry policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetOptions {
    /// Connecting (DNS, TCP, TLS) may take this long.
    pub connect_timeout: Duration,
    /// One manifest request, start to end.
    pub manifest_timeout: Duration,
    /// One bundle or legacy JS request, start to end (`--download-timeout-ms`).
    pub download_timeout: Duration,
    /// Attempts per file (the first included).
    pub attempts: u32,
    /// The wait before the second attempt; it doubles for each one after.
    pub backoff_base: Duration,
    /// Multiply each wait by a random 0.5–1.5, so a fleet of devices does not retry in step.
    pub jitter: bool,
}

impl Default for NetOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            manifest_timeout: Duration::from_millis(5_000),
            download_timeout: Duration::from_millis(20_000),
            attempts: 3,
            backoff_base: Duration::from_millis(200),
            jitter: true,
        }
    }
}

/// Why a download failed (after retries, when the failure is one that is retried).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Connection refused, DNS, TLS, a timeout, a dropped connection.
    #[error("unreachable: {0}")]
    Unreachable(String),
    /// A status other than the one expected.
    #[error("HTTP {0}")]
    Http(u16),
    /// The body ended before `expected` bytes (`got` counts what the partial file holds).
    #[error("truncated: got {got} of {expected} bytes")]
    Truncated {
        /// Bytes received so far, resumed ones included.
        got: u64,
        /// Bytes the manifest (or `Content-Length`) promised.
        expected: u64,
    },
    /// A longer body, or a `Content-Length` that disagrees with the manifest.
    #[error("size mismatch: got {got}, manifest says {expected}")]
    SizeMismatch {
        /// The size received or announced.
        got: u64,
        /// The manifest's `size`.
        expected: u64,
    },
    /// The SHA-256 of the whole file differs from the manifest's.
    #[error("hash mismatch")]
    HashMismatch,
    /// The manifest is over [`MAX_MANIFEST_BYTES`].
    #[error("larger than {MAX_MANIFEST_BYTES} bytes")]
    TooLarge,
}

impl FetchError {
    /// Connection failures, timeouts, 5xx and short bodies are retried; 4xx and wrong bytes
    /// are not (a CDN serving wrong bytes will serve them again).
    pub fn is_retried(&self) -> bool {
        match self {
            Self::Unreachable(_) | Self::Truncated { .. } => true,
            Self::Http(status) => (500..600).contains(status),
            Self::SizeMismatch { .. } | Self::HashMismatch | Self::TooLarge => false,
        }
    }
}

/// A manifest request's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManifestFetch {
    /// `200`: the (decoded) body and its `ETag`.
    Fresh {
        /// The manifest's bytes.
        bytes: Vec<u8>,
        /// The `ETag` to send as `If-None-Match` next time.
        etag: Option<String>,
    },
    /// `304`: the cached manifest is current.
    NotModified,
}

/// What to download and where its partial bytes live.
#[derive(Clone, Copy, Debug)]
pub struct FileRequest<'a> {
    /// Absolute URL.
    pub url: &'a str,
    /// Size of the decoded file.
    pub size: u64,
    /// SHA-256 of the decoded file.
    pub sha256: &'a str,
    /// `partial/<sha256>.part`.
    pub partial: &'a Path,
}

/// A blocking HTTP client with the delivery policy.
#[derive(Debug)]
pub struct Client {
    options: NetOptions,
    manifest_agent: ureq::Agent,
    file_agent: ureq::Agent,
}

/// Redirects a CDN may send.
const MAX_REDIRECTS: u32 = 5;
/// Read size while streaming a body to disk.
const CHUNK: usize = 64 * 1024;

fn agent(connect: Duration, total: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(connect))
        .timeout_global(Some(total))
        .http_status_as_error(false)
        .max_redirects(MAX_REDIRECTS)
        .save_redirect_history(false)
        .build()
        .into()
}

impl Client {
    /// A client with these options.
    pub fn new(options: &NetOptions) -> Self {
        Self {
            manifest_agent: agent(options.connect_timeout, options.manifest_timeout),
            file_agent: agent(options.connect_timeout, options.download_timeout),
            options: options.clone(),
        }
    }

    /// Runs `attempt` up to `attempts` times while it fails with a retried error.
    fn with_retries<T>(&self, mut attempt: impl FnMut() -> Result<T, FetchError>) -> Result<T, FetchError> {
        let attempts = self.options.attempts.max(1);
        let mut n = 0;
        loop {
            match attempt() {
                Ok(value) => return Ok(value),
                Err(e) if e.is_retried() && n + 1 < attempts => {
                    std::thread::sleep(self.backoff(n));
                    n += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The wait after failed attempt `n` (0-based): base, 2 × base, … × jitter.
    pub fn backoff(&self, n: u32) -> Duration {
        let wait = self.options.backoff_base.saturating_mul(1 << n.min(16));
        if !self.options.jitter {
            return wait;
        }
        // 0.5–1.5 from the OS random source; without one, no jitter is better than no wait.
        let unit = getrandom::u32().map_or(0.5, |r| f64::from(r) / f64::from(u32::MAX));
        wait.mul_f64(0.5 + unit)
    }

    /// GETs the manifest: `If-None-Match` when an `ETag` is known, gzip accepted, at most
    /// [`MAX_MANIFEST_BYTES`] decoded.
    pub fn fetch_manifest(&self, url: &str, etag: Option<&str>) -> Result<ManifestFetch, FetchError> {
        self.with_retries(|| {
            let mut request = self.manifest_agent.get(url).header("Accept-Encoding", "gzip");
            if let Some(etag) = etag {
                request = request.header("If-None-Match", etag);
            }
            let response = request.call().map_err(|e| FetchError::Unreachable(describe(&e)))?;
            match response.status().as_u16() {
                200 => {}
                304 if etag.is_some() => return Ok(ManifestFetch::NotModified),
                status => return Err(FetchError::Http(status)),
            }
            let etag = header(&response, "etag");
            let gzip = is_gzip(&response);
            let limit = MAX_MANIFEST_BYTES as u64;
            if !gzip && response.body().content_length().is_some_and(|len| len > limit) {
                return Err(FetchError::TooLarge);
            }
            let mut reader = decoded(response, gzip).take(limit + 1);
            let mut bytes = Vec::new();
            if let Err(e) = reader.read_to_end(&mut bytes) {
                return Err(FetchError::Unreachable(format!(
                    "the body ended after {} bytes: {}",
                    bytes.len(),
                    describe_io(&e)
                )));
            }
            if bytes.len() as u64 > limit {
                return Err(FetchError::TooLarge);
            }
            Ok(ManifestFetch::Fresh { bytes, etag })
        })
    }

    /// Downloads a file the manifest names into memory, through its partial file: a short
    /// body is kept there and resumed with `Range` (by the next attempt, or the next launch).
    /// The size and the SHA-256 of the whole file are checked; on success the partial file is
    /// removed.
    pub fn fetch_file(&self, file: &FileRequest<'_>) -> Result<Vec<u8>, FetchError> {
        let mut bytes = std::fs::read(file.partial).unwrap_or_default();
        if bytes.len() as u64 >= file.size {
            // A whole file left behind (the launch stopped before storing it) or junk.
            if bytes.len() as u64 == file.size && sha256_hex(&bytes) == file.sha256 {
                remove_partial(file.partial);
                return Ok(bytes);
            }
            bytes.clear();
            remove_partial(file.partial);
        }
        let result = self.with_retries(|| self.attempt_file(file, &mut bytes));
        match result {
            Ok(()) if sha256_hex(&bytes) == file.sha256 => {
                remove_partial(file.partial);
                Ok(bytes)
            }
            Ok(()) => {
                remove_partial(file.partial);
                Err(FetchError::HashMismatch)
            }
            Err(e @ FetchError::Truncated { .. }) => Err(e),
            Err(e) if !e.is_retried() => {
                // Wrong bytes: nothing worth resuming.
                remove_partial(file.partial);
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// One request for the rest of `file` after the `bytes` already held.
    fn attempt_file(&self, file: &FileRequest<'_>, bytes: &mut Vec<u8>) -> Result<(), FetchError> {
        let offset = bytes.len() as u64;
        let mut request = self.file_agent.get(file.url);
        request = if offset > 0 {
            // Identity only: a range of gzip bytes could not be appended to decoded ones.
            request.header("Range", format!("bytes={offset}-")).header("Accept-Encoding", "identity")
        } else {
            request.header("Accept-Encoding", "gzip")
        };
        let response = request.call().map_err(|e| FetchError::Unreachable(describe(&e)))?;
        let status = response.status().as_u16();
        match status {
            206 if offset > 0 => {
                let range = header(&response, "content-range").unwrap_or_default();
                match parse_content_range(&range) {
                    Some((_, _, Some(total))) if total != file.size => {
                        return Err(FetchError::SizeMismatch { got: total, expected: file.size });
                    }
                    Some((start, _, _)) if start == offset => {}
                    _ => {
                        // Not the range asked for: start over next attempt.
                        bytes.clear();
                        remove_partial(file.partial);
                        return Err(FetchError::Unreachable(format!("unexpected Content-Range {range:?}")));
                    }
                }
            }
            200 => {
                // The server ignored the range (or none was sent): start over.
                bytes.clear();
                remove_partial(file.partial);
            }
            416 if offset > 0 => {
                bytes.clear();
                remove_partial(file.partial);
                return Err(FetchError::Unreachable("the server refused to resume (416)".into()));
            }
            status => return Err(FetchError::Http(status)),
        }
        let gzip = is_gzip(&response);
        let remaining = file.size - bytes.len() as u64;
        if let Some(len) = response.body().content_length().filter(|&len| !gzip && len != remaining) {
            let got = bytes.len() as u64 + len;
            bytes.clear();
            remove_partial(file.partial);
            return Err(FetchError::SizeMismatch { got, expected: file.size });
        }
        let mut partial =
            OpenOptions::new().create(true).append(true).open(file.partial).map_err(|e| {
                FetchError::Unreachable(format!("cannot write {}: {e}", file.partial.display()))
            })?;
        let mut reader = decoded(response, gzip);
        let mut chunk = vec![0u8; CHUNK];
        loop {
            let n = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            if bytes.len() as u64 + n as u64 > file.size {
                let got = bytes.len() as u64 + n as u64;
                bytes.clear();
                remove_partial(file.partial);
                return Err(FetchError::SizeMismatch { got, expected: file.size });
            }
            bytes.extend_from_slice(&chunk[..n]);
            // Without the partial file the next attempt starts over, which is only slower.
            if partial.write_all(&chunk[..n]).is_err() {
                remove_partial(file.partial);
            }
        }
        let _ = partial.flush();
        if (bytes.len() as u64) < file.size {
            return Err(FetchError::Truncated { got: bytes.len() as u64, expected: file.size });
        }
        Ok(())
    }
}

fn remove_partial(path: &Path) {
    // Missing is fine: it only means there is nothing to resume.
    let _ = std::fs::remove_file(path);
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn is_gzip(response: &ureq::http::Response<ureq::Body>) -> bool {
    header(response, "content-encoding").is_some_and(|v| v.trim().eq_ignore_ascii_case("gzip"))
}

/// The body as sent, or gunzipped.
fn decoded(response: ureq::http::Response<ureq::Body>, gzip: bool) -> Box<dyn Read + Send> {
    let reader = response.into_body().into_reader();
    if gzip { Box::new(MultiGzDecoder::new(reader)) } else { Box::new(reader) }
}

/// `bytes START-END/TOTAL` (TOTAL may be `*`).
pub fn parse_content_range(value: &str) -> Option<(u64, u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let total = if total.trim() == "*" { None } else { Some(total.trim().parse().ok()?) };
    Some((start.trim().parse().ok()?, end.trim().parse().ok()?, total))
}

/// A client error in a few words (the `DETAIL` of `unreachable: DETAIL`).
pub fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::Io(e) => describe_io(e),
        other => other.to_string(),
    }
}

fn describe_io(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    if let Some(inner) = error.get_ref().and_then(|inner| inner.downcast_ref::<ureq::Error>()) {
        return describe(inner);
    }
    match error.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => "timed out".to_owned(),
        ErrorKind::ConnectionRefused => "connection refused".to_owned(),
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => "connection reset".to_owned(),
        ErrorKind::UnexpectedEof => "connection closed early".to_owned(),
        _ => error.to_string(),
    }
}
