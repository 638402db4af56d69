#!/usr/bin/env bash
# End to end test of deploy/quickstart.sh (ctest: quickstart_test, label "process").
#
# Runs `up` with the binaries of PACTO_BUILD_DIR (set by ctest to its build tree; no
# install, no build), in a temp state dir, on ports nothing listens on (never 7400-7402,
# so it cannot collide with a running quickstart). Checks that three nodes ran, that the
# partition showed two different registries and then three equal digests, that each
# node's own `node status` gives that digest, and that the federation and freshness
# reports were printed. Runs `up` again (every node reused, nothing written twice), then
# `down`, and checks that no process it started is left.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${PACTO_BUILD_DIR:?set PACTO_BUILD_DIR to a build tree with pacto-node, pacto and pacto-demo}"
QUICKSTART=$ROOT/deploy/quickstart.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pacto-quickstart-test.XXXXXX")
export PACTO_QUICKSTART_SKIP_INSTALL=1 PACTO_QUICKSTART_SKIP_BUILD=1
export PACTO_QUICKSTART_DIR=$tmp/state
STATE=$PACTO_QUICKSTART_DIR
NODES=(bo-1 lpz-1 scz-1)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Whatever happens, stop the nodes this test started and remove its files.
cleanup() {
  local status=$? node
  "$QUICKSTART" down >/dev/null 2>&1 || true
  if [ "$status" != 0 ]; then
    for node in "${NODES[@]}"; do
      [ -f "$STATE/logs/$node.log" ] || continue
      echo "--- $node.log" >&2
      tail -n 20 "$STATE/logs/$node.log" >&2
    done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# A base port B with B..B+2 and B+80..B+82 free (the quickstart's gRPC and HTTP ports).
PACTO_QUICKSTART_PORT=$(python3 "$ROOT/tests/support/free_base_port.py")
export PACTO_QUICKSTART_PORT

run_up() {
  local out
  if ! out=$("$QUICKSTART" up 2>&1); then
    printf '%s\n' "$out" >&2
    fail "quickstart.sh up exited non-zero"
  fi
  printf '%s\n' "$out"
}

# digests OUTPUT HEADER: the "NODE REGION DIGEST" lines that follow the first line
# starting with HEADER, as "node=digest" words.
digests() {
  printf '%s\n' "$1" | awk -v header="$2" '
    index($0, header) == 1 { on = 1; next }
    on && /^  [a-z]+-1 +[A-Z]+ +[0-9a-f]+$/ { printf "%s=%s ", $1, $3; n++; next }
    on { exit }
    END { if (n != 3) exit 1 }'
}
# digest_of WORDS NODE
digest_of() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# value OUTPUT SECTION_HEADER KEY: the second column of the line starting with KEY in the
# section that starts with SECTION_HEADER.
value() {
  printf '%s\n' "$1" | awk -v header="$2" -v key="$3" '
    index($0, header) == 1 { on = 1; next }
    /^== / { on = 0 }
    on && $1 == key { print $2; found = 1; exit }
    END { if (!found) exit 1 }'
}

# cli NODE_PORT TOKEN_NAME ARGS...: the CLI against a node with the quickstart's files.
cli() {
  local port=$1 token=$2
  shift 2
  "$PACTO_BUILD_DIR/pacto" --node "127.0.0.1:$port" --ca "$STATE/certs/ca.crt" \
    --cert "$STATE/certs/client.crt" --key "$STATE/certs/client.key" \
    --token "$(cat "$STATE/tokens/$token.token")" "$@"
}

echo "== first up (base port $PACTO_QUICKSTART_PORT, state in $STATE)"
start=$(date +%s%N)
first=$(run_up)
echo "   took $((($(date +%s%N) - start) / 1000000)) ms"
grep -q '^pacto-demo: loading the demo federation' <<<"$first" || fail "the demo was not loaded: $first"

# Three nodes, each its own process, data dir and config.
declare -A PID
for node in "${NODES[@]}"; do
  [ -s "$STATE/run/$node.pid" ] || fail "no pid file for $node"
  PID[$node]=$(cat "$STATE/run/$node.pid")
  [ "$(basename "$(readlink "/proc/${PID[$node]}/exe")")" = pacto-node ] ||
    fail "$node: pid ${PID[$node]} is not a running pacto-node"
  [ -d "$STATE/data/$node" ] || fail "no data dir for $node"
  grep -q "^node_id: \"$node\"" "$STATE/config/$node.conf" || fail "no config for $node"
done
[ "$(printf '%s\n' "${PID[@]}" | sort -u | wc -l)" = 3 ] || fail "the nodes share a pid"

# The partition: two registries while Santa Cruz is cut off, then three equal ones.
split=$(digests "$first" "Two sides, two registries") || fail "no digests during the partition: $first"
healed=$(printf '%s\n' "$first" | sed -n '/^The link heals/,$p')
joined=$(digests "$healed" "the three registries are equal") || fail "no digests after healing: $first"
echo "   cut off: $split"
echo "   healed:  $joined"
[ "$(digest_of "$split" bo-1)" = "$(digest_of "$split" lpz-1)" ] ||
  fail "bo-1 and lpz-1 differ during the partition: $split"
[ "$(digest_of "$split" scz-1)" != "$(digest_of "$split" bo-1)" ] ||
  fail "scz-1 did not differ from bo-1 while cut off: $split"
d=$(digest_of "$joined" bo-1)
for node in lpz-1 scz-1; do
  [ "$(digest_of "$joined" "$node")" = "$d" ] || fail "$node differs after healing: $joined"
done
for node in bo-1 scz-1; do
  [ "$d" != "$(digest_of "$split" "$node")" ] || fail "the healed digest equals $node's cut-off one"
done
# Asked now, each node says so itself.
port=$PACTO_QUICKSTART_PORT
for token in bo-operator lpz-operator scz-operator; do
  now=$(cli "$port" "$token" --json node status | sed -n 's/.*"digest":"\([^"]*\)".*/\1/p')
  [ "$now" = "$d" ] || fail "node on port $port has digest '$now', want $d"
  port=$((port + 1))
done
# Both members written during the partition are on every node.
mapfile -t members <"$STATE/partition/members"
[ ${#members[@]} = 2 ] || fail "the partition did not record two members"
cli "$PACTO_QUICKSTART_PORT" bo-operator member show "${members[0]}" >/dev/null ||
  fail "La Paz's member ${members[0]} is not on bo-1"
cli $((PACTO_QUICKSTART_PORT + 2)) scz-operator member show "${members[1]}" >/dev/null ||
  fail "Santa Cruz's member ${members[1]} is not on scz-1"

# The reports.
summary="== federation report: pacto report summary"
chapters=$(value "$first" "$summary" chapters) || fail "no chapters in the federation report"
active=$(value "$first" "$summary" active_members) || fail "no active_members"
federation=$(value "$first" "$summary" federation_members) || fail "no federation_members"
echo "   chapters=$chapters active_members=$active federation_members=$federation"
[ "$chapters" -gt 100 ] || fail "chapters = $chapters, want > 100"
if [ "$federation" -le 0 ] || [ "$active" -le "$federation" ]; then
  fail "want 0 < federation_members ($federation) < active_members ($active)"
fi
freshness="== freshness report: pacto report freshness"
for region in BO LPZ SCZ; do
  value "$first" "$freshness" "$region" >/dev/null || fail "the freshness report has no region $region"
done
for node in "${NODES[@]}"; do
  value "$first" "$freshness" "$node" >/dev/null || fail "the freshness report has no node $node"
done
grep -q -- "--token \"\$(cat .*bo-operator.token)\" node peers" <<<"$first" ||
  fail "up did not say how to talk to the nodes"

echo "== second up: every node reused, nothing written again"
second=$(run_up)
[ "$(grep -c 'already running' <<<"$second")" = 3 ] || fail "not every node was reused: $second"
grep -q 'the demo is already loaded' <<<"$second" || fail "the demo did not say it was loaded"
grep -q '^shown by an earlier run' <<<"$second" || fail "the partition was not skipped"
if grep -q -e '^pacto-demo: loading' -e '^  [a-z]*-1: pacto member enrol' <<<"$second"; then
  fail "the second up wrote data: $second"
fi
for node in "${NODES[@]}"; do
  [ "$(cat "$STATE/run/$node.pid")" = "${PID[$node]}" ] || fail "$node was started again"
done
again=$(digests "$second" "the three registries are equal") || fail "no digests in the second up"
[ "$again" = "$joined" ] || fail "the registries changed: $joined -> $again"
for metric in chapters active_members federation_members persons; do
  a=$(value "$first" "$summary" "$metric") || fail "no $metric in the first report"
  b=$(value "$second" "$summary" "$metric") || fail "no $metric in the second report"
  [ "$a" = "$b" ] || fail "$metric changed from $a to $b"
done
"$QUICKSTART" status >/dev/null || fail "status says not every node runs"

echo "== down"
down=$("$QUICKSTART" down) || fail "quickstart.sh down exited non-zero"
for node in "${NODES[@]}"; do
  grep -q "$node: stopped pacto-node (pid ${PID[$node]})" <<<"$down" || fail "down said: $down"
done
# No process left: not the nodes, nor any other process that runs from the state dir.
# A process that has exited counts as gone while it waits to be reaped (as a zombie).
gone() { [ ! -d "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
for node in "${NODES[@]}"; do
  gone "${PID[$node]}" || fail "$node (pid ${PID[$node]}) still runs after down"
done
if left=$(pgrep -af -- "$STATE"); then fail "processes left after down: $left"; fi
if "$QUICKSTART" status >/dev/null; then fail "status says the nodes still run"; fi
again=$("$QUICKSTART" down) || fail "a second down exited non-zero"
grep -q 'nothing to stop' <<<"$again" || fail "a second down said: $again"
echo "PASS"
