//! A modal dialog over a page: the dialog is a focus scope with a boundary on every side, so
//! the arrows never leave it while it is open. Its buttons are focusable only while it is open
//! and the first one takes focus when it opens; closing it gives focus back to the page.
//!
//! `cargo run --example focus_modal`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);

fn tile(index: usize, open: Signal<bool>) -> View {
    view! {
        <column focusable on_select={move || open.set(true)} width=300 height=170 radius=18 padding=20
                justify=Align::End background={Color::hex(0x1d2939)}>
            <text size=28 bold>{format!("Match {}", index + 1)}</text>
            <text size=20 color={Color::hex(0x98a2b3)}>"OK: open the dialog"</text>
        </column>
    }
}

fn button(label: &'static str, first: bool, open: Signal<bool>, said: Signal<&'static str>) -> View {
    view! {
        <row focusable={move || open.get()} autofocus=first
             on_select={move || { said.set(label); open.set(false); }}
             width=220 height=72 radius=36 justify=Align::Center align=Align::Center
             background={Color::hex(0x155eef)}>
            <text size=28 bold>{label}</text>
        </row>
    }
}

fn focus_modal() -> View {
    let open = signal(true);
    let said = signal("nothing yet");
    let tiles: Vec<View> = (0..8).map(|i| tile(i, open)).collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} background=PAGE>
            <column absolute=true top=0 left=0 width={Length::Percent(1.0)} height={Length::Percent(1.0)} z_index=10
                    align=Align::Center justify=Align::Center background={Color::rgba(0, 0, 0, 170)}
                    opacity={move || if open.get() { 1.0 } else { 0.0 }}
                    transition={Transition::tween_ms(200, Easing::EaseOut)}>
                <column boundary="all" width=760 padding=48 gap=36 radius=28 background={Color::hex(0x101828)}>
                    <text size=40 bold>"Resume watching?"</text>
                    <text size=26 color={Color::hex(0xd0d5dd)}>"Focus cannot leave this dialog until you choose."</text>
                    <row gap=32>
                        {button("Resume", true, open, said)}
                        {button("Start over", false, open, said)}
                    </row>
                </column>
            </column>
            <column padding=80 gap=40>
                <text size=48 bold>"Focus modal"</text>
                <text size=26 color={Color::hex(0x98a2b3)}>{move || format!("Last choice: {}", said.get())}</text>
                <row wrap=true gap=32>{tiles}</row>
            </column>
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Focus: modal", focus_modal)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(focus_modal)
}
