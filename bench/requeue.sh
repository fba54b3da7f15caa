#!/usr/bin/env bash
# Measure: how long after a replica dies (SIGKILL) its running job is taken
# over by another replica, with the default lease (JOB_LEASE_SECONDS=30) or
# LEASE=N. Replica A alone claims a slow course (JOB_STAGE_PAUSE_MS=3000),
# replica B starts, A is killed at a random point of its heartbeat cycle,
# and the clock runs until B has claimed the course (attempt 2). PostgreSQL at 127.0.0.1:5432, a fresh database. Run after
# `make test`:   bash bench/requeue.sh        (RUNS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
lease="${LEASE:-30}"
runs="${RUNS:-3}"
db=cw_bench_requeue
source bench/pg-lib.sh

# serve NAME PORT: a replica on the shared database, its pid in $! .
serve() {
  COURSEWARE_BIND=127.0.0.1:$2 DATA_DIR="$work/$1" DATABASE_URL="$pg/$db" \
    SECRET_KEY=bench-key-bench-key-bench-key-0123456 SHARED_DATA_DIR=true \
    JOB_LEASE_SECONDS="$lease" JOB_STAGE_PAUSE_MS=3000 \
    SAMPLE_TEMPLATES_DIR=server/samples/templates RUST_LOG=warn \
    INITIAL_ADMIN_EMAIL=bench@example.com INITIAL_ADMIN_PASSWORD=bench-password-1 \
    $bin serve >"$work/$1.log" 2>&1 &
}
up() { for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return; sleep 0.1; done; exit 1; }
q() { psql "$pg/$db" -Atc "$1"; }

echo "Re-queue after SIGKILL, lease ${lease} s (heartbeat every $((lease / 3)) s):"
for run in $(seq "$runs"); do
  fresh_db
  # A alone claims the course; then B starts, and A dies.
  pa=$(free_port); serve a-$run "$pa"; a=$!; pids+=("$a"); up "$pa"
  jar="$work/jar-$run"
  curl -fsS -c "$jar" -b "$jar" -X POST "http://127.0.0.1:$pa/api/login" \
    --data-urlencode email=bench@example.com --data-urlencode password=bench-password-1 >/dev/null
  curl -fsS -c "$jar" -b "$jar" -X POST "http://127.0.0.1:$pa/api/outline/upload" \
    --data-binary @server/samples/outlines/workplace-fire-safety.md -o "$work/outline.json"
  id=$(python3 -c 'import json, sys; print(json.dumps({"spec": {"schema": 1, "title": "Requeue", "days": 1,
      "language": "en", "template": "Ocean.pptx", "outline": json.load(open(sys.argv[1]))}}))' "$work/outline.json" |
    curl -fsS -c "$jar" -b "$jar" -X POST "http://127.0.0.1:$pa/api/jobs/start" \
      -H 'Content-Type: application/json' --data-binary @- | tr -d '"')
  for _ in $(seq 100); do [ "$(q "SELECT status FROM jobs WHERE id = '$id'")" = running ] && break; sleep 0.05; done
  pb=$(free_port); serve b-$run "$pb"; b=$!; pids+=("$b"); up "$pb"
  # A random moment of A's heartbeat cycle, as a real crash would be.
  sleep "$(python3 -c "import random; print(round(random.uniform(0, $lease / 3), 2))")"
  t0=$(date +%s.%N)
  kill -9 "$a"; wait "$a" 2>/dev/null || true
  for _ in $(seq 1200); do
    [ "$(q "SELECT attempts FROM jobs WHERE id = '$id'")" -ge 2 ] && break
    sleep 0.1
  done
  t1=$(date +%s.%N)
  [ "$(q "SELECT attempts FROM jobs WHERE id = '$id'")" -ge 2 ] || { echo "not taken over within 120 s"; exit 1; }
  printf '  run %d: taken over by the surviving replica %.1f s after SIGKILL\n' "$run" "$(echo "$t1 - $t0" | bc -l)"
  kill -9 "$b" 2>/dev/null || true
  wait "$b" 2>/dev/null || true
done
