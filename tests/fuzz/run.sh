#!/usr/bin/env bash
# Builds Pacto's libFuzzer targets (tests/fuzz) with clang, ASan and UBSan in their own
# build dir, and runs each for a bounded time on a scratch copy of its seed corpus
# (tests/fuzz/corpus/<target>/ is never written). Fails when any target crashes, leaks,
# hangs or breaks one of its checks; the input that did it is kept under
# $BUILD/fuzz-artifacts/ and the end of the target's log is printed.
#
#   tests/fuzz/run.sh            20 s per target
#   tests/fuzz/run.sh 300        5 min per target
# Reproduce a failure:  build-fuzz/tests/fuzz/<target> build-fuzz/fuzz-artifacts/<file>
# Environment: PACTO_FUZZ_BUILD_DIR (default build-fuzz), PACTO_FUZZ_CXX (clang++-14),
# PACTO_FUZZ_TARGETS (default: all five, e.g. "csv token").
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-20}
case "$seconds" in '' | *[!0-9]*) echo "usage: tests/fuzz/run.sh [SECONDS]" >&2; exit 2 ;; esac
BUILD=${PACTO_FUZZ_BUILD_DIR:-build-fuzz}
CXX=${PACTO_FUZZ_CXX:-clang++-14}
TARGETS=${PACTO_FUZZ_TARGETS:-request entry token csv backup_name revocation page_token}

start=$SECONDS
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPACTO_FUZZ=ON -DPACTO_BUILD_TESTS=OFF -DPACTO_BUILD_BENCH=OFF >/dev/null
echo "== fuzz build ($BUILD, $CXX, -j2)"
cmake --build "$BUILD" -j2 --target pacto_fuzzers
echo "== fuzz build took $((SECONDS - start)) s"

work=$(mktemp -d "${TMPDIR:-/tmp}/pacto-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT
artifacts="$BUILD/fuzz-artifacts"
mkdir -p "$artifacts"
# Leaks count as failures; UBSan already aborts (-fno-sanitize-recover).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for target in $TARGETS; do
  fuzzer="$BUILD/tests/fuzz/${target}_fuzzer"
  if [ ! -x "$fuzzer" ]; then
    # Only token_fuzzer may be missing: until node/security/token.cc is in the tree.
    echo "!! ${target}_fuzzer was not built (tests/fuzz/CMakeLists.txt); skipped"
    continue
  fi
  cp -r "tests/fuzz/corpus/$target" "$work/$target"
  echo "== ${target}_fuzzer: ${seconds} s on $(ls "$work/$target" | wc -l) seeds"
  # -timeout: one input running 10 s is a hang; -rss_limit_mb: the sanitizers' overhead
  # included, 2 GB is a leak or a blow-up, not a workload.
  if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/${target}-" "$work/$target" >"$work/$target.log" 2>&1; then
    awk -v corpus="$(ls "$work/$target" | wc -l)" '
      /^stat::number_of_executed_units/ { runs = $2 }
      /^stat::peak_rss_mb/ { rss = $2 }
      END { printf "   ok: %d inputs run, peak RSS %d MB, corpus grew to %d\n", runs, rss, corpus }
    ' "$work/$target.log"
  else
    echo "!! ${target}_fuzzer FAILED; the end of its log:"
    tail -n 60 "$work/$target.log"
    failed+=("$target")
  fi
done
echo "== fuzzing took $((SECONDS - start)) s in all"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz targets failed: ${failed[*]} (inputs kept in $artifacts/)"
  exit 1
fi
