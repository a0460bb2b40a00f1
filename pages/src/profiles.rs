//! "Who's watching?": the profile picker the app opens on.

use touchline_ui::prelude::*;

use crate::theme;

/// A viewer profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Display name.
    pub name: &'static str,
    /// Avatar colour.
    pub color: Color,
}

impl Profile {
    /// The letter on the avatar.
    pub fn initial(&self) -> String {
        self.name.chars().next().map(String::from).unwrap_or_default()
    }
}

/// The profiles on this device.
pub const PROFILES: [Profile; 4] = [
    Profile { name: "Alex", color: Color::hex(0xe11d48) },
    Profile { name: "Sam", color: Color::hex(0x2563eb) },
    Profile { name: "Robin", color: Color::hex(0x16a34a) },
    Profile { name: "Kids", color: Color::hex(0xf59e0b) },
];

/// The profile picker.
pub fn profiles_page() -> View {
    let chosen: Signal<Option<Profile>> = signal(None);
    let tiles: Vec<View> = PROFILES.iter().map(|p| profile_tile(*p, chosen)).collect();
    let status = move || match chosen.get() {
        Some(profile) => format!("Watching as {}", profile.name),
        None => String::from("Choose a profile to start"),
    };
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} align=Align::Center
                justify=Align::Center gap=72 background=theme::BACKGROUND>
            <text size=72 bold color=theme::TEXT>"Who's watching?"</text>
            <row gap=56>{tiles}</row>
            <text size=40 color=theme::MUTED>{status}</text>
        </column>
    }
}

/// One profile: a coloured avatar with its initial, and the name under it.
fn profile_tile(profile: Profile, chosen: Signal<Option<Profile>>) -> View {
    let is_chosen = move || chosen.get() == Some(profile);
    view! {
        <column focusable on_select={move || chosen.set(Some(profile))} align=Align::Center gap=24
                padding=20 radius=36 border_width=6
                border_color={move || if is_chosen() { theme::CHOSEN } else { Color::TRANSPARENT }}
                background={move || if is_chosen() { theme::CHOSEN_SURFACE } else { Color::TRANSPARENT }}>
            <column width=240 height=240 radius=32 background={profile.color} align=Align::Center
                    justify=Align::Center>
                <text size=112 bold color=theme::TEXT>{profile.initial()}</text>
            </column>
            <text size=40 color=theme::TEXT>{profile.name}</text>
        </column>
    }
}
