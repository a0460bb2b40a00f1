//! Fetch requests (ABI 1.3): asset and file fetches answered with the next frame, HTTP fetches
//! on worker threads (against loopback servers started here), cancellation, the bound on
//! fetches in flight, and the input payload that carries the bodies. `fetch.wat` and
//! `fetch_malformed.wat` are shared with the device host's CTest suite.

mod support;

use std::cell::RefCell;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use touchline_abi::{
    DisplayListWriter, Event, EventKind, FetchError, FetchMethod, Key, MAX_FETCH_BODY_BYTES, RequestWriter,
    fetch_bodies,
};
use touchline_desktop::fetch::MAX_FETCHES_IN_FLIGHT;
use touchline_desktop::session::virtual_time_us;
use touchline_desktop::{Bundle, BundleOptions, FrameSource, HostError, RunOptions, Session, SourceTimings};

/// One frame's input as the source saw it.
type Frames = Rc<RefCell<Vec<(Vec<Event>, Vec<u8>)>>>;

/// Forwards to a source and records every frame's events and payload.
struct Recording<S> {
    inner: S,
    frames: Frames,
}

impl<S: FrameSource> FrameSource for Recording<S> {
    fn viewport(&self) -> (u32, u32) {
        self.inner.viewport()
    }
    fn frame(&mut self, time_us: u64, events: &[Event], payload: &[u8]) -> Result<&[u8], HostError> {
        self.frames.borrow_mut().push((events.to_vec(), payload.to_vec()));
        self.inner.frame(time_us, events, payload)
    }
    fn timings(&self) -> SourceTimings {
        self.inner.timings()
    }
    fn requests(&self) -> &[u8] {
        self.inner.requests()
    }
}

/// A request a [`Scripted`] source makes.
#[derive(Clone, Debug)]
enum Req {
    Get(u32, String),
    Fetch(u32, FetchMethod, u32, String, Vec<u8>),
    Cancel(u32),
    Load(u32, String),
    Unload(u32),
}

/// A native source whose frame `i` makes the requests `script[i]`.
struct Scripted {
    script: Vec<Vec<Req>>,
    frame: usize,
    writer: DisplayListWriter,
    requests: RequestWriter,
}

impl Scripted {
    fn new(script: Vec<Vec<Req>>) -> Self {
        Self { script, frame: 0, writer: DisplayListWriter::new(), requests: RequestWriter::default() }
    }
}

impl FrameSource for Scripted {
    fn viewport(&self) -> (u32, u32) {
        (16, 16)
    }
    fn frame(&mut self, _: u64, _: &[Event], _: &[u8]) -> Result<&[u8], HostError> {
        self.requests.clear();
        for request in self.script.get(self.frame).into_iter().flatten() {
            match request {
                Req::Get(id, url) => {
                    self.requests.fetch(*id, FetchMethod::Get, 0, url, b"").expect("fits");
                }
                Req::Fetch(id, method, timeout_ms, url, body) => {
                    self.requests.fetch(*id, *method, *timeout_ms, url, body).expect("fits");
                }
                Req::Cancel(id) => self.requests.cancel_fetch(*id),
                Req::Load(handle, url) => self.requests.load_image(*handle, url),
                Req::Unload(handle) => self.requests.unload_image(*handle),
            }
        }
        self.frame += 1;
        self.writer.begin(16, 16, 0);
        Ok(self.writer.finish())
    }
    fn requests(&self) -> &[u8] {
        self.requests.bytes()
    }
}

fn session<S: FrameSource + 'static>(source: S, assets: &Path) -> (Session, Frames) {
    let frames = Frames::default();
    let recording = Recording { inner: source, frames: frames.clone() };
    let options =
        RunOptions { headless: true, quiet: true, assets: assets.to_path_buf(), ..RunOptions::default() };
    (Session::new(Box::new(recording), options, Instant::now()).expect("session"), frames)
}

/// A fetch answer as a bundle reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Got {
    Done(u32, u32, Vec<u8>),
    Failed(u32, FetchError),
}

/// The fetch answers of one frame, bodies read out of the payload with `fetch_bodies`.
fn answers(events: &[Event], payload: &[u8]) -> Vec<Got> {
    let mut bodies = fetch_bodies(events, payload);
    let mut got = Vec::new();
    for event in events {
        match EventKind::from_u32(event.kind) {
            Some(EventKind::FetchDone) => {
                let (id, body) = bodies.next().expect("a body for every FetchDone");
                assert_eq!(id, event.a);
                let body = body.unwrap_or_else(|e| panic!("fetch {id}: {e}"));
                got.push(Got::Done(id, event.b as u32, body.to_vec()));
            }
            Some(EventKind::FetchFailed) => {
                got.push(Got::Failed(event.a, FetchError::from_u32(event.b as u32)));
            }
            _ => {}
        }
    }
    assert!(bodies.next().is_none());
    got
}

/// Every fetch answer delivered so far, frame by frame.
fn all_answers(frames: &Frames) -> Vec<Vec<Got>> {
    frames.borrow().iter().map(|(events, payload)| answers(events, payload)).collect()
}

/// Steps frames (a few milliseconds apart) until `want` fetch answers have been delivered;
/// returns them in delivery order.
fn run_until(session: &mut Session, frames: &Frames, want: usize) -> Vec<Got> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got: Vec<Got> = all_answers(frames).into_iter().flatten().collect();
        if got.len() >= want {
            return got;
        }
        assert!(Instant::now() < deadline, "only {} of {want} answers: {got:?}", got.len());
        let index = session.next_index();
        session.step(virtual_time_us(index), &[]).expect("frame");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A gate test servers wait at.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn open(&self) {
        *self.open.lock().expect("gate") = true;
        self.opened.notify_all();
    }

    /// Waits until the gate opens, at most 10 s.
    fn wait(&self) {
        let guard = self.open.lock().expect("gate");
        let _ = self.opened.wait_timeout_while(guard, Duration::from_secs(10), |open| !*open);
    }
}

/// A loopback HTTP server answering by path, each connection on its own thread.
struct Server {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    answered: Arc<AtomicUsize>,
    gate: Arc<Gate>,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// Starts a server for at most `connections` connections (then its thread ends).
fn serve(connections: usize) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted = Arc::new(AtomicUsize::new(0));
    let answered = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Gate::default());
    let server = Server { addr, accepted: accepted.clone(), answered: answered.clone(), gate: gate.clone() };
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(stream) = stream else { continue };
            accepted.fetch_add(1, Ordering::SeqCst);
            let (gate, answered) = (gate.clone(), answered.clone());
            std::thread::spawn(move || {
                handle(stream, &gate);
                answered.fetch_add(1, Ordering::SeqCst);
            });
        }
    });
    server
}

/// Reads one request: method, path and body.
fn read_request(stream: &mut TcpStream) -> Option<(String, String, Vec<u8>)> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut words = head.split_whitespace();
    let (method, path) = (words.next()?.to_owned(), words.next()?.to_owned());
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).ok()?;
    Some((method, path, body))
}

fn respond(stream: &mut TcpStream, status: &str, body: &[u8]) {
    let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn handle(mut stream: TcpStream, gate: &Gate) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some((method, path, body)) = read_request(&mut stream) else { return };
    match path.as_str() {
        "/hello" => respond(&mut stream, "200 OK", b"hello over http"),
        "/error" => respond(&mut stream, "500 Internal Server Error", b"boom"),
        "/missing" => respond(&mut stream, "404 Not Found", b""),
        "/echo" => {
            let mut echo = format!("{method} ").into_bytes();
            echo.extend_from_slice(&body);
            respond(&mut stream, "200 OK", &echo);
        }
        "/redirect" => {
            let _ = stream.write_all(b"HTTP/1.1 302 Found\r\nLocation: /hello\r\nContent-Length: 0\r\n\r\n");
            // The client follows on a new connection or this one; answer it here too.
            if let Some((_, path, _)) = read_request(&mut stream)
                && path == "/hello"
            {
                respond(&mut stream, "200 OK", b"hello over http");
            }
        }
        // Holds the connection without a word until the gate opens (at most 10 s).
        "/hang" => gate.wait(),
        "/gated" => {
            gate.wait();
            respond(&mut stream, "200 OK", b"late");
        }
        // Declares 9 MiB, sends a little, and closes.
        "/huge-length" => {
            let _ =
                stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 9437184\r\nConnection: close\r\n\r\n");
            let _ = stream.write_all(&[b'x'; 1024]);
        }
        // Sends one byte more than the limit, with no length, then closes.
        "/huge-body" => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            let chunk = vec![b'y'; 64 * 1024];
            let mut left = MAX_FETCH_BODY_BYTES as usize + 1;
            while left > 0 {
                let n = left.min(chunk.len());
                if stream.write_all(&chunk[..n]).is_err() {
                    break;
                }
                left -= n;
            }
        }
        _ => respond(&mut stream, "404 Not Found", b"no such path"),
    }
    let _ = stream.flush();
}

/// An address nothing listens on.
fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}/nothing")
}

#[test]
fn fetch_fixture_gets_asset_answers_and_bodies_in_the_next_frame() {
    let assets = support::write_assets(&support::temp_dir("fetch-fixture"));
    let options = BundleOptions { width: 64, height: 48, ..BundleOptions::default() };
    let bundle = Bundle::from_bytes(&support::shared_fixture("fetch"), options).expect("fetch.wat");
    assert_eq!(bundle.abi_version(), (1, 3));
    let (mut session, frames) = session(bundle, &assets);
    for i in 0..4 {
        // The fixture traps on any answer it did not expect, and checks the payload bytes.
        session.step(virtual_time_us(i), &[]).unwrap_or_else(|e| panic!("frame {i}: {e}"));
    }
    let frames = frames.borrow();
    assert!(frames[0].0.is_empty() && frames[2].0.is_empty() && frames[3].0.is_empty());
    assert_eq!(
        answers(&frames[1].0, &frames[1].1),
        [
            Got::Done(1, 200, support::HELLO.to_vec()),
            Got::Done(2, 404, Vec::new()),
            Got::Failed(3, FetchError::BadUrl),
            Got::Done(5, 404, Vec::new()),
        ]
    );
    assert_eq!(frames[1].1, b"hello, touchline\n\0\0\0", "the padded body is the whole payload");
    let c = session.renderer().pixmap().pixel(32, 24).expect("inside").demultiply();
    assert_eq!([c.red(), c.green(), c.blue()], [0, 255, 0], "the fixture's checks passed");
    let _ = std::fs::remove_dir_all(&assets);
}

#[test]
fn malformed_fetch_records_are_reported_and_the_run_goes_on() {
    let assets = support::write_assets(&support::temp_dir("fetch-malformed"));
    let options = BundleOptions { width: 64, height: 48, ..BundleOptions::default() };
    let bundle = Bundle::from_bytes(&support::shared_fixture("fetch_malformed"), options).expect("wat");
    let (mut session, frames) = session(bundle, &assets);
    for i in 0..9 {
        session.step(virtual_time_us(i), &[]).unwrap_or_else(|e| panic!("frame {i}: {e}"));
    }
    let got = all_answers(&frames);
    assert_eq!(got[1], [Got::Done(9, 200, support::HELLO.to_vec())], "the record before the bad one");
    assert!(got.iter().enumerate().all(|(i, g)| i == 1 || g.is_empty()), "{got:?}");
    let _ = std::fs::remove_dir_all(&assets);
}

#[test]
fn asset_and_file_fetches_follow_the_url_rules() {
    let dir = support::temp_dir("fetch-files");
    let assets = support::write_assets(&dir.join("assets"));
    std::fs::write(dir.join("outside.json"), b"[1,2]").expect("write");
    let file_url = format!("file://{}", dir.join("outside.json").display());
    let script = vec![vec![
        Req::Get(1, "data/hello.txt".into()),
        Req::Get(2, file_url),
        Req::Get(3, "data/nothing.json".into()),
        Req::Get(4, "data".into()),
        Req::Get(5, "../outside.json".into()),
        Req::Get(6, "data/../../outside.json".into()),
        Req::Get(7, dir.join("outside.json").display().to_string()),
        Req::Get(8, "ftp://example.com/a".into()),
        Req::Get(9, "file://localhost/etc/hosts".into()),
        Req::Fetch(10, FetchMethod::Post, 0, "./data/hello.txt".into(), b"ignored".to_vec()),
        Req::Get(11, "".into()),
        Req::Get(12, "http://".into()),
    ]];
    let (mut session, frames) = session(Scripted::new(script), &assets);
    session.step(0, &[]).expect("frame 0");
    assert_eq!(session.pending_answers(), 12, "answered synchronously, after frame 0");
    assert_eq!(session.fetches_in_flight(), 0);
    session.step(1, &[Event::key_down(Key::Up)]).expect("frame 1");
    let frames_ref = frames.borrow();
    assert_eq!(frames_ref[1].0[0], Event::key_down(Key::Up), "input events come first");
    assert_eq!(
        answers(&frames_ref[1].0, &frames_ref[1].1),
        [
            Got::Done(1, 200, support::HELLO.to_vec()),
            Got::Done(2, 200, b"[1,2]".to_vec()),
            Got::Done(3, 404, Vec::new()),
            Got::Done(4, 404, Vec::new()),
            Got::Failed(5, FetchError::BadUrl),
            Got::Failed(6, FetchError::BadUrl),
            Got::Failed(7, FetchError::BadUrl),
            Got::Failed(8, FetchError::BadUrl),
            Got::Failed(9, FetchError::BadUrl),
            Got::Done(10, 200, support::HELLO.to_vec()),
            Got::Failed(11, FetchError::BadUrl),
            Got::Failed(12, FetchError::BadUrl),
        ]
    );
    drop(frames_ref);
    session.step(2, &[]).expect("frame 2");
    assert!(frames.borrow()[2].0.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bodies_past_the_frame_payload_limit_wait_for_later_frames() {
    let dir = support::temp_dir("fetch-payload-limit");
    let assets = support::write_assets(&dir);
    let full = vec![b'z'; MAX_FETCH_BODY_BYTES as usize];
    std::fs::write(dir.join("data/full.bin"), &full).expect("write");
    std::fs::write(dir.join("data/over.bin"), [&full[..], b"!"].concat()).expect("write");
    let script = vec![
        vec![
            Req::Get(1, "data/full.bin".into()),
            Req::Get(2, "data/hello.txt".into()),
            Req::Get(3, "data/full.bin".into()),
            Req::Get(4, "data/full.bin".into()),
            Req::Get(5, "data/over.bin".into()),
            Req::Get(6, "data/full.bin".into()),
        ],
        // Frame 1 cancels fetch 6, whose answer is still waiting for room.
        vec![Req::Cancel(6)],
    ];
    let (mut session, frames) = session(Scripted::new(script), &assets);
    for i in 0..4 {
        session.step(i, &[]).expect("frame");
    }
    let got = all_answers(&frames);
    let short = |g: &Got| match g {
        Got::Done(id, status, body) => format!("{id}:{status}:{}", body.len()),
        Got::Failed(id, e) => format!("{id}:{e:?}"),
    };
    let got: Vec<Vec<String>> = got.iter().map(|f| f.iter().map(short).collect()).collect();
    // 16 MiB a frame: 8 MiB + 20 bytes does not leave room for another 8 MiB.
    assert_eq!(got[1], ["1:200:8388608", "2:200:17"]);
    // Two full bodies fill a frame exactly; a failure takes no payload, so it still fits.
    assert_eq!(got[2], ["3:200:8388608", "4:200:8388608", "5:TooLarge"]);
    assert!(got[3].is_empty(), "fetch 6 was cancelled while it waited: {:?}", got[3]);
    assert_eq!(frames.borrow()[2].1.len(), 2 * MAX_FETCH_BODY_BYTES as usize);
    assert_eq!(session.pending_answers(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn http_fetches_answer_with_the_status_and_body() {
    let server = serve(16);
    let script = vec![vec![
        Req::Get(1, server.url("/hello")),
        Req::Get(2, server.url("/error")),
        Req::Fetch(3, FetchMethod::Post, 5000, server.url("/echo"), b"{\"score\":[2,1]}".to_vec()),
        Req::Fetch(4, FetchMethod::Get, 5000, server.url("/echo"), b"not sent".to_vec()),
        Req::Get(5, server.url("/missing")),
        Req::Get(6, server.url("/redirect")),
    ]];
    let (mut session, frames) = session(Scripted::new(script), Path::new("/nowhere"));
    session.step(0, &[]).expect("frame 0");
    assert_eq!(session.pending_answers(), 0, "network answers come from the workers");
    let mut got = run_until(&mut session, &frames, 6);
    got.sort_by_key(|g| match g {
        Got::Done(id, ..) | Got::Failed(id, _) => *id,
    });
    assert_eq!(
        got,
        [
            Got::Done(1, 200, b"hello over http".to_vec()),
            Got::Done(2, 500, b"boom".to_vec()),
            Got::Done(3, 200, b"POST {\"score\":[2,1]}".to_vec()),
            Got::Done(4, 200, b"GET ".to_vec()),
            Got::Done(5, 404, Vec::new()),
            Got::Done(6, 200, b"hello over http".to_vec()),
        ]
    );
    assert!(frames.borrow()[0].0.is_empty(), "never in the frame that asked");
    assert_eq!(session.fetches_in_flight(), 0);
}

#[test]
fn http_fetches_do_not_block_the_frame_loop() {
    let server = serve(4);
    let script = vec![vec![Req::Get(1, server.url("/gated"))]];
    let (mut session, frames) = session(Scripted::new(script), Path::new("/nowhere"));
    for i in 0..5 {
        let started = Instant::now();
        session.step(i, &[]).expect("frame");
        assert!(started.elapsed() < Duration::from_secs(2), "frame {i} waited for the network");
    }
    assert_eq!(session.fetches_in_flight(), 1);
    assert!(all_answers(&frames).iter().all(Vec::is_empty), "no answer while the server holds it");
    server.gate.open();
    assert_eq!(run_until(&mut session, &frames, 1), [Got::Done(1, 200, b"late".to_vec())]);
    assert_eq!(session.fetches_in_flight(), 0);
}

#[test]
fn http_failures_are_typed() {
    let server = serve(8);
    let script = vec![vec![
        Req::Fetch(1, FetchMethod::Get, 300, server.url("/hang"), Vec::new()),
        Req::Get(2, refused_url()),
        Req::Get(3, server.url("/huge-length")),
        Req::Get(4, server.url("/huge-body")),
        Req::Get(5, "http://exa mple.com/".into()),
    ]];
    let (mut session, frames) = session(Scripted::new(script), Path::new("/nowhere"));
    let started = Instant::now();
    let mut got = run_until(&mut session, &frames, 5);
    server.gate.open();
    got.sort_by_key(|g| match g {
        Got::Done(id, ..) | Got::Failed(id, _) => *id,
    });
    assert_eq!(
        got,
        [
            Got::Failed(1, FetchError::Timeout),
            Got::Failed(2, FetchError::Network),
            Got::Failed(3, FetchError::TooLarge),
            Got::Failed(4, FetchError::TooLarge),
            Got::Failed(5, FetchError::BadUrl),
        ]
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "the 300 ms timeout was kept: {:?}",
        started.elapsed()
    );
}

#[test]
fn cancelled_fetches_are_never_answered() {
    let server = serve(8);
    let script = vec![
        vec![
            // A file fetch cancelled in the frame that made it.
            Req::Get(1, "data/hello.txt".into()),
            Req::Cancel(1),
            // Network fetches: 2 cancelled while running, 3 answered.
            Req::Get(2, server.url("/gated")),
            Req::Get(3, server.url("/gated")),
            // Cancelling what does not exist does nothing.
            Req::Cancel(99),
        ],
        vec![Req::Cancel(2)],
    ];
    let assets = support::write_assets(&support::temp_dir("fetch-cancel"));
    let (mut session, frames) = session(Scripted::new(script), &assets);
    session.step(0, &[]).expect("frame 0");
    assert_eq!(session.pending_answers(), 0, "fetch 1 was dropped");
    session.step(1, &[]).expect("frame 1");
    assert_eq!(session.fetches_in_flight(), 1, "fetch 2 was dropped");
    server.gate.open();
    assert_eq!(run_until(&mut session, &frames, 1), [Got::Done(3, 200, b"late".to_vec())]);
    // Wait until the server has answered fetch 2's connection too, then a few more frames.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.answered.load(Ordering::SeqCst) < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..10 {
        let index = session.next_index();
        session.step(index, &[]).expect("frame");
        std::thread::sleep(Duration::from_millis(5));
    }
    let got: Vec<Got> = all_answers(&frames).into_iter().flatten().collect();
    assert_eq!(got, [Got::Done(3, 200, b"late".to_vec())]);
    let _ = std::fs::remove_dir_all(&assets);
}

#[test]
fn a_new_fetch_under_a_live_id_replaces_it() {
    let server = serve(4);
    let script = vec![vec![Req::Get(1, server.url("/gated"))], vec![Req::Get(1, server.url("/hello"))]];
    let (mut session, frames) = session(Scripted::new(script), Path::new("/nowhere"));
    session.step(0, &[]).expect("frame 0");
    session.step(1, &[]).expect("frame 1");
    assert_eq!(session.fetches_in_flight(), 1);
    assert_eq!(run_until(&mut session, &frames, 1), [Got::Done(1, 200, b"hello over http".to_vec())]);
    server.gate.open();
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.answered.load(Ordering::SeqCst) < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..10 {
        let index = session.next_index();
        session.step(index, &[]).expect("frame");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(all_answers(&frames).into_iter().flatten().count(), 1, "the first one is not answered");
}

#[test]
fn at_most_four_fetches_run_at_once() {
    let server = serve(16);
    let script = vec![(1..=6).map(|id| Req::Get(id, server.url("/gated"))).collect()];
    let (mut session, frames) = session(Scripted::new(script), Path::new("/nowhere"));
    session.step(0, &[]).expect("frame 0");
    assert_eq!(session.fetches_in_flight(), 6);
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.accepted.load(Ordering::SeqCst) < MAX_FETCHES_IN_FLIGHT && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    // Give a fifth connection time to show up if the bound did not hold.
    std::thread::sleep(Duration::from_millis(300));
    session.step(1, &[]).expect("frame 1");
    assert_eq!(server.accepted.load(Ordering::SeqCst), MAX_FETCHES_IN_FLIGHT);
    server.gate.open();
    let got = run_until(&mut session, &frames, 6);
    assert_eq!(got.len(), 6);
    assert!(got.iter().all(|g| matches!(g, Got::Done(_, 200, body) if body == b"late")), "{got:?}");
    assert_eq!(server.accepted.load(Ordering::SeqCst), 6);
}

fn host(args: &[&OsStr]) -> std::process::Output {
    support::run_host(Path::new(env!("CARGO_BIN_EXE_touchline-desktop")), args, None)
}

#[test]
fn cli_prints_a_line_per_delivered_fetch_unless_quiet() {
    let dir = support::temp_dir("fetch-cli");
    let assets = support::write_assets(&dir.join("assets"));
    let bundle = dir.join("fetch.wasm");
    std::fs::write(&bundle, support::shared_fixture("fetch")).expect("write wasm");
    let png = dir.join("out.png");
    let args = [
        OsStr::new("run"),
        bundle.as_os_str(),
        OsStr::new("--size=64x48"),
        OsStr::new("--frames=3"),
        OsStr::new("--assets"),
        assets.as_os_str(),
        OsStr::new("--screenshot"),
        png.as_os_str(),
    ];
    let o = host(&args);
    let out = support::text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("frame 0000 t=0.000ms events=0 commands=1 bytes=64 engine_us=",), "{stdout}");
    assert!(
        stdout.contains(
            "fetch: data/hello.txt -> 200 (17 bytes)\nfetch: data/missing.json -> 404 (0 bytes)\n\
             fetch: ../secret.txt -> failed: bad URL\nfetch: data -> 404 (0 bytes)\nframe 0001 t=16.666ms events=4 "
        ),
        "{stdout}"
    );
    assert_eq!(stdout.matches("fetch: ").count(), 4, "the cancelled fetch prints nothing:\n{stdout}");
    for line in [
        "bundle: fetch 1: 200, 17 bytes",
        "bundle: fetch 3 failed: bad URL",
        "bundle: body of fetch 1 is right",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    let (w, _, rgba) = touchline_desktop::screenshot::read_rgba(&png).expect("PNG");
    assert_eq!(&rgba[((24 * w + 32) * 4) as usize..][..4], &[0, 255, 0, 255]);

    let quiet: Vec<&OsStr> = args.iter().copied().chain([OsStr::new("--quiet")]).collect();
    let o = host(&quiet);
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("fetch:"), "{}", support::text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The image answers of every frame so far: `(frame, handle, Ok((w, h)) or Err(error))`.
fn image_answers(frames: &Frames) -> Vec<(usize, u32, Result<(i32, i32), touchline_abi::ImageError>)> {
    let mut got = Vec::new();
    for (index, (events, _)) in frames.borrow().iter().enumerate() {
        for event in events {
            match EventKind::from_u32(event.kind) {
                Some(EventKind::ImageLoaded) => got.push((index, event.a, Ok((event.b, event.c)))),
                Some(EventKind::ImageFailed) => {
                    got.push((index, event.a, Err(touchline_abi::ImageError::from_u32(event.b as u32))));
                }
                _ => {}
            }
        }
    }
    got
}

#[test]
fn images_under_a_url_asset_root_come_over_http_and_unload_cancels_them() {
    use touchline_abi::ImageError;
    use touchline_desktop::serve::{ServeOptions, Server as Cdn};

    let dir = support::temp_dir("fetch-url-root");
    support::write_assets(&dir.join("assets"));
    let faults = ["status=410@assets/gone.png", "status=503@assets/busy.png", "delay=400@assets/slow"]
        .iter()
        .map(|spec| spec.parse().expect("fault"))
        .collect();
    let cdn =
        Cdn::start(&dir, "127.0.0.1:0", ServeOptions { faults, ..ServeOptions::default() }).expect("serve");
    let script = vec![
        vec![
            Req::Load(1, "images/crest.png".into()),
            Req::Load(2, "images/missing.png".into()),
            Req::Load(3, "gone.png".into()),
            Req::Load(4, "busy.png".into()),
            Req::Load(5, "images/garbage.png".into()),
            // Unloaded while in flight: never answered.
            Req::Load(6, "slow/a.png".into()),
            // Replaced by a second load of the same handle: only that one is answered.
            Req::Load(7, "slow/b.png".into()),
            Req::Load(7, "images/crest.png".into()),
            // Absolute http image URLs stay BadUrl, and relative ones are checked as before.
            Req::Load(8, format!("{}assets/images/crest.png", cdn.url())),
            Req::Load(9, "../secret.png".into()),
            Req::Get(10, "data/hello.txt".into()),
        ],
        vec![Req::Unload(6)],
    ];
    let frames = Frames::default();
    let recording = Recording { inner: Scripted::new(script), frames: frames.clone() };
    let options = RunOptions {
        headless: true,
        quiet: true,
        assets_url: Some(format!("{}assets/", cdn.url())),
        ..RunOptions::default()
    };
    let mut session = Session::new(Box::new(recording), options, Instant::now()).expect("session");
    session.step(0, &[]).expect("frame 0");
    // Only the refused URLs are answered at once; the rest are on their way.
    assert_eq!(session.images_in_flight(), 7);
    session.step(1, &[]).expect("frame 1");
    assert!(session.images_in_flight() <= 6, "the unload dropped image 6");
    let got = run_until(&mut session, &frames, 1);
    assert_eq!(got, [Got::Done(10, 200, support::HELLO.to_vec())], "the fetch went over HTTP too");
    let deadline = Instant::now() + Duration::from_secs(20);
    while session.images_in_flight() > 0 || image_answers(&frames).len() < 8 {
        assert!(Instant::now() < deadline, "{:?}", image_answers(&frames));
        let index = session.next_index();
        session.step(virtual_time_us(index), &[]).expect("frame");
        std::thread::sleep(Duration::from_millis(5));
    }
    // Past the slow answers too: nothing more comes.
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..3 {
        let index = session.next_index();
        session.step(virtual_time_us(index), &[]).expect("frame");
    }
    let mut answers: Vec<_> = image_answers(&frames).into_iter().map(|(_, handle, r)| (handle, r)).collect();
    answers.sort_by_key(|(handle, _)| *handle);
    assert_eq!(
        answers,
        [
            (1, Ok((8, 6))),
            (2, Err(ImageError::NotFound)),
            (3, Err(ImageError::NotFound)),
            (4, Err(ImageError::Other)),
            (5, Err(ImageError::Decode)),
            (7, Ok((8, 6))),
            (8, Err(ImageError::BadUrl)),
            (9, Err(ImageError::BadUrl)),
        ]
    );
    // The refused ones were answered in the next frame, as ever.
    assert!(image_answers(&frames).iter().filter(|(_, h, _)| *h >= 8).all(|(frame, _, _)| *frame == 1));
    assert!(session.summary().contains(" images_loaded=2 images_failed=6 "), "{}", session.summary());
    let requested: Vec<String> = cdn.requests().into_iter().map(|r| r.path).collect();
    assert!(requested.contains(&"/assets/images/crest.png".to_owned()), "{requested:?}");
    assert!(!requested.iter().any(|p| p.contains("secret")), "{requested:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
