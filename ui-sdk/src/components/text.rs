//! `Text`: text in one of the theme's type-scale styles.

use crate::prelude::*;
use crate::theme::{Theme, use_theme};

/// A step of the theme's type scale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TextVariant {
    /// Hero titles (bold).
    Display,
    /// Page titles (bold).
    Title,
    /// Section and rail headings (bold).
    Heading,
    /// Body text.
    #[default]
    Body,
    /// Captions, metadata, timecodes.
    Caption,
}

impl TextVariant {
    /// The font size `theme` gives this variant, in pixels.
    pub fn size(self, theme: &Theme) -> f32 {
        let scale = &theme.type_scale;
        match self {
            TextVariant::Display => scale.display,
            TextVariant::Title => scale.title,
            TextVariant::Heading => scale.heading,
            TextVariant::Body => scale.body,
            TextVariant::Caption => scale.caption,
        }
    }

    /// Whether the variant is set in bold (display, title and heading).
    pub fn is_bold(self) -> bool {
        matches!(self, TextVariant::Display | TextVariant::Title | TextVariant::Heading)
    }
}

/// Text in a type-scale style: the size of its `variant`, bold for headings, in the theme's
/// text colour (or its muted one). Its children are the text: strings, or closures returning
/// strings, which keep it up to date.
///
/// ```ignore
/// view! {
///     <Text variant=TextVariant::Title>"Live now"</Text>
///     <Text variant=TextVariant::Caption muted max_lines=2>{move || match_info.get()}</Text>
/// }
/// ```
///
/// A theme switch restyles it: the colour in place; a new size rebuilds the text node (the
/// `<text>` element takes its size fixed), which happens only when the size really changed.
#[component]
pub fn Text(
    /// The type-scale step (body by default).
    #[prop(optional)]
    variant: TextVariant,
    /// In the theme's muted text colour, for secondary text.
    #[prop(optional)]
    muted: bool,
    /// At most this many lines, the last one ending in an ellipsis when the text is cut (0, the
    /// default: no limit).
    #[prop(optional)]
    max_lines: u32,
    /// How the lines sit in the box (start by default).
    #[prop(optional)]
    align: TextAlign,
    /// The text.
    children: Children,
) -> View {
    let theme = use_theme();
    let content = View::into_text_prop(children.build());
    let color = move || theme.with(|t| if muted { t.colors.text_muted } else { t.colors.text });
    rebuilt_on(
        move || theme.with(|t| variant.size(t)),
        move |size| {
            view! {
                <text size=size bold={variant.is_bold()} max_lines=max_lines text_align=align color=color>
                    {View::Text(content.clone())}
                </text>
            }
        },
    )
}

/// A view built by `build` from the value of `key`, and rebuilt only when that value changes:
/// for theme tokens an element takes fixed (a text size, an image placeholder), so a theme switch
/// still restyles.
pub(crate) fn rebuilt_on<K: PartialEq + Clone + 'static>(
    key: impl Fn() -> K + 'static,
    build: impl Fn(K) -> View + 'static,
) -> View {
    let key = memo(key);
    View::dynamic(move || build(key.get()))
}
