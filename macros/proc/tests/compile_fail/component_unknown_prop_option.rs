use touchline_macros::component;
use touchline_ui::View;

/// A label.
#[component]
fn Label(#[prop(strip_option)] text: Option<String>) -> View {
    drop(text);
    View::empty()
}

fn main() {}
