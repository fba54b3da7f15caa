#!/usr/bin/env bash
# Benchmark: a 5-day course (20 modules × 5 topics × 5 points) written by the
# AI writer against a fake model with a realistic pace (bench/fake_llm.py:
# ~1 s to the first token, ~50 output tokens/s), through the real server:
# once with the server's default LLM_MAX_CONCURRENCY (or $CONCURRENCY) and once
# sequentially (LLM_MAX_CONCURRENCY=1). The sequential run takes over ten
# minutes. Prints each run's wall time, calls and tokens. Run after `make test`:
#   bash bench/ai.sh            # both runs
#   SKIP_SEQUENTIAL=1 bash bench/ai.sh
set -euo pipefail
cd "$(dirname "$0")/.."
concurrency="${CONCURRENCY:-default}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cargo build --release -p server --quiet
bin=./target/release/courseware
python3 bench/make_outline.py "$work/outline.md" 20
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

fake=$(free_port)
python3 bench/fake_llm.py "$fake" &
pids+=($!)

run() { # $1 = LLM_MAX_CONCURRENCY
  local port data
  port=$(free_port); data="$work/data-$1"
  local limit=()
  [ "$1" = default ] || limit=("LLM_MAX_CONCURRENCY=$1")
  env "${limit[@]}" COURSEWARE_BIND=127.0.0.1:$port DATA_DIR="$data" SAMPLE_TEMPLATES_DIR=server/samples/templates RUST_LOG=warn \
    LLM_PROVIDER=anthropic ANTHROPIC_API_KEY=fake-key ANTHROPIC_BASE_URL="http://127.0.0.1:$fake" \
    LLM_MODEL=claude-sonnet-4-5 JOB_TIME_LIMIT=3600 \
    INITIAL_ADMIN_EMAIL=bench@example.com INITIAL_ADMIN_PASSWORD=bench-password-1 $bin serve >"$work/server-$1.log" 2>&1 &
  local spid=$!
  pids+=($spid)
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
  python3 - "$port" "$work/outline.md" "$1" <<'PY'
import http.cookiejar, json, sys, time, urllib.parse, urllib.request
port, outline_path, conc = sys.argv[1], sys.argv[2], sys.argv[3]
base = f"http://127.0.0.1:{port}"
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
def call(path, data=None, raw=None, spec=None):
    headers = {}
    if spec is not None:  # the New course page's start: one spec as JSON
        body, headers = json.dumps({"spec": spec}).encode(), {"Content-Type": "application/json"}
    else:
        body = raw if raw is not None else urllib.parse.urlencode(data or {}).encode()
    return json.loads(op.open(urllib.request.Request(base + path, data=body, method="POST", headers=headers)).read() or b"null")
call("/api/login", {"email": "bench@example.com", "password": "bench-password-1"})
outline = call("/api/outline/upload", raw=open(outline_path, "rb").read())
t = time.time()
jid = call("/api/jobs/start", spec={"schema": 1, "title": "Benchmark course", "days": 5, "language": "en",
                                    "template": "Ocean.pptx", "outline": outline})
while True:
    d = call("/api/jobs/get", {"id": jid})
    if d["job"]["status"] in ("complete", "failed"):
        break
    time.sleep(0.2)
wall = time.time() - t
assert d["job"]["status"] == "complete", d["job"]
u = d["usage"]
ai = sum(1 for e in d["events"] if "written by the AI writer" in e["message"])
print(f"  LLM_MAX_CONCURRENCY={conc if conc != 'default' else 'default (24)'}: {len(outline['modules'])} modules ({ai} by the AI writer), "
      f"{d['job']['slide_count']} slides, wall {wall:.1f} s, {u['calls']} calls, "
      f"{u['output']} output tokens, est. ${u['cost_usd']:.2f}")
PY
  kill "$spid" 2>/dev/null || true
}

echo "AI writer, 5-day course, fake model at ~1 s + 50 tokens/s:"
run "$concurrency"
if [ -z "${SKIP_SEQUENTIAL:-}" ]; then run 1; fi
