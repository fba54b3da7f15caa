#!/usr/bin/env bash
# Benchmark: a 5-day course (10 modules × 5 topics × 5 points) with the
# offline writer, end to end (1) through the CLI and (2) through the server
# (sign in, start the job over HTTP, wait for completion via the API).
# Prints wall time and slides per second. Run after `make test`:
#   bash bench/generate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cargo build --release -p server --quiet
bin=./target/release/courseware
tpl=server/samples/templates/Ocean.pptx
python3 bench/make_outline.py "$work/outline.md"

echo "CLI (median of $runs):"
times=()
for _ in $(seq "$runs"); do
  s=$(date +%s.%N)
  $bin generate --outline "$work/outline.md" --template "$tpl" --days 5 -o "$work/cli.pptx" --report "$work/cli.json" >/dev/null 2>&1
  e=$(date +%s.%N); times+=("$(echo "$e - $s" | bc -l)")
done
wall=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
slides=$(python3 -c "import json;print(json.load(open('$work/cli.json'))['slides'])")
printf '  %d slides, wall %.3f s, %.0f slides/s\n' "$slides" "$wall" "$(echo "$slides / $wall" | bc -l)"

echo "Server (median of $runs jobs, from the HTTP request to completion):"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
COURSEWARE_BIND=127.0.0.1:$port DATA_DIR="$work/data" SAMPLE_TEMPLATES_DIR=server/samples/templates RUST_LOG=warn \
  INITIAL_ADMIN_EMAIL=bench@example.com INITIAL_ADMIN_PASSWORD=bench-password-1 $bin serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
python3 - "$port" "$work/outline.md" "$runs" <<'PY'
import http.cookiejar, json, sys, time, urllib.parse, urllib.request
port, outline_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = f"http://127.0.0.1:{port}"
jar = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
def call(path, data=None, raw=None, spec=None):
    if spec is not None:  # the New course page's start: one spec as JSON
        req = urllib.request.Request(base + path, data=json.dumps({"spec": spec}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    elif raw is not None:
        req = urllib.request.Request(base + path, data=raw, method="POST")
    else:
        req = urllib.request.Request(base + path, data=urllib.parse.urlencode(data or {}).encode(), method="POST")
    return json.loads(op.open(req).read() or b"null")
call("/api/login", {"email": "bench@example.com", "password": "bench-password-1"})
outline = call("/api/outline/upload", raw=open(outline_path, "rb").read())
walls, slides = [], 0
for _ in range(runs):
    t = time.time()
    jid = call("/api/jobs/start", spec={"schema": 1, "title": "Benchmark course", "days": 5, "language": "en",
                                        "template": "Ocean.pptx", "outline": outline})
    while True:
        j = call("/api/jobs/get", {"id": jid})["job"]
        if j["status"] in ("complete", "failed"):
            break
        time.sleep(0.005)
    assert j["status"] == "complete", j
    walls.append(time.time() - t)
    slides = j["slide_count"]
walls.sort()
w = walls[len(walls) // 2]
print(f"  {slides} slides, wall {w:.3f} s, {slides / w:.0f} slides/s")
PY
