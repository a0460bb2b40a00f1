//! `Image`: a host-loaded image in a rounded frame, with the theme's placeholder.

use crate::components::text::rebuilt_on;
use crate::prelude::*;
use crate::theme::use_theme;

/// An image the host loads from `src` (a URL, or a path under the host's assets), drawn at
/// `width` × `height` with rounded corners (the theme's medium radius unless `radius` says
/// otherwise). The theme's surface colour stands in for it until it is loaded, and if it cannot
/// be.
///
/// ```ignore
/// view! { <Image src="images/crest.png" width=160.0 height=160.0 fit=ImageFit::Contain /> }
/// ```
#[component]
pub fn Image(
    /// Where the host finds the image.
    #[prop(into)]
    src: String,
    /// Width in pixels.
    width: f32,
    /// Height in pixels.
    height: f32,
    /// How the image fills the box (cover, cropping, by default).
    #[prop(default = ImageFit::Cover)]
    fit: ImageFit,
    /// Corner radius in pixels (the theme's medium radius by default; 0 for square corners).
    #[prop(optional)]
    radius: Option<f32>,
) -> View {
    let theme = use_theme();
    // The placeholder is fixed in the element: a theme switch rebuilds the node (the host keeps
    // the loaded image, so nothing is fetched again).
    rebuilt_on(
        move || theme.with(|t| (t.colors.surface, radius.unwrap_or(t.radius.md))),
        move |(placeholder, radius)| {
            view! {
                <image src={src.as_str()} fit=fit width=width height=height radius=radius
                       placeholder=placeholder />
            }
        },
    )
}
