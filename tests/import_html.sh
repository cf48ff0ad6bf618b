#!/bin/sh
# The HTML reader: a portal's article page made from the long sample (GBK-encoded, menus,
# breadcrumbs, share bar, footer, headings in <strong>, tables merged with rowspan/colspan;
# also laid out in a table beside a menu) reads back as the sample's paragraphs in order, with none of the page's chrome, and its three
# tables cell for cell; hostile pages (10,000 levels of nesting, a page past the size limit,
# bytes that are no charset) fail or pass cleanly within 2 s and 300 MiB.
. "$NB_SOURCE/tests/lib.sh"
need_python yaml
workdir
dump=$(dirname "$NB")/tests/import_dump
[ -x "$dump" ] || fail "no import_dump beside $NB"
tools=$NB_SOURCE/tests/tools
sample=$NB_SOURCE/samples/huaian-city-2024.yaml
layout=$NB_SOURCE/layouts/gov-2021.yaml

"$PY" "$tools/mkimport.py" html "$sample" "$layout" page.html
"$PY" "$tools/mkimport.py" expect "$sample" "$layout" >expect.json
"$dump" html page.html >page.json || fail "the page was not read"
"$PY" "$tools/importcmp.py" page.json expect.json || problem "the page does not read as the sample"
# The title came from an <h1> outside the article's box, as level 1; headings in <strong> are
# marked bold; nothing of the chrome is read.
"$PY" - page.json <<'PY' || problem "levels, bold or chrome"
import json, sys
blocks = json.load(open(sys.argv[1], encoding="utf-8"))["blocks"]
paras = [b for b in blocks if "p" in b]
assert [b["level"] for b in paras[:2]] == [1, 1], paras[:2]
heading = [b for b in paras if b["p"] == "一、总体情况"][0]
assert heading["bold"] == 1 and heading["level"] == 0, heading
assert all(b["bold"] == 0 for b in paras if b["p"].startswith("本报告")), "prose marked bold"
text = json.dumps(blocks, ensure_ascii=False)
for chrome in ("首页", "当前位置", "分享到", "打印本页", "网站地图", "统计代码", "字号", "发布日期"):
    assert chrome not in text, chrome
assert blocks[3]["line"] > 1, "no source lines"
PY
# The same page declared as UTF-8 and encoded so reads the same.
iconv -f GBK -t UTF-8 page.html | sed 's/charset=gb2312/charset=utf-8/' >utf8.html
"$dump" html utf8.html >utf8.json || fail "the UTF-8 page was not read"
"$PY" "$tools/importcmp.py" utf8.json expect.json || problem "the UTF-8 page differs"

# Older portals lay the page out with a table: a menu cell of links beside the article's cell.
"$PY" - page.html <<'PY'
import sys
s = open(sys.argv[1], "rb").read().decode("gbk")
a, b = s.index('<div class="article">'), s.index('<div class="footer">')
menu = '<a href="/1">机构概况</a><br><a href="/2">政策文件</a><br><a href="/3">通知公告</a>'
page = (s[:a] + '<table width="1000"><tr><td width="200">' + menu + "</td><td>" + s[a:b] +
        "</td></tr></table>" + s[b:])
open("layout-table.html", "wb").write(page.encode("gbk"))
PY
"$dump" html layout-table.html >layout-table.json || fail "the table-laid page was not read"
"$PY" "$tools/importcmp.py" layout-table.json expect.json || problem "the table-laid page differs"

# hostile NAME EXPECTED-EXIT: reads NAME under 300 MiB of address space and 2 s.
hostile() {
    rc=0
    limited 2 300 "$dump" html "$1" >"$1.out" 2>"$1.err" || rc=$?
    [ "$rc" -eq "$2" ] || problem "$1: exit $rc, want $2 ($(head -c 200 "$1.err"))"
    if [ "$rc" -eq 2 ]; then
        grep -q "^$1:[0-9]*:[0-9]*: error: " "$1.err" || problem "$1: no file:line:col message"
    fi
}
"$PY" -c "print('<html><body>' + '<div>' * 10000 + '深' + '</div>' * 10000 + '</body></html>')" >deep-div.html
"$PY" -c "print('<html><body>' + '<table><tr><td>x</td><td>' * 10000 + '深' + '</td></tr></table>' * 10000 + '</body></html>')" >deep-table.html
"$PY" -c "print('<html><body><p>' + '<b><i><span>' * 10000 + '深</p></body></html>')" >deep-inline.html
"$PY" -c "print('<p>' + '表' * 3000000 + '</p>')" >huge.html
head -c 200000 /dev/urandom >noise.html
# libxml2 stops building the tree at its depth limit: the text below is lost, the page has none
hostile deep-div.html 2
hostile deep-table.html 0
hostile deep-inline.html 2
hostile huge.html 2
rc=0
limited 2 300 "$dump" html noise.html >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || problem "noise.html: exit $rc"
finish
