use touchline_macros::view;

fn main() {
    let _ = view! {
        <Card>
            <slot:actions gap=8>"More"</slot:actions>
        </Card>
    };
}
