#!/usr/bin/env bash
# Benchmark: jobs per minute with one and with two replicas sharing one
# PostgreSQL database (this machine's, 127.0.0.1:5432) and one s3s-fs bucket.
# Each run gets a fresh database. JOBS courses (2 days, the sample outline,
# offline writer, release build) are started over HTTP as fast as the
# replicas take them, round-robin across replicas; the clock runs from the
# first start to the last completion. Run after `make test`:
#   bash bench/replicas.sh            (JOBS=200, WORKERS=2 per replica)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${JOBS:-200}"
workers="${WORKERS:-2}"
db=cw_bench_replicas
source bench/pg-lib.sh

s3_port=$(free_port)
mkdir -p "$work/s3/courseware"
s3s-fs --host 127.0.0.1 --port "$s3_port" --access-key bench --secret-key bench-secret "$work/s3" >/dev/null 2>&1 &
pids+=($!)

run() {
  local replicas=$1 bases=() i port
  fresh_db
  rm -rf "$work/s3/courseware" && mkdir -p "$work/s3/courseware"
  local started=()
  for i in $(seq "$replicas"); do
    port=$(free_port)
    COURSEWARE_BIND=127.0.0.1:$port DATA_DIR="$work/data-$replicas-$i" \
      DATABASE_URL="$pg/$db" SECRET_KEY=bench-key-bench-key-bench-key-0123456 \
      S3_BUCKET=courseware S3_ENDPOINT="http://127.0.0.1:$s3_port" S3_FORCE_PATH_STYLE=true \
      AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret \
      WORKER_CONCURRENCY="$workers" MAX_ACTIVE_JOBS_PER_USER=100000 MAX_JOB_STARTS_PER_HOUR=100000 \
      SAMPLE_TEMPLATES_DIR=server/samples/templates RUST_LOG=warn \
      INITIAL_ADMIN_EMAIL=bench@example.com INITIAL_ADMIN_PASSWORD=bench-password-1 \
      $bin serve >"$work/server-$replicas-$i.log" 2>&1 &
    started+=($!)
    pids+=($!)
    for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
    bases+=("http://127.0.0.1:$port")
  done
  python3 - "$jobs" "$pg/$db" "${bases[@]}" <<'PY'
import http.cookiejar, json, subprocess, sys, time, urllib.parse, urllib.request
jobs, db, bases = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
def client(base):
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    def call(path, data=None, raw=None, spec=None):
        headers = {}
        if spec is not None:  # the New course page's start: one spec as JSON
            body, headers = json.dumps({"spec": spec}).encode(), {"Content-Type": "application/json"}
        else:
            body = raw if raw is not None else urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(base + path, data=body, method="POST", headers=headers)
        return json.loads(op.open(req).read() or b"null")
    call("/api/login", {"email": "bench@example.com", "password": "bench-password-1"})
    return call
clients = [client(b) for b in bases]
md = open("server/samples/outlines/workplace-fire-safety.md", "rb").read()
outline = clients[0]("/api/outline/upload", raw=md)
def count(status):
    out = subprocess.run(["psql", db, "-Atc", f"SELECT COUNT(*) FROM jobs WHERE status IN ({status})"],
                         capture_output=True, text=True, check=True).stdout
    return int(out.strip())
t0 = time.time()
for i in range(jobs):
    clients[i % len(clients)]("/api/jobs/start", spec={"schema": 1, "title": f"Bench {i}", "days": 2,
                                                       "language": "en", "template": "Ocean.pptx", "outline": outline})
submitted = time.time() - t0
while count("'complete', 'failed', 'cancelled'") < jobs:
    time.sleep(0.05)
wall = time.time() - t0
done = count("'complete'")
assert done == jobs, f"{done} of {jobs} complete"
print(f"  {len(bases)} replica(s): {jobs} jobs in {wall:.1f} s "
      f"(all started after {submitted:.1f} s) = {jobs / wall * 60:.0f} jobs/min")
PY
  for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}

echo "Jobs per minute on PostgreSQL + S3 ($jobs jobs, $workers workers per replica, $(nproc) cores):"
run 1
run 2
