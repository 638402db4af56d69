#!/usr/bin/env bash
# Runs the benchmarks against a Release build and prints their tables (Markdown, as
# docs/BENCHMARKS.md records them). Not part of tests/run.sh.
#   tests/bench/run.sh [--rows N] [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=1000000 seconds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: tests/bench/run.sh [--rows N] [--seconds S]" >&2; exit 2 ;;
  esac
done
BUILD=${PACTO_BENCH_BUILD:-build-release}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j2 --target enrol_bench import_bench replication_bench report_bench pacto-node >/dev/null
"$BUILD"/tests/bench/enrol_bench --seconds "$seconds"
"$BUILD"/tests/bench/import_bench --rows "$rows"
"$BUILD"/tests/bench/replication_bench --rows "$rows"
"$BUILD"/tests/bench/report_bench --people "$rows"
