//! The desktop host's legacy JS VM (QuickJS) running the app's real `legacy.js`, and
//! misbehaving scripts: every exception is caught and counted, the VM keeps serving the next
//! message, bad messages are counted either way, and endless loops and heap bombs are stopped.

use touchline_desktop::legacy_js::{JsConfig, JsError, LegacyJs, MAX_QUEUED_POSTS};

const LEGACY_JS: &str = include_str!("../../../pages/legacy/legacy.js");

fn config() -> JsConfig {
    JsConfig {
        collector_url: Some("http://127.0.0.1:9/collect".into()),
        app_version: "1.2.3".into(),
        device: "test".into(),
        heap_limit: 0,
    }
}

fn report(vm: &mut LegacyJs) -> serde_json::Value {
    let posts = vm.take_http_posts();
    assert_eq!(posts.len(), 1, "one report: {posts:?}");
    assert_eq!(posts[0].url, "http://127.0.0.1:9/collect");
    serde_json::from_str(&posts[0].body).expect("the report is JSON")
}

#[test]
fn legacy_js_says_it_is_ready_and_mirrors_the_history() {
    let mut vm = LegacyJs::load(LEGACY_JS, &config()).expect("loads");
    assert_eq!(vm.take_posts(), [r#"{"type":"js.ready","version":"1"}"#]);
    vm.deliver(r#"{"type":"history","stack":[{"page":"profiles"},{"page":"match","param":"fra-cro"}]}"#);
    vm.deliver(r#"{"type":"crash","frame":40,"kind":"panic","message":"x","restart_ms":9.5}"#);
    let report = report(&mut vm);
    assert_eq!(report["page"], "match", "the mirrored history names the page on screen");
    assert_eq!(report["depth"], 2);
    assert_eq!(report["appVersion"], "1.2.3");
    assert_eq!(report["reports"][0]["type"], "crash");
    assert_eq!(report["reports"][0]["kind"], "panic");
    assert_eq!(report["reports"][0]["frame"], 40);
    assert_eq!(vm.counters().errors, 0);
}

#[test]
fn metrics_are_batched_by_count_and_by_time() {
    let mut vm = LegacyJs::load(LEGACY_JS, &config()).expect("loads");
    for i in 0..49 {
        vm.deliver(&format!(r#"{{"type":"metric","name":"m","value":{i}}}"#));
    }
    assert!(vm.take_http_posts().is_empty(), "49 wait");
    vm.deliver(r#"{"type":"metric","name":"m","value":49}"#);
    assert_eq!(report(&mut vm)["reports"].as_array().map(Vec::len), Some(50));

    vm.deliver(r#"{"type":"log","level":"warn","message":"hello"}"#);
    vm.tick(1000.0);
    assert!(vm.take_http_posts().is_empty(), "not yet five seconds");
    vm.tick(6000.0);
    assert_eq!(report(&mut vm)["reports"][0]["message"], "hello");
}

#[test]
fn js_throws() {
    let script = r#"
        var seen = 0;
        host.onMessage(function (m) {
            seen += 1;
            if (m.type === "bad") { throw new Error("boom " + seen); }
            host.post({ type: "echo", seen: seen });
        });
        host.onTick(function () { if (seen === 2) { null.x = 1; } });
    "#;
    let mut vm = LegacyJs::load(script, &config()).expect("loads");
    vm.deliver(r#"{"type":"bad"}"#);
    vm.tick(16.0);
    vm.deliver(r#"{"type":"good"}"#);
    vm.tick(32.0);
    vm.deliver(r#"{"type":"good"}"#);
    assert_eq!(vm.counters().errors, 2, "the throw in the handler and the one in the tick");
    assert_eq!(vm.take_posts(), [r#"{"type":"echo","seen":2}"#, r#"{"type":"echo","seen":3}"#]);
}

#[test]
fn malformed_bus_messages_are_counted_both_ways() {
    let script = r#"
        host.onMessage(function (m) { host.post({ type: "got", what: m.type }); });
        var results = [host.post("a string"), host.post({ no: "type" }), host.post({ type: 5 }),
                       host.post({ type: "big", data: new Array(70000).join("x") })];
        host.post({ type: "results", values: results });
    "#;
    let mut vm = LegacyJs::load(script, &config()).expect("loads");
    assert_eq!(vm.take_posts(), [r#"{"type":"results","values":[false,false,false,false]}"#]);
    for bad in ["{not json", "[1,2]", r#"{"type":7}"#, "null", ""] {
        vm.deliver(bad);
    }
    vm.deliver(r#"{"type":"fine"}"#);
    let counters = vm.counters();
    assert_eq!((counters.malformed, counters.delivered, counters.dropped, counters.errors), (5, 1, 4, 0));
    assert_eq!(vm.take_posts(), [r#"{"type":"got","what":"fine"}"#]);
}

#[test]
fn posts_beyond_the_queue_bound_are_dropped() {
    let script = "for (var i = 0; i < 300; i++) { host.post({ type: 'n', i: i }); }";
    let mut vm = LegacyJs::load(script, &config()).expect("loads");
    assert_eq!(vm.take_posts().len(), MAX_QUEUED_POSTS);
    assert_eq!(vm.counters().dropped, 300 - MAX_QUEUED_POSTS as u64);
}

#[test]
fn a_script_that_does_not_parse_is_an_error_and_one_that_throws_keeps_its_handlers() {
    assert!(matches!(LegacyJs::load("function (", &config()), Err(JsError::Load(_))));
    let script =
        "host.onMessage(function (m) { host.post({ type: 'heard' }); }); throw new Error('no thanks');";
    let mut vm = LegacyJs::load(script, &config()).expect("a throw at load is counted, not fatal");
    assert_eq!(vm.counters().errors, 1);
    vm.deliver(r#"{"type":"x"}"#);
    assert_eq!(vm.take_posts(), [r#"{"type":"heard"}"#]);
}

#[test]
fn an_endless_loop_is_interrupted_and_the_vm_keeps_working() {
    let script = r#"
        host.onMessage(function (m) {
            if (m.type === "spin") { while (true) {} }
            host.post({ type: "alive" });
        });
    "#;
    let mut vm = LegacyJs::load(script, &config()).expect("loads");
    let started = std::time::Instant::now();
    vm.deliver(r#"{"type":"spin"}"#);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "the call budget stopped it");
    vm.deliver(r#"{"type":"ping"}"#);
    assert_eq!(vm.counters().errors, 1);
    assert_eq!(vm.take_posts(), [r#"{"type":"alive"}"#]);
}

#[test]
fn a_heap_bomb_is_stopped_and_the_vm_keeps_working() {
    let script = r#"
        var hog = [];
        host.onMessage(function (m) {
            if (m.type === "bomb") { while (true) { hog.push(new Array(100000).join("x") + hog.length); } }
            hog = [];
            host.post({ type: "alive" });
        });
    "#;
    let config = JsConfig { heap_limit: 16 << 20, ..config() };
    let mut vm = LegacyJs::load(script, &config).expect("loads");
    vm.deliver(r#"{"type":"bomb"}"#);
    assert_eq!(vm.counters().errors, 1, "out of memory (or the call budget) ended the handler");
    vm.deliver(r#"{"type":"ping"}"#);
    assert_eq!(vm.take_posts(), [r#"{"type":"alive"}"#]);
    assert!(vm.heap_bytes() <= 16 << 20);
}
