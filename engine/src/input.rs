//! The frame's input, as the host handed it over.

use bevy_ecs::prelude::*;
use touchline_abi::{Event, EventKind, Key};

/// One key transition of this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyInput {
    /// The key.
    pub key: Key,
    /// True for key down, false for key up.
    pub down: bool,
}

/// This frame's time and input, filled by [`crate::Engine`] before the systems run.
#[derive(Resource, Debug, Default)]
pub struct FrameInput {
    /// Frame time in microseconds, from the host's clock.
    pub time_us: u64,
    /// Key transitions in arrival order.
    pub keys: Vec<KeyInput>,
    /// New viewport size, if the host resized it.
    pub resize: Option<(u32, u32)>,
    /// Events this engine did not understand, counted for diagnostics.
    pub unknown_events: u64,
}

impl FrameInput {
    /// Replaces the input with a new frame's events.
    pub fn load(&mut self, time_us: u64, events: &[Event]) {
        self.time_us = time_us;
        self.keys.clear();
        self.resize = None;
        for event in events {
            match (EventKind::from_u32(event.kind), Key::from_u32(event.a)) {
                (Some(EventKind::KeyDown), Some(key)) => self.keys.push(KeyInput { key, down: true }),
                (Some(EventKind::KeyUp), Some(key)) => self.keys.push(KeyInput { key, down: false }),
                (Some(EventKind::Resize), _) if event.b > 0 && event.c > 0 => {
                    self.resize = Some((event.b as u32, event.c as u32));
                }
                _ => self.unknown_events += 1,
            }
        }
    }
}
