/* Binding a report's table values to the shipped layouts: good values land in their slots with
 * the right number, text or blank; every bad input gives exactly the expected message, naming
 * table, row and column by their labels. Inputs are built by hand, as the report loader would. */
#include "layout.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

#define FILE_NAME "r.yaml"

/* ---- building inputs ---- */

typedef struct builder {
    nb_table_input in;
    size_t cap;
} builder;

static nb_text text_at(const char *s, int line, int col)
{
    nb_text t = {0};
    t.s = nb_strdup(s);
    t.len = strlen(s);
    t.pos = (nb_pos){FILE_NAME, line, col};
    return t;
}

static void start(builder *b, const char *table, int line)
{
    memset(b, 0, sizeof *b);
    b->in.key = text_at(table, line, 10);
}

/* One row at `line`: key at column 5, values from column 20, 4 columns apart. Values are
 * separated by spaces: `~` is null, 'x' is quoted text, anything else a plain scalar. */
static void row(builder *b, int line, const char *key, const char *values)
{
    nb_grow(&b->in.rows, &b->cap, b->in.nrows + 1, sizeof *b->in.rows);
    nb_row_input *r = &b->in.rows[b->in.nrows++];
    memset(r, 0, sizeof *r);
    r->key = text_at(key, line, 5);
    char *copy = nb_strdup(values);
    size_t cap = 0;
    int col = 20;
    for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " "), col += 4) {
        nb_grow(&r->cells, &cap, r->ncells + 1, sizeof *r->cells);
        nb_cell_input *c = &r->cells[r->ncells++];
        memset(c, 0, sizeof *c);
        size_t n = strlen(tok);
        if (n >= 2 && tok[0] == '\'' && tok[n - 1] == '\'') {
            tok[n - 1] = 0;
            c->text = text_at(tok + 1, line, col);
            c->quoted = 1;
        } else {
            c->text = text_at(strcmp(tok, "~") ? tok : "", line, col);
            c->is_null = !strcmp(tok, "~");
        }
    }
    free(copy);
}

static void finish(builder *b)
{
    for (size_t i = 0; i < b->in.nrows; i++) {
        for (size_t j = 0; j < b->in.rows[i].ncells; j++)
            free(b->in.rows[i].cells[j].text.s);
        free(b->in.rows[i].cells);
        free(b->in.rows[i].key.s);
    }
    free(b->in.rows);
    free(b->in.key.s);
}

/* ---- checking results ---- */

static nb_layout *load(const char *name)
{
    const char *src = getenv("NB_SOURCE");
    char path[1024];
    snprintf(path, sizeof path, "%s/layouts/%s.yaml", src ? src : ".", name);
    nb_diags *d = nb_diags_new();
    nb_layout *l = NULL;
    if (nb_layout_load(path, &l, d) != NB_OK)
        nb_diags_print(d, stderr);
    nb_diags_free(d);
    if (!l) {
        fprintf(stderr, "cannot load %s\n", path);
        exit(1);
    }
    return l;
}

/* Binds and compares the diagnostics with `want` ("line:col: message", NULL-terminated). */
static nb_table *bind_expect(const nb_layout *l, builder *b, const char *const *want, int line)
{
    nb_diags *d = nb_diags_new();
    nb_table *t = nb_table_bind(l, &b->in, d);
    size_t nwant = 0;
    while (want && want[nwant])
        nwant++;
    EXPECT(nb_diags_count(d) == nwant, "case at line %d: %zu diagnostics, expected %zu", line,
           nb_diags_count(d), nwant);
    for (size_t i = 0; i < nb_diags_count(d); i++) {
        const char *file, *msg;
        int dl, dc;
        nb_severity sev = nb_diags_get(d, i, &file, &dl, &dc, &msg);
        char got[1024];
        snprintf(got, sizeof got, "%d:%d: %s", dl, dc, msg);
        EXPECT(sev == NB_ERROR && !strcmp(file, FILE_NAME), "case at line %d: severity/file",
               line);
        EXPECT(i < nwant && !strcmp(got, want[i]), "case at line %d:\n  got      %s\n  expected %s",
               line, got, i < nwant ? want[i] : "(nothing)");
    }
    EXPECT(nwant ? t == NULL : t != NULL, "case at line %d: table %s", line,
           t ? "bound despite errors" : "not bound");
    nb_diags_free(d);
    return t;
}

static const nb_value *value(const nb_table *t, const char *key, int index)
{
    int g = nb_ltable_group(t->layout, key);
    if (g < 0 || index >= t->layout->groups[g].nslots)
        return NULL;
    return &t->values[t->layout->groups[g].first_slot + index];
}

static const char *const B_ALL_ROWS[] = {
    "new", "carried_over", "disclosed", "partial", "withheld_1", "withheld_2", "withheld_3",
    "withheld_4", "withheld_5", "withheld_6", "withheld_7", "withheld_8", "unavailable_1",
    "unavailable_2", "unavailable_3", "unprocessed_1", "unprocessed_2", "unprocessed_3",
    "unprocessed_4", "unprocessed_5", "other_1", "other_2", "other_3", "total", "carry_forward"};

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

int main(void)
{
    nb_layout *l21 = load("gov-2021"), *lno = load("gov-2021-no-other"), *l19 = load("gov-2019");
    builder b;

    /* Good: 表三 with every row, numbers, text for "not applicable", blanks. */
    start(&b, "applications", 1);
    for (size_t i = 0; i < sizeof B_ALL_ROWS / sizeof *B_ALL_ROWS; i++)
        row(&b, 2 + (int)i, B_ALL_ROWS[i], "0 0 0 0 0 0 0");
    b.in.rows[0].cells[0].text.s[0] = '7'; /* new: 7 by 自然人 */
    nb_table *t = bind_expect(l21, &b, NULL, __LINE__);
    if (t) {
        EXPECT(value(t, "new", 0)->num == 7 && value(t, "carry_forward", 6)->present,
               "every row bound");
        for (size_t g = 0; g < t->layout->ngroups; g++)
            EXPECT(t->group_given[g], "row %zu given", g);
        nb_table_free(t);
    }
    finish(&b);
    start(&b, "applications", 1);
    row(&b, 2, "new", "7 '/' - — ~ '' 7");
    row(&b, 3, "total", "3119 0 0 0 0 0 3119");
    t = bind_expect(l21, &b, NULL, __LINE__);
    if (t) {
        const nb_value *v = value(t, "new", 0);
        EXPECT(v && v->present && !v->is_text && v->num == 7 && !strcmp(v->text, "7") &&
                   v->pos.line == 2 && v->pos.col == 20,
               "new/自然人");
        v = value(t, "new", 1);
        EXPECT(v && v->present && v->is_text && !strcmp(v->text, "/"), "quoted /");
        v = value(t, "new", 2);
        EXPECT(v && v->present && v->is_text && !strcmp(v->text, "-"), "plain -");
        v = value(t, "new", 3);
        EXPECT(v && v->present && v->is_text && !strcmp(v->text, "—"), "plain —");
        v = value(t, "new", 4);
        EXPECT(v && !v->present, "~ is blank");
        v = value(t, "new", 5);
        EXPECT(v && !v->present, "'' is blank");
        v = value(t, "total", 6);
        EXPECT(v && v->present && v->num == 3119, "total/总计");
        v = value(t, "disclosed", 0);
        EXPECT(v && !v->present, "a missing row is blank");
        EXPECT(t->group_given[nb_ltable_group(t->layout, "new")] &&
                   t->group_given[nb_ltable_group(t->layout, "total")] &&
                   !t->group_given[nb_ltable_group(t->layout, "disclosed")],
               "group_given");
        EXPECT(t->pos.line == 1 && t->pos.col == 10, "table position");
        nb_table_free(t);
    }
    finish(&b);

    /* Good: 表二 with an amount in 万元 and large counts. */
    start(&b, "active", 1);
    row(&b, 2, "permits", "447228");
    row(&b, 3, "penalties", "3985758");
    row(&b, 4, "fees", "96171.6");
    row(&b, 5, "rules", "'/' '/' '/'");
    t = bind_expect(l21, &b, NULL, __LINE__);
    if (t) {
        EXPECT(value(t, "fees", 0)->num == INT64_C(96171600000), "fees in millionths: %lld",
               (long long)value(t, "fees", 0)->num);
        EXPECT(value(t, "penalties", 0)->num == 3985758, "penalties");
        EXPECT(value(t, "rules", 2)->is_text, "rules text");
        nb_table_free(t);
    }
    finish(&b);
    start(&b, "active", 1);
    row(&b, 2, "fees", "7730.280001");
    t = bind_expect(l21, &b, NULL, __LINE__);
    if (t) {
        EXPECT(value(t, "fees", 0)->num == INT64_C(7730280001), "6 decimals kept");
        nb_table_free(t);
    }
    finish(&b);

    /* Good: the variant takes 6 values a row; 表四's 5 a group. */
    start(&b, "applications", 1);
    row(&b, 2, "new", "0 0 0 0 0 0");
    t = bind_expect(lno, &b, NULL, __LINE__);
    nb_table_free(t);
    finish(&b);
    start(&b, "appeals", 1);
    row(&b, 2, "review", "10 1 0 0 11");
    row(&b, 3, "after_review", "5 0 0 0 5");
    t = bind_expect(l21, &b, NULL, __LINE__);
    if (t) {
        EXPECT(value(t, "review", 4)->num == 11 && value(t, "after_review", 0)->num == 5 &&
                   !value(t, "direct", 0)->present,
               "appeals values");
        nb_table_free(t);
    }
    finish(&b);

    /* Good: 2019 signed 本年增/减 and 采购总金额. */
    start(&b, "active", 1);
    row(&b, 2, "permits", "5 -2 3");
    row(&b, 3, "fees", "4 +1");
    row(&b, 4, "procurement", "6 25.1");
    t = bind_expect(l19, &b, NULL, __LINE__);
    if (t) {
        EXPECT(value(t, "permits", 1)->num == -2 && value(t, "fees", 1)->num == 1 &&
                   value(t, "procurement", 1)->num == INT64_C(25100000),
               "2019 values");
        nb_table_free(t);
    }
    finish(&b);

    /* Unknown table. */
    start(&b, "applicaton", 7);
    row(&b, 8, "new", "0");
    bind_expect(l21, &b,
                LIST("7:10: unknown table 'applicaton' in layout gov-2021; its tables are active "
                     "(表二), applications (表三), appeals (表四)"),
                __LINE__);
    finish(&b);

    /* Unknown rows: a near miss is suggested, otherwise the keys are listed. */
    start(&b, "appeals", 1);
    row(&b, 2, "reveiw", "0 0 0 0 0");
    row(&b, 3, "appeal", "0 0 0 0 0");
    bind_expect(l21, &b,
                LIST("2:5: 表四: unknown row 'reveiw'; did you mean 'review'?",
                     "3:5: 表四: unknown row 'appeal'; the rows are review, direct, after_review"),
                __LINE__);
    finish(&b);

    /* A row given twice. */
    start(&b, "applications", 1);
    row(&b, 3, "total", "0 0 0 0 0 0 0");
    row(&b, 9, "total", "0 0 0 0 0 0 0");
    bind_expect(l21, &b, LIST("9:5: 表三 （七）总计: row 'total' is given twice (first at line 3)"),
                __LINE__);
    finish(&b);

    /* Too many values (at the first extra one) and too few (at the key). */
    start(&b, "applications", 1);
    row(&b, 2, "total", "0 0 0 0 0 0 0 0");
    row(&b, 3, "withheld_3", "0 0");
    bind_expect(l21, &b,
                LIST("2:48: 表三 （七）总计: 8 values given; the row has 7 (自然人, 商业企业, "
                     "科研机构, 社会公益组织, 法律服务机构, 其他, 总计)",
                     "3:5: 表三 （三）不予公开 3.危及“三安全一稳定”: 2 values given; the row has 7 "
                     "(自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计); write "
                     "~ for a blank cell"),
                __LINE__);
    finish(&b);

    /* The national 7 values in the variant without 其他. */
    start(&b, "applications", 1);
    row(&b, 2, "new", "1 0 0 0 0 0 1");
    bind_expect(lno, &b,
                LIST("2:44: 表三 一、本年新收政府信息公开申请数量: 7 values given; the row has 6 "
                     "(自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 总计)"),
                __LINE__);
    finish(&b);

    /* 表四 names cells by group and column; a short row. */
    start(&b, "appeals", 1);
    row(&b, 2, "review", "1 0 0 x 1");
    row(&b, 3, "direct", "0 0 0 0");
    bind_expect(l21, &b,
                LIST("2:32: 表四 行政复议 尚未审结: 'x' is not a count (a whole number, 0 or more)",
                     "3:5: 表四 未经复议直接起诉: 4 values given; the row has 5 (结果维持, 结果纠正, "
                     "其他结果, 尚未审结, 总计); write ~ for a blank cell"),
                __LINE__);
    finish(&b);

    /* Counts that are not counts. */
    start(&b, "applications", 1);
    row(&b, 2, "total", "1.5 -3 99999999999999999999 .nan .inf NaN 1e3");
    row(&b, 3, "new", "'0' '无' 0x10 1,234 999999999999999 ~ ~");
    bind_expect(l21, &b,
                LIST("2:20: 表三 （七）总计 / 自然人: '1.5' is not a count (a whole number, 0 or "
                     "more)",
                     "2:24: 表三 （七）总计 / 商业企业: '-3' is not a count (a whole number, 0 or "
                     "more)",
                     "2:28: 表三 （七）总计 / 科研机构: '99999999999999999999' is too large (at "
                     "most 999999999999999)",
                     "2:32: 表三 （七）总计 / 社会公益组织: '.nan' is not a count (a whole number, "
                     "0 or more)",
                     "2:36: 表三 （七）总计 / 法律服务机构: '.inf' is not a count (a whole number, "
                     "0 or more)",
                     "2:40: 表三 （七）总计 / 其他: 'NaN' is not a count (a whole number, 0 or "
                     "more)",
                     "2:44: 表三 （七）总计 / 总计: '1e3' is not a count (a whole number, 0 or "
                     "more)",
                     "3:20: 表三 一、本年新收政府信息公开申请数量 / 自然人: '0' is quoted, so it is "
                     "text; write a count without quotes",
                     "3:24: 表三 一、本年新收政府信息公开申请数量 / 商业企业: text '无' is not "
                     "allowed here; write a count (a whole number, 0 or more), ~ for a blank "
                     "cell, or \"/\", \"-\" or \"—\" for not applicable",
                     "3:28: 表三 一、本年新收政府信息公开申请数量 / 科研机构: '0x10' is not a count "
                     "(a whole number, 0 or more)",
                     "3:32: 表三 一、本年新收政府信息公开申请数量 / 社会公益组织: '1,234' is not a "
                     "count (a whole number, 0 or more)"),
                __LINE__);
    finish(&b);

    /* Amounts: more than 6 decimals, negative, too large, quoted. */
    start(&b, "active", 1);
    row(&b, 2, "fees", "1.1234567");
    bind_expect(l21, &b,
                LIST("2:20: 表二 行政事业性收费 / 本年收费金额（单位：万元）: '1.1234567' has more "
                     "than 6 decimals; an amount in 万元 has at most 6"),
                __LINE__);
    finish(&b);
    start(&b, "active", 1);
    row(&b, 2, "fees", "-5");
    row(&b, 3, "rules", "1 2 3.0");
    bind_expect(l21, &b,
                LIST("2:20: 表二 行政事业性收费 / 本年收费金额（单位：万元）: '-5' is not an "
                     "amount in 万元 such as 12.5 (at most 6 decimals)",
                     "3:28: 表二 规章 / 现行有效件数: '3.0' is not a count (a whole number, 0 or "
                     "more)"),
                __LINE__);
    finish(&b);
    start(&b, "active", 1);
    row(&b, 2, "fees", "12345678901.5");
    row(&b, 3, "penalties", "'12'");
    bind_expect(l21, &b,
                LIST("2:20: 表二 行政事业性收费 / 本年收费金额（单位：万元）: '12345678901.5' is "
                     "too large for an amount (at most 9999999999.999999 万元)",
                     "3:20: 表二 行政处罚 / 本年处理决定数量: '12' is quoted, so it is text; write "
                     "a count without quotes"),
                __LINE__);
    finish(&b);

    /* 2019: 本年增/减 is signed but whole. */
    start(&b, "active", 1);
    row(&b, 2, "permits", "5 1.5 -1");
    bind_expect(l19, &b,
                LIST("2:24: 表二 行政许可 / 本年增/减: '1.5' is not a whole number such as 3 or -2",
                     "2:28: 表二 行政许可 / 处理决定数量: '-1' is not a count (a whole number, 0 "
                     "or more)"),
                __LINE__);
    finish(&b);

    nb_layout_free(l21);
    nb_layout_free(lno);
    nb_layout_free(l19);
    if (failures)
        fprintf(stderr, "table_bind: %d failure(s)\n", failures);
    return failures ? 1 : 0;
}
