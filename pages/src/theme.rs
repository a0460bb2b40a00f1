//! The app's design tokens: the SDK's dark theme with the app's own palette.

use touchline_ui::Color;
use touchline_ui::theme::{Palette, Theme};

/// Touchline's look: deep navy, a green that marks what is chosen.
pub const fn app_theme() -> Theme {
    let base = Theme::dark();
    Theme {
        name: "Touchline",
        colors: Palette {
            background: Color::hex(0x0b1020),
            surface: Color::hex(0x16213a),
            text: Color::hex(0xf8fafc),
            text_muted: Color::hex(0x94a3b8),
            success: Color::hex(0x22c55e),
            ..base.colors
        },
        ..base
    }
}
