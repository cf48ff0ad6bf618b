/* The binder: a report's table values into a layout's slots (nb_table_bind), each value
 * parsed by its slot's kind (count, amount, change, text) with errors naming the table, row
 * and column; and a value's text as the tables print it (nb_value_text). The layout files
 * themselves are read by layout.c. */
#include "diag.h"
#include "layout.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COUNT INT64_C(999999999999999) /* 15 digits: sums of many still fit in int64 */
#define MAX_AMOUNT_INT INT64_C(9999999999) /* 万元, integer part: 10 digits */
#define AMOUNT_DECIMALS 6

/* Texts that stand for "not applicable" in a number cell. */
static int is_na_text(const char *s)
{
    return !strcmp(s, "/") || !strcmp(s, "-") || !strcmp(s, "\xE2\x80\x94" /* — */);
}

/* Whole number: [+-]?digits. Returns 1 and the value, 0 if not one, -1 if beyond `max`. */
static int parse_whole(const char *s, int allow_sign, int64_t max, int64_t *out)
{
    int neg = 0;
    if (allow_sign && (*s == '+' || *s == '-'))
        neg = *s++ == '-';
    if (!*s)
        return 0;
    int64_t v = 0;
    int big = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        if (!big && v > (max - (*s - '0')) / 10)
            big = 1;
        else if (!big)
            v = v * 10 + (*s - '0');
    }
    if (big)
        return -1;
    *out = neg ? -v : v;
    return 1;
}

/* Amount in 万元: digits[.digits]. Returns 1 (millionths in *out), 0 not an amount, -1 too
 * large, -2 too many decimals. */
/* An amount in millionths of 万元 from text of `len` bytes in 万元 (`yuan` 0: up to 6 decimals)
 * or 元 (`yuan` 1: up to 2 decimals, 分). Decimals beyond those are accepted when they are
 * zeros (96171.6000000 is exact). Returns 1, 0 if not a number, -1 if too large, -2 for
 * significant digits beyond the unit's decimals. */
static int parse_amount(const char *s, size_t len, int yuan, int64_t *out)
{
    const char *end = s + len;
    int keep = yuan ? 2 : AMOUNT_DECIMALS;
    int64_t limit = yuan ? MAX_AMOUNT_INT * 10000 + 9999 : MAX_AMOUNT_INT;
    int64_t whole = 0, frac = 0;
    int ndig = 0, nfrac = 0, big = 0, extra = 0;
    const char *p = s;
    for (; p < end && *p >= '0' && *p <= '9'; p++, ndig++)
        if (!big && whole > (limit - (*p - '0')) / 10)
            big = 1;
        else if (!big)
            whole = whole * 10 + (*p - '0');
    if (!ndig)
        return 0;
    if (p < end && *p == '.') {
        p++;
        for (; p < end && *p >= '0' && *p <= '9'; p++, nfrac++)
            if (nfrac < keep)
                frac = frac * 10 + (*p - '0');
            else if (*p != '0')
                extra = 1;
        if (!nfrac)
            return 0;
    }
    if (p != end)
        return 0;
    if (extra)
        return -2;
    if (big)
        return -1;
    for (int i = nfrac < keep ? nfrac : keep; i < keep; i++)
        frac *= 10;
    /* 元 are hundredths of 分-precise yuan: 1 元 = 100 millionths of 万元. */
    *out = yuan ? whole * 100 + frac : whole * 1000000 + frac;
    return 1;
}

static int ends_with(const char *s, size_t len, const char *suffix, size_t *cut)
{
    size_t n = strlen(suffix);
    if (len < n || memcmp(s + len - n, suffix, n) != 0)
        return 0;
    *cut = len - n;
    return 1;
}

/* "自然人, 商业企业, …": a group's column names. */
static char *group_columns(const nb_ltable *t, const nb_group *g)
{
    nb_buf b = {0};
    for (int j = 0; j < g->nslots; j++)
        nb_buf_printf(&b, "%s%s", j ? ", " : "", t->slots[g->first_slot + j].column);
    nb_buf_put(&b, "", 1);
    return (char *)b.data;
}

static const char *kind_expect(nb_value_kind k)
{
    switch (k) {
    case NB_KIND_AMOUNT: return "an amount in 万元 such as 12.5 (at most 6 decimals)";
    case NB_KIND_CHANGE: return "a whole number such as 3 or -2";
    default: return "a count (a whole number, 0 or more)";
    }
}

/* Binds one written value to slot s; returns 0 after an error. */
static int bind_value(const nb_ltable *t, const nb_slot *s, const nb_cell_input *in, nb_value *v,
                      nb_diags *d)
{
    const char *text = in->text.s ? in->text.s : "";
    *v = (nb_value){.text = text, .pos = in->text.pos};
    if (in->is_null)
        return 1;
    if (s->kind == NB_KIND_TEXT || (in->quoted && !text[0])) {
        v->present = text[0] != 0;
        v->is_text = v->present;
        return 1;
    }
    if (is_na_text(text)) {
        v->present = v->is_text = 1;
        return 1;
    }
    const char *what = s->kind == NB_KIND_AMOUNT   ? "an amount"
                       : s->kind == NB_KIND_CHANGE ? "a number"
                                                   : "a count";
    /* 010: YAML 1.1 readers take it for octal 8, YAML 1.2 and people for ten. */
    const char *digits = text + (text[0] == '+' || text[0] == '-');
    if (!in->quoted && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9') {
        nb_diag_add(d, NB_ERROR, in->text.pos,
                    "%s %s: '%s' has a leading zero, which is ambiguous (YAML 1.1 reads it as an "
                    "octal number); write it without", t->name, s->name, text);
        return 0;
    }
    int64_t num = 0;
    int r, yuan = 0;
    if (s->kind == NB_KIND_AMOUNT) {
        /* The unit as the clerk writes it (251000元, 25.1万元): where the column's label fixes
         * 万元 (本年收费金额（单位：万元）) only 万元 may be written, and is not printed twice. */
        size_t len = strlen(text), cut = len;
        int fixed = strstr(s->column, "万元") != NULL;
        if (ends_with(text, len, "万元", &cut)) {
            v->unit = fixed ? NULL : "万元";
        } else if (ends_with(text, len, "元", &cut)) {
            if (fixed && !in->quoted) {
                nb_diag_add(d, NB_ERROR, in->text.pos,
                            "%s %s: '%s' is in 元, but the column is in 万元: write the amount "
                            "in 万元",
                            t->name, s->name, text);
                return 0;
            }
            v->unit = "元";
            yuan = 1;
        }
        r = parse_amount(text, cut, yuan, &num);
    } else {
        r = s->kind == NB_KIND_CHANGE ? parse_whole(text, 1, MAX_COUNT, &num)
                                      : parse_whole(text, 0, MAX_COUNT, &num);
    }
    if (in->quoted) {
        if (r != 0)
            nb_diag_add(d, NB_ERROR, in->text.pos,
                        "%s %s: '%s' is quoted, so it is text; write %s without quotes", t->name,
                        s->name, text, what);
        else
            nb_diag_add(d, NB_ERROR, in->text.pos,
                        "%s %s: text '%s' is not allowed here; write %s, ~ for a blank cell, or "
                        "\"/\", \"-\" or \"—\" for not applicable",
                        t->name, s->name, text, kind_expect(s->kind));
        return 0;
    }
    if (r == 1) {
        v->present = 1;
        v->num = num;
        return 1;
    }
    if (r == -1) {
        if (s->kind == NB_KIND_AMOUNT)
            nb_diag_add(d, NB_ERROR, in->text.pos,
                        "%s %s: '%s' is too large for an amount (at most %" PRId64 ".999999 万元)",
                        t->name, s->name, text, MAX_AMOUNT_INT);
        else
            nb_diag_add(d, NB_ERROR, in->text.pos, "%s %s: '%s' is too large (at most %" PRId64 ")",
                        t->name, s->name, text, MAX_COUNT);
    } else if (r == -2 && yuan) {
        nb_diag_add(d, NB_ERROR, in->text.pos,
                    "%s %s: '%s' has more than 2 decimals; an amount in 元 has at most 2 (分)",
                    t->name, s->name, text);
    } else if (r == -2) {
        nb_diag_add(d, NB_ERROR, in->text.pos,
                    "%s %s: '%s' has more than %d decimals; an amount in 万元 has at most %d",
                    t->name, s->name, text, AMOUNT_DECIMALS, AMOUNT_DECIMALS);
    } else {
        nb_diag_add(d, NB_ERROR, in->text.pos, "%s %s: '%s' is not %s", t->name, s->name, text,
                    kind_expect(s->kind));
    }
    return 0;
}

nb_table *nb_table_bind(const nb_layout *layout, const nb_table_input *in, nb_diags *d)
{
    if (!layout || !in || !in->key.s)
        return NULL; /* the report loader has already said what is missing */
    const nb_ltable *lt = nb_layout_table(layout, in->key.s);
    if (!lt) {
        nb_buf names = {0};
        for (size_t i = 0; i < layout->ntables; i++)
            nb_buf_printf(&names, "%s%s (%s)", i ? ", " : "", layout->tables[i].key,
                          layout->tables[i].name);
        nb_buf_put(&names, "", 1);
        nb_diag_add(d, NB_ERROR, in->key.pos, "unknown table '%s' in layout %s; its tables are %s",
                    in->key.s, layout->name, (const char *)names.data);
        nb_buf_free(&names);
        return NULL;
    }
    nb_table *t = nb_calloc(1, sizeof *t);
    t->layout = lt;
    t->pos = in->key.pos;
    t->blanks = in->blanks;
    t->values = nb_calloc(lt->nslots ? lt->nslots : 1, sizeof *t->values);
    t->group_given = nb_calloc(lt->ngroups ? lt->ngroups : 1, sizeof *t->group_given);
    const nb_row_input **given = nb_calloc(lt->ngroups ? lt->ngroups : 1, sizeof *given);
    int ok = 1;
    for (size_t i = 0; i < in->nrows; i++) {
        const nb_row_input *row = &in->rows[i];
        const char *key = row->key.s ? row->key.s : "";
        int gi = nb_ltable_group(lt, key);
        if (gi < 0) {
            const char *best = NULL;
            size_t best_d = 3;
            for (size_t g = 0; g < lt->ngroups; g++) {
                size_t dist = nb_edit_distance(key, lt->groups[g].key);
                if (dist < best_d) {
                    best_d = dist;
                    best = lt->groups[g].key;
                }
            }
            if (best) {
                nb_diag_add(d, NB_ERROR, row->key.pos, "%s: unknown row '%s'; did you mean '%s'?",
                            lt->name, key, best);
            } else {
                nb_buf keys = {0};
                for (size_t g = 0; g < lt->ngroups; g++)
                    nb_buf_printf(&keys, "%s%s", g ? ", " : "", lt->groups[g].key);
                nb_buf_put(&keys, "", 1);
                nb_diag_add(d, NB_ERROR, row->key.pos, "%s: unknown row '%s'; the rows are %s",
                            lt->name, key, (const char *)keys.data);
                nb_buf_free(&keys);
            }
            ok = 0;
            continue;
        }
        const nb_group *g = &lt->groups[gi];
        if (given[gi]) {
            nb_diag_add(d, NB_ERROR, row->key.pos,
                        "%s %s: row '%s' is given twice (first at line %d)", lt->name, g->name, key,
                        given[gi]->key.pos.line);
            ok = 0;
            continue;
        }
        given[gi] = row;
        t->group_given[gi] = 1;
        if (row->ncells != (size_t)g->nslots) {
            char *cols = group_columns(lt, g);
            nb_pos at =
                row->ncells > (size_t)g->nslots ? row->cells[g->nslots].text.pos : row->key.pos;
            nb_diag_add(d, NB_ERROR, at, "%s %s: %zu value%s given; the row has %d (%s)%s",
                        lt->name, g->name, row->ncells, row->ncells == 1 ? "" : "s", g->nslots,
                        cols, row->ncells < (size_t)g->nslots ? "; write ~ for a blank cell" : "");
            free(cols);
            ok = 0;
        }
        size_t n = row->ncells < (size_t)g->nslots ? row->ncells : (size_t)g->nslots;
        for (size_t j = 0; j < n; j++) {
            int si = g->first_slot + (int)j;
            if (!bind_value(lt, &lt->slots[si], &row->cells[j], &t->values[si], d))
                ok = 0;
        }
    }
    free(given);
    if (!ok) {
        nb_table_free(t);
        return NULL;
    }
    return t;
}

int nb_table_fits(const nb_ltable *lt, const nb_table_input *in)
{
    for (size_t i = 0; i < in->nrows; i++) {
        int gi = nb_ltable_group(lt, in->rows[i].key.s ? in->rows[i].key.s : "");
        if (gi < 0 || in->rows[i].ncells != (size_t)lt->groups[gi].nslots)
            return 0;
    }
    return 1;
}

/* One finding for a table written for another shape: the rows that do not fit (how many have
 * the wrong number of values, which keys the layout does not know) and the layouts of the
 * family whose table fits. Returns 0 (and says nothing) when the per-row errors say it better:
 * no layout fits and the rows are not wrong the same way. */
static int shape_finding(const nb_layout *layout, const nb_ltable *lt,
                         const nb_layout *const *family, size_t nfamily,
                         const nb_table_input *in, nb_diags *d)
{
    const char **fits = nb_calloc(nfamily ? nfamily : 1, sizeof *fits);
    size_t nfits = 0;
    for (size_t k = 0; k < nfamily; k++) {
        const nb_ltable *other = family[k] && family[k] != layout
                                     ? nb_layout_table(family[k], lt->key) : NULL;
        if (other && nb_table_fits(other, in))
            fits[nfits++] = family[k]->name;
    }
    /* The rows that do not fit: a wrong count (and whether all have the same one), unknown. */
    size_t wrong = 0, unknown = 0, count = 0, expect = 0;
    int same = 1;
    nb_related *rel = nb_calloc(in->nrows ? in->nrows : 1, sizeof *rel);
    char(*vals)[32] = nb_calloc(in->nrows ? in->nrows : 1, sizeof *vals);
    size_t nrel = 0;
    nb_buf unknown_keys = {0};
    for (size_t i = 0; i < in->nrows; i++) {
        const nb_row_input *row = &in->rows[i];
        const char *key = row->key.s ? row->key.s : "";
        int gi = nb_ltable_group(lt, key);
        if (gi < 0) {
            if (unknown < 4)
                nb_buf_printf(&unknown_keys, "%s'%s'", unknown ? ", " : "", key);
            unknown++;
        } else if (row->ncells != (size_t)lt->groups[gi].nslots) {
            if (wrong && (row->ncells != count || (size_t)lt->groups[gi].nslots != expect))
                same = 0;
            count = row->ncells;
            expect = (size_t)lt->groups[gi].nslots;
            wrong++;
        } else {
            continue;
        }
        snprintf(vals[nrel], sizeof vals[nrel], "%zu", row->ncells);
        rel[nrel] = (nb_related){row->key.pos, key, vals[nrel]};
        nrel++;
    }
    if (unknown > 4)
        nb_buf_printf(&unknown_keys, nb_tr(d, " and %zu more"), unknown - 4);
    nb_buf_put(&unknown_keys, "", 1);
    int grouped = nfits > 0 || (wrong >= 2 && same && !unknown);
    if (grouped) {
        nb_buf msg = {0};
        if (wrong && same) {
            const nb_group *g = NULL;
            for (size_t i = 0; i < in->nrows && !g; i++) {
                int gi = nb_ltable_group(lt, in->rows[i].key.s ? in->rows[i].key.s : "");
                if (gi >= 0 && in->rows[i].ncells != (size_t)lt->groups[gi].nslots)
                    g = &lt->groups[gi];
            }
            char *cols = group_columns(lt, g);
            nb_buf_printf(&msg,
                          nb_tr(d, wrong == 1 ? "%s: %zu row has %zu values, but layout %s gives it %zu (%s)"
                                              : "%s: %zu rows have %zu values, but layout %s gives them %zu (%s)"),
                          lt->name, wrong, count, layout->name, expect, cols);
            free(cols);
        } else if (wrong) {
            nb_buf_printf(&msg, nb_tr(d, "%s: %zu rows have another number of values than layout %s gives them"),
                          lt->name, wrong, layout->name);
        }
        if (unknown) {
            if (!msg.len)
                nb_buf_printf(&msg, nb_tr(d, "%s: "), lt->name);
            else
                nb_buf_puts(&msg, nb_tr(d, "; "));
            nb_buf_printf(&msg, nb_tr(d, unknown == 1 ? "row %s is not a row of layout %s"
                                                      : "rows %s are not rows of layout %s"),
                          (const char *)unknown_keys.data, layout->name);
        }
        if (nfits) {
            nb_buf names = {0};
            for (size_t k = 0; k < nfits; k++)
                nb_buf_printf(&names, "%s%s", k == 0 ? "" : k + 1 == nfits ? nb_tr(d, " or ") : ", ",
                              fits[k]);
            nb_buf_put(&names, "", 1);
            nb_buf_printf(&msg, nb_tr(d, ": the table fits layout %s; write `layout: %s`"),
                          (const char *)names.data, fits[0]);
            nb_buf_free(&names);
        }
        nb_buf_put(&msg, "", 1);
        char want[32] = "", got[32] = "";
        if (wrong && same) {
            snprintf(want, sizeof want, "%zu", expect);
            snprintf(got, sizeof got, "%zu", count);
        }
        nb_finding f = {.rule = "table.shape", .severity = NB_ERROR, .pos = in->key.pos,
                        .table = lt->key, .table_label = lt->name,
                        .expected = want[0] ? want : NULL, .actual = got[0] ? got : NULL,
                        .related = rel, .nrelated = nrel, .layouts = fits, .nlayouts = nfits};
        nb_diag_finding(d, &f, "%s", (const char *)msg.data);
        nb_buf_free(&msg);
    }
    nb_buf_free(&unknown_keys);
    free(rel);
    free(vals);
    free(fits);
    return grouped;
}

nb_table *nb_table_bind_family(const nb_layout *layout, const nb_layout *const *family,
                               size_t nfamily, const nb_table_input *in, nb_diags *d)
{
    const nb_ltable *lt = layout && in && in->key.s ? nb_layout_table(layout, in->key.s) : NULL;
    if (lt && !nb_table_fits(lt, in) && shape_finding(layout, lt, family, nfamily, in, d))
        return NULL;
    return nb_table_bind(layout, in, d);
}

void nb_table_free(nb_table *t)
{
    if (!t)
        return;
    free(t->values);
    free(t->group_given);
    free(t);
}

/* A negative number takes the minus sign U+2212, not the hyphen (GB/T 15835, GB 3102). */
static const char *with_minus_sign(char *buf, size_t size)
{
    size_t len = strlen(buf);
    if (buf[0] == '-' && len + 3 <= size) {
        memmove(buf + 3, buf + 1, len);
        memcpy(buf, "\xE2\x88\x92", 3);
    }
    return buf;
}

const char *nb_value_text(const nb_slot *slot, const nb_value *v, char *buf, size_t size)
{
    if (!v->present)
        return "";
    if (v->is_text)
        return v->text ? v->text : "";
    if (slot->kind == NB_KIND_AMOUNT) {
        /* …or carries its unit (251000元: a column whose label gives no unit). */
        if (v->text && v->text[0] &&
            (v->unit || strspn(v->text, "0123456789.") == strlen(v->text)) &&
            strlen(v->text) < size) {
            snprintf(buf, size, "%s", v->text);
            return buf;
        }
        int64_t whole = v->num / 1000000, frac = v->num % 1000000;
        if (frac < 0)
            frac = -frac;
        int n = snprintf(buf, size, "%s%" PRId64 ".%06" PRId64,
                         v->num < 0 && whole == 0 ? "-" : "", whole, frac);
        if (n >= (int)size)
            n = (int)size - 1;
        while (n > 0 && buf[n - 1] == '0')
            buf[--n] = 0;
        if (n > 0 && buf[n - 1] == '.')
            buf[--n] = 0;
        return with_minus_sign(buf, size);
    }
    snprintf(buf, size, "%" PRId64, v->num);
    return with_minus_sign(buf, size);
}
