//! wasmtime's C API as one static library (`libtouchline_wasmtime_capi.a`) for the C++ device
//! host. Everything is re-exported so the `wasm_*`/`wasmtime_*`/`wasi_*` symbols are kept.
pub use wasmtime_c_api::*;
