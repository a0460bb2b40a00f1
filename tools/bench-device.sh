#!/usr/bin/env bash
# The device host's start, recovery and engine figures (issue 6's targets), on the real app at
# 1920x1080, each printed beside its target:
#
#   cold start   manifest + download + verify + compile + first frame (an empty cache)
#   warm start   the same launch again: 304 manifest, mapped module, start-up snapshot
#   recovery     trap -> the next frame on screen, for a panic, an endless loop and a memory bomb
#   engines      per-frame engine time of one scripted session on Cranelift and on Pulley
#
#   tools/bench-device.sh [--keys N]
#
# --keys N: key presses in the engine session (default 600; a frame between keys).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh

keys=600
while [ $# -gt 0 ]; do
    case "$1" in
        --keys) keys="$2"; shift ;;
        -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-device.sh: unknown flag $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

touchline_setup
bundle=$(touchline_build_bundle)
faults=$(touchline_build_fault_bundle)
cargo build -q -p touchline-desktop --bin touchline
touchline_build_device_host >/dev/null
host=target/device-host/touchline-host
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

# `field NAME LINE`: the value of NAME=... in a summary line.
field() { sed -E "s/.* $1=([^ ]+).*/\1/" <<<"$2"; }

echo "== start (release at $work/cdn, served on loopback)"
target/debug/touchline release --out "$work/cdn" --bundle "$bundle" --version bench >/dev/null
target/debug/touchline serve "$work/cdn" --addr 127.0.0.1:0 --port-file "$work/port" >/dev/null &
server=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
launch() {
    "$host" --manifest "http://127.0.0.1:$(cat "$work/port")/manifest.json" --cache "$work/cache" \
        --headless --frames 1 --quiet --assets assets "$@" 2>/dev/null | grep '^summary:'
}
for engine in cranelift pulley; do
    rm -rf "$work/cache"
    cold=$(launch --engine "$engine")
    printf '%-9s cold start %8.1f ms (compile %.1f, init %.1f)\n' "$engine" \
        "$(field launch_to_first_frame_ms "$cold")" "$(field compile_ms "$cold")" "$(field init_ms "$cold")"
    best=""
    for _ in 1 2 3 4 5; do
        warm=$(launch --engine "$engine")
        ms=$(field launch_to_first_frame_ms "$warm")
        if [ -z "$best" ] || awk "BEGIN{exit !($ms < $best)}"; then best=$ms; line=$warm; fi
    done
    printf '%-9s warm start %8.1f ms (module load %.1f, init %.1f from the %s; best of 5)   target <= 50 ms\n' \
        "$engine" "$best" "$(field compile_ms "$line")" "$(field init_ms "$line")" \
        "$([ "$(field init "$line")" = snapshot ] && echo snapshot || echo bundle)"
done

echo
echo "== recovery (fault bundle, a trap in frame 40, warm module and snapshot)"
for engine in cranelift pulley; do
    run=("$host" "$faults" --engine "$engine" --headless --keys right,right --key-interval 10 --frames 100
        --quiet --module-cache "$work/modules" --assets assets)
    "${run[@]}" >/dev/null 2>&1
    for fault in panic loop oom; do
        line=$("${run[@]}" --recover --inject-fault "$fault@40" --frame-budget-ms 300 --memory-limit-mb 128 \
            2>/dev/null | grep '^summary:')
        printf '%-9s %-5s recovered in %6.1f ms   target <= 200 ms\n' "$engine" "$fault" \
            "$(field recovery_ms_max "$line")"
    done
done

echo
echo "== engines: one scripted session ($keys keys), warm, engine time per frame"
script=$(for i in $(seq "$keys"); do
    case $((i % 8)) in 0 | 1 | 2) echo right ;; 3) echo enter ;; 4) echo back ;; *) echo left ;; esac
done | paste -sd,)
for engine in cranelift pulley; do
    session=("$host" "$bundle" --engine "$engine" --headless --keys "$script" --key-interval 2
        --module-cache "$work/modules" --assets assets)
    "${session[@]}" --frames 1 --quiet >/dev/null 2>&1
    "${session[@]}" 2>/dev/null | sed -nE 's/^frame [0-9]+ .* engine_us=([0-9]+)$/\1/p' >"$work/$engine.us"
done
# Per-frame statistics: the first frame (it lays out the page and rasterizes every glyph on it)
# apart from the rest; then the ratio Pulley / Cranelift of each.
stats() {
    tail -n +2 "$1" | sort -n | awk -v first="$(head -1 "$1")" '
        { v[NR] = $1; sum += $1 }
        END { printf "%d %.1f %d %d %d %d\n", first, sum / NR, v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], v[NR], NR }'
}
read -r c_first c_mean c_p50 c_p99 c_max frames < <(stats "$work/cranelift.us")
read -r p_first p_mean p_p50 p_p99 p_max _ < <(stats "$work/pulley.us")
printf '%-22s %12s %12s %8s\n' "engine_us" cranelift pulley ratio
for stat in first mean p50 p99 max; do
    c="c_$stat"; p="p_$stat"
    printf '%-22s %12s %12s %7.1fx\n' "$( [ $stat = first ] && echo "first frame" || echo "$stat (frames 1-$frames)")" \
        "${!c}" "${!p}" "$(awk "BEGIN{print ${!p} / (${!c} > 0 ? ${!c} : 1)}")"
done
echo "target: Pulley within 10x of Cranelift"
