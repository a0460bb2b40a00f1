//! Damped springs, solved in closed form.
//!
//! A spring pulls its displacement `x` from the target back to 0:
//! `m·x'' + c·x' + k·x = 0`. The solution from displacement `x0` and velocity `v0` is linear
//! in both: `x(t) = A(t)·x0 + B(t)·v0` and `v(t) = A'(t)·x0 + B'(t)·v0`, with one set of
//! coefficients ([`SpringBasis`]) for every component of a vector value. With
//! `α = c / 2m`, `ω0 = √(k/m)` and `C(t)`, `S(t)` as below, `A = C + α·S`, `B = S`,
//! `A' = −ω0²·S` and `B' = C − α·S`:
//!
//! - under-damped (`α < ω0`, `ωd = √(ω0² − α²)`): `C = e^(−αt)·cos ωd·t`,
//!   `S = e^(−αt)·sin(ωd·t) / ωd`;
//! - critically damped (`α = ω0`): `C = e^(−αt)`, `S = t·e^(−αt)`;
//! - over-damped (`β = √(α² − ω0²)`): `C = e^(−αt)·cosh βt`, `S = e^(−αt)·sinh(βt) / β`,
//!   evaluated as `e^((β−α)t)·(1 + e^(−2βt)) / 2` and `e^((β−α)t)·(−expm1(−2βt)) / 2β`, which
//!   neither overflow for long times nor lose precision near critical damping.
//!
//! Being closed-form, a spring's state at a time does not depend on how often it was sampled
//! before: 30 and 60 fps land on the same values.

/// Below this `|α − ω0| / ω0` a spring is treated as critically damped.
const CRITICAL_TOLERANCE: f64 = 1e-9;

/// A damped spring: stiffness `k`, damping `c` and mass `m`.
///
/// The damping ratio `c / (2·√(k·m))` decides its character: below 1 it overshoots and
/// oscillates (the lower, the bouncier), at 1 (critical damping) it arrives as fast as it can
/// without overshooting, above 1 it creeps in. Non-positive or NaN parameters are taken as
/// tiny positive ones (zero for damping); a spring without damping never settles, and
/// [`Motion`](super::Motion) ends it after [`MAX_SETTLE_US`](super::MAX_SETTLE_US).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spring {
    /// Stiffness `k`: force per unit of displacement.
    pub stiffness: f32,
    /// Damping `c`: force per unit of velocity.
    pub damping: f32,
    /// Mass `m`.
    pub mass: f32,
}

impl Default for Spring {
    /// [`Spring::SMOOTH`].
    fn default() -> Self {
        Spring::SMOOTH
    }
}

/// A spring's state: displacement from its target and velocity (per second).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SpringState {
    /// Displacement from the target.
    pub displacement: f32,
    /// Velocity, per second.
    pub velocity: f32,
}

/// The coefficients of a spring's solution at one time: from the initial displacement `x0`
/// and velocity `v0`, displacement `x = a·x0 + b·v0` and velocity `v = da·x0 + db·v0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpringBasis {
    /// Weight of the initial displacement in the displacement.
    pub a: f64,
    /// Weight of the initial velocity in the displacement.
    pub b: f64,
    /// Weight of the initial displacement in the velocity.
    pub da: f64,
    /// Weight of the initial velocity in the velocity.
    pub db: f64,
}

impl Spring {
    /// Critically damped, brisk (ω0 = 15/s: 99% there in about 0.45 s). The default: UI
    /// movement without overshoot.
    pub const SMOOTH: Spring = Spring { stiffness: 225.0, damping: 30.0, mass: 1.0 };
    /// Soft, with a gentle overshoot (damping ratio ≈ 0.64).
    pub const GENTLE: Spring = Spring { stiffness: 120.0, damping: 14.0, mass: 1.0 };
    /// Stiff and quick, with a barely visible overshoot (damping ratio 0.8).
    pub const SNAPPY: Spring = Spring { stiffness: 400.0, damping: 32.0, mass: 1.0 };
    /// Lively, with a visible bounce (damping ratio ≈ 0.45).
    pub const BOUNCY: Spring = Spring { stiffness: 180.0, damping: 12.0, mass: 1.0 };

    /// A spring from its parameters.
    pub const fn new(stiffness: f32, damping: f32, mass: f32) -> Self {
        Spring { stiffness, damping, mass }
    }

    /// A critically damped spring of unit mass with this stiffness.
    pub fn critically_damped(stiffness: f32) -> Self {
        let stiffness = stiffness.max(f32::MIN_POSITIVE);
        Spring { stiffness, damping: 2.0 * stiffness.sqrt(), mass: 1.0 }
    }

    /// A spring of unit mass from a designer's terms: `response` is the period in seconds of
    /// the undamped oscillation (how quick it feels), `damping_ratio` 1 for no overshoot and
    /// less for bounce (as SwiftUI's `spring(response:dampingFraction:)`).
    pub fn from_response(response: f32, damping_ratio: f32) -> Self {
        let omega = std::f32::consts::TAU / response.max(1e-3);
        Spring { stiffness: omega * omega, damping: 2.0 * damping_ratio.max(0.0) * omega, mass: 1.0 }
    }

    /// `c / (2·√(k·m))`: below 1 under-damped, 1 critical, above 1 over-damped.
    pub fn damping_ratio(&self) -> f32 {
        let (k, c, m) = self.parameters();
        (c / (2.0 * (k * m).sqrt())) as f32
    }

    /// The undamped angular frequency `√(k/m)`, in radians per second.
    pub fn natural_frequency(&self) -> f32 {
        let (k, _, m) = self.parameters();
        (k / m).sqrt() as f32
    }

    /// Stiffness, damping and mass, made valid, in f64.
    fn parameters(&self) -> (f64, f64, f64) {
        let positive = |x: f32| f64::from(x).max(1e-9);
        (positive(self.stiffness), f64::from(self.damping).max(0.0), positive(self.mass))
    }

    /// The solution's coefficients `t_seconds` after the start (negative times are 0).
    pub fn basis(&self, t_seconds: f64) -> SpringBasis {
        let (k, c, m) = self.parameters();
        if t_seconds == f64::INFINITY {
            return SpringBasis { a: 0.0, b: 0.0, da: 0.0, db: 0.0 };
        }
        let t = if t_seconds.is_nan() { 0.0 } else { t_seconds.max(0.0) };
        let omega0_sq = k / m;
        let omega0 = omega0_sq.sqrt();
        let alpha = c / (2.0 * m);
        let difference = (alpha - omega0) / omega0;
        let (cos_like, sin_like) = if difference.abs() <= CRITICAL_TOLERANCE {
            let decay = (-alpha * t).exp();
            (decay, t * decay)
        } else if difference < 0.0 {
            let omega_d = (omega0_sq - alpha * alpha).sqrt();
            let decay = (-alpha * t).exp();
            let (sin, cos) = (omega_d * t).sin_cos();
            (decay * cos, decay * sin / omega_d)
        } else {
            let beta = (alpha * alpha - omega0_sq).sqrt();
            let slow = ((beta - alpha) * t).exp();
            let fast_ratio = (-2.0 * beta * t).exp();
            (slow * (1.0 + fast_ratio) * 0.5, slow * -(-2.0 * beta * t).exp_m1() / (2.0 * beta))
        };
        SpringBasis {
            a: cos_like + alpha * sin_like,
            b: sin_like,
            da: -omega0_sq * sin_like,
            db: cos_like - alpha * sin_like,
        }
    }

    /// Displacement and velocity `t_seconds` after starting from `displacement` and `velocity`.
    pub fn state_at(&self, displacement: f32, velocity: f32, t_seconds: f64) -> SpringState {
        let basis = self.basis(t_seconds);
        let (x0, v0) = (f64::from(displacement), f64::from(velocity));
        SpringState {
            displacement: (basis.a * x0 + basis.b * v0) as f32,
            velocity: (basis.da * x0 + basis.db * v0) as f32,
        }
    }

    /// Whether a spring in this state is at rest: `|displacement|` and `|velocity|` (per
    /// second) both below `epsilon`.
    pub fn is_settled(state: SpringState, epsilon: f32) -> bool {
        state.displacement.abs() < epsilon && state.velocity.abs() < epsilon
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integrates `m·x'' + c·x' + k·x = 0` with classic RK4 and a tiny step, recording the
    /// state every `every` steps.
    fn rk4(spring: Spring, x0: f64, v0: f64, dt: f64, steps: usize, every: usize) -> Vec<(f64, f64, f64)> {
        let (k, c, m) = spring.parameters();
        let acceleration = |x: f64, v: f64| -(k * x + c * v) / m;
        let (mut x, mut v) = (x0, v0);
        let mut out = vec![(0.0, x, v)];
        for step in 1..=steps {
            let (k1x, k1v) = (v, acceleration(x, v));
            let (k2x, k2v) = (v + 0.5 * dt * k1v, acceleration(x + 0.5 * dt * k1x, v + 0.5 * dt * k1v));
            let (k3x, k3v) = (v + 0.5 * dt * k2v, acceleration(x + 0.5 * dt * k2x, v + 0.5 * dt * k2v));
            let (k4x, k4v) = (v + dt * k3v, acceleration(x + dt * k3x, v + dt * k3v));
            x += dt / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
            v += dt / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v);
            if step % every == 0 {
                out.push((step as f64 * dt, x, v));
            }
        }
        out
    }

    fn check_against_rk4(spring: Spring) {
        for (x0, v0) in [(1.0, 0.0), (0.0, 1.0), (-3.0, 12.0), (100.0, -250.0)] {
            let scale = f64::max(1.0, f64::abs(x0) + f64::abs(v0) / f64::from(spring.natural_frequency()));
            for (t, x, v) in rk4(spring, x0, v0, 1e-5, 200_000, 1_000) {
                let state = spring.state_at(x0 as f32, v0 as f32, t);
                let vel_scale = scale * f64::from(spring.natural_frequency());
                assert!(
                    (f64::from(state.displacement) - x).abs() <= 1e-3 * scale,
                    "{spring:?} from ({x0}, {v0}) at {t}s: x {} vs {x}",
                    state.displacement
                );
                assert!(
                    (f64::from(state.velocity) - v).abs() <= 1e-3 * vel_scale,
                    "{spring:?} from ({x0}, {v0}) at {t}s: v {} vs {v}",
                    state.velocity
                );
            }
        }
    }

    #[test]
    fn under_damped_matches_integration() {
        check_against_rk4(Spring::GENTLE);
        check_against_rk4(Spring::BOUNCY);
        check_against_rk4(Spring::new(300.0, 0.0, 1.0));
        check_against_rk4(Spring::new(50.0, 3.0, 2.5));
    }

    #[test]
    fn critically_damped_matches_integration() {
        check_against_rk4(Spring::SMOOTH);
        check_against_rk4(Spring::critically_damped(90.0));
        assert!((Spring::SMOOTH.damping_ratio() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn over_damped_matches_integration() {
        check_against_rk4(Spring::new(100.0, 60.0, 1.0));
        check_against_rk4(Spring::new(400.0, 400.0, 1.0));
        check_against_rk4(Spring::new(20.0, 9.0, 0.5));
    }

    #[test]
    fn near_critical_is_continuous() {
        let critical = Spring::critically_damped(225.0);
        for ratio in [1.0 - 1e-6, 1.0 - 1e-8, 1.0 + 1e-8, 1.0 + 1e-6] {
            let spring = Spring::new(225.0, 30.0 * ratio, 1.0);
            for i in 0..=40 {
                let t = f64::from(i) * 0.025;
                let (a, b) = (spring.state_at(1.0, 5.0, t), critical.state_at(1.0, 5.0, t));
                assert!((a.displacement - b.displacement).abs() < 1e-5, "{ratio} at {t}: {a:?} vs {b:?}");
                assert!((a.velocity - b.velocity).abs() < 1e-4, "{ratio} at {t}: {a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn long_times_stay_finite_and_at_rest() {
        for spring in [Spring::SMOOTH, Spring::BOUNCY, Spring::new(400.0, 100.0, 1.0)] {
            for t in [10.0, 1e3, 1e6, f64::INFINITY] {
                let state = spring.state_at(1e4, -1e4, t);
                assert!(state.displacement.is_finite() && state.velocity.is_finite(), "{spring:?} {t}");
                assert!(Spring::is_settled(state, 1e-3), "{spring:?} at {t}: {state:?}");
            }
        }
        assert_eq!(Spring::SMOOTH.state_at(2.0, 3.0, -1.0), SpringState { displacement: 2.0, velocity: 3.0 });
    }

    #[test]
    fn presets_and_constructors() {
        assert!(Spring::GENTLE.damping_ratio() < 1.0);
        assert!(Spring::BOUNCY.damping_ratio() < Spring::GENTLE.damping_ratio());
        assert!((Spring::SNAPPY.damping_ratio() - 0.8).abs() < 1e-6);
        assert_eq!(Spring::default(), Spring::SMOOTH);
        let spring = Spring::from_response(0.5, 0.7);
        assert!((spring.damping_ratio() - 0.7).abs() < 1e-5);
        assert!((spring.natural_frequency() - std::f32::consts::TAU / 0.5).abs() < 1e-4);
        // Degenerate parameters do not produce NaN.
        let state = Spring::new(0.0, -1.0, f32::NAN).state_at(1.0, 1.0, 0.5);
        assert!(state.displacement.is_finite() && state.velocity.is_finite());
    }
}
