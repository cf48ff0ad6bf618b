#!/bin/sh
# Hostile plain-text sources for `nianbao import` and `nianbao check`: each ends within a few
# seconds and a bounded amount of memory, with the documented exit code, a clean
# "file:line:col: error:" message where it is refused, no description written, and no crash
# (under the sanitizer build: no sanitizer report).
. "$NB_SOURCE/tests/lib.sh"
need_python
workdir

# hostile NAME WANT_STATUS MESSAGE_PATTERN: import NAME.txt -o NAME.yaml within 20 s and
# 1.5 GiB; the status must be WANT_STATUS and stderr must match MESSAGE_PATTERN (grep -E; ''
# for none); then check NAME.txt within the same limits.
hostile() {
    rc=0
    limited 20 1536 "$NB" import "$1.txt" -o "$1.yaml" >out.txt 2>err.txt || rc=$?
    sanitizer_clean err.txt
    [ "$rc" -eq "$2" ] || problem "$1: exit $rc, expected $2; stderr: $(head -c 300 err.txt)"
    [ -z "$3" ] || grep -E -q "$3" err.txt || problem "$1: no message matching '$3': $(head -c 300 err.txt)"
    if [ "$2" -eq 2 ] && [ -e "$1.yaml" ]; then
        problem "$1: refused, yet wrote $1.yaml"
    fi
    rc=0
    limited 20 1536 "$NB" check "$1.txt" >out.txt 2>err.txt || rc=$?
    sanitizer_clean err.txt
    [ "$rc" -le 2 ] || problem "$1: check exited $rc"
}

"$PY" - <<'EOF'
import random
random.seed(14)
w = lambda name, data: open(name + ".txt", "wb").write(data)
w("empty", b"")
w("blank", b"\n \n\t\n")
w("latin1", "标题\n年度报告\n".encode() + b"caf\xe9\n")
w("nul", b"\xe4\xb8\x80\xe3\x80\x81\x00\x00\x00\n")
w("binary", bytes(random.randrange(256) for _ in range(65536)))
w("huge", b"x" * (9 << 20))
w("long-line", "年".encode() * 40000 + b"\n")
w("many-lines", "段落。\n".encode() * 30000)
w("many-cells", b"\t".join([b"1"] * 100) + b"\n")
w("many-rows", "".join(f"行{i}\t1\t2\t3\n" for i in range(1500)).encode())
# Things a text may well hold: no title, no headings, only numbers, headings out of order, a
# heading repeated 5000 times, tables everywhere, cells full of labels.
w("no-title", "这是一段没有标题的文字。\n另一段。\n".encode())
w("numbers-only", "\n".join("\t".join(str(random.randrange(10**12)) for _ in range(15))
                            for _ in range(900)).encode())
w("headings", ("示例局\n2024年政府信息公开工作年度报告\n" + "六、其他需要报告的事项\n一、总体情况\n" * 2500).encode())
w("tables", ("示例局\n2024年政府信息公开工作年度报告\n" +
             "".join(f"{'一二三四五六'[i % 6]}、标题\n" + "规章\t1\t2\t3\n行政许可\t/\t\t\n" * 150
                     for i in range(6))).encode())
w("labels", ("示例局\n2024年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" +
             "\t".join(["（一）予以公开"] * 60) + "\n" +
             "".join("\t" * random.randrange(8) + "1.属于国家秘密\t" + "\t".join(["9"] * 50) + "\n"
                     for _ in range(900))).encode())
w("crlf-cr", "示例局\r2024年政府信息公开工作年度报告\r\n一、总体情况\r正文。\r\n".encode())
EOF

hostile empty 2 'empty.txt:1:1: error: the text is empty'
hostile blank 2 'blank.txt:1:1: error: the text is empty'
hostile latin1 2 'latin1.txt:3:4: error: invalid UTF-8 \(byte 0xE9\)'
hostile nul 2 'nul.txt:1:3: error: control character U\+0000'
hostile binary 2 'binary.txt:[0-9]+:[0-9]+: error: (invalid UTF-8|control character)'
hostile huge 2 'huge.txt: error: the text is 9437184 bytes; at most 8388608 \(8 MiB\)'
hostile long-line 2 'long-line.txt:1:1: error: a line of 120000 bytes'
hostile many-lines 2 'many-lines.txt:20001:1: error: more than 20000 paragraphs'
hostile many-cells 2 'many-cells.txt:1:1: error: a table row has 100 cells'
hostile many-rows 2 'many-rows.txt:1001:1: error: a table has more than 1000 rows'
# Readable text that is not a report: written, with what is missing said (exit 1: it does not
# load until completed), or a report with its oddities listed.
hostile no-title 1 'no title line'
hostile numbers-only 1 'numbers-only.txt:1:1: warning: no title line'
hostile headings 0 'headings.txt:[0-9]+:1: warning'
hostile tables 0 "tables.txt:307:1: warning: 表二: row '规章' is 规章 again \\(first at line 305\\)"
hostile labels 0 'labels.txt:[0-9]+:[0-9]+: warning'
hostile crlf-cr 0 ''
grep -q '^agency: 示例局' crlf-cr.yaml || problem "crlf-cr: lines ended by CR or CRLF are not lines"
finish
