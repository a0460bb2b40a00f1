//! Parsing a `view!` body into the [`ast`](crate::ast).
//!
//! The tags are flat `<`, `/`, `>` punctuation in the token stream (not groups), so the parser walks
//! them in order and keeps a stack of the open tags to explain closing-tag mistakes and to check that
//! a `<slot:NAME>` sits directly inside a component. Mistakes that do not throw the parser off (an
//! attribute given twice, a badly cased name, empty braces, a misplaced slot) are collected and
//! parsing goes on, so one build shows them all; the others stop the parse at once.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{
    Block, Error, Expr, ExprBlock, Ident, Lit, LitFloat, LitInt, LitStr, Result, Token, braced, token,
};

use crate::ast::{
    AttrValue, Attribute, BracedExpr, Component, Element, Fragment, Node, Slot, TagName, ViewBody,
};
use crate::ident::{is_keyword, is_path_keyword};

impl Parse for ViewBody {
    fn parse(input: ParseStream) -> Result<Self> {
        let mut parser = Parser::default();
        let result = parser.body(input);
        parser.finish(result)
    }
}

/// The hint given for any value that is not a literal, a path or a braced block.
fn braces_hint(at: &TokenTree, name: &Ident) -> Error {
    Error::new(
        at.span(),
        format!("expected a literal, a path or `{{...}}`; wrap the expression in braces: `{name}={{...}}`"),
    )
}

/// A short rendering of a token for messages: groups are shown as `(...)`, `[...]`, `{...}`.
fn describe(tt: &TokenTree) -> String {
    match tt {
        TokenTree::Group(g) => match g.delimiter() {
            Delimiter::Parenthesis => "(...)".into(),
            Delimiter::Bracket => "[...]".into(),
            Delimiter::Brace => "{...}".into(),
            Delimiter::None => "...".into(),
        },
        TokenTree::Ident(i) => i.to_string(),
        TokenTree::Punct(p) => p.as_char().to_string(),
        TokenTree::Literal(l) => {
            let text = l.to_string();
            if text.chars().count() > 24 {
                format!("{}...", text.chars().take(20).collect::<String>())
            } else {
                text
            }
        }
    }
}

/// `textBox` -> `text_box`, for the hint on a camel-cased element name.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An open tag on the parser's stack.
#[derive(Clone)]
struct Open {
    /// The tag name (`row`, `Card`, `slot:actions`), `None` for a fragment `<>`.
    name: Option<String>,
    /// `<` and the name, to point at the opening tag.
    tokens: TokenStream,
    /// Whether the tag is a component's, whose direct children may be slots.
    component: bool,
}

impl Open {
    fn unclosed(&self) -> Error {
        let message = match &self.name {
            Some(name) => format!("`<{name}>` is never closed; add `</{name}>` or write `<{name}/>`"),
            None => "`<>` is never closed; add `</>`".to_string(),
        };
        Error::new_spanned(&self.tokens, message)
    }

    fn closing(&self) -> String {
        format!("</{}>", self.name.as_deref().unwrap_or(""))
    }

    /// Where a child of this tag is, for messages: "inside `<row>`".
    fn place(&self) -> String {
        format!("inside `<{}>`", self.name.as_deref().unwrap_or(""))
    }
}

/// A closing tag `</name>`, `</slot:name>` or `</>`.
struct Close {
    /// The name as written (`row`, `slot:actions`), `None` for `</>`.
    name: Option<String>,
    /// The tokens of the name, to point at it (empty for `</>`).
    name_tokens: TokenStream,
    /// The whole closing tag.
    tokens: TokenStream,
}

impl Close {
    fn text(&self) -> String {
        format!("</{}>", self.name.as_deref().unwrap_or_default())
    }

    fn parse(input: ParseStream) -> Result<Self> {
        let lt: Token![<] = input.parse()?;
        let slash: Token![/] = input.parse()?;
        let mut name_tokens = TokenStream::new();
        let name = if input.peek(Ident::peek_any) {
            let ident = input.call(Ident::parse_any)?.unraw();
            let mut label = ident.to_string();
            ident.to_tokens(&mut name_tokens);
            if label == "slot" && is_single_colon(input) && input.peek2(Ident::peek_any) {
                let colon: Token![:] = input.parse()?;
                let slot = input.call(Ident::parse_any)?.unraw();
                label = format!("slot:{slot}");
                name_tokens.extend(quote!(#colon #slot));
            }
            Some(label)
        } else {
            None
        };
        let mut tokens = quote!(#lt #slash #name_tokens);
        if !input.peek(Token![>]) {
            let label = name.as_deref().unwrap_or_default();
            let message = format!("expected `>` to finish the closing tag `</{label}`");
            return Err(match input.fork().parse::<TokenTree>() {
                Ok(tt) => Error::new(tt.span(), message),
                Err(_) => Error::new_spanned(tokens, message),
            });
        }
        let gt: Token![>] = input.parse()?;
        gt.to_tokens(&mut tokens);
        Ok(Close { name, name_tokens, tokens })
    }
}

/// Whether the next token is a lone `:` (not the first half of `::`).
fn is_single_colon(input: ParseStream) -> bool {
    input.peek(Token![:]) && !input.peek(Token![::])
}

/// What a child can be: a node, or a slot that only a component takes.
enum Parsed {
    Node(Node),
    Slot(Slot),
}

/// The nodes among `children`: the slots were reported where they were parsed (only a component's
/// children keep theirs).
fn nodes_only(children: Vec<Parsed>) -> Vec<Node> {
    children
        .into_iter()
        .filter_map(|child| match child {
            Parsed::Node(node) => Some(node),
            Parsed::Slot(_) => None,
        })
        .collect()
}

/// Parser state: the recoverable errors found so far.
#[derive(Default)]
struct Parser {
    errors: Vec<Error>,
}

impl Parser {
    /// Combines the recoverable errors with the outcome of the parse, in source order.
    fn finish<T>(self, result: Result<T>) -> Result<T> {
        let mut errors = self.errors.into_iter().chain(result.as_ref().err().cloned());
        match errors.next() {
            None => result,
            Some(mut first) => {
                first.extend(errors);
                Err(first)
            }
        }
    }

    fn body(&mut self, input: ParseStream) -> Result<ViewBody> {
        let mut roots = Vec::new();
        let mut stack = Vec::new();
        while !input.is_empty() {
            if input.peek(Token![<]) && input.peek2(Token![/]) {
                let close = Close::parse(input)?;
                let text = close.text();
                let open = text.replacen("</", "<", 1);
                return Err(Error::new_spanned(
                    &close.tokens,
                    format!("stray closing tag `{text}`: no `{open}` is open here; remove it"),
                ));
            }
            if let Parsed::Node(node) = self.node(input, &mut stack)? {
                roots.push(node);
            }
        }
        Ok(ViewBody { roots })
    }

    /// One node: a tag, a string literal or a braced expression; or a slot.
    fn node(&mut self, input: ParseStream, stack: &mut Vec<Open>) -> Result<Parsed> {
        if input.peek(Token![<]) {
            return self.tag(input, stack);
        }
        if input.peek(LitStr) {
            return Ok(Parsed::Node(Node::Text(input.parse()?)));
        }
        if input.peek(token::Brace) {
            return Ok(Parsed::Node(Node::Expr(self.braced(input)?)));
        }
        let tt: TokenTree = input.parse()?;
        Err(Error::new(
            tt.span(),
            format!(
                "unexpected `{}`: text must be a string literal: \"...\"; expressions go in braces: {{...}}",
                describe(&tt)
            ),
        ))
    }

    /// A tag starting at `<`: fragment, element, component or slot, with its children and closing
    /// tag.
    fn tag(&mut self, input: ParseStream, stack: &mut Vec<Open>) -> Result<Parsed> {
        let lt: Token![<] = input.parse()?;
        if input.peek(Token![>]) {
            let gt: Token![>] = input.parse()?;
            let open = Open { name: None, tokens: quote!(#lt #gt), component: false };
            let children = nodes_only(self.children(input, open, stack)?);
            return Ok(Parsed::Node(Node::Fragment(Fragment { open: lt, children })));
        }
        if !input.peek(Ident::peek_any) {
            let message = "expected a tag name after `<`, like `<row>` or `<ProfileTile>`";
            return Err(match input.fork().parse::<TokenTree>() {
                Ok(tt) => Error::new(tt.span(), message),
                Err(_) => Error::new(lt.span, message),
            });
        }
        let ident = input.call(Ident::parse_any)?.unraw();
        if ident == "slot" && input.peek(Token![:]) {
            if !is_single_colon(input) {
                let colons: Token![::] = input.parse()?;
                return Err(Error::new_spanned(
                    quote!(#ident #colons),
                    "a slot is written with a single `:`: `<slot:NAME>`",
                ));
            }
            return self.slot(input, stack, lt, ident).map(Parsed::Slot);
        }
        if input.peek(Token![-]) && input.peek2(Ident::peek_any) {
            return Err(self.hyphenated(input, &ident, |name| {
                format!("tag names cannot contain `-`; use `_`: `<{name}>`")
            }));
        }
        let name = ident.to_string();
        let component = name.starts_with(|c: char| c.is_ascii_uppercase());
        if is_path_keyword(&name) {
            self.errors.push(Error::new(ident.span(), format!("`{name}` cannot be a tag name")));
        } else if !component && !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            self.errors.push(Error::new(
                ident.span(),
                format!(
                    "invalid tag name `{name}`: element names start with a lowercase letter, \
                     component names with an uppercase one"
                ),
            ));
        } else if !component && name.chars().any(char::is_uppercase) {
            let mut pascal = name.clone();
            pascal[..1].make_ascii_uppercase();
            self.errors.push(Error::new(
                ident.span(),
                format!(
                    "element names are lowercase: `<{}>`; a component starts with an uppercase letter: `<{pascal}>`",
                    snake_case(&name)
                ),
            ));
        }

        let open_tokens = quote!(#lt #ident);
        let (attrs, self_closing) = self.attrs(input, &open_tokens, &name)?;
        let children = if self_closing {
            Vec::new()
        } else {
            let open = Open { name: Some(name), tokens: open_tokens, component };
            self.children(input, open, stack)?
        };

        if !component {
            let children = nodes_only(children);
            return Ok(Parsed::Node(Node::Element(Element {
                name: TagName { ident },
                attrs,
                children,
                self_closing,
            })));
        }
        let (slots, children) = self.component_children(&ident, &attrs, children);
        if !children.is_empty()
            && let Some(attr) = attrs.iter().find(|a| a.name == "children")
        {
            self.errors.push(Error::new(
                attr.name.span(),
                "`children` is given both as an attribute and as nested content; keep one",
            ));
        }
        Ok(Parsed::Node(Node::Component(Component { name: ident, attrs, slots, children, self_closing })))
    }

    /// Splits a component's children into its slots and the rest, reporting slots that clash with
    /// each other or with an attribute.
    fn component_children(
        &mut self,
        component: &Ident,
        attrs: &[Attribute],
        children: Vec<Parsed>,
    ) -> (Vec<Slot>, Vec<Node>) {
        let mut slots: Vec<Slot> = Vec::new();
        let mut nodes = Vec::new();
        for child in children {
            let slot = match child {
                Parsed::Node(node) => {
                    nodes.push(node);
                    continue;
                }
                Parsed::Slot(slot) => slot,
            };
            let name = &slot.name;
            let message = if name == "children" {
                format!(
                    "`<slot:children>` is not needed: what `<{component}>` encloses outside slots is \
                     its `children`; put the content there"
                )
            } else if slots.iter().any(|s| s.name == *name) {
                format!("slot `{name}` is given twice; put all of its content in one `<slot:{name}>`")
            } else if attrs.iter().any(|a| a.name == *name) {
                format!("`{name}` is given both as an attribute and as a slot; keep one")
            } else {
                slots.push(slot);
                continue;
            };
            self.errors.push(Error::new(name.span(), message));
        }
        (slots, nodes)
    }

    /// `<slot:NAME ...>`, after its `<slot`: checks it is directly inside a component, then parses
    /// its content up to `</slot:NAME>`.
    fn slot(
        &mut self,
        input: ParseStream,
        stack: &mut Vec<Open>,
        lt: Token![<],
        slot: Ident,
    ) -> Result<Slot> {
        let colon: Token![:] = input.parse()?;
        if !input.peek(Ident::peek_any) {
            let message = "expected the name of the prop to fill after `slot:`, like `<slot:actions>`";
            return Err(match input.fork().parse::<TokenTree>() {
                Ok(tt) => Error::new(tt.span(), message),
                Err(_) => Error::new(colon.span, message),
            });
        }
        let name = input.call(Ident::parse_any)?.unraw();
        if input.peek(Token![-]) && input.peek2(Ident::peek_any) {
            return Err(self.hyphenated(input, &name, |fixed| {
                format!("slot names cannot contain `-`; use `_`: `<slot:{fixed}>`")
            }));
        }
        let label = format!("slot:{name}");
        let open_tokens = quote!(#lt #slot #colon #name);
        match stack.last() {
            Some(parent) if parent.component => {}
            parent => {
                let place = parent.map_or_else(|| "at the top level of `view!`".to_string(), Open::place);
                self.errors.push(Error::new_spanned(
                    &open_tokens,
                    format!(
                        "`<{label}>` must be directly inside a component, like \
                         `<Card><{label}>...</{label}></Card>`; here it is {place}"
                    ),
                ));
            }
        }
        if is_path_keyword(&name.to_string()) {
            self.errors.push(Error::new(name.span(), format!("`{name}` cannot be a slot name")));
        }

        let (attrs, self_closing) = self.attrs(input, &open_tokens, &label)?;
        if let Some(first) = attrs.first() {
            self.errors.push(Error::new(
                first.name.span(),
                format!(
                    "a slot takes no attributes: `<{label}>` only names the prop its content fills; \
                     set props on the component itself"
                ),
            ));
        }
        let children = if self_closing {
            Vec::new()
        } else {
            let open = Open { name: Some(label), tokens: open_tokens, component: false };
            nodes_only(self.children(input, open, stack)?)
        };
        Ok(Slot { open: lt, slot, colon, name, children, self_closing })
    }

    /// The error for `first-second-...`: consumes the hyphenated rest and suggests the `_` spelling.
    fn hyphenated(&self, input: ParseStream, first: &Ident, message: impl Fn(&str) -> String) -> Error {
        let mut tokens = first.to_token_stream();
        let mut fixed = first.to_string();
        while input.peek(Token![-]) && input.peek2(Ident::peek_any) {
            let (Ok(dash), Ok(part)) = (input.parse::<Token![-]>(), input.call(Ident::parse_any)) else {
                break;
            };
            fixed.push('_');
            fixed.push_str(&part.unraw().to_string());
            tokens.extend(quote!(#dash #part));
        }
        Error::new_spanned(tokens, message(&fixed))
    }

    /// The attributes of a tag, up to and including its `>` or `/>`. Returns whether it was `/>`.
    ///
    /// `open` is the `<` and the name, `tag` the name as written (`row`, `slot:actions`).
    fn attrs(&mut self, input: ParseStream, open: &TokenStream, tag: &str) -> Result<(Vec<Attribute>, bool)> {
        let mut attrs: Vec<Attribute> = Vec::new();
        loop {
            if input.peek(Token![/]) {
                let slash: Token![/] = input.parse()?;
                if input.peek(Token![>]) {
                    input.parse::<Token![>]>()?;
                    return Ok((attrs, true));
                }
                return Err(Error::new(
                    slash.span,
                    format!("expected `>` after `/` to close `<{tag} .../>`"),
                ));
            }
            if input.peek(Token![>]) {
                input.parse::<Token![>]>()?;
                return Ok((attrs, false));
            }
            if input.is_empty() {
                return Err(Error::new_spanned(
                    open,
                    format!("unfinished tag `<{tag}`: end it with `>` or `/>`"),
                ));
            }
            if !input.peek(Ident::peek_any) {
                let tt: TokenTree = input.parse()?;
                return Err(Error::new(
                    tt.span(),
                    format!(
                        "unexpected `{}` in `<{tag}>`: expected an attribute `name=value`, `>` or `/>`",
                        describe(&tt)
                    ),
                ));
            }
            let attr = self.attr(input)?;
            if attrs.iter().any(|a| a.name == attr.name) {
                self.errors.push(Error::new(
                    attr.name.span(),
                    format!("attribute `{}` is given twice; remove one", attr.name),
                ));
            } else {
                attrs.push(attr);
            }
        }
    }

    /// One attribute: `name`, or `name=value`.
    fn attr(&mut self, input: ParseStream) -> Result<Attribute> {
        let name = input.call(Ident::parse_any)?.unraw();
        if input.peek(Token![-]) && input.peek2(Ident::peek_any) {
            return Err(self.hyphenated(input, &name, |fixed| {
                format!("attribute names cannot contain `-`; use `_`: `{fixed}`")
            }));
        }
        if is_path_keyword(&name.to_string()) {
            self.errors.push(Error::new(name.span(), format!("`{name}` cannot be an attribute name")));
        }
        if input.peek(Token![:]) && !input.peek(Token![::]) {
            let colon: Token![:] = input.parse()?;
            return Err(Error::new(colon.span, format!("use `=` to set an attribute: `{name}=...`")));
        }
        if !input.peek(Token![=]) {
            let value = AttrValue::Flag(name.span());
            return Ok(Attribute { name, value });
        }
        let eq: Token![=] = input.parse()?;
        let value = self.attr_value(input, &name, &eq)?;
        Ok(Attribute { name, value })
    }

    /// The value after `name=`.
    fn attr_value(&mut self, input: ParseStream, name: &Ident, eq: &Token![=]) -> Result<AttrValue> {
        if input.is_empty() || input.peek(Token![>]) || input.peek(Token![/]) {
            return Err(Error::new(
                eq.span,
                format!(
                    "missing value after `{name}=`: write `{name}=24`, `{name}=\"text\"` or `{name}={{expr}}`"
                ),
            ));
        }
        let start: TokenTree = input.fork().parse()?;
        let value = if input.peek(token::Brace) {
            AttrValue::Braced(self.braced(input)?)
        } else if input.peek(Token![-]) && (input.peek2(LitInt) || input.peek2(LitFloat)) {
            AttrValue::Lit { neg: Some(input.parse()?), lit: input.parse()? }
        } else if input.peek(Lit) {
            AttrValue::Lit { neg: None, lit: input.parse()? }
        } else if input.peek(Ident::peek_any) || input.peek(Token![::]) {
            match path_chain(input)? {
                Some(expr) => AttrValue::Path(expr),
                None => return Err(braces_hint(&start, name)),
            }
        } else {
            return Err(braces_hint(&start, name));
        };
        // The value must end here: anything but the next attribute or the end of the tag means an
        // expression that was not wrapped in braces (`a + b`, `f(x)`, `move || ...`).
        if input.is_empty() || input.peek(Token![>]) || input.peek(Token![/]) || input.peek(Ident::peek_any) {
            Ok(value)
        } else {
            Err(braces_hint(&start, name))
        }
    }

    /// `{ ... }`: one expression, or statements ending in one.
    fn braced(&mut self, input: ParseStream) -> Result<BracedExpr> {
        let content;
        let brace = braced!(content in input);
        let tokens: TokenStream = content.parse()?;
        if tokens.is_empty() {
            self.errors.push(Error::new(
                brace.span.join(),
                "empty braces: put an expression inside `{...}` or remove them",
            ));
        }
        let expr = match syn::parse2::<Expr>(tokens.clone()) {
            Ok(expr) => expr,
            Err(_) => {
                let stmts = syn::parse::Parser::parse2(Block::parse_within, tokens)?;
                Expr::Block(ExprBlock {
                    attrs: Vec::new(),
                    label: None,
                    block: Block { brace_token: brace, stmts },
                })
            }
        };
        Ok(BracedExpr { brace, expr })
    }

    /// The children of an open tag, up to and including its closing tag.
    fn children(&mut self, input: ParseStream, open: Open, stack: &mut Vec<Open>) -> Result<Vec<Parsed>> {
        let mut children = Vec::new();
        loop {
            if input.is_empty() {
                return Err(open.unclosed());
            }
            if input.peek(Token![<]) && input.peek2(Token![/]) {
                let close = Close::parse(input)?;
                if close.name == open.name {
                    return Ok(children);
                }
                // Closing an outer tag means this one was left open.
                if stack.iter().any(|outer| outer.name == close.name) {
                    return Err(open.unclosed());
                }
                let message = format!(
                    "mismatched closing tag: expected `{}`, found `{}`",
                    open.closing(),
                    close.text()
                );
                return Err(if close.name_tokens.is_empty() {
                    Error::new_spanned(&close.tokens, message)
                } else {
                    Error::new_spanned(&close.name_tokens, message)
                });
            }
            stack.push(open.clone());
            let child = self.node(input, stack);
            stack.pop();
            children.push(child?);
        }
    }
}

/// `ident`, `a.b.c`, `Path::To::THING`, `::abs::path`: idents joined by `::` and `.`, nothing else.
///
/// Returns `None` when the tokens are not such a chain (a keyword like `move`, a `::` or `.` not
/// followed by a name), so the caller can give the braces hint.
fn path_chain(input: ParseStream) -> Result<Option<Expr>> {
    let mut tokens = TokenStream::new();
    if input.peek(Token![::]) {
        input.parse::<Token![::]>()?.to_tokens(&mut tokens);
    }
    loop {
        if !input.peek(Ident::peek_any) {
            return Ok(None);
        }
        let segment = input.call(Ident::parse_any)?;
        let text = segment.to_string();
        if is_keyword(&text) && !is_path_keyword(&text) {
            return Ok(None);
        }
        segment.to_tokens(&mut tokens);
        if input.peek(Token![::]) {
            input.parse::<Token![::]>()?.to_tokens(&mut tokens);
        } else if input.peek(Token![.]) && !input.peek(Token![..]) {
            input.parse::<Token![.]>()?.to_tokens(&mut tokens);
        } else {
            break;
        }
    }
    Ok(syn::parse2::<Expr>(tokens).ok())
}
