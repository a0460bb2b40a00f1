//! The component library: controls and containers that read the theme, written with the
//! same `view!` and signals pages use.

pub mod button;
pub mod deferred;
pub mod image;
pub mod layout;
pub mod modal;
pub mod progress_bar;
pub mod rail;
pub mod spinner;
pub mod text;
pub mod timeline;
pub mod toast;
pub mod video_surface;

pub use button::{Button, ButtonProps, ButtonVariant};
pub use deferred::{Deferred, DeferredProps};
pub use image::{Image, ImageProps};
pub use layout::{Column, ColumnProps, Grid, GridProps, Row, RowProps};
pub use modal::{Modal, ModalProps};
pub use progress_bar::{ProgressBar, ProgressBarProps};
pub use rail::{Rail, RailProps};
pub use spinner::{Spinner, SpinnerProps};
pub use text::{Text, TextProps, TextVariant};
pub use timeline::{MarkerKind, Timeline, TimelineMarker, TimelineProps};
pub use toast::{Toast, ToastProps};
pub use video_surface::{VideoSurface, VideoSurfaceProps};
