//! Element properties that are either fixed or follow signals.

use std::rc::Rc;

use touchline_engine::Color;

/// A property value: fixed, or recomputed from signals.
#[derive(Clone)]
pub enum Prop<T> {
    /// A fixed value.
    Static(T),
    /// A closure reading signals; rerun when they change.
    Dynamic(Rc<dyn Fn() -> T>),
}

impl<T: Clone> Prop<T> {
    /// The value now (tracked when it follows signals).
    pub fn get(&self) -> T {
        match self {
            Prop::Static(v) => v.clone(),
            Prop::Dynamic(f) => f(),
        }
    }
}

impl<T: Default> Default for Prop<T> {
    fn default() -> Self {
        Prop::Static(T::default())
    }
}

impl<T> std::fmt::Debug for Prop<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Prop::Static(_) => f.write_str("Prop::Static"),
            Prop::Dynamic(_) => f.write_str("Prop::Dynamic"),
        }
    }
}

impl<T: 'static> Prop<T> {
    /// A property computing `f` of this one.
    pub fn map<U: 'static>(self, f: impl Fn(T) -> U + 'static) -> Prop<U> {
        match self {
            Prop::Static(v) => Prop::Static(f(v)),
            Prop::Dynamic(compute) => Prop::Dynamic(Rc::new(move || f(compute()))),
        }
    }
}

/// Values an element property accepts: the value itself or a closure returning it.
pub trait IntoProp<T> {
    /// Converts.
    fn into_prop(self) -> Prop<T>;
}

macro_rules! into_prop {
    ($($ty:ty),*) => {$(
        impl IntoProp<$ty> for $ty {
            fn into_prop(self) -> Prop<$ty> {
                Prop::Static(self)
            }
        }
        impl<F: Fn() -> $ty + 'static> IntoProp<$ty> for F {
            fn into_prop(self) -> Prop<$ty> {
                Prop::Dynamic(Rc::new(self))
            }
        }
    )*};
}

into_prop!(Color, String, f32, f64, [f32; 2], bool, u64, usize);

impl<T> IntoProp<T> for Prop<T> {
    fn into_prop(self) -> Prop<T> {
        self
    }
}

impl IntoProp<f32> for i32 {
    fn into_prop(self) -> Prop<f32> {
        Prop::Static(self as f32)
    }
}

impl IntoProp<String> for &str {
    fn into_prop(self) -> Prop<String> {
        Prop::Static(self.to_owned())
    }
}
