//! The router: a page stack with push, replace and back. Pages slide in; Back slides the top
//! page out and puts focus back on the tile that opened it; the stack is saved as JSON (shown
//! at the bottom) so a host can restore it after a restart.
//!
//! `cargo run --example router_pages` (headless: `-- --headless --keys right,enter,back`)

use touchline::ui::components::{Button, ButtonProps};
use touchline::ui::prelude::*;
use touchline::ui::{Route, Router, Theme, provide_theme, use_router, use_theme};

const MATCHES: [(&str, &str); 4] = [
    ("fra-cro", "France – Croatia"),
    ("bay-bvb", "Bayern – Dortmund"),
    ("bra-ger", "Brazil – Germany"),
    ("eng-ita", "England – Italy"),
];

fn home() -> View {
    let theme = use_theme();
    let t = theme.get_untracked();
    let router = use_router();
    let tiles: Vec<View> = MATCHES
        .iter()
        .map(|(id, name)| {
            let router = router.clone();
            view! {
                <Button label={*name} on_select={move |()| { let _ = router.push(Route::with("match", *id)); }} />
            }
        })
        .collect();
    view! {
        <column gap={t.spacing.lg}>
            <text size={t.type_scale.title} bold color={t.colors.text}>"Matches"</text>
            <row gap={t.spacing.md}>{tiles}</row>
        </column>
    }
}

fn details(route: &Route) -> View {
    let t = use_theme().get_untracked();
    let router = use_router();
    let name = MATCHES.iter().find(|(id, _)| *id == route.param()).map_or("Unknown match", |(_, n)| *n);
    let back = router.clone();
    view! {
        <column gap={t.spacing.lg}>
            <text size={t.type_scale.caption} color={t.colors.text_muted}>"Match details"</text>
            <text size={t.type_scale.title} bold color={t.colors.text}>{name}</text>
            <row gap={t.spacing.md}>
                <Button label="Watch" autofocus on_select={move |()| { let _ = router.push(Route::new("playback")); }} />
                <Button label="Back" on_select={move |()| { back.back(); }} />
            </row>
        </column>
    }
}

fn playback() -> View {
    let t = use_theme().get_untracked();
    view! {
        <column gap={t.spacing.md}>
            <text size={t.type_scale.title} bold color={t.colors.text}>"Playing"</text>
            <text size={t.type_scale.body} color={t.colors.text_muted}>"Back returns to the details page."</text>
        </column>
    }
}

fn router_pages() -> View {
    let theme = provide_theme(Theme::dark());
    let t = theme.get_untracked();
    let router = Router::new(Route::new("home"))
        .page("home", |_| home())
        .page("match", details)
        .page("playback", |_| playback());
    let saved = router.clone();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding={t.spacing.xl}
                gap={t.spacing.lg} background={t.colors.background}>
            <column grow=1.0>{router.view()}</column>
            <text size={t.type_scale.caption} color={t.colors.text_muted}>
                {move || format!("Saved stack: {}", serde_json::to_string(&saved.state()).unwrap_or_default())}
            </text>
        </column>
    }
}

fn main() -> std::process::ExitCode {
    touchline::run_example_with_keys(router_pages, &["right", "enter"])
}
