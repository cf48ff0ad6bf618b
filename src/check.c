/* nianbao check: the arithmetic of the tables (rules from the layout, FORMAT.md §1.5), across
 * years, prose against tables, and deviations from the national layout. docs/check.md says
 * what each finding means.
 *
 * Every finding points at the cell (or the word) to look at, names the cells involved with their
 * values, and says what the value would have to be for the rule to hold. */
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

/* A value usable in arithmetic: given, and a number. */
static int is_number(const nb_value *v) { return v->present && !v->is_text; }

/* The place of a cell: its own when the report wrote it, else its table's (a row left out). */
static nb_pos cell_pos(const nb_table *t, int slot)
{
    const nb_value *v = &t->values[slot];
    return v->pos.file && v->pos.line ? v->pos : t->pos;
}

/* A number as the report writes it; amounts are kept in millionths of 万元 and printed exactly. */
static void fmt_num(char out[32], nb_value_kind kind, int64_t v)
{
    if (kind != NB_KIND_AMOUNT) {
        snprintf(out, 32, "%" PRId64, v);
        return;
    }
    uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    int n = snprintf(out, 32, "%s%" PRIu64, v < 0 ? "-" : "", a / 1000000);
    uint64_t frac = a % 1000000;
    if (frac && n > 0 && n < 24) {
        char digits[8];
        snprintf(digits, sizeof digits, "%06" PRIu64, frac);
        size_t len = 6;
        while (digits[len - 1] == '0')
            len--;
        digits[len] = 0;
        snprintf(out + n, (size_t)(32 - n), ".%s", digits);
    }
}

/* A cell's value for a message: its number, the text written (“/”), or (blank). */
static void fmt_cell(const nb_diags *d, char out[48], const nb_table *t, int slot)
{
    const nb_value *v = &t->values[slot];
    if (is_number(v))
        fmt_num(out, t->layout->slots[slot].kind, v->num);
    else if (v->present)
        snprintf(out, 48, "“%.36s”", v->text ? v->text : "");
    else
        snprintf(out, 48, "%s", nb_tr(d, "(blank)"));
}

/* ---- rules from the layout ------------------------------------------------------------- */

typedef struct term {
    int slot;
    int sign; /* +1 or -1 */
} term;

/* One instance of a rule: a column (per: column) or a row (per: row) of one table. */
typedef struct equation {
    const nb_table *t;
    const nb_rule *rule;
    term *left, *right;           /* borrowed arrays */
    size_t nleft, nright;
    const nb_value *prev;         /* last year's cell of a cross-year rule, or NULL */
    const nb_slot *prev_slot;     /* its slot in last year's layout */
} equation;

/* What the check of one report carries from rule to rule. */
typedef struct checker {
    const nb_report *r;
    nb_diags *d;
    int blanks_zero;           /* the current table's blanks and "/" count as 0 (blanks: zero) */
    unsigned char *blank_told; /* per slot of the current table: its blank is reported */
} checker;

/* A cell the report wrote as blank (~, empty) or not applicable ("/"): neither a number nor a
 * row left out (which counts as 0 and is reported by check_omissions). */
static int is_hole(const nb_value *v)
{
    return v->pos.line && (!v->present || v->is_text);
}

/* Σ sign·value, blank and text counting as 0; 0 on overflow (only a layout summing thousands of
 * amounts near the limit could get there). */
static int sum_terms(const nb_table *t, const term *terms, size_t n, int64_t *sum)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++) {
        const nb_value *v = &t->values[terms[i].slot];
        if (!is_number(v))
            continue;
        int bad = terms[i].sign > 0 ? __builtin_add_overflow(s, v->num, &s)
                                    : __builtin_sub_overflow(s, v->num, &s);
        if (bad)
            return 0;
    }
    *sum = s;
    return 1;
}

static size_t count_numbers(const nb_table *t, const term *terms, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += is_number(&t->values[terms[i].slot]);
    return k;
}

/* A number, or a blank the report declares to be 0. */
static int is_stated(const checker *c, const nb_value *v)
{
    return is_number(v) || (c->blanks_zero && is_hole(v));
}

static size_t count_stated(const checker *c, const nb_table *t, const term *terms, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += is_stated(c, &t->values[terms[i].slot]);
    return k;
}

static size_t count_holes(const nb_table *t, const term *terms, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += is_hole(&t->values[terms[i].slot]);
    return k;
}

/* The table, row and column of a cell, for a finding. */
static void cell_fields(nb_finding *f, const nb_table *t, int slot)
{
    const nb_ltable *lt = t->layout;
    const nb_slot *s = &lt->slots[slot];
    f->table = lt->key;
    f->table_label = lt->name;
    f->row = lt->groups[s->group].key;
    f->row_label = lt->groups[s->group].name;
    f->column = s->index + 1;
    f->column_label = s->column;
}

/* The cells of an equation as related places: every term, then last year's cell. `vals` holds
 * the formatted values (48 bytes each). Returns the count. */
static size_t equation_related(const checker *c, const equation *e, nb_related *rel,
                               char (*vals)[48])
{
    size_t n = 0;
    for (int side = 0; side < 2; side++) {
        const term *terms = side ? e->right : e->left;
        size_t nt = side ? e->nright : e->nleft;
        for (size_t i = 0; i < nt; i++, n++) {
            fmt_cell(c->d, vals[n], e->t, terms[i].slot);
            rel[n] = (nb_related){cell_pos(e->t, terms[i].slot),
                                  e->t->layout->slots[terms[i].slot].name, vals[n]};
        }
    }
    if (e->prev) {
        fmt_num(vals[n], e->prev_slot->kind, e->prev->num);
        rel[n] = (nb_related){e->prev->pos, e->prev_slot->name, vals[n]};
        n++;
    }
    return n;
}

/* The name of a term inside an equation: a per-column rule adds rows of one column, so the row
 * says which; a per-row rule adds columns of one row, so the column does. */
static const char *term_name(const equation *e, int slot)
{
    const nb_ltable *lt = e->t->layout;
    return e->rule->per_column ? lt->groups[lt->slots[slot].group].name : lt->slots[slot].column;
}

/* Appends " + NAME VALUE" (or the first term without its sign unless negative). */
static void put_term(const checker *c, nb_buf *b, const equation *e, int slot, int sign,
                     int first)
{
    char v[48];
    fmt_cell(c->d, v, e->t, slot);
    if (!first)
        nb_buf_puts(b, sign > 0 ? " + " : " − ");
    else if (sign < 0)
        nb_buf_puts(b, "− ");
    nb_buf_printf(b, "%s %s", term_name(e, slot), v);
}

static void put_previous(const checker *c, nb_buf *b, const equation *e, int sign, int first)
{
    char v[32];
    fmt_num(v, e->prev_slot->kind, e->prev->num);
    if (!first)
        nb_buf_puts(b, sign > 0 ? " + " : " − ");
    else if (sign < 0)
        nb_buf_puts(b, "− ");
    nb_buf_printf(b, nb_tr(c->d, "last year's %s %s (%s:%d:%d)"), e->prev_slot->name, v,
                  e->prev->pos.file ? e->prev->pos.file : "?", e->prev->pos.line,
                  e->prev->pos.col);
}

/* A blank or "/" where the rule needs a number: reported at the cell, once per cell, naming
 * the first rule that needs it and what the other side of its equation holds. */
static void report_holes(checker *c, const equation *e)
{
    const nb_table *t = e->t;
    const nb_ltable *lt = t->layout;
    size_t nterms = e->nleft + e->nright + 1;
    nb_related *rel = nb_malloc(nterms * sizeof *rel);
    char(*vals)[48] = nb_malloc(nterms * sizeof *vals);
    size_t nrel = equation_related(c, e, rel, vals);
    for (int side = 0; side < 2; side++) {
        const term *own = side ? e->right : e->left, *other = side ? e->left : e->right;
        size_t nown = side ? e->nright : e->nleft, nother = side ? e->nleft : e->nright;
        for (size_t i = 0; i < nown; i++) {
            int slot = own[i].slot;
            const nb_value *v = &t->values[slot];
            if (!is_hole(v) || c->blank_told[slot])
                continue;
            c->blank_told[slot] = 1;
            /* What the rule would compare the cell with. */
            nb_buf why = {0};
            int64_t sum = 0;
            int other_numbers = count_numbers(t, other, nother) || (side == 0 && e->prev);
            if (other_numbers && sum_terms(t, other, nother, &sum)) {
                char num[32];
                if (side == 0 && e->prev) {
                    sum += e->prev->num;
                    fmt_num(num, e->prev_slot->kind, sum);
                    nb_buf_printf(&why, nb_tr(c->d, "last year's %s is %s"), e->prev_slot->name,
                                  num);
                } else if (nother == 1) {
                    fmt_num(num, lt->slots[other[0].slot].kind, sum);
                    nb_buf_printf(&why, nb_tr(c->d, "%s is %s"), lt->slots[other[0].slot].name,
                                  num);
                } else {
                    fmt_num(num, lt->slots[other[0].slot].kind, sum);
                    nb_buf_printf(&why, nb_tr(c->d, "the other side of the equation adds up to %s"),
                                  num);
                }
            } else {
                nb_buf_puts(&why, nb_tr(c->d, "other cells of the equation hold numbers"));
            }
            nb_buf_put(&why, "", 1);
            char actual[48];
            fmt_cell(c->d, actual, t, slot);
            nb_finding f = {.rule = v->present ? "not-applicable" : "blank",
                            .severity = NB_ERROR, .pos = cell_pos(t, slot), .actual = actual,
                            .related = rel, .nrelated = nrel};
            cell_fields(&f, t, slot);
            if (v->present)
                nb_diag_finding(c->d, &f,
                                "%s %s is %s (not applicable), but rule %s (%s) needs a number "
                                "there: %s; write 0 if there were none, or declare `blanks: zero`",
                                lt->name, lt->slots[slot].name, actual, e->rule->id,
                                e->rule->text ? e->rule->text : "", (const char *)why.data);
            else
                nb_diag_finding(c->d, &f,
                                "%s %s is blank, but rule %s (%s) needs a number there: %s; "
                                "write 0 if there were none, or declare `blanks: zero`",
                                lt->name, lt->slots[slot].name, e->rule->id,
                                e->rule->text ? e->rule->text : "", (const char *)why.data);
            nb_buf_free(&why);
        }
    }
    free(rel);
    free(vals);
}

static void evaluate(checker *c, const equation *e)
{
    const nb_table *t = e->t;
    const nb_ltable *lt = t->layout;
    size_t numbers = count_numbers(t, e->left, e->nleft) + count_numbers(t, e->right, e->nright);
    /* A blank is not a 0 unless the report says so: where the equation holds numbers, every
     * blank in it is reported and the sums are not compared (they would be guesses). An
     * equation with no number at all (a table left blank) is not wrong. */
    if (!c->blanks_zero) {
        if (!numbers && !e->prev)
            return;
        if (count_holes(t, e->left, e->nleft) + count_holes(t, e->right, e->nright)) {
            if (numbers || e->prev)
                report_holes(c, e);
            return;
        }
    }
    /* Nothing to check unless both sides state something: a table left blank is not wrong. */
    if (!count_stated(c, t, e->left, e->nleft))
        return;
    if (!e->prev && !count_stated(c, t, e->right, e->nright))
        return;
    int64_t lsum, rsum;
    if (!sum_terms(t, e->left, e->nleft, &lsum) || !sum_terms(t, e->right, e->nright, &rsum))
        return;
    if (e->prev && __builtin_add_overflow(rsum, e->prev->num, &rsum))
        return;
    if (lsum == rsum)
        return;

    /* The cell to blame: the one total on the left if there is one; else (B1) the last number
     * on the right, the one the others determine. */
    int blame = -1, blame_sign = 1, blame_left = 0;
    if (e->nleft == 1) {
        blame = e->left[0].slot;
        blame_left = 1;
    } else {
        for (size_t i = e->nright; i-- > 0 && blame < 0;)
            if (is_stated(c, &t->values[e->right[i].slot])) {
                blame = e->right[i].slot;
                blame_sign = e->right[i].sign;
            }
        if (blame < 0) {
            for (size_t i = e->nleft; i-- > 0 && blame < 0;)
                if (is_stated(c, &t->values[e->left[i].slot]))
                    blame = e->left[i].slot;
            blame_left = 1;
        }
    }
    const nb_value *bv = &t->values[blame];
    int64_t expected;
    if (blame_left) {
        if (__builtin_add_overflow(bv->num, rsum - lsum, &expected))
            return;
    } else if (__builtin_add_overflow(bv->num, blame_sign * (lsum - rsum), &expected)) {
        return;
    }
    const nb_slot *bs = &lt->slots[blame];
    char got[32], want[32];
    fmt_num(got, bs->kind, bv->num);
    fmt_num(want, bs->kind, expected);

    int all_plus = 1;
    for (size_t i = 0; i < e->nright; i++)
        all_plus &= e->right[i].sign > 0;
    nb_buf why = {0};
    if (e->nleft == 1 && !e->prev && all_plus && e->rule->per_column) {
        nb_buf_printf(&why, nb_tr(c->d, "the rows it totals add up to %s"), want);
    } else if (e->nleft == 1 && !e->prev && all_plus) {
        nb_buf_printf(&why, nb_tr(c->d, "the columns it totals add up to %s ("), want);
        for (size_t i = 0; i < e->nright; i++)
            put_term(c, &why, e, e->right[i].slot, 1, i == 0);
        nb_buf_puts(&why, nb_tr(c->d, ")"));
    } else if (e->nleft == 1 && e->prev && !e->nright) {
        char v[32];
        fmt_num(v, e->prev_slot->kind, e->prev->num);
        nb_buf_printf(&why, nb_tr(c->d, "last year's %s is %s (%s:%d:%d)"), e->prev_slot->name,
                      v, e->prev->pos.file ? e->prev->pos.file : "?", e->prev->pos.line,
                      e->prev->pos.col);
    } else {
        /* The equation solved for the blamed cell: the other cells with their values. */
        int first = 1;
        if (blame_left) {
            if (e->prev) {
                put_previous(c, &why, e, 1, first);
                first = 0;
            }
            for (size_t i = 0; i < e->nright; i++, first = 0)
                put_term(c, &why, e, e->right[i].slot, e->right[i].sign, first);
            for (size_t i = 0; i < e->nleft; i++)
                if (e->left[i].slot != blame) {
                    put_term(c, &why, e, e->left[i].slot, -1, first);
                    first = 0;
                }
        } else {
            for (size_t i = 0; i < e->nleft; i++, first = 0)
                put_term(c, &why, e, e->left[i].slot, blame_sign, first);
            for (size_t i = 0; i < e->nright; i++)
                if (e->right[i].slot != blame) {
                    put_term(c, &why, e, e->right[i].slot, -blame_sign * e->right[i].sign, first);
                    first = 0;
                }
            if (e->prev)
                put_previous(c, &why, e, -blame_sign, first);
        }
        nb_buf_printf(&why, " = %s", want);
        if (e->nleft > 1 && e->rule->text)
            nb_buf_printf(&why, c->d->lang == NB_LANG_ZH ? "（%s）" : " (%s)", e->rule->text);
    }
    nb_buf_put(&why, "", 1);
    char val[48];
    fmt_cell(c->d, val, t, blame);
    size_t nterms = e->nleft + e->nright + 1;
    nb_related *rel = nb_malloc(nterms * sizeof *rel);
    char(*vals)[48] = nb_malloc(nterms * sizeof *vals);
    nb_finding f = {.rule = e->rule->id, .pos = cell_pos(t, blame), .expected = want,
                    .actual = got, .related = rel};
    f.severity = e->rule->severity == NB_ERROR ? NB_ERROR : NB_WARNING;
    f.nrelated = equation_related(c, e, rel, vals);
    cell_fields(&f, t, blame);
    nb_diag_finding(c->d, &f, "%s %s is %s, but %s", lt->name, bs->name, val,
                    (const char *)why.data);
    free(rel);
    free(vals);
    nb_buf_free(&why);
}

/* Last year's cell named by (group key, column name), if it holds a number. */
static const nb_value *previous_value(const nb_report *prev, const char *table_key,
                                      const char *group_key, const char *column,
                                      const nb_slot **slot)
{
    const nb_table *pt = prev ? find_table(prev, table_key) : NULL;
    if (!pt)
        return NULL;
    int g = nb_ltable_group(pt->layout, group_key);
    int j = nb_group_column(pt->layout, g, column);
    if (j < 0)
        return NULL;
    int s = pt->layout->groups[g].first_slot + j;
    *slot = &pt->layout->slots[s];
    return is_number(&pt->values[s]) ? &pt->values[s] : NULL;
}

static void check_rule(checker *c, const nb_report *prev, const nb_table *t, const nb_rule *rule)
{
    const nb_ltable *lt = t->layout;
    if ((rule->cross_year && !prev) || !rule->ntotal_ix)
        return;
    size_t cap = rule->ntotal_ix + rule->nparts_ix + rule->nminus_ix;
    term *terms = nb_malloc(cap * sizeof *terms);
    equation e = {.t = t, .rule = rule, .left = terms, .right = terms + rule->ntotal_ix};
    if (rule->per_column) {
        int width = lt->groups[rule->total_ix[0]].nslots;
        for (int j = 0; j < width; j++) {
            e.nleft = e.nright = 0;
            for (size_t i = 0; i < rule->ntotal_ix; i++)
                e.left[e.nleft++] = (term){lt->groups[rule->total_ix[i]].first_slot + j, 1};
            for (size_t i = 0; i < rule->nparts_ix; i++)
                e.right[e.nright++] = (term){lt->groups[rule->parts_ix[i]].first_slot + j, 1};
            for (size_t i = 0; i < rule->nminus_ix; i++)
                e.right[e.nright++] = (term){lt->groups[rule->minus_ix[i]].first_slot + j, -1};
            e.prev = NULL;
            if (rule->cross_year) {
                /* Columns are matched by name: last year's layout may lack one (其他). */
                e.prev = previous_value(prev, lt->key, rule->previous,
                                        lt->slots[e.left[0].slot].column, &e.prev_slot);
                if (!e.prev)
                    continue;
            }
            evaluate(c, &e);
        }
    } else {
        for (size_t k = 0; k < rule->nrows_ix; k++) {
            const nb_group *g = &lt->groups[rule->rows_ix[k]];
            int ok = 1;
            e.nleft = e.nright = 0;
            for (size_t i = 0; i < rule->ntotal_ix; i++) {
                ok &= rule->total_ix[i] < g->nslots;
                e.left[e.nleft++] = (term){g->first_slot + rule->total_ix[i], 1};
            }
            for (size_t i = 0; i < rule->nparts_ix; i++) {
                ok &= rule->parts_ix[i] < g->nslots;
                e.right[e.nright++] = (term){g->first_slot + rule->parts_ix[i], 1};
            }
            for (size_t i = 0; i < rule->nminus_ix; i++) {
                ok &= rule->minus_ix[i] < g->nslots;
                e.right[e.nright++] = (term){g->first_slot + rule->minus_ix[i], -1};
            }
            if (!ok)
                continue;
            e.prev = NULL;
            if (rule->cross_year) {
                e.prev = previous_value(prev, lt->key, g->key, rule->previous, &e.prev_slot);
                if (!e.prev)
                    continue;
            }
            evaluate(c, &e);
        }
    }
    free(terms);
}

/* ---- prose against tables ------------------------------------------------------------ */

/* What the prose of section 一 commonly states, and the table cells that say the same: the
 * last slot (总计) of each listed group. A statement is a keyword, optionally `noun` within a
 * few characters after it, then a number of 件 or 条 within a few more, all in one clause. */
typedef struct prose_fact {
    const char *id;       /* rule id */
    const char *says;     /* the message's start, with the number: "%lld applications ..." */
    const char *words[5]; /* keywords, NULL-terminated */
    const char *noun;     /* NULL: the number follows the keyword directly */
    const char *table;
    const char *groups[3];
} prose_fact;

static const prose_fact prose_facts[] = {
    {"prose.received", "the text says %lld applications were received", {"新收", "收到", "受理", "接收", NULL},
     "申请", "applications", {"new"}},
    {"prose.closed", "the text says %lld requests were closed", {"办结", "答复", NULL}, NULL, "applications",
     {"total"}},
    {"prose.review", "the text says %lld 行政复议 cases", {"行政复议", NULL}, NULL, "appeals", {"review"}},
    {"prose.litigation", "the text says %lld 行政诉讼 cases", {"行政诉讼", NULL}, NULL, "appeals",
     {"direct", "after_review"}},
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Clause breaks: a number after one of these belongs to another statement. */
static int is_break(uint32_t cp)
{
    static const uint32_t breaks[] = {0xFF0C, 0x3002, 0xFF1B, 0xFF1A, 0x3001, 0xFF08, 0xFF09,
                                      0xFF01, 0xFF1F, 0x201C, 0x201D, ',',    ';',    ':',
                                      '(',    ')',    '.',    '!',    '?',    '\n'};
    for (size_t i = 0; i < sizeof breaks / sizeof *breaks; i++)
        if (cp == breaks[i])
            return 1;
    return 0;
}

/* Words that tie the number in a clause to something else: 上年结转 counts, "申请的渠道3条",
 * "其中". */
static int is_foreign(const char *p)
{
    static const char *const words[] = {"结转", "的", "其中", "上年"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strncmp(p, words[i], strlen(words[i])) == 0)
            return 1;
    return 0;
}

/* From p (text ending at end), within `limit` characters of one clause: the start of `word`,
 * or NULL. */
static const char *word_within(const char *p, const char *end, const char *word, int limit)
{
    for (int chars = 0; p < end && chars <= limit; chars++) {
        if (strncmp(p, word, strlen(word)) == 0)
            return p;
        uint32_t cp;
        size_t n = nb_utf8_decode(p, (size_t)(end - p), &cp);
        if (!n || is_break(cp) || is_foreign(p))
            return NULL;
        p += n;
    }
    return NULL;
}

/* From p (text ending at end), within `limit` characters of one clause: a whole number
 * followed by 件 or 条. */
static int number_within(const char *p, const char *end, int limit, long long *value,
                         const char **at)
{
    for (int chars = 0; p < end && chars <= limit; chars++) {
        if (is_digit(*p)) {
            /* The first number decides: one not followed by 件 or 条 (a year, a percentage)
             * means the clause counts something else. */
            char *after;
            long long v = strtoll(p, &after, 10);
            if (after - p > 15)
                return 0;
            if (strncmp(after, "件", strlen("件")) == 0 || strncmp(after, "条", strlen("条")) == 0) {
                *value = v;
                *at = p;
                return 1;
            }
            return 0;
        }
        uint32_t cp;
        size_t n = nb_utf8_decode(p, (size_t)(end - p), &cp);
        if (!n || is_break(cp) || is_foreign(p))
            return 0;
        p += n;
    }
    return 0;
}

/* The first statement of `fact` in the text s of len bytes, or 0. */
static int find_statement(const prose_fact *fact, const char *s, size_t len, long long *value,
                          const char **at)
{
    const char *end = s + len;
    const char *best = NULL;
    long long best_v = 0;
    for (int w = 0; w < 5 && fact->words[w]; w++) {
        const char *word = fact->words[w];
        for (const char *p = strstr(s, word); p && (!best || p < best);
             p = strstr(p + strlen(word), word)) {
            const char *q = p + strlen(word);
            if (fact->noun) {
                q = word_within(q, end, fact->noun, 12);
                if (!q)
                    continue;
                q += strlen(fact->noun);
            }
            long long v;
            const char *num;
            if (number_within(q, end, 8, &v, &num)) {
                best = p;
                best_v = v;
                *at = num;
                break;
            }
        }
    }
    *value = best_v;
    return best != NULL;
}

static void check_prose(const nb_report *r, nb_diags *d)
{
    const nb_section *sec = &r->sections[0];
    for (size_t f = 0; f < sizeof prose_facts / sizeof *prose_facts; f++) {
        const prose_fact *fact = &prose_facts[f];
        const nb_table *t = find_table(r, fact->table);
        if (!t)
            continue;
        const nb_ltable *lt = t->layout;
        int slots[3], n = 0, usable = 1;
        int64_t expected = 0;
        for (int g = 0; g < 3 && fact->groups[g]; g++) {
            int gi = nb_ltable_group(lt, fact->groups[g]);
            if (gi < 0) {
                usable = 0;
                break;
            }
            slots[n] = lt->groups[gi].first_slot + lt->groups[gi].nslots - 1;
            usable &= is_number(&t->values[slots[n]]);
            expected += t->values[slots[n]].num;
            n++;
        }
        if (!usable)
            continue;
        for (size_t b = 0; b < sec->nblocks; b++) {
            const nb_block *blk = &sec->blocks[b];
            long long v;
            const char *at = NULL;
            if (blk->kind == NB_BLOCK_TABLE || !blk->text.s ||
                !find_statement(fact, blk->text.s, blk->text.len, &v, &at))
                continue;
            if (v != expected) {
                nb_buf cells = {0};
                for (int i = 0; i < n; i++) {
                    nb_pos p = cell_pos(t, slots[i]);
                    nb_buf_printf(&cells, "%s%s", i ? " and " : "", lt->slots[slots[i]].name);
                    if (n == 1)
                        nb_buf_printf(&cells, " is %" PRId64, expected);
                    nb_buf_printf(&cells, " (line %d, column %d)", p.line, p.col);
                }
                if (n > 1)
                    nb_buf_printf(&cells, " add up to %" PRId64, expected);
                nb_buf msg = {0};
                nb_buf_printf(&msg, nb_tr(d, fact->says), v);
                char want[32], got[32];
                snprintf(want, sizeof want, "%" PRId64, expected);
                snprintf(got, sizeof got, "%lld", v);
                nb_finding fd = {.rule = fact->id, .severity = NB_WARNING,
                                 .pos = nb_report_text_pos(r, &blk->text,
                                                           (size_t)(at - blk->text.s)),
                                 .expected = want, .actual = got};
                nb_diag_finding(d, &fd, "%s, but %s %s", (const char *)msg.data, lt->name,
                                (const char *)cells.data);
                nb_buf_free(&msg);
                nb_buf_free(&cells);
            }
            break; /* the first statement is the one compared */
        }
    }
}

/* ---- deviations from the national layout, and what the report leaves out ------------------ */

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
            nb_finding f = {.rule = "layout.national", .severity = NB_WARNING,
                            .pos = r->layout.pos, .table = nt->key, .table_label = nt->name};
            nb_diag_finding(d, &f, "layout %s has no %s: it differs from the national layout %s",
                            own->name, nt->name, nat->name);
            continue;
        }
        /* Each column name once: 表四 repeats its five in every group. */
        const char **names = NULL;
        size_t nnames = 0, cap = 0;
        for (size_t s = 0; s < nt->nslots; s++) {
            const char *col = nt->slots[s].column;
            size_t k = 0;
            while (k < nnames && strcmp(names[k], col) != 0)
                k++;
            if (k < nnames)
                continue;
            nb_grow(&names, &cap, nnames + 1, sizeof *names);
            names[nnames++] = col;
            nb_finding f = {.rule = "layout.national", .severity = NB_WARNING,
                            .pos = r->layout.pos, .table = nt->key, .table_label = nt->name,
                            .column_label = col};
            if (!has_column(ot, col))
                nb_diag_finding(d, &f,
                                "%s has no column %s: layout %s differs from the national layout "
                                "%s", nt->name, col, own->name, nat->name);
        }
        free(names);
        for (size_t g = 0; g < nt->ngroups; g++)
            if (!has_group_named(ot, nt->groups[g].name)) {
                nb_finding f = {.rule = "layout.national", .severity = NB_WARNING,
                                .pos = r->layout.pos, .table = nt->key, .table_label = nt->name,
                                .row = nt->groups[g].key, .row_label = nt->groups[g].name};
                nb_diag_finding(d, &f,
                                "%s has no row %s: layout %s differs from the national layout %s",
                                nt->name, nt->groups[g].name, own->name, nat->name);
            }
    }
}

/* A table or rows the layout has but the report does not give: printed blank, which the
 * national format does not foresee, and counted as 0 in the sums. */
static void check_omissions(const nb_report *r, nb_diags *d)
{
    const nb_layout *own = r->layout_ref;
    if (!own)
        return;
    for (size_t i = 0; i < own->ntables; i++) {
        const nb_ltable *lt = &own->tables[i];
        const nb_table *t = find_table(r, lt->key);
        if (!t) {
            int s = lt->section >= 1 && lt->section <= NB_SECTIONS ? lt->section - 1 : 0;
            const char *heading = r->sections[s].heading.s ? r->sections[s].heading.s
                                  : own->headings[s]           ? own->headings[s]
                                                               : "";
            nb_finding f = {.rule = "table.missing", .severity = NB_WARNING,
                            .pos = r->sections[s].pos, .table = lt->key, .table_label = lt->name};
            nb_diag_finding(d, &f, "the report has no %s: add `- table: %s` with its values to %s%s",
                            lt->name, lt->key, own->numbers[s] ? own->numbers[s] : "", heading);
            continue;
        }
        size_t missing = 0;
        for (size_t g = 0; g < lt->ngroups; g++)
            missing += !t->group_given[g];
        if (!missing)
            continue;
        nb_buf list = {0};
        size_t listed = 0;
        for (size_t g = 0; g < lt->ngroups && listed < 4; g++)
            if (!t->group_given[g])
                nb_buf_printf(&list, "%s%s (%s)", listed++ ? ", " : "", lt->groups[g].key,
                              lt->groups[g].name);
        if (missing > listed)
            nb_buf_printf(&list, " and %zu more", missing - listed);
        nb_finding f = {.rule = "rows.missing", .severity = NB_WARNING, .pos = t->pos,
                        .table = lt->key, .table_label = lt->name};
        nb_diag_finding(d, &f,
                        missing == 1 ? "%s: %zu row not given, printed blank and counted as 0: %s"
                                     : "%s: %zu rows not given, printed blank and counted as 0: %s",
                        lt->name, missing, (const char *)list.data);
        nb_buf_free(&list);
    }
}

int nb_check(const nb_report *r, const nb_report *prev, nb_diags *d)
{
    size_t before = d->errors;
    checker c = {.r = r, .d = d};
    for (size_t i = 0; i < r->ntables; i++) {
        const nb_table *t = r->tables[i];
        c.blanks_zero = t->blanks ? t->blanks == 1 : r->blanks_zero;
        c.blank_told = nb_calloc(t->layout->nslots + 1, 1);
        for (size_t k = 0; k < t->layout->nrules; k++)
            check_rule(&c, prev, t, &t->layout->rules[k]);
        free(c.blank_told);
    }
    check_prose(r, d);
    check_deviations(r, d);
    check_omissions(r, d);
    return d->errors > before ? NB_EREPORT : NB_OK;
}
