//! `ProgressBar`: how far something has got, as a filled track.

use crate::prelude::*;
use crate::theme::use_theme;

/// `value` as a fraction 0–1 (NaN counts as 0).
fn fraction(value: f32) -> f32 {
    if value.is_nan() { 0.0 } else { value.clamp(0.0, 1.0) }
}

/// A progress bar: a rounded track in the theme's track colour, filled from the left in the
/// accent colour up to `value` (0–1; out-of-range values clamp). The fill follows the value,
/// animated with the theme's quick motion.
///
/// ```ignore
/// view! { <ProgressBar value={move || watched.get()} width=640.0 /> }
/// ```
#[component]
pub fn ProgressBar(
    /// Progress from 0 to 1 (fixed or following signals).
    value: Prop<f32>,
    /// Width in pixels.
    #[prop(default = 480.0)]
    width: f32,
    /// Height (thickness) in pixels.
    #[prop(default = 8.0)]
    height: f32,
) -> View {
    let theme = use_theme();
    let (width, height) = (width.max(0.0), height.max(0.0));
    let transition = theme.with_untracked(|t| t.motion.quick);
    view! {
        <row width=width height=height radius={height / 2.0} shrink=0
             background={move || theme.with(|t| t.colors.track)}>
            <r#box height={Length::Percent(1.0)} radius={height / 2.0} transition=transition
                   width_px={move || fraction(value.get()) * width}
                   background={move || theme.with(|t| t.colors.accent)} />
        </row>
    }
}

#[cfg(test)]
mod tests {
    use super::fraction;

    #[test]
    fn fractions_clamp() {
        assert_eq!(fraction(0.25), 0.25);
        assert_eq!(fraction(-1.0), 0.0);
        assert_eq!(fraction(7.0), 1.0);
        assert_eq!(fraction(f32::NAN), 0.0);
        assert_eq!(fraction(f32::INFINITY), 1.0);
    }
}
