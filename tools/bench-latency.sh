#!/usr/bin/env bash
# Key press to the frame that shows its effect (issue 7's targets), on the real app at 1920x1080
# on the release device host, warm, with Cranelift and with Pulley, each figure beside its target:
#
#   home       Home over a league-size catalog (8 competitions x 30 matches, over 1,000 scene
#              nodes): presses moving right, left, down and up across its rails
#   playback   France-Croatia playing with the overlay up: left/right seeks, down/up highlight
#              jumps (Back returns from the highlight's marker to the playhead)
#
# The synchronous engine handles a key in the frame that receives it, so a key's latency is that
# frame's engine time: p50, p99 and max over the key frames (engine time; targets: p99 <= 2 ms
# with Cranelift, <= 16.7 ms with Pulley). Also counted: where each key's effect showed (its
# display list changed): in the key frame, the next frame, later, never, or "busy" (the screen
# was still animating and the key moved no focus, so the frame cannot tell).
#
#   tools/bench-latency.sh [--keys N] [--interval FRAMES]
#
# --keys N: key presses per scenario (default 300). --interval: frames between keys (default 30,
# two presses a second: animations settle between keys; at most 60, so Playback's up comes
# within 3 s of its down and goes to the highlight before, keeping the session on its page).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh

keys=300
interval=30
while [ $# -gt 0 ]; do
    case "$1" in
        --keys) keys="$2"; shift ;;
        --interval) interval="$2"; shift ;;
        -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-latency.sh: unknown flag $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
if ! [[ "$keys" =~ ^[0-9]+$ && "$interval" =~ ^[0-9]+$ ]] || [ "$keys" -lt 1 ] || [ "$interval" -lt 2 ] ||
    [ "$interval" -gt 60 ]; then
    echo "bench-latency.sh: --keys wants 1 or more, --interval 2 to 60 frames" >&2
    exit 2
fi

touchline_setup
bundle=$(touchline_build_bundle)
cargo build -q -p touchline-matchdata
touchline_build_device_host >/dev/null
host=target/device-host/touchline-host
matchdata=target/debug/touchline-matchdata
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Home's catalog: the real one without videos, and the league made from it. Playback's: the
# real one with the small full-length videos the tests render (kept in target/test-media, under
# the tests' lock; an up-to-date video is not rendered again).
"$matchdata" build --out "$work/base/catalog" --video none >/dev/null
"$matchdata" league --from "$work/base/catalog" --out "$work/league/catalog" --competitions 8 --matches 30
mkdir -p target/test-media
flock target/test-media/.lock "$matchdata" build --out target/test-media/catalog \
    --video full --video-size 160x90 --fps 2 >"$work/media.log"
grep '^video' "$work/media.log"
# Home's scene nodes: the native test runs Home over the same league (the same function, the
# fixture catalog as its base) and prints its count.
nodes=$(cargo test -q -p touchline-pages --test home_page a_league_size_catalog -- --nocapture |
    sed -nE 's/.*: ([0-9]+) scene nodes$/\1/p')

# `keyscript N PATTERN...`: N keys, PATTERN repeated, comma-separated.
keyscript() {
    local n=$1 i=0
    shift
    while [ "$i" -lt "$n" ]; do
        echo "${@:$((i % $# + 1)):1}"
        i=$((i + 1))
    done | paste -sd,
}
# Home: the profile (enter), then a sweep down the rails from Latest matches to the last league
# (two steps along each) and back up.
home_nav=1
home_keys="enter,$(keyscript "$keys" $(for _ in $(seq 9); do echo right right down; done) \
    $(for _ in $(seq 9); do echo left left up; done))"
# Playback: the profile, France-Croatia (the second tile), Watch; then down to the first
# highlight and Back to the playhead; then down (the next highlight), up within 3 s (the one
# before), seeks between, so focus and position go back and forth over the same highlights.
playback_nav=4
playback_keys="enter,right,enter,enter,down,back,$(keyscript $((keys - 2)) down back up back right left)"

# `analyse OUTPUT NAV SCRIPT OK_ANNOUNCE`: over the key frames of the key SCRIPT after its NAV
# navigation keys, one line: keys, shown in the key frame, next frame, later, never, busy,
# failures (announcements not matching OK_ANNOUNCE once the scenario's page is up: the session
# left it). The key frames' engine times go to OUTPUT.us, each key's "key -> effect" time to
# OUTPUT.effect, the mean and max engine time of each key to OUTPUT.keys.
analyse() {
    awk -v interval="$interval" -v nav="$2" -v script="$3" -v ok="$4" -v us_file="$1.us" \
        -v effect_file="$1.effect" -v keys_file="$1.keys" '
        /^announce: / {
            pending++
            if (started && $0 !~ ok) strays++
            next
        }
        /^frame [0-9]+ / {
            f = $2 + 0
            changed[f] = ($0 !~ / commands=0 bytes=24 /)
            announced[f] = pending
            pending = 0
            match($0, /engine_us=[0-9]+/)
            us[f] = substr($0, RSTART + 10, RLENGTH - 10) + 0
            last = f
            if (f >= 1 + nav * interval) started = 1
        }
        END {
            n = inkey = next1 = later = never = busy = 0
            nkeys = split(script, key, ",")
            for (j = nav; j < nkeys; j++) {
                k = 1 + j * interval
                if (!(k in us)) continue
                n++
                print us[k] > us_file
                name = key[j + 1]
                if (!(name in count)) names = names " " name
                count[name]++
                sum[name] += us[k]
                if (us[k] > most[name]) most[name] = us[k]
                settled = ((k - 1) in changed) && !changed[k - 1]
                if (changed[k] && (settled || announced[k] > 0)) { inkey++; print us[k] > effect_file; continue }
                if (changed[k]) { busy++; continue }
                shown = 0
                for (g = k + 1; g < k + interval && g <= last; g++) if (changed[g]) { shown = g; break }
                if (!shown) { never++; continue }
                if (shown == k + 1) next1++; else later++
                # The frames waited, then the engine time of the frame that shows it.
                printf "%d\n", (shown - k) * 16667 + us[shown] > effect_file
            }
            split(substr(names, 2), order, " ")
            for (i = 1; i in order; i++)
                printf "%s%s %d / %d", (i > 1 ? ", " : ""), order[i], sum[order[i]] / count[order[i]], most[order[i]] > keys_file
            print n, inkey, next1, later, never, busy, strays + 0
        }' "$1"
}
# `percentiles FILE`: p50 p99 max (nearest rank) of the numbers in FILE.
percentiles() {
    sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) printf "%d %d %d\n", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], v[NR]; else print "0 0 0" }'
}

failed=0
# `scenario NAME ASSETS KEYS NAV OK_ANNOUNCE`: the session on both engines, one line each.
scenario() {
    local name=$1 assets=$2 script=$3 nav=$4 ok=$5
    printf '%-9s %5s %8s %8s %8s  %-18s  %s\n' engine keys "p50 us" "p99 us" "max us" "target (p99)" \
        "effect: key frame / next / later / never / busy"
    for engine in cranelift pulley; do
        local out="$work/$name-$engine" target status=0
        local run=("$host" "$bundle" --engine "$engine" --headless --assets "$assets" --keys "$script"
            --key-interval "$interval" --module-cache "$work/modules")
        "${run[@]}" --frames 1 --quiet >/dev/null 2>&1 || true
        "${run[@]}" >"$out" 2>"$out.err" || status=$?
        : >"$out.us"
        : >"$out.effect"
        : >"$out.keys"
        read -r n inkey next1 later never busy strays < <(analyse "$out" "$nav" "$script" "$ok")
        read -r p50 p99 max < <(percentiles "$out.us")
        target=$([ "$engine" = cranelift ] && echo 2000 || echo 16700)
        printf '%-9s %5d %8d %8d %8d  <= %5d us (%s)  %d / %d / %d / %d / %d\n' "$engine" "$n" "$p50" "$p99" \
            "$max" "$target" "$([ "$p99" -le "$target" ] && echo met || echo missed)" \
            "$inkey" "$next1" "$later" "$never" "$busy"
        printf '%-9s by key, mean / max us: %s\n' "" "$(cat "$out.keys")"
        if [ $((next1 + later)) -gt 0 ]; then
            read -r e50 e99 emax < <(percentiles "$out.effect")
            printf '%-9s key -> the frame showing it (frames waited x 16,667 us + its engine time): p50 %d, p99 %d, max %d us\n' \
                "" "$e50" "$e99" "$emax"
        fi
        if [ "$status" -ne 0 ] || [ "$n" -eq 0 ] || [ "$strays" -gt 0 ]; then
            echo "bench-latency.sh: $name on $engine failed (exit $status, $n key frames, $strays announcements off the page); $out.err:" >&2
            tail -5 "$out.err" >&2
            failed=1
        fi
    done
}

echo
echo "== home: league catalog (240 matches, ${nodes:-?} scene nodes in the native test), $keys keys, one every $interval frames"
scenario home "$work/league" "$home_keys" "$home_nav" ', tile, '
echo
echo "== playback: France-Croatia with the overlay up, $keys keys, one every $interval frames"
scenario playback target/test-media "$playback_keys" "$playback_nav" '^announce: (Playback position, slider|[0-9]+:[0-9]+ )'
exit "$failed"
