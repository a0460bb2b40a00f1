//! Every mistake is reported with a short, actionable message at the right token.

mod common;

use common::{Reported, col, error, errors};

/// Asserts the single error of `src`: its message, and that it starts at the first `at` in `src`.
fn rejects(src: &str, message: &str, at: &str) {
    let (got, column) = error(src);
    assert_eq!(got, message, "message for `{src}`");
    assert_eq!(column, col(src, at), "column for `{src}` (expected at `{at}`)");
}

const BRACES: &str = "expected a literal, a path or `{...}`; wrap the expression in braces:";
const TEXT: &str = "text must be a string literal: \"...\"; expressions go in braces: {...}";

#[test]
fn mismatched_closing_tag() {
    rejects("<row></column>", "mismatched closing tag: expected `</row>`, found `</column>`", "column");
    rejects("<><row/></row>", "mismatched closing tag: expected `</>`, found `</row>`", "row>");
    rejects("<row></>", "mismatched closing tag: expected `</row>`, found `</>`", "</>");
}

#[test]
fn unclosed_tag() {
    rejects("<row gap=1>\"a\"", "`<row>` is never closed; add `</row>` or write `<row/>`", "<row");
    rejects("<>", "`<>` is never closed; add `</>`", "<>");
    rejects("<Card>", "`<Card>` is never closed; add `</Card>` or write `<Card/>`", "<Card");
    // Closing an outer tag while an inner one is open points at the inner one.
    rejects(
        "<column><row><text/></column>",
        "`<row>` is never closed; add `</row>` or write `<row/>`",
        "<row",
    );
}

#[test]
fn stray_closing_tag() {
    rejects("<row/></row>", "stray closing tag `</row>`: no `<row>` is open here; remove it", "</row>");
    rejects("</>", "stray closing tag `</>`: no `<>` is open here; remove it", "</>");
}

#[test]
fn unfinished_tags() {
    rejects("<row gap=1", "unfinished tag `<row`: end it with `>` or `/>`", "<row");
    rejects("<row/ gap=1>", "expected `>` after `/` to close `<row .../>`", "/");
    rejects("<row></row", "expected `>` to finish the closing tag `</row`", "</row");
    rejects("<row></row x>", "expected `>` to finish the closing tag `</row`", "x>");
}

#[test]
fn expression_values_need_braces() {
    rejects("<row gap=a + b/>", &format!("{BRACES} `gap={{...}}`"), "a +");
    rejects("<box on_select=move || go()/>", &format!("{BRACES} `on_select={{...}}`"), "move");
    rejects("<box on_select=|| go()/>", &format!("{BRACES} `on_select={{...}}`"), "||");
    rejects("<row gap=f(1)/>", &format!("{BRACES} `gap={{...}}`"), "f(");
    rejects("<row gap=&x/>", &format!("{BRACES} `gap={{...}}`"), "&x");
    rejects("<row gap=-x/>", &format!("{BRACES} `gap={{...}}`"), "-x");
    rejects("<row gap=pair.0/>", &format!("{BRACES} `gap={{...}}`"), "pair");
    rejects("<row gap=1 + 2/>", &format!("{BRACES} `gap={{...}}`"), "1 +");
    rejects("<row gap={a} + 2/>", &format!("{BRACES} `gap={{...}}`"), "{a}");
    rejects("<row gap=vec![1]/>", &format!("{BRACES} `gap={{...}}`"), "vec");
}

#[test]
fn missing_value() {
    rejects("<row gap=/>", "missing value after `gap=`: write `gap=24`, `gap=\"text\"` or `gap={expr}`", "=");
    rejects(
        "<row gap=>\"\"</row>",
        "missing value after `gap=`: write `gap=24`, `gap=\"text\"` or `gap={expr}`",
        "=",
    );
}

#[test]
fn colon_instead_of_equals() {
    rejects("<row gap: 4/>", "use `=` to set an attribute: `gap=...`", ":");
}

#[test]
fn unexpected_token_in_a_tag() {
    rejects(
        "<row {x}/>",
        "unexpected `{...}` in `<row>`: expected an attribute `name=value`, `>` or `/>`",
        "{x}",
    );
    rejects(
        "<row \"a\"/>",
        "unexpected `\"a\"` in `<row>`: expected an attribute `name=value`, `>` or `/>`",
        "\"a\"",
    );
}

#[test]
fn unexpected_token_in_children() {
    rejects("<text>Hello world</text>", &format!("unexpected `Hello`: {TEXT}"), "Hello");
    rejects("<text>42</text>", &format!("unexpected `42`: {TEXT}"), "42");
    rejects("<text>(a)</text>", &format!("unexpected `(...)`: {TEXT}"), "(a)");
    rejects("name", &format!("unexpected `name`: {TEXT}"), "name");
}

#[test]
fn attribute_given_twice() {
    rejects("<row gap=1 gap=2/>", "attribute `gap` is given twice; remove one", "gap=2");
    rejects("<Tile a b a/>", "attribute `a` is given twice; remove one", "a/>");
    // `r#type` and `type` are the same attribute.
    rejects("<input type=1 r#type=2/>", "attribute `type` is given twice; remove one", "r#type");
}

#[test]
fn bad_tag_names() {
    rejects(
        "<textBox/>",
        "element names are lowercase: `<text_box>`; a component starts with an uppercase letter: `<TextBox>`",
        "textBox",
    );
    rejects(
        "<_row/>",
        "invalid tag name `_row`: element names start with a lowercase letter, component names with an uppercase one",
        "_row",
    );
    rejects("<self/>", "`self` cannot be a tag name", "self");
    rejects("<Self/>", "`Self` cannot be a tag name", "Self");
    rejects("<row-item/>", "tag names cannot contain `-`; use `_`: `<row_item>`", "row-item");
    rejects("<123/>", "expected a tag name after `<`, like `<row>` or `<ProfileTile>`", "123");
    rejects("<", "expected a tag name after `<`, like `<row>` or `<ProfileTile>`", "<");
}

#[test]
fn bad_attribute_names() {
    rejects("<box on-select={f}/>", "attribute names cannot contain `-`; use `_`: `on_select`", "on-select");
    rejects("<box self=1/>", "`self` cannot be an attribute name", "self");
}

#[test]
fn empty_braces() {
    rejects("<row gap={}/>", "empty braces: put an expression inside `{...}` or remove them", "{}");
    rejects("<row>{}</row>", "empty braces: put an expression inside `{...}` or remove them", "{}");
}

#[test]
fn children_twice_on_a_component() {
    rejects(
        "<Card children={c}>\"x\"</Card>",
        "`children` is given both as an attribute and as nested content; keep one",
        "children",
    );
}

#[test]
fn invalid_rust_inside_braces_is_reported_by_syn() {
    let all = errors("<row>{a +}</row>");
    assert_eq!(all.len(), 1, "{all:?}");
}

#[test]
fn recoverable_errors_are_all_reported_then_the_fatal_one() {
    let src = "<row gap=1 gap=2>\n  <textBox a a/>\n</column>";
    let all = errors(src);
    let expected = [
        ("attribute `gap` is given twice; remove one", 1, col(src, "gap=2")),
        (
            "element names are lowercase: `<text_box>`; a component starts with an uppercase letter: `<TextBox>`",
            2,
            3,
        ),
        ("attribute `a` is given twice; remove one", 2, 13),
        ("mismatched closing tag: expected `</row>`, found `</column>`", 3, 2),
    ];
    let expected: Vec<Reported> = expected
        .into_iter()
        .map(|(message, line, column)| Reported { message: message.into(), line, column })
        .collect();
    assert_eq!(all, expected);
}

#[test]
fn slot_outside_a_component() {
    rejects(
        "<row><slot:actions>\"x\"</slot:actions></row>",
        "`<slot:actions>` must be directly inside a component, like \
         `<Card><slot:actions>...</slot:actions></Card>`; here it is inside `<row>`",
        "<slot",
    );
    rejects(
        "<slot:actions/>",
        "`<slot:actions>` must be directly inside a component, like \
         `<Card><slot:actions>...</slot:actions></Card>`; here it is at the top level of `view!`",
        "<slot",
    );
    rejects(
        "<Card><><slot:a/></></Card>",
        "`<slot:a>` must be directly inside a component, like `<Card><slot:a>...</slot:a></Card>`; \
         here it is inside `<>`",
        "<slot",
    );
    rejects(
        "<Card><slot:a><slot:b/></slot:a></Card>",
        "`<slot:b>` must be directly inside a component, like `<Card><slot:b>...</slot:b></Card>`; \
         here it is inside `<slot:a>`",
        "<slot:b",
    );
}

#[test]
fn slot_given_twice_or_also_as_an_attribute() {
    rejects(
        "<Card><slot:a>\"x\"</slot:a>\"y\"<slot:a/></Card>",
        "slot `a` is given twice; put all of its content in one `<slot:a>`",
        "a/>",
    );
    rejects(
        "<Card a={x}><slot:a/></Card>",
        "`a` is given both as an attribute and as a slot; keep one",
        "a/>",
    );
    rejects(
        "<Card><slot:children/></Card>",
        "`<slot:children>` is not needed: what `<Card>` encloses outside slots is its `children`; \
         put the content there",
        "children",
    );
}

#[test]
fn slot_with_attributes() {
    rejects(
        "<Card><slot:a gap=1 b>\"x\"</slot:a></Card>",
        "a slot takes no attributes: `<slot:a>` only names the prop its content fills; set props on \
         the component itself",
        "gap",
    );
}

#[test]
fn badly_written_slots() {
    rejects(
        "<Card><slot:a>\"x\"</slot:b></Card>",
        "mismatched closing tag: expected `</slot:a>`, found `</slot:b>`",
        "slot:b",
    );
    rejects(
        "<Card><slot:a>\"x\"</Card>",
        "`<slot:a>` is never closed; add `</slot:a>` or write `<slot:a/>`",
        "<slot",
    );
    rejects("<Card><slot::a/></Card>", "a slot is written with a single `:`: `<slot:NAME>`", "slot");
    rejects(
        "<Card><slot:/></Card>",
        "expected the name of the prop to fill after `slot:`, like `<slot:actions>`",
        "/>",
    );
    rejects(
        "<Card><slot:main-actions/></Card>",
        "slot names cannot contain `-`; use `_`: `<slot:main_actions>`",
        "main-actions",
    );
    rejects("<Card><slot:self/></Card>", "`self` cannot be a slot name", "self");
    rejects(
        "<Card><slot:a</Card>",
        "unexpected `<` in `<slot:a>`: expected an attribute `name=value`, `>` or `/>`",
        "</Card",
    );
}

#[test]
fn slot_mistakes_are_reported_with_the_others() {
    let src = "<row><slot:a/></row>\n<Card><slot:b/><slot:b x=1/></Card>";
    let all = errors(src);
    let messages: Vec<&str> = all.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{all:?}");
    assert!(messages[0].starts_with("`<slot:a>` must be directly inside a component"));
    assert!(messages[1].starts_with("a slot takes no attributes"));
    assert_eq!(messages[2], "slot `b` is given twice; put all of its content in one `<slot:b>`");
}
