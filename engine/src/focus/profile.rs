//! Scoring profiles: which candidate is the best destination from a rectangle in a direction.
//! The formulas are written down in `docs/focus.md`.

use super::geometry::{Direction, FocusRect};

/// Picks the best destination among candidates. Implement it to plug in another rule set.
pub trait ScoringProfile: Send + Sync {
    /// The name used in case files and settings.
    fn name(&self) -> &'static str;

    /// The best of `candidates` (slot and rectangle, in tree order) as a destination from
    /// `source` in `dir`, or `None` when none qualifies; ties must go to the earlier one.
    /// A candidate for which `excluded` says true must be treated as absent (ask it only
    /// about candidates that would win so far: it is slower than the geometry).
    fn pick(
        &self,
        source: &FocusRect,
        dir: Direction,
        candidates: &[(usize, FocusRect)],
        excluded: &dyn Fn(usize) -> bool,
    ) -> Option<usize>;
}

/// The profile called `name`, if one ships with that name.
pub fn profile_named(name: &str) -> Option<&'static dyn ScoringProfile> {
    match name {
        "android" => Some(&Android),
        "web" => Some(&Web),
        _ => None,
    }
}

/// Android's `FocusFinder`, rule for rule, in integer arithmetic.
#[derive(Clone, Copy, Debug, Default)]
pub struct Android;

impl Android {
    /// `isCandidate`: the destination lies in the direction of travel.
    pub fn is_candidate(src: &FocusRect, dest: &FocusRect, dir: Direction) -> bool {
        match dir {
            Direction::Left => (src.right > dest.right || src.left >= dest.right) && src.left > dest.left,
            Direction::Right => (src.left < dest.left || src.right <= dest.left) && src.right < dest.right,
            Direction::Up => (src.bottom > dest.bottom || src.top >= dest.bottom) && src.top > dest.top,
            Direction::Down => (src.top < dest.top || src.bottom <= dest.top) && src.bottom < dest.bottom,
        }
    }

    /// `beamsOverlap`: the two overlap (strictly) across the direction of travel.
    fn beams_overlap(dir: Direction, a: &FocusRect, b: &FocusRect) -> bool {
        if dir.is_horizontal() {
            b.bottom > a.top && b.top < a.bottom
        } else {
            b.right > a.left && b.left < a.right
        }
    }

    /// `isToDirectionOf`: `dest` lies wholly beyond `src`'s edge.
    fn is_to_direction_of(dir: Direction, src: &FocusRect, dest: &FocusRect) -> bool {
        match dir {
            Direction::Left => src.left >= dest.right,
            Direction::Right => src.right <= dest.left,
            Direction::Up => src.top >= dest.bottom,
            Direction::Down => src.bottom <= dest.top,
        }
    }

    /// From `src`'s edge in the direction of travel to `dest`'s near edge (`far`: far edge).
    fn edge_gap(dir: Direction, src: &FocusRect, dest: &FocusRect, far: bool) -> i64 {
        let (s, d) = match (dir, far) {
            (Direction::Left, false) => (-src.left, -dest.right),
            (Direction::Left, true) => (-src.left, -dest.left),
            (Direction::Right, false) => (src.right, dest.left),
            (Direction::Right, true) => (src.right, dest.right),
            (Direction::Up, false) => (-src.top, -dest.bottom),
            (Direction::Up, true) => (-src.top, -dest.top),
            (Direction::Down, false) => (src.bottom, dest.top),
            (Direction::Down, true) => (src.bottom, dest.bottom),
        };
        i64::from(d) - i64::from(s)
    }

    /// `majorAxisDistance`: the gap to the near edge, at least 0.
    fn major_axis_distance(dir: Direction, src: &FocusRect, dest: &FocusRect) -> i64 {
        Self::edge_gap(dir, src, dest, false).max(0)
    }

    /// `majorAxisDistanceToFarEdge`: the distance to the far edge, at least 1.
    fn major_axis_distance_to_far_edge(dir: Direction, src: &FocusRect, dest: &FocusRect) -> i64 {
        Self::edge_gap(dir, src, dest, true).max(1)
    }

    /// Distance between centre lines; Java's `int` division of the size.
    fn minor_axis_distance(dir: Direction, src: &FocusRect, dest: &FocusRect) -> i64 {
        let centre = |lo: i32, size: i32| i64::from(lo) + i64::from(size / 2);
        if dir.is_horizontal() {
            (centre(src.top, src.height()) - centre(dest.top, dest.height())).abs()
        } else {
            (centre(src.left, src.width()) - centre(dest.left, dest.width())).abs()
        }
    }

    fn beam_beats(dir: Direction, src: &FocusRect, a: &FocusRect, b: &FocusRect) -> bool {
        let a_in_beam = Self::beams_overlap(dir, src, a);
        let b_in_beam = Self::beams_overlap(dir, src, b);
        if b_in_beam || !a_in_beam {
            return false;
        }
        if !Self::is_to_direction_of(dir, src, b) || dir.is_horizontal() {
            return true;
        }
        Self::major_axis_distance(dir, src, a) < Self::major_axis_distance_to_far_edge(dir, src, b)
    }

    fn weighted_distance(dir: Direction, src: &FocusRect, dest: &FocusRect) -> i64 {
        let major = Self::major_axis_distance(dir, src, dest);
        let minor = Self::minor_axis_distance(dir, src, dest);
        13 * major * major + minor * minor
    }

    /// `isBetterCandidate` for two candidates.
    pub fn is_better(dir: Direction, src: &FocusRect, a: &FocusRect, b: &FocusRect) -> bool {
        if Self::beam_beats(dir, src, a, b) {
            return true;
        }
        if Self::beam_beats(dir, src, b, a) {
            return false;
        }
        Self::weighted_distance(dir, src, a) < Self::weighted_distance(dir, src, b)
    }
}

/// A candidate's figures for [`Android::is_better`], computed once per candidate.
#[derive(Clone, Copy, Debug)]
struct AndroidFigures {
    in_beam: bool,
    to_direction: bool,
    major: i64,
    major_to_far_edge: i64,
    weighted: i64,
}

impl AndroidFigures {
    fn of(dir: Direction, src: &FocusRect, dest: &FocusRect) -> Self {
        Self {
            in_beam: Android::beams_overlap(dir, src, dest),
            to_direction: Android::is_to_direction_of(dir, src, dest),
            major: Android::major_axis_distance(dir, src, dest),
            major_to_far_edge: Android::major_axis_distance_to_far_edge(dir, src, dest),
            weighted: Android::weighted_distance(dir, src, dest),
        }
    }

    /// `beamBeats(a, b)` from the figures.
    fn beam_beats(dir: Direction, a: &Self, b: &Self) -> bool {
        a.in_beam && !b.in_beam && (!b.to_direction || dir.is_horizontal() || a.major < b.major_to_far_edge)
    }

    /// `isBetterCandidate(a, b)` for two candidates.
    fn is_better(dir: Direction, a: &Self, b: &Self) -> bool {
        if Self::beam_beats(dir, a, b) {
            return true;
        }
        if Self::beam_beats(dir, b, a) {
            return false;
        }
        a.weighted < b.weighted
    }
}

impl ScoringProfile for Android {
    fn name(&self) -> &'static str {
        "android"
    }

    fn pick(
        &self,
        source: &FocusRect,
        dir: Direction,
        candidates: &[(usize, FocusRect)],
        excluded: &dyn Fn(usize) -> bool,
    ) -> Option<usize> {
        let mut best: Option<(usize, AndroidFigures)> = None;
        for &(slot, rect) in candidates {
            if !Self::is_candidate(source, &rect, dir) {
                continue;
            }
            let figures = AndroidFigures::of(dir, source, &rect);
            // Strictly better replaces: ties keep the earlier node.
            if best.is_none_or(|(_, b)| AndroidFigures::is_better(dir, &figures, &b)) && !excluded(slot) {
                best = Some((slot, figures));
            }
        }
        best.map(|(slot, _)| slot)
    }
}

/// Chromium's spatial navigation distance (with the overlap term), insiders first.
#[derive(Clone, Copy, Debug, Default)]
pub struct Web;

impl Web {
    /// `a` is below `b`; overlapping rects count when `a`'s top is lower.
    fn below(a: &FocusRect, b: &FocusRect) -> bool {
        a.top >= b.bottom || (a.top > b.top && a.intersects_inclusively(b))
    }

    fn above(a: &FocusRect, b: &FocusRect) -> bool {
        a.bottom <= b.top || (a.bottom < b.bottom && a.intersects_inclusively(b))
    }

    fn right_of(a: &FocusRect, b: &FocusRect) -> bool {
        a.left >= b.right || (a.left > b.left && a.intersects_inclusively(b))
    }

    fn left_of(a: &FocusRect, b: &FocusRect) -> bool {
        a.right <= b.left || (a.right < b.right && a.intersects_inclusively(b))
    }

    /// `IsRectInDirection` for a candidate that is neither container nor insider.
    fn in_direction(dir: Direction, src: &FocusRect, c: &FocusRect) -> bool {
        match dir {
            Direction::Left => Self::left_of(c, src),
            Direction::Right => Self::right_of(c, src),
            Direction::Up => Self::above(c, src),
            Direction::Down => Self::below(c, src),
        }
    }

    /// A zero-thickness line one pixel outside the edge the search starts from.
    fn opposite_edge(dir: Direction, r: &FocusRect) -> FocusRect {
        match dir {
            Direction::Right => FocusRect { left: r.left - 1, right: r.left - 1, ..*r },
            Direction::Left => FocusRect { left: r.right + 1, right: r.right + 1, ..*r },
            Direction::Down => FocusRect { top: r.top - 1, bottom: r.top - 1, ..*r },
            Direction::Up => FocusRect { top: r.bottom + 1, bottom: r.bottom + 1, ..*r },
        }
    }

    /// `RectsIntersectOnOrthogonalAxis` (strict).
    fn overlap_across(dir: Direction, a: &FocusRect, b: &FocusRect) -> bool {
        if dir.is_horizontal() {
            a.bottom > b.top && a.top < b.bottom
        } else {
            a.right > b.left && a.left < b.right
        }
    }

    /// The distance of `ComputeDistanceDataForNode`.
    pub fn distance(dir: Direction, cur: &FocusRect, node: &FocusRect) -> f64 {
        let (cur_l, cur_t, cur_r, cur_b) =
            (f64::from(cur.left), f64::from(cur.top), f64::from(cur.right), f64::from(cur.bottom));
        let (n_l, n_t, n_r, n_b) =
            (f64::from(node.left), f64::from(node.top), f64::from(node.right), f64::from(node.bottom));
        let (mut exit_x, mut exit_y, mut entry_x, mut entry_y) = (0.0, 0.0, 0.0, 0.0);
        match dir {
            Direction::Left => (exit_x, entry_x) = (cur_l, n_r.min(cur_l)),
            Direction::Right => (exit_x, entry_x) = (cur_r, n_l.max(cur_r)),
            Direction::Up => (exit_y, entry_y) = (cur_t, n_b.min(cur_t)),
            Direction::Down => (exit_y, entry_y) = (cur_b, n_t.max(cur_b)),
        }
        if dir.is_horizontal() {
            if Self::below(cur, node) {
                (exit_y, entry_y) = (cur_t, n_b.min(cur_t));
            } else if Self::below(node, cur) {
                (exit_y, entry_y) = (cur_b, n_t.max(cur_b));
            } else {
                exit_y = cur_t.max(n_t);
                entry_y = exit_y;
            }
        } else if Self::right_of(cur, node) {
            (exit_x, entry_x) = (cur_l, n_r.min(cur_l));
        } else if Self::right_of(node, cur) {
            (exit_x, entry_x) = (cur_r, n_l.max(cur_r));
        } else {
            exit_x = cur_l.max(n_l);
            entry_x = exit_x;
        }
        let dx = (exit_x - entry_x).abs();
        let dy = (exit_y - entry_y).abs();
        let aligned = Self::overlap_across(dir, cur, node);
        let (along, across, bias, weight) = if dir.is_horizontal() {
            (dx, dy, if aligned { 0 } else { cur.height() / 2 }, 30.0)
        } else {
            (dy, dx, if aligned { 0 } else { cur.width() / 2 }, 2.0)
        };
        let overlap = cur.overlap_area(node) as f64;
        (dx * dx + dy * dy).sqrt() + along + (across + f64::from(bias)) * weight - overlap.sqrt()
    }

    /// The rank of a candidate: insiders (class 0) before the rest (class 1); `None` when it
    /// does not qualify.
    pub fn rank(dir: Direction, src: &FocusRect, c: &FocusRect) -> Option<(u8, f64)> {
        if c.contains(src) {
            return None;
        }
        if src.contains(c) {
            return Some((0, Self::distance(dir, &Self::opposite_edge(dir, src), c)));
        }
        Self::in_direction(dir, src, c).then(|| (1, Self::distance(dir, src, c)))
    }
}

impl ScoringProfile for Web {
    fn name(&self) -> &'static str {
        "web"
    }

    fn pick(
        &self,
        source: &FocusRect,
        dir: Direction,
        candidates: &[(usize, FocusRect)],
        excluded: &dyn Fn(usize) -> bool,
    ) -> Option<usize> {
        let mut best: Option<(usize, (u8, f64))> = None;
        for &(slot, rect) in candidates {
            let Some(rank) = Self::rank(dir, source, &rect) else { continue };
            let better = best.is_none_or(|(_, b)| rank.0 < b.0 || (rank.0 == b.0 && rank.1 < b.1));
            if better && !excluded(slot) {
                best = Some((slot, rank));
            }
        }
        best.map(|(slot, _)| slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: i32, y: i32, w: i32, h: i32) -> FocusRect {
        FocusRect::new(x, y, w, h)
    }

    #[test]
    fn android_candidates_lie_in_the_direction() {
        let src = r(100, 100, 100, 100);
        assert!(Android::is_candidate(&src, &r(300, 100, 100, 100), Direction::Right));
        assert!(!Android::is_candidate(&src, &r(0, 100, 50, 100), Direction::Right));
        // Same rectangle: not a candidate anywhere.
        for dir in Direction::ALL {
            assert!(!Android::is_candidate(&src, &src, dir));
        }
    }

    #[test]
    fn android_beam_wins_horizontally_even_when_far() {
        let src = r(0, 0, 100, 100);
        let in_beam_far = r(1000, 50, 100, 100);
        let diagonal_near = r(150, 200, 100, 100);
        assert!(Android::is_better(Direction::Right, &src, &in_beam_far, &diagonal_near));
    }

    #[test]
    fn web_insider_comes_first() {
        let card = r(0, 0, 600, 400);
        let inside = r(400, 300, 50, 50);
        let outside_near = r(610, 0, 100, 400);
        let (a, _) = Web::rank(Direction::Right, &card, &inside).expect("insider qualifies");
        let (b, _) = Web::rank(Direction::Right, &card, &outside_near).expect("qualifies");
        assert!(a < b);
        assert!(Web::rank(Direction::Left, &inside, &card).is_none(), "never back onto the container");
    }
}
