//! Identifier helpers: which names are Rust keywords and how to spell them in generated code.

use proc_macro2::Ident;

/// Strict and reserved keywords of edition 2024 (the ones that need `r#` to be used as a name).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be written as raw identifiers (`r#self` is not valid Rust).
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Whether `name` is a keyword (so it needs `r#` to be used as an identifier).
pub(crate) fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Whether `name` is a path keyword that no spelling turns into a plain identifier.
pub(crate) fn is_path_keyword(name: &str) -> bool {
    NOT_RAW.contains(&name)
}

/// `ident` (already without `r#`) as an identifier usable in generated code: raw for keywords.
///
/// Callers reject [`is_path_keyword`] names before this, so the raw form always exists.
pub(crate) fn rust_ident(ident: &Ident) -> Ident {
    let name = ident.to_string();
    if is_keyword(&name) && !is_path_keyword(&name) {
        Ident::new_raw(&name, ident.span())
    } else {
        ident.clone()
    }
}
