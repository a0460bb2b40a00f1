//! `#[component]`: a function whose parameters are its props becomes a function taking one props
//! struct, which `view!` fills through a typed builder.
//!
//! ```text
//! /// A button.
//! #[component]
//! pub fn Button(
//!     /// What it says.
//!     label: Prop<String>,
//!     #[prop(optional)] icon: Option<String>,
//!     #[prop(default = 1.0)] scale: f32,
//!     on_select: Callback,
//!     children: Children,
//! ) -> View { BODY }
//! ```
//!
//! expands to
//!
//! ```text
//! /// A button.
//! #[derive(::touchline_ui::__private::TypedBuilder)]
//! #[builder(crate_module_path = ::touchline_ui::__private::typed_builder)]
//! pub struct ButtonProps {
//!     /// What it says.
//!     #[builder(setter(transform = |value: impl ::touchline_ui::IntoProp<String>|
//!         ::touchline_ui::IntoProp::<String>::into_prop(value)))]
//!     pub label: Prop<String>,
//!     #[builder(default, setter(strip_option, into))]
//!     pub icon: Option<String>,
//!     #[builder(default = 1.0)]
//!     pub scale: f32,
//!     #[builder(setter(transform = |handler: impl Fn(()) + 'static|
//!         ::touchline_ui::Callback::<()>::new(handler)))]
//!     pub on_select: Callback,
//!     pub children: Children,
//! }
//!
//! /// A button.
//! #[allow(non_snake_case)]
//! pub fn Button(props: ButtonProps) -> View {
//!     let ButtonProps { label, icon, scale, on_select, children } = props;
//!     BODY
//! }
//! ```
//!
//! The struct has the function's visibility (so do its fields) and its doc comment; each field has
//! its parameter's doc comment. `props` is hygienic: the body cannot see it, and a prop may be called
//! `props`. A function without a return type returns `::touchline_ui::View`, its body converted with
//! `::touchline_ui::IntoView::into_view`; with a return type (`-> View`, `-> impl IntoView`), the
//! body is kept as it is.
//!
//! # Setters
//!
//! What each setter accepts follows the last segment of the parameter's type:
//!
//! | type | the setter takes |
//! |------|------------------|
//! | `Prop<T>` | `impl IntoProp<T>`: a value or a closure returning one |
//! | `Callback<A>`, `Callback` (`A = ()`) | `impl Fn(A) + 'static` |
//! | `Children`, `ChildrenFn` | the type itself (`view!` passes `ToChildren::to_children(...)`) |
//! | `String` | `impl Into<String>` |
//! | `Option<T>` with `#[prop(optional)]` | what a `T` prop's setter takes, put in `Some` |
//! | anything else | the type itself, or `impl Into<T>` with `#[prop(into)]` |
//!
//! `#[prop(optional)]` makes a prop optional with the type's `Default::default()` (`None`, empty
//! `Children`, `false`, `0`); `#[prop(default = EXPR)]` with `EXPR`, converted like a setter's
//! argument for `Prop<T>` (`IntoProp`), `String` and `#[prop(into)]` (`Into`).

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Error, Expr, FnArg, GenericArgument, Ident, Item, ItemFn, Meta, Pat, PatIdent, PathArguments,
    Result, ReturnType, Token, Type, TypePath, token,
};

/// The prop options, for the messages that list them.
const OPTIONS: &str = "`optional`, `default = ...` or `into`";

/// Expands `#[component]` (with the attribute's arguments `attr`) on `item`: the props struct and
/// the rewritten function, or `compile_error!`s that point at the mistakes followed by the item
/// as written (without its `#[prop]` attributes), so the errors are not buried under others about
/// a missing function.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(attr, item.clone()) {
        Ok(tokens) => tokens,
        Err(error) => {
            let errors = error.to_compile_error();
            let item = match syn::parse2::<Item>(item.clone()) {
                Ok(Item::Fn(mut function)) => {
                    for input in &mut function.sig.inputs {
                        if let FnArg::Typed(param) = input {
                            param.attrs.retain(|a| !a.path().is_ident("prop"));
                        }
                    }
                    function.into_token_stream()
                }
                _ => item,
            };
            quote!(#errors #item)
        }
    }
}

/// [`expand`], with the mistakes as one [`Error`] (iterate it for each message) instead of
/// `compile_error!`s.
pub fn try_expand(attr: TokenStream, item: TokenStream) -> Result<TokenStream> {
    let function = match syn::parse2::<Item>(item)? {
        Item::Fn(function) => function,
        other => return Err(not_a_function(&other)),
    };
    let mut errors = Vec::new();
    if !attr.is_empty() {
        errors.push(Error::new_spanned(
            &attr,
            format!("`#[component]` takes no arguments; options go on the parameters: `#[prop(...)]` with {OPTIONS}"),
        ));
    }
    let component = Component::new(&function, &mut errors);
    let mut errors = errors.into_iter();
    match errors.next() {
        None => Ok(component.expand(&function)),
        Some(mut first) => {
            first.extend(errors);
            Err(first)
        }
    }
}

/// The error for `#[component]` on something else than a function, at its keyword and name.
fn not_a_function(item: &Item) -> Error {
    let (what, at) = match item {
        Item::Struct(s) => ("this is a struct", pair(&s.struct_token, &s.ident)),
        Item::Enum(e) => ("this is an enum", pair(&e.enum_token, &e.ident)),
        Item::Union(u) => ("this is a union", pair(&u.union_token, &u.ident)),
        Item::Trait(t) => ("this is a trait", pair(&t.trait_token, &t.ident)),
        Item::Impl(i) => ("this is an impl block", pair(&i.impl_token, &i.self_ty)),
        Item::Mod(m) => ("this is a module", pair(&m.mod_token, &m.ident)),
        Item::Const(c) => ("this is a constant", pair(&c.const_token, &c.ident)),
        Item::Static(s) => ("this is a static", pair(&s.static_token, &s.ident)),
        Item::Type(t) => ("this is a type alias", pair(&t.type_token, &t.ident)),
        other => ("this is not a function", other.to_token_stream()),
    };
    Error::new_spanned(
        at,
        format!(
            "`#[component]` goes on a function whose parameters are the props, like \
             `#[component] fn Card(title: Prop<String>, children: Children) -> View`; {what}"
        ),
    )
}

/// The keyword and the name of an item, to point at.
fn pair(a: &impl ToTokens, b: &impl ToTokens) -> TokenStream {
    quote!(#a #b)
}

/// A component function, checked.
struct Component {
    /// `NameProps`, spanned at the function's name.
    props: Ident,
    /// The doc comments and `#[cfg]`s of the function, for the struct.
    struct_attrs: Vec<Attribute>,
    /// The props, in parameter order.
    params: Vec<Param>,
}

/// One parameter, turned into a prop.
struct Param {
    /// Its doc comments.
    docs: Vec<Attribute>,
    /// `mut` in `mut name: T`, kept for the binding in the body.
    mutability: Option<Token![mut]>,
    /// The name, as written (possibly raw).
    ident: Ident,
    /// The type.
    ty: Type,
    /// What goes in the field's `#[builder(...)]`, empty for none.
    builder: TokenStream,
}

impl Component {
    /// Checks `function` and collects its props; mistakes go to `errors`.
    fn new(function: &ItemFn, errors: &mut Vec<Error>) -> Component {
        let sig = &function.sig;
        let name = &sig.ident;
        let text = name.unraw().to_string();
        if !text.starts_with(|c: char| c.is_ascii_uppercase()) {
            errors.push(Error::new(
                name.span(),
                format!(
                    "component names start with an uppercase letter, so `view!` can tell a component \
                     (`<{pascal}>`) from an element (`<row>`): rename it `{pascal}`",
                    pascal = pascal_case(&text)
                ),
            ));
        }
        if let Some(asyncness) = &sig.asyncness {
            errors.push(Error::new(
                asyncness.span,
                "a component cannot be `async`: it returns its view at once; start async work inside it \
                 and show the result through a signal",
            ));
        }
        if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
            let generics = &sig.generics;
            let at = if generics.params.is_empty() {
                generics.where_clause.to_token_stream()
            } else {
                generics.to_token_stream()
            };
            errors.push(Error::new_spanned(
                at,
                "generic components are not supported: give the props concrete types (`Prop<T>` for a \
                 value that may follow signals, `Callback<A>` for a handler, `Children` for content, or \
                 a `Box<dyn ...>`)",
            ));
        }

        let params = sig.inputs.iter().filter_map(|input| Param::new(input, errors)).collect();
        let struct_attrs = function
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc") || a.path().is_ident("cfg"))
            .cloned()
            .collect();
        Component { props: format_ident!("{}Props", name.unraw(), span = name.span()), struct_attrs, params }
    }

    /// The props struct and the function taking it.
    fn expand(&self, function: &ItemFn) -> TokenStream {
        let Component { props, struct_attrs, params } = self;
        let vis = &function.vis;
        let fields = params.iter().map(|param| {
            let Param { docs, ident, ty, builder, .. } = param;
            let builder = (!builder.is_empty()).then(|| quote!(#[builder(#builder)]));
            // Spanned at the parameter, so `missing_docs` on an undocumented prop points at it.
            let vis = respan(vis.to_token_stream(), ident.span());
            quote! {
                #(#docs)*
                #builder
                #vis #ident: #ty
            }
        });
        let props_struct = quote! {
            #(#struct_attrs)*
            #[derive(::touchline_ui::__private::TypedBuilder)]
            #[builder(crate_module_path = ::touchline_ui::__private::typed_builder)]
            #vis struct #props {
                #(#fields,)*
            }
        };

        // The argument is hygienic: the body cannot name it, so a prop may be called `props`.
        let arg = Ident::new("props", Span::mixed_site());
        let bindings = params.iter().map(|Param { mutability, ident, .. }| quote!(#mutability #ident));
        let bind = quote!(let #props { #(#bindings),* } = #arg;);
        let mut sig = function.sig.clone();
        sig.inputs = Punctuated::new();
        sig.inputs.push(syn::parse_quote!(#arg: #props));
        let block = &function.block;
        let body = match &sig.output {
            ReturnType::Default => {
                sig.output = syn::parse_quote!(-> ::touchline_ui::View);
                quote!({ #bind ::touchline_ui::IntoView::into_view(#block) })
            }
            ReturnType::Type(..) => {
                let stmts = &block.stmts;
                quote!({ #bind #(#stmts)* })
            }
        };
        let attrs = &function.attrs;
        quote! {
            #props_struct

            #(#attrs)*
            #[allow(non_snake_case)]
            #vis #sig #body
        }
    }
}

impl Param {
    /// Checks one parameter and works out its setter; `None` when it cannot be a prop at all (the
    /// error is in `errors`).
    fn new(input: &FnArg, errors: &mut Vec<Error>) -> Option<Param> {
        let param = match input {
            FnArg::Receiver(receiver) => {
                errors.push(Error::new_spanned(
                    receiver,
                    "a component cannot take `self`: it is a free function whose parameters are its props",
                ));
                return None;
            }
            FnArg::Typed(param) => param,
        };
        let (mutability, ident) = match &*param.pat {
            Pat::Ident(PatIdent { by_ref: None, mutability, ident, subpat: None, .. }) => {
                (*mutability, ident.clone())
            }
            pat => {
                errors.push(Error::new_spanned(
                    pat,
                    "a component parameter must be a plain name, because each one becomes a prop that \
                     `view!` sets by name: take it as `name: Type` and destructure it in the body",
                ));
                return None;
            }
        };

        let mut docs = Vec::new();
        let mut options = PropOptions::default();
        for attr in &param.attrs {
            if attr.path().is_ident("doc") {
                docs.push(attr.clone());
            } else if attr.path().is_ident("prop") {
                options.parse(attr, errors);
            } else {
                errors.push(Error::new_spanned(
                    attr,
                    format!(
                        "only doc comments and `#[prop(...)]` ({OPTIONS}) can go on a component parameter"
                    ),
                ));
            }
        }

        let ty = (*param.ty).clone();
        check_type(&ty, errors);
        let builder = options.builder(&ty, errors);
        Some(Param { docs, mutability, ident, ty, builder })
    }
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let TokenTree::Group(group) = &tt {
                let mut respanned = proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                tt = TokenTree::Group(respanned);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

/// Rejects prop types the props struct cannot hold: borrowed ones and `impl Trait`.
fn check_type(ty: &Type, errors: &mut Vec<Error>) {
    if let Type::Reference(reference) = ty {
        errors.push(Error::new_spanned(
            reference,
            "a prop cannot be borrowed: the props struct owns its values; take an owned type \
             (`String` rather than `&str`) or share one with `Rc<...>`",
        ));
        return;
    }
    fn find_impl(tokens: TokenStream) -> Option<Ident> {
        tokens.into_iter().find_map(|tt| match tt {
            TokenTree::Ident(ident) if ident == "impl" => Some(ident),
            TokenTree::Group(group) => find_impl(group.stream()),
            _ => None,
        })
    }
    if let Some(at) = find_impl(ty.to_token_stream()) {
        errors.push(Error::new(
            at.span(),
            "an `impl Trait` parameter would make the component generic, which is not supported: take \
             `Callback<A>` for a handler, `Prop<T>` for a value or a closure, `Children` for content, \
             or a `Box<dyn ...>`",
        ));
    }
}

/// `ProfileTile` for `profile_tile`.
fn pascal_case(name: &str) -> String {
    name.split('_')
        .flat_map(|part| {
            let mut chars = part.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars)).into_iter().flatten()
        })
        .collect()
}

/// What the setter of a prop converts, from the last segment of its type.
enum Kind<'a> {
    /// `Prop<T>`: the inner `T`.
    Prop(&'a Type),
    /// `Callback<A>`: `A` (`()` for a bare `Callback`).
    Callback(TokenStream),
    /// `Children` or `ChildrenFn`: `view!` passes `ToChildren::to_children(...)`, which needs the
    /// setter to take the type itself.
    Children,
    /// `String`.
    String,
    /// `Option<T>`: the inner `T`.
    Option(&'a Type),
    /// Anything else.
    Plain,
}

impl Kind<'_> {
    fn of(ty: &Type) -> Kind<'_> {
        let Type::Path(TypePath { qself: None, path }) = ty else { return Kind::Plain };
        let Some(last) = path.segments.last() else { return Kind::Plain };
        let args: Vec<&Type> = match &last.arguments {
            PathArguments::None => Vec::new(),
            PathArguments::AngleBracketed(angle) => {
                let types: Vec<&Type> = angle
                    .args
                    .iter()
                    .filter_map(|arg| match arg {
                        GenericArgument::Type(ty) => Some(ty),
                        _ => None,
                    })
                    .collect();
                if types.len() != angle.args.len() {
                    return Kind::Plain;
                }
                types
            }
            PathArguments::Parenthesized(_) => return Kind::Plain,
        };
        match (last.ident.to_string().as_str(), args.as_slice()) {
            ("Prop", [inner]) => Kind::Prop(inner),
            ("Callback", []) => Kind::Callback(quote!(())),
            ("Callback", [arg]) => Kind::Callback(arg.to_token_stream()),
            ("Children" | "ChildrenFn", []) => Kind::Children,
            ("String", []) => Kind::String,
            ("Option", [inner]) => Kind::Option(inner),
            _ => Kind::Plain,
        }
    }

    /// A name for messages.
    fn describe(&self) -> &'static str {
        match self {
            Kind::Prop(_) => "`Prop<T>`",
            Kind::Callback(_) => "`Callback<A>`",
            Kind::Children => "`Children`",
            Kind::String => "`String`",
            Kind::Option(_) => "`Option<T>`",
            Kind::Plain => "this",
        }
    }

    /// What the setter already accepts, for the message on a useless `into`.
    fn accepts(&self) -> &'static str {
        match self {
            Kind::Prop(_) => "a value or a closure returning one (`impl IntoProp<T>`)",
            Kind::Callback(_) => "a closure (`impl Fn(A) + 'static`)",
            Kind::Children => "the content `view!` passes",
            _ => "",
        }
    }

    /// The `transform` converting the setter's argument, the result wrapped in `Some` if `some`.
    fn transform(&self, some: bool) -> Option<TokenStream> {
        let wrap =
            |value: TokenStream| if some { quote!(::core::option::Option::Some(#value)) } else { value };
        match self {
            Kind::Prop(inner) => {
                let value = wrap(quote!(::touchline_ui::IntoProp::<#inner>::into_prop(value)));
                Some(quote!(transform = |value: impl ::touchline_ui::IntoProp<#inner>| #value))
            }
            Kind::Callback(arg) => {
                let value = wrap(quote!(::touchline_ui::Callback::<#arg>::new(handler)));
                Some(quote!(transform = |handler: impl ::core::ops::Fn(#arg) + 'static| #value))
            }
            _ => None,
        }
    }
}

/// The options of a parameter's `#[prop(...)]` attributes, each with the key it was written as.
#[derive(Default)]
struct PropOptions {
    optional: Option<Ident>,
    default: Option<(Ident, Expr)>,
    into: Option<Ident>,
}

/// One `key`, `key = value` or `key(...)` inside `#[prop(...)]`.
struct PropArg {
    key: Ident,
    value: Option<Expr>,
    /// The parentheses of `key(...)`, which no option takes.
    paren: Option<token::Paren>,
}

impl Parse for PropArg {
    fn parse(input: ParseStream) -> Result<Self> {
        let key = input.call(Ident::parse_any)?;
        let mut arg = PropArg { key, value: None, paren: None };
        if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            arg.value = Some(input.parse()?);
        } else if input.peek(token::Paren) {
            let content;
            arg.paren = Some(syn::parenthesized!(content in input));
            content.parse::<TokenStream>()?;
        }
        Ok(arg)
    }
}

impl PropOptions {
    /// Reads one `#[prop(...)]`, adding to the options found so far.
    fn parse(&mut self, attr: &Attribute, errors: &mut Vec<Error>) {
        let Meta::List(list) = &attr.meta else {
            errors.push(Error::new_spanned(attr, format!("write `#[prop(...)]` with {OPTIONS}")));
            return;
        };
        let args = match list.parse_args_with(Punctuated::<PropArg, Token![,]>::parse_terminated) {
            Ok(args) => args,
            Err(error) => {
                errors.push(error);
                return;
            }
        };
        for PropArg { key, value, paren } in args {
            let name = key.to_string();
            let known = matches!(name.as_str(), "optional" | "default" | "into");
            if !known {
                errors.push(Error::new(
                    key.span(),
                    format!("unknown prop option `{name}`; expected {OPTIONS}"),
                ));
                continue;
            }
            if let Some(paren) = paren {
                errors.push(Error::new(paren.span.join(), format!("`{name}` takes no parentheses")));
                continue;
            }
            let twice = match name.as_str() {
                "optional" => self.optional.is_some(),
                "default" => self.default.is_some(),
                _ => self.into.is_some(),
            };
            if twice {
                errors.push(Error::new(key.span(), format!("`{name}` is given twice; remove one")));
                continue;
            }
            let clash = match name.as_str() {
                "optional" => self.default.is_some(),
                "default" => self.optional.is_some(),
                _ => false,
            };
            if clash {
                errors.push(Error::new(
                    key.span(),
                    "`optional` and `default` cannot go together: `optional` defaults to the type's \
                     `Default::default()`, `default = ...` to the value given; keep one",
                ));
                continue;
            }
            match (name.as_str(), value) {
                ("default", Some(value)) => self.default = Some((key, value)),
                ("default", None) => errors.push(Error::new(
                    key.span(),
                    "`default` needs a value: `#[prop(default = 1.0)]`; for the type's \
                     `Default::default()`, write `#[prop(optional)]`",
                )),
                (_, Some(value)) => errors.push(Error::new_spanned(
                    value,
                    format!("`{name}` takes no value: write `#[prop({name})]`"),
                )),
                ("optional", None) => self.optional = Some(key),
                (_, None) => self.into = Some(key),
            }
        }
    }

    /// What goes in `#[builder(...)]` for a prop of type `ty` with these options.
    fn builder(&self, ty: &Type, errors: &mut Vec<Error>) -> TokenStream {
        let kind = Kind::of(ty);
        // An optional `Option<T>` prop is set like a `T` prop, and the value put in `Some`.
        let (setter_kind, some) = match (&kind, &self.optional) {
            (Kind::Option(inner), Some(_)) => (Kind::of(inner), true),
            _ => (kind, false),
        };
        if let Some(into) = &self.into
            && matches!(setter_kind, Kind::Prop(_) | Kind::Callback(_) | Kind::Children)
        {
            errors.push(Error::new(
                into.span(),
                format!(
                    "`into` does not apply to a {} prop: its setter already takes {}; remove it",
                    setter_kind.describe(),
                    setter_kind.accepts()
                ),
            ));
        }

        let mut options = Vec::new();
        if let Some(optional) = &self.optional {
            options.push(quote_spanned!(optional.span()=> default));
        }
        if let Some((key, value)) = &self.default {
            let value = match &setter_kind {
                Kind::Prop(inner) => quote!(::touchline_ui::IntoProp::<#inner>::into_prop(#value)),
                Kind::String => quote!(::core::convert::Into::<::std::string::String>::into(#value)),
                _ if self.into.is_some() => quote!(::core::convert::Into::<#ty>::into(#value)),
                _ => value.to_token_stream(),
            };
            let default = quote_spanned!(key.span()=> default);
            options.push(quote!(#default = #value));
        }

        let into = self.into.is_some() || matches!(setter_kind, Kind::String);
        let setter = match setter_kind.transform(some) {
            Some(transform) => Some(transform),
            None if some && into => Some(quote!(strip_option, into)),
            None if some => Some(quote!(strip_option)),
            None if into => Some(quote!(into)),
            None => None,
        };
        if let Some(setter) = setter {
            options.push(quote!(setter(#setter)));
        }
        quote!(#(#options),*)
    }
}
