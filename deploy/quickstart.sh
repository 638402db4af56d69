#!/usr/bin/env bash
# Pacto quickstart: from a fresh Debian 12 machine to a running node with a demo
# federation in it (DESIGN §7).
#
#   deploy/quickstart.sh [up]   install missing packages, build, start pacto-node on its
#                               embedded defaults (data ./pacto-data, gRPC 127.0.0.1:7400,
#                               HTTP 127.0.0.1:7480), load the demo federation once, print
#                               `pacto report summary` and where everything lives
#   deploy/quickstart.sh down   stop the node `up` started (the data stays)
#   deploy/quickstart.sh status say whether it runs (exit 0 if it does, 3 if not)
#
# Runs from any directory; paths are the project root's. `up` is idempotent: a node it
# started earlier is reused, and the demo is loaded only into an empty registry.
#
# Environment (for tests and for running beside another node):
#   PACTO_QUICKSTART_SKIP_INSTALL=1  do not check or install Debian packages
#   PACTO_BUILD_DIR                  build tree (default: build)
#   PACTO_QUICKSTART_DIR             pid files and logs (default: .quickstart)
#   PACTO_DATA_DIR, PACTO_LISTEN, PACTO_HTTP
#                                    passed to pacto-node as --data-dir, --listen, --http
#                                    when set; unset, the node uses its embedded defaults
#
# Every node this script runs has a name and, in the state dir, NAME.pid, NAME.log and
# NAME.info (its addresses and data dir); `up` runs one node named "node". A local
# multi-region cluster is the same functions called once per region with --region,
# --node-id and --peers.
set -euo pipefail

invoked_from=$PWD
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DEFAULT_LISTEN=127.0.0.1:7400
DEFAULT_HTTP=127.0.0.1:7480
DEFAULT_DATA=./pacto-data
READY_TIMEOUT=20  # seconds for a new node to answer
STOP_TIMEOUT=15   # seconds between SIGTERM and SIGKILL

# A path given in the environment is taken relative to where the script was invoked.
absolute() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$invoked_from/$1" ;;
  esac
}
BUILD=$ROOT/build
[ -n "${PACTO_BUILD_DIR:-}" ] && BUILD=$(absolute "$PACTO_BUILD_DIR")
STATE=$ROOT/.quickstart
[ -n "${PACTO_QUICKSTART_DIR:-}" ] && STATE=$(absolute "$PACTO_QUICKSTART_DIR")

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
die() {
  printf 'quickstart: error: %s\n' "$*" >&2
  exit 1
}
# `path` relative to the project root when it lies inside it.
shown() {
  case "$1" in
    "$ROOT"/*) printf '%s\n' "${1#"$ROOT"/}" ;;
    *) printf '%s\n' "$1" ;;
  esac
}

# --- packages and build ----------------------------------------------------------------

install_packages() {
  if [ "${PACTO_QUICKSTART_SKIP_INSTALL:-0}" = 1 ]; then
    say "skipping package installation (PACTO_QUICKSTART_SKIP_INSTALL=1)"
    return
  fi
  local list=$ROOT/deploy/debian-packages.txt package
  local -a wanted=() missing=()
  mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')
  command -v dpkg-query >/dev/null ||
    die "dpkg-query not found: this script installs Debian packages; install those in $(shown "$list") yourself and set PACTO_QUICKSTART_SKIP_INSTALL=1"
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q ' installed$' ||
      missing+=("$package")
  done
  if [ ${#missing[@]} = 0 ]; then
    say "all ${#wanted[@]} Debian packages of $(shown "$list") are installed"
    return
  fi
  local -a sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo: install ${missing[*]} as root"
    sudo=(sudo)
  fi
  say "installing ${#missing[@]} Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  mkdir -p "$STATE"
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    say "configuring $(shown "$BUILD") (log: $(shown "$STATE")/configure.log)"
    if ! cmake -S "$ROOT" -B "$BUILD" -G Ninja >"$STATE/configure.log" 2>&1; then
      tail -n 30 "$STATE/configure.log" >&2
      die "cmake could not configure $BUILD"
    fi
  fi
  say "building pacto-node, pacto and pacto-demo in $(shown "$BUILD") (-j2)"
  cmake --build "$BUILD" -j2 --target pacto-node pacto pacto-demo
}

# --- nodes -----------------------------------------------------------------------------

pid_file() { printf '%s\n' "$STATE/$1.pid"; }
log_file() { printf '%s\n' "$STATE/$1.log"; }
info_file() { printf '%s\n' "$STATE/$1.info"; }

# Prints the pid of node NAME and succeeds when its pid file names a live pacto-node.
running_pid() {
  local file pid
  file=$(pid_file "$1")
  [ -s "$file" ] || return 1
  pid=$(cat "$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # A zombie or a recycled pid does not count: the process must still be pacto-node.
  [ -r "/proc/$pid/cmdline" ] || return 1
  local argv0
  argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n 1)
  [ "$(basename -- "$argv0")" = pacto-node ] || return 1
  printf '%s\n' "$pid"
}

# info NAME KEY: a value the node was started with (grpc, http, data).
info() {
  local file
  file=$(info_file "$1")
  [ -f "$file" ] || return 0
  sed -n "s/^$2=//p" "$file"
}

# Succeeds when something accepts TCP connections on HOST:PORT.
port_in_use() {
  local host=${1%:*} port=${1##*:}
  [ "$host" = 0.0.0.0 ] && host=127.0.0.1
  # shellcheck disable=SC2016  # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}

# Fails clearly when ADDR (what, knob) is taken by another process.
require_free() {
  local addr=$1 what=$2 knob=$3
  port_in_use "$addr" || return 0
  say "quickstart: error: $addr ($what) is already in use by a process this script did not start." >&2
  if command -v ss >/dev/null; then
    ss -ltnpH "sport = :${addr##*:}" 2>/dev/null | sed 's/^/    /' >&2 || true
  fi
  say "  stop that process, or run the quickstart elsewhere, e.g. $knob=127.0.0.1:PORT deploy/quickstart.sh up" >&2
  exit 1
}

# start_node NAME GRPC HTTP DATA [pacto-node flags...]: starts pacto-node detached with
# the flags (GRPC, HTTP and DATA describe what they amount to), unless NAME already runs.
start_node() {
  local name=$1 grpc=$2 http=$3 data=$4
  shift 4
  local pid
  if pid=$(running_pid "$name"); then
    say "$name: already running (pid $pid, gRPC $(info "$name" grpc)); reusing it"
    return 0
  fi
  require_free "$grpc" "gRPC" PACTO_LISTEN
  [ "$http" = off ] || require_free "$http" "HTTP" PACTO_HTTP
  mkdir -p "$STATE"
  local log pidf
  log=$(log_file "$name")
  pidf=$(pid_file "$name")
  rm -f "$pidf"
  printf '=== %s quickstart: %s %s\n' "$(date -u +%FT%TZ)" "$BUILD/pacto-node" "$*" >>"$log"
  # The new session detaches it from this terminal; the process writes its own pid
  # before it becomes pacto-node, so the pid is right however setsid forks.
  # shellcheck disable=SC2016  # expanded by the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$BUILD/pacto-node" "$@" \
    >>"$log" 2>&1 </dev/null &
  for _ in $(seq 50); do
    [ -s "$pidf" ] && break
    sleep 0.1
  done
  printf 'grpc=%s\nhttp=%s\ndata=%s\n' "$grpc" "$http" "$data" >"$(info_file "$name")"
  say "$name: started pacto-node (pid $(cat "$pidf")), log in $(shown "$log")"
}

# wait_ready NAME: until `pacto node status` answers, or fails with the log's tail.
wait_ready() {
  local name=$1 grpc
  grpc=$(info "$name" grpc)
  local deadline=$((SECONDS + READY_TIMEOUT))
  until "$BUILD/pacto" --node "$grpc" --timeout 2s node status >/dev/null 2>&1; do
    if ! running_pid "$name" >/dev/null; then
      say "quickstart: error: pacto-node ($name) exited during start-up; the end of its log:" >&2
      tail -n 15 "$(log_file "$name")" | sed 's/^/    /' >&2
      rm -f "$(pid_file "$name")"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "quickstart: error: pacto-node ($name) did not answer on $grpc within ${READY_TIMEOUT}s; the end of its log:" >&2
      tail -n 15 "$(log_file "$name")" | sed 's/^/    /' >&2
      stop_node "$name" >&2
      exit 1
    fi
    sleep 0.2
  done
}

# stop_node NAME: SIGTERM, up to STOP_TIMEOUT seconds, then SIGKILL.
stop_node() {
  local name=$1 pid
  if ! pid=$(running_pid "$name"); then
    say "$name: no quickstart pacto-node is running; nothing to stop"
    rm -f "$(pid_file "$name")"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while running_pid "$name" >/dev/null && ((waited < STOP_TIMEOUT * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if running_pid "$name" >/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    say "$name: pacto-node (pid $pid) did not stop within ${STOP_TIMEOUT}s after SIGTERM; killed it (SIGKILL)"
  else
    say "$name: stopped pacto-node (pid $pid) in $((waited * 100)) ms"
  fi
  rm -f "$(pid_file "$name")"
}

# --- commands --------------------------------------------------------------------------

# The single node of `up`: its flags are exactly the knobs that are set.
single_node_flags() {
  node_flags=()
  [ -n "${PACTO_DATA_DIR:-}" ] && node_flags+=(--data-dir "$(absolute "$PACTO_DATA_DIR")")
  [ -n "${PACTO_LISTEN:-}" ] && node_flags+=(--listen "$PACTO_LISTEN")
  [ -n "${PACTO_HTTP:-}" ] && node_flags+=(--http "$PACTO_HTTP")
  grpc=${PACTO_LISTEN:-$DEFAULT_LISTEN}
  http=${PACTO_HTTP:-$DEFAULT_HTTP}
  data=$ROOT/${DEFAULT_DATA#./}
  [ -n "${PACTO_DATA_DIR:-}" ] && data=$(absolute "$PACTO_DATA_DIR")
  return 0
}

cmd_up() {
  local started
  started=$(date +%s%N)
  step "Debian packages"
  install_packages
  step "build"
  build
  local binary
  for binary in pacto-node pacto pacto-demo; do
    [ -x "$BUILD/$binary" ] || die "the build did not produce $BUILD/$binary"
  done

  step "pacto-node"
  local -a node_flags
  local grpc http data
  single_node_flags
  start_node node "$grpc" "$http" "$data" "${node_flags[@]}"
  wait_ready node
  # A reused node keeps the addresses it was started with.
  grpc=$(info node grpc)
  http=$(info node http)
  data=$(info node data)
  say "node: answering on $grpc"

  step "demo federation"
  "$BUILD/pacto-demo" --node "$grpc"

  step "pacto report summary ($grpc)"
  "$BUILD/pacto" --node "$grpc" report summary

  local pacto node_flag=""
  pacto=$(shown "$BUILD/pacto")
  [ "$grpc" = "$DEFAULT_LISTEN" ] || node_flag=" --node $grpc"
  local elapsed_ms=$((($(date +%s%N) - started) / 1000000)) down=deploy/quickstart.sh
  [ -z "${PACTO_QUICKSTART_DIR:-}" ] || down="PACTO_QUICKSTART_DIR=$STATE $down"
  step "$(printf 'ready in %d.%01ds' $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100)))"
  cat <<EOF
  pacto-node  pid $(running_pid node), gRPC $grpc, HTTP ${http} (/metrics, /healthz)
  data        $(shown "$data")
  log         $(shown "$(log_file node)")
  pid file    $(shown "$(pid_file node)")
  binaries    $(shown "$BUILD")/pacto-node, pacto, pacto-demo

Talk to it (from $ROOT):
  $pacto$node_flag report summary
  $pacto$node_flag chapter list --level federation
  $pacto$node_flag chapter list --region LPZ-OMA
  $pacto$node_flag member list --chapter CHAPTER_ID
  $pacto$node_flag officer list --chapter CHAPTER_ID
  $pacto$node_flag node status
  $pacto help
Stop it:
  $down down      (the data stays in $(shown "$data"); delete it to start afresh)
EOF
}

cmd_down() {
  stop_node node
}

cmd_status() {
  local pid
  if pid=$(running_pid node); then
    say "node: running (pid $pid, gRPC $(info node grpc), HTTP $(info node http), data $(shown "$(info node data)"), log $(shown "$(log_file node)"))"
    if [ -x "$BUILD/pacto" ]; then
      "$BUILD/pacto" --node "$(info node grpc)" --timeout 2s node status || true
    fi
    return 0
  fi
  say "node: not running (start it with deploy/quickstart.sh up)"
  return 3
}

case "${1:-up}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  -h | --help | help) sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' ;;
  *)
    say "usage: deploy/quickstart.sh [up|down|status]" >&2
    exit 2
    ;;
esac
