//! Rectangles and directions as the focus engine sees them: whole pixels, as layout rounds.

/// A direction of travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Towards smaller y.
    Up,
    /// Towards larger y.
    Down,
    /// Towards smaller x.
    Left,
    /// Towards larger x.
    Right,
}

impl Direction {
    /// All four, in the order `up, down, left, right` (the index of [`Self::index`]).
    pub const ALL: [Self; 4] = [Self::Up, Self::Down, Self::Left, Self::Right];

    /// A stable index, for per-direction tables.
    pub fn index(self) -> usize {
        match self {
            Self::Up => 0,
            Self::Down => 1,
            Self::Left => 2,
            Self::Right => 3,
        }
    }

    /// Left or right.
    pub fn is_horizontal(self) -> bool {
        matches!(self, Self::Left | Self::Right)
    }

    /// The direction back.
    pub fn opposite(self) -> Self {
        match self {
            Self::Up => Self::Down,
            Self::Down => Self::Up,
            Self::Left => Self::Right,
            Self::Right => Self::Left,
        }
    }

    /// The name used in case files and logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
            Self::Left => "left",
            Self::Right => "right",
        }
    }

    /// Parses a name of [`Self::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// A set of directions (scope boundaries, wrapping).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirectionSet(u8);

impl DirectionSet {
    /// No direction.
    pub const NONE: Self = Self(0);
    /// Every direction.
    pub const ALL: Self = Self(0b1111);

    /// The set holding `dirs`.
    pub fn of(dirs: &[Direction]) -> Self {
        Self(dirs.iter().fold(0, |bits, d| bits | 1 << d.index()))
    }

    /// Whether `dir` is in the set.
    pub fn contains(self, dir: Direction) -> bool {
        self.0 & (1 << dir.index()) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// A rectangle in whole viewport pixels, by its edges (`right` and `bottom` exclusive).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FocusRect {
    /// Left edge.
    pub left: i32,
    /// Top edge.
    pub top: i32,
    /// Right edge.
    pub right: i32,
    /// Bottom edge.
    pub bottom: i32,
}

impl FocusRect {
    /// A rectangle from its origin and size.
    pub fn new(x: i32, y: i32, width: i32, height: i32) -> Self {
        Self { left: x, top: y, right: x.saturating_add(width), bottom: y.saturating_add(height) }
    }

    /// Layout's float box, rounded to whole pixels edge by edge.
    pub fn from_f32(x: f32, y: f32, width: f32, height: f32) -> Self {
        // `as` saturates, so NaN and infinities cannot produce garbage edges.
        Self {
            left: x.round() as i32,
            top: y.round() as i32,
            right: (x + width).round() as i32,
            bottom: (y + height).round() as i32,
        }
    }

    /// Width.
    pub fn width(&self) -> i32 {
        self.right - self.left
    }

    /// Height.
    pub fn height(&self) -> i32 {
        self.bottom - self.top
    }

    /// Whether `other` lies inside this rectangle (edges may touch).
    pub fn contains(&self, other: &Self) -> bool {
        self.left <= other.left
            && self.top <= other.top
            && self.right >= other.right
            && self.bottom >= other.bottom
    }

    /// Whether the two share area.
    pub fn intersects(&self, other: &Self) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }

    /// Whether the two share area or touch.
    pub fn intersects_inclusively(&self, other: &Self) -> bool {
        self.left <= other.right
            && other.left <= self.right
            && self.top <= other.bottom
            && other.top <= self.bottom
    }

    /// The shared area in square pixels (0 when disjoint).
    pub fn overlap_area(&self, other: &Self) -> i64 {
        let w = i64::from(self.right.min(other.right)) - i64::from(self.left.max(other.left));
        let h = i64::from(self.bottom.min(other.bottom)) - i64::from(self.top.max(other.top));
        if w > 0 && h > 0 { w * h } else { 0 }
    }

    /// Moved by `dx`, `dy`.
    pub fn offset(&self, dx: i32, dy: i32) -> Self {
        Self { left: self.left + dx, top: self.top + dy, right: self.right + dx, bottom: self.bottom + dy }
    }

    /// Mirrored horizontally within `frame` (right-to-left layout).
    pub fn mirrored_in(&self, frame: &Self) -> Self {
        let axis = frame.left + frame.right;
        Self { left: axis - self.right, right: axis - self.left, ..*self }
    }

    /// This rectangle moved to just outside `frame`'s edge opposite to `dir`, touching it:
    /// where a wrapping search starts again.
    pub fn wrapped_into(&self, frame: &Self, dir: Direction) -> Self {
        match dir {
            Direction::Right => self.offset(frame.left - self.right, 0),
            Direction::Left => self.offset(frame.right - self.left, 0),
            Direction::Down => self.offset(0, frame.top - self.bottom),
            Direction::Up => self.offset(0, frame.bottom - self.top),
        }
    }
}
