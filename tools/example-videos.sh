#!/usr/bin/env bash
# Renders the match videos the playback and highlight reel examples play, small and at a low
# frame rate (a minute or so), into assets/examples/videos (not in git). The timeline is the
# real one: every highlight is where the catalog says.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run -q --release -p touchline-matchdata -- build --out assets/examples/videos \
    --video full --video-size 256x144 --fps 4
