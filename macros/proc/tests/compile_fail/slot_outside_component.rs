use touchline_macros::view;

fn main() {
    let _ = view! {
        <row>
            <slot:actions>"More"</slot:actions>
        </row>
    };
}
