//! Focus conformance: every case under `tests/focus-cases/` (and under the directory named by
//! `TOUCHLINE_FOCUS_CASES`, when set) is replayed against the focus engine. The case format
//! and the rules are in `docs/focus.md`. Prints `N passed, M failed` per profile.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;
use touchline::engine::focus::{
    Direction, DirectionSet, FocusMemory, FocusRect, FocusTree, FocusTreeBuilder, ScopeRules, profile_named,
};

/// One case, or why it could not be read.
struct Outcome {
    profile: String,
    name: String,
    failure: Option<String>,
}

fn case_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            case_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

fn directions(value: Option<&Value>) -> Result<DirectionSet, String> {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(DirectionSet::NONE),
        Some(Value::Bool(true)) => Ok(DirectionSet::ALL),
        Some(Value::String(s)) if s == "all" => Ok(DirectionSet::ALL),
        Some(Value::String(s)) => Direction::from_name(s)
            .map(|d| DirectionSet::of(&[d]))
            .ok_or_else(|| format!("unknown direction {s:?}")),
        Some(Value::Array(items)) => {
            let mut dirs = Vec::new();
            for item in items {
                let name = item.as_str().ok_or("directions must be strings")?;
                if name == "all" {
                    return Ok(DirectionSet::ALL);
                }
                dirs.push(Direction::from_name(name).ok_or_else(|| format!("unknown direction {name:?}"))?);
            }
            Ok(DirectionSet::of(&dirs))
        }
        Some(other) => Err(format!("bad direction list {other}")),
    }
}

fn rect(value: &Value) -> Result<FocusRect, String> {
    let nums: Vec<f64> = value
        .as_array()
        .filter(|a| a.len() == 4)
        .and_then(|a| a.iter().map(Value::as_f64).collect())
        .ok_or_else(|| format!("rect must be [x, y, width, height], got {value}"))?;
    Ok(FocusRect::from_f32(nums[0] as f32, nums[1] as f32, nums[2] as f32, nums[3] as f32))
}

struct Built {
    tree: FocusTree<usize>,
    ids: Vec<String>,
}

/// Builds the tree in depth-first order (children in the order they are listed).
fn build(case: &Value) -> Result<Built, String> {
    let nodes = case["nodes"].as_array().ok_or("no \"nodes\" array")?;
    let mut ids = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        let id = node["id"].as_str().ok_or_else(|| format!("node {i} has no string \"id\""))?;
        if index.insert(id, i).is_some() {
            return Err(format!("duplicate node id {id:?}"));
        }
        ids.push(id.to_owned());
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut roots = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        match &node["parent"] {
            Value::Null => roots.push(i),
            Value::String(p) => {
                let &p =
                    index.get(p.as_str()).ok_or_else(|| format!("{:?}: unknown parent {p:?}", ids[i]))?;
                children[p].push(i);
            }
            other => return Err(format!("{:?}: bad parent {other}", ids[i])),
        }
    }
    let mut builder = FocusTreeBuilder::new();
    let mut slots = vec![usize::MAX; nodes.len()];
    let mut stack: Vec<(usize, Option<usize>)> = roots.iter().rev().map(|&r| (r, None)).collect();
    let mut visited = 0;
    while let Some((i, parent)) = stack.pop() {
        visited += 1;
        let node = &nodes[i];
        let focusable = node.get("focusable").and_then(Value::as_bool).unwrap_or(true);
        let slot = builder.push(i, rect(&node["rect"])?, parent, focusable).map_err(|e| e.to_string())?;
        slots[i] = slot;
        stack.extend(children[i].iter().rev().map(|&c| (c, Some(slot))));
    }
    if visited != nodes.len() {
        return Err("the parent links form a cycle".into());
    }
    let slot_of = |id: &Value| -> Result<usize, String> {
        let id = id.as_str().ok_or_else(|| format!("expected a node id, got {id}"))?;
        index.get(id).map(|&i| slots[i]).ok_or_else(|| format!("unknown node {id:?}"))
    };
    for (i, node) in nodes.iter().enumerate() {
        if let Some(scope) = node.get("scope").filter(|s| !s.is_null()) {
            let flag = |name: &str| scope.get(name).and_then(Value::as_bool).unwrap_or(false);
            let rules = ScopeRules {
                boundary: directions(scope.get("boundary"))?,
                remember: flag("remember"),
                preferred: scope.get("preferred").filter(|p| !p.is_null()).map(slot_of).transpose()?,
                wrap: directions(scope.get("wrap"))?,
                index_align: flag("index_align"),
                rtl: flag("rtl"),
            };
            builder.set_scope(slots[i], rules).map_err(|e| e.to_string())?;
        }
        if let Some(overrides) = node.get("overrides").and_then(Value::as_object) {
            for (dir, target) in overrides {
                let dir = Direction::from_name(dir).ok_or_else(|| format!("unknown direction {dir:?}"))?;
                builder.set_override(slots[i], dir, slot_of(target)?).map_err(|e| e.to_string())?;
            }
        }
    }
    let mut tree = builder.build();
    tree.mirror_rtl_scopes();
    Ok(Built { tree, ids })
}

fn run_case(case: &Value) -> Result<(), String> {
    let profile_name = case.get("profile").and_then(Value::as_str).unwrap_or("android");
    let profile = profile_named(profile_name).ok_or_else(|| format!("unknown profile {profile_name:?}"))?;
    let Built { tree, ids } = build(case)?;
    let slot_of_id = |id: &str| -> Result<usize, String> {
        let i = ids.iter().position(|x| x == id).ok_or_else(|| format!("unknown node {id:?}"))?;
        tree.slot(i).ok_or_else(|| format!("{id:?} is not in the tree"))
    };
    let initial = case["initial_focus"].as_str().ok_or("no \"initial_focus\"")?;
    let mut focused = slot_of_id(initial)?;
    let mut memory = FocusMemory::default();
    memory.record(&tree, focused);
    let steps = case["steps"].as_array().ok_or("no \"steps\" array")?;
    for (n, step) in steps.iter().enumerate() {
        let (key, expected) = step
            .as_array()
            .filter(|s| s.len() == 2)
            .and_then(|s| Some((s[0].as_str()?, s[1].as_str()?)))
            .ok_or_else(|| format!("step {n} must be [key, id], got {step}"))?;
        let dir = Direction::from_name(key).ok_or_else(|| format!("step {n}: unknown key {key:?}"))?;
        let from = focused;
        if let Some(to) = tree.navigate(profile, &memory, focused, dir) {
            focused = to;
            memory.record(&tree, to);
        }
        let got = &ids[tree.key(focused)];
        if got != expected {
            return Err(format!(
                "step {} ({key} from {:?}): expected {expected:?}, got {got:?}",
                n + 1,
                ids[tree.key(from)]
            ));
        }
    }
    Ok(())
}

fn load(path: &Path, out: &mut Vec<Outcome>) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            out.push(Outcome {
                profile: "?".into(),
                name: path.display().to_string(),
                failure: Some(e.to_string()),
            });
            return;
        }
    };
    let cases = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(cases)) => cases,
        Ok(case) => vec![case],
        Err(e) => {
            let failure = Some(format!("not JSON: {e}"));
            out.push(Outcome { profile: "?".into(), name: path.display().to_string(), failure });
            return;
        }
    };
    for (i, case) in cases.iter().enumerate() {
        let name = case.get("name").and_then(Value::as_str).map_or_else(|| format!("#{i}"), str::to_owned);
        let profile = case.get("profile").and_then(Value::as_str).unwrap_or("android").to_owned();
        let failure = run_case(case).err();
        out.push(Outcome { profile, name: format!("{}: {name}", path.display()), failure });
    }
}

#[test]
fn focus_cases_conform() {
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/focus-cases")];
    if let Some(extra) = std::env::var_os("TOUCHLINE_FOCUS_CASES") {
        dirs.push(PathBuf::from(extra));
    }
    let mut outcomes = Vec::new();
    for dir in &dirs {
        let mut files = Vec::new();
        if let Err(e) = case_files(dir, &mut files) {
            outcomes.push(Outcome { profile: "?".into(), name: dir.display().to_string(), failure: Some(e) });
        }
        for file in files {
            load(&file, &mut outcomes);
        }
    }
    let mut per_profile: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for o in &outcomes {
        let entry = per_profile.entry(&o.profile).or_default();
        if o.failure.is_some() { entry.1 += 1 } else { entry.0 += 1 }
    }
    // Straight to stdout, past the test harness's capture: the summary is the point.
    let mut summary = String::new();
    for (profile, (passed, failed)) in &per_profile {
        summary.push_str(&format!("focus conformance, {profile}: {passed} passed, {failed} failed\n"));
    }
    let _ = std::io::stdout().write_all(summary.as_bytes());
    let failures: Vec<String> =
        outcomes.iter().filter_map(|o| o.failure.as_ref().map(|f| format!("  {} — {f}", o.name))).collect();
    assert!(failures.is_empty(), "{} focus cases failed:\n{}", failures.len(), failures.join("\n"));
    assert!(outcomes.len() >= 120, "expected at least 120 cases, found {}", outcomes.len());
}
