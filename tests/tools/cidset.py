#!/usr/bin/env python3
"""Checks the CIDSet of every embedded CID font of a PDF (PDF/A-1 6.3.5) against its font program.

usage: cidset.py FILE.pdf

For each font descriptor with a /CIDSet: the set's bits must be exactly the CIDs the program has
(CIDFontType0C: the CIDs its charset gives the glyphs, .notdef 0 included; TrueType with
/CIDToGIDMap /Identity: 0 .. numGlyphs - 1), and a CFF program's CIDs must be 0 .. n - 1, as our
subsets number their glyphs. Reads a classic PDF (no object streams, as PDF/A-1 files are)
with its streams Flate-compressed or plain. Prints one line per font and exits 1 on a mismatch.
"""
import re
import struct
import sys
import zlib


def objects(data):
    """Object number -> (dictionary bytes, stream bytes or None)."""
    out = {}
    for m in re.finditer(rb'(?<![0-9])(\d+) 0 obj\b', data):
        start = m.end()
        end = data.find(b'endobj', start)
        body = data[start:end]
        s = re.search(rb'>>\s*stream\r?\n', body)
        if s:
            out[int(m.group(1))] = (body[:s.start() + 2], start + s.end())
        else:
            out[int(m.group(1))] = (body, None)
    resolved = {}
    for num, (dic, at) in out.items():
        if at is None:
            resolved[num] = (dic, None)
            continue
        length = re.search(rb'/Length (\d+)(?: 0 R)?', dic)
        n = int(length.group(1))
        if length.group(0).endswith(b'R'):
            n = int(out[n][0].strip())
        raw = data[at:at + n]
        if b'/FlateDecode' in dic:
            raw = zlib.decompress(raw)
        resolved[num] = (dic, raw)
    return resolved


def cff_index(d, at):
    count = struct.unpack('>H', d[at:at + 2])[0]
    if count == 0:
        return [], at + 2
    size = d[at + 2]
    offs = [int.from_bytes(d[at + 3 + i * size:at + 3 + (i + 1) * size], 'big')
            for i in range(count + 1)]
    base = at + 3 + (count + 1) * size - 1
    return [d[base + offs[i]:base + offs[i + 1]] for i in range(count)], base + offs[-1]


def top_dict_offsets(b):
    """The charset and CharStrings offsets of a Top DICT."""
    i, args, found = 0, [], {}
    while i < len(b):
        x = b[i]
        if x <= 21:
            op = x
            i += 1
            if x == 12:
                op = 1200 + b[i]
                i += 1
            if op in (15, 17) and args:
                found[op] = args[-1]
            args = []
        elif x == 28:
            args.append(struct.unpack('>h', b[i + 1:i + 3])[0])
            i += 3
        elif x == 29:
            args.append(struct.unpack('>i', b[i + 1:i + 5])[0])
            i += 5
        elif x == 30:
            i += 1
            while not ((b[i] & 0xF0) == 0xF0 or (b[i] & 0x0F) == 0x0F):
                i += 1
            i += 1
            args.append(0)
        elif 32 <= x <= 246:
            args.append(x - 139)
            i += 1
        elif 247 <= x <= 250:
            args.append((x - 247) * 256 + b[i + 1] + 108)
            i += 2
        else:
            args.append(-(x - 251) * 256 - b[i + 1] - 108)
            i += 2
    return found.get(15), found.get(17)


def cff_cids(d):
    """The CIDs of a CID-keyed CFF program's glyphs, in glyph order (TN 5176 §13)."""
    _, p = cff_index(d, d[2])
    tops, p = cff_index(d, p)
    charset, charstrings = top_dict_offsets(tops[0])
    glyphs = len(cff_index(d, charstrings)[0])
    cids, fmt, at = [0], d[charset], charset + 1
    while len(cids) < glyphs:
        if fmt == 0:
            cids.append(struct.unpack('>H', d[at:at + 2])[0])
            at += 2
        else:
            width = 1 if fmt == 1 else 2
            first = struct.unpack('>H', d[at:at + 2])[0]
            left = int.from_bytes(d[at + 2:at + 2 + width], 'big')
            cids.extend(range(first, first + left + 1))
            at += 2 + width
    return cids[:glyphs]


def truetype_glyphs(d):
    tables = struct.unpack('>H', d[4:6])[0]
    for i in range(tables):
        tag, _, off, _ = struct.unpack('>4sIII', d[12 + 16 * i:28 + 16 * i])
        if tag == b'maxp':
            return struct.unpack('>H', d[off + 4:off + 6])[0]
    raise ValueError('no maxp table')


def main(path):
    objs = objects(open(path, 'rb').read())
    bad = fonts = 0
    for num, (dic, _) in sorted(objs.items()):
        cidset = re.search(rb'/CIDSet (\d+) 0 R', dic)
        program = re.search(rb'/FontFile([23]) (\d+) 0 R', dic)
        if not cidset or not program:
            continue
        fonts += 1
        name = re.search(rb'/FontName\s*/([^\s/<>\[\]]+)', dic)
        name = name.group(1).decode('latin-1') if name else str(num)
        bits = objs[int(cidset.group(1))][1]
        in_set = {i for i in range(len(bits) * 8) if bits[i // 8] & (0x80 >> (i % 8))}
        prog = objs[int(program.group(2))][1]
        if program.group(1) == b'3':
            cids = cff_cids(prog)
            if cids != list(range(len(cids))):
                print(f'{name}: the CFF program\'s CIDs are not 0 .. {len(cids) - 1}')
                bad += 1
        else:
            cids = list(range(truetype_glyphs(prog)))
        if in_set != set(cids):
            print(f'{name}: CIDSet has {len(in_set)} CIDs (up to {max(in_set, default=-1)}), '
                  f'the program {len(cids)} (up to {max(cids, default=-1)}); '
                  f'missing {sorted(set(cids) - in_set)[:5]}, extra {sorted(in_set - set(cids))[:5]}')
            bad += 1
        else:
            print(f'{name}: CIDSet = the program\'s {len(cids)} CIDs')
    if fonts == 0:
        print(f'{path}: no font descriptor with a CIDSet')
        return 1
    return 1 if bad else 0


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
