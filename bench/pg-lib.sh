# Shared by the PostgreSQL benchmarks (replicas.sh, requeue.sh). Source it
# after setting `db` (the benchmark's own database, dropped on exit); it
# builds the release binary and gives `$work`, `$bin`, `pids` (killed on
# exit), `free_port` and `fresh_db`.
pg="${PG:-postgres://postgres@127.0.0.1:5432}"
export PGOPTIONS="-c client_min_messages=warning"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cargo build --release -p server --quiet
bin=./target/release/courseware
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
# An empty database for the next run.
fresh_db() {
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  psql "$pg/postgres" -qc "CREATE DATABASE $db" >/dev/null
}
