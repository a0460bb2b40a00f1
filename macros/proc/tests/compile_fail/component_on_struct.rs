use touchline_macros::component;

/// A button's props, written by hand.
#[component]
pub struct Button {
    label: String,
}

fn main() {}
