#!/usr/bin/env bash
# Pacto's test command: installs the Debian packages the build and tests need,
# configures and builds with CMake, and runs every test through ctest.
#
#   tests/run.sh              install, build (RelWithDebInfo), format check, all tests
#   tests/run.sh --sanitize   the same with AddressSanitizer + UBSan, in build-asan/
#   tests/run.sh --soak       also the long soak variants (thousands of nemesis seeds)
#   tests/run.sh --fuzz       instead of the tests: the libFuzzer targets, built with clang in
#                             build-fuzz/, each run PACTO_FUZZ_SECONDS (20) s (tests/fuzz/run.sh)
#   tests/run.sh --bazel      instead of the CMake build: the Bazel build and its tests
#                             (Debian's bazel-bootstrap, offline), after a check that it has
#                             CMake's sources and links (bazel/run.sh)
#   tests/run.sh --no-install skip apt (for a machine already set up)
# Environment: PACTO_BUILD_DIR overrides the build directory; CTEST_ARGS adds ctest flags.
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=0 soak=0 install=1 fuzz=0 bazel=0
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    --soak) soak=1 ;;
    --no-install) install=0 ;;
    --fuzz) fuzz=1 ;;
    --bazel) bazel=1 ;;
    *) echo "usage: tests/run.sh [--sanitize] [--soak] [--fuzz] [--bazel] [--no-install]" >&2; exit 2 ;;
  esac
done

# The same list deploy/quickstart.sh installs.
mapfile -t PACKAGES < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' deploy/debian-packages.txt | grep -v '^$')
if [ "$install" = 1 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "== apt-get install (${#PACKAGES[@]} packages)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${PACKAGES[@]}" >/dev/null
fi

echo "== format check (clang-format, Google style)"
format_report=$(git ls-files '*.cc' '*.h' | xargs -r clang-format --dry-run -Werror 2>&1 || true)
if [ -n "$format_report" ]; then
  echo "$format_report" | grep 'error:' | head -20
  echo "clang-format would change the files above; run: git ls-files '*.cc' '*.h' | xargs clang-format -i"
  exit 1
fi

if [ "$fuzz" = 1 ]; then
  exec tests/fuzz/run.sh "${PACTO_FUZZ_SECONDS:-20}"
fi
if [ "$bazel" = 1 ]; then
  exec bazel/run.sh
fi

if [ "$sanitize" = 1 ]; then
  BUILD=${PACTO_BUILD_DIR:-build-asan}
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPACTO_SANITIZE=ON -DPACTO_BUILD_BENCH=OFF >/dev/null
else
  BUILD=${PACTO_BUILD_DIR:-build}
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
echo "== build ($BUILD, -j2)"
cmake --build "$BUILD" -j2

echo "== ctest"
export PACTO_SOAK=$soak
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest_args=(--test-dir "$BUILD" --output-on-failure -j2 ${CTEST_ARGS:-})
# The sanitizer build runs the in-process tests; multi-process ones run in the main build.
[ "$sanitize" = 1 ] && ctest_args+=(-LE process)
ctest "${ctest_args[@]}"
