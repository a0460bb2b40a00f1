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
# The match catalog, its pictures and the full-length match videos from the real data
# (docs/match-data.md): the first run renders the videos (about 14 minutes on 2 cores),
# later runs find them up to date.
cargo run -q --release -p touchline-matchdata -- build --out target/site/catalog \
    --video full --video-size 960x540
# The release, as a CDN serves it (docs/delivery.md): the bundle and its legacy JS, and the
# catalog with its pictures and videos as the release's assets (hard links), signed with the
# development key. `touchline serve` serves it on loopback; the hosts are given only the
# manifest's URL and fetch the app's catalog/… from the release.
touchline=target/debug/touchline
"$touchline" release --out target/cdn --bundle "$bundle" --assets target/site >/dev/null
rm -f target/cdn.port
"$touchline" serve target/cdn --addr 127.0.0.1:0 --port-file target/cdn.port >target/cdn.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s target/cdn.port ] && break; sleep 0.1; done
manifest="http://127.0.0.1:$(cat target/cdn.port)/manifest.json"
echo "run-app: the release is served at $manifest"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "run-app: opening the app in a window (arrows move, Enter selects, Esc goes back)"
    "$desktop" run --manifest "$manifest" --cache target/cdn-cache/desktop
    exit
fi

echo "run-app: no display, running headless; screenshots go to out/"
mkdir -p out
# shot HOST NAME KEYS FRAMES: runs the app with a key script (a key every half second) and
# writes out/NAME.png from the last frame.
shot() {
    local host=$1 name=$2 keys=$3 frames=$4
    local args=(--manifest "$manifest" --cache "target/cdn-cache/$host" --headless --quiet
        --key-interval 30 --frames "$frames" --screenshot "out/$name.png")
    [ -n "$keys" ] && args+=(--keys "$keys")
    if [ "$host" = desktop ]; then
        "$desktop" run "${args[@]}" | sed -n 's/^summary: /  summary: /p'
    else
        target/device-host/touchline-host "${args[@]}" | sed -n 's/^summary: /  summary: /p'
    fi
    echo "  wrote out/$name.png"
}
echo "== desktop host (Rust, wasmtime crate, tiny-skia)"
shot desktop profiles "" 2
shot desktop home enter 90
shot desktop match enter,right,enter 150
shot desktop playback enter,right,enter,enter,down,down,down,down,down 340
shot desktop reel enter,right,enter,right,enter 230
shot desktop settings enter,down,down,down,enter 220
echo "== device host (C++, wasmtime C API, cairo, GStreamer): the same scripts"
shot device home-device enter 90
shot device playback-device enter,right,enter,enter,down,down,down,down,down 340
echo "run-app: the pages are in out/ (profiles, home, match, playback, reel, settings; *-device from the C++ host)"
