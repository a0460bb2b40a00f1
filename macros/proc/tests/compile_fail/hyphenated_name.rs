use touchline_macros::view;

fn main() {
    let _ = view! {
        <row>
            <box on-select={go} />
        </row>
    };
}
