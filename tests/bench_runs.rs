//! The engine benchmarks in CI's short mode: `touchline-desktop bench --quick` runs the bench
//! module (`touchline-bench` built like the bundle) on wasmtime and must print every scenario's
//! figure. Timing targets are not asserted (a shared CI machine makes them noise): the run must
//! measure every scenario, and bad modules must give clear errors.

mod support;

use std::ffi::OsStr;

/// The product issue's figures: every scenario of `touchline-bench`, and whether it is judged by
/// time per step or by memory.
const SCENARIOS: [(&str, Kind); 9] = [
    ("create_1000", Kind::Time),
    ("idle_frame_1000", Kind::Time),
    ("animate_one_1000", Kind::Time),
    ("scroll_rail_1000", Kind::Time),
    ("memory_20000", Kind::Memory),
    ("focus_move_1000", Kind::Time),
    ("focus_move_10000", Kind::Time),
    ("signal_label_1000", Kind::Time),
    ("mount_200", Kind::Time),
];

#[derive(Clone, Copy)]
enum Kind {
    Time,
    Memory,
}

/// The number after `label` in `line`, and the unit after it.
fn figure<'a>(line: &'a str, label: &str) -> (f64, &'a str) {
    let rest = line
        .split_once(label)
        .map(|(_, r)| r.trim_start())
        .unwrap_or_else(|| panic!("no `{label}` in {line}"));
    let mut words = rest.split_whitespace();
    let number =
        words.next().and_then(|w| w.parse::<f64>().ok()).unwrap_or_else(|| panic!("no number in {line}"));
    (number, words.next().unwrap_or_default())
}

#[test]
fn every_scenario_prints_its_figure_in_quick_mode() {
    let module = support::bench_module();
    let host = support::desktop_host();
    let output = support::run_host(&host, &[OsStr::new("bench"), module.as_os_str(), OsStr::new("--quick")]);
    let text = support::text(&output);
    assert_eq!(output.status.code(), Some(0), "every scenario should run:\n{text}");
    for (name, kind) in SCENARIOS {
        let prefix = format!("bench {name}: ");
        let line = text
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no line for {name}:\n{text}"));
        assert!(line.ends_with(" ok") || line.contains(" MISSED by "), "a verdict: {line}");
        assert!(line.contains("(target ≤ "), "the target beside the figure: {line}");
        match kind {
            Kind::Time => {
                for label in ["median", "p90"] {
                    let (value, unit) = figure(line, label);
                    assert!(value > 0.0 && value.is_finite(), "{line}");
                    assert!(["µs", "ms"].contains(&unit), "{line}");
                }
            }
            Kind::Memory => {
                let (mib, unit) = figure(line, "linear memory");
                assert_eq!(unit, "MiB", "{line}");
                assert!(mib > 1.0, "20,000 nodes take more than a megabyte: {line}");
            }
        }
    }
    let summary = text.lines().find(|l| l.starts_with("bench summary: ")).unwrap_or_else(|| panic!("{text}"));
    assert!(summary.contains(&format!("{} scenarios on cranelift", SCENARIOS.len())), "{summary}");
    assert!(summary.ends_with(", 0 failed"), "{summary}");
}

#[test]
fn a_module_without_the_bench_exports_is_refused_clearly() {
    let host = support::desktop_host();
    let output = support::run_host(
        &host,
        &[OsStr::new("bench"), support::bundle().as_os_str(), OsStr::new("--quick")],
    );
    let text = support::text(&output);
    assert_eq!(output.status.code(), Some(1), "an unusable module:\n{text}");
    assert!(text.contains("is not a bench module") && text.contains("touchline_bench_abi_version"), "{text}");
    assert!(!text.contains("panicked"), "{text}");
}

#[test]
fn a_trap_or_a_failed_check_is_reported_per_scenario() {
    let dir = support::scratch("bench_runs_faults");
    let module = support::wat_fixture("bench_faults", &dir);
    let host = support::desktop_host();
    let output =
        support::run_host(&host, &[OsStr::new("bench"), module.as_os_str(), OsStr::new("--iterations=3")]);
    let text = support::text(&output);
    assert_eq!(output.status.code(), Some(3), "a scenario failed:\n{text}");
    assert!(!text.contains("panicked"), "{text}");
    let line = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("bench {name}: ")))
            .unwrap_or_else(|| panic!("no line for {name}:\n{text}"))
            .to_owned()
    };
    assert!(line("steady").contains("median"), "the good scenario still runs: {text}");
    let traps = line("traps");
    assert!(
        traps.contains("error") && traps.contains("touchline_bench_step") && traps.contains("trapped"),
        "{traps}"
    );
    let check = line("fails_check");
    assert!(
        check.contains("touchline_bench_after_step") && check.contains("the frame re-rendered"),
        "{check}"
    );
    assert!(text.contains("1 met, 0 missed, 2 failed (traps, fails_check)"), "{text}");
}
