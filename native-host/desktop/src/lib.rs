//! Touchline's desktop reference host.
//!
//! It runs a display-list producer — a wasm bundle ([`bundle::Bundle`]) or an app compiled into
//! the same process (any [`FrameSource`]) — frame by frame, renders each display list with
//! [`renderer::Renderer`] and shows it in a window ([`window`]) or, headless, only prints one
//! line per frame and optionally writes a PNG of the last frame. The contract with a bundle is
//! `docs/host-abi.md`; the command line is [`cli`].
//!
//! Examples that run the engine natively call [`run_native`] (or [`run_native_with`]) from
//! `main`.

pub mod bench;
pub mod bundle;
pub mod cli;
pub mod delivery;
pub mod error;
pub mod fetch;
pub mod frame_source;
pub mod images;
pub mod launch;
pub mod legacy_js;
pub mod preview;
pub mod release;
pub mod renderer;
pub mod screenshot;
pub mod serve;
pub mod session;
pub mod soak;
pub mod storage;
pub mod video;
pub mod window;

pub use bundle::{Bundle, BundleOptions, EngineKind};
pub use cli::{run_cli, run_native, run_native_with};
pub use error::HostError;
pub use frame_source::{FrameSource, SourceTimings};
pub use renderer::{RenderError, Renderer};
pub use session::{RunOptions, Session};
