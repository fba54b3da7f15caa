#!/usr/bin/env bash
# Benchmark: the same 300-slide deck (+30 cloned bank slides for our engine)
# from the same template, built by `courseware deck build` and by python-pptx,
# side by side in one run. Prints wall time and peak memory of each (median of
# RUNS runs, default 5; wall from the shell clock in ns, peak RSS from /usr/bin/time). Run after `make test` (needs the release binary,
# target/fixtures and target/pytools): bash bench/deck.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cargo build --release -p server --quiet
fx="$PWD/target/fixtures"
py="$PWD/target/pytools/bin/python"
"$py" bench/make_plan.py "$work/plan.json" "$fx"

measure() { # label, command... → "wall_s peak_kb"
  local label="$1"; shift
  local walls=() rss=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/t" "$@" >/dev/null
    e=$(date +%s%N)
    read -r m < "$work/t"; rss+=("$m")
    walls+=("$(echo "($e - $s) / 1000000000" | bc -l)")
  done
  local mw mr
  mw=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  mr=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf '%-44s wall %6.3f s   peak RSS %6.1f MB\n' "$label" "$mw" "$(echo "$mr / 1024" | bc -l)"
  echo "$mw" > "$work/$label.wall"
}

measure engine ./target/release/courseware deck build "$work/plan.json" \
  --template "$fx/python-pptx-default.pptx" -o "$work/engine.pptx"
measure python-pptx "$py" bench/python_pptx_peer.py "$fx/python-pptx-default.pptx" "$fx/wide.png" "$work/peer.pptx"
e=$(cat "$work/engine.wall"); p=$(cat "$work/python-pptx.wall")
echo "engine: 330 slides (300 + 30 cloned); python-pptx: 300 slides"
echo "speed-up (wall, whole process): $(echo "$p / $e" | bc -l | cut -c1-5)x"
./target/release/courseware deck lint "$work/engine.pptx" | tail -1
