//! The inspector: a debug overlay, toggled with the remote's inspector key (F12 on desktop),
//! that outlines every node's box, marks the focused node, and shows where the last frame's
//! time went per stage.

use bevy_ecs::prelude::*;
use touchline_abi::display_list::{RectCmd, RectF};

use crate::color::Color;
use crate::engine::FrameTimings;
use crate::focus::FocusState;
use crate::layout::SceneRoot;
use crate::render::{DisplayList, RenderStats, glyph_runs};
use crate::scene::ComputedRect;
use crate::text::{FontWeight, Fonts, GlyphAtlas, TextStyle, layout_text};

/// The inspector's state.
#[derive(Resource, Debug, Default)]
pub struct Inspector {
    /// Whether the overlay shows.
    pub enabled: bool,
    /// The previous frame's timings, shown in the panel.
    pub timings: FrameTimings,
    /// The previous frame's render figures.
    pub render: RenderStats,
}

const OUTLINE: Color = Color(0x22d3_eeb0);
const FOCUS: Color = Color(0xf472_b6ff);
const PANEL: Color = Color(0x0000_00c8);
const LABEL: Color = Color(0xe5e7_ebff);

/// Writes the overlay into the display list's overlay commands.
pub fn draw_inspector(
    inspector: Res<Inspector>,
    mut list: ResMut<DisplayList>,
    mut atlas: ResMut<GlyphAtlas>,
    fonts: Res<Fonts>,
    root: Res<SceneRoot>,
    focus: Res<FocusState>,
    children: Query<&Children>,
    rects: Query<&ComputedRect>,
) {
    let overlay = &mut list.overlay;
    overlay.clear();
    if !inspector.enabled {
        return;
    }
    let mut nodes = 0u32;
    let mut stack = vec![root.0];
    while let Some(entity) = stack.pop() {
        nodes += 1;
        if let Ok(rect) = rects.get(entity) {
            overlay.record(|w| w.rect(&outline(rect, OUTLINE, 1.0)));
        }
        if let Ok(kids) = children.get(entity) {
            stack.extend(kids.iter());
        }
    }
    let focused = focus.focused.and_then(|e| rects.get(e).ok().map(|r| (e, *r)));
    if let Some((_, rect)) = focused {
        overlay.record(|w| w.rect(&outline(&rect, FOCUS, 3.0)));
    }
    let t = inspector.timings;
    let r = inspector.render;
    let lines = [
        format!(
            "frame {:.0} µs · input {:.0} · animation {:.0} · layout {:.0} · render {:.0}",
            t.total_us, t.input_us, t.animation_us, t.layout_us, t.render_us
        ),
        format!(
            "nodes {nodes} · visited {} · emitted {} · culled {} · encoded {}",
            r.visited, r.emitted, r.culled, r.encoded
        ),
        match focused {
            Some((e, rect)) => {
                format!("focus {e} at {:.0},{:.0} {:.0}×{:.0}", rect.x, rect.y, rect.width, rect.height)
            }
            None => "focus none".to_owned(),
        },
    ];
    let style = TextStyle { size: 18.0, weight: FontWeight::Regular, color: LABEL, ..TextStyle::default() };
    let laid: Vec<_> = lines.iter().map(|l| layout_text(&fonts, l, &style, None)).collect();
    let width = laid.iter().map(|l| l.width()).fold(0.0, f32::max) + 24.0;
    let line_height = laid.first().map_or(24.0, |l| l.line_height);
    let panel = RectF { x: 16.0, y: 16.0, w: width.ceil(), h: line_height * lines.len() as f32 + 16.0 };
    overlay.record(|w| {
        w.rect(&RectCmd {
            rect: panel,
            fill: PANEL.0,
            border_color: 0,
            border_width: 0.0,
            corner_radius: 6.0,
        })
    });
    for (i, layout) in laid.iter().enumerate() {
        let top = panel.y + 8.0 + i as f32 * line_height;
        let runs = glyph_runs(&mut atlas, &fonts, layout, &style, top, |_| panel.x + 12.0);
        for (page, quads) in runs {
            overlay.record(|w| w.glyph_run(page, LABEL.0, &quads));
        }
    }
}

fn outline(rect: &ComputedRect, color: Color, width: f32) -> RectCmd {
    RectCmd {
        rect: RectF { x: rect.x, y: rect.y, w: rect.width, h: rect.height },
        fill: 0,
        border_color: color.0,
        border_width: width,
        corner_radius: 0.0,
    }
}
