#!/usr/bin/env python3
"""check_layers.py finds what it is meant to find.

    selftest.py CHECKER CC

Builds small trees in a temporary folder, each with one kind of violation
(and one with none), and checks the checker's verdict and message on each.
"""
import os
import subprocess
import sys
import tempfile

CHECKER, CC = sys.argv[1], sys.argv[2]
failures = 0


def tree(root, files):
    objs = []
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        if rel.startswith("src/") and rel.endswith(".c"):
            subprocess.run([CC, "-I", os.path.join(root, "src"), "-c", "-o",
                            path + ".o", path], check=True)
            objs.append(path + ".o")
    return objs


def expect(name, files, want_rc, want_text=None, links=True):
    global failures
    with tempfile.TemporaryDirectory(prefix="layering-") as root:
        objs = tree(root, files)
        r = subprocess.run([sys.executable, CHECKER, root] +
                           (objs if links else []),
                           capture_output=True, text=True)
    ok = r.returncode == want_rc and (want_text is None or want_text in r.stdout)
    print("%s: %s (rc %d)%s" % ("ok" if ok else "FAILED", name, r.returncode,
                                "" if ok else "\n" + r.stdout + r.stderr))
    failures += not ok


expect("layers that point down pass", {
    "src/platform/p.h": "int p(void);\n",
    "src/platform/p.c": '#include "p.h"\nint p(void) { return 1; }\n',
    "src/core/c.c": '#include "../platform/p.h"\nint c(void) { return p(); }\n',
    "tools/t.c": '#include "platform/p.h"\nint t(void) { return p(); }\n',
}, 0)
expect("core including an object type's header fails", {
    "src/objects/o.h": "int o(void);\n",
    "src/core/c.c": '#include "../objects/o.h"\nint c(void) { return 0; }\n',
}, 1, "src/core/c.c (core) includes src/objects/o.h (objects)", links=False)
expect("an include found through src/ counts too", {
    "src/api/a.h": "int a(void);\n",
    "src/process/q.c": '#include "api/a.h"\nint q(void) { return 0; }\n',
}, 1, "src/process/q.c (process) includes src/api/a.h (api)", links=False)
expect("a call up without an include fails", {
    "src/objects/o.c": "int o(void) { return 1; }\n",
    "src/core/c.c": "int o(void);\nint c(void) { return o(); }\n",
}, 1, "src/core/c.c (core) calls o of src/objects/o.c (objects)")
expect("the declared hooks table may be provided from above", {
    "src/core/handle.c": "extern const int wipc_handle_hooks;\n"
                         "int c(void) { return wipc_handle_hooks; }\n",
    "src/process/startup.c": "const int wipc_handle_hooks = 1;\n",
}, 0)
expect("the hooks table provided by another layer fails", {
    "src/core/handle.c": "extern const int wipc_handle_hooks;\n"
                         "int c(void) { return wipc_handle_hooks; }\n",
    "src/api/x.c": "const int wipc_handle_hooks = 1;\n",
}, 1, "calls wipc_handle_hooks of src/api/x.c (api)")
expect("API files calling each other fail", {
    "src/api/x.c": "int y(void);\nint x(void) { return y(); }\n",
    "src/api/y.c": "int z(void);\nint y(void) { return z(); }\n",
    "src/api/z.c": "int x(void);\nint z(void) { return x(); }\n",
}, 1, "API files call each other: src/api/x.c (y) -> src/api/y.c (z) -> "
      "src/api/z.c (x) -> src/api/x.c")
expect("API files calling down a chain pass", {
    "src/api/x.c": "int y(void);\nint x(void) { return y(); }\n",
    "src/api/y.c": "int z(void);\nint y(void) { return z(); }\n",
    "src/api/z.c": "int z(void) { return 0; }\n",
}, 0)
sys.exit(1 if failures else 0)
