use touchline_macros::view;

fn main() {
    let _ = view! {
        <column>
            <row gap=8>
                <text>"a"</text>
        </column>
    };
}
