//! Display list → pixels, with tiny-skia, following the rendering table of `docs/host-abi.md`.
//!
//! The rules are kept as plain as the C++ host's (cairo) so that both render the same list to
//! the same pixels within a small tolerance:
//!
//! * a frame starts by clearing to opaque black;
//! * `Rect`: an anti-aliased rounded rectangle filled with `fill` (radius clamped to half the
//!   shorter side); if `border_width > 0`, the same rectangle inset by `border_width / 2`, radius
//!   `max(r - border_width / 2, 0)`, stroked `border_width` wide, so the border lies inside;
//! * `GlyphRun`: the colour painted through the A8 coverage of an atlas page, quad by quad, at
//!   whole-pixel positions;
//! * `AtlasPage` / `AtlasUpload`: A8 pages kept across frames;
//! * `PushClip`: intersect the clip (an anti-aliased mask) with a rounded rectangle;
//! * `PushOpacity`: draw into a transparent layer and composite it with that alpha on pop;
//! * `PushTransform`: concatenate an affine transform;
//! * `LinearGradient`: the rounded rectangle filled with a linear gradient (tiny-skia's shader,
//!   pad spread, straight-alpha interpolation), stops normalised by [`normalize_stops`];
//! * `Shadow`: an A8 coverage mask computed with the ABI's formula on a pixel grid in local
//!   coordinates (aligned to device pixels when the transform is a pure translation), painted
//!   with the colour through the current transform ([`shadow_mask`]);
//! * `Image`: the decoded image held under the handle ([`crate::images`]), placed by its fit,
//!   sampled bilinearly (snapped to whole pixels when it maps 1:1 onto the device); an unknown
//!   handle draws nothing;
//! * `VideoSurface`: the video plane: the rect is filled with `#000000` exactly as a `Rect` of
//!   that fill (anti-aliased, through the current transform, clip and opacity) —
//!   [`VIDEO_SURFACE_FILL`] — then the video's current picture, if any, is painted contained in
//!   it like an `Image` with `Contain` fit ([`Renderer::render_with_video`]);
//! * unknown opcodes are skipped.
//!
//! A malformed list is a [`RenderError`]; the previous frame stays the last good one.

use std::collections::HashMap;

use tiny_skia::{
    Color, FillRule, FilterQuality, GradientStop, LinearGradient, Mask, Paint, Path, PathBuilder, Pattern,
    Pixmap, PixmapPaint, Point, Rect, SpreadMode, Stroke, Transform,
};
use touchline_abi::display_list::{
    AtlasPageCmd, AtlasUploadCmd, ClipCmd, GlyphRunCmd, GradientStops, ImageCmd, ImageFit, LinearGradientCmd,
    RectCmd, RectF, ShadowCmd,
};
use touchline_abi::{Command, DisplayListError, DisplayListReader, FRAME_FLAG_UNCHANGED, rgba_components};

use crate::images::ImageStore;

/// The largest atlas page side the renderer accepts, in pixels.
pub const MAX_ATLAS_PAGE_SIDE: u32 = 8192;
/// The most atlas pages alive at once.
pub const MAX_ATLAS_PAGES: usize = 256;
/// The deepest nesting of clip, opacity or transform pushes.
pub const MAX_STACK_DEPTH: usize = 256;
/// The most pixels a shadow's coverage mask may have (after clipping to the viewport); a
/// larger shadow is not drawn.
pub const MAX_SHADOW_MASK_PIXELS: u64 = 4096 * 4096;

/// What a `VideoSurface` command paints under the video picture (and alone when none plays).
pub const VIDEO_SURFACE_FILL: u32 = 0x0000_00ff;

/// Why a display list could not be rendered.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RenderError {
    /// The list itself is malformed (header, lengths).
    #[error(transparent)]
    List(#[from] DisplayListError),
    /// A command refers to an atlas page that does not exist.
    #[error("command {index}: atlas page {page} does not exist")]
    NoSuchPage {
        /// Command index.
        index: u32,
        /// The page id.
        page: u32,
    },
    /// A command's numbers are out of range.
    #[error("command {index}: {reason}")]
    BadCommand {
        /// Command index.
        index: u32,
        /// What is wrong.
        reason: String,
    },
    /// A pop without its push, or pushes nested too deep.
    #[error("command {index}: {reason}")]
    Unbalanced {
        /// Command index.
        index: u32,
        /// What is wrong.
        reason: &'static str,
    },
    /// The viewport has no pixels or is too large.
    #[error("cannot render a {0}x{1} viewport")]
    BadViewport(u32, u32),
}

/// What rendering one list did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// The header's command count.
    pub commands: u32,
    /// The frame was flagged unchanged and the previous pixels were kept.
    pub unchanged: bool,
}

#[derive(Clone, Debug)]
struct AtlasPage {
    width: u32,
    height: u32,
    coverage: Vec<u8>,
}

/// One `PushOpacity`.
enum Group {
    /// Opacity ≥ 1: draw straight through.
    Passthrough,
    /// Opacity ≤ 0: draw nothing until the pop (atlas commands still apply).
    Hidden,
    /// Draw into `layer`, composite with `alpha` on pop.
    Layer { layer: Pixmap, alpha: f32 },
}

/// Renders display lists into a viewport-sized pixmap, keeping atlas pages across frames.
pub struct Renderer {
    width: u32,
    height: u32,
    front: Pixmap,
    back: Pixmap,
    has_frame: bool,
    pages: HashMap<u32, AtlasPage>,
    images: ImageStore,
    spare_layers: Vec<Pixmap>,
    /// The last drawn list, kept while it has a `VideoSurface`: replayed (without its atlas
    /// commands) when the bundle flags a frame unchanged but the video picture moved on.
    video_list: Option<Vec<u8>>,
}

/// The video picture a frame shows in its `VideoSurface` (ABI 1.6).
#[derive(Clone, Copy, Debug)]
pub struct VideoPicture<'a> {
    /// The decoded frame (opaque RGBA).
    pub pixmap: &'a Pixmap,
    /// It differs from the picture the previous frame showed.
    pub changed: bool,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("has_frame", &self.has_frame)
            .field("pages", &self.pages.len())
            .field("images", &self.images)
            .finish()
    }
}

impl Renderer {
    /// A renderer for a `width × height` viewport.
    pub fn new(width: u32, height: u32) -> Result<Self, RenderError> {
        let bad = || RenderError::BadViewport(width, height);
        if width > 16384 || height > 16384 {
            return Err(bad());
        }
        let mut front = Pixmap::new(width, height).ok_or_else(bad)?;
        front.fill(Color::BLACK);
        let back = front.clone();
        Ok(Self {
            width,
            height,
            front,
            back,
            has_frame: false,
            pages: HashMap::new(),
            images: ImageStore::default(),
            spare_layers: Vec::new(),
            video_list: None,
        })
    }

    /// The viewport size.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The last successfully rendered frame (opaque black before the first).
    pub fn pixmap(&self) -> &Pixmap {
        &self.front
    }

    /// True once a frame has been rendered successfully.
    pub fn has_frame(&self) -> bool {
        self.has_frame
    }

    /// The decoded images `Image` commands draw, by handle.
    pub fn images(&self) -> &ImageStore {
        &self.images
    }

    /// The images, to load into and free.
    pub fn images_mut(&mut self) -> &mut ImageStore {
        &mut self.images
    }

    /// Renders one display list. On success its pixels become [`Self::pixmap`]; on error the
    /// previous frame is kept (atlas changes made by the failed list stay).
    pub fn render(&mut self, list: &[u8]) -> Result<RenderStats, RenderError> {
        self.render_with_video(list, None)
    }

    /// Whether rendering `list` would paint a video picture: it has a `VideoSurface`, or it is
    /// flagged unchanged and the last list kept for replay has one. A malformed list does not.
    pub fn shows_video(&self, list: &[u8]) -> bool {
        let Ok(reader) = DisplayListReader::new(list) else { return false };
        if self.has_frame && u32::from(reader.header().flags) & FRAME_FLAG_UNCHANGED != 0 {
            return self.video_list.is_some();
        }
        reader.commands().any(|command| matches!(command, Ok(Command::VideoSurface(_))))
    }

    /// Renders one display list with `video` in its `VideoSurface`s. A list flagged unchanged
    /// is drawn again from the last list that had a video surface when the picture changed, so
    /// a still UI over a playing video shows every new picture.
    pub fn render_with_video(
        &mut self,
        list: &[u8],
        video: Option<VideoPicture<'_>>,
    ) -> Result<RenderStats, RenderError> {
        let reader = DisplayListReader::new(list)?;
        let header = *reader.header();
        let unchanged = self.has_frame && u32::from(header.flags) & FRAME_FLAG_UNCHANGED != 0;
        let picture = video.map(|video| video.pixmap);

        let mut back =
            std::mem::replace(&mut self.back, Pixmap::new(1, 1).ok_or(RenderError::BadViewport(1, 1))?);
        let mut replayed = false;
        let mode = if unchanged { DrawMode::AtlasOnly } else { DrawMode::Full };
        let mut result = self.draw(&reader, &mut back, mode, picture);
        if result.is_ok()
            && unchanged
            && video.is_some_and(|video| video.changed)
            && let Some(kept) = self.video_list.take()
        {
            result = DisplayListReader::new(&kept)
                .map_err(RenderError::from)
                .and_then(|replay| self.draw(&replay, &mut back, DrawMode::Replay, picture));
            replayed = result.is_ok();
            self.video_list = Some(kept);
        }
        match result {
            Ok(outcome) => {
                if unchanged && !replayed {
                    self.back = back;
                } else {
                    self.back = std::mem::replace(&mut self.front, back);
                    self.has_frame = true;
                }
                if !unchanged {
                    // Keep the list only while it shows video: a copy per frame otherwise.
                    self.video_list = outcome.video_surface.then(|| list.to_vec());
                }
                Ok(RenderStats { commands: header.command_count, unchanged: unchanged && !replayed })
            }
            Err(e) => {
                self.back = back;
                Err(e)
            }
        }
    }

    fn draw(
        &mut self,
        reader: &DisplayListReader<'_>,
        target: &mut Pixmap,
        mode: DrawMode,
        video: Option<&Pixmap>,
    ) -> Result<DrawOutcome, RenderError> {
        if mode != DrawMode::AtlasOnly {
            target.fill(Color::BLACK);
        }
        let mut state = DrawState {
            groups: Vec::new(),
            clips: Vec::new(),
            transforms: Vec::new(),
            transform: Transform::identity(),
            hidden: 0,
            mode,
            video,
            video_surface: false,
        };
        let mut result = Ok(());
        for (index, command) in reader.commands().enumerate() {
            let index = index as u32;
            let step =
                command.map_err(RenderError::from).and_then(|c| self.command(index, c, target, &mut state));
            if let Err(e) = step {
                result = Err(e);
                break;
            }
        }
        // Close what the list left open, so layers go back to the pool.
        while let Some(group) = state.groups.pop() {
            let clip = state.clips.last().and_then(Option::as_ref);
            let parent = top_target(&mut state.groups, target);
            if let Some(layer) = composite(group, parent, clip) {
                self.recycle(layer);
            }
        }
        result.map(|()| DrawOutcome { video_surface: state.video_surface })
    }

    fn command(
        &mut self,
        index: u32,
        command: Command<'_>,
        target: &mut Pixmap,
        st: &mut DrawState,
    ) -> Result<(), RenderError> {
        match command {
            Command::AtlasPage(_) | Command::AtlasUpload(..) if st.mode == DrawMode::Replay => Ok(()),
            Command::AtlasPage(cmd) => self.atlas_page(index, &cmd),
            Command::AtlasUpload(cmd, pixels) => self.atlas_upload(index, &cmd, pixels),
            Command::Rect(cmd) => {
                if st.drawing() {
                    let clip = st.clips.last().and_then(Option::as_ref);
                    draw_rect(top_target(&mut st.groups, target), &cmd, st.transform, clip);
                }
                Ok(())
            }
            Command::GlyphRun(run, quads) => {
                let page =
                    self.pages.get(&run.page).ok_or(RenderError::NoSuchPage { index, page: run.page })?;
                let quads: Vec<_> = quads.iter().collect();
                // Validate every quad, drawing or not: a bad list is bad whether visible or not.
                for q in &quads {
                    if u32::from(q.u) + u32::from(q.w) > page.width
                        || u32::from(q.v) + u32::from(q.h) > page.height
                    {
                        return Err(RenderError::BadCommand {
                            index,
                            reason: format!(
                                "glyph box {}x{} at ({}, {}) is outside atlas page {} ({}x{})",
                                q.w, q.h, q.u, q.v, run.page, page.width, page.height
                            ),
                        });
                    }
                }
                if st.drawing() {
                    let clip = st.clips.last().and_then(Option::as_ref);
                    draw_glyphs(top_target(&mut st.groups, target), page, &run, &quads, st.transform, clip);
                }
                Ok(())
            }
            Command::PushClip(cmd) => {
                st.check_depth(index, st.clips.len())?;
                let mask = self.clip_mask(&cmd, st);
                st.clips.push(mask);
                Ok(())
            }
            Command::PopClip => {
                st.clips
                    .pop()
                    .ok_or(RenderError::Unbalanced { index, reason: "PopClip without PushClip" })?;
                Ok(())
            }
            Command::PushOpacity(cmd) => {
                st.check_depth(index, st.groups.len())?;
                let alpha = if cmd.alpha.is_nan() { 0.0 } else { cmd.alpha };
                let group = if alpha >= 1.0 {
                    Group::Passthrough
                } else if alpha <= 0.0 || !st.drawing() {
                    Group::Hidden
                } else {
                    Group::Layer { layer: self.layer(), alpha }
                };
                if matches!(group, Group::Hidden) {
                    st.hidden += 1;
                }
                st.groups.push(group);
                Ok(())
            }
            Command::PopOpacity => {
                let group = st
                    .groups
                    .pop()
                    .ok_or(RenderError::Unbalanced { index, reason: "PopOpacity without PushOpacity" })?;
                if matches!(group, Group::Hidden) {
                    st.hidden -= 1;
                }
                let clip = st.clips.last().and_then(Option::as_ref);
                if let Some(layer) = composite(group, top_target(&mut st.groups, target), clip) {
                    self.recycle(layer);
                }
                Ok(())
            }
            Command::PushTransform(cmd) => {
                st.check_depth(index, st.transforms.len())?;
                let [a, b, c, d, e, f] = cmd.m;
                st.transforms.push(st.transform);
                st.transform = st.transform.pre_concat(Transform::from_row(a, b, c, d, e, f));
                Ok(())
            }
            Command::PopTransform => {
                st.transform = st
                    .transforms
                    .pop()
                    .ok_or(RenderError::Unbalanced { index, reason: "PopTransform without PushTransform" })?;
                Ok(())
            }
            Command::LinearGradient(cmd, stops) => {
                if st.drawing() {
                    let clip = st.clips.last().and_then(Option::as_ref);
                    draw_gradient(top_target(&mut st.groups, target), &cmd, &stops, st.transform, clip);
                }
                Ok(())
            }
            Command::Shadow(cmd) => {
                if st.drawing() {
                    let clip = st.clips.last().and_then(Option::as_ref);
                    let viewport = (self.width, self.height);
                    draw_shadow(top_target(&mut st.groups, target), &cmd, st.transform, clip, viewport);
                }
                Ok(())
            }
            Command::Image(cmd) => {
                if st.drawing()
                    && let Some(image) = self.images.get(cmd.handle)
                {
                    let clip = st.clips.last().and_then(Option::as_ref);
                    draw_image(top_target(&mut st.groups, target), image, &cmd, st.transform, clip);
                }
                Ok(())
            }
            Command::VideoSurface(rect) => {
                st.video_surface = true;
                if st.drawing() {
                    let clip = st.clips.last().and_then(Option::as_ref);
                    let cmd = RectCmd {
                        rect,
                        fill: VIDEO_SURFACE_FILL,
                        border_color: 0,
                        border_width: 0.0,
                        corner_radius: 0.0,
                    };
                    let target = top_target(&mut st.groups, target);
                    draw_rect(target, &cmd, st.transform, clip);
                    if let Some(picture) = st.video {
                        let cmd = ImageCmd { handle: 0, fit: ImageFit::Contain as u32, rect };
                        draw_image(target, picture, &cmd, st.transform, clip);
                    }
                }
                Ok(())
            }
            // Labels are for tools; unknown opcodes are skipped.
            Command::TextLabel(..) | Command::Unknown(_) => Ok(()),
        }
    }

    fn atlas_page(&mut self, index: u32, cmd: &AtlasPageCmd) -> Result<(), RenderError> {
        if cmd.width > MAX_ATLAS_PAGE_SIDE || cmd.height > MAX_ATLAS_PAGE_SIDE {
            return Err(RenderError::BadCommand {
                index,
                reason: format!(
                    "atlas page {} is {}x{}, larger than {MAX_ATLAS_PAGE_SIDE}x{MAX_ATLAS_PAGE_SIDE}",
                    cmd.page, cmd.width, cmd.height
                ),
            });
        }
        if !self.pages.contains_key(&cmd.page) && self.pages.len() >= MAX_ATLAS_PAGES {
            return Err(RenderError::BadCommand {
                index,
                reason: format!("more than {MAX_ATLAS_PAGES} atlas pages"),
            });
        }
        let coverage = vec![0u8; cmd.width as usize * cmd.height as usize];
        self.pages.insert(cmd.page, AtlasPage { width: cmd.width, height: cmd.height, coverage });
        Ok(())
    }

    fn atlas_upload(&mut self, index: u32, cmd: &AtlasUploadCmd, pixels: &[u8]) -> Result<(), RenderError> {
        let page = self.pages.get_mut(&cmd.page).ok_or(RenderError::NoSuchPage { index, page: cmd.page })?;
        let (x, y, w, h) = (cmd.x as usize, cmd.y as usize, cmd.w as usize, cmd.h as usize);
        if x + w > page.width as usize || y + h > page.height as usize || pixels.len() < w * h {
            return Err(RenderError::BadCommand {
                index,
                reason: format!(
                    "upload {w}x{h} at ({x}, {y}) does not fit atlas page {} ({}x{})",
                    cmd.page, page.width, page.height
                ),
            });
        }
        if w == 0 {
            return Ok(());
        }
        let stride = page.width as usize;
        for (row, src) in pixels.chunks_exact(w).take(h).enumerate() {
            let start = (y + row) * stride + x;
            page.coverage[start..start + w].copy_from_slice(src);
        }
        Ok(())
    }

    fn clip_mask(&self, cmd: &ClipCmd, st: &DrawState) -> Option<Mask> {
        if st.mode == DrawMode::AtlasOnly {
            return None;
        }
        let path = rounded_rect(&cmd.rect, cmd.corner_radius);
        let mut mask = match st.clip() {
            Some(current) => current.clone(),
            None => {
                let mut mask = Mask::new(self.width, self.height)?;
                if let Some(path) = &path {
                    mask.fill_path(path, FillRule::Winding, true, st.transform);
                }
                return Some(mask);
            }
        };
        match &path {
            Some(path) => mask.intersect_path(path, FillRule::Winding, true, st.transform),
            None => mask.clear(),
        }
        Some(mask)
    }

    fn layer(&mut self) -> Pixmap {
        match self.spare_layers.pop() {
            Some(layer) => layer,
            // The viewport was validated in `new`, so this cannot fail; fall back to a clone.
            None => Pixmap::new(self.width, self.height).unwrap_or_else(|| {
                let mut p = self.front.clone();
                p.fill(Color::TRANSPARENT);
                p
            }),
        }
    }

    fn recycle(&mut self, mut layer: Pixmap) {
        layer.fill(Color::TRANSPARENT);
        if self.spare_layers.len() < 4 {
            self.spare_layers.push(layer);
        }
    }
}

struct DrawState<'v> {
    groups: Vec<Group>,
    /// `None` entries: a clip pushed while only atlas commands are applied.
    clips: Vec<Option<Mask>>,
    transforms: Vec<Transform>,
    transform: Transform,
    hidden: u32,
    mode: DrawMode,
    /// The picture `VideoSurface` commands paint.
    video: Option<&'v Pixmap>,
    /// The list has a `VideoSurface`.
    video_surface: bool,
}

/// What [`Renderer::draw`] does with a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DrawMode {
    /// Draw it and apply its atlas commands: a list seen for the first time.
    Full,
    /// Apply only its atlas commands: a list flagged unchanged, whose pixels stay.
    AtlasOnly,
    /// Draw it without its atlas commands: a list drawn again (they were applied already; a
    /// page command again would clear glyphs uploaded since).
    Replay,
}

/// What drawing a list found out.
struct DrawOutcome {
    /// It has a `VideoSurface`.
    video_surface: bool,
}

impl DrawState<'_> {
    fn drawing(&self) -> bool {
        self.mode != DrawMode::AtlasOnly && self.hidden == 0
    }

    fn clip(&self) -> Option<&Mask> {
        self.clips.last().and_then(Option::as_ref)
    }

    fn check_depth(&self, index: u32, depth: usize) -> Result<(), RenderError> {
        if depth >= MAX_STACK_DEPTH {
            return Err(RenderError::Unbalanced { index, reason: "pushes nested deeper than 256" });
        }
        Ok(())
    }
}

impl Group {
    fn layer_mut(&mut self) -> Option<&mut Pixmap> {
        match self {
            Group::Layer { layer, .. } => Some(layer),
            _ => None,
        }
    }
}

/// Where drawing goes: the innermost opacity layer, or the frame itself.
fn top_target<'a>(groups: &'a mut [Group], base: &'a mut Pixmap) -> &'a mut Pixmap {
    match groups.iter_mut().rev().find_map(Group::layer_mut) {
        Some(layer) => layer,
        None => base,
    }
}

/// Composites a popped group onto its parent; returns the layer for reuse.
fn composite(group: Group, parent: &mut Pixmap, clip: Option<&Mask>) -> Option<Pixmap> {
    match group {
        Group::Layer { layer, alpha } => {
            let paint =
                PixmapPaint { opacity: alpha, quality: FilterQuality::Nearest, ..PixmapPaint::default() };
            parent.draw_pixmap(0, 0, layer.as_ref(), &paint, Transform::identity(), clip);
            Some(layer)
        }
        Group::Passthrough | Group::Hidden => None,
    }
}

fn paint(color: u32) -> Paint<'static> {
    let [r, g, b, a] = rgba_components(color);
    let mut paint = Paint::default();
    paint.set_color_rgba8(r, g, b, a);
    paint.anti_alias = true;
    paint
}

/// The radius clamped to `[0, min(w, h) / 2]` (NaN counts as 0).
fn clamp_radius(w: f32, h: f32, r: f32) -> f32 {
    let max = (w.min(h) / 2.0).max(0.0);
    if r.is_nan() { 0.0 } else { r.clamp(0.0, max) }
}

/// A rounded rectangle path, or `None` when it is empty or not finite.
fn rounded_rect(rect: &RectF, radius: f32) -> Option<Path> {
    let RectF { x, y, w, h } = *rect;
    if !(x.is_finite() && y.is_finite() && w.is_finite() && h.is_finite()) || w <= 0.0 || h <= 0.0 {
        return None;
    }
    let r = clamp_radius(w, h, radius);
    if r <= 0.0 {
        return Some(PathBuilder::from_rect(Rect::from_xywh(x, y, w, h)?));
    }
    // Each corner a cubic quarter circle, as cairo's arcs are.
    const KAPPA: f32 = 0.552_284_8;
    let k = r * KAPPA;
    let (right, bottom) = (x + w, y + h);
    let mut pb = PathBuilder::new();
    pb.move_to(x + r, y);
    pb.line_to(right - r, y);
    pb.cubic_to(right - r + k, y, right, y + r - k, right, y + r);
    pb.line_to(right, bottom - r);
    pb.cubic_to(right, bottom - r + k, right - r + k, bottom, right - r, bottom);
    pb.line_to(x + r, bottom);
    pb.cubic_to(x + r - k, bottom, x, bottom - r + k, x, bottom - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    pb.close();
    pb.finish()
}

fn draw_rect(target: &mut Pixmap, cmd: &RectCmd, transform: Transform, clip: Option<&Mask>) {
    let RectF { w, h, .. } = cmd.rect;
    let radius = clamp_radius(w, h, cmd.corner_radius);
    if rgba_components(cmd.fill)[3] > 0
        && let Some(path) = rounded_rect(&cmd.rect, radius)
    {
        target.fill_path(&path, &paint(cmd.fill), FillRule::Winding, transform, clip);
    }
    let bw = cmd.border_width;
    if !(bw > 0.0 && bw.is_finite()) || rgba_components(cmd.border_color)[3] == 0 {
        return;
    }
    let half = bw / 2.0;
    let inner = RectF { x: cmd.rect.x + half, y: cmd.rect.y + half, w: w - bw, h: h - bw };
    if inner.w > 0.0 && inner.h > 0.0 {
        if let Some(path) = rounded_rect(&inner, (radius - half).max(0.0)) {
            let stroke = Stroke { width: bw, ..Stroke::default() };
            target.stroke_path(&path, &paint(cmd.border_color), &stroke, transform, clip);
        }
    } else if let Some(path) = rounded_rect(&cmd.rect, radius) {
        // The border is at least as wide as the rect: it covers all of it.
        target.fill_path(&path, &paint(cmd.border_color), FillRule::Winding, transform, clip);
    }
}

fn draw_glyphs(
    target: &mut Pixmap,
    page: &AtlasPage,
    run: &GlyphRunCmd,
    quads: &[touchline_abi::GlyphQuad],
    transform: Transform,
    clip: Option<&Mask>,
) {
    let [r, g, b, a] = rgba_components(run.color);
    if a == 0 {
        return;
    }
    // Premultiplied colour, then scaled by each pixel's coverage.
    let premul = |c: u8| mul_div255(c, a);
    let (pr, pg, pb) = (premul(r), premul(g), premul(b));
    let integral = transform.is_translate() && transform.tx.fract() == 0.0 && transform.ty.fract() == 0.0
        || transform.is_identity();
    let quality = if integral { FilterQuality::Nearest } else { FilterQuality::Bilinear };
    let paint = PixmapPaint { quality, ..PixmapPaint::default() };
    let stride = page.width as usize;
    for q in quads {
        if q.w == 0 || q.h == 0 || !q.x.is_finite() || !q.y.is_finite() {
            continue;
        }
        let Some(mut glyph) = Pixmap::new(u32::from(q.w), u32::from(q.h)) else { continue };
        let (u, v, w) = (q.u as usize, q.v as usize, q.w as usize);
        for (row, out) in glyph.data_mut().chunks_exact_mut(w * 4).enumerate() {
            let start = (v + row) * stride + u;
            for (px, &cov) in out.chunks_exact_mut(4).zip(&page.coverage[start..start + w]) {
                px.copy_from_slice(&[
                    mul_div255(pr, cov),
                    mul_div255(pg, cov),
                    mul_div255(pb, cov),
                    mul_div255(a, cov),
                ]);
            }
        }
        let (x, y) = (q.x.round(), q.y.round());
        if x.abs() > 1e6 || y.abs() > 1e6 {
            continue;
        }
        target.draw_pixmap(x as i32, y as i32, glyph.as_ref(), &paint, transform, clip);
    }
}

/// A gradient's stops as both hosts use them: offsets clamped to `[0, 1]` and to at least the
/// previous stop's (NaN counts as the previous offset), so both libraries see the same
/// ascending list.
pub fn normalize_stops(
    stops: impl Iterator<Item = touchline_abi::display_list::GradientStop>,
) -> Vec<(f32, u32)> {
    let mut prev = 0.0f32;
    stops
        .map(|stop| {
            let offset = if stop.offset.is_nan() { prev } else { stop.offset.clamp(prev, 1.0) };
            prev = offset;
            (offset, stop.color)
        })
        .collect()
}

/// Gradient end points closer than this are degenerate: the shape is filled with the last
/// stop's colour.
pub const DEGENERATE_GRADIENT_LENGTH: f32 = 1.0 / 1024.0;

fn draw_gradient(
    target: &mut Pixmap,
    cmd: &LinearGradientCmd,
    stops: &GradientStops<'_>,
    transform: Transform,
    clip: Option<&Mask>,
) {
    let RectF { w, h, .. } = cmd.rect;
    let Some(path) = rounded_rect(&cmd.rect, clamp_radius(w, h, cmd.corner_radius)) else { return };
    let points = [cmd.x0, cmd.y0, cmd.x1, cmd.y1];
    if !points.iter().all(|v| v.is_finite()) {
        return;
    }
    let stops = normalize_stops(stops.iter());
    let Some(&(_, last)) = stops.last() else { return };
    if stops.iter().all(|&(_, color)| rgba_components(color)[3] == 0) {
        return;
    }
    let (dx, dy) = (cmd.x1 - cmd.x0, cmd.y1 - cmd.y0);
    let mut paint = paint(last);
    if (dx * dx + dy * dy).sqrt() >= DEGENERATE_GRADIENT_LENGTH {
        let color = |c: u32| {
            let [r, g, b, a] = rgba_components(c);
            Color::from_rgba8(r, g, b, a)
        };
        let stops = stops.iter().map(|&(offset, c)| GradientStop::new(offset, color(c))).collect();
        let shader = LinearGradient::new(
            Point::from_xy(cmd.x0, cmd.y0),
            Point::from_xy(cmd.x1, cmd.y1),
            stops,
            SpreadMode::Pad,
            Transform::identity(),
        );
        match shader {
            Some(shader) => paint.shader = shader,
            None => return,
        }
    }
    target.fill_path(&path, &paint, FillRule::Winding, transform, clip);
}

/// `smoothstep(t)` for `t` in `[0, 1]`.
fn smoothstep(t: f64) -> f64 {
    t * t * (3.0 - 2.0 * t)
}

/// Signed distance from `(px, py)` to the rounded rectangle `(x, y, w, h)` with radius `r`
/// (already clamped), negative inside.
fn rounded_rect_distance(px: f64, py: f64, x: f64, y: f64, w: f64, h: f64, r: f64) -> f64 {
    let (hw, hh) = (w / 2.0, h / 2.0);
    let qx = (px - (x + hw)).abs() - hw + r;
    let qy = (py - (y + hh)).abs() - hh + r;
    let outside = qx.max(0.0).hypot(qy.max(0.0));
    outside + qx.max(qy).min(0.0) - r
}

/// The A8 coverage of a shadow: `columns × rows` bytes, the pixel at `(i, j)` sampled at
/// `(x0 + i + 0.5, y0 + j + 0.5)` in the shadow's local coordinates, rounded to 0..=255.
/// The C++ host computes the same numbers (`shadow_mask` in `renderer.cc`).
pub fn shadow_mask(cmd: &ShadowCmd, x0: f64, y0: f64, columns: usize, rows: usize) -> Vec<u8> {
    let RectF { x, y, w, h } = cmd.rect;
    let (x, y, w, h) = (f64::from(x), f64::from(y), f64::from(w), f64::from(h));
    let r = f64::from(clamp_radius(cmd.rect.w, cmd.rect.h, cmd.corner_radius));
    let blur = shadow_blur(cmd.blur);
    let mut mask = vec![0u8; columns * rows];
    for (j, row) in mask.chunks_exact_mut(columns.max(1)).enumerate() {
        let py = y0 + j as f64 + 0.5;
        for (i, out) in row.iter_mut().enumerate() {
            let px = x0 + i as f64 + 0.5;
            let d = rounded_rect_distance(px, py, x, y, w, h, r);
            let coverage = smoothstep((0.5 - d / blur).clamp(0.0, 1.0));
            *out = (coverage * 255.0 + 0.5).floor() as u8;
        }
    }
    mask
}

/// The blur used: at least 1 (NaN counts as 1).
fn shadow_blur(blur: f32) -> f64 {
    if blur >= 1.0 { f64::from(blur) } else { 1.0 }
}

/// `Some((tx, ty))` when the transform is a pure translation (within float noise).
fn translation_only(t: &Transform) -> Option<(f32, f32)> {
    const EPS: f32 = 1e-6;
    let unit = (t.sx - 1.0).abs() < EPS && (t.sy - 1.0).abs() < EPS && t.kx.abs() < EPS && t.ky.abs() < EPS;
    unit.then_some((t.tx, t.ty))
}

fn draw_shadow(
    target: &mut Pixmap,
    cmd: &ShadowCmd,
    transform: Transform,
    clip: Option<&Mask>,
    viewport: (u32, u32),
) {
    let RectF { x, y, w, h } = cmd.rect;
    // An infinite blur has no edge to draw; a NaN one counts as 1, a NaN radius as 0.
    let shape = [x, y, w, h].iter().all(|v| v.is_finite()) && w > 0.0 && h > 0.0;
    if !shape || cmd.blur == f32::INFINITY {
        return;
    }
    let [r, g, b, a] = rgba_components(cmd.color);
    if a == 0 {
        return;
    }
    let half = shadow_blur(cmd.blur) / 2.0;
    let (x, y, w, h) = (f64::from(x), f64::from(y), f64::from(w), f64::from(h));
    let (vw, vh) = (f64::from(viewport.0), f64::from(viewport.1));
    // The mask's pixel grid, as whole numbers in the space the mask is drawn in, and what to
    // add to a grid position to get local coordinates.
    let (grid, draw_transform, quality, to_local) = match translation_only(&transform) {
        Some((tx, ty)) => {
            // Device pixels: the grid is the device's, clipped to the viewport.
            let (tx, ty) = (f64::from(tx), f64::from(ty));
            let grid = [
                (x - half + tx).floor().max(0.0),
                (y - half + ty).floor().max(0.0),
                (x + w + half + tx).ceil().min(vw),
                (y + h + half + ty).ceil().min(vh),
            ];
            (grid, Transform::identity(), FilterQuality::Nearest, (-tx, -ty))
        }
        None => {
            // Local pixels, with a margin of one empty pixel for bilinear sampling, clipped to
            // what the viewport covers in local coordinates.
            let Some(inverse) = transform.invert() else { return };
            let mut corners = [
                Point::from_xy(0.0, 0.0),
                Point::from_xy(viewport.0 as f32, 0.0),
                Point::from_xy(0.0, viewport.1 as f32),
                Point::from_xy(viewport.0 as f32, viewport.1 as f32),
            ];
            inverse.map_points(&mut corners);
            let (mut lx0, mut ly0, mut lx1, mut ly1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for p in corners {
                lx0 = lx0.min(f64::from(p.x));
                ly0 = ly0.min(f64::from(p.y));
                lx1 = lx1.max(f64::from(p.x));
                ly1 = ly1.max(f64::from(p.y));
            }
            let grid = [
                ((x - half).floor() - 1.0).max((lx0 - 2.0).floor()),
                ((y - half).floor() - 1.0).max((ly0 - 2.0).floor()),
                ((x + w + half).ceil() + 1.0).min((lx1 + 2.0).ceil()),
                ((y + h + half).ceil() + 1.0).min((ly1 + 2.0).ceil()),
            ];
            (grid, transform, FilterQuality::Bilinear, (0.0, 0.0))
        }
    };
    let [gx0, gy0, gx1, gy1] = grid;
    if !(gx1 > gx0 && gy1 > gy0) || gx0.abs() > 1e7 || gy0.abs() > 1e7 {
        return;
    }
    let (columns, rows) = ((gx1 - gx0) as u64, (gy1 - gy0) as u64);
    if columns * rows > MAX_SHADOW_MASK_PIXELS {
        return;
    }
    let mask = shadow_mask(cmd, gx0 + to_local.0, gy0 + to_local.1, columns as usize, rows as usize);
    let Some(mut pixmap) = Pixmap::new(columns as u32, rows as u32) else { return };
    let premul = |c: u8| mul_div255(c, a);
    let (pr, pg, pb) = (premul(r), premul(g), premul(b));
    for (px, &cov) in pixmap.data_mut().chunks_exact_mut(4).zip(&mask) {
        px.copy_from_slice(&[
            mul_div255(pr, cov),
            mul_div255(pg, cov),
            mul_div255(pb, cov),
            mul_div255(a, cov),
        ]);
    }
    let paint = PixmapPaint { quality, ..PixmapPaint::default() };
    target.draw_pixmap(gx0 as i32, gy0 as i32, pixmap.as_ref(), &paint, draw_transform, clip);
}

/// Where an image goes in `rect` for a fit: `(x, y, scale_x, scale_y)`, the image's top-left
/// corner and scale in local coordinates, and the rectangle to fill (the image's own for
/// `Fill` and `Contain`, `rect` for `Cover`). Unknown fits are `Fill`. `None` when nothing
/// shows.
pub fn image_placement(rect: &RectF, fit: u32, width: u32, height: u32) -> Option<([f64; 4], RectF)> {
    let RectF { x, y, w, h } = *rect;
    let shape = [x, y, w, h].iter().all(|v| v.is_finite()) && w > 0.0 && h > 0.0;
    if !shape || width == 0 || height == 0 {
        return None;
    }
    let (x, y, w, h) = (f64::from(x), f64::from(y), f64::from(w), f64::from(h));
    let (iw, ih) = (f64::from(width), f64::from(height));
    let (sx, sy) = (w / iw, h / ih);
    let fit = match fit {
        1 => ImageFit::Cover,
        2 => ImageFit::Contain,
        _ => ImageFit::Fill,
    };
    let scale = match fit {
        ImageFit::Fill => return Some(([x, y, sx, sy], *rect)),
        ImageFit::Cover => sx.max(sy),
        ImageFit::Contain => sx.min(sy),
    };
    let (dw, dh) = (iw * scale, ih * scale);
    let (dx, dy) = (x + (w - dw) / 2.0, y + (h - dh) / 2.0);
    let area = match fit {
        ImageFit::Contain => RectF { x: dx as f32, y: dy as f32, w: dw as f32, h: dh as f32 },
        _ => *rect,
    };
    Some(([dx, dy, scale, scale], area))
}

fn draw_image(
    target: &mut Pixmap,
    image: &Pixmap,
    cmd: &ImageCmd,
    transform: Transform,
    clip: Option<&Mask>,
) {
    let Some(([dx, dy, sx, sy], area)) = image_placement(&cmd.rect, cmd.fit, image.width(), image.height())
    else {
        return;
    };
    let placement = Transform::from_row(sx as f32, 0.0, 0.0, sy as f32, dx as f32, dy as f32);
    let mut transform = transform;
    // Mapped 1:1 onto device pixels: snap the image to whole pixels (moving the filled area
    // with it), so both hosts copy pixels instead of resampling them at half-pixel offsets.
    if let Some((tx, ty)) = translation_only(&transform.pre_concat(placement)) {
        transform = Transform::from_translate(tx.round() - tx, ty.round() - ty).pre_concat(transform);
    }
    let Some(area) = Rect::from_xywh(area.x, area.y, area.w, area.h) else { return };
    let paint = Paint {
        shader: Pattern::new(image.as_ref(), SpreadMode::Pad, FilterQuality::Bilinear, 1.0, placement),
        anti_alias: true,
        ..Paint::default()
    };
    target.fill_rect(area, &paint, transform, clip);
}

/// `a * b / 255`, rounded.
fn mul_div255(a: u8, b: u8) -> u8 {
    let t = u32::from(a) * u32::from(b) + 128;
    ((t + (t >> 8)) >> 8) as u8
}

/// The pixmap as straight-alpha RGBA bytes (what PNG wants).
pub fn to_rgba(pixmap: &Pixmap) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixmap.data().len());
    for px in pixmap.pixels() {
        let c = px.demultiply();
        out.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    out
}

#[cfg(test)]
mod tests {
    use touchline_abi::display_list::{
        AtlasPageCmd, AtlasUploadCmd, ClipCmd, GradientStop, ImageCmd, LinearGradientCmd, RectCmd, RectF,
        ShadowCmd, TransformCmd,
    };
    use touchline_abi::{DisplayListWriter, GlyphQuad, Opcode};

    use super::*;

    const W: u32 = 64;
    const H: u32 = 48;

    fn list(build: impl FnOnce(&mut DisplayListWriter)) -> Vec<u8> {
        let mut w = DisplayListWriter::new();
        w.begin(W, H, 0);
        build(&mut w);
        w.finish().to_vec()
    }

    fn px(r: &Renderer, x: u32, y: u32) -> [u8; 4] {
        let c = r.pixmap().pixel(x, y).expect("pixel inside the viewport").demultiply();
        [c.red(), c.green(), c.blue(), c.alpha()]
    }

    fn render(bytes: &[u8]) -> Renderer {
        let mut r = Renderer::new(W, H).expect("renderer");
        r.render(bytes).expect("valid list renders");
        r
    }

    fn rect(x: f32, y: f32, w: f32, h: f32, fill: u32) -> RectCmd {
        RectCmd { rect: RectF { x, y, w, h }, fill, border_color: 0, border_width: 0.0, corner_radius: 0.0 }
    }

    fn close(a: [u8; 4], b: [u8; 4], tol: u8) -> bool {
        a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tol)
    }

    #[test]
    fn empty_list_is_opaque_black() {
        let r = render(&list(|_| {}));
        assert_eq!(px(&r, 0, 0), [0, 0, 0, 255]);
        assert_eq!(px(&r, W - 1, H - 1), [0, 0, 0, 255]);
    }

    #[test]
    fn rect_fill_and_border() {
        let bytes = list(|w| {
            w.rect(&RectCmd {
                rect: RectF { x: 10.0, y: 10.0, w: 40.0, h: 30.0 },
                fill: 0x2040_80ff,
                border_color: 0xffff_00ff,
                border_width: 4.0,
                corner_radius: 6.0,
            });
        });
        let r = render(&bytes);
        assert_eq!(px(&r, 30, 25), [0x20, 0x40, 0x80, 255], "centre has the fill colour");
        assert_eq!(px(&r, 30, 11), [0xff, 0xff, 0, 255], "top border, inside the rect");
        assert_eq!(px(&r, 11, 25), [0xff, 0xff, 0, 255], "left border");
        assert_eq!(px(&r, 30, 15), [0x20, 0x40, 0x80, 255], "just inside the border is fill");
        assert_eq!(px(&r, 30, 8), [0, 0, 0, 255], "outside stays black");
        assert_eq!(px(&r, 10, 10), [0, 0, 0, 255], "a rounded corner leaves the corner pixel black");
    }

    #[test]
    fn radius_is_clamped_and_square_rect_is_exact() {
        let r = render(&list(|w| w.rect(&rect(4.0, 4.0, 10.0, 10.0, 0xff00_00ff))));
        assert_eq!(px(&r, 4, 4), [255, 0, 0, 255]);
        assert_eq!(px(&r, 13, 13), [255, 0, 0, 255]);
        assert_eq!(px(&r, 14, 14), [0, 0, 0, 255]);
        // A huge radius is clamped to a circle: the centre is filled, the corner is not.
        let mut pill = rect(20.0, 20.0, 20.0, 20.0, 0x00ff_00ff);
        pill.corner_radius = 1000.0;
        let r = render(&list(|w| w.rect(&pill)));
        assert_eq!(px(&r, 30, 30), [0, 255, 0, 255]);
        assert_eq!(px(&r, 20, 20), [0, 0, 0, 255]);
        let edge = px(&r, 36, 22)[1];
        assert!(edge > 0 && edge < 255, "the circle's edge is anti-aliased, got {edge}");
    }

    fn glyph_list() -> Vec<u8> {
        list(|w| {
            w.atlas_page(&AtlasPageCmd { page: 3, width: 16, height: 16 });
            // 2×2 box at (4, 5): coverage 255, 0 / 0, 128.
            w.atlas_upload(&AtlasUploadCmd { page: 3, x: 4, y: 5, w: 2, h: 2 }, &[255, 0, 0, 128]);
            w.glyph_run(3, 0xffff_ffff, &[GlyphQuad { x: 20.0, y: 10.0, u: 4, v: 5, w: 2, h: 2 }]);
        })
    }

    #[test]
    fn glyph_paints_colour_through_coverage() {
        let r = render(&glyph_list());
        assert_eq!(px(&r, 20, 10), [255, 255, 255, 255], "coverage 255: the text colour");
        assert_eq!(px(&r, 21, 10), [0, 0, 0, 255], "coverage 0: nothing");
        assert_eq!(px(&r, 20, 11), [0, 0, 0, 255], "coverage 0: nothing");
        assert!(close(px(&r, 21, 11), [128, 128, 128, 255], 1), "coverage 128: half");
        assert_eq!(px(&r, 19, 10), [0, 0, 0, 255], "nothing outside the quad");
    }

    #[test]
    fn atlas_pages_persist_across_frames() {
        let mut r = Renderer::new(W, H).expect("renderer");
        r.render(&glyph_list()).expect("first frame");
        let second = list(|w| {
            w.glyph_run(3, 0x00ff_00ff, &[GlyphQuad { x: 30.0, y: 30.0, u: 4, v: 5, w: 2, h: 2 }]);
        });
        r.render(&second).expect("second frame uses the page from the first");
        assert_eq!(px(&r, 30, 30), [0, 255, 0, 255]);
        assert_eq!(px(&r, 20, 10), [0, 0, 0, 255], "the frame was cleared");
    }

    #[test]
    fn glyph_outside_page_or_missing_page_is_an_error() {
        let mut r = Renderer::new(W, H).expect("renderer");
        let missing =
            list(|w| w.glyph_run(9, 0xffff_ffff, &[GlyphQuad { x: 0.0, y: 0.0, u: 0, v: 0, w: 1, h: 1 }]));
        assert_eq!(r.render(&missing), Err(RenderError::NoSuchPage { index: 0, page: 9 }));
        let outside = list(|w| {
            w.atlas_page(&AtlasPageCmd { page: 0, width: 8, height: 8 });
            w.glyph_run(0, 0xffff_ffff, &[GlyphQuad { x: 0.0, y: 0.0, u: 6, v: 0, w: 4, h: 1 }]);
        });
        assert!(matches!(r.render(&outside), Err(RenderError::BadCommand { index: 1, .. })));
        let big_upload = list(|w| {
            w.atlas_page(&AtlasPageCmd { page: 0, width: 8, height: 8 });
            w.atlas_upload(&AtlasUploadCmd { page: 0, x: 7, y: 0, w: 2, h: 1 }, &[1, 2]);
        });
        assert!(matches!(r.render(&big_upload), Err(RenderError::BadCommand { index: 1, .. })));
    }

    #[test]
    fn clip_restricts_drawing() {
        let bytes = list(|w| {
            w.push_clip(&ClipCmd { rect: RectF { x: 10.0, y: 10.0, w: 10.0, h: 10.0 }, corner_radius: 0.0 });
            w.rect(&rect(0.0, 0.0, W as f32, H as f32, 0xff00_00ff));
            w.pop(Opcode::PopClip);
            w.rect(&rect(40.0, 40.0, 4.0, 4.0, 0x0000_ffff));
        });
        let r = render(&bytes);
        assert_eq!(px(&r, 15, 15), [255, 0, 0, 255], "inside the clip");
        assert_eq!(px(&r, 5, 5), [0, 0, 0, 255], "outside the clip");
        assert_eq!(px(&r, 25, 15), [0, 0, 0, 255], "outside the clip");
        assert_eq!(px(&r, 41, 41), [0, 0, 255, 255], "after PopClip drawing is unclipped");
    }

    #[test]
    fn nested_clips_intersect() {
        let bytes = list(|w| {
            w.push_clip(&ClipCmd { rect: RectF { x: 0.0, y: 0.0, w: 20.0, h: 20.0 }, corner_radius: 0.0 });
            w.push_clip(&ClipCmd { rect: RectF { x: 10.0, y: 10.0, w: 20.0, h: 20.0 }, corner_radius: 0.0 });
            w.rect(&rect(0.0, 0.0, W as f32, H as f32, 0xffff_ffff));
            w.pop(Opcode::PopClip);
            w.pop(Opcode::PopClip);
        });
        let r = render(&bytes);
        assert_eq!(px(&r, 15, 15), [255; 4]);
        assert_eq!(px(&r, 5, 5), [0, 0, 0, 255]);
        assert_eq!(px(&r, 25, 25), [0, 0, 0, 255]);
    }

    #[test]
    fn opacity_half_halves() {
        let bytes = list(|w| {
            w.push_opacity(0.5);
            w.rect(&rect(0.0, 0.0, 32.0, 32.0, 0xffff_ffff));
            w.pop(Opcode::PopOpacity);
        });
        let r = render(&bytes);
        assert!(close(px(&r, 10, 10), [128, 128, 128, 255], 1), "got {:?}", px(&r, 10, 10));
        assert_eq!(px(&r, 40, 40), [0, 0, 0, 255]);
    }

    #[test]
    fn opacity_is_group_opacity() {
        // Two overlapping opaque rects in one 0.5 group: the overlap is 0.5 of the top one, not
        // a blend of both.
        let bytes = list(|w| {
            w.push_opacity(0.5);
            w.rect(&rect(0.0, 0.0, 20.0, 20.0, 0xff00_00ff));
            w.rect(&rect(10.0, 10.0, 20.0, 20.0, 0x0000_ffff));
            w.pop(Opcode::PopOpacity);
            w.push_opacity(0.0);
            w.rect(&rect(40.0, 0.0, 10.0, 10.0, 0xffff_ffff));
            w.pop(Opcode::PopOpacity);
        });
        let r = render(&bytes);
        assert!(close(px(&r, 15, 15), [0, 0, 128, 255], 1), "got {:?}", px(&r, 15, 15));
        assert!(close(px(&r, 5, 5), [128, 0, 0, 255], 1));
        assert_eq!(px(&r, 45, 5), [0, 0, 0, 255], "opacity 0 draws nothing");
    }

    #[test]
    fn transform_translates_and_scales() {
        let bytes = list(|w| {
            w.push_transform(&TransformCmd { m: [2.0, 0.0, 0.0, 2.0, 10.0, 5.0] });
            w.rect(&rect(0.0, 0.0, 5.0, 5.0, 0x00ff_00ff));
            w.pop(Opcode::PopTransform);
            w.rect(&rect(0.0, 0.0, 2.0, 2.0, 0xff00_00ff));
        });
        let r = render(&bytes);
        assert_eq!(px(&r, 10, 5), [0, 255, 0, 255]);
        assert_eq!(px(&r, 19, 14), [0, 255, 0, 255]);
        assert_eq!(px(&r, 20, 15), [0, 0, 0, 255]);
        assert_eq!(px(&r, 1, 1), [255, 0, 0, 255], "PopTransform restores identity");
    }

    #[test]
    fn malformed_lists_are_errors_and_keep_the_last_frame() {
        let mut r = Renderer::new(W, H).expect("renderer");
        r.render(&list(|w| w.rect(&rect(0.0, 0.0, 8.0, 8.0, 0xff00_00ff)))).expect("good frame");
        assert!(matches!(r.render(&[1, 2, 3]), Err(RenderError::List(_))));
        let unbalanced = list(|w| {
            w.rect(&rect(0.0, 0.0, W as f32, H as f32, 0xffff_ffff));
            w.pop(Opcode::PopClip);
        });
        assert!(matches!(r.render(&unbalanced), Err(RenderError::Unbalanced { index: 1, .. })));
        let mut truncated = list(|w| w.rect(&rect(0.0, 0.0, 1.0, 1.0, 0xffff_ffff)));
        truncated.truncate(truncated.len() - 4);
        let len = (truncated.len() as u32).to_le_bytes();
        truncated[20..24].copy_from_slice(&len);
        assert!(matches!(r.render(&truncated), Err(RenderError::List(DisplayListError::BadCommand { .. }))));
        assert_eq!(px(&r, 4, 4), [255, 0, 0, 255], "last good frame kept");
        assert_eq!(px(&r, 20, 20), [0, 0, 0, 255], "last good frame kept");
    }

    #[test]
    fn video_surface_is_opaque_black() {
        let bytes = list(|w| {
            w.rect(&rect(0.0, 0.0, W as f32, H as f32, 0xffff_ffff));
            w.video_surface(&RectF { x: 8.0, y: 4.0, w: 20.0, h: 10.0 });
            // Under a transform and a clip, it paints like a black rect.
            w.push_clip(&ClipCmd { rect: RectF { x: 40.0, y: 0.0, w: 10.0, h: 48.0 }, corner_radius: 0.0 });
            w.push_transform(&TransformCmd { m: [2.0, 0.0, 0.0, 2.0, 30.0, 20.0] });
            w.video_surface(&RectF { x: 0.0, y: 0.0, w: 10.0, h: 5.0 });
            w.pop(Opcode::PopTransform);
            w.pop(Opcode::PopClip);
            // Half opacity over white: half black.
            w.push_opacity(0.5);
            w.video_surface(&RectF { x: 0.0, y: 40.0, w: 8.0, h: 8.0 });
            w.pop(Opcode::PopOpacity);
            // Something drawn after it shows on top.
            w.rect(&rect(10.0, 6.0, 2.0, 2.0, 0xff00_00ff));
        });
        let r = render(&bytes);
        assert_eq!(px(&r, 8, 4), [0, 0, 0, 255]);
        assert_eq!(px(&r, 27, 13), [0, 0, 0, 255]);
        assert_eq!(px(&r, 28, 13), [255; 4], "right of the surface");
        assert_eq!(px(&r, 8, 14), [255; 4], "below the surface");
        assert_eq!(px(&r, 7, 4), [255; 4], "left of the surface");
        assert_eq!(px(&r, 10, 6), [255, 0, 0, 255], "drawn over it");
        assert_eq!(px(&r, 45, 25), [0, 0, 0, 255], "transformed, inside the clip");
        assert_eq!(px(&r, 35, 25), [255; 4], "transformed, outside the clip");
        assert_eq!(px(&r, 45, 31), [255; 4], "below the scaled surface");
        assert!(close(px(&r, 4, 44), [128, 128, 128, 255], 1), "half opacity: {:?}", px(&r, 4, 44));
        // Half-pixel edges are anti-aliased, as for Rect.
        let r = render(&list(|w| {
            w.rect(&rect(0.0, 0.0, W as f32, H as f32, 0xffff_ffff));
            w.video_surface(&RectF { x: 10.5, y: 10.0, w: 10.0, h: 10.0 });
        }));
        assert!(close(px(&r, 10, 15), [128, 128, 128, 255], 2), "edge: {:?}", px(&r, 10, 15));
    }

    fn solid(width: u32, height: u32, [r, g, b]: [u8; 3]) -> Pixmap {
        let mut pixmap = Pixmap::new(width, height).expect("pixmap");
        pixmap.fill(Color::from_rgba8(r, g, b, 255));
        pixmap
    }

    #[test]
    fn video_pictures_are_contained_in_the_surface_under_the_ui() {
        let green = solid(16, 9, [0, 200, 0]);
        let bytes = list(|w| {
            w.rect(&rect(0.0, 0.0, W as f32, H as f32, 0xffff_ffff));
            // A square surface: the 16:9 picture is letterboxed, black bars above and below.
            w.video_surface(&RectF { x: 0.0, y: 0.0, w: 32.0, h: 32.0 });
            w.rect(&rect(0.0, 14.0, 2.0, 2.0, 0xff00_00ff));
        });
        let mut r = Renderer::new(W, H).expect("renderer");
        let picture = VideoPicture { pixmap: &green, changed: true };
        r.render_with_video(&bytes, Some(picture)).expect("renders");
        assert_eq!(px(&r, 16, 16), [0, 200, 0, 255], "the picture fills the width");
        assert_eq!(px(&r, 16, 2), [0, 0, 0, 255], "a bar above (32×18 centred: rows 7 to 25)");
        assert_eq!(px(&r, 16, 29), [0, 0, 0, 255], "a bar below");
        assert_eq!(px(&r, 40, 16), [255; 4], "outside the surface");
        assert_eq!(px(&r, 1, 15), [255, 0, 0, 255], "the UI drawn after it is on top");
    }

    #[test]
    fn an_unchanged_list_is_replayed_when_the_picture_changes() {
        let (green, blue) = (solid(16, 9, [0, 200, 0]), solid(16, 9, [0, 0, 200]));
        let bytes = list(|w| {
            w.video_surface(&RectF { x: 0.0, y: 0.0, w: W as f32, h: 36.0 });
            w.rect(&rect(0.0, 0.0, 4.0, 4.0, 0xff00_00ff));
        });
        let unchanged = {
            let mut w = DisplayListWriter::new();
            w.begin(W, H, FRAME_FLAG_UNCHANGED as u16);
            w.finish().to_vec()
        };
        let mut r = Renderer::new(W, H).expect("renderer");
        r.render_with_video(&bytes, Some(VideoPicture { pixmap: &green, changed: true })).expect("renders");
        assert_eq!(px(&r, 32, 20), [0, 200, 0, 255]);

        let stats = r
            .render_with_video(&unchanged, Some(VideoPicture { pixmap: &blue, changed: false }))
            .expect("renders");
        assert!(stats.unchanged, "the same picture: nothing to draw");
        assert_eq!(px(&r, 32, 20), [0, 200, 0, 255]);

        let stats = r
            .render_with_video(&unchanged, Some(VideoPicture { pixmap: &blue, changed: true }))
            .expect("renders");
        assert!(!stats.unchanged, "a new picture: the last list is drawn again");
        assert_eq!(px(&r, 32, 20), [0, 0, 200, 255]);
        assert_eq!(px(&r, 1, 1), [255, 0, 0, 255], "with the UI over it");

        assert!(r.shows_video(&bytes) && r.shows_video(&unchanged), "a surface, and one to replay");
        // A list without a surface is not kept: nothing to replay for it.
        r.render_with_video(&list(|w| w.rect(&rect(0.0, 0.0, 4.0, 4.0, 0x00ff_00ff))), None)
            .expect("renders");
        let stats = r
            .render_with_video(&unchanged, Some(VideoPicture { pixmap: &green, changed: true }))
            .expect("renders");
        assert!(stats.unchanged);
        assert!(!r.shows_video(&unchanged), "nothing kept to replay");
    }

    #[test]
    fn unknown_opcodes_are_skipped() {
        let mut bytes = list(|w| {
            w.push_opacity(1.0); // becomes the unknown opcode below
            w.rect(&rect(0.0, 0.0, 4.0, 4.0, 0xff00_00ff));
        });
        bytes[24..26].copy_from_slice(&999u16.to_le_bytes());
        let r = render(&bytes);
        assert_eq!(px(&r, 1, 1), [255, 0, 0, 255]);
    }

    fn gradient(rect: RectF, from: (f32, f32), to: (f32, f32), stops: &[(f32, u32)]) -> Vec<u8> {
        list(|w| {
            let cmd = LinearGradientCmd {
                rect,
                corner_radius: 0.0,
                x0: from.0,
                y0: from.1,
                x1: to.0,
                y1: to.1,
                stop_count: stops.len() as u32,
            };
            let stops: Vec<_> = stops.iter().map(|&(offset, color)| GradientStop { offset, color }).collect();
            w.linear_gradient(&cmd, &stops);
        })
    }

    const FULL: RectF = RectF { x: 0.0, y: 0.0, w: W as f32, h: H as f32 };

    #[test]
    fn gradient_runs_between_its_points_and_pads() {
        let r = render(&gradient(FULL, (8.0, 0.0), (56.0, 0.0), &[(0.0, 0xff00_00ff), (1.0, 0x0000_ffff)]));
        assert_eq!(px(&r, 2, 10), [255, 0, 0, 255], "before the start: the first stop");
        assert!(close(px(&r, 8, 10), [254, 0, 1, 255], 2), "at the start: {:?}", px(&r, 8, 10));
        // Pixel 31's centre is at 31.5: t = 23.5 / 48.
        let t = 23.5 / 48.0;
        let mid = [(255.0 * (1.0 - t)) as u8, 0, (255.0 * t) as u8, 255];
        assert!(close(px(&r, 31, 10), mid, 2), "middle: {:?}, expected {mid:?}", px(&r, 31, 10));
        assert!(close(px(&r, 55, 40), [1, 0, 254, 255], 2), "at the end: {:?}", px(&r, 55, 40));
        assert_eq!(px(&r, 62, 40), [0, 0, 255, 255], "past the end: the last stop");
    }

    #[test]
    fn gradient_interpolates_straight_alpha_and_fills_the_rounded_rect() {
        // Opaque red to transparent blue: half way is (127, 0, 127) at alpha 127 over black, so
        // blue shows (premultiplied interpolation would give no blue).
        let r = render(&gradient(FULL, (0.0, 0.0), (64.0, 0.0), &[(0.0, 0xff00_00ff), (1.0, 0x0000_ff00)]));
        let [red, green, blue, _] = px(&r, 31, 20);
        assert!(red.abs_diff(65) <= 3 && green == 0 && blue.abs_diff(62) <= 3, "{:?}", px(&r, 31, 20));
        // Inside a rounded rect only, and clipped.
        let bytes = list(|w| {
            w.push_clip(&ClipCmd { rect: RectF { x: 0.0, y: 0.0, w: 40.0, h: 48.0 }, corner_radius: 0.0 });
            let cmd = LinearGradientCmd {
                rect: RectF { x: 10.0, y: 10.0, w: 40.0, h: 20.0 },
                corner_radius: 10.0,
                x0: 0.0,
                y0: 10.0,
                x1: 0.0,
                y1: 30.0,
                stop_count: 2,
            };
            w.linear_gradient(
                &cmd,
                &[
                    GradientStop { offset: 0.0, color: 0xffff_ffff },
                    GradientStop { offset: 1.0, color: 0xffff_ffff },
                ],
            );
            w.pop(Opcode::PopClip);
        });
        let r = render(&bytes);
        assert_eq!(px(&r, 20, 20), [255; 4]);
        assert_eq!(px(&r, 10, 10), [0, 0, 0, 255], "rounded corner");
        assert_eq!(px(&r, 45, 20), [0, 0, 0, 255], "clipped");
        assert_eq!(px(&r, 20, 35), [0, 0, 0, 255], "outside the rect");
    }

    #[test]
    fn gradient_under_a_transform_and_degenerate_gradients() {
        // Scaled 2x: the gradient's points scale with the shape.
        let bytes = list(|w| {
            w.push_transform(&TransformCmd { m: [2.0, 0.0, 0.0, 2.0, 0.0, 0.0] });
            let cmd = LinearGradientCmd {
                rect: RectF { x: 0.0, y: 0.0, w: 32.0, h: 24.0 },
                corner_radius: 0.0,
                x0: 0.0,
                y0: 0.0,
                x1: 32.0,
                y1: 0.0,
                stop_count: 2,
            };
            w.linear_gradient(
                &cmd,
                &[
                    GradientStop { offset: 0.0, color: 0x0000_00ff },
                    GradientStop { offset: 1.0, color: 0xffff_ffff },
                ],
            );
            w.pop(Opcode::PopTransform);
        });
        let r = render(&bytes);
        assert!(close(px(&r, 31, 10), [125, 125, 125, 255], 3), "{:?}", px(&r, 31, 10));
        // Equal end points: the last colour. Stops out of order are clamped to ascending.
        let r = render(&gradient(FULL, (5.0, 5.0), (5.0, 5.0), &[(0.0, 0xff00_00ff), (1.0, 0x00ff_00ff)]));
        assert_eq!(px(&r, 30, 30), [0, 255, 0, 255]);
        let stops = [(0.5, 0xff00_00ff), (0.2, 0x00ff_00ff), (f32::NAN, 0x0000_ffff), (2.0, 0xffff_ffff)];
        let got = normalize_stops(stops.iter().map(|&(offset, color)| GradientStop { offset, color }));
        assert_eq!(got, vec![(0.5, 0xff00_00ff), (0.5, 0x00ff_00ff), (0.5, 0x0000_ffff), (1.0, 0xffff_ffff)]);
    }

    fn shadow(rect: RectF, radius: f32, blur: f32, color: u32) -> ShadowCmd {
        ShadowCmd { rect, corner_radius: radius, blur, color }
    }

    #[test]
    fn shadow_coverage_follows_the_formula() {
        // The left edge at x = 15.5 runs through the centres of column 15.
        let rect = RectF { x: 15.5, y: 11.5, w: 32.0, h: 24.0 };
        let r = render(&list(|w| w.shadow(&shadow(rect, 0.0, 8.0, 0xffff_ffff))));
        let row = 23;
        let level = |x| px(&r, x, row)[0];
        assert!(level(15).abs_diff(128) <= 1, "half coverage at the edge: {}", level(15));
        assert_eq!(level(11), 0, "nothing blur / 2 beyond the edge");
        assert_eq!(level(10), 0);
        assert!(level(12) > 0 && level(12) < 20, "the tail: {}", level(12));
        assert_eq!(level(20), 255, "full blur / 2 inside");
        assert_eq!(level(31), 255);
        // Column 16's centre is at 16.5: d = -1, t = 0.5 + 1 / 8.
        let t: f64 = 0.625;
        let want = (t * t * (3.0 - 2.0 * t) * 255.0).round() as u8;
        assert!(level(16).abs_diff(want) <= 1, "{} vs {want}", level(16));
        // The numbers themselves, as the device host computes them.
        assert_eq!(shadow_mask(&shadow(rect, 0.0, 8.0, 0xffff_ffff), 14.0, 23.0, 3, 1), [0x51, 0x80, 0xae]);
        // Colour and alpha: a half-transparent red shadow is half red inside.
        let r = render(&list(|w| w.shadow(&shadow(rect, 0.0, 8.0, 0xff00_0080))));
        assert!(close(px(&r, 30, 23), [128, 0, 0, 255], 1), "{:?}", px(&r, 30, 23));
    }

    #[test]
    fn shadow_corners_blur_less_and_transforms_apply() {
        let rect = RectF { x: 16.0, y: 12.0, w: 32.0, h: 24.0 };
        let square = render(&list(|w| w.shadow(&shadow(rect, 0.0, 6.0, 0xffff_ffff))));
        let round = render(&list(|w| w.shadow(&shadow(rect, 10.0, 6.0, 0xffff_ffff))));
        assert!(px(&round, 17, 13)[0] < px(&square, 17, 13)[0], "a rounded corner is fainter");
        assert_eq!(px(&round, 32, 24), [255; 4]);
        // A sub-1 blur counts as 1: a crisp edge.
        let crisp = render(&list(|w| w.shadow(&shadow(rect, 0.0, 0.0, 0xffff_ffff))));
        assert_eq!(px(&crisp, 16, 20)[0], 255);
        assert_eq!(px(&crisp, 15, 20)[0], 0);
        // Translated by half a pixel: the mask follows device pixels, so the edge is at 16.5.
        let moved = render(&list(|w| {
            w.push_transform(&TransformCmd { m: [1.0, 0.0, 0.0, 1.0, 0.5, 0.0] });
            w.shadow(&shadow(RectF { x: 15.0, y: 12.0, w: 32.0, h: 24.0 }, 0.0, 8.0, 0xffff_ffff));
            w.pop(Opcode::PopTransform);
        }));
        assert!(px(&moved, 15, 20)[0].abs_diff(128) <= 1, "{:?}", px(&moved, 15, 20));
        // Scaled 2x about the origin: the shadow covers (32, 24)-(96, 72) and is full inside.
        let scaled = render(&list(|w| {
            w.push_transform(&TransformCmd { m: [2.0, 0.0, 0.0, 2.0, 0.0, 0.0] });
            w.shadow(&shadow(RectF { x: 8.0, y: 6.0, w: 16.0, h: 12.0 }, 0.0, 2.0, 0xffff_ffff));
            w.pop(Opcode::PopTransform);
        }));
        assert_eq!(px(&scaled, 30, 24), [255; 4]);
        assert_eq!(px(&scaled, 12, 24), [0, 0, 0, 255]);
        assert!(px(&scaled, 15, 24)[0] > 60 && px(&scaled, 15, 24)[0] < 200, "{:?}", px(&scaled, 15, 24));
        // In a half-opacity group.
        let faded = render(&list(|w| {
            w.push_opacity(0.5);
            w.shadow(&shadow(rect, 0.0, 4.0, 0xffff_ffff));
            w.pop(Opcode::PopOpacity);
        }));
        assert!(close(px(&faded, 32, 24), [128, 128, 128, 255], 1));
        // Huge shadows are clipped to the viewport, not allocated whole.
        let huge = render(&list(|w| {
            w.shadow(&shadow(RectF { x: -1e6, y: -1e6, w: 2e6, h: 2e6 }, 0.0, 4.0, 0x00ff_00ff))
        }));
        assert_eq!(px(&huge, 10, 10), [0, 255, 0, 255]);
    }

    /// A `w × h` image: red in the left half, blue in the right.
    fn two_tone(w: u32, h: u32) -> Pixmap {
        let mut rgba = Vec::new();
        for _ in 0..h {
            for x in 0..w {
                rgba.extend_from_slice(if x < w / 2 { &[255, 0, 0, 255] } else { &[0, 0, 255, 255] });
            }
        }
        crate::images::pixmap_from_rgba(w, h, rgba).expect("pixmap")
    }

    fn render_images(bytes: &[u8], images: Vec<(u32, Pixmap)>) -> Renderer {
        let mut r = Renderer::new(W, H).expect("renderer");
        for (handle, pixmap) in images {
            r.images_mut().insert(handle, pixmap).expect("fits");
        }
        r.render(bytes).expect("renders");
        r
    }

    fn image(handle: u32, fit: ImageFit, rect: RectF) -> ImageCmd {
        ImageCmd { handle, fit: fit as u32, rect }
    }

    const BOX: RectF = RectF { x: 8.0, y: 8.0, w: 48.0, h: 32.0 };
    const RED: [u8; 4] = [255, 0, 0, 255];
    const BLUE: [u8; 4] = [0, 0, 255, 255];
    const BLACK: [u8; 4] = [0, 0, 0, 255];

    #[test]
    fn image_fill_stretches() {
        let r = render_images(&list(|w| w.image(&image(1, ImageFit::Fill, BOX))), vec![(1, two_tone(4, 2))]);
        assert_eq!(px(&r, 9, 9), RED);
        assert_eq!(px(&r, 9, 38), RED);
        assert_eq!(px(&r, 54, 38), BLUE);
        assert_eq!(px(&r, 7, 9), BLACK, "nothing outside the rect");
        assert_eq!(px(&r, 56, 20), BLACK);
        // Bilinear: the seam between the halves is blended.
        let [red, _, blue, _] = px(&r, 31, 20);
        assert!(red > 60 && blue > 60, "{:?}", px(&r, 31, 20));
    }

    #[test]
    fn image_contain_letterboxes() {
        // 4x2 into 48x32: scale 12, 48x24, centred: rows 12..36; bars 8..12 and 36..40.
        let r =
            render_images(&list(|w| w.image(&image(1, ImageFit::Contain, BOX))), vec![(1, two_tone(4, 2))]);
        for y in [8, 9, 10, 11, 36, 37, 38, 39] {
            for x in [9, 30, 54] {
                assert_eq!(px(&r, x, y), BLACK, "bar pixel ({x}, {y}) untouched");
            }
        }
        assert_eq!(px(&r, 9, 12), RED);
        assert_eq!(px(&r, 54, 35), BLUE);
        // A tall box letterboxes left and right instead.
        let tall = RectF { x: 20.0, y: 0.0, w: 20.0, h: 40.0 };
        let r =
            render_images(&list(|w| w.image(&image(1, ImageFit::Contain, tall))), vec![(1, two_tone(4, 2))]);
        // 20x10 centred: rows 15..25.
        assert_eq!(px(&r, 25, 14), BLACK);
        assert_eq!(px(&r, 21, 15), RED);
        assert_eq!(px(&r, 38, 24), BLUE);
        assert_eq!(px(&r, 25, 25), BLACK);
    }

    #[test]
    fn image_cover_crops() {
        // 4x2 into 48x32: scale 16, 64x32 at x = 0: columns 0..8 and 56..64 are cropped.
        let r = render_images(&list(|w| w.image(&image(1, ImageFit::Cover, BOX))), vec![(1, two_tone(4, 2))]);
        assert_eq!(px(&r, 4, 20), BLACK, "cropped: outside the rect");
        assert_eq!(px(&r, 60, 20), BLACK, "cropped: outside the rect");
        assert_eq!(px(&r, 8, 8), RED);
        assert_eq!(px(&r, 55, 39), BLUE);
        assert_eq!(px(&r, 20, 7), BLACK);
        assert_eq!(px(&r, 20, 40), BLACK);
        // Cropped symmetrically: column 8 shows image x = 8.5 / 16, still in column 0.
        assert_eq!(
            image_placement(&BOX, ImageFit::Cover as u32, 4, 2).map(|p| p.0),
            Some([0.0, 8.0, 16.0, 16.0])
        );
    }

    #[test]
    fn images_honour_handles_transforms_clips_and_opacity() {
        let bytes = list(|w| w.image(&image(9, ImageFit::Fill, BOX)));
        let r = render_images(&bytes, vec![(1, two_tone(4, 2))]);
        assert_eq!(px(&r, 20, 20), BLACK, "an unknown handle draws nothing");
        let bytes = list(|w| {
            w.push_clip(&ClipCmd { rect: RectF { x: 0.0, y: 0.0, w: 20.0, h: 48.0 }, corner_radius: 0.0 });
            w.push_opacity(0.5);
            w.push_transform(&TransformCmd { m: [1.0, 0.0, 0.0, 1.0, 4.0, 2.0] });
            w.image(&image(1, ImageFit::Fill, BOX));
            w.pop(Opcode::PopTransform);
            w.pop(Opcode::PopOpacity);
            w.pop(Opcode::PopClip);
        });
        let r = render_images(&bytes, vec![(1, two_tone(4, 2))]);
        assert!(close(px(&r, 13, 11), [128, 0, 0, 255], 1), "{:?}", px(&r, 13, 11));
        assert_eq!(px(&r, 11, 11), BLACK, "moved by the transform");
        assert_eq!(px(&r, 21, 11), BLACK, "clipped");
        // 1:1 at a fractional position: snapped to whole pixels, no blending.
        let bytes = list(|w| w.image(&image(1, ImageFit::Fill, RectF { x: 10.4, y: 20.0, w: 2.0, h: 1.0 })));
        let r = render_images(&bytes, vec![(1, two_tone(2, 1))]);
        assert_eq!((px(&r, 10, 20), px(&r, 11, 20), px(&r, 12, 20)), (RED, BLUE, BLACK));
        // Unloading frees it.
        let mut r =
            render_images(&list(|w| w.image(&image(1, ImageFit::Fill, BOX))), vec![(1, two_tone(4, 2))]);
        assert!(r.images_mut().remove(1));
        r.render(&list(|w| w.image(&image(1, ImageFit::Fill, BOX)))).expect("renders");
        assert_eq!(px(&r, 20, 20), BLACK);
    }

    #[test]
    fn garbage_never_panics() {
        // A valid header followed by every possible byte pattern in a short command stream.
        let mut r = Renderer::new(W, H).expect("renderer");
        r.images_mut().insert(1, Pixmap::new(3, 2).expect("pixmap")).expect("fits");
        let mut seed = 0x1234_5678u32;
        for _ in 0..2000 {
            let mut bytes = list(|w| {
                w.atlas_page(&AtlasPageCmd { page: 0, width: 8, height: 8 });
                w.rect(&rect(1.0, 2.0, 3.0, 4.0, 0xffff_ffff));
                w.glyph_run(0, 0xffff_ffff, &[GlyphQuad { x: 1.0, y: 1.0, u: 0, v: 0, w: 2, h: 2 }]);
                w.push_clip(&ClipCmd { rect: RectF { x: 0.0, y: 0.0, w: 9.0, h: 9.0 }, corner_radius: 2.0 });
                w.push_transform(&TransformCmd { m: [1.0, 0.0, 0.0, 1.0, 3.0, 3.0] });
                w.image(&ImageCmd { handle: 1, fit: 1, rect: RectF { x: 1.0, y: 1.0, w: 20.0, h: 9.0 } });
                w.shadow(&ShadowCmd {
                    rect: RectF { x: 2.0, y: 2.0, w: 8.0, h: 8.0 },
                    corner_radius: 3.0,
                    blur: 6.0,
                    color: 0x0000_00ff,
                });
                w.linear_gradient(
                    &LinearGradientCmd {
                        rect: RectF { x: 0.0, y: 0.0, w: 9.0, h: 9.0 },
                        corner_radius: 1.0,
                        x0: 0.0,
                        y0: 0.0,
                        x1: 9.0,
                        y1: 9.0,
                        stop_count: 2,
                    },
                    &[
                        GradientStop { offset: 0.0, color: 0xff00_00ff },
                        GradientStop { offset: 1.0, color: 0xff },
                    ],
                );
            });
            for _ in 0..4 {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let at = 24 + (seed >> 8) as usize % (bytes.len() - 24);
                bytes[at] = (seed >> 24) as u8;
            }
            let _ = r.render(&bytes);
        }
    }
}
