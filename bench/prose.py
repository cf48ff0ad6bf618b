#!/usr/bin/env python3
"""Writes a long-prose report of about PAGES pages, to measure how typesetting and the PDF
writer grow with pages (issue 16: linear, and 600 pages in under 0.3 s).

    python3 bench/prose.py PAGES OUT.yaml

The report is samples/seed.yaml (its tables and prose) with PAGES x 11 short numbered paragraphs
of made-up work notes (about 40 characters: two lines each, digits included) added to its first
section. Every paragraph differs, and the same PAGES gives the same file. 600 pages stay under
the 1 MiB limit on a report's text (docs/report-format.md); the page count comes out within a
few percent of PAGES (bench/run.sh reads the real one with pdfinfo). Standard library only.
"""
import os
import sys

# Short phrases of our own, combined by the paragraph number.
TOPICS = ["就业创业", "社会保障", "人才人事", "劳动关系", "工资发放", "技能培训", "档案管理",
          "窗口服务", "政策解读", "信访办理", "职称评审", "基金监管", "网站维护"]
ACTIONS = ["梳理公开目录", "更新办事指南", "核对公开内容", "回应群众咨询", "开展专项检查",
           "整理申请材料", "完善工作台账", "组织业务培训", "落实保密审查", "规范发布流程"]
RESULTS = ["按期完成", "全部办结", "逐项整改到位", "形成工作记录", "纳入年度考核",
           "持续跟踪落实", "及时向社会公开"]


def paragraph(i):
    topic = TOPICS[i % len(TOPICS)]
    action = ACTIONS[(i // len(TOPICS)) % len(ACTIONS)]
    result = RESULTS[(i * 7) % len(RESULTS)]
    return ("第%d项：围绕%s工作%s，全年处理相关事项%d件，涉及%d个科室，%s。"
            % (i + 1, topic, action, 10 + (i * 37) % 890, 1 + i % 9, result))


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    pages, out = int(argv[0]), argv[1]
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    with open(os.path.join(here, "samples", "seed.yaml"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    at = lines.index("  - body:") + 1  # the first section's body
    extra = ["      - " + paragraph(i) for i in range(pages * 11)]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines[:at] + extra + lines[at:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
