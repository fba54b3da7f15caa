#!/usr/bin/env bash
# Benchmark: the shared history endpoint (`POST /api/jobs`, latest 100 jobs,
# signed in) of the release server against a Flask + Flask-SQLAlchemy peer
# written the way the previous system's plan describes it (gunicorn, 5
# workers), on the SAME SQLite file holding 2,000 jobs. wrk, 16 connections,
# DURATION seconds (default 15) each after a short warm-up. Prints req/s and
# p99 latency for both. Needs wrk (Debian) and installs Flask, Flask-SQLAlchemy
# and gunicorn into target/benchpy.
#   bash bench/history.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-15}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo; $sudo_cmd apt-get install -y -qq wrk >/dev/null; }
venv="$PWD/target/benchpy"
if [ ! -x "$venv/bin/gunicorn" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "Flask==3.1.*" "Flask-SQLAlchemy==3.1.*" "gunicorn==23.*"
fi
cargo build --release -p server --quiet
bin="$PWD/target/release/courseware"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

port=$(free_port)
COURSEWARE_BIND=127.0.0.1:$port DATA_DIR="$work/data" SAMPLE_TEMPLATES_DIR=server/samples/templates RUST_LOG=warn \
  INITIAL_ADMIN_EMAIL=bench@example.com INITIAL_ADMIN_PASSWORD=bench-password-123 INITIAL_ADMIN_NAME="Bench Admin" \
  "$bin" serve >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
db="$work/data/courseware.db"

# 2,000 jobs over 20 days, several per second, every status.
python3 - "$db" <<'PY'
import random, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
statuses = ["complete"] * 6 + ["failed", "cancelled", "queued", "running"]
alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
rows = []
for i in range(2000):
    jid = "".join(random.choice(alphabet) for _ in range(8))
    day, sec = divmod(i * 800, 86400)
    ts = f"2026-11-{1 + day:02d}T{sec // 3600:02d}:{sec % 3600 // 60:02d}:{sec % 60:02d}Z"
    st = random.choice(statuses)
    done = st in ("complete", "failed", "cancelled")
    rows.append((jid, 1, f"Course {i}: workplace safety for site leads", "Ocean.pptx", "/tmp/Ocean.pptx",
                 2, "en", "{}", st, 100 if st == "complete" else 40, "Complete" if done else "Building the deck",
                 60 if st == "complete" else None, 92 if st == "complete" else None,
                 "pass" if st == "complete" else None, 7.5 if done else None, ts, ts if done else None,
                 "The job took too long." if st == "failed" else None))
con.executemany("""INSERT OR IGNORE INTO jobs (id, user_id, course_title, template_name, template_path, duration_days,
    language, outline_json, status, progress, log_message, slide_count, qa_score, qa_verdict, duration_sec,
    created_at, completed_at, error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows)
con.commit()
print(con.execute("SELECT COUNT(*) FROM jobs").fetchone()[0], "jobs")
PY

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
wrk.body = ""
LUA

measure() { # label url cookie
  local label="$1" url="$2"
  export BENCH_COOKIE="$3"
  local n
  n=$(curl -fsS -X POST -H "Cookie: $BENCH_COOKIE" "$url" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  [ "$n" = 100 ] || { echo "$label: expected 100 rows, got $n" >&2; exit 1; }
  wrk -t2 -c16 -d2s -s "$work/post.lua" "$url" >/dev/null
  wrk -t2 -c16 -d"${duration}s" --latency -s "$work/post.lua" "$url" >"$work/$label.txt"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$label.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$label.txt")
  printf '%-28s %10s req/s   p99 %s\n' "$label" "$rps" "$p99"
}

cw_cookie=$(curl -fsS -o /dev/null -c - -X POST -d 'email=bench@example.com&password=bench-password-123' \
  "http://127.0.0.1:$port/api/login" | awk '$6 == "courseware_session" {print "courseware_session=" $7}')
[ -n "$cw_cookie" ] || { echo "could not sign in to Courseware" >&2; exit 1; }
measure "courseware (release)" "http://127.0.0.1:$port/api/jobs" "$cw_cookie"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()

fport=$(free_port)
(cd bench && PEER_DB="$db" "$venv/bin/gunicorn" -w 5 -b "127.0.0.1:$fport" --log-level warning flask_peer:app) &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$fport/api/jobs" && break; sleep 0.1; done
fl_cookie=$(curl -fsS -o /dev/null -c - -X POST -d 'email=bench@example.com' "http://127.0.0.1:$fport/login" |
  awk '$6 == "session" {print "session=" $7}')
[ -n "$fl_cookie" ] || { echo "could not sign in to the Flask peer" >&2; exit 1; }
measure "flask peer (gunicorn -w 5)" "http://127.0.0.1:$fport/api/jobs" "$fl_cookie"
