#!/bin/sh
echo "bazel coverage is not supported by Pacto's offline Bazel build" >&2
exit 1
