#!/usr/bin/env bash
# The Bazel build and its tests (tests/run.sh --bazel): checks that the Bazel and CMake
# builds list the same sources, then `bazel build //...` and `bazel test //...` with
# Debian's bazel-bootstrap, offline, at -j2 (.bazelrc). Bazel keeps its output under
# ~/.cache/bazel; the bazel-* symlinks at the root are ignored by git.
# Extra arguments go to `bazel test`, e.g. bazel/run.sh --test_tag_filters=unit.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v bazel >/dev/null; then
  echo "bazel is not installed: apt-get install bazel-bootstrap (deploy/debian-packages.txt)" >&2
  exit 1
fi

echo "== bazel/check_sync.py (the same sources and links as CMake)"
python3 bazel/check_sync.py

echo "== bazel build //... (-j2)"
start=$SECONDS
nice -n 10 bazel build //...
echo "bazel build: $((SECONDS - start)) s"

echo "== bazel test //..."
start=$SECONDS
nice -n 10 bazel test //... "$@"
echo "bazel test: $((SECONDS - start)) s"
