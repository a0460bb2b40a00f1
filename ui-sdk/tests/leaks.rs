//! Nothing leaks over 10,000 mount/unmount cycles of a component that owns signals, a memo,
//! effects, a keyed list, a task with a timer, a fetch in flight and a ref: live heap bytes,
//! scene nodes and the app's own tables are the same after the cycles as after warm-up.
//!
//! Its own test binary: it counts every allocation of the process.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use touchline_ui::prelude::*;
use touchline_ui::{App, fetch, sleep};

struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator, only counting sizes.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        // SAFETY: as `GlobalAlloc::realloc` requires of the caller.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A component with one of everything that must be cleaned up.
fn busy_card(n: u32) -> View {
    let count = signal(n);
    let doubled = memo(move || count.get() * 2);
    let items = signal(vec![n, n + 1, n + 2]);
    let node_ref = NodeRef::new();
    effect(move || {
        let _ = doubled.get();
    });
    spawn_local(async move {
        sleep(Duration::from_secs(60)).await;
        count.set(0);
    });
    spawn_local(async move {
        let _ = fetch(format!("data/{n}.json")).await;
    });
    view! {
        <column ref={&node_ref} focusable on_select={move || count.update(|c| *c += 1)}>
            <text>{move || format!("{} / {}", count.get(), doubled.get())}</text>
            <For each={move || items.get()} key={|i: &u32| *i} view={|i: u32| view! { <text>{i.to_string()}</text> }} />
            {move || count.get().is_multiple_of(2).then(|| view! { <text>"even"</text> })}
        </column>
    }
}

#[test]
fn ten_thousand_mount_unmount_cycles_leak_nothing() {
    let shown = std::rc::Rc::new(std::cell::Cell::new(None));
    let slot = shown.clone();
    let mut app = App::new(640, 360, move || {
        let show = signal(0u32);
        slot.set(Some(show));
        View::dynamic(move || {
            let n = show.get();
            if !n.is_multiple_of(2) { busy_card(n) } else { View::empty() }
        })
    })
    .expect("app starts");
    let show = shown.get().expect("state");
    let mut frame = 0u64;
    let mut cycle = |app: &mut App| {
        for _ in 0..2 {
            show.update(|n| *n += 1);
            frame += 1;
            app.frame(frame * 16_667, &[], &[]);
        }
    };
    for _ in 0..200 {
        cycle(&mut app);
    }
    let (bytes, nodes) = (LIVE_BYTES.load(Ordering::Relaxed), app.engine().stats().nodes);
    let stats = app.stats();
    for _ in 0..10_000 {
        cycle(&mut app);
    }
    let grown = LIVE_BYTES.load(Ordering::Relaxed) - bytes;
    println!("live bytes after warm-up {bytes}, growth over 10,000 cycles {grown}");
    assert_eq!(app.engine().stats().nodes, nodes, "scene nodes");
    assert_eq!(app.stats().live_tasks, stats.live_tasks, "tasks");
    assert_eq!(app.stats().timers, stats.timers, "timers");
    assert_eq!(app.stats().fetches, stats.fetches, "fetches");
    // One byte per cycle would be 10 KB: anything owned by a cycle and kept shows up.
    assert!(grown < 4096, "the heap grew by {grown} bytes over 10,000 cycles");
}
