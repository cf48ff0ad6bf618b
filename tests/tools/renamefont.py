#!/usr/bin/env python3
"""Writes a copy of a font cut to the characters of a text file and renamed to another family:
a stand-in for a font an agency has installed (tests/fonts_preset.sh).

Usage: renamefont.py IN.otf TEXT OUT.otf FAMILY POSTSCRIPT-NAME
Needs fontTools (Debian's python3-fonttools); exits 77 without it."""

import sys

try:
    from fontTools import subset
    from fontTools.ttLib import TTFont
except ImportError:
    sys.stderr.write("skip: no fontTools (python3-fonttools)\n")
    sys.exit(77)


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    src, text, out, family, ps = argv
    font = TTFont(src)
    with open(text, encoding="utf-8") as f:
        chars = set(f.read())
    options = subset.Options()
    options.name_IDs = ["*"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in chars if ord(c) > 0x20])
    sub.subset(font)
    for rec in font["name"].names:
        if rec.nameID in (1, 16):
            rec.string = family
        elif rec.nameID == 4:
            rec.string = family
        elif rec.nameID == 6:
            rec.string = ps
    if "CFF " in font:
        font["CFF "].cff.fontNames = [ps]
    font.save(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
