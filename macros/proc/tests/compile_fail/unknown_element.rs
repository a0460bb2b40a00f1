// Checks where the compiler's own errors land in a real expansion, against the stand-in API.
extern crate self as touchline_ui;
include!("../support/mock_ui.rs");

use touchline_macros::view;

fn main() {
    let _ = view! {
        <column gap=8>
            <rwo />
        </column>
    };
}
