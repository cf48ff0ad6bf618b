#!/usr/bin/env python3
"""Writes variants of a sample report whose line and page breaks all fall elsewhere: variant n
puts n·3 characters of ordinary report prose (marks, quotes, 〔2021〕30号, ——, ……, numbers, Latin)
before the first paragraph and n·7 after the first paragraph of sections 五 and 六.

Usage: shift_sample.py SAMPLE.yaml COUNT OUTDIR  (writes OUTDIR/<name>-NN.yaml). Needs PyYAML."""
import copy
import os
import sys

import yaml

PAD = ("依法依规推进政务公开标准化规范化建设，切实提升公开质量和实效。依据《条例》和“谁起草、"
       "谁解读”原则，落实国办公开办函〔2021〕30号要求——确保公开到位……全年办结率达到12.5%，"
       "按GB/T 9704排版，发布2025年度报告。")


def cut(n):
    """The first n characters of PAD, never ending with an opening mark."""
    s = PAD[:n % len(PAD)]
    while s and s[-1] in "“《（〔":
        s = s[:-1]
    return s


def main(argv):
    src, count, out = argv[0], int(argv[1]), argv[2]
    with open(src, encoding="utf-8") as f:
        report = yaml.safe_load(f)
    name = os.path.splitext(os.path.basename(src))[0]
    for n in range(count):
        d = copy.deepcopy(report)
        first = d["sections"][0]["body"]
        if isinstance(first[0], str):
            first[0] = cut(n * 3) + first[0]
        for section in d["sections"][4:]:
            for i, block in enumerate(section.get("body") or []):
                if isinstance(block, str):
                    section["body"][i] = block + cut(n * 7)
                    break
        path = os.path.join(out, "%s-%02d.yaml" % (name, n))
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(d, f, allow_unicode=True, width=1000)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
