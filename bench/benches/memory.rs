//! The memory scenario natively: the live heap after building the 20,001-node page and running
//! its first frame, counted by a wrapper around the system allocator.
//!
//! The target (linear memory ≤ 16 MiB) is for the wasm build, where pointers are 4 bytes and
//! dlmalloc's overhead and fragmentation count too: `touchline-desktop bench` reports that
//! figure. This one is allocator-independent, and larger, since native pointers are 8 bytes.

// A global allocator is an `unsafe trait`; this one forwards every call unchanged to the
// system allocator and only counts bytes.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use touchline_bench::{
    BIG_PAGE_RAILS, FRAME_US, HEIGHT, SCENARIOS, ScenarioId, WIDTH, scene_nodes, spawn_page,
};
use touchline_engine::Engine;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counters do not touch the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on unchanged.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn main() {
    let Some(scenario) = SCENARIOS.iter().find(|s| s.id == ScenarioId::Memory20000) else {
        panic!("no memory scenario");
    };
    println!("\n{}: {}", scenario.name, scenario.description);
    let before = live();
    let mut bench = match scenario.setup() {
        Ok(bench) => bench,
        Err(e) => panic!("{}: setup failed: {e}", scenario.name),
    };
    let engine_only = live();
    let start = Instant::now();
    bench.step();
    let elapsed = start.elapsed();
    if let Err(e) = bench.after_step() {
        panic!("{}: {e}", scenario.name);
    }
    let after = live();
    let nodes = scene_nodes(bench.engine_mut());
    println!(
        "bench {} (native): live heap {:.2} MiB after the step (peak {:.2} MiB; the empty engine {:.2} MiB); \
         build + first frame {:.1} ms; {nodes} nodes",
        scenario.name,
        mib(after - before),
        mib(PEAK.load(Ordering::Relaxed) - before),
        mib(engine_only - before),
        elapsed.as_secs_f64() * 1e3,
    );
    drop(bench);

    // Where it goes: the same page spawned (components in the ECS), then its first frame
    // (layout tree, text layouts, per-node paint caches, display list).
    let mut engine = match Engine::new(WIDTH, HEIGHT) {
        Ok(engine) => engine,
        Err(e) => panic!("engine: {e}"),
    };
    engine.frame(FRAME_US, &[]);
    let empty = live();
    spawn_page(&mut engine, BIG_PAGE_RAILS);
    let spawned = live();
    engine.frame(2 * FRAME_US, &[]);
    let framed = live();
    let per_node = |bytes: usize| bytes as f64 / nodes as f64;
    println!(
        "    spawning the page: {:.2} MiB ({:.0} B/node); its first frame: {:.2} MiB more ({:.0} B/node)",
        mib(spawned - empty),
        per_node(spawned - empty),
        mib(framed - spawned),
        per_node(framed - spawned),
    );
    println!("    (the target, linear memory ≤ 16 MiB, is for the wasm build: see touchline-desktop bench)");
}
