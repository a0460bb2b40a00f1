use touchline_macros::view;

fn main() {
    let _ = view! {
        <column gap=1 gap=2>
            <textBox/>
        </row>
    };
}
