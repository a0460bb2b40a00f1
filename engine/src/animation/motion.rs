//! [`Motion`]: one animated value, a pure function of time between retargets.

use super::curve::Easing;
use super::spring::Spring;
use super::value::{Animatable, VectorSpace, lerp_vector};

/// The longest a spring may take to settle, in microseconds (30 s). A spring still moving
/// then (one without damping) snaps to its target.
pub const MAX_SETTLE_US: u64 = 30_000_000;

/// How a value moves to a new target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Transition {
    /// A curve over a fixed time, from the value at the retarget to the target.
    Tween {
        /// How long it takes, in microseconds. 0 jumps (after the delay).
        duration_us: u64,
        /// How long the value holds before it starts moving, in microseconds.
        delay_us: u64,
        /// The curve.
        easing: Easing,
    },
    /// A spring from the value and velocity at the retarget; takes as long as it takes.
    Spring(Spring),
}

impl Default for Transition {
    /// [`Transition::INSTANT`].
    fn default() -> Self {
        Transition::INSTANT
    }
}

impl Transition {
    /// No animation: the value jumps to its target.
    pub const INSTANT: Transition = Transition::tween(0, Easing::Linear);

    /// A tween without delay.
    pub const fn tween(duration_us: u64, easing: Easing) -> Self {
        Transition::Tween { duration_us, delay_us: 0, easing }
    }

    /// A tween without delay, its duration in milliseconds.
    pub const fn tween_ms(duration_ms: u32, easing: Easing) -> Self {
        Transition::tween(duration_ms as u64 * 1000, easing)
    }

    /// The same tween starting `delay_us` later. Springs start at once and ignore delays.
    pub const fn with_delay(self, delay_us: u64) -> Self {
        match self {
            Transition::Tween { duration_us, easing, .. } => {
                Transition::Tween { duration_us, delay_us, easing }
            }
            spring => spring,
        }
    }
}

/// What a [`Motion`] is doing, all in the vector form of its value.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase<V> {
    /// At its target.
    Rest,
    /// `from` holds until `begin_us`, then eases to `to` over `duration_us`.
    Tween { from: V, to: V, begin_us: u64, duration_us: u64, easing: Easing },
    /// Released at `start_us` with `displacement` from `to` and `velocity`; at rest from
    /// `end_us`.
    Spring { spring: Spring, to: V, start_us: u64, displacement: V, velocity: V, end_us: u64 },
}

/// A value in flight: where it was sent, how, and when. Everything else is computed from the
/// time asked about.
///
/// [`sample`](Motion::sample) and [`velocity`](Motion::velocity) are pure functions of the
/// time: no state advances per frame, so how often (or whether) a motion is sampled changes
/// nothing, and hosts at 30 and 60 fps show identical values at identical times.
/// [`set_target`](Motion::set_target) starts from the value and velocity at its time, so a
/// retarget never jumps.
///
/// Times are microseconds on the host's frame clock and should not go backwards; a time
/// before the current animation's start reads as its start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Motion<T: Animatable> {
    target: T,
    phase: Phase<T::Vector>,
    rest_epsilon: f32,
}

impl<T: Animatable + Default> Default for Motion<T> {
    fn default() -> Self {
        Motion::new(T::default())
    }
}

impl<T: Animatable> Motion<T> {
    /// A motion at rest at `value`.
    pub fn new(value: T) -> Self {
        Motion { target: value, phase: Phase::Rest, rest_epsilon: T::REST_EPSILON }
    }

    /// The same motion with another rest threshold for springs (default
    /// [`Animatable::REST_EPSILON`]): a spring ends, snapping to its target, once its distance
    /// to it and its speed divided by its natural frequency are together (as the root of their
    /// squares' sum) below this. Applies to springs started after the change.
    pub fn with_rest_epsilon(mut self, epsilon: f32) -> Self {
        self.rest_epsilon = epsilon.max(0.0);
        self
    }

    /// Where the value is going (or is, at rest).
    pub fn target(&self) -> T {
        self.target
    }

    /// When the current animation ends (the value reaches its target and stays), in
    /// microseconds; `None` if the motion never moved since it was created or last jumped. The
    /// time may be in the past.
    pub fn end_us(&self) -> Option<u64> {
        match self.phase {
            Phase::Rest => None,
            Phase::Tween { begin_us, duration_us, .. } => Some(begin_us.saturating_add(duration_us)),
            Phase::Spring { end_us, .. } => Some(end_us),
        }
    }

    /// Whether the value is still changing (or waiting out a delay) at `now_us`.
    pub fn is_running(&self, now_us: u64) -> bool {
        self.end_us().is_some_and(|end_us| now_us < end_us)
    }

    /// The value at `now_us`.
    pub fn sample(&self, now_us: u64) -> T {
        if self.is_running(now_us) { T::from_vector(self.vector_at(now_us)) } else { self.target }
    }

    /// The value's velocity at `now_us`, per second, in its vector form.
    pub fn velocity(&self, now_us: u64) -> T::Vector {
        if !self.is_running(now_us) {
            return T::Vector::default();
        }
        match self.phase {
            Phase::Rest => T::Vector::default(),
            Phase::Tween { from, to, begin_us, duration_us, easing } => {
                if now_us < begin_us || duration_us == 0 {
                    return T::Vector::default();
                }
                let progress = progress(now_us, begin_us, duration_us);
                let per_second = easing.slope(progress) as f64 / (duration_us as f64 * 1e-6);
                to.sub(from).scale(per_second as f32)
            }
            Phase::Spring { spring, start_us, displacement, velocity, .. } => {
                let basis = spring.basis(seconds_since(now_us, start_us));
                displacement.scale(basis.da as f32).add(velocity.scale(basis.db as f32))
            }
        }
    }

    /// Sends the value to `target` with `transition`, from its value and velocity at `now_us`.
    ///
    /// - A tween starts from the current value: no jump in value (its speed starts from the
    ///   curve's, as CSS transitions do).
    /// - A spring starts from the current value and velocity, whether the motion was at rest,
    ///   tweening or on another spring: no jump in value or velocity.
    /// - Sending a motion to the target it already has changes nothing: it keeps its course
    ///   (so re-applying an unchanged style each frame does not restart animations).
    pub fn set_target(&mut self, target: T, transition: Transition, now_us: u64) {
        if target == self.target {
            return;
        }
        let current = self.vector_at(now_us);
        let velocity = self.velocity(now_us);
        let to = target.to_vector();
        self.target = target;
        self.phase = match transition {
            Transition::Tween { duration_us, delay_us, easing } => {
                if (duration_us == 0 && delay_us == 0) || current == to {
                    Phase::Rest
                } else {
                    let begin_us = now_us.saturating_add(delay_us);
                    Phase::Tween { from: current, to, begin_us, duration_us, easing }
                }
            }
            Transition::Spring(spring) => {
                let displacement = current.sub(to);
                let settle_us = settle_after(spring, displacement, velocity, self.rest_epsilon);
                if settle_us == 0 {
                    Phase::Rest
                } else {
                    let end_us = now_us.saturating_add(settle_us);
                    Phase::Spring { spring, to, start_us: now_us, displacement, velocity, end_us }
                }
            }
        };
    }

    /// Puts the value at `value` at once, stopping any animation.
    pub fn jump_to(&mut self, value: T) {
        self.target = value;
        self.phase = Phase::Rest;
    }

    /// The value's vector form at `now_us`, unrounded: where retargets start from.
    fn vector_at(&self, now_us: u64) -> T::Vector {
        if !self.is_running(now_us) {
            return self.target.to_vector();
        }
        match self.phase {
            Phase::Rest => self.target.to_vector(),
            Phase::Tween { from, to, begin_us, duration_us, easing } => {
                if now_us < begin_us {
                    from
                } else {
                    lerp_vector(from, to, easing.apply(progress(now_us, begin_us, duration_us)))
                }
            }
            Phase::Spring { spring, to, start_us, displacement, velocity, .. } => {
                let basis = spring.basis(seconds_since(now_us, start_us));
                to.add(displacement.scale(basis.a as f32)).add(velocity.scale(basis.b as f32))
            }
        }
    }
}

/// Seconds from `start_us` to `now_us` (0 if `now_us` is earlier).
fn seconds_since(now_us: u64, start_us: u64) -> f64 {
    now_us.saturating_sub(start_us) as f64 * 1e-6
}

/// A tween's progress in time, 0–1.
fn progress(now_us: u64, begin_us: u64, duration_us: u64) -> f32 {
    if duration_us == 0 {
        return if now_us >= begin_us { 1.0 } else { 0.0 };
    }
    (now_us.saturating_sub(begin_us) as f64 / duration_us as f64).min(1.0) as f32
}

/// How long after its release a spring comes to rest, in whole microseconds: the first time at
/// which `√(|x|² + (|v|/ω0)²) < epsilon`. That quantity is the root of the spring's energy
/// (over `k/2`), which damping only ever decreases, so the first time is found by doubling
/// then bisecting, and the spring stays at rest afterwards. 0 if it is at rest already;
/// [`MAX_SETTLE_US`] at most.
fn settle_after<V: VectorSpace>(spring: Spring, displacement: V, velocity: V, epsilon: f32) -> u64 {
    let omega0 = f64::from(spring.natural_frequency()).max(1e-9);
    let limit = f64::from(epsilon) * f64::from(epsilon);
    let settled = |after_us: u64| {
        let basis = spring.basis(after_us as f64 * 1e-6);
        let x = f64::from(displacement.scale(basis.a as f32).add(velocity.scale(basis.b as f32)).length());
        let v = f64::from(displacement.scale(basis.da as f32).add(velocity.scale(basis.db as f32)).length());
        let v = v / omega0;
        x * x + v * v < limit
    };
    if settled(0) {
        return 0;
    }
    let (mut lo, mut hi) = (0_u64, 1_000_u64);
    while !settled(hi) {
        if hi >= MAX_SETTLE_US {
            return MAX_SETTLE_US;
        }
        lo = hi;
        hi = (hi * 2).min(MAX_SETTLE_US);
    }
    // Not settled at `lo`, settled at `hi`.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if settled(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::color::Color;
    use crate::scene::ComputedRect;

    const MS: u64 = 1_000;

    #[test]
    fn at_rest_it_is_its_value() {
        let motion = Motion::new(0.5_f32);
        assert_eq!(motion.sample(0), 0.5);
        assert_eq!(motion.sample(u64::MAX), 0.5);
        assert!(!motion.is_running(0));
        assert_eq!(motion.end_us(), None);
        assert_eq!(motion.velocity(10), 0.0);
        assert_eq!(Motion::<f32>::default().target(), 0.0);
    }

    #[test]
    fn a_tween_follows_its_curve_after_its_delay() {
        let mut motion = Motion::new(0.0_f32);
        let transition = Transition::tween_ms(200, Easing::Ease).with_delay(100 * MS);
        motion.set_target(100.0, transition, 1_000 * MS);
        assert_eq!(motion.target(), 100.0);
        assert_eq!(motion.end_us(), Some(1_300 * MS));
        assert_eq!(motion.sample(1_050 * MS), 0.0);
        assert_eq!(motion.velocity(1_050 * MS), 0.0);
        assert!(motion.is_running(1_050 * MS));
        assert!((motion.sample(1_200 * MS) - 80.24034).abs() < 2e-3);
        assert!((motion.sample(1_150 * MS) - 40.85106).abs() < 2e-3);
        assert!(motion.is_running(1_300 * MS - 1));
        assert!(!motion.is_running(1_300 * MS));
        assert_eq!(motion.sample(1_300 * MS), 100.0);
        assert_eq!(motion.sample(9_999 * MS), 100.0);
        // Earlier than the start reads as the start.
        assert_eq!(motion.sample(0), 0.0);
    }

    #[test]
    fn instant_transitions_and_unchanged_targets() {
        let mut motion = Motion::new(1.0_f32);
        motion.set_target(2.0, Transition::INSTANT, 5);
        assert_eq!(motion.sample(5), 2.0);
        assert!(!motion.is_running(5));

        // Duration 0 after a delay: holds, then jumps.
        motion.set_target(3.0, Transition::tween(0, Easing::Linear).with_delay(10), 100);
        assert_eq!(motion.sample(109), 2.0);
        assert_eq!(motion.sample(110), 3.0);

        // The same target again keeps the animation in flight.
        motion.set_target(10.0, Transition::tween(1_000, Easing::Linear), 1_000);
        let before = motion;
        motion.set_target(10.0, Transition::tween(5_000, Easing::EaseIn), 1_500);
        motion.set_target(10.0, Transition::Spring(Spring::BOUNCY), 1_600);
        assert_eq!(motion, before);
        assert_eq!(motion.sample(1_500), 6.5);

        motion.jump_to(-1.0);
        assert_eq!(motion.sample(1_500), -1.0);
        assert!(!motion.is_running(1_500));
    }

    fn assert_no_jump(before: &Motion<f32>, after: &Motion<f32>, at_us: u64, range: f32) {
        let (old, new) = (before.sample(at_us), after.sample(at_us));
        assert!((old - new).abs() <= 1e-5 * range, "at the retarget: {old} → {new}");
        let (just_before, just_after) = (before.sample(at_us - 1), after.sample(at_us + 1));
        assert!(
            (just_before - just_after).abs() < 1e-4 * range,
            "across the retarget: {just_before} → {just_after}"
        );
    }

    #[test]
    fn retargeting_a_tween_does_not_jump() {
        let mut motion = Motion::new(0.0_f32);
        motion.set_target(100.0, Transition::tween_ms(300, Easing::Ease), 0);
        let before = motion;
        let at = 120 * MS;
        motion.set_target(-50.0, Transition::tween_ms(200, Easing::EaseInOut), at);
        assert_eq!(before.sample(at), motion.sample(at));
        assert_no_jump(&before, &motion, at, 150.0);
        assert_eq!(motion.sample(at + 200 * MS), -50.0);

        // During a delay too.
        let before = motion;
        let at = 200 * MS;
        motion.set_target(30.0, Transition::tween_ms(100, Easing::Linear).with_delay(50 * MS), at);
        assert_no_jump(&before, &motion, at, 150.0);
        assert_eq!(motion.sample(at + 49 * MS), before.sample(at));
    }

    #[test]
    fn retargeting_a_spring_keeps_its_value_and_velocity() {
        let mut motion = Motion::new(0.0_f32);
        motion.set_target(100.0, Transition::Spring(Spring::GENTLE), 0);
        for at in [50 * MS, 90 * MS, 400 * MS] {
            let before = motion;
            let target = if motion.target() > 0.0 { -100.0 } else { 100.0 };
            motion.set_target(target, Transition::Spring(Spring::SNAPPY), at);
            assert!(before.velocity(at).abs() > 1.0, "moving at {at}");
            assert_no_jump(&before, &motion, at, 200.0);
            assert_eq!(before.velocity(at), motion.velocity(at));
            let (v_before, v_after) = (before.velocity(at - 1), motion.velocity(at + 1));
            assert!((v_before - v_after).abs() < 1e-2 * v_before.abs().max(1.0), "{v_before} → {v_after}");
        }
    }

    #[test]
    fn a_tween_hands_its_velocity_to_a_spring() {
        let mut motion = Motion::new(0.0_f32);
        motion.set_target(100.0, Transition::tween_ms(400, Easing::Linear), 0);
        let before = motion;
        let at = 100 * MS;
        assert!((before.velocity(at) - 250.0).abs() < 1e-3);
        motion.set_target(0.0, Transition::Spring(Spring::SMOOTH), at);
        assert_no_jump(&before, &motion, at, 100.0);
        assert!((motion.velocity(at) - 250.0).abs() < 1e-3);
        // And a spring hands its value (not its velocity) to a tween.
        let before = motion;
        let at = 150 * MS;
        motion.set_target(50.0, Transition::tween_ms(100, Easing::Ease), at);
        assert_no_jump(&before, &motion, at, 100.0);
    }

    #[test]
    fn velocity_is_the_derivative_of_the_value() {
        let mut tween = Motion::new([0.0_f32, 10.0]);
        tween.set_target([100.0, -10.0], Transition::tween_ms(300, Easing::EaseOut), 0);
        let mut spring = Motion::new([0.0_f32, 10.0]);
        spring.set_target([100.0, -10.0], Transition::Spring(Spring::BOUNCY), 0);
        for motion in [tween, spring] {
            for at in (10..290).step_by(20).map(|ms| ms * MS) {
                let (a, b) = (motion.sample(at - 500), motion.sample(at + 500));
                let velocity = motion.velocity(at);
                for i in 0..2 {
                    let numeric = (b[i] - a[i]) / 1e-3;
                    assert!(
                        (numeric - velocity[i]).abs() < 1e-2 * velocity[i].abs().max(10.0),
                        "{i} at {at}: {numeric} vs {}",
                        velocity[i]
                    );
                }
            }
        }
    }

    #[test]
    fn springs_settle_exactly_on_their_target() {
        for spring in
            [Spring::SMOOTH, Spring::GENTLE, Spring::SNAPPY, Spring::BOUNCY, Spring::new(100.0, 60.0, 1.0)]
        {
            let mut motion = Motion::new(0.0_f32);
            motion.set_target(100.0, Transition::Spring(spring), 1_000);
            let end = motion.end_us().expect("moving");
            assert!(end > 200 * MS && end < 10_000 * MS, "{spring:?} ends at {end}");
            assert!(motion.is_running(end - 1));
            assert!(!motion.is_running(end));
            assert_eq!(motion.sample(end), 100.0);
            assert_eq!(motion.velocity(end), 0.0);
            let last = motion.sample(end - 1);
            assert!((last - 100.0).abs() <= 1.01 * f32::REST_EPSILON, "{spring:?} snaps from {last}");
        }
        // Without damping it never settles: it is cut off.
        let mut motion = Motion::new(0.0_f32);
        motion.set_target(1.0, Transition::Spring(Spring::new(100.0, 0.0, 1.0)), 0);
        assert_eq!(motion.end_us(), Some(MAX_SETTLE_US));
        // A looser threshold ends sooner.
        let mut loose = Motion::new(0.0_f32).with_rest_epsilon(0.5);
        loose.set_target(100.0, Transition::Spring(Spring::SMOOTH), 0);
        let mut tight = Motion::new(0.0_f32);
        tight.set_target(100.0, Transition::Spring(Spring::SMOOTH), 0);
        assert!(loose.end_us() < tight.end_us());
    }

    #[test]
    fn colours_and_rectangles_animate() {
        let mut colour = Motion::new(Color::BLACK);
        colour.set_target(Color::WHITE, Transition::tween_ms(100, Easing::Linear), 0);
        assert_eq!(colour.sample(50 * MS), Color::rgba(128, 128, 128, 255));
        assert_eq!(colour.sample(100 * MS), Color::WHITE);
        // A colour spring may overshoot in its vector form; the samples stay in range.
        colour.jump_to(Color::rgb(100, 0, 0));
        colour.set_target(Color::rgb(250, 0, 0), Transition::Spring(Spring::BOUNCY), 100 * MS);
        let end = colour.end_us().expect("moving");
        let mut peak_red = 0;
        for at in (100 * MS..end).step_by(5_000) {
            let sample = colour.sample(at);
            peak_red = peak_red.max(sample.0 >> 24);
            assert_eq!(sample.0 & 0x00ff_ffff, 0xff, "green and blue stay 0, alpha 255");
        }
        assert_eq!(peak_red, 255, "the overshoot clamps at 255");
        assert_eq!(colour.sample(end), Color::rgb(250, 0, 0));

        let mut rect = Motion::new(ComputedRect { x: 0.0, y: 0.0, width: 100.0, height: 100.0 });
        let target = ComputedRect { x: 200.0, y: 50.0, width: 300.0, height: 0.0 };
        rect.set_target(target, Transition::Spring(Spring::BOUNCY), 0);
        let end = rect.end_us().expect("moving");
        for at in (0..end).step_by(5_000) {
            assert!(rect.sample(at).height >= 0.0);
        }
        assert_eq!(rect.sample(end), target);
    }

    struct Event {
        at_us: u64,
        target: ComputedRect,
        transition: Transition,
    }

    fn rect(x: f32, y: f32, width: f32, height: f32) -> ComputedRect {
        ComputedRect { x, y, width, height }
    }

    fn events() -> Vec<Event> {
        let event = |at_ms: u64, target, transition| Event { at_us: at_ms * MS, target, transition };
        vec![
            event(0, rect(100.0, 0.0, 200.0, 100.0), Transition::tween_ms(300, Easing::Ease)),
            event(110, rect(-50.0, 40.0, 120.0, 80.0), Transition::Spring(Spring::GENTLE)),
            event(
                250,
                rect(300.0, 10.0, 400.0, 60.0),
                Transition::tween_ms(200, Easing::EaseOut).with_delay(35 * MS),
            ),
            event(251, rect(300.0, 10.0, 400.0, 60.0), Transition::Spring(Spring::BOUNCY)),
            event(420, rect(0.0, 0.0, 10.0, 10.0), Transition::Spring(Spring::SNAPPY)),
            event(
                505,
                rect(50.0, 50.0, 50.0, 50.0),
                Transition::tween_ms(150, Easing::cubic_bezier(0.3, 1.4, 0.6, 1.0)),
            ),
            event(600, rect(-10.0, 90.0, 0.0, 5.0), Transition::Spring(Spring::BOUNCY)),
            event(777, rect(5.0, 5.0, 5.0, 5.0), Transition::tween_ms(250, Easing::Steps(5))),
            event(900, rect(64.0, 32.0, 16.0, 8.0), Transition::Spring(Spring::SMOOTH)),
        ]
    }

    /// Runs a frame clock of period `step_us` for 4 s: each frame applies the events due (at
    /// their own times, as a host stamps its input) and samples. Returns each frame's time,
    /// motion and value.
    fn run(step_us: u64) -> Vec<(u64, Motion<ComputedRect>, ComputedRect)> {
        let events = events();
        let mut motion = Motion::new(ComputedRect::default());
        let mut pending = events.iter().peekable();
        let mut frames = Vec::new();
        let mut now = 0;
        while now <= 4_000 * MS {
            while let Some(event) = pending.next_if(|event| event.at_us <= now) {
                motion.set_target(event.target, event.transition, event.at_us);
            }
            frames.push((now, motion, motion.sample(now)));
            now += step_us;
        }
        frames
    }

    /// For every frame of `a`, `b`'s motion as it was at its last frame before (when no event
    /// came between the two) shows the same value, bit for bit. Returns how many frames were
    /// compared.
    fn assert_same_values(
        a: &[(u64, Motion<ComputedRect>, ComputedRect)],
        b: &[(u64, Motion<ComputedRect>, ComputedRect)],
    ) -> usize {
        let events = events();
        let mut compared = 0;
        for (now, _, value) in a {
            let Some((b_now, b_motion, _)) = b.iter().rev().find(|(b_now, ..)| b_now <= now) else {
                continue;
            };
            if events.iter().any(|event| *b_now < event.at_us && event.at_us <= *now) {
                continue;
            }
            assert_eq!(b_motion.sample(*now), *value, "at {now} µs");
            compared += 1;
        }
        compared
    }

    #[test]
    fn thirty_and_sixty_fps_show_the_same_values() {
        let thirty = run(33_333);
        let sixty = run(16_667);
        assert!(assert_same_values(&thirty, &sixty) > 100);
        assert!(assert_same_values(&sixty, &thirty) > 200);
        let (thirty_last, sixty_last) = (thirty.last().expect("frames"), sixty.last().expect("frames"));
        assert_eq!(thirty_last.1, sixty_last.1);
        assert_eq!(thirty_last.2, rect(64.0, 32.0, 16.0, 8.0));
        assert_eq!(thirty_last.2, sixty_last.2);
        assert!(!thirty_last.1.is_running(thirty_last.0));

        // Clocks that share every other frame agree on those frames too.
        let thirty = run(33_334);
        let common: Vec<_> = thirty.iter().map(|(now, _, value)| (*now, *value)).collect();
        let sixty: Vec<_> = sixty
            .iter()
            .filter(|(now, ..)| now % 33_334 == 0)
            .map(|(now, _, value)| (*now, *value))
            .collect();
        assert_eq!(common.len(), sixty.len());
        assert_eq!(common, sixty);
    }
}
