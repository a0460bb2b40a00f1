#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust workspace's tests (unit, integration,
# compile-fail, cross-host), and the device host's CTest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
touchline_setup

started=$SECONDS
step() { printf '\n== %s (at %d s)\n' "$*" $((SECONDS - started)); }

# wasmtime's C API (a release cargo build of its own, minutes) does not depend on anything
# below, so it builds in the background, niced, filling the cores the Rust builds leave idle.
step "wasmtime's C API for the device host (background, log in target/wasmtime-capi.log)"
mkdir -p target
device_host_options=(-DTOUCHLINE_CLI="$PWD/target/debug/touchline"
    -DTOUCHLINE_BUNDLE="$PWD/target/wasm32-wasip1/bundle/touchline_pages.wasm"
    -DTOUCHLINE_FAULT_BUNDLE="$PWD/target/wasm32-wasip1/bundle-faults/touchline_pages.wasm")
(
    cmake -S native-host/device -B target/device-host -DCMAKE_BUILD_TYPE=Release \
        "${device_host_options[@]}" >/dev/null
    nice -n 10 cmake --build target/device-host --target wasmtime_capi_build -j"$(nproc)"
) >target/wasmtime-capi.log 2>&1 &
capi_build=$!

step "rustfmt"
cargo fmt --all --check

step "clippy (workspace lints, warnings are errors)"
cargo clippy -q --workspace --all-targets -- -D warnings

step "bundle (wasm32-wasip1)"
bundle=$(touchline_build_bundle)

step "fault-injection bundle (wasm32-wasip1, for the recovery tests of both hosts)"
fault_bundle=$(touchline_build_fault_bundle)

# Built once, with the feature resolution nextest uses, so the device host's delivery tests
# reuse its `touchline` binary instead of compiling the desktop crate a second way.
step "Rust test build (tests, examples, binaries)"
cargo nextest run --workspace --no-run

step "bench module (wasm32-wasip1)"
bench_module=$(touchline_build_bench_module)

step "designer preview bundle (wasm32-wasip1, --profile preview)"
preview_bundle=$(touchline_build_preview_bundle)

step "device host (C++17, CMake) and its CTest suite"
if ! wait "$capi_build"; then
    cat target/wasmtime-capi.log
    echo "building wasmtime's C API failed (log above)" >&2
    exit 1
fi
touchline_build_device_host "${device_host_options[@]}"
ctest --test-dir target/device-host --output-on-failure
# The cross-host tests use these builds instead of running cargo or CMake themselves: a
# cargo call inside a test waits on the target directory's lock while another test (trybuild)
# holds it.
export TOUCHLINE_DEVICE_HOST="$PWD/target/device-host/touchline-host"
export TOUCHLINE_BUNDLE="$PWD/$bundle" TOUCHLINE_FAULT_BUNDLE="$PWD/$fault_bundle"
export TOUCHLINE_BENCH_MODULE="$PWD/$bench_module" TOUCHLINE_WORKSPACE_BUILT=1
export TOUCHLINE_PREVIEW_BUNDLE="$PWD/$preview_bundle"

step "Rust tests (cargo nextest) and doctests"
cargo nextest run --workspace --no-fail-fast
cargo test -q --workspace --doc
step "done"
