//! What can be animated: values with a linear interpolation and a vector form for springs.

use crate::color::Color;
use crate::scene::ComputedRect;

/// The vector form of an animated value: what springs and velocities compute in.
///
/// Implemented for `f32` and `[f32; N]`, componentwise.
pub trait VectorSpace: Copy + Default + PartialEq + std::fmt::Debug {
    /// `self + other`.
    fn add(self, other: Self) -> Self;
    /// `self − other`.
    fn sub(self, other: Self) -> Self;
    /// `self · factor`.
    fn scale(self, factor: f32) -> Self;
    /// The Euclidean length.
    fn length(self) -> f32;
}

impl VectorSpace for f32 {
    fn add(self, other: Self) -> Self {
        self + other
    }

    fn sub(self, other: Self) -> Self {
        self - other
    }

    fn scale(self, factor: f32) -> Self {
        self * factor
    }

    fn length(self) -> f32 {
        self.abs()
    }
}

impl<const N: usize> VectorSpace for [f32; N]
where
    [f32; N]: Default,
{
    fn add(self, other: Self) -> Self {
        std::array::from_fn(|i| self[i] + other[i])
    }

    fn sub(self, other: Self) -> Self {
        std::array::from_fn(|i| self[i] - other[i])
    }

    fn scale(self, factor: f32) -> Self {
        self.map(|x| x * factor)
    }

    fn length(self) -> f32 {
        self.iter().map(|x| x * x).sum::<f32>().sqrt()
    }
}

/// A value that can be animated: a tween interpolates it, a spring moves its vector form.
///
/// Motions keep their state in the vector form and convert back on every sample, so a type
/// may round or clamp in [`from_vector`](Animatable::from_vector) (a colour's channels, a
/// rectangle's size) without the rounding accumulating or breaking continuity on retarget.
pub trait Animatable: Copy + PartialEq + std::fmt::Debug {
    /// The vector form.
    type Vector: VectorSpace;

    /// How close, in the vector form's units, a spring must come to its target (and how slow,
    /// per second, divided by its natural frequency) to count as arrived. It then snaps to
    /// the target, so this should be below what is visible.
    const REST_EPSILON: f32;

    /// The vector form.
    fn to_vector(self) -> Self::Vector;

    /// The value from its vector form, which may be out of the value's range (springs
    /// overshoot): clamp or round as the type needs.
    fn from_vector(vector: Self::Vector) -> Self;

    /// Linear interpolation: `a` at `t = 0`, `b` at `t = 1` (both exactly), extrapolated
    /// outside 0–1 (overshooting curves).
    fn lerp(a: Self, b: Self, t: f32) -> Self {
        Self::from_vector(lerp_vector(a.to_vector(), b.to_vector(), t))
    }

    /// The distance between two values, in the vector form.
    fn distance(a: Self, b: Self) -> f32 {
        b.to_vector().sub(a.to_vector()).length()
    }
}

/// `(1 − t)·a + t·b`: exact at both ends.
pub(crate) fn lerp_vector<V: VectorSpace>(a: V, b: V, t: f32) -> V {
    a.scale(1.0 - t).add(b.scale(t))
}

/// A plain number: opacity, scale, a rotation, a length in pixels…
impl Animatable for f32 {
    type Vector = f32;
    const REST_EPSILON: f32 = 1e-3;

    fn to_vector(self) -> f32 {
        self
    }

    fn from_vector(vector: f32) -> Self {
        vector
    }
}

/// A point or a size.
impl Animatable for [f32; 2] {
    type Vector = [f32; 2];
    const REST_EPSILON: f32 = 1e-3;

    fn to_vector(self) -> Self {
        self
    }

    fn from_vector(vector: Self) -> Self {
        vector
    }
}

/// A rectangle as `[x, y, width, height]`, or any four numbers (corner radii, edges…).
impl Animatable for [f32; 4] {
    type Vector = [f32; 4];
    const REST_EPSILON: f32 = 1e-3;

    fn to_vector(self) -> Self {
        self
    }

    fn from_vector(vector: Self) -> Self {
        vector
    }
}

/// A layout rectangle, as `[x, y, width, height]` in pixels. Width and height are clamped at 0
/// (a spring may overshoot a shrinking box past nothing).
impl Animatable for ComputedRect {
    type Vector = [f32; 4];
    const REST_EPSILON: f32 = 1e-2;

    fn to_vector(self) -> [f32; 4] {
        [self.x, self.y, self.width, self.height]
    }

    fn from_vector([x, y, width, height]: [f32; 4]) -> Self {
        ComputedRect { x, y, width: width.max(0.0), height: height.max(0.0) }
    }
}

/// A colour, as its straight (not premultiplied) RGBA channels in 0–255, each interpolated on
/// its own and rounded to the nearest integer (clamped to 0–255).
impl Animatable for Color {
    type Vector = [f32; 4];
    const REST_EPSILON: f32 = 0.1;

    fn to_vector(self) -> [f32; 4] {
        self.0.to_be_bytes().map(f32::from)
    }

    fn from_vector(vector: [f32; 4]) -> Self {
        Color(u32::from_be_bytes(vector.map(|channel| {
            // NaN maps to 0 through the saturating cast.
            channel.round().clamp(0.0, 255.0) as u8
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lerp_is_exact_at_both_ends() {
        for (a, b) in [(0.1_f32, 0.7_f32), (-1e6, 3.3), (1e-3, 1e6)] {
            assert_eq!(f32::lerp(a, b, 0.0), a);
            assert_eq!(f32::lerp(a, b, 1.0), b);
        }
        let (a, b) = ([0.3, 1e5, -2.0, 7.1], [9.9, -0.1, 3.3, 0.0]);
        assert_eq!(<[f32; 4]>::lerp(a, b, 0.0), a);
        assert_eq!(<[f32; 4]>::lerp(a, b, 1.0), b);
        assert_eq!(<[f32; 2]>::lerp([0.0, 10.0], [10.0, 0.0], 0.25), [2.5, 7.5]);
        assert_eq!(f32::lerp(0.0, 10.0, 1.5), 15.0);
    }

    #[test]
    fn vector_operations_are_componentwise() {
        let (a, b) = ([1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 0.5, 0.5]);
        assert_eq!(a.add(b), [1.5, 2.5, 3.5, 4.5]);
        assert_eq!(a.sub(b), [0.5, 1.5, 2.5, 3.5]);
        assert_eq!(a.scale(2.0), [2.0, 4.0, 6.0, 8.0]);
        assert_eq!([3.0, 4.0].length(), 5.0);
        assert_eq!((-2.0_f32).length(), 2.0);
        assert_eq!(<[f32; 2]>::distance([0.0, 0.0], [3.0, 4.0]), 5.0);
    }

    #[test]
    fn colours_interpolate_straight_channels_and_round() {
        let (a, b) = (Color::rgba(0, 100, 255, 255), Color::rgba(255, 101, 0, 0));
        assert_eq!(Color::lerp(a, b, 0.0), a);
        assert_eq!(Color::lerp(a, b, 1.0), b);
        // 127.5 rounds away from zero; 100.5 too; alpha 127.5 → 128.
        assert_eq!(Color::lerp(a, b, 0.5), Color::rgba(128, 101, 128, 128));
        assert_eq!(Color::lerp(a, b, 0.25), Color::rgba(64, 100, 191, 191));
        assert_eq!(Color::WHITE.to_vector(), [255.0; 4]);
        assert_eq!(Color::from_vector([-20.0, 300.0, f32::NAN, 254.6]), Color::rgba(0, 255, 0, 255));
        assert_eq!(Color::distance(Color::BLACK, Color::rgb(3, 4, 0)), 5.0);
    }

    #[test]
    fn rectangles_interpolate_and_keep_a_non_negative_size() {
        let a = ComputedRect { x: 0.0, y: 10.0, width: 100.0, height: 50.0 };
        let b = ComputedRect { x: 40.0, y: 0.0, width: 0.0, height: 150.0 };
        assert_eq!(
            ComputedRect::lerp(a, b, 0.5),
            ComputedRect { x: 20.0, y: 5.0, width: 50.0, height: 100.0 }
        );
        assert_eq!(ComputedRect::lerp(a, b, 1.0), b);
        let overshoot = ComputedRect::lerp(a, b, 1.2);
        assert_eq!(overshoot.width, 0.0);
        assert!((overshoot.height - 170.0).abs() < 1e-3);
        assert_eq!(ComputedRect::from_vector(a.to_vector()), a);
    }
}
