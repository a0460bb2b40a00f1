use touchline_macros::view;

fn main() {
    let _ = view! {
        <text size=32>Who is watching?</text>
    };
}
