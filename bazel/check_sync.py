#!/usr/bin/env python3
"""Checks that the Bazel build and the CMake build compile the same sources.

Every C++ target is compared by name: the CMake target (pacto_library, pacto_test,
client_test, add_library, add_executable, target_sources, target_link_libraries in any
CMakeLists.txt) and the Bazel target of the same name (bazel query) must list the same
.cc files and link the same Pacto targets. Every .cc file
of the tree must be in a Bazel target, so a file added to CMake alone, or to neither
build, fails here. tests/run.sh --bazel runs this before building.

  bazel/check_sync.py            (from the repository root; runs `bazel query`)
"""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

# CMake targets Bazel does not build, and why. Keep docs/ARCHITECTURE.md's list in step.
CMAKE_ONLY = {
    # libFuzzer needs clang and -fsanitize=fuzzer (tests/run.sh --fuzz).
    "pacto_fuzz_support": "libFuzzer (tests/fuzz) needs clang",
    "request_fuzzer": "libFuzzer (tests/fuzz) needs clang",
    "entry_fuzzer": "libFuzzer (tests/fuzz) needs clang",
    "csv_fuzzer": "libFuzzer (tests/fuzz) needs clang",
    "token_fuzzer": "libFuzzer (tests/fuzz) needs clang",
    "backup_name_fuzzer": "libFuzzer (tests/fuzz) needs clang",
    "page_token_fuzzer": "libFuzzer (tests/fuzz) needs clang",
    "make_seeds": "libFuzzer (tests/fuzz) needs clang",
}
# Directories whose sources only CMake builds.
CMAKE_ONLY_DIRS = ("tests/fuzz/",)
# Where the .cc files live that must be in some target.
SOURCE_DIRS = ("common/", "node/", "client/", "tests/")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cmake_commands(text):
    """(command, [args]) for each command of a CMakeLists.txt, foreach loops expanded."""
    text = re.sub(r"#[^\n]*", "", text)
    commands = [
        (m.group(1).lower(), m.group(2).split())
        for m in re.finditer(r"\b([A-Za-z_]\w*)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)", text)
    ]
    out = []
    i = 0
    while i < len(commands):
        name, args = commands[i]
        if name != "foreach":
            out.append((name, args))
            i += 1
            continue
        depth, j = 1, i + 1
        while depth:
            depth += {"foreach": 1, "endforeach": -1}.get(commands[j][0], 0)
            j += 1
        var, items, body = args[0], args[1:], commands[i + 1 : j - 1]
        for item in items:
            out += [(c, [a.replace("${%s}" % var, item) for a in a_]) for c, a_ in body]
        i = j
    return out


def cmake_targets():
    """{target: (set of .cc paths from the root, set of linked names)} over every CMakeLists.txt."""
    targets = {}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel_dir = os.path.relpath(dirpath, ROOT)
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "build", "bazel-"))]
        if "CMakeLists.txt" not in filenames:
            continue
        with open(os.path.join(dirpath, "CMakeLists.txt")) as f:
            commands = cmake_commands(f.read())
        for command, args in commands:
            if not args or "${" in args[0]:
                continue  # not a target, or inside a function definition
            name, sources, deps = args[0], [], []
            if command in ("pacto_library", "pacto_test", "client_test", "pacto_fuzzer"):
                part = None
                for a in args[1:]:
                    if a in ("SRCS", "DEPS", "LABELS", "TIMEOUT"):
                        part = a
                    elif part == "SRCS":
                        sources.append(a)
                    elif part == "DEPS":
                        deps.append(a)
            elif command in ("add_library", "add_executable", "target_sources"):
                sources = args[1:]
            elif command == "target_link_libraries":
                deps = args[1:]
            else:
                continue
            srcs, links = targets.setdefault(name, (set(), set()))
            links.update(deps)
            for s in sources:
                if not s.endswith(".cc") or "${" in s.replace("${PROJECT_SOURCE_DIR}", ""):
                    continue
                if s.startswith("${PROJECT_SOURCE_DIR}/"):
                    path = s[len("${PROJECT_SOURCE_DIR}/") :]
                else:
                    path = os.path.normpath(os.path.join(rel_dir, s))
                srcs.add(path)
    return targets


def bazel_targets():
    """{target name: (set of .cc paths, set of dep names)} of the C++ rules in //..."""
    query = subprocess.run(
        ["bazel", "query", 'kind("cc_(library|binary|test) rule", //...)', "--output=xml"],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    targets = {}
    for rule in ET.fromstring(query.stdout).iter("rule"):
        name = rule.get("name").split(":")[1]
        if name in targets:
            sys.exit("check_sync: two Bazel targets are named %s; names must be unique" % name)
        srcs, deps = set(), set()
        for lst in rule.iter("list"):
            for label in lst.iter("label"):
                package, file = label.get("value").lstrip("/").split(":")
                if lst.get("name") == "deps":
                    deps.add(file)
                elif lst.get("name") == "srcs":
                    path = os.path.join(package, file)
                    if path.endswith(".cc") and os.path.exists(os.path.join(ROOT, path)):
                        srcs.add(path)  # generated sources (protoc) are left out
        targets[name] = (srcs, deps)
    return targets


def tree_sources():
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *SOURCE_DIRS],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout.split()
    return {p for p in listed if p.endswith(".cc") and os.path.exists(os.path.join(ROOT, p))}


def main():
    cmake, bazel = cmake_targets(), bazel_targets()
    errors = []
    for name in sorted(set(cmake) | set(bazel)):
        c, c_links = cmake.get(name, (None, None))
        b, b_links = bazel.get(name, (None, None))
        if c and all(p.startswith(CMAKE_ONLY_DIRS) for p in c):
            continue
        if name in CMAKE_ONLY:
            continue
        if c is None:
            if b:
                errors.append("%s: a Bazel target that CMake does not have (%s)" %
                              (name, ", ".join(sorted(b))))
            continue
        if b is None:
            errors.append("%s: in CMake, not in Bazel (add it to the BUILD.bazel of its directory)"
                          % name)
            continue
        for path in sorted(c - b):
            errors.append("%s: %s is in CMake, not in Bazel" % (name, path))
        for path in sorted(b - c):
            errors.append("%s: %s is in Bazel, not in CMake" % (name, path))
        # Links between Pacto's own targets (system libraries are named differently).
        for dep in sorted((c_links & set(cmake)) - b_links):
            errors.append("%s: links %s in CMake, not in Bazel" % (name, dep))
        for dep in sorted((b_links & set(cmake)) - c_links):
            errors.append("%s: links %s in Bazel, not in CMake" % (name, dep))
    in_bazel = set().union(*(srcs for srcs, _ in bazel.values()))
    for path in sorted(tree_sources()):
        if path not in in_bazel and not path.startswith(CMAKE_ONLY_DIRS):
            errors.append("%s: in no Bazel target" % path)
    if errors:
        print("bazel/check_sync.py: the Bazel and CMake builds differ:")
        print("\n".join("  " + e for e in errors))
        return 1
    print("bazel/check_sync.py: %d targets, the same sources in Bazel and CMake" %
          len(set(cmake) & set(bazel)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
