//! Animation math: easing curves, springs, and [`Motion`], a value in flight.
//!
//! Nothing here knows about the ECS; the engine's animation systems keep a [`Motion`] per
//! animated property and sample it each frame.
//!
//! # Driven by time, not by frames
//!
//! A [`Motion`] stores only where its current animation started (value, velocity, time), where
//! it is going, and how ([`Transition`]). [`Motion::sample`] computes the value at any time
//! from that, in closed form — tweens from their [`Easing`] curve, springs from the analytic
//! solution of the damped oscillator ([`Spring`]) — and changes nothing. There is no per-frame
//! integration whose result would depend on the frame length, so a host at 30 fps and one at
//! 60 fps show identical values at identical times, and a dropped frame skips nothing.
//!
//! # Retargeting
//!
//! [`Motion::set_target`] can be called at any time, mid-flight included, and never makes the
//! value jump: the new animation starts from the value at the retarget's time.
//!
//! - A tween runs its full duration (after its delay) from there to the new target.
//! - A spring also keeps the velocity at that time, whatever was moving the value before — a
//!   tween or another spring — so neither value nor velocity jumps.
//! - The target the motion already has is ignored: re-applying unchanged values every frame
//!   does not restart anything.
//!
//! For the 30/60 fps equivalence to hold through retargets, the host passes the same time for
//! the same retarget (the input event's timestamp, or the frame time if its frames are
//! aligned); everything after follows from that time alone.
//!
//! # Ends
//!
//! A tween ends on its target exactly at `delay + duration`. A spring ends when its distance
//! to the target and its speed (over its natural frequency) drop below the value type's
//! [`Animatable::REST_EPSILON`]; that time is found once, at the retarget (the spring's
//! energy only decreases, so it is found by bisection), and [`Motion::end_us`] reports it so
//! the host knows when to stop drawing frames. The value then snaps to the target exactly.
//!
//! # Values
//!
//! [`Animatable`] values: `f32` (opacity, scale, lengths), `[f32; 2]` (points, sizes),
//! `[f32; 4]` and [`ComputedRect`](crate::scene::ComputedRect) (rectangles, as
//! `[x, y, width, height]`), and [`Color`](crate::color::Color) (straight RGBA channels,
//! rounded). Each animates through a vector form ([`VectorSpace`]) in which springs move and
//! velocities are expressed.
//!
//! # Example
//!
//! ```
//! use touchline_engine::Color;
//! use touchline_engine::animation::{Easing, Motion, Spring, Transition};
//!
//! // Fade in over 200 ms, starting at t = 1 s (times in µs).
//! let mut opacity = Motion::new(0.0_f32);
//! opacity.set_target(1.0, Transition::tween_ms(200, Easing::EaseOut), 1_000_000);
//! assert!(opacity.sample(1_100_000) > 0.5);
//! assert_eq!(opacity.sample(1_200_000), 1.0);
//!
//! // Slide with a spring; 80 ms in, change our mind: no jump, velocity kept.
//! let mut x = Motion::new(0.0_f32);
//! x.set_target(500.0, Transition::Spring(Spring::SNAPPY), 0);
//! let before = x.sample(80_000);
//! x.set_target(-100.0, Transition::Spring(Spring::SNAPPY), 80_000);
//! assert!((x.sample(80_000) - before).abs() < 1e-3);
//! let end = x.end_us().expect("a spring in flight");
//! assert!(x.is_running(end - 1) && !x.is_running(end));
//! assert_eq!(x.sample(end), -100.0);
//!
//! // Colours interpolate channel by channel.
//! let mut fill = Motion::new(Color::BLACK);
//! fill.set_target(Color::WHITE, Transition::tween(100_000, Easing::Linear), 0);
//! assert_eq!(fill.sample(50_000), Color::rgb(128, 128, 128));
//! ```

mod curve;
mod motion;
mod spring;
mod value;

pub use curve::Easing;
pub use motion::{MAX_SETTLE_US, Motion, Transition};
pub use spring::{Spring, SpringBasis, SpringState};
pub use value::{Animatable, VectorSpace};
