use touchline_macros::view;

fn main() {
    let _ = view! {
        <column gap=24>
            <row>"a"</rwo>
        </column>
    };
}
