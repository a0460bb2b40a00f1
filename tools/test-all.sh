#!/usr/bin/env bash
# Runs every test: formatting and lints, the Rust workspace's tests (unit, integration,
# compile-fail, cross-host), and the device host's CTest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
touchline_setup

step() { printf '\n== %s\n' "$*"; }

step "rustfmt"
cargo fmt --all --check

step "clippy (workspace lints, warnings are errors)"
cargo clippy -q --workspace --all-targets -- -D warnings

step "bundle (wasm32-wasip1)"
touchline_build_bundle >/dev/null

step "fault-injection bundle (wasm32-wasip1, for the recovery tests of both hosts)"
fault_bundle=$(touchline_build_fault_bundle)

# Built once, with the feature resolution nextest uses, so the device host's delivery tests
# reuse its `touchline` binary instead of compiling the desktop crate a second way.
step "Rust test build (tests, examples, binaries)"
cargo nextest run --workspace --no-run

step "device host (C++17, CMake) and its CTest suite"
touchline_build_device_host -DTOUCHLINE_CLI="$PWD/target/debug/touchline" \
    -DTOUCHLINE_FAULT_BUNDLE="$PWD/$fault_bundle"
ctest --test-dir target/device-host --output-on-failure
# The cross-host tests use this build instead of configuring their own.
export TOUCHLINE_DEVICE_HOST="$PWD/target/device-host/touchline-host"

step "Rust tests (cargo nextest) and doctests"
cargo nextest run --workspace --no-fail-fast
cargo test -q --workspace --doc
