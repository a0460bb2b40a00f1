//! The designer preview, driven headless (`cargo test --test preview`): on a copy of the
//! workspace, it opens a page, moves focus, and a string edited in the page's source shows
//! after the hot reload with the route and the focused node kept; a syntax error keeps the
//! last good page on screen and reports the compiler's message over it.
//!
//! The copy builds into its own target directory (`target/preview-workspace/target`), which
//! stays between runs: the first run compiles the bundle's dependencies (a minute or two), later
//! ones only the workspace's crates. A cargo call inside a test must not wait on the main
//! target directory's lock (another test may hold it).

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use touchline_abi::{Event, Key};
use touchline_desktop::RunOptions;
use touchline_desktop::preview::{DeviceProfile, PreviewOptions, Previewer};

/// The page the test edits, and the strings it changes.
const PAGE: &str = "Settings";
const PAGE_SOURCE: &str = "pages/src/settings.rs";
const OLD_TEXT: &str = "How much of each moment highlights show";
const NEW_TEXT: &str = "How much of every moment the highlights show";
/// How long a build may take: the first one in a fresh target directory compiles every
/// dependency for wasm32.
const BUILD_DEADLINE: Duration = Duration::from_secs(600);
const FRAME_US: u64 = 1_000_000 / 60;

/// The workspace's files as git knows them (the sources, not `target/`), copied to `dir`.
fn copy_workspace(dir: &Path) {
    let root = support::root();
    let listed = std::process::Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(&root)
        .output()
        .expect("git lists the workspace's files");
    assert!(listed.status.success(), "git ls-files failed");
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("the old copy is removed");
    }
    for name in listed.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).expect("file names are UTF-8");
        // The match data and the goldens are not built into the bundle.
        if name.starts_with("data/") || name.starts_with("tests/goldens/") {
            continue;
        }
        let from = root.join(name);
        if !from.is_file() {
            continue;
        }
        let to = dir.join(name);
        std::fs::create_dir_all(to.parent().expect("a file has a parent")).expect("directories are made");
        std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("copying {name}: {e}"));
    }
}

struct Preview {
    previewer: Previewer,
    time_us: u64,
    shots: PathBuf,
}

impl Preview {
    fn start(workspace: &Path, target: PathBuf) -> Self {
        let options = PreviewOptions {
            workspace: workspace.to_owned(),
            target_dir: Some(target),
            bundle: None,
            profile: DeviceProfile::FullHd,
            page: Some(PAGE.to_owned()),
            watch: true,
            guides: false,
            remote_overlay: false,
            run: RunOptions { headless: true, quiet: true, ..RunOptions::default() },
        };
        let previewer = Previewer::start(options).unwrap_or_else(|e| panic!("the preview starts: {e}"));
        Preview { previewer, time_us: 0, shots: support::scratch("preview") }
    }

    fn step(&mut self, events: &[Event]) {
        self.previewer.step(self.time_us, events).expect("a frame");
        self.time_us += FRAME_US;
    }

    /// Runs frames until `done`, for at most `deadline` of real time (builds run on a thread).
    fn wait_until(&mut self, what: &str, deadline: Duration, done: impl Fn(&Previewer) -> bool) {
        let started = Instant::now();
        while !done(&self.previewer) {
            assert!(
                started.elapsed() < deadline,
                "waited {deadline:?} for {what}; on screen: {:?}",
                self.texts()
            );
            self.step(&[]);
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn press(&mut self, key: Key) {
        self.step(&[Event::key_down(key)]);
        self.step(&[Event::key_up(key)]);
        for _ in 0..20 {
            self.step(&[]);
        }
    }

    /// Writes what is on screen to the test's scratch directory (docs/designers.md shows some).
    fn screenshot(&self, name: &str) {
        let path = self.shots.join(format!("{name}.png"));
        self.previewer.session().write_screenshot(&path).expect("a screenshot");
    }

    fn texts(&self) -> Vec<String> {
        self.previewer.texts()
    }

    fn shows(&self, text: &str) -> bool {
        self.texts().iter().any(|t| t == text)
    }

    /// The saved page stack and focus paths.
    fn place(&self) -> serde_json::Value {
        self.previewer.saved_state().expect("the bundle saved its state")["router"].clone()
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("the page source reads");
    assert!(text.contains(from), "{} has {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("the page source is written");
}

#[test]
fn an_edit_shows_after_the_reload_on_the_same_page_and_node_and_a_syntax_error_keeps_the_page() {
    let scratch = support::target_dir().join("preview-workspace");
    let workspace = scratch.join("workspace");
    copy_workspace(&workspace);
    let mut preview = Preview::start(&workspace, scratch.join("target"));

    // The picker opens the page; focus moves to its second setting.
    preview.wait_until("the page", Duration::from_secs(20), |p| p.showing().name.as_deref() == Some(PAGE));
    preview
        .wait_until("the page's text", Duration::from_secs(20), |p| p.texts().iter().any(|t| t == OLD_TEXT));
    preview.press(Key::Down);
    let before = preview.place();
    let stack = before["stack"].as_array().expect("a stack");
    assert_eq!(stack.last().and_then(|r| r["page"].as_str()), Some("settings"), "{before}");
    let focus = before["focus"].as_array().and_then(|f| f.last()).cloned().expect("focus on the page");
    assert!(focus.is_array(), "focus is on a node of the page: {before}");

    // A one-line edit: the new text, the same page, the same node.
    edit(&workspace.join(PAGE_SOURCE), OLD_TEXT, NEW_TEXT);
    preview.wait_until("the reload", BUILD_DEADLINE, |p| !p.reloads().is_empty());
    preview.wait_until("the new text", Duration::from_secs(20), |p| p.texts().iter().any(|t| t == NEW_TEXT));
    for _ in 0..30 {
        preview.step(&[]);
    }
    assert!(!preview.shows(OLD_TEXT), "the old text is gone");
    assert_eq!(preview.place(), before, "the route and the focused node are kept");
    assert_eq!(preview.previewer.showing().name.as_deref(), Some(PAGE));
    println!("{}", preview.previewer.reloads()[0]);
    preview.screenshot("reloaded");

    // A syntax error: the compiler's message over the last good page.
    edit(
        &workspace.join(PAGE_SOURCE),
        "pub fn settings_page() -> View {",
        "pub fn settings_page() -> View {{",
    );
    preview.wait_until("the build error", BUILD_DEADLINE, |p| p.build_error().is_some());
    preview.wait_until("the error on screen", Duration::from_secs(20), |p| {
        p.texts().iter().any(|t| t.starts_with("Build failed"))
    });
    let error = preview.previewer.build_error().expect("a build error").to_owned();
    assert!(error.contains(PAGE_SOURCE), "the message names the file: {error}");
    assert!(preview.texts().iter().any(|t| t.contains(PAGE_SOURCE)), "the message is on screen");
    preview.screenshot("build-error");
    assert!(preview.shows(NEW_TEXT), "the last good page stays: {:?}", preview.texts());
    assert_eq!(preview.place(), before, "still the same page and node");
    assert_eq!(preview.previewer.reloads().len(), 1, "no bundle was swapped in");

    // A build that compiles but panics on the page: the last good build comes back, with the
    // panic's message over it; fixing the source brings the page back.
    let broken = "pub fn settings_page() -> View {{";
    let panicking = "pub fn settings_page() -> View {\n    if touchline_ui::now_us() < u64::MAX {\n        panic!(\"designer broke it\");\n    }";
    edit(&workspace.join(PAGE_SOURCE), broken, panicking);
    preview.wait_until("the panic's report", BUILD_DEADLINE, |p| {
        p.build_error().is_some_and(|e| e.contains("designer broke it"))
    });
    preview.wait_until("the panic on screen", Duration::from_secs(20), |p| {
        p.texts().iter().any(|t| t.contains("designer broke it"))
    });
    assert!(preview.shows(NEW_TEXT), "the last good build is back: {:?}", preview.texts());
    for _ in 0..10 {
        preview.step(&[]);
    }
    assert_eq!(preview.place(), before, "on the same page and node");
    assert_eq!(preview.previewer.reloads().len(), 1, "the panicking build did not stay");
    preview.screenshot("panic");
    edit(&workspace.join(PAGE_SOURCE), panicking, "pub fn settings_page() -> View {");
    preview.wait_until("the fixed build", BUILD_DEADLINE, |p| p.reloads().len() == 2);
    preview.wait_until("no error", Duration::from_secs(20), |p| {
        p.build_error().is_none() && !p.texts().iter().any(|t| t.starts_with("Build failed"))
    });
    assert_eq!(preview.place(), before, "still the same page and node");

    // Device profiles, switched at run time: the same page and node at each size, and on the
    // Pulley interpreter (compiled in the background).
    for profile in [DeviceProfile::Hd, DeviceProfile::UltraHd, DeviceProfile::Slow] {
        preview.previewer.set_profile(profile).expect("the profile switches");
        // Each profile's size differs from the one before it, so the size says it is on.
        preview.wait_until(&format!("the page at {profile}"), BUILD_DEADLINE, |p| {
            p.session().renderer().size() == profile.size()
        });
        preview.wait_until("the page's text", Duration::from_secs(60), |p| {
            p.texts().iter().any(|t| t == NEW_TEXT)
        });
        for _ in 0..30 {
            preview.step(&[]);
        }
        assert_eq!(preview.place(), before, "the same page and node at {profile}");
    }

    // Pick mode: the component under a point, and where it is written.
    preview.previewer.open("Button");
    preview.wait_until("the Button preview", Duration::from_secs(20), |p| {
        p.showing().name.as_deref() == Some("Button") && p.texts().iter().any(|t| t == "Highlights")
    });
    let (_, label) =
        preview.previewer.text_boxes().into_iter().find(|(t, _)| t == "Highlights").expect("a label");
    preview.previewer.set_picking(true);
    preview.previewer.pick(label.x + label.w / 2.0, label.y + label.h / 2.0);
    preview.wait_until("the pick", Duration::from_secs(5), |p| p.picked().is_some());
    let picked = preview.previewer.picked().expect("a component").clone();
    assert_eq!(picked.name, "Button", "{picked:?}");
    assert!(picked.location.starts_with("examples/button.rs:"), "{picked:?}");
    assert!(
        picked.x <= label.x && picked.x + picked.width >= label.x + label.w,
        "the button holds its label: {picked:?}"
    );
    preview.wait_until("the outline's label", Duration::from_secs(5), |p| {
        p.texts().iter().any(|t| t.starts_with("Button · examples/button.rs:"))
    });
    preview.screenshot("pick");
}

#[test]
fn the_command_line_lists_the_previews_and_refuses_a_name_it_does_not_have() {
    let host = support::desktop_host();
    let bundle = support::preview_bundle();
    let preview = |args: &[&str]| {
        let mut all: Vec<std::ffi::OsString> = vec!["preview".into(), "--bundle".into(), bundle.into()];
        all.extend(["--workspace".into(), support::root().into()]);
        all.extend(args.iter().map(Into::into));
        support::run_host(&host, &all.iter().map(AsRef::as_ref).collect::<Vec<_>>())
    };
    let listed = preview(&["--list"]);
    let out = support::text(&listed);
    assert_eq!(listed.status.code(), Some(0), "{out}");
    for line in ["page       Home", "page       Settings", "component  Button"] {
        assert!(out.contains(line), "`--list` prints {line:?}:\n{out}");
    }
    assert!(out.contains("pages/src/home.rs:"), "with where each is registered:\n{out}");

    let unknown = preview(&["--headless", "--frames", "3", "--page", "Nope"]);
    let out = support::text(&unknown);
    assert_eq!(unknown.status.code(), Some(2), "{out}");
    assert!(out.contains("no preview is called \"Nope\""), "{out}");
}
