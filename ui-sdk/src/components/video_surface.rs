//! `VideoSurface`: where video plays, with UI drawn over it.

use crate::prelude::*;

/// The rectangle where the host composites video (the display list's `VideoSurface` command
/// at its box), with its children drawn over the video: a scoreboard, controls, a timeline.
/// Until real playback exists both hosts fill it black.
///
/// The children are laid out inside it as in a `<row>`; place overlays with `absolute` and
/// `top`/`right`/`bottom`/`left`, or put a column in it.
///
/// ```ignore
/// view! {
///     <VideoSurface>
///         <column absolute left=0 right=0 bottom=0 padding=48>
///             <Timeline duration_ms=5_400_000.0 position_ms={move || position.get()} on_seek=seek />
///         </column>
///     </VideoSurface>
/// }
/// ```
#[component]
pub fn VideoSurface(
    /// Width (the whole parent by default).
    #[prop(default = Length::Percent(1.0), into)]
    width: Length,
    /// Height (the whole parent by default).
    #[prop(default = Length::Percent(1.0), into)]
    height: Length,
    /// What is drawn over the video.
    #[prop(optional)]
    children: Children,
) -> View {
    view! {
        <video_surface width=width height=height clip=true>{children.build()}</video_surface>
    }
}
