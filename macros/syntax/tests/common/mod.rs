//! Helpers shared by the syntax tests.

#![allow(dead_code)]

use proc_macro2::TokenStream;
use touchline_macros_syntax::{ViewBody, expand};

/// Parses `src` as a `view!` body, panicking with the messages if it does not parse.
pub fn parse(src: &str) -> ViewBody {
    match syn::parse_str::<ViewBody>(src) {
        Ok(body) => body,
        Err(e) => panic!(
            "`{src}` should parse, got: {:?}",
            e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>()
        ),
    }
}

/// Expands `src` and renders the result as a token string.
pub fn expand_str(src: &str) -> String {
    let tokens: TokenStream = src.parse().expect("test input must tokenize");
    expand(tokens).to_string()
}

/// One reported error: its message and where it starts (line, 0-based column).
#[derive(Debug, PartialEq, Eq)]
pub struct Reported {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// The errors `src` is rejected with, in order.
pub fn errors(src: &str) -> Vec<Reported> {
    match syn::parse_str::<ViewBody>(src) {
        Ok(_) => panic!("`{src}` should be rejected"),
        Err(e) => e
            .into_iter()
            .map(|e| {
                let start = e.span().start();
                Reported { message: e.to_string(), line: start.line, column: start.column }
            })
            .collect(),
    }
}

/// The single error `src` is rejected with, and its column (the input is one line).
pub fn error(src: &str) -> (String, usize) {
    let mut all = errors(src);
    assert_eq!(all.len(), 1, "`{src}` should give exactly one error, got {all:?}");
    let only = all.remove(0);
    (only.message, only.column)
}

/// The column at which `needle` first occurs in `src`.
pub fn col(src: &str, needle: &str) -> usize {
    src.find(needle).unwrap_or_else(|| panic!("`{needle}` is not in `{src}`"))
}
