#include "diag.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

nb_diags *nb_diags_new(void) { return nb_calloc(1, sizeof(nb_diags)); }

void nb_diags_free(nb_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    free(d);
}

size_t nb_diags_count(const nb_diags *d) { return d->count; }
size_t nb_diags_errors(const nb_diags *d) { return d->errors; }

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

void nb_diag_addv(nb_diags *d, nb_severity severity, nb_pos pos, const char *fmt, va_list ap)
{
    if (!d)
        return;
    nb_grow(&d->items, &d->capacity, d->count + 1, sizeof *d->items);
    nb_diag *g = &d->items[d->count++];
    g->severity = severity;
    g->file = nb_strdup(pos.file ? pos.file : "");
    g->line = pos.line;
    g->col = pos.col;
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    g->message = nb_malloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(g->message, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    if (severity == NB_ERROR)
        d->errors++;
}

void nb_diag_add(nb_diags *d, nb_severity severity, nb_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_diag_addv(d, severity, pos, fmt, ap);
    va_end(ap);
}

static const char *severity_name(nb_severity s) { return s == NB_ERROR ? "error" : "warning"; }

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
        fprintf(f, "%s: %s\n", severity_name(g->severity), g->message);
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
    nb_diags view = {0};
    view.items = nb_calloc(d->errors ? d->errors : 1, sizeof *view.items);
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == NB_ERROR)
            view.items[view.count++] = d->items[i];
    view.capacity = view.errors = view.count;
    nb_diags_print(&view, fp);
    free(view.items);
}

void nb_diags_print_json(const nb_diags *d, void *fp)
{
    FILE *f = fp;
    fputs("[", f);
    for (size_t i = 0; i < d->count; i++) {
        const nb_diag *g = &d->items[i];
        fputs(i ? ",\n {" : "\n {", f);
        fputs("\"file\": ", f);
        nb_json_string(f, g->file);
        fprintf(f, ", \"line\": %d, \"column\": %d, \"severity\": \"%s\", \"message\": ", g->line,
                g->col, severity_name(g->severity));
        nb_json_string(f, g->message);
        fputs("}", f);
    }
    fputs(d->count ? "\n]\n" : "]\n", f);
}
