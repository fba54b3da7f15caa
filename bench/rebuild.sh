#!/usr/bin/env bash
# Benchmark: an edited course built again. A 5-day course (10 modules × 5
# topics × 5 points, offline writer) is generated, one slide's words are
# changed through the editor's server function, and "Rebuild" is timed from
# the HTTP request to the new version's completion (no writer, no planning:
# the stored content is built, checked and stored). Median of RUNS.
#   bash bench/rebuild.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cargo build --release -p server --quiet
bin=./target/release/courseware
python3 bench/make_outline.py "$work/outline.md"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
COURSEWARE_BIND=127.0.0.1:$port DATA_DIR="$work/data" SAMPLE_TEMPLATES_DIR=server/samples/templates RUST_LOG=warn \
  PREVIEWS=false INITIAL_ADMIN_EMAIL=bench@example.com INITIAL_ADMIN_PASSWORD=bench-password-1 $bin serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
python3 - "$port" "$work/outline.md" "$runs" <<'PY'
import http.cookiejar, json, statistics, sys, time, urllib.parse, urllib.request
port, outline_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = f"http://127.0.0.1:{port}"
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
def call(path, data=None, raw=None, body=None):
    if body is not None:
        req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    elif raw is not None:
        req = urllib.request.Request(base + path, data=raw, method="POST")
    else:
        req = urllib.request.Request(base + path, data=urllib.parse.urlencode(data or {}).encode(), method="POST")
    return json.loads(op.open(req).read() or b"null")
def wait(jid):
    while True:
        j = call("/api/jobs/get", {"id": jid})["job"]
        if j["status"] in ("complete", "failed"):
            assert j["status"] == "complete", j
            return j
        time.sleep(0.005)
call("/api/login", {"email": "bench@example.com", "password": "bench-password-1"})
outline = call("/api/outline/upload", raw=open(outline_path, "rb").read())
first = call("/api/jobs/start", body={"spec": {"schema": 1, "title": "Rebuild benchmark", "days": 5, "language": "en",
                                               "template": "Ocean.pptx", "outline": outline}})
wait(first)
walls, slides = [], 0
for i in range(runs):
    content = call("/api/courses/content", {"id": first})
    slide = next(s for s in content["slides"] if s["kind"] == "bullets" and s["module"] == 0)
    slide["title"] = f"Edited title {i}"
    call("/api/courses/save", body={"id": first, "save": {"revision": content["revision"], "change": {"kind": "edit", "slide": slide}}})
    t = time.time()
    new = call("/api/courses/rebuild", {"id": first})
    slides = wait(new)["slide_count"]
    walls.append(time.time() - t)
print(f"rebuild of an edited {slides}-slide course, from the request to complete: median {statistics.median(walls):.3f} s "
      f"(runs: {', '.join(f'{w:.3f}' for w in walls)})")
PY
