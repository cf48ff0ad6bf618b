/* nianbao check: the arithmetic of the tables (rules from the layout, FORMAT.md §1.5), across
 * years, prose against tables, and deviations from the national layout. docs/check.md says
 * what each finding means.
 *
 * Every finding points at the cell (or the word) to look at, names the cells involved with their
 * values, and says what the value would have to be for the rule to hold. */
#include "access.h"
#include "diag.h"
#include "engine.h"
#include "layout.h"
#include "report.h"
#include "statements.h"
#include "typeset.h"
#include "util.h"

#include <inttypes.h>
#include <stdarg.h>
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
    int forced_pass;           /* the second pass over the rules: blanks that can only be 0 */
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
/* Whether the blanks of an equation can only be 0: all on one side, each added (+) and a count
 * (never negative), and the numbers already balance. Such a blank is a warning, not an error:
 * the rule holds when it is 0 (a published table whose label took a cell, say). */
static int holes_forced_zero(const equation *e)
{
    const nb_table *t = e->t;
    size_t lh = count_holes(t, e->left, e->nleft), rh = count_holes(t, e->right, e->nright);
    if ((lh && rh) || (!lh && !rh))
        return 0;
    const term *side = lh ? e->left : e->right;
    size_t n = lh ? e->nleft : e->nright;
    for (size_t i = 0; i < n; i++) {
        const nb_value *v = &t->values[side[i].slot];
        if (is_hole(v) && (side[i].sign < 0 || t->layout->slots[side[i].slot].kind != NB_KIND_COUNT))
            return 0;
    }
    int64_t lsum, rsum;
    if (!sum_terms(t, e->left, e->nleft, &lsum) || !sum_terms(t, e->right, e->nright, &rsum))
        return 0;
    if (e->prev && __builtin_add_overflow(rsum, e->prev->num, &rsum))
        return 0;
    return lsum == rsum;
}

static void report_holes(checker *c, const equation *e)
{
    const nb_table *t = e->t;
    const nb_ltable *lt = t->layout;
    /* Errors first (pass 0), so that a blank another rule cannot do without is an error even
     * where this rule would take it as 0; then (pass 1) the blanks that can only be 0. */
    int forced = holes_forced_zero(e);
    if (forced != c->forced_pass)
        return;
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
            nb_finding f = {.rule = forced           ? "blank.zero"
                                    : v->present ? "not-applicable"
                                                 : "blank",
                            .severity = forced ? NB_WARNING : NB_ERROR, .pos = cell_pos(t, slot),
                            .actual = actual, .expected = forced ? "0" : NULL, .related = rel,
                            .nrelated = nrel};
            cell_fields(&f, t, slot);
            if (forced)
                nb_diag_finding(c->d, &f,
                                "%s %s is %s, but rule %s (%s) holds only if it is 0: write 0",
                                lt->name, lt->slots[slot].name,
                                v->present ? actual : nb_tr(c->d, "blank"), e->rule->id,
                                e->rule->text ? e->rule->text : "");
            else if (v->present)
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
    if (c->forced_pass) {
        if (!c->blanks_zero && count_holes(t, e->left, e->nleft) + count_holes(t, e->right, e->nright))
            report_holes(c, e);
        return;
    }
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

/* ---- the text against the tables --------------------------------------------------------- */

/* A statement's table figure: the cells of its expression in this report. */
typedef struct figure {
    const nb_table *t[64];
    int slot[64];
    size_t n;
    int resolved;           /* every required term found its cells */
    int blank;              /* a cell is blank or “/” (and blanks are not declared zero) */
    int64_t sum;
    nb_value_kind kind;
    const char *missing;    /* the table that is missing, for the note */
} figure;

static void resolve_figure(const nb_report *r, const nb_found *f, figure *fg)
{
    const nb_stmt_term *terms = f->context ? f->context->terms : f->st->terms;
    size_t nterms = f->context ? f->context->nterms : f->st->nterms;
    *fg = (figure){.resolved = nterms > 0};
    for (size_t i = 0; i < nterms && fg->resolved; i++) {
        const nb_stmt_term *ref = &terms[i];
        const nb_table *t = find_table(r, ref->table);
        if (!t) {
            fg->resolved = 0;
            fg->missing = ref->table;
            break;
        }
        const nb_ltable *lt = t->layout;
        size_t before = fg->n;
        for (size_t g = 0; g < lt->ngroups; g++) {
            const char *key = lt->groups[g].key;
            int match = ref->row_prefix ? !strncmp(key, ref->row, strlen(ref->row))
                                         : !strcmp(key, ref->row);
            if (!match)
                continue;
            int j = nb_group_column(lt, (int)g, ref->column);
            if (j < 0 || fg->n == 64)
                continue;
            int slot = lt->groups[g].first_slot + j;
            fg->t[fg->n] = t;
            fg->slot[fg->n++] = slot;
            fg->kind = lt->slots[slot].kind;
        }
        if (fg->n == before && !ref->optional) {
            fg->resolved = 0;
            fg->missing = lt->name;
        }
    }
    if (!fg->resolved)
        return;
    for (size_t i = 0; i < fg->n; i++) {
        const nb_table *t = fg->t[i];
        const nb_value *v = &t->values[fg->slot[i]];
        int zero = t->blanks ? t->blanks == 1 : r->blanks_zero;
        if (is_number(v))
            fg->sum += v->num;
        else if (is_hole(v) && !zero)
            fg->blank = 1;
    }
}

/* "表三 一、… / 总计 is 95 (line 39, column 46)"; "表四 A (line …) and B (line …) add up to 4";
 * "表三 A and 7 more cells add up to 3". Only the cells with `only_nonzero` for a claim. */
static void describe_figure(const checker *c, nb_buf *b, const figure *fg, int only_nonzero)
{
    int idx[64];
    size_t n = 0;
    for (size_t i = 0; i < fg->n; i++) {
        const nb_value *v = &fg->t[i]->values[fg->slot[i]];
        if (!only_nonzero || (is_number(v) && v->num))
            idx[n++] = (int)i;
    }
    if (!n)
        return;
    char total[32];
    fmt_num(total, fg->kind, fg->sum);
    const nb_table *t0 = fg->t[idx[0]];
    if (n == 1) {
        char v[48];
        fmt_cell(c->d, v, t0, fg->slot[idx[0]]);
        nb_pos p = cell_pos(t0, fg->slot[idx[0]]);
        nb_buf_printf(b, nb_tr(c->d, "%s %s is %s (line %d, column %d)"), t0->layout->name,
                      t0->layout->slots[fg->slot[idx[0]]].name, v, p.line, p.col);
        return;
    }
    if (n <= 3) {
        nb_buf_printf(b, "%s ", t0->layout->name);
        for (size_t k = 0; k < n; k++) {
            nb_pos p = cell_pos(fg->t[idx[k]], fg->slot[idx[k]]);
            if (k)
                nb_buf_puts(b, nb_tr(c->d, " and "));
            nb_buf_printf(b, nb_tr(c->d, "%s (line %d, column %d)"),
                          fg->t[idx[k]]->layout->slots[fg->slot[idx[k]]].name, p.line, p.col);
        }
        nb_buf_printf(b, nb_tr(c->d, " add up to %s"), total);
        return;
    }
    nb_pos p = cell_pos(t0, fg->slot[idx[0]]);
    nb_buf_printf(b, nb_tr(c->d, "%s %s (line %d, column %d) and %zu more cells add up to %s"),
                  t0->layout->name, t0->layout->slots[fg->slot[idx[0]]].name, p.line, p.col,
                  n - 1, total);
}

/* The text's number in the table's unit: counts as they are; amounts in millionths of 万元,
 * from 万元 or 元. *precision is the step of the text's last digit in that unit. Returns 0 when
 * it cannot be compared (a count with decimals, an amount finer than the table keeps). */
static int text_value(const nb_found *f, nb_value_kind kind, int64_t *v, int64_t *precision)
{
    if (kind != NB_KIND_AMOUNT) {
        if (f->decimals)
            return 0;
        *v = f->value;
        *precision = 1;
        return 1;
    }
    int scale = !strcmp(f->unit, "元") ? 2 : 6; /* millionths of 万元 per unit: 10^scale */
    if (f->decimals > scale)
        return 0;
    int64_t mul = 1;
    for (int i = 0; i < scale - f->decimals; i++)
        mul *= 10;
    if (__builtin_mul_overflow(f->value, mul, v))
        return 0;
    *precision = mul;
    return 1;
}

static void check_prose_block(checker *c, const nb_text *text)
{
    const nb_report *r = c->r;
    nb_found *found = NULL;
    size_t n = nb_statements_find(r->statements_ref, r->layout_ref ? r->layout_ref->name : NULL,
                                  text->s, text->len, &found);
    for (size_t i = 0; i < n; i++) {
        const nb_found *f = &found[i];
        const nb_statement *st = f->st;
        const char *what = c->d->lang == NB_LANG_ZH ? st->zh : st->en;
        char written[96];
        int wn = snprintf(written, sizeof written, "%.*s", (int)(f->end - f->shown_at),
                          text->s + f->shown_at);
        /* A figure in Chinese numerals is shown with the number it was read as: 二十一起 (21). */
        if (f->numeral && wn > 0 && (size_t)wn < sizeof written)
            snprintf(written + wn, sizeof written - (size_t)wn,
                     c->d->lang == NB_LANG_ZH ? "（%" PRId64 "）" : " (%" PRId64 ")", f->value);
        char rule[80];
        snprintf(rule, sizeof rule, "%s.%s", st->claim ? "claim" : "prose", st->id);
        figure fg;
        resolve_figure(r, f, &fg);
        nb_buf desc = {0}, verdict = {0};
        int differs = 0;
        int64_t want = 0, precision = 1;
        if (!st->nterms) {
            nb_buf_puts(&verdict, nb_tr(c->d, "not compared: the tables have no figure for it"));
        } else if (!fg.resolved) {
            nb_buf_printf(&verdict, nb_tr(c->d, "not compared: the report has no %s for it"),
                          fg.missing ? fg.missing : "?");
        } else if (fg.blank) {
            nb_buf_puts(&verdict, nb_tr(c->d, "not compared: its table cells are blank"));
        } else if (st->claim) {
            differs = fg.sum != 0;
            describe_figure(c, &desc, &fg, differs);
            if (!differs)
                nb_buf_puts(&verdict, nb_tr(c->d, "it agrees with the tables"));
        } else if (f->mode == NB_NUM_ABOUT || !text_value(f, fg.kind, &want, &precision)) {
            nb_buf_puts(&verdict, nb_tr(c->d, "not compared: an approximate figure"));
        } else {
            describe_figure(c, &desc, &fg, 0);
            if (f->mode == NB_NUM_AT_LEAST)
                differs = fg.sum < want;
            else
                differs = fg.kind == NB_KIND_AMOUNT
                              ? (fg.sum > want ? fg.sum - want : want - fg.sum) * 2 >= precision
                              : fg.sum != want;
            if (!differs)
                nb_buf_printf(&verdict, nb_tr(c->d, "it agrees with %s"),
                              desc.len ? (const char *)desc.data : "");
        }
        nb_buf_put(&desc, "", 1);
        nb_buf_put(&verdict, "", 1);
        nb_pos at = nb_report_text_pos(r, text, f->num_at);
        /* The places: the statement, then the table cells. */
        nb_related rel[65];
        char vals[64][48];
        size_t nrel = 0;
        rel[nrel++] = (nb_related){at, st->claim ? "text" : "text", written};
        for (size_t k = 0; k < fg.n && fg.resolved; k++) {
            fmt_cell(c->d, vals[k], fg.t[k], fg.slot[k]);
            rel[nrel++] = (nb_related){cell_pos(fg.t[k], fg.slot[k]),
                                       fg.t[k]->layout->slots[fg.slot[k]].name, vals[k]};
        }
        char expected[32] = "", claimed[96];
        if (fg.resolved)
            fmt_num(expected, fg.kind, fg.sum);
        snprintf(claimed, sizeof claimed, "%.*s", (int)(f->end - f->at), text->s + f->at);
        nb_finding fd = {.rule = rule, .severity = differs ? NB_WARNING : NB_NOTE, .pos = at,
                         .expected = fg.resolved ? expected : NULL,
                         .actual = st->claim ? "0" : written, .related = rel, .nrelated = nrel};
        if (fg.resolved && fg.n)
            cell_fields(&fd, fg.t[0], fg.slot[0]);
        if (differs && st->claim)
            nb_diag_finding(c->d, &fd, "the text says %s (“%s”), but %s", what, claimed,
                            (const char *)desc.data);
        else if (differs && f->mode == NB_NUM_AT_LEAST)
            nb_diag_finding(c->d, &fd, "the text gives %s as %s, at least, but %s", what,
                            written, (const char *)desc.data);
        else if (differs)
            nb_diag_finding(c->d, &fd, "the text gives %s as %s, but %s", what, written,
                            (const char *)desc.data);
        else if (st->claim)
            nb_diag_finding(c->d, &fd, "the text says %s (“%s”): %s", what, claimed,
                            (const char *)verdict.data);
        else
            nb_diag_finding(c->d, &fd, "the text gives %s as %s: %s", what, written,
                            (const char *)verdict.data);
        nb_buf_free(&desc);
        nb_buf_free(&verdict);
    }
    free(found);
}

/* Every paragraph, heading and item of every section. */
static void check_prose(checker *c)
{
    if (!c->r->statements_ref)
        return;
    for (int s = 0; s < NB_SECTIONS; s++) {
        const nb_section *sec = &c->r->sections[s];
        for (size_t b = 0; b < sec->nblocks; b++) {
            const nb_block *blk = &sec->blocks[b];
            if (blk->kind != NB_BLOCK_TABLE && blk->text.s)
                check_prose_block(c, &blk->text);
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

/* ---- sanity: the report against itself and against last year's -------------------------- */

static void sanity_warning(checker *c, const char *rule, nb_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void sanity_warning(checker *c, const char *rule, nb_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[512];
    vsnprintf(msg, sizeof msg, nb_tr(c->d, fmt), ap);
    va_end(ap);
    nb_finding f = {.rule = rule, .severity = NB_WARNING, .pos = pos};
    nb_diag_finding(c->d, &f, "%s", msg);
}

/* The year the title names ("…2024年政府信息公开工作年度报告"): the first 4-digit number followed
 * by 年 in the title the report gives. */
static void check_title_year(checker *c)
{
    const nb_report *r = c->r;
    const char *s = r->title.s;
    if (!s)
        return;
    for (size_t i = 0; i + 4 < r->title.len; i++) {
        if (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
            continue;
        int digits = 0;
        while (digits < 5 && s[i + digits] >= '0' && s[i + digits] <= '9')
            digits++;
        if (digits != 4 || strncmp(s + i + 4, "年", strlen("年")) != 0)
            continue;
        int year = atoi(s + i);
        char expected[16], actual[16];
        snprintf(expected, sizeof expected, "%d", r->year);
        snprintf(actual, sizeof actual, "%d", year);
        if (year != r->year) {
            nb_finding f = {.rule = "sanity.title_year", .severity = NB_WARNING,
                            .pos = nb_report_text_pos(r, &r->title, i), .expected = expected,
                            .actual = actual};
            nb_diag_finding(c->d, &f, "the title names the year %d, but the report is for %d (year)",
                            year, r->year);
        }
        return;
    }
}

/* 成文日期: after the year has ended and by 1月31日 of the next (条例第四十九条). */
static void check_date(checker *c)
{
    const nb_report *r = c->r;
    if (!r->date.s || !r->date_y || !r->year)
        return;
    int date = r->date_y * 10000 + r->date_m * 100 + r->date_d;
    if (date < (r->year + 1) * 10000 + 101)
        sanity_warning(c, "sanity.date_early", r->date.pos,
                       "the report is dated %s, before its year %d has ended", r->date.s, r->year);
    else if (date > (r->year + 1) * 10000 + 131 && r->date_y == r->year + 1)
        /* Later years: the loader already asks whether the year or the date is wrong. */
        sanity_warning(c, "sanity.date_late", r->date.pos,
                       "the report is dated %s, after the deadline of %d-01-31 for the year %d "
                       "(条例第四十九条)",
                       r->date.s, r->year + 1, r->year);
}

/* The 落款 names the agency or its office (淮安市人民政府办公室 for 淮安市人民政府). */
static void check_signoff(checker *c)
{
    const nb_report *r = c->r;
    if (!r->signoff.s || !r->agency.s || strstr(r->signoff.s, r->agency.s) ||
        strstr(r->agency.s, r->signoff.s))
        return;
    sanity_warning(c, "sanity.signoff", r->signoff.pos,
                   "the signoff names %s, but the report is %s's (agency)", r->signoff.s,
                   r->agency.s);
}

/* The 2019 trial format was replaced by the 2021 format from the reports on 2021 on. */
static void check_layout_year(checker *c)
{
    const nb_report *r = c->r;
    const nb_layout *nat = r->national_ref;
    if (nat && !strcmp(nat->name, "gov-2019") && r->year >= 2021)
        sanity_warning(c, "sanity.layout_year", r->layout.pos,
                       "layout %s is the 2019 trial format, replaced for the reports on 2021 and "
                       "later; the report is for %d: use gov-2021",
                       r->layout.s ? r->layout.s : nat->name, r->year);
}

/* A table under another section than its own (表四 under 三、). */
static void check_table_sections(checker *c)
{
    const nb_report *r = c->r;
    const nb_layout *own = r->layout_ref;
    if (!own)
        return;
    for (int s = 0; s < NB_SECTIONS; s++)
        for (size_t b = 0; b < r->sections[s].nblocks; b++) {
            const nb_block *blk = &r->sections[s].blocks[b];
            if (blk->kind != NB_BLOCK_TABLE || !blk->table.key.s)
                continue;
            const nb_ltable *lt = nb_layout_table(own, blk->table.key.s);
            if (!lt || lt->section < 1 || lt->section > NB_SECTIONS || lt->section == s + 1)
                continue;
            int want = lt->section - 1;
            nb_finding f = {.rule = "table.section", .severity = NB_WARNING,
                            .pos = blk->table.key.pos, .table = lt->key, .table_label = lt->name};
            nb_diag_finding(c->d, &f, "%s belongs under %s%s, not under %s%s", lt->name,
                            own->numbers[want] ? own->numbers[want] : "",
                            own->headings[want] ? own->headings[want] : "",
                            own->numbers[s] ? own->numbers[s] : "",
                            r->sections[s].heading.s ? r->sections[s].heading.s
                            : own->headings[s]       ? own->headings[s]
                                                     : "");
        }
}

static int starts_with(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }

/* A paragraph that was meant as a block key (`- h2：（一）…`, `- h2:（一）…`), one that looks like
 * a heading, and a heading that ends in a colon. */
static void check_block_text(checker *c)
{
    const nb_report *r = c->r;
    static const char *const keys[] = {"h2", "h3", "item", "table"};
    for (int s = 0; s < NB_SECTIONS; s++)
        for (size_t b = 0; b < r->sections[s].nblocks; b++) {
            const nb_block *blk = &r->sections[s].blocks[b];
            const char *t = blk->text.s;
            if (!t || !blk->text.len)
                continue;
            if (blk->kind == NB_BLOCK_PARAGRAPH) {
                int keyed = 0;
                for (size_t k = 0; k < 4 && !keyed; k++)
                    if (starts_with(t, keys[k])) {
                        const char *after = t + strlen(keys[k]);
                        if (starts_with(after, "：") || (*after == ':' && after[1] != ' ')) {
                            sanity_warning(c, "text.block_key", blk->text.pos,
                                           "this paragraph starts with “%.*s”: a %s block is "
                                           "written `- %s: …`, with an ASCII colon and a space",
                                           (int)(after - t) + (*after == ':' ? 1 : 3), t, keys[k],
                                           keys[k]);
                            keyed = 1;
                        }
                    }
                if (keyed)
                    continue;
                /* （一）… or 一、… alone, short and without a full stop: a heading. */
                size_t chars = 0;
                for (const char *p = t; *p; p++)
                    chars += ((unsigned char)*p & 0xC0) != 0x80;
                int numbered = starts_with(t, "（") &&
                               (strstr(t, "）") && (size_t)(strstr(t, "）") - t) <= 9);
                static const char *const numerals[] = {"一、", "二、", "三、", "四、", "五、",
                                                       "六、", "七、", "八、", "九、", "十、"};
                for (size_t k = 0; k < 10 && !numbered; k++)
                    numbered = starts_with(t, numerals[k]);
                if (numbered && chars <= 30 && !strstr(t, "。") && !strstr(t, "；") &&
                    !strstr(t, "，"))
                    sanity_warning(c, "text.heading_like", blk->text.pos,
                                   "this paragraph looks like a heading: write it `- h2: %s`", t);
            } else if (blk->kind == NB_BLOCK_HEADING2 || blk->kind == NB_BLOCK_HEADING3) {
                size_t n = blk->text.len;
                size_t colon = n >= 3 && !strcmp(t + n - 3, "：") ? n - 3
                               : n >= 1 && t[n - 1] == ':'       ? n - 1
                                                                 : (size_t)-1;
                if (colon != (size_t)-1)
                    sanity_warning(c, "text.heading_colon",
                                   nb_report_text_pos(r, &blk->text, colon),
                                   "a heading ends with a colon: a heading takes no punctuation "
                                   "at its end");
            }
        }
}

/* ---- font coverage: the characters render would find no font for ------------------------ */

/* The lists render sets each role in (nb_font_roles, typeset.c) and the lookup it makes per
 * character (nb_text_font_for, text.c), without typesetting: every list ends with the bundled
 * fonts, whose coverage the engine caches (a bit per code point), so most characters cost a
 * bit test; only a character the bundled fonts lack is looked up in the report's own fonts. */
typedef struct coverage {
    const nb_report *r;
    nb_diags *d;
    nb_coverage *bundled[NB_ROLES];
    nb_font_list full[NB_ROLES];     /* with the report's fonts; count 0: the bundled alone */
    unsigned char skip[NB_ROLES];    /* a font the report names cannot be opened here: render
                                        says so; its characters are not judged */
    size_t named;                    /* characters reported so far */
} coverage;

static int covered(coverage *k, int role, uint32_t cp)
{
    if (nb_coverage_has(k->bundled[role], cp))
        return 1;
    return k->full[role].count && nb_text_font_for(&k->full[role], cp) != NULL;
}

/* One text as render shapes it: each character no font of the role has is reported once, at
 * its first place (`src`: the report's string, else `where`), the first NB_MAX_MISSING. */
static void cover_text(coverage *k, int role, const char *s, size_t len, const nb_text *src,
                       nb_pos where)
{
    if (!s || k->skip[role] || !k->bundled[role] || k->named > NB_MAX_MISSING)
        return;
    uint32_t seen[NB_MAX_MISSING];
    int nseen = 0, more = 0;
    uint32_t cp;
    size_t n;
    for (size_t i = 0; (i = nb_coverage_scan(k->bundled[role], s, len, i, &cp, &n)) < len;
         i += n) {
        /* Not in the bundled fonts: perhaps in the report's own, or needing none. */
        if (nb_text_needs_font(cp) && !covered(k, role, cp)) {
            int dup = 0;
            for (int j = 0; j < nseen && !dup; j++)
                dup = seen[j] == cp;
            if (!dup && nseen < NB_MAX_MISSING && k->named < NB_MAX_MISSING) {
                seen[nseen++] = cp;
                k->named++;
                nb_text_missing(k->d, src ? nb_report_text_pos(k->r, src, i) : where, cp);
            } else if (!dup) {
                more = 1;
            }
        }
    }
    if (more && k->named++ == NB_MAX_MISSING)
        nb_text_missing_more(k->d, where);
}

static void cover_block(coverage *k, const nb_block *blk)
{
    switch (blk->kind) {
    case NB_BLOCK_PARAGRAPH:
    case NB_BLOCK_ITEM:
    case NB_BLOCK_HEADING3:
        cover_text(k, NB_ROLE_BODY, blk->text.s, blk->text.len, &blk->text, blk->text.pos);
        break;
    case NB_BLOCK_HEADING2:
        cover_text(k, NB_ROLE_HEADING2, blk->text.s, blk->text.len, &blk->text, blk->text.pos);
        break;
    case NB_BLOCK_RUNIN:
        cover_text(k, NB_ROLE_HEADING2, blk->lead.s, blk->lead.len, &blk->lead, blk->lead.pos);
        cover_text(k, NB_ROLE_BODY, blk->text.s, blk->text.len, &blk->text, blk->text.pos);
        break;
    case NB_BLOCK_TABLE:
        break; /* its values: below, from the bound table */
    }
}

static void check_fonts(checker *c)
{
    const nb_report *r = c->r;
    nb_engine *e = r->engine_ref;
    if (!e)
        return;
    coverage k = {.r = r, .d = c->d};
    for (int role = 0; role < NB_ROLES; role++)
        if (!(k.bundled[role] = nb_engine_coverage(e, role)))
            return; /* a bundled font is missing: render says which */
    int own = r->fonts_government;
    for (int role = 0; role < NB_ROLES; role++)
        own |= r->nfonts[role] > 0;
    if (own) {
        /* The report's fonts, opened as render opens them (its folder, --allow-dir folders,
         * the font folder). */
        nb_access access;
        nb_access_init(&access, r->file, r->allow_dirs, nb_engine_font_dir(e));
        nb_diags *quiet = nb_diags_new();
        quiet->lang = c->d->lang;
        nb_font_roles(nb_engine_fonts(e), &access, r, k.full, k.skip, quiet);
        /* A font file that cannot be used is an error render would stop at: said here too
         * (once, should a render follow), not its notes on fonts substituted. */
        for (size_t i = 0; i < quiet->count; i++) {
            const nb_diag *g = &quiet->items[i];
            if (g->severity == NB_ERROR)
                nb_diag_add_once(c->d, NB_ERROR, (nb_pos){g->file, g->line, g->col}, "%s",
                                 g->message);
        }
        nb_diags_free(quiet);
        nb_access_free(&access);
    }
    cover_text(&k, NB_ROLE_TITLE, r->title_text, r->title_text ? strlen(r->title_text) : 0,
               r->title.s ? &r->title : NULL, r->agency.pos);
    for (size_t b = 0; b < r->npreamble; b++)
        cover_block(&k, &r->preamble[b]);
    for (int s = 0; s < NB_SECTIONS; s++) {
        const nb_section *sec = &r->sections[s];
        if (sec->heading.s)
            cover_text(&k, NB_ROLE_HEADING1, sec->heading.s, sec->heading.len, NULL,
                       sec->heading.pos);
        for (size_t b = 0; b < sec->nblocks; b++)
            cover_block(&k, &sec->blocks[b]);
    }
    /* Table cells that hold text (“/”, a text column): set in the table role. */
    for (size_t i = 0; i < r->ntables; i++) {
        const nb_table *t = r->tables[i];
        for (size_t s = 0; s < t->layout->nslots; s++) {
            const nb_value *v = &t->values[s];
            if (v->present && v->is_text && v->text)
                cover_text(&k, NB_ROLE_TABLE, v->text, strlen(v->text), NULL, v->pos);
        }
    }
    cover_text(&k, NB_ROLE_BODY, r->signoff.s, r->signoff.len, &r->signoff, r->signoff.pos);
}

/* Last year's report must be another file, of the same agency, for the year before: anything
 * else makes the cross-year rules compare the wrong figures. Returns 0 (and says why) when it
 * cannot be used. */
static int previous_usable(checker *c, const nb_report *prev)
{
    const nb_report *r = c->r;
    int ok = 1;
    if ((r->file && prev->file && !strcmp(r->file, prev->file)) ||
        (r->source && prev->source && r->source_len == prev->source_len &&
         !memcmp(r->source, prev->source, r->source_len))) {
        nb_finding f = {.rule = "previous.same", .severity = NB_ERROR,
                        .pos = {prev->file, 0, 0}};
        nb_diag_finding(c->d, &f, "--previous names the same report as the one checked");
        return 0;
    }
    if (r->agency.s && prev->agency.s && strcmp(r->agency.s, prev->agency.s)) {
        nb_finding f = {.rule = "previous.agency", .severity = NB_ERROR, .pos = prev->agency.pos,
                        .expected = r->agency.s, .actual = prev->agency.s};
        nb_diag_finding(c->d, &f, "last year's report is %s's, not %s's", prev->agency.s,
                        r->agency.s);
        ok = 0;
    }
    if (prev->year != r->year - 1) {
        char want[16], got[16];
        snprintf(want, sizeof want, "%d", r->year - 1);
        snprintf(got, sizeof got, "%d", prev->year);
        nb_finding f = {.rule = "previous.year", .severity = NB_ERROR, .pos = prev->year_pos,
                        .expected = want, .actual = got};
        nb_diag_finding(c->d, &f, "last year's report is for %d, not for %d", prev->year,
                        r->year - 1);
        ok = 0;
    }
    return ok;
}

static void check_sanity(checker *c)
{
    check_title_year(c);
    check_date(c);
    check_signoff(c);
    check_layout_year(c);
    check_table_sections(c);
    check_block_text(c);
}

int nb_check(const nb_report *r, const nb_report *prev, nb_diags *d)
{
    return nb_check_report(r, prev, 1, d);
}

int nb_check_report(const nb_report *r, const nb_report *prev, int fonts, nb_diags *d)
{
    size_t before = d->errors;
    checker c = {.r = r, .d = d};
    /* Last year's report first: compared with the wrong one, every cross-year finding misleads. */
    if (prev && !previous_usable(&c, prev))
        prev = NULL;
    for (size_t i = 0; i < r->ntables; i++) {
        const nb_table *t = r->tables[i];
        c.blanks_zero = t->blanks ? t->blanks == 1 : r->blanks_zero;
        c.blank_told = nb_calloc(t->layout->nslots + 1, 1);
        for (c.forced_pass = 0; c.forced_pass < 2; c.forced_pass++)
            for (size_t k = 0; k < t->layout->nrules; k++)
                check_rule(&c, prev, t, &t->layout->rules[k]);
        free(c.blank_told);
    }
    check_prose(&c);
    check_sanity(&c);
    check_deviations(r, d);
    check_omissions(r, d);
    if (fonts)
        check_fonts(&c);
    return d->errors > before ? NB_EREPORT : NB_OK;
}
