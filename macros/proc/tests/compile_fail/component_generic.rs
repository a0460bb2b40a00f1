use touchline_macros::component;
use touchline_ui::{IntoView, View};

/// A list.
#[component]
fn List<T: IntoView>(items: Vec<T>) -> View {
    items.into_view()
}

fn main() {}
