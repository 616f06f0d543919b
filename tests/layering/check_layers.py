#!/usr/bin/env python3
"""The layers of the source tree point down only.

    check_layers.py SOURCE_DIR [OBJECT...]

Layers, lowest first (docs/architecture.md):

    src/platform < src/core < src/objects < src/process < src/api < tools

1. Includes: a file may include files of its own layer and of the layers
   below it, never one above.  Public headers (include/winipc) are below
   everything.
2. Links (given the library's object files, whose paths end in
   src/LAYER/FILE.c.o): an object file may refer only to symbols defined in its
   own layer or below, except the ops tables a lower layer declares and a
   higher one provides (DECLARED_UP below).  And the Win32 entry points in
   src/api form no cycles: if one file calls another's functions, that one
   calls nothing, directly or not, of the first.

Prints every violation and exits 1 if there is one.
"""
import os
import re
import subprocess
import sys

LAYERS = ["platform", "core", "objects", "process", "api", "tools"]

# Symbols a lower layer refers to through an interface it declares itself,
# defined by a layer above: name -> (declaring layer, defining layer).
DECLARED_UP = {"wipc_handle_hooks": ("core", "process")}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path, root):
    rel = os.path.relpath(path, root).split(os.sep)
    if rel[0] == "tools":
        return "tools"
    if rel[0] == "src" and len(rel) > 2 and rel[1] in LAYERS:
        return rel[1]
    if rel[0] == "include":
        return "public"
    return None


def rank(layer):
    return -1 if layer == "public" else LAYERS.index(layer)


def check_includes(root):
    bad = []
    for top in ("src", "tools"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(d, f)
                mine = layer_of(path, root)
                if mine is None:
                    continue
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
                for inc in INCLUDE.findall(text):
                    # As the compiler looks: beside the file, then src/.
                    for base in (d, os.path.join(root, "src")):
                        target = os.path.normpath(os.path.join(base, inc))
                        if os.path.exists(target):
                            break
                    else:
                        continue  # a public header, found on -I
                    theirs = layer_of(target, root)
                    if theirs and rank(theirs) > rank(mine):
                        bad.append("%s (%s) includes %s (%s)" % (
                            os.path.relpath(path, root), mine,
                            os.path.relpath(target, root), theirs))
    return bad


def symbols(obj):
    out = subprocess.run([os.environ.get("NM") or "nm", "-P", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind.isupper():
            defined.add(name)
    return defined, undefined


OBJECT = re.compile(r"(?:^|/)src/([a-z]+)/([^/]+)\.o$")


def check_links(paths):
    objs = {}
    for path in paths:
        m = OBJECT.search(path)
        if not m or m.group(1) not in LAYERS:
            raise SystemExit("layering: not a library object: " + path)
        objs["src/%s/%s" % m.groups()] = (m.group(1), symbols(path))
    owner = {}
    for name, (_, (defined, _)) in objs.items():
        for s in defined:
            owner[s] = name
    bad = []
    calls = {}
    for name, (layer, (_, undefined)) in objs.items():
        for s in sorted(undefined):
            other = owner.get(s)
            if other is None or other == name:
                continue
            theirs = objs[other][0]
            if rank(theirs) > rank(layer):
                if DECLARED_UP.get(s) == (layer, theirs):
                    continue
                bad.append("%s (%s) calls %s of %s (%s)" % (
                    name, layer, s, other, theirs))
            if layer == "api" and theirs == "api":
                calls.setdefault(name, {}).setdefault(other, s)
    bad += api_cycles(calls)
    return bad


def api_cycles(calls):
    """Every cycle among the API files, once each (by depth-first search)."""
    bad, state, stack = [], {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(calls.get(n, {})):
            if state.get(m) == 1:
                ring = stack[stack.index(m):] + [m]
                bad.append("API files call each other: " + " -> ".join(
                    "%s (%s)" % (a, calls[a][b])
                    for a, b in zip(ring, ring[1:])) + " -> " + m)
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(calls):
        if n not in state:
            visit(n)
    return bad


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    bad = check_includes(argv[1])
    if len(argv) > 2:
        bad += check_links(argv[2:])
    for b in bad:
        print("layering: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
