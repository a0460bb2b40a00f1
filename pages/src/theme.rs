//! The app's design tokens.

use touchline_ui::Color;

/// Page background.
pub const BACKGROUND: Color = Color::hex(0x0b1020);
/// Primary text.
pub const TEXT: Color = Color::hex(0xf8fafc);
/// Secondary text.
pub const MUTED: Color = Color::hex(0x94a3b8);
/// Marks the chosen item.
pub const CHOSEN: Color = Color::hex(0x22c55e);
/// Surface behind a chosen tile.
pub const CHOSEN_SURFACE: Color = Color::hex(0x16213a);
