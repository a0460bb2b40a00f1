//! The engine alone: nodes laid out by flexbox, painted into a display list, focus moved by keys.

use touchline_abi::{Command, DisplayListReader, Event, Key};
use touchline_engine::{Color, Engine, Length, NodeBundle, Style, Visual};

fn tile(color: u32) -> NodeBundle {
    NodeBundle {
        style: Style { width: Length::Px(100.0), height: Length::Px(50.0), ..Style::default() },
        visual: Visual { background: Color::hex(color), corner_radius: 8.0, ..Visual::default() },
        focusable: true,
        ..NodeBundle::default()
    }
}

#[test]
fn a_row_lays_out_with_padding_and_gap_and_paints_in_tree_order() {
    let mut engine = Engine::new(800, 600).expect("engine");
    let root = engine.root();
    let row = engine.spawn(
        root,
        NodeBundle {
            style: Style {
                padding: touchline_engine::Edges::all(10.0),
                column_gap: 20.0,
                row_gap: 20.0,
                ..Style::default()
            },
            ..NodeBundle::default()
        },
    );
    let a = engine.spawn(row, tile(0xff0000));
    let b = engine.spawn(row, tile(0x00ff00));
    let bytes = engine.frame(0, &[]).to_vec();

    let ra = engine.rect(a).expect("laid out");
    let rb = engine.rect(b).expect("laid out");
    assert_eq!((ra.x, ra.y, ra.width, ra.height), (10.0, 10.0, 100.0, 50.0));
    assert_eq!((rb.x, rb.y), (130.0, 10.0), "second tile after the 20 px gap");

    let list = DisplayListReader::new(&bytes).expect("valid list");
    assert_eq!((list.header().width, list.header().height), (800, 600));
    let fills: Vec<u32> = list
        .commands()
        .filter_map(|c| match c.expect("valid command") {
            Command::Rect(r) if r.fill != 0 => Some(r.fill),
            _ => None,
        })
        .collect();
    assert_eq!(fills, [0xff0000ff, 0x00ff00ff], "tiles in tree order; the focus ring has no fill");
}

#[test]
fn arrows_move_focus_and_select_is_reported_on_the_focused_node() {
    let mut engine = Engine::new(800, 600).expect("engine");
    let root = engine.root();
    let a = engine.spawn(root, tile(0xff0000));
    let b = engine.spawn(root, tile(0x00ff00));
    engine.frame(0, &[]);
    assert_eq!(engine.focused(), Some(a), "first focusable in tree order");
    engine.take_events();

    let press = |key| [Event::key_down(key), Event::key_up(key)];
    engine.frame(16_667, &press(Key::Right));
    assert_eq!(engine.focused(), Some(b));
    engine.frame(33_333, &press(Key::Right));
    assert_eq!(engine.focused(), Some(b), "nothing further right: focus stays");

    // OK selects when it comes up.
    let events = engine.begin_frame(50_000, &[Event::key_down(Key::Select)]);
    engine.end_frame();
    assert!(events.is_empty(), "no select while OK is down: {events:?}");
    let events = engine.begin_frame(66_667, &[Event::key_up(Key::Select)]);
    engine.end_frame();
    assert!(events.iter().any(|e| e.target == b && e.kind == touchline_engine::UiEventKind::Select));
}

#[test]
fn malformed_events_are_counted_not_fatal() {
    let mut engine = Engine::new(320, 240).expect("engine");
    let junk = [Event { kind: 99, a: 7, b: 0, c: 0 }, Event { kind: 1, a: 1234, b: 0, c: 0 }];
    let bytes = engine.frame(0, &junk).to_vec();
    assert!(DisplayListReader::new(&bytes).is_ok());
}
