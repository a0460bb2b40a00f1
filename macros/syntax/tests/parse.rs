//! The parser builds the right tree from well-formed input.

mod common;

use common::parse;
use quote::ToTokens;
use touchline_macros_syntax::{AttrValue, Attribute, Node, Slot};

fn value(attr: &Attribute) -> String {
    attr.value.expr().to_string()
}

fn names(attrs: &[Attribute]) -> Vec<String> {
    attrs.iter().map(Attribute::name).collect()
}

#[test]
fn empty_body_has_no_roots() {
    assert!(parse("").roots.is_empty());
}

#[test]
fn the_profile_picker_example() {
    let body = parse(
        r#"
        <column gap=24 padding=48 background=theme.surface>
            <text size=64 bold=true>"Who's watching?"</text>
            <row gap=32>
                {profiles.iter().map(|p| profile_tile(p.clone(), chosen)).collect::<Vec<_>>()}
            </row>
            <text size=32>{move || format!("Chosen: {}", chosen.get())}</text>
            <box focusable=true on_select={move || set_chosen.set(1)} />
        </column>
        "#,
    );
    let [Node::Element(column)] = body.roots.as_slice() else { panic!("one element root") };
    assert_eq!(column.name.name(), "column");
    assert_eq!(names(&column.attrs), ["gap", "padding", "background"]);
    assert!(matches!(column.attrs[2].value, AttrValue::Path(_)));
    assert_eq!(value(&column.attrs[2]), "theme . surface");
    assert!(!column.self_closing);

    let [Node::Element(title), Node::Element(row), Node::Element(chosen), Node::Element(tile)] =
        column.children.as_slice()
    else {
        panic!("four element children, got {:#?}", column.children)
    };
    assert_eq!(names(&title.attrs), ["size", "bold"]);
    assert!(matches!(&title.children[..], [Node::Text(t)] if t.value() == "Who's watching?"));
    assert!(matches!(&row.children[..], [Node::Expr(_)]));
    assert!(matches!(&chosen.children[..], [Node::Expr(e)] if matches!(e.expr, syn::Expr::Closure(_))));
    assert_eq!(tile.name.name(), "box");
    assert_eq!(tile.name.rust_ident().to_string(), "r#box");
    assert!(tile.self_closing && tile.children.is_empty());
    assert_eq!(names(&tile.attrs), ["focusable", "on_select"]);
    assert!(matches!(&tile.attrs[1].value, AttrValue::Braced(b) if matches!(b.expr, syn::Expr::Closure(_))));
}

#[test]
fn literal_values() {
    let body = parse(r#"<text a=24 b="x" c=true d=1.5 e=-3 f=-0.5 g='c' h=false />"#);
    let [Node::Element(text)] = body.roots.as_slice() else { panic!() };
    for attr in &text.attrs {
        assert!(matches!(attr.value, AttrValue::Lit { .. }), "{} should be a literal", attr.name());
    }
    let values: Vec<String> = text.attrs.iter().map(value).collect();
    assert_eq!(values, ["24", "\"x\"", "true", "1.5", "- 3", "- 0.5", "'c'", "false"]);
}

#[test]
fn path_values() {
    let body = parse(
        "<text a=size b=theme.surface c=Color::RED d=::std::f32::MAX e=self.theme.fg f=Self::X g=r#type />",
    );
    let [Node::Element(text)] = body.roots.as_slice() else { panic!() };
    for attr in &text.attrs {
        assert!(matches!(attr.value, AttrValue::Path(_)), "{} should be a path", attr.name());
    }
    let values: Vec<String> = text.attrs.iter().map(value).collect();
    assert_eq!(
        values,
        [
            "size",
            "theme . surface",
            "Color :: RED",
            ":: std :: f32 :: MAX",
            "self . theme . fg",
            "Self :: X",
            "r#type"
        ]
    );
}

#[test]
fn braced_values_keep_one_expression_or_become_a_block() {
    let body = parse("<box a={x + 1} b={ let y = 2; y * 3 } c={f(1)} />");
    let [Node::Element(b)] = body.roots.as_slice() else { panic!() };
    let exprs: Vec<&syn::Expr> = b
        .attrs
        .iter()
        .map(|a| match &a.value {
            AttrValue::Braced(braced) => &braced.expr,
            other => panic!("braced expected, got {other:?}"),
        })
        .collect();
    assert!(matches!(exprs[0], syn::Expr::Binary(_)));
    assert!(matches!(exprs[1], syn::Expr::Block(blk) if blk.block.stmts.len() == 2));
    assert!(matches!(exprs[2], syn::Expr::Call(_)));
    assert_eq!(value(&b.attrs[0]), "x + 1");
}

#[test]
fn bare_attribute_means_true() {
    let body = parse("<box focusable visible=false autofocus>\"x\"</box>");
    let [Node::Element(b)] = body.roots.as_slice() else { panic!() };
    assert!(matches!(b.attrs[0].value, AttrValue::Flag(_)));
    assert_eq!(value(&b.attrs[0]), "true");
    assert_eq!(value(&b.attrs[1]), "false");
    assert!(matches!(b.attrs[2].value, AttrValue::Flag(_)));
}

#[test]
fn keyword_names_are_accepted_and_raw_spellings_match_plain_ones() {
    let body = parse("<r#box type=1 r#for=2></box><box></r#box>");
    let [Node::Element(a), Node::Element(b)] = body.roots.as_slice() else { panic!() };
    assert_eq!(a.name.name(), "box");
    assert_eq!(b.name.name(), "box");
    assert_eq!(names(&a.attrs), ["type", "for"]);
    assert_eq!(a.attrs[0].rust_ident().to_string(), "r#type");
    assert_eq!(a.attrs[1].rust_ident().to_string(), "r#for");
}

#[test]
fn fragments_components_and_loose_roots() {
    let body = parse(
        r#"<><row/>"a"</> <ProfileTile profile=p wide/> <Card title="x"><text/></Card> "loose" {expr}"#,
    );
    let [Node::Fragment(frag), Node::Component(tile), Node::Component(card), Node::Text(_), Node::Expr(_)] =
        body.roots.as_slice()
    else {
        panic!("unexpected roots {:#?}", body.roots)
    };
    assert!(matches!(&frag.children[..], [Node::Element(_), Node::Text(_)]));
    assert_eq!(tile.name.to_string(), "ProfileTile");
    assert!(tile.self_closing && tile.children.is_empty());
    assert_eq!(names(&tile.attrs), ["profile", "wide"]);
    assert!(!card.self_closing);
    assert!(matches!(&card.children[..], [Node::Element(_)]));
}

#[test]
fn nested_tags_of_the_same_name() {
    let body = parse("<row><row><row/></row><row></row></row>");
    let [Node::Element(outer)] = body.roots.as_slice() else { panic!() };
    assert_eq!(outer.children.len(), 2);
    let Node::Element(first) = &outer.children[0] else { panic!() };
    assert_eq!(first.children.len(), 1);
}

#[test]
fn nodes_render_as_views() {
    let body = parse("<row/>");
    assert_eq!(
        body.roots[0].to_token_stream().to_string(),
        ":: touchline_ui :: IntoView :: into_view (:: touchline_ui :: elements :: row ())"
    );
}

#[test]
fn ref_and_other_keywords_are_attribute_names() {
    let body = parse("<row ref={my_ref} type=1 key=k move=2 />");
    let [Node::Element(row)] = body.roots.as_slice() else { panic!() };
    assert_eq!(names(&row.attrs), ["ref", "type", "key", "move"]);
    let idents: Vec<String> = row.attrs.iter().map(|a| a.rust_ident().to_string()).collect();
    assert_eq!(idents, ["r#ref", "r#type", "key", "r#move"]);
}

fn slot_names(slots: &[Slot]) -> Vec<String> {
    slots.iter().map(Slot::name).collect()
}

#[test]
fn slots_are_taken_out_of_a_component_children() {
    let body = parse(
        r#"<Button label="Play">
            "before"
            <slot:actions><text/>"more"</slot:actions>
            <row/>
            <slot:icon/>
            <slot:r#type>{kind}</slot:type>
            "after"
        </Button>"#,
    );
    let [Node::Component(button)] = body.roots.as_slice() else { panic!("one component root") };
    assert_eq!(names(&button.attrs), ["label"]);
    assert_eq!(slot_names(&button.slots), ["actions", "icon", "type"]);
    assert!(matches!(&button.children[..], [Node::Text(_), Node::Element(_), Node::Text(_)]));

    let [actions, icon, kind] = button.slots.as_slice() else { panic!() };
    assert!(matches!(&actions.children[..], [Node::Element(_), Node::Text(_)]));
    assert!(!actions.self_closing);
    assert!(icon.self_closing && icon.children.is_empty());
    assert!(matches!(&kind.children[..], [Node::Expr(_)]));
    assert_eq!(kind.rust_ident().to_string(), "r#type");
}

#[test]
fn a_component_with_only_slots_has_no_children() {
    let body = parse("<Card><slot:header>\"h\"</slot:header></Card>");
    let [Node::Component(card)] = body.roots.as_slice() else { panic!() };
    assert_eq!(slot_names(&card.slots), ["header"]);
    assert!(card.children.is_empty());
}

#[test]
fn slots_hold_components_with_their_own_slots() {
    let body = parse("<Page><slot:header><Bar><slot:end>\"x\"</slot:end></Bar></slot:header></Page>");
    let [Node::Component(page)] = body.roots.as_slice() else { panic!() };
    let [header] = page.slots.as_slice() else { panic!() };
    let [Node::Component(bar)] = header.children.as_slice() else { panic!() };
    assert_eq!(slot_names(&bar.slots), ["end"]);
}

#[test]
fn slot_is_still_an_ordinary_name_elsewhere() {
    // Only `<slot:NAME>` is a slot: `slot` alone is an element, and an attribute may be called `slot`.
    let body = parse("<slot slot=1></slot>");
    let [Node::Element(element)] = body.roots.as_slice() else { panic!() };
    assert_eq!(element.name.name(), "slot");
    assert_eq!(names(&element.attrs), ["slot"]);
}
