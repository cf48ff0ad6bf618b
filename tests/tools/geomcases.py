#!/usr/bin/env python3
"""Page descriptions for mkpdf.py that test pdfgeom.py itself: `geomcases.py good` is a two-page
document laid out as GB/T 9704 asks; every other case breaks exactly one rule.
Usage: geomcases.py CASE | mkpdf.py > FILE.pdf;  geomcases.py --list"""
import json
import sys

MM = 72.0 / 25.4
LEFT = 28 * MM
RIGHT = LEFT + 156 * MM
TOP = 297 * MM - 37 * MM
BOTTOM = TOP - 225 * MM
PITCH = 156 * MM / 28
LINE = 225 * MM / 22
BODY = 16.0
DROP = (LINE - BODY) / 2 + 0.88 * BODY  # top of a grid line to its baseline

HAN = "政府信息公开工作年度报告依法依规开展申请办理切实保障社会公众的知情权参与权和监督权"


def han(n, start=0):
    return "".join(HAN[(start + i) % len(HAN)] for i in range(n))


def line(k, text, indent=0, size=BODY, pitch=PITCH, dy=0.0, dx=0.0):
    return {"x": LEFT + indent * pitch + dx, "y": TOP - k * LINE - DROP + dy, "size": size,
            "text": text, "pitch": pitch}


def folio(n, odd_side=None, dy=0.0, size=14.0, text=None):
    text = text if text is not None else "— %d —" % n
    width = sum(size / 2 if ord(c) < 0x80 else size for c in text)
    odd = n % 2 == 1 if odd_side is None else odd_side
    x = RIGHT - size - width if odd else LEFT + size
    return {"x": x, "y": BOTTOM - 7 * MM - 0.30 * size + dy, "size": size, "text": text}


def title():
    text = "测试局2025年政府信息公开工作年度报告"
    width = sum(11 if ord(c) < 0x80 else 22 for c in text)
    return {"x": LEFT + (RIGHT - LEFT - width) / 2, "y": TOP - 0.88 * 22 - 4, "size": 22,
            "text": text}


def document(case):
    p1 = [title(),
          line(2, "一、总体情况", indent=2),
          line(3, han(26), indent=2),
          line(4, han(28, 3)),
          line(5, han(9, 7) + "。"),
          # a line that ends with a comma compressed to half a 字 at the line end
          line(6, han(25, 2) + "，", indent=2),
          line(7, han(27, 5) + "，", pitch=(RIGHT - LEFT - 8) / 27.5),
          line(8, han(28, 9)),  # continues on page 2
          folio(1)]
    p2 = [line(0, han(12, 4) + "。"),
          line(1, "（二）依申请公开", indent=2),
          line(2, "（" + han(25, 1), indent=2),
          line(3, han(20, 6) + "2025" + "年。"),
          line(5, "信息内容本年制发件数", size=10.5, pitch=10.5),
          folio(2)]
    pages = [p1, p2]
    if case == "good":
        pass
    elif case == "outside-left":
        p1[3] = line(4, han(28, 3), dx=-3)
    elif case == "outside-bottom":
        p2.append(line(21, han(5), dy=-8))
    elif case == "pitch":
        p1[4] = line(5, han(9, 7) + "。", dy=-0.5)
    elif case == "start-forbidden":
        p1[4] = line(5, "，" + han(9, 7) + "。")
    elif case == "end-forbidden":
        p1[3] = line(4, han(27, 3) + "《")
    elif case == "not-flush":
        p1[3] = line(4, han(28, 3), pitch=PITCH - 0.1)
    elif case == "short-continued":  # info only: the checker cannot know it for sure
        p1[3] = line(4, han(20, 3))
    elif case == "folio-side":
        p2[-1] = folio(2, odd_side=True)
    elif case == "folio-low":
        p1[-1] = folio(1, dy=-2)
    elif case == "folio-missing":
        del p2[-1]
    elif case == "folio-number":
        p2[-1] = folio(2, text="— 3 —")
    elif case == "folio-size":
        p1[-1] = folio(1, size=12)
    elif case == "body-size":
        p2[0] = line(0, han(12, 4) + "。", size=15)
    else:
        raise SystemExit("geomcases: unknown case " + case)
    return {"pages": pages}


CASES = ["good", "outside-left", "outside-bottom", "pitch", "start-forbidden", "end-forbidden",
         "not-flush", "short-continued", "folio-side", "folio-low", "folio-missing",
         "folio-number", "folio-size", "body-size"]

if __name__ == "__main__":
    if sys.argv[1:] == ["--list"]:
        print("\n".join(CASES))
    else:
        json.dump(document(sys.argv[1]), sys.stdout, ensure_ascii=False)
