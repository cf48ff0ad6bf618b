/* The shipped layouts against the printed format: every label at its row and column with its
 * spans, every value slot, kinds, row keys and the rules' references. The expected grids below
 * are transcribed from FORMAT.md §1.4 (2021) and §1.8 (2019), not from the layout files. */
#include "layout.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

/* A label: 1-based row and column, rowspan, colspan, text. */
typedef struct xlabel {
    int row, col, rs, cs;
    const char *text;
} xlabel;

/* `n` value slots in `row` from column `col`, each `cs` columns wide, of one kind. */
typedef struct xvalues {
    int row, col, n, cs;
    nb_value_kind kind;
} xvalues;

#define COUNT NB_KIND_COUNT
#define AMOUNT NB_KIND_AMOUNT
#define CHANGE NB_KIND_CHANGE

/* ---- 表二 ---- */

static const xlabel A2021[] = {
    {1, 1, 1, 4, "第二十条第（一）项"},
    {2, 1, 1, 1, "信息内容"}, {2, 2, 1, 1, "本年制发件数"}, {2, 3, 1, 1, "本年废止件数"},
    {2, 4, 1, 1, "现行有效件数"},
    {3, 1, 1, 1, "规章"},
    {4, 1, 1, 1, "行政规范性文件"},
    {5, 1, 1, 4, "第二十条第（五）项"},
    {6, 1, 1, 1, "信息内容"}, {6, 2, 1, 3, "本年处理决定数量"},
    {7, 1, 1, 1, "行政许可"},
    {8, 1, 1, 4, "第二十条第（六）项"},
    {9, 1, 1, 1, "信息内容"}, {9, 2, 1, 3, "本年处理决定数量"},
    {10, 1, 1, 1, "行政处罚"},
    {11, 1, 1, 1, "行政强制"},
    {12, 1, 1, 4, "第二十条第（八）项"},
    {13, 1, 1, 1, "信息内容"}, {13, 2, 1, 3, "本年收费金额（单位：万元）"},
    {14, 1, 1, 1, "行政事业性收费"},
};
static const xvalues A2021_V[] = {
    {3, 2, 3, 1, COUNT}, {4, 2, 3, 1, COUNT}, {7, 2, 1, 3, COUNT},
    {10, 2, 1, 3, COUNT}, {11, 2, 1, 3, COUNT}, {14, 2, 1, 3, AMOUNT},
};
static const char *const A2021_KEYS[] = {"rules", "normative", "permits", "penalties",
                                         "coercion", "fees"};

/* 2019 (FORMAT.md §1.8): the （八）and（九）blocks' second value spans columns 3–4. */
static const xlabel A2019[] = {
    {1, 1, 1, 4, "第二十条第（一）项"},
    {2, 1, 1, 1, "信息内容"}, {2, 2, 1, 1, "本年新制作数量"}, {2, 3, 1, 1, "本年新公开数量"},
    {2, 4, 1, 1, "对外公开总数量"},
    {3, 1, 1, 1, "规章"},
    {4, 1, 1, 1, "规范性文件"},
    {5, 1, 1, 4, "第二十条第（五）项"},
    {6, 1, 1, 1, "信息内容"}, {6, 2, 1, 1, "上一年项目数量"}, {6, 3, 1, 1, "本年增/减"},
    {6, 4, 1, 1, "处理决定数量"},
    {7, 1, 1, 1, "行政许可"},
    {8, 1, 1, 1, "其他对外管理服务事项"},
    {9, 1, 1, 4, "第二十条第（六）项"},
    {10, 1, 1, 1, "信息内容"}, {10, 2, 1, 1, "上一年项目数量"}, {10, 3, 1, 1, "本年增/减"},
    {10, 4, 1, 1, "处理决定数量"},
    {11, 1, 1, 1, "行政处罚"},
    {12, 1, 1, 1, "行政强制"},
    {13, 1, 1, 4, "第二十条第（八）项"},
    {14, 1, 1, 1, "信息内容"}, {14, 2, 1, 1, "上一年项目数量"}, {14, 3, 1, 2, "本年增/减"},
    {15, 1, 1, 1, "行政事业性收费"},
    {16, 1, 1, 4, "第二十条第（九）项"},
    {17, 1, 1, 1, "信息内容"}, {17, 2, 1, 1, "采购项目数量"}, {17, 3, 1, 2, "采购总金额"},
    {18, 1, 1, 1, "政府集中采购"},
};
static const xvalues A2019_V[] = {
    {3, 2, 3, 1, COUNT},
    {4, 2, 3, 1, COUNT},
    {7, 2, 1, 1, COUNT}, {7, 3, 1, 1, CHANGE}, {7, 4, 1, 1, COUNT},
    {8, 2, 1, 1, COUNT}, {8, 3, 1, 1, CHANGE}, {8, 4, 1, 1, COUNT},
    {11, 2, 1, 1, COUNT}, {11, 3, 1, 1, CHANGE}, {11, 4, 1, 1, COUNT},
    {12, 2, 1, 1, COUNT}, {12, 3, 1, 1, CHANGE}, {12, 4, 1, 1, COUNT},
    {15, 2, 1, 1, COUNT}, {15, 3, 1, 2, CHANGE},
    {18, 2, 1, 1, COUNT}, {18, 3, 1, 2, AMOUNT},
};
static const char *const A2019_KEYS[] = {"rules", "normative", "permits", "other_services",
                                         "penalties", "coercion", "fees", "procurement"};

/* ---- 表三 ---- */

#define NOTE "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

static const xlabel B_HEAD_2021[] = {
    {1, 1, 3, 3, NOTE},
    {1, 4, 1, 7, "申请人情况"},
    {2, 4, 2, 1, "自然人"}, {2, 5, 1, 5, "法人或其他组织"}, {2, 10, 2, 1, "总计"},
    {3, 5, 1, 1, "商业企业"}, {3, 6, 1, 1, "科研机构"}, {3, 7, 1, 1, "社会公益组织"},
    {3, 8, 1, 1, "法律服务机构"}, {3, 9, 1, 1, "其他"},
};
/* The seed report's variant: no 其他 column. */
static const xlabel B_HEAD_NO_OTHER[] = {
    {1, 1, 3, 3, NOTE},
    {1, 4, 1, 6, "申请人情况"},
    {2, 4, 2, 1, "自然人"}, {2, 5, 1, 4, "法人或其他组织"}, {2, 9, 2, 1, "总计"},
    {3, 5, 1, 1, "商业企业"}, {3, 6, 1, 1, "科研机构"}, {3, 7, 1, 1, "社会公益组织"},
    {3, 8, 1, 1, "法律服务机构"},
};
static const xlabel B_BODY_2021[] = {
    {4, 1, 1, 3, "一、本年新收政府信息公开申请数量"},
    {5, 1, 1, 3, "二、上年结转政府信息公开申请数量"},
    {6, 1, 22, 1, "三、本年度办理结果"},
    {6, 2, 1, 2, "（一）予以公开"},
    {7, 2, 1, 2, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"},
    {8, 2, 8, 1, "（三）不予公开"},
    {8, 3, 1, 1, "1.属于国家秘密"},
    {9, 3, 1, 1, "2.其他法律行政法规禁止公开"},
    {10, 3, 1, 1, "3.危及“三安全一稳定”"},
    {11, 3, 1, 1, "4.保护第三方合法权益"},
    {12, 3, 1, 1, "5.属于三类内部事务信息"},
    {13, 3, 1, 1, "6.属于四类过程性信息"},
    {14, 3, 1, 1, "7.属于行政执法案卷"},
    {15, 3, 1, 1, "8.属于行政查询事项"},
    {16, 2, 3, 1, "（四）无法提供"},
    {16, 3, 1, 1, "1.本机关不掌握相关政府信息"},
    {17, 3, 1, 1, "2.没有现成信息需要另行制作"},
    {18, 3, 1, 1, "3.补正后申请内容仍不明确"},
    {19, 2, 5, 1, "（五）不予处理"},
    {19, 3, 1, 1, "1.信访举报投诉类申请"},
    {20, 3, 1, 1, "2.重复申请"},
    {21, 3, 1, 1, "3.要求提供公开出版物"},
    {22, 3, 1, 1, "4.无正当理由大量反复申请"},
    {23, 3, 1, 1, "5.要求行政机关确认或重新出具已获取信息"},
    {24, 2, 3, 1, "（六）其他处理"},
    {24, 3, 1, 1, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
    {25, 3, 1, 1, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
    {26, 3, 1, 1, "3.其他"},
    {27, 2, 1, 2, "（七）总计"},
    {28, 1, 1, 3, "四、结转下年度继续办理"},
};
/* 2019: （六）其他处理 is one row, so 三、本年度办理结果 spans 20 rows. */
static const xlabel B_BODY_2019[] = {
    {4, 1, 1, 3, "一、本年新收政府信息公开申请数量"},
    {5, 1, 1, 3, "二、上年结转政府信息公开申请数量"},
    {6, 1, 20, 1, "三、本年度办理结果"},
    {6, 2, 1, 2, "（一）予以公开"},
    {7, 2, 1, 2, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"},
    {8, 2, 8, 1, "（三）不予公开"},
    {8, 3, 1, 1, "1.属于国家秘密"},
    {9, 3, 1, 1, "2.其他法律行政法规禁止公开"},
    {10, 3, 1, 1, "3.危及“三安全一稳定”"},
    {11, 3, 1, 1, "4.保护第三方合法权益"},
    {12, 3, 1, 1, "5.属于三类内部事务信息"},
    {13, 3, 1, 1, "6.属于四类过程性信息"},
    {14, 3, 1, 1, "7.属于行政执法案卷"},
    {15, 3, 1, 1, "8.属于行政查询事项"},
    {16, 2, 3, 1, "（四）无法提供"},
    {16, 3, 1, 1, "1.本机关不掌握相关政府信息"},
    {17, 3, 1, 1, "2.没有现成信息需要另行制作"},
    {18, 3, 1, 1, "3.补正后申请内容仍不明确"},
    {19, 2, 5, 1, "（五）不予处理"},
    {19, 3, 1, 1, "1.信访举报投诉类申请"},
    {20, 3, 1, 1, "2.重复申请"},
    {21, 3, 1, 1, "3.要求提供公开出版物"},
    {22, 3, 1, 1, "4.无正当理由大量反复申请"},
    {23, 3, 1, 1, "5.要求行政机关确认或重新出具已获取信息"},
    {24, 2, 1, 2, "（六）其他处理"},
    {25, 2, 1, 2, "（七）总计"},
    {26, 1, 1, 3, "四、结转下年度继续办理"},
};
static const char *const B2021_KEYS[] = {
    "new", "carried_over", "disclosed", "partial", "withheld_1", "withheld_2", "withheld_3",
    "withheld_4", "withheld_5", "withheld_6", "withheld_7", "withheld_8", "unavailable_1",
    "unavailable_2", "unavailable_3", "unprocessed_1", "unprocessed_2", "unprocessed_3",
    "unprocessed_4", "unprocessed_5", "other_1", "other_2", "other_3", "total", "carry_forward"};
static const char *const B2019_KEYS[] = {
    "new", "carried_over", "disclosed", "partial", "withheld_1", "withheld_2", "withheld_3",
    "withheld_4", "withheld_5", "withheld_6", "withheld_7", "withheld_8", "unavailable_1",
    "unavailable_2", "unavailable_3", "unprocessed_1", "unprocessed_2", "unprocessed_3",
    "unprocessed_4", "unprocessed_5", "other", "total", "carry_forward"};

/* ---- 表四 ---- */

static const xlabel C_ALL[] = {
    {1, 1, 1, 5, "行政复议"}, {1, 6, 1, 10, "行政诉讼"},
    {2, 1, 2, 1, "结果维持"}, {2, 2, 2, 1, "结果纠正"}, {2, 3, 2, 1, "其他结果"},
    {2, 4, 2, 1, "尚未审结"}, {2, 5, 2, 1, "总计"},
    {2, 6, 1, 5, "未经复议直接起诉"}, {2, 11, 1, 5, "复议后起诉"},
    {3, 6, 1, 1, "结果维持"}, {3, 7, 1, 1, "结果纠正"}, {3, 8, 1, 1, "其他结果"},
    {3, 9, 1, 1, "尚未审结"}, {3, 10, 1, 1, "总计"},
    {3, 11, 1, 1, "结果维持"}, {3, 12, 1, 1, "结果纠正"}, {3, 13, 1, 1, "其他结果"},
    {3, 14, 1, 1, "尚未审结"}, {3, 15, 1, 1, "总计"},
};
static const xvalues C_V[] = {{4, 1, 15, 1, COUNT}};
static const char *const C_KEYS[] = {"review", "direct", "after_review"};

/* ---- comparing ---- */

typedef struct expect_table {
    const char *key, *name;
    int section, ncols, nrows, header_rows;
    const xlabel *labels[2];
    size_t nlabels[2];
    const xvalues *values;
    size_t nvalues;
    const char *const *keys;
    size_t nkeys;
} expect_table;

#define N(a) (sizeof(a) / sizeof *(a))

static const nb_lcell *cell_at(const nb_ltable *t, int row, int col)
{
    for (size_t i = 0; i < t->ncells; i++)
        if (t->cells[i].row == row - 1 && t->cells[i].col == col - 1)
            return &t->cells[i];
    return NULL;
}

static void compare_table(const char *layout, const nb_ltable *t, const expect_table *x)
{
    EXPECT(!strcmp(t->name, x->name), "%s %s: name %s", layout, x->key, t->name);
    EXPECT(t->section == x->section, "%s %s: section %d", layout, x->key, t->section);
    EXPECT(t->ncols == x->ncols && t->nrows == x->nrows, "%s %s: grid %d×%d, expected %d×%d",
           layout, x->key, t->ncols, t->nrows, x->ncols, x->nrows);
    EXPECT(t->header_rows == x->header_rows, "%s %s: header_rows %d", layout, x->key,
           t->header_rows);

    /* Every expected label, and no other. */
    size_t nlabels = 0, want_labels = x->nlabels[0] + x->nlabels[1];
    for (size_t i = 0; i < t->ncells; i++)
        nlabels += t->cells[i].text != NULL;
    EXPECT(nlabels == want_labels, "%s %s: %zu labels, expected %zu", layout, x->key, nlabels,
           want_labels);
    for (int part = 0; part < 2; part++)
        for (size_t i = 0; i < x->nlabels[part]; i++) {
            const xlabel *e = &x->labels[part][i];
            const nb_lcell *c = cell_at(t, e->row, e->col);
            EXPECT(c && c->text, "%s %s: no label at row %d, column %d ('%s')", layout, x->key,
                   e->row, e->col, e->text);
            if (!c || !c->text)
                continue;
            EXPECT(!strcmp(c->text, e->text), "%s %s (%d,%d): '%s', expected '%s'", layout,
                   x->key, e->row, e->col, c->text, e->text);
            EXPECT(c->rowspan == e->rs && c->colspan == e->cs,
                   "%s %s (%d,%d) '%s': span %d×%d, expected %d×%d", layout, x->key, e->row,
                   e->col, e->text, c->rowspan, c->colspan, e->rs, e->cs);
        }

    /* Every expected value slot, and no other. */
    size_t want_slots = 0;
    for (size_t i = 0; i < x->nvalues; i++) {
        const xvalues *v = &x->values[i];
        want_slots += (size_t)v->n;
        for (int k = 0; k < v->n; k++) {
            int col = v->col + k * v->cs;
            const nb_lcell *c = cell_at(t, v->row, col);
            EXPECT(c && !c->text && c->value >= 0, "%s %s: no value at row %d, column %d",
                   layout, x->key, v->row, col);
            if (!c || c->text || c->value < 0)
                continue;
            EXPECT(c->rowspan == 1 && c->colspan == v->cs,
                   "%s %s: value at (%d,%d) spans %d×%d, expected 1×%d", layout, x->key, v->row,
                   col, c->rowspan, c->colspan, v->cs);
            EXPECT(t->slots[c->value].kind == v->kind, "%s %s: value at (%d,%d) kind %d, expected %d",
                   layout, x->key, v->row, col, (int)t->slots[c->value].kind, (int)v->kind);
            EXPECT(t->cells + t->slots[c->value].cell == c, "%s %s: slot %d points elsewhere",
                   layout, x->key, c->value);
        }
    }
    EXPECT(t->nslots == want_slots, "%s %s: %zu slots, expected %zu", layout, x->key, t->nslots,
           want_slots);
    EXPECT(t->ncells == want_labels + want_slots, "%s %s: %zu cells", layout, x->key, t->ncells);

    /* The grid is covered exactly once. */
    int *cover = calloc((size_t)(t->nrows * t->ncols), sizeof *cover);
    for (size_t i = 0; i < t->ncells; i++) {
        const nb_lcell *c = &t->cells[i];
        for (int r = c->row; r < c->row + c->rowspan && r < t->nrows; r++)
            for (int k = c->col; k < c->col + c->colspan && k < t->ncols; k++)
                cover[r * t->ncols + k]++;
    }
    for (int i = 0; i < t->nrows * t->ncols; i++)
        EXPECT(cover[i] == 1, "%s %s: grid slot (%d,%d) covered %d times", layout, x->key,
               i / t->ncols + 1, i % t->ncols + 1, cover[i]);
    free(cover);

    /* Row keys, in order; each group's slots are one grid row. */
    EXPECT(t->ngroups == x->nkeys, "%s %s: %zu rows of values, expected %zu", layout, x->key,
           t->ngroups, x->nkeys);
    for (size_t g = 0; g < t->ngroups && g < x->nkeys; g++) {
        const nb_group *gr = &t->groups[g];
        EXPECT(!strcmp(gr->key, x->keys[g]), "%s %s: row key %zu is '%s', expected '%s'", layout,
               x->key, g, gr->key, x->keys[g]);
        for (int j = 0; j < gr->nslots; j++) {
            const nb_slot *s = &t->slots[gr->first_slot + j];
            EXPECT(s->group == (int)g && s->index == j, "%s %s: slot of '%s' misfiled", layout,
                   x->key, gr->key);
            EXPECT(t->cells[s->cell].row == gr->row, "%s %s: slot of '%s' off its row", layout,
                   x->key, gr->key);
        }
    }
}

static nb_layout *load(const char *name)
{
    const char *src = getenv("NB_SOURCE");
    char path[1024];
    snprintf(path, sizeof path, "%s/layouts/%s.yaml", src ? src : ".", name);
    nb_diags *d = nb_diags_new();
    nb_layout *l = NULL;
    int rc = nb_layout_load(path, &l, d);
    if (rc != NB_OK)
        nb_diags_print(d, stderr);
    EXPECT(rc == NB_OK && l, "%s does not load", path);
    EXPECT(nb_diags_count(d) == 0, "%s: %zu diagnostics", path, nb_diags_count(d));
    nb_diags_free(d);
    return l;
}

static const nb_rule *rule(const nb_ltable *t, const char *id)
{
    for (size_t i = 0; t && i < t->nrules; i++)
        if (!strcmp(t->rules[i].id, id))
            return &t->rules[i];
    return NULL;
}

static const char *slot_name(const nb_ltable *t, const char *key, const char *column)
{
    int g = nb_ltable_group(t, key);
    int j = nb_group_column(t, g, column);
    return j < 0 ? "(none)" : t->slots[t->groups[g].first_slot + j].name;
}

static void check_headings(const nb_layout *l)
{
    static const char *const full[NB_SECTIONS] = {
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项"};
    for (int i = 0; i < NB_SECTIONS; i++) {
        char both[256];
        snprintf(both, sizeof both, "%s%s", l->numbers[i] ? l->numbers[i] : "?",
                 l->headings[i] ? l->headings[i] : "?");
        EXPECT(!strcmp(both, full[i]), "%s: section %d is '%s'", l->name, i + 1, both);
        EXPECT(l->numbers[i] && l->headings[i] &&
                   strncmp(l->headings[i], l->numbers[i], strlen(l->numbers[i])),
               "%s: heading %d keeps its number", l->name, i + 1);
    }
}

int main(void)
{
    /* gov-2021 */
    nb_layout *l = load("gov-2021");
    if (l) {
        EXPECT(!strcmp(l->name, "gov-2021") && !strcmp(l->national, "gov-2021"), "gov-2021 names");
        check_headings(l);
        EXPECT(l->ntables == 3, "gov-2021: %zu tables", l->ntables);
        expect_table a = {"active", "表二", 2, 4, 14, 0, {A2021, NULL}, {N(A2021), 0},
                          A2021_V, N(A2021_V), A2021_KEYS, N(A2021_KEYS)};
        expect_table b = {"applications", "表三", 3, 10, 28, 3, {B_HEAD_2021, B_BODY_2021},
                          {N(B_HEAD_2021), N(B_BODY_2021)}, NULL, 0, B2021_KEYS, N(B2021_KEYS)};
        expect_table c = {"appeals", "表四", 4, 15, 4, 3, {C_ALL, NULL}, {N(C_ALL), 0},
                          C_V, N(C_V), C_KEYS, N(C_KEYS)};
        /* 表三's value rows: rows 4–28, 7 counts each from column 4. */
        xvalues bv[25];
        for (int r = 0; r < 25; r++)
            bv[r] = (xvalues){4 + r, 4, 7, 1, COUNT};
        b.values = bv;
        b.nvalues = N(bv);
        const nb_ltable *ta = nb_layout_table(l, "active"), *tb = nb_layout_table(l, "applications"),
                        *tc = nb_layout_table(l, "appeals");
        EXPECT(ta && tb && tc, "gov-2021: tables missing");
        if (ta && tb && tc) {
            compare_table("gov-2021", ta, &a);
            compare_table("gov-2021", tb, &b);
            compare_table("gov-2021", tc, &c);

            /* Names used in messages. */
            EXPECT(!strcmp(slot_name(tb, "total", "自然人"), "（七）总计 / 自然人"), "%s",
                   slot_name(tb, "total", "自然人"));
            EXPECT(!strcmp(slot_name(tb, "withheld_1", "总计"),
                           "（三）不予公开 1.属于国家秘密 / 总计"),
                   "%s", slot_name(tb, "withheld_1", "总计"));
            EXPECT(!strcmp(slot_name(tc, "review", "总计"), "行政复议 总计"), "%s",
                   slot_name(tc, "review", "总计"));
            EXPECT(!strcmp(slot_name(tc, "direct", "结果维持"), "未经复议直接起诉 结果维持"),
                   "%s", slot_name(tc, "direct", "结果维持"));
            EXPECT(!strcmp(slot_name(ta, "fees", "本年收费金额（单位：万元）"),
                           "行政事业性收费 / 本年收费金额（单位：万元）"),
                   "%s", slot_name(ta, "fees", "本年收费金额（单位：万元）"));

            /* Rules, resolved. */
            const nb_rule *b1 = rule(tb, "B1"), *b2 = rule(tb, "B2"), *b3 = rule(tb, "B3"),
                          *b5 = rule(tb, "B5"), *c1 = rule(tc, "C1"), *a1 = rule(ta, "A1");
            EXPECT(tb->nrules == 4 && tc->nrules == 1 && ta->nrules == 1, "gov-2021: rule counts");
            EXPECT(b1 && b1->per_column && b1->ntotal_ix == 2 && b1->nparts_ix == 2 &&
                       b1->total_ix[0] == nb_ltable_group(tb, "new") &&
                       b1->total_ix[1] == nb_ltable_group(tb, "carried_over") &&
                       b1->parts_ix[0] == nb_ltable_group(tb, "total") &&
                       b1->parts_ix[1] == nb_ltable_group(tb, "carry_forward") && !b1->cross_year,
                   "B1");
            EXPECT(b2 && !b2->per_column && b2->ntotal_ix == 1 && b2->total_ix[0] == 6 &&
                       b2->nparts_ix == 6 && b2->nrows_ix == 25,
                   "B2");
            EXPECT(b3 && b3->per_column && b3->ntotal_ix == 1 && b3->nparts_ix == 21 &&
                       b3->parts_ix[0] == nb_ltable_group(tb, "disclosed") &&
                       b3->parts_ix[20] == nb_ltable_group(tb, "other_3"),
                   "B3");
            EXPECT(b5 && b5->cross_year && b5->severity == NB_ERROR && b5->previous &&
                       !strcmp(b5->previous, "carry_forward") && b5->nparts_ix == 0 &&
                       b5->total_ix[0] == nb_ltable_group(tb, "carried_over"),
                   "B5");
            EXPECT(c1 && !c1->per_column && c1->nrows_ix == 3 && c1->total_ix[0] == 4 &&
                       c1->nparts_ix == 4,
                   "C1");
            EXPECT(a1 && a1->cross_year && a1->severity == NB_WARNING && a1->nrows_ix == 2 &&
                       a1->total_ix[0] == 2 && a1->parts_ix[0] == 0 && a1->nminus_ix == 1 &&
                       a1->minus_ix[0] == 1 && a1->previous_ix == 2,
                   "A1");
        }
        nb_layout_free(l);
    }

    /* gov-2021-no-other: 表三 without 其他; the rest is gov-2021's. */
    l = load("gov-2021-no-other");
    if (l) {
        EXPECT(!strcmp(l->name, "gov-2021-no-other") && !strcmp(l->national, "gov-2021"),
               "variant names: %s, %s", l->name, l->national);
        check_headings(l);
        xvalues bv[25];
        for (int r = 0; r < 25; r++)
            bv[r] = (xvalues){4 + r, 4, 6, 1, COUNT};
        expect_table a = {"active", "表二", 2, 4, 14, 0, {A2021, NULL}, {N(A2021), 0},
                          A2021_V, N(A2021_V), A2021_KEYS, N(A2021_KEYS)};
        expect_table b = {"applications", "表三", 3, 9, 28, 3, {B_HEAD_NO_OTHER, B_BODY_2021},
                          {N(B_HEAD_NO_OTHER), N(B_BODY_2021)}, bv, N(bv), B2021_KEYS,
                          N(B2021_KEYS)};
        expect_table c = {"appeals", "表四", 4, 15, 4, 3, {C_ALL, NULL}, {N(C_ALL), 0},
                          C_V, N(C_V), C_KEYS, N(C_KEYS)};
        const nb_ltable *ta = nb_layout_table(l, "active"), *tb = nb_layout_table(l, "applications"),
                        *tc = nb_layout_table(l, "appeals");
        EXPECT(ta && tb && tc, "variant: tables missing");
        if (ta && tb && tc) {
            compare_table("gov-2021-no-other", ta, &a);
            compare_table("gov-2021-no-other", tb, &b);
            compare_table("gov-2021-no-other", tc, &c);
            EXPECT(nb_group_column(tb, 0, "其他") == -1 && nb_group_column(tb, 0, "总计") == 5,
                   "variant: columns");
            const nb_rule *b2 = rule(tb, "B2");
            EXPECT(b2 && b2->nparts_ix == 5 && b2->total_ix[0] == 5 &&
                       !strstr(b2->check, "其他"),
                   "variant B2: %s", b2 ? b2->check : "missing");
            EXPECT(rule(tb, "B1") && rule(tb, "B3") && rule(tb, "B5"), "variant: rules lost");
        }
        nb_layout_free(l);
    }

    /* gov-2019 */
    l = load("gov-2019");
    if (l) {
        check_headings(l);
        xvalues bv[23];
        for (int r = 0; r < 23; r++)
            bv[r] = (xvalues){4 + r, 4, 7, 1, COUNT};
        expect_table a = {"active", "表二", 2, 4, 18, 0, {A2019, NULL}, {N(A2019), 0},
                          A2019_V, N(A2019_V), A2019_KEYS, N(A2019_KEYS)};
        expect_table b = {"applications", "表三", 3, 10, 26, 3, {B_HEAD_2021, B_BODY_2019},
                          {N(B_HEAD_2021), N(B_BODY_2019)}, bv, N(bv), B2019_KEYS,
                          N(B2019_KEYS)};
        expect_table c = {"appeals", "表四", 4, 15, 4, 3, {C_ALL, NULL}, {N(C_ALL), 0},
                          C_V, N(C_V), C_KEYS, N(C_KEYS)};
        const nb_ltable *ta = nb_layout_table(l, "active"), *tb = nb_layout_table(l, "applications"),
                        *tc = nb_layout_table(l, "appeals");
        EXPECT(ta && tb && tc, "gov-2019: tables missing");
        if (ta && tb && tc) {
            compare_table("gov-2019", ta, &a);
            compare_table("gov-2019", tb, &b);
            compare_table("gov-2019", tc, &c);
            const nb_rule *b3 = rule(tb, "B3");
            EXPECT(b3 && b3->nparts_ix == 19 &&
                       b3->parts_ix[18] == nb_ltable_group(tb, "other"),
                   "gov-2019 B3");
            EXPECT(rule(tb, "B1") && rule(tb, "B2") && rule(tb, "B5") && rule(tc, "C1"),
                   "gov-2019 rules");
        }
        nb_layout_free(l);
    }

    if (failures)
        fprintf(stderr, "layout_grid: %d failure(s)\n", failures);
    return failures ? 1 : 0;
}
