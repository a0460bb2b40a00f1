//! The one generic runner of the data-driven layout fixtures in `tests/layout-fixtures/`.
//!
//! Each fixture is a JSON file: a viewport and a tree of nodes, each with a style (CSS-like
//! values, see `touchline_engine::style`), optional text and scroll offset, and the rectangle
//! the node must get, in viewport pixels, written by hand from the CSS rules. Optionally the
//! fixture lists the node ids the frame must paint, in paint order (z-order, clipping and
//! culling). The runner builds the scene in an [`Engine`], runs one frame and compares.
//!
//! `TOUCHLINE_LAYOUT_FIXTURES=name1,name2` runs only those fixtures.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use touchline_engine::{Engine, NodeBundle, Style, TextContent, TextStyle};

/// One fixture file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    /// What it checks.
    description: String,
    /// Viewport `[width, height]`.
    viewport: [u32; 2],
    /// The node under the engine's root (which fills the viewport).
    root: FixtureNode,
    /// Ids of the nodes the frame paints, in paint order (nodes without an id are ignored).
    #[serde(default)]
    paint_order: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureNode {
    /// A name for messages and `paint_order`.
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    style: Style,
    /// Text content measured with the shipped font.
    #[serde(default)]
    text: Option<FixtureText>,
    /// Scroll offset `[x, y]` of a scroll container.
    #[serde(default)]
    scroll: Option<[f32; 2]>,
    /// Expected `[x, y, width, height]`; `null` leaves a value unchecked (e.g. a text width).
    expect: [Option<f32>; 4],
    #[serde(default)]
    children: Vec<FixtureNode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureText {
    text: String,
    #[serde(default = "default_text_size")]
    size: f32,
    #[serde(default)]
    max_lines: u32,
}

fn default_text_size() -> f32 {
    32.0
}

/// Rectangles may differ by this much (taffy rounds to whole pixels; floats accumulate).
const TOLERANCE: f32 = 0.01;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/layout-fixtures")
}

fn fixture_files() -> Vec<PathBuf> {
    let only: Option<Vec<String>> = std::env::var("TOUCHLINE_LAYOUT_FIXTURES")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().trim_end_matches(".json").to_owned()).collect());
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("tests/layout-fixtures exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            only.as_ref().is_none_or(|names| names.iter().any(|n| n == stem))
        })
        .collect();
    files.sort();
    files
}

/// Spawns `node` under `parent`, recording `(entity, path, node)` for the checks.
fn spawn<'a>(
    engine: &mut Engine,
    parent: touchline_engine::Entity,
    node: &'a FixtureNode,
    path: String,
    out: &mut Vec<(touchline_engine::Entity, String, &'a FixtureNode)>,
) {
    let text = node.text.as_ref().map(|t| TextContent {
        text: t.text.clone(),
        style: TextStyle { size: t.size, max_lines: t.max_lines, ..TextStyle::default() },
    });
    let entity =
        engine.spawn(parent, NodeBundle { style: node.style.clone(), text, ..NodeBundle::default() });
    if let Some([x, y]) = node.scroll {
        engine.set_scroll(entity, x, y);
    }
    out.push((entity, path.clone(), node));
    for (i, child) in node.children.iter().enumerate() {
        let name = child.id.clone().unwrap_or_else(|| format!("{i}"));
        spawn(engine, entity, child, format!("{path}/{name}"), out);
    }
}

/// Runs one fixture; returns its failures.
fn run(path: &Path) -> Vec<String> {
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?").to_owned();
    let source = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => return vec![format!("{name}: cannot read: {e}")],
    };
    let fixture: Fixture = match serde_json::from_str(&source) {
        Ok(f) => f,
        Err(e) => return vec![format!("{name}: invalid fixture: {e}")],
    };
    assert!(!fixture.description.is_empty(), "{name}: every fixture says what it checks");
    let [w, h] = fixture.viewport;
    let mut engine = Engine::new(w, h).expect("engine starts");
    let mut nodes = Vec::new();
    let root = engine.root();
    let root_name = fixture.root.id.clone().unwrap_or_else(|| "root".into());
    spawn(&mut engine, root, &fixture.root, root_name, &mut nodes);
    engine.frame(0, &[]);

    let mut failures = Vec::new();
    for (entity, node_path, node) in &nodes {
        let Some(rect) = engine.rect(*entity) else {
            failures.push(format!("{name}: {node_path}: no rectangle"));
            continue;
        };
        let got = [rect.x, rect.y, rect.width, rect.height];
        let mismatch = node
            .expect
            .iter()
            .zip(got)
            .any(|(want, got)| want.is_some_and(|want| (want - got).abs() > TOLERANCE));
        if mismatch {
            let show =
                |v: &[Option<f32>; 4]| v.map(|x| x.map_or("_".to_owned(), |x| format!("{x}"))).join(", ");
            failures.push(format!(
                "{name}: {node_path}: expected [{}], got [{}]",
                show(&node.expect),
                got.map(|x| format!("{x}")).join(", ")
            ));
        }
    }
    if let Some(want) = &fixture.paint_order {
        let ids: HashMap<_, _> =
            nodes.iter().filter_map(|(e, _, n)| n.id.as_ref().map(|id| (*e, id.clone()))).collect();
        let got: Vec<String> = engine.paint_order().iter().filter_map(|e| ids.get(e).cloned()).collect();
        if &got != want {
            failures.push(format!("{name}: paint order: expected {want:?}, got {got:?}"));
        }
    }
    failures
}

#[test]
fn layout_fixtures() {
    let files = fixture_files();
    assert!(!files.is_empty(), "no fixtures selected in {}", fixture_dir().display());
    let failures: Vec<String> = files.iter().flat_map(|f| run(f)).collect();
    println!("{} layout fixtures, {} failures", files.len(), failures.len());
    assert!(failures.is_empty(), "layout fixtures failed:\n{}", failures.join("\n"));
}

#[test]
fn the_suite_covers_enough_cases() {
    // The issue asks for at least 40 fixtures; keep the floor here so deleting some fails.
    if std::env::var_os("TOUCHLINE_LAYOUT_FIXTURES").is_none() {
        assert!(fixture_files().len() >= 40, "only {} layout fixtures", fixture_files().len());
    }
}
