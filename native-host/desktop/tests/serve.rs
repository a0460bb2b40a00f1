//! `touchline serve` (`docs/delivery.md`): CDN headers, ranges, gzip, path safety, faults,
//! control endpoints and the collector, checked with raw HTTP so every byte on the wire is
//! seen.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use touchline_desktop::delivery::signing::sha256_hex;
use touchline_desktop::serve::{RequestRecord, ServeOptions, Server};

const MANIFEST: &str = "{\n  \"format\": 1,\n  \"app\": \"touchline\",\n  \"padding\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n}\n";

fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn bundle_bytes() -> Vec<u8> {
    (0..5000u32).map(|i| (i % 251) as u8).collect()
}

/// A release-like tree: manifest.json, bundles/touchline-x.wasm, js/legacy-x.js, and a secret
/// beside (outside) the served directory.
fn tree(name: &str) -> (PathBuf, PathBuf) {
    let root = temp_dir(name);
    let dir = root.join("www");
    std::fs::create_dir_all(dir.join("bundles")).expect("dir");
    std::fs::create_dir_all(dir.join("js")).expect("dir");
    std::fs::write(dir.join("manifest.json"), MANIFEST).expect("write");
    std::fs::write(dir.join("bundles/touchline-x.wasm"), bundle_bytes()).expect("write");
    std::fs::write(dir.join("js/legacy-x.js"), "var x = 1;\n".repeat(40)).expect("write");
    std::fs::write(root.join("secret.txt"), "outside").expect("write");
    (root, dir)
}

fn start(name: &str) -> (Server, PathBuf, PathBuf) {
    let (root, dir) = tree(name);
    let server = Server::start(&dir, "127.0.0.1:0", ServeOptions::default()).expect("serve");
    (server, root, dir)
}

/// An answer as seen on the wire.
#[derive(Debug)]
struct Answer {
    status: u16,
    /// Lowercase names.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Sends `head` (and `body`) on a new connection with `Connection: close` and reads until the
/// server closes; `None` when it closed without answering.
fn raw(server: &Server, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Option<Answer> {
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(request.as_bytes()).expect("send");
    stream.write_all(body).expect("send body");
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    parse_answer(&bytes)
}

fn parse_answer(bytes: &[u8]) -> Option<Answer> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some(Answer { status, headers, body: bytes[end + 4..].to_vec() })
}

fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> Answer {
    raw(server, "GET", path, headers, b"").unwrap_or_else(|| panic!("GET {path}: no answer"))
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("gzip body");
    out
}

#[test]
fn etag_and_if_none_match_304() {
    let (server, _, _) = start("etag");
    let answer = get(&server, "/bundles/touchline-x.wasm", &[]);
    let etag = format!("\"{}\"", sha256_hex(&bundle_bytes()));
    assert_eq!((answer.status, answer.header("etag")), (200, Some(etag.as_str())));
    assert_eq!(answer.body, bundle_bytes());
    let again = get(&server, "/bundles/touchline-x.wasm", &[("If-None-Match", &etag)]);
    assert_eq!((again.status, again.body.len()), (304, 0));
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let other = get(&server, "/bundles/touchline-x.wasm", &[("If-None-Match", "\"nope\"")]);
    assert_eq!(other.status, 200);
}

#[test]
fn cache_control_per_file() {
    let (server, _, _) = start("cache_control");
    assert_eq!(get(&server, "/manifest.json", &[]).header("cache-control"), Some("no-cache"));
    let immutable = Some("public, max-age=31536000, immutable");
    assert_eq!(get(&server, "/bundles/touchline-x.wasm", &[]).header("cache-control"), immutable);
    assert_eq!(get(&server, "/js/legacy-x.js", &[]).header("cache-control"), immutable);
    assert_eq!(
        get(&server, "/bundles/touchline-x.wasm", &[]).header("content-type"),
        Some("application/wasm")
    );
}

#[test]
fn release_assets_are_revalidated_and_seekable() {
    let (server, _, dir) = start("assets");
    std::fs::create_dir_all(dir.join("assets/videos")).expect("dir");
    std::fs::write(dir.join("assets/catalog.json"), "{\"matches\":[]}\n").expect("write");
    std::fs::write(dir.join("assets/videos/match.webm"), bundle_bytes()).expect("write");
    // A file named like an asset elsewhere is still immutable; only the `assets/` tree changes.
    std::fs::write(dir.join("bundles/assets"), "x").expect("write");
    for path in ["/assets/catalog.json", "/assets/videos/match.webm", "/./assets/catalog.json"] {
        let answer = get(&server, path, &[]);
        assert_eq!((answer.status, answer.header("cache-control")), (200, Some("no-cache")), "{path}");
    }
    let immutable = Some("public, max-age=31536000, immutable");
    assert_eq!(get(&server, "/bundles/touchline-x.wasm", &[]).header("cache-control"), immutable);
    assert_eq!(get(&server, "/bundles/assets", &[]).header("cache-control"), immutable);
    // Videos seek: ranges work under `assets/` as everywhere.
    let part = get(&server, "/assets/videos/match.webm", &[("Range", "bytes=4000-4009")]);
    assert_eq!((part.status, part.header("content-range")), (206, Some("bytes 4000-4009/5000")));
    assert_eq!(part.body, &bundle_bytes()[4000..4010]);
    assert_eq!(part.header("cache-control"), Some("no-cache"));
    // The ETag still lets a client revalidate cheaply.
    let etag = get(&server, "/assets/catalog.json", &[]).header("etag").map(str::to_owned).expect("an ETag");
    assert_eq!(get(&server, "/assets/catalog.json", &[("If-None-Match", &etag)]).status, 304);
}

#[test]
fn range_206_and_416() {
    let (server, _, _) = start("range");
    let file = bundle_bytes();
    let open = get(&server, "/bundles/touchline-x.wasm", &[("Range", "bytes=4000-")]);
    assert_eq!((open.status, open.header("content-range")), (206, Some("bytes 4000-4999/5000")));
    assert_eq!(open.body, &file[4000..]);
    assert_eq!(open.header("content-length"), Some("1000"));
    let closed = get(&server, "/bundles/touchline-x.wasm", &[("Range", "bytes=10-19")]);
    assert_eq!((closed.status, closed.body.as_slice()), (206, &file[10..20]));
    let past = get(&server, "/bundles/touchline-x.wasm", &[("Range", "bytes=5000-")]);
    assert_eq!((past.status, past.header("content-range")), (416, Some("bytes */5000")));
    // Malformed ranges are ignored: the whole file.
    for bad in ["bytes=abc-", "bytes=9-3", "lines=1-2", "bytes=0-1,5-6", "bytes=99999999999999999999999-"] {
        let whole = get(&server, "/bundles/touchline-x.wasm", &[("Range", bad)]);
        assert_eq!((whole.status, whole.body.len()), (200, 5000), "{bad}");
    }
    // A range of a .js file is of the file's bytes, not of a gzip stream.
    let js = get(&server, "/js/legacy-x.js", &[("Range", "bytes=0-2"), ("Accept-Encoding", "gzip")]);
    assert_eq!((js.status, js.body.as_slice(), js.header("content-encoding")), (206, &b"var"[..], None));
}

#[test]
fn gzip_for_json_and_js_only() {
    let (server, _, dir) = start("gzip");
    let gz = [("Accept-Encoding", "gzip, deflate")];
    let manifest = get(&server, "/manifest.json", &gz);
    assert_eq!(manifest.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(&manifest.body), MANIFEST.as_bytes());
    let js = get(&server, "/js/legacy-x.js", &gz);
    assert_eq!(gunzip(&js.body), std::fs::read(dir.join("js/legacy-x.js")).expect("js"));
    let wasm = get(&server, "/bundles/touchline-x.wasm", &gz);
    assert_eq!((wasm.header("content-encoding"), wasm.body.len()), (None, 5000));
    let refused = get(&server, "/manifest.json", &[("Accept-Encoding", "gzip;q=0")]);
    assert_eq!((refused.header("content-encoding"), refused.body.as_slice()), (None, MANIFEST.as_bytes()));
}

#[test]
fn paths_outside_the_directory_are_404() {
    let (server, root, dir) = start("traversal");
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("secret.txt"), dir.join("link.txt")).expect("symlink");
    for path in [
        "/../secret.txt",
        "/bundles/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/bundles%2f..%2f..%2fsecret.txt",
        "/link.txt",
        "/bundles",
        "/missing.json",
        "/%ff%fe",
        "/%",
        "/bundles/\\..\\..\\secret.txt",
        "http://evil/../secret.txt",
    ] {
        let answer = get(&server, path, &[]);
        assert_eq!(answer.status, 404, "{path}");
        assert!(!String::from_utf8_lossy(&answer.body).contains("outside"), "{path}");
    }
    // Garbage never kills the server.
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    stream.write_all(b"\x00\x01 garbage\r\n\r\n").expect("send");
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    assert_eq!(parse_answer(&reply).map(|a| a.status), Some(400));
    assert_eq!(get(&server, "/./manifest.json", &[]).status, 200);
    assert_eq!(raw(&server, "DELETE", "/manifest.json", &[], b"").map(|a| a.status), Some(405));
}

#[test]
fn collector_appends_json_lines() {
    let (root, dir) = tree("collector");
    let file = root.join("reports.jsonl");
    let options = ServeOptions { faults: Vec::new(), collect: Some(file.clone()) };
    let server = &Server::start(&dir, "127.0.0.1:0", options).expect("serve");
    let posted = raw(
        server,
        "POST",
        "/collect",
        &[("Content-Type", "application/json")],
        b"{\"metric\": \"ttfb\",\n \"ms\": 42}",
    );
    assert_eq!(posted.map(|a| a.status), Some(204));
    let bad = raw(server, "POST", "/collect", &[], b"not json").expect("answer");
    assert_eq!(bad.status, 400);
    assert!(String::from_utf8_lossy(&bad.body).contains("not JSON"));
    assert_eq!(raw(server, "POST", "/collect", &[], b"[1,2]").map(|a| a.status), Some(204));
    let lines = std::fs::read_to_string(&file).expect("collect file");
    assert_eq!(lines, "{\"metric\":\"ttfb\",\"ms\":42}\n[1,2]\n");
    let reports = get(server, "/_touchline/reports", &[]);
    let reports: serde_json::Value = serde_json::from_slice(&reports.body).expect("json");
    assert_eq!(reports, serde_json::json!([{"metric": "ttfb", "ms": 42}, [1, 2]]));
}

#[test]
fn faults_endpoint_replaces_faults_and_requests_lists_them() {
    let (server, _, _) = start("faults_endpoint");
    let bad = raw(&server, "PUT", "/_touchline/faults", &[], b"status=500@manifest.json\nexplode@x\n")
        .expect("answer");
    assert_eq!(bad.status, 400);
    assert!(String::from_utf8_lossy(&bad.body).contains("`explode@x`"), "{bad:?}");
    assert_eq!(get(&server, "/manifest.json", &[]).status, 200, "a bad list changes nothing");

    let put = raw(&server, "PUT", "/_touchline/faults", &[], b"status=503@manifest.json#2\n\nstatus=410@*\n");
    assert_eq!(put.map(|a| a.status), Some(204));
    let statuses: Vec<u16> = (0..3).map(|_| get(&server, "/manifest.json", &[]).status).collect();
    assert_eq!(statuses, [503, 503, 410], "#2 limits the first fault; then the next one matches");
    assert_eq!(get(&server, "/_touchline/requests", &[]).status, 200, "control endpoints are never faulted");
    assert_eq!(raw(&server, "PUT", "/_touchline/faults", &[], b"").map(|a| a.status), Some(204));
    assert_eq!(get(&server, "/manifest.json", &[("Range", "bytes=0-1")]).status, 206);

    let listed = get(&server, "/_touchline/requests", &[]);
    let records: Vec<RequestRecord> = serde_json::from_slice(&listed.body).expect("json");
    let tail: Vec<_> = records.iter().rev().take(4).rev().collect();
    assert_eq!(tail[0].fault.as_deref(), Some("status=503@manifest.json#2"));
    assert_eq!(tail[2].fault.as_deref(), Some("status=410@*"));
    assert_eq!(
        *tail[3],
        RequestRecord {
            path: "/manifest.json".into(),
            range: Some("bytes=0-1".into()),
            status: Some(206),
            bytes: 2,
            fault: None
        }
    );
    let json: serde_json::Value = serde_json::from_slice(&listed.body).expect("json");
    let keys: Vec<_> = json[0].as_object().expect("object").keys().cloned().collect();
    assert_eq!(keys.len(), 5);
    for key in ["path", "range", "status", "bytes", "fault"] {
        assert!(keys.iter().any(|k| k == key), "{key}");
    }
}

#[test]
fn truncate_sends_the_full_length_then_closes() {
    let (server, _, _) = start("truncate");
    server.set_faults(vec!["truncate=123@bundles/".parse().expect("spec")]);
    let answer = get(&server, "/bundles/touchline-x.wasm", &[]);
    assert_eq!((answer.status, answer.header("content-length")), (200, Some("5000")));
    assert_eq!(answer.body, &bundle_bytes()[..123]);
    // On a keep-alive connection too: the server closes after the short body.
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream.write_all(b"GET /bundles/touchline-x.wasm HTTP/1.1\r\nHost: t\r\n\r\n").expect("send");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("the server closes (no read timeout)");
    assert_eq!(parse_answer(&bytes).map(|a| a.body.len()), Some(123));
}

#[test]
fn drop_closes_without_an_answer() {
    let (server, _, _) = start("drop");
    server.set_faults(vec!["drop@manifest.json".parse().expect("spec")]);
    assert!(raw(&server, "GET", "/manifest.json", &[], b"").is_none());
    let record = server.requests().pop().expect("recorded");
    assert_eq!((record.status, record.fault.as_deref()), (None, Some("drop@manifest.json")));
}

#[test]
fn corrupt_flips_one_byte() {
    let (server, _, _) = start("corrupt");
    server.set_faults(vec!["corrupt=7@bundles/touchline-x.wasm".parse().expect("spec")]);
    let answer = get(&server, "/bundles/touchline-x.wasm", &[]);
    let mut expected = bundle_bytes();
    expected[7] ^= 0xff;
    assert_eq!(answer.body, expected);
}

#[test]
fn a_delayed_request_does_not_block_others() {
    let (server, _, _) = start("delay");
    server.set_faults(vec!["delay=3000@bundles/".parse().expect("spec")]);
    let addr = server.addr();
    let slow = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream
            .write_all(b"GET /bundles/touchline-x.wasm HTTP/1.1\r\nConnection: close\r\n\r\n")
            .expect("send");
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        Instant::now()
    });
    // The slow connection is accepted first; a server that answered one request at a time
    // would make the fast one wait behind it.
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.open_connections() == 0 {
        assert!(Instant::now() < deadline, "the slow request never connected");
        std::thread::yield_now();
    }
    let started = Instant::now();
    let fast = get(&server, "/manifest.json", &[]);
    let fast_done = Instant::now();
    assert_eq!(fast.status, 200);
    assert!(
        fast_done - started < Duration::from_secs(2),
        "the fast request waited {:?}",
        fast_done - started
    );
    let slow_done = slow.join().expect("slow thread");
    assert!(slow_done > fast_done, "the delayed answer came after the fast one");
    assert!(slow_done - started >= Duration::from_millis(2500));
}

/// Kills the child on drop so a failing test leaves no server behind.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn binary_prints_its_url_and_writes_the_port_file() {
    let (root, dir) = tree("binary");
    let port_file = root.join("port");
    let child = Command::new(env!("CARGO_BIN_EXE_touchline"))
        .arg("serve")
        .arg(&dir)
        .args(["--addr", "127.0.0.1:0", "--fault", "status=500@manifest.json#1", "--port-file"])
        .arg(&port_file)
        .stdout(Stdio::piped())
        .spawn()
        .expect("touchline serve starts");
    let mut child = Kill(child);
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().expect("stdout")).read_line(&mut line).expect("first line");
    let port = std::fs::read_to_string(&port_file).expect("port file").trim().to_owned();
    assert_eq!(line.trim_end(), format!("serving {} on http://127.0.0.1:{port}/", dir.display()));
    let url = format!("http://127.0.0.1:{port}/manifest.json");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let first = agent.get(&url).call().expect("answer");
    assert_eq!(first.status().as_u16(), 500);
    let mut second = agent.get(&url).call().expect("answer");
    assert_eq!(second.status().as_u16(), 200);
    assert_eq!(second.body_mut().read_to_string().expect("body"), MANIFEST);

    let bad = Command::new(env!("CARGO_BIN_EXE_touchline"))
        .args(["serve", "/nonexistent", "--fault", "bogus"])
        .output()
        .expect("runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bad fault spec `bogus`"));
}
