//! The bundle's side of the host ABI (see `docs/host-abi.md`): the exports a host calls,
//! over one [`App`] per instance. Pages invoke [`crate::bundle!`] once; this is the only
//! module with unsafe code (the host import), and only on wasm32.

#![allow(unsafe_code)]

use std::cell::RefCell;

use touchline_abi::event::EVENT_SIZE;
use touchline_abi::{
    ABI_VERSION, Event, FRAME_FLAG_UNCHANGED, FrameOutput, MAX_EVENT_BATCH_BYTES, RequestBuffer, Status,
};

use crate::app::App;
use crate::view::View;

struct BundleState {
    app: App,
    input: Vec<u8>,
    events: Vec<Event>,
    output: Box<FrameOutput>,
    requests: Box<RequestBuffer>,
}

thread_local! {
    static STATE: RefCell<Option<BundleState>> = const { RefCell::new(None) };
}

/// `touchline_abi_version`.
pub fn abi_version() -> i32 {
    ABI_VERSION as i32
}

/// `touchline_init`: builds the app for a viewport.
pub fn init(width: i32, height: i32, root: fn() -> View) -> i32 {
    if width <= 0 || height <= 0 || width > 16384 || height > 16384 {
        return Status::BadArgument as i32;
    }
    std::panic::set_hook(Box::new(|info| log(0, &format!("panic: {info}"))));
    STATE.with(|state| {
        let mut state = state.borrow_mut();
        if state.is_some() {
            return Status::BadState as i32;
        }
        match App::new(width as u32, height as u32, root) {
            Ok(mut app) => {
                app.prepare_first_frame();
                *state = Some(BundleState {
                    app,
                    input: Vec::new(),
                    events: Vec::new(),
                    output: Box::default(),
                    requests: Box::default(),
                });
                Status::Ok as i32
            }
            Err(err) => {
                log(0, &format!("init failed: {err}"));
                Status::BadState as i32
            }
        }
    })
}

/// `touchline_input_buffer`: a buffer of at least `len` bytes for the host to fill.
pub fn input_buffer(len: i32) -> i32 {
    // The event records and, from ABI 1.3, the payload of fetched bodies after them.
    if len < 0 || len as u32 > MAX_EVENT_BATCH_BYTES + touchline_abi::MAX_INPUT_PAYLOAD_BYTES {
        return 0;
    }
    STATE.with(|state| {
        let mut state = state.borrow_mut();
        let Some(state) = state.as_mut() else { return 0 };
        state.input.resize(len.max(1) as usize, 0);
        state.input.as_mut_ptr() as usize as i32
    })
}

/// `touchline_frame`: runs a frame over the events in the input buffer.
pub fn frame(time_us: i64, event_count: i32) -> i32 {
    STATE.with(|state| {
        let mut state = state.borrow_mut();
        let Some(state) = state.as_mut() else { return 0 };
        let Some(bytes) = usize::try_from(event_count).ok().and_then(|n| n.checked_mul(EVENT_SIZE)) else {
            return 0;
        };
        if bytes > state.input.len() || time_us < 0 {
            return 0;
        }
        state.events.clear();
        state.events.extend(Event::decode_batch(&state.input[..bytes]));
        let list = state.app.frame(time_us as u64, &state.events, &state.input[bytes..]);
        let (ptr, len) = (list.as_ptr() as usize as u32, list.len() as u32);
        let unchanged = state.app.engine().stats().unchanged;
        *state.output = FrameOutput {
            display_list_ptr: ptr,
            display_list_len: len,
            flags: if unchanged { FRAME_FLAG_UNCHANGED } else { 0 },
            reserved: 0,
        };
        &*state.output as *const FrameOutput as usize as i32
    })
}

/// `touchline_requests`: the requests the last frame made (image loads and unloads).
pub fn requests() -> i32 {
    STATE.with(|state| {
        let mut state = state.borrow_mut();
        let Some(state) = state.as_mut() else { return 0 };
        let (ptr, len, count) = {
            let requests = state.app.engine().requests();
            (requests.as_ptr() as usize as u32, requests.len() as u32, state.app.engine().request_count())
        };
        *state.requests = RequestBuffer { ptr, len, count, reserved: 0 };
        &*state.requests as *const RequestBuffer as usize as i32
    })
}

/// Writes a line to the host's log (level 0 error … 3 debug).
pub fn log(level: i32, message: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        #[link(wasm_import_module = "touchline_host")]
        unsafe extern "C" {
            #[link_name = "log"]
            fn host_log(level: i32, ptr: *const u8, len: i32);
        }
        let len = message.len().min(touchline_abi::MAX_LOG_LINE_BYTES as usize);
        // SAFETY: the host reads `len` bytes at `ptr` from our linear memory during the call.
        unsafe { host_log(level, message.as_ptr(), len as i32) };
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("bundle[{level}]: {message}");
}

/// Exports the host ABI from a bundle crate, with `$root` (a `fn() -> View`) as the app.
///
/// ```ignore
/// touchline_ui::bundle!(pages::app);
/// ```
#[macro_export]
macro_rules! bundle {
    ($root:path) => {
        #[cfg(target_arch = "wasm32")]
        #[allow(unsafe_code, missing_docs)]
        mod __touchline_bundle_exports {
            #[unsafe(no_mangle)]
            pub extern "C" fn touchline_abi_version() -> i32 {
                $crate::bundle::abi_version()
            }
            #[unsafe(no_mangle)]
            pub extern "C" fn touchline_init(width: i32, height: i32) -> i32 {
                $crate::bundle::init(width, height, $root)
            }
            #[unsafe(no_mangle)]
            pub extern "C" fn touchline_input_buffer(len: i32) -> i32 {
                $crate::bundle::input_buffer(len)
            }
            #[unsafe(no_mangle)]
            pub extern "C" fn touchline_frame(time_us: i64, event_count: i32) -> i32 {
                $crate::bundle::frame(time_us, event_count)
            }
            #[unsafe(no_mangle)]
            pub extern "C" fn touchline_requests() -> i32 {
                $crate::bundle::requests()
            }
        }
    };
}
