//! Pinned compiler output for misuse of `view!` and `#[component]`: each case in `compile_fail/`
//! with its `.stderr`.
//!
//! Most cases fail while a macro parses, so their expansion is only `compile_error!`s and they do
//! not need `touchline_ui`. The `unknown_*`/`wrong_*` cases check where the compiler's own errors land
//! in real `view!` expansions, against the stand-in API in `support/mock_ui.rs`; the `component_*`
//! cases that get past the macros (unknown, missing or mistyped props) compile against the real
//! `touchline_ui`, a dev-dependency, so they pin what page authors will see from the typed builder.
//!
//! Refresh the goldens with `TRYBUILD=overwrite cargo test -p touchline-macros --test compile_fail`
//! and review every changed `.stderr` by eye: the message and the `^^^` span must both be right.

#[test]
fn compile_fail() {
    trybuild::TestCases::new().compile_fail("tests/compile_fail/*.rs");
}
