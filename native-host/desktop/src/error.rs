//! The host's typed errors.

use std::path::PathBuf;

use crate::renderer::RenderError;

/// Everything that can go wrong while loading or running a frame source.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The bundle file could not be read.
    #[error("cannot read bundle {path}: {source}")]
    MissingFile {
        /// The path given.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// The file does not start like a core wasm module.
    #[error("{path} is not a wasm module ({reason})")]
    NotWasm {
        /// The path given.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The module failed to validate or compile.
    #[error("bundle failed to compile: {0}")]
    Compile(String),
    /// The module could not be instantiated (unknown import, bad start function, ...).
    #[error("bundle failed to instantiate: {0}")]
    Instantiate(String),
    /// A required export is missing or has the wrong type.
    #[error("bundle export `{name}` {problem}")]
    MissingExport {
        /// The export's name.
        name: &'static str,
        /// "is missing" or what is wrong with its type.
        problem: String,
    },
    /// The bundle speaks another major version of the ABI.
    #[error(
        "bundle speaks ABI {bundle_major}.{bundle_minor}, this host speaks {host_major}.x",
        host_major = touchline_abi::ABI_VERSION_MAJOR
    )]
    AbiMismatch {
        /// The bundle's major version.
        bundle_major: u32,
        /// The bundle's minor version.
        bundle_minor: u32,
    },
    /// `touchline_init` returned a non-zero status.
    #[error("touchline_init({width}, {height}) returned status {status}")]
    InitFailed {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
        /// The status it returned.
        status: i32,
    },
    /// The bundle trapped (a Rust panic in the bundle is a trap) or exited.
    #[error("bundle trapped in {during}: {message}")]
    Trap {
        /// Which export was running: `_initialize`, `touchline_init`, `touchline_frame`, ...
        during: &'static str,
        /// The trap message, with the wasm backtrace when there is one.
        message: String,
    },
    /// The bundle trapped before it had started (120 frames), this many times in a row: the
    /// host gives up on it (a delivered bundle is demoted).
    #[error("bundle trapped at start-up {count} times in a row; the last: {last}")]
    StartupTraps {
        /// Start-up traps in a row.
        count: u32,
        /// The last trap's message.
        last: String,
    },
    /// The bundle returned a pointer, length or display list the host refuses.
    #[error("bundle returned a bad frame: {0}")]
    BadOutput(String),
    /// `touchline_requests` returned a `RequestBuffer` pointer or length the host refuses
    /// (outside linear memory, or more than `MAX_REQUEST_BYTES`).
    #[error("bundle returned a bad request buffer: {0}")]
    BadRequests(String),
    /// The display list could not be rendered.
    #[error("display list could not be rendered: {0}")]
    Render(#[from] RenderError),
    /// A native frame source failed.
    #[error("frame source failed: {0}")]
    Source(String),
    /// Writing a screenshot or a display-list dump failed.
    #[error("cannot write {path}: {message}")]
    Output {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The window system failed.
    #[error("window: {0}")]
    Window(String),
}

impl HostError {
    /// True for errors that mean the frame source cannot be used at all (exit code 1), as
    /// opposed to a failure during a frame (exit code 3).
    pub fn is_load_error(&self) -> bool {
        match self {
            Self::MissingFile { .. }
            | Self::NotWasm { .. }
            | Self::Compile(_)
            | Self::Instantiate(_)
            | Self::MissingExport { .. }
            | Self::AbiMismatch { .. }
            | Self::InitFailed { .. } => true,
            Self::Trap { during, .. } => !crate::bundle::is_frame_phase(during),
            _ => false,
        }
    }
}
