use touchline_macros::view;

fn main() {
    let _ = view! {
        <Card>
            <slot:actions>"More"</slot:actions>
            "Body"
            <slot:actions>"Less"</slot:actions>
        </Card>
    };
}
