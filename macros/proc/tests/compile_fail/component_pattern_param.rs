use touchline_macros::component;
use touchline_ui::View;

/// A dot.
#[component]
fn Dot((x, y): (f32, f32)) -> View {
    drop((x, y));
    View::empty()
}

fn main() {}
