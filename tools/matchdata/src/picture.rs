//! One frame of a match, drawn from the data: the pitch from above, the players and the ball
//! (from the tracking, or along the events when there is none), and burned in, the score bug
//! with the clock and a banner after a goal. The match video is these frames; pictures
//! (thumbnails) are single ones at a smaller size.
//!
//! Sizes are designed for 1280×720 and scale with the frame; pitch positions map to pixels
//! with [`PitchLayout`].

mod motion;
mod pitch;
mod text;

use std::path::{Path, PathBuf};

use fontdue::{Font, FontSettings};
use tiny_skia::{FillRule, Paint, PathBuilder, Pixmap, PixmapMut, Transform};

use crate::DataError;
use crate::source::{HALF_LENGTH_M, HALF_WIDTH_M, MatchSource, PitchPoint, Side, SourceEvent, TrackedPerson};
use motion::{TrackedMoment, event_ball, last_at_or_before, tracked_moment};
use text::{TextCache, Weight};

/// The three weights of the app's font (Inter) used in frames.
pub struct Fonts {
    regular: Font,
    semibold: Font,
    bold: Font,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts").finish_non_exhaustive()
    }
}

/// The font files [`Fonts::load`] reads from its folder.
pub const FONT_FILES: [&str; 3] = ["Inter-Regular.otf", "Inter-SemiBold.otf", "Inter-Bold.otf"];

impl Fonts {
    /// The repository's `assets/fonts`, where the app's fonts are.
    pub fn default_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/fonts")
    }

    /// Reads [`FONT_FILES`] from `dir`.
    pub fn load(dir: &Path) -> Result<Self, DataError> {
        let [regular, semibold, bold] = FONT_FILES.map(|name| {
            let path = dir.join(name);
            let bytes = std::fs::read(&path).map_err(|source| DataError::io(&path, source))?;
            parse_font(&bytes, &path)
        });
        Ok(Self { regular: regular?, semibold: semibold?, bold: bold? })
    }

    /// From the three fonts' bytes (OpenType or TrueType).
    pub fn from_bytes(regular: &[u8], semibold: &[u8], bold: &[u8]) -> Result<Self, DataError> {
        Ok(Self {
            regular: parse_font(regular, Path::new(FONT_FILES[0]))?,
            semibold: parse_font(semibold, Path::new(FONT_FILES[1]))?,
            bold: parse_font(bold, Path::new(FONT_FILES[2]))?,
        })
    }
}

fn parse_font(bytes: &[u8], path: &Path) -> Result<Font, DataError> {
    Font::from_bytes(bytes, FontSettings::default())
        .map_err(|message| DataError::invalid(path, format!("not a usable font: {message}")))
}

/// Where the pitch sits in a frame: letterboxed at 105×68 m below a band for the score bug.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PitchLayout {
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// Pixels per metre of pitch.
    pub px_per_m: f32,
    /// Where the centre spot is, in pixels from the left.
    pub centre_x: f32,
    /// Where the centre spot is, in pixels from the top.
    pub centre_y: f32,
    /// Size of the overlays (text, discs) relative to a 1280×720 frame.
    pub ui_scale: f32,
}

/// The top of the frame kept for the score bug, as a fraction of its height.
const SCORE_BAND: f32 = 0.1;
/// Space kept free at the other edges, as a fraction of the frame's size.
const EDGE: f32 = 0.02;
/// The area fitted into the frame: the pitch, the goals and a little grass round it.
const FIT_LENGTH_M: f32 = 2.0 * HALF_LENGTH_M + 5.0;
const FIT_WIDTH_M: f32 = 2.0 * HALF_WIDTH_M + 4.0;

/// Overlays shrink less than the frame below 1280×720, so thumbnails stay readable.
fn ui_scale(frame_scale: f32) -> f32 {
    if frame_scale < 1.0 { frame_scale.max(0.0).powf(0.7) } else { frame_scale }
}

impl PitchLayout {
    /// The layout of a `width`×`height` frame.
    pub fn new(width: u32, height: u32) -> Self {
        let (w, h) = (width as f32, height as f32);
        let top = h * SCORE_BAND;
        let available_w = w * (1.0 - 2.0 * EDGE);
        let available_h = h - top - h * EDGE;
        let px_per_m = (available_w / FIT_LENGTH_M).min(available_h / FIT_WIDTH_M).max(0.01);
        Self {
            width,
            height,
            px_per_m,
            centre_x: w / 2.0,
            centre_y: top + available_h / 2.0,
            ui_scale: ui_scale((w / 1280.0).min(h / 720.0)),
        }
    }

    /// Where a point of the pitch is in the frame, in pixels (x right, y down).
    pub fn to_pixel(&self, point: PitchPoint) -> (f32, f32) {
        (self.centre_x + point.x * self.px_per_m, self.centre_y - point.y * self.px_per_m)
    }
}

/// An opaque colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rgb(u8, u8, u8);

const WHITE: Rgb = Rgb(246, 248, 250);
const INK: Rgb = Rgb(16, 20, 26);
const REFEREE: Rgb = Rgb(34, 34, 38);

impl Rgb {
    /// `#rrggbb`, or `fallback` when it is not one.
    fn parse(hex: &str, fallback: Rgb) -> Rgb {
        let digits = hex.trim().trim_start_matches('#');
        let channel = |at: usize| digits.get(at..at + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (digits.len(), channel(0), channel(2), channel(4)) {
            (6, Some(r), Some(g), Some(b)) => Rgb(r, g, b),
            _ => fallback,
        }
    }

    fn paint(self, alpha: f32) -> Paint<'static> {
        let mut paint = Paint::default();
        paint.set_color_rgba8(self.0, self.1, self.2, (alpha.clamp(0.0, 1.0) * 255.0).round() as u8);
        paint.anti_alias = true;
        paint
    }
}

/// How long the goal banner stays.
pub const GOAL_BANNER_S: f64 = 6.0;
/// How long a player's name stays by the ball after his event, at most.
const LABEL_S: f64 = 8.0;

/// Draws frames of matches; keeps the glyphs, the pitch for each frame size and where the last
/// frame was in the data, so painting a video's frames in order is cheap.
pub struct Painter {
    text: TextCache,
    pitches: Vec<Pixmap>,
    tracking_hint: usize,
    event_hint: usize,
    people: Vec<TrackedPerson>,
    line: String,
}

impl std::fmt::Debug for Painter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Painter").finish_non_exhaustive()
    }
}

impl Painter {
    /// A painter writing with `fonts`.
    pub fn new(fonts: Fonts) -> Self {
        Self {
            text: TextCache::new(fonts),
            pitches: Vec::new(),
            tracking_hint: 0,
            event_hint: 0,
            people: Vec::new(),
            line: String::new(),
        }
    }

    /// Draws `source` at `video_s` over the whole of `pixmap`.
    pub fn paint(&mut self, source: &MatchSource, video_s: f64, pixmap: &mut Pixmap) {
        self.paint_into(source, video_s, pixmap.as_mut());
    }

    /// A new `width`×`height` picture of `source` at `video_s` (`None` for a zero size).
    pub fn picture(&mut self, source: &MatchSource, video_s: f64, width: u32, height: u32) -> Option<Pixmap> {
        let mut pixmap = Pixmap::new(width, height)?;
        self.paint(source, video_s, &mut pixmap);
        Some(pixmap)
    }

    /// Draws `source` at `video_s` over the whole of `pixmap` (a frame's own memory, say).
    pub fn paint_into(&mut self, source: &MatchSource, video_s: f64, mut pixmap: PixmapMut<'_>) {
        let layout = PitchLayout::new(pixmap.width(), pixmap.height());
        self.copy_pitch(&layout, &mut pixmap);

        let current_event =
            last_at_or_before(&source.events, |event| event.video_s, video_s, &mut self.event_hint);
        match &source.tracking {
            Some(tracking) => self.paint_tracking(source, &tracking.frames, video_s, &layout, &mut pixmap),
            None => self.paint_events(source, current_event, video_s, &layout, &mut pixmap),
        }
        self.paint_score_bug(source, video_s, &layout, &mut pixmap);
        if let Some(goal) = recent_goal(&source.events, current_event, video_s) {
            self.paint_goal_banner(source, goal, video_s - goal.video_s, &layout, &mut pixmap);
        }
    }

    fn copy_pitch(&mut self, layout: &PitchLayout, pixmap: &mut PixmapMut<'_>) {
        let size = (layout.width, layout.height);
        let index = match self.pitches.iter().position(|pitch| (pitch.width(), pitch.height()) == size) {
            Some(index) => index,
            None => {
                let Some(mut pitch) = Pixmap::new(layout.width, layout.height) else { return };
                pitch::draw_pitch(&mut pitch, layout);
                // A video and its thumbnails use a couple of sizes; keep only the recent ones.
                if self.pitches.len() >= 4 {
                    self.pitches.remove(0);
                }
                self.pitches.push(pitch);
                self.pitches.len() - 1
            }
        };
        pixmap.data_mut().copy_from_slice(self.pitches[index].data());
    }

    fn paint_tracking(
        &mut self,
        source: &MatchSource,
        frames: &[crate::source::TrackingFrame],
        video_s: f64,
        layout: &PitchLayout,
        pixmap: &mut PixmapMut<'_>,
    ) {
        let mut people = std::mem::take(&mut self.people);
        let moment = tracked_moment(frames, video_s, &mut self.tracking_hint, &mut people);
        match moment {
            TrackedMoment::Unseen => {
                self.paint_caption("No tracking data for this moment", layout, pixmap);
            }
            TrackedMoment::Seen { ball } => {
                let home =
                    (Rgb::parse(&source.home.color, WHITE), Rgb::parse(&source.home.number_color, INK));
                let away =
                    (Rgb::parse(&source.away.color, INK), Rgb::parse(&source.away.number_color, WHITE));
                let radius = (1.1 * layout.px_per_m).max(3.0);
                // Referees under the players, the players under the ball.
                for person in people.iter().filter(|person| person.side.is_none()) {
                    self.paint_person(person.at, REFEREE, None, WHITE, radius, layout, pixmap);
                }
                for person in &people {
                    let (fill, number_color) = match person.side {
                        Some(Side::Home) => home,
                        Some(Side::Away) => away,
                        None => continue,
                    };
                    self.paint_person(person.at, fill, person.number, number_color, radius, layout, pixmap);
                }
                if let Some(ball) = ball {
                    paint_ball(ball.at, ball.z.unwrap_or(0.0), layout, pixmap);
                }
            }
        }
        self.people = people;
    }

    fn paint_person(
        &mut self,
        at: PitchPoint,
        fill: Rgb,
        number: Option<u8>,
        number_color: Rgb,
        radius: f32,
        layout: &PitchLayout,
        pixmap: &mut PixmapMut<'_>,
    ) {
        let (x, y) = layout.to_pixel(at);
        let rim = (1.5 * layout.ui_scale).max(1.0);
        let rim_color = if fill == REFEREE { Rgb(230, 230, 230) } else { Rgb(10, 14, 18) };
        fill_circle(pixmap, x, y, radius + rim, rim_color, 0.7);
        fill_circle(pixmap, x, y, radius, fill, 1.0);
        // Numbers only where they can be read.
        if let Some(number) = number
            && radius >= 6.0
        {
            self.line.clear();
            push_number(&mut self.line, u32::from(number), 1);
            let size = radius * 1.15;
            let width = self.text.measure(&self.line, Weight::Bold, size);
            let cap = self.text.cap_height(Weight::Bold, size);
            let line = std::mem::take(&mut self.line);
            self.text.draw(
                pixmap,
                &line,
                Weight::Bold,
                size,
                (x - width / 2.0, y + cap / 2.0),
                number_color,
                1.0,
            );
            self.line = line;
        }
    }

    fn paint_events(
        &mut self,
        source: &MatchSource,
        current_event: Option<usize>,
        video_s: f64,
        layout: &PitchLayout,
        pixmap: &mut PixmapMut<'_>,
    ) {
        let Some(ball) = event_ball(&source.events, current_event, video_s) else {
            paint_ball(PitchPoint { x: 0.0, y: 0.0 }, 0.0, layout, pixmap);
            return;
        };
        paint_ball(ball.at, 0.0, layout, pixmap);
        if ball.event.player.is_empty() || ball.since_s > LABEL_S {
            return;
        }
        let team = source.team(ball.event.side);
        let fill = Rgb::parse(&team.color, INK);
        let ink = Rgb::parse(&team.number_color, WHITE);
        let k = layout.ui_scale;
        let size = (16.0 * k).max(7.0);
        let width = self.text.measure(&ball.event.player, Weight::SemiBold, size);
        let cap = self.text.cap_height(Weight::SemiBold, size);
        let (pad, height) = (7.0 * k, cap + 12.0 * k);
        let (bx, by) = layout.to_pixel(ball.at);
        let gap = ball_radius(0.0, layout) + 4.0 * k;
        let mut left = bx + gap;
        if left + width + 2.0 * pad > layout.width as f32 - 4.0 {
            left = bx - gap - width - 2.0 * pad;
        }
        let top = (by - gap - height).max(2.0);
        fill_rounded_rect(
            pixmap,
            (left, top, width + 2.0 * pad, height),
            height / 2.0,
            Rgb(0, 0, 0),
            0.35,
            1.5 * k,
        );
        fill_rounded_rect(pixmap, (left, top, width + 2.0 * pad, height), height / 2.0, fill, 0.95, 0.0);
        let baseline = top + height / 2.0 + cap / 2.0;
        self.text.draw(pixmap, &ball.event.player, Weight::SemiBold, size, (left + pad, baseline), ink, 1.0);
    }

    fn paint_caption(&mut self, caption: &str, layout: &PitchLayout, pixmap: &mut PixmapMut<'_>) {
        let k = layout.ui_scale;
        let size = (22.0 * k).max(7.0);
        let width = self.text.measure(caption, Weight::Regular, size);
        let cap = self.text.cap_height(Weight::Regular, size);
        let (pad, height) = (18.0 * k, cap + 26.0 * k);
        let left = layout.centre_x - width / 2.0 - pad;
        let top = layout.centre_y - height / 2.0;
        fill_rounded_rect(pixmap, (left, top, width + 2.0 * pad, height), height / 2.0, INK, 0.72, 0.0);
        let baseline = layout.centre_y + cap / 2.0;
        self.text.draw(pixmap, caption, Weight::Regular, size, (left + pad, baseline), WHITE, 1.0);
    }

    fn paint_score_bug(
        &mut self,
        source: &MatchSource,
        video_s: f64,
        layout: &PitchLayout,
        pixmap: &mut PixmapMut<'_>,
    ) {
        let k = layout.ui_scale;
        let size = (24.0 * k).max(7.0);
        let (left, top, height) = (24.0 * k, 16.0 * k, 44.0 * k);
        let pad = 14.0 * k;
        let chip = (6.0 * k, 24.0 * k);
        let cap = self.text.cap_height(Weight::SemiBold, size);
        let baseline = top + height / 2.0 + cap / 2.0;
        let score = source.score_at(video_s);
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        push_number(&mut line, u32::from(score.home), 1);
        line.push('–');
        push_number(&mut line, u32::from(score.away), 1);

        let home_width = self.text.measure(&source.home.code, Weight::SemiBold, size);
        let score_width = self.text.measure(&line, Weight::Bold, size);
        let away_width = self.text.measure(&source.away.code, Weight::SemiBold, size);
        let gap = 12.0 * k;
        let teams_width = pad
            + chip.0
            + 8.0 * k
            + home_width
            + gap
            + score_width
            + gap
            + away_width
            + 8.0 * k
            + chip.0
            + pad;
        fill_rounded_rect(pixmap, (left, top, teams_width, height), 8.0 * k, INK, 0.88, 0.0);

        let chip_top = top + (height - chip.1) / 2.0;
        let mut x = left + pad;
        fill_rect(pixmap, (x, chip_top, chip.0, chip.1), Rgb::parse(&source.home.color, WHITE));
        x += chip.0 + 8.0 * k;
        self.text.draw(pixmap, &source.home.code, Weight::SemiBold, size, (x, baseline), WHITE, 1.0);
        x += home_width + gap;
        self.text.draw(pixmap, &line, Weight::Bold, size, (x, baseline), WHITE, 1.0);
        x += score_width + gap;
        self.text.draw(pixmap, &source.away.code, Weight::SemiBold, size, (x, baseline), WHITE, 1.0);
        x += away_width + 8.0 * k;
        fill_rect(pixmap, (x, chip_top, chip.0, chip.1), Rgb::parse(&source.away.color, WHITE));

        line.clear();
        let clock = source.clock_s_at(video_s).max(0.0) as u32;
        push_number(&mut line, clock / 60, 2);
        line.push(':');
        push_number(&mut line, clock % 60, 2);
        // Digits of one width would keep the clock still; Inter's vary a little, so the box is
        // sized for the widest digits.
        let clock_width = self.text.measure("00:00", Weight::SemiBold, size).max(self.text.measure(
            &line,
            Weight::SemiBold,
            size,
        ));
        let clock_left = left + teams_width + 4.0 * k;
        fill_rounded_rect(
            pixmap,
            (clock_left, top, clock_width + 2.0 * pad, height),
            8.0 * k,
            Rgb(44, 52, 64),
            0.9,
            0.0,
        );
        let clock_text_width = self.text.measure(&line, Weight::SemiBold, size);
        let clock_x = clock_left + pad + (clock_width - clock_text_width) / 2.0;
        self.text.draw(pixmap, &line, Weight::SemiBold, size, (clock_x, baseline), WHITE, 1.0);
        self.line = line;
    }

    fn paint_goal_banner(
        &mut self,
        source: &MatchSource,
        goal: &SourceEvent,
        since_s: f64,
        layout: &PitchLayout,
        pixmap: &mut PixmapMut<'_>,
    ) {
        let own_goal = goal.kind == Some(crate::source::EventKind::OwnGoal);
        let scoring_side = match (own_goal, goal.side) {
            (false, side) => side,
            (true, Side::Home) => Side::Away,
            (true, Side::Away) => Side::Home,
        };
        let team = source.team(scoring_side);
        let fill = Rgb::parse(&team.color, INK);
        let ink = Rgb::parse(&team.number_color, WHITE);
        let who = if goal.player.is_empty() { &source.team(goal.side).name } else { &goal.player };
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        line.push_str(if own_goal { "OWN GOAL — " } else { "GOAL — " });
        line.push_str(who);

        // Fades in quickly and out over the last half second.
        let alpha = ((since_s / 0.25).min((GOAL_BANNER_S - since_s) / 0.5)).clamp(0.0, 1.0) as f32;
        let k = layout.ui_scale;
        let size = (34.0 * k).max(8.0);
        let width = self.text.measure(&line, Weight::Bold, size);
        let cap = self.text.cap_height(Weight::Bold, size);
        let (pad, height) = (30.0 * k, cap + 36.0 * k);
        let centre_y = layout.height as f32 * 0.82;
        let left = layout.centre_x - width / 2.0 - pad;
        let top = centre_y - height / 2.0;
        let rect = (left, top, width + 2.0 * pad, height);
        fill_rounded_rect(pixmap, rect, 10.0 * k, Rgb(0, 0, 0), 0.35 * alpha, 3.0 * k);
        fill_rounded_rect(pixmap, rect, 10.0 * k, fill, alpha, 0.0);
        fill_rect_alpha(pixmap, (left, top + height - 5.0 * k, width + 2.0 * pad, 5.0 * k), ink, 0.6 * alpha);
        self.text.draw(pixmap, &line, Weight::Bold, size, (left + pad, centre_y + cap / 2.0), ink, alpha);
        self.line = line;
    }
}

/// The goal whose banner shows at `video_s`: the latest in the last [`GOAL_BANNER_S`].
fn recent_goal(events: &[SourceEvent], current: Option<usize>, video_s: f64) -> Option<&SourceEvent> {
    let current = current?;
    events[..=current]
        .iter()
        .rev()
        .take_while(|event| video_s - event.video_s < GOAL_BANNER_S)
        .find(|event| event.kind.is_some_and(|kind| kind.is_goal()))
}

/// Appends `value` with at least `digits` digits, without allocating.
fn push_number(line: &mut String, value: u32, digits: u32) {
    let mut divisor = 1;
    let mut width = 1;
    while value / divisor >= 10 || width < digits {
        divisor *= 10;
        width += 1;
    }
    while divisor > 0 {
        line.push(char::from(b'0' + (value / divisor % 10) as u8));
        divisor /= 10;
    }
}

fn ball_radius(z_m: f32, layout: &PitchLayout) -> f32 {
    // Higher balls look bigger, as they would from a camera above.
    let lift = 1.0 + (z_m / 6.0).clamp(0.0, 0.7);
    (0.5 * layout.px_per_m).max(2.5) * lift
}

fn paint_ball(at: PitchPoint, z_m: f32, layout: &PitchLayout, pixmap: &mut PixmapMut<'_>) {
    let (x, y) = layout.to_pixel(at);
    let radius = ball_radius(z_m, layout);
    fill_circle(pixmap, x, y, radius + (1.2 * layout.ui_scale).max(0.8), Rgb(12, 12, 12), 0.9);
    fill_circle(pixmap, x, y, radius, Rgb(255, 255, 255), 1.0);
}

fn fill_circle(pixmap: &mut PixmapMut<'_>, x: f32, y: f32, radius: f32, color: Rgb, alpha: f32) {
    if let Some(path) = PathBuilder::from_circle(x, y, radius) {
        pixmap.fill_path(&path, &color.paint(alpha), FillRule::Winding, Transform::identity(), None);
    }
}

fn fill_rect(pixmap: &mut PixmapMut<'_>, rect: (f32, f32, f32, f32), color: Rgb) {
    fill_rect_alpha(pixmap, rect, color, 1.0);
}

fn fill_rect_alpha(pixmap: &mut PixmapMut<'_>, (x, y, w, h): (f32, f32, f32, f32), color: Rgb, alpha: f32) {
    // As a path: tiny-skia's anti-aliased `fill_rect` trips a debug assertion on rects
    // narrower than a couple of pixels.
    if let Some(rect) = tiny_skia::Rect::from_xywh(x, y, w, h) {
        let path = PathBuilder::from_rect(rect);
        pixmap.fill_path(&path, &color.paint(alpha), FillRule::Winding, Transform::identity(), None);
    }
}

/// A rounded rectangle, moved down by `drop` (for a shadow).
fn fill_rounded_rect(
    pixmap: &mut PixmapMut<'_>,
    (x, y, w, h): (f32, f32, f32, f32),
    radius: f32,
    color: Rgb,
    alpha: f32,
    drop: f32,
) {
    let y = y + drop;
    let r = radius.min(w / 2.0).min(h / 2.0).max(0.0);
    let mut path = PathBuilder::new();
    path.move_to(x + r, y);
    path.line_to(x + w - r, y);
    path.quad_to(x + w, y, x + w, y + r);
    path.line_to(x + w, y + h - r);
    path.quad_to(x + w, y + h, x + w - r, y + h);
    path.line_to(x + r, y + h);
    path.quad_to(x, y + h, x, y + h - r);
    path.line_to(x, y + r);
    path.quad_to(x, y, x + r, y);
    path.close();
    if let Some(path) = path.finish() {
        pixmap.fill_path(&path, &color.paint(alpha), FillRule::Winding, Transform::identity(), None);
    }
}

/// Writes `pixmap` (an opaque frame) as an RGBA PNG at `path`.
pub fn write_png(pixmap: &Pixmap, path: &Path) -> Result<(), DataError> {
    let file = std::fs::File::create(path).map_err(|source| DataError::io(path, source))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer =
        encoder.write_header().map_err(|error| DataError::io(path, std::io::Error::other(error)))?;
    writer
        .write_image_data(pixmap.data())
        .map_err(|error| DataError::io(path, std::io::Error::other(error)))?;
    writer.finish().map_err(|error| DataError::io(path, std::io::Error::other(error)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{BallPosition, EventKind, Score, TeamSource, TrackingFrame};

    fn point(x: f32, y: f32) -> PitchPoint {
        PitchPoint { x, y }
    }

    fn person(track: i64, side: Option<Side>, number: Option<u8>, x: f32) -> TrackedPerson {
        TrackedPerson { track, side, number, at: point(x, 0.0) }
    }

    fn sample(video_s: f64, ball_x: f32, people: Vec<TrackedPerson>) -> TrackingFrame {
        TrackingFrame { video_s, ball: Some(BallPosition { at: point(ball_x, 0.0), z: Some(0.0) }), people }
    }

    #[test]
    fn the_pitch_keeps_its_shape_and_sits_below_the_score_band() {
        for (width, height) in [(1280, 720), (480, 270), (320, 180), (1000, 1000)] {
            let layout = PitchLayout::new(width, height);
            let (left, top) = layout.to_pixel(point(-HALF_LENGTH_M, HALF_WIDTH_M));
            let (right, bottom) = layout.to_pixel(point(HALF_LENGTH_M, -HALF_WIDTH_M));
            let aspect = (right - left) / (bottom - top);
            assert!((aspect - 105.0 / 68.0).abs() < 1e-3, "{width}×{height}: {aspect}");
            assert!(left > 0.0 && right < width as f32 && bottom < height as f32);
            assert!(top > height as f32 * SCORE_BAND, "{width}×{height}: the pitch starts at {top}");
            assert_eq!(layout.to_pixel(point(0.0, 0.0)), (layout.centre_x, layout.centre_y));
        }
        let layout = PitchLayout::new(1280, 720);
        let (x, y) = layout.to_pixel(point(10.0, 5.0));
        assert!((x - (640.0 + 10.0 * layout.px_per_m)).abs() < 1e-3);
        assert!(y < layout.centre_y, "y goes up the screen");
    }

    #[test]
    fn people_and_ball_move_linearly_between_samples() {
        let frames = vec![
            sample(10.0, 0.0, vec![person(1, Some(Side::Home), Some(9), 0.0), person(7, None, None, 5.0)]),
            sample(
                10.1,
                1.0,
                // Same people in another order, and someone who just came into view.
                vec![
                    person(7, None, None, 6.0),
                    person(1, Some(Side::Home), Some(9), 2.0),
                    person(3, Some(Side::Away), Some(4), -8.0),
                ],
            ),
        ];
        let mut hint = 0;
        let mut people = Vec::new();
        let moment = tracked_moment(&frames, 10.025, &mut hint, &mut people);
        let TrackedMoment::Seen { ball: Some(ball) } = moment else { panic!("{moment:?}") };
        assert!((ball.at.x - 0.25).abs() < 1e-4);
        let at = |people: &[TrackedPerson], number: Option<u8>| {
            people.iter().find(|p| p.number == number).map_or(f32::NAN, |p| p.at.x)
        };
        assert_eq!(people.len(), 2, "the newcomer shows once his sample is the nearer");
        assert!((at(&people, Some(9)) - 0.5).abs() < 1e-4);
        assert!((at(&people, None) - 5.25).abs() < 1e-4);

        tracked_moment(&frames, 10.075, &mut hint, &mut people);
        assert_eq!(people.len(), 3);
        assert!((at(&people, Some(9)) - 1.5).abs() < 1e-4);
    }

    #[test]
    fn moments_far_from_any_sample_are_unseen() {
        let frames = vec![sample(10.0, 0.0, Vec::new()), sample(20.0, 5.0, Vec::new())];
        let mut people = Vec::new();
        let mut hint = 0;
        assert_eq!(tracked_moment(&frames, 9.0, &mut hint, &mut people), TrackedMoment::Unseen);
        assert!(matches!(tracked_moment(&frames, 10.4, &mut hint, &mut people), TrackedMoment::Seen { .. }));
        assert_eq!(tracked_moment(&frames, 15.0, &mut hint, &mut people), TrackedMoment::Unseen);
        assert!(matches!(tracked_moment(&frames, 19.6, &mut hint, &mut people), TrackedMoment::Seen { .. }));
        // Back in time after a jump: the hint is only a hint.
        assert!(matches!(tracked_moment(&frames, 10.0, &mut hint, &mut people), TrackedMoment::Seen { .. }));
    }

    #[test]
    fn the_cursor_agrees_with_a_binary_search() {
        let times: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.1).collect();
        let mut hint = 0;
        for t in [-1.0, 0.0, 0.05, 0.1, 3.33, 3.34, 50.0, 99.9, 150.0, 2.0, 2.04] {
            let expected = times.partition_point(|&time| time <= t).checked_sub(1);
            assert_eq!(last_at_or_before(&times, |&time| time, t, &mut hint), expected, "at {t}");
        }
    }

    fn event(
        video_s: f64,
        kind: Option<EventKind>,
        start: PitchPoint,
        end: Option<PitchPoint>,
    ) -> SourceEvent {
        SourceEvent {
            video_s,
            period: 1,
            period_s: video_s,
            kind,
            name: if kind == Some(EventKind::Shot) { "Shot".into() } else { "Pass".into() },
            side: Side::Home,
            player: "P. Layer".into(),
            detail: None,
            start: Some(start),
            end,
            score: Score::default(),
        }
    }

    #[test]
    fn placeholder_corners_are_no_positions_and_shots_go_to_the_goal() {
        let corner = point(HALF_LENGTH_M, HALF_WIDTH_M);
        let pass = event(0.0, None, point(10.0, 5.0), Some(corner));
        assert_eq!(motion::event_end(&pass, point(10.0, 5.0)), None);
        let shot =
            event(0.0, Some(EventKind::Shot), point(-40.0, 5.0), Some(point(-HALF_LENGTH_M, -HALF_WIDTH_M)));
        let target = motion::event_end(&shot, point(-40.0, 5.0)).unwrap_or(corner);
        assert!((target.x + HALF_LENGTH_M).abs() < 0.01 && target.y.abs() < 3.66, "{target:?}");
        let goal = event(0.0, Some(EventKind::Goal), point(45.0, -2.0), None);
        let target = motion::event_end(&goal, point(45.0, -2.0)).unwrap_or(corner);
        assert!(target.x > HALF_LENGTH_M && target.y.abs() < 3.66, "{target:?}");
        // A corner kick does start at the corner.
        let mut kick = event(0.0, Some(EventKind::Corner), corner, Some(point(45.0, 0.0)));
        assert_eq!(motion::event_start(&kick), Some(corner));
        kick.kind = None;
        assert_eq!(motion::event_start(&kick), None);
    }

    #[test]
    fn the_ball_follows_the_events() {
        let events = vec![
            event(0.0, None, point(0.0, 0.0), Some(point(15.0, 0.0))),
            event(2.0, None, point(15.0, 0.0), Some(point(15.0, 30.0))),
        ];
        let at = |t: f64| {
            let mut hint = 0;
            let current = last_at_or_before(&events, |event| event.video_s, t, &mut hint);
            motion::event_ball(&events, current, t).map(|ball| ball.at)
        };
        assert_eq!(at(-1.0), None);
        assert_eq!(at(0.0), Some(point(0.0, 0.0)));
        // 15 m at 15 m/s: half-way after half a second, there after one.
        assert_eq!(at(0.5), Some(point(7.5, 0.0)));
        assert_eq!(at(1.5), Some(point(15.0, 0.0)));
        // 30 m takes two seconds.
        assert_eq!(at(3.0), Some(point(15.0, 15.0)));
        assert_eq!(at(100.0), Some(point(15.0, 30.0)));
    }

    #[test]
    fn numbers_are_padded() {
        let mut line = String::new();
        push_number(&mut line, 5, 2);
        line.push(':');
        push_number(&mut line, 125, 2);
        line.push(' ');
        push_number(&mut line, 0, 1);
        assert_eq!(line, "05:125 0");
    }

    fn event_match() -> MatchSource {
        let team = |code: &str, color: &str| TeamSource {
            name: code.into(),
            short_name: code.into(),
            code: code.into(),
            color: color.into(),
            number_color: "#ffffff".into(),
            squad: Vec::new(),
        };
        MatchSource {
            id: "test".into(),
            competition: String::new(),
            date: String::new(),
            venue: String::new(),
            home: team("HOM", "#1f3f9f"),
            away: team("AWY", "#c01020"),
            periods: vec![crate::source::Period {
                number: 1,
                start_s: 0.0,
                duration_s: 60.0,
                clock_start_s: 0.0,
            }],
            events: vec![
                event(0.0, None, point(0.0, 0.0), Some(point(-20.0, 10.0))),
                event(30.0, Some(EventKind::Goal), point(40.0, 0.0), None),
            ],
            tracking: None,
            credits: Vec::new(),
            licence_files: Vec::new(),
        }
    }

    #[test]
    fn an_event_frame_shows_the_ball_where_the_events_put_it() {
        let Ok(fonts) = Fonts::load(&Fonts::default_dir()) else { panic!("the app's fonts") };
        let mut painter = Painter::new(fonts);
        let source = event_match();
        let layout = PitchLayout::new(640, 360);
        for (video_s, ball) in [(0.0, point(0.0, 0.0)), (2.0, point(-20.0, 10.0))] {
            let Some(pixmap) = painter.picture(&source, video_s, 640, 360) else { panic!("a picture") };
            let (x, y) = layout.to_pixel(ball);
            let Some(pixel) = pixmap.pixel(x as u32, y as u32) else { panic!("inside") };
            assert!(pixel.red() > 240 && pixel.green() > 240 && pixel.blue() > 240, "{video_s}: {pixel:?}");
        }
        // A goal frame draws the banner, whatever the pitch behind.
        let Some(goal) = painter.picture(&source, 31.0, 640, 360) else { panic!("a picture") };
        let Some(banner) = goal.pixel(320 - 90, (360.0 * 0.82) as u32 - 8) else { panic!("inside") };
        assert_eq!((banner.red(), banner.green(), banner.blue()), (0x1f, 0x3f, 0x9f));
    }
}
