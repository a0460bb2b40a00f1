//! The basic components in a real app: text styles follow the theme, containers space by it,
//! progress and timelines follow their values, the spinner steps and stops with its scope, the
//! toast hides on time, and the video surface reaches the display list.

mod support;

use std::rc::Rc;

use touchline_abi::display_list::{Command, DisplayListReader};
use touchline_abi::{Event, Key};
use touchline_engine::focus::AccessibleLabel;
use touchline_engine::{ComputedRect, Entity, Focusable, ImageContent, TextContent, Visual};
use touchline_ui::components::{
    Column, ColumnProps, Grid, GridProps, Image, ImageProps, MarkerKind, ProgressBar, ProgressBarProps, Row,
    RowProps, Spinner, SpinnerProps, Text, TextProps, TextVariant, Timeline, TimelineMarker, TimelineProps,
    Toast, ToastProps, VideoSurface, VideoSurfaceProps,
};
use touchline_ui::prelude::*;
use touchline_ui::theme::Theme;
use touchline_ui::{App, NodeRef, provide_theme};

const FRAME: u64 = 16_667;

struct Rig {
    app: App,
    frame: u64,
    /// The display list of the last frame.
    list: Vec<u8>,
}

impl Rig {
    /// Starts a 1920×1080 app whose root `view` builds from `state`, made inside the app's
    /// runtime and handed back so the test can change it.
    fn new<S: Clone + 'static>(
        state: impl FnOnce() -> S + 'static,
        view: impl FnOnce(S) -> View + 'static,
    ) -> (Self, S) {
        let (app, state) = support::app_with_state(1920, 1080, state, view);
        let mut rig = Rig { app, frame: 0, list: Vec::new() };
        rig.step(&[]);
        (rig, state)
    }

    fn step(&mut self, events: &[Event]) {
        self.frame += 1;
        self.list = self.app.frame(self.frame * FRAME, events, &[]).to_vec();
    }

    fn steps(&mut self, n: usize) {
        for _ in 0..n {
            self.step(&[]);
        }
    }

    fn press(&mut self, key: Key) {
        self.step(&[Event::key_down(key), Event::key_up(key)]);
        self.step(&[]);
    }

    fn children(&self, node: Entity) -> Vec<Entity> {
        self.app.engine().children(node).to_vec()
    }

    /// `node` and its descendants, in tree order.
    fn subtree(&self, node: Entity) -> Vec<Entity> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(e) = stack.pop() {
            out.push(e);
            stack.extend(self.app.engine().children(e).iter().rev());
        }
        out
    }

    /// The children of `node` that are not a dynamic view's (zero-sized) markers.
    fn content(&self, node: Entity) -> Vec<Entity> {
        self.children(node)
            .into_iter()
            .filter(|&c| self.rect(c).width > 0.0 || self.rect(c).height > 0.0)
            .collect()
    }

    fn rect(&self, node: Entity) -> ComputedRect {
        self.app.engine().rect(node).expect("laid out")
    }

    fn visual(&self, node: Entity) -> Visual {
        self.app.engine().world().get::<Visual>(node).expect("a node").clone()
    }

    /// The text node showing `text`.
    fn text_node(&self, text: &str) -> (Entity, TextContent) {
        let world = self.app.engine().world();
        self.subtree(self.app.engine().root())
            .into_iter()
            .find_map(|e| world.get::<TextContent>(e).filter(|c| c.text == text).map(|c| (e, c.clone())))
            .unwrap_or_else(|| panic!("no text {text:?} in {:?}", self.app.engine().texts()))
    }

    fn texts(&self) -> Vec<String> {
        self.app.engine().texts()
    }

    fn node(node_ref: &NodeRef) -> Entity {
        node_ref.node().expect("mounted")
    }
}

fn approx(a: f32, b: f32) -> bool {
    (a - b).abs() < 0.5
}

#[test]
fn text_takes_its_variant_size_and_restyles_with_the_theme() {
    let (mut rig, (theme, score)) = Rig::new(
        || (provide_theme(Theme::dark()), signal(1u32)),
        |(_, score)| {
            view! {
                <column>
                    <Text variant=TextVariant::Title>"Title"</Text>
                    <Text variant=TextVariant::Caption muted>"Caption"</Text>
                    <Text>"Score: "{move || score.get().to_string()}</Text>
                </column>
            }
        },
    );
    let dark = Theme::dark();
    let (title, content) = rig.text_node("Title");
    assert_eq!(content.style.size, dark.type_scale.title);
    assert_eq!(content.style.weight, FontWeight::Bold, "titles are bold");
    assert_eq!(content.style.color, dark.colors.text);
    let (_, caption) = rig.text_node("Caption");
    assert_eq!(caption.style.size, dark.type_scale.caption);
    assert_eq!(caption.style.weight, FontWeight::Regular);
    assert_eq!(caption.style.color, dark.colors.text_muted, "muted text");
    let (_, body) = rig.text_node("Score: 1");
    assert_eq!(body.style.size, dark.type_scale.body, "body by default");

    score.set(2);
    rig.step(&[]);
    rig.text_node("Score: 2");

    // Light shares the sizes: the colour changes in place, on the same node.
    theme.set(Theme::light());
    rig.step(&[]);
    let (same, content) = rig.text_node("Title");
    assert_eq!(same, title, "restyled in place");
    assert_eq!(content.style.color, Theme::light().colors.text);
    assert_eq!(rig.text_node("Caption").1.style.color, Theme::light().colors.text_muted);

    // High contrast has a larger scale.
    let hc = Theme::high_contrast();
    theme.set(hc);
    rig.step(&[]);
    let (_, content) = rig.text_node("Title");
    assert_eq!((content.style.size, content.style.color), (hc.type_scale.title, hc.colors.text));
    let (_, caption) = rig.text_node("Caption");
    assert_eq!((caption.style.size, caption.style.color), (hc.type_scale.caption, hc.colors.text_muted));
    assert_eq!(rig.text_node("Score: 2").1.style.size, hc.type_scale.body);
    assert_eq!(rig.texts(), ["Title", "Caption", "Score: 2"], "nothing duplicated by the rebuild");
    score.set(3);
    rig.step(&[]);
    rig.text_node("Score: 3");
}

#[test]
fn containers_space_children_by_the_theme() {
    let refs: Rc<Vec<NodeRef>> = Rc::new((0..3).map(|_| NodeRef::new()).collect());
    let r = refs.clone();
    let (rig, ()) = Rig::new(
        || (),
        move |()| {
            let tiles = |n: usize| -> Vec<View> {
                (0..n).map(|_| view! { <r#box width=100 height=50 background={Color::WHITE} /> }).collect()
            };
            let cells = |n: usize| -> Vec<View> {
                (0..n).map(|_| view! { <r#box height=50 background={Color::WHITE} /> }).collect()
            };
            view! {
                <column>
                    <r#box ref={&r[0]}><Row>{tiles(2)}</Row></r#box>
                    <r#box ref={&r[1]}><Column gap=8.0 padding=10.0>{tiles(2)}</Column></r#box>
                    <r#box ref={&r[2]} width=600>
                        <Grid columns=3 width={Length::Percent(1.0)}>{cells(4)}</Grid>
                    </r#box>
                </column>
            }
        },
    );
    let md = Theme::dark().spacing.md;
    let row = rig.children(Rig::node(&refs[0]))[0];
    let [a, b] = rig.children(row).try_into().expect("two tiles");
    assert!(approx(rig.rect(b).x - rig.rect(a).x, 100.0 + md), "row gap is the theme's md");

    let column = rig.children(Rig::node(&refs[1]))[0];
    let [a, b] = rig.children(column).try_into().expect("two tiles");
    assert!(approx(rig.rect(b).y - rig.rect(a).y, 50.0 + 8.0), "gap given");
    assert!(approx(rig.rect(a).y - rig.rect(column).y, 10.0), "padding");

    let grid = rig.children(Rig::node(&refs[2]))[0];
    let cells: Vec<ComputedRect> = rig.children(grid).into_iter().map(|c| rig.rect(c)).collect();
    let cell = (600.0 - 2.0 * md) / 3.0;
    assert!(cells[..3].iter().all(|c| approx(c.width, cell)), "three equal columns: {cells:?}");
    assert!(approx(cells[1].x - cells[0].x, cell + md));
    assert!(approx(cells[3].x, cells[0].x) && approx(cells[3].y - cells[0].y, 50.0 + md), "fourth wraps");
}

#[test]
fn image_defaults_come_from_the_theme() {
    let frame = NodeRef::new();
    let f = frame.clone();
    let (mut rig, theme) = Rig::new(
        || provide_theme(Theme::dark()),
        move |_| view! { <r#box ref={&f}><Image src="images/crest.png" width=200.0 height=120.0 /></r#box> },
    );
    let image_node = |rig: &Rig| {
        let world = rig.app.engine().world();
        let node =
            rig.subtree(Rig::node(&frame)).into_iter().find(|&e| world.get::<ImageContent>(e).is_some());
        let node = node.expect("an image node");
        (node, world.get::<ImageContent>(node).expect("image").clone())
    };
    let (node, image) = image_node(&rig);
    assert_eq!(image.url, "images/crest.png");
    assert_eq!(image.fit, ImageFit::Cover);
    assert_eq!(image.placeholder, Theme::dark().colors.surface);
    assert_eq!(rig.visual(node).corner_radius, Theme::dark().radius.md);
    let rect = rig.rect(node);
    assert_eq!((rect.width, rect.height), (200.0, 120.0));
    theme.set(Theme::light());
    rig.step(&[]);
    assert_eq!(
        image_node(&rig).1.placeholder,
        Theme::light().colors.surface,
        "placeholder follows the theme"
    );
}

#[test]
fn a_progress_bar_fill_follows_its_value_and_clamps() {
    let bar = NodeRef::new();
    let b = bar.clone();
    let (mut rig, value) = Rig::new(
        || signal(0.25f32),
        move |value| {
            view! {
                <r#box ref={&b}><ProgressBar value={move || value.get()} width=400.0 height=10.0 /></r#box>
            }
        },
    );
    let track = rig.children(Rig::node(&bar))[0];
    let fill = rig.children(track)[0];
    assert_eq!(rig.rect(track).width, 400.0);
    assert_eq!(rig.rect(track).height, 10.0);
    assert_eq!(rig.visual(track).background, Theme::dark().colors.track);
    assert_eq!(rig.visual(fill).background, Theme::dark().colors.accent);
    assert!(approx(rig.rect(fill).width, 100.0), "starts at its value: {:?}", rig.rect(fill));

    value.set(0.8);
    rig.steps(3);
    let mid = rig.rect(fill).width;
    assert!(mid > 100.5 && mid < 319.5, "animates: {mid}");
    rig.steps(30);
    assert!(approx(rig.rect(fill).width, 320.0), "settles at its value: {:?}", rig.rect(fill));

    for (v, width) in [(7.0, 400.0), (-1.0, 0.0), (f32::NAN, 0.0), (1.0, 400.0)] {
        value.set(v);
        rig.steps(30);
        assert!(approx(rig.rect(fill).width, width), "{v} fills {width}: {:?}", rig.rect(fill));
    }
}

fn markers() -> Vec<TimelineMarker> {
    vec![
        TimelineMarker::new(25_000.0, MarkerKind::Goal, "Goal 25"),
        TimelineMarker::new(50_000.0, MarkerKind::Card, "Card 50"),
        TimelineMarker::new(150_000.0, MarkerKind::Shot, "Shot past the end"),
        TimelineMarker::new(-5.0, MarkerKind::Other, "Before the start"),
    ]
}

/// The timeline's box, its played part and its markers (in the order given).
fn timeline_parts(rig: &Rig, wrapper: &NodeRef) -> (Entity, Entity, Vec<Entity>) {
    let root = rig.children(Rig::node(wrapper))[0];
    let [_track, played, markers] = rig.children(root).try_into().expect("track, played, markers");
    let markers = rig.children(markers).into_iter().map(|reach| rig.children(reach)[0]).collect();
    (root, played, markers)
}

#[test]
fn a_timeline_places_markers_and_the_playhead_and_clamps_bad_values() {
    let (good, bad) = (NodeRef::new(), NodeRef::new());
    let (g, b) = (good.clone(), bad.clone());
    let (mut rig, (duration, position)) = Rig::new(
        || (signal(100_000.0f64), signal(40_000.0f64)),
        move |(duration, position)| {
            view! {
                <column padding=100 gap=100>
                    <r#box ref={&g}>
                        <Timeline duration_ms={move || duration.get()} position_ms={move || position.get()}
                                  markers={markers()} on_seek={|_| {}} width=1000.0 />
                    </r#box>
                    <r#box ref={&b}>
                        <Timeline duration_ms={f64::NAN} position_ms=-10.0 markers={markers()}
                                  on_seek={|_| {}} width=1000.0 />
                    </r#box>
                </column>
            }
        },
    );
    let (root, played, marks) = timeline_parts(&rig, &good);
    let x0 = rig.rect(root).x;
    assert_eq!(rig.rect(root).width, 1000.0);
    let centre = |rig: &Rig, e: Entity| rig.rect(e).center().0 - x0;
    for (marker, expected) in marks.iter().zip([250.0, 500.0, 1000.0, 0.0]) {
        assert!(approx(centre(&rig, *marker), expected), "marker at {expected}: {}", centre(&rig, *marker));
    }
    assert!(approx(rig.rect(played).width, 400.0), "played up to the playhead: {:?}", rig.rect(played));
    let knob = rig.children(played)[0];
    let knob_visual = rig.visual(knob);
    assert!(
        approx(rig.rect(knob).center().0 + knob_visual.transform.translate[0] - x0, 400.0),
        "the playhead is centred on the end of the played part"
    );
    let colors = Theme::dark().colors;
    assert_eq!(rig.visual(marks[0]).background, colors.accent, "goals in the accent colour");
    assert_ne!(rig.visual(marks[1]).background, rig.visual(marks[0]).background, "cards differ");
    let label = rig.app.engine().world().get::<AccessibleLabel>(marks[0]).expect("labelled");
    assert_eq!(label.label, "Goal 25");

    // A longer video moves the markers; a playhead past the end fills the track.
    duration.set(200_000.0);
    position.set(1e12);
    rig.step(&[]);
    assert!(approx(centre(&rig, marks[0]), 125.0), "{}", centre(&rig, marks[0]));
    assert!(approx(centre(&rig, marks[2]), 750.0));
    assert!(approx(rig.rect(played).width, 1000.0));
    position.set(f64::NAN);
    rig.step(&[]);
    assert_eq!(rig.rect(played).width, 0.0, "NaN is the start");

    // Without a valid duration everything sits at the start.
    let (root, played, marks) = timeline_parts(&rig, &bad);
    let x0 = rig.rect(root).x;
    for marker in marks {
        assert!(approx(rig.rect(marker).center().0 - x0, 0.0));
    }
    assert_eq!(rig.rect(played).width, 0.0);
}

#[test]
fn ok_on_a_focused_timeline_marker_seeks_to_it() {
    let wrapper = NodeRef::new();
    let w = wrapper.clone();
    let (mut rig, seeks) = Rig::new(
        || signal(Vec::<f64>::new()),
        move |seeks| {
            view! {
                <column padding=100>
                    <r#box ref={&w}>
                        <Timeline duration_ms=100_000.0 position_ms=0.0 markers={markers()}
                                  on_seek={move |ms| seeks.update(|s| s.push(ms))} width=1000.0 />
                    </r#box>
                </column>
            }
        },
    );
    let (_, _, marks) = timeline_parts(&rig, &wrapper);
    // Left to right: before the start (0), 25 s, 50 s, past the end (100 s).
    let by_x = [(marks[3], 0.0), (marks[0], 25_000.0), (marks[1], 50_000.0), (marks[2], 100_000.0)];
    let world_focus = |rig: &Rig| rig.app.engine().focused();
    assert!(marks.contains(&world_focus(&rig).expect("a marker takes the first focus")));
    for _ in 0..4 {
        rig.press(Key::Left);
    }
    for (i, (marker, at)) in by_x.iter().enumerate() {
        assert_eq!(world_focus(&rig), Some(*marker), "right walks the markers in time order ({i})");
        rig.press(Key::Select);
        assert_eq!(seeks.get().last(), Some(at), "OK seeks to the marker's time, clamped");
        rig.steps(30);
        let visual = rig.visual(*marker);
        assert!(visual.transform.scale[0] > 1.2, "the focused marker grows: {:?}", visual.transform);
        rig.press(Key::Right);
    }
    assert_eq!(seeks.get(), [0.0, 25_000.0, 50_000.0, 100_000.0]);
    rig.steps(30);
    assert!(approx(rig.visual(by_x[0].0).transform.scale[0], 1.0), "blurred markers shrink back");
    assert!(rig.texts().iter().any(|t| t == "Shot past the end"), "the focused marker shows its label");
    assert!(!rig.texts().iter().any(|t| t == "Goal 25"), "others do not");
}

#[test]
fn a_spinner_steps_its_lit_dot_and_its_task_dies_with_it() {
    let wrapper = NodeRef::new();
    let w = wrapper.clone();
    let (mut rig, show) = Rig::new(
        || signal(true),
        move |show| {
            view! {
                <r#box ref={&w}>{move || show.get().then(|| view! { <Spinner size=80.0 /> })}</r#box>
            }
        },
    );
    let spinner = rig.content(Rig::node(&wrapper))[0];
    assert_eq!((rig.rect(spinner).width, rig.rect(spinner).height), (80.0, 80.0));
    let dots = rig.children(spinner);
    assert_eq!(dots.len(), 8);
    let label = rig.app.engine().world().get::<AccessibleLabel>(spinner).expect("labelled");
    assert_eq!(label.label, "Loading");
    let lit = |rig: &Rig| {
        // The trail fades through the fill's alpha.
        let alphas: Vec<u8> = dots.iter().map(|&d| rig.visual(d).background.alpha()).collect();
        (0..alphas.len()).max_by_key(|&i| alphas[i]).expect("dots")
    };
    assert_eq!(rig.app.stats().live_tasks, 1, "the spinner's stepping task");
    let mut seen = vec![lit(&rig)];
    for _ in 0..12 {
        rig.steps(6); // 100 ms
        seen.push(lit(&rig));
    }
    let changes = seen.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(changes >= 10, "the lit dot moves every step: {seen:?}");
    assert!(
        seen.windows(2).all(|w| w[1] == w[0] || w[1] == (w[0] + 1) % 8),
        "clockwise, one at a time: {seen:?}"
    );
    // Dots on a circle: opposite dots are a diameter apart.
    let (top, bottom) = (rig.rect(dots[0]), rig.rect(dots[4]));
    assert!(approx(top.center().0, bottom.center().0) && bottom.center().1 - top.center().1 > 50.0);

    show.set(false);
    rig.step(&[]);
    assert_eq!(rig.app.stats().live_tasks, 0, "unmounting cancelled the task");
}

#[test]
fn a_toast_hides_after_its_duration_and_a_new_message_restarts_the_timer() {
    let (mut rig, message) = Rig::new(
        || signal(None::<String>),
        |message| {
            view! {
                <r#box width={Length::Percent(1.0)} height={Length::Percent(1.0)}>
                    <Toast message=message duration_ms=1000 />
                </r#box>
            }
        },
    );
    assert!(rig.texts().is_empty(), "nothing shown without a message: {:?}", rig.texts());
    message.set(Some("Saved".into()));
    rig.steps(30); // 0.5 s
    let (node, _) = rig.text_node("Saved");
    let card =
        rig.app.engine().world().get::<bevy_ecs::hierarchy::ChildOf>(node).expect("in a card").parent();
    let card = std::iter::successors(Some(card), |&e| {
        rig.app.engine().world().get::<bevy_ecs::hierarchy::ChildOf>(e).map(|c| c.parent())
    })
    .find(|&e| rig.visual(e).shadow.is_some())
    .expect("the raised card");
    assert!(approx(rig.visual(card).opacity, 1.0), "faded in");
    let rect = rig.rect(card);
    assert!((rect.center().0 - 960.0).abs() <= 1.0, "centred: {rect:?}");
    assert!(rect.y > 540.0, "at the bottom: {rect:?}");
    let world = rig.app.engine().world();
    assert!(rig.subtree(card).iter().all(|&e| world.get::<Focusable>(e).is_none()), "never focusable");

    // A new message half-way restarts the timer: 1 s from now, not from the first.
    message.set(Some("Saved again".into()));
    rig.steps(48); // 0.8 s
    assert_eq!(message.get(), Some("Saved again".into()), "still up 1.3 s after the first message");
    rig.text_node("Saved again");
    rig.steps(15); // 1.05 s
    assert_eq!(message.get(), None, "hidden after its duration");
    rig.steps(30);
    assert!(rig.texts().is_empty(), "gone once faded out: {:?}", rig.texts());
    assert_eq!(rig.app.stats().live_tasks, 0);
}

#[test]
fn a_video_surface_reaches_the_display_list_under_its_overlay() {
    let (rig, ()) = Rig::new(
        || (),
        |()| {
            view! {
                <column padding=40>
                    <VideoSurface width=640.0 height=360.0>
                        <Text variant=TextVariant::Heading>"LIVE"</Text>
                    </VideoSurface>
                </column>
            }
        },
    );
    let reader = DisplayListReader::new(&rig.list).expect("a display list");
    let commands: Vec<Command> = reader.commands().map(|c| c.expect("well formed")).collect();
    let video = commands.iter().position(|c| matches!(c, Command::VideoSurface(_))).expect("a video surface");
    let Command::VideoSurface(rect) = &commands[video] else { unreachable!() };
    assert_eq!((rect.x, rect.y, rect.w, rect.h), (40.0, 40.0, 640.0, 360.0));
    let text = commands.iter().position(|c| matches!(c, Command::GlyphRun(..))).expect("the overlay's text");
    assert!(text > video, "the overlay draws over the video");
}
