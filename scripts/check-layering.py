#!/usr/bin/env python3
"""Fails when a module reaches past another module's front door.

The rules (docs/architecture.md):
  - a file in src/<module>/ includes, from other modules, only their front-door
    headers, and only from modules its own module may use;
  - a module's tests (*_test.cc and the test helpers beside them) may include any
    module's front door and their own module's internals;
  - only src/store/sqlite/ includes <sqlite3.h>, only src/store/postgres/ <libpq-fe.h>, only
    src/server/admin/image_resize.cc <vips/vips.h>;
  - render/ never opens a file or a store (no <fstream>, <filesystem>, fopen, open(2)).
Prints one line per finding, `file:line: message`, and exits 1 when there is any.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if len(sys.argv) > 1 and sys.argv[1] != "--self-test":
    ROOT = os.path.abspath(sys.argv[1])

# module -> the modules it may include (besides itself).
MAY_USE = {
    "util": set(),
    "model": {"util"},
    "cite": {"model", "util"},
    "load": {"model", "util"},
    "markup": {"model", "cite", "util"},
    "render": {"model", "markup", "cite", "util"},
    "check": {"model", "markup", "cite", "util"},
    "store": {"model", "util"},
    "publish": {"model", "util", "load", "markup", "cite", "render", "check", "store"},
    "newsroom": {"model", "util", "store", "publish", "load", "markup", "cite", "check"},
    "server": {"model", "util", "load", "markup", "cite", "render", "check", "store", "publish", "newsroom"},
    "cli": {"model", "util", "load", "markup", "cite", "render", "check", "store", "publish", "newsroom",
            "server"},
}

# module -> its front-door headers (what other modules may include).
FRONT_DOORS = {
    "util": {"util/util.h"},
    "model": {"model/model.h", "model/status.h"},
    "cite": {"cite/cite.h"},
    "load": {"load/load.h"},
    "markup": {"markup/markup.h"},
    "render": {"render/render.h"},
    "check": {"check/check.h"},
    "store": {"store/store.h", "store/open.h"},
    "publish": {"publish/publish.h"},
    "newsroom": {"newsroom/newsroom.h"},
    "server": {"server/server.h", "server/app.h", "server/metrics.h"},
    "cli": {"cli/commands.h"},
}

# Third-party headers only one folder may include.
OWNED_HEADERS = {
    "sqlite3.h": "src/store/sqlite/",
    "libpq-fe.h": "src/store/postgres/",
    "vips/vips.h": "src/server/admin/image_resize.cc",  # libvips: the library's image resizing only
}

RENDER_FORBIDDEN = [
    (re.compile(r'#include\s*<(fstream|filesystem)>'), "render/ must not open files"),
    (re.compile(r'\b(fopen|::open|std::ifstream|std::ofstream)\s*\('), "render/ must not open files"),
    (re.compile(r'#include\s*"store/'), "render/ must not use a store"),
]

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def is_test_file(rel):
    base = os.path.basename(rel)
    return base.endswith("_test.cc") or "_test_" in base or base.startswith("test_") or base.endswith("_test.h")


def check_file(rel, findings):
    parts = rel.split("/")
    module = parts[1]
    test = is_test_file(rel)
    with open(os.path.join(ROOT, rel), encoding="utf-8", errors="replace") as f:
        lines = f.readlines()
    for no, line in enumerate(lines, 1):
        if module == "render" and not test:
            for pattern, message in RENDER_FORBIDDEN:
                if pattern.search(line):
                    findings.append(f"{rel}:{no}: {message}")
        m = INCLUDE.match(line)
        if m:
            kind, header = m.group(1), m.group(2)
            if kind == "<" or "/" not in header:
                owner = OWNED_HEADERS.get(header)
                if owner and not rel.startswith(owner):
                    findings.append(f"{rel}:{no}: includes <{header}>, which only {owner} may include")
                continue
            target = header.split("/")[0]
            if target == module or target not in FRONT_DOORS:
                continue
            if not test and target not in MAY_USE.get(module, set()):
                findings.append(f"{rel}:{no}: {module}/ may not use {target}/ (includes {header})")
            elif header not in FRONT_DOORS[target]:
                doors = ", ".join(sorted(FRONT_DOORS[target]))
                findings.append(f"{rel}:{no}: includes {header}, an internal header of {target}/ "
                                f"(use its front door: {doors})")


def main():
    findings = []
    checked = 0
    for dirpath, _, files in os.walk(os.path.join(ROOT, "src")):
        for name in sorted(files):
            if not name.endswith((".h", ".cc")):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), ROOT).replace(os.sep, "/")
            if rel.split("/")[1] not in MAY_USE:
                findings.append(f"{rel}:1: src/{rel.split('/')[1]}/ is not a known module (add it to "
                                "scripts/check-layering.py and docs/architecture.md)")
                continue
            check_file(rel, findings)
            checked += 1
    if checked == 0:
        print("check-layering: no source files found under src/", file=sys.stderr)
        return 1
    for f in findings:
        print(f)
    print(f"check-layering: {checked} files, {len(findings)} finding{'s' if len(findings) != 1 else ''}")
    return 1 if findings else 0


def self_test():
    """The checker must find each kind of violation in a small tree made here."""
    import subprocess
    import tempfile
    cases = {
        "src/render/a.cc": ('#include "store/store.h"\n', "render/ may not use store/"),
        "src/markup/b.cc": ('#include "render/pages.h"\n', "markup/ may not use render/"),
        "src/server/c.cc": ('#include "store/sqlite/db.h"\n', "an internal header of store/"),
        "src/load/d.cc": ("#include <sqlite3.h>\n", "only src/store/sqlite/ may include"),
        "src/render/e.cc": ("#include <fstream>\n", "render/ must not open files"),
        "src/store/sqlite/f.cc": ('#include <sqlite3.h>\n#include "model/model.h"\n', None),
        "src/cli/g.cc": ('#include "server/app.h"\n#include "util/util.h"\n', None),
    }
    ok = True
    for path, (text, expected) in cases.items():
        with tempfile.TemporaryDirectory() as tmp:
            full = os.path.join(tmp, path)
            os.makedirs(os.path.dirname(full))
            with open(full, "w") as f:
                f.write(text)
            run = subprocess.run([sys.executable, os.path.abspath(__file__), tmp], capture_output=True, text=True)
            found = run.returncode != 0 and (expected or "") in run.stdout
            if expected is None:
                found = run.returncode == 0
            if not found:
                ok = False
                print(f"self-test: {path}: expected {expected or 'no finding'}, got:\n{run.stdout}")
    print("check-layering self-test: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(self_test() if sys.argv[1:] == ["--self-test"] else main())
