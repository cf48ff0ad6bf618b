#!/usr/bin/env python3
"""Title line breaks (GB/T 9704 7.3.1), read back through MuPDF (tests/title.sh).

  titles.py variants REPORT.yaml OUTDIR
      Writes OUTDIR/tNN.json: REPORT with its title taken away (so the default
      "<agency><year>年度…" or "<agency><year>年…" title is made) and the agency replaced by
      each of the names below, short to very long, with the year 2025; half of them with a
      title written "…2025年度政府信息公开工作报告", where 年度 must stay whole. Prints
      "tNN TITLE" per variant.

  titles.py check FILE.pdf WORDS.txt [TITLE]
      The title (the 22 pt lines of page 1) has at most three lines; no line break falls inside
      a word of WORDS.txt (layouts/title-words.txt, '+' entries and comments aside), inside a
      number with its 年/年度/月/日, or inside a run of characters the list does not know
      unless after a '+' place ending or the agency's end (not checked: the tool does not know
      the agency; the run check covers names); no line is longer than the line below it by more
      than half an em unless three lines make a diamond (the middle line the longest). With
      TITLE, the lines joined must equal it. Prints the lines and their widths in em. Exit 1 on
      a violation.
  titles.py html PAGE.html WORDS.txt [FILE.pdf]
      The portal page's <h1> (render --format html): its text is the title; the heading is set
      with word-break: keep-all (no break between Han characters but where marked); every
      <wbr> in it stands where the unit cut above allows a line break (between words, never
      inside a word, a number with its 年, or a run of unknown characters), never before a
      closing mark or a stop, never after an opening mark; with FILE.pdf, every line break of
      the PDF's title is one of those <wbr>s. Prints the title with | at each <wbr>.

  titles.py browser DOM.html PAGE.html
      DOM.html is PAGE.html as headless Chromium dumped it after tests/tools/titlebreaks.js
      wrote, into <pre id="breaks">, the character offsets where the browser started a new
      line of the <h1> (at one window width). Every such offset must be a <wbr> of PAGE.html.
Needs the yaml module for `variants`."""

import html.parser
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdfgeom  # noqa: E402

AGENCIES = ["湛河区人社局", "淮安市人民政府", "淮安市洪泽区人民政府",
            "平顶山市湛河区人力资源和社会保障局", "淮安市洪泽区人民政府办公室",
            "中华人民共和国国家发展和改革委员会", "呼和浩特市赛罕区市场监督管理局",
            "内蒙古自治区呼和浩特市赛罕区市场监督管理局"]


def variants(report_path, outdir):
    import yaml
    with open(report_path, encoding="utf-8") as f:
        report = yaml.safe_load(f)
    k = 0
    for agency in AGENCIES:
        for nianduo in (False, True):
            r = json.loads(json.dumps(report, default=str))
            r["agency"] = agency
            r["year"] = 2025
            if nianduo:
                r["title"] = "%s2025年度政府信息公开工作报告" % agency
            else:
                r.pop("title", None)
            title = r.get("title") or "%s2025年政府信息公开工作年度报告" % agency
            name = "t%02d" % k
            with open(os.path.join(outdir, name + ".json"), "w", encoding="utf-8") as f:
                json.dump(r, f, ensure_ascii=False)
            print(name, title)
            k += 1
    return 0


def load_words(path):
    words, places = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            (places if line.startswith("+") else words).append(line.lstrip("+"))
    return words, places


def units(title, words, places):
    """The title cut as nianbao cuts it: [(text, kind)] with kind word, number or other."""
    out = []
    i = 0
    while i < len(title):
        c = title[i]
        if c.isdigit():
            j = i
            while j < len(title) and title[j].isdigit():
                j += 1
            if j < len(title) and title[j] in "年月日号":
                j += 1
                if title[j - 1] == "年" and j < len(title) and title[j] == "度":
                    j += 1
            out.append((title[i:j], "number"))
            i = j
            continue
        w = max((w for w in words if title.startswith(w, i)), key=len, default=None)
        if w:
            out.append((w, "word"))
            i += len(w)
            continue
        p = max((p for p in places if title.startswith(p, i)), key=len, default=None)
        if p:
            out.append((p, "place"))
            i += len(p)
            continue
        out.append((c, "other"))
        i += 1
    return out


def check(pdf, words_path, want=None):
    words, places = load_words(words_path)
    pages = pdfgeom.parse_stext(pdfgeom.run_mutool(pdf))
    lines = [l for l in pdfgeom.make_lines(pages[0]) if abs(l.size - pdfgeom.TITLE) < 0.1]
    texts = [l.text for l in lines]
    widths = [(l.chars[-1].x1 - l.chars[0].x0) / pdfgeom.TITLE for l in lines]
    title = "".join(texts)
    print("%s: %s" % (pdf, " / ".join("%s (%.1f)" % (t, w) for t, w in zip(texts, widths))))
    bad = []
    if want is not None and title != "".join(want.split()):
        bad.append("the title reads %r, expected %r" % (title, want))
    if not 1 <= len(lines) <= 3:
        bad.append("the title has %d lines" % len(lines))
    # Boundaries allowed by the unit cut.
    allowed, at, prev = set(), 0, None
    for text, kind in units(title, words, places):
        if prev is not None and (not (prev == "other" and kind == "other") or prev == "place"):
            allowed.add(at)
        at += len(text)
        prev = kind
    at = 0
    for t in texts[:-1]:
        at += len(t)
        if at not in allowed:
            bad.append("the title breaks inside a word: %r | %r"
                       % (title[max(0, at - 6):at], title[at:at + 6]))
    n = len(widths)
    diamond = n == 3 and widths[1] + 0.5 > max(widths[0], widths[2]) and widths[0] < widths[1]
    for i in range(n - 1):
        if widths[i] > widths[i + 1] + 0.5 and not diamond:
            bad.append("line %d (%.1f em) is longer than the line below it (%.1f em)"
                       % (i + 1, widths[i], widths[i + 1]))
    for b in bad:
        print("%s: %s" % (pdf, b))
    return 1 if bad else 0


class H1(html.parser.HTMLParser):
    """The first <h1>: its text, the offsets (in characters) of its <wbr>s, its <br>s."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.done = False
        self.text = ""
        self.wbr, self.br = [], []
        self.keep_all = False
        self.style = ""
        self.pre = None
        self.breaks = None

    def handle_starttag(self, tag, attrs):
        if tag == "pre" and dict(attrs).get("id") == "breaks":
            self.pre = ""
        if tag == "h1" and not self.done:
            self.depth = 1
        elif self.depth and tag == "wbr":
            self.wbr.append(len(self.text))
        elif self.depth and tag == "br":
            self.br.append(len(self.text))

    def handle_endtag(self, tag):
        if tag == "h1" and self.depth:
            self.depth = 0
            self.done = True
        if tag == "pre" and self.pre is not None:
            self.breaks = self.pre
            self.pre = None

    def handle_data(self, data):
        if self.depth:
            self.text += data
        if self.pre is not None:
            self.pre += data

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def read_h1(path):
    p = H1()
    with open(path, encoding="utf-8") as f:
        page = f.read()
    p.feed(page)
    p.keep_all = re.search(r"\bh1\{[^}]*word-break:keep-all", page) is not None
    return p


OPEN = "（(〔【「『《〈“‘"
CLOSE = "）)〕】」』》〉”’、，。：；！？"


def check_html(page, words_path, pdf=None):
    words, places = load_words(words_path)
    h = read_h1(page)
    title = h.text
    shown = "".join(("|" if i in h.wbr else "") + c for i, c in enumerate(title))
    print("%s: %s" % (page, shown))
    bad = []
    if not h.done or not title:
        bad.append("no <h1> title")
    if not h.keep_all:
        bad.append("the <h1> is not set with word-break:keep-all")
    allowed, at, prev = set(), 0, None
    for text, kind in units(title, words, places):
        if prev is not None and (not (prev == "other" and kind == "other") or prev == "place"):
            allowed.add(at)
        at += len(text)
        prev = kind
    for i in h.wbr:
        if i not in allowed:
            bad.append("a <wbr> inside a word: %r | %r" % (title[max(0, i - 6):i], title[i:i + 6]))
        if 0 < i < len(title) and (title[i] in CLOSE or title[i - 1] in OPEN):
            bad.append("a <wbr> at a mark: %r | %r" % (title[max(0, i - 6):i], title[i:i + 6]))
    if pdf:
        pages = pdfgeom.parse_stext(pdfgeom.run_mutool(pdf))
        lines = [l.text for l in pdfgeom.make_lines(pages[0]) if abs(l.size - pdfgeom.TITLE) < 0.1]
        if "".join(lines) != title:
            bad.append("the PDF's title %r is not the page's %r" % ("".join(lines), title))
        at = 0
        for t in lines[:-1]:
            at += len(t)
            if at not in h.wbr and at not in h.br:
                bad.append("the PDF breaks the title at %r | %r, the page may not"
                           % (title[max(0, at - 6):at], title[at:at + 6]))
    for b in bad:
        print("%s: %s" % (page, b))
    return 1 if bad else 0


def check_browser(dom, page):
    h = read_h1(page)
    d = read_h1(dom)
    if d.breaks is None:
        print("%s: no <pre id=breaks> (the script did not run)" % dom)
        return 1
    got = [int(x) for x in d.breaks.split()]
    print("%s: lines start at %s; <wbr> at %s" % (dom, got, h.wbr))
    bad = [i for i in got if i not in h.wbr and i not in h.br]
    for i in bad:
        print("%s: the browser broke the title at %r | %r, not at a <wbr>"
              % (dom, h.text[max(0, i - 6):i], h.text[i:i + 6]))
    return 1 if bad else 0


def main(argv):
    try:
        if len(argv) == 3 and argv[0] == "variants":
            return variants(argv[1], argv[2])
        if len(argv) in (3, 4) and argv[0] == "html":
            return check_html(argv[1], argv[2], argv[3] if len(argv) == 4 else None)
        if len(argv) == 3 and argv[0] == "browser":
            return check_browser(argv[1], argv[2])
        if len(argv) in (3, 4) and argv[0] == "check":
            return check(argv[1], argv[2], argv[3] if len(argv) == 4 else None)
    except (OSError, RuntimeError, ValueError) as e:
        sys.stderr.write("titles: %s\n" % e)
        return 2
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
