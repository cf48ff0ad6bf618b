#include "diag.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nb_diags *nb_diags_new(void) { return nb_calloc(1, sizeof(nb_diags)); }

static void diag_free(nb_diag *g)
{
    free(g->file);
    free(g->message);
    free(g->rule);
    free(g->table);
    free(g->table_label);
    free(g->row);
    free(g->row_label);
    free(g->column_label);
    free(g->expected);
    free(g->actual);
    for (size_t k = 0; k < g->nrelated; k++) {
        free((char *)g->related[k].pos.file);
        free((char *)g->related[k].label);
        free((char *)g->related[k].value);
    }
    free(g->related);
    for (size_t k = 0; k < g->nlayouts; k++)
        free(g->layouts[k]);
    free(g->layouts);
}

void nb_diags_free(nb_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++)
        diag_free(&d->items[i]);
    free(d->items);
    free(d);
}

size_t nb_diags_count(const nb_diags *d) { return d->count; }
size_t nb_diags_errors(const nb_diags *d) { return d->errors; }

void nb_diags_set_lang(nb_diags *d, const char *lang)
{
    d->lang = lang && lang[0] == 'z' && lang[1] == 'h' ? NB_LANG_ZH : NB_LANG_EN;
}

void nb_diags_set_verbose(nb_diags *d, int verbose) { d->verbose = verbose != 0; }

nb_severity nb_diags_get(const nb_diags *d, size_t i, const char **file, int *line, int *col,
                         const char **message)
{
    const nb_diag *g = &d->items[i];
    if (file) *file = g->file;
    if (line) *line = g->line;
    if (col) *col = g->col;
    if (message) *message = g->message;
    return g->severity;
}

const char *nb_diags_rule(const nb_diags *d, size_t i)
{
    return d->items[i].rule ? d->items[i].rule : "input";
}

const char *nb_tr(const nb_diags *d, const char *english)
{
    if (d && d->lang == NB_LANG_ZH) {
        const char *zh = nb_msg_zh(english);
        if (zh)
            return zh;
    }
    return english;
}

static char *dup_or_null(const char *s) { return s ? nb_strdup(s) : NULL; }

static nb_diag *push(nb_diags *d, nb_severity severity, nb_pos pos, const char *fmt, va_list ap)
{
    nb_grow(&d->items, &d->capacity, d->count + 1, sizeof *d->items);
    nb_diag *g = &d->items[d->count++];
    *g = (nb_diag){.severity = severity, .line = pos.line, .col = pos.col};
    g->file = nb_strdup(pos.file ? pos.file : "");
    fmt = nb_tr(d, fmt);
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    g->message = nb_malloc(n > 0 ? (size_t)n + 1 : 1);
    g->message[0] = 0;
    vsnprintf(g->message, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    if (severity == NB_ERROR)
        d->errors++;
    return g;
}

void nb_diag_addv(nb_diags *d, nb_severity severity, nb_pos pos, const char *fmt, va_list ap)
{
    if (d)
        push(d, severity, pos, fmt, ap);
}

void nb_diag_add(nb_diags *d, nb_severity severity, nb_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_diag_addv(d, severity, pos, fmt, ap);
    va_end(ap);
}

void nb_diag_add_once(nb_diags *d, nb_severity severity, nb_pos pos, const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    push(d, severity, pos, fmt, ap);
    va_end(ap);
    const nb_diag *g = &d->items[d->count - 1];
    for (size_t i = 0; i + 1 < d->count; i++) {
        const nb_diag *o = &d->items[i];
        if (o->severity == g->severity && o->line == g->line && o->col == g->col &&
            !strcmp(o->file, g->file) && !strcmp(o->message, g->message)) {
            if (g->severity == NB_ERROR)
                d->errors--;
            diag_free(&d->items[--d->count]);
            return;
        }
    }
}

static void set_fields(nb_diag *g, const nb_finding *f)
{
    g->rule = dup_or_null(f->rule);
    g->table = dup_or_null(f->table);
    g->table_label = dup_or_null(f->table_label);
    g->row = dup_or_null(f->row);
    g->row_label = dup_or_null(f->row_label);
    g->column = f->column;
    g->column_label = dup_or_null(f->column_label);
    g->expected = dup_or_null(f->expected);
    g->actual = dup_or_null(f->actual);
    if (f->nrelated) {
        g->related = nb_calloc(f->nrelated, sizeof *g->related);
        for (size_t k = 0; k < f->nrelated; k++) {
            const nb_related *r = &f->related[k];
            g->related[k] = (nb_related){{nb_strdup(r->pos.file ? r->pos.file : ""), r->pos.line,
                                          r->pos.col},
                                         dup_or_null(r->label), dup_or_null(r->value)};
        }
        g->nrelated = f->nrelated;
    }
    if (f->nlayouts) {
        g->layouts = nb_calloc(f->nlayouts, sizeof *g->layouts);
        for (size_t k = 0; k < f->nlayouts; k++)
            g->layouts[k] = nb_strdup(f->layouts[k]);
        g->nlayouts = f->nlayouts;
    }
}

void nb_diag_finding(nb_diags *d, const nb_finding *f, const char *fmt, ...)
{
    if (!d || (f->severity == NB_NOTE && !d->verbose))
        return;
    va_list ap;
    va_start(ap, fmt);
    nb_diag *g = push(d, f->severity, f->pos, fmt, ap);
    va_end(ap);
    set_fields(g, f);
}

void nb_diags_append(nb_diags *to, const nb_diags *from)
{
    for (size_t i = 0; i < from->count; i++) {
        const nb_diag *s = &from->items[i];
        nb_grow(&to->items, &to->capacity, to->count + 1, sizeof *to->items);
        nb_diag *g = &to->items[to->count++];
        *g = (nb_diag){.severity = s->severity, .line = s->line, .col = s->col};
        g->file = nb_strdup(s->file);
        g->message = nb_strdup(s->message);
        nb_finding f = {.rule = s->rule, .table = s->table, .table_label = s->table_label,
                        .row = s->row, .row_label = s->row_label, .column = s->column,
                        .column_label = s->column_label, .expected = s->expected,
                        .actual = s->actual, .related = s->related, .nrelated = s->nrelated,
                        .layouts = (const char *const *)s->layouts, .nlayouts = s->nlayouts};
        set_fields(g, &f);
        if (s->severity == NB_ERROR)
            to->errors++;
    }
}

static const char *severity_name(nb_severity s)
{
    return s == NB_ERROR ? "error" : s == NB_NOTE ? "note" : "warning";
}

static const char *severity_label(const nb_diags *d, nb_severity s)
{
    if (d->lang == NB_LANG_ZH)
        return s == NB_ERROR ? "错误" : s == NB_NOTE ? "说明" : "警告";
    return severity_name(s);
}

void nb_diags_print(const nb_diags *d, void *fp)
{
    FILE *f = fp;
    for (size_t i = 0; i < d->count; i++) {
        const nb_diag *g = &d->items[i];
        if (g->file[0] && g->line)
            fprintf(f, "%s:%d:%d: ", g->file, g->line, g->col);
        else if (g->file[0])
            fprintf(f, "%s: ", g->file);
        else
            fputs("nianbao: ", f);
        fprintf(f, "%s: %s\n", severity_label(d, g->severity), g->message);
    }
}

void nb_diags_print_errors(const nb_diags *d, void *fp)
{
    if (d->errors == d->count) {
        nb_diags_print(d, fp);
        return;
    }
    /* A view of the errors alone: the items are borrowed, not copied, so they print exactly as
     * nb_diags_print prints them. */
    nb_diags view = {.lang = d->lang};
    view.items = nb_calloc(d->errors ? d->errors : 1, sizeof *view.items);
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == NB_ERROR)
            view.items[view.count++] = d->items[i];
    view.capacity = view.errors = view.count;
    nb_diags_print(&view, fp);
    free(view.items);
}

static void json_key_string(nb_buf *o, const char *key, const char *value)
{
    if (!value)
        return;
    nb_buf_printf(o, ", \"%s\": ", key);
    nb_json_put(o, value);
}

void nb_diags_json(nb_buf *o, const nb_diags *d, const char *indent)
{
    nb_buf_puts(o, "[");
    for (size_t i = 0; i < d->count; i++) {
        const nb_diag *g = &d->items[i];
        nb_buf_printf(o, "%s\n%s {\"file\": ", i ? "," : "", indent);
        nb_json_put(o, g->file);
        nb_buf_printf(o, ", \"line\": %d, \"column\": %d, \"severity\": \"%s\", \"rule\": ",
                      g->line, g->col, severity_name(g->severity));
        nb_json_put(o, g->rule ? g->rule : "input");
        nb_buf_puts(o, ", \"message\": ");
        nb_json_put(o, g->message);
        if (g->table || g->row) {
            nb_buf_puts(o, ", \"cell\": {");
            int first = 1;
            const char *keys[] = {"table", "table_label", "row", "row_label"};
            const char *vals[] = {g->table, g->table_label, g->row, g->row_label};
            for (int k = 0; k < 4; k++)
                if (vals[k]) {
                    nb_buf_printf(o, "%s\"%s\": ", first ? "" : ", ", keys[k]);
                    nb_json_put(o, vals[k]);
                    first = 0;
                }
            if (g->column)
                nb_buf_printf(o, "%s\"column\": %d", first ? "" : ", ", g->column);
            json_key_string(o, "column_label", g->column_label);
            nb_buf_puts(o, "}");
        }
        json_key_string(o, "expected", g->expected);
        json_key_string(o, "actual", g->actual);
        if (g->nrelated) {
            nb_buf_puts(o, ", \"related\": [");
            for (size_t k = 0; k < g->nrelated; k++) {
                const nb_related *r = &g->related[k];
                nb_buf_puts(o, k ? ", {\"file\": " : "{\"file\": ");
                nb_json_put(o, r->pos.file);
                nb_buf_printf(o, ", \"line\": %d, \"column\": %d", r->pos.line, r->pos.col);
                json_key_string(o, "label", r->label);
                json_key_string(o, "value", r->value);
                nb_buf_puts(o, "}");
            }
            nb_buf_puts(o, "]");
        }
        if (g->nlayouts) {
            nb_buf_puts(o, ", \"layouts\": [");
            for (size_t k = 0; k < g->nlayouts; k++) {
                if (k)
                    nb_buf_puts(o, ", ");
                nb_json_put(o, g->layouts[k]);
            }
            nb_buf_puts(o, "]");
        }
        nb_buf_puts(o, "}");
    }
    nb_buf_printf(o, d->count ? "\n%s]" : "]", d->count ? indent : "");
}

void nb_diags_print_json(const nb_diags *d, void *fp)
{
    nb_buf b = {0};
    nb_diags_json(&b, d, "");
    nb_buf_puts(&b, "\n");
    fwrite(b.data, 1, b.len, (FILE *)fp);
    nb_buf_free(&b);
}
