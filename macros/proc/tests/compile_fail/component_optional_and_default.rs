use touchline_macros::component;
use touchline_ui::View;

/// A spacer.
#[component]
fn Spacer(#[prop(optional, default = 8.0)] size: f32) -> View {
    drop(size);
    View::empty()
}

fn main() {}
