use touchline_macros::view;

fn main() {
    let _ = view! {
        <row gap=8 padding=4 gap=16 />
    };
}
