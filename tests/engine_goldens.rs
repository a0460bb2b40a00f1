//! Golden screenshots of the engine's text, visuals and images, rendered by the desktop host
//! from the examples that show them (run natively, headless).
//!
//! The goldens in `tests/goldens/` are written only by `BLESS=1 cargo test --test
//! engine_goldens` and reviewed by eye before they are committed; a normal run compares.

mod support;

/// Same tolerance as the cross-host test: antialiasing may differ in a few edge pixels
/// between tiny-skia versions, nothing more.
const THRESHOLD: u8 = 32;
const MAX_FRACTION_OVER: f64 = 0.0005;
const MAX_MEAN_DIFF: f64 = 0.05;

/// `(example, golden file, what it shows)`.
const CASES: &[(&str, &str, &str)] = &[
    (
        "text_styles",
        "text_styles.png",
        "sizes 14–96, three weights, wrapping, line height, ellipsis, alignment, accents",
    ),
    ("visuals", "visuals.png", "gradient, border, radius, shadow, clip, inherited opacity, transforms"),
    ("images", "images.png", "cover, contain, fill, alpha, placeholder of a missing image, auto size"),
];

#[test]
fn engine_features_match_their_goldens() {
    let dir = support::scratch("engine_goldens");
    let mut failures = Vec::new();
    for (example, golden, shows) in CASES {
        let shot = dir.join(golden);
        let binary = support::example(example);
        // Images load between frames: give them a few frames to arrive.
        let output = support::run_host(
            &binary,
            &[
                "--headless".as_ref(),
                "--frames".as_ref(),
                "4".as_ref(),
                "--screenshot".as_ref(),
                shot.as_os_str(),
            ],
        );
        let log = support::text(&output);
        assert_eq!(output.status.code(), Some(0), "{example} failed:\n{log}");
        let golden_path = support::root().join("tests/goldens").join(golden);
        if support::blessing() {
            std::fs::copy(&shot, &golden_path).expect("write golden");
            println!("blessed {} ({shows}) — review it by eye before committing", golden_path.display());
            continue;
        }
        assert!(
            golden_path.exists(),
            "no golden at {}: run with BLESS=1 once and review it",
            golden_path.display()
        );
        let d = support::diff(&support::read_png(&shot), &support::read_png(&golden_path), THRESHOLD);
        println!("{example} vs golden: {d:?}");
        if d.fraction_over > MAX_FRACTION_OVER || d.mean_diff > MAX_MEAN_DIFF {
            failures.push(format!("{example} ({shows}): {d:?}; screenshot at {}", shot.display()));
        }
    }
    assert!(failures.is_empty(), "screenshots differ from their goldens:\n{}", failures.join("\n"));
}
