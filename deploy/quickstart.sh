#!/usr/bin/env bash
# Pacto quickstart: from a fresh Debian 12 machine to a three-region federation on this
# machine, with demo data, over mutual TLS with bearer tokens (DESIGN §7).
#
#   deploy/quickstart.sh [up]   install missing Debian packages, build, make the federation's
#                               certificates, keys and tokens (deploy/certs.sh), write one
#                               config file per node and start three pacto-node processes
#                               that sync with each other on 127.0.0.1:
#                                 bo-1   national node, region BO   gRPC 7400  HTTP 7480
#                                 lpz-1  La Paz, region LPZ         gRPC 7401  HTTP 7481
#                                 scz-1  Santa Cruz, region SCZ     gRPC 7402  HTTP 7482
#                               load the demo federation into the national node, wait until
#                               the three registries are equal, show a partition once (Santa
#                               Cruz cut off, a write on each side, healed, equal digests),
#                               print the federation and freshness reports, and where
#                               everything lives and how to talk to it
#   deploy/quickstart.sh down   stop every pacto-node `up` started (its pid files); the data,
#                               certificates and tokens stay for the next `up`
#   deploy/quickstart.sh status say which nodes run (exit 0 if all three do, 3 if not)
#
# Runs from any directory. `up` is idempotent: nodes already running are reused, files
# already made are kept, the demo is loaded only into an empty registry and the partition
# is shown only once (doing either again would add data).
#
# Everything lives in the state dir (default .quickstart/ in the project root):
#   certs/  the federation CA, node and client certificates, token signing pair (certs.sh)
#   keys/   each node's encryption key for its data at rest
#   tokens/ bearer tokens: an operator and an enroller token per region
#   config/ NODE.conf, each node's text-format pacto.v1.NodeConfig
#   data/   NODE/, each node's data dir
#   logs/   NODE.log, each node's log
#   run/    NODE.pid and NODE.info (addresses, mode) of the nodes that run
#   bin/    links to pacto-node, pacto and pacto-demo of the build dir (for PATH)
#
# Environment (for tests and for running beside other nodes):
#   PACTO_QUICKSTART_SKIP_INSTALL=1  do not check or install Debian packages
#   PACTO_QUICKSTART_SKIP_BUILD=1    do not build; use the binaries already in the build dir
#   PACTO_BUILD_DIR                  build tree (default: build)
#   PACTO_QUICKSTART_DIR             the state dir (default: .quickstart)
#   PACTO_QUICKSTART_PORT            the national node's gRPC port (default 7400); the others
#                                    take the next two, HTTP ports are these plus 80
set -euo pipefail

invoked_from=$PWD
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

READY_TIMEOUT=30    # seconds for a node to answer after it starts
STOP_TIMEOUT=15     # seconds between SIGTERM and SIGKILL
CONVERGE_TIMEOUT=60 # seconds for the three registries to become equal
SYNC_INTERVAL=1s    # how often each node pulls from its peers
TOKEN_TTL=720h      # tokens are minted again when older than a week

# The federation: node ids, their regions (the demo's region codes) and what they are.
NODES=(bo-1 lpz-1 scz-1)
declare -A REGION=([bo-1]=BO [lpz-1]=LPZ [scz-1]=SCZ)
declare -A TITLE=([bo-1]="national node (Bolivia)" [lpz-1]="La Paz" [scz-1]="Santa Cruz")
CUT=scz-1 # the node the partition cuts off

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
BASE_PORT=${PACTO_QUICKSTART_PORT:-7400}

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

if ! [[ "$BASE_PORT" =~ ^[0-9]+$ ]] || ((BASE_PORT < 1024 || BASE_PORT > 65535 - 82)); then
  die "PACTO_QUICKSTART_PORT: '$BASE_PORT' is not a port between 1024 and 65453"
fi
declare -A GRPC HTTP
i=0
for node in "${NODES[@]}"; do
  GRPC[$node]=127.0.0.1:$((BASE_PORT + i))
  HTTP[$node]=127.0.0.1:$((BASE_PORT + 80 + i))
  i=$((i + 1))
done
unset i node

CERTS=$STATE/certs
pid_file() { printf '%s\n' "$STATE/run/$1.pid"; }
info_file() { printf '%s\n' "$STATE/run/$1.info"; }
log_file() { printf '%s\n' "$STATE/logs/$1.log"; }
config_file() { printf '%s\n' "$STATE/config/$1.conf"; }
data_dir() { printf '%s\n' "$STATE/data/$1"; }
key_file() { printf '%s\n' "$STATE/keys/$1.data.key"; }
# token_file REGION ROLE
token_file() { printf '%s\n' "$STATE/tokens/$(tr '[:upper:]' '[:lower:]' <<<"$1")-$2.token"; }

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
  if [ "${PACTO_QUICKSTART_SKIP_BUILD:-0}" = 1 ]; then
    say "skipping the build (PACTO_QUICKSTART_SKIP_BUILD=1); using $(shown "$BUILD")"
  else
    mkdir -p "$STATE/logs"
    if [ ! -f "$BUILD/CMakeCache.txt" ]; then
      say "configuring $(shown "$BUILD") (log: $(shown "$STATE")/logs/configure.log)"
      if ! cmake -S "$ROOT" -B "$BUILD" -G Ninja >"$STATE/logs/configure.log" 2>&1; then
        tail -n 30 "$STATE/logs/configure.log" >&2
        die "cmake could not configure $BUILD"
      fi
    fi
    say "building pacto-node, pacto and pacto-demo in $(shown "$BUILD") (-j2)"
    cmake --build "$BUILD" -j2 --target pacto-node pacto pacto-demo
  fi
  local binary
  for binary in pacto-node pacto pacto-demo; do
    [ -x "$BUILD/$binary" ] || die "no $BUILD/$binary (build it, or unset PACTO_QUICKSTART_SKIP_BUILD)"
  done
  # The binaries under the state dir too, so that one PATH entry finds them.
  mkdir -p "$STATE/bin"
  for binary in pacto-node pacto pacto-demo; do ln -sfn "$BUILD/$binary" "$STATE/bin/$binary"; done
}

# --- certificates, keys, tokens, configs -----------------------------------------------

# The CA, a certificate per node (URI SAN pacto://node/ID?region=R, valid for 127.0.0.1), a
# client certificate, the token signing pair and the federation key. certs.sh keeps what
# exists.
make_certs() {
  local -a specs=()
  local node
  for node in "${NODES[@]}"; do specs+=("$node:${REGION[$node]}"); done
  local out
  out=$("$ROOT/deploy/certs.sh" "$CERTS" "${specs[@]}" 2>&1) || {
    printf '%s\n' "$out" >&2
    die "deploy/certs.sh failed"
  }
  if [ -n "$out" ]; then
    printf '%s\n' "$out" | sed "s|$CERTS/|certs/|g; s/^/  /"
  else
    say "  kept the CA, node and client certificates and token keys in $(shown "$CERTS")"
  fi
}

make_data_keys() {
  mkdir -p "$STATE/keys"
  chmod 700 "$STATE/keys"
  local node made=()
  for node in "${NODES[@]}"; do
    [ -s "$(key_file "$node")" ] && continue
    (umask 077 && openssl rand -hex 32 >"$(key_file "$node")")
    made+=("$node")
  done
  [ ${#made[@]} = 0 ] || say "  made data-at-rest keys for ${made[*]} in $(shown "$STATE/keys")"
}

# An operator and an enroller token for each node's region, minted offline with the
# signing key; a token older than a week is minted again (they are valid for 30 days).
mint_tokens() {
  mkdir -p "$STATE/tokens"
  chmod 700 "$STATE/tokens"
  local node role file minted=0 kept=0
  for node in "${NODES[@]}"; do
    for role in operator enroller; do
      file=$(token_file "${REGION[$node]}" "$role")
      if [ -s "$file" ] && [ -z "$(find "$file" -mtime +6)" ]; then
        kept=$((kept + 1))
        continue
      fi
      "$BUILD/pacto" token mint --signing-key "$CERTS/token.key" --role "$role" \
        --region "${REGION[$node]}" --ttl "$TOKEN_TTL" \
        --subject "quickstart-$role-$(tr '[:upper:]' '[:lower:]' <<<"${REGION[$node]}")" \
        >"$file.tmp" 2>/dev/null || die "pacto token mint failed for $role of ${REGION[$node]}"
      chmod 600 "$file.tmp"
      mv "$file.tmp" "$file"
      minted=$((minted + 1))
    done
  done
  say "  tokens in $(shown "$STATE/tokens"): $minted minted, $kept kept (operator and enroller of BO, LPZ and SCZ, valid $TOKEN_TTL)"
}

# Each node's config file; rewritten when what it should say changed (a port, say).
write_configs() {
  mkdir -p "$STATE/config"
  local node peer written=()
  for node in "${NODES[@]}"; do
    local file tmp
    file=$(config_file "$node")
    tmp=$file.tmp
    {
      cat <<EOF
# pacto-node config of $node, the ${TITLE[$node]} node (region ${REGION[$node]}) of the quickstart's
# three-region federation. Written by deploy/quickstart.sh, which starts the node with
#   pacto-node --config $file
# Text-format pacto.v1.NodeConfig; \`pacto-node --print-default-config\` lists every field,
# deploy/config/ has the same federation laid out for three machines.
node_id: "$node"
region: "${REGION[$node]}"
data_dir: "$(data_dir "$node")"
backup_dir: "$STATE/backups/$node"
listen: "${GRPC[$node]}"
advertise: "${GRPC[$node]}"
http: "${HTTP[$node]}"
EOF
      for peer in "${NODES[@]}"; do
        [ "$peer" = "$node" ] || printf 'peers: "%s"\n' "${GRPC[$peer]}"
      done
      cat <<EOF
sync_interval: "$SYNC_INTERVAL"
tls_cert: "$CERTS/$node.crt"
tls_key: "$CERTS/$node.key"
tls_ca: "$CERTS/ca.crt"
tls_crl_dir: "$CERTS/crl"
token_pubkey: "$CERTS/token.pub"
federation_key_file: "$CERTS/federation.key"
encryption_key_file: "$(key_file "$node")"
log_level: "info"
EOF
    } >"$tmp"
    if cmp -s "$tmp" "$file"; then
      rm -f "$tmp"
    else
      mv "$tmp" "$file"
      written+=("$(shown "$file")")
    fi
  done
  if [ ${#written[@]} = 0 ]; then
    say "  configs in $(shown "$STATE/config") unchanged"
  else
    say "  wrote ${written[*]}"
  fi
}

# --- nodes -----------------------------------------------------------------------------

# Prints the pid in pid file FILE and succeeds when it names a live pacto-node.
pid_in() {
  local file=$1 pid argv0
  [ -s "$file" ] || return 1
  pid=$(cat "$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # A zombie or a recycled pid does not count: the process must still be pacto-node.
  [ -r "/proc/$pid/cmdline" ] || return 1
  # (It may exit while this reads: then the read fails, quietly.)
  argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1) || return 1
  [ "$(basename -- "$argv0")" = pacto-node ] || return 1
  printf '%s\n' "$pid"
}
running_pid() { pid_in "$(pid_file "$1")"; }

# info NAME KEY: a value the running node was started with (grpc, http, data, mode).
info() {
  local file
  file=$(info_file "$1")
  [ -f "$file" ] || return 0
  sed -n "s/^$2=//p" "$file"
}

# Succeeds when something accepts TCP connections on HOST:PORT.
port_in_use() {
  local host=${1%:*} port=${1##*:}
  # shellcheck disable=SC2016  # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}

# Fails clearly when ADDR (what) is taken by another process.
require_free() {
  local addr=$1 what=$2
  port_in_use "$addr" || return 0
  say "quickstart: error: $addr ($what) is already in use by a process this script did not start." >&2
  if command -v ss >/dev/null; then
    ss -ltnpH "sport = :${addr##*:}" 2>/dev/null | sed 's/^/    /' >&2 || true
  fi
  say "  stop that process, or run the quickstart on other ports: PACTO_QUICKSTART_PORT=PORT deploy/quickstart.sh up" >&2
  exit 1
}

# start_node NAME MODE [extra pacto-node flags...]: starts pacto-node NAME from its config
# file, detached, unless it already runs. MODE (normal, cut-off) is recorded in its info.
start_node() {
  local name=$1 mode=$2
  shift 2
  local pid
  if pid=$(running_pid "$name"); then
    say "  $name: already running (pid $pid, gRPC $(info "$name" grpc)); reusing it"
    return 0
  fi
  require_free "${GRPC[$name]}" "gRPC of $name"
  require_free "${HTTP[$name]}" "HTTP of $name"
  mkdir -p "$STATE/run" "$STATE/logs" "$STATE/data"
  local log pidf
  log=$(log_file "$name")
  pidf=$(pid_file "$name")
  rm -f "$pidf"
  local -a argv=("$BUILD/pacto-node" --config "$(config_file "$name")" "$@")
  printf '=== %s quickstart: %s\n' "$(date -u +%FT%TZ)" "${argv[*]}" >>"$log"
  # The new session detaches it from this terminal; the process writes its own pid
  # before it becomes pacto-node, so the pid is right however setsid forks.
  # shellcheck disable=SC2016  # expanded by the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "${argv[@]}" >>"$log" 2>&1 </dev/null &
  for _ in $(seq 50); do
    [ -s "$pidf" ] && break
    sleep 0.1
  done
  printf 'grpc=%s\nhttp=%s\ndata=%s\nmode=%s\n' "${GRPC[$name]}" "${HTTP[$name]}" \
    "$(data_dir "$name")" "$mode" >"$(info_file "$name")"
  say "  $name: started pacto-node (pid $(cat "$pidf")), ${TITLE[$name]}, region ${REGION[$name]}, gRPC ${GRPC[$name]}"
}

# cli NAME ROLE ARGS...: `pacto ARGS` against node NAME with its region's ROLE token.
cli() {
  local name=$1 role=$2
  shift 2
  "$BUILD/pacto" --node "${GRPC[$name]}" --ca "$CERTS/ca.crt" --cert "$CERTS/client.crt" \
    --key "$CERTS/client.key" --token "$(cat "$(token_file "${REGION[$name]}" "$role")")" "$@"
}

# wait_ready NAME: until `pacto node status` answers, or fails with the log's tail.
wait_ready() {
  local name=$1
  local deadline=$((SECONDS + READY_TIMEOUT))
  until cli "$name" operator --timeout 2s node status >/dev/null 2>&1; do
    if ! running_pid "$name" >/dev/null; then
      say "quickstart: error: pacto-node $name exited during start-up; the end of its log:" >&2
      tail -n 15 "$(log_file "$name")" | sed 's/^/    /' >&2
      rm -f "$(pid_file "$name")"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "quickstart: error: pacto-node $name did not answer on ${GRPC[$name]} within ${READY_TIMEOUT}s; the end of its log:" >&2
      tail -n 15 "$(log_file "$name")" | sed 's/^/    /' >&2
      stop_node "$name" >&2
      exit 1
    fi
    sleep 0.2
  done
}

# stop_node NAME: SIGTERM, up to STOP_TIMEOUT seconds, then SIGKILL.
stop_node() {
  local name=$1 pidf pid
  pidf=$(pid_file "$name")
  [ -e "$pidf" ] || pidf=$STATE/$name.pid # written by the single-node quickstart of before
  if ! pid=$(pid_in "$pidf"); then
    say "  $name: not running; nothing to stop"
    rm -f "$pidf"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while pid_in "$pidf" >/dev/null && ((waited < STOP_TIMEOUT * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if pid_in "$pidf" >/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    say "  $name: pacto-node (pid $pid) did not stop within ${STOP_TIMEOUT}s after SIGTERM; killed it (SIGKILL)"
  else
    say "  $name: stopped pacto-node (pid $pid) in $((waited * 100)) ms"
  fi
  rm -f "$pidf"
}

# digest NAME: the node's registry digest (equal on two nodes exactly when their
# registries are equal), or nothing when it does not answer.
digest() {
  cli "$1" operator --timeout 5s --json node status 2>/dev/null |
    sed -n 's/.*"digest":"\([^"]*\)".*/\1/p'
}

print_digests() {
  local node
  for node in "${NODES[@]}"; do
    printf '  %-6s %-4s %s\n' "$node" "${REGION[$node]}" "$(digest "$node")"
  done
}

# wait_converged: until the three digests are equal (syncing each node at once first),
# then prints them; fails after CONVERGE_TIMEOUT seconds.
wait_converged() {
  local started=$SECONDS node
  for node in "${NODES[@]}"; do cli "$node" operator node sync >/dev/null 2>&1 || true; done
  while :; do
    local -a ds=()
    for node in "${NODES[@]}"; do ds+=("$(digest "$node")"); done
    if [ -n "${ds[0]}" ] && [ "${ds[0]}" = "${ds[1]}" ] && [ "${ds[0]}" = "${ds[2]}" ]; then
      break
    fi
    if ((SECONDS - started >= CONVERGE_TIMEOUT)); then
      print_digests >&2
      die "the three registries were not equal within ${CONVERGE_TIMEOUT}s (see $(shown "$STATE/logs"))"
    fi
    sleep 0.5
  done
  say "the three registries are equal (digests compared after $((SECONDS - started))s):"
  print_digests
}

# wait_peers_ok: until no node counts a failing peer (syncing it again when it does), so
# that `ready` means every link works, also right after the partition; a node retries
# a peer it failed to reach with a growing backoff, and would show it failing until
# then. Fails after CONVERGE_TIMEOUT seconds.
wait_peers_ok() {
  local started=$SECONDS node failing
  for node in "${NODES[@]}"; do
    while :; do
      failing=$(cli "$node" operator --timeout 5s --json node status 2>/dev/null |
        sed -n 's/.*"peers_failing":\([0-9]*\).*/\1/p')
      [ "${failing:-0}" = 0 ] && break
      if ((SECONDS - started >= CONVERGE_TIMEOUT)); then
        cli "$node" operator node peers >&2 || true
        die "$node still fails to reach a peer after ${CONVERGE_TIMEOUT}s (see $(shown "$STATE/logs"))"
      fi
      cli "$node" operator node sync >/dev/null 2>&1 || sleep 0.5
    done
  done
  say "every node reaches its two peers"
}

# The first sindicato listed in REGION (read through node NAME).
first_sindicato() {
  cli "$1" enroller chapter list --region "$2" --level sindicato | awk 'NR == 2 { print $1 }'
}

# demo [pacto-demo flags]: pacto-demo into the national node, as an enroller of BO.
demo() {
  "$BUILD/pacto-demo" --node "${GRPC[bo-1]}" --ca "$CERTS/ca.crt" --cert "$CERTS/client.crt" \
    --key "$CERTS/client.key" --token "$(cat "$(token_file BO enroller)")" "$@"
}

# --- the partition ---------------------------------------------------------------------

# A copy of the CA whose revocation list names the other two nodes: Santa Cruz started
# with it refuses every TLS connection to and from them, as if its link were cut, while
# clients (whose certificate it does not name) still reach it.
partition_crl() {
  local dir=$STATE/partition/certs
  if [ ! -f "$dir/crl/ca.crl.pem" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    cp -a "$CERTS/ca.crt" "$CERTS/ca.key" "$CERTS/ca" "$dir/"
    local node
    for node in "${NODES[@]}"; do
      [ "$node" = "$CUT" ] && continue
      cp -a "$CERTS/$node.crt" "$dir/"
      "$ROOT/deploy/certs.sh" revoke "$dir" "$node" >>"$STATE/logs/partition.log" 2>&1 ||
        die "could not make the partition's revocation list (see $(shown "$STATE/logs/partition.log"))"
    done
  fi
  printf '%s\n' "$dir/crl"
}

# enrol NAME CHAPTER PERSON NATIONAL_ID BIRTH_DATE: enrols through node NAME, prints the
# membership id; the existing one when an interrupted run enrolled the person already.
enrol() {
  local out
  if out=$(cli "$1" enroller member enrol --chapter "$2" --name "$3" --national-id "$4" \
    --birth-date "$5" 2>&1); then
    printf '%s\n' "$out"
  elif [[ "$out" =~ ALREADY_EXISTS.*\((mb-[a-z0-9]+)\)$ ]]; then
    printf '%s\n' "${BASH_REMATCH[1]}"
  else
    printf '%s\n' "$out" >&2
    return 1
  fi
}

show_partition() {
  local marker=$STATE/partition/members
  if [ -s "$marker" ]; then
    local first
    first=$(head -n 1 "$marker")
    if cli bo-1 operator member show "$first" >/dev/null 2>&1; then
      say "shown by an earlier run (its members $(paste -sd ' ' "$marker") are on every node);"
      say "not repeated, which would enrol them again"
      return 0
    fi
  fi
  local lpz_chapter scz_chapter
  lpz_chapter=$(first_sindicato lpz-1 LPZ-OMA)
  scz_chapter=$(first_sindicato scz-1 SCZ-ICH)
  if [ -z "$lpz_chapter" ] || [ -z "$scz_chapter" ]; then
    die "found no sindicato in LPZ-OMA or SCZ-ICH"
  fi
  local crl
  crl=$(partition_crl)

  say "Santa Cruz (scz-1) goes down:"
  stop_node "$CUT"
  say "La Paz enrols a member while Santa Cruz is down:"
  local lpz_member
  lpz_member=$(enrol lpz-1 "$lpz_chapter" "Rosa Quispe Mamani" 9100001 1994-08-06) ||
    die "the enrolment on lpz-1 failed"
  say "  lpz-1: pacto member enrol --chapter $lpz_chapter --name \"Rosa Quispe Mamani\" -> $lpz_member"
  say "Santa Cruz comes back cut off (a revocation list naming bo-1 and lpz-1: no TLS link"
  say "to or from them succeeds) and enrols a member of its own:"
  start_node "$CUT" cut-off --tls-crl-dir "$crl"
  wait_ready "$CUT"
  local scz_member
  scz_member=$(enrol scz-1 "$scz_chapter" "Juan Carlos Añez Suárez" 9200001 1988-09-24) ||
    die "the enrolment on scz-1 failed"
  say "  scz-1: pacto member enrol --chapter $scz_chapter --name \"Juan Carlos Añez Suárez\" -> $scz_member"
  local sync_out
  sync_out=$(cli "$CUT" operator node sync 2>&1) || true
  say "  scz-1: pacto node sync -> $(printf '%s\n' "$sync_out" | tail -n 1)"
  # The national node takes La Paz's write (Santa Cruz's it cannot reach).
  local deadline=$((SECONDS + CONVERGE_TIMEOUT))
  until [ "$(digest bo-1)" = "$(digest lpz-1)" ]; do
    ((SECONDS < deadline)) || die "bo-1 and lpz-1 did not become equal within ${CONVERGE_TIMEOUT}s"
    cli bo-1 operator node sync >/dev/null 2>&1 || true
    sleep 0.2
  done
  say "Two sides, two registries:"
  print_digests
  say "The link heals: scz-1 restarts with the federation's own revocation list:"
  stop_node "$CUT"
  start_node "$CUT" normal
  wait_ready "$CUT"
  wait_converged
  wait_peers_ok
  say "Both members, read on the national node:"
  local id
  for id in "$lpz_member" "$scz_member"; do
    cli bo-1 operator member show "$id" |
      awk -v id="$id" '/^(status|chapter_id|person.name):/ { sub(/^[^:]*: +/, ""); v = v "  " $0 }
                       END { print "  " id v }'
  done
  printf '%s\n%s\n' "$lpz_member" "$scz_member" >"$marker"
}

# --- commands --------------------------------------------------------------------------

cmd_up() {
  local started
  started=$(date +%s%N)
  step "Debian packages"
  install_packages
  step "build"
  build

  step "certificates, keys, tokens and configs (in $(shown "$STATE"))"
  mkdir -p "$STATE"
  make_certs
  make_data_keys
  mint_tokens
  write_configs

  step "three pacto-node processes, mutual TLS, tokens, encrypted data"
  local node
  # A node left cut off by an interrupted run starts again as itself.
  if running_pid "$CUT" >/dev/null && [ "$(info "$CUT" mode)" = cut-off ]; then
    stop_node "$CUT"
  fi
  for node in "${NODES[@]}"; do start_node "$node" normal; done
  for node in "${NODES[@]}"; do wait_ready "$node"; done
  say "  all three answer"

  step "demo federation (loaded into the national node bo-1, replicated to the others)"
  demo
  wait_converged

  step "a partition"
  show_partition

  step "federation report: pacto report summary (on bo-1)"
  cli bo-1 operator report summary
  step "freshness report: pacto report freshness (on bo-1)"
  cli bo-1 operator report freshness

  local elapsed_ms=$((($(date +%s%N) - started) / 1000000))
  step "$(printf 'ready in %d.%01ds' $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100)))"
  print_where
}

print_where() {
  local node state certs env=""
  state=$(shown "$STATE")
  certs=$(shown "$CERTS")
  [ -z "${PACTO_QUICKSTART_DIR:-}" ] || env="PACTO_QUICKSTART_DIR=$STATE "
  [ -z "${PACTO_QUICKSTART_PORT:-}" ] || env="${env}PACTO_QUICKSTART_PORT=$BASE_PORT "
  say "NODE   REGION  PID      GRPC             HTTP             DATA / CONFIG / LOG"
  for node in "${NODES[@]}"; do
    printf '%-6s %-7s %-8s %-16s %-16s %s\n' "$node" "${REGION[$node]}" \
      "$(running_pid "$node" || echo -)" "${GRPC[$node]}" "${HTTP[$node]}" \
      "$(shown "$(data_dir "$node")")"
    printf '%58s %s\n' "" "$(shown "$(config_file "$node")")"
    printf '%58s %s\n' "" "$(shown "$(log_file "$node")")"
  done
  cat <<EOF
certificates  $certs/ (ca.crt, NODE.crt/.key, client.crt/.key, crl/, token.key/.pub, federation.key)
data keys     $state/keys/NODE.data.key (each node's data is encrypted at rest)
tokens        $state/tokens/{bo,lpz,scz}-{operator,enroller}.token
pid files     $state/run/NODE.pid
binaries      $state/bin/ (links to $(shown "$BUILD")/pacto-node, pacto, pacto-demo); HTTP: /metrics, /healthz, /readyz

Talk to it: put pacto and the TLS files in your shell (these two lines, from any directory)
  export PATH="$STATE/bin:\$PATH"
  export PACTO_CA=$CERTS/ca.crt PACTO_CERT=$CERTS/client.crt PACTO_KEY=$CERTS/client.key
then, e.g., the national node as its operator and La Paz as an enroller (README.md's tour goes on):
  pacto --node ${GRPC[bo-1]} --token "\$(cat $STATE/tokens/bo-operator.token)" node peers
  pacto --node ${GRPC[lpz-1]} --token "\$(cat $STATE/tokens/lpz-enroller.token)" chapter list --region LPZ-OMA
  pacto help
Stop it:
  ${env}deploy/quickstart.sh down   (data, certificates and tokens stay in $state/)
EOF
}

cmd_down() {
  local file name stopped=0
  shopt -s nullglob
  # Every pid file this script wrote: the three nodes, and the single node of before.
  for file in "$STATE"/run/*.pid "$STATE"/*.pid; do
    name=$(basename "$file" .pid)
    stop_node "$name"
    stopped=$((stopped + 1))
  done
  [ "$stopped" -gt 0 ] || say "no quickstart pacto-node runs (no pid files in $(shown "$STATE")); nothing to stop"
}

cmd_status() {
  local node pid up=0
  for node in "${NODES[@]}"; do
    if pid=$(running_pid "$node"); then
      up=$((up + 1))
      say "$node (${REGION[$node]}): running (pid $pid, gRPC $(info "$node" grpc), HTTP $(info "$node" http), $(info "$node" mode)), digest $(digest "$node")"
    else
      say "$node (${REGION[$node]}): not running"
    fi
  done
  [ "$up" = "${#NODES[@]}" ] && return 0
  say "(start them with deploy/quickstart.sh up)"
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
