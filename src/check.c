/* nianbao check: the arithmetic of the tables (rules from the layout, FORMAT.md §1.5), across
 * years, prose against tables, and deviations from the national layout. */
#include "diag.h"
#include "layout.h"
#include "report.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const nb_table *find_table(const nb_report *r, const char *key)
{
    for (size_t i = 0; i < r->ntables; i++)
        if (strcmp(r->tables[i]->layout->key, key) == 0)
            return r->tables[i];
    return NULL;
}

static const nb_group *find_group(const nb_ltable *t, const char *key)
{
    for (size_t i = 0; i < t->ngroups; i++)
        if (strcmp(t->groups[i].key, key) == 0)
            return &t->groups[i];
    return NULL;
}

/* ---- prose against tables ------------------------------------------------------------ */

/* What the prose of section 一 commonly states, and the table cells that say the same: the
 * last slot (总计) of each listed group. */
typedef struct prose_fact {
    const char *what;            /* for the message */
    const char *words[4];        /* a keyword, then the number follows within a few characters */
    const char *table;
    const char *groups[3];
} prose_fact;

static const prose_fact prose_facts[] = {
    {"applications received", {"受理政府信息公开申请", "收到政府信息公开申请", "新收政府信息公开申请", "共收到申请"},
     "applications", {"new"}},
    {"requests closed", {"办结政府信息公开申请", "办结", "答复", NULL}, "applications", {"total"}},
    {"行政复议 cases", {"行政复议", NULL}, "appeals", {"review"}},
    {"行政诉讼 cases", {"行政诉讼", NULL}, "appeals", {"direct", "after_review"}},
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* After a keyword at p, a number of 件 or 条 within a few characters with no sentence break. */
static int number_after(const char *p, long long *value, const char **at)
{
    int chars = 0;
    while (*p && chars < 8) {
        if (is_digit(*p)) {
            char *end;
            long long v = strtoll(p, &end, 10);
            if (strncmp(end, "件", strlen("件")) == 0 || strncmp(end, "条", strlen("条")) == 0) {
                *value = v;
                *at = p;
                return 1;
            }
            return 0;
        }
        uint32_t cp;
        size_t n = nb_utf8_decode(p, strlen(p), &cp);
        if (!n)
            return 0;
        /* Stop at sentence and clause breaks: the number must belong to the keyword. */
        if (cp == 0xFF0C || cp == 0x3002 || cp == 0xFF1B || cp == 0xFF1A || cp == 0x3001 ||
            cp == 0xFF08 || cp == 0xFF09)
            return 0;
        p += n;
        chars++;
    }
    return 0;
}

static int64_t group_total(const nb_table *t, const char *key, int *present)
{
    const nb_group *g = find_group(t->layout, key);
    if (!g) {
        *present = 0;
        return 0;
    }
    const nb_value *v = &t->values[g->first_slot + g->nslots - 1];
    if (!v->present || v->is_text)
        *present = 0;
    return v->num;
}

static void check_prose(const nb_report *r, nb_diags *d)
{
    const nb_section *sec = &r->sections[0];
    for (size_t f = 0; f < sizeof prose_facts / sizeof *prose_facts; f++) {
        const prose_fact *fact = &prose_facts[f];
        const nb_table *t = find_table(r, fact->table);
        if (!t)
            continue;
        int present = 1;
        int64_t expected = 0;
        for (int g = 0; g < 3 && fact->groups[g]; g++)
            expected += group_total(t, fact->groups[g], &present);
        if (!present)
            continue;
        int reported = 0;
        for (size_t b = 0; b < sec->nblocks && !reported; b++) {
            const nb_block *blk = &sec->blocks[b];
            if (blk->kind == NB_BLOCK_TABLE || !blk->text.s)
                continue;
            for (int w = 0; w < 4 && fact->words[w] && !reported; w++) {
                for (const char *p = strstr(blk->text.s, fact->words[w]); p && !reported;
                     p = strstr(p + 1, fact->words[w])) {
                    long long v;
                    const char *at;
                    if (!number_after(p + strlen(fact->words[w]), &v, &at))
                        continue;
                    reported = 1;
                    if (v == expected)
                        break;
                    const nb_group *g0 = find_group(t->layout, fact->groups[0]);
                    nb_diag_add(d, NB_WARNING,
                                nb_report_text_pos(r, &blk->text, (size_t)(at - blk->text.s)),
                                "the text says %lld %s, but %s %s / 总计 is %" PRId64, v,
                                fact->what, t->layout->name, g0 ? g0->name : fact->groups[0],
                                expected);
                }
            }
        }
    }
}

/* ---- deviations from the national layout ------------------------------------------------ */

static int has_column(const nb_ltable *t, const char *name)
{
    for (size_t i = 0; i < t->nslots; i++)
        if (strcmp(t->slots[i].column, name) == 0)
            return 1;
    return 0;
}

static int has_group_named(const nb_ltable *t, const char *name)
{
    for (size_t i = 0; i < t->ngroups; i++)
        if (strcmp(t->groups[i].name, name) == 0)
            return 1;
    return 0;
}

static void check_deviations(const nb_report *r, nb_diags *d)
{
    const nb_layout *own = r->layout_ref, *nat = r->national_ref;
    if (!own || !nat || own == nat)
        return;
    for (size_t i = 0; i < nat->ntables; i++) {
        const nb_ltable *nt = &nat->tables[i];
        const nb_ltable *ot = nb_layout_table(own, nt->key);
        if (!ot) {
            nb_diag_add(d, NB_WARNING, r->layout.pos, "layout %s has no %s (national layout %s)",
                        own->name, nt->name, nat->name);
            continue;
        }
        for (size_t s = 0; s < nt->nslots; s++) {
            const char *col = nt->slots[s].column;
            int seen = 0;
            for (size_t k = 0; k < s; k++)
                seen |= strcmp(nt->slots[k].column, col) == 0;
            if (!seen && !has_column(ot, col))
                nb_diag_add(d, NB_WARNING, r->layout.pos,
                            "%s has no column %s: layout %s differs from the national layout %s",
                            nt->name, col, own->name, nat->name);
        }
        for (size_t g = 0; g < nt->ngroups; g++)
            if (!has_group_named(ot, nt->groups[g].name))
                nb_diag_add(d, NB_WARNING, r->layout.pos,
                            "%s has no row %s: layout %s differs from the national layout %s",
                            nt->name, nt->groups[g].name, own->name, nat->name);
    }
}

/* ---- rules from the layout ------------------------------------------------------------- */

static void fmt_value(char *out, const nb_slot *slot, int64_t v)
{
    if (slot->kind == NB_KIND_AMOUNT)
        nb_fmt_num(out, (double)v / 1e6, 6);
    else
        snprintf(out, 32, "%" PRId64, v);
}

/* A value usable in arithmetic: given, and a number. */
static const nb_value *number(const nb_table *t, int slot)
{
    const nb_value *v = &t->values[slot];
    return v->present && !v->is_text ? v : NULL;
}

/* Last year's value of the cell named by (group key, column name), or NULL. */
static const nb_value *previous_value(const nb_report *prev, const char *table_key,
                                      const char *group_key, const char *column)
{
    if (!prev)
        return NULL;
    const nb_table *pt = find_table(prev, table_key);
    if (!pt)
        return NULL;
    int g = nb_ltable_group(pt->layout, group_key);
    if (g < 0)
        return NULL;
    int j = nb_group_column(pt->layout, g, column);
    if (j < 0)
        return NULL;
    return number(pt, pt->layout->groups[g].first_slot + j);
}

typedef struct term_list {
    int slots[64];
    int sign[64];
    size_t n;
} term_list;

static void report_rule(const nb_report *r, const nb_table *t, const nb_rule *rule,
                        const term_list *left, const term_list *right, const nb_value *prev_v,
                        const char *prev_desc, nb_diags *d)
{
    const nb_ltable *lt = t->layout;
    int64_t lsum = 0, rsum = 0;
    for (size_t i = 0; i < left->n; i++)
        lsum += left->sign[i] * t->values[left->slots[i]].num;
    for (size_t i = 0; i < right->n; i++)
        rsum += right->sign[i] * t->values[right->slots[i]].num;
    if (prev_v)
        rsum += prev_v->num;
    if (lsum == rsum)
        return;
    /* Point at the one cell on the left when there is one: it is the total that disagrees. */
    int blame;
    int64_t expected;
    if (left->n == 1) {
        blame = left->slots[0];
        expected = rsum;
    } else if (right->n >= 1) {
        blame = right->slots[right->n - 1];
        expected = t->values[blame].num + (lsum - rsum) * right->sign[right->n - 1];
    } else {
        blame = left->slots[left->n - 1];
        expected = t->values[blame].num - (lsum - rsum);
    }
    const nb_slot *bs = &lt->slots[blame];
    char got[32], want[32];
    fmt_value(got, bs, t->values[blame].num);
    fmt_value(want, bs, expected);
    nb_buf why = {0};
    if (prev_v) {
        char pv[32];
        fmt_value(pv, bs, prev_v->num);
        nb_buf_printf(&why, "last year's %s was %s", prev_desc, pv);
        for (size_t i = 0; i < right->n; i++) {
            char v[32];
            fmt_value(v, &lt->slots[right->slots[i]], t->values[right->slots[i]].num);
            nb_buf_printf(&why, " %s %s %s", right->sign[i] > 0 ? "+" : "−",
                          lt->slots[right->slots[i]].column, v);
        }
        nb_diag_add(d, rule->severity ? NB_ERROR : NB_WARNING, t->values[blame].pos,
                    "%s %s is %s, but %s: expected %s", lt->name, bs->name, got, why.data, want);
    } else if (left->n == 1 && rule->per_column) {
        nb_diag_add(d, rule->severity ? NB_ERROR : NB_WARNING, t->values[blame].pos,
                    "%s %s is %s, but the rows it totals add up to %s", lt->name, bs->name, got,
                    want);
    } else if (left->n == 1) {
        for (size_t i = 0; i < right->n; i++) {
            char v[32];
            fmt_value(v, &lt->slots[right->slots[i]], t->values[right->slots[i]].num);
            nb_buf_printf(&why, "%s%s", i ? (right->sign[i] > 0 ? " + " : " − ") : "", v);
        }
        nb_diag_add(d, rule->severity ? NB_ERROR : NB_WARNING, t->values[blame].pos,
                    "%s %s is %s, but the columns it totals add up to %s (%s)", lt->name,
                    bs->name, got, want, why.data ? (char *)why.data : "");
    } else {
        nb_diag_add(d, rule->severity ? NB_ERROR : NB_WARNING, t->values[blame].pos,
                    "%s %s is %s, but %s requires %s (%s)", lt->name, bs->name, got,
                    rule->check ? rule->check : rule->id, want, rule->text ? rule->text : "");
    }
    nb_buf_free(&why);
    (void)r;
}

static int add_term(term_list *l, const nb_table *t, int slot, int sign)
{
    if (l->n >= 64 || !number(t, slot))
        return 0; /* a blank or "/" cell takes no part in arithmetic */
    l->slots[l->n] = slot;
    l->sign[l->n++] = sign;
    return 1;
}

static void check_rule(const nb_report *r, const nb_report *prev, const nb_table *t,
                       const nb_rule *rule, nb_diags *d)
{
    const nb_ltable *lt = t->layout;
    if (rule->cross_year && !prev)
        return;
    if (rule->per_column) {
        if (!rule->ntotal_ix)
            return;
        int width = lt->groups[rule->total_ix[0]].nslots;
        for (int j = 0; j < width; j++) {
            term_list left = {0}, right = {0};
            int ok = 1;
            for (size_t i = 0; i < rule->ntotal_ix && ok; i++)
                ok = add_term(&left, t, lt->groups[rule->total_ix[i]].first_slot + j, 1);
            for (size_t i = 0; i < rule->nparts_ix && ok; i++)
                ok = add_term(&right, t, lt->groups[rule->parts_ix[i]].first_slot + j, 1);
            for (size_t i = 0; i < rule->nminus_ix && ok; i++)
                ok = add_term(&right, t, lt->groups[rule->minus_ix[i]].first_slot + j, -1);
            if (!ok)
                continue;
            const nb_value *pv = NULL;
            char desc[256] = "";
            if (rule->cross_year) {
                const char *col = lt->slots[left.slots[0]].column;
                pv = previous_value(prev, lt->key, rule->previous, col);
                if (!pv)
                    continue;
                const nb_group *pg = find_group(lt, rule->previous);
                snprintf(desc, sizeof desc, "%s / %s", pg ? pg->name : rule->previous, col);
            }
            report_rule(r, t, rule, &left, &right, pv, desc, d);
        }
        return;
    }
    for (size_t k = 0; k < rule->nrows_ix; k++) {
        const nb_group *g = &lt->groups[rule->rows_ix[k]];
        term_list left = {0}, right = {0};
        int ok = 1;
        for (size_t i = 0; i < rule->ntotal_ix && ok; i++)
            ok = rule->total_ix[i] < g->nslots &&
                 add_term(&left, t, g->first_slot + rule->total_ix[i], 1);
        for (size_t i = 0; i < rule->nparts_ix && ok; i++)
            ok = rule->parts_ix[i] < g->nslots &&
                 add_term(&right, t, g->first_slot + rule->parts_ix[i], 1);
        for (size_t i = 0; i < rule->nminus_ix && ok; i++)
            ok = rule->minus_ix[i] < g->nslots &&
                 add_term(&right, t, g->first_slot + rule->minus_ix[i], -1);
        if (!ok || !left.n)
            continue;
        const nb_value *pv = NULL;
        char desc[256] = "";
        if (rule->cross_year) {
            pv = previous_value(prev, lt->key, g->key, rule->previous);
            if (!pv)
                continue;
            snprintf(desc, sizeof desc, "%s %s", g->name, rule->previous);
        }
        report_rule(r, t, rule, &left, &right, pv, desc, d);
    }
}

int nb_check(const nb_report *r, const nb_report *prev, nb_diags *d)
{
    size_t before = d->errors;
    for (size_t i = 0; i < r->ntables; i++) {
        const nb_table *t = r->tables[i];
        for (size_t k = 0; k < t->layout->nrules; k++)
            check_rule(r, prev, t, &t->layout->rules[k], d);
    }
    check_prose(r, d);
    check_deviations(r, d);
    return d->errors > before ? NB_EREPORT : NB_OK;
}
