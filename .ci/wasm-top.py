#!/usr/bin/env python3
"""Where the wasm's bytes go (issue 19): per-function code sizes from a module's name section,
grouped by crate and by the app's own modules. No tools beyond Python.

    python3 .ci/wasm-top.py target/wasm32-unknown-unknown/release/estate-desk.wasm [N]

Use the module cargo builds (before wasm-bindgen and wasm-opt strip the names): the figures are
pre-wasm-opt bytes, so they rank contributors; the shipped sizes are dist/'s (.ci/check-dist.sh).
"""
import re
import sys
from collections import Counter


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def sections(b):
    i = 8
    while i < len(b):
        sid = b[i]
        size, j = leb(b, i + 1)
        yield sid, b[j:j + size]
        i = j + size


def parse(path):
    b = open(path, "rb").read()
    imports = 0
    bodies = []
    names = {}
    data = 0
    custom = Counter()
    for sid, body in sections(b):
        if sid == 2:  # imports: count function imports (they take function indices first)
            n, i = leb(body, 0)
            for _ in range(n):
                for _ in range(2):
                    ln, i = leb(body, i)
                    i += ln
                kind = body[i]
                i += 1
                if kind == 0:
                    _, i = leb(body, i)
                    imports += 1
                elif kind == 1:
                    i += 1
                    flags, i = leb(body, i)
                    _, i = leb(body, i)
                    if flags & 1:
                        _, i = leb(body, i)
                elif kind == 2:
                    flags, i = leb(body, i)
                    _, i = leb(body, i)
                    if flags & 1:
                        _, i = leb(body, i)
                elif kind == 3:
                    i += 2
        elif sid == 10:
            n, i = leb(body, 0)
            for _ in range(n):
                size, j = leb(body, i)
                bodies.append(size + (j - i))
                i = j + size
        elif sid == 11:
            data = len(body)
        elif sid == 0:
            ln, i = leb(body, 0)
            name = body[i:i + ln].decode("utf-8", "replace")
            custom[name] += len(body)
            if name == "name":
                i += ln
                while i < len(body):
                    sub = body[i]
                    size, j = leb(body, i + 1)
                    if sub == 1:
                        n, k = leb(body, j)
                        for _ in range(n):
                            idx, k = leb(body, k)
                            ln2, k = leb(body, k)
                            names[idx] = body[k:k + ln2].decode("utf-8", "replace")
                            k += ln2
                    i = j + size
    return b, imports, bodies, names, data, custom


def demangle(n):
    # Legacy Rust mangling: _ZN<len><seg>...E; v0 is rare here.
    if n.startswith("_ZN"):
        segs, i = [], 3
        while i < len(n) and n[i].isdigit():
            j = i
            while n[j].isdigit():
                j += 1
            ln = int(n[i:j])
            segs.append(n[j:j + ln])
            i = j + ln
        if segs and re.fullmatch(r"h[0-9a-f]{16}", segs[-1]):
            segs.pop()
        return "::".join(s.replace("$LT$", "<").replace("$GT$", ">").replace("$u20$", " ")
                         .replace("..", "::").replace("$C$", ",") for s in segs)
    return n


def group(name):
    d = demangle(name).lstrip("<").replace("_<", "<")
    # Generic code instantiated for the app's types counts for the app's module that owns the
    # type (serde of the event types belongs to domain::event).
    m = re.search(r"estate_desk::(\w+)::(\w+)", d)
    if m:
        return f"estate_desk::{m.group(1)}::{m.group(2)}"
    parts = re.split(r"::|<| as ", d)
    parts = [p for p in parts if p and p not in ("impl", "_")]
    if not parts:
        return "?"
    head = parts[0]
    if head == "estate_desk" and len(parts) > 2:
        return "estate_desk::" + "::".join(parts[1:3])
    return head


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    b, imports, bodies, names, data, custom = parse(path)
    total = len(b)
    code = sum(bodies)
    by = Counter()
    areas = Counter()
    for k, size in enumerate(bodies):
        g = group(names.get(imports + k, "?"))
        by[g] += size
        parts = g.split("::")
        areas["app: " + "::".join(parts[1:2]) if parts[0] == "estate_desk" else "dependencies"] += size
    print(f"{path}: {total:,} B; code {code:,} B in {len(bodies):,} functions; data {data:,} B; "
          f"custom sections {dict(custom)}")
    print(f"{'bytes':>10} {'code':>6}  group (share of the code section)")
    for g, size in by.most_common(top):
        print(f"{size:>10,} {size / code:>6.1%}  {g}")
    print("\nby layer:")
    for g, size in areas.most_common():
        print(f"{size:>10,} {size / code:>6.1%}  {g}")
    fns = sorted(((s, names.get(imports + k, '?')) for k, s in enumerate(bodies)), reverse=True)
    print("\nlargest functions:")
    for s, n in fns[:12]:
        print(f"{s:>10,} {s / code:>6.1%}  {demangle(n)[:110]}")


if __name__ == "__main__":
    main()
