//! The focus engine inside the engine: keys held and long-pressed, hooks that consume keys and
//! cancel moves, scopes set on nodes, scroll into view, and the focus tree's cache.

use touchline_abi::{Event, Key};
use touchline_engine::focus::{DirectionSet, FocusGraph, FocusScope, KeyPhase, ScrollIntoView};
use touchline_engine::{
    Easing, Engine, Entity, Length, NodeBundle, Overflow, Style, Transition, UiEvent, UiEventKind, Visual,
};

const FRAME_US: u64 = 16_667;

/// An engine and its clock: frames one 60 Hz step apart.
struct Rig {
    engine: Engine,
    now: u64,
}

impl Rig {
    fn new() -> Self {
        Self { engine: Engine::new(1920, 1080).expect("engine"), now: 0 }
    }

    fn frame(&mut self, events: &[Event]) -> Vec<UiEvent> {
        self.now += FRAME_US;
        let mut out = self.engine.begin_frame(self.now, events);
        self.engine.end_frame();
        out.extend(self.engine.take_events());
        out
    }

    fn press(&mut self, key: Key) -> Vec<UiEvent> {
        self.frame(&[Event::key_down(key), Event::key_up(key)])
    }

    /// Holds `key` for `us` microseconds of frames, then releases it.
    fn hold(&mut self, key: Key, us: u64) -> Vec<UiEvent> {
        let mut events = self.frame(&[Event::key_down(key)]);
        let until = self.now + us;
        while self.now + FRAME_US < until {
            events.extend(self.frame(&[]));
        }
        events.extend(self.frame(&[Event::key_up(key)]));
        events
    }

    fn container(&mut self, parent: Entity, style: Style) -> Entity {
        self.engine.spawn(parent, NodeBundle { style, ..NodeBundle::default() })
    }

    fn tile(&mut self, parent: Entity, width: f32) -> Entity {
        self.engine.spawn(
            parent,
            NodeBundle {
                style: Style {
                    width: Length::Px(width),
                    height: Length::Px(100.0),
                    shrink: 0.0,
                    ..Style::default()
                },
                visual: Visual { corner_radius: 8.0, ..Visual::default() },
                focusable: true,
                ..NodeBundle::default()
            },
        )
    }

    /// A row of `n` tiles `width` wide with 20 px gaps.
    fn row(&mut self, parent: Entity, n: usize, width: f32, overflow: Overflow) -> (Entity, Vec<Entity>) {
        let row = self.container(
            parent,
            Style {
                column_gap: 20.0,
                row_gap: 20.0,
                overflow,
                width: Length::Percent(1.0),
                ..Style::default()
            },
        );
        let tiles = (0..n).map(|_| self.tile(row, width)).collect();
        (row, tiles)
    }

    fn column(&mut self) -> Entity {
        let root = self.engine.root();
        self.container(
            root,
            Style {
                direction: touchline_engine::Direction::Column,
                row_gap: 60.0,
                width: Length::Percent(1.0),
                ..Style::default()
            },
        )
    }
}

#[test]
fn a_held_arrow_repeats_faster_and_faster_then_stops_on_release() {
    let mut rig = Rig::new();
    let root = rig.engine.root();
    let (_, tiles) = rig.row(root, 12, 100.0, Overflow::Visible);
    rig.frame(&[]);
    assert_eq!(rig.engine.focused(), Some(tiles[0]));
    // Down at t0, repeats at +400, +550, +677.5, +785.9, +878 and +956.3 ms: 7 moves in 1 s.
    rig.hold(Key::Right, 1_000_000);
    assert_eq!(rig.engine.focused(), Some(tiles[7]));
    rig.frame(&[]);
    rig.frame(&[]);
    assert_eq!(rig.engine.focused(), Some(tiles[7]), "no repeat after release");
}

#[test]
fn ok_held_is_a_long_select_not_a_select() {
    let mut rig = Rig::new();
    let root = rig.engine.root();
    let (_, tiles) = rig.row(root, 3, 100.0, Overflow::Visible);
    rig.frame(&[]);
    let events = rig.hold(Key::Select, 800_000);
    let kinds: Vec<UiEventKind> = events.iter().filter(|e| e.target == tiles[0]).map(|e| e.kind).collect();
    assert_eq!(kinds, [UiEventKind::LongSelect]);
    let events = rig.press(Key::Select);
    assert!(events.iter().any(|e| e.kind == UiEventKind::Select && e.target == tiles[0]));
}

#[test]
fn hooks_consume_keys_and_cancel_moves() {
    let mut rig = Rig::new();
    let root = rig.engine.root();
    let (_, tiles) = rig.row(root, 4, 100.0, Overflow::Visible);
    rig.frame(&[]);
    let wall = tiles[2];
    rig.engine.set_move_hook(move |m| m.to != wall);
    rig.engine.set_key_hook(|action, _path| action.key == Key::Back && action.phase == KeyPhase::Down);
    rig.press(Key::Right);
    assert_eq!(rig.engine.focused(), Some(tiles[1]));
    rig.press(Key::Right);
    assert_eq!(rig.engine.focused(), Some(tiles[1]), "the hook cancelled the move onto the wall");
    let events = rig.press(Key::Back);
    assert!(!events.iter().any(|e| e.kind == UiEventKind::Back), "the key hook consumed Back");
}

#[test]
fn a_remembering_rail_is_re_entered_where_it_was_left() {
    let mut rig = Rig::new();
    let page = rig.column();
    let (rail_a, a) = rig.row(page, 6, 200.0, Overflow::Visible);
    let (rail_b, b) = rig.row(page, 6, 200.0, Overflow::Visible);
    for rail in [rail_a, rail_b] {
        rig.engine.set_focus_scope(rail, FocusScope { remember: true, ..FocusScope::default() });
    }
    rig.frame(&[]);
    for _ in 0..3 {
        rig.press(Key::Right);
    }
    assert_eq!(rig.engine.focused(), Some(a[3]));
    rig.press(Key::Down);
    assert_eq!(rig.engine.focused(), Some(b[3]));
    rig.press(Key::Left);
    rig.press(Key::Left);
    rig.press(Key::Up);
    assert_eq!(rig.engine.focused(), Some(a[3]), "rail A remembers its tile, not the nearest one");
    rig.press(Key::Down);
    assert_eq!(rig.engine.focused(), Some(b[1]));
}

#[test]
fn a_boundary_keeps_focus_in_a_modal() {
    let mut rig = Rig::new();
    let page = rig.column();
    let (_, behind) = rig.row(page, 3, 200.0, Overflow::Visible);
    let (dialog, buttons) = rig.row(page, 2, 200.0, Overflow::Visible);
    rig.engine.set_focus_scope(dialog, FocusScope { boundary: DirectionSet::ALL, ..FocusScope::default() });
    rig.frame(&[]);
    rig.engine.focus(buttons[0]);
    rig.frame(&[]);
    rig.press(Key::Up);
    assert_eq!(rig.engine.focused(), Some(buttons[0]), "never up to {:?}", behind[0]);
    rig.press(Key::Right);
    assert_eq!(rig.engine.focused(), Some(buttons[1]));
}

#[test]
fn focus_off_screen_scrolls_its_rail_to_reveal_it() {
    let mut rig = Rig::new();
    let root = rig.engine.root();
    let (rail, tiles) = rig.row(root, 20, 300.0, Overflow::Scroll);
    rig.engine.set_scroll_into_view(
        rail,
        ScrollIntoView { edge_padding: 60.0, transition: Transition::tween(200_000, Easing::EaseOut) },
    );
    rig.frame(&[]);
    for _ in 0..7 {
        rig.press(Key::Right);
    }
    assert_eq!(rig.engine.focused(), Some(tiles[7]));
    // Let the scroll animation finish.
    for _ in 0..20 {
        rig.frame(&[]);
    }
    let rect = rig.engine.rect(tiles[7]).expect("laid out");
    assert!(rect.x >= 60.0 && rect.x + rect.width <= 1920.0 - 60.0 + 0.5, "revealed: {rect:?}");
    assert!(
        (rect.x + rect.width - (1920.0 - 60.0)).abs() < 0.5,
        "scrolled just enough, to the padded edge: {rect:?}"
    );
    // Back to the start: the rail scrolls back to 0, never below.
    for _ in 0..7 {
        rig.press(Key::Left);
    }
    for _ in 0..20 {
        rig.frame(&[]);
    }
    assert_eq!(rig.engine.scroll(rail).x, 0.0);
}

#[test]
fn the_focus_tree_is_built_once_until_layout_changes() {
    let mut rig = Rig::new();
    let root = rig.engine.root();
    let (row, tiles) = rig.row(root, 5, 100.0, Overflow::Visible);
    rig.frame(&[]);
    rig.press(Key::Right);
    rig.press(Key::Right);
    rig.press(Key::Left);
    assert_eq!(rig.engine.world().resource::<FocusGraph>().builds, 1);
    rig.engine.set_style(row, Style { column_gap: 40.0, ..Style::default() });
    rig.frame(&[]);
    rig.press(Key::Right);
    assert_eq!(rig.engine.world().resource::<FocusGraph>().builds, 2, "layout moved the tiles: rebuilt");
    assert_eq!(rig.engine.focused(), Some(tiles[2]));
}

#[test]
fn every_focus_change_is_announced_with_label_role_and_position() {
    use touchline_abi::{Request, read_requests};
    use touchline_engine::focus::{AccessibleLabel, Role};

    let mut rig = Rig::new();
    let root = rig.engine.root();
    let (rail, tiles) = rig.row(root, 12, 100.0, Overflow::Visible);
    rig.engine.set_focus_scope(rail, FocusScope::default());
    rig.engine.set_accessible_label(
        tiles[2],
        AccessibleLabel { label: "Bayern v Dortmund".into(), role: Role::Tile },
    );
    rig.frame(&[]);
    let first: Vec<String> = rig.engine.announcements().iter().map(|a| a.text()).collect();
    assert_eq!(first, ["button, 1 of 12"], "the first focus is announced too");
    rig.press(Key::Right);
    rig.press(Key::Right);
    let spoken: Vec<String> = read_requests(rig.engine.requests())
        .filter_map(|r| match r.expect("valid request") {
            Request::Announce { text } => Some(text.to_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(spoken, ["Bayern v Dortmund, tile, 3 of 12"], "the host is asked to speak it");
    rig.frame(&[]);
    assert!(rig.engine.announcements().is_empty(), "no focus change, nothing to say");
}

#[test]
fn hidden_texts_are_not_announced() {
    use touchline_engine::{Display, TextContent};

    let mut rig = Rig::new();
    let root = rig.engine.root();
    let (_, tiles) = rig.row(root, 2, 300.0, Overflow::Visible);
    let text = |rig: &mut Rig, parent: Entity, words: &str, display: Display| {
        rig.engine.spawn(
            parent,
            NodeBundle {
                style: Style { display, ..Style::default() },
                text: Some(TextContent { text: words.into(), ..TextContent::default() }),
                ..NodeBundle::default()
            },
        )
    };
    let badge = rig.container(tiles[0], Style { display: Display::None, ..Style::default() });
    text(&mut rig, badge, "Resume", Display::default());
    text(&mut rig, tiles[0], "France 4–2 Croatia", Display::default());
    text(&mut rig, tiles[0], "Spoiler", Display::None);
    rig.frame(&[]);
    let said: Vec<String> = rig.engine.announcements().iter().map(|a| a.text()).collect();
    assert_eq!(said, ["France 4–2 Croatia, button, 1 of 2"], "what is hidden is not read out");
}

#[test]
fn focus_and_memory_follow_items_when_a_virtualized_rail_recycles_its_tiles() {
    let mut rig = Rig::new();
    let page = rig.column();
    let (rail, pool) = rig.row(page, 6, 200.0, Overflow::Visible);
    let (_, below) = rig.row(page, 6, 200.0, Overflow::Visible);
    rig.engine.set_focus_scope(
        rail,
        FocusScope { remember: true, item_count: Some(1000), ..FocusScope::default() },
    );
    let show = |rig: &mut Rig, first: u64| {
        for (i, &tile) in pool.iter().enumerate() {
            rig.engine.set_focus_key(tile, first + i as u64);
        }
    };
    show(&mut rig, 0);
    rig.frame(&[]);
    for _ in 0..4 {
        rig.press(Key::Right);
    }
    assert_eq!(rig.engine.focused(), Some(pool[4]), "on item 4");
    show(&mut rig, 2);
    rig.frame(&[]);
    assert_eq!(rig.engine.focused(), Some(pool[2]), "the tiles were recycled: focus stays on item 4");
    assert!(rig.engine.announcements().is_empty(), "still item 4: nothing new to say");
    rig.press(Key::Down);
    rig.press(Key::Right);
    rig.press(Key::Right);
    assert_eq!(rig.engine.focused(), Some(below[4]));
    show(&mut rig, 1);
    rig.frame(&[]);
    rig.press(Key::Up);
    assert_eq!(rig.engine.focused(), Some(pool[3]), "the rail remembers item 4, wherever it is shown now");
    let said: Vec<String> = rig.engine.announcements().iter().map(|a| a.text()).collect();
    assert_eq!(said, ["button, 5 of 1000"], "items are counted, not the nodes recycled for them");
}

#[test]
fn a_removed_scope_forgets_what_it_remembered() {
    let mut rig = Rig::new();
    let page = rig.column();
    let (rail, tiles) = rig.row(page, 4, 200.0, Overflow::Visible);
    let (_, below) = rig.row(page, 4, 200.0, Overflow::Visible);
    rig.engine.set_focus_scope(rail, FocusScope { remember: true, ..FocusScope::default() });
    rig.frame(&[]);
    rig.press(Key::Right);
    rig.press(Key::Right);
    assert_eq!(rig.engine.focused(), Some(tiles[2]));
    rig.press(Key::Down);
    rig.press(Key::Left);
    rig.press(Key::Left);
    assert_eq!(rig.engine.focused(), Some(below[0]));
    // The rail stops being a remembering scope: back up lands geometrically.
    rig.engine.world_mut().entity_mut(rail).remove::<FocusScope>();
    rig.engine.set_focus_scope(rail, FocusScope { remember: true, ..FocusScope::default() });
    rig.frame(&[]);
    rig.press(Key::Up);
    assert_eq!(rig.engine.focused(), Some(tiles[0]), "the old memory (tile 3) went with the old scope");
}
