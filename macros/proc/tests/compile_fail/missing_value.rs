use touchline_macros::view;

fn main() {
    let _ = view! {
        <row gap= >"a"</row>
    };
}
