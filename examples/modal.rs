//! `Modal`: a dialog over a dimmed page. Focus moves in when it opens and cannot leave; Back
//! or "Stay" closes it and focus returns to the button that opened it.
//!
//! `cargo run --example modal` (headless: `-- --headless --keys right,enter`)

use touchline::ui::components::{Button, ButtonProps, ButtonVariant, Modal, ModalProps};
use touchline::ui::prelude::*;
use touchline::ui::{Theme, provide_theme};

fn modal() -> View {
    let t = provide_theme(Theme::dark()).get_untracked();
    let open = signal(false);
    let left = signal(false);
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding={t.spacing.xl}
                gap={t.spacing.lg} background={t.colors.background}>
            <text size={t.type_scale.title} bold color={t.colors.text}>"France – Croatia"</text>
            <text size={t.type_scale.body} color={t.colors.text_muted}>
                {move || if left.get() { "You chose to quit." } else { "Playing from 61:22" }}
            </text>
            <row gap={t.spacing.md}>
                <Button label="Resume" on_select={|()| {}} />
                <Button label="Quit" variant=ButtonVariant::Secondary on_select={move |()| open.set(true)} />
            </row>
            <Modal open={open} title="Stop watching?">
                <text size={t.type_scale.body} color={t.colors.text_muted}>"Your place in the match is saved."</text>
                <slot:actions>
                    <Button label="Stay" variant=ButtonVariant::Secondary on_select={move |()| open.set(false)} />
                    <Button label="Quit" on_select={move |()| { left.set(true); open.set(false); }} />
                </slot:actions>
            </Modal>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Modal", modal)
}

fn main() -> std::process::ExitCode {
    touchline::run_example_with_keys(modal, &["right", "enter"])
}
