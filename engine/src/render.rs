//! Render: walks the scene in paint order and writes the frame's display list.
//!
//! Each node keeps its own commands encoded in a [`PaintCache`]; a frame re-encodes only the
//! nodes that changed (or whose glyph pages or image went stale) and splices everyone's
//! cached bytes into the list. Nodes whose paint falls outside the viewport or their clip are
//! not emitted, and subtrees under a clip that misses the viewport are not visited. Siblings
//! paint in `z_index` order (stable, so equal values keep tree order); opacity, transforms
//! and overflow clips wrap a subtree in push/pop pairs.

use bevy_ecs::entity::EntityHashMap;
use bevy_ecs::prelude::*;
use touchline_abi::FRAME_FLAG_UNCHANGED;
use touchline_abi::display_list::{
    ClipCmd, DisplayListWriter, EncodedCommands, GlyphQuad, GradientStop, ImageCmd, LinearGradientCmd,
    Opcode, RectCmd, RectF, ShadowCmd, TransformCmd,
};

use crate::focus::FocusState;
use crate::images::{ImageState, Images};
use crate::layout::{LayoutMoves, SceneRoot, TextLayouts, Viewport, ZOrderedParents};
use crate::scene::{
    ComputedRect, FocusRing, Gradient, ImageContent, NodeStyle, SceneChanges, TextContent, VideoSurface,
    Visual,
};
use crate::style::Display;
use crate::text::{Fonts, GlyphAtlas, TextLayout, TextLine, TextStyle};

/// The nodes' own display commands, kept for the nodes that have been on screen: a node
/// that never was (most of a long page) costs nothing here.
#[derive(Resource, Debug, Default)]
pub struct PaintCaches(EntityHashMap<PaintCache>);

/// A node's own display commands, encoded once and reused until something about it changes.
#[derive(Debug, Default)]
pub struct PaintCache {
    commands: EncodedCommands,
    /// The box the commands were encoded for.
    rect: ComputedRect,
    /// Atlas pages the glyph runs sample, with the page generation they were encoded against.
    glyph_pages: Vec<(u32, u32)>,
    /// The image drawn, with the image state's generation when encoded.
    image: Option<(u32, u32)>,
    valid: bool,
}

/// What nodes show besides their boxes, and their focus rings.
type Contents<'w, 's> = Query<
    'w,
    's,
    (
        Option<&'static TextContent>,
        Option<&'static ImageContent>,
        Option<&'static FocusRing>,
        Has<VideoSurface>,
    ),
>;

/// Where a node is drawn, when a layout animation moves it away from its layout box.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct DisplayedRect(pub ComputedRect);

/// Figures about the last rendered frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// Nodes visited.
    pub visited: u32,
    /// Nodes whose commands were emitted.
    pub emitted: u32,
    /// Nodes skipped because they lie outside the viewport or their clip.
    pub culled: u32,
    /// Nodes whose commands were encoded again.
    pub encoded: u32,
    /// The list was last frame's with a few nodes' commands replaced, not rebuilt.
    pub patched: bool,
}

/// The frame's display list, and what is needed to tell the next one whether it changed.
#[derive(Resource, Default)]
pub struct DisplayList {
    writer: DisplayListWriter,
    /// The previous frame's full list, to detect frames that came out identical.
    previous: Vec<u8>,
    /// Nodes emitted in the last rendered frame, in paint order.
    pub paint_order: Vec<Entity>,
    /// Whether the last frame equalled the one before it.
    pub unchanged: bool,
    /// Whether a frame has been rendered yet.
    pub rendered_once: bool,
    /// Figures about the last rendered frame.
    pub stats: RenderStats,
    /// The scene's commands of this frame, before atlas commands are put in front.
    body: DisplayListWriter,
    /// Commands appended after the scene (the inspector overlay).
    pub overlay: EncodedCommands,
    /// Where each visited node's commands sit in `body`, to patch the next frame in place.
    segments: Segments,
    /// Rebuild every frame (tests compare the patched lists with rebuilt ones).
    pub never_patch: bool,
    /// Write a `TextLabel` after the scene for every text on screen (for tools: the designer
    /// preview and its tests read what a page says from the list). Frames are rebuilt.
    pub text_labels: bool,
    /// The scene walk's stack and child order, kept so a frame allocates neither.
    walk: (Vec<Step>, Vec<Entity>),
    /// Leave the atlas's pending pages and uploads for a later frame (a frame prepared ahead,
    /// which the host never gets).
    pub hold_atlas: bool,
}

/// What the last rebuilt (or patched) body was made of, and under which conditions: a frame
/// in which only some nodes' own paint or boxes changed replaces their bytes in the body
/// instead of walking the whole scene again.
#[derive(Default)]
struct Segments {
    /// Visited nodes in paint order.
    list: Vec<Segment>,
    /// Whether `list` describes the current body.
    valid: bool,
    focused: Option<Entity>,
    viewport: (u32, u32),
    /// Atlas pages and images the body draws, marked used again by a patched frame.
    pages: Vec<u32>,
    images: Vec<u32>,
}

/// One visited node's own commands in the body, and what they were drawn under.
#[derive(Clone, Copy)]
struct Segment {
    entity: Entity,
    /// Byte range and command count of its commands in the body (empty when culled).
    start: usize,
    end: usize,
    count: u32,
    /// The clip and matrix in force around it, and the offset of a layout animation above.
    clip: DeviceRect,
    matrix: Matrix,
    offset: (f32, f32),
    visible: bool,
    opacity: f32,
    local: Matrix,
    clips: bool,
}

impl Segments {
    /// Marks the atlas pages and image a node's commands draw as used this frame, and keeps
    /// them for the frames patched after this one.
    fn mark_drawn(&mut self, cache: &PaintCache, atlas: &mut GlyphAtlas, images: &mut Images) {
        for &(page, _) in &cache.glyph_pages {
            atlas.mark_used(page);
            self.pages.push(page);
        }
        if let Some((handle, _)) = cache.image {
            images.touch(handle);
            self.images.push(handle);
        }
    }

    /// Drops repeats from the pages and images kept.
    fn dedup(&mut self) {
        self.pages.sort_unstable();
        self.pages.dedup();
        self.images.sort_unstable();
        self.images.dedup();
    }
}

/// Moves segments' byte ranges by what was spliced in before them.
fn shift_by(segments: &mut [Segment], by: isize) {
    for segment in segments {
        segment.start = segment.start.saturating_add_signed(by);
        segment.end = segment.end.saturating_add_signed(by);
    }
}

/// Encodes a node's commands again when its cache is invalid, was encoded for another box, or
/// samples an evicted atlas page or a reloaded image; true when it did.
#[allow(clippy::too_many_arguments)]
fn refresh(
    cache: &mut PaintCache,
    entity: Entity,
    rect: ComputedRect,
    visual: &Visual,
    contents: &Contents,
    fonts: &Fonts,
    atlas: &mut GlyphAtlas,
    texts: &mut TextLayouts,
    images: &mut Images,
) -> bool {
    if cache.valid && cache.rect == rect && !stale(cache, atlas, images) {
        return false;
    }
    let (text, image, _, video) = contents.get(entity).unwrap_or((None, None, None, false));
    encode_node(cache, entity, rect, visual, NodeContent { text, image, video }, fonts, atlas, texts, images);
    true
}

impl DisplayList {
    /// The encoded bytes of the last frame.
    pub fn bytes(&mut self) -> &[u8] {
        self.writer.finish()
    }

    /// Number of commands in the last frame.
    pub fn command_count(&self) -> u32 {
        self.writer.command_count()
    }

    /// Forgets that a frame was rendered: the next one is a first frame, sent whole.
    pub fn forget_output(&mut self) {
        self.rendered_once = false;
        self.unchanged = false;
        self.previous.clear();
    }

    /// Writes a bare "unchanged" list: the host keeps its pixels.
    pub fn write_unchanged(&mut self, viewport: &Viewport) {
        self.unchanged = true;
        self.writer.begin(viewport.width, viewport.height, FRAME_FLAG_UNCHANGED as u16);
    }
}

/// An axis-aligned rectangle in device pixels, for culling.
type DeviceRect = ComputedRect;

/// A 2D affine matrix `[a, b, c, d, e, f]`.
type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn concat(outer: &Matrix, inner: &Matrix) -> Matrix {
    let [a, b, c, d, e, f] = *outer;
    let [a2, b2, c2, d2, e2, f2] = *inner;
    [
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    ]
}

/// The device-space bounding box of `r` under `m`.
fn map_rect(m: &Matrix, r: &ComputedRect) -> DeviceRect {
    if m[1] == 0.0 && m[2] == 0.0 {
        // Scale and translate only (every focus zoom and slide): two corners, no sorting
        // unless mirrored. Float work is what an interpreter pays most for, per operation.
        if m[0] == 1.0 && m[3] == 1.0 {
            return ComputedRect { x: r.x + m[4], y: r.y + m[5], ..*r };
        }
        let (x0, x1) = (m[0] * r.x + m[4], m[0] * (r.x + r.width) + m[4]);
        let (y0, y1) = (m[3] * r.y + m[5], m[3] * (r.y + r.height) + m[5]);
        let (x0, x1) = if x0 <= x1 { (x0, x1) } else { (x1, x0) };
        let (y0, y1) = if y0 <= y1 { (y0, y1) } else { (y1, y0) };
        return ComputedRect { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    }
    map_corners(m, r)
}

/// The bounding box of `r`'s four corners under any `m`.
fn map_corners(m: &Matrix, r: &ComputedRect) -> DeviceRect {
    let corners = [(r.x, r.y), (r.x + r.width, r.y), (r.x, r.y + r.height), (r.x + r.width, r.y + r.height)];
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (x, y) in corners {
        let (tx, ty) = (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
        x0 = x0.min(tx);
        y0 = y0.min(ty);
        x1 = x1.max(tx);
        y1 = y1.max(ty);
    }
    ComputedRect { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/// What to undo when leaving a node.
#[derive(Clone, Copy)]
struct Pops {
    clip: bool,
    transform: bool,
    opacity: bool,
    /// The clip and matrix to restore.
    saved_clip: DeviceRect,
    saved_matrix: Matrix,
}

enum Step {
    Enter { entity: Entity, dx: f32, dy: f32 },
    Exit(Pops),
}

/// The node's parts that decide its paint.
type NodeParts<'a> =
    (&'a ComputedRect, &'a NodeStyle, Option<&'a Visual>, Option<&'a Children>, Option<&'a DisplayedRect>);

/// Writes the display list.
pub fn render_display_list(
    mut list: ResMut<DisplayList>,
    mut atlas: ResMut<GlyphAtlas>,
    fonts: Res<Fonts>,
    mut texts: ResMut<TextLayouts>,
    mut images: ResMut<Images>,
    root: Res<SceneRoot>,
    viewport: Res<Viewport>,
    focus: Res<FocusState>,
    changes: Res<SceneChanges>,
    z_ordered: Res<ZOrderedParents>,
    nodes: Query<NodeParts>,
    z_of: Query<&NodeStyle>,
    contents: Contents,
    mut caches: ResMut<PaintCaches>,
    moves: Res<LayoutMoves>,
) {
    let list = &mut *list;
    let caches = &mut caches.0;
    for entity in &changes.removed {
        caches.remove(entity);
    }
    for entity in &changes.repaint {
        if let Some(cache) = caches.get_mut(entity) {
            cache.valid = false;
        }
    }
    atlas.begin_frame();
    if !list.never_patch
        && patch(
            list,
            caches,
            &changes,
            &moves,
            &focus,
            &viewport,
            &nodes,
            &contents,
            &fonts,
            &mut atlas,
            &mut texts,
            &mut images,
        )
    {
        finish_list(list, &mut atlas, &viewport);
        return;
    }
    list.segments.valid = false;
    list.segments.list.clear();
    list.segments.pages.clear();
    list.segments.images.clear();
    let mut stats = RenderStats::default();
    let screen =
        ComputedRect { x: 0.0, y: 0.0, width: viewport.width as f32, height: viewport.height as f32 };
    let mut body = std::mem::take(&mut list.body);
    body.begin(viewport.width, viewport.height, 0);
    list.paint_order.clear();
    let mut clip = screen;
    let mut matrix = IDENTITY;
    let mut focus_ring: Option<(RectCmd, Matrix)> = None;
    let (mut stack, mut order) = std::mem::take(&mut list.walk);
    stack.clear();
    stack.push(Step::Enter { entity: root.0, dx: 0.0, dy: 0.0 });

    while let Some(step) = stack.pop() {
        let (entity, dx, dy) = match step {
            Step::Exit(pops) => {
                if pops.clip {
                    body.pop(Opcode::PopClip);
                }
                if pops.transform {
                    body.pop(Opcode::PopTransform);
                }
                if pops.opacity {
                    body.pop(Opcode::PopOpacity);
                }
                clip = pops.saved_clip;
                matrix = pops.saved_matrix;
                continue;
            }
            Step::Enter { entity, dx, dy } => (entity, dx, dy),
        };
        let Ok((layout_rect, style, visual, children, displayed)) = nodes.get(entity) else { continue };
        let style = &style.0;
        if style.display == Display::None {
            continue;
        }
        stats.visited += 1;
        let visual = visual.cloned().unwrap_or_default();
        if visual.opacity <= 0.0 {
            continue;
        }
        let rect = displayed.map_or(layout_rect.translate(dx, dy), |d| d.0);
        let (child_dx, child_dy) = (rect.x - layout_rect.x, rect.y - layout_rect.y);

        let mut pops =
            Pops { clip: false, transform: false, opacity: false, saved_clip: clip, saved_matrix: matrix };
        let local = if visual.transform.is_identity() { IDENTITY } else { visual.transform.matrix(&rect) };
        let node_matrix = if local == IDENTITY { matrix } else { concat(&matrix, &local) };

        // Own commands, unless they fall outside the clip: culled nodes are not even encoded.
        let bounds = paint_bounds(&rect, &visual);
        let visible = map_rect(&node_matrix, &bounds).intersects(&clip);
        let clips = style.overflow.clips();
        if !visible && clips {
            // Nothing inside a clip that is itself off screen can show.
            stats.culled += 1;
            continue;
        }
        let mut cache = visible.then(|| caches.entry(entity).or_default());
        if let Some(cache) = cache.as_deref_mut()
            && refresh(cache, entity, rect, &visual, &contents, &fonts, &mut atlas, &mut texts, &mut images)
        {
            stats.encoded += 1;
        }
        let opacity = visual.opacity < 1.0;
        let mut segment = Segment {
            entity,
            start: body.len(),
            end: body.len(),
            count: 0,
            clip,
            matrix: node_matrix,
            offset: (dx, dy),
            visible,
            opacity: visual.opacity,
            local,
            clips,
        };
        if opacity && (visible || children.is_some()) {
            body.push_opacity(visual.opacity.min(1.0));
            pops.opacity = true;
        }
        if local != IDENTITY {
            body.push_transform(&TransformCmd { m: local });
            pops.transform = true;
            matrix = node_matrix;
        }
        match cache {
            Some(cache) if !cache.commands.is_empty() => {
                list.segments.mark_drawn(cache, &mut atlas, &mut images);
                segment.start = body.len();
                body.extend_encoded(&cache.commands);
                segment.end = body.len();
                segment.count = cache.commands.count();
                stats.emitted += 1;
                list.paint_order.push(entity);
            }
            Some(_) => list.paint_order.push(entity),
            None => stats.culled += 1,
        }
        list.segments.list.push(segment);
        if focus.focused == Some(entity) {
            let ring = contents.get(entity).ok().and_then(|(_, _, r, _)| r.copied()).unwrap_or_default();
            focus_ring = Some((ring_rect(&rect, &ring, visual.corner_radius), matrix));
        }
        if clips {
            body.push_clip(&ClipCmd { rect: rect_f(&rect), corner_radius: visual.corner_radius });
            pops.clip = true;
            clip = clip.intersection(&map_rect(&matrix, &rect));
        }
        stack.push(Step::Exit(pops));
        if let Some(kids) = children {
            if z_ordered.0.contains(&entity) {
                order.clear();
                order.extend(kids.iter());
                order.sort_by_key(|&k| z_of.get(k).map_or(0, |s| s.0.z_index));
                stack.extend(order.iter().rev().map(|&k| Step::Enter {
                    entity: k,
                    dx: child_dx,
                    dy: child_dy,
                }));
            } else {
                stack.extend(kids.iter().rev().map(|k| Step::Enter {
                    entity: k,
                    dx: child_dx,
                    dy: child_dy,
                }));
            }
        }
    }
    if let Some((ring, m)) = focus_ring {
        if m != IDENTITY {
            body.push_transform(&TransformCmd { m });
        }
        body.rect(&ring);
        if m != IDENTITY {
            body.pop(Opcode::PopTransform);
        }
    }
    body.extend_encoded(&list.overlay);
    if list.text_labels {
        write_text_labels(&mut body, &list.paint_order, &nodes, &contents);
    }
    list.body = body;
    list.walk = (stack, order);
    list.stats = stats;
    let segments = &mut list.segments;
    segments.valid = list.overlay.is_empty() && !list.text_labels;
    segments.focused = focus.focused;
    segments.viewport = (viewport.width, viewport.height);
    segments.dedup();
    finish_list(list, &mut atlas, &viewport);
}

/// A `TextLabel` for each text node painted, in paint order, with its layout box.
fn write_text_labels(
    body: &mut DisplayListWriter,
    painted: &[Entity],
    nodes: &Query<NodeParts>,
    contents: &Contents,
) {
    for &entity in painted {
        let Ok((Some(text), ..)) = contents.get(entity) else { continue };
        let Ok((rect, _, _, _, displayed)) = nodes.get(entity) else { continue };
        let rect = displayed.map_or(*rect, |d| d.0);
        body.text_label(&rect_f(&rect), &text.text);
    }
}

/// Puts the atlas's page and upload commands in front of the body, and tells whether the
/// frame came out the same as the last.
fn finish_list(list: &mut DisplayList, atlas: &mut GlyphAtlas, viewport: &Viewport) {
    // Atlas pages and glyph uploads come first: the runs above sample them.
    let (pages, uploads) = if list.hold_atlas { Default::default() } else { atlas.take_pending() };
    let w = &mut list.writer;
    w.begin(viewport.width, viewport.height, 0);
    for page in &pages {
        w.atlas_page(page);
    }
    for (cmd, pixels) in &uploads {
        w.atlas_upload(cmd, pixels);
    }
    w.append_list(&list.body);
    let bytes = w.finish();
    let unchanged =
        list.rendered_once && pages.is_empty() && uploads.is_empty() && same_bytes(bytes, &list.previous);
    if !unchanged {
        list.previous.clear();
        list.previous.extend_from_slice(bytes);
    }
    list.rendered_once = true;
    if unchanged {
        list.write_unchanged(viewport);
    } else {
        list.unchanged = false;
    }
}

/// `a == b`, eight bytes at a time. A slice comparison calls `memcmp`, which in a bundle is a
/// byte loop in wasm: on an interpreter, comparing a frame's list with the last one cost as
/// much as rendering it.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a_words, b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let (a_tail, b_tail) = (a_words.remainder(), b_words.remainder());
    let word = |chunk: &[u8]| u64::from_ne_bytes(chunk.try_into().unwrap_or([0; 8]));
    a_words.zip(b_words).all(|(x, y)| word(x) == word(y)) && a_tail.iter().zip(b_tail).all(|(x, y)| x == y)
}

/// Patches last frame's body when only some nodes' own paint or boxes changed: their
/// commands are encoded again and spliced in place of the old ones. Anything else — a node
/// added, removed, moved in the tree, restyled, scrolled, animated, a clip or focus ring that
/// would move, a node coming into or out of view — returns false, and the scene is walked.
#[allow(clippy::too_many_arguments)]
fn patch(
    list: &mut DisplayList,
    caches: &mut EntityHashMap<PaintCache>,
    changes: &SceneChanges,
    moves: &LayoutMoves,
    focus: &FocusState,
    viewport: &Viewport,
    nodes: &Query<NodeParts>,
    contents: &Contents,
    fonts: &Fonts,
    atlas: &mut GlyphAtlas,
    texts: &mut TextLayouts,
    images: &mut Images,
) -> bool {
    let segments = &mut list.segments;
    if !segments.valid
        || changes.structure
        || changes.scrolled
        || !changes.removed.is_empty()
        || segments.focused != focus.focused
        || segments.viewport != (viewport.width, viewport.height)
        || !list.overlay.is_empty()
        || list.text_labels
    {
        return false;
    }
    let mut changed: Vec<usize> = Vec::new();
    for entity in changes.repaint.iter().copied().chain(moves.0.iter().map(|m| m.entity)) {
        if focus.focused == Some(entity) {
            return false; // its ring moves with it
        }
        let Some(at) = segments.list.iter().position(|s| s.entity == entity) else { return false };
        if !changed.contains(&at) {
            changed.push(at);
        }
    }
    if changed.is_empty() {
        return false;
    }
    changed.sort_unstable();
    // Decide before touching anything: every changed node must keep its place in the tree of
    // clips, transforms and opacity groups, and its visibility.
    let mut redraw = Vec::with_capacity(changed.len());
    for &at in &changed {
        let segment = segments.list[at];
        let Ok((layout_rect, style, visual, _, displayed)) = nodes.get(segment.entity) else { return false };
        let visual = visual.cloned().unwrap_or_default();
        let rect = layout_rect.translate(segment.offset.0, segment.offset.1);
        let local = if visual.transform.is_identity() { IDENTITY } else { visual.transform.matrix(&rect) };
        if displayed.is_some()
            || segment.clips
            || style.0.display == Display::None
            || style.0.overflow.clips()
            || visual.opacity != segment.opacity
            || local != segment.local
        {
            return false;
        }
        let visible = map_rect(&segment.matrix, &paint_bounds(&rect, &visual)).intersects(&segment.clip);
        if visible != segment.visible {
            return false;
        }
        redraw.push((at, rect, visual));
    }
    // What the body draws stays in use: nothing it needs is evicted by the glyphs drawn now.
    for &page in &segments.pages {
        atlas.mark_used(page);
    }
    for &handle in &segments.images {
        images.touch(handle);
    }
    let mut stats = list.stats;
    stats.encoded = 0;
    stats.patched = true;
    let mut shift: isize = 0;
    let mut next_shifted = 0;
    for (at, rect, visual) in redraw {
        // Segments up to this one moved by what was spliced before them.
        shift_by(&mut segments.list[next_shifted..=at], shift);
        next_shifted = at + 1;
        let entity = segments.list[at].entity;
        if !segments.list[at].visible {
            continue;
        }
        let cache = caches.entry(entity).or_default();
        if refresh(cache, entity, rect, &visual, contents, fonts, atlas, texts, images) {
            stats.encoded += 1;
        }
        segments.mark_drawn(cache, atlas, images);
        let segment = &mut segments.list[at];
        shift += list.body.splice_encoded(segment.start..segment.end, segment.count, &cache.commands);
        segment.end = segment.start + cache.commands.byte_len();
        segment.count = cache.commands.count();
    }
    shift_by(&mut segments.list[next_shifted..], shift);
    segments.dedup();
    list.stats = stats;
    true
}

/// What a node's own commands cover: its box, and its shadow.
fn paint_bounds(rect: &ComputedRect, visual: &Visual) -> ComputedRect {
    let Some(shadow) = visual.shadow.as_deref().filter(|s| s.color.alpha() > 0) else { return *rect };
    let reach = rect
        .translate(shadow.offset[0], shadow.offset[1])
        .inflate(shadow.spread + shadow.blur.max(1.0) / 2.0);
    let x0 = rect.x.min(reach.x);
    let y0 = rect.y.min(reach.y);
    let x1 = (rect.x + rect.width).max(reach.x + reach.width);
    let y1 = (rect.y + rect.height).max(reach.y + reach.height);
    ComputedRect { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/// Whether cached commands sample an evicted atlas page or a changed image.
fn stale(cache: &PaintCache, atlas: &GlyphAtlas, images: &Images) -> bool {
    cache.glyph_pages.iter().any(|&(page, generation)| atlas.page_generation(page) != generation)
        || cache.image.is_some_and(|(handle, generation)| images.generation(handle) != generation)
}

fn rect_f(r: &ComputedRect) -> RectF {
    RectF { x: r.x, y: r.y, w: r.width, h: r.height }
}

fn ring_rect(rect: &ComputedRect, ring: &FocusRing, radius: f32) -> RectCmd {
    let grow = ring.offset + ring.width;
    RectCmd {
        rect: rect_f(&rect.inflate(grow)),
        fill: 0,
        border_color: ring.color.0,
        border_width: ring.width,
        corner_radius: radius + grow,
    }
}

/// The gradient line of a CSS `linear-gradient(angle)` over `rect`: through the centre, long
/// enough that the corners get the end colours.
fn gradient_line(rect: &ComputedRect, angle_deg: f32) -> (f32, f32, f32, f32) {
    let angle = angle_deg.to_radians();
    let (dx, dy) = (angle.sin(), -angle.cos());
    let half = (rect.width * dx.abs() + rect.height * dy.abs()) / 2.0;
    let (cx, cy) = rect.center();
    (cx - dx * half, cy - dy * half, cx + dx * half, cy + dy * half)
}

/// Encodes a node's own commands into its cache.
/// What a node shows besides its box.
struct NodeContent<'a> {
    text: Option<&'a TextContent>,
    image: Option<&'a ImageContent>,
    /// The node is a video surface.
    video: bool,
}

fn encode_node(
    cache: &mut PaintCache,
    entity: Entity,
    rect: ComputedRect,
    visual: &Visual,
    NodeContent { text, image, video }: NodeContent<'_>,
    fonts: &Fonts,
    atlas: &mut GlyphAtlas,
    texts: &mut TextLayouts,
    images: &mut Images,
) {
    cache.commands.clear();
    cache.glyph_pages.clear();
    cache.image = None;
    cache.rect = rect;
    cache.valid = true;
    let radius = visual.corner_radius;
    let commands = &mut cache.commands;

    if let Some(shadow) = visual.shadow.as_deref().filter(|s| s.color.alpha() > 0) {
        let shape = rect.translate(shadow.offset[0], shadow.offset[1]).inflate(shadow.spread);
        let blur = shadow.blur.max(1.0);
        commands.record(|w| {
            w.shadow(&ShadowCmd {
                rect: rect_f(&shape),
                corner_radius: (radius + shadow.spread).max(0.0),
                blur,
                color: shadow.color.0,
            })
        });
    }

    if video {
        // The host composites video here; the node's own fill and border draw over it.
        commands.record(|w| w.video_surface(&rect_f(&rect)));
    }
    let has_fill = visual.background.alpha() > 0;
    let has_border = visual.border_width > 0.0 && visual.border_color.alpha() > 0;
    let draws_between = visual.gradient.is_some() || image.is_some();
    if has_fill || (has_border && !draws_between) {
        let border = !draws_between && has_border;
        commands.record(|w| {
            w.rect(&RectCmd {
                rect: rect_f(&rect),
                fill: visual.background.0,
                border_color: if border { visual.border_color.0 } else { 0 },
                border_width: if border { visual.border_width } else { 0.0 },
                corner_radius: radius,
            })
        });
    }
    if let Some(gradient) = &visual.gradient {
        encode_gradient(commands, &rect, radius, gradient);
    }
    if let Some(image) = image {
        let handle = images.handle(&image.url);
        let state = images.state(handle);
        cache.image = Some((handle, images.generation(handle)));
        let r = rect_f(&rect);
        match state {
            Some(ImageState::Loaded { .. }) => commands.record(|w| {
                if radius > 0.0 {
                    w.push_clip(&ClipCmd { rect: r, corner_radius: radius });
                }
                w.image(&ImageCmd { handle, fit: image.fit as u32, rect: r });
                if radius > 0.0 {
                    w.pop(Opcode::PopClip);
                }
            }),
            _ if image.placeholder.alpha() > 0 => commands.record(|w| {
                w.rect(&RectCmd {
                    rect: r,
                    fill: image.placeholder.0,
                    border_color: 0,
                    border_width: 0.0,
                    corner_radius: radius,
                })
            }),
            _ => {}
        }
    }
    if draws_between && has_border {
        commands.record(|w| {
            w.rect(&RectCmd {
                rect: rect_f(&rect),
                fill: 0,
                border_color: visual.border_color.0,
                border_width: visual.border_width,
                corner_radius: radius,
            })
        });
    }
    if let Some(text) = text {
        encode_text(cache, entity, &rect, text, fonts, atlas, texts);
    }
}

fn encode_gradient(commands: &mut EncodedCommands, rect: &ComputedRect, radius: f32, gradient: &Gradient) {
    let (x0, y0, x1, y1) = gradient_line(rect, gradient.angle);
    let stops: Vec<GradientStop> = gradient
        .used()
        .iter()
        .map(|&(offset, color)| GradientStop { offset: offset.clamp(0.0, 1.0), color: color.0 })
        .collect();
    commands.record(|w| {
        w.linear_gradient(
            &LinearGradientCmd {
                rect: rect_f(rect),
                corner_radius: radius,
                x0,
                y0,
                x1,
                y1,
                stop_count: stops.len() as u32,
            },
            &stops,
        )
    });
}

fn encode_text(
    cache: &mut PaintCache,
    entity: Entity,
    rect: &ComputedRect,
    text: &TextContent,
    fonts: &Fonts,
    atlas: &mut GlyphAtlas,
    texts: &mut TextLayouts,
) {
    let style = &text.style;
    // Half a pixel of slack: layout rounded the measured width to whole pixels.
    let layout = texts.get_for_box(fonts, entity, text, rect.width + 0.5);
    let left = rect.x.round();
    let runs = glyph_runs(atlas, fonts, layout, style, rect.y.round(), |line| {
        left + line.align_offset(style.align, rect.width)
    });
    for (page, quads) in runs {
        cache.glyph_pages.push((page, atlas.page_generation(page)));
        cache.commands.record(|w| w.glyph_run(page, style.color.0, &quads));
    }
}

/// Places a laid-out text's glyphs, its first line's top at `top` and each line starting at
/// `line_x(line)`, as quads grouped by atlas page (one glyph run per page).
pub(crate) fn glyph_runs(
    atlas: &mut GlyphAtlas,
    fonts: &Fonts,
    layout: &TextLayout,
    style: &TextStyle,
    top: f32,
    line_x: impl Fn(&TextLine) -> f32,
) -> Vec<(u32, Vec<GlyphQuad>)> {
    let mut runs: Vec<(u32, Vec<GlyphQuad>)> = Vec::new();
    for (line_index, line) in layout.lines.iter().enumerate() {
        let baseline = top + line_index as f32 * layout.line_height + layout.ascent;
        let x0 = line_x(line);
        for glyph in &line.glyphs {
            let Some(slot) = atlas.glyph(fonts, style.weight, glyph.index, style.size) else { continue };
            if slot.w == 0 || slot.h == 0 {
                continue;
            }
            let quad = GlyphQuad {
                x: x0 + glyph.x.round() + f32::from(slot.xmin),
                y: baseline - f32::from(slot.ymin) - f32::from(slot.h),
                u: slot.u,
                v: slot.v,
                w: slot.w,
                h: slot.h,
            };
            match runs.iter_mut().find(|(page, _)| *page == slot.page) {
                Some((_, quads)) => quads.push(quad),
                None => runs.push((slot.page, vec![quad])),
            }
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_aligned_path_maps_rects_like_the_corners() {
        let r = ComputedRect { x: 10.5, y: -4.0, width: 200.25, height: 80.0 };
        assert_eq!(map_rect(&IDENTITY, &r), r, "identity keeps the rect exactly");
        let matrices: [Matrix; 4] = [
            [1.0, 0.0, 0.0, 1.0, 12.0, -7.5],
            [1.08, 0.0, 0.0, 1.08, -9.6, -3.2],
            [-1.0, 0.0, 0.0, 2.0, 300.0, 0.0],
            [0.5, 0.0, 0.0, -0.5, 0.0, 100.0],
        ];
        for m in matrices {
            let (fast, corners) = (map_rect(&m, &r), map_corners(&m, &r));
            for (a, b) in [(fast.x, corners.x), (fast.y, corners.y), (fast.width, corners.width)] {
                assert!((a - b).abs() < 1e-3, "{m:?}: {fast:?} vs {corners:?}");
            }
            assert!((fast.height - corners.height).abs() < 1e-3, "{m:?}: {fast:?} vs {corners:?}");
        }
        let rotated: Matrix = [0.0, 1.0, -1.0, 0.0, 0.0, 0.0];
        let turned = map_rect(&rotated, &r);
        assert_eq!((turned.width, turned.height), (r.height, r.width), "a quarter turn swaps the sides");
    }

    #[test]
    fn same_bytes_compares_every_byte() {
        let a: Vec<u8> = (0..=255).cycle().take(1003).collect();
        assert!(same_bytes(&a, &a.clone()));
        for at in [0, 7, 8, 500, 1000, 1002] {
            let mut b = a.clone();
            b[at] ^= 1;
            assert!(!same_bytes(&a, &b), "a difference at byte {at}");
        }
        assert!(!same_bytes(&a, &a[..1002]), "lengths differ");
        assert!(same_bytes(&[], &[]));
    }
}
