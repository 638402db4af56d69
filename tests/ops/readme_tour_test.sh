#!/usr/bin/env bash
# The README's tour, pasted line by line into a shell (ctest: readme_tour_test, label
# "process"). Every `$ ` line of the ```console blocks in README.md's "A tour" section
# is a command (a line ending in `\` goes on to the next; a here-document takes the
# lines up to its terminator); the lines between are output and are not checked.
# The commands run in order in one bash, from the project root, exactly as written
# except for three substitutions that keep the run off a newcomer's files and ports:
#   $PWD/.quickstart  -> a temp state dir (PACTO_QUICKSTART_DIR)
#   127.0.0.1:740N    -> free ports (PACTO_QUICKSTART_PORT + N)
#   /tmp/             -> the test's temp dir
# A command that exits non-zero fails the test, unless its line ends in
# `# fails on purpose`, which must then exit non-zero. The tour starts the quickstart
# and ends with `deploy/quickstart.sh down`; whatever happens, the nodes are stopped.
# PACTO_TOUR_SHOW=1 prints each command's output too (to refresh the README's).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${PACTO_BUILD_DIR:?set PACTO_BUILD_DIR to a build tree with pacto-node, pacto and pacto-demo}"
README=${PACTO_README:-$ROOT/README.md}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pacto-readme-tour.XXXXXX")
export PACTO_QUICKSTART_SKIP_INSTALL=1 PACTO_QUICKSTART_SKIP_BUILD=1
export PACTO_QUICKSTART_DIR=$tmp/state
STATE=$PACTO_QUICKSTART_DIR

cleanup() {
  local status=$?
  "$ROOT/deploy/quickstart.sh" down >/dev/null 2>&1 || true
  if [ "$status" != 0 ] && [ -d "$STATE/logs" ]; then
    for log in "$STATE"/logs/*-1.log; do
      echo "--- $log" >&2
      tail -n 10 "$log" >&2
    done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A base port B with B..B+2 and B+80..B+82 free (the quickstart's gRPC and HTTP ports).
PACTO_QUICKSTART_PORT=$(python3 "$ROOT/tests/support/free_base_port.py")
export PACTO_QUICKSTART_PORT
BASE=$PACTO_QUICKSTART_PORT

# The tour's commands, one per record, separated by NUL bytes. A record starts with
# "ok " or "fail " (what the command must do) and the README line it came from.
extract() {
  awk '
    /^## / { in_tour = ($0 ~ /^## A tour/); next }
    !in_tour { next }
    /^```console/ { in_block = 1; next }
    /^```/ { in_block = 0; next }
    !in_block { next }
    heredoc != "" {
      cmd = cmd "\n" $0
      if ($0 == heredoc) { heredoc = ""; emit() }
      next
    }
    continued {
      cmd = cmd "\n" $0
      continued = ($0 ~ /\\$/)
      if (!continued) finish()
      next
    }
    /^\$ / {
      cmd = substr($0, 3); line = NR
      continued = ($0 ~ /\\$/)
      if (!continued) finish()
    }
    function finish() {
      if (match(cmd, /<<-?'"'"'?[A-Z]+'"'"'?/)) {
        heredoc = substr(cmd, RSTART, RLENGTH)
        gsub(/[<\-'"'"']/, "", heredoc)
        return
      }
      emit()
    }
    function emit(   want) {
      want = (cmd ~ /# fails on purpose$/) ? "fail" : "ok"
      printf "%s %d\n%s%c", want, line, cmd, 0
      cmd = ""
    }
  ' "$README"
}

# The substitutions that move the tour onto this test's state dir, ports and files.
localize() {
  sed -e "s|/tmp/|$tmp/|g" \
    -e "s|\\\$PWD/\\.quickstart|$STATE|g" \
    -e "s|127\\.0\\.0\\.1:7400|127.0.0.1:$BASE|g" \
    -e "s|127\\.0\\.0\\.1:7401|127.0.0.1:$((BASE + 1))|g" \
    -e "s|127\\.0\\.0\\.1:7402|127.0.0.1:$((BASE + 2))|g"
}

# One script: each command, its output to a file, then a check of its exit status.
script=$tmp/tour.sh
count=0
{
  echo "set -o pipefail"
  echo "cd '$ROOT'"
  echo "check() { # WANT LINE STATUS"
  echo "  if [ \"\$1\" = ok ] && [ \"\$3\" != 0 ]; then echo \"README.md:\$2: exit status \$3\"; cat '$tmp/out'; exit 1; fi"
  echo "  if [ \"\$1\" = fail ] && [ \"\$3\" = 0 ]; then echo \"README.md:\$2: succeeded, but the tour shows it failing\"; cat '$tmp/out'; exit 1; fi"
  echo "  echo \"README.md:\$2: \$1 (exit \$3)\""
  if [ "${PACTO_TOUR_SHOW:-0}" = 1 ]; then echo "  sed 's/^/    /' '$tmp/out'"; fi
  echo "}"
  while IFS= read -r -d '' record; do
    header=${record%%$'\n'*}
    command=${record#*$'\n'}
    want=${header%% *}
    line=${header#* }
    printf '{\n%s\n} >%q 2>&1 </dev/null\ncheck %s %s $?\n' \
      "$(printf '%s\n' "$command" | localize)" "$tmp/out" "$want" "$line"
    count=$((count + 1))
  done < <(extract)
} >"$script"
[ "$count" -ge 20 ] || fail "found only $count commands in README.md's tour"
grep -q 'deploy/quickstart.sh$' "$script" || fail "the tour does not start the quickstart"

echo "== $count commands of README.md's tour (base port $BASE, state in $STATE)"
start=$(date +%s%N)
env -u PACTO_NODE -u PACTO_TOKEN -u PACTO_CA -u PACTO_CERT -u PACTO_KEY \
  PATH="/usr/bin:/bin:/usr/sbin:/sbin" PACTO_BUILD_DIR="$PACTO_BUILD_DIR" \
  bash "$script" || fail "the tour stopped (script: the commands above)"
echo "   took $((($(date +%s%N) - start) / 1000000)) ms"
echo "PASS"
