//! Easing curves: how a tween's progress (0–1 in time) maps to its output (0–1 in value).
//!
//! The named curves are CSS's; [`Easing::CubicBezier`] is CSS's `cubic-bezier()`, solved as
//! WebKit's `UnitBezier` does (Newton's method, then bisection if it does not converge).

/// How far `x(t)` may be from the requested progress when solving a cubic Bézier for `t`.
const SOLVE_EPSILON: f64 = 1e-6;

/// An easing curve.
///
/// [`apply`](Easing::apply) maps progress in time to progress in value. Both ends are exact:
/// `apply(0.0) == 0.0` and `apply(1.0) == 1.0` for every curve.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Easing {
    /// Constant speed.
    Linear,
    /// CSS `ease`: `cubic-bezier(0.25, 0.1, 0.25, 1)`. CSS's default.
    #[default]
    Ease,
    /// CSS `ease-in`: `cubic-bezier(0.42, 0, 1, 1)`.
    EaseIn,
    /// CSS `ease-out`: `cubic-bezier(0, 0, 0.58, 1)`.
    EaseOut,
    /// CSS `ease-in-out`: `cubic-bezier(0.42, 0, 0.58, 1)`.
    EaseInOut,
    /// CSS `cubic-bezier(x1, y1, x2, y2)`: a Bézier from (0, 0) to (1, 1) with these two
    /// control points. `x1` and `x2` are clamped to 0–1 (so that the curve is a function of
    /// time); `y1` and `y2` may leave 0–1, which overshoots.
    CubicBezier {
        /// First control point, time.
        x1: f32,
        /// First control point, value.
        y1: f32,
        /// Second control point, time.
        x2: f32,
        /// Second control point, value.
        y2: f32,
    },
    /// CSS `steps(n)` (`jump-end`): `n` equal jumps, the first at `1/n` of the way, the last
    /// at the end. `Steps(0)` behaves as `Steps(1)`.
    Steps(u32),
}

impl Easing {
    /// A cubic Bézier, as CSS's `cubic-bezier(x1, y1, x2, y2)`.
    pub const fn cubic_bezier(x1: f32, y1: f32, x2: f32, y2: f32) -> Self {
        Easing::CubicBezier { x1, y1, x2, y2 }
    }

    /// The curve's output at `progress` (clamped to 0–1).
    pub fn apply(self, progress: f32) -> f32 {
        let p = clamp_unit(progress);
        if p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return 1.0;
        }
        match self {
            Easing::Linear => p,
            Easing::Steps(n) => {
                let n = n.max(1) as f32;
                ((p * n).floor() / n).min(1.0)
            }
            curve => match curve.bezier() {
                Some(bezier) => bezier.solve(f64::from(p)) as f32,
                None => p,
            },
        }
    }

    /// The curve's slope at `progress` (clamped to 0–1): d(output)/d(progress).
    ///
    /// A tween's speed is its distance times this slope over its duration; retargeting uses it
    /// to hand a tween's velocity on to a spring. Steps have slope 0 (except at their jumps).
    pub fn slope(self, progress: f32) -> f32 {
        let p = clamp_unit(progress);
        match self {
            Easing::Linear => 1.0,
            Easing::Steps(_) => 0.0,
            curve => match curve.bezier() {
                Some(bezier) => bezier.slope(f64::from(p)) as f32,
                None => 1.0,
            },
        }
    }

    /// The Bézier behind a curve, if it is one.
    fn bezier(self) -> Option<UnitBezier> {
        let (x1, y1, x2, y2) = match self {
            Easing::Linear | Easing::Steps(_) => return None,
            Easing::Ease => (0.25, 0.1, 0.25, 1.0),
            Easing::EaseIn => (0.42, 0.0, 1.0, 1.0),
            Easing::EaseOut => (0.0, 0.0, 0.58, 1.0),
            Easing::EaseInOut => (0.42, 0.0, 0.58, 1.0),
            Easing::CubicBezier { x1, y1, x2, y2 } => {
                (f64::from(x1), f64::from(y1), f64::from(x2), f64::from(y2))
            }
        };
        Some(UnitBezier::new(x1, y1, x2, y2))
    }
}

/// Clamps to 0–1; NaN becomes 0.
fn clamp_unit(x: f32) -> f32 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// A cubic Bézier from (0, 0) to (1, 1), in polynomial form: `x(t) = ((ax·t + bx)·t + cx)·t`,
/// likewise `y(t)`. WebKit's `UnitBezier`.
#[derive(Clone, Copy, Debug)]
struct UnitBezier {
    ax: f64,
    bx: f64,
    cx: f64,
    ay: f64,
    by: f64,
    cy: f64,
}

impl UnitBezier {
    fn new(x1: f64, y1: f64, x2: f64, y2: f64) -> Self {
        let x1 = if x1.is_nan() { 0.0 } else { x1.clamp(0.0, 1.0) };
        let x2 = if x2.is_nan() { 1.0 } else { x2.clamp(0.0, 1.0) };
        let y1 = if y1.is_finite() { y1 } else { 0.0 };
        let y2 = if y2.is_finite() { y2 } else { 1.0 };
        let cx = 3.0 * x1;
        let bx = 3.0 * (x2 - x1) - cx;
        let ax = 1.0 - cx - bx;
        let cy = 3.0 * y1;
        let by = 3.0 * (y2 - y1) - cy;
        let ay = 1.0 - cy - by;
        Self { ax, bx, cx, ay, by, cy }
    }

    fn x(&self, t: f64) -> f64 {
        ((self.ax * t + self.bx) * t + self.cx) * t
    }

    fn y(&self, t: f64) -> f64 {
        ((self.ay * t + self.by) * t + self.cy) * t
    }

    fn dx(&self, t: f64) -> f64 {
        (3.0 * self.ax * t + 2.0 * self.bx) * t + self.cx
    }

    fn dy(&self, t: f64) -> f64 {
        (3.0 * self.ay * t + 2.0 * self.by) * t + self.cy
    }

    /// The `t` at which `x(t) == x`, within [`SOLVE_EPSILON`].
    fn t_for_x(&self, x: f64) -> f64 {
        // Newton's method: fast, and converges for all but the flattest curves.
        let mut t = x;
        for _ in 0..8 {
            let error = self.x(t) - x;
            if error.abs() < SOLVE_EPSILON {
                return t;
            }
            let d = self.dx(t);
            if d.abs() < 1e-6 {
                break;
            }
            t -= error / d;
        }
        // Bisection: x(t) is monotonic on 0–1 since x1 and x2 are in 0–1.
        let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
        t = x.clamp(lo, hi);
        for _ in 0..64 {
            let value = self.x(t);
            if (value - x).abs() < SOLVE_EPSILON {
                break;
            }
            if x > value {
                lo = t;
            } else {
                hi = t;
            }
            t = lo + (hi - lo) * 0.5;
        }
        t
    }

    fn solve(&self, x: f64) -> f64 {
        self.y(self.t_for_x(x))
    }

    /// dy/dx at `x`: (dy/dt) / (dx/dt). Where dx/dt vanishes (an end with its control point on
    /// it) the slope is the limit, approached by moving `t` a hair inside.
    fn slope(&self, x: f64) -> f64 {
        let mut t = self.t_for_x(x);
        let mut dx = self.dx(t);
        if dx.abs() < 1e-9 {
            t = t.clamp(1e-4, 1.0 - 1e-4);
            dx = self.dx(t);
        }
        if dx.abs() < 1e-12 {
            return 0.0;
        }
        let slope = self.dy(t) / dx;
        if slope.is_finite() { slope.clamp(-1e6, 1e6) } else { 0.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CURVES: [Easing; 6] = [
        Easing::Linear,
        Easing::Ease,
        Easing::EaseIn,
        Easing::EaseOut,
        Easing::EaseInOut,
        Easing::cubic_bezier(0.34, 1.56, 0.64, 1.0),
    ];

    fn assert_close(actual: f32, expected: f32, tolerance: f32) {
        assert!((actual - expected).abs() <= tolerance, "{actual} is not within {tolerance} of {expected}");
    }

    /// References from a 200-step bisection of the Bézier in f64 (outside this code).
    #[test]
    fn named_curves_match_css() {
        let cases: [(Easing, [f32; 5]); 5] = [
            (Easing::Ease, [0.0947963, 0.4085106, 0.8024034, 0.960459, 0.9943165]),
            (Easing::EaseIn, [0.0170266, 0.0934647, 0.3153568, 0.6218619, 0.8394278]),
            (Easing::EaseOut, [0.1605722, 0.3781381, 0.6846432, 0.9065353, 0.9829734]),
            (Easing::EaseInOut, [0.0197225, 0.1291619, 0.5, 0.8708381, 0.9802775]),
            (
                Easing::cubic_bezier(0.34, 1.56, 0.64, 1.0),
                [0.403933, 0.8162892, 1.0874007, 1.0596469, 1.0126156],
            ),
        ];
        for (curve, expected) in cases {
            for (x, y) in [0.1, 0.25, 0.5, 0.75, 0.9].into_iter().zip(expected) {
                assert_close(curve.apply(x), y, 2e-5);
            }
        }
        assert_close(Easing::Linear.apply(0.37), 0.37, 0.0);
    }

    #[test]
    fn ends_are_exact_and_progress_is_clamped() {
        for curve in CURVES.into_iter().chain([Easing::Steps(3), Easing::cubic_bezier(0.0, 0.0, 0.0, 0.0)]) {
            assert_eq!(curve.apply(0.0), 0.0, "{curve:?}");
            assert_eq!(curve.apply(1.0), 1.0, "{curve:?}");
            assert_eq!(curve.apply(-2.0), 0.0, "{curve:?}");
            assert_eq!(curve.apply(7.0), 1.0, "{curve:?}");
            assert_eq!(curve.apply(f32::NAN), 0.0, "{curve:?}");
        }
    }

    #[test]
    fn beziers_in_the_unit_square_are_monotonic() {
        let points = [0.0, 0.1, 0.25, 0.42, 0.5, 0.58, 0.9, 1.0];
        for x1 in points {
            for y1 in points {
                for x2 in points {
                    for y2 in points {
                        let curve = Easing::cubic_bezier(x1, y1, x2, y2);
                        let mut previous = 0.0;
                        for i in 0..=400 {
                            let y = curve.apply(i as f32 / 400.0);
                            assert!(y >= previous - 2e-6, "{curve:?} decreases at {i}/400: {previous} → {y}");
                            assert!(y.is_finite());
                            previous = y;
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn bisection_fallback_handles_flat_curves() {
        // dx/dt is 0 at t = 0.5: Newton stalls there, bisection finishes.
        let curve = Easing::cubic_bezier(1.0, 0.0, 0.0, 1.0);
        for i in 0..=100 {
            let x = i as f64 / 100.0;
            let bezier = curve.bezier().expect("a Bézier");
            let t = bezier.t_for_x(x);
            assert!((bezier.x(t) - x).abs() < 1e-5, "x({t}) = {} for {x}", bezier.x(t));
        }
        assert_close(curve.apply(0.5), 0.5, 1e-5);
    }

    #[test]
    fn slope_matches_finite_differences() {
        for curve in CURVES {
            for i in 1..20 {
                let p = i as f32 / 20.0;
                let h = 1e-3;
                let numeric = (curve.apply(p + h) - curve.apply(p - h)) / (2.0 * h);
                assert_close(curve.slope(p), numeric, 2e-2 * numeric.abs().max(1.0));
            }
        }
        // Ends whose control point sits on them: the limit of the slope.
        assert_close(Easing::EaseOut.slope(0.0), 1.0 / 0.58, 1e-2);
        assert_close(Easing::EaseIn.slope(1.0), 1.0 / 0.58, 1e-2);
        assert_close(Easing::Ease.slope(0.0), 0.4, 1e-3);
        assert_close(Easing::Linear.slope(0.3), 1.0, 0.0);
    }

    #[test]
    fn steps_jump_at_the_end_of_each_interval() {
        let steps = Easing::Steps(4);
        assert_eq!(steps.apply(0.2), 0.0);
        assert_eq!(steps.apply(0.25), 0.25);
        assert_eq!(steps.apply(0.6), 0.5);
        assert_eq!(steps.apply(0.99), 0.75);
        assert_eq!(steps.apply(1.0), 1.0);
        assert_eq!(Easing::Steps(0).apply(0.5), 0.0);
        assert_eq!(steps.slope(0.3), 0.0);
    }
}
