#!/usr/bin/env python3
"""Writes a small PDF from a JSON description, to give the PDF checkers input of known geometry.

Input (stdin): {"pages": [[{"x": X, "y": Y, "size": S, "text": "…", "pitch": P}, …], …]}
(x, y: baseline origin in PDF points). Each character is placed on its own at x + i*pitch; the
pitch defaults to the character's advance: 1 em for full-width characters, 1/2 em for ASCII.
Characters are drawn by a Type 3 font of plain boxes (an em dash is a bar 0.27–0.33 em above the
baseline, as in the Fandol fonts), with a ToUnicode map, so readers need no font files and the
result is the same on every machine. Standard library only."""
import json
import sys


def advance(ch):
    return 500 if ord(ch) < 0x80 else 1000


def glyph_proc(ch):
    w = advance(ch)
    if ch == "—":
        return "%d 0 d0 0 270 %d 60 re f" % (w, w)
    if ch.isspace():
        return "%d 0 d0" % w
    return "%d 0 d0 %d 0 %d 700 re f" % (w, w // 10, w - w // 5)


def utf16_hex(ch):
    return ch.encode("utf-16-be").hex().upper()


def build(spec):
    chars = sorted({ch for page in spec["pages"] for run in page for ch in run["text"]})
    if len(chars) > 255:
        raise SystemExit("mkpdf: more than 255 distinct characters")
    code = {ch: i + 1 for i, ch in enumerate(chars)}
    objects = []  # object n is objects[n - 1]

    def add(body):
        objects.append(body)
        return len(objects)

    def stream(data, extra=b""):
        return add(b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream")

    catalog = add(None)
    pages = add(None)
    procs = {ch: stream(glyph_proc(ch).encode()) for ch in chars}
    names = {ch: b"/g%d" % code[ch] for ch in chars}
    cmap = ["/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <00> <FF> endcodespacerange",
            "%d beginbfchar" % len(chars)]
    cmap += ["<%02X> <%s>" % (code[ch], utf16_hex(ch)) for ch in chars]
    cmap += ["endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"]
    tounicode = stream("\n".join(cmap).encode())
    font = add(b"<< /Type /Font /Subtype /Type3 /FontBBox [0 -120 1000 880] "
               b"/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << %s >> "
               b"/Encoding << /Type /Encoding /Differences [1 %s] >> "
               b"/FirstChar 1 /LastChar %d /Widths [%s] /ToUnicode %d 0 R /Resources << >> >>"
               % (b" ".join(names[ch] + b" %d 0 R" % procs[ch] for ch in chars),
                  b" ".join(names[ch] for ch in chars), len(chars),
                  b" ".join(b"%d" % advance(ch) for ch in chars), tounicode))
    kids = []
    for runs in spec["pages"]:
        ops = ["BT"]
        for run in runs:
            x = run["x"]
            for ch in run["text"]:
                ops.append("/F1 %g Tf 1 0 0 1 %.3f %.3f Tm <%02X> Tj"
                           % (run["size"], x, run["y"], code[ch]))
                x += run.get("pitch") or advance(ch) * run["size"] / 1000.0
        ops.append("ET")
        content = stream("\n".join(ops).encode())
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595.276 841.89] "
                        b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                        % (pages, font, content)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages
    objects[pages - 1] = (b"<< /Type /Pages /Count %d /Kids [%s] >>"
                          % (len(kids), b" ".join(b"%d 0 R" % k for k in kids)))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, catalog, xref))
    return bytes(out)


if __name__ == "__main__":
    sys.stdout.buffer.write(build(json.load(sys.stdin)))
