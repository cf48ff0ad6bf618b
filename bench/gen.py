#!/usr/bin/env python3
"""Writes COUNT report descriptions made from the samples, for the batch benchmark.

    python3 bench/gen.py COUNT OUTDIR [--samples DIR] [--seed N]

Each report is one of samples/*.yaml with, chosen by a seeded random generator (the same
COUNT and seed always give the same files):
  - another agency (district x department) and year, the title left to its default;
  - its table figures replaced by a*figures + c*pattern, where `pattern` is a table that
    satisfies the layout's arithmetic (so every generated report still checks clean);
  - 0 to 4 extra paragraphs appended to the last section (different lengths, different page
    breaks).
Standard library only; the YAML is edited as text, line by line.
"""
import argparse
import os
import random
import re
import sys

DISTRICTS = ["湛河区", "新华区", "卫东区", "石龙区", "叶县", "宝丰县", "鲁山县", "郏县", "舞钢市",
             "汝州市", "清江浦区", "淮阴区", "淮安区", "洪泽区", "涟水县", "盱眙县", "金湖县",
             "鼓楼区", "玄武区", "秦淮区", "建邺区", "江宁区", "浦口区", "六合区", "溧水区"]
DEPARTMENTS = ["人力资源和社会保障局", "财政局", "教育局", "民政局", "司法局", "自然资源局",
               "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
               "文化广电和旅游局", "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局",
               "统计局", "医疗保障局", "人民政府", "发展和改革委员会", "科学技术局"]
EXTRA = [
    "本年度，我单位进一步健全政务公开工作机制，明确分管领导和具体承办人员，"
    "将政务公开工作纳入年度目标考核，做到有部署、有检查、有落实。",
    "严格落实公开前保密审查制度，坚持“先审查、后公开”和“一事一审”原则，"
    "全年未发生因信息公开引发的泄密事件。",
    "加强政策文件的集中统一公开，对现行有效的规范性文件进行全面清理，"
    "在门户网站集中展示，方便公众查阅。",
    "围绕群众关心关注的就业、社保、教育、医疗等民生事项，及时发布办事指南和服务信息，"
    "推动公开内容从“能公开”向“好查阅、好理解”转变。",
    "依托政务服务大厅和基层便民服务站点设立查阅点，配备专人提供咨询服务，"
    "全年接待现场查阅和咨询群众百余人次。",
    "畅通依申请公开受理渠道，规范登记、审核、办理、答复、归档等各环节，"
    "确保依申请公开答复内容规范、程序合法、按时办结。",
]

# Tables that satisfy the layouts' rules (the figures of samples/huaian-city-2024.yaml).
PATTERN = {
    "rules": [1, 0, 11], "normative": [8, 26, 66], "permits": [4472], "penalties": [398],
    "coercion": [88], "fees": [96.5],
    "new": [3001, 53, 0, 0, 61, 4, 3119], "carried_over": [34, 0, 0, 0, 0, 0, 34],
    "disclosed": [1288, 21, 0, 0, 50, 3, 1362], "partial": [447, 7, 0, 0, 0, 0, 454],
    "withheld_1": [2, 0, 0, 0, 0, 0, 2], "withheld_2": [30, 1, 0, 0, 0, 0, 31],
    "withheld_3": [5, 0, 0, 0, 0, 0, 5], "withheld_4": [6, 0, 0, 0, 0, 0, 6],
    "withheld_5": [7, 1, 0, 0, 0, 0, 8], "withheld_6": [12, 0, 0, 0, 0, 0, 12],
    "withheld_7": [9, 0, 0, 0, 0, 0, 9], "withheld_8": [105, 0, 0, 0, 0, 0, 105],
    "unavailable_1": [746, 12, 0, 0, 10, 1, 769], "unavailable_2": [11, 0, 0, 0, 0, 0, 11],
    "unavailable_3": [1, 0, 0, 0, 0, 0, 1], "unprocessed_1": [56, 6, 0, 0, 0, 0, 62],
    "unprocessed_2": [25, 0, 0, 0, 0, 0, 25], "unprocessed_3": [0, 0, 0, 0, 0, 0, 0],
    "unprocessed_4": [0, 0, 0, 0, 0, 0, 0], "unprocessed_5": [1, 0, 0, 0, 0, 0, 1],
    "other_1": [67, 3, 0, 0, 1, 0, 71], "other_2": [6, 0, 0, 0, 0, 0, 6],
    "other_3": [108, 2, 0, 0, 0, 0, 110], "total": [2932, 53, 0, 0, 61, 4, 3050],
    "other": [181, 5, 0, 0, 1, 0, 187],  # gov-2019's single （六）其他处理 row
    "carry_forward": [103, 0, 0, 0, 0, 0, 103],
    "review": [72, 64, 178, 37, 351], "direct": [13, 4, 8, 1, 26],
    "after_review": [12, 1, 1, 6, 20],
}

ROW = re.compile(r"^(\s+)([a-z_0-9]+):(\s*)\[([^\]]*)\](.*)$")


def pattern_for(key, ncols):
    p = PATTERN.get(key)
    if p is None:
        return None
    if len(p) == ncols:
        return p
    if len(p) == 7 and ncols == 6:  # no 其他 column: drop it from the row and from its total
        return p[:5] + [p[6] - p[5]]
    return None


def number(text):
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def fmt(v):
    if isinstance(v, float):
        return ("%.1f" % v).rstrip("0").rstrip(".")
    return str(v)


def vary_row(m, a, c):
    indent, key, space, cells, rest = m.groups()
    values = [number(x) for x in cells.split(",")]
    if not values or any(v is None for v in values):
        return None
    pat = pattern_for(key, len(values))
    if pat is None:
        return None
    out = []
    for v, p in zip(values, pat):
        w = a * v + c * p
        if isinstance(w, float):
            w = round(w, 1)
        out.append(fmt(w))
    return "%s%s:%s[%s]%s" % (indent, key, space, ", ".join(out), rest)


def make(sample_lines, rng):
    text = "".join(sample_lines)
    agency = re.search(r"^agency:\s*(.+?)\s*$", text, re.M).group(1)
    year = int(re.search(r"^year:\s*(\d+)", text, re.M).group(1))
    new_agency = rng.choice(DISTRICTS) + rng.choice(DEPARTMENTS)
    new_year = rng.randint(2021, 2025)
    a, c = rng.randint(1, 3), rng.randint(0, 4)
    out = []
    for line in sample_lines:
        if line.startswith("title:"):
            continue  # the default title names the new agency and year
        if line.startswith("year:"):
            line = "year: %d\n" % new_year
        elif line.startswith("date:"):
            line = "date: %d-01-%02d\n" % (new_year + 1, rng.randint(5, 28))
        else:
            m = ROW.match(line.rstrip("\n"))
            if m:
                varied = vary_row(m, a, c)
                if varied is not None:
                    line = varied + "\n"
            line = line.replace(agency, new_agency)
            line = line.replace("%d年" % year, "%d年" % new_year)
        out.append(line)
    items = [l for l in out if re.match(r"^\s+- ", l)]
    indent = re.match(r"^(\s+)- ", items[-1]).group(1) if items else "      "
    if not out[-1].endswith("\n"):
        out[-1] += "\n"
    for _ in range(rng.randint(0, 4)):
        out.append("%s- %s\n" % (indent, rng.choice(EXTRA)))
    return "".join(out), new_agency, new_year


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("count", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--samples", default=os.path.join(os.path.dirname(__file__), "..", "samples"))
    ap.add_argument("--seed", type=int, default=2025)
    args = ap.parse_args()
    names = sorted(n for n in os.listdir(args.samples) if n.endswith(".yaml"))
    if not names:
        sys.exit("gen.py: no *.yaml in %s" % args.samples)
    samples = []
    for n in names:
        with open(os.path.join(args.samples, n), encoding="utf-8") as f:
            samples.append(f.readlines())
    rng = random.Random(args.seed)
    os.makedirs(args.outdir, exist_ok=True)
    for i in range(args.count):
        text, _, _ = make(samples[i % len(samples)], rng)
        with open(os.path.join(args.outdir, "r%05d.yaml" % i), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
