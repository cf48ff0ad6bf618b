/* The clerk's format: for every layout, a report written with the Chinese aliases of the
 * layout file (every table alias and every row alias, each used once) and with rows as one
 * string of numbers (separated by spaces, tabs, 、 and ，) loads to the same bound tables as
 * the same report written with the English keys and lists. A misspelt alias is refused with
 * the table named. */
#include "engine.h"
#include "layout.h"
#include "report.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

static const char *const LAYOUTS[] = {"gov-2021", "gov-2021-no-other", "gov-2019",
                                      "gov-2021-other-merged"};

/* The value of slot s as written: distinct per slot, of the slot's kind. */
static void slot_value(const nb_slot *slot, int s, char *out, size_t n)
{
    if (slot->kind == NB_KIND_AMOUNT)
        snprintf(out, n, "%d.25", s + 1);
    else if (slot->kind == NB_KIND_CHANGE)
        snprintf(out, n, "%d", s % 2 ? -(s + 1) : s + 1);
    else if (s % 7 == 3)
        snprintf(out, n, "/"); /* not applicable, as text */
    else
        snprintf(out, n, "%d", s + 1);
}

/* A whole report for layout `lay`. variant < 0: English keys, lists. variant k >= 0: the k-th
 * alias of every table and row (cycling through each one's list) and string rows whose
 * separators vary with k. */
static char *report_text(const nb_layout *lay, int variant)
{
    nb_buf b = {0};
    nb_buf_printf(&b, "agency: 测试局\nyear: 2025\nlayout: %s\nsections:\n", lay->name);
    static const char *const seps[] = {" ", "\t", "、", "，", "  "};
    for (int s = 0; s < NB_SECTIONS; s++) {
        const nb_ltable *t = NULL;
        for (size_t i = 0; i < lay->ntables; i++)
            if (lay->tables[i].section == s + 1)
                t = &lay->tables[i];
        if (!t) {
            nb_buf_puts(&b, "  - body: []\n");
            continue;
        }
        const char *tkey = variant < 0 || !t->naliases ? t->key
                                                       : t->aliases[(size_t)variant % t->naliases];
        nb_buf_printf(&b, "  - body:\n      - table: %s\n        values:\n", tkey);
        for (size_t g = 0; g < t->ngroups; g++) {
            const nb_group *grp = &t->groups[g];
            const char *key = variant < 0 || !grp->naliases
                                  ? grp->key
                                  : grp->aliases[(size_t)variant % grp->naliases];
            nb_buf_printf(&b, "          \"%s\": %s", key, variant < 0 ? "[" : "\"");
            for (int k = 0; k < grp->nslots; k++) {
                char v[32];
                int si = grp->first_slot + k;
                slot_value(&t->slots[si], si, v, sizeof v);
                if (variant < 0)
                    nb_buf_printf(&b, "%s%s%s%s", k ? ", " : "", strcmp(v, "/") ? "" : "\"", v,
                                  strcmp(v, "/") ? "" : "\"");
                else
                    nb_buf_printf(&b, "%s%s", k ? seps[(size_t)(variant + k) % 5] : "",
                                  !strcmp(seps[(size_t)(variant + k) % 5], "\t") ? v : v);
            }
            nb_buf_puts(&b, variant < 0 ? "]\n" : "\"\n");
        }
    }
    nb_buf_put(&b, "", 1);
    return (char *)b.data;
}

static nb_report *load(nb_engine *e, const char *text, const char *what)
{
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    int rc = nb_report_load_memory(e, what, text, strlen(text), &r, d);
    if (rc != NB_OK) {
        fprintf(stderr, "--- %s:\n%s\n", what, text);
        nb_diags_print(d, stderr);
    }
    EXPECT(rc == NB_OK, "%s loads", what);
    nb_diags_free(d);
    return r;
}

/* Same tables, slot for slot: presence, number or text. */
static void same_tables(const nb_report *a, const nb_report *b, const char *what)
{
    EXPECT(a->ntables == b->ntables, "%s: %zu tables, expected %zu", what, b->ntables,
           a->ntables);
    for (size_t i = 0; i < a->ntables && i < b->ntables; i++) {
        const nb_table *x = a->tables[i], *y = b->tables[i];
        EXPECT(x->layout == y->layout, "%s: table %zu is another table", what, i);
        if (x->layout != y->layout)
            continue;
        for (size_t g = 0; g < x->layout->ngroups; g++)
            EXPECT(x->group_given[g] && y->group_given[g], "%s: %s row %s given", what,
                   x->layout->name, x->layout->groups[g].key);
        for (size_t s = 0; s < x->layout->nslots; s++) {
            const nb_value *u = &x->values[s], *v = &y->values[s];
            EXPECT(u->present == v->present && u->is_text == v->is_text && u->num == v->num &&
                       (!u->is_text || !strcmp(u->text, v->text)),
                   "%s: %s %s: '%s' vs '%s'", what, x->layout->name, x->layout->slots[s].name,
                   u->text ? u->text : "", v->text ? v->text : "");
        }
    }
}

int main(void)
{
    const char *src = getenv("NB_SOURCE");
    char fonts[4096], layouts[4096];
    snprintf(fonts, sizeof fonts, "%s/fonts", src ? src : ".");
    snprintf(layouts, sizeof layouts, "%s/layouts", src ? src : ".");
    char *error = NULL;
    nb_engine_options o = {.font_dir = fonts, .layout_dir = layouts};
    nb_engine *e = nb_engine_new(&o, &error);
    if (!e) {
        fprintf(stderr, "no engine: %s\n", error ? error : "?");
        return 1;
    }
    for (size_t l = 0; l < sizeof LAYOUTS / sizeof *LAYOUTS; l++) {
        nb_diags *d = nb_diags_new();
        const nb_layout *lay = nb_engine_layout(e, LAYOUTS[l], d);
        nb_diags_free(d);
        EXPECT(lay != NULL, "layout %s loads", LAYOUTS[l]);
        if (!lay)
            continue;
        /* Every table and row has aliases; the variants use each of them once. */
        size_t most = 1;
        for (size_t t = 0; t < lay->ntables; t++) {
            EXPECT(lay->tables[t].naliases > 0, "%s: table %s has aliases", lay->name,
                   lay->tables[t].key);
            if (lay->tables[t].naliases > most)
                most = lay->tables[t].naliases;
            for (size_t g = 0; g < lay->tables[t].ngroups; g++) {
                EXPECT(lay->tables[t].groups[g].naliases > 0, "%s: row %s has aliases",
                       lay->name, lay->tables[t].groups[g].key);
                if (lay->tables[t].groups[g].naliases > most)
                    most = lay->tables[t].groups[g].naliases;
            }
        }
        char *english = report_text(lay, -1);
        nb_report *base = load(e, english, lay->name);
        free(english);
        if (!base)
            continue;
        for (int k = 0; k < (int)most; k++) {
            char *text = report_text(lay, k);
            char what[96];
            snprintf(what, sizeof what, "%s, aliases and string rows #%d", lay->name, k);
            nb_report *r = load(e, text, what);
            free(text);
            if (r)
                same_tables(base, r, what);
            nb_report_free(r);
        }
        nb_report_free(base);
    }
    /* A misspelt Chinese row key is an error naming the table, not a silent blank row. */
    const char *bad = "agency: 测试局\nyear: 2025\nlayout: gov-2021\nsections:\n"
                      "  - body: []\n  - body: []\n  - body:\n      - table: 表三\n"
                      "        values:\n          本年新收政府信息公开申请数: 1 0 0 0 0 0 1\n"
                      "  - body: []\n  - body: []\n  - body: []\n";
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    EXPECT(nb_report_load_memory(e, "bad.yaml", bad, strlen(bad), &r, d) == NB_EINPUT,
           "a misspelt alias is refused");
    const char *file, *msg;
    int line, col;
    EXPECT(nb_diags_count(d) >= 1 &&
               (nb_diags_get(d, 0, &file, &line, &col, &msg), line == 10 && strstr(msg, "表三")),
           "the refusal is at the row and names the table");
    nb_diags_free(d);
    nb_report_free(r);
    nb_engine_free(e);
    return failures != 0;
}
