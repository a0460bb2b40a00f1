#!/usr/bin/env bash
# Runs the engine benchmarks and prints every figure against its target (see bench/README.md):
# the scenarios in wasm on wasmtime through the desktop host (`touchline-desktop bench`, on
# Cranelift, and on the Pulley interpreter with --pulley), then natively with criterion.
#
#   tools/bench.sh [--quick] [--pulley] [--no-native]
#
# --quick: a short run (20 timed steps per scenario; criterion's quick mode).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=""
pulley=0
native=1
for arg in "$@"; do
    case "$arg" in
        --quick) quick="--quick" ;;
        --pulley) pulley=1 ;;
        --no-native) native=0 ;;
        -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown flag $arg (try --help)" >&2; exit 2 ;;
    esac
done

rustup target list --installed | grep -qx wasm32-wasip1 || rustup target add wasm32-wasip1

echo "== building the bench module (touchline-bench, wasm32-wasip1, bundle profile)"
cargo build -q -p touchline-bench --profile bundle --target wasm32-wasip1
module=target/wasm32-wasip1/bundle/touchline_bench.wasm

# A release host: in a dev build, wasmtime's calls into wasm and WASI's clock (the engine reads
# it a few times per frame) are unoptimized host code, which makes short steps look 10x slower
# (an idle frame: 11 µs instead of 0.8 µs). Devices run an optimized host.
echo "== building the desktop host (release)"
cargo build -q --release -p touchline-desktop
host=target/release/touchline-desktop

echo
echo "== wasm on Cranelift"
"$host" bench "$module" --engine cranelift $quick
if [ "$pulley" = 1 ]; then
    echo
    echo "== wasm on Pulley (the interpreter devices without JIT run)"
    "$host" bench "$module" --engine pulley $quick
fi

if [ "$native" = 1 ]; then
    echo
    echo "== native (criterion; the targets are for wasm on Cranelift)"
    if [ -n "$quick" ]; then
        TOUCHLINE_BENCH_QUICK=1 cargo bench -q -p touchline-bench
    else
        cargo bench -q -p touchline-bench
    fi
fi
