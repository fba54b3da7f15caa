#!/usr/bin/env bash
# Benchmark: how soon a finished deck's thumbnails are on screen. A release
# server with previews drawn at completion (the default) makes an offline
# course of about 60 slides on Ocean.pptx; the script then asks what the
# job page asks (POST /api/jobs/previews, as it polls while `drawing`) and
# times, from the moment the job is complete: the first thumbnail drawn,
# and all of them. Median of RUNS (3) jobs. Run after `make test`:
#   bash bench/thumbs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-3}"
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cargo build --release -p server --quiet
bin=./target/release/courseware
# 6 modules × 5 topics × 5 points, 2 days: about 60 slides.
python3 bench/make_outline.py "$work/outline.md" 6

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
COURSEWARE_BIND=127.0.0.1:$port DATA_DIR="$work/data" SAMPLE_TEMPLATES_DIR=server/samples/templates RUST_LOG=warn \
  PREVIEWS_ON_COMPLETION=true RENDERS_PER_HOUR=1000 \
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
firsts, alls, slides = [], [], 0
for _ in range(runs):
    jid = call("/api/jobs/start", spec={"schema": 1, "title": "Thumbnail benchmark", "days": 2, "language": "en",
                                        "template": "Ocean.pptx", "outline": outline})
    while True:
        j = call("/api/jobs/get", {"id": jid})["job"]
        if j["status"] in ("complete", "failed"):
            break
        time.sleep(0.01)
    assert j["status"] == "complete", j
    done = time.time()
    slides, first = j["slide_count"], None
    while True:
        p = call("/api/jobs/previews", {"id": jid})
        assert p["unavailable"] is None, p
        if first is None and p["drawn"] > 0:
            first = time.time() - done
        if not p["drawing"]:
            break
        time.sleep(0.1)
    firsts.append(first)
    alls.append(time.time() - done)
firsts.sort(); alls.sort()
m = len(firsts) // 2
print(f"  {slides} slides: first thumbnail {firsts[m]:.1f} s after completion, all {alls[m]:.1f} s "
      f"(median of {runs}; runs: first {', '.join(f'{x:.1f}' for x in firsts)})")
PY
