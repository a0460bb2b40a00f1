use touchline_macros::component;
use touchline_ui::{Callback, Prop, View, view};

/// A button.
#[component]
fn Button(label: Prop<String>, on_select: Callback) -> View {
    drop((label, on_select));
    View::empty()
}

fn main() {
    let _ = view! {
        <row>
            <Button on_select={|_| ()} />
        </row>
    };
}
