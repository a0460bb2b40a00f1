//! `Button`: a focusable label that does something on OK.

use crate::prelude::*;
use crate::theme::use_theme;

/// How prominent a button is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ButtonVariant {
    /// The main action of a page or dialog: accent fill.
    #[default]
    Primary,
    /// Other actions: surface fill.
    Secondary,
}

/// A button: a label in a pill that grows and shows the focus ring when focused, and calls
/// `on_select` on OK. Disabled buttons are skipped by focus.
#[component]
pub fn Button(
    /// The label (fixed or following signals).
    label: Prop<String>,
    /// What OK does.
    on_select: Callback,
    /// Primary (default) or secondary.
    #[prop(optional)]
    variant: ButtonVariant,
    /// Takes no focus and does nothing while true.
    #[prop(optional)]
    disabled: Prop<bool>,
    /// Takes focus when it appears (a dialog's main button).
    #[prop(optional)]
    autofocus: bool,
    /// A handle on the button (to focus it from code).
    #[prop(optional)]
    node_ref: NodeRef,
) -> View {
    let theme = use_theme();
    let focused = signal(false);
    let (disabled_focus, disabled_look) = (disabled.clone(), disabled.clone());
    let fill = move || {
        theme.with(|t| match variant {
            ButtonVariant::Primary => t.colors.accent,
            ButtonVariant::Secondary if focused.get() => t.colors.surface_raised,
            ButtonVariant::Secondary => t.colors.surface,
        })
    };
    let ink = move || {
        theme.with(|t| if variant == ButtonVariant::Primary { t.colors.on_accent } else { t.colors.text })
    };
    let (pad_x, pad_y, radius, size, ring_width) = theme
        .with_untracked(|t| (t.spacing.lg, t.spacing.sm, t.radius.md, t.type_scale.body, t.focus.ring_width));
    view! {
        <row ref={&node_ref} focusable={move || !disabled_focus.get()} autofocus={autofocus} role=Role::Button
             on_select={move || if !disabled.get() { on_select.call(()) }}
             on_focus={move || focused.set(true)} on_blur={move || focused.set(false)}
             padding_x={pad_x} padding_y={pad_y} radius={radius} border_width={ring_width}
             align=Align::Center justify=Align::Center focus_color={Color::TRANSPARENT}
             transition={theme.with_untracked(|t| t.focus.transition)}
             background={fill}
             border_color={move || if focused.get() { theme.with(|t| t.focus.ring) } else { Color::TRANSPARENT }}
             scale={move || if focused.get() { theme.with(|t| t.focus.scale) } else { 1.0 }}
             opacity={move || if disabled_look.get() { 0.4 } else { 1.0 }}>
            <text size={size} bold color={ink}>{move || label.get()}</text>
        </row>
    }
}
