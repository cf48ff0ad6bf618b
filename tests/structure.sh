#!/bin/sh
# The pipeline's structure (docs/design.md): the page flow (flow.h) is its own module that prose
# (typeset.c) and tables (table.c) both use; table.c never reaches typeset.c, so the two do not
# use each other. Include closures are followed through src/'s own headers, and a module using
# another is X.c including Y.h. Also: no two modules of src/ use each other.
. "$NB_SOURCE/tests/lib.sh"
need_python
"$PY" - "$NB_SOURCE/src" <<'PYEOF'
import os, re, sys
src = sys.argv[1]
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

def includes(name):
    path = os.path.join(src, name)
    if not os.path.exists(path):
        return set()
    return set(inc.findall(open(path, encoding="utf-8", errors="replace").read()))

def closure(name):
    seen, todo = set(), [name]
    while todo:
        for h in includes(todo.pop()):
            if h not in seen and os.path.exists(os.path.join(src, h)):
                seen.add(h)
                todo.append(h)
    return seen

bad = []
for f in ("flow.h", "flow.c", "table.h", "table.c", "typeset.h", "typeset.c"):
    if not os.path.exists(os.path.join(src, f)):
        bad.append(f"src/{f} is missing")
if not bad:
    if "typeset.h" in closure("table.c"):
        bad.append("table.c reaches typeset.h: " + " ".join(sorted(closure("table.c"))))
    if "flow.h" not in closure("table.c") or "flow.h" not in closure("typeset.c"):
        bad.append("table.c and typeset.c must both use the page flow (flow.h)")
    for h in ("typeset.h", "table.h"):
        if h in closure("flow.h") or h in closure("flow.c"):
            bad.append(f"the flow reaches {h}")
# No two modules use each other (X.c includes Y.h and Y.c includes X.h).
mods = {f[:-2] for f in os.listdir(src) if f.endswith(".c")}
uses = {m: {h[:-2] for h in includes(m + ".c") if h.endswith(".h") and h[:-2] in mods and h[:-2] != m}
        for m in mods}
for a in sorted(mods):
    for b in sorted(uses[a]):
        if a < b and a in uses.get(b, ()):
            bad.append(f"{a}.c and {b}.c include each other's headers")
for b in bad:
    print("FAIL:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF
