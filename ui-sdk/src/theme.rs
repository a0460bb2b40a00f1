//! Design tokens every component reads: colours, type scale, spacing, radii, motion and the
//! focus style. The theme is a signal in context, so switching it restyles what is on screen
//! in place (no remount, focus kept).
//!
//! ```ignore
//! let theme = provide_theme(Theme::dark());
//! // later, anywhere below:
//! theme.set(Theme::light());
//! ```

use touchline_engine::{Color, Easing, Spring, Transition};

use crate::reactive::{Signal, provide_context, signal, use_context};

/// Colours, by role.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    /// The page behind everything.
    pub background: Color,
    /// Cards, tiles, panels.
    pub surface: Color,
    /// Surfaces above surfaces: dialogs, toasts, a focused tile.
    pub surface_raised: Color,
    /// Primary text.
    pub text: Color,
    /// Secondary text.
    pub text_muted: Color,
    /// The brand colour: primary buttons, progress, the playhead.
    pub accent: Color,
    /// Text on the accent colour.
    pub on_accent: Color,
    /// Errors.
    pub danger: Color,
    /// Success, "live", chosen.
    pub success: Color,
    /// Tracks of progress bars and timelines.
    pub track: Color,
    /// Dims the page behind a dialog.
    pub scrim: Color,
}

/// Font sizes, in pixels at 1080p.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TypeScale {
    /// Hero titles.
    pub display: f32,
    /// Page titles.
    pub title: f32,
    /// Section and rail headings.
    pub heading: f32,
    /// Body text and buttons.
    pub body: f32,
    /// Captions, metadata, timecodes.
    pub caption: f32,
}

/// Spacing steps, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spacing {
    /// Inside small controls.
    pub xs: f32,
    /// Between related items.
    pub sm: f32,
    /// Between tiles.
    pub md: f32,
    /// Between sections.
    pub lg: f32,
    /// Page margins (inside the TV's title-safe area).
    pub xl: f32,
}

/// Corner radii, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Radii {
    /// Chips, bars.
    pub sm: f32,
    /// Buttons, tiles.
    pub md: f32,
    /// Dialogs, cards.
    pub lg: f32,
}

/// How focus looks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FocusStyle {
    /// The ring (or border) a focused control shows.
    pub ring: Color,
    /// Its width.
    pub ring_width: f32,
    /// How much a focused tile grows.
    pub scale: f32,
    /// How focus changes animate.
    pub transition: Transition,
}

/// Motion tokens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Motion {
    /// Small state changes: colours, a button press.
    pub quick: Transition,
    /// Things entering and leaving: pages, dialogs, toasts.
    pub enter: Transition,
}

/// A complete set of design tokens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    /// What to call it in a settings list.
    pub name: &'static str,
    /// Colours.
    pub colors: Palette,
    /// Font sizes.
    pub type_scale: TypeScale,
    /// Spacing.
    pub spacing: Spacing,
    /// Radii.
    pub radius: Radii,
    /// Focus.
    pub focus: FocusStyle,
    /// Motion.
    pub motion: Motion,
}

const TYPE_SCALE: TypeScale =
    TypeScale { display: 72.0, title: 56.0, heading: 40.0, body: 30.0, caption: 24.0 };
const SPACING: Spacing = Spacing { xs: 8.0, sm: 16.0, md: 24.0, lg: 48.0, xl: 96.0 };
const RADII: Radii = Radii { sm: 6.0, md: 14.0, lg: 28.0 };
const MOTION: Motion = Motion {
    quick: Transition::tween_ms(150, Easing::EaseOut),
    enter: Transition::tween_ms(250, Easing::EaseOut),
};

impl Theme {
    /// The default: dark, for living rooms at night.
    pub const fn dark() -> Self {
        Theme {
            name: "Dark",
            colors: Palette {
                background: Color::hex(0x0b1020),
                surface: Color::hex(0x18213a),
                surface_raised: Color::hex(0x25304d),
                text: Color::hex(0xf8fafc),
                text_muted: Color::hex(0x94a3b8),
                accent: Color::hex(0x3b82f6),
                on_accent: Color::hex(0xffffff),
                danger: Color::hex(0xef4444),
                success: Color::hex(0x22c55e),
                track: Color::hex(0x334155),
                scrim: Color::rgba(0, 0, 0, 176),
            },
            type_scale: TYPE_SCALE,
            spacing: SPACING,
            radius: RADII,
            focus: FocusStyle {
                ring: Color::hex(0xffffff),
                ring_width: 4.0,
                scale: 1.06,
                transition: Transition::Spring(Spring::SNAPPY),
            },
            motion: MOTION,
        }
    }

    /// Light, for daytime and bright rooms.
    pub const fn light() -> Self {
        Theme {
            name: "Light",
            colors: Palette {
                background: Color::hex(0xf1f5f9),
                surface: Color::hex(0xffffff),
                surface_raised: Color::hex(0xe2e8f0),
                text: Color::hex(0x0f172a),
                text_muted: Color::hex(0x475569),
                accent: Color::hex(0x1d4ed8),
                on_accent: Color::hex(0xffffff),
                danger: Color::hex(0xb91c1c),
                success: Color::hex(0x15803d),
                track: Color::hex(0xcbd5e1),
                scrim: Color::rgba(15, 23, 42, 140),
            },
            type_scale: TYPE_SCALE,
            spacing: SPACING,
            radius: RADII,
            focus: FocusStyle {
                ring: Color::hex(0x1d4ed8),
                ring_width: 4.0,
                scale: 1.06,
                transition: Transition::Spring(Spring::SNAPPY),
            },
            motion: MOTION,
        }
    }

    /// High contrast: black and yellow, thick focus, for low vision.
    pub const fn high_contrast() -> Self {
        Theme {
            name: "High contrast",
            colors: Palette {
                background: Color::hex(0x000000),
                surface: Color::hex(0x000000),
                surface_raised: Color::hex(0x1a1a1a),
                text: Color::hex(0xffffff),
                text_muted: Color::hex(0xffff00),
                accent: Color::hex(0xffff00),
                on_accent: Color::hex(0x000000),
                danger: Color::hex(0xff6b6b),
                success: Color::hex(0x00ff7f),
                track: Color::hex(0x808080),
                scrim: Color::rgba(0, 0, 0, 220),
            },
            type_scale: TypeScale { display: 80.0, title: 60.0, heading: 44.0, body: 34.0, caption: 28.0 },
            spacing: SPACING,
            radius: RADII,
            focus: FocusStyle {
                ring: Color::hex(0xffff00),
                ring_width: 8.0,
                scale: 1.0,
                transition: Transition::INSTANT,
            },
            motion: Motion { quick: Transition::INSTANT, enter: Transition::INSTANT },
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::dark()
    }
}

/// The theme in context.
#[derive(Clone, Copy)]
struct ThemeContext(Signal<Theme>);

/// Provides `theme` to everything below the current scope; returns the signal to switch it.
pub fn provide_theme(theme: Theme) -> Signal<Theme> {
    let current = signal(theme);
    provide_context(ThemeContext(current));
    current
}

/// The theme a scope above provided, or the dark theme when none did.
pub fn use_theme() -> Signal<Theme> {
    match use_context::<ThemeContext>() {
        Some(ThemeContext(theme)) => theme,
        None => {
            // Provided where it was first asked for, so later askers share it.
            provide_theme(Theme::default())
        }
    }
}
