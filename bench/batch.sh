#!/usr/bin/env bash
# Benchmark: a catalogue batch through the REST API, and another user's
# course while it runs. One server (embedded SQLite, offline writer,
# WORKERS workers); an admin's token starts COURSES two-day courses (the
# sample outline, read by /api/v1/outlines/parse) as one batch; once the
# batch fills the workers, a second user starts one course of the same
# size on the page's own route. Reported: the batch's time to the last
# completion and courses per minute; the single course's time from start
# to complete, against the time one course takes alone. Run after
# `make test` (it uses the debug server unless COURSEWARE_BIN is set):
#   bash bench/batch.sh            (COURSES=200, WORKERS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
courses="${COURSES:-200}"
workers="${WORKERS:-2}"
bin="${COURSEWARE_BIN:-target/debug/courseware}"
[ -x "$bin" ] || { echo "no server at $bin (make test builds it)" >&2; exit 1; }
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
COURSEWARE_BIND=127.0.0.1:$port DATA_DIR="$work/data" SITE_ROOT="$work/site" RUST_LOG=warn \
  WORKER_CONCURRENCY="$workers" PREVIEWS=false SAMPLE_TEMPLATES_DIR=server/samples/templates \
  INITIAL_ADMIN_EMAIL=bench@example.com INITIAL_ADMIN_PASSWORD=bench-password-1 \
  "$bin" serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done

python3 - "http://127.0.0.1:$port" "$courses" "$workers" <<'PY'
import http.cookiejar, json, sys, time, urllib.parse, urllib.request
base, courses, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def session(email, password):
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    def form(path, fields):
        if "spec" in fields:  # the New course page's start: one spec as JSON
            req = urllib.request.Request(base + path, data=json.dumps(fields).encode(),
                                         headers={"Content-Type": "application/json"})
        else:
            req = urllib.request.Request(base + path, data=urllib.parse.urlencode(fields).encode())
        return json.loads(op.open(req).read() or b"null")
    form("/api/login", {"email": email, "password": password})
    return form

def api(token, method, path, body=None, raw=None, kind="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": kind})
    return json.loads(urllib.request.urlopen(req).read() or b"null")

admin = session("bench@example.com", "bench-password-1")
token = admin("/api/tokens/create", {"name": "bench", "scope": "write", "days": "1"})["token"]
admin("/api/admin/users/create", {"email": "trainer@example.com", "name": "Trainer", "password": "trainer-password-1"})
trainer = session("trainer@example.com", "trainer-password-1")
md = open("server/samples/outlines/workplace-fire-safety.md", "rb").read()
outline = api(token, "POST", "/api/v1/outlines/parse", raw=md, kind="application/octet-stream")["outline"]
spec = lambda title: {"schema": 1, "title": title, "days": 2, "language": "en", "template": "Ocean.pptx", "outline": outline}

def wait(job):
    while True:
        c = api(token, "GET", f"/api/v1/courses/{job}")
        if c["status"] in ("complete", "failed", "cancelled"):
            assert c["status"] == "complete", c
            return c
        time.sleep(0.02)

# One course alone, for comparison.
t = time.time()
alone = api(token, "POST", "/api/v1/courses", spec("Alone"))["id"]
wait(alone)
alone_s = time.time() - t

t0 = time.time()
batch = api(token, "POST", "/api/v1/batches", {"name": "Catalogue", "courses": [spec(f"Course {i}") for i in range(courses)]})
queued_s = time.time() - t0
while api(token, "GET", f"/api/v1/batches/{batch['id']}")["counts"]["running"] < workers:
    time.sleep(0.01)
t1 = time.time()
theirs = trainer("/api/jobs/start", {"spec": {"schema": 1, "title": "Their own course", "days": 2,
                                              "language": "en", "template": "Ocean.pptx", "outline": outline}})
wait(theirs)
theirs_s = time.time() - t1
state = api(token, "GET", f"/api/v1/batches/{batch['id']}")
waiting = state["counts"]["queued"]
while not state["finished"]:
    time.sleep(0.1)
    state = api(token, "GET", f"/api/v1/batches/{batch['id']}")
wall = time.time() - t0
assert state["counts"]["complete"] == courses, state["counts"]
slides = sum(c["slide_count"] or 0 for c in state["courses"])
print(f"batch of {courses} two-day courses ({slides} slides), {workers} workers: queued in {queued_s:.2f} s, "
      f"all complete in {wall:.1f} s = {courses / wall * 60:.0f} courses/min")
print(f"another user's course during the batch: {theirs_s:.2f} s from start to complete "
      f"({waiting} batch courses still queued then); alone: {alone_s:.2f} s")
PY
