//! Criterion benchmarks of the four timed scenarios, natively (the targets are for wasm on
//! Cranelift: `tools/bench.sh` runs the same scenarios there too).
//!
//! `cargo bench -p touchline-bench --bench engine` for the full run; add `-- --quick`, or set
//! `TOUCHLINE_BENCH_QUICK=1`, for a run of a few seconds.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use touchline_bench::{SCENARIOS, Target};

/// Criterion's defaults, or a short run when `TOUCHLINE_BENCH_QUICK=1`.
fn config() -> Criterion {
    let quick = std::env::var_os("TOUCHLINE_BENCH_QUICK").is_some_and(|v| v == "1");
    if quick {
        Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(100))
            .measurement_time(Duration::from_millis(300))
    } else {
        Criterion::default()
    }
}

fn scenarios(c: &mut Criterion) {
    for scenario in &SCENARIOS {
        let Target::StepTime { micros } = scenario.target else { continue };
        println!(
            "\n{}: {}\n  (target for wasm on Cranelift: ≤ {micros} µs per step)",
            scenario.name, scenario.description
        );
        let mut bench = match scenario.setup() {
            Ok(bench) => bench,
            Err(e) => panic!("{}: setup failed: {e}", scenario.name),
        };
        c.bench_function(scenario.name, |b| {
            // Only the step is timed; the checks (and create_1000's despawn) run between steps.
            b.iter_custom(|iterations| {
                let mut timed = Duration::ZERO;
                for _ in 0..iterations {
                    let start = Instant::now();
                    black_box(bench.step());
                    timed += start.elapsed();
                    if let Err(e) = bench.after_step() {
                        panic!("{}: {e}", scenario.name);
                    }
                }
                timed
            });
        });
    }
}

criterion_group! {
    name = benches;
    config = config();
    targets = scenarios
}
criterion_main!(benches);
