#!/usr/bin/env python3
"""Writes a test seal: a red ring with a red star on a transparent ground, as an RGBA PNG.
Usage: makeseal.py OUT.png [SIZE]   (standard library only)"""
import math
import struct
import sys
import zlib


def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def inside_star(x, y, r):
    # A five-pointed star of outer radius r centred at the origin.
    a = math.atan2(y, x) + math.pi / 2
    d = math.hypot(x, y)
    k = (a % (2 * math.pi / 5)) - math.pi / 5
    edge = r * 0.38 / math.cos(k) * 1.0 if abs(k) < math.pi / 5 else r
    inner = r * 0.38
    t = abs(k) / (math.pi / 5)
    return d <= inner + (r - inner) * (1 - t) ** 2


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    c = (n - 1) / 2
    rows = []
    for j in range(n):
        row = bytearray([0])
        for i in range(n):
            x, y = i - c, j - c
            d = math.hypot(x, y)
            red = (0.40 * n <= d <= 0.48 * n) or inside_star(x, y, 0.22 * n)
            row += bytes((200, 16, 32, 255)) if red else bytes((255, 255, 255, 0))
        rows.append(bytes(row))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", n, n, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
    with open(out, "wb") as f:
        f.write(png)


main()
