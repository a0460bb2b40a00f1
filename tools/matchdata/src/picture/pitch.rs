//! The pitch seen from above: grass stripes and the white markings, drawn once per frame size
//! and copied under every frame.

use tiny_skia::{FillRule, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

use super::PitchLayout;
use crate::source::{HALF_LENGTH_M, HALF_WIDTH_M};

const SURROUND: (u8, u8, u8) = (29, 84, 45);
const GRASS_DARK: (u8, u8, u8) = (47, 122, 60);
const GRASS_LIGHT: (u8, u8, u8) = (55, 136, 68);
/// Grass beyond the lines, in metres.
const GRASS_MARGIN_X_M: f32 = 4.0;
const GRASS_MARGIN_Y_M: f32 = 2.5;
const STRIPES: i32 = 18;

const CENTRE_CIRCLE_M: f32 = 9.15;
const PENALTY_DEPTH_M: f32 = 16.5;
const PENALTY_HALF_WIDTH_M: f32 = 20.16;
const GOAL_AREA_DEPTH_M: f32 = 5.5;
const GOAL_AREA_HALF_WIDTH_M: f32 = 9.16;
const PENALTY_SPOT_M: f32 = 11.0;
/// Half the goal's width (7.32 m between the posts).
pub(crate) const GOAL_HALF_WIDTH_M: f32 = 3.66;
const GOAL_DEPTH_M: f32 = 2.0;

fn paint(color: (u8, u8, u8), alpha: u8) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(color.0, color.1, color.2, alpha);
    paint.anti_alias = true;
    paint
}

/// As a path: tiny-skia's anti-aliased `fill_rect` trips a debug assertion on thin rects.
fn fill_rect(pixmap: &mut Pixmap, rect: Rect, color: (u8, u8, u8), alpha: u8, transform: Transform) {
    pixmap.fill_path(&PathBuilder::from_rect(rect), &paint(color, alpha), FillRule::Winding, transform, None);
}

/// Draws the pitch filling `pixmap`, placed by `layout`.
pub(crate) fn draw_pitch(pixmap: &mut Pixmap, layout: &PitchLayout) {
    pixmap.fill(tiny_skia::Color::from_rgba8(SURROUND.0, SURROUND.1, SURROUND.2, 255));
    // Paths are in metres (y up); this puts them on the frame.
    let to_frame =
        Transform::from_row(layout.px_per_m, 0.0, 0.0, -layout.px_per_m, layout.centre_x, layout.centre_y);

    let grass_left = -HALF_LENGTH_M - GRASS_MARGIN_X_M;
    let grass_right = HALF_LENGTH_M + GRASS_MARGIN_X_M;
    let grass_bottom = -HALF_WIDTH_M - GRASS_MARGIN_Y_M;
    let grass_height = 2.0 * (HALF_WIDTH_M + GRASS_MARGIN_Y_M);
    if let Some(grass) = Rect::from_xywh(grass_left, grass_bottom, grass_right - grass_left, grass_height) {
        fill_rect(pixmap, grass, GRASS_DARK, 255, to_frame);
    }
    let stripe_m = 2.0 * HALF_LENGTH_M / STRIPES as f32;
    for stripe in -2..STRIPES + 2 {
        if stripe % 2 != 0 {
            continue;
        }
        let left = (-HALF_LENGTH_M + stripe as f32 * stripe_m).max(grass_left);
        let right = (-HALF_LENGTH_M + (stripe + 1) as f32 * stripe_m).min(grass_right);
        if let Some(rect) = Rect::from_xywh(left, grass_bottom, right - left, grass_height) {
            fill_rect(pixmap, rect, GRASS_LIGHT, 255, to_frame);
        }
    }

    let line_px = (0.2 * layout.px_per_m).max(1.0);
    let stroke = Stroke { width: line_px / layout.px_per_m, ..Stroke::default() };
    let line = paint((255, 255, 255), 230);

    let mut markings = PathBuilder::new();
    if let Some(touchlines) =
        Rect::from_xywh(-HALF_LENGTH_M, -HALF_WIDTH_M, 2.0 * HALF_LENGTH_M, 2.0 * HALF_WIDTH_M)
    {
        markings.push_rect(touchlines);
    }
    markings.move_to(0.0, -HALF_WIDTH_M);
    markings.line_to(0.0, HALF_WIDTH_M);
    markings.push_circle(0.0, 0.0, CENTRE_CIRCLE_M);
    for direction in [-1.0f32, 1.0] {
        let goal_line = direction * HALF_LENGTH_M;
        for (depth, half_width) in
            [(PENALTY_DEPTH_M, PENALTY_HALF_WIDTH_M), (GOAL_AREA_DEPTH_M, GOAL_AREA_HALF_WIDTH_M)]
        {
            markings.move_to(goal_line, -half_width);
            markings.line_to(goal_line - direction * depth, -half_width);
            markings.line_to(goal_line - direction * depth, half_width);
            markings.line_to(goal_line, half_width);
        }
        // The arc of the penalty area: the part of the 9.15 m circle round the spot outside
        // the box.
        let spot_x = goal_line - direction * PENALTY_SPOT_M;
        let reach = ((PENALTY_DEPTH_M - PENALTY_SPOT_M) / CENTRE_CIRCLE_M).acos();
        const ARC_STEPS: usize = 24;
        for step in 0..=ARC_STEPS {
            let angle = -reach + 2.0 * reach * step as f32 / ARC_STEPS as f32;
            let x = spot_x - direction * CENTRE_CIRCLE_M * angle.cos();
            let y = CENTRE_CIRCLE_M * angle.sin();
            if step == 0 {
                markings.move_to(x, y);
            } else {
                markings.line_to(x, y);
            }
        }
        // Corner arcs, 1 m.
        for side in [-1.0f32, 1.0] {
            const CORNER_STEPS: usize = 8;
            for step in 0..=CORNER_STEPS {
                let angle = std::f32::consts::FRAC_PI_2 * step as f32 / CORNER_STEPS as f32;
                let x = goal_line - direction * angle.cos();
                let y = side * (HALF_WIDTH_M - angle.sin());
                if step == 0 {
                    markings.move_to(x, y);
                } else {
                    markings.line_to(x, y);
                }
            }
        }
        // The goal: posts and net behind the line.
        let back = goal_line + direction * GOAL_DEPTH_M;
        if let Some(net) =
            Rect::from_ltrb(goal_line.min(back), -GOAL_HALF_WIDTH_M, goal_line.max(back), GOAL_HALF_WIDTH_M)
        {
            fill_rect(pixmap, net, (255, 255, 255), 70, to_frame);
            markings.push_rect(net);
        }
    }
    if let Some(path) = markings.finish() {
        pixmap.stroke_path(&path, &line, &stroke, to_frame, None);
    }

    let mut spots = PathBuilder::new();
    let spot_m = (0.3f32).max(1.2 / layout.px_per_m);
    spots.push_circle(0.0, 0.0, spot_m);
    spots.push_circle(HALF_LENGTH_M - PENALTY_SPOT_M, 0.0, spot_m);
    spots.push_circle(-HALF_LENGTH_M + PENALTY_SPOT_M, 0.0, spot_m);
    if let Some(path) = spots.finish() {
        pixmap.fill_path(&path, &line, FillRule::Winding, to_frame, None);
    }
}
