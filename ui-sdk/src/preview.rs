//! Previews: the pages and components that show themselves in the designer preview
//! (`touchline-desktop preview`, docs/designers.md).
//!
//! A page registers the route that shows it; a component registers a function building a view
//! of it with made-up data. Both are registered with [`Preview::page`] / [`Preview::component`]
//! where they are written, which records that place (`pages/src/home.rs:120`), and collected
//! into [`Previews`] with the fixture data they need. [`preview_app`] is the preview bundle's
//! root: a searchable picker over the registry, and the app's router for the pages.
//!
//! The host talks to the picker over the bus: `{"type":"preview.open","name":…}` opens a
//! preview, `{"type":"preview.type","text":…}` types into the search (a keyboard's letters),
//! `{"type":"preview.erase"}` deletes a letter. The picker posts the registry once
//! (`preview.registry`) and, on every change of page, what is showing (`preview.showing`).

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::bus;
use crate::prelude::*;
use crate::router::{Route, Router, use_router};
use crate::theme::use_theme;

/// The picker's route.
pub const PICKER_PAGE: &str = "preview";
/// The route showing a component preview (its parameter: the preview's name).
pub const COMPONENT_PAGE: &str = "component";

/// What a preview shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PreviewKind {
    /// One of the app's pages, on its route.
    Page,
    /// A component with made-up data.
    Component,
}

#[derive(Clone)]
enum Show {
    Route(Route),
    View(fn() -> View),
}

/// One entry of the registry.
#[derive(Clone)]
pub struct Preview {
    name: &'static str,
    kind: PreviewKind,
    file: &'static str,
    line: u32,
    show: Show,
}

impl Preview {
    /// The app page `route` shows, registered where this is called.
    #[track_caller]
    pub fn page(name: &'static str, route: Route) -> Self {
        let at = std::panic::Location::caller();
        Self { name, kind: PreviewKind::Page, file: at.file(), line: at.line(), show: Show::Route(route) }
    }

    /// A component, as `view` builds it, registered where this is called.
    #[track_caller]
    pub fn component(name: &'static str, view: fn() -> View) -> Self {
        let at = std::panic::Location::caller();
        Self { name, kind: PreviewKind::Component, file: at.file(), line: at.line(), show: Show::View(view) }
    }

    /// What the picker lists it as.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// A page or a component.
    pub fn kind(&self) -> PreviewKind {
        self.kind
    }

    /// Where it is registered: `file:line`, from the workspace root.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// The route that shows it.
    pub fn route(&self) -> Route {
        match &self.show {
            Show::Route(route) => route.clone(),
            Show::View(_) => Route::with(COMPONENT_PAGE, self.name),
        }
    }

    /// Whether every word of `query` is in its name, kind or file (case-insensitive).
    pub fn matches(&self, query: &str) -> bool {
        let haystack = format!("{} {:?} {}", self.name, self.kind, self.file).to_lowercase();
        query.to_lowercase().split_whitespace().all(|word| haystack.contains(word))
    }
}

/// The registry: previews, and the fixture data they read (provided before any is shown).
#[derive(Clone, Default)]
pub struct Previews {
    entries: Vec<Preview>,
    fixtures: Vec<fn()>,
    source_root: Option<&'static str>,
}

impl Previews {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a preview.
    pub fn with(mut self, preview: Preview) -> Self {
        self.entries.push(preview);
        self
    }

    /// Adds the previews and fixtures of another registry (a crate's).
    pub fn merge(mut self, other: Previews) -> Self {
        self.entries.extend(other.entries);
        self.fixtures.extend(other.fixtures);
        self
    }

    /// Adds fixture data: `provide` runs in the app's scope before any preview is shown
    /// (providing a catalog from the bundle's assets instead of a server, say).
    pub fn with_fixtures(mut self, provide: fn()) -> Self {
        self.fixtures.push(provide);
        self
    }

    /// Names the previews' files from `root` (a workspace root, with or without its `/`), for
    /// those registered in files named by their full path (modules linked with `#[path]`).
    pub fn with_source_root(mut self, root: &'static str) -> Self {
        self.source_root = Some(root);
        for preview in &mut self.entries {
            if let Some(rest) = preview.file.strip_prefix(root) {
                preview.file = rest.trim_start_matches('/');
            }
        }
        self
    }

    /// `file` named from the source root, when it is under it (see [`Self::with_source_root`]).
    fn relative(&self, file: &'static str) -> &'static str {
        match self.source_root.and_then(|root| file.strip_prefix(root)) {
            Some(rest) => rest.trim_start_matches('/'),
            None => file,
        }
    }

    /// Every preview, pages first, each kind in registration order.
    pub fn entries(&self) -> Vec<&Preview> {
        let mut entries: Vec<&Preview> = self.entries.iter().collect();
        entries.sort_by_key(|p| p.kind != PreviewKind::Page);
        entries
    }

    /// The preview called `name`.
    pub fn find(&self, name: &str) -> Option<&Preview> {
        self.entries.iter().find(|p| p.name == name)
    }

    /// The preview `route` shows, if it shows one.
    fn on_route(&self, route: &Route) -> Option<&Preview> {
        self.entries.iter().find(|p| p.route() == *route)
    }

    /// The previews matching `query` (see [`Preview::matches`]), pages first.
    pub fn search(&self, query: &str) -> Vec<&Preview> {
        self.entries().into_iter().filter(|p| p.matches(query)).collect()
    }
}

/// What the picker posts about one preview.
#[derive(Serialize)]
struct Listed<'a> {
    name: &'a str,
    kind: PreviewKind,
    location: String,
    route: &'a str,
}

#[derive(Serialize)]
struct Registry<'a> {
    previews: Vec<Listed<'a>>,
}

#[derive(Serialize)]
struct Showing<'a> {
    /// The preview on screen (`None`: the picker, or a page the preview navigated to).
    name: Option<&'a str>,
    location: Option<String>,
    route: &'a Route,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct Typed {
    text: String,
}

/// What the host said about its last build (`preview.build`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
enum BuildStatus {
    /// The bundle on screen is the latest build.
    #[default]
    Ok,
    /// A source changed; cargo is running.
    Building,
    /// The sources do not compile: the compiler's message. This page is the last good build.
    Failed {
        #[serde(default)]
        message: String,
    },
}

#[derive(Deserialize)]
struct Switch {
    on: bool,
}

#[derive(Deserialize)]
struct Pressed {
    key: String,
}

#[derive(Deserialize)]
struct Point {
    x: f32,
    y: f32,
}

/// What pick mode found under the pointer: a component and where it is written, with its box.
#[derive(Clone, Debug, PartialEq, Serialize)]
struct Picked {
    name: String,
    location: String,
    x: f32,
    y: f32,
    width: f32,
    height: f32,
}

/// How long the remote overlay shows a key.
const KEY_SHOWN_US: u64 = 1_200_000;

/// The preview bundle's root: the fixtures, the picker (the first page) and `router`'s pages,
/// with a page showing each component preview. Back from a preview returns to the picker.
pub fn preview_app(previews: Previews, router: Router) -> View {
    // The host and its tests read what a page says from the display list.
    crate::context::push_op(crate::ops::SceneOp::TextLabels(true));
    for provide in &previews.fixtures {
        provide();
    }
    let previews = Rc::new(previews);
    let query = signal(String::new());
    let picker_previews = previews.clone();
    let component_previews = previews.clone();
    let router = router.page(PICKER_PAGE, move |_| picker(picker_previews.clone(), query)).page(
        COMPONENT_PAGE,
        move |route| match component_previews.find(route.param()).map(|p| &p.show) {
            Some(Show::View(view)) => view(),
            _ => missing(route.param()),
        },
    );
    let registry = Registry {
        previews: previews
            .entries()
            .into_iter()
            .map(|p| Listed {
                name: p.name,
                kind: p.kind,
                location: p.location(),
                route: match &p.show {
                    Show::Route(route) => &route.page,
                    Show::View(_) => COMPONENT_PAGE,
                },
            })
            .collect(),
    };
    if let Err(e) = bus::post("preview.registry", &registry) {
        bus::log(1, &format!("preview: the registry is not posted: {e}"));
    }
    let (showing_router, showing_previews) = (router.clone(), previews.clone());
    effect(move || {
        let Some(route) = showing_router.current() else { return };
        let shown = showing_previews.on_route(&route);
        let showing =
            Showing { name: shown.map(|p| p.name), location: shown.map(Preview::location), route: &route };
        let _ = bus::post("preview.showing", &showing);
    });
    let (open_router, open_previews) = (router.clone(), previews.clone());
    let build = signal(BuildStatus::Ok);
    let guides = signal(false);
    let pressed: Signal<Option<(String, u64)>> = signal(None);
    let picked: Signal<Option<Picked>> = signal(None);
    let pick_page = (router.clone(), previews.clone());
    bus::on_message(move |message| match message.kind.as_str() {
        "preview.build" => match message.parse::<BuildStatus>() {
            Ok(status) => build.set(status),
            Err(e) => bus::log(1, &format!("preview: a preview.build that does not parse: {e}")),
        },
        "preview.pick" => match message.parse::<Point>() {
            Ok(Point { x, y }) => {
                let (router, previews) = pick_page.clone();
                let reply =
                    move |found: Option<(touchline_engine::SourceTag, touchline_engine::ComputedRect)>| {
                        // Nothing tagged there: the page itself, where its preview is registered.
                        let page = || {
                            let route = router.current()?;
                            let preview = previews.on_route(&route)?;
                            Some(Picked {
                                name: format!("{} (page)", preview.name),
                                location: preview.location(),
                                x: 0.0,
                                y: 0.0,
                                width: 0.0,
                                height: 0.0,
                            })
                        };
                        let found = match found {
                            Some((tag, rect)) => Some(Picked {
                                name: tag.name.to_owned(),
                                location: format!("{}:{}", previews.relative(tag.file), tag.line),
                                x: rect.x,
                                y: rect.y,
                                width: rect.width,
                                height: rect.height,
                            }),
                            None => untrack(page),
                        };
                        let _ = bus::post("preview.picked", &serde_json::json!({ "found": found }));
                        picked.set(found);
                    };
                crate::context::push_op(crate::ops::SceneOp::Pick(x, y, Box::new(reply)));
            }
            Err(e) => bus::log(1, &format!("preview: a preview.pick without a point: {e}")),
        },
        "preview.unpick" => picked.set(None),
        "preview.guides" => {
            if let Ok(Switch { on }) = message.parse::<Switch>() {
                guides.set(on);
            }
        }
        "preview.key" => {
            if let Ok(Pressed { key }) = message.parse::<Pressed>() {
                let until = crate::now_us() + KEY_SHOWN_US;
                pressed.set(Some((key, until)));
                crate::spawn_local(async move {
                    crate::sleep_until(until).await;
                    if pressed.with_untracked(|p| p.as_ref().is_some_and(|(_, u)| *u == until)) {
                        pressed.set(None);
                    }
                });
            }
        }
        "preview.open" => match message.parse::<Named>() {
            Ok(Named { name }) => match open_previews.find(&name) {
                Some(preview) => {
                    let _ = open_router.restore_state(crate::router::RouterState {
                        version: crate::router::ROUTER_STATE_VERSION,
                        stack: vec![Route::new(PICKER_PAGE), preview.route()],
                        focus: Vec::new(),
                    });
                }
                None => bus::log(1, &format!("preview: no preview is called {name:?}")),
            },
            Err(e) => bus::log(1, &format!("preview: a preview.open without a name: {e}")),
        },
        "preview.type" => {
            if let Ok(Typed { text }) = message.parse::<Typed>() {
                query.update(|q| q.push_str(&text));
            }
        }
        "preview.erase" => query.update(|q| {
            q.pop();
        }),
        _ => {}
    });
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)}>
            {router.view()}
            {move || if guides.get() { safe_area_guides() } else { View::empty() }}
            {move || pressed.get().map_or_else(View::empty, |(key, _)| remote_key(&key))}
            {move || picked.get().map_or_else(View::empty, |p| pick_outline(&p))}
            {move || build_overlay(build.get())}
        </column>
    }
}

/// The TV safe areas over the page: action-safe (5% in from each edge: anything
/// interactive) and title-safe (10%: text), as overscan may crop what is outside.
fn safe_area_guides() -> View {
    let guide = |inset: f32, color: Color, name: &'static str| {
        view! {
            <column absolute left={Length::Percent(inset)} top={Length::Percent(inset)}
                    right={Length::Percent(inset)} bottom={Length::Percent(inset)}
                    border_width=2 border_color={color}>
                <text size=20 color={color} padding=6>{name}</text>
            </column>
        }
    };
    view! {
        <column absolute left=0 top=0 right=0 bottom=0>
            {guide(0.05, Color::rgba(255, 196, 0, 220), "action safe 5%")}
            {guide(0.10, Color::rgba(0, 220, 255, 220), "title safe 10%")}
        </column>
    }
}

/// Pick mode: the picked component's box, and its name and source location.
fn pick_outline(picked: &Picked) -> View {
    let t = use_theme().get_untracked();
    let label = format!("{} · {}", picked.name, picked.location);
    view! {
        <column absolute left=0 top=0 right=0 bottom=0>
            <r#box absolute left={picked.x} top={picked.y} width={picked.width} height={picked.height}
                   border_width=3 border_color={Color::rgba(244, 114, 182, 255)} />
            <row absolute left=48 top=32 padding_x={t.spacing.md} padding_y={t.spacing.sm}
                 radius={t.radius.md} background={Color::rgba(0, 0, 0, 220)}>
                <text size={t.type_scale.caption} bold color={t.colors.text}>{label}</text>
            </row>
        </column>
    }
}

/// The key the remote (or keyboard) just sent, bottom right.
fn remote_key(key: &str) -> View {
    let t = use_theme().get_untracked();
    view! {
        <row absolute right=48 bottom=48 padding_x={t.spacing.md} padding_y={t.spacing.sm} gap={t.spacing.sm}
             radius={t.radius.md} background={Color::rgba(0, 0, 0, 200)} align=Align::Center>
            <text size={t.type_scale.caption} color={t.colors.text_muted}>"Remote"</text>
            <text size={t.type_scale.heading} bold color={t.colors.text}>{key.to_owned()}</text>
        </row>
    }
}

/// A badge while a build runs; the compiler's message over the last good page when it failed.
fn build_overlay(status: BuildStatus) -> View {
    let t = use_theme().get_untracked();
    match status {
        BuildStatus::Ok => View::empty(),
        BuildStatus::Building => view! {
            <row absolute right=48 top=32 padding_x={t.spacing.md} padding_y={t.spacing.sm}
                 radius={t.radius.md} background={Color::rgba(0, 0, 0, 200)}>
                <text size={t.type_scale.caption} color={t.colors.text}>"Rebuilding…"</text>
            </row>
        },
        BuildStatus::Failed { message } => view! {
            <column absolute left=48 right=48 bottom=48 padding={t.spacing.md} gap={t.spacing.sm}
                    radius={t.radius.md} background={Color::rgba(40, 8, 12, 255)}
                    border_width=3 border_color={Color::rgba(255, 80, 80, 255)}>
                <text size={t.type_scale.body} bold color={Color::rgba(255, 120, 120, 255)}>
                    "Build failed: this is the last good build"
                </text>
                <text size={t.type_scale.caption} color={t.colors.text} max_lines=14>{message}</text>
            </column>
        },
    }
}

/// A component page for a name no preview has (a route restored after it was renamed).
fn missing(name: &str) -> View {
    let t = use_theme().get_untracked();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} align=Align::Center
                justify=Align::Center background={t.colors.background}>
            <text size={t.type_scale.heading} color={t.colors.text_muted}>{format!("No preview is called “{name}”")}</text>
        </column>
    }
}

/// The on-screen keyboard's keys, for searching with a remote.
const KEYBOARD: [&str; 2] = ["ABCDEFGHIJKLM", "NOPQRSTUVWXYZ"];

/// The picker: a search line, an on-screen keyboard and the matching previews.
fn picker(previews: Rc<Previews>, query: Signal<String>) -> View {
    let t = use_theme().get_untracked();
    let router = use_router();
    let total = previews.entries.len();
    let list_previews = previews.clone();
    let matching = move || {
        let query = query.get();
        list_previews.search(&query).into_iter().cloned().collect::<Vec<Preview>>()
    };
    let count_previews = previews;
    let count = move || {
        let shown = query.with(|q| count_previews.search(q).len());
        format!("{shown} of {total}")
    };
    let search_line = move || {
        let q = query.get();
        if q.is_empty() {
            String::from("Search: type, or pick letters below")
        } else {
            format!("Search: {q}▏")
        }
    };
    let keyboard: Vec<View> = KEYBOARD
        .iter()
        .map(|row| {
            let keys: Vec<View> =
                row.chars().map(|c| key_cap(c.to_string(), move || query.update(|q| q.push(c)))).collect();
            view! { <row gap={t.spacing.xs}>{keys}</row> }
        })
        .collect();
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding_x={t.spacing.xl}
                padding_y={t.spacing.lg} gap={t.spacing.md} background={t.colors.background}>
            <row gap={t.spacing.lg} align=Align::Center>
                <text size={t.type_scale.title} bold color={t.colors.text}>"Preview"</text>
                <text size={t.type_scale.body} color={t.colors.text_muted}>{count}</text>
            </row>
            <text size={t.type_scale.heading} color={t.colors.accent}>{search_line}</text>
            <column gap={t.spacing.xs}>
                {keyboard}
                <row gap={t.spacing.xs}>
                    {key_cap(String::from("Space"), move || query.update(|q| q.push(' ')))}
                    {key_cap(String::from("Delete"), move || query.update(|q| { q.pop(); }))}
                    {key_cap(String::from("Clear"), move || query.set(String::new()))}
                </row>
            </column>
            <column grow=1 gap={t.spacing.xs} overflow=Overflow::Scroll reveal_padding={t.spacing.lg}>
                <For each=matching key={|p: &Preview| p.name}
                     view={move |p: Preview| {
                         let router = router.clone();
                         let route = p.route();
                         entry_row(&p, move || {
                             let _ = router.push(route.clone());
                         })
                     }} />
            </column>
        </column>
    }
}

/// One key of the on-screen keyboard.
fn key_cap(label: String, press: impl Fn() + 'static) -> View {
    let t = use_theme().get_untracked();
    let focused = signal(false);
    let width = if label.chars().count() == 1 { 64.0 } else { 200.0 };
    view! {
        <row focusable role=Role::Button label={label.as_str()} on_select=press width={width} height=64
             align=Align::Center justify=Align::Center radius={t.radius.sm}
             focus_color={Color::TRANSPARENT}
             on_focus={move || focused.set(true)} on_blur={move || focused.set(false)}
             background={move || if focused.get() { t.colors.accent } else { t.colors.surface }}>
            <text size={t.type_scale.caption} bold color={t.colors.text}>{label}</text>
        </row>
    }
}

/// One preview in the list: its name, kind and where it is registered; OK opens it.
fn entry_row(preview: &Preview, open: impl Fn() + 'static) -> View {
    let t = use_theme().get_untracked();
    let focused = signal(false);
    let kind = match preview.kind {
        PreviewKind::Page => "Page",
        PreviewKind::Component => "Component",
    };
    view! {
        <row focusable role=Role::ListItem label={preview.name} on_select=open height=72 shrink=0
             padding_x={t.spacing.md} gap={t.spacing.lg} align=Align::Center radius={t.radius.md}
             focus_color={Color::TRANSPARENT}
             on_focus={move || focused.set(true)} on_blur={move || focused.set(false)}
             background={move || if focused.get() { t.colors.surface_raised } else { t.colors.surface }}>
            <text size={t.type_scale.body} bold color={t.colors.text} width=520>{preview.name}</text>
            <text size={t.type_scale.caption} color={t.colors.accent} width=200>{kind}</text>
            <text size={t.type_scale.caption} color={t.colors.text_muted}>{preview.location()}</text>
        </row>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> View {
        View::empty()
    }

    #[test]
    fn registration_records_where_it_is_written() {
        let line = line!() + 1;
        let preview = Preview::component("Sample", sample);
        assert_eq!(preview.location(), format!("{}:{line}", file!()));
        assert_eq!(preview.route(), Route::with(COMPONENT_PAGE, "Sample"));
    }

    #[test]
    fn search_matches_every_word_and_lists_pages_first() {
        let previews = Previews::new()
            .with(Preview::component("Buttons", sample))
            .with(Preview::page("Home", Route::new("home")))
            .with(Preview::page("Match details", Route::with("match", "m1")));
        let names = |query: &str| previews.search(query).iter().map(|p| p.name()).collect::<Vec<_>>();
        assert_eq!(names(""), ["Home", "Match details", "Buttons"]);
        assert_eq!(names("MA"), ["Match details"]);
        assert_eq!(names("page det"), ["Match details"]);
        assert_eq!(names("component"), ["Buttons"]);
        assert!(names("nothing").is_empty());
    }
}
