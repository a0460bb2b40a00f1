//! "Who's watching?": the profile picker the app opens on.

use touchline_ui::prelude::*;
use touchline_ui::{storage, use_theme};

use crate::navigation::{self, Navigator};

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

/// The profile picker: a tile per profile; OK chooses one.
#[component]
pub fn ProfilesPage(
    /// The profile chosen (`None` until OK is pressed on a tile).
    chosen: Signal<Option<Profile>>,
    /// Called when the viewer chooses a profile with OK (not when the kept one is restored).
    #[prop(optional)]
    on_choose: Callback<Profile>,
) -> View {
    let t = use_theme().get_untracked();
    let status = move || match chosen.get() {
        Some(profile) => format!("Watching as {}", profile.name),
        None => String::from("Choose a profile to start"),
    };
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} align=Align::Center
                justify=Align::Center gap=72 background={t.colors.background}>
            <text size={t.type_scale.display} bold color={t.colors.text}>"Who's watching?"</text>
            <row gap=56>
                <For each={|| PROFILES.to_vec()} key={|p: &Profile| p.name}
                     view={move |profile: Profile| {
                         let on_choose = on_choose.clone();
                         view! { <ProfileTile profile={profile} chosen={chosen} on_choose={move |p| on_choose.call(p)} /> }
                     }} />
            </row>
            <text size={t.type_scale.heading} color={t.colors.text_muted}>{status}</text>
        </column>
    }
}

/// One profile: a coloured avatar with its initial, and the name under it. The chosen one is
/// outlined.
#[component]
pub fn ProfileTile(
    /// Whose tile.
    profile: Profile,
    /// The page's choice.
    chosen: Signal<Option<Profile>>,
    /// Called on OK.
    #[prop(optional)]
    on_choose: Callback<Profile>,
) -> View {
    let theme = use_theme();
    let t = theme.get_untracked();
    let is_chosen = move || chosen.get() == Some(profile);
    view! {
        <column focusable role=Role::Tile on_select={move || {
                    chosen.set(Some(profile));
                    on_choose.call(profile);
                }} align=Align::Center
                gap=24 padding=20 radius=36 border_width=6
                border_color={move || if is_chosen() { theme.with(|t| t.colors.success) } else { Color::TRANSPARENT }}
                background={move || if is_chosen() { theme.with(|t| t.colors.surface) } else { Color::TRANSPARENT }}>
            <column width=240 height=240 radius=32 background={profile.color} align=Align::Center
                    justify=Align::Center>
                <text size=112 bold color={t.colors.text}>{profile.initial()}</text>
            </column>
            <text size={t.type_scale.heading} color={t.colors.text}>{profile.name}</text>
        </column>
    }
}

/// The storage key of the profile chosen last (its name).
pub const LAST_PROFILE_KEY: &str = "profile";

/// The page in the designer preview, over the fixture catalog.
pub fn preview() -> touchline_ui::preview::Preview {
    touchline_ui::preview::Preview::page("Profiles", touchline_ui::Route::new("profiles"))
}

/// The page with its own state (for the app and the examples): the profile chosen last time
/// is chosen again when the app starts (it is kept in the app's storage area), and OK on a
/// profile opens Home.
pub fn profiles_page() -> View {
    let chosen = signal(None);
    let navigator = Navigator::here();

    // The storage area arrives with the first frame: choose the kept profile then, unless the
    // viewer chose one already.
    effect(move || {
        let kept = storage::get(LAST_PROFILE_KEY);
        let profile = kept.and_then(|name| PROFILES.iter().find(|p| p.name == name).copied());
        if profile.is_some() && chosen.get_untracked().is_none() {
            chosen.set(profile);
        }
    });
    effect(move || {
        if let Some(profile) = chosen.get() {
            storage::set(LAST_PROFILE_KEY, profile.name);
        }
    });
    view! { <ProfilesPage chosen={chosen} on_choose={move |_| navigator.open(navigation::home())} /> }
}
