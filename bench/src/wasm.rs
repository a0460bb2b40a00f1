//! The bench ABI (wasm32 only): what `touchline-desktop bench BENCH.wasm` calls.
//!
//! | export | does |
//! | --- | --- |
//! | `touchline_bench_abi_version() -> i32` | [`BENCH_ABI_VERSION`]; the host refuses another |
//! | `touchline_bench_count() -> i32` | number of scenarios |
//! | `touchline_bench_describe(i) -> i64` | `(len << 32) \| ptr` of scenario `i`'s UTF-8 record `name \t kind \t limit \t description` ([`Scenario::record`]); 0 when `i` is out of range |
//! | `touchline_bench_setup(i) -> i32` | untimed: sets scenario `i` up (dropping any other); 0, or < 0 on failure |
//! | `touchline_bench_step(i) -> i32` | **timed by the host**: one step; the length of its frame's display list in bytes, or < 0 on failure |
//! | `touchline_bench_after_step(i) -> i32` | untimed, after every step: checks the frame, resets what must be reset; 0, or < 0 |
//! | `touchline_bench_teardown(i) -> i32` | drops the scenario; 0 |
//! | `touchline_bench_error() -> i64` | `(len << 32) \| ptr` of the last failure's message |
//!
//! Failures: -1 no such scenario, -2 scenario `i` is not the one set up, -3 setup failed, -4 a
//! check failed. The host reads the message with `touchline_bench_error`. A panic is a trap
//! (the bundle profile aborts on panic), which the host reports as such.
//!
//! No time is measured in here: the host times `touchline_bench_step` with its wall clock.

// `#[unsafe(no_mangle)]` is what makes these functions wasm exports; it is this crate's only
// unsafe code (the attribute is unsafe because an exported symbol could clash with another).
// Every function body is safe Rust.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::sync::OnceLock;

use crate::{Bench, SCENARIOS};

/// The bench ABI's version; bump it when an export changes.
pub const BENCH_ABI_VERSION: i32 = 1;

const NO_SUCH_SCENARIO: i32 = -1;
const NOT_SET_UP: i32 = -2;
const SETUP_FAILED: i32 = -3;
const CHECK_FAILED: i32 = -4;

thread_local! {
    /// The scenario set up, by index.
    static RUNNING: RefCell<Option<(usize, Bench)>> = const { RefCell::new(None) };
    /// The last failure's message.
    static ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The description records, built once.
fn records() -> &'static [String] {
    static RECORDS: OnceLock<Vec<String>> = OnceLock::new();
    RECORDS.get_or_init(|| SCENARIOS.iter().map(|s| s.record()).collect())
}

/// A slice of linear memory as `(len << 32) | ptr`.
fn pack(bytes: &[u8]) -> i64 {
    ((bytes.len() as u64) << 32 | bytes.as_ptr() as usize as u64) as i64
}

fn fail(code: i32, message: String) -> i32 {
    ERROR.with(|e| *e.borrow_mut() = message);
    code
}

fn index(i: i32) -> Option<usize> {
    usize::try_from(i).ok().filter(|&i| i < SCENARIOS.len())
}

/// Runs `f` on scenario `i` when it is the one set up.
fn with_running(i: i32, f: impl FnOnce(&mut Bench) -> i32) -> i32 {
    let Some(i) = index(i) else { return fail(NO_SUCH_SCENARIO, format!("no scenario {i}")) };
    RUNNING.with(|running| match running.borrow_mut().as_mut() {
        Some((set_up, bench)) if *set_up == i => f(bench),
        _ => fail(NOT_SET_UP, format!("scenario {} is not set up", SCENARIOS[i].name)),
    })
}

/// `touchline_bench_abi_version`.
#[unsafe(no_mangle)]
pub extern "C" fn touchline_bench_abi_version() -> i32 {
    BENCH_ABI_VERSION
}

/// `touchline_bench_count`.
#[unsafe(no_mangle)]
pub extern "C" fn touchline_bench_count() -> i32 {
    SCENARIOS.len() as i32
}

/// `touchline_bench_describe`.
#[unsafe(no_mangle)]
pub extern "C" fn touchline_bench_describe(i: i32) -> i64 {
    index(i).map_or(0, |i| pack(records()[i].as_bytes()))
}

/// `touchline_bench_setup`.
#[unsafe(no_mangle)]
pub extern "C" fn touchline_bench_setup(i: i32) -> i32 {
    let Some(i) = index(i) else { return fail(NO_SUCH_SCENARIO, format!("no scenario {i}")) };
    // Drop the previous scenario first, so its memory is free for this one.
    RUNNING.with(|running| *running.borrow_mut() = None);
    match SCENARIOS[i].setup() {
        Ok(bench) => {
            RUNNING.with(|running| *running.borrow_mut() = Some((i, bench)));
            0
        }
        Err(e) => fail(SETUP_FAILED, format!("{}: {e}", SCENARIOS[i].name)),
    }
}

/// `touchline_bench_step`.
#[unsafe(no_mangle)]
pub extern "C" fn touchline_bench_step(i: i32) -> i32 {
    with_running(i, |bench| bench.step().min(i32::MAX as u32) as i32)
}

/// `touchline_bench_after_step`.
#[unsafe(no_mangle)]
pub extern "C" fn touchline_bench_after_step(i: i32) -> i32 {
    with_running(i, |bench| match bench.after_step() {
        Ok(()) => 0,
        Err(e) => fail(CHECK_FAILED, e.to_string()),
    })
}

/// `touchline_bench_teardown`: drops whatever scenario is set up.
#[unsafe(no_mangle)]
pub extern "C" fn touchline_bench_teardown(i: i32) -> i32 {
    let _ = i;
    RUNNING.with(|running| *running.borrow_mut() = None);
    0
}

/// `touchline_bench_error`.
#[unsafe(no_mangle)]
pub extern "C" fn touchline_bench_error() -> i64 {
    ERROR.with(|e| pack(e.borrow().as_bytes()))
}
