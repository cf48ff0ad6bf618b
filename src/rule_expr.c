/* A layout rule's equation: parsing, checking and resolving its refs against a layout table,
 * rewriting it after a variant drops a column (rule_expr.h). */
#include "rule_expr.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* One term of an equation. */
typedef struct term {
    char *name;
    int sign;     /* +1, -1 */
    int previous; /* previous(NAME) */
    int lhs;
    nb_pos pos;
} term;

/* The parser's state: the equation, where it is, and the errors given so far. */
typedef struct parser {
    const char *id; /* the rule's id, in every message */
    const char *s;
    nb_rule_src src;
    nb_diags *d;
    size_t errors;
} parser;

__attribute__((format(printf, 3, 4))) static void error_pos(parser *P, nb_pos p, const char *fmt,
                                                            ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_diag_addv(P->d, NB_ERROR, p, fmt, ap);
    va_end(ap);
    P->errors++;
}

/* Position of the byte at `off` of the equation, when it is on one line. */
static nb_pos char_pos(const parser *P, size_t off)
{
    nb_pos p = P->src.at;
    if (!P->src.first_col)
        return p;
    p.col = P->src.first_col;
    for (size_t i = 0; i < off && P->s[i]; i++)
        if (((unsigned char)P->s[i] & 0xC0) != 0x80)
            p.col++;
    return p;
}

static int name_char(char c)
{
    return c && c != ' ' && c != '\t' && c != '+' && c != '-' && c != '=' && c != '(' && c != ')';
}

static void free_terms(term *terms, size_t n)
{
    for (size_t k = 0; k < n; k++)
        free(terms[k].name);
    free(terms);
}

/* "a + b = c + d - e + previous(f)" → terms. Returns the number of terms, or -1 (error given). */
static int parse_terms(parser *P, term **out)
{
    const char *s = P->s, *id = P->id;
    *out = NULL;
    term *terms = NULL;
    size_t nterms = 0, cap = 0;
    int lhs = 1, sign = 1, ok = 1, seen_eq = 0;
    size_t i = 0;
    for (;;) {
        while (s[i] == ' ' || s[i] == '\t')
            i++;
        size_t start = i;
        int prev = 0;
        if (!strncmp(s + i, "previous(", 9)) {
            prev = 1;
            i += 9;
            while (s[i] == ' ')
                i++;
            start = i;
        }
        while (name_char(s[i]))
            i++;
        size_t end = i;
        if (prev) {
            while (s[i] == ' ')
                i++;
            if (s[i] != ')') {
                error_pos(P, char_pos(P, i), "rule %s: expected ')' after previous(%.*s", id,
                          (int)(end - start), s + start);
                ok = 0;
                break;
            }
            i++;
        }
        if (end == start) {
            error_pos(P, char_pos(P, start), "rule %s: expected a row key or column name here",
                      id);
            ok = 0;
            break;
        }
        nb_grow(&terms, &cap, nterms + 1, sizeof *terms);
        terms[nterms++] = (term){.name = nb_strndup(s + start, end - start),
                                 .sign = sign,
                                 .previous = prev,
                                 .lhs = lhs,
                                 .pos = char_pos(P, prev ? start - 9 : start)};
        while (s[i] == ' ' || s[i] == '\t')
            i++;
        if (!s[i])
            break;
        if (s[i] == '+' || s[i] == '-') {
            sign = s[i] == '+' ? 1 : -1;
            if (lhs && sign < 0) {
                error_pos(P, char_pos(P, i),
                          "rule %s: the left side of a check is a sum; "
                          "write subtractions on the right",
                          id);
                ok = 0;
                break;
            }
        } else if (s[i] == '=' && !seen_eq) {
            seen_eq = 1;
            lhs = 0;
            sign = 1;
        } else {
            error_pos(P, char_pos(P, i), "rule %s: expected '+', '-'%s here", id,
                      seen_eq ? "" : " or '='");
            ok = 0;
            break;
        }
        i++;
    }
    if (ok && !seen_eq) {
        error_pos(P, P->src.at, "rule %s: check must be an equation: 'left = right'", id);
        ok = 0;
    }
    int nprev = 0, nright = 0;
    for (size_t k = 0; ok && k < nterms; k++) {
        if (terms[k].previous) {
            if (terms[k].lhs || terms[k].sign < 0 || ++nprev > 1) {
                error_pos(P, terms[k].pos,
                          "rule %s: previous(…) may appear once, added on the right side", id);
                ok = 0;
            }
        }
        if (!terms[k].lhs)
            nright++;
    }
    if (ok && !nright) {
        error_pos(P, P->src.at, "rule %s: check has nothing on the right of '='", id);
        ok = 0;
    }
    if (!ok) {
        free_terms(terms, nterms);
        return -1;
    }
    *out = terms;
    return (int)nterms;
}

static int has_wildcard(const char *name)
{
    size_t n = strlen(name);
    return n > 1 && name[n - 1] == '*';
}

/* Group indexes matched by a per-column ref (a key, or a prefix ending in '*'). */
static size_t match_groups(const nb_ltable *t, const char *ref, int *out)
{
    size_t n = 0, len = strlen(ref);
    int wild = has_wildcard(ref);
    for (size_t g = 0; g < t->ngroups; g++) {
        const char *k = t->groups[g].key;
        if (wild ? !strncmp(k, ref, len - 1) : !strcmp(k, ref)) {
            if (out)
                out[n] = (int)g;
            n++;
        }
    }
    return n;
}

static void resolve_refs(const nb_ltable *t, const nb_rule *r, char **refs, size_t nrefs, int **out,
                         size_t *nout)
{
    free(*out);
    *out = NULL;
    *nout = 0;
    size_t n = 0;
    for (size_t i = 0; i < nrefs; i++)
        n += r->per_column ? match_groups(t, refs[i], NULL) : 1;
    *out = nb_malloc((n ? n : 1) * sizeof **out);
    for (size_t i = 0; i < nrefs; i++) {
        if (r->per_column) {
            *nout += match_groups(t, refs[i], *out + *nout);
        } else {
            int at = r->nrows_ix ? nb_group_column(t, r->rows_ix[0], refs[i]) : -1;
            if (at >= 0)
                (*out)[(*nout)++] = at;
        }
    }
}

void nb_rule_resolve(const nb_ltable *t, nb_rule *r)
{
    resolve_refs(t, r, r->total, r->ntotal, &r->total_ix, &r->ntotal_ix);
    resolve_refs(t, r, r->parts, r->nparts, &r->parts_ix, &r->nparts_ix);
    resolve_refs(t, r, r->minus, r->nminus, &r->minus_ix, &r->nminus_ix);
    r->previous_ix = -1;
    if (r->previous)
        r->previous_ix = r->per_column ? nb_ltable_group(t, r->previous)
                         : r->nrows_ix ? nb_group_column(t, r->rows_ix[0], r->previous)
                                       : -1;
}

/* Checks one ref of a rule against the table, with the ref's position for errors. For a per-row
 * rule the column must be at the same place in every row it applies to. `size` carries the
 * group size all per-column refs must share. */
static void check_ref(parser *P, const nb_ltable *t, const nb_rule *r, const term *tm, int *size,
                      const char **size_key)
{
    if (r->per_column) {
        size_t n = match_groups(t, tm->name, NULL);
        if (!n) {
            if (has_wildcard(tm->name))
                error_pos(P, tm->pos, "rule %s: no row key of %s starts with '%.*s'", r->id,
                          t->name, (int)strlen(tm->name) - 1, tm->name);
            else
                error_pos(P, tm->pos, "rule %s: unknown row key '%s' in %s", r->id, tm->name,
                          t->name);
            return;
        }
        int *gs = nb_malloc(n * sizeof *gs);
        match_groups(t, tm->name, gs);
        for (size_t i = 0; i < n; i++) {
            const nb_group *g = &t->groups[gs[i]];
            if (*size < 0) {
                *size = g->nslots;
                *size_key = g->key;
            } else if (g->nslots != *size) {
                error_pos(P, tm->pos,
                          "rule %s: row '%s' has %d value(s) but '%s' has %d; a "
                          "per-column rule needs rows of the same width",
                          r->id, g->key, g->nslots, *size_key, *size);
                break;
            }
        }
        free(gs);
        return;
    }
    if (has_wildcard(tm->name)) {
        error_pos(P, tm->pos, "rule %s: a per-row rule names columns; '*' is for row keys", r->id);
        return;
    }
    int at = -1;
    for (size_t i = 0; i < r->nrows_ix; i++) {
        int j = nb_group_column(t, r->rows_ix[i], tm->name);
        const nb_group *g = &t->groups[r->rows_ix[i]];
        if (j < 0) {
            error_pos(P, tm->pos, "rule %s: row '%s' of %s has no column '%s'", r->id, g->key,
                      t->name, tm->name);
            return;
        }
        if (at >= 0 && j != at) {
            error_pos(P, tm->pos,
                      "rule %s: column '%s' is value %d of row '%s' but value %d "
                      "of row '%s'",
                      r->id, tm->name, at + 1, t->groups[r->rows_ix[0]].key, j + 1, g->key);
            return;
        }
        at = j;
    }
}

static void push_ref(char ***v, size_t *n, const char *name)
{
    *v = nb_realloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = nb_strdup(name);
}

size_t nb_rule_parse(const nb_ltable *t, nb_rule *r, nb_rule_src src, nb_diags *d)
{
    parser P = {.id = r->id, .s = r->check, .src = src, .d = d};
    term *terms = NULL;
    int nterms = parse_terms(&P, &terms);
    int size = -1;
    const char *size_key = NULL;
    for (int k = 0; k < nterms; k++) {
        check_ref(&P, t, r, &terms[k], &size, &size_key);
        if (terms[k].previous) {
            r->cross_year = 1;
            r->previous = nb_strdup(terms[k].name);
        } else if (terms[k].lhs)
            push_ref(&r->total, &r->ntotal, terms[k].name);
        else if (terms[k].sign > 0)
            push_ref(&r->parts, &r->nparts, terms[k].name);
        else
            push_ref(&r->minus, &r->nminus, terms[k].name);
    }
    if (nterms > 0)
        free_terms(terms, (size_t)nterms);
    return P.errors;
}

/* Writes the rule's equation again from its refs (after a variant dropped some). */
static void rewrite_check(nb_rule *r)
{
    nb_buf b = {0};
    for (size_t i = 0; i < r->ntotal; i++)
        nb_buf_printf(&b, "%s%s", i ? " + " : "", r->total[i]);
    nb_buf_puts(&b, " =");
    for (size_t i = 0; i < r->nparts; i++)
        nb_buf_printf(&b, "%s %s", i ? " +" : "", r->parts[i]);
    if (r->previous)
        nb_buf_printf(&b, "%s previous(%s)", r->nparts ? " +" : "", r->previous);
    for (size_t i = 0; i < r->nminus; i++)
        nb_buf_printf(&b, " - %s", r->minus[i]);
    nb_buf_put(&b, "", 1);
    free(r->check);
    r->check = (char *)b.data;
}

int nb_rule_drop_column(nb_rule *r, const char *column)
{
    char **lists[] = {r->total, r->parts, r->minus};
    size_t *counts[] = {&r->ntotal, &r->nparts, &r->nminus};
    int dropped = 0;
    for (int l = 0; l < 3; l++) {
        size_t k = 0;
        for (size_t i = 0; i < *counts[l]; i++) {
            if (!strcmp(lists[l][i], column)) {
                free(lists[l][i]);
                dropped = 1;
            } else
                lists[l][k++] = lists[l][i];
        }
        *counts[l] = k;
    }
    if (r->previous && !strcmp(r->previous, column))
        return 0;
    if (dropped)
        rewrite_check(r);
    return r->ntotal && (r->nparts || r->previous);
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void nb_rule_free(nb_rule *r)
{
    free(r->id);
    free(r->text);
    free(r->check);
    free_strs(r->total, r->ntotal);
    free_strs(r->parts, r->nparts);
    free_strs(r->minus, r->nminus);
    free(r->previous);
    free(r->total_ix);
    free(r->parts_ix);
    free(r->minus_ix);
    free(r->rows_ix);
}

nb_rule nb_rule_copy(const nb_rule *r)
{
    nb_rule c = *r;
    c.id = nb_strdup(r->id);
    c.text = nb_strdup(r->text);
    c.check = nb_strdup(r->check);
    c.total = nb_strs_dup(r->total, r->ntotal);
    c.parts = nb_strs_dup(r->parts, r->nparts);
    c.minus = nb_strs_dup(r->minus, r->nminus);
    c.previous = nb_strdup(r->previous);
    c.total_ix = nb_memdup(r->total_ix, r->ntotal_ix * sizeof *r->total_ix);
    c.parts_ix = nb_memdup(r->parts_ix, r->nparts_ix * sizeof *r->parts_ix);
    c.minus_ix = nb_memdup(r->minus_ix, r->nminus_ix * sizeof *r->minus_ix);
    c.rows_ix = nb_memdup(r->rows_ix, r->nrows_ix * sizeof *r->rows_ix);
    return c;
}
