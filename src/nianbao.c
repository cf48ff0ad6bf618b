/* The public API: engine (fonts and layouts shared by every document), loading, rendering. */
#define _GNU_SOURCE /* dladdr */
#include "nianbao.h"
#include "diag.h"
#include "engine.h"
#include "font.h"
#include "import.h"
#include "layout.h"
#include "page.h"
#include "pdf.h"
#include "report.h"
#include "sign.h"
#include "typeset.h"
#include "util.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NB_MAX_INPUT (8u << 20) /* a report description is a few KB; refuse more than 8 MiB */

const char *nb_version(void) { return NIANBAO_VERSION; }

struct nb_engine {
    char *font_dir, *layout_dir; /* owned */
    nb_fontset *fonts;           /* owned */
    pthread_mutex_t lock;        /* guards layouts */
    nb_layout **layouts;         /* owned, loaded on first use */
    char *title_words;           /* owned: layouts/title-words.txt, or NULL when absent */
    size_t nlayouts, cap_layouts;
};

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

#ifndef NB_DATA_FROM_BIN
#define NB_DATA_FROM_BIN "../share/nianbao"
#endif
#ifndef NB_DATA_FROM_LIB
#define NB_DATA_FROM_LIB "../share/nianbao"
#endif
#ifndef NB_INSTALL_DATADIR
#define NB_INSTALL_DATADIR "/usr/local/share/nianbao"
#endif

/* The folder of the file this code was loaded from: the shared library, or the program the
 * library is linked into (the main program's link map has an empty name: its path comes from
 * /proc/self/exe, not from argv[0]). NULL when unknown. Caller frees. */
static char *code_folder(void)
{
    Dl_info info;
    struct link_map *map = NULL;
    if (!dladdr1((void *)nb_version, &info, (void **)&map, RTLD_DL_LINKMAP) || !map)
        return NULL;
    const char *file = map->l_name && map->l_name[0] ? map->l_name : "/proc/self/exe";
    char *real = realpath(file, NULL);
    if (!real)
        return NULL;
    *strrchr(real, '/') = 0;
    return real;
}

/* Data files: an explicit folder, then $NIANBAO_DATADIR, then the installed data found from
 * where this code was loaded (bin/../share/nianbao or lib/../share/nianbao, so a moved
 * installation still finds its own), then the source tree (a build that has not been
 * installed), then the installed share folder by its configured path. */
static char *data_dir(const char *given, const char *sub)
{
    if (given)
        return nb_strdup(given);
    char *here = code_folder();
    char *from_bin = NULL, *from_lib = NULL;
    if (here) {
        size_t n = strlen(here) + 64;
        from_bin = nb_malloc(n);
        snprintf(from_bin, n, "%s/%s", here, NB_DATA_FROM_BIN);
        from_lib = nb_malloc(n + strlen(NB_DATA_FROM_LIB));
        snprintf(from_lib, n + strlen(NB_DATA_FROM_LIB), "%s/%s", here, NB_DATA_FROM_LIB);
        free(here);
    }
    const char *bases[] = {getenv("NIANBAO_DATADIR"), from_bin, from_lib, NB_SOURCE_DATADIR,
                           NB_INSTALL_DATADIR};
    char *found = NULL;
    for (size_t i = 0; i < sizeof bases / sizeof *bases && !found; i++) {
        if (!bases[i] || !bases[i][0])
            continue;
        size_t n = strlen(bases[i]) + strlen(sub) + 2;
        char *p = nb_malloc(n);
        snprintf(p, n, "%s/%s", bases[i], sub);
        if (is_dir(p))
            found = p;
        else
            free(p);
    }
    free(from_bin);
    free(from_lib);
    return found ? found : nb_strdup(sub);
}

/* The caller's options as this library version knows them: fields the caller's `size` does not
 * cover are zero (a size of 0 covers the 0.1 fields). */
#define NB_ENGINE_OPTIONS_0_1 (offsetof(nb_engine_options, layout_dir) + sizeof(const char *))
#define NB_RENDER_OPTIONS_0_1 (offsetof(nb_render_options, skip_check) + sizeof(int))

static void copy_options(void *to, size_t to_size, const void *from, size_t from_size,
                         size_t size_0_1)
{
    memset(to, 0, to_size);
    if (!from)
        return;
    size_t n = from_size ? from_size : size_0_1;
    memcpy(to, from, n < to_size ? n : to_size);
}

nb_engine *nb_engine_new(const nb_engine_options *options, char **error)
{
    nb_engine_options o;
    copy_options(&o, sizeof o, options, options ? options->size : 0, NB_ENGINE_OPTIONS_0_1);
    nb_engine *e = nb_calloc(1, sizeof *e);
    e->font_dir = data_dir(o.font_dir, "fonts");
    e->layout_dir = data_dir(o.layout_dir, "layouts");
    pthread_mutex_init(&e->lock, NULL);
    char *why = NULL;
    e->fonts = nb_fontset_new(e->font_dir, &why);
    if (error)
        *error = why;
    else
        free(why);
    if (!e->fonts) {
        nb_engine_free(e);
        return NULL;
    }
    /* The title word list: data beside the layouts, read once; titles break without it too,
     * only less well (at the agency's name and the year). */
    size_t n = strlen(e->layout_dir) + sizeof "/title-words.txt";
    char *path = nb_malloc(n);
    snprintf(path, n, "%s/title-words.txt", e->layout_dir);
    FILE *in = fopen(path, "rb");
    if (in) {
        nb_buf b = {0};
        char chunk[4096];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, in)) > 0 && b.len < (1u << 20))
            nb_buf_put(&b, chunk, got);
        fclose(in);
        nb_buf_put(&b, "", 1);
        e->title_words = (char *)b.data;
    }
    free(path);
    return e;
}

void nb_engine_free(nb_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nlayouts; i++)
        nb_layout_free(e->layouts[i]);
    free(e->layouts);
    free(e->title_words);
    if (e->fonts)
        nb_fontset_free(e->fonts);
    pthread_mutex_destroy(&e->lock);
    free(e->font_dir);
    free(e->layout_dir);
    free(e);
}

static int safe_layout_name(const char *s)
{
    if (!*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return 0;
    return 1;
}

/* Finds or loads a layout. Layout files are the program's own data: an error in one is reported
 * once per attempt with the layout file's own positions. */
static const nb_layout *engine_layout(nb_engine *e, const nb_text *name, nb_diags *d)
{
    if (!safe_layout_name(name->s)) {
        nb_diag_add(d, NB_ERROR, name->pos, "unknown layout '%s'", name->s);
        return NULL;
    }
    pthread_mutex_lock(&e->lock);
    const nb_layout *found = NULL;
    for (size_t i = 0; i < e->nlayouts && !found; i++)
        if (strcmp(e->layouts[i]->name, name->s) == 0)
            found = e->layouts[i];
    if (!found) {
        size_t n = strlen(e->layout_dir) + strlen(name->s) + 8;
        char *path = nb_malloc(n);
        snprintf(path, n, "%s/%s.yaml", e->layout_dir, name->s);
        if (access(path, R_OK) != 0) {
            nb_diag_add(d, NB_ERROR, name->pos, "unknown layout '%s' (no %s)", name->s, path);
        } else {
            nb_layout *l = NULL;
            if (nb_layout_load(path, &l, d) == NB_OK) {
                nb_grow(&e->layouts, &e->cap_layouts, e->nlayouts + 1, sizeof *e->layouts);
                e->layouts[e->nlayouts++] = l;
                found = l;
            }
        }
        free(path);
    }
    pthread_mutex_unlock(&e->lock);
    return found;
}

const nb_layout *nb_engine_layout(nb_engine *e, const char *name, nb_diags *d)
{
    nb_text t = {.s = (char *)name, .len = strlen(name)};
    return engine_layout(e, &t, d);
}

nb_fontset *nb_engine_fonts(nb_engine *e) { return e->fonts; }

int nb_report_load_memory(nb_engine *e, const char *name, const char *data, size_t size,
                          nb_report **out, nb_diags *d)
{
    *out = NULL;
    if (size > NB_MAX_INPUT) {
        nb_diag_add(d, NB_ERROR, (nb_pos){name, 0, 0},
                    "the report is %zu bytes; at most %u are accepted", size, NB_MAX_INPUT);
        return NB_EINPUT;
    }
    nb_report *r = NULL;
    int rc = nb_report_parse(name, data, size, &r, d);
    if (rc != NB_OK)
        return rc;
    rc = nb_report_attach(e, r, d);
    if (rc == NB_OK)
        *out = r;
    return rc;
}

int nb_report_attach(nb_engine *e, nb_report *r, nb_diags *d)
{
    const nb_layout *layout = engine_layout(e, &r->layout, d);
    if (!layout) {
        nb_report_free(r);
        return NB_EINPUT;
    }
    r->layout_ref = layout;
    r->national_ref = layout;
    if (layout->national && strcmp(layout->national, layout->name) != 0) {
        nb_text nat = {.s = layout->national, .len = strlen(layout->national), .pos = r->layout.pos};
        r->national_ref = engine_layout(e, &nat, d);
        if (!r->national_ref) {
            nb_report_free(r);
            return NB_EINPUT;
        }
    }
    int ok = 1;
    for (int s = 0; s < NB_SECTIONS; s++) {
        const nb_section *sec = &r->sections[s];
        for (size_t b = 0; b < sec->nblocks; b++) {
            if (sec->blocks[b].kind != NB_BLOCK_TABLE)
                continue;
            nb_table *t = nb_table_bind(layout, &sec->blocks[b].table, d);
            if (!t) {
                ok = 0;
                continue;
            }
            r->tables = nb_realloc(r->tables, (r->ntables + 1) * sizeof *r->tables);
            r->tables[r->ntables++] = t;
        }
    }
    if (!ok) {
        nb_report_free(r);
        return NB_EINPUT;
    }
    return NB_OK;
}

int nb_report_set_style(nb_report *r, const char *style)
{
    if (!strcmp(style, "grid"))
        r->style = NB_STYLE_GRID;
    else if (!strcmp(style, "compact"))
        r->style = NB_STYLE_COMPACT;
    else
        return NB_EINPUT;
    return NB_OK;
}

int nb_report_use_font(nb_report *r, const char *role, const char *font)
{
    for (int i = 0; i < NB_ROLES; i++) {
        if (strcmp(nb_role_names[i], role) != 0)
            continue;
        nb_text *list = nb_malloc((r->nfonts[i] + 1) * sizeof *list);
        list[0] = (nb_text){.s = nb_strdup(font), .len = strlen(font), .pos = {"--font", 0, 0}};
        if (r->nfonts[i])
            memcpy(list + 1, r->fonts[i], r->nfonts[i] * sizeof *list);
        free(r->fonts[i]);
        r->fonts[i] = list;
        r->nfonts[i]++;
        return NB_OK;
    }
    return NB_EINPUT;
}

int nb_report_load_file(nb_engine *e, const char *path, nb_report **out, nb_diags *d)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0}, "cannot read: %s", strerror(errno));
        return NB_EINPUT;
    }
    nb_buf b = {0};
    char chunk[65536];
    size_t n;
    int too_big = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > NB_MAX_INPUT) {
            too_big = 1;
            break;
        }
        nb_buf_put(&b, chunk, n);
    }
    int read_error = ferror(f);
    fclose(f);
    if (too_big || read_error) {
        if (too_big)
            nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0},
                        "the report is larger than %u bytes", NB_MAX_INPUT);
        else
            nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0}, "cannot read: %s", strerror(errno));
        nb_buf_free(&b);
        return NB_EINPUT;
    }
    /* A published report (text, HTML, .docx, PDF) is imported in memory; its messages point
     * into it. */
    const char *data = b.data ? (const char *)b.data : "";
    int rc = nb_import_sniff(path, data, b.len) == NB_FORMAT_YAML
                 ? nb_report_load_memory(e, path, data, b.len, out, d)
                 : nb_import_load(e, path, data, b.len, out, d);
    nb_buf_free(&b);
    return rc;
}

static int dump_layout(const nb_doc *doc, const nb_render_options *o, nb_diags *d)
{
    if (!o || !o->dump_layout)
        return NB_OK;
    int to_stdout = strcmp(o->dump_layout, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(o->dump_layout, "w");
    if (!f) {
        nb_diag_add(d, NB_ERROR, (nb_pos){o->dump_layout, 0, 0}, "cannot write: %s",
                    strerror(errno));
        return NB_EINPUT;
    }
    nb_doc_dump(doc, f, o->dump_json);
    if (!to_stdout && fclose(f) != 0) {
        nb_diag_add(d, NB_ERROR, (nb_pos){o->dump_layout, 0, 0}, "cannot write: %s",
                    strerror(errno));
        return NB_EINPUT;
    }
    return NB_OK;
}

int nb_render_memory(nb_engine *e, const nb_report *r, const nb_render_options *options,
                     unsigned char **pdf, size_t *size, nb_diags *d)
{
    *pdf = NULL;
    *size = 0;
    nb_render_options known;
    copy_options(&known, sizeof known, options, options ? options->size : 0,
                 NB_RENDER_OPTIONS_0_1);
    const nb_render_options *o = &known;
    /* Unless the caller already did, the check runs, so a forced render still prints what is
     * wrong. */
    if (!o->skip_check) {
        size_t before = d->errors;
        nb_check(r, NULL, d);
        if (d->errors > before && !o->force)
            return NB_EREPORT;
    }
    nb_doc doc = {0};
    int rc = nb_typeset(r, e->fonts, e->title_words, &doc, d);
    if (rc == NB_OK)
        rc = dump_layout(&doc, o, d);
    if (rc == NB_OK) {
        nb_buf out = {0};
        nb_pdf_options po = {.pdfa = o->pdfa, .copies = o->copies};
        rc = nb_pdf_write(&doc, &po, &out, d);
        if (rc == NB_OK && (o->sign_p12 || o->sign_key || o->sign_cert)) {
            nb_sign_options so = {.p12_path = o->sign_p12, .key_path = o->sign_key,
                                  .cert_path = o->sign_cert, .password = o->sign_password,
                                  .reason = o->sign_reason, .location = o->sign_location,
                                  .cades = o->sign_cades};
            rc = nb_sign_pdf(&out, &so, d);
        }
        if (rc == NB_OK) {
            *pdf = out.data;
            *size = out.len;
        } else {
            nb_buf_free(&out);
        }
    }
    nb_doc_free(&doc);
    return rc;
}

/* Writes bytes to path through a temporary file in the same folder, renamed into place only when
 * complete: a failed or interrupted write never leaves a partial file or destroys the old one. */
int nb_write_file_atomic(const char *path, const unsigned char *data, size_t size, nb_diags *d)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    size_t n = dirlen + strlen(base) + 16;
    char *tmp = nb_malloc(n);
    snprintf(tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0}, "cannot write: %s", strerror(errno));
        free(tmp);
        return NB_EINPUT;
    }
    size_t done = 0;
    int ok = 1;
    while (done < size) {
        ssize_t w = write(fd, data + done, size - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            ok = 0;
            break;
        }
        done += (size_t)w;
    }
    int saved = errno;
    if (ok && fsync(fd) != 0) {
        ok = 0;
        saved = errno;
    }
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok) {
        chmod(tmp, 0644);
        if (rename(tmp, path) != 0) {
            ok = 0;
            saved = errno;
        }
    }
    if (!ok) {
        unlink(tmp);
        nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0}, "cannot write: %s", strerror(saved));
    }
    free(tmp);
    return ok ? NB_OK : NB_EINPUT;
}

int nb_render_file(nb_engine *e, const nb_report *r, const nb_render_options *o,
                   const char *path, nb_diags *d)
{
    unsigned char *pdf = NULL;
    size_t size = 0;
    int rc = nb_render_memory(e, r, o, &pdf, &size, d);
    if (rc == NB_OK)
        rc = nb_write_file_atomic(path, pdf, size, d);
    free(pdf);
    return rc;
}
