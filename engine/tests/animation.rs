//! Animation through the engine: values at given frame times, retargeting without a jump,
//! the same values at 30 and 60 fps, and layout animations.

use touchline_engine::render::DisplayedRect;
use touchline_engine::{
    Color, Easing, Engine, Entity, Length, NodeBundle, Property, Spring, Style, Transition, Visual,
};

fn engine_with_box() -> (Engine, Entity) {
    let mut engine = Engine::new(800, 600).expect("engine");
    let root = engine.root();
    let node = engine.spawn(
        root,
        NodeBundle {
            style: Style { width: Length::Px(100.0), height: Length::Px(100.0), ..Style::default() },
            visual: Visual { background: Color::hex(0x000000), ..Visual::default() },
            ..NodeBundle::default()
        },
    );
    engine.frame(0, &[]);
    (engine, node)
}

fn visual(engine: &Engine, node: Entity) -> Visual {
    engine.world().get::<Visual>(node).expect("visual").clone()
}

const MS: u64 = 1000;

#[test]
fn a_tween_has_its_curve_value_at_each_frame_time() {
    let (mut engine, node) = engine_with_box();
    // Asked for between frames, an animation starts at the next frame (here at 0 ms).
    engine.animate(node, Property::Opacity, 0.0, Transition::tween_ms(1000, Easing::Linear));
    engine.frame(0, &[]);
    for (t, want) in [(250, 0.75), (500, 0.5), (900, 0.1), (1000, 0.0), (1500, 0.0)] {
        engine.frame(t * MS, &[]);
        let got = visual(&engine, node).opacity;
        assert!((got - want).abs() < 1e-5, "opacity at {t} ms: {got}, expected {want}");
    }
    // Ease-in-out is slow at the ends and fast in the middle.
    let (mut engine, node) = engine_with_box();
    engine.animate(node, Property::Translate, [100.0, 0.0], Transition::tween_ms(1000, Easing::EaseInOut));
    engine.frame(0, &[]);
    engine.frame(100 * MS, &[]);
    let early = visual(&engine, node).transform.translate[0];
    engine.frame(500 * MS, &[]);
    let middle = visual(&engine, node).transform.translate[0];
    assert!(early < 10.0 && (middle - 50.0).abs() < 0.5, "ease-in-out: {early} at 10%, {middle} at 50%");
}

#[test]
fn colours_interpolate_per_channel() {
    let (mut engine, node) = engine_with_box();
    engine.animate(
        node,
        Property::Background,
        Color::hex(0xc86400),
        Transition::tween_ms(1000, Easing::Linear),
    );
    engine.frame(0, &[]);
    engine.frame(500 * MS, &[]);
    assert_eq!(visual(&engine, node).background, Color::hex(0x643200));
}

#[test]
fn retargeting_mid_flight_starts_from_the_current_value() {
    let (mut engine, node) = engine_with_box();
    engine.animate(node, Property::Translate, [200.0, 0.0], Transition::tween_ms(1000, Easing::Linear));
    engine.frame(0, &[]);
    engine.frame(500 * MS, &[]);
    let before = visual(&engine, node).transform.translate[0];
    assert!((before - 100.0).abs() < 1e-3);
    // Back to 0 over 500 ms, from where it is at the next frame (500.001 ms).
    engine.animate(node, Property::Translate, [0.0, 0.0], Transition::tween_ms(500, Easing::Linear));
    engine.frame(500 * MS + 1, &[]);
    let just_after = visual(&engine, node).transform.translate[0];
    assert!((just_after - before).abs() < 0.5, "no jump: {before} → {just_after}");
    engine.frame(750 * MS + 1, &[]);
    assert!((visual(&engine, node).transform.translate[0] - 50.0).abs() < 0.5);
    engine.frame(1000 * MS + 1, &[]);
    assert_eq!(visual(&engine, node).transform.translate[0], 0.0);
}

#[test]
fn a_retargeted_spring_keeps_its_position_and_velocity() {
    let (mut engine, node) = engine_with_box();
    let spring = Transition::Spring(Spring::SNAPPY);
    engine.animate(node, Property::Translate, [300.0, 0.0], spring);
    engine.frame(0, &[]);
    // Speed over the last 0.1 ms before the retarget...
    engine.frame(131_900, &[]);
    let a = visual(&engine, node).transform.translate[0];
    engine.frame(132_000, &[]);
    let b = visual(&engine, node).transform.translate[0];
    // ...retargeted backwards at the next frame (132.001 ms); over the next 0.1 ms it still
    // moves forward at that speed: position and velocity carried over, no jump.
    engine.animate(node, Property::Translate, [-300.0, 0.0], spring);
    engine.frame(132_001, &[]);
    let c = visual(&engine, node).transform.translate[0];
    engine.frame(132_101, &[]);
    let d = visual(&engine, node).transform.translate[0];
    assert!(b > a && d > c && c >= b, "spring keeps moving forward: {a}, {b}, {c}, {d}");
    let (before, after) = (b - a, d - c);
    assert!((after - before).abs() < before * 0.1, "speed per 0.1 ms {before} → {after}");
}

/// Runs the same script of animations at a frame interval; returns (time, translate x,
/// opacity) at every frame.
fn run_at(interval_us: u64) -> Vec<(u64, f32, f32)> {
    let (mut engine, node) = engine_with_box();
    let mut out = Vec::new();
    let mut t = 0;
    while t <= 2_000_000 {
        // Retargets are asked for before the frames at the same times in both runs.
        if t == 0 {
            engine.animate(node, Property::Translate, [400.0, 0.0], Transition::Spring(Spring::GENTLE));
            engine.animate(node, Property::Opacity, 0.2, Transition::tween_ms(700, Easing::EaseOut));
        }
        if t == 600_012 {
            engine.animate(node, Property::Translate, [-100.0, 0.0], Transition::Spring(Spring::SNAPPY));
            engine.animate(
                node,
                Property::Opacity,
                1.0,
                Transition::tween_ms(400, Easing::cubic_bezier(0.2, 0.8, 0.3, 1.0)),
            );
        }
        engine.frame(t, &[]);
        let v = visual(&engine, node);
        out.push((t, v.transform.translate[0], v.opacity));
        t += interval_us;
    }
    out
}

#[test]
fn thirty_and_sixty_fps_land_on_the_same_values() {
    // 60 fps and 30 fps clocks that share every other frame (and the retarget time).
    let sixty = run_at(16_667);
    let thirty = run_at(33_334);
    let mut compared = 0;
    for (t, x, opacity) in &thirty {
        let Some((_, x60, o60)) = sixty.iter().find(|(t60, _, _)| t60 == t) else { continue };
        assert_eq!((x, opacity), (x60, o60), "values differ at {t} µs");
        compared += 1;
    }
    assert!(compared > 50, "only {compared} common frames");
    assert_eq!(thirty.last().map(|v| (v.1, v.2)), Some((-100.0, 1.0)), "both settle on the targets");
}

#[test]
fn a_node_moved_by_layout_travels_from_its_old_box() {
    let mut engine = Engine::new(800, 600).expect("engine");
    let root = engine.root();
    let row = engine.spawn(root, NodeBundle::default());
    let first = engine.spawn(
        row,
        NodeBundle {
            style: Style { width: Length::Px(100.0), height: Length::Px(50.0), ..Style::default() },
            ..NodeBundle::default()
        },
    );
    let second = engine.spawn(
        row,
        NodeBundle {
            style: Style { width: Length::Px(100.0), height: Length::Px(50.0), ..Style::default() },
            visual: Visual { background: Color::WHITE, ..Visual::default() },
            ..NodeBundle::default()
        },
    );
    engine.set_layout_transition(second, Some(Transition::tween_ms(400, Easing::Linear)));
    engine.frame(0, &[]);
    assert_eq!(engine.rect(second).map(|r| r.x), Some(100.0));

    // The first box grows by 200 px: the second is laid out at x = 300 at once...
    engine.set_style(first, Style { width: Length::Px(300.0), height: Length::Px(50.0), ..Style::default() });
    engine.frame(1_000_000, &[]);
    assert_eq!(engine.rect(second).map(|r| r.x), Some(300.0));
    let drawn = |e: &Engine| e.world().get::<DisplayedRect>(second).map(|d| d.0.x);
    // ...but drawn where it was, then travelling there.
    assert_eq!(drawn(&engine), Some(100.0));
    engine.frame(1_100_000, &[]);
    assert!((drawn(&engine).expect("in flight") - 150.0).abs() < 0.01);
    engine.frame(1_200_000, &[]);
    assert!((drawn(&engine).expect("in flight") - 200.0).abs() < 0.01);

    // Retargeted mid-flight: shrinking again sends it back from where it is drawn.
    engine.set_style(first, Style { width: Length::Px(100.0), height: Length::Px(50.0), ..Style::default() });
    engine.frame(1_200_001, &[]);
    assert!((drawn(&engine).expect("in flight") - 200.0).abs() < 0.5, "no jump on retarget");
    engine.frame(1_400_000, &[]);
    assert!((drawn(&engine).expect("in flight") - 150.0).abs() < 0.5);
    engine.frame(1_600_001, &[]);
    engine.frame(1_700_000, &[]);
    assert_eq!(drawn(&engine), None, "hands back to layout when it arrives");
    assert_eq!(engine.rect(second).map(|r| r.x), Some(100.0));
}
