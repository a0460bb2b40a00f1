//! Network-driven UI with `Deferred`: a fallback while the host fetches, then the content;
//! a failed fetch shows the error and a Retry button that takes focus.
//!
//! The left panel fetches `assets/examples/teams.json`; the right one asks for a file that is
//! not there (404).
//!
//! `cargo run --example deferred_loading` (headless: `-- --headless --frames 40 --screenshot d.png`)

use touchline::ui::components::{Deferred, DeferredProps};
use touchline::ui::prelude::*;
use touchline::ui::{Theme, fetch_json, provide_theme};

#[derive(Clone, serde::Deserialize)]
struct Final {
    competition: String,
    teams: Vec<String>,
    score: String,
}

fn result_card(data: Final, theme: Theme) -> View {
    let t = theme;
    view! {
        <column gap={t.spacing.sm} padding={t.spacing.lg} radius={t.radius.lg} background={t.colors.surface} focusable>
            <text size={t.type_scale.caption} color={t.colors.text_muted}>{data.competition}</text>
            <text size={t.type_scale.title} bold color={t.colors.text}>{data.teams.join(" – ")}</text>
            <text size={t.type_scale.display} bold color={t.colors.accent}>{data.score}</text>
        </column>
    }
}

fn panel(title: &'static str, url: &'static str) -> View {
    let t = touchline::ui::use_theme().get_untracked();
    view! {
        <column gap={t.spacing.md} width=720>
            <text size={t.type_scale.heading} bold color={t.colors.text}>{title}</text>
            <text size={t.type_scale.caption} color={t.colors.text_muted}>{url}</text>
            <Deferred load={move || fetch_json::<Final>(url)}
                      view={move |data: Final| result_card(data, t)} />
        </column>
    }
}

fn deferred_loading() -> View {
    let theme = provide_theme(Theme::dark());
    let t = theme.get_untracked();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding={t.spacing.xl}
                gap={t.spacing.lg} background={t.colors.background}>
            <text size={t.type_scale.title} bold color={t.colors.text}>"Deferred loading"</text>
            <row gap={t.spacing.xl}>
                {panel("From the host", "examples/teams.json")}
                {panel("A missing file", "examples/missing.json")}
            </row>
        </column>
    }
}

fn main() -> std::process::ExitCode {
    touchline::run_example(deferred_loading)
}
