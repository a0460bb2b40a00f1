//! Settings: the reel's default filter, the clip length, spoilers (scores shown or hidden),
//! and About & credits (where the match data comes from, under what licence). A setting
//! changes on OK and is kept in the app's storage; pages under this one follow it at once.

use touchline_catalog::{Catalog, Credit};
use touchline_ui::components::{Deferred, DeferredProps};
use touchline_ui::prelude::*;
use touchline_ui::use_theme;

use crate::data::use_catalog;
use crate::preferences::{ClipLength, ReelFilter, Spoilers};

/// The page in the designer preview, over the fixture catalog.
pub fn preview() -> touchline_ui::preview::Preview {
    touchline_ui::preview::Preview::page("Settings", touchline_ui::Route::new("settings"))
}

/// The page.
pub fn settings_page() -> View {
    let t = use_theme().get_untracked();
    let source = use_catalog();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding_x={t.spacing.xl}
                padding_y={t.spacing.lg} gap={t.spacing.lg} background={t.colors.background}
                overflow=Overflow::Scroll reveal_padding={t.spacing.xl}>
            <text size={t.type_scale.title} bold color={t.colors.text}>"Settings"</text>
            <column gap={t.spacing.sm} width=1100>
                {setting_row("Highlight reel", "What a reel plays unless you choose there",
                             || ReelFilter::get().label().to_owned(), || ReelFilter::get_untracked().toggled().set())}
                {setting_row("Clip length", "How much of each moment highlights show",
                             || ClipLength::get().label().to_owned(), || ClipLength::get_untracked().next().set())}
                {setting_row("Spoilers", "Hide final scores on tiles, details and title cards",
                             || Spoilers::get().label().to_owned(), || Spoilers::get_untracked().toggled().set())}
            </column>
            <text size={t.type_scale.heading} bold color={t.colors.text}>"About & credits"</text>
            <text size={t.type_scale.body} color={t.colors.text_muted}>
                {format!("Touchline {} · matches rebuilt from open data; no broadcast footage", env!("CARGO_PKG_VERSION"))}
            </text>
            <Deferred load={move || source.clone().catalog()}
                      view={|catalog: Catalog| credits(catalog.credits)} />
        </column>
    }
}

/// A setting: its name and what it does, and its value; OK changes it.
fn setting_row(
    name: &'static str,
    help: &'static str,
    value: impl Fn() -> String + 'static,
    change: impl Fn() + 'static,
) -> View {
    let t = use_theme().get_untracked();
    let focused = signal(false);
    view! {
        <row focusable role=Role::Switch label=name on_select=change height=104 padding_x={t.spacing.lg}
             gap={t.spacing.lg} align=Align::Center radius={t.radius.md} border_width={t.focus.ring_width}
             focus_color={Color::TRANSPARENT} transition={t.focus.transition}
             on_focus={move || focused.set(true)} on_blur={move || focused.set(false)}
             border_color={move || if focused.get() { t.focus.ring } else { Color::TRANSPARENT }}
             background={move || if focused.get() { t.colors.surface_raised } else { t.colors.surface }}>
            <column grow=1 gap={t.spacing.xs}>
                <text size={t.type_scale.heading} bold color={t.colors.text}>{name}</text>
                <text size={t.type_scale.caption} color={t.colors.text_muted}>{help}</text>
            </column>
            <text size={t.type_scale.heading} color={t.colors.accent}>{value}</text>
        </row>
    }
}

/// Each dataset's credit and licence.
fn credits(credits: Vec<Credit>) -> View {
    let t = use_theme().get_untracked();
    let rows: Vec<View> = credits
        .into_iter()
        .map(|credit| {
            view! {
                <column focusable role=Role::ListItem gap={t.spacing.xs} padding={t.spacing.sm} radius={t.radius.md}>
                    <text size={t.type_scale.body} bold color={t.colors.text}>{credit.what}</text>
                    <text size={t.type_scale.caption} color={t.colors.text_muted}>
                        {format!("{} · {}", credit.source, credit.licence)}
                    </text>
                </column>
            }
        })
        .collect();
    view! { <column gap={t.spacing.sm}>{rows}</column> }
}
