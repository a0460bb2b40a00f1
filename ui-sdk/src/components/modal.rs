//! `Modal`: a dialog over a dimmed page. Focus stays inside while it is open, Back closes
//! it, and focus returns to where it was when it closes.

use std::cell::Cell;
use std::rc::Rc;

use crate::context::{self, after_mount};
use crate::ops::SceneOp;
use crate::prelude::*;
use crate::theme::use_theme;

/// A dialog shown while `open` is true: a title, its content, and a row of actions (the
/// `actions` slot). Focus moves into it when it opens (its first focusable, or one marked
/// `autofocus`) and cannot leave it; Back closes it; focus goes back where it was.
#[component]
pub fn Modal(
    /// Whether it is shown; Back sets it to false.
    open: Signal<bool>,
    /// The heading.
    title: Prop<String>,
    /// Buttons under the content (`<slot:actions>`).
    #[prop(optional)]
    actions: Children,
    /// The content.
    children: Children,
) -> View {
    let theme = use_theme();
    let card = NodeRef::new();
    let opener: Rc<Cell<Option<touchline_engine::Entity>>> = Rc::default();
    let was_open = Cell::new(false);
    let card_for_focus = card.clone();
    effect(move || {
        let now = open.get();
        if now == was_open.replace(now) {
            return;
        }
        if now {
            opener.set(context::with(|cx| cx.focused.get()).flatten());
            let card = card_for_focus.clone();
            after_mount(move || {
                if let Some(node) = card.node() {
                    context::push_op(SceneOp::FocusWithin(node));
                }
            });
        } else if let Some(node) = opener.take() {
            context::push_op(SceneOp::Focus(node));
        }
    });
    let t = theme.get_untracked();
    view! {
        <column absolute top=0 left=0 width={Length::Percent(1.0)} height={Length::Percent(1.0)} z_index=100
                visible={move || open.get()} align=Align::Center justify=Align::Center
                background={move || theme.with(|t| t.colors.scrim)}>
            <column ref={&card} focus_scope boundary="all" on_back={move || open.set(false)}
                    min_width=720 max_width=1200 padding={t.spacing.lg} gap={t.spacing.md} radius={t.radius.lg}
                    background={move || theme.with(|t| t.colors.surface_raised)}
                    shadow={Shadow { offset: [0.0, 24.0], blur: 64.0, spread: 0.0, color: Color::rgba(0, 0, 0, 160) }}>
                <text size={t.type_scale.heading} bold color={move || theme.with(|t| t.colors.text)}>{move || title.get()}</text>
                <column gap={t.spacing.sm}>{children}</column>
                <row gap={t.spacing.md} justify=Align::End>{actions}</row>
            </column>
        </column>
    }
}
