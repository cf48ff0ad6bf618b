/* The report loader: the seed sample in YAML and in JSON gives the same tree with the right
 * positions; positions inside texts; text normalisation; and bad inputs each give one exact
 * diagnostic with its line:col and NB_EINPUT. */
#include "diag.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

#define CHECK_STR(got, want)                                                                  \
    CHECK((got) && strcmp((got), (want)) == 0, "got \"%s\", want \"%s\"", (got) ? (got) : "(null)", \
          (want))

#define CHECK_POS(p, l, c)                                                                    \
    CHECK((p).line == (l) && (p).col == (c), "got %d:%d, want %d:%d", (p).line, (p).col, (l), (c))

static char *read_source(const char *name, size_t *len)
{
    const char *dir = getenv("NB_SOURCE");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)n + 1);
    if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    data[n] = 0;
    *len = (size_t)n;
    return data;
}

static nb_report *load_sample(const char *name, char **source)
{
    size_t len;
    *source = read_source(name, &len);
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    int rc = nb_report_parse(name, *source, len, &r, d);
    CHECK(rc == NB_OK && r, "%s: rc %d", name, rc);
    if (nb_diags_count(d)) {
        const char *file, *msg;
        int line, col;
        nb_diags_get(d, 0, &file, &line, &col, &msg);
        fprintf(stderr, "%s:%d:%d: %s\n", file, line, col, msg);
    }
    CHECK(nb_diags_count(d) == 0, "%s: %zu diagnostics", name, nb_diags_count(d));
    nb_diags_free(d);
    return r;
}

/* The byte offset of the n-th (0-based) occurrence of `needle` in t. */
static size_t offset_of(const nb_text *t, const char *needle, int n)
{
    const char *p = t->s;
    for (;;) {
        p = strstr(p, needle);
        if (!p)
            return (size_t)-1;
        if (n-- == 0)
            return (size_t)(p - t->s);
        p += strlen(needle);
    }
}

static const char *const first_paragraph =
    "2025年，湛河区人力资源和社会保障局坚持遵循公正、公平、合法、便民的原则，全面贯彻落实"
    "《中华人民共和国政府信息公开条例》及上级工作部署，围绕全区中心工作和人社主责主业，持续深化"
    "政府信息公开，不断提升政务服务水平，切实保障社会公众的知情权、参与权和监督权。";

static void check_seed_tree(const nb_report *r, const char *name)
{
    fprintf(stderr, "checking %s\n", name);
    CHECK_STR(r->agency.s, "湛河区人力资源和社会保障局");
    CHECK(r->year == 2025, "year %d", r->year);
    CHECK_STR(r->title.s, "湛河区人社局2025年政府信息公开工作年度报告");
    CHECK_STR(r->title_text, "湛河区人社局2025年政府信息公开工作年度报告");
    CHECK_STR(r->date.s, "2026-01-20");
    CHECK(r->date_y == 2026 && r->date_m == 1 && r->date_d == 20, "date %d-%d-%d", r->date_y,
          r->date_m, r->date_d);
    CHECK_STR(r->layout.s, "gov-2021-no-other");
    CHECK_STR(r->signoff.s, "湛河区人力资源和社会保障局");
    CHECK(r->seal.s == NULL, "seal");

    static const size_t counts[NB_SECTIONS] = {16, 1, 1, 1, 8, 1};
    for (int s = 0; s < NB_SECTIONS; s++) {
        CHECK(r->sections[s].nblocks == counts[s], "section %d has %zu blocks", s + 1,
              r->sections[s].nblocks);
        CHECK(r->sections[s].heading.s == NULL, "section %d heading", s + 1);
    }
    if (r->sections[0].nblocks != 16 || r->sections[4].nblocks != 8)
        return;

    enum { P = NB_BLOCK_PARAGRAPH, H2 = NB_BLOCK_HEADING2, I = NB_BLOCK_ITEM };
    static const int kinds1[16] = {P, H2, P, I, I, I, I, I, H2, P, H2, P, H2, P, H2, P};
    static const int kinds5[8] = {H2, I, I, I, H2, I, I, I};
    for (int b = 0; b < 16; b++)
        CHECK((int)r->sections[0].blocks[b].kind == kinds1[b], "section 1 block %d", b);
    for (int b = 0; b < 8; b++)
        CHECK((int)r->sections[4].blocks[b].kind == kinds5[b], "section 5 block %d", b);

    const nb_block *blocks = r->sections[0].blocks;
    CHECK_STR(blocks[0].text.s, first_paragraph);
    CHECK(blocks[0].text.len == strlen(first_paragraph), "length %zu", blocks[0].text.len);
    CHECK_STR(blocks[1].text.s, "（一）主动公开：");
    CHECK_STR(blocks[3].text.s,
              "1.就业创业方面：公开就业政策、招聘活动信息、职业技能培训项目、就业补贴申领公示等。");
    CHECK_STR(blocks[7].text.s,
              "5.政策解读方面：回应社会关切，加强政策解读与引导。对出台的重要政策文件，按照“谁起草、"
              "谁解读”原则，综合运用文字解读、视频图文等多种形式进行解读，全年发布政策解读视频2个、"
              "文字解读4篇。围绕社会关注的热点问题，及时进行回应。");
    CHECK_STR(blocks[14].text.s, "（五）监督保障：");
    CHECK_STR(r->sections[4].blocks[0].text.s, "（一）主要问题");
    CHECK_STR(r->sections[4].blocks[7].text.s,
              "3.拓宽参与渠道：完善重大行政决策公众参与机制，探索开展“政府开放月”、公众代表列席会议等"
              "活动，利用新媒体平台增强互动体验。");
    CHECK_STR(r->sections[5].blocks[0].text.s,
              "按照《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》（国办函〔2020〕109号）"
              "规定的按件、按量收费标准，本年度没有产生政府信息公开处理费。");

    /* Tables: keys, rows in input order, values as written. */
    static const struct { int section; const char *key; size_t rows, cells; } tables[] = {
        {1, "active", 6, 0}, {2, "applications", 25, 6}, {3, "appeals", 3, 5}};
    for (int i = 0; i < 3; i++) {
        const nb_block *b = &r->sections[tables[i].section].blocks[0];
        CHECK(b->kind == NB_BLOCK_TABLE, "table block %d", i);
        const nb_table_input *t = &b->table;
        CHECK_STR(t->key.s, tables[i].key);
        CHECK(t->nrows == tables[i].rows, "%s: %zu rows", tables[i].key, t->nrows);
        for (size_t row = 0; tables[i].cells && row < t->nrows; row++) {
            CHECK(t->rows[row].ncells == tables[i].cells, "%s row %zu: %zu cells",
                  tables[i].key, row, t->rows[row].ncells);
            for (size_t c = 0; c < t->rows[row].ncells; c++) {
                const nb_cell_input *cell = &t->rows[row].cells[c];
                CHECK_STR(cell->text.s, "0");
                CHECK(!cell->quoted && !cell->is_null, "plain count");
            }
        }
    }
    const nb_table_input *active = &r->sections[1].blocks[0].table;
    if (active->nrows == 6) {
        CHECK_STR(active->rows[0].key.s, "rules");
        CHECK(active->rows[0].ncells == 3, "rules cells");
        CHECK_STR(active->rows[2].key.s, "permits");
        CHECK(active->rows[2].ncells == 1 && !strcmp(active->rows[2].cells[0].text.s, "12"),
              "permits = 12");
        CHECK_STR(active->rows[3].key.s, "penalties");
        CHECK(active->rows[3].ncells == 1 && !strcmp(active->rows[3].cells[0].text.s, "1"),
              "penalties = 1");
        CHECK_STR(active->rows[5].key.s, "fees");
    }
    const nb_table_input *apps = &r->sections[2].blocks[0].table;
    if (apps->nrows == 25) {
        CHECK_STR(apps->rows[0].key.s, "new");
        CHECK_STR(apps->rows[11].key.s, "withheld_8");
        CHECK_STR(apps->rows[24].key.s, "carry_forward");
    }
}

/* Everything but positions and scalar styles must agree. */
static int same_text(const nb_text *a, const nb_text *b)
{
    if (!a->s || !b->s)
        return a->s == b->s;
    return a->len == b->len && strcmp(a->s, b->s) == 0;
}

static void check_same_tree(const nb_report *a, const nb_report *b)
{
    CHECK(same_text(&a->agency, &b->agency) && a->year == b->year &&
              same_text(&a->title, &b->title) && same_text(&a->date, &b->date) &&
              same_text(&a->layout, &b->layout) && same_text(&a->signoff, &b->signoff) &&
              strcmp(a->title_text, b->title_text) == 0,
          "top level differs");
    for (int s = 0; s < NB_SECTIONS; s++) {
        const nb_section *x = &a->sections[s], *y = &b->sections[s];
        CHECK(same_text(&x->heading, &y->heading), "section %d heading", s + 1);
        CHECK(x->nblocks == y->nblocks, "section %d block count", s + 1);
        for (size_t i = 0; i < x->nblocks && i < y->nblocks; i++) {
            const nb_block *p = &x->blocks[i], *q = &y->blocks[i];
            CHECK(p->kind == q->kind, "section %d block %zu kind", s + 1, i);
            if (p->kind != NB_BLOCK_TABLE) {
                CHECK(same_text(&p->text, &q->text), "section %d block %zu: \"%s\" vs \"%s\"",
                      s + 1, i, p->text.s, q->text.s);
                continue;
            }
            CHECK(same_text(&p->table.key, &q->table.key), "table key");
            CHECK(p->table.nrows == q->table.nrows, "table rows");
            for (size_t r = 0; r < p->table.nrows && r < q->table.nrows; r++) {
                const nb_row_input *u = &p->table.rows[r], *v = &q->table.rows[r];
                CHECK(same_text(&u->key, &v->key) && u->ncells == v->ncells, "row %zu", r);
                for (size_t c = 0; c < u->ncells && c < v->ncells; c++)
                    CHECK(same_text(&u->cells[c].text, &v->cells[c].text) &&
                              u->cells[c].quoted == v->cells[c].quoted &&
                              u->cells[c].is_null == v->cells[c].is_null,
                          "row %zu cell %zu", r, c);
            }
        }
    }
}

static void check_seed(void)
{
    char *yaml_src, *json_src;
    nb_report *y = load_sample("samples/seed.yaml", &yaml_src);
    nb_report *j = load_sample("samples/seed.json", &json_src);
    if (y) {
        check_seed_tree(y, "seed.yaml");
        const nb_text *t = &y->sections[0].blocks[0].text; /* a `|` block at line 26 */
        CHECK_POS(t->pos, 26, 9);
        CHECK(t->style == 4 /* YAML_LITERAL_SCALAR_STYLE */, "style %d", t->style);
        CHECK(strncmp(yaml_src + t->src, "|\n", 2) == 0, "src points at the block indicator");
        /* Characters inside the literal block: the first 全 starts line 28, the second (全区)
         * is the third character of line 29; the first character is on line 27. */
        CHECK_POS(nb_report_text_pos(y, t, offset_of(t, "全", 0)), 28, 9);
        CHECK_POS(nb_report_text_pos(y, t, offset_of(t, "全", 1)), 29, 11);
        CHECK_POS(nb_report_text_pos(y, t, 0), 27, 9);
        CHECK_POS(nb_report_text_pos(y, t, offset_of(t, "。", 0)), 30, 29);
        /* An offset inside a character's bytes means that character. */
        CHECK_POS(nb_report_text_pos(y, t, offset_of(t, "全", 1) + 1), 29, 11);
        /* A plain scalar: the 80 of 共计80余条 on line 32. */
        const nb_text *p = &y->sections[0].blocks[2].text;
        CHECK_POS(p->pos, 32, 9);
        CHECK_POS(nb_report_text_pos(y, p, offset_of(p, "80", 0)), 32, 77);
        /* A folded block (`>-`): 按照 begins line 41. */
        const nb_text *f = &y->sections[0].blocks[7].text;
        CHECK_POS(nb_report_text_pos(y, f, offset_of(f, "按照", 0)), 41, 11);
        CHECK_POS(y->sections[2].blocks[0].table.rows[1].cells[5].text.pos, 71, 42);
    }
    if (j) {
        check_seed_tree(j, "seed.json");
        const nb_text *t = &j->sections[0].blocks[0].text; /* "2025年，…" at line 11 */
        CHECK_POS(t->pos, 11, 9);
        CHECK_POS(nb_report_text_pos(j, t, offset_of(t, "年", 0)), 11, 14);
    }
    if (y && j)
        check_same_tree(y, j);
    nb_report_free(y);
    nb_report_free(j);
    free(yaml_src);
    free(json_src);
}

/* Small in-memory reports: normalisation and positions. */
static nb_report *parse_ok(const char *src)
{
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    int rc = nb_report_parse("mem.yaml", src, strlen(src), &r, d);
    CHECK(rc == NB_OK, "rc %d for:\n%s", rc, src);
    for (size_t i = 0; i < nb_diags_count(d); i++) {
        const char *file, *msg;
        int line, col;
        nb_diags_get(d, i, &file, &line, &col, &msg);
        fprintf(stderr, "  %s:%d:%d: %s\n", file, line, col, msg);
    }
    nb_diags_free(d);
    return r;
}

#define HEAD "agency: 某局\nyear: 2024\ndate: 2024-02-29\nlayout: gov-2021\n"
#define FIVE "  - body: []\n  - body: []\n  - body: []\n  - body: []\n  - body: []\n"
#define SIX "sections: [{body: []}, {body: []}, {body: []}, {body: []}, {body: []}, {body: []}]\n"

static void check_texts(void)
{
    nb_report *r = parse_ok(HEAD "sections:\n"
                                 "  - body:\n"
                                 "      - 中文段落\n"         /* line 7: plain, folded */
                                 "        继续 Latin\n"
                                 "        words 2025 年\n"
                                 "      - |  # 中 in a comment\n" /* line 10: literal */
                                 "        一中二\n"
                                 "        three\n"
                                 "        four\n"
                                 "      - item: \"It''s  两个空格\"\n"
                                 "      - h2: '（一）''引号'''\n" FIVE);
    if (r) {
        CHECK_STR(r->title_text, "某局2024年政府信息公开工作年度报告");
        CHECK(r->date_d == 29, "2024-02-29 is a date");
        const nb_block *b = r->sections[0].blocks;
        CHECK(r->sections[0].nblocks == 4, "blocks %zu", r->sections[0].nblocks);
        /* Line breaks vanish next to CJK, become a space between Latin words; written
         * spaces stay. */
        CHECK_STR(b[0].text.s, "中文段落继续 Latin words 2025 年");
        CHECK_POS(nb_report_text_pos(r, &b[0].text, offset_of(&b[0].text, "继", 0)), 8, 9);
        CHECK_POS(nb_report_text_pos(r, &b[0].text, offset_of(&b[0].text, "w", 0)), 9, 9);
        CHECK_STR(b[1].text.s, "一中二three four");
        /* The 中 of the header comment is not the one in the text. */
        CHECK_POS(nb_report_text_pos(r, &b[1].text, offset_of(&b[1].text, "中", 0)), 11, 10);
        CHECK_POS(nb_report_text_pos(r, &b[1].text, offset_of(&b[1].text, "f", 0)), 13, 9);
        CHECK_STR(b[2].text.s, "It''s  两个空格");
        CHECK_POS(nb_report_text_pos(r, &b[2].text, offset_of(&b[2].text, "空", 0)), 14, 25);
        CHECK_STR(b[3].text.s, "（一）'引号'");
        CHECK_POS(nb_report_text_pos(r, &b[3].text, offset_of(&b[3].text, "'", 1)), 15, 21);
        nb_report_free(r);
    }

    /* A title keeps a written line break; table values keep how they were written. */
    r = parse_ok(HEAD "title: \"第一行\\n第二行\"\nsignoff: 某局\nseal: seal.png\n"
                      "fonts: {body: [仿宋_GB2312, fonts/x.ttf], title: 方正小标宋简体}\n"
                      "sections:\n"
                      "  - body: []\n"
                      "  - body:\n"
                      "      - table: active\n"
                      "        values:\n          fees: [96171.6]\n          rules:\n"
                      "            - '/'\n            - \"0\"\n            - ~\n            -\n"
                      "            - null\n"
                      "  - body: []\n  - body: []\n  - body: []\n  - body: []\n");
    if (r) {
        CHECK_STR(r->title_text, "第一行\n第二行");
        CHECK(r->nfonts[3] == 2 && r->nfonts[0] == 1, "fonts %zu %zu", r->nfonts[3], r->nfonts[0]);
        if (r->nfonts[3] == 2)
            CHECK_STR(r->fonts[3][1].s, "fonts/x.ttf");
        const nb_table_input *t = &r->sections[1].blocks[0].table;
        CHECK(t->nrows == 2, "rows");
        if (t->nrows == 2 && t->rows[1].ncells == 5) {
            CHECK_STR(t->rows[0].key.s, "fees");
            CHECK_STR(t->rows[0].cells[0].text.s, "96171.6");
            const nb_cell_input *c = t->rows[1].cells;
            CHECK(c[0].quoted && !c[0].is_null, "'/' is quoted text");
            CHECK(c[1].quoted && !c[1].is_null, "\"0\" is quoted text");
            CHECK(!c[2].quoted && c[2].is_null, "~ is null");
            CHECK(!c[3].quoted && c[3].is_null, "empty is null");
            CHECK(!c[4].quoted && c[4].is_null, "null is null");
        } else {
            CHECK(0, "rules row has %zu cells", t->nrows == 2 ? t->rows[1].ncells : 0);
        }
        nb_report_free(r);
    }
}

typedef struct bad_case {
    const char *what;
    const char *input;
    size_t size;       /* 0: strlen(input) */
    const char *want;  /* every diagnostic, "file:line:col: message", one a line */
} bad_case;

static void check_bad(const bad_case *c)
{
    nb_diags *d = nb_diags_new();
    nb_report *r = (nb_report *)1;
    size_t size = c->size ? c->size : strlen(c->input);
    int rc = nb_report_parse("bad.yaml", c->input, size, &r, d);
    char got[4096] = "";
    for (size_t i = 0; i < nb_diags_count(d); i++) {
        const char *file, *msg;
        int line, col;
        nb_severity sev = nb_diags_get(d, i, &file, &line, &col, &msg);
        size_t used = strlen(got);
        snprintf(got + used, sizeof got - used, "%s%s:%d:%d: %s: %s", i ? "\n" : "", file, line,
                 col, sev == NB_ERROR ? "error" : "warning", msg);
    }
    CHECK(rc == NB_EINPUT, "%s: rc %d", c->what, rc);
    CHECK(r == NULL, "%s: report not NULL", c->what);
    CHECK(strcmp(got, c->want) == 0, "%s:\n got: %s\nwant: %s", c->what, got, c->want);
    nb_diags_free(d);
}

static void check_bad_inputs(void)
{
    /* 65 nested lists inside the top mapping: 66 levels. */
    char deep[256] = "agency: ";
    for (int i = 0; i < 65; i++)
        strcat(deep, "[");
    char *long_text = malloc(70000);
    memcpy(long_text, "agency: ", 8);
    memset(long_text + 8, 'x', 70000 - 9);
    long_text[70000 - 1] = 0;

    const bad_case cases[] = {
        {"malformed YAML", HEAD "sections: [{body: []}\n", 0,
         "bad.yaml:6:1: error: invalid YAML: did not find expected ',' or ']' (while parsing a "
         "flow sequence at line 5 column 11)"},
        {"bad indentation", "agency: A\n  year: 2025\n", 0,
         "bad.yaml:2:7: error: invalid YAML: mapping values are not allowed in this context"},
        {"malformed JSON", "{\"agency\": \"A\",, \"year\": 2025}", 0,
         "bad.yaml:1:16: error: invalid YAML: did not find expected node content (while "
         "parsing a flow node)"},
        {"year as text", "agency: A\nyear: \"2025\"\ndate: 2026-01-20\nlayout: gov-2021\n" SIX, 0,
         "bad.yaml:2:7: error: year must be an integer"},
        {"sections not a list", HEAD "sections: {body: []}\n", 0,
         "bad.yaml:5:11: error: sections must be a list of six sections"},
        {"agency a list", "agency: [a]\nyear: 2025\ndate: 2026-01-20\nlayout: gov-2021\n" SIX, 0,
         "bad.yaml:1:9: error: agency must be a string, not a list"},
        {"unknown key", HEAD "signof: 某局\n" SIX, 0,
         "bad.yaml:5:1: error: unknown key 'signof' in the report: did you mean 'signoff'? "
         "(allowed: agency, year, title, date, layout, signoff, seal, fonts, style, preamble, blanks, sections)"},
        {"duplicate key", HEAD SIX "year: 2024\n", 0,
         "bad.yaml:6:1: error: duplicate key 'year' (first given at line 2)"},
        {"missing section", HEAD "sections:\n" FIVE, 0,
         "bad.yaml:6:3: error: sections must be a list of six sections; found 5"},
        {"signoff without date", "agency: A\nyear: 2025\nlayout: gov-2021\nsignoff: A\n" SIX, 0,
         "bad.yaml:4:10: error: signoff needs date: the 落款 prints the 成文日期 under the "
         "agency (date: YYYY-MM-DD)"},
        {"bad date", "agency: A\nyear: 2025\ndate: 2025-02-29\nlayout: gov-2021\n" SIX, 0,
         "bad.yaml:3:7: error: date '2025-02-29' is not a calendar date"},
        {"date shape", "agency: A\nyear: 2025\ndate: 2026/1/20\nlayout: gov-2021\n" SIX, 0,
         "bad.yaml:3:7: error: date '2026/1/20' must be written YYYY-MM-DD"},
        {"year range", "agency: A\nyear: 1999\ndate: 2026-01-20\nlayout: gov-2021\n" SIX, 0,
         "bad.yaml:2:7: error: year 1999 is out of range: 2000–2100"},
        {"alias", "agency: &name 某局\nsignoff: *name\n", 0,
         "bad.yaml:2:10: error: aliases are not allowed"},
        {"too deep", deep, 0, "bad.yaml:1:72: error: nesting is too deep: at most 64 levels"},
        {"invalid UTF-8", "agency: A\r\nyear: \xE6\xB9\r\n", 0,
         "bad.yaml:2:7: error: invalid UTF-8 (byte 0xE6); the report must be UTF-8 text"},
        {"control character", "agency: A\x01\n", 0,
         "bad.yaml:1:10: error: character U+0001 is not allowed"},
        {"escaped control character", "agency: \"A\\e\"\n", 0,
         "bad.yaml:1:9: error: control character U+001B is not allowed in text"},
        {"NUL byte", "agency: A\0B\n", 12, "bad.yaml:1:10: error: character U+0000 is not allowed"},
        {"text too long", long_text, 0,
         "bad.yaml:1:9: error: text of 69991 bytes is too long: at most 65536 (64 KiB)"},
        {"empty input", "# nothing\n", 0,
         "bad.yaml:1:1: error: the report is empty: expected a mapping with agency, year, date, "
         "layout and sections"},
        {"two documents", "---\nagency: A\n---\nagency: B\n", 0,
         "bad.yaml:3:1: error: a report is one YAML document; found a second one here"},
        {"blocks", HEAD "sections:\n  - body:\n      - h2: 一\n        item: 二\n"
                        "      - h4: 三\n      - \"  \"\n      -\n      - [x]\n"
                        "      - {table: active, value: {}}\n" FIVE, 0,
         "bad.yaml:8:9: error: a block has one key; 'item' follows 'h2' (start a new list "
         "entry with '- ')\n"
         "bad.yaml:9:9: error: unknown block key 'h4' (allowed: h2, h3, item, table)\n"
         "bad.yaml:10:9: error: empty paragraph\n"
         "bad.yaml:11:8: error: empty paragraph\n"
         "bad.yaml:12:9: error: a block must be a paragraph (a string) or a mapping with one of "
         "h2, h3, item, table\n"
         "bad.yaml:13:25: error: unknown key 'value' in a table block: did you mean 'values'? "
         "(allowed: table, values, blanks)\n"
         "bad.yaml:13:9: error: missing key 'values'"},
        {"table values", HEAD "sections:\n  - body:\n      - table: active\n        values:\n"
                              "          rules: [1, [2]]\n          fees: {a: 3}\n" FIVE, 0,
         "bad.yaml:9:22: error: a table value must be a number, text or empty, not a list\n"
         "bad.yaml:10:17: error: row 'fees' must be a list of values, e.g. [0, 0, 0], or the "
         "values in one string, e.g. \"0 0 0\""},
        {"section key", HEAD "sections:\n  - {heading: 总体, bodyy: []}\n" FIVE, 0,
         "bad.yaml:6:19: error: unknown key 'bodyy' in a section: did you mean 'body'? "
         "(allowed: heading, body)\n"
         "bad.yaml:6:5: error: missing key 'body'"},
        {"seal without signoff", HEAD "seal: s.png\n" SIX, 0,
         "bad.yaml:5:7: error: seal needs signoff: the seal is placed over the signature"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_bad(&cases[i]);
    free(long_text);

    /* Above the input limit: refused before anything is read. */
    size_t big = ((size_t)8 << 20) + 1;
    char *huge = calloc(big, 1);
    check_bad(&(bad_case){"too large", huge, big,
                          "bad.yaml:0:0: error: the report is 8388609 bytes; at most 8388608 (8 "
                          "MiB) are accepted"});
    free(huge);
}

int main(void)
{
    check_seed();
    check_texts();
    check_bad_inputs();
    if (failures)
        fprintf(stderr, "%d checks failed\n", failures);
    return failures ? 1 : 0;
}
