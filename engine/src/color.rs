//! Colours.

/// An sRGB colour with straight alpha, stored as `0xRRGGBBAA` (the display list's format).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Color(pub u32);

impl Color {
    /// Fully transparent.
    pub const TRANSPARENT: Color = Color(0);
    /// Opaque white.
    pub const WHITE: Color = Color(0xffff_ffff);
    /// Opaque black.
    pub const BLACK: Color = Color(0x0000_00ff);

    /// An opaque colour from its components.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self::rgba(r, g, b, 255)
    }

    /// A colour from its components.
    pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Self {
        Color(u32::from_be_bytes([r, g, b, a]))
    }

    /// An opaque colour from `0xRRGGBB`.
    pub const fn hex(rgb: u32) -> Self {
        Color((rgb << 8) | 0xff)
    }

    /// The same colour with another alpha.
    pub const fn with_alpha(self, a: u8) -> Self {
        Color((self.0 & 0xffff_ff00) | a as u32)
    }

    /// The alpha component.
    pub const fn alpha(self) -> u8 {
        (self.0 & 0xff) as u8
    }
}
