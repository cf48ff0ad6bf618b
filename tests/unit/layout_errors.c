/* The layout loader is strict: each broken layout below gives exactly the expected
 * `line:col: message` diagnostics and no layout. */
#include "layout.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expect.h"

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Lines 1–3 of every case; tables start on line 4. */
#define HEAD                                                                                      \
    "layout: t\n"                                                                                 \
    "sections: [一、总体情况, 二、主动公开政府信息情况, 三、收到和处理政府信息公开申请情况, "      \
    "四、政府信息公开行政复议、行政诉讼情况, 五、存在的主要问题及改进情况, 六、其他需要报告的事项]\n" \
    "tables:\n"

/* A 3-column table whose grid starts on line 9. */
#define TABLE3                                                                                    \
    "  - table: t\n"                                                                              \
    "    name: 表X\n"                                                                             \
    "    section: 2\n"                                                                            \
    "    columns: 3\n"                                                                            \
    "    grid:\n"

static void check(const char *file, const char *yaml, const char *const *want, int line)
{
    nb_diags *d = nb_diags_new();
    nb_layout *l = NULL;
    int rc = nb_layout_parse(file, yaml, strlen(yaml), &l, d);
    size_t nwant = 0;
    while (want && want[nwant])
        nwant++;
    EXPECT(nwant ? rc == NB_EINPUT && !l : rc == NB_OK && l, "case at line %d: rc %d", line, rc);
    EXPECT(nb_diags_count(d) == nwant, "case at line %d: %zu diagnostics, expected %zu", line,
           nb_diags_count(d), nwant);
    for (size_t i = 0; i < nb_diags_count(d); i++) {
        const char *f, *msg;
        int dl, dc;
        nb_diags_get(d, i, &f, &dl, &dc, &msg);
        char got[1024];
        snprintf(got, sizeof got, "%s:%d:%d: %s", f, dl, dc, msg);
        EXPECT(i < nwant && !strcmp(got, want[i]), "case at line %d:\n  got      %s\n  expected %s",
               line, got, i < nwant ? want[i] : "(nothing)");
    }
    nb_layout_free(l);
    nb_diags_free(d);
}

int main(void)
{
    /* A small valid layout loads. */
    check("t.yaml",
          HEAD TABLE3 "      - [{text: 标题, cols: 3}]\n"
                      "      - [{text: A, rows: 2}, {values: a, columns: [x, y]}]\n"
                      "      - [{values: b, columns: [x, y]}]\n"
                      "    rules:\n"
                      "      - {id: R, per: row, check: y = x}\n",
          NULL, __LINE__);

    check("t.yaml", "layout: t\ncolour: red\n",
          LIST("t.yaml:2:1: unknown key 'colour' in a layout (allowed: layout, title, national, "
               "base, remove_columns, sections, tables, words)",
               "t.yaml:1:1: missing key 'sections' in a layout",
               "t.yaml:1:1: missing key 'tables' in a layout"),
          __LINE__);

    /* Column widths: one per column, each a number of mm; words: a list of text. */
    check("t.yaml",
          HEAD TABLE3 "      - [A, B, C]\n"
                      "    widths: [10, 0, 1e3]\n"
                      "  - table: u\n"
                      "    name: 表Y\n"
                      "    section: 3\n"
                      "    columns: 2\n"
                      "    grid:\n"
                      "      - [A, B]\n"
                      "    widths: [10]\n"
                      "words: [自然人, '']\n",
          LIST("t.yaml:10:18: a column width must be a number of mm, more than 0 and at most 1000 "
               "(e.g. 12 or 14.5)",
               "t.yaml:10:21: a column width must be a number of mm, more than 0 and at most 1000 "
               "(e.g. 12 or 14.5)",
               "t.yaml:17:13: widths must be a list of 2 column widths in mm, one per column",
               "t.yaml:18:14: a word must not be empty"),
          __LINE__);

    check("t.yaml", "layout: t\ntables: [\n",
          LIST("t.yaml:3:1: did not find expected node content while parsing a flow node"),
          __LINE__);

    /* The document itself: aliases and deep nesting refused anywhere in the stream, an anchor
     * given twice refused as libyaml's loader refuses it, only the first document read. */
    check("t.yaml", "layout: t\ntitle: *a\n",
          LIST("t.yaml:2:8: aliases are not allowed in a layout"), __LINE__);
    check("t.yaml",
          "layout: t\ntables: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
          LIST("t.yaml:2:40: nesting is too deep: at most 32 levels"), __LINE__);
    check("t.yaml", "layout: &a t\ntitle: &a x\n",
          LIST("t.yaml:2:8: second occurrence found duplicate anchor; first occurrence"),
          __LINE__);
    check("t.yaml", "", LIST("t.yaml:0:0: the layout file is empty"), __LINE__);
    check("t.yaml", "# nothing\n", LIST("t.yaml:0:0: the layout file is empty"), __LINE__);
    check("t.yaml", HEAD "  - [\n", LIST("t.yaml:5:1: did not find expected node content while "
                                       "parsing a flow node"),
          __LINE__);
    {
        const char *one = HEAD TABLE3 "      - [A, B, C]\n";
        char two[1024];
        snprintf(two, sizeof two, "%s---\n[\n", one); /* a broken second document: unread */
        check("t.yaml", two, NULL, __LINE__);
        snprintf(two, sizeof two, "%s---\n[*a]\n", one); /* an alias in it: refused */
        check("t.yaml", two, LIST("t.yaml:11:2: aliases are not allowed in a layout"), __LINE__);
        snprintf(two, sizeof two, "---\n%s---\nlayout: u\n", one);
        nb_diags *d = nb_diags_new();
        nb_layout *l = NULL;
        EXPECT(nb_layout_parse("t.yaml", two, strlen(two), &l, d) == NB_OK && l &&
                   !strcmp(l->name, "t") && l->ntables == 1 && l->tables[0].ncells == 3 &&
                   !strcmp(l->tables[0].cells[2].text, "C") && l->tables[0].cells[2].col == 2,
               "the first of two documents");
        nb_layout_free(l);
        nb_diags_free(d);
    }

    check("t.yaml",
          "layout: t\nsections: [一、a, 二、b, 三、c, 四、d, 五、e, 五、f]\ntables: []\n",
          LIST("t.yaml:2:37: section 6's heading must start with '六、' and have text after it"),
          __LINE__);

    /* Spans: zero, past the width, past the last row. */
    check("t.yaml",
          HEAD TABLE3 "      - [{text: A, rows: 0}, B, C]\n"
                      "      - [A, {text: B, cols: 3}]\n"
                      "      - [{text: A, rows: 2}, B, C]\n",
          LIST("t.yaml:9:26: rows must be a whole number from 1 to 1000",
               "t.yaml:10:13: row 2: this cell spans columns 2–4, past the table's 3 columns",
               "t.yaml:11:10: row 3: this cell spans rows 3–4, past the table's last row 3"),
          __LINE__);

    /* Overlap with a cell from above; a row too long; a row too short. */
    check("t.yaml",
          HEAD TABLE3 "      - [A, {text: B, rows: 2}, C]\n"
                      "      - [{text: D, cols: 2}, E]\n"
                      "      - [F, G, H, I]\n"
                      "      - [J, K]\n",
          LIST("t.yaml:10:10: row 2, column 1: this cell overlaps 'B' at row 2, column 2",
               "t.yaml:11:19: row 3: no room for this cell; the row's 3 columns are already filled",
               "t.yaml:12:9: row 4 leaves column 3 empty; every row must fill the table's 3 "
               "columns"),
          __LINE__);

    /* Value cells: duplicate key, bad kind, no columns, a value in a header row. */
    check("t.yaml",
          HEAD "  - table: t\n"
               "    name: 表X\n"
               "    section: 2\n"
               "    columns: 3\n"
               "    header_rows: 1\n"
               "    grid:\n"
               "      - [A, {values: h, columns: [x, y]}]\n"
               "      - [A, {values: a, columns: [x, y], kind: money}]\n"
               "      - [A, {values: a, columns: [x, y]}]\n"
               "      - [A, {values: b}]\n",
          LIST("t.yaml:10:13: row 1 is a header row (header_rows: 1); it holds no values",
               "t.yaml:11:48: kind must be count, amount, change or text",
               "t.yaml:12:22: row key 'a' is used twice in 表X (first at line 11)",
               "t.yaml:13:13: a value cell needs 'columns' (or the table's 'value_columns')"),
          __LINE__);

    /* Rules naming what the table does not have. */
    check("t.yaml",
          HEAD TABLE3 "      - [A, {values: a, columns: [x, y]}]\n"
                      "      - [B, {values: b, columns: [x, y]}]\n"
                      "      - [C, {values: c, cols: 2, columns: [x]}]\n"
                      "    rules:\n"
                      "      - {id: R1, per: column, check: a = b + nope}\n"
                      "      - {id: R2, per: row, rows: [a, b], check: x = y + z}\n"
                      "      - {id: R3, per: column, check: a = b + c}\n"
                      "      - {id: R4, per: column, check: a = q_*}\n"
                      "      - {id: R5, per: row, rows: [a, zz], check: x = y}\n"
                      "      - {id: R6, per: column, check: a - b = c, colour: red}\n",
          LIST("t.yaml:13:46: rule R1: unknown row key 'nope' in 表X",
               "t.yaml:14:57: rule R2: row 'a' of 表X has no column 'z'",
               "t.yaml:15:46: rule R3: row 'c' has 1 value(s) but 'a' has 2; a per-column rule "
               "needs rows of the same width",
               "t.yaml:16:42: rule R4: no row key of 表X starts with 'q_'",
               "t.yaml:17:38: rule R5: unknown row key 'zz' in 表X",
               "t.yaml:18:49: unknown key 'colour' in a rule (allowed: id, text, per, rows, "
               "severity, check)",
               "t.yaml:18:40: rule R6: the left side of a check is a sum; write subtractions on "
               "the right"),
          __LINE__);

    /* A variant: its base is found next to it; a column it cannot remove. */
    char dir[] = "/tmp/nb_layout_errors_XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char base[256], variant[256];
    snprintf(base, sizeof base, "%s/base.yaml", dir);
    snprintf(variant, sizeof variant, "%s/v.yaml", dir);
    FILE *f = fopen(base, "w");
    fputs(HEAD TABLE3 "      - [A, {values: a, columns: [x, y]}]\n"
                      "    rules:\n"
                      "      - {id: R, per: row, check: y = x}\n",
          f);
    fclose(f);
    check(variant, "layout: v\nbase: base\nremove_columns: {t: [x]}\n", NULL, __LINE__);
    {
        nb_diags *d = nb_diags_new();
        nb_layout *l = NULL;
        const char *y = "layout: v\nbase: base\nremove_columns: {t: [x]}\n";
        nb_layout_parse(variant, y, strlen(y), &l, d);
        const nb_ltable *t = nb_layout_table(l, "t");
        EXPECT(t && t->ncols == 2 && t->nslots == 1 && !strcmp(t->slots[0].column, "y") &&
                   t->nrules == 0 && !strcmp(l->national, "t"),
               "variant without x");
        nb_layout_free(l);
        nb_diags_free(d);
    }
    char want[512];
    snprintf(want, sizeof want, "%s:3:22: 表X has no value column 'w' of single cells to remove",
             variant);
    check(variant, "layout: v\nbase: base\nremove_columns: {t: [w]}\n", LIST(want), __LINE__);
    char want2[512];
    snprintf(want2, sizeof want2, "%s:2:7: cannot read base layout %s/none.yaml: No such file or "
             "directory", variant, dir);
    check(variant, "layout: v\nbase: none\n", LIST(want2), __LINE__);
    unlink(base);
    rmdir(dir);

    if (failures)
        fprintf(stderr, "layout_errors: %d failure(s)\n", failures);
    return failures ? 1 : 0;
}
