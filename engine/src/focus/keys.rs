//! Keys as a TV remote delivers them: held arrows repeat at a configurable rate that speeds up
//! the longer they are held, and OK held past a threshold is a long press rather than a press.
//! Timing runs on frame time, so the result does not depend on the frame rate, and the host's
//! own auto-repeat (a key down for a key already down) is ignored in favour of it.

use bevy_ecs::prelude::*;
use touchline_abi::Key;

use crate::input::KeyInput;

/// How held keys repeat and when OK becomes a long press.
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct KeyTiming {
    /// From key down to the first repeat, in microseconds.
    pub repeat_delay_us: u64,
    /// Between the first two repeats.
    pub repeat_interval_us: u64,
    /// The shortest interval acceleration reaches.
    pub min_repeat_interval_us: u64,
    /// Each interval is the previous one times this (≤ 1: held keys speed up).
    pub acceleration: f32,
    /// OK held this long is a long press.
    pub long_press_us: u64,
    /// At most this many repeats in one frame (a stalled frame does not fire a burst).
    pub max_repeats_per_frame: u32,
}

impl Default for KeyTiming {
    fn default() -> Self {
        Self {
            repeat_delay_us: 400_000,
            repeat_interval_us: 150_000,
            min_repeat_interval_us: 40_000,
            acceleration: 0.85,
            long_press_us: 600_000,
            max_repeats_per_frame: 2,
        }
    }
}

/// What a key did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyPhase {
    /// Went down.
    Down,
    /// Still held: the n-th repeat (from 1).
    Repeat(u32),
    /// Held past the long-press threshold (OK only; once per hold).
    LongPress,
    /// Came up; `long` when a long press fired during the hold.
    Up {
        /// A long press fired before.
        long: bool,
    },
}

/// One key action, at the frame time it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyAction {
    /// The key.
    pub key: Key,
    /// What it did.
    pub phase: KeyPhase,
}

#[derive(Clone, Copy, Debug)]
struct Held {
    key: Key,
    down_at: u64,
    next_repeat_at: u64,
    interval: u64,
    repeats: u32,
    long_pressed: bool,
}

/// Keys held down, and when they next repeat.
#[derive(Resource, Debug, Default)]
pub struct HeldKeys {
    held: Vec<Held>,
}

fn repeats(key: Key) -> bool {
    matches!(key, Key::Up | Key::Down | Key::Left | Key::Right)
}

impl HeldKeys {
    /// Whether any key is held (frames must run to repeat it).
    pub fn any(&self) -> bool {
        !self.held.is_empty()
    }

    /// The frame at `now_us`: repeats and long presses that fell due, then this frame's
    /// transitions in order.
    pub fn advance(&mut self, timing: &KeyTiming, now_us: u64, transitions: &[KeyInput]) -> Vec<KeyAction> {
        let mut actions = Vec::new();
        for held in &mut self.held {
            if !held.long_pressed && held.key == Key::Select && now_us >= held.down_at + timing.long_press_us
            {
                held.long_pressed = true;
                actions.push(KeyAction { key: held.key, phase: KeyPhase::LongPress });
            }
            let mut fired = 0;
            while repeats(held.key) && now_us >= held.next_repeat_at && fired < timing.max_repeats_per_frame {
                held.repeats += 1;
                fired += 1;
                actions.push(KeyAction { key: held.key, phase: KeyPhase::Repeat(held.repeats) });
                held.next_repeat_at += held.interval;
                let next = (held.interval as f64 * f64::from(timing.acceleration.clamp(0.0, 1.0))) as u64;
                held.interval = next.max(timing.min_repeat_interval_us).max(1);
            }
            if now_us >= held.next_repeat_at {
                // Dropped repeats are not owed: the next one is an interval from now.
                held.next_repeat_at = now_us + held.interval;
            }
        }
        for t in transitions {
            let index = self.held.iter().position(|h| h.key == t.key);
            match (t.down, index) {
                (true, Some(_)) => {} // the host's auto-repeat: ours governs
                (true, None) => {
                    self.held.push(Held {
                        key: t.key,
                        down_at: now_us,
                        next_repeat_at: now_us + timing.repeat_delay_us,
                        interval: timing.repeat_interval_us.max(1),
                        repeats: 0,
                        long_pressed: false,
                    });
                    actions.push(KeyAction { key: t.key, phase: KeyPhase::Down });
                }
                (false, Some(i)) => {
                    let held = self.held.remove(i);
                    actions.push(KeyAction { key: t.key, phase: KeyPhase::Up { long: held.long_pressed } });
                }
                (false, None) => {} // an up without a down (focus came in mid-press)
            }
        }
        actions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn down(key: Key) -> KeyInput {
        KeyInput { key, down: true }
    }

    fn up(key: Key) -> KeyInput {
        KeyInput { key, down: false }
    }

    /// Holds `key` from 0 to `until_us`, one frame every `frame_us`; returns the repeat times.
    fn repeat_times(frame_us: u64, until_us: u64) -> Vec<u64> {
        let timing = KeyTiming::default();
        let mut keys = HeldKeys::default();
        let mut times = Vec::new();
        let mut now = 0;
        keys.advance(&timing, now, &[down(Key::Right)]);
        while now < until_us {
            now += frame_us;
            for a in keys.advance(&timing, now, &[]) {
                if matches!(a.phase, KeyPhase::Repeat(_)) {
                    times.push(now);
                }
            }
        }
        times
    }

    #[test]
    fn held_arrows_repeat_after_the_delay_and_speed_up() {
        let times = repeat_times(1, 2_000_000);
        assert_eq!(times[0], 400_000);
        assert_eq!(times[1], 550_000);
        let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.windows(2).all(|g| g[1] <= g[0]), "intervals never grow: {gaps:?}");
        assert_eq!(*gaps.last().expect("repeats"), 40_000, "acceleration stops at the minimum");
    }

    #[test]
    fn repeat_count_does_not_depend_on_the_frame_rate() {
        // 50 and 25 frames a second, both ending on a frame at 1.6 s.
        let fast = repeat_times(20_000, 1_600_000).len();
        let slow = repeat_times(40_000, 1_600_000).len();
        assert_eq!(fast, slow);
        assert!(fast > 10, "{fast} repeats");
    }

    #[test]
    fn ok_held_is_a_long_press_and_its_release_says_so() {
        let timing = KeyTiming::default();
        let mut keys = HeldKeys::default();
        keys.advance(&timing, 0, &[down(Key::Select)]);
        assert!(keys.advance(&timing, 500_000, &[]).is_empty(), "OK does not repeat");
        let long = keys.advance(&timing, 600_000, &[]);
        assert_eq!(long, [KeyAction { key: Key::Select, phase: KeyPhase::LongPress }]);
        let release = keys.advance(&timing, 700_000, &[up(Key::Select)]);
        assert_eq!(release, [KeyAction { key: Key::Select, phase: KeyPhase::Up { long: true } }]);
        assert!(!keys.any());
    }

    #[test]
    fn a_short_press_is_down_then_up() {
        let timing = KeyTiming::default();
        let mut keys = HeldKeys::default();
        let actions = keys.advance(&timing, 0, &[down(Key::Select), up(Key::Select)]);
        assert_eq!(
            actions,
            [
                KeyAction { key: Key::Select, phase: KeyPhase::Down },
                KeyAction { key: Key::Select, phase: KeyPhase::Up { long: false } }
            ]
        );
    }

    #[test]
    fn host_auto_repeat_is_ignored_and_stalls_do_not_burst() {
        let timing = KeyTiming::default();
        let mut keys = HeldKeys::default();
        keys.advance(&timing, 0, &[down(Key::Down)]);
        assert!(keys.advance(&timing, 100_000, &[down(Key::Down)]).is_empty());
        let after_stall = keys.advance(&timing, 5_000_000, &[]);
        assert_eq!(after_stall.len(), timing.max_repeats_per_frame as usize);
    }
}
