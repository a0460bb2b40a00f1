#!/usr/bin/env bash
# Builds everything and runs the Touchline app: in a window when there is a display,
# otherwise headless, writing screenshots to out/ and printing a summary per frame.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
touchline_setup

bundle=$(touchline_build_bundle)
# The dev profile optimizes Cranelift and the renderer (see Cargo.toml), which is what a
# run needs, without a second, release build of wasmtime.
cargo build -q -p touchline-desktop
desktop=target/debug/touchline-desktop
touchline_build_device_host
# The match catalog and its pictures from the real data (docs/match-data.md).
cargo run -q -p touchline-matchdata -- build --out target/site/catalog

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "run-app: opening the app in a window (arrows move, Enter selects, Esc quits)"
    exec "$desktop" run "$bundle"
fi

echo "run-app: no display, running headless; screenshots go to out/"
mkdir -p out
echo "== desktop host (Rust, wasmtime crate): launch, then right, right, enter"
"$desktop" run "$bundle" --headless --frames 1 --quiet --screenshot out/profiles-launch.png
"$desktop" run "$bundle" --headless --keys right,right,enter \
    --screenshot out/profiles-chosen-desktop.png
echo "== device host (C++, wasmtime C API, cairo): the same script"
target/device-host/touchline-host "$bundle" --headless --keys right,right,enter \
    --screenshot out/profiles-chosen-device.png
echo "run-app: wrote out/profiles-launch.png, out/profiles-chosen-desktop.png, out/profiles-chosen-device.png"
