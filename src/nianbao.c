/* The public API: engine (fonts and layouts shared by every document), loading, rendering. */
#include "nianbao.h"
#include "access.h"
#include "diag.h"
#include "engine.h"
#include "font.h"
#include "html.h"
#include "import.h"
#include "layout.h"
#include "module.h"
#include "output.h"
#include "page.h"
#include "pdf.h"
#include "report.h"
#include "seal.h"
#include "sign.h"
#include "statements.h"
#include "table.h"
#include "typeset.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NB_MAX_INPUT (8u << 20) /* a report description is a few KB; refuse more than 8 MiB */

const char *nb_version(void) { return NIANBAO_VERSION; }

/* Bytes of font subsets an engine keeps between documents. The sets that repeat in a batch (the
 * heading, title-page and Latin faces) take a few hundred KB: on 1,000 generated reports 1 MiB
 * kept 72 % of the subsets from being made again, 4 MiB 73 % for 3 MiB more memory. */
#define NB_SUBSET_CACHE_BYTES (1u << 20)

struct nb_engine {
    char *font_dir, *layout_dir; /* owned */
    nb_fontset *fonts;           /* owned */
    pthread_mutex_t lock;        /* guards layouts */
    nb_layout **layouts;         /* owned, loaded on first use */
    char *title_words;           /* owned: layouts/title-words.txt, or NULL when absent */
    size_t nlayouts, cap_layouts;
    nb_statements *statements;   /* owned, loaded on first use (guarded by lock) */
    int statements_tried;
    nb_subset_cache *subsets;    /* owned: font subsets reused between documents (pdf.h) */
    nb_label_cache *labels;      /* owned: table labels shaped once per layout (table.h) */
    nb_coverage *coverage[NB_ROLES]; /* owned: what the bundled fonts of each role have, made on
                                        first use (guarded by lock); NULL: a font is missing */
    int coverage_tried;
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

/* Data files: an explicit folder, then $NIANBAO_DATADIR, then the installed data found from
 * where this code was loaded (bin/../share/nianbao or lib/../share/nianbao, so a moved
 * installation still finds its own), then the source tree (a build that has not been
 * installed), then the installed share folder by its configured path. */
static char *data_dir(const char *given, const char *sub)
{
    if (given)
        return nb_strdup(given);
    char *here = nb_code_folder();
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
    e->subsets = nb_subset_cache_new(NB_SUBSET_CACHE_BYTES);
    e->labels = nb_label_cache_new();
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
    nb_label_cache_free(e->labels); /* before the layouts and fonts its labels borrow */
    for (size_t i = 0; i < e->nlayouts; i++)
        nb_layout_free(e->layouts[i]);
    free(e->layouts);
    free(e->title_words);
    nb_statements_free(e->statements);
    nb_subset_cache_free(e->subsets); /* before the fonts its subsets name */
    for (int i = 0; i < NB_ROLES; i++) {
        int shared = 0;
        for (int j = 0; j < i; j++)
            shared |= e->coverage[j] == e->coverage[i];
        if (!shared)
            nb_coverage_free(e->coverage[i]);
    }
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

/* The layout read from the file `path`, for the loader (a variant's base); the engine's lock is
 * held. */
static const nb_layout *find_layout_file(void *ctx, const char *path)
{
    nb_engine *e = ctx;
    for (size_t i = 0; i < e->nlayouts; i++)
        if (strcmp(e->layouts[i]->file, path) == 0)
            return e->layouts[i];
    return NULL;
}

/* Takes a base the loader read, so that the next variant of it, or the base asked for by its
 * own name (a variant's national layout), is not read again; the engine's lock is held. */
static void keep_layout(void *ctx, nb_layout *layout)
{
    nb_engine *e = ctx;
    nb_grow(&e->layouts, &e->cap_layouts, e->nlayouts + 1, sizeof *e->layouts);
    e->layouts[e->nlayouts++] = layout;
}

/* Finds or loads a layout: the one read from layouts/NAME.yaml. Layout files are the program's
 * own data: an error in one is reported once per attempt with the layout file's own positions. */
static const nb_layout *engine_layout(nb_engine *e, const nb_text *name, nb_diags *d)
{
    if (!safe_layout_name(name->s)) {
        nb_diag_add(d, NB_ERROR, name->pos, "unknown layout '%s'", name->s);
        return NULL;
    }
    size_t n = strlen(e->layout_dir) + strlen(name->s) + 8;
    char *path = nb_malloc(n);
    snprintf(path, n, "%s/%s.yaml", e->layout_dir, name->s);
    pthread_mutex_lock(&e->lock);
    const nb_layout *found = find_layout_file(e, path);
    if (!found) {
        if (access(path, R_OK) != 0) {
            nb_diag_add(d, NB_ERROR, name->pos, "unknown layout '%s' (no %s)", name->s, path);
        } else {
            nb_layout *l = NULL;
            nb_layout_cache cache = {find_layout_file, keep_layout, e};
            if (nb_layout_load_cached(path, &cache, &l, d) == NB_OK) {
                keep_layout(e, l);
                found = l;
            }
        }
    }
    pthread_mutex_unlock(&e->lock);
    free(path);
    return found;
}

/* The statement patterns of layouts/statements.yaml, loaded once. A layouts folder without the
 * file checks no text; a broken file is the program's own error, reported with its position. */
static const nb_statements *engine_statements(nb_engine *e, nb_diags *d)
{
    pthread_mutex_lock(&e->lock);
    if (!e->statements_tried) {
        size_t n = strlen(e->layout_dir) + 32;
        char *path = nb_malloc(n);
        snprintf(path, n, "%s/statements.yaml", e->layout_dir);
        if (access(path, R_OK) == 0 && nb_statements_load(path, &e->statements, d) != NB_OK)
            e->statements = NULL;
        else
            e->statements_tried = 1;
        free(path);
    }
    const nb_statements *s = e->statements;
    pthread_mutex_unlock(&e->lock);
    return s;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The layouts of the layouts folder that belong to `layout`'s national format (itself
 * included), by name: the shapes a table written for another of them may fit. Loaded only
 * when a table does not fit its layout. *out is malloc'd (caller frees); the layouts are the
 * engine's. */
static size_t engine_family(nb_engine *e, const nb_layout *layout, const nb_layout ***out)
{
    *out = NULL;
    const char *nat = layout->national ? layout->national : layout->name;
    DIR *dir = opendir(e->layout_dir);
    if (!dir)
        return 0;
    char **names = NULL;
    size_t nnames = 0, cap = 0;
    struct dirent *ent;
    while ((ent = readdir(dir)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (len <= 5 || strcmp(ent->d_name + len - 5, ".yaml") != 0 ||
            !strcmp(ent->d_name, "statements.yaml"))
            continue;
        char *name = nb_strndup(ent->d_name, len - 5);
        if (!safe_layout_name(name)) {
            free(name);
            continue;
        }
        nb_grow(&names, &cap, nnames + 1, sizeof *names);
        names[nnames++] = name;
    }
    closedir(dir);
    if (nnames > 1)
        qsort(names, nnames, sizeof *names, by_string);
    size_t n = 0;
    nb_diags *quiet = nb_diags_new(); /* a broken layout file is not this report's problem */
    if (nnames)
        *out = nb_calloc(nnames, sizeof **out);
    for (size_t i = 0; i < nnames; i++) {
        const nb_layout *l = nb_engine_layout(e, names[i], quiet);
        if (l && !strcmp(l->national ? l->national : l->name, nat))
            (*out)[n++] = l;
        free(names[i]);
    }
    nb_diags_free(quiet);
    free(names);
    return n;
}

const nb_layout *nb_engine_layout(nb_engine *e, const char *name, nb_diags *d)
{
    nb_text t = {.s = (char *)name, .len = strlen(name)};
    return engine_layout(e, &t, d);
}

nb_fontset *nb_engine_fonts(nb_engine *e) { return e->fonts; }
const char *nb_engine_font_dir(const nb_engine *e) { return e->font_dir; }
const char *nb_engine_layout_dir(const nb_engine *e) { return e->layout_dir; }

nb_coverage *nb_engine_coverage(nb_engine *e, int role)
{
    pthread_mutex_lock(&e->lock);
    if (!e->coverage_tried) {
        e->coverage_tried = 1;
        nb_font_list roles[NB_ROLES];
        nb_diags *quiet = nb_diags_new(); /* a missing bundled font: render says so */
        if (nb_font_roles(e->fonts, NULL, NULL, roles, NULL, quiet))
            for (int i = 0; i < NB_ROLES; i++) {
                /* Roles set in the same fonts (body and table) share one. */
                for (int j = 0; j < i && !e->coverage[i]; j++)
                    if (!memcmp(&roles[i], &roles[j], sizeof roles[i]))
                        e->coverage[i] = e->coverage[j];
                if (!e->coverage[i])
                    e->coverage[i] = nb_coverage_new(&roles[i]);
            }
        nb_diags_free(quiet);
    }
    nb_coverage *c = role >= 0 && role < NB_ROLES ? e->coverage[role] : NULL;
    pthread_mutex_unlock(&e->lock);
    return c;
}

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
    r->engine_ref = e;
    r->layout_ref = layout;
    r->national_ref = layout;
    r->statements_ref = engine_statements(e, d);
    if (layout->national && strcmp(layout->national, layout->name) != 0) {
        nb_text nat = {.s = layout->national, .len = strlen(layout->national), .pos = r->layout.pos};
        r->national_ref = engine_layout(e, &nat, d);
        if (!r->national_ref) {
            nb_report_free(r);
            return NB_EINPUT;
        }
    }
    int ok = 1;
    const nb_layout **family = NULL;
    size_t nfamily = 0;
    int family_loaded = 0;
    for (int s = 0; s < NB_SECTIONS; s++) {
        const nb_section *sec = &r->sections[s];
        for (size_t b = 0; b < sec->nblocks; b++) {
            if (sec->blocks[b].kind != NB_BLOCK_TABLE)
                continue;
            const nb_table_input *tin = &sec->blocks[b].table;
            const nb_ltable *lt = tin->key.s ? nb_layout_table(layout, tin->key.s) : NULL;
            nb_table *t;
            if (lt && !nb_table_fits(lt, tin)) {
                /* Written for another shape: one finding naming the layouts it fits. */
                if (!family_loaded) {
                    nfamily = engine_family(e, layout, &family);
                    family_loaded = 1;
                }
                t = nb_table_bind_family(layout, family, nfamily, tin, d);
            } else {
                t = nb_table_bind(layout, tin, d);
            }
            if (!t) {
                ok = 0;
                continue;
            }
            r->tables = nb_realloc(r->tables, (r->ntables + 1) * sizeof *r->tables);
            r->tables[r->ntables++] = t;
        }
    }
    free(family);
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

int nb_report_use_fonts(nb_report *r, const char *preset)
{
    if (strcmp(preset, "government") != 0)
        return NB_EINPUT;
    r->fonts_government = 1;
    r->fonts_government_pos = (nb_pos){"--fonts", 0, 0};
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
        r->nfonts_operator[i]++;
        return NB_OK;
    }
    return NB_EINPUT;
}

int nb_report_set_seal(nb_report *r, const unsigned char *data, size_t size)
{
    if (!r->signoff.s || !data || !size || size > NB_SEAL_MAX_BYTES)
        return NB_EINPUT;
    free(r->seal_data);
    r->seal_data = nb_malloc(size);
    memcpy(r->seal_data, data, size);
    r->seal_size = size;
    return NB_OK;
}

int nb_engine_add_font(nb_engine *e, const char *name, const unsigned char *data, size_t size,
                       char **error)
{
    *error = NULL;
    if (!name || !name[0]) {
        *error = nb_strdup("a font given in memory needs a name");
        return NB_EINPUT;
    }
    return nb_fontset_add_memory(e->fonts, name, data, size, error) == 0 ? NB_OK : NB_EINPUT;
}

int nb_report_load_file(nb_engine *e, const char *path, nb_report **out, nb_diags *d)
{
    *out = NULL;
    /* O_NONBLOCK: a FIFO named x.yaml (in a batch folder, say) must not block the open; only a
     * regular file is read. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        int dir = S_ISDIR(st.st_mode);
        close(fd);
        nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0}, "cannot read: %s",
                    dir ? strerror(EISDIR) : "not a regular file (a FIFO or a device)");
        return NB_EINPUT;
    }
    if (fd < 0) {
        nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0}, "cannot read: %s", strerror(errno));
        return NB_EINPUT;
    }
    /* Read with read(2), not stdio: a FILE cost a buffer, an fcntl, an fstat and a read more
     * for every report of a batch. */
    int have_id = 1;
    nb_buf b = {0};
    char chunk[65536];
    int too_big = 0, read_error = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            read_error = errno;
            break;
        }
        if (n == 0)
            break;
        if (b.len + (size_t)n > NB_MAX_INPUT) {
            too_big = 1;
            break;
        }
        nb_buf_put(&b, chunk, (size_t)n);
    }
    close(fd);
    if (too_big || read_error) {
        if (too_big)
            nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0},
                        "the report is larger than %u bytes", NB_MAX_INPUT);
        else
            nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0}, "cannot read: %s",
                        strerror(read_error));
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
    if (rc == NB_OK && have_id) {
        (*out)->from_file = 1;
        (*out)->file_dev = st.st_dev;
        (*out)->file_ino = st.st_ino;
    }
    return rc;
}

/* The files a render reads, which it must never write over: the report, the fonts and seal it
 * names (relative to its folder), the --font files and the signing files. `names` keeps the
 * paths made here (caller frees with free_names). */
typedef struct render_inputs {
    nb_file_set set;
    char **names;
    size_t nnames, cap;
} render_inputs;

static void add_input(render_inputs *in, const char *base_file, const char *path)
{
    if (!path || !*path)
        return;
    const char *slash = base_file && path[0] != '/' ? strrchr(base_file, '/') : NULL;
    size_t dirlen = slash ? (size_t)(slash - base_file) + 1 : 0;
    size_t n = dirlen + strlen(path) + 1;
    char *name = nb_malloc(n);
    snprintf(name, n, "%.*s%s", (int)dirlen, base_file ? base_file : "", path);
    nb_grow(&in->names, &in->cap, in->nnames + 1, sizeof *in->names);
    in->names[in->nnames++] = name;
    nb_file_set_add(&in->set, name);
}

static void collect_inputs(const nb_report *r, const nb_render_options *o, render_inputs *in)
{
    memset(in, 0, sizeof *in);
    if (r->from_file) {
        nb_grow(&in->set.items, &in->set.cap, 1, sizeof *in->set.items);
        in->set.items[in->set.n++] = (nb_file_id){(dev_t)r->file_dev, (ino_t)r->file_ino,
                                                  r->file, 0};
    }
    add_input(in, r->file, r->seal.s);
    for (int role = 0; role < NB_ROLES; role++)
        for (size_t i = 0; i < r->nfonts[role]; i++) {
            const nb_text *f = &r->fonts[role][i];
            int given = f->pos.file && strcmp(f->pos.file, "--font") == 0;
            add_input(in, given ? NULL : r->file, f->s);
        }
    if (o) {
        add_input(in, NULL, o->sign_p12);
        add_input(in, NULL, o->sign_key);
        add_input(in, NULL, o->sign_cert);
    }
    nb_file_set_seal(&in->set);
}

static void free_inputs(render_inputs *in)
{
    for (size_t i = 0; i < in->nnames; i++)
        free(in->names[i]);
    free(in->names);
    nb_file_set_free(&in->set);
}

static int dump_layout(const nb_doc *doc, const nb_report *r, const nb_render_options *o,
                       nb_diags *d)
{
    if (!o || !o->dump_layout)
        return NB_OK;
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) {
        nb_diag_add(d, NB_ERROR, (nb_pos){o->dump_layout, 0, 0}, "cannot write: %s",
                    strerror(errno));
        return NB_EINPUT;
    }
    nb_doc_dump(doc, f, o->dump_json);
    fclose(f);
    render_inputs in;
    collect_inputs(r, o, &in);
    int rc = nb_output_write(o->dump_layout, text, size, &in.set, d);
    free_inputs(&in);
    free(text);
    return rc;
}

/* The body font's subset is the longest of the writer's jobs: the helper flattens the glyphs
 * of the report's characters while the report is typeset (nb_pdf_helper_warm). Only for the
 * bundled body font: a report's own fonts are opened by typesetting. */
static void warm_body_font(nb_engine *e, const nb_report *r, nb_pdf_helper *helper)
{
    if (!helper || !r->source || r->nfonts[NB_ROLE_BODY] || r->fonts_government)
        return;
    nb_font_list roles[NB_ROLES];
    nb_diags *quiet = nb_diags_new(); /* a missing bundled font: typesetting says so */
    if (nb_font_roles(e->fonts, NULL, NULL, roles, NULL, quiet) && roles[NB_ROLE_BODY].count)
        nb_pdf_helper_warm(helper, e->subsets, roles[NB_ROLE_BODY].fonts[0], r->source,
                           r->source_len);
    nb_diags_free(quiet);
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
        nb_check_report(r, NULL, 0, d);
        if (d->errors > before && !o->force) {
            nb_finding f = {.rule = "render.refused", .severity = NB_NOTE,
                            .pos = {r->file, 0, 0}};
            /* Said whatever the verbosity: the one line that explains the missing PDF. */
            int verbose = d->verbose;
            d->verbose = 1;
            nb_diag_finding(d, &f, "no PDF written (use --force to render anyway)");
            d->verbose = verbose;
            return NB_EREPORT;
        }
    }
    if (o->format == NB_OUTPUT_HTML || o->format == NB_OUTPUT_HTML_FRAGMENT) {
        nb_buf out = {0};
        int rc = nb_html_write(r, e->title_words, o->format == NB_OUTPUT_HTML_FRAGMENT, &out);
        *pdf = out.data;
        *size = out.len;
        return rc;
    }
    nb_doc doc = {0};
    nb_access access;
    nb_access_init(&access, r->file, o->allow_dirs, e->font_dir);
    /* The engine's shaped labels are keyed by its own layouts. */
    nb_label_cache *labels = r->engine_ref == e ? e->labels : NULL;
    /* The PDF writer's second thread starts now, to be running when the fonts are subset. */
    nb_pdf_helper *helper = nb_pdf_helper_start(o->threads);
    warm_body_font(e, r, helper);
    int rc = nb_typeset(r, e->fonts, e->title_words, &access, labels, &doc, d);
    nb_access_free(&access);
    if (rc == NB_OK)
        rc = dump_layout(&doc, r, o, d);
    if (rc == NB_OK) {
        nb_buf out = {0};
        int signing = o->sign_p12 || o->sign_key || o->sign_cert;
        nb_pdf_options po = {.pdfa = o->pdfa, .copies = o->copies, .untagged = o->untagged,
                             .classic_xref = signing, .subsets = e->subsets,
                             .threads = o->threads, .helper = helper};
        rc = nb_pdf_write(&doc, &po, &out, d);
        nb_pdf_helper_stop(helper);
        helper = NULL;
        if (rc == NB_OK && signing) {
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
    nb_pdf_helper_stop(helper);
    nb_doc_free(&doc);
    return rc;
}

int nb_render_file(nb_engine *e, const nb_report *r, const nb_render_options *o,
                   const char *path, nb_diags *d)
{
    if (o && o->dump_layout && nb_output_same(path, o->dump_layout)) {
        nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0},
                    "the PDF and the layout dump would be the same file; not written");
        return NB_EINPUT;
    }
    render_inputs in;
    collect_inputs(r, o, &in);
    /* Refused before the work, not only after it. */
    struct stat st;
    const char *input = strcmp(path, "-") && stat(path, &st) == 0
                            ? nb_file_set_find(&in.set, st.st_dev, st.st_ino) : NULL;
    int rc = NB_OK;
    if (input) {
        nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0},
                    "the output would replace the input %s; not written", input);
        rc = NB_EINPUT;
    }
    unsigned char *pdf = NULL;
    size_t size = 0;
    if (rc == NB_OK)
        rc = nb_render_memory(e, r, o, &pdf, &size, d);
    if (rc == NB_OK)
        rc = nb_output_write(path, pdf, size, &in.set, d);
    free(pdf);
    free_inputs(&in);
    return rc;
}
