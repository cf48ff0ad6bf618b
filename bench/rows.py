#!/usr/bin/env python3
"""Writes a data folder and a report whose 表三 has ROWS rows under （六）其他处理, to measure how
table layout and pagination grow with rows (issue 16: they must be linear).

    python3 bench/rows.py ROWS OUTDIR

OUTDIR gets layouts/ (the project's layouts plus gov-2021-rowsROWS.yaml, made from gov-2021 by
giving （六）其他处理 ROWS rows), fonts/ (a link to the project's) and report.yaml. Render with
    NIANBAO_DATADIR=OUTDIR nianbao render OUTDIR/report.yaml -o out.pdf
Standard library only; the layout is edited as text.
"""
import os
import re
import shutil
import sys


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    rows, out = int(argv[0]), argv[1]
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    os.makedirs(os.path.join(out, "layouts"), exist_ok=True)
    for f in os.listdir(os.path.join(here, "layouts")):
        shutil.copy(os.path.join(here, "layouts", f), os.path.join(out, "layouts", f))
    fonts = os.path.join(out, "fonts")
    if not os.path.exists(fonts):
        os.symlink(os.path.abspath(os.path.join(here, "fonts")), fonts)
    with open(os.path.join(here, "layouts", "gov-2021.yaml"), encoding="utf-8") as f:
        lay = f.read()
    name = "gov-2021-rows%d" % rows
    lay = lay.replace("layout: gov-2021\n", "layout: %s\n" % name, 1)
    lay = lay.replace("national: gov-2021\n", "national: %s\n" % name, 1)
    lay = re.sub(r"三、本年度办理结果, rows: 22", "三、本年度办理结果, rows: %d" % (19 + rows), lay)
    start = lay.index("      - [{text: （六）其他处理, rows: 3},")
    end = lay.index("      - [{text: （七）总计")
    block = ["      - [{text: （六）其他处理, rows: %d}, %d.其他处理情形, {values: other_1}]\n"
             % (rows, 1)]
    block += ["      - [%d.其他处理情形, {values: other_%d}]\n" % (k, k) for k in range(2, rows + 1)]
    lay = lay[:start] + "".join(block) + lay[end:]
    with open(os.path.join(out, "layouts", name + ".yaml"), "w", encoding="utf-8") as f:
        f.write(lay)
    keys = (["new", "carried_over", "disclosed", "partial"]
            + ["withheld_%d" % i for i in range(1, 9)]
            + ["unavailable_%d" % i for i in range(1, 4)]
            + ["unprocessed_%d" % i for i in range(1, 6)]
            + ["other_%d" % i for i in range(1, rows + 1)] + ["total", "carry_forward"])
    zeros = "[0, 0, 0, 0, 0, 0, 0]"
    with open(os.path.join(out, "report.yaml"), "w", encoding="utf-8") as f:
        f.write("agency: 某区人民政府\nyear: 2024\ndate: 2025-01-20\nlayout: %s\n"
                "signoff: 某区人民政府\n\nsections:\n  - body:\n      - 本年度工作总体平稳。\n"
                "  - body:\n      - table: active\n        values:\n"
                "          rules: [0, 0, 0]\n          normative: [0, 0, 0]\n"
                "          permits: [0]\n          penalties: [0]\n          coercion: [0]\n"
                "          fees: [0]\n"
                "  - body:\n      - table: applications\n        values:\n" % name)
        for k in keys:
            f.write("          %s: %s\n" % (k, zeros))
        f.write("  - body:\n      - table: appeals\n        values:\n"
                "          review: [0, 0, 0, 0, 0]\n          direct: [0, 0, 0, 0, 0]\n"
                "          after_review: [0, 0, 0, 0, 0]\n"
                "  - body:\n      - 无。\n  - body:\n      - 本年度未收取信息处理费。\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
