use touchline_macros::view;

fn main() {
    let _ = view! {
        <box focusable on_select=move || println!("go") />
    };
}
