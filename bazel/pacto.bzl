"""Pacto's Bazel macros: the counterparts of pacto_library / pacto_test in CMakeLists.txt.

Every target keeps its CMake name, and lists the same .cc files, so
bazel/check_sync.py can compare the two builds target by target.
"""

# pacto_warnings() in CMakeLists.txt: our own code only, generated code goes without.
PACTO_COPTS = ["-Wall", "-Wextra", "-Wno-missing-field-initializers"]

def pacto_library(name, srcs, deps = [], hdrs = None, **kwargs):
    """A static library of Pacto's code; its headers default to the package's *.h."""
    native.cc_library(
        name = name,
        srcs = srcs,
        hdrs = native.glob(["*.h"]) if hdrs == None else hdrs,
        copts = PACTO_COPTS,
        deps = deps,
        **kwargs
    )

def pacto_binary(name, srcs, deps = [], **kwargs):
    native.cc_binary(
        name = name,
        srcs = srcs,
        copts = PACTO_COPTS,
        deps = deps,
        **kwargs
    )

def _timeout(seconds):
    """CMake's TIMEOUT in seconds as the smallest Bazel test timeout that covers it."""
    if seconds <= 60:
        return "short"
    if seconds <= 300:
        return "moderate"
    if seconds <= 900:
        return "long"
    return "eternal"

def pacto_test(name, srcs, deps = [], timeout = 300, labels = [], **kwargs):
    """One gtest binary (pacto_test / client_test in CMake); `labels` become tags."""
    native.cc_test(
        name = name,
        srcs = srcs,
        copts = PACTO_COPTS,
        # GTest::gtest_main and GTest::gmock, and tests/unit/temp_dir.h (header-only,
        # included by tests anywhere, which CMake's include path allows).
        deps = deps + ["@system//:gtest_main", "//tests/unit:temp_dir"],
        timeout = _timeout(timeout),
        tags = labels,
        **kwargs
    )
