//! `touchline serve DIR`: a CDN on loopback, with faults (`docs/delivery.md`, "touchline
//! serve"). Tests start it in-process ([`Server::start`]) or as the binary.
//!
//! The server is ours, on `std::net` with one thread per connection and `httparse` for the
//! request head, rather than a server crate such as `tiny_http`: its faults need the raw
//! socket. `truncate` sends the real `Content-Length` and then closes the connection early,
//! and `drop` closes it with no answer at all; `tiny_http` answers `500` for a request dropped
//! unanswered and keeps a connection open after a short body. One thread per connection also
//! keeps a delayed answer from holding up any other request.
//!
//! It never panics on input: a malformed request gets `400`, a bad `Range` is ignored (as
//! RFC 9110 says), and any path that is missing, not a file or resolves outside `DIR` (`..`,
//! symlinks, encoded slashes) gets `404`.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;

use crate::delivery::signing::sha256_hex;

/// The longest request head (request line and headers).
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// The largest request body (fault lists, collector reports).
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Connections served at once; more get `503`.
const MAX_CONNECTIONS: usize = 256;
/// A keep-alive connection idle this long is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Collector reports kept in memory.
const MAX_REPORTS: usize = 10_000;
/// Request records kept in memory.
const MAX_RECORDS: usize = 100_000;
/// The longest `delay=MS`.
const MAX_DELAY_MS: u64 = 10 * 60 * 1000;

/// `touchline serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The release directory to serve.
    pub dir: PathBuf,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: String,
    /// Also write the port to FILE (for tests that listen on port 0).
    #[arg(long, value_name = "FILE")]
    pub port_file: Option<PathBuf>,
    /// Append every report POSTed to /collect to FILE, one JSON line each.
    #[arg(long, value_name = "FILE")]
    pub collect: Option<PathBuf>,
    /// A fault: status=CODE@PATH, delay=MS@PATH, truncate=N@PATH, corrupt=OFFSET@PATH or
    /// drop@PATH, with an optional #N suffix (only the first N matching requests). Repeatable.
    #[arg(long = "fault", value_name = "SPEC")]
    pub faults: Vec<Fault>,
}

/// What a fault does to the requests it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// An empty answer with this status.
    Status(u16),
    /// The normal answer, after this many milliseconds.
    Delay(u64),
    /// The full answer's headers, then only this many body bytes, then the connection closes.
    Truncate(u64),
    /// The normal answer with the file's byte at this offset flipped (xor 0xff).
    Corrupt(u64),
    /// The connection closed without an answer.
    Drop,
}

/// One `--fault` spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// What it does.
    pub kind: FaultKind,
    /// A prefix of the request path relative to `DIR`, or `*`.
    pub path: String,
    /// Only the first N matching requests (`#N`).
    pub limit: Option<u32>,
    /// The spec as written, for `/_touchline/requests`.
    pub spec: String,
}

/// A spec that does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("bad fault spec `{spec}`: {why}")]
pub struct FaultError {
    /// The spec as written.
    pub spec: String,
    /// What is wrong.
    pub why: String,
}

impl std::str::FromStr for Fault {
    type Err = FaultError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let spec = text.trim();
        let bad = |why: &str| FaultError { spec: spec.to_owned(), why: why.to_owned() };
        let (body, limit) = match spec.rsplit_once('#') {
            Some((body, n)) => match n.parse::<u32>() {
                Ok(n) if n > 0 => (body, Some(n)),
                _ => return Err(bad("#N needs a count of at least 1")),
            },
            None => (spec, None),
        };
        let (action, path) = body.split_once('@').ok_or_else(|| bad("missing @PATH"))?;
        let path = path.trim_start_matches('/');
        if path.is_empty() {
            return Err(bad("empty PATH (use * for every path)"));
        }
        let number = |value: &str| value.parse::<u64>().map_err(|_| bad("the value is not a number"));
        let kind = match action.split_once('=') {
            None if action == "drop" => FaultKind::Drop,
            Some(("status", code)) => match code.parse::<u16>() {
                Ok(code) if (200..=599).contains(&code) => FaultKind::Status(code),
                _ => return Err(bad("status needs a code from 200 to 599")),
            },
            Some(("delay", ms)) => match number(ms)? {
                ms if ms <= MAX_DELAY_MS => FaultKind::Delay(ms),
                _ => return Err(bad("delay is at most 600000 ms")),
            },
            Some(("truncate", n)) => FaultKind::Truncate(number(n)?),
            Some(("corrupt", offset)) => FaultKind::Corrupt(number(offset)?),
            _ => return Err(bad("expected status=, delay=, truncate=, corrupt= or drop")),
        };
        Ok(Self { kind, path: path.to_owned(), limit, spec: spec.to_owned() })
    }
}

impl Fault {
    fn matches(&self, path: &str) -> bool {
        self.path == "*" || path.starts_with(&self.path)
    }
}

/// Parses a fault list: one spec per line, blank lines skipped.
pub fn parse_faults(text: &str) -> Result<Vec<Fault>, FaultError> {
    text.lines().filter(|line| !line.trim().is_empty()).map(str::parse).collect()
}

/// One request as `/_touchline/requests` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RequestRecord {
    /// The request path (`/manifest.json`).
    pub path: String,
    /// The `Range` header, if any.
    pub range: Option<String>,
    /// The status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// Body bytes in the answer (recorded as it goes out, so a client that hangs up early
    /// still shows the full count).
    pub bytes: u64,
    /// The fault applied, as its spec.
    pub fault: Option<String>,
}

/// How the server starts.
#[derive(Clone, Debug, Default)]
pub struct ServeOptions {
    /// The faults in force at the start.
    pub faults: Vec<Fault>,
    /// `--collect FILE`.
    pub collect: Option<PathBuf>,
}

struct ActiveFault {
    fault: Fault,
    /// Matching requests still to fault, when limited.
    remaining: Option<u32>,
}

struct Shared {
    root: PathBuf,
    faults: Mutex<Vec<ActiveFault>>,
    requests: Mutex<Vec<RequestRecord>>,
    reports: Mutex<Vec<serde_json::Value>>,
    collect: Option<PathBuf>,
    stop: AtomicBool,
    connections: AtomicUsize,
}

/// A poisoned lock only means another connection's thread panicked mid-update; the data (a
/// list of records) is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn set_faults(&self, faults: Vec<Fault>) {
        *lock(&self.faults) =
            faults.into_iter().map(|fault| ActiveFault { remaining: fault.limit, fault }).collect();
    }

    /// The first matching fault with requests left, counted.
    fn take_fault(&self, path: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let active = faults.iter_mut().find(|a| a.remaining != Some(0) && a.fault.matches(path))?;
        if let Some(n) = &mut active.remaining {
            *n -= 1;
        }
        Some(active.fault.clone())
    }

    fn record(&self, record: RequestRecord) {
        let mut requests = lock(&self.requests);
        if requests.len() < MAX_RECORDS {
            requests.push(record);
        }
    }
}

/// A running server; dropping it stops accepting connections.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).field("root", &self.shared.root).finish()
    }
}

impl Server {
    /// Serves `dir` on `addr` (e.g. `127.0.0.1:0`) from a background thread.
    pub fn start(dir: &Path, addr: impl ToSocketAddrs, options: ServeOptions) -> std::io::Result<Self> {
        let root = dir.canonicalize()?;
        if !root.is_dir() {
            return Err(std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"));
        }
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            root,
            faults: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
            reports: Mutex::new(Vec::new()),
            collect: options.collect,
            stop: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
        });
        shared.set_faults(options.faults);
        let accept_shared = shared.clone();
        let accept = std::thread::Builder::new()
            .name("touchline-serve".into())
            .spawn(move || accept_loop(&listener, &accept_shared))?;
        Ok(Self { addr, shared, accept: Some(accept) })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://IP:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Connections open now.
    pub fn open_connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Replaces the faults (as `PUT /_touchline/faults` does).
    pub fn set_faults(&self, faults: Vec<Fault>) {
        self.shared.set_faults(faults);
    }

    /// Every request served so far (as `GET /_touchline/requests`).
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.requests).clone()
    }

    /// Every collector report so far (as `GET /_touchline/reports`).
    pub fn reports(&self) -> Vec<serde_json::Value> {
        lock(&self.shared.reports).clone()
    }

    /// Blocks until the server stops (for `touchline serve`: forever).
    pub fn wait(mut self) {
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }

    /// Stops accepting connections; connections already open finish their request.
    pub fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept() with a connection of our own.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs `touchline serve` until killed.
pub fn serve(args: &ServeArgs) -> Result<(), String> {
    let options = ServeOptions { faults: args.faults.clone(), collect: args.collect.clone() };
    let server = Server::start(&args.dir, args.addr.as_str(), options)
        .map_err(|e| format!("cannot serve {} on {}: {e}", args.dir.display(), args.addr))?;
    if let Some(path) = &args.port_file {
        std::fs::write(path, format!("{}\n", server.port()))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "serving {} on {}", args.dir.display(), server.url());
    let _ = stdout.flush();
    server.wait();
    Ok(())
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(mut stream) = stream else { continue };
        if shared.connections.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = write_simple(&mut stream, 503, "too many connections\n", true);
            continue;
        }
        shared.connections.fetch_add(1, Ordering::SeqCst);
        let conn_shared = shared.clone();
        let spawned = std::thread::Builder::new().name("touchline-serve-conn".into()).spawn(move || {
            handle_connection(&conn_shared, stream);
            conn_shared.connections.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// A parsed request.
struct Request {
    method: String,
    target: String,
    /// Lowercase names.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    keep_alive: bool,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

enum ReadError {
    /// The peer closed or went idle; nothing to answer.
    Closed,
    /// Answer with this status and message, then close.
    Bad(u16, String),
}

fn handle_connection(shared: &Shared, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::new();
    loop {
        let request = match read_request(&mut stream, &mut buffer) {
            Ok(request) => request,
            Err(ReadError::Closed) => break,
            Err(ReadError::Bad(status, message)) => {
                let _ = write_simple(&mut stream, status, &message, true);
                break;
            }
        };
        let keep = respond(shared, &request, &mut stream);
        if !keep || !request.keep_alive || shared.stop.load(Ordering::SeqCst) {
            break;
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<Request, ReadError> {
    let mut chunk = [0u8; 4096];
    let head_len = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return Err(ReadError::Bad(431, "request head too large\n".into()));
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(ReadError::Closed),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let mut header_slots = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut header_slots);
    match parsed.parse(&buffer[..head_len]) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) | Err(_) => {
            return Err(ReadError::Bad(400, "malformed request\n".into()));
        }
    }
    let method = parsed.method.unwrap_or_default().to_owned();
    let target = parsed.path.unwrap_or_default().to_owned();
    let http10 = parsed.version == Some(0);
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).trim().to_owned()))
        .collect();
    let connection = headers.iter().find(|(n, _)| n == "connection").map(|(_, v)| v.to_ascii_lowercase());
    let keep_alive = match connection.as_deref() {
        Some(v) if v.contains("close") => false,
        Some(v) if v.contains("keep-alive") => true,
        _ => !http10,
    };
    if headers.iter().any(|(n, _)| n == "transfer-encoding") {
        return Err(ReadError::Bad(411, "send the body with a Content-Length\n".into()));
    }
    let length = match headers.iter().find(|(n, _)| n == "content-length") {
        Some((_, v)) => match v.parse::<usize>() {
            Ok(len) if len <= MAX_BODY_BYTES => len,
            Ok(_) => return Err(ReadError::Bad(413, "request body too large\n".into())),
            Err(_) => return Err(ReadError::Bad(400, "bad Content-Length\n".into())),
        },
        None => 0,
    };
    buffer.drain(..head_len);
    while buffer.len() < length {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(ReadError::Closed),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    let body: Vec<u8> = buffer.drain(..length).collect();
    Ok(Request { method, target, headers, body, keep_alive })
}

/// An answer to write.
struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16) -> Self {
        Self { status, headers: Vec::new(), body: Vec::new() }
    }

    fn text(status: u16, text: impl Into<String>) -> Self {
        let mut response = Self::new(status);
        response.headers.push(("Content-Type", "text/plain; charset=utf-8".into()));
        response.body = text.into().into_bytes();
        response
    }

    fn json(value: &impl Serialize) -> Self {
        let mut response = Self::new(200);
        response.headers.push(("Content-Type", "application/json".into()));
        response.body = serde_json::to_vec(value).unwrap_or_else(|_| b"[]".to_vec());
        response
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        206 => "Partial Content",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        410 => "Gone",
        411 => "Length Required",
        413 => "Content Too Large",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// The body bytes an answer carries: none for `HEAD`, 204 and 304, else the body cut to
/// `truncate`.
fn body_bytes(response: &Response, head_only: bool, truncate: Option<u64>) -> u64 {
    if head_only || response.status == 304 || response.status == 204 {
        return 0;
    }
    let len = response.body.len() as u64;
    truncate.map_or(len, |t| t.min(len))
}

/// Writes the answer (the body unless `head_only`, cut to `truncate` bytes).
fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    head_only: bool,
    truncate: Option<u64>,
    close: bool,
) -> std::io::Result<()> {
    let mut head =
        format!("HTTP/1.1 {} {}\r\nServer: touchline-serve\r\n", response.status, reason(response.status));
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if response.status != 304 && response.status != 204 {
        head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // At most the body's length, so it fits in usize.
    let n = body_bytes(response, head_only, truncate) as usize;
    stream.write_all(&response.body[..n])?;
    stream.flush()
}

fn write_simple(stream: &mut TcpStream, status: u16, text: &str, close: bool) -> std::io::Result<()> {
    write_response(stream, &Response::text(status, text), false, None, close)
}

/// Answers one request; false when the connection must close.
fn respond(shared: &Shared, request: &Request, stream: &mut TcpStream) -> bool {
    let path = request_path(&request.target);
    if path.starts_with("/_touchline/") || path == "/collect" {
        let response = control(shared, request, &path);
        if path == "/collect" {
            shared.record(RequestRecord {
                path: path.clone(),
                range: None,
                status: Some(response.status),
                bytes: response.body.len() as u64,
                fault: None,
            });
        }
        return write_response(stream, &response, false, None, !request.keep_alive).is_ok();
    }
    let head_only = request.method == "HEAD";
    let relative = path.trim_start_matches('/').to_owned();
    let fault = shared.take_fault(&relative);
    let mut record = RequestRecord {
        path: path.clone(),
        range: request.header("range").map(str::to_owned),
        status: None,
        bytes: 0,
        fault: fault.as_ref().map(|f| f.spec.clone()),
    };
    let mut truncate = None;
    let mut corrupt = None;
    match fault.as_ref().map(|f| f.kind) {
        Some(FaultKind::Drop) => {
            shared.record(record);
            return false;
        }
        Some(FaultKind::Status(status)) => {
            let response = Response::new(status);
            record.status = Some(status);
            shared.record(record);
            return write_response(stream, &response, head_only, None, !request.keep_alive).is_ok();
        }
        Some(FaultKind::Delay(ms)) => std::thread::sleep(Duration::from_millis(ms)),
        Some(FaultKind::Truncate(n)) => truncate = Some(n),
        Some(FaultKind::Corrupt(offset)) => corrupt = Some(offset),
        None => {}
    }
    let response = if request.method == "GET" || head_only {
        file_response(&shared.root, &relative, request, corrupt)
    } else {
        let mut response = Response::text(405, "only GET and HEAD\n");
        response.headers.push(("Allow", "GET, HEAD".into()));
        response
    };
    record.status = Some(response.status);
    record.bytes = body_bytes(&response, head_only, truncate);
    // Recorded before the answer goes out: a client that has its answer must find its request
    // in `/_touchline/requests`.
    shared.record(record);
    let close = truncate.is_some() || !request.keep_alive;
    write_response(stream, &response, head_only, truncate, close).is_ok() && !close
}

/// The path of a request target: absolute-form reduced to its path, query and fragment cut.
fn request_path(target: &str) -> String {
    let path = match target.find("://") {
        Some(i) => target[i + 3..].find('/').map_or("/", |j| &target[i + 3 + j..]),
        None => target,
    };
    let path = path.split(['?', '#']).next().unwrap_or("/");
    if path.starts_with('/') { path.to_owned() } else { format!("/{path}") }
}

/// The file under `root` a relative request path names, or `None` for anything missing, not a
/// file, or outside `root`.
fn resolve(root: &Path, relative: &str) -> Option<PathBuf> {
    let decoded = percent_decode(relative)?;
    let mut path = root.to_owned();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains(['\\', '\0']) || s.contains(':') && cfg!(windows) => return None,
            s => path.push(s),
        }
    }
    // Symlinks may point anywhere: the real path must stay under the root.
    let real = path.canonicalize().ok()?;
    (real.starts_with(root) && real.is_file()).then_some(real)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            let byte = u8::from_str_radix(hex, 16).ok()?;
            // An encoded slash would smuggle a separator past the segment check.
            if byte == b'/' {
                return None;
            }
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a `Range` header asks for.
#[derive(Debug, PartialEq, Eq)]
enum RangeRequest {
    /// No usable range: send the whole file.
    Whole,
    /// `start..=end`.
    Part(u64, u64),
    /// `416`.
    Unsatisfiable,
}

/// `bytes=N-`, `bytes=N-M` and `bytes=-N`; anything else (several ranges, other units,
/// garbage) is ignored, as RFC 9110 allows.
fn parse_range(value: &str, len: u64) -> RangeRequest {
    let Some(spec) = value.trim().strip_prefix("bytes=") else { return RangeRequest::Whole };
    if spec.contains(',') {
        return RangeRequest::Whole;
    }
    let Some((start, end)) = spec.split_once('-') else { return RangeRequest::Whole };
    let (start, end) = (start.trim(), end.trim());
    if start.is_empty() {
        return match end.parse::<u64>() {
            Ok(0) => RangeRequest::Unsatisfiable,
            Ok(_) if len == 0 => RangeRequest::Unsatisfiable,
            Ok(n) => RangeRequest::Part(len.saturating_sub(n), len - 1),
            Err(_) => RangeRequest::Whole,
        };
    }
    let Ok(start) = start.parse::<u64>() else { return RangeRequest::Whole };
    let end = if end.is_empty() {
        u64::MAX
    } else {
        match end.parse::<u64>() {
            Ok(end) if end >= start => end,
            _ => return RangeRequest::Whole,
        }
    };
    if start >= len {
        return RangeRequest::Unsatisfiable;
    }
    RangeRequest::Part(start, end.min(len - 1))
}

fn accepts_gzip(request: &Request) -> bool {
    request.header("accept-encoding").is_some_and(|value| {
        value.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or_default();
            let zero_q =
                parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0)));
            coding.eq_ignore_ascii_case("gzip") && !zero_q
        })
    })
}

fn file_response(root: &Path, relative: &str, request: &Request, corrupt: Option<u64>) -> Response {
    let Some(path) = resolve(root, relative) else { return Response::text(404, "not found\n") };
    let Ok(mut bytes) = std::fs::read(&path) else { return Response::text(404, "not found\n") };
    let etag = format!("\"{}\"", sha256_hex(&bytes));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    // The manifest and the release's assets (replaced by each release) are revalidated;
    // everything else is content-hashed.
    let mutable = name == "manifest.json" || path.strip_prefix(root).is_ok_and(|p| p.starts_with("assets"));
    let cache_control = if mutable { "no-cache" } else { "public, max-age=31536000, immutable" };
    let content_type = match ext.as_str() {
        "wasm" => "application/wasm",
        "json" => "application/json",
        "js" => "text/javascript",
        _ => "application/octet-stream",
    };
    let compressible = ext == "json" || ext == "js";
    let mut response = Response::new(200);
    response.headers.push(("ETag", etag.clone()));
    response.headers.push(("Cache-Control", cache_control.into()));
    response.headers.push(("Accept-Ranges", "bytes".into()));
    if compressible {
        response.headers.push(("Vary", "Accept-Encoding".into()));
    }
    let matches_etag = request
        .header("if-none-match")
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"));
    if matches_etag {
        response.status = 304;
        return response;
    }
    response.headers.push(("Content-Type", content_type.into()));
    if let Some(byte) = corrupt.and_then(|offset| usize::try_from(offset).ok()).and_then(|i| bytes.get_mut(i))
    {
        *byte ^= 0xff;
    }
    let len = bytes.len() as u64;
    match request.header("range").map_or(RangeRequest::Whole, |value| parse_range(value, len)) {
        RangeRequest::Unsatisfiable => {
            response.status = 416;
            response.headers.push(("Content-Range", format!("bytes */{len}")));
            return response;
        }
        RangeRequest::Part(start, end) => {
            response.status = 206;
            response.headers.push(("Content-Range", format!("bytes {start}-{end}/{len}")));
            // Both ends are below `len`, which is a usize.
            response.body = bytes[start as usize..=end as usize].to_vec();
            return response;
        }
        RangeRequest::Whole => {}
    }
    if compressible && accepts_gzip(request) {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        if encoder.write_all(&bytes).is_ok()
            && let Ok(gzipped) = encoder.finish()
        {
            response.headers.push(("Content-Encoding", "gzip".into()));
            response.body = gzipped;
            return response;
        }
    }
    response.body = bytes;
    response
}

/// The control endpoints; never faulted.
fn control(shared: &Shared, request: &Request, path: &str) -> Response {
    let method = request.method.as_str();
    match (method, path) {
        ("PUT", "/_touchline/faults") => {
            let Ok(text) = std::str::from_utf8(&request.body) else {
                return Response::text(400, "the fault list is not UTF-8\n");
            };
            match parse_faults(text) {
                Ok(faults) => {
                    shared.set_faults(faults);
                    Response::new(204)
                }
                Err(e) => Response::text(400, format!("{e}\n")),
            }
        }
        ("GET", "/_touchline/requests") => Response::json(&*lock(&shared.requests)),
        ("GET", "/_touchline/reports") => Response::json(&*lock(&shared.reports)),
        ("POST", "/collect") => match serde_json::from_slice::<serde_json::Value>(&request.body) {
            Ok(report) => collect(shared, report),
            Err(e) => Response::text(400, format!("the report is not JSON: {e}\n")),
        },
        (_, "/_touchline/faults" | "/_touchline/requests" | "/_touchline/reports" | "/collect") => {
            Response::text(405, "method not allowed\n")
        }
        _ => Response::text(404, "not found\n"),
    }
}

fn collect(shared: &Shared, report: serde_json::Value) -> Response {
    let mut reports = lock(&shared.reports);
    if let Some(path) = &shared.collect {
        // Serialized compactly, a JSON value is one line.
        let line = format!("{report}\n");
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut file| file.write_all(line.as_bytes()));
        if let Err(e) = written {
            return Response::text(500, format!("cannot append to {}: {e}\n", path.display()));
        }
    }
    if reports.len() < MAX_REPORTS {
        reports.push(report);
    }
    Response::new(204)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-", 10), RangeRequest::Part(0, 9));
        assert_eq!(parse_range("bytes=3-5", 10), RangeRequest::Part(3, 5));
        assert_eq!(parse_range("bytes=3-99", 10), RangeRequest::Part(3, 9));
        assert_eq!(parse_range("bytes=-4", 10), RangeRequest::Part(6, 9));
        assert_eq!(parse_range("bytes=10-", 10), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range("bytes=5-3", 10), RangeRequest::Whole);
        assert_eq!(parse_range("bytes=x-", 10), RangeRequest::Whole);
        assert_eq!(parse_range("bytes=0-1,4-5", 10), RangeRequest::Whole);
        assert_eq!(parse_range("items=0-1", 10), RangeRequest::Whole);
        assert_eq!(parse_range("bytes=99999999999999999999999-", 10), RangeRequest::Whole);
        assert_eq!(parse_range("bytes=-0", 10), RangeRequest::Unsatisfiable);
    }

    #[test]
    fn fault_specs() {
        let f: Fault = "status=500@manifest.json#2".parse().expect("parses");
        assert_eq!((f.kind, f.path.as_str(), f.limit), (FaultKind::Status(500), "manifest.json", Some(2)));
        assert_eq!("drop@*".parse::<Fault>().map(|f| f.kind), Ok(FaultKind::Drop));
        assert!("status=99@x".parse::<Fault>().is_err());
        assert!("truncate=@x".parse::<Fault>().is_err());
        assert!("delay=5".parse::<Fault>().is_err());
        assert!("drop@x#0".parse::<Fault>().is_err());
        assert!("explode@x".parse::<Fault>().is_err());
    }

    #[test]
    fn paths() {
        assert_eq!(request_path("/a/b?x=1"), "/a/b");
        assert_eq!(request_path("http://h:1/a"), "/a");
        assert_eq!(request_path("*"), "/*");
        assert_eq!(percent_decode("a%2fb"), None);
        assert_eq!(percent_decode("a%2"), None);
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
    }
}
