use touchline_macros::component;
use touchline_ui::View;

/// A tile.
#[component]
fn profile_tile(name: String) -> View {
    drop(name);
    View::empty()
}

fn main() {}
