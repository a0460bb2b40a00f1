//! Pinned compiler output for misuse of `view!`: each case in `compile_fail/` with its `.stderr`.
//!
//! Most cases fail while the macro parses, so their expansion is only `compile_error!`s and they do
//! not need `touchline_ui`. The `unknown_*`/`wrong_*` cases check where the compiler's own errors land
//! in real expansions, against the stand-in API in `support/mock_ui.rs`.
//!
//! Refresh the goldens with `TRYBUILD=overwrite cargo test -p touchline-macros --test compile_fail`
//! and review every changed `.stderr` by eye: the message and the `^^^` span must both be right.

#[test]
fn compile_fail() {
    trybuild::TestCases::new().compile_fail("tests/compile_fail/*.rs");
}
