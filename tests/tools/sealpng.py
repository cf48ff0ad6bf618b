#!/usr/bin/env python3
"""Writes seal PNGs of every shape a seal decoder meets, good and hostile (standard library only).
Usage: sealpng.py KIND OUT.png [SIZE]
Good kinds (a red ring on white or transparent ground):
  rgba        8-bit RGBA
  rgb-trns    8-bit RGB with a tRNS chunk making white transparent
  gray-trns   8-bit grey with a tRNS chunk
  palette     palette with PLTE and tRNS
  interlaced  8-bit RGBA, Adam7 interlaced
  rgb16       16-bit RGB
  heavy       4000 x 4000 RGBA of about 1.1 MB: a ring with a noisy band (the slow case)
Hostile kinds:
  corrupt     IDAT bytes damaged (CRCs recomputed, so the damage reaches the inflater)
  badcrc      a wrong CRC on IDAT
  truncated   a valid file cut in the middle of IDAT
  huge        IHDR of 60000 x 60000 pixels over a few bytes of data
  oversized   a valid 1500 x 1500 RGB image of random pixels: over 4 MiB
  bomb        16000 x 16000 RGBA of one colour: 1 MB of file, 1 GB of pixels
"""
import os
import random
import struct
import sys
import zlib

SIG = b"\x89PNG\r\n\x1a\n"


def chunk(kind, data, crc=None):
    if crc is None:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def ihdr(w, h, depth, ctype, interlace=0):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace))


def ring_rows(n, ink, paper):
    """Rows of n pixels (bytes, without filter byte): a ring of `ink` on `paper`."""
    c = (n - 1) / 2
    r1, r2 = 0.40 * n, 0.48 * n
    rows = []
    for j in range(n):
        y = j - c
        row = bytearray(paper * n)
        for i in range(n):
            d2 = (i - c) ** 2 + y * y
            if r1 * r1 <= d2 <= r2 * r2:
                row[i * len(ink):(i + 1) * len(ink)] = ink
        rows.append(bytes(row))
    return rows


def scanlines(rows):
    return b"".join(b"\0" + r for r in rows)


def adam7(rows, bpp, n):
    """Adam7 interlacing of n x n rows of bpp bytes per pixel."""
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
              (0, 1, 1, 2)]
    out = b""
    for x0, y0, dx, dy in passes:
        if x0 >= n or y0 >= n:
            continue
        for j in range(y0, n, dy):
            line = b"".join(rows[j][i * bpp:(i + 1) * bpp] for i in range(x0, n, dx))
            out += b"\0" + line
    return out


def png(w, h, depth, ctype, raw, extra=b"", interlace=0):
    return (SIG + ihdr(w, h, depth, ctype, interlace) + extra +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    kind, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    red, white = bytes((200, 16, 32)), bytes((255, 255, 255))
    if kind == "rgba":
        data = png(n, n, 8, 6, scanlines(ring_rows(n, red + b"\xff", white + b"\0")))
    elif kind == "rgb-trns":
        data = png(n, n, 8, 2, scanlines(ring_rows(n, red, white)),
                   chunk(b"tRNS", struct.pack(">HHH", 255, 255, 255)))
    elif kind == "gray-trns":
        data = png(n, n, 8, 0, scanlines(ring_rows(n, b"\x40", b"\xff")),
                   chunk(b"tRNS", struct.pack(">H", 255)))
    elif kind == "palette":
        data = png(n, n, 8, 3, scanlines(ring_rows(n, b"\x01", b"\x00")),
                   chunk(b"PLTE", white + red) + chunk(b"tRNS", b"\x00\xff"))
    elif kind == "interlaced":
        data = png(n, n, 8, 6, adam7(ring_rows(n, red + b"\xff", white + b"\0"), 4, n),
                   interlace=1)
    elif kind == "rgb16":
        data = png(n, n, 16, 2, scanlines(ring_rows(n, b"\xc8\x00\x10\x00\x20\x00",
                                                    b"\xff" * 6)))
    elif kind == "heavy":
        n = 4000
        rnd = random.Random(11)
        ink, paper = red + b"\xff", white + b"\0"
        rows = []
        c = (n - 1) / 2
        for j in range(n):
            y = j - c
            row = bytearray(paper * n)
            # The ring, drawn as two runs per row.
            for (r_in, r_out) in ((0.40 * n, 0.48 * n),):
                if abs(y) <= r_out:
                    xo = (r_out * r_out - y * y) ** 0.5
                    xi = (r_in * r_in - y * y) ** 0.5 if abs(y) < r_in else 0
                    for a, b in ((c - xo, c - xi), (c + xi, c + xo)):
                        a, b = int(max(a, 0)), int(min(b, n - 1))
                        row[a * 4:(b + 1) * 4] = ink * (b - a + 1)
            # A noisy band across the middle: the scanned texture of a real seal.
            if 1900 <= j < 1960:
                row[0:n * 4] = rnd.randbytes(n * 4)
            rows.append(bytes(row))
        data = png(n, n, 8, 6, scanlines(rows))
    elif kind in ("corrupt", "badcrc", "truncated"):
        raw = scanlines(ring_rows(n, red, white))
        z = bytearray(zlib.compress(raw, 9))
        if kind == "corrupt":
            for k in range(len(z) // 3, len(z) // 3 + 24):
                z[k] ^= 0x5A
        crc = 0x12345678 if kind == "badcrc" else None
        data = SIG + ihdr(n, n, 8, 2) + chunk(b"IDAT", bytes(z), crc) + chunk(b"IEND", b"")
        if kind == "truncated":
            data = data[:len(data) // 2]
    elif kind == "huge":
        data = png(60000, 60000, 8, 2, b"\0" * 64)
    elif kind == "oversized":
        n = 1500
        rnd = random.Random(7)
        data = png(n, n, 8, 2, b"".join(b"\0" + rnd.randbytes(3 * n) for _ in range(n)))
    elif kind == "bomb":
        n = 16000
        z = zlib.compressobj(9)
        line = b"\0" + b"\xff\xff\xff\0" * n
        idat = b"".join(z.compress(line) for _ in range(n)) + z.flush()
        data = SIG + ihdr(n, n, 8, 6) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    else:
        sys.exit("sealpng.py: unknown kind " + kind)
    with open(out, "wb") as f:
        f.write(data)


main()
