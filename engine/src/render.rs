//! Render: walks the scene in paint order and writes the frame's display list.

use bevy_ecs::prelude::*;
use touchline_abi::FRAME_FLAG_UNCHANGED;
use touchline_abi::display_list::{DisplayListWriter, GlyphQuad, RectCmd, RectF};

use crate::focus::FocusState;
use crate::layout::{SceneRoot, Viewport};
use crate::scene::{ComputedRect, FocusRing, TextContent, Visual};
use crate::text::{Fonts, GlyphAtlas, layout_text};

/// One drawing command, before encoding; kept to tell whether a frame changed.
#[derive(Clone, Debug, PartialEq)]
enum DrawItem {
    Rect(RectCmd),
    Glyphs { page: u32, color: u32, quads: Vec<GlyphQuad> },
}

/// The frame's display list, and what is needed to tell the next one whether it changed.
#[derive(Resource, Default)]
pub struct DisplayList {
    writer: DisplayListWriter,
    items: Vec<DrawItem>,
    /// Whether the last frame equalled the one before it.
    pub unchanged: bool,
    /// Whether a frame has been rendered yet.
    rendered_once: bool,
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
}

/// Anything that changes pixels.
type PaintChanged = Or<(Changed<ComputedRect>, Changed<Visual>, Changed<TextContent>, Changed<FocusRing>)>;

/// Writes the display list: rectangles and glyph runs in tree order, the focus ring on top.
pub fn render_display_list(
    mut list: ResMut<DisplayList>,
    mut atlas: ResMut<GlyphAtlas>,
    fonts: Res<Fonts>,
    root: Res<SceneRoot>,
    viewport: Res<Viewport>,
    focus: Res<FocusState>,
    changed: Query<(), PaintChanged>,
    mut removed: RemovedComponents<ComputedRect>,
    children: Query<&Children>,
    nodes: Query<(&ComputedRect, Option<&Visual>, Option<&TextContent>, Option<&FocusRing>)>,
) {
    let list = &mut *list;
    let anything_removed = removed.read().count() > 0;
    if list.rendered_once
        && changed.is_empty()
        && !anything_removed
        && !focus.is_changed()
        && !viewport.is_changed()
    {
        list.unchanged = true;
        list.writer.begin(viewport.width, viewport.height, FRAME_FLAG_UNCHANGED as u16);
        return;
    }
    let mut items = Vec::with_capacity(list.items.len());
    let mut focus_ring = None;
    let mut stack = vec![root.0];
    while let Some(entity) = stack.pop() {
        if let Ok((rect, visual, text, ring)) = nodes.get(entity) {
            if let Some(v) = visual.filter(|v| v.background.alpha() > 0 || v.border_width > 0.0) {
                items.push(DrawItem::Rect(RectCmd {
                    rect: rect_f(rect),
                    fill: v.background.0,
                    border_color: v.border_color.0,
                    border_width: v.border_width,
                    corner_radius: v.corner_radius,
                }));
            }
            if let Some(text) = text {
                push_text(&mut items, &mut atlas, &fonts, rect, text);
            }
            if focus.focused == Some(entity) {
                let ring = ring.copied().unwrap_or_default();
                let radius = visual.map(|v| v.corner_radius).unwrap_or(0.0);
                focus_ring = Some(ring_rect(rect, &ring, radius));
            }
        }
        if let Ok(kids) = children.get(entity) {
            stack.extend(kids.iter().rev());
        }
    }
    items.extend(focus_ring.map(DrawItem::Rect));

    let (pages, uploads) = atlas.take_pending();
    let unchanged = list.rendered_once && pages.is_empty() && uploads.is_empty() && items == list.items;
    let w = &mut list.writer;
    list.unchanged = unchanged;
    list.rendered_once = true;
    if unchanged {
        // Same pixels: a bare header tells the host to keep what it shows.
        w.begin(viewport.width, viewport.height, FRAME_FLAG_UNCHANGED as u16);
        return;
    }
    w.begin(viewport.width, viewport.height, 0);
    for page in &pages {
        w.atlas_page(page);
    }
    for (cmd, pixels) in &uploads {
        w.atlas_upload(cmd, pixels);
    }
    for item in &items {
        match item {
            DrawItem::Rect(r) => w.rect(r),
            DrawItem::Glyphs { page, color, quads } => w.glyph_run(*page, *color, quads),
        }
    }
    list.items = items;
}

fn rect_f(r: &ComputedRect) -> RectF {
    RectF { x: r.x, y: r.y, w: r.width, h: r.height }
}

fn ring_rect(rect: &ComputedRect, ring: &FocusRing, radius: f32) -> RectCmd {
    let grow = ring.offset + ring.width;
    RectCmd {
        rect: RectF {
            x: rect.x - grow,
            y: rect.y - grow,
            w: rect.width + 2.0 * grow,
            h: rect.height + 2.0 * grow,
        },
        fill: 0,
        border_color: ring.color.0,
        border_width: ring.width,
        corner_radius: radius + grow,
    }
}

fn push_text(
    items: &mut Vec<DrawItem>,
    atlas: &mut GlyphAtlas,
    fonts: &Fonts,
    rect: &ComputedRect,
    text: &TextContent,
) {
    let style = &text.style;
    let layout = layout_text(fonts, &text.text, style, Some(rect.width + 0.5));
    let mut runs: Vec<(u32, Vec<GlyphQuad>)> = Vec::new();
    for (line_index, line) in layout.lines.iter().enumerate() {
        let baseline = rect.y.round() + line_index as f32 * layout.line_height + layout.ascent;
        for glyph in &line.glyphs {
            let Some(slot) = atlas.glyph(fonts, style.weight, glyph.index, style.size) else { continue };
            if slot.w == 0 || slot.h == 0 {
                continue;
            }
            let quad = GlyphQuad {
                x: (rect.x + glyph.x).round() + f32::from(slot.xmin),
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
    for (page, quads) in runs {
        items.push(DrawItem::Glyphs { page, color: style.color.0, quads });
    }
}
