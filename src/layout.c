/* Table layouts: layouts/<name>.yaml → nb_layout (grammar: docs/layouts.md). A rule's equation
 * is parsed and resolved by rule_expr.c; the binder that puts a report's table values into a
 * layout's slots is layout_bind.c.
 *
 * A layout file is the program's own data, but agencies write variants, so it is read as
 * strictly as a report: unknown keys, bad spans, overlapping cells, rows that do not fill the
 * grid and rules naming unknown rows or columns are all `file:line:col` errors. Grid placement
 * follows HTML tables: a row's cells take the next free columns, skipping those covered by a
 * taller cell from a row above. */
#include "layout.h"
#include "frozen.h"
#include "rule_expr.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_LAYOUT_BYTES ((size_t)1 << 20) /* a layout is a few KB */
#define MAX_GRID_COLS 64
#define MAX_GRID_ROWS 1000
#define MAX_BASE_DEPTH 4
#define MAX_LAYOUT_DEPTH 32 /* nesting of mappings and lists; the layouts use 8 */

static const char *const section_numbers[NB_SECTIONS] = {"一、", "二、", "三、",
                                                         "四、", "五、", "六、"};

/* ---- reading the YAML document ---- */

typedef struct loader {
    yaml_node_t *nodes; /* the document (composer's), nodes[id - 1]; the first is the root */
    size_t nnodes;
    const char *file; /* the layout's own copy of the path */
    const char *path; /* as given, to find a base next to it */
    nb_diags *d;
    size_t errors;
    int depth; /* base nesting */
    const nb_layout_cache *cache; /* bases already loaded, or NULL */
} loader;

static yaml_node_t *node_at(loader *L, yaml_node_item_t id)
{
    return id >= 1 && (size_t)id <= L->nnodes ? &L->nodes[id - 1] : NULL;
}

static nb_pos pos_of(const loader *L, const yaml_node_t *n)
{
    nb_pos p = {L->file, 0, 0};
    if (n) {
        p.line = (int)n->start_mark.line + 1;
        p.col = (int)n->start_mark.column + 1;
    }
    return p;
}

__attribute__((format(printf, 3, 4))) static void error_at(loader *L, const yaml_node_t *n,
                                                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_diag_addv(L->d, NB_ERROR, pos_of(L, n), fmt, ap);
    va_end(ap);
    L->errors++;
}

__attribute__((format(printf, 3, 4))) static void error_pos(loader *L, nb_pos p, const char *fmt,
                                                            ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_diag_addv(L->d, NB_ERROR, p, fmt, ap);
    va_end(ap);
    L->errors++;
}

static const char *type_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_SCALAR_NODE: return "a scalar";
    default: return "nothing";
    }
}

static const char *scalar_of(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int is_plain(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* The keys a mapping may have; read_map fills `val` (and `key`) for those present. */
typedef struct field {
    const char *name;
    yaml_node_t *key, *val;
} field;

static int read_map(loader *L, yaml_node_t *n, const char *what, field *fields, size_t nfields)
{
    if (!n || n->type != YAML_MAPPING_NODE) {
        error_at(L, n, "%s must be a mapping, not %s", what, n ? type_name(n) : "nothing");
        return 0;
    }
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(L, p->key), *v = node_at(L, p->value);
        const char *ks = scalar_of(k);
        if (!ks) {
            error_at(L, k, "a key in %s must be a name, not %s", what, type_name(k));
            continue;
        }
        field *f = NULL;
        for (size_t i = 0; i < nfields && !f; i++)
            if (!strcmp(fields[i].name, ks))
                f = &fields[i];
        if (!f) {
            nb_buf allowed = {0};
            for (size_t i = 0; i < nfields; i++)
                nb_buf_printf(&allowed, "%s%s", i ? ", " : "", fields[i].name);
            nb_buf_put(&allowed, "", 1);
            error_at(L, k, "unknown key '%s' in %s (allowed: %s)", ks, what,
                     (const char *)allowed.data);
            nb_buf_free(&allowed);
        } else if (f->val) {
            error_at(L, k, "key '%s' is given twice in %s (first at line %d)", ks, what,
                     (int)f->key->start_mark.line + 1);
        } else {
            f->key = k;
            f->val = v;
        }
    }
    return 1;
}

static int require(loader *L, yaml_node_t *map, const field *f, const char *what)
{
    if (!f->val)
        error_at(L, map, "missing key '%s' in %s", f->name, what);
    return f->val != NULL;
}

/* A non-empty string; returns a malloc'd copy or NULL (with an error). */
static char *get_string(loader *L, yaml_node_t *n, const char *what)
{
    const char *s = scalar_of(n);
    if (!s) {
        error_at(L, n, "%s must be a string, not %s", what, type_name(n));
        return NULL;
    }
    if (!s[0] || (is_plain(n) && !strcmp(s, "~"))) {
        error_at(L, n, "%s must not be empty", what);
        return NULL;
    }
    return nb_strndup(s, n->data.scalar.length);
}

static int get_int(loader *L, yaml_node_t *n, const char *what, int min, int max, int *out)
{
    const char *s = scalar_of(n);
    long v = 0;
    int ok = s && is_plain(n) && s[0];
    for (const char *c = s; ok && *c; c++) {
        if (*c < '0' || *c > '9' || v > 100000)
            ok = 0;
        else
            v = v * 10 + (*c - '0');
    }
    if (!ok || v < min || v > max) {
        error_at(L, n, "%s must be a whole number from %d to %d", what, min, max);
        return 0;
    }
    *out = (int)v;
    return 1;
}

static int get_bool(loader *L, yaml_node_t *n, const char *what, int *out)
{
    const char *s = scalar_of(n);
    if (s && is_plain(n) && !strcmp(s, "true"))
        *out = 1;
    else if (s && is_plain(n) && !strcmp(s, "false"))
        *out = 0;
    else {
        error_at(L, n, "%s must be true or false", what);
        return 0;
    }
    return 1;
}

/* Row keys and layout names: what can be written as a YAML key and a file name. */
static int is_key_name(const char *s, const char *extra)
{
    if (!s || !s[0])
        return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || (extra && strchr(extra, *c))))
            return 0;
    return 1;
}

/* ---- freeing ---- */

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_strings(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static void free_table(nb_ltable *t)
{
    free(t->key);
    free(t->name);
    for (size_t i = 0; i < t->ncells; i++)
        free(t->cells[i].text);
    free(t->cells);
    for (size_t i = 0; i < t->nslots; i++) {
        free(t->slots[i].column);
        free(t->slots[i].name);
    }
    free(t->slots);
    for (size_t i = 0; i < t->ngroups; i++) {
        free(t->groups[i].key);
        free(t->groups[i].name);
        free_strings(t->groups[i].aliases, t->groups[i].naliases);
    }
    free(t->groups);
    free_strings(t->aliases, t->naliases);
    for (size_t i = 0; i < t->nrules; i++)
        nb_rule_free(&t->rules[i]);
    free(t->rules);
    free(t->widths);
}

void nb_layout_free(nb_layout *l)
{
    if (!l)
        return;
    free(l->name);
    free(l->file);
    free_strs(l->files, l->nfiles);
    free(l->title);
    free(l->national);
    for (int i = 0; i < NB_SECTIONS; i++) {
        free(l->numbers[i]);
        free(l->headings[i]);
    }
    for (size_t i = 0; i < l->ntables; i++)
        free_table(&l->tables[i]);
    free(l->tables);
    free_strs(l->words, l->nwords);
    free(l);
}

/* ---- lookups ---- */

/* An alias as compared: no white space, ASCII parentheses as full-width ones, "1、" and "1．"
 * as "1.", so that a clerk's "(一)予以公开" finds "（一）予以公开". Writes at most n-1 bytes. */
static void alias_form(const char *s, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = s; *p && o + 4 < n;) {
        if (*p == ' ' || *p == '\t') {
            p++;
        } else if (!strncmp(p, "\xe3\x80\x80", 3)) { /* ideographic space */
            p += 3;
        } else if (*p == '(' || *p == ')') {
            memcpy(out + o, *p == '(' ? "\xef\xbc\x88" : "\xef\xbc\x89", 3);
            o += 3;
            p++;
        } else if ((!strncmp(p, "\xe3\x80\x81", 3) || !strncmp(p, "\xef\xbc\x8e", 3)) && o &&
                   out[o - 1] >= '0' && out[o - 1] <= '9') { /* 、 or ． after a digit */
            out[o++] = '.';
            p += 3;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = 0;
}

/* Whether alias_form(s) would equal `form` (itself an alias_form of at most n-1 bytes),
 * normalising s only as far as it agrees: most aliases differ from a key within a few
 * characters, and writing every alias out in full for every lookup was a twentieth of a render
 * (loading a layout checks each alias against the ones before it). */
static int alias_form_equals(const char *s, const char *form, size_t n)
{
    size_t o = 0;
    for (const char *p = s; *p && o + 4 < n;) {
        const char *emit = p;
        size_t len = 1;
        if (*p == ' ' || *p == '\t') {
            p++;
            continue;
        } else if (!strncmp(p, "\xe3\x80\x80", 3)) { /* ideographic space */
            p += 3;
            continue;
        } else if (*p == '(' || *p == ')') {
            emit = *p == '(' ? "\xef\xbc\x88" : "\xef\xbc\x89";
            len = 3;
            p++;
        } else if ((!strncmp(p, "\xe3\x80\x81", 3) || !strncmp(p, "\xef\xbc\x8e", 3)) && o &&
                   form[o - 1] >= '0' && form[o - 1] <= '9') { /* 、 or ． after a digit */
            emit = ".";
            p += 3;
        } else {
            p++;
        }
        if (strncmp(form + o, emit, len) != 0)
            return 0;
        o += len;
    }
    return form[o] == 0;
}

#define ALIAS_FORM_MAX 512

/* Whether one of the aliases has the alias form `want`. */
static int alias_match(char *const *aliases, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (alias_form_equals(aliases[i], want, ALIAS_FORM_MAX))
            return 1;
    return 0;
}

const nb_ltable *nb_layout_table(const nb_layout *l, const char *key)
{
    if (!l || !key)
        return NULL;
    for (size_t i = 0; i < l->ntables; i++)
        if (!strcmp(l->tables[i].key, key))
            return &l->tables[i];
    char want[ALIAS_FORM_MAX];
    alias_form(key, want, sizeof want);
    for (size_t i = 0; i < l->ntables; i++)
        if (alias_match(l->tables[i].aliases, l->tables[i].naliases, want))
            return &l->tables[i];
    return NULL;
}

int nb_ltable_group(const nb_ltable *t, const char *key)
{
    if (!t || !key)
        return -1;
    for (size_t i = 0; i < t->ngroups; i++)
        if (!strcmp(t->groups[i].key, key))
            return (int)i;
    char want[ALIAS_FORM_MAX];
    alias_form(key, want, sizeof want);
    for (size_t i = 0; i < t->ngroups; i++)
        if (alias_match(t->groups[i].aliases, t->groups[i].naliases, want))
            return (int)i;
    return -1;
}

/* `aliases: [TEXT, …]`: a list of non-empty strings, each naming nothing else in the table
 * (another key or alias) and not itself a key. Returns the count; *out is owned. */
static size_t read_aliases(loader *L, yaml_node_t *n, const nb_ltable *t, const nb_layout *lay,
                           char ***out)
{
    *out = NULL;
    if (!n)
        return 0;
    if (n->type != YAML_SEQUENCE_NODE) {
        error_at(L, n, "aliases must be a list of names");
        return 0;
    }
    size_t count = 0, cap = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *a = node_at(L, *it);
        char *s = get_string(L, a, "an alias");
        if (!s)
            continue;
        int taken = t ? nb_ltable_group(t, s) >= 0 : nb_layout_table(lay, s) != NULL;
        char want[ALIAS_FORM_MAX];
        alias_form(s, want, sizeof want);
        taken = taken || alias_match(*out, count, want);
        if (!s[0] || taken) {
            error_at(L, a, s[0] ? "alias '%s' already names a %s" : "an alias must not be empty%s%s",
                     s, t ? "row of this table" : "table of this layout");
            free(s);
            continue;
        }
        nb_grow(out, &cap, count + 1, sizeof **out);
        (*out)[count++] = s;
    }
    return count;
}

int nb_group_column(const nb_ltable *t, int group, const char *column)
{
    if (!t || !column || group < 0 || (size_t)group >= t->ngroups)
        return -1;
    const nb_group *g = &t->groups[group];
    for (int j = 0; j < g->nslots; j++)
        if (!strcmp(t->slots[g->first_slot + j].column, column))
            return j;
    return -1;
}

/* ---- the grid ---- */

/* Building one table: the grid of cell indexes (-1 = free) and, per cell, whether its label
 * takes part in row names. */
typedef struct grid {
    loader *L;
    nb_ltable *t;
    size_t cap_cells, cap_slots, cap_groups;
    int *occ;                /* nrows × ncols cell indexes, -1 = free */
    unsigned char *row_name; /* per cell: 1 if the label names rows */
    size_t cap_row_name;
    yaml_node_t **group_nodes; /* per group: its {values: …} node, for duplicate messages */
    size_t cap_group_nodes;
    int row_failed; /* a placement error in the current row */
} grid;

static int *occ_at(grid *g, int r, int c) { return &g->occ[(size_t)r * g->t->ncols + c]; }

/* Describes the cell at index i for messages: its label, or the row key of a value slot. */
static void cell_desc(const grid *g, int i, char *out, size_t n)
{
    const nb_lcell *c = &g->t->cells[i];
    if (c->text)
        snprintf(out, n, "'%s'", c->text);
    else
        snprintf(out, n, "a value of '%s'", g->t->groups[g->t->slots[c->value].group].key);
}

/* Places a rows × cols cell at the next free column of row r (from *col). Returns the new cell's
 * index, or -1 after an error. */
static int place(grid *g, yaml_node_t *n, int r, int *col, int rows, int cols, char *text,
                 int name_rows)
{
    nb_ltable *t = g->t;
    int c = *col;
    while (c < t->ncols && *occ_at(g, r, c) >= 0)
        c++;
    *col = c + cols;
    int ok = 1;
    if (c >= t->ncols) {
        error_at(g->L, n, "row %d: no room for this cell; the row's %d columns are already filled",
                 r + 1, t->ncols);
        ok = 0;
    } else if (c + cols > t->ncols) {
        error_at(g->L, n, "row %d: this cell spans columns %d–%d, past the table's %d columns",
                 r + 1, c + 1, c + cols, t->ncols);
        ok = 0;
    } else if (r + rows > t->nrows) {
        error_at(g->L, n, "row %d: this cell spans rows %d–%d, past the table's last row %d", r + 1,
                 r + 1, r + rows, t->nrows);
        ok = 0;
    }
    for (int rr = r; ok && rr < r + rows; rr++)
        for (int cc = c; ok && cc < c + cols; cc++)
            if (*occ_at(g, rr, cc) >= 0) {
                char desc[256];
                cell_desc(g, *occ_at(g, rr, cc), desc, sizeof desc);
                error_at(g->L, n, "row %d, column %d: this cell overlaps %s at row %d, column %d",
                         r + 1, c + 1, desc, rr + 1, cc + 1);
                ok = 0;
            }
    if (!ok) {
        free(text);
        g->row_failed = 1;
        return -1;
    }
    nb_grow(&t->cells, &g->cap_cells, t->ncells + 1, sizeof *t->cells);
    nb_grow(&g->row_name, &g->cap_row_name, t->ncells + 1, 1);
    int idx = (int)t->ncells++;
    t->cells[idx] =
        (nb_lcell){.row = r, .col = c, .rowspan = rows, .colspan = cols, .text = text, .value = -1};
    g->row_name[idx] = (unsigned char)name_rows;
    for (int rr = r; rr < r + rows; rr++)
        for (int cc = c; cc < c + cols; cc++)
            *occ_at(g, rr, cc) = idx;
    return idx;
}

static int parse_kind(loader *L, yaml_node_t *n, nb_value_kind *out)
{
    const char *s = scalar_of(n);
    static const char *const names[] = {"count", "amount", "text", "change"};
    static const nb_value_kind kinds[] = {NB_KIND_COUNT, NB_KIND_AMOUNT, NB_KIND_TEXT,
                                          NB_KIND_CHANGE};
    for (size_t i = 0; s && i < sizeof names / sizeof *names; i++)
        if (!strcmp(s, names[i])) {
            *out = kinds[i];
            return 1;
        }
    error_at(L, n, "kind must be count, amount, change or text");
    return 0;
}

/* The name of row r for messages: its labels left of column c, joined by spaces. */
static char *row_labels(grid *g, int r, int c)
{
    nb_buf b = {0};
    int last = -1;
    for (int cc = 0; cc < c; cc++) {
        int i = *occ_at(g, r, cc);
        if (i < 0 || i == last)
            continue;
        last = i;
        const nb_lcell *cell = &g->t->cells[i];
        if (!cell->text || !g->row_name[i])
            continue;
        if (b.len)
            nb_buf_put(&b, " ", 1);
        nb_buf_puts(&b, cell->text);
    }
    nb_buf_put(&b, "", 1);
    return (char *)b.data;
}

typedef struct table_defaults {
    nb_value_kind kind;
    yaml_node_t *value_columns; /* list node, or NULL */
} table_defaults;

/* {values: KEY, columns: […], cols: N, kind: K, name: TEXT} in grid row r. */
static void read_value_cell(grid *g, yaml_node_t *n, int r, int *col, const table_defaults *td)
{
    loader *L = g->L;
    nb_ltable *t = g->t;
    field f[] = {{"values", NULL, NULL},
                 {"columns", NULL, NULL},
                 {"cols", NULL, NULL},
                 {"kind", NULL, NULL},
                 {"name", NULL, NULL},
                 {"aliases", NULL, NULL}};
    read_map(L, n, "a value cell", f, 6);
    char *key = get_string(L, f[0].val, "values (the row key)");
    if (!key)
        return;
    if (!is_key_name(key, NULL)) {
        error_at(L, f[0].val, "row key '%s' must be made of a-z, A-Z, 0-9 and _", key);
        free(key);
        return;
    }
    int dup = nb_ltable_group(t, key);
    if (dup >= 0) {
        error_at(L, f[0].val, "row key '%s' is used twice in %s (first at line %d)", key, t->name,
                 (int)g->group_nodes[dup]->start_mark.line + 1);
        free(key);
        g->row_failed = 1;
        return;
    }
    int cols = 1;
    nb_value_kind kind = td->kind;
    if (f[2].val && !get_int(L, f[2].val, "cols", 1, MAX_GRID_COLS, &cols))
        cols = 1;
    if (f[3].val)
        parse_kind(L, f[3].val, &kind);
    yaml_node_t *list = f[1].val ? f[1].val : td->value_columns;
    if (!list) {
        error_at(L, n, "a value cell needs 'columns' (or the table's 'value_columns')");
        free(key);
        g->row_failed = 1;
        return;
    }
    if (list->type != YAML_SEQUENCE_NODE ||
        list->data.sequence.items.top == list->data.sequence.items.start) {
        error_at(L, list, "columns must be a non-empty list of column names");
        free(key);
        g->row_failed = 1;
        return;
    }
    nb_grow(&t->groups, &g->cap_groups, t->ngroups + 1, sizeof *t->groups);
    nb_grow(&g->group_nodes, &g->cap_group_nodes, t->ngroups + 1, sizeof *g->group_nodes);
    int gi = (int)t->ngroups++;
    nb_group *grp = &t->groups[gi];
    *grp = (nb_group){.key = key, .first_slot = (int)t->nslots, .row = r};
    g->group_nodes[gi] = f[0].val;

    /* The row's name: the explicit one, else the labels left of the first slot. */
    int first_col = *col;
    while (first_col < t->ncols && *occ_at(g, r, first_col) >= 0)
        first_col++;
    if (f[4].val)
        grp->name = get_string(L, f[4].val, "name");
    if (!grp->name)
        grp->name = row_labels(g, r, first_col < t->ncols ? first_col : t->ncols);
    if (!grp->name[0]) {
        free(grp->name);
        grp->name = nb_strdup(key);
    }
    if (f[5].val) {
        /* Checked against the rows before this one; a later row's key is checked there. */
        t->ngroups--;
        char **aliases = NULL;
        size_t naliases = read_aliases(L, f[5].val, t, NULL, &aliases);
        t->ngroups++;
        grp = &t->groups[gi];
        grp->aliases = aliases;
        grp->naliases = naliases;
    }

    for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top;
         it++) {
        yaml_node_t *cn = node_at(L, *it);
        char *column = NULL;
        int ccols = cols;
        nb_value_kind ckind = kind;
        if (cn->type == YAML_MAPPING_NODE) {
            field cf[] = {{"name", NULL, NULL}, {"kind", NULL, NULL}, {"cols", NULL, NULL}};
            read_map(L, cn, "a column", cf, 3);
            if (require(L, cn, &cf[0], "a column"))
                column = get_string(L, cf[0].val, "a column name");
            if (cf[1].val)
                parse_kind(L, cf[1].val, &ckind);
            if (cf[2].val && !get_int(L, cf[2].val, "cols", 1, MAX_GRID_COLS, &ccols))
                ccols = 1;
        } else {
            column = get_string(L, cn, "a column name");
        }
        if (!column) {
            g->row_failed = 1;
            continue;
        }
        int ci = place(g, f[1].val ? cn : n, r, col, 1, ccols, NULL, 0);
        if (ci < 0) {
            free(column);
            break;
        }
        nb_grow(&t->slots, &g->cap_slots, t->nslots + 1, sizeof *t->slots);
        int si = (int)t->nslots++;
        t->slots[si] = (nb_slot){
            .cell = ci, .group = gi, .index = grp->nslots, .kind = ckind, .column = column};
        t->cells[ci].value = si;
        grp->nslots++;
    }
}

/* A label: "text" or {text, rows, cols, row_name}. */
static void read_label_cell(grid *g, yaml_node_t *n, int r, int *col)
{
    loader *L = g->L;
    int rows = 1, cols = 1, name_rows = 1;
    char *text = NULL;
    if (n->type == YAML_SCALAR_NODE) {
        text = get_string(L, n, "a label");
    } else {
        field f[] = {{"text", NULL, NULL},
                     {"rows", NULL, NULL},
                     {"cols", NULL, NULL},
                     {"row_name", NULL, NULL}};
        read_map(L, n, "a label cell", f, 4);
        if (require(L, n, &f[0], "a label cell"))
            text = get_string(L, f[0].val, "text");
        if (f[1].val && !get_int(L, f[1].val, "rows", 1, MAX_GRID_ROWS, &rows))
            rows = 1;
        if (f[2].val && !get_int(L, f[2].val, "cols", 1, MAX_GRID_COLS, &cols))
            cols = 1;
        if (f[3].val)
            get_bool(L, f[3].val, "row_name", &name_rows);
    }
    if (!text) {
        g->row_failed = 1;
        *col += cols;
        return;
    }
    place(g, n, r, col, rows, cols, text, name_rows);
}

static int is_value_cell(loader *L, yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE)
        return 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = scalar_of(node_at(L, p->key));
        if (k && !strcmp(k, "values"))
            return 1;
    }
    return 0;
}

/* Replaces {row} and {column} in the table's cell_name pattern. */
static char *cell_name(const char *pattern, const char *row, const char *column)
{
    nb_buf b = {0};
    for (const char *p = pattern; *p;) {
        if (!strncmp(p, "{row}", 5)) {
            nb_buf_puts(&b, row);
            p += 5;
        } else if (!strncmp(p, "{column}", 8)) {
            nb_buf_puts(&b, column);
            p += 8;
        } else {
            nb_buf_put(&b, p++, 1);
        }
    }
    nb_buf_put(&b, "", 1);
    return (char *)b.data;
}

static int valid_cell_name(const char *pattern)
{
    int has_column = 0;
    for (const char *p = pattern; *p; p++) {
        if (*p == '{') {
            if (!strncmp(p, "{row}", 5))
                p += 4;
            else if (!strncmp(p, "{column}", 8)) {
                p += 7;
                has_column = 1;
            } else
                return 0;
        } else if (*p == '}')
            return 0;
    }
    return has_column;
}

static void read_grid(loader *L, nb_ltable *t, yaml_node_t *gridn, const table_defaults *td)
{
    if (gridn->type != YAML_SEQUENCE_NODE) {
        error_at(L, gridn, "grid must be a list of rows");
        return;
    }
    size_t nrows = (size_t)(gridn->data.sequence.items.top - gridn->data.sequence.items.start);
    if (nrows == 0 || nrows > MAX_GRID_ROWS) {
        error_at(L, gridn, "grid must have 1 to %d rows", MAX_GRID_ROWS);
        return;
    }
    t->nrows = (int)nrows;
    grid g = {.L = L, .t = t};
    g.occ = nb_malloc(nrows * (size_t)t->ncols * sizeof *g.occ);
    for (size_t i = 0; i < nrows * (size_t)t->ncols; i++)
        g.occ[i] = -1;
    for (int r = 0; r < t->nrows; r++) {
        yaml_node_t *row = node_at(L, gridn->data.sequence.items.start[r]);
        g.row_failed = 0;
        if (row->type != YAML_SEQUENCE_NODE) {
            error_at(L, row, "row %d must be a list of cells, not %s", r + 1, type_name(row));
            continue;
        }
        int col = 0;
        for (yaml_node_item_t *it = row->data.sequence.items.start;
             it < row->data.sequence.items.top; it++) {
            yaml_node_t *cell = node_at(L, *it);
            if (is_value_cell(L, cell)) {
                if (r < t->header_rows) {
                    error_at(L, cell,
                             "row %d is a header row (header_rows: %d); it holds no values", r + 1,
                             t->header_rows);
                    g.row_failed = 1;
                    continue;
                }
                read_value_cell(&g, cell, r, &col, td);
            } else if (cell->type == YAML_SCALAR_NODE || cell->type == YAML_MAPPING_NODE) {
                read_label_cell(&g, cell, r, &col);
            } else {
                error_at(L, cell, "a cell must be a label or a mapping, not %s", type_name(cell));
                g.row_failed = 1;
            }
        }
        if (!g.row_failed)
            for (int c = 0; c < t->ncols; c++)
                if (*occ_at(&g, r, c) < 0) {
                    error_at(L, row,
                             "row %d leaves column %d empty; every row must fill the "
                             "table's %d columns",
                             r + 1, c + 1, t->ncols);
                    break;
                }
    }
    free(g.occ);
    free(g.row_name);
    free(g.group_nodes);
}

/* ---- rules: the fields around the equation (rule_expr.c) ---- */

static void read_rule(loader *L, nb_ltable *t, yaml_node_t *n, size_t *cap)
{
    field f[] = {{"id", NULL, NULL},   {"text", NULL, NULL},     {"per", NULL, NULL},
                 {"rows", NULL, NULL}, {"severity", NULL, NULL}, {"check", NULL, NULL}};
    if (!read_map(L, n, "a rule", f, 6))
        return;
    int ok = require(L, n, &f[0], "a rule") & require(L, n, &f[2], "a rule") &
             require(L, n, &f[5], "a rule");
    if (!ok)
        return;
    nb_rule r = {.severity = NB_ERROR, .previous_ix = -1};
    r.id = get_string(L, f[0].val, "id");
    r.check = get_string(L, f[5].val, "check");
    r.text = f[1].val ? get_string(L, f[1].val, "text") : NULL;
    const char *per = scalar_of(f[2].val);
    if (per && !strcmp(per, "column"))
        r.per_column = 1;
    else if (!per || strcmp(per, "row")) {
        error_at(L, f[2].val,
                 "per must be 'column' (the check holds in every column) or 'row' "
                 "(in every row)");
        ok = 0;
    }
    if (f[4].val) {
        const char *sv = scalar_of(f[4].val);
        if (sv && !strcmp(sv, "warning"))
            r.severity = NB_WARNING;
        else if (!sv || strcmp(sv, "error")) {
            error_at(L, f[4].val, "severity must be 'error' or 'warning'");
            ok = 0;
        }
    }
    if (!r.id || !r.check)
        ok = 0;
    if (!r.text && r.check)
        r.text = nb_strdup(r.check);
    /* The rows a per-row rule applies to: those listed, else every row of the table. */
    if (ok && f[3].val) {
        if (r.per_column) {
            error_at(L, f[3].val, "rule %s: 'rows' is for per-row rules", r.id);
            ok = 0;
        } else if (f[3].val->type != YAML_SEQUENCE_NODE) {
            error_at(L, f[3].val, "rows must be a list of row keys");
            ok = 0;
        } else {
            yaml_node_t *rl = f[3].val;
            size_t nr = (size_t)(rl->data.sequence.items.top - rl->data.sequence.items.start);
            r.rows_ix = nb_malloc((nr ? nr : 1) * sizeof *r.rows_ix);
            for (size_t i = 0; i < nr; i++) {
                yaml_node_t *k = node_at(L, rl->data.sequence.items.start[i]);
                int gi = nb_ltable_group(t, scalar_of(k));
                if (gi < 0) {
                    error_at(L, k, "rule %s: unknown row key '%s' in %s", r.id,
                             scalar_of(k) ? scalar_of(k) : "", t->name);
                    ok = 0;
                } else
                    r.rows_ix[r.nrows_ix++] = gi;
            }
            if (!nr) {
                error_at(L, rl, "rows must not be empty");
                ok = 0;
            }
        }
    } else if (ok && !r.per_column) {
        r.rows_ix = nb_malloc((t->ngroups ? t->ngroups : 1) * sizeof *r.rows_ix);
        for (size_t i = 0; i < t->ngroups; i++)
            r.rows_ix[r.nrows_ix++] = (int)i;
    }
    if (ok) {
        yaml_node_t *cn = f[5].val;
        if (cn->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
            cn->data.scalar.style == YAML_FOLDED_SCALAR_STYLE) {
            error_at(L, cn, "rule %s: check must be an equation on one line, e.g. 'total = a + b'",
                     r.id);
            ok = 0;
        } else {
            /* Terms are placed character by character when the equation is on one line. */
            yaml_scalar_style_t style = cn->data.scalar.style;
            nb_rule_src src = {.at = pos_of(L, cn)};
            if (cn->start_mark.line == cn->end_mark.line)
                src.first_col = src.at.col + (style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                                              style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
            size_t errors = nb_rule_parse(t, &r, src, L->d);
            L->errors += errors;
            if (errors)
                ok = 0;
        }
    }
    for (size_t i = 0; ok && i < t->nrules; i++)
        if (!strcmp(t->rules[i].id, r.id)) {
            error_at(L, f[0].val, "rule id '%s' is used twice in %s", r.id, t->name);
            ok = 0;
        }
    if (!ok) {
        nb_rule_free(&r);
        return;
    }
    nb_rule_resolve(t, &r);
    nb_grow(&t->rules, cap, t->nrules + 1, sizeof *t->rules);
    t->rules[t->nrules++] = r;
}

/* ---- tables and the layout ---- */

/* A width in mm: digits with at most two decimals, more than 0 and at most 1000. */
static int get_mm(loader *L, yaml_node_t *n, float *out)
{
    const char *s = scalar_of(n);
    int ok = s && is_plain(n) && s[0] >= '0' && s[0] <= '9';
    double v = 0, scale = 0;
    for (const char *c = s; ok && *c; c++) {
        if (*c == '.' && scale == 0)
            scale = 1;
        else if (*c >= '0' && *c <= '9' && v < 10000 && scale < 100) {
            if (scale > 0)
                scale *= 10;
            v = v * 10 + (*c - '0');
        } else
            ok = 0;
    }
    if (scale > 0)
        v /= scale;
    if (!ok || v <= 0 || v > 1000) {
        error_at(L, n, "a column width must be a number of mm, more than 0 and at most 1000 "
                       "(e.g. 12 or 14.5)");
        return 0;
    }
    *out = (float)v;
    return 1;
}

/* widths: [mm, …], one per grid column: the table's preferred proportions (the national
 * template's), scaled to the 版心 when set. */
static void read_widths(loader *L, nb_ltable *t, yaml_node_t *n)
{
    size_t count = n->type == YAML_SEQUENCE_NODE
                       ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
                       : 0;
    if (count != (size_t)t->ncols) {
        error_at(L, n, "widths must be a list of %d column widths in mm, one per column",
                 t->ncols);
        return;
    }
    float *w = nb_calloc(count, sizeof *w);
    int ok = 1;
    for (size_t i = 0; i < count; i++)
        ok &= get_mm(L, node_at(L, n->data.sequence.items.start[i]), &w[i]);
    if (!ok) {
        free(w);
        return;
    }
    t->widths = w;
}

/* words: [自然人, …]: text a table label never breaks inside. */
static void read_words(loader *L, nb_layout *lay, yaml_node_t *n)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        error_at(L, n, "words must be a list of words a table label never breaks inside");
        return;
    }
    size_t cap = lay->nwords;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        char *w = get_string(L, node_at(L, *it), "a word");
        if (!w)
            continue;
        nb_grow(&lay->words, &cap, lay->nwords + 1, sizeof *lay->words);
        lay->words[lay->nwords++] = w;
    }
}

static void read_table(loader *L, nb_layout *lay, yaml_node_t *n, size_t *cap_tables)
{
    field f[] = {{"table", NULL, NULL},         {"name", NULL, NULL},
                 {"section", NULL, NULL},       {"columns", NULL, NULL},
                 {"header_rows", NULL, NULL},   {"kind", NULL, NULL},
                 {"value_columns", NULL, NULL}, {"cell_name", NULL, NULL},
                 {"grid", NULL, NULL},          {"rules", NULL, NULL},
                 {"widths", NULL, NULL},        {"aliases", NULL, NULL}};
    if (!read_map(L, n, "a table", f, 12))
        return;
    int ok = require(L, n, &f[0], "a table") & require(L, n, &f[1], "a table") &
             require(L, n, &f[2], "a table") & require(L, n, &f[3], "a table") &
             require(L, n, &f[8], "a table");
    if (!ok)
        return;
    nb_ltable t = {0};
    t.key = get_string(L, f[0].val, "table");
    t.name = get_string(L, f[1].val, "name");
    ok = t.key && t.name;
    if (t.key && !is_key_name(t.key, NULL)) {
        error_at(L, f[0].val, "table key '%s' must be made of a-z, A-Z, 0-9 and _", t.key);
        ok = 0;
    }
    if (t.key && nb_layout_table(lay, t.key)) {
        error_at(L, f[0].val, "table '%s' is defined twice", t.key);
        ok = 0;
    }
    ok &= get_int(L, f[2].val, "section", 1, NB_SECTIONS, &t.section);
    ok &= get_int(L, f[3].val, "columns", 1, MAX_GRID_COLS, &t.ncols);
    if (f[4].val)
        ok &= get_int(L, f[4].val, "header_rows", 0, MAX_GRID_ROWS, &t.header_rows);
    table_defaults td = {.kind = NB_KIND_COUNT, .value_columns = f[6].val};
    if (f[5].val)
        ok &= parse_kind(L, f[5].val, &td.kind);
    const char *pattern = "{row} / {column}";
    if (f[7].val) {
        pattern = scalar_of(f[7].val);
        if (!pattern || !valid_cell_name(pattern)) {
            error_at(L, f[7].val,
                     "cell_name must be text with {column} and optionally {row}, "
                     "e.g. \"{row} / {column}\"");
            ok = 0;
        }
    }
    if (!ok) {
        free_table(&t);
        return;
    }
    size_t before = L->errors;
    read_grid(L, &t, f[8].val, &td);
    if (t.header_rows > t.nrows) {
        error_at(L, f[4].val, "header_rows is %d but the grid has %d rows", t.header_rows, t.nrows);
    }
    for (size_t i = 0; i < t.nslots; i++)
        t.slots[i].name = cell_name(pattern, t.groups[t.slots[i].group].name, t.slots[i].column);
    if (f[10].val)
        read_widths(L, &t, f[10].val);
    if (L->errors == before && f[9].val) {
        if (f[9].val->type != YAML_SEQUENCE_NODE)
            error_at(L, f[9].val, "rules must be a list");
        else {
            size_t cap = 0;
            for (yaml_node_item_t *it = f[9].val->data.sequence.items.start;
                 it < f[9].val->data.sequence.items.top; it++)
                read_rule(L, &t, node_at(L, *it), &cap);
        }
    }
    t.naliases = read_aliases(L, f[11].val, NULL, lay, &t.aliases);
    nb_grow(&lay->tables, cap_tables, lay->ntables + 1, sizeof *lay->tables);
    lay->tables[lay->ntables++] = t;
}

static void read_sections(loader *L, nb_layout *lay, yaml_node_t *n)
{
    size_t count = n->type == YAML_SEQUENCE_NODE
                       ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
                       : 0;
    if (count != NB_SECTIONS) {
        error_at(L, n,
                 "sections must be a list of the %d section headings, each with its number "
                 "(一、总体情况 …)",
                 NB_SECTIONS);
        return;
    }
    for (int i = 0; i < NB_SECTIONS; i++) {
        yaml_node_t *h = node_at(L, n->data.sequence.items.start[i]);
        char *s = get_string(L, h, "a section heading");
        if (!s)
            continue;
        size_t nl = strlen(section_numbers[i]);
        if (strncmp(s, section_numbers[i], nl) || !s[nl]) {
            error_at(L, h, "section %d's heading must start with '%s' and have text after it",
                     i + 1, section_numbers[i]);
            free(s);
            continue;
        }
        lay->numbers[i] = nb_strndup(s, nl);
        lay->headings[i] = nb_strdup(s + nl);
        free(s);
    }
}

/* Removes grid column c from table t: cells only in it go (with their slots), wider ones shrink. */
static void remove_grid_column(nb_ltable *t, int c)
{
    int *cell_map = nb_malloc((t->ncells ? t->ncells : 1) * sizeof *cell_map);
    size_t nc = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        nb_lcell cell = t->cells[i];
        int covers = cell.col <= c && c < cell.col + cell.colspan;
        if (covers && cell.colspan == 1) {
            free(cell.text);
            cell_map[i] = -1;
            continue;
        }
        if (covers)
            cell.colspan--;
        else if (cell.col > c)
            cell.col--;
        cell_map[i] = (int)nc;
        t->cells[nc++] = cell;
    }
    t->ncells = nc;
    int *slot_map = nb_malloc((t->nslots ? t->nslots : 1) * sizeof *slot_map);
    size_t ns = 0;
    for (size_t s = 0; s < t->nslots; s++) {
        nb_slot slot = t->slots[s];
        if (cell_map[slot.cell] < 0) {
            free(slot.column);
            free(slot.name);
            slot_map[s] = -1;
            continue;
        }
        slot.cell = cell_map[slot.cell];
        slot_map[s] = (int)ns;
        t->slots[ns++] = slot;
    }
    t->nslots = ns;
    for (size_t i = 0; i < t->ncells; i++)
        if (t->cells[i].value >= 0)
            t->cells[i].value = slot_map[t->cells[i].value];
    for (size_t g = 0; g < t->ngroups; g++) {
        t->groups[g].nslots = 0;
        t->groups[g].first_slot = (int)t->nslots;
    }
    for (size_t s = 0; s < t->nslots; s++) {
        nb_group *g = &t->groups[t->slots[s].group];
        if (!g->nslots)
            g->first_slot = (int)s;
        t->slots[s].index = g->nslots++;
    }
    if (t->widths)
        memmove(t->widths + c, t->widths + c + 1, (size_t)(t->ncols - c - 1) * sizeof *t->widths);
    t->ncols--;
    free(cell_map);
    free(slot_map);
}

/* remove_columns: {TABLE: [COLUMN, …]}: a variant without some value columns of its base. */
static void remove_columns(loader *L, nb_layout *lay, yaml_node_t *n)
{
    if (n->type != YAML_MAPPING_NODE) {
        error_at(L, n, "remove_columns must map a table key to a list of column names");
        return;
    }
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(L, p->key), *v = node_at(L, p->value);
        nb_ltable *t = (nb_ltable *)nb_layout_table(lay, scalar_of(k));
        if (!t) {
            error_at(L, k, "the base layout has no table '%s'", scalar_of(k) ? scalar_of(k) : "");
            continue;
        }
        if (v->type != YAML_SEQUENCE_NODE) {
            error_at(L, v, "remove_columns of '%s' must be a list of column names", t->key);
            continue;
        }
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             it++) {
            yaml_node_t *cn = node_at(L, *it);
            const char *name = scalar_of(cn);
            int col = -1, ok = name != NULL;
            for (size_t s = 0; ok && s < t->nslots; s++) {
                if (strcmp(t->slots[s].column, name))
                    continue;
                const nb_lcell *cell = &t->cells[t->slots[s].cell];
                if (cell->colspan != 1 || (col >= 0 && cell->col != col))
                    ok = 0;
                col = cell->col;
            }
            if (!ok || col < 0) {
                error_at(L, cn, "%s has no value column '%s' of single cells to remove", t->name,
                         name ? name : "");
                continue;
            }
            remove_grid_column(t, col);
            for (size_t g = 0; g < t->ngroups; g++)
                if (!t->groups[g].nslots)
                    error_at(L, cn, "removing column '%s' leaves row '%s' of %s without values",
                             name, t->groups[g].key, t->name);
            size_t kept = 0;
            for (size_t r = 0; r < t->nrules; r++) {
                nb_rule *rule = &t->rules[r];
                if (!rule->per_column && !nb_rule_drop_column(rule, name))
                    nb_rule_free(rule);
                else
                    t->rules[kept++] = *rule;
            }
            t->nrules = kept;
            for (size_t r = 0; r < t->nrules; r++)
                nb_rule_resolve(t, &t->rules[r]);
        }
    }
}

/* The file, or NULL with *why (owned) saying why not. */
static char *read_all(const char *path, size_t *size, char **why)
{
    char *data = nb_read_file(path, MAX_LAYOUT_BYTES, size);
    if (!data)
        *why = nb_strdup(errno == EFBIG ? "larger than 1 MiB"
                         : errno == EIO ? "read error"
                                        : strerror(errno));
    return data;
}

static int load_layout(const char *file, const char *data, size_t size, int depth,
                       const nb_layout_cache *cache, nb_layout **out, nb_diags *d);

/* The base of a variant: <folder of this file>/<base>.yaml. */
static nb_layout *load_base(loader *L, yaml_node_t *n)
{
    const char *base = scalar_of(n);
    if (!base || !is_key_name(base, "-.") || base[0] == '.') {
        error_at(L, n, "base must be a layout name such as gov-2021");
        return NULL;
    }
    if (L->depth >= MAX_BASE_DEPTH) {
        error_at(L, n, "too many bases in a row (at most %d)", MAX_BASE_DEPTH);
        return NULL;
    }
    const char *slash = strrchr(L->path, '/');
    size_t dir = slash ? (size_t)(slash - L->path) + 1 : 0;
    nb_buf p = {0};
    nb_buf_put(&p, L->path, dir);
    nb_buf_printf(&p, "%s.yaml", base);
    nb_buf_put(&p, "", 1);
    /* A base already loaded, unless its own bases would pass the limit from here. */
    const nb_layout *known = L->cache ? L->cache->find(L->cache->ctx, (const char *)p.data) : NULL;
    if (known && (known->nfiles <= 1 || L->depth + known->nfiles <= MAX_BASE_DEPTH)) {
        nb_buf_free(&p);
        return nb_layout_copy(known);
    }
    size_t size = 0;
    char *why = NULL;
    char *data = read_all((const char *)p.data, &size, &why);
    nb_layout *lay = NULL;
    if (!data)
        error_at(L, n, "cannot read base layout %s: %s", (const char *)p.data, why);
    else if (load_layout((const char *)p.data, data, size, L->depth + 1, L->cache, &lay, L->d) !=
             NB_OK)
        error_at(L, n, "base layout '%s' has errors", base);
    else if (L->cache) {
        L->cache->keep(L->cache->ctx, lay);
        lay = nb_layout_copy(lay);
    }
    free(why);
    free(data);
    nb_buf_free(&p);
    return lay;
}

static void read_layout(loader *L, nb_layout **out)
{
    yaml_node_t *root = L->nnodes ? &L->nodes[0] : NULL;
    if (!root) {
        error_pos(L, (nb_pos){L->file, 0, 0}, "the layout file is empty");
        return;
    }
    field f[] = {{"layout", NULL, NULL}, {"title", NULL, NULL},          {"national", NULL, NULL},
                 {"base", NULL, NULL},   {"remove_columns", NULL, NULL}, {"sections", NULL, NULL},
                 {"tables", NULL, NULL}, {"words", NULL, NULL}};
    if (!read_map(L, root, "a layout", f, 8))
        return;
    if (!require(L, root, &f[0], "a layout"))
        return;
    char *name = get_string(L, f[0].val, "layout");
    if (!name)
        return;
    if (!is_key_name(name, "-.") || name[0] == '.') {
        error_at(L, f[0].val, "layout name '%s' must be made of a-z, A-Z, 0-9, '-', '.' and '_'",
                 name);
        free(name);
        return;
    }
    nb_layout *lay = NULL;
    if (f[3].val) {
        for (int i = 5; i < 7; i++)
            if (f[i].val)
                error_at(L, f[i].key, "a layout with a 'base' takes its %s from the base",
                         f[i].name);
        lay = load_base(L, f[3].val);
        if (!lay) {
            free(name);
            return;
        }
        free(lay->name);
        free(lay->file);
        if (f[1].val) {
            free(lay->title);
            lay->title = NULL;
        }
    } else {
        if (f[4].val)
            error_at(L, f[4].key, "remove_columns needs a 'base' layout to remove them from");
        int ok = require(L, root, &f[5], "a layout") & require(L, root, &f[6], "a layout");
        if (!ok) {
            free(name);
            return;
        }
        lay = nb_calloc(1, sizeof *lay);
    }
    lay->name = name;
    lay->file = nb_strdup(L->file);
    /* Its own file before those of its bases, which a base's loading has listed. */
    lay->files = nb_realloc(lay->files, (lay->nfiles + 1) * sizeof *lay->files);
    memmove(lay->files + 1, lay->files, lay->nfiles * sizeof *lay->files);
    lay->files[0] = nb_strdup(L->file);
    lay->nfiles++;
    if (f[1].val)
        lay->title = get_string(L, f[1].val, "title");
    if (f[2].val) {
        char *national = get_string(L, f[2].val, "national");
        if (national) {
            free(lay->national);
            lay->national = national;
        }
    } else if (!f[3].val) {
        lay->national = nb_strdup(name);
    }
    if (!lay->title)
        lay->title = nb_strdup(name);
    if (!f[3].val) {
        read_sections(L, lay, f[5].val);
        if (f[6].val->type != YAML_SEQUENCE_NODE)
            error_at(L, f[6].val, "tables must be a list");
        else {
            size_t cap = 0;
            for (yaml_node_item_t *it = f[6].val->data.sequence.items.start;
                 it < f[6].val->data.sequence.items.top; it++)
                read_table(L, lay, node_at(L, *it), &cap);
        }
    } else if (f[4].val) {
        remove_columns(L, lay, f[4].val);
    }
    if (f[7].val)
        read_words(L, lay, f[7].val);
    *out = lay;
}

/* ---- the document tree, composed from libyaml's events ----
 *
 * One pass over the events builds the tree the reader walks (yaml_node_t, as libyaml's own
 * document loader makes them) and refuses aliases and deep nesting as it goes: libyaml's
 * scanner spends time proportional to the nesting depth on every token, so 1 MiB of '[' would
 * take hours, and an alias could make the walk revisit a subtree many times. Checking the
 * events in a pass of their own before yaml_parser_load read every file twice, and the loader
 * made three allocations a node (its tag, its value, its items); here the scalars' text and the
 * items of every list and mapping each live in one array. Only the first document is read (as
 * yaml_parser_load did); aliases and nesting are refused in the whole stream. */

typedef struct composer {
    yaml_node_t *nodes; size_t nnodes, cap_nodes;
    size_t *at, *count;           /* per node: where its text, items or pairs start; how many */
    size_t cap_at, cap_count;
    char *text; size_t ntext, cap_text;                /* scalars, each NUL-terminated */
    yaml_node_item_t *items; size_t nitems, cap_items; /* the lists' items */
    yaml_node_pair_t *pairs; size_t npairs, cap_pairs; /* the mappings' pairs */
    yaml_node_item_t *pending; size_t npending, cap_pending; /* children of open containers */
    struct { yaml_char_t *anchor; yaml_mark_t mark; } *anchors; /* for the duplicate check */
    size_t nanchors, cap_anchors;
} composer;

static void composer_free(composer *c)
{
    free(c->nodes);
    free(c->at);
    free(c->count);
    free(c->text);
    free(c->items);
    free(c->pairs);
    free(c->pending);
    for (size_t i = 0; i < c->nanchors; i++)
        free(c->anchors[i].anchor);
    free(c->anchors);
}

/* Adds a node (1-based id, as libyaml numbers them) and makes it a child of the open container. */
static int add_node(composer *c, const yaml_node_t *n, size_t at, int child)
{
    nb_grow(&c->nodes, &c->cap_nodes, c->nnodes + 1, sizeof *c->nodes);
    nb_grow(&c->at, &c->cap_at, c->nnodes + 1, sizeof *c->at);
    nb_grow(&c->count, &c->cap_count, c->nnodes + 1, sizeof *c->count);
    c->nodes[c->nnodes] = *n;
    c->at[c->nnodes] = at;
    c->count[c->nnodes] = 0;
    int id = (int)++c->nnodes;
    if (child) {
        nb_grow(&c->pending, &c->cap_pending, c->npending + 1, sizeof *c->pending);
        c->pending[c->npending++] = id;
    }
    return id;
}

/* A node's anchor: libyaml's loader refuses one given twice ("found duplicate anchor"). */
static int note_anchor(loader *L, composer *c, yaml_char_t *anchor, yaml_mark_t mark)
{
    if (!anchor)
        return 1;
    for (size_t i = 0; i < c->nanchors; i++)
        if (!strcmp((const char *)c->anchors[i].anchor, (const char *)anchor)) {
            error_pos(L, (nb_pos){L->file, (int)mark.line + 1, (int)mark.column + 1},
                      "second occurrence found duplicate anchor; first occurrence");
            return 0;
        }
    nb_grow(&c->anchors, &c->cap_anchors, c->nanchors + 1, sizeof *c->anchors);
    c->anchors[c->nanchors].anchor = (yaml_char_t *)nb_strdup((const char *)anchor);
    c->anchors[c->nanchors++].mark = mark;
    return 1;
}

/* Fills L->nodes from the text; 0 after an error. */
static int compose(loader *L, composer *c, const char *data, size_t size)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        error_pos(L, (nb_pos){L->file, 0, 0}, "cannot start the YAML parser");
        return 0;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, size);
    struct {
        int id;
        size_t first; /* its first child in `pending` */
    } open[MAX_LAYOUT_DEPTH + 1];
    int depth = 0, ok = 1, done = 0;
    int docs = 0, reading = 0; /* documents started; inside the first one */
    while (ok && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            /* A syntax error counts inside the first document only, as for yaml_parser_load. */
            if (docs == 0 || reading) {
                error_pos(L,
                          (nb_pos){L->file, (int)parser.problem_mark.line + 1,
                                   (int)parser.problem_mark.column + 1},
                          "%s%s%s", parser.problem ? parser.problem : "invalid YAML",
                          parser.context ? " " : "", parser.context ? parser.context : "");
                ok = 0;
            }
            break;
        }
        nb_pos pos = {L->file, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1};
        yaml_node_t n = {.start_mark = ev.start_mark, .end_mark = ev.end_mark};
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            reading = ++docs == 1;
            break;
        case YAML_DOCUMENT_END_EVENT:
            reading = 0;
            break;
        case YAML_ALIAS_EVENT:
            error_pos(L, pos, "aliases are not allowed in a layout");
            ok = 0;
            break;
        case YAML_SCALAR_EVENT:
            if (!reading)
                break;
            ok = note_anchor(L, c, ev.data.scalar.anchor, ev.start_mark);
            n.type = YAML_SCALAR_NODE;
            n.data.scalar.length = ev.data.scalar.length;
            n.data.scalar.style = ev.data.scalar.style;
            add_node(c, &n, c->ntext, depth > 0);
            nb_grow(&c->text, &c->cap_text, c->ntext + ev.data.scalar.length + 1, 1);
            memcpy(c->text + c->ntext, ev.data.scalar.value, ev.data.scalar.length);
            c->ntext += ev.data.scalar.length;
            c->text[c->ntext++] = 0;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > MAX_LAYOUT_DEPTH) {
                error_pos(L, pos, "nesting is too deep: at most %d levels", MAX_LAYOUT_DEPTH);
                ok = 0;
                break;
            }
            if (!reading)
                break;
            if (ev.type == YAML_SEQUENCE_START_EVENT) {
                ok = note_anchor(L, c, ev.data.sequence_start.anchor, ev.start_mark);
                n.type = YAML_SEQUENCE_NODE;
                n.data.sequence.style = ev.data.sequence_start.style;
            } else {
                ok = note_anchor(L, c, ev.data.mapping_start.anchor, ev.start_mark);
                n.type = YAML_MAPPING_NODE;
                n.data.mapping.style = ev.data.mapping_start.style;
            }
            open[depth].id = add_node(c, &n, 0, depth > 1);
            open[depth].first = c->npending;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (reading) {
                /* Where its children go; the pointers are set once the arrays stop moving. */
                size_t i = (size_t)open[depth].id - 1, first = open[depth].first;
                const yaml_node_item_t *child = c->pending + first;
                size_t nchildren = c->npending - first;
                c->nodes[i].end_mark = ev.end_mark;
                if (c->nodes[i].type == YAML_SEQUENCE_NODE) {
                    c->at[i] = c->nitems;
                    c->count[i] = nchildren;
                    nb_grow(&c->items, &c->cap_items, c->nitems + nchildren + 1,
                            sizeof *c->items);
                    memcpy(c->items + c->nitems, child, nchildren * sizeof *c->items);
                    c->nitems += nchildren;
                } else {
                    c->at[i] = c->npairs;
                    c->count[i] = nchildren / 2; /* keys and values alternate */
                    nb_grow(&c->pairs, &c->cap_pairs, c->npairs + nchildren / 2 + 1,
                            sizeof *c->pairs);
                    for (size_t k = 0; k + 1 < nchildren; k += 2)
                        c->pairs[c->npairs++] = (yaml_node_pair_t){child[k], child[k + 1]};
                }
                c->npending = first;
            }
            depth--;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (!ok)
        return 0;
    for (size_t i = 0; i < c->nnodes; i++) {
        yaml_node_t *n = &c->nodes[i];
        if (n->type == YAML_SCALAR_NODE) {
            n->data.scalar.value = (yaml_char_t *)c->text + c->at[i];
        } else if (n->type == YAML_SEQUENCE_NODE) {
            n->data.sequence.items.start = c->items + c->at[i];
            n->data.sequence.items.top = n->data.sequence.items.end =
                n->data.sequence.items.start + c->count[i];
        } else if (n->type == YAML_MAPPING_NODE) {
            n->data.mapping.pairs.start = c->pairs + c->at[i];
            n->data.mapping.pairs.top = n->data.mapping.pairs.end =
                n->data.mapping.pairs.start + c->count[i];
        }
    }
    L->nodes = c->nodes;
    L->nnodes = c->nnodes;
    return 1;
}

static int load_layout(const char *file, const char *data, size_t size, int depth,
                       const nb_layout_cache *cache, nb_layout **out, nb_diags *d)
{
    *out = NULL;
    loader L = {.file = file, .path = file, .d = d, .depth = depth, .cache = cache};
    size_t errors_before = d ? d->errors : 0;
    if (size > MAX_LAYOUT_BYTES) {
        error_pos(&L, (nb_pos){file, 0, 0}, "a layout file is at most 1 MiB");
        return NB_EINPUT;
    }
    composer c = {0};
    yaml_node_t *thawed = NULL; /* a shipped layout's tree, made at build time */
    const nb_frozen *frozen = nb_frozen_find(data, size);
    if (frozen) {
        nb_frozen_thaw(frozen, &thawed, &L.nnodes);
        L.nodes = thawed;
    } else if (!compose(&L, &c, data, size)) {
        composer_free(&c);
        return NB_EINPUT;
    }
    nb_layout *lay = NULL;
    read_layout(&L, &lay);
    composer_free(&c);
    free(thawed);
    if (L.errors || (d && d->errors > errors_before)) {
        nb_layout_free(lay);
        return NB_EINPUT;
    }
    *out = lay;
    return NB_OK;
}

int nb_layout_parse(const char *file, const char *data, size_t size, nb_layout **out,
                    nb_diags *diags)
{
    return load_layout(file, data, size, 0, NULL, out, diags);
}

int nb_layout_load(const char *path, nb_layout **out, nb_diags *diags)
{
    return nb_layout_load_cached(path, NULL, out, diags);
}

int nb_layout_load_cached(const char *path, const nb_layout_cache *cache, nb_layout **out,
                          nb_diags *diags)
{
    *out = NULL;
    size_t size = 0;
    char *why = NULL;
    char *data = read_all(path, &size, &why);
    if (!data) {
        nb_diag_add(diags, NB_ERROR, (nb_pos){path, 0, 0}, "cannot read layout: %s", why);
        free(why);
        return NB_EINPUT;
    }
    int rc = load_layout(path, data, size, 0, cache, out, diags);
    free(data);
    return rc;
}

/* ---- copying ---- */

static void copy_table(nb_ltable *c, const nb_ltable *t)
{
    *c = *t;
    c->key = nb_strdup(t->key);
    c->name = nb_strdup(t->name);
    c->cells = nb_memdup(t->cells, t->ncells * sizeof *t->cells);
    for (size_t i = 0; i < t->ncells; i++)
        c->cells[i].text = nb_strdup(t->cells[i].text);
    c->slots = nb_memdup(t->slots, t->nslots * sizeof *t->slots);
    for (size_t i = 0; i < t->nslots; i++) {
        c->slots[i].column = nb_strdup(t->slots[i].column);
        c->slots[i].name = nb_strdup(t->slots[i].name);
    }
    c->groups = nb_memdup(t->groups, t->ngroups * sizeof *t->groups);
    for (size_t i = 0; i < t->ngroups; i++) {
        c->groups[i].key = nb_strdup(t->groups[i].key);
        c->groups[i].name = nb_strdup(t->groups[i].name);
        c->groups[i].aliases = nb_strs_dup(t->groups[i].aliases, t->groups[i].naliases);
    }
    c->rules = nb_memdup(t->rules, t->nrules * sizeof *t->rules);
    for (size_t i = 0; i < t->nrules; i++)
        c->rules[i] = nb_rule_copy(&t->rules[i]);
    c->widths = nb_memdup(t->widths, (t->widths ? (size_t)t->ncols : 0) * sizeof *t->widths);
    c->aliases = nb_strs_dup(t->aliases, t->naliases);
}

nb_layout *nb_layout_copy(const nb_layout *l)
{
    if (!l)
        return NULL;
    nb_layout *c = nb_malloc(sizeof *c);
    *c = *l;
    c->name = nb_strdup(l->name);
    c->file = nb_strdup(l->file);
    c->files = nb_strs_dup(l->files, l->nfiles);
    c->title = nb_strdup(l->title);
    c->national = nb_strdup(l->national);
    for (int i = 0; i < NB_SECTIONS; i++) {
        c->numbers[i] = nb_strdup(l->numbers[i]);
        c->headings[i] = nb_strdup(l->headings[i]);
    }
    c->tables = nb_memdup(l->tables, l->ntables * sizeof *l->tables);
    for (size_t i = 0; i < l->ntables; i++)
        copy_table(&c->tables[i], &l->tables[i]);
    c->words = nb_strs_dup(l->words, l->nwords);
    return c;
}
