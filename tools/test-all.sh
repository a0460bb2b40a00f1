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

step "device host (C++17, CMake) and its CTest suite"
touchline_build_device_host
ctest --test-dir target/device-host --output-on-failure
# The cross-host tests use this build instead of configuring their own.
export TOUCHLINE_DEVICE_HOST="$PWD/target/device-host/touchline-host"

step "Rust tests (cargo nextest) and doctests"
cargo nextest run --workspace --no-fail-fast
cargo test -q --workspace --doc
