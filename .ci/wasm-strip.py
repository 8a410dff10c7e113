#!/usr/bin/env python3
"""Drops a wasm module's custom sections (names, producers, the splitter's notes): what
`wasm-opt` would also drop, for the splitter's many small shared chunks, where starting
`wasm-opt` (binaryen from npm, on node) costs more than it saves (issue 19, .ci/wasm-split.sh).

    python3 .ci/wasm-strip.py OUT_DIR IN.wasm...    (each written to OUT_DIR under its name)
"""
import os
import sys


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def main(src, dst):
    b = open(src, "rb").read()
    if b[:4] != b"\0asm":
        sys.exit(f"wasm-strip: {src} is not a wasm module")
    out = bytearray(b[:8])
    i = 8
    while i < len(b):
        sid = b[i]
        size, j = leb(b, i + 1)
        end = j + size
        if sid != 0:
            out += b[i:end]
        i = end
    open(dst, "wb").write(out)


if __name__ == "__main__":
    for path in sys.argv[2:]:
        main(path, os.path.join(sys.argv[1], os.path.basename(path)))
