//! Animation: signal-driven properties animate with a transition — a spring on scale, eased
//! tweens on colour and opacity, a cubic-bezier slide. Move the focus with the arrows; each
//! retarget starts from where the value is, mid-flight, without a jump.
//!
//! `cargo run --example animations`

use touchline::ui::prelude::*;

const PAGE: Color = Color::hex(0x0c111d);

fn card(index: usize, focused: Signal<usize>) -> View {
    let is_focused = move || focused.get() == index;
    view! {
        <column focusable on_focus={move || focused.set(index)} width=280 height=360 radius=24 padding=24
                justify=Align::End
                background={move || if is_focused() { Color::hex(0x155eef) } else { Color::hex(0x1d2939) }}
                scale={move || if is_focused() { 1.1 } else { 1.0 }}
                transition={Transition::Spring(Spring::SNAPPY)}>
            <text size=32 bold>{format!("Match {}", index + 1)}</text>
            <text size=22 color={Color::hex(0xd0d5dd)}
                  opacity={move || if is_focused() { 1.0 } else { 0.4 }}
                  transition={Transition::tween_ms(300, Easing::EaseOut)}>"Highlights · 4:32"</text>
        </column>
    }
}

fn animations() -> View {
    let focused = signal(0usize);
    let cards: Vec<View> = (0..5).map(|i| card(i, focused)).collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=96 gap=64 background=PAGE>
            <text size=48 bold>"Animations"</text>
            <row gap=48 align=Align::Center>{cards}</row>
            <r#box width=120 height=8 radius=4 background={Color::hex(0x2e90fa)}
                   translate={move || [focused.get() as f32 * 328.0 + 80.0, 0.0]}
                   transition={Transition::tween_ms(450, Easing::CubicBezier { x1: 0.2, y1: 0.9, x2: 0.3, y2: 1.0 })} />
        </column>
    }
}

/// In the designer preview (`touchline-desktop preview`).
pub fn preview() -> touchline::ui::preview::Preview {
    touchline::ui::preview::Preview::component("Animations", animations)
}

fn main() -> std::process::ExitCode {
    touchline::run_example(animations)
}
