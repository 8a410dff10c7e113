#!/usr/bin/env python3
"""Drops a wasm module's custom sections (names, producers, the splitter's notes): what
`wasm-opt` would also drop, for the splitter's many small shared chunks, where starting
`wasm-opt` (binaryen from npm, on node) costs more than it saves (issue 19, .ci/wasm-split.sh).

    python3 .ci/wasm-strip.py OUT_DIR IN.wasm...    (each written to OUT_DIR under its name)
"""
import importlib.util
import os
import sys

# The section reader of .ci/wasm-top.py (one reader of the format).
_spec = importlib.util.spec_from_file_location(
    "wasm_top", os.path.join(os.path.dirname(os.path.abspath(__file__)), "wasm-top.py"))
wasm_top = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wasm_top)


def uleb(n):
    out = bytearray()
    while True:
        x, n = n & 0x7F, n >> 7
        out.append(x | (0x80 if n else 0))
        if not n:
            return out


def strip(src, dst):
    b = open(src, "rb").read()
    if b[:4] != b"\0asm":
        sys.exit(f"wasm-strip: {src} is not a wasm module")
    out = bytearray(b[:8])
    for sid, body in wasm_top.sections(b):
        if sid != 0:
            out += bytes([sid]) + uleb(len(body)) + body
    open(dst, "wb").write(out)


if __name__ == "__main__":
    for path in sys.argv[2:]:
        strip(path, os.path.join(sys.argv[1], os.path.basename(path)))
