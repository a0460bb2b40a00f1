//! Display list v1: the flat command buffer a bundle returns each frame.
//!
//! Layout: a [`DisplayListHeader`], then `command_count` commands, each a [`CommandHeader`]
//! followed by its payload struct (and, for some opcodes, trailing data). Every command's
//! `len` counts its header and is a multiple of 4, so a reader can skip opcodes it does not
//! know. All numbers are little-endian.

use alloc::vec::Vec;

use crate::Rgba;

/// `"TLDL"` read as a little-endian `u32`.
// Spelled as a literal so cbindgen can export it.
pub const DISPLAY_LIST_MAGIC: u32 = 0x4C44_4C54;
/// Format version written in [`DisplayListHeader::version`].
pub const DISPLAY_LIST_VERSION: u16 = 1;
/// Size of [`DisplayListHeader`] in bytes.
pub const DISPLAY_LIST_HEADER_SIZE: usize = 24;
/// Size of [`CommandHeader`] in bytes.
pub const COMMAND_HEADER_SIZE: usize = 8;
/// Size of one [`GlyphQuad`] in bytes.
pub const GLYPH_QUAD_SIZE: usize = 16;

/// Starts every display list.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DisplayListHeader {
    /// [`DISPLAY_LIST_MAGIC`].
    pub magic: u32,
    /// [`DISPLAY_LIST_VERSION`].
    pub version: u16,
    /// Frame flags, as in [`crate::FrameOutput::flags`].
    pub flags: u16,
    /// Viewport width in pixels.
    pub width: u32,
    /// Viewport height in pixels.
    pub height: u32,
    /// Number of commands that follow.
    pub command_count: u32,
    /// Total length of the list in bytes, header included.
    pub byte_len: u32,
}

/// Starts every command.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommandHeader {
    /// An [`Opcode`] value.
    pub opcode: u16,
    /// Reserved, zero.
    pub reserved: u16,
    /// Length of the command in bytes, this header included; a multiple of 4.
    pub len: u32,
}

/// Command opcodes.
#[repr(u16)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opcode {
    /// [`RectCmd`]: a filled, optionally bordered, optionally rounded rectangle.
    Rect = 1,
    /// [`GlyphRunCmd`] followed by `quad_count` [`GlyphQuad`]s.
    GlyphRun = 2,
    /// [`AtlasPageCmd`]: create (or clear) a glyph atlas page.
    AtlasPage = 3,
    /// [`AtlasUploadCmd`] followed by `w * h` A8 bytes (padded to 4): write into a page.
    AtlasUpload = 4,
    /// [`ImageCmd`]: draw a host-decoded image.
    Image = 5,
    /// [`RectF`]: the rectangle where the host composites video (under the UI).
    VideoSurface = 6,
    /// [`ClipCmd`]: intersect the clip with a (rounded) rectangle.
    PushClip = 7,
    /// Restore the clip before the matching `PushClip`.
    PopClip = 8,
    /// [`OpacityCmd`]: multiply the opacity of what follows.
    PushOpacity = 9,
    /// Restore the opacity before the matching `PushOpacity`.
    PopOpacity = 10,
    /// [`TransformCmd`]: concatenate a 2D affine transform.
    PushTransform = 11,
    /// Restore the transform before the matching `PushTransform`.
    PopTransform = 12,
    /// [`LinearGradientCmd`] followed by `stop_count` [`GradientStop`]s (ABI 1.1).
    LinearGradient = 13,
    /// [`ShadowCmd`]: a soft, blurred rounded rectangle under a box (ABI 1.1).
    Shadow = 14,
    /// [`RectF`], a `u32` byte length, then that much UTF-8 (padded to 4): the text a node in
    /// the rectangle (its layout box) shows. Written only when a tool asks the engine for it
    /// (the designer preview, tests); renderers draw nothing for it (ABI 1.1 readers skip it
    /// as an unknown opcode).
    TextLabel = 15,
}

impl Opcode {
    /// The opcode for a raw value, if known.
    pub const fn from_u16(value: u16) -> Option<Self> {
        Some(match value {
            1 => Self::Rect,
            2 => Self::GlyphRun,
            3 => Self::AtlasPage,
            4 => Self::AtlasUpload,
            5 => Self::Image,
            6 => Self::VideoSurface,
            7 => Self::PushClip,
            8 => Self::PopClip,
            9 => Self::PushOpacity,
            10 => Self::PopOpacity,
            11 => Self::PushTransform,
            12 => Self::PopTransform,
            13 => Self::LinearGradient,
            14 => Self::Shadow,
            15 => Self::TextLabel,
            _ => return None,
        })
    }
}

/// A rectangle in pixels.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RectF {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

/// Payload of [`Opcode::Rect`]. The border is drawn inside the rectangle.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RectCmd {
    /// Where.
    pub rect: RectF,
    /// Fill colour (alpha 0: no fill).
    pub fill: Rgba,
    /// Border colour.
    pub border_color: Rgba,
    /// Border width in pixels (0: no border).
    pub border_width: f32,
    /// Corner radius in pixels.
    pub corner_radius: f32,
}

/// Payload of [`Opcode::GlyphRun`]; `quad_count` [`GlyphQuad`]s follow.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GlyphRunCmd {
    /// Atlas page the quads sample from.
    pub page: u32,
    /// Text colour; the atlas gives coverage.
    pub color: Rgba,
    /// Number of quads that follow.
    pub quad_count: u32,
}

/// One glyph: copy a `w × h` coverage box from atlas `(u, v)` to screen `(x, y)`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GlyphQuad {
    /// Screen x of the box's left edge (whole pixels in v1).
    pub x: f32,
    /// Screen y of the box's top edge (whole pixels in v1).
    pub y: f32,
    /// Atlas x.
    pub u: u16,
    /// Atlas y.
    pub v: u16,
    /// Width in pixels.
    pub w: u16,
    /// Height in pixels.
    pub h: u16,
}

/// Payload of [`Opcode::AtlasPage`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AtlasPageCmd {
    /// Page id.
    pub page: u32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Payload of [`Opcode::AtlasUpload`]; `w * h` coverage bytes follow, rows top to bottom,
/// then zero padding to a multiple of 4.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AtlasUploadCmd {
    /// Page id.
    pub page: u32,
    /// Left of the box in the page.
    pub x: u16,
    /// Top of the box in the page.
    pub y: u16,
    /// Width of the box.
    pub w: u16,
    /// Height of the box.
    pub h: u16,
}

/// How an image fills its rectangle.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFit {
    /// Stretch to the rectangle.
    Fill = 0,
    /// Scale to cover the rectangle, cropping.
    Cover = 1,
    /// Scale to fit inside the rectangle, letterboxing.
    Contain = 2,
}

/// Payload of [`Opcode::Image`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ImageCmd {
    /// Host image handle.
    pub handle: u32,
    /// An [`ImageFit`] value.
    pub fit: u32,
    /// Where.
    pub rect: RectF,
}

/// Payload of [`Opcode::PushClip`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ClipCmd {
    /// The clip rectangle.
    pub rect: RectF,
    /// Its corner radius.
    pub corner_radius: f32,
}

/// Payload of [`Opcode::PushOpacity`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OpacityCmd {
    /// 0 (invisible) to 1 (opaque).
    pub alpha: f32,
}

/// Payload of [`Opcode::PushTransform`]: `x' = a·x + c·y + e`, `y' = b·x + d·y + f`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TransformCmd {
    /// The matrix `[a, b, c, d, e, f]`.
    pub m: [f32; 6],
}

/// The most stops a [`LinearGradientCmd`] may carry.
pub const MAX_GRADIENT_STOPS: u32 = 16;
/// Size of one [`GradientStop`] in bytes.
pub const GRADIENT_STOP_SIZE: usize = 8;

/// Payload of [`Opcode::LinearGradient`]: fill a rounded rectangle with a gradient running
/// from `(x0, y0)` to `(x1, y1)` (viewport pixels, before the current transform); colours
/// are interpolated in straight sRGB between stops and padded past the ends.
/// `stop_count` (2 to [`MAX_GRADIENT_STOPS`]) [`GradientStop`]s follow, offsets ascending.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LinearGradientCmd {
    /// Where.
    pub rect: RectF,
    /// Corner radius in pixels.
    pub corner_radius: f32,
    /// Start point x.
    pub x0: f32,
    /// Start point y.
    pub y0: f32,
    /// End point x.
    pub x1: f32,
    /// End point y.
    pub y1: f32,
    /// Number of stops that follow.
    pub stop_count: u32,
}

/// One colour stop of a gradient.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GradientStop {
    /// Position along the gradient, 0 to 1.
    pub offset: f32,
    /// Colour there.
    pub color: Rgba,
}

/// Payload of [`Opcode::Shadow`]: paint `color` with coverage
/// `smoothstep(clamp(0.5 - d / blur, 0, 1))`, where `d` is the signed distance from the
/// pixel centre to the rounded rectangle `rect` (negative inside) and `blur ≥ 1`.
/// The shadow reaches `blur / 2` beyond `rect`. Drawn under the box that casts it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ShadowCmd {
    /// The shadow's shape (the box, already offset and spread).
    pub rect: RectF,
    /// Its corner radius.
    pub corner_radius: f32,
    /// Width of the soft edge in pixels.
    pub blur: f32,
    /// Colour at full coverage.
    pub color: Rgba,
}

/// One decoded command.
#[derive(Clone, Debug, PartialEq)]
pub enum Command<'a> {
    /// See [`Opcode::Rect`].
    Rect(RectCmd),
    /// See [`Opcode::GlyphRun`].
    GlyphRun(GlyphRunCmd, GlyphQuads<'a>),
    /// See [`Opcode::AtlasPage`].
    AtlasPage(AtlasPageCmd),
    /// See [`Opcode::AtlasUpload`]; the slice holds exactly `w * h` bytes.
    AtlasUpload(AtlasUploadCmd, &'a [u8]),
    /// See [`Opcode::Image`].
    Image(ImageCmd),
    /// See [`Opcode::VideoSurface`].
    VideoSurface(RectF),
    /// See [`Opcode::PushClip`].
    PushClip(ClipCmd),
    /// See [`Opcode::PopClip`].
    PopClip,
    /// See [`Opcode::PushOpacity`].
    PushOpacity(OpacityCmd),
    /// See [`Opcode::PopOpacity`].
    PopOpacity,
    /// See [`Opcode::PushTransform`].
    PushTransform(TransformCmd),
    /// See [`Opcode::PopTransform`].
    PopTransform,
    /// See [`Opcode::LinearGradient`].
    LinearGradient(LinearGradientCmd, GradientStops<'a>),
    /// See [`Opcode::Shadow`].
    Shadow(ShadowCmd),
    /// See [`Opcode::TextLabel`]: the rectangle and the text (not drawn).
    TextLabel(RectF, &'a str),
    /// An opcode this reader does not know; skipped by renderers.
    Unknown(u16),
}

/// The glyph quads of a run, decoded lazily.
#[derive(Clone, Debug, PartialEq)]
pub struct GlyphQuads<'a>(&'a [u8]);

impl<'a> GlyphQuads<'a> {
    /// Number of quads.
    pub fn len(&self) -> usize {
        self.0.len() / GLYPH_QUAD_SIZE
    }

    /// True when the run has no quads.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The quads in order.
    pub fn iter(&self) -> impl Iterator<Item = GlyphQuad> + 'a {
        self.0.chunks_exact(GLYPH_QUAD_SIZE).map(|q| {
            let mut cur = Cursor { bytes: q, pos: 0 };
            GlyphQuad { x: cur.f32(), y: cur.f32(), u: cur.u16(), v: cur.u16(), w: cur.u16(), h: cur.u16() }
        })
    }
}

/// The stops of a gradient, decoded lazily.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientStops<'a>(&'a [u8]);

impl<'a> GradientStops<'a> {
    /// Number of stops.
    pub fn len(&self) -> usize {
        self.0.len() / GRADIENT_STOP_SIZE
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The stops in order.
    pub fn iter(&self) -> impl Iterator<Item = GradientStop> + 'a {
        self.0.chunks_exact(GRADIENT_STOP_SIZE).map(|s| {
            let mut cur = Cursor { bytes: s, pos: 0 };
            GradientStop { offset: cur.f32(), color: cur.u32() }
        })
    }
}

/// Why a display list could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DisplayListError {
    /// Fewer bytes than a header.
    #[error("display list is {0} bytes, shorter than its 24-byte header")]
    TooShort(usize),
    /// The magic number is wrong.
    #[error("display list magic is {0:#010x}, expected \"TLDL\"")]
    BadMagic(u32),
    /// A format version this reader does not speak.
    #[error("display list version {0} is not supported (this reader speaks 1)")]
    UnsupportedVersion(u16),
    /// The header's length disagrees with the buffer.
    #[error("display list header says {declared} bytes but {actual} were given")]
    LengthMismatch {
        /// Declared in the header.
        declared: u32,
        /// Actually present.
        actual: usize,
    },
    /// A command runs past the end, is shorter than its payload, or is misaligned.
    #[error("command {index} at byte {offset} is malformed: {reason}")]
    BadCommand {
        /// Index of the command.
        index: u32,
        /// Byte offset of its header.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Reads a display list, validating every bound before it is used.
#[derive(Clone, Debug)]
pub struct DisplayListReader<'a> {
    header: DisplayListHeader,
    bytes: &'a [u8],
}

impl<'a> DisplayListReader<'a> {
    /// Validates the header and wraps the buffer.
    pub fn new(bytes: &'a [u8]) -> Result<Self, DisplayListError> {
        if bytes.len() < DISPLAY_LIST_HEADER_SIZE {
            return Err(DisplayListError::TooShort(bytes.len()));
        }
        let mut cur = Cursor { bytes, pos: 0 };
        let header = DisplayListHeader {
            magic: cur.u32(),
            version: cur.u16(),
            flags: cur.u16(),
            width: cur.u32(),
            height: cur.u32(),
            command_count: cur.u32(),
            byte_len: cur.u32(),
        };
        if header.magic != DISPLAY_LIST_MAGIC {
            return Err(DisplayListError::BadMagic(header.magic));
        }
        if header.version != DISPLAY_LIST_VERSION {
            return Err(DisplayListError::UnsupportedVersion(header.version));
        }
        if header.byte_len as usize != bytes.len() {
            return Err(DisplayListError::LengthMismatch { declared: header.byte_len, actual: bytes.len() });
        }
        Ok(Self { header, bytes })
    }

    /// The header.
    pub fn header(&self) -> &DisplayListHeader {
        &self.header
    }

    /// Decodes every command, stopping at the first malformed one.
    pub fn commands(&self) -> impl Iterator<Item = Result<Command<'a>, DisplayListError>> + 'a {
        let bytes = self.bytes;
        let count = self.header.command_count;
        let mut offset = DISPLAY_LIST_HEADER_SIZE;
        let mut index = 0u32;
        let mut failed = false;
        core::iter::from_fn(move || {
            if failed || index >= count {
                return None;
            }
            let result = decode_command(bytes, offset, index);
            match &result {
                Ok((_, next)) => offset = *next,
                Err(_) => failed = true,
            }
            index += 1;
            Some(result.map(|(cmd, _)| cmd))
        })
    }
}

fn decode_command(bytes: &[u8], offset: usize, index: u32) -> Result<(Command<'_>, usize), DisplayListError> {
    let bad = |reason| DisplayListError::BadCommand { index, offset, reason };
    if offset + COMMAND_HEADER_SIZE > bytes.len() {
        return Err(bad("header runs past the end"));
    }
    let mut cur = Cursor { bytes, pos: offset };
    let opcode = cur.u16();
    let _reserved = cur.u16();
    let len = cur.u32() as usize;
    if len < COMMAND_HEADER_SIZE || !len.is_multiple_of(4) {
        return Err(bad("length is not a multiple of 4 of at least 8"));
    }
    let end = offset.checked_add(len).filter(|end| *end <= bytes.len());
    let Some(end) = end else {
        return Err(bad("runs past the end"));
    };
    let payload = &bytes[offset + COMMAND_HEADER_SIZE..end];
    let need = |size: usize| if payload.len() >= size { Ok(()) } else { Err(bad("payload too short")) };
    let mut p = Cursor { bytes: payload, pos: 0 };
    let command = match Opcode::from_u16(opcode) {
        Some(Opcode::Rect) => {
            need(32)?;
            Command::Rect(RectCmd {
                rect: p.rect(),
                fill: p.u32(),
                border_color: p.u32(),
                border_width: p.f32(),
                corner_radius: p.f32(),
            })
        }
        Some(Opcode::GlyphRun) => {
            need(12)?;
            let run = GlyphRunCmd { page: p.u32(), color: p.u32(), quad_count: p.u32() };
            let quad_bytes = (run.quad_count as usize)
                .checked_mul(GLYPH_QUAD_SIZE)
                .ok_or_else(|| bad("too many quads"))?;
            need(12 + quad_bytes)?;
            Command::GlyphRun(run, GlyphQuads(&payload[12..12 + quad_bytes]))
        }
        Some(Opcode::AtlasPage) => {
            need(12)?;
            Command::AtlasPage(AtlasPageCmd { page: p.u32(), width: p.u32(), height: p.u32() })
        }
        Some(Opcode::AtlasUpload) => {
            need(12)?;
            let up = AtlasUploadCmd { page: p.u32(), x: p.u16(), y: p.u16(), w: p.u16(), h: p.u16() };
            let pixels = up.w as usize * up.h as usize;
            need(12 + pixels)?;
            Command::AtlasUpload(up, &payload[12..12 + pixels])
        }
        Some(Opcode::Image) => {
            need(24)?;
            Command::Image(ImageCmd { handle: p.u32(), fit: p.u32(), rect: p.rect() })
        }
        Some(Opcode::VideoSurface) => {
            need(16)?;
            Command::VideoSurface(p.rect())
        }
        Some(Opcode::PushClip) => {
            need(20)?;
            Command::PushClip(ClipCmd { rect: p.rect(), corner_radius: p.f32() })
        }
        Some(Opcode::PopClip) => Command::PopClip,
        Some(Opcode::PushOpacity) => {
            need(4)?;
            Command::PushOpacity(OpacityCmd { alpha: p.f32() })
        }
        Some(Opcode::PopOpacity) => Command::PopOpacity,
        Some(Opcode::PushTransform) => {
            need(24)?;
            let mut m = [0f32; 6];
            for v in &mut m {
                *v = p.f32();
            }
            Command::PushTransform(TransformCmd { m })
        }
        Some(Opcode::PopTransform) => Command::PopTransform,
        Some(Opcode::LinearGradient) => {
            need(40)?;
            let cmd = LinearGradientCmd {
                rect: p.rect(),
                corner_radius: p.f32(),
                x0: p.f32(),
                y0: p.f32(),
                x1: p.f32(),
                y1: p.f32(),
                stop_count: p.u32(),
            };
            if !(2..=MAX_GRADIENT_STOPS).contains(&cmd.stop_count) {
                return Err(bad("gradient needs 2 to 16 stops"));
            }
            let stop_bytes = cmd.stop_count as usize * GRADIENT_STOP_SIZE;
            need(40 + stop_bytes)?;
            Command::LinearGradient(cmd, GradientStops(&payload[40..40 + stop_bytes]))
        }
        Some(Opcode::Shadow) => {
            need(28)?;
            Command::Shadow(ShadowCmd {
                rect: p.rect(),
                corner_radius: p.f32(),
                blur: p.f32(),
                color: p.u32(),
            })
        }
        Some(Opcode::TextLabel) => {
            need(20)?;
            let rect = p.rect();
            let len = p.u32() as usize;
            need(20usize.checked_add(len).ok_or_else(|| bad("text too long"))?)?;
            let text = core::str::from_utf8(&payload[20..20 + len]).map_err(|_| bad("text is not UTF-8"))?;
            Command::TextLabel(rect, text)
        }
        None => Command::Unknown(opcode),
    };
    Ok((command, end))
}

/// How many commands of each kind a list holds: for summaries and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommandSummary {
    /// `Rect` commands.
    pub rects: u32,
    /// `GlyphRun` commands.
    pub glyph_runs: u32,
    /// Glyph quads over all runs.
    pub glyphs: u32,
    /// `AtlasPage` commands.
    pub atlas_pages: u32,
    /// `AtlasUpload` commands.
    pub atlas_uploads: u32,
    /// Every other command.
    pub other: u32,
    /// Whether a malformed command stopped the count.
    pub malformed: bool,
}

/// Counts a list's commands by kind.
pub fn command_summary(list: &DisplayListReader<'_>) -> CommandSummary {
    let mut s = CommandSummary::default();
    for command in list.commands() {
        match command {
            Ok(Command::Rect(_)) => s.rects += 1,
            Ok(Command::GlyphRun(_, quads)) => {
                s.glyph_runs += 1;
                s.glyphs += quads.len() as u32;
            }
            Ok(Command::AtlasPage(_)) => s.atlas_pages += 1,
            Ok(Command::AtlasUpload(..)) => s.atlas_uploads += 1,
            Ok(_) => s.other += 1,
            Err(_) => s.malformed = true,
        }
    }
    s
}

/// Little-endian reads from a slice whose length the caller has already checked.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        out.copy_from_slice(&self.bytes[self.pos..self.pos + N]);
        self.pos += N;
        out
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    fn f32(&mut self) -> f32 {
        f32::from_le_bytes(self.take())
    }
    fn rect(&mut self) -> RectF {
        RectF { x: self.f32(), y: self.f32(), w: self.f32(), h: self.f32() }
    }
}

/// Commands encoded once and spliced into many lists: the engine caches each node's
/// commands in one of these and copies the bytes into the frame's list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EncodedCommands {
    bytes: Vec<u8>,
    count: u32,
}

impl EncodedCommands {
    /// Encodes whatever `write` appends, after what is already held.
    pub fn record(&mut self, write: impl FnOnce(&mut DisplayListWriter)) {
        let mut writer = DisplayListWriter { bytes: core::mem::take(&mut self.bytes), command_count: 0 };
        write(&mut writer);
        self.count += writer.command_count;
        self.bytes = writer.bytes;
    }

    /// Forgets every command, keeping the buffer.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.count = 0;
    }

    /// Number of commands held.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Encoded size in bytes.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// True when no command is held.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// Builds a display list. The engine keeps one and reuses its buffer every frame.
#[derive(Clone, Debug, Default)]
pub struct DisplayListWriter {
    bytes: Vec<u8>,
    command_count: u32,
}

impl DisplayListWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a new list for a viewport, keeping the buffer's capacity.
    pub fn begin(&mut self, width: u32, height: u32, flags: u16) {
        self.bytes.clear();
        self.command_count = 0;
        self.put_u32(DISPLAY_LIST_MAGIC);
        self.put_u16(DISPLAY_LIST_VERSION);
        self.put_u16(flags);
        self.put_u32(width);
        self.put_u32(height);
        self.put_u32(0); // command_count, patched in finish()
        self.put_u32(0); // byte_len, patched in finish()
    }

    /// Patches the header and returns the finished bytes.
    pub fn finish(&mut self) -> &[u8] {
        let count = self.command_count.to_le_bytes();
        self.bytes[16..20].copy_from_slice(&count);
        let len = (self.bytes.len() as u32).to_le_bytes();
        self.bytes[20..24].copy_from_slice(&len);
        &self.bytes
    }

    /// Bytes written so far (header not yet patched until [`Self::finish`]).
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True before [`Self::begin`].
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Number of commands written since [`Self::begin`].
    pub fn command_count(&self) -> u32 {
        self.command_count
    }

    /// Appends a [`RectCmd`].
    pub fn rect(&mut self, cmd: &RectCmd) {
        let start = self.open(Opcode::Rect);
        self.put_rect(&cmd.rect);
        self.put_u32(cmd.fill);
        self.put_u32(cmd.border_color);
        self.put_f32(cmd.border_width);
        self.put_f32(cmd.corner_radius);
        self.close(start);
    }

    /// Appends a glyph run.
    pub fn glyph_run(&mut self, page: u32, color: Rgba, quads: &[GlyphQuad]) {
        let start = self.open(Opcode::GlyphRun);
        self.put_u32(page);
        self.put_u32(color);
        self.put_u32(quads.len() as u32);
        for q in quads {
            self.put_f32(q.x);
            self.put_f32(q.y);
            self.put_u16(q.u);
            self.put_u16(q.v);
            self.put_u16(q.w);
            self.put_u16(q.h);
        }
        self.close(start);
    }

    /// Appends an atlas page creation.
    pub fn atlas_page(&mut self, cmd: &AtlasPageCmd) {
        let start = self.open(Opcode::AtlasPage);
        self.put_u32(cmd.page);
        self.put_u32(cmd.width);
        self.put_u32(cmd.height);
        self.close(start);
    }

    /// Appends an atlas upload; `pixels` must hold `w * h` bytes.
    pub fn atlas_upload(&mut self, cmd: &AtlasUploadCmd, pixels: &[u8]) {
        debug_assert_eq!(pixels.len(), cmd.w as usize * cmd.h as usize);
        let start = self.open(Opcode::AtlasUpload);
        self.put_u32(cmd.page);
        self.put_u16(cmd.x);
        self.put_u16(cmd.y);
        self.put_u16(cmd.w);
        self.put_u16(cmd.h);
        self.bytes.extend_from_slice(pixels);
        self.close(start);
    }

    /// Appends a text label (see [`Opcode::TextLabel`]).
    pub fn text_label(&mut self, rect: &RectF, text: &str) {
        let start = self.open(Opcode::TextLabel);
        self.put_rect(rect);
        self.put_u32(text.len() as u32);
        self.bytes.extend_from_slice(text.as_bytes());
        self.close(start);
    }

    /// Appends an image.
    pub fn image(&mut self, cmd: &ImageCmd) {
        let start = self.open(Opcode::Image);
        self.put_u32(cmd.handle);
        self.put_u32(cmd.fit);
        self.put_rect(&cmd.rect);
        self.close(start);
    }

    /// Appends a video surface.
    pub fn video_surface(&mut self, rect: &RectF) {
        let start = self.open(Opcode::VideoSurface);
        self.put_rect(rect);
        self.close(start);
    }

    /// Appends a clip push.
    pub fn push_clip(&mut self, cmd: &ClipCmd) {
        let start = self.open(Opcode::PushClip);
        self.put_rect(&cmd.rect);
        self.put_f32(cmd.corner_radius);
        self.close(start);
    }

    /// Appends an opacity push.
    pub fn push_opacity(&mut self, alpha: f32) {
        let start = self.open(Opcode::PushOpacity);
        self.put_f32(alpha);
        self.close(start);
    }

    /// Appends a transform push.
    pub fn push_transform(&mut self, cmd: &TransformCmd) {
        let start = self.open(Opcode::PushTransform);
        for v in cmd.m {
            self.put_f32(v);
        }
        self.close(start);
    }

    /// Appends a linear gradient; `stops` must hold 2 to [`MAX_GRADIENT_STOPS`] stops.
    pub fn linear_gradient(&mut self, cmd: &LinearGradientCmd, stops: &[GradientStop]) {
        debug_assert!((2..=MAX_GRADIENT_STOPS as usize).contains(&stops.len()));
        let start = self.open(Opcode::LinearGradient);
        self.put_rect(&cmd.rect);
        self.put_f32(cmd.corner_radius);
        self.put_f32(cmd.x0);
        self.put_f32(cmd.y0);
        self.put_f32(cmd.x1);
        self.put_f32(cmd.y1);
        self.put_u32(stops.len() as u32);
        for stop in stops {
            self.put_f32(stop.offset);
            self.put_u32(stop.color);
        }
        self.close(start);
    }

    /// Appends a shadow.
    pub fn shadow(&mut self, cmd: &ShadowCmd) {
        let start = self.open(Opcode::Shadow);
        self.put_rect(&cmd.rect);
        self.put_f32(cmd.corner_radius);
        self.put_f32(cmd.blur);
        self.put_u32(cmd.color);
        self.close(start);
    }

    /// Appends the commands of another list (not its header).
    pub fn append_list(&mut self, other: &DisplayListWriter) {
        if other.bytes.len() > DISPLAY_LIST_HEADER_SIZE {
            self.bytes.extend_from_slice(&other.bytes[DISPLAY_LIST_HEADER_SIZE..]);
        }
        self.command_count += other.command_count;
    }

    /// Appends raw, already-encoded commands (a node's cached commands).
    pub fn extend_encoded(&mut self, encoded: &EncodedCommands) {
        self.bytes.extend_from_slice(&encoded.bytes);
        self.command_count += encoded.count;
    }

    /// Replaces the bytes in `range` (whole commands, `replaced_count` of them, written
    /// earlier) with `encoded`: how a renderer patches one node's commands in last frame's
    /// list. Returns how many bytes the list grew by (negative when it shrank).
    pub fn splice_encoded(
        &mut self,
        range: core::ops::Range<usize>,
        replaced_count: u32,
        encoded: &EncodedCommands,
    ) -> isize {
        let delta = encoded.bytes.len() as isize - range.len() as isize;
        self.bytes.splice(range, encoded.bytes.iter().copied());
        self.command_count = self.command_count - replaced_count + encoded.count;
        delta
    }

    /// Appends a pop of the given kind (`PopClip`, `PopOpacity` or `PopTransform`).
    pub fn pop(&mut self, opcode: Opcode) {
        debug_assert!(matches!(opcode, Opcode::PopClip | Opcode::PopOpacity | Opcode::PopTransform));
        let start = self.open(opcode);
        self.close(start);
    }

    fn open(&mut self, opcode: Opcode) -> usize {
        let start = self.bytes.len();
        self.put_u16(opcode as u16);
        self.put_u16(0);
        self.put_u32(0); // len, patched in close()
        start
    }

    fn close(&mut self, start: usize) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
        let len = ((self.bytes.len() - start) as u32).to_le_bytes();
        self.bytes[start + 4..start + 8].copy_from_slice(&len);
        self.command_count += 1;
    }

    fn put_u16(&mut self, v: u16) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    fn put_u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    fn put_f32(&mut self, v: f32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    fn put_rect(&mut self, r: &RectF) {
        self.put_f32(r.x);
        self.put_f32(r.y);
        self.put_f32(r.w);
        self.put_f32(r.h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_command() {
        let mut w = DisplayListWriter::new();
        w.begin(1920, 1080, 0);
        let rect = RectCmd {
            rect: RectF { x: 1.0, y: 2.0, w: 3.0, h: 4.0 },
            fill: 0x112233ff,
            border_color: 0xffffffff,
            border_width: 2.0,
            corner_radius: 8.0,
        };
        w.rect(&rect);
        w.atlas_page(&AtlasPageCmd { page: 0, width: 512, height: 512 });
        w.atlas_upload(&AtlasUploadCmd { page: 0, x: 5, y: 6, w: 3, h: 1 }, &[1, 2, 3]);
        let quad = GlyphQuad { x: 10.0, y: 20.0, u: 5, v: 6, w: 3, h: 1 };
        w.glyph_run(0, 0xffffffff, &[quad]);
        w.push_clip(&ClipCmd { rect: rect.rect, corner_radius: 4.0 });
        w.pop(Opcode::PopClip);
        w.push_opacity(0.5);
        w.pop(Opcode::PopOpacity);
        let gradient = LinearGradientCmd {
            rect: rect.rect,
            corner_radius: 2.0,
            x0: 0.0,
            y0: 0.0,
            x1: 0.0,
            y1: 4.0,
            stop_count: 2,
        };
        let stops = [
            GradientStop { offset: 0.0, color: 0xff0000ff },
            GradientStop { offset: 1.0, color: 0x0000ffff },
        ];
        w.linear_gradient(&gradient, &stops);
        let shadow = ShadowCmd { rect: rect.rect, corner_radius: 3.0, blur: 12.0, color: 0x00000080 };
        w.shadow(&shadow);
        w.text_label(&rect.rect, "Grand final ✓");
        let bytes = w.finish().to_vec();

        let reader = DisplayListReader::new(&bytes).expect("valid list");
        assert_eq!(reader.header().width, 1920);
        assert_eq!(reader.header().command_count, 11);
        let cmds: Vec<_> = reader.commands().collect::<Result<_, _>>().expect("valid commands");
        assert_eq!(cmds[0], Command::Rect(rect));
        assert_eq!(
            cmds[2],
            Command::AtlasUpload(AtlasUploadCmd { page: 0, x: 5, y: 6, w: 3, h: 1 }, &[1, 2, 3])
        );
        match &cmds[3] {
            Command::GlyphRun(run, quads) => {
                assert_eq!(run.quad_count, 1);
                assert_eq!(quads.iter().collect::<Vec<_>>(), [quad]);
            }
            other => panic!("expected a glyph run, got {other:?}"),
        }
        assert_eq!(cmds[7], Command::PopOpacity);
        match &cmds[8] {
            Command::LinearGradient(cmd, got) => {
                assert_eq!(*cmd, gradient);
                assert_eq!(got.iter().collect::<Vec<_>>(), stops);
            }
            other => panic!("expected a gradient, got {other:?}"),
        }
        assert_eq!(cmds[9], Command::Shadow(shadow));
        assert_eq!(cmds[10], Command::TextLabel(rect.rect, "Grand final ✓"));
    }

    #[test]
    fn rejects_gradients_with_too_few_or_too_many_stops() {
        for count in [0u32, 1, MAX_GRADIENT_STOPS + 1] {
            let mut w = DisplayListWriter::new();
            w.begin(10, 10, 0);
            let start = w.open(Opcode::LinearGradient);
            for _ in 0..9 {
                w.put_f32(0.0);
            }
            w.put_u32(count);
            for _ in 0..count {
                w.put_f32(0.0);
                w.put_u32(0);
            }
            w.close(start);
            let bytes = w.finish().to_vec();
            let reader = DisplayListReader::new(&bytes).expect("header is fine");
            assert!(
                matches!(reader.commands().next(), Some(Err(DisplayListError::BadCommand { .. }))),
                "{count} stops must be rejected"
            );
        }
    }

    #[test]
    fn encoded_commands_splice_into_a_list() {
        let mut cached = EncodedCommands::default();
        cached.record(|w| w.push_opacity(0.5));
        cached.record(|w| w.pop(Opcode::PopOpacity));
        let mut w = DisplayListWriter::new();
        w.begin(10, 10, 0);
        w.extend_encoded(&cached);
        w.extend_encoded(&cached);
        let bytes = w.finish().to_vec();
        let reader = DisplayListReader::new(&bytes).expect("valid");
        assert_eq!(reader.header().command_count, 4);
        assert_eq!(reader.commands().filter(|c| c.is_ok()).count(), 4);
    }

    #[test]
    fn rejects_truncated_and_corrupt_lists() {
        let mut w = DisplayListWriter::new();
        w.begin(10, 10, 0);
        w.push_opacity(1.0);
        let good = w.finish().to_vec();

        assert_eq!(DisplayListReader::new(&good[..10]).err(), Some(DisplayListError::TooShort(10)));
        let mut bad_magic = good.clone();
        bad_magic[0] = b'X';
        assert!(matches!(DisplayListReader::new(&bad_magic), Err(DisplayListError::BadMagic(_))));
        let mut long_cmd = good.clone();
        long_cmd[DISPLAY_LIST_HEADER_SIZE + 4] = 200; // command length past the end
        let reader = DisplayListReader::new(&long_cmd).expect("header is fine");
        assert!(matches!(reader.commands().next(), Some(Err(DisplayListError::BadCommand { .. }))));
    }
}
