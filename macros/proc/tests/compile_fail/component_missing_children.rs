use touchline_macros::component;
use touchline_ui::{Children, View, view};

/// A card around its content.
#[component]
fn Card(title: String, children: Children) -> View {
    drop(title);
    children.build()
}

fn main() {
    let _ = view! {
        <Card title="Empty" />
    };
}
