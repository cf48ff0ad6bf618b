#!/usr/bin/env python3
"""Writes hostile source files for the import tests, into the current folder.

  mkhostile.py docx GOOD.docx    truncated.docx (the first half of GOOD), damaged.docx (GOOD with
      document.xml's compressed bytes overwritten), bomb-size.docx (document.xml inflating to
      200 MiB), bomb-ratio.docx (15 MiB of XML from 15 KiB), lying.docx (document.xml bigger
      than its headers say), laughs.docx (entities nested ten deep, ten wide), notzip.docx
      (random bytes), nodoc.docx (a zip without word/document.xml), deep.docx (10,000 nested
      elements)
  mkhostile.py pdf              pages-10000.pdf (a valid PDF of 10,000 empty pages),
      truncated.pdf, loop.pdf (a page tree that contains itself), table.pdf (a page with a
      small ruled table in Helvetica), same-spot.pdf (60,000 glyphs kerned onto one spot),
      rules.pdf (4,800 crossing rules), dense.pdf (12 pages of a 99 x 99 ruled table full)
Standard library only."""

import os
import struct
import sys
import zipfile
import zlib

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with(path, document, **parts):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for name, data in parts.items():
            z.writestr(name, data)
        if document is not None:
            z.writestr("word/document.xml", document)


def bomb(path, size):
    """document.xml of `size` bytes of white space inside a paragraph, written in chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(('<w:document %s><w:body><w:p><w:r><w:t>' % W).encode())
            chunk = b" " * (1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")


def lying(good, path):
    """GOOD with document.xml's stated size (local and central headers) cut to 100 bytes."""
    data = bytearray(open(good, "rb").read())
    name = b"word/document.xml"
    at = 0
    while True:
        at = data.find(name, at)
        if at < 0:
            break
        if data[at - 30:at - 26] == b"PK\x03\x04":
            struct.pack_into("<I", data, at - 30 + 22, 100)
        elif data[at - 46:at - 42] == b"PK\x01\x02":
            struct.pack_into("<I", data, at - 46 + 24, 100)
        at += 1
    open(path, "wb").write(data)


def damaged(good, path):
    data = bytearray(open(good, "rb").read())
    at = data.find(b"word/document.xml") + len("word/document.xml") + 40
    for i in range(at, min(at + 200, len(data))):
        data[i] = (data[i] * 7 + 13) & 0xFF
    open(path, "wb").write(data)


def docx(good):
    data = open(good, "rb").read()
    open("truncated.docx", "wb").write(data[: len(data) // 2])
    damaged(good, "damaged.docx")
    lying(good, "lying.docx")
    bomb("bomb-size.docx", 200 << 20)
    bomb("bomb-ratio.docx", 15 << 20)
    ents = ['<!ENTITY a0 "年报年报年报年报年报">']
    for i in range(1, 10):
        ents.append('<!ENTITY a%d "%s">' % (i, ("&a%d;" % (i - 1)) * 10))
    docx_with("laughs.docx", '<?xml version="1.0"?><!DOCTYPE d [%s]><w:document %s><w:body>'
              "<w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>" % ("".join(ents), W))
    open("notzip.docx", "wb").write(os.urandom(50000))
    docx_with("nodoc.docx", None, **{"word/styles.xml": "<w:styles %s/>" % W})
    docx_with("deep.docx", "<w:document %s><w:body><w:p>%s<w:r><w:t>深</w:t></w:r>%s</w:p>"
              "</w:body></w:document>" % (W, "<w:ins>" * 10000, "</w:ins>" * 10000))


def pdf_file(path, objects, root=1):
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, xref)
    open(path, "wb").write(out)


def table_pdf(path):
    """One page: a line of text and a 3 x 3 table ruled with lines, a merged cell among them."""
    content = (b"BT /F1 16 Tf 72 760 Td (Annual report 2024) Tj ET\n"
               b"0.5 w 72 700 m 372 700 l S 72 680 m 372 680 l S 72 660 m 372 660 l S "
               b"72 640 m 372 640 l S 72 700 m 72 640 l S 172 680 m 172 640 l S "
               b"272 700 m 272 640 l S 372 700 m 372 640 l S\n"
               b"BT /F1 9 Tf 80 686 Td (Merged head) Tj 200 0 Td (Total) Tj ET\n"
               b"BT /F1 9 Tf 80 666 Td (Rules) Tj 100 0 Td (1) Tj 100 0 Td (11) Tj ET\n"
               b"BT /F1 9 Tf 80 646 Td (Norms) Tj 100 0 Td (8) Tj 100 0 Td (66) Tj ET\n"
               b"BT /F1 11 Tf 72 600 Td (A paragraph after the table.) Tj ET\n")
    pdf_file(path, [b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                    b"/Resources << /Font << /F1 5 0 R >> >> >>",
                    b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
                    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def content_pdf(path, contents):
    """Pages of the given content streams, Helvetica as /F1."""
    n = len(contents)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
                n, b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, c in enumerate(contents):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i))
        objs.append(b"<< /Length %d >>\nstream\n" % len(c) + c + b"\nendstream")
    pdf_file(path, objs)


def pdf():
    n = 10000
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
                n, b" ".join(b"%d 0 R" % (4 + i) for i in range(n))),
            b"<< /Length 0 >>\nstream\n\nendstream"]
    for i in range(n):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>")
    pdf_file("pages-10000.pdf", objs)
    data = open("pages-10000.pdf", "rb").read()
    open("truncated.pdf", "wb").write(data[: len(data) // 3])
    table_pdf("table.pdf")
    # 60,000 glyphs kerned back onto one spot, twins and not: one line, one x
    same = b"BT /F1 10 Tf 100 700 Td [" + b"(a) 556 (b) 556 " * 30000 + b"] TJ ET"
    content_pdf("same-spot.pdf", [same])
    # 2,500 x 2,500 rules: a grid far past any table
    grid = b"0.1 w " + b"".join(b"10 %.2f m 585 %.2f l S " % (10 + i * 0.33, 10 + i * 0.33)
                                for i in range(2400)) + \
        b"".join(b"%.2f 10 m %.2f 830 l S " % (10 + i * 0.23, 10 + i * 0.23) for i in range(2400))
    content_pdf("rules.pdf", [grid])
    # 12 pages, each a 99 x 99 table with a character in every cell: joined page after page
    page = bytearray(b"0.2 w ")
    for i in range(100):
        page += b"20 %.1f m 575 %.1f l S " % (20 + i * 8, 20 + i * 8)
        page += b"%.1f 20 m %.1f 812 l S " % (20 + i * 5.6, 20 + i * 5.6)
    page += b"BT /F1 4 Tf "
    for r in range(99):
        page += b"1 0 0 1 %.1f %.1f Tm " % (21, 22 + r * 8)
        page += b"[" + b"(7) -1150 " * 99 + b"] TJ "
    page += b"ET"
    content_pdf("dense.pdf", [bytes(page)] * 12)
    pdf_file("loop.pdf", [b"<< /Type /Catalog /Pages 2 0 R >>",
                          b"<< /Type /Pages /Count 2 /Kids [2 0 R 3 0 R] >>",
                          b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"])


if __name__ == "__main__":
    if sys.argv[1] == "docx":
        docx(sys.argv[2])
    elif sys.argv[1] == "pdf":
        pdf()
    else:
        sys.exit("mkhostile.py docx GOOD.docx | pdf")
