use touchline_macros::component;
use touchline_ui::{View, view};

/// A tile.
#[component]
fn Tile(#[prop(default = 1.0)] scale: f32, selected: bool) -> View {
    drop((scale, selected));
    View::empty()
}

fn main() {
    let _ = view! {
        <Tile scale="big" selected />
    };
}
