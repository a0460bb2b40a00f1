//! `Fetch` requests (ABI 1.3): where a URL points, reading files, and HTTP on worker threads.
//!
//! The rules are `docs/host-abi.md`'s, shared with the C++ device host:
//!
//! * `http://` and `https://` URLs (scheme case-insensitive) are fetched over the network, on
//!   worker threads so the frame loop never waits: at most [`MAX_FETCHES_IN_FLIGHT`] at once,
//!   the rest queued in request order. Such a URL must be printable ASCII (no spaces or
//!   control characters: percent-encode the rest) with a non-empty authority, else
//!   [`FetchError::BadUrl`]. The answer is the server's status and body (any status,
//!   redirects followed up to [`MAX_REDIRECTS`]); a failed connection (refused, reset, no
//!   such host, TLS) is [`FetchError::Network`], no complete answer within the timeout
//!   [`FetchError::Timeout`], a body over [`MAX_FETCH_BODY_BYTES`] (declared or sent)
//!   [`FetchError::TooLarge`]. A POST sends its body as `application/octet-stream`; a GET
//!   sends none.
//! * Every other URL names a file, as image URLs do ([`crate::images::resolve_url`]): a
//!   relative path under the asset root, or `file:///abs/path`; anything else (another
//!   scheme, `..`, an absolute path, ...) is [`FetchError::BadUrl`]. Files are read
//!   synchronously, whatever the method: a regular file answers 200 and its bytes, a missing
//!   path or anything but a regular file 404 and no body, any other read error 500 and no
//!   body; a file over [`MAX_FETCH_BODY_BYTES`] is [`FetchError::TooLarge`].
//! * Under a URL asset root ([`AssetRoot::Url`], [`resolve`]) a relative path is that
//!   root's URL and the path, fetched over the network like any `http(s)://` URL.
//! * `timeout_ms` 0 means [`DEFAULT_FETCH_TIMEOUT_MS`]; longer timeouts are capped at
//!   [`MAX_FETCH_TIMEOUT_MS`].

use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use touchline_abi::{DEFAULT_FETCH_TIMEOUT_MS, FetchError, FetchMethod, ImageError, MAX_FETCH_BODY_BYTES};

use crate::images::{self, AssetRoot, Located};

/// The most network fetches running at once; more wait in a queue.
pub const MAX_FETCHES_IN_FLIGHT: usize = 4;
/// The longest timeout a fetch gets, whatever it asks for: 5 minutes.
pub const MAX_FETCH_TIMEOUT_MS: u32 = 300_000;
/// The most redirects an HTTP fetch follows.
pub const MAX_REDIRECTS: u32 = 5;

/// What a fetch came to: an HTTP status and a body, or why there is none.
pub type Outcome = Result<(u32, Vec<u8>), FetchError>;

/// Where a fetch URL points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A file: under the asset root, or a `file://` path.
    File(PathBuf),
    /// An `http://` or `https://` URL, checked as the module documentation says.
    Http(String),
}

/// The timeout a fetch gets for its `timeout_ms`.
pub fn timeout(timeout_ms: u32) -> Duration {
    let ms = if timeout_ms == 0 { DEFAULT_FETCH_TIMEOUT_MS } else { timeout_ms };
    Duration::from_millis(u64::from(ms.min(MAX_FETCH_TIMEOUT_MS)))
}

/// True when `url` starts with `http://` or `https://` (any case).
pub fn is_http(url: &str) -> bool {
    let starts = |prefix: &str| url.get(..prefix.len()).is_some_and(|s| s.eq_ignore_ascii_case(prefix));
    starts("http://") || starts("https://")
}

/// Where `url` points; relative paths resolve under `root` (under a URL root they are
/// fetched over HTTP).
pub fn resolve(root: AssetRoot<'_>, url: &str) -> Result<Target, FetchError> {
    if is_http(url) {
        return check_http(url).map(Target::Http);
    }
    match images::locate(root, url) {
        Ok(Located::File(path)) => Ok(Target::File(path)),
        Ok(Located::Http(url)) => check_http(&url).map(Target::Http),
        Err(ImageError::BadUrl) => Err(FetchError::BadUrl),
        Err(_) => Err(FetchError::Other),
    }
}

/// An `http(s)://` URL as the fetch rule takes it: printable ASCII, a non-empty authority.
pub fn check_http(url: &str) -> Result<String, FetchError> {
    let rest = &url[url.find("//").map_or(0, |i| i + 2)..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if !is_http(url) || authority.is_empty() || !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(FetchError::BadUrl);
    }
    Ok(url.to_owned())
}

/// An asset root given as a URL (`--assets http://…`): checked as a fetch URL, with a `/`
/// appended when it has none.
pub fn asset_root_url(url: &str) -> Option<String> {
    let mut url = check_http(url).ok()?;
    if !url.ends_with('/') {
        url.push('/');
    }
    Some(url)
}

/// Reads a file as a fetch answers it: 200 and its bytes, 404 when there is no regular file
/// there, 500 on other read errors; over [`MAX_FETCH_BODY_BYTES`] it is `TooLarge`.
pub fn fetch_file(path: &Path) -> Outcome {
    use std::io::ErrorKind;
    let status = |e: std::io::Error| match e.kind() {
        ErrorKind::NotFound | ErrorKind::NotADirectory | ErrorKind::IsADirectory => Ok((404, Vec::new())),
        _ => Ok((500, Vec::new())),
    };
    // Only regular files: a directory is not found, and a FIFO would block.
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => return Ok((404, Vec::new())),
        Err(e) => return status(e),
    }
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => return status(e),
    };
    let mut bytes = Vec::new();
    // One byte more than the limit tells "too large" from "exactly the limit".
    if let Err(e) = file.take(u64::from(MAX_FETCH_BODY_BYTES) + 1).read_to_end(&mut bytes) {
        return status(e);
    }
    if bytes.len() > MAX_FETCH_BODY_BYTES as usize {
        return Err(FetchError::TooLarge);
    }
    Ok((200, bytes))
}

/// Fetches an `http(s)://` URL, blocking: the status and body, or the error.
pub fn fetch_http(method: FetchMethod, url: &str, body: &[u8], timeout: Duration) -> Outcome {
    fetch_http_limited(method, url, body, timeout, u64::from(MAX_FETCH_BODY_BYTES))
}

/// [`fetch_http`] with another limit on the body (`limit` bytes; more is `TooLarge`).
pub fn fetch_http_limited(
    method: FetchMethod,
    url: &str,
    body: &[u8],
    timeout: Duration,
    limit: u64,
) -> Outcome {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(MAX_REDIRECTS)
        .save_redirect_history(false)
        .build()
        .into();
    let response = match method {
        FetchMethod::Get => agent.get(url).call(),
        FetchMethod::Post => agent.post(url).content_type("application/octet-stream").send(body),
    };
    let mut response = response.map_err(|e| fetch_error(&e))?;
    let status = u32::from(response.status().as_u16());
    if response.body().content_length().is_some_and(|len| len > limit) {
        return Err(FetchError::TooLarge);
    }
    let bytes = response.body_mut().with_config().limit(limit).read_to_vec().map_err(|e| fetch_error(&e))?;
    Ok((status, bytes))
}

/// The ABI's code for a client error.
fn fetch_error(error: &ureq::Error) -> FetchError {
    use std::io::ErrorKind;
    match error {
        ureq::Error::Timeout(_) => FetchError::Timeout,
        ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge,
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => FetchError::BadUrl,
        ureq::Error::Io(e) => match e.kind() {
            ErrorKind::TimedOut | ErrorKind::WouldBlock => FetchError::Timeout,
            _ => match e.get_ref().and_then(|inner| inner.downcast_ref::<ureq::Error>()) {
                Some(inner) => fetch_error(inner),
                None => FetchError::Network,
            },
        },
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::Protocol(_)
        | ureq::Error::Tls(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::ConnectProxyFailed(_)
        | ureq::Error::TooManyRedirects
        | ureq::Error::RedirectFailed => FetchError::Network,
        _ => FetchError::Other,
    }
}

/// A network fetch that finished (or was given up on) on a worker thread.
#[derive(Debug)]
pub struct Finished {
    /// The bundle's id.
    pub id: u32,
    /// Its URL, for the `fetch:` line.
    pub url: String,
    /// What it came to.
    pub outcome: Outcome,
}

/// A network fetch waiting for a worker.
struct Job {
    id: u32,
    generation: u64,
    method: FetchMethod,
    url: String,
    body: Vec<u8>,
    timeout: Duration,
    /// The most body bytes taken.
    limit: u64,
}

/// What a worker sends back.
struct Done {
    generation: u64,
    finished: Finished,
}

/// Runs network fetches on worker threads, at most [`MAX_FETCHES_IN_FLIGHT`] at once, and
/// hands back the finished ones in completion order. Cancelled fetches are never handed back
/// (a cancelled one already running keeps its thread until it ends, and is then dropped).
pub struct Fetcher {
    queued: VecDeque<Job>,
    /// Fetches started or queued and not cancelled: id → generation.
    live: HashMap<u32, u64>,
    /// Worker threads running, cancelled fetches included.
    running: usize,
    next_generation: u64,
    done_tx: Sender<Done>,
    done_rx: Receiver<Done>,
}

impl Default for Fetcher {
    fn default() -> Self {
        let (done_tx, done_rx) = channel();
        Self {
            queued: VecDeque::new(),
            live: HashMap::new(),
            running: 0,
            next_generation: 0,
            done_tx,
            done_rx,
        }
    }
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("queued", &self.queued.len())
            .field("live", &self.live.len())
            .field("running", &self.running)
            .finish()
    }
}

impl Fetcher {
    /// Starts (or queues) a network fetch. A fetch already live under `id` is cancelled first.
    pub fn start(&mut self, id: u32, method: FetchMethod, timeout: Duration, url: &str, body: &[u8]) {
        self.start_limited(id, method, timeout, url, body, u64::from(MAX_FETCH_BODY_BYTES));
    }

    /// [`Self::start`] with another limit on the body (images over HTTP take more than a
    /// fetch's [`MAX_FETCH_BODY_BYTES`]).
    pub fn start_limited(
        &mut self,
        id: u32,
        method: FetchMethod,
        timeout: Duration,
        url: &str,
        body: &[u8],
        limit: u64,
    ) {
        self.cancel(id);
        let generation = self.next_generation;
        self.next_generation += 1;
        self.live.insert(id, generation);
        let body = if method == FetchMethod::Post { body.to_vec() } else { Vec::new() };
        self.queued.push_back(Job { id, generation, method, url: url.to_owned(), body, timeout, limit });
        self.spawn_queued();
    }

    /// Drops fetch `id`: it will not be handed back. False when none was live.
    pub fn cancel(&mut self, id: u32) -> bool {
        if self.live.remove(&id).is_none() {
            return false;
        }
        self.queued.retain(|job| job.id != id);
        true
    }

    /// Fetches started or queued, not finished and not cancelled.
    pub fn live(&self) -> usize {
        self.live.len()
    }

    /// Worker threads running now (at most [`MAX_FETCHES_IN_FLIGHT`]).
    pub fn running(&self) -> usize {
        self.running
    }

    /// The fetches that finished since the last call, in completion order; starts queued ones
    /// in the freed slots.
    pub fn poll(&mut self) -> Vec<Finished> {
        let mut finished = Vec::new();
        while let Ok(done) = self.done_rx.try_recv() {
            self.running -= 1;
            if self.live.get(&done.finished.id) == Some(&done.generation) {
                self.live.remove(&done.finished.id);
                finished.push(done.finished);
            }
        }
        self.spawn_queued();
        finished
    }

    fn spawn_queued(&mut self) {
        while self.running < MAX_FETCHES_IN_FLIGHT {
            let Some(job) = self.queued.pop_front() else { return };
            let tx = self.done_tx.clone();
            let Job { id, generation, method, url, body, timeout, limit } = job;
            let thread_url = url.clone();
            let spawned =
                std::thread::Builder::new().name(format!("touchline-fetch-{id}")).spawn(move || {
                    let outcome = fetch_http_limited(method, &thread_url, &body, timeout, limit);
                    // The receiver is gone when the host is: nobody is waiting for the answer.
                    let _ = tx.send(Done { generation, finished: Finished { id, url: thread_url, outcome } });
                });
            self.running += 1;
            if spawned.is_err() {
                // No thread: answer "other" at once, through the same channel.
                let finished = Finished { id, url, outcome: Err(FetchError::Other) };
                let _ = self.done_tx.send(Done { generation, finished });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve() {
        let root = AssetRoot::Dir(Path::new("/srv/assets"));
        let file = |p: &str| Ok(Target::File(PathBuf::from(p)));
        assert_eq!(resolve(root, "data/teams.json"), file("/srv/assets/data/teams.json"));
        assert_eq!(resolve(root, "file:///tmp/x.json"), file("/tmp/x.json"));
        let http = |u: &str| Ok(Target::Http(u.to_owned()));
        assert_eq!(resolve(root, "http://127.0.0.1:8080/a?b=c#d"), http("http://127.0.0.1:8080/a?b=c#d"));
        assert_eq!(resolve(root, "HTTPS://example.com"), http("HTTPS://example.com"));
        assert_eq!(resolve(root, "http://h%C3%A9/%20x"), http("http://h%C3%A9/%20x"));
        for bad in [
            "",
            "/etc/passwd",
            "../secret.json",
            "data/../../secret.json",
            "ftp://example.com/a",
            "data:text/plain,hi",
            "file://host/x",
            "http://",
            "http:///path",
            "https://?q",
            "http://exa mple.com/",
            "http://example.com/é",
            "http://example.com/\t",
            "http:example.com",
            "a\0b",
        ] {
            assert_eq!(resolve(root, bad), Err(FetchError::BadUrl), "{bad:?}");
        }
    }

    #[test]
    fn timeouts_default_and_cap() {
        assert_eq!(timeout(0), Duration::from_secs(30));
        assert_eq!(timeout(250), Duration::from_millis(250));
        assert_eq!(timeout(u32::MAX), Duration::from_secs(300));
    }

    #[test]
    fn files_answer_like_a_server() {
        let dir = std::env::temp_dir().join(format!("touchline-fetch-files-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).expect("temp dir");
        std::fs::write(dir.join("a.json"), b"{\"a\":1}").expect("write");
        std::fs::write(dir.join("empty"), b"").expect("write");
        assert_eq!(fetch_file(&dir.join("a.json")), Ok((200, b"{\"a\":1}".to_vec())));
        assert_eq!(fetch_file(&dir.join("empty")), Ok((200, Vec::new())));
        assert_eq!(fetch_file(&dir.join("missing.json")), Ok((404, Vec::new())));
        assert_eq!(fetch_file(&dir.join("a.json/inside")), Ok((404, Vec::new())));
        assert_eq!(fetch_file(&dir.join("sub")), Ok((404, Vec::new())), "a directory");
        assert_eq!(fetch_file(Path::new("/dev/null")), Ok((404, Vec::new())), "a device");
        let big = dir.join("big");
        std::fs::write(&big, vec![7u8; MAX_FETCH_BODY_BYTES as usize]).expect("write");
        assert_eq!(fetch_file(&big).map(|(s, b)| (s, b.len())), Ok((200, MAX_FETCH_BODY_BYTES as usize)));
        std::fs::write(&big, vec![7u8; MAX_FETCH_BODY_BYTES as usize + 1]).expect("write");
        assert_eq!(fetch_file(&big), Err(FetchError::TooLarge));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
