//! Where things are at a moment: people and ball between two tracking samples, or the ball
//! along the events of a match without tracking.

use crate::source::{
    BallPosition, EventKind, HALF_LENGTH_M, HALF_WIDTH_M, PitchPoint, SourceEvent, TrackedPerson,
    TrackingFrame,
};

use super::pitch::GOAL_HALF_WIDTH_M;

/// Samples further than this from the moment do not show it (the camera looked elsewhere).
pub(crate) const TRACKING_REACH_S: f64 = 0.5;
/// People without a shirt number are matched across samples by position, within this.
const UNNUMBERED_MATCH_M: f32 = 5.0;

/// The index of the last item at or before `t` (`None` when all are after it), starting from
/// `hint` (the answer for the previous frame) so sequential frames take a step or two.
pub(crate) fn last_at_or_before<T>(
    items: &[T],
    time_of: impl Fn(&T) -> f64,
    t: f64,
    hint: &mut usize,
) -> Option<usize> {
    const MAX_STEPS: usize = 8;
    let mut index = *hint;
    let found = if index < items.len() && time_of(&items[index]) <= t {
        let mut steps = 0;
        while index + 1 < items.len() && time_of(&items[index + 1]) <= t && steps < MAX_STEPS {
            index += 1;
            steps += 1;
        }
        if index + 1 < items.len() && time_of(&items[index + 1]) <= t {
            items.partition_point(|item| time_of(item) <= t).checked_sub(1)
        } else {
            Some(index)
        }
    } else {
        items.partition_point(|item| time_of(item) <= t).checked_sub(1)
    };
    if let Some(found) = found {
        *hint = found;
    }
    found
}

fn lerp(a: f32, b: f32, w: f32) -> f32 {
    a + (b - a) * w
}

fn lerp_point(a: PitchPoint, b: PitchPoint, w: f32) -> PitchPoint {
    PitchPoint { x: lerp(a.x, b.x, w), y: lerp(a.y, b.y, w) }
}

fn distance(a: PitchPoint, b: PitchPoint) -> f32 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// What the tracking shows at a moment.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TrackedMoment {
    /// No sample close enough, or the samples saw nobody and no ball.
    Unseen,
    /// The ball (when seen); the people are in the vector passed in.
    Seen { ball: Option<BallPosition> },
}

/// Interpolates the tracking at `t` into `people` (cleared first): linear between the samples
/// either side, people matched by side and shirt number; someone in only one of the two
/// samples shows while that sample is the nearer.
pub(crate) fn tracked_moment(
    frames: &[TrackingFrame],
    t: f64,
    hint: &mut usize,
    people: &mut Vec<TrackedPerson>,
) -> TrackedMoment {
    people.clear();
    let before = last_at_or_before(frames, |frame| frame.video_s, t, hint);
    let after_index = before.map_or(0, |index| index + 1);
    let before = before.map(|index| &frames[index]).filter(|frame| t - frame.video_s <= TRACKING_REACH_S);
    let after = frames.get(after_index).filter(|frame| frame.video_s - t <= TRACKING_REACH_S);
    let (a, b, w) = match (before, after) {
        (Some(a), Some(b)) => {
            let span = b.video_s - a.video_s;
            let w = if span > 0.0 { ((t - a.video_s) / span) as f32 } else { 0.0 };
            (a, b, w.clamp(0.0, 1.0))
        }
        (Some(a), None) => (a, a, 0.0),
        (None, Some(b)) => (b, b, 0.0),
        (None, None) => return TrackedMoment::Unseen,
    };
    let nearer_is_a = w < 0.5;

    // Which people of `b` found their counterpart in `a`.
    let mut matched_in_b = vec![false; b.people.len()];
    for person in &a.people {
        // The tracker's id first (checked against the side and number, in case a dataset's ids
        // mean nothing), then the shirt number, then for people without one the nearest.
        let same_track = b.people.iter().enumerate().position(|(index, other)| {
            !matched_in_b[index]
                && other.track == person.track
                && other.side == person.side
                && (other.number == person.number || other.number.is_none() || person.number.is_none())
        });
        let counterpart = same_track.or_else(|| match person.number {
            Some(number) => b.people.iter().enumerate().position(|(index, other)| {
                !matched_in_b[index] && other.side == person.side && other.number == Some(number)
            }),
            None => b
                .people
                .iter()
                .enumerate()
                .filter(|(index, other)| {
                    !matched_in_b[*index]
                        && other.side == person.side
                        && other.number.is_none()
                        && distance(other.at, person.at) <= UNNUMBERED_MATCH_M
                })
                .min_by(|(_, x), (_, y)| distance(x.at, person.at).total_cmp(&distance(y.at, person.at)))
                .map(|(index, _)| index),
        });
        match counterpart {
            Some(index) => {
                matched_in_b[index] = true;
                people.push(TrackedPerson { at: lerp_point(person.at, b.people[index].at, w), ..*person });
            }
            None if nearer_is_a => people.push(*person),
            None => {}
        }
    }
    if !nearer_is_a {
        people.extend(b.people.iter().zip(&matched_in_b).filter(|(_, matched)| !**matched).map(|(p, _)| *p));
    }

    let ball = match (a.ball, b.ball) {
        (Some(from), Some(to)) => Some(BallPosition {
            at: lerp_point(from.at, to.at, w),
            z: match (from.z, to.z) {
                (Some(z0), Some(z1)) => Some(lerp(z0, z1, w)),
                (z0, z1) => {
                    if nearer_is_a {
                        z0
                    } else {
                        z1
                    }
                }
            },
        }),
        (Some(from), None) if nearer_is_a => Some(from),
        (None, Some(to)) if !nearer_is_a => Some(to),
        _ => None,
    };
    if ball.is_none() && people.is_empty() { TrackedMoment::Unseen } else { TrackedMoment::Seen { ball } }
}

/// Wyscout puts some positions it does not know at (0, 0) or (100, 100) of the pitch, which
/// become its corners.
fn is_corner(point: PitchPoint) -> bool {
    const TOLERANCE_M: f32 = 0.01;
    (point.x.abs() - HALF_LENGTH_M).abs() < TOLERANCE_M && (point.y.abs() - HALF_WIDTH_M).abs() < TOLERANCE_M
}

fn contains_corner(text: &str) -> bool {
    text.as_bytes().windows(6).any(|window| window.eq_ignore_ascii_case(b"corner"))
}

fn is_corner_kick(event: &SourceEvent) -> bool {
    event.kind == Some(EventKind::Corner)
        || contains_corner(&event.name)
        || event.detail.as_deref().is_some_and(contains_corner)
}

fn is_shot(event: &SourceEvent) -> bool {
    matches!(event.kind, Some(EventKind::Goal | EventKind::OwnGoal | EventKind::Shot))
        || event.name.eq_ignore_ascii_case("shot")
}

fn is_goal(event: &SourceEvent) -> bool {
    matches!(event.kind, Some(EventKind::Goal | EventKind::OwnGoal))
}

/// Where the ball is when `event` happens, unless the data does not know.
pub(crate) fn event_start(event: &SourceEvent) -> Option<PitchPoint> {
    event.start.filter(|start| !is_corner(*start) || is_corner_kick(event))
}

/// Where `event` sends the ball: its end, or for a shot the goal mouth nearest to where it was
/// taken (inside the net for a goal).
pub(crate) fn event_end(event: &SourceEvent, start: PitchPoint) -> Option<PitchPoint> {
    let end = event.end.filter(|end| !is_corner(*end));
    if !is_shot(event) {
        return end;
    }
    let direction = if start.x >= 0.0 { 1.0 } else { -1.0 };
    let into_net_m = if is_goal(event) { 1.0 } else { 0.0 };
    let on_target = |y: f32| PitchPoint {
        x: direction * (HALF_LENGTH_M + into_net_m),
        y: y.clamp(-GOAL_HALF_WIDTH_M + 0.3, GOAL_HALF_WIDTH_M - 0.3),
    };
    match end {
        // A goal ends in the goal it went into, whatever the data says.
        Some(end) if !is_goal(event) => Some(end),
        Some(end) if (end.x.abs() - HALF_LENGTH_M).abs() < 1.5 => Some(on_target(end.y)),
        _ => Some(on_target(start.y * 0.1)),
    }
}

/// Ball speeds for the flight from an event's start to its end.
const SHOT_SPEED_M_S: f32 = 25.0;
const PASS_SPEED_M_S: f32 = 15.0;
const MIN_FLIGHT_S: f64 = 0.15;
/// Between an event's end and the next event's start a player carries the ball; over a long
/// gap (the ball out of play) the ball waits and then goes to the restart at this pace.
const CARRY_SPEED_M_S: f32 = 5.0;
const CARRY_EXTRA_S: f64 = 2.0;

/// The ball at a moment of a match without tracking, and the event that last moved it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EventBall<'a> {
    pub(crate) at: PitchPoint,
    pub(crate) event: &'a SourceEvent,
    /// Seconds since that event.
    pub(crate) since_s: f64,
}

/// The ball along the events at `t`: from an event's start toward its end, then on to the next
/// event's start. `current` is the index of the last event at or before `t`; events whose
/// start the data does not know are passed over.
pub(crate) fn event_ball(events: &[SourceEvent], current: Option<usize>, t: f64) -> Option<EventBall<'_>> {
    let (index, start) =
        (0..=current?).rev().find_map(|index| event_start(&events[index]).map(|start| (index, start)))?;
    let event = &events[index];
    let since_s = (t - event.video_s).max(0.0);
    let at = ball_after(events, index, start, since_s);
    Some(EventBall { at, event, since_s })
}

fn ball_after(events: &[SourceEvent], index: usize, start: PitchPoint, elapsed: f64) -> PitchPoint {
    let event = &events[index];
    let next = events[index + 1..]
        .iter()
        .find_map(|next| event_start(next).map(|next_start| (next, next_start)))
        .filter(|(next, _)| next.period == event.period);
    let gap = next.map_or(f64::INFINITY, |(next, _)| (next.video_s - event.video_s).max(0.0));
    let end = event_end(event, start);

    let flight_s = match end {
        Some(end) => {
            let speed = if is_shot(event) { SHOT_SPEED_M_S } else { PASS_SPEED_M_S };
            f64::from(distance(start, end) / speed).max(MIN_FLIGHT_S).min(gap)
        }
        None => 0.0,
    };
    if let Some(end) = end
        && elapsed < flight_s
    {
        return lerp_point(start, end, (elapsed / flight_s) as f32);
    }
    let landed = end.unwrap_or(start);
    let Some((_, next_start)) = next else { return landed };
    let remaining_s = gap - flight_s;
    let carry_s = remaining_s.min(f64::from(distance(landed, next_start) / CARRY_SPEED_M_S) + CARRY_EXTRA_S);
    let carry_from = gap - carry_s;
    if carry_s <= 0.0 || elapsed <= carry_from {
        return landed;
    }
    lerp_point(landed, next_start, (((elapsed - carry_from) / carry_s) as f32).clamp(0.0, 1.0))
}
