/* The fuzzed entry points: the report loader, the layout loader, and the whole path from text to
 * PDF bytes in memory. Diagnostics are collected and dropped: only crashes, sanitizer reports and
 * leaks are findings. */
#include "targets.h"
#include "diag.h"
#include "access.h"
#include "import.h"
#include "layout.h"
#include "report.h"
#include "cff.h"
#include "seal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

nb_engine *nb_fuzz_engine(void)
{
    char *error = NULL;
    nb_engine_options o = {.font_dir = NB_SOURCE_DATADIR "/fonts",
                           .layout_dir = NB_SOURCE_DATADIR "/layouts"};
    nb_engine *e = nb_engine_new(&o, &error);
    if (!e) {
        fprintf(stderr, "fuzz: no engine: %s\n", error ? error : "?");
        abort();
    }
    return e;
}

int nb_fuzz_report(nb_engine *e, const uint8_t *data, size_t size)
{
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    nb_report_load_memory(e, "fuzz.yaml", (const char *)data, size, &r, d);
    nb_report_free(r);
    nb_diags_free(d);
    return 0;
}

int nb_fuzz_layout(const uint8_t *data, size_t size)
{
    nb_diags *d = nb_diags_new();
    nb_layout *l = NULL;
    /* Named as a file of the layouts folder, so that a `base:` finds the real layouts. */
    if (nb_layout_parse(NB_SOURCE_DATADIR "/layouts/fuzz.yaml", (const char *)data, size, &l, d) ==
        NB_OK)
        nb_layout_free(l);
    nb_diags_free(d);
    return 0;
}

int nb_fuzz_render(nb_engine *e, const uint8_t *data, size_t size)
{
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    if (nb_report_load_memory(e, "fuzz.yaml", (const char *)data, size, &r, d) == NB_OK) {
        nb_check(r, NULL, d);
        nb_render_options o = {.force = 1};
        unsigned char *pdf = NULL;
        size_t len = 0;
        nb_render_memory(e, r, &o, &pdf, &len, d);
        free(pdf);
    }
    nb_report_free(r);
    nb_diags_free(d);
    return 0;
}

typedef int (*import_reader)(const char *, const char *, size_t, nb_import_doc *, nb_diags *);

static int fuzz_import(import_reader read, const uint8_t *data, size_t size)
{
    nb_diags *d = nb_diags_new();
    nb_import_doc doc;
    if (read("fuzz", (const char *)data, size, &doc, d) == NB_OK)
        nb_import_doc_clear(&doc);
    nb_diags_free(d);
    return 0;
}

int nb_fuzz_import_html(const uint8_t *data, size_t size)
{
    return fuzz_import(nb_import_read_html, data, size);
}

int nb_fuzz_import_docx(const uint8_t *data, size_t size)
{
    return fuzz_import(nb_import_read_docx, data, size);
}

int nb_fuzz_import_pdf(const uint8_t *data, size_t size)
{
    return fuzz_import(nb_import_read_pdf, data, size);
}

int nb_fuzz_import_text(nb_engine *e, const uint8_t *data, size_t size)
{
    nb_diags *d = nb_diags_new();
    nb_import_doc doc;
    if (nb_import_read_text("fuzz.txt", (const char *)data, size, &doc, d) == NB_OK) {
        char *yaml = NULL;
        size_t len = 0;
        if (nb_import_recognize(e, &doc, &yaml, &len, NULL, d) == NB_OK) {
            nb_diags *yd = nb_diags_new();
            nb_report *r = NULL;
            nb_report_parse("fuzz.yaml", yaml, len, &r, yd);
            for (size_t i = 0; i < yd->count; i++)
                if (strstr(yd->items[i].message, "invalid YAML") ||
                    strstr(yd->items[i].message, "invalid UTF-8") ||
                    strstr(yd->items[i].message, "is not allowed")) {
                    fprintf(stderr, "fuzz: the recognizer wrote a bad description: %s\n%s\n",
                            yd->items[i].message, yaml);
                    abort();
                }
            nb_report_free(r);
            nb_diags_free(yd);
        }
        free(yaml);
        nb_import_doc_clear(&doc);
    }
    /* The whole path as check takes it: import in memory, positions mapped, then the check. */
    nb_report *r = NULL;
    if (nb_import_load(e, "fuzz.txt", (const char *)data, size, &r, d) == NB_OK)
        nb_check(r, NULL, d);
    nb_report_free(r);
    nb_diags_free(d);
    return 0;
}

int nb_fuzz_cff(const uint8_t *data, size_t size)
{
    uint32_t *cids = NULL;
    size_t count = nb_cff_cids(data, size, &cids);
    free(cids);
    uint32_t gids[40], sub_cids[40];
    size_t n = 0;
    for (uint32_t g = 1; g < count && n < 40; g++)
        gids[n++] = g;
    atomic_size_t budget;
    atomic_init(&budget, (size_t)1 << 20);
    nb_cff_glyphs *kept = count ? nb_cff_glyphs_new(count, &budget) : NULL;
    for (int pass = 0; pass < 2; pass++) {
        nb_buf out = {0};
        if (nb_cff_subset(data, size, gids, n, kept, &out, sub_cids)) {
            uint32_t *back = NULL;
            size_t got = nb_cff_cids(out.data, out.len, &back);
            if (got != n + 1)
                abort(); /* .notdef and the glyphs asked for */
            for (size_t i = 0; i < n; i++)
                if (back[i + 1] != sub_cids[i])
                    abort();
            free(back);
        }
        nb_buf_free(&out);
    }
    nb_cff_glyphs_free(kept);
    return 0;
}

int nb_fuzz_seal(const uint8_t *data, size_t size)
{
    nb_raster r;
    char why[256];
    if (nb_raster_decode(data, size, &r, why, sizeof why) == 0) {
        /* Touch every sample, so that a short plane is a sanitizer report. */
        size_t n = (size_t)r.width * r.height, sum = 0;
        for (size_t i = 0; i < n * (size_t)r.components; i++)
            sum += r.pixels[i];
        for (size_t i = 0; r.alpha && i < n; i++)
            sum += r.alpha[i];
        if (r.components != 1 && r.components != 3)
            abort();
        (void)sum;
        nb_raster_free(&r);
    } else if (!why[0]) {
        abort(); /* a refusal always says why */
    }
    return 0;
}

/* The tree for nb_fuzz_access, made once per process (and left for the next one):
 *   report/   a.png, sub/b.png, sub/deeper/c.png, fifo, in -> sub/b.png, up -> ..,
 *             abs -> /, loop -> loop, out -> ../secret/key.png, toallowed -> ../allowed,
 *             sub/back -> ../../secret, dangling -> ../secret/none
 *   allowed/  d.png, sub/e.png, esc -> ../secret/key.png
 *   secret/   key.png
 * Whatever the tree's state from an earlier run, what exists is checked by inode. */
typedef struct access_world {
    nb_access closed, open;  /* without and with allowed/ */
    dev_t dev;
    ino_t report_files[4], allowed_files[2];
} access_world;

static void put_file(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(path, f);
        fclose(f);
    }
}

static ino_t inode(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? st.st_ino : 0;
}

static access_world *access_world_get(void)
{
    static access_world *w;
    if (w)
        return w;
    w = calloc(1, sizeof *w);
    const char *t = NB_FUZZ_ACCESS_TREE;
    static const char *const dirs[] = {"", "/report", "/report/sub", "/report/sub/deeper",
                                       "/allowed", "/allowed/sub", "/secret"};
    static const char *const files[] = {"/report/a.png", "/report/sub/b.png",
                                        "/report/sub/deeper/c.png", "/allowed/d.png",
                                        "/allowed/sub/e.png", "/secret/key.png"};
    static const char *const links[][2] = {
        {"/report/in", "sub/b.png"},          {"/report/up", ".."},
        {"/report/abs", "/"},                 {"/report/loop", "loop"},
        {"/report/out", "../secret/key.png"}, {"/report/toallowed", "../allowed"},
        {"/report/sub/back", "../../secret"}, {"/report/dangling", "../secret/none"},
        {"/allowed/esc", "../secret/key.png"}};
    char path[512];
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        snprintf(path, sizeof path, "%s%s", t, dirs[i]);
        mkdir(path, 0755);
    }
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s%s", t, files[i]);
        put_file(path);
    }
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        snprintf(path, sizeof path, "%s%s", t, links[i][0]);
        if (symlink(links[i][1], path) != 0 && errno != EEXIST)
            perror(path);
    }
    snprintf(path, sizeof path, "%s/report/fifo", t);
    if (mkfifo(path, 0644) != 0 && errno != EEXIST)
        perror(path);
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", t, files[i]);
        w->report_files[i] = inode(path);
    }
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s%s", t, files[3 + i]);
        w->allowed_files[i] = inode(path);
    }
    struct stat st;
    if (stat(t, &st) == 0)
        w->dev = st.st_dev;
    char allowed[512];
    snprintf(allowed, sizeof allowed, "%s/allowed", t);
    snprintf(path, sizeof path, "%s/report/r.yaml", t);
    const char *list[] = {allowed, NULL};
    nb_access_init(&w->closed, path, NULL, NULL);
    nb_access_init(&w->open, path, list, NULL);
    return w;
}

int nb_fuzz_access(const uint8_t *data, size_t size)
{
    access_world *w = access_world_get();
    if (!size || size > 4096)
        return 0;
    int allow = data[0] & 1;
    char *path = malloc(size);
    memcpy(path, data + 1, size - 1);
    path[size - 1] = 0;
    int fd = -1, err = 0;
    nb_access_status st = nb_access_open(allow ? &w->open : &w->closed, path, &fd, &err);
    if (st == NB_ACCESS_OK) {
        struct stat sb;
        int ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_dev == w->dev;
        int known = 0;
        for (int i = 0; i < 3; i++)
            known |= sb.st_ino == w->report_files[i];
        for (int i = 0; allow && i < 2; i++)
            known |= sb.st_ino == w->allowed_files[i];
        if (!ok || !known) {
            fprintf(stderr, "fuzz_access: '%s' opened a file it may not (inode %lu)\n", path,
                    (unsigned long)sb.st_ino);
            abort();
        }
        close(fd);
    } else if (st == NB_ACCESS_ERRNO && !err) {
        abort(); /* an error without its errno */
    }
    free(path);
    return 0;
}
