//! Every example is registered (with a description) in Cargo.toml, builds, and runs headless
//! for a few frames, showing something.

mod support;

struct Example {
    name: String,
    description: String,
}

fn registered_examples() -> Vec<Example> {
    let manifest = std::fs::read_to_string(support::root().join("Cargo.toml")).expect("Cargo.toml");
    let manifest: toml::Table = manifest.parse().expect("Cargo.toml parses");
    let targets = manifest.get("example").and_then(|e| e.as_array()).expect("[[example]] entries");
    let metadata = manifest["package"]["metadata"]["example"].as_table().expect("[package.metadata.example]");
    targets
        .iter()
        .map(|t| {
            let name = t["name"].as_str().expect("example name").to_owned();
            let meta = metadata
                .get(&name)
                .unwrap_or_else(|| panic!("{name} has no [package.metadata.example.{name}]"));
            let description = meta["description"].as_str().expect("description").to_owned();
            Example { name, description }
        })
        .collect()
}

#[test]
fn every_example_file_is_registered() {
    let registered: Vec<String> = registered_examples().into_iter().map(|e| e.name).collect();
    for entry in std::fs::read_dir(support::root().join("examples")).expect("examples/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let stem = path.file_stem().expect("stem").to_string_lossy().into_owned();
            assert!(registered.contains(&stem), "examples/{stem}.rs is not registered in Cargo.toml");
        }
    }
}

#[test]
fn every_example_runs_headless() {
    let dir = support::scratch("examples_run");
    let examples = registered_examples();
    assert!(examples.len() >= 3);
    for example in examples {
        assert!(!example.description.is_empty());
        let binary = support::example(&example.name);
        let shot = dir.join(format!("{}.png", example.name));
        let output = support::run_host(
            &binary,
            &[
                "--headless".as_ref(),
                "--frames".as_ref(),
                "3".as_ref(),
                "--screenshot".as_ref(),
                shot.as_os_str(),
            ],
        );
        let log = support::text(&output);
        assert_eq!(output.status.code(), Some(0), "{} failed:\n{log}", example.name);
        assert_eq!(log.lines().filter(|l| l.starts_with("frame ")).count(), 3, "{}: {log}", example.name);
        let image = support::read_png(&shot);
        let first = &image.rgba[..4];
        let distinct = image.rgba.chunks_exact(4).filter(|p| *p != first).count();
        assert!(
            distinct > 1000,
            "{} shows (almost) nothing: {distinct} pixels differ from the corner",
            example.name
        );
    }
}
