use touchline_macros::view;

fn main() {
    let _ = view! {
        <textBox size=32 />
    };
}
