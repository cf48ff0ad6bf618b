/* A layout copy shares nothing with its source (freeing either leaves the other whole: run
 * under AddressSanitizer), and a variant loaded over a base kept in a cache is the variant
 * nb_layout_load reads from the files: the same model, the same files, the same errors. */
#include "layout.h"
#include "rule_expr.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expect.h"

static int same_str(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

static int same_strs(char *const *a, char *const *b, size_t n)
{
    if (!a || !b)
        return a == b;
    for (size_t i = 0; i < n; i++)
        if (!same_str(a[i], b[i]))
            return 0;
    return 1;
}

static int same_ints(const int *a, const int *b, size_t n)
{
    return (!a || !b) ? a == b : !memcmp(a, b, n * sizeof *a);
}

/* Every field of two layouts equal, and no pointer shared (`apart`): nothing owned twice. */
static int same_layout(const nb_layout *a, const nb_layout *b, int apart)
{
    int ok = same_str(a->name, b->name) && same_str(a->file, b->file) && a->nfiles == b->nfiles &&
             same_strs(a->files, b->files, a->nfiles) && same_str(a->title, b->title) &&
             same_str(a->national, b->national) && a->ntables == b->ntables &&
             a->nwords == b->nwords && same_strs(a->words, b->words, a->nwords);
    for (int i = 0; ok && i < NB_SECTIONS; i++)
        ok = same_str(a->numbers[i], b->numbers[i]) && same_str(a->headings[i], b->headings[i]);
    if (apart && ok)
        ok = a->name != b->name && a->files != b->files && a->tables != b->tables &&
             (!a->words || a->words != b->words) && a->headings[0] != b->headings[0];
    for (size_t t = 0; ok && t < a->ntables; t++) {
        const nb_ltable *x = &a->tables[t], *y = &b->tables[t];
        ok = same_str(x->key, y->key) && same_str(x->name, y->name) && x->section == y->section &&
             x->ncols == y->ncols && x->nrows == y->nrows && x->header_rows == y->header_rows &&
             x->ncells == y->ncells && x->nslots == y->nslots && x->ngroups == y->ngroups &&
             x->nrules == y->nrules && x->naliases == y->naliases &&
             same_strs(x->aliases, y->aliases, x->naliases) &&
             (!x->widths || !y->widths
                  ? x->widths == y->widths
                  : !memcmp(x->widths, y->widths, (size_t)x->ncols * sizeof *x->widths));
        if (apart && ok)
            ok = x->cells != y->cells && x->slots != y->slots && x->groups != y->groups &&
                 (!x->widths || x->widths != y->widths) && x->key != y->key;
        for (size_t i = 0; ok && i < x->ncells; i++) {
            const nb_lcell *p = &x->cells[i], *q = &y->cells[i];
            ok = p->row == q->row && p->col == q->col && p->rowspan == q->rowspan &&
                 p->colspan == q->colspan && p->value == q->value && same_str(p->text, q->text) &&
                 (!apart || !p->text || p->text != q->text);
        }
        for (size_t i = 0; ok && i < x->nslots; i++) {
            const nb_slot *p = &x->slots[i], *q = &y->slots[i];
            ok = p->cell == q->cell && p->group == q->group && p->index == q->index &&
                 p->kind == q->kind && same_str(p->column, q->column) &&
                 same_str(p->name, q->name) && (!apart || p->column != q->column);
        }
        for (size_t i = 0; ok && i < x->ngroups; i++) {
            const nb_group *p = &x->groups[i], *q = &y->groups[i];
            ok = same_str(p->key, q->key) && same_str(p->name, q->name) &&
                 p->first_slot == q->first_slot && p->nslots == q->nslots && p->row == q->row &&
                 p->naliases == q->naliases && same_strs(p->aliases, q->aliases, p->naliases) &&
                 (!apart || !p->aliases || p->aliases != q->aliases);
        }
        for (size_t i = 0; ok && i < x->nrules; i++) {
            const nb_rule *p = &x->rules[i], *q = &y->rules[i];
            ok = same_str(p->id, q->id) && same_str(p->text, q->text) &&
                 p->per_column == q->per_column && p->severity == q->severity &&
                 p->cross_year == q->cross_year && p->ntotal == q->ntotal &&
                 p->nparts == q->nparts && p->nminus == q->nminus &&
                 same_strs(p->total, q->total, p->ntotal) &&
                 same_strs(p->parts, q->parts, p->nparts) &&
                 same_strs(p->minus, q->minus, p->nminus) && same_str(p->previous, q->previous) &&
                 same_str(p->check, q->check) && p->ntotal_ix == q->ntotal_ix &&
                 p->nparts_ix == q->nparts_ix && p->nminus_ix == q->nminus_ix &&
                 p->nrows_ix == q->nrows_ix && p->previous_ix == q->previous_ix &&
                 same_ints(p->total_ix, q->total_ix, p->ntotal_ix) &&
                 same_ints(p->parts_ix, q->parts_ix, p->nparts_ix) &&
                 same_ints(p->minus_ix, q->minus_ix, p->nminus_ix) &&
                 same_ints(p->rows_ix, q->rows_ix, p->nrows_ix) &&
                 (!apart || (p->id != q->id && (!p->total_ix || p->total_ix != q->total_ix)));
        }
    }
    return ok;
}

static nb_layout *load(const char *path, const nb_layout_cache *cache, char **messages)
{
    nb_diags *d = nb_diags_new();
    nb_layout *l = NULL;
    nb_layout_load_cached(path, cache, &l, d);
    nb_buf b = {0};
    for (size_t i = 0; i < nb_diags_count(d); i++) {
        const char *f, *msg;
        int line, col;
        nb_diags_get(d, i, &f, &line, &col, &msg);
        nb_buf_printf(&b, "%s:%d:%d: %s\n", f, line, col, msg);
    }
    nb_buf_put(&b, "", 1);
    if (messages)
        *messages = (char *)b.data;
    else
        nb_buf_free(&b);
    nb_diags_free(d);
    return l;
}

/* A cache as an engine keeps one: every layout read, by file; counts what it was given. */
typedef struct test_cache {
    nb_layout *kept[16];
    size_t nkept, finds, hits;
} test_cache;

static const nb_layout *cache_find(void *ctx, const char *path)
{
    test_cache *c = ctx;
    c->finds++;
    for (size_t i = 0; i < c->nkept; i++)
        if (!strcmp(c->kept[i]->file, path)) {
            c->hits++;
            return c->kept[i];
        }
    return NULL;
}

static void cache_keep(void *ctx, nb_layout *l)
{
    test_cache *c = ctx;
    if (c->nkept < sizeof c->kept / sizeof *c->kept)
        c->kept[c->nkept++] = l;
    else
        nb_layout_free(l);
}

static void cache_clear(test_cache *c)
{
    for (size_t i = 0; i < c->nkept; i++)
        nb_layout_free(c->kept[i]);
    memset(c, 0, sizeof *c);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

int main(void)
{
    const char *src = getenv("NB_SOURCE");
    char base[1024], variant[1024];
    snprintf(base, sizeof base, "%s/layouts/gov-2021.yaml", src ? src : ".");
    snprintf(variant, sizeof variant, "%s/layouts/gov-2021-no-other.yaml", src ? src : ".");

    /* A copy, its source freed: every field still there and equal to a fresh load. */
    nb_layout *fresh = load(base, NULL, NULL);
    EXPECT(fresh && fresh->ntables >= 3 && fresh->tables[0].nrules > 0, "gov-2021 loads");
    if (!fresh)
        return 1;
    nb_layout *source = load(base, NULL, NULL);
    nb_layout *copy = nb_layout_copy(source);
    EXPECT(same_layout(copy, source, 1), "a copy equals its source and shares nothing with it");
    nb_layout_free(source);
    EXPECT(same_layout(copy, fresh, 1), "a copy outlives its source");
    /* The other way: the copy changed and freed, the source untouched. */
    nb_layout *copy2 = nb_layout_copy(copy);
    free(copy2->tables[0].cells[0].text);
    copy2->tables[0].cells[0].text = nb_strdup("changed");
    EXPECT(!same_layout(copy2, copy, 0) && same_layout(copy, fresh, 1),
           "changing a copy leaves its source as it was");
    nb_layout_free(copy2);
    EXPECT(same_layout(copy, fresh, 1), "a source outlives its copy");
    nb_layout_free(copy);

    /* A variant over a cached base: the same as read from the files, with the base read once. */
    char *want_msgs = NULL, *msgs = NULL;
    nb_layout *plain = load(variant, NULL, NULL);
    EXPECT(plain && plain->nfiles == 2 && !strcmp(plain->files[1], base),
           "the variant lists its base's file");
    test_cache tc = {0};
    nb_layout_cache cache = {cache_find, cache_keep, &tc};
    nb_layout *v1 = load(variant, &cache, NULL);
    EXPECT(tc.nkept == 1 && tc.hits == 0 && same_layout(tc.kept[0], fresh, 1),
           "the base read from its file is kept (%zu kept)", tc.nkept);
    nb_layout *v2 = load(variant, &cache, NULL);
    EXPECT(tc.nkept == 1 && tc.hits == 1, "the second variant starts from the kept base");
    EXPECT(plain && v1 && v2 && same_layout(v1, plain, 1) && same_layout(v2, plain, 1),
           "a variant over a cached base is the variant read from the files");
    cache_clear(&tc);
    EXPECT(v1 && plain && same_layout(v1, plain, 1), "the variant outlives the cached base");
    nb_layout_free(v1);
    nb_layout_free(v2);
    nb_layout_free(plain);
    nb_layout_free(fresh);

    /* A base edited on disk is read again by a new cache (a new engine), and a chain of bases
     * too long from here is refused even when its end is cached. */
    char dir[] = "/tmp/nb-layout-copy-XXXXXX";
    EXPECT(mkdtemp(dir) != NULL, "temporary folder");
    char path[6][256];
    for (int i = 0; i < 6; i++)
        snprintf(path[i], sizeof path[i], "%s/l%d.yaml", dir, i);
    const char *head = "sections: [一、a, 二、b, 三、c, 四、d, 五、e, 六、f]\n"
                       "tables:\n  - {table: t, name: 表X, section: 2, columns: 2,\n"
                       "     grid: [[%s, {values: a, columns: [x]}]]}\n";
    char text[1024];
    snprintf(text, sizeof text, "layout: l5\n");
    snprintf(text + strlen(text), sizeof text - strlen(text), head, "甲");
    write_file(path[5], text);
    for (int i = 0; i < 5; i++) {
        snprintf(text, sizeof text, "layout: l%d\nbase: l%d\n", i, i + 1);
        write_file(path[i], text);
    }
    nb_layout *l4 = load(path[4], &cache, NULL);
    EXPECT(l4 && !strcmp(l4->tables[0].cells[0].text, "甲"), "l4 over l5");
    cache_clear(&tc);
    snprintf(text, sizeof text, "layout: l5\n");
    snprintf(text + strlen(text), sizeof text - strlen(text), head, "乙");
    write_file(path[5], text);
    nb_layout *l4b = load(path[4], &cache, NULL);
    EXPECT(l4b && !strcmp(l4b->tables[0].cells[0].text, "乙"), "the edited base is read");
    nb_layout_free(l4);
    nb_layout_free(l4b);
    cache_clear(&tc);

    nb_layout *l1 = load(path[1], &cache, NULL); /* l1 … l5: five files, the most allowed */
    EXPECT(l1 && l1->nfiles == 5 && tc.nkept == 4, "l1 over four bases (%zu kept)", tc.nkept);
    nb_layout *none = load(path[0], NULL, &want_msgs);
    EXPECT(!none && strstr(want_msgs, "too many bases in a row"), "six files are too many");
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) /* l1 itself cached too */
            cache_keep(&tc, l1);
        nb_layout *none2 = load(path[0], &cache, &msgs);
        EXPECT(!none2 && !strcmp(msgs, want_msgs),
               "six files are too many, cached or not (pass %d):\n%s---\n%s", pass, msgs,
               want_msgs);
        free(msgs);
    }
    free(want_msgs);
    cache_clear(&tc);
    for (int i = 0; i < 6; i++)
        unlink(path[i]);
    rmdir(dir);

    if (failures)
        fprintf(stderr, "layout_copy: %d failure(s)\n", failures);
    return failures ? 1 : 0;
}
