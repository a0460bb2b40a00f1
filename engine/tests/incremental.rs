//! Incremental frames: an unchanged frame costs nothing and says so, a change re-encodes only
//! the nodes it touched, nodes outside the viewport or their clip are not emitted, and images
//! stay under their memory budget.

use touchline_abi::{DisplayListReader, Event, FRAME_FLAG_UNCHANGED, Request, read_requests};
use touchline_engine::layout::Relayout;
use touchline_engine::{
    Color, Engine, Entity, ImageContent, Length, NodeBundle, Overflow, Style, TextContent, Visual,
};

fn tile(width: f32) -> NodeBundle {
    NodeBundle {
        style: Style { width: Length::Px(width), height: Length::Px(100.0), shrink: 0.0, ..Style::default() },
        visual: Visual { background: Color::hex(0x2e90fa), corner_radius: 8.0, ..Visual::default() },
        ..NodeBundle::default()
    }
}

/// A clipped, scrollable rail of `count` tiles 200 px wide with 20 px gaps, in an 800×600 view.
fn rail(count: usize) -> (Engine, Entity, Vec<Entity>) {
    let mut engine = Engine::new(800, 600).expect("engine");
    let root = engine.root();
    let rail = engine.spawn(
        root,
        NodeBundle {
            style: Style {
                width: Length::Px(800.0),
                height: Length::Px(100.0),
                column_gap: 20.0,
                overflow: Overflow::Scroll,
                ..Style::default()
            },
            ..NodeBundle::default()
        },
    );
    let tiles = (0..count).map(|_| engine.spawn(rail, tile(200.0))).collect();
    engine.frame(0, &[]);
    (engine, rail, tiles)
}

#[test]
fn a_frame_where_nothing_changed_is_a_bare_unchanged_header() {
    let (mut engine, _, _) = rail(50);
    let bytes = engine.frame(16_667, &[]).to_vec();
    let stats = engine.stats();
    assert!(stats.idle && stats.unchanged, "{stats:?}");
    let list = DisplayListReader::new(&bytes).expect("valid");
    assert_eq!(list.header().command_count, 0);
    assert_eq!(u32::from(list.header().flags), FRAME_FLAG_UNCHANGED);
    // Setting a value equal to the current one changes nothing either.
    let (mut engine, _, tiles) = rail(5);
    let same = engine.world().get::<Visual>(tiles[0]).expect("visual").clone();
    engine.set_visual(tiles[0], same);
    engine.frame(16_667, &[]);
    assert!(engine.stats().idle);
}

#[test]
fn a_change_re_encodes_only_the_node_it_touched() {
    let (mut engine, _, tiles) = rail(50);
    let visual = Visual {
        background: Color::hex(0xf04438),
        ..engine.world().get::<Visual>(tiles[1]).expect("visual").clone()
    };
    engine.set_visual(tiles[1], visual);
    engine.frame(16_667, &[]);
    let stats = engine.stats();
    assert!(!stats.unchanged);
    assert_eq!(stats.render.encoded, 1, "{stats:?}");
}

#[test]
fn only_tiles_inside_the_clip_are_emitted_and_scrolling_moves_the_window() {
    let (mut engine, rail, tiles) = rail(1000);
    // 800 px shows tiles 0..=3 (the fourth ends at 860, partly visible).
    let painted = |e: &Engine| e.paint_order().iter().filter(|n| tiles.contains(n)).count();
    assert_eq!(painted(&engine), 4);
    assert!(engine.stats().render.encoded < 20, "culled tiles are not encoded: {:?}", engine.stats().render);
    // Scrolling does not run layout: rects move by the offset.
    engine.set_scroll(rail, 220.0 * 500.0, 0.0);
    engine.frame(16_667, &[]);
    assert_eq!(engine.rect(tiles[500]).map(|r| r.x), Some(0.0));
    assert_eq!(painted(&engine), 4);
    assert!(engine.paint_order().contains(&tiles[500]) && !engine.paint_order().contains(&tiles[0]));
}

#[test]
fn nodes_outside_the_viewport_are_not_emitted() {
    let mut engine = Engine::new(800, 600).expect("engine");
    let root = engine.root();
    let column = engine.spawn(
        root,
        NodeBundle {
            style: Style { direction: touchline_engine::Direction::Column, ..Style::default() },
            ..NodeBundle::default()
        },
    );
    let tiles: Vec<Entity> = (0..20).map(|_| engine.spawn(column, tile(100.0))).collect();
    engine.frame(0, &[]);
    let painted: Vec<_> = engine.paint_order().iter().filter(|n| tiles.contains(n)).collect();
    assert_eq!(painted.len(), 6, "600 px tall shows six 100 px tiles");
}

#[test]
fn text_changes_relayout_and_repaint() {
    let mut engine = Engine::new(800, 600).expect("engine");
    let root = engine.root();
    let label = engine.spawn(
        root,
        NodeBundle {
            text: Some(TextContent { text: "Hi".into(), ..TextContent::default() }),
            ..NodeBundle::default()
        },
    );
    engine.frame(0, &[]);
    let narrow = engine.rect(label).expect("rect").width;
    engine.set_text(label, "Hello, Touchline");
    engine.frame(16_667, &[]);
    assert!(engine.rect(label).expect("rect").width > narrow);
    assert!(!engine.stats().unchanged);
}

fn requests(engine: &Engine) -> Vec<Request<'_>> {
    read_requests(engine.requests()).collect::<Result<_, _>>().expect("valid requests")
}

#[test]
fn images_load_show_a_placeholder_and_stay_under_budget() {
    let mut engine = Engine::new(800, 600).expect("engine");
    // Room for one 100×100 image.
    engine.images_mut().set_budget(100 * 100 * 4);
    let root = engine.root();
    let rail = engine.spawn(
        root,
        NodeBundle {
            style: Style {
                width: Length::Px(800.0),
                height: Length::Px(100.0),
                overflow: Overflow::Scroll,
                ..Style::default()
            },
            ..NodeBundle::default()
        },
    );
    let tiles: Vec<Entity> = (0..2)
        .map(|i| {
            engine.spawn(
                rail,
                NodeBundle {
                    style: Style {
                        width: Length::Px(800.0),
                        height: Length::Px(100.0),
                        shrink: 0.0,
                        ..Style::default()
                    },
                    image: Some(ImageContent {
                        placeholder: Color::hex(0x344054),
                        ..ImageContent::new(format!("{i}.png"))
                    }),
                    ..NodeBundle::default()
                },
            )
        })
        .collect();
    engine.frame(0, &[]);
    // Only the visible image is asked for; its placeholder shows meanwhile.
    assert_eq!(requests(&engine), [Request::LoadImage { handle: 1, url: "0.png" }]);
    assert!(engine.paint_order().contains(&tiles[0]));
    engine.frame(16_667, &[Event::image_loaded(1, 100, 100)]);
    assert_eq!(engine.stats().images.loaded, 1);
    // Scroll to the second: it is asked for; when it arrives the first (off screen) goes.
    engine.set_scroll(rail, 800.0, 0.0);
    engine.frame(33_333, &[]);
    assert_eq!(requests(&engine), [Request::LoadImage { handle: 2, url: "1.png" }]);
    engine.frame(50_000, &[Event::image_loaded(2, 100, 100)]);
    assert_eq!(requests(&engine), [Request::UnloadImage { handle: 1 }]);
    assert_eq!(engine.stats().images.loaded_bytes, 40_000);
    // Back again: reloaded.
    engine.set_scroll(rail, 0.0, 0.0);
    engine.frame(66_667, &[]);
    assert_eq!(requests(&engine), [Request::LoadImage { handle: 1, url: "0.png" }]);
}

/// A scrolled column of fixed-size cards, each with a centred title and a caption under it;
/// the first card's title is `first_title`.
fn cards(first_title: &str) -> (Engine, Vec<Entity>) {
    let mut engine = Engine::new(800, 600).expect("engine");
    let root = engine.root();
    let column = engine.spawn(
        root,
        NodeBundle {
            style: Style {
                direction: touchline_engine::Direction::Column,
                row_gap: 16.0,
                padding: touchline_engine::Edges::all(20.0),
                overflow: Overflow::Scroll,
                ..Style::default()
            },
            ..NodeBundle::default()
        },
    );
    let mut nodes = vec![column];
    for i in 0..4 {
        let card = engine.spawn(
            column,
            NodeBundle {
                style: Style {
                    direction: touchline_engine::Direction::Column,
                    width: Length::Px(300.0),
                    height: Length::Px(120.0),
                    shrink: 0.0,
                    align_items: touchline_engine::Align::Center,
                    row_gap: 8.0,
                    ..Style::default()
                },
                ..NodeBundle::default()
            },
        );
        let title = if i == 0 { first_title.to_owned() } else { format!("Card {i}") };
        let text = |t: &str| NodeBundle {
            text: Some(TextContent { text: t.to_owned(), ..TextContent::default() }),
            ..NodeBundle::default()
        };
        let t = engine.spawn(card, text(&title));
        let c = engine.spawn(card, text("caption"));
        nodes.extend([card, t, c]);
    }
    engine.set_scroll(column, 0.0, 30.0);
    engine.frame(0, &[]);
    (engine, nodes)
}

#[test]
fn a_text_change_inside_a_fixed_size_box_lays_out_only_that_box_and_lands_where_a_full_layout_would() {
    let (mut changed, nodes) = cards("Hi");
    changed.set_text(nodes[2], "A much longer title that wraps onto two lines here");
    changed.frame(16_667, &[]);
    let tree = changed.world().get_non_send::<touchline_engine::layout::LayoutTree>().expect("tree");
    assert_eq!(tree.last_relayout(), &Relayout::Subtrees(vec![nodes[1]]), "only the first card");
    let (fresh, fresh_nodes) = cards("A much longer title that wraps onto two lines here");
    for (a, b) in nodes.iter().zip(&fresh_nodes) {
        assert_eq!(changed.rect(*a), fresh.rect(*b), "node {a:?}");
    }
    // The title grew a line: the caption under it moved, inside the card; the card did not.
    assert_ne!(changed.rect(nodes[3]), cards("Hi").0.rect(nodes[3]));
}

#[test]
fn a_change_to_a_boxes_own_size_still_lays_out_its_parent() {
    let (mut changed, nodes) = cards("Hi");
    let style = Style {
        width: Length::Px(300.0),
        height: Length::Px(200.0),
        ..(**changed.world().get::<touchline_engine::NodeStyle>(nodes[1]).expect("style")).clone()
    };
    changed.set_style(nodes[1], style);
    changed.frame(16_667, &[]);
    let tree = changed.world().get_non_send::<touchline_engine::layout::LayoutTree>().expect("tree");
    assert_eq!(tree.last_relayout(), &Relayout::Full);
    let second_card = changed.rect(nodes[4]).expect("laid out");
    let first_card = changed.rect(nodes[1]).expect("laid out");
    assert_eq!(first_card.height, 200.0);
    assert_eq!(second_card.y, first_card.y + 200.0 + 16.0, "the next card moved down");
}

/// Runs the same changes on two engines, one patching its display list and one rebuilding it
/// every frame: every frame's bytes must be equal.
#[test]
fn a_patched_display_list_equals_a_rebuilt_one() {
    let (mut patched, nodes) = cards("Hi");
    let (mut rebuilt, _) = cards("Hi");
    rebuilt.world_mut().resource_mut::<touchline_engine::render::DisplayList>().never_patch = true;
    let edits: Vec<Box<dyn Fn(&mut Engine)>> = vec![
        // A title grows a line (its caption moves inside the card).
        Box::new(|e: &mut Engine| e.set_text(nodes[2], "A much longer title that wraps onto two lines here")),
        // Shorter again, and another card's caption at the same time.
        Box::new(|e: &mut Engine| {
            e.set_text(nodes[2], "Short");
            e.set_text(nodes[6], "Another caption");
        }),
        // A card's colour.
        Box::new(|e: &mut Engine| {
            let visual =
                Visual { background: Color::hex(0x2e90fa), corner_radius: 12.0, ..Visual::default() };
            e.set_visual(nodes[4], visual);
        }),
        // New glyphs (uploads come first) in a text scrolled out of view.
        Box::new(|e: &mut Engine| e.set_text(nodes[11], "Ünïcödé çàptîön")),
        // A style change: rebuilt.
        Box::new(|e: &mut Engine| {
            let style = Style {
                width: Length::Px(320.0),
                height: Length::Px(120.0),
                ..(**e.world().get::<touchline_engine::NodeStyle>(nodes[7]).expect("style")).clone()
            };
            e.set_style(nodes[7], style);
        }),
        Box::new(|e: &mut Engine| e.set_text(nodes[3], "caption, edited")),
    ];
    let mut used_patch = Vec::new();
    for (i, edit) in edits.iter().enumerate() {
        let time = (i as u64 + 1) * 16_667;
        edit(&mut patched);
        edit(&mut rebuilt);
        let a = patched.frame(time, &[]).to_vec();
        let b = rebuilt.frame(time, &[]).to_vec();
        assert_eq!(a, b, "edit {i}: the patched list differs from the rebuilt one");
        used_patch.push(patched.stats().render.patched);
        assert!(!rebuilt.stats().render.patched);
    }
    // Text and paint edits patch in place; the style change rebuilds.
    assert_eq!(used_patch, [true, true, true, true, false, true]);
}
