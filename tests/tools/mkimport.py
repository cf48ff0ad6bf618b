#!/usr/bin/env python3
"""Writes a report description as other programs publish it, for the import tests:

  mkimport.py html SAMPLE.yaml LAYOUT.yaml OUT.html    a portal's article page: GBK-encoded
        (charset=gb2312), menus, breadcrumbs, share bar and footer around the article, headings
        in <strong>, tables with rowspan/colspan as the layout's grid merges them
  mkimport.py docx SAMPLE.yaml LAYOUT.yaml OUT.docx    a Word file: title and headings with
        outline levels from heading styles, 一、 and （一） numbers from numbering.xml (not typed),
        runs split mid-word, hidden runs (w:vanish), tables with w:gridSpan and w:vMerge
  mkimport.py expect SAMPLE.yaml LAYOUT.yaml           what a reader must find, as JSON: the
        paragraphs' texts (numbers included) and each table as its full grid of cell texts
        (a merged cell's text at its top-left, "" where it covers)
LAYOUT.yaml may be the layouts folder: the sample's `layout:` is taken from there.

The sample's prose and numbers are used as they are; only the packaging differs.
Standard library and python3-yaml only."""

import json
import os
import re
import sys
import zipfile

import yaml

CJK = r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2010-\u2027]"


def clean(text):
    """Folded YAML prose joins its lines with spaces; Chinese has none between characters."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?<=%s) " % CJK, "", text)
    return re.sub(r" (?=%s)" % CJK, "", text)


def number(v):
    if isinstance(v, float):
        return ("%.6f" % v).rstrip("0").rstrip(".")
    return str(v)


def tables(layout, sample):
    """Each table of the sample as (name, rows), a row being [(text, rowspan, colspan)]."""
    values = {}
    for sec in sample["sections"]:
        for item in sec.get("body", []):
            if isinstance(item, dict) and "table" in item:
                values[item["table"]] = item["values"]
    out = {}
    for t in layout.get("tables", []):  # a derived layout (base:) is compared on prose only
        if t["table"] not in values:
            continue
        vals = values[t["table"]]
        default_cols = t.get("value_columns")
        rows = []
        for grid_row in t["grid"]:
            row = []
            for cell in grid_row:
                if isinstance(cell, str):
                    row.append((cell, 1, 1))
                elif "values" in cell:
                    nums = vals[cell["values"]]
                    columns = cell.get("columns", default_cols or [])
                    for k, col in enumerate(columns):
                        width = col.get("cols", 1) if isinstance(col, dict) else cell.get("cols", 1)
                        row.append((number(nums[k]), 1, width))
                else:
                    row.append((cell["text"], cell.get("rows", 1), cell.get("cols", 1)))
            rows.append(row)
        out[t["table"]] = rows
    return out


def grid(rows):
    """The full grid of a table: each cell's text at its top-left, "" where a span covers."""
    taken = {}
    out = []
    for r, row in enumerate(rows):
        line = []
        c = 0
        for text, rs, cs in row:
            while (r, c) in taken:
                line.append("")
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    taken[(r + dr, c + dc)] = True
            line.append(text)
            line.extend([""] * (cs - 1))
            c += cs
        while (r, c) in taken:
            line.append("")
            c += 1
        out.append(line)
    return out


def document(sample, layout):
    """The report in reading order: ("title", text), ("h1"|"h2"|"p", text), ("table", rows)."""
    tabs = tables(layout, sample)
    if sample.get("title"):
        items = [("title", sample["title"])]
    else:
        items = [("title", sample["agency"]),
                 ("title", "%d年政府信息公开工作年度报告" % sample["year"])]
    for i, sec in enumerate(sample["sections"]):
        items.append(("h1", sec.get("heading", layout["sections"][i])))
        for item in sec.get("body", []):
            if isinstance(item, str):
                items.append(("p", clean(item)))
            elif "h2" in item:
                items.append(("h2", clean(item["h2"])))
            elif "item" in item:
                items.append(("p", clean(item["item"])))
            elif "table" in item and item["table"] in tabs:
                items.append(("table", tabs[item["table"]]))
    if sample.get("signoff"):
        items.append(("p", sample["signoff"]))
    if sample.get("date"):
        y, m, d = str(sample["date"]).split("-")
        items.append(("p", "%d年%d月%d日" % (int(y), int(m), int(d))))
    return items


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def html(items):
    """A portal article page, as content management systems of government sites serve them."""
    titles = [c for k, c in items if k == "title"]
    title = "".join(titles)
    out = ['<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">',
           '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
           "<title>%s_政府信息公开年报</title>" % esc(title),
           '<link rel="stylesheet" href="/css/main.css"><script type="text/javascript">',
           'var _hmt = _hmt || []; document.write("<p>统计代码</p>");</script></head><body>',
           '<div class="header"><div class="logo"><img src="/images/logo.png" alt="中国政府网"></div>',
           '<div class="search"><input type="text" value="请输入关键字"><button>搜索</button></div></div>',
           '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>',
           '<li><a href="/hdjl/">互动交流</a></li><li><a href="/zwfw/">政务服务</a></li></ul></div>',
           '<div class="container"><div class="location">当前位置：<a href="/">首页</a> &gt; ',
           '<a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>',
           '<div class="leftbar"><ul><li><a href="/a">政府信息公开指南</a></li>',
           '<li><a href="/b">政府信息公开制度</a></li><li><a href="/c">政府信息公开年报</a></li></ul></div>',
           '<div class="article">',
           '<div class="article-title"><h1>%s</h1></div>' % "<br>".join(esc(t) for t in titles),
           '<div class="article-info">发布日期：2025-01-24　来源：市政府办公室　'
           '<span class="fontsize">字号：<a>大</a> <a>中</a> <a>小</a></span></div>',
           '<div class="article-content" id="zoom">']
    for kind, body in items[len(titles):]:
        if kind == "h1":
            out.append('<p style="text-indent:2em;"><strong><span style="font-family:黑体;">%s'
                       "</span></strong></p>" % esc(body))
        elif kind == "h2":
            out.append('<p style="text-indent:2em;"><strong>%s</strong></p>' % esc(body))
        elif kind == "p":
            # portals keep Word's line breaks inside a paragraph as newlines in the source
            half = len(body) // 2
            out.append('<p style="text-indent:2em;line-height:1.5">'
                       '<span style="font-family:仿宋_GB2312;font-size:16pt">%s\n%s</span></p>'
                       % (esc(body[:half]), esc(body[half:])))
        else:
            out.append('<table border="1" cellspacing="0" cellpadding="0" align="center" '
                       'style="border-collapse:collapse"><tbody>')
            for row in body:
                out.append("<tr>")
                for text, rs, cs in row:
                    span = (' rowspan="%d"' % rs if rs > 1 else "") + \
                           (' colspan="%d"' % cs if cs > 1 else "")
                    out.append('<td%s valign="center"><p align="center"><span style="font-size:'
                               '9pt">%s</span></p></td>' % (span, esc(text)))
                out.append("</tr>")
            out.append("</tbody></table>")
    out += ['</div><div class="share">分享到：<a>微信</a> <a>微博</a></div>',
            '<div class="print"><a href="javascript:window.print()">【打印本页】</a> '
            '<a href="javascript:window.close()">【关闭窗口】</a></div></div></div>',
            '<div class="footer"><p>主办单位：人民政府办公室　网站标识码：0000000000</p>',
            '<p><a href="/map">网站地图</a> | <a href="/contact">联系我们</a></p></div>',
            "</body></html>"]
    return "\n".join(out).encode("gbk")


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(items, path):
    """A Word file: Heading 1/2 styles carry the outline levels, and numbering.xml numbers the
    headings (一、 from chineseCounting, （一） in full-width brackets) instead of typed text."""
    body = []

    def run(text, bold=False, size=None):
        props = ""
        if bold or size:
            props = "<w:rPr>%s%s</w:rPr>" % ("<w:b/>" if bold else "",
                                            '<w:sz w:val="%d"/>' % (size * 2) if size else "")
        # Word splits runs at random places (spell checking, revisions): so do we
        parts = [text[i:i + 7] for i in range(0, len(text), 7)] or [""]
        return "".join('<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % (props, esc(p))
                       for p in parts)

    def para(text, style=None, num=None, bold=False, size=None, jc=None):
        ppr = ""
        if style:
            ppr += '<w:pStyle w:val="%s"/>' % style
        if num is not None:
            ppr += '<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="1"/></w:numPr>' % num
        if jc:
            ppr += '<w:jc w:val="%s"/>' % jc
        body.append("<w:p><w:pPr>%s</w:pPr>%s</w:p>" % (ppr, run(text, bold, size)))

    heading_num = re.compile(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）")
    for kind, content in items:
        if kind == "title":
            para(content, style="Title", size=22, jc="center")
        elif kind == "h1":
            para(heading_num.sub("", content), style="Heading1", num=0)
        elif kind == "h2":
            para(heading_num.sub("", content), style="Heading2", num=1)
        elif kind == "p":
            para(content)
            # a hidden run (w:vanish), as a comment or a revision note can leave: not shown
            body[-1] = body[-1].replace("</w:p>", '<w:r><w:rPr><w:vanish/></w:rPr><w:t>'
                                        "（隐藏的批注）</w:t></w:r></w:p>")
        else:
            rows = content
            ncols = sum(cs for _, _, cs in rows[0]) + 0
            g = grid(rows)
            ncols = max(len(r) for r in g)
            body.append('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" '
                        'w:type="auto"/></w:tblPr><w:tblGrid>%s</w:tblGrid>'
                        % ('<w:gridCol w:w="800"/>' * ncols))
            # Word writes every grid row, a vertically merged cell as "restart" then "continue"
            covered = {}
            for r, row in enumerate(rows):
                body.append("<w:tr>")
                c = 0
                cells = list(row)
                while cells or (r, c) in covered:
                    if (r, c) in covered:
                        cs = covered[(r, c)]
                        body.append('<w:tc><w:tcPr>%s<w:vMerge/></w:tcPr><w:p/></w:tc>'
                                    % ('<w:gridSpan w:val="%d"/>' % cs if cs > 1 else ""))
                        c += cs
                        continue
                    text, rs, cs = cells.pop(0)
                    for dr in range(1, rs):
                        covered[(r + dr, c)] = cs
                    tcpr = ('<w:gridSpan w:val="%d"/>' % cs if cs > 1 else "") + \
                           ('<w:vMerge w:val="restart"/>' if rs > 1 else "")
                    body.append('<w:tc><w:tcPr>%s</w:tcPr><w:p><w:pPr><w:jc w:val="center"/>'
                                "</w:pPr>%s</w:p></w:tc>" % (tcpr, run(text, size=9)))
                    c += cs
                body.append("</w:tr>")
            body.append("</w:tbl>")
    document_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    "<w:document %s><w:body>%s<w:sectPr/></w:body></w:document>"
                    % (W, "".join(body)))
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles %s>'
              '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
              '<w:rPr><w:sz w:val="32"/></w:rPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/>'
              '<w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
              '<w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr>'
              "<w:rPr><w:b/></w:rPr></w:style>"
              '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
              '<w:basedOn w:val="Heading1"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
              "</w:styles>" % W)
    numbering = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering %s>'
                 '<w:abstractNum w:abstractNumId="0">'
                 '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                 '<w:lvlText w:val="%%1、"/><w:suff w:val="nothing"/></w:lvl>'
                 '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                 '<w:lvlText w:val="（%%2）"/><w:suff w:val="nothing"/></w:lvl>'
                 '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
                 '<w:lvlText w:val="%%3."/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>' % W)
    content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                     'package.relationships+xml"/><Default Extension="xml" ContentType="application'
                     '/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.'
                     'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
            'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1"'
            ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document_xml)
        z.writestr("word/styles.xml", styles)
        z.writestr("word/numbering.xml", numbering)


def expect(items):
    titles = [c for k, c in items if k == "title"]
    out = {"title": "".join(titles), "ntitle": len(titles), "paragraphs": [], "tables": []}
    for kind, content in items:
        if kind == "table":
            out["tables"].append(grid(content))
        else:
            out["paragraphs"].append(content)
    return out


def main():
    what, sample_path, layout_path = sys.argv[1:4]
    with open(sample_path, encoding="utf-8") as f:
        sample = yaml.safe_load(f)
    if os.path.isdir(layout_path):  # the folder of layouts: the sample's own
        layout_path = os.path.join(layout_path, sample.get("layout", "gov-2021") + ".yaml")
    with open(layout_path, encoding="utf-8") as f:
        layout = yaml.safe_load(f)
    if "base" in layout:  # the sections of the base; its tables changed, so left out
        with open(os.path.join(os.path.dirname(layout_path), layout["base"] + ".yaml"),
                  encoding="utf-8") as f:
            layout.setdefault("sections", yaml.safe_load(f)["sections"])
    items = document(sample, layout)
    if what == "html":
        with open(sys.argv[4], "wb") as f:
            f.write(html(items))
    elif what == "docx":
        docx(items, sys.argv[4])
    elif what == "expect":
        json.dump(expect(items), sys.stdout, ensure_ascii=False, indent=0)
    else:
        sys.exit("mkimport.py: html, docx or expect")


if __name__ == "__main__":
    main()
