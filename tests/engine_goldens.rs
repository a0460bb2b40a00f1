//! Golden screenshots of the engine's text, visuals and images, rendered by the desktop host
//! from the examples that show them (run natively, headless).
//!
//! The goldens in `tests/goldens/` are written only by `BLESS=1 cargo test --test
//! engine_goldens` and reviewed by eye before they are committed; a normal run compares.

mod support;

/// Same tolerance as the cross-host test: antialiasing may differ in a few edge pixels
/// between tiny-skia versions, nothing more.
const TOLERANCE: support::Tolerance =
    support::Tolerance { threshold: 32, max_fraction_over: 0.0005, max_mean_diff: 0.05 };

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
        if let Err(e) = support::compare_with_golden(&shot, golden, TOLERANCE) {
            failures.push(format!("{example} ({shows}): {e}"));
        }
    }
    assert!(failures.is_empty(), "screenshots differ from their goldens:\n{}", failures.join("\n"));
}
