#!/usr/bin/env bash
# End-to-end test of deploy/quickstart.sh (ctest: quickstart_test, label "process").
#
# Runs `up` on free ports with temp data and state dirs and the binaries of
# PACTO_BUILD_DIR (set by ctest to its build tree), checks the report summary it prints,
# runs `up` again (the node is reused and nothing is loaded twice), then `down`, and
# checks the node's process is gone. Never touches ./pacto-data or port 7400.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${PACTO_BUILD_DIR:?set PACTO_BUILD_DIR to a configured build tree}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pacto-quickstart-test.XXXXXX")
export PACTO_QUICKSTART_SKIP_INSTALL=1
export PACTO_QUICKSTART_DIR=$tmp/state
export PACTO_DATA_DIR=$tmp/data

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Whatever happens, stop the node this test started and remove its files.
cleanup() {
  local status=$?
  if [ -s "$PACTO_QUICKSTART_DIR/node.pid" ]; then
    "$ROOT/deploy/quickstart.sh" down >/dev/null 2>&1 || true
  fi
  if [ "$status" != 0 ] && [ -f "$PACTO_QUICKSTART_DIR/node.log" ]; then
    echo "--- node.log" >&2
    tail -n 30 "$PACTO_QUICKSTART_DIR/node.log" >&2
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Two ports nothing listens on.
free_ports() {
  python3 - <<'EOF'
import socket
socks = []
for _ in range(2):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}
read -r grpc_port http_port < <(free_ports)
export PACTO_LISTEN=127.0.0.1:$grpc_port
export PACTO_HTTP=127.0.0.1:$http_port

# summary_value OUTPUT METRIC: the metric's value in the `pacto report summary` table
# that follows the "== pacto report summary" header in the quickstart's output.
summary_value() {
  printf '%s\n' "$1" | awk -v metric="$2" '
    /^== pacto report summary/ { in_summary = 1; next }
    /^== / { in_summary = 0 }
    in_summary && $1 == metric { print $2; found = 1; exit }
    END { if (!found) exit 1 }'
}

run_up() {
  local out
  if ! out=$("$ROOT/deploy/quickstart.sh" up 2>&1); then
    printf '%s\n' "$out" >&2
    fail "quickstart.sh up exited non-zero"
  fi
  printf '%s\n' "$out"
}

echo "== first up (gRPC $PACTO_LISTEN, HTTP $PACTO_HTTP, in $tmp)"
start=$(date +%s%N)
first=$(run_up)
echo "   took $((($(date +%s%N) - start) / 1000000)) ms"
chapters=$(summary_value "$first" chapters) || fail "no chapters in the summary: $first"
active=$(summary_value "$first" active_members) || fail "no active_members: $first"
federation=$(summary_value "$first" federation_members) || fail "no federation_members: $first"
echo "   chapters=$chapters active_members=$active federation_members=$federation"
[ "$chapters" -gt 100 ] || fail "chapters = $chapters, want > 100"
[ "$federation" -gt 0 ] || fail "federation_members = $federation, want > 0"
[ "$active" -gt "$federation" ] || fail "active_members = $active, want > federation_members"
grep -q '^pacto-demo: loading the demo federation' <<<"$first" || fail "the demo was not loaded"
[ -d "$PACTO_DATA_DIR" ] || fail "no data dir at $PACTO_DATA_DIR"
pid=$(cat "$PACTO_QUICKSTART_DIR/node.pid")
kill -0 "$pid" || fail "pid $pid from node.pid is not running"

echo "== second up: reuses the node, loads nothing"
second=$(run_up)
grep -q 'already running' <<<"$second" || fail "the node was not reused: $second"
grep -q 'already loaded' <<<"$second" || fail "the demo did not say it was already loaded"
if grep -q '^pacto-demo: loading' <<<"$second"; then fail "the demo was loaded twice"; fi
for metric in chapters active_members federation_members persons; do
  a=$(summary_value "$first" "$metric") || fail "no $metric in the first summary"
  b=$(summary_value "$second" "$metric") || fail "no $metric in the second summary"
  [ "$a" = "$b" ] || fail "$metric changed from $a to $b"
done
[ "$(cat "$PACTO_QUICKSTART_DIR/node.pid")" = "$pid" ] || fail "a second node was started"

echo "== status"
"$ROOT/deploy/quickstart.sh" status >/dev/null || fail "status says the node is not running"

echo "== down"
down=$("$ROOT/deploy/quickstart.sh" down) || fail "quickstart.sh down exited non-zero"
grep -q "stopped pacto-node (pid $pid)" <<<"$down" || fail "down said: $down"
for _ in $(seq 50); do
  [ -d "/proc/$pid" ] || break
  sleep 0.1
done
[ ! -d "/proc/$pid" ] || fail "pacto-node (pid $pid) still runs after down"
if "$ROOT/deploy/quickstart.sh" status >/dev/null; then fail "status says it still runs"; fi
again=$("$ROOT/deploy/quickstart.sh" down) || fail "a second down exited non-zero"
grep -q 'nothing to stop' <<<"$again" || fail "a second down said: $again"
echo "PASS"
