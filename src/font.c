/* Fonts: a font file is mapped once and wrapped in a HarfBuzz face/font that every document
 * shares read-only. Names are resolved first among the bundled folder's faces, read here from
 * their name tables, and only when a name is not found there through fontconfig's list (the
 * system fonts plus the bundled folder, from the system_fonts module: font_system.c), with
 * exact matching only: fontconfig's "closest font" fallback would silently print a report in
 * the wrong typeface. A report set in the bundled fonts never starts fontconfig, whose cache of
 * the folder, when cold or unwritable, cost a fifth of a render, nor even loads it. */
#include "font.h"

#include "util.h"

#include <fontconfig/fontconfig.h> /* FC_WEIGHT_* and FC_SLANT_* only: no call into it here */
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static struct nb_shape_cache *shape_cache_new(void);
static void shape_cache_free(struct nb_shape_cache *c);
static void cmap_cache_free(struct nb_cmap_cache *c);

/* The glyph of each BMP character looked up so far, per block of 256 characters made on first
 * use: 0 not looked up yet, else the glyph id + 1 (1: none). Every character of every text is
 * looked up in each font of its list until one has it (nb_text_font_for), and HarfBuzz's cmap
 * lookup cost 270 instructions a call. Two threads looking one up at once store the same
 * answer. */
struct nb_cmap_cache {
    _Atomic(atomic_uint_least32_t *) blocks[256];
};

/* ------------------------------------------------------------------------------------------ */
/* One font */

typedef struct mapping {
    void *addr;
    size_t size;
} mapping;

static void unmap(void *user_data)
{
    mapping *m = user_data;
    munmap(m->addr, m->size);
    free(m);
}

static char *errorf(const char *fmt, const char *a, const char *b)
{
    nb_buf buf = {0};
    nb_buf_printf(&buf, fmt, a, b);
    return (char *)buf.data;
}

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static int sbe16(const unsigned char *p) { return (int16_t)(uint16_t)be16(p); }

/* Returns the name record `id` as UTF-8 (caller frees), or NULL. */
static char *name_string(hb_face_t *face, hb_ot_name_id_t id)
{
    hb_language_t en = hb_language_from_string("en", -1);
    unsigned len = hb_ot_name_get_utf8(face, id, en, NULL, NULL);
    if (!len)
        return NULL;
    unsigned size = len + 1;
    char *s = nb_malloc(size);
    hb_ot_name_get_utf8(face, id, en, &size, s);
    return s;
}

/* PDF BaseFont names must be ASCII without delimiters or spaces (PDF 32000 §7.3.5, §9.6.4). */
static char *sanitize_ps_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    char *out = nb_malloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n && k < 56; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c > 32 && c < 127 && !strchr("()<>[]{}/%#", c))
            out[k++] = (char)c;
    }
    out[k] = 0;
    return out;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A truncated or damaged file: the table directory of face `index` must lie in the file and
 * every table it lists must end inside it. HarfBuzz would quietly treat a cut table as empty,
 * which prints blank glyphs that still extract as text. Returns 0, or -1 with the reason. */
static int directory_problem(const unsigned char *d, size_t size, int index, char *why,
                             size_t why_size)
{
    size_t at = 0;
    if (size >= 12 && !memcmp(d, "ttcf", 4)) {
        uint32_t faces = be32(d + 8);
        if (index < 0 || (uint32_t)index >= faces || (size - 12) / 4 < faces) {
            snprintf(why, why_size, "its collection header runs past the end of the file");
            return -1;
        }
        at = be32(d + 12 + 4 * (size_t)index);
    }
    if (at > size || size - at < 12 || (size - at - 12) / 16 < be16(d + at + 4)) {
        snprintf(why, why_size, "its table directory runs past the end of the file");
        return -1;
    }
    unsigned tables = be16(d + at + 4);
    for (unsigned i = 0; i < tables; i++) {
        const unsigned char *rec = d + at + 12 + 16 * (size_t)i;
        uint32_t off = be32(rec + 8), len = be32(rec + 12);
        if (off > size || len > size - off) {
            char tag[5];
            for (int k = 0; k < 4; k++)
                tag[k] = rec[k] >= 0x20 && rec[k] < 0x7F ? (char)rec[k] : '?';
            tag[4] = 0;
            snprintf(why, why_size, "its table '%s' runs past the end of the file (truncated?)",
                     tag);
            return -1;
        }
    }
    return 0;
}

static nb_font *font_from_blob(hb_blob_t *blob, const char *name, int index, char **error);

nb_font *nb_font_open(const char *path, int index, char **error)
{
    *error = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        *error = errorf("cannot open font %s: %s", path, strerror(errno));
        return NULL;
    }
    nb_font *f = nb_font_open_fd(fd, path, index, error);
    close(fd);
    return f;
}

nb_font *nb_font_open_fd(int fd, const char *name, int index, char **error)
{
    *error = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 12) {
        *error = errorf("%s is not a font file%s", name, "");
        return NULL;
    }
    size_t size = (size_t)st.st_size;
    void *addr = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) {
        *error = errorf("cannot map font %s: %s", name, strerror(errno));
        return NULL;
    }
    mapping *m = nb_malloc(sizeof *m);
    m->addr = addr;
    m->size = size;
    if (size > UINT_MAX) {
        unmap(m);
        *error = errorf("font %s is too large%s", name, "");
        return NULL;
    }
    /* The blob owns the mapping from here on: its destroy callback unmaps it. */
    hb_blob_t *blob = hb_blob_create(addr, (unsigned)size, HB_MEMORY_MODE_READONLY, m, unmap);
    return font_from_blob(blob, name, index, error);
}

nb_font *nb_font_open_memory(const char *name, const unsigned char *data, size_t size,
                             char **error)
{
    *error = NULL;
    if (size < 12 || size > UINT_MAX) {
        *error = errorf("%s is not a font file%s", name, "");
        return NULL;
    }
    char *copy = nb_malloc(size);
    memcpy(copy, data, size);
    hb_blob_t *blob = hb_blob_create(copy, (unsigned)size, HB_MEMORY_MODE_READONLY, copy, free);
    return font_from_blob(blob, name, 0, error);
}

/* Takes the blob (destroyed here on failure or by the face). */
static nb_font *font_from_blob(hb_blob_t *blob, const char *path, int index, char **error)
{
    unsigned blob_len = 0;
    const unsigned char *addr = (const unsigned char *)hb_blob_get_data(blob, &blob_len);
    size_t size = blob_len;
    if (size == 0) {
        hb_blob_destroy(blob);
        *error = errorf("%s is not a font file%s", path, "");
        return NULL;
    }
    if (index < 0 || (unsigned)index >= hb_face_count(blob)) {
        hb_blob_destroy(blob);
        *error = errorf("%s is not a font file (or has no face at the given index)%s", path, "");
        return NULL;
    }
    char damage[128];
    if (directory_problem(addr, size, index, damage, sizeof damage) != 0) {
        hb_blob_destroy(blob);
        *error = errorf("font file %s is damaged: %s", path, damage);
        return NULL;
    }
    hb_face_t *face = hb_face_create(blob, (unsigned)index);
    hb_blob_destroy(blob);
    hb_face_make_immutable(face);

    hb_blob_t *cff = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
    hb_blob_t *glyf = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    int is_cff = hb_blob_get_length(cff) > 0;
    int has_glyf = hb_blob_get_length(glyf) > 0;
    hb_blob_destroy(cff);
    hb_blob_destroy(glyf);
    if (hb_face_get_glyph_count(face) == 0 || (!is_cff && !has_glyf)) {
        hb_face_destroy(face);
        *error = errorf("%s has no TrueType or CFF outlines%s", path, "");
        return NULL;
    }

    nb_font *f = nb_calloc(1, sizeof *f);
    f->path = nb_strdup(path);
    f->index = index;
    f->data = addr;
    f->size = size;
    f->face = face;
    f->upem = hb_face_get_upem(face);
    f->is_cff = is_cff;
    f->hb = hb_font_create(face);
    hb_font_set_scale(f->hb, (int)f->upem, (int)f->upem);
    hb_font_make_immutable(f->hb);
    f->shapes = shape_cache_new();
    f->cmap = nb_calloc(1, sizeof *f->cmap);
    for (size_t i = 0; i < 256; i++)
        atomic_init(&f->cmap->blocks[i], NULL);
    /* Outlines that cannot be read print as blank glyphs: try one that must have ink. */
    static const uint32_t inked[] = {0x56FD /* 国 */, 0x4E00 /* 一 */, 'A', '0'};
    for (size_t i = 0; i < sizeof inked / sizeof *inked; i++) {
        hb_codepoint_t gid;
        hb_glyph_extents_t ext;
        if (!hb_font_get_nominal_glyph(f->hb, inked[i], &gid))
            continue;
        if (!hb_font_get_glyph_extents(f->hb, gid, &ext) || (!ext.width && !ext.height)) {
            *error = errorf("font file %s is damaged: the outline of its glyph for U+%s cannot "
                            "be read", path, inked[i] == 0x56FD ? "56FD" : inked[i] == 0x4E00
                                                                       ? "4E00" : inked[i] == 'A'
                                                                       ? "0041" : "0030");
            nb_font_close(f);
            return NULL;
        }
        break;
    }

    f->family = name_string(face, HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY);
    if (!f->family)
        f->family = name_string(face, HB_OT_NAME_ID_FONT_FAMILY);
    if (!f->family)
        f->family = nb_strdup(path);
    char *ps = name_string(face, HB_OT_NAME_ID_POSTSCRIPT_NAME);
    f->ps_name = sanitize_ps_name(ps ? ps : f->family);
    free(ps);
    if (!f->ps_name[0]) {
        free(f->ps_name);
        f->ps_name = nb_strdup("Font");
    }

    hb_position_t v;
    f->ascender = hb_ot_metrics_get_position(f->hb, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v)
                      ? v : (int)f->upem * 880 / 1000;
    f->descender = hb_ot_metrics_get_position(f->hb, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v)
                       ? v : -(int)f->upem * 120 / 1000;
    /* CJK fonts often leave sCapHeight at 0; the ascender is what PDF viewers then expect. */
    f->cap_height = hb_ot_metrics_get_position(f->hb, HB_OT_METRICS_TAG_CAP_HEIGHT, &v) && v > 0
                        ? v : f->ascender;

    hb_blob_t *head = hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned head_len;
    const unsigned char *h = (const unsigned char *)hb_blob_get_data(head, &head_len);
    if (head_len >= 44) {
        for (int i = 0; i < 4; i++)
            f->bbox[i] = sbe16(h + 36 + 2 * i);
    } else {
        f->bbox[0] = 0; f->bbox[1] = f->descender;
        f->bbox[2] = (int)f->upem; f->bbox[3] = f->ascender;
    }
    hb_blob_destroy(head);
    hb_blob_t *post = hb_face_reference_table(face, HB_TAG('p', 'o', 's', 't'));
    unsigned post_len;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(post, &post_len);
    if (post_len >= 8)
        f->italic_angle = sbe16(p + 4); /* integer part of the 16.16 Fixed */
    hb_blob_destroy(post);
    return f;
}

void nb_font_close(nb_font *font)
{
    if (!font)
        return;
    shape_cache_free(font->shapes);
    cmap_cache_free(font->cmap);
    hb_font_destroy(font->hb);
    hb_face_destroy(font->face); /* releases the blob, which unmaps the file */
    free(font->path);
    free(font->family);
    free(font->ps_name);
    free(font);
}

static uint32_t lookup_glyph(const nb_font *font, uint32_t cp)
{
    hb_codepoint_t gid = 0;
    return hb_font_get_nominal_glyph(font->hb, cp, &gid) ? gid : 0;
}

static void cmap_cache_free(struct nb_cmap_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < 256; i++)
        free(atomic_load(&c->blocks[i]));
    free(c);
}

uint32_t nb_font_glyph(const nb_font *font, uint32_t cp)
{
    struct nb_cmap_cache *c = font->cmap;
    if (!c || cp > 0xFFFF)
        return lookup_glyph(font, cp);
    atomic_uint_least32_t *block =
        atomic_load_explicit(&c->blocks[cp >> 8], memory_order_acquire);
    if (!block) {
        block = nb_malloc(256 * sizeof *block);
        for (size_t k = 0; k < 256; k++)
            atomic_init(&block[k], 0);
        atomic_uint_least32_t *none = NULL;
        /* Another thread may have made the block meanwhile: keep one. */
        if (!atomic_compare_exchange_strong_explicit(&c->blocks[cp >> 8], &none, block,
                                                     memory_order_acq_rel, memory_order_acquire)) {
            free(block);
            block = none;
        }
    }
    uint_least32_t v = atomic_load_explicit(&block[cp & 0xFF], memory_order_relaxed);
    if (!v) {
        v = lookup_glyph(font, cp) + 1;
        atomic_store_explicit(&block[cp & 0xFF], v, memory_order_relaxed);
    }
    return (uint32_t)(v - 1);
}

int nb_font_advance(const nb_font *font, uint32_t gid)
{
    return hb_font_get_glyph_h_advance(font->hb, gid);
}

/* Texts shaped before, with their glyphs: in a batch most runs of text recur (the prose of a
 * template, the same figures in the tables), and HarfBuzz was 9 % of a report's instructions.
 * Shaping depends on nothing but the font and the text, so an answer from here is the same as
 * a new one. Open addressing over SHAPE_SLOTS slots; full at SHAPE_BYTES or three slots in
 * four, after which new texts are shaped but not kept. */
#define SHAPE_SLOTS 2048
#define SHAPE_BYTES (512u << 10)
#define SHAPE_MAX_TEXT 1024
/* Texts a font shapes before its cache keeps any: one report shapes about two hundred, and
 * keeping them cost a single render 0.47 M instructions (callgrind, the seed) for no hit. */
#define SHAPE_WARMUP 512

typedef struct shape_entry {
    uint64_t hash;
    char *text;         /* owned; NULL: an empty slot */
    size_t len;
    nb_shaped *glyphs;  /* owned */
    size_t n;
} shape_entry;

struct nb_shape_cache {
    atomic_size_t calls;  /* texts asked for so far */
    pthread_mutex_t lock; /* guards everything below */
    shape_entry *slots;   /* owned, SHAPE_SLOTS, made by the first insertion */
    size_t used, bytes;
};

static struct nb_shape_cache *shape_cache_new(void)
{
    struct nb_shape_cache *c = nb_calloc(1, sizeof *c);
    atomic_init(&c->calls, 0);
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

static void shape_cache_free(struct nb_shape_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->slots && i < SHAPE_SLOTS; i++) {
        free(c->slots[i].text);
        free(c->slots[i].glyphs);
    }
    free(c->slots);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static uint64_t text_hash(const char *text, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 0x100000001b3u;
    return h;
}

/* The slot holding `text`, or the empty slot where it would go. Caller holds the lock. */
static shape_entry *shape_slot(struct nb_shape_cache *c, uint64_t hash, const char *text,
                               size_t len)
{
    for (size_t i = (size_t)hash & (SHAPE_SLOTS - 1);; i = (i + 1) & (SHAPE_SLOTS - 1)) {
        shape_entry *e = &c->slots[i];
        if (!e->text || (e->hash == hash && e->len == len && memcmp(e->text, text, len) == 0))
            return e;
    }
}

/* A copy of the glyphs of `text` if it was shaped before; NULL if not. */
static nb_shaped *shape_cached(struct nb_shape_cache *c, uint64_t hash, const char *text,
                               size_t len, size_t *n)
{
    nb_shaped *copy = NULL;
    pthread_mutex_lock(&c->lock);
    shape_entry *e = c->slots ? shape_slot(c, hash, text, len) : NULL;
    if (e && e->text) {
        *n = e->n;
        copy = nb_malloc((e->n ? e->n : 1) * sizeof *copy);
        memcpy(copy, e->glyphs, e->n * sizeof *copy);
    }
    pthread_mutex_unlock(&c->lock);
    return copy;
}

static void shape_keep(struct nb_shape_cache *c, uint64_t hash, const char *text, size_t len,
                       const nb_shaped *glyphs, size_t n)
{
    size_t bytes = len + n * sizeof *glyphs;
    pthread_mutex_lock(&c->lock);
    if (!c->slots)
        c->slots = nb_calloc(SHAPE_SLOTS, sizeof *c->slots);
    if (c->used < SHAPE_SLOTS / 4 * 3 && c->bytes + bytes <= SHAPE_BYTES) {
        shape_entry *e = shape_slot(c, hash, text, len);
        if (!e->text) { /* another thread may have kept it meanwhile */
            e->hash = hash;
            e->text = nb_malloc(len ? len : 1);
            memcpy(e->text, text, len);
            e->len = len;
            e->glyphs = nb_malloc((n ? n : 1) * sizeof *glyphs);
            memcpy(e->glyphs, glyphs, n * sizeof *glyphs);
            e->n = n;
            c->used++;
            c->bytes += bytes;
        }
    }
    pthread_mutex_unlock(&c->lock);
}

size_t nb_font_shape(const nb_font *font, const char *text, size_t len, nb_shaped **out)
{
    *out = NULL;
    if (len > INT_MAX / 2)
        return 0;
    int cacheable = font->shapes && len <= SHAPE_MAX_TEXT &&
                    atomic_fetch_add_explicit(&font->shapes->calls, 1, memory_order_relaxed) >=
                        SHAPE_WARMUP;
    uint64_t hash = cacheable ? text_hash(text, len) : 0;
    size_t cached_n = 0;
    if (cacheable && (*out = shape_cached(font->shapes, hash, text, len, &cached_n)))
        return cached_n;
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, text, (int)len, 0, (int)len);
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_script(buf, HB_SCRIPT_HAN);
    hb_buffer_set_language(buf, hb_language_from_string("zh-Hans", -1));
    hb_shape(font->hb, buf, NULL, 0);
    unsigned n = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
    nb_shaped *s = nb_malloc((n ? n : 1) * sizeof *s);
    for (unsigned i = 0; i < n; i++) {
        s[i].gid = info[i].codepoint;
        s[i].cluster = info[i].cluster;
        s[i].x_advance = pos[i].x_advance;
        s[i].x_offset = pos[i].x_offset;
        s[i].y_offset = pos[i].y_offset;
    }
    hb_buffer_destroy(buf);
    if (cacheable)
        shape_keep(font->shapes, hash, text, len, s, n);
    *out = s;
    return n;
}

/* ------------------------------------------------------------------------------------------ */
/* Fontset */

/* One face a name may resolve to: a bundled one, or one fontconfig lists. */
typedef nb_face_names candidate;

typedef struct name_entry {
    char *name;
    nb_font *font; /* NULL: nothing matches (cached too) */
    char *error;   /* owned or NULL: why the file it names could not be opened */
} name_entry;

struct nb_fontset {
    pthread_mutex_t lock;
    char *font_dir; /* owned; canonical path or NULL */
    nb_font **fonts; size_t nfonts, cap_fonts;
    name_entry *names; size_t nnames, cap_names;
    candidate *cands; size_t ncands; int listed;
    int system_loaded; /* the candidates are fontconfig's list, system fonts included */
    char *system_error; /* owned or NULL: why fontconfig could not be asked (its module) */
};

static void free_strings(char **v, size_t n);

void nb_face_names_free(nb_face_names *faces, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        nb_face_names *c = &faces[i];
        free(c->file);
        free(c->ps_name);
        free_strings(c->families, c->nfamilies);
        free_strings(c->styles, c->nstyles);
        free_strings(c->fullnames, c->nfullnames);
    }
    free(faces);
}

static int cmp_candidates(const void *a, const void *b);

/* Sorts a list of faces bundled-first, then by path: the choice between equal matches must not
 * depend on the folder's or fontconfig's order. */
static void sort_candidates(nb_fontset *set)
{
    size_t dirlen = set->font_dir ? strlen(set->font_dir) : 0;
    for (size_t i = 0; i < set->ncands; i++) {
        candidate *c = &set->cands[i];
        c->bundled = dirlen && strncmp(c->file, set->font_dir, dirlen) == 0 &&
                     c->file[dirlen] == '/';
    }
    qsort(set->cands, set->ncands, sizeof *set->cands, cmp_candidates);
}

/* Replaces the bundled faces by fontconfig's list of the system's fonts plus the bundled
 * folder, once. Caller holds the lock. Returns 0 if there is nothing more to look at (the
 * bundled faces stay). */
static int load_system_fonts(nb_fontset *set)
{
    if (set->system_loaded)
        return 0;
    set->system_loaded = 1;
    candidate *faces;
    size_t n;
    if (nb_installed_faces(set->font_dir, 1, &faces, &n, &set->system_error) != 0)
        return 0;
    nb_face_names_free(set->cands, set->ncands);
    set->cands = faces;
    set->ncands = n;
    set->listed = 1;
    sort_candidates(set);
    return 1;
}

nb_fontset *nb_fontset_new(const char *font_dir, char **error)
{
    *error = NULL;
    char *dir = NULL;
    if (font_dir) {
        dir = realpath(font_dir, NULL);
        struct stat st;
        if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            *error = errorf("font folder %s: %s", font_dir, dir ? "not a folder" : strerror(errno));
            free(dir);
            return NULL;
        }
    }
    /* No fontconfig yet: the bundled fonts are what nearly every report uses, and they are
     * read from the folder itself (bundled_faces). Fontconfig's list is asked for (and its
     * module loaded) the first time a name is not found among them. */
    nb_fontset *set = nb_calloc(1, sizeof *set);
    pthread_mutex_init(&set->lock, NULL);
    set->font_dir = dir;
    return set;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void nb_fontset_free(nb_fontset *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->nfonts; i++)
        nb_font_close(set->fonts[i]);
    free(set->fonts);
    for (size_t i = 0; i < set->nnames; i++) {
        free(set->names[i].name);
        free(set->names[i].error);
    }
    free(set->names);
    nb_face_names_free(set->cands, set->ncands);
    free(set->system_error);
    free(set->font_dir);
    pthread_mutex_destroy(&set->lock);
    free(set);
}

/* Returns the open font for path+index, opening it once. Caller holds the lock. On failure
 * *error (if not NULL) says why, naming the file. */
static nb_font *open_cached(nb_fontset *set, const char *path, int index, char **error)
{
    for (size_t i = 0; i < set->nfonts; i++)
        if (set->fonts[i]->index == index && strcmp(set->fonts[i]->path, path) == 0)
            return set->fonts[i];
    char *why = NULL;
    nb_font *f = nb_font_open(path, index, &why);
    if (error && !*error)
        *error = why;
    else
        free(why);
    if (!f)
        return NULL;
    nb_grow(&set->fonts, &set->cap_fonts, set->nfonts + 1, sizeof *set->fonts);
    set->fonts[set->nfonts++] = f;
    return f;
}

static int cmp_candidates(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->bundled != y->bundled)
        return y->bundled - x->bundled;
    int c = strcmp(x->file, y->file);
    return c ? c : x->index - y->index;
}

/* ---- the bundled faces, without fontconfig ---- */

/* A name table string as UTF-8 (caller frees), or NULL: UTF-16BE for the Unicode and Windows
 * platforms, ASCII for the Macintosh Roman one (a non-ASCII Roman byte gives NULL). */
static char *name_record_text(const unsigned char *p, size_t len, unsigned platform,
                              unsigned encoding)
{
    nb_buf b = {0};
    if (platform == 0 || (platform == 3 && (encoding == 0 || encoding == 1 || encoding == 10))) {
        for (size_t i = 0; i + 1 < len; i += 2) {
            uint32_t cp = be16(p + i);
            if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < len) {
                uint32_t lo = be16(p + i + 2);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 2;
                }
            }
            char u[4];
            nb_buf_put(&b, u, nb_utf8_encode(cp, u));
        }
    } else if (platform == 1 && encoding == 0) {
        for (size_t i = 0; i < len; i++) {
            if (p[i] >= 0x80) {
                nb_buf_free(&b);
                return NULL;
            }
            nb_buf_put(&b, p + i, 1);
        }
    } else {
        return NULL;
    }
    nb_buf_put(&b, "", 1);
    return (char *)b.data;
}

static void add_unique(char ***v, size_t *n, char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], s) == 0) {
            free(s);
            return;
        }
    *v = nb_realloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = s;
}

/* OpenType's usWeightClass on fontconfig's weight scale (FcWeightFromOpenType). */
static int fc_weight(int ot)
{
    static const int map[][2] = {{0, FC_WEIGHT_THIN},       {100, FC_WEIGHT_THIN},
                                 {200, FC_WEIGHT_EXTRALIGHT}, {300, FC_WEIGHT_LIGHT},
                                 {350, FC_WEIGHT_DEMILIGHT}, {380, FC_WEIGHT_BOOK},
                                 {400, FC_WEIGHT_REGULAR},  {500, FC_WEIGHT_MEDIUM},
                                 {600, FC_WEIGHT_DEMIBOLD}, {700, FC_WEIGHT_BOLD},
                                 {800, FC_WEIGHT_EXTRABOLD}, {900, FC_WEIGHT_BLACK},
                                 {1000, FC_WEIGHT_EXTRABLACK}};
    if (ot >= 1 && ot <= 9)
        ot *= 100; /* some fonts give the weight in hundreds */
    if (ot > 1000)
        ot = 1000;
    size_t i = 1;
    while (i + 1 < sizeof map / sizeof *map && ot > map[i][0])
        i++;
    int x0 = map[i - 1][0], x1 = map[i][0], y0 = map[i - 1][1], y1 = map[i][1];
    return x1 == x0 ? y1 : y0 + (y1 - y0) * (ot - x0) / (x1 - x0);
}

/* Reads one face's names, weight and slant as fontconfig reports them: families from name ids
 * 21, 16 and 1, styles from 22, 17 and 2, full names from 4 and 18 (the Macintosh one), the
 * PostScript name from 6, in every language and platform; the weight from OS/2, the slant from
 * OS/2's italic and oblique bits. Returns 0 when the face has no name table or no family
 * (tests/unit/font_faces.c compares the bundled faces with fontconfig's reading). */
static int read_face(const unsigned char *t, size_t len, const unsigned char *o, size_t os2_len,
                     candidate *c)
{
    if (len >= 6) {
        unsigned count = be16(t + 2), strings = be16(t + 4);
        for (unsigned r = 0; r < count && 6 + 12 * (size_t)r + 12 <= len; r++) {
            const unsigned char *rec = t + 6 + 12 * r;
            unsigned id = be16(rec + 6), n = be16(rec + 8), off = be16(rec + 10);
            if ((size_t)strings + off + n > len)
                continue;
            char ***v = NULL;
            size_t *nv = NULL;
            if (id == 1 || id == 16 || id == 21) {
                v = &c->families;
                nv = &c->nfamilies;
            } else if (id == 2 || id == 17 || id == 22) {
                v = &c->styles;
                nv = &c->nstyles;
            } else if (id == 4 || id == 18) {
                v = &c->fullnames;
                nv = &c->nfullnames;
            } else if (id != 6) {
                continue;
            }
            char *text = name_record_text(t + strings + off, n, be16(rec), be16(rec + 2));
            if (!text || !text[0]) {
                free(text);
            } else if (v) {
                add_unique(v, nv, text);
            } else if (!c->ps_name) {
                c->ps_name = text;
            } else {
                free(text);
            }
        }
    }
    c->weight = FC_WEIGHT_REGULAR;
    c->slant = FC_SLANT_ROMAN;
    if (os2_len >= 64 && be16(o) != 0xFFFF) {
        c->weight = fc_weight((int)be16(o + 4));
        unsigned selection = be16(o + 62);
        if (selection & 1)
            c->slant = FC_SLANT_ITALIC;
        else if (selection & 0x200)
            c->slant = FC_SLANT_OBLIQUE;
    }
    return c->nfamilies > 0;
}

static int is_font_file(const char *name)
{
    size_t n = strlen(name);
    static const char *const ext[] = {".otf", ".ttf", ".ttc", ".otc"};
    for (size_t i = 0; i < 4; i++)
        if (n > 4 && strcasecmp(name + n - 4, ext[i]) == 0)
            return 1;
    return 0;
}

/* `len` bytes of an open file from `offset` (fewer at its end), malloc'd; *got says how many. */
static unsigned char *read_at(int fd, uint64_t offset, size_t len, size_t *got)
{
    unsigned char *p = nb_malloc(len ? len : 1);
    size_t have = 0;
    while (have < len) {
        ssize_t r = pread(fd, p + have, len - have, (off_t)(offset + have));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        have += (size_t)r;
    }
    *got = have;
    return p;
}

/* The name and OS/2 tables of face `at` (the offset of its table directory) of an open font
 * file, as HarfBuzz would hand them out: a table that runs past the end of the file is cut
 * there, one that is not listed is empty. A directory that runs past the end gives neither. */
static void read_naming_tables(int fd, uint64_t at, unsigned char **name, size_t *name_len,
                               unsigned char **os2, size_t *os2_len)
{
    *name = *os2 = NULL;
    *name_len = *os2_len = 0;
    size_t got;
    unsigned char *head = read_at(fd, at, 12, &got);
    unsigned tables = got == 12 ? be16(head + 4) : 0;
    free(head);
    if (got != 12)
        return;
    unsigned char *dir = read_at(fd, at + 12, 16 * (size_t)tables, &got);
    if (got == 16 * (size_t)tables) {
        for (unsigned i = 0; i < tables; i++) {
            const unsigned char *rec = dir + 16 * (size_t)i;
            unsigned char **out = !memcmp(rec, "name", 4)   ? name
                                  : !memcmp(rec, "OS/2", 4) ? os2
                                                            : NULL;
            size_t *out_len = out == name ? name_len : os2_len;
            if (out && !*out)
                *out = read_at(fd, be32(rec + 8), be32(rec + 12), out_len);
        }
    }
    free(dir);
}

/* The faces of one bundled font file, added to the candidates. Only the table directories and
 * the name and OS/2 tables are read (pread): mapping each file of the folder, most of which a
 * report never uses, cost a mapping, its page faults and an munmap apiece. */
static void bundled_file_faces(nb_fontset *set, const char *path, size_t *cap)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    size_t got = 0;
    unsigned char *head =
        fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read_at(fd, 0, 12, &got) : NULL;
    /* The faces HarfBuzz counts (hb_face_count): a collection's, or one for an sfnt. */
    uint32_t nfaces = 0;
    unsigned char *offsets = NULL;
    if (got == 12 && !memcmp(head, "ttcf", 4)) {
        nfaces = be32(head + 8);
        if (nfaces > (uint32_t)(st.st_size / 4))
            nfaces = 0;
        size_t want = 4 * (size_t)nfaces;
        offsets = nfaces ? read_at(fd, 12, want, &got) : NULL;
        if (nfaces && got != want)
            nfaces = 0;
    } else if (got == 12) {
        uint32_t tag = be32(head);
        nfaces = tag == 0x00010000 || tag == HB_TAG('O', 'T', 'T', 'O') ||
                 tag == HB_TAG('t', 'r', 'u', 'e') || tag == HB_TAG('t', 'y', 'p', '1');
    }
    free(head);
    for (uint32_t i = 0; i < nfaces; i++) {
        unsigned char *name, *os2;
        size_t name_len, os2_len;
        read_naming_tables(fd, offsets ? be32(offsets + 4 * (size_t)i) : 0, &name, &name_len,
                           &os2, &os2_len);
        nb_grow(&set->cands, cap, set->ncands + 1, sizeof *set->cands);
        candidate *c = &set->cands[set->ncands];
        *c = (candidate){.index = (int)i, .bundled = 1};
        if (read_face(name, name_len, os2, os2_len, c)) {
            c->file = nb_strdup(path);
            set->ncands++;
        } else {
            free_strings(c->families, c->nfamilies);
            free_strings(c->styles, c->nstyles);
            free_strings(c->fullnames, c->nfullnames);
            free(c->ps_name);
        }
        free(name);
        free(os2);
    }
    free(offsets);
    close(fd);
}

/* Every face of the bundled folder's font files (.otf, .ttf, .ttc, .otc), read from their
 * own tables. Caller holds the lock. */
static void bundled_faces(nb_fontset *set)
{
    DIR *dir = set->font_dir ? opendir(set->font_dir) : NULL;
    if (!dir)
        return;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.' || !is_font_file(e->d_name))
            continue;
        size_t n = strlen(set->font_dir) + strlen(e->d_name) + 2;
        char *path = nb_malloc(n);
        snprintf(path, n, "%s/%s", set->font_dir, e->d_name);
        bundled_file_faces(set, path, &cap);
        free(path);
    }
    closedir(dir);
}

/* The bundled faces, read once, until a name is not found among them; then fontconfig's list
 * (load_system_fonts). */
static void list_candidates(nb_fontset *set)
{
    if (set->listed)
        return;
    set->listed = 1;
    bundled_faces(set);
    sort_candidates(set);
}

/* Font names compare as fontconfig compares families: ignoring case and blanks. `n` limits a. */
static int same_name(const char *a, size_t n, const char *b)
{
    size_t i = 0;
    for (;;) {
        while (i < n && a[i] == ' ')
            i++;
        while (*b == ' ')
            b++;
        if (i == n || !*b)
            return i == n && !*b;
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)*b))
            return 0;
        i++;
        b++;
    }
}

static int any_name(char **v, size_t nv, const char *a, size_t n)
{
    for (size_t i = 0; i < nv; i++)
        if (same_name(a, n, v[i]))
            return 1;
    return 0;
}

static int is_regular_style(const candidate *c)
{
    static const char *const regular[] = {"Regular", "Book", "Normal", "Roman", "R"};
    for (size_t i = 0; i < c->nstyles; i++)
        for (size_t k = 0; k < sizeof regular / sizeof *regular; k++)
            if (same_name(regular[k], strlen(regular[k]), c->styles[i]))
                return 1;
    return 0;
}

/* How far a face is from the plain upright style of its family; lower is better. Fontconfig's
 * weight is not enough: the Fandol Bold faces declare the regular weight. */
static int style_distance(const candidate *c)
{
    int d = is_regular_style(c) ? 0 : 1000;
    d += abs(c->weight - FC_WEIGHT_REGULAR);
    if (c->slant != FC_SLANT_ROMAN)
        d += 500;
    return d;
}

static const candidate *resolve_name(nb_fontset *set, const char *name)
{
    list_candidates(set);
    size_t len = strlen(name);
    const candidate *best = NULL;
    int best_d = 0;
    /* 1. A family: its most regular face. */
    for (size_t i = 0; i < set->ncands; i++) {
        const candidate *c = &set->cands[i];
        if (!any_name(c->families, c->nfamilies, name, len))
            continue;
        int d = style_distance(c);
        if (!best || d < best_d) {
            best = c;
            best_d = d;
        }
    }
    if (best)
        return best;
    /* 2. One face by its PostScript name or full name ("FandolSong-Bold", "FandolSong Bold"). */
    for (size_t i = 0; i < set->ncands; i++) {
        const candidate *c = &set->cands[i];
        if ((c->ps_name && same_name(name, len, c->ps_name)) ||
            any_name(c->fullnames, c->nfullnames, name, len))
            return c;
    }
    /* 3. "Family-Style" or "Family Style", split at the last '-' or ' '. */
    for (size_t cut = len; cut-- > 1;) {
        if (name[cut] != '-' && name[cut] != ' ')
            continue;
        const char *style = name + cut + 1;
        for (size_t i = 0; i < set->ncands; i++) {
            const candidate *c = &set->cands[i];
            if (any_name(c->families, c->nfamilies, name, cut) &&
                any_name(c->styles, c->nstyles, style, strlen(style)))
                return c;
        }
        break;
    }
    return NULL;
}

static int is_path(const char *s) { return strchr(s, '/') || is_font_file(s); }

int nb_font_is_path(const char *name) { return is_path(name); }

nb_font *nb_fontset_get(nb_fontset *set, const char *name_or_path)
{
    return nb_fontset_find(set, name_or_path, NULL);
}

nb_font *nb_fontset_find(nb_fontset *set, const char *name_or_path, char **error)
{
    if (error)
        *error = NULL;
    if (!set || !name_or_path || !name_or_path[0])
        return NULL;
    pthread_mutex_lock(&set->lock);
    nb_font *font = NULL;
    for (size_t i = 0; i < set->nnames; i++) {
        if (strcmp(set->names[i].name, name_or_path) == 0) {
            font = set->names[i].font;
            if (!font && error && set->names[i].error)
                *error = nb_strdup(set->names[i].error);
            goto done;
        }
    }
    char *why = NULL;
    if (is_path(name_or_path)) {
        font = open_cached(set, name_or_path, 0, &why);
    } else {
        const candidate *c = resolve_name(set, name_or_path);
        if (!c && load_system_fonts(set))
            c = resolve_name(set, name_or_path);
        if (c)
            font = open_cached(set, c->file, c->index, &why);
        else if (set->system_error)
            why = nb_strdup(set->system_error); /* the installed fonts could not be asked */
    }
    if (error && why)
        *error = nb_strdup(why);
    nb_grow(&set->names, &set->cap_names, set->nnames + 1, sizeof *set->names);
    set->names[set->nnames].name = nb_strdup(name_or_path);
    set->names[set->nnames].font = font;
    set->names[set->nnames].error = why; /* the cache keeps the reason with the name */
    set->nnames++;
done:
    pthread_mutex_unlock(&set->lock);
    return font;
}

static int cmp_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void put_list(nb_buf *b, char **v, size_t n)
{
    char **sorted = nb_calloc(n ? n : 1, sizeof *sorted);
    memcpy(sorted, v, n * sizeof *v);
    qsort(sorted, n, sizeof *sorted, cmp_strings);
    for (size_t i = 0; i < n; i++)
        nb_buf_printf(b, "%s%s", i ? "," : "", sorted[i]);
    nb_buf_puts(b, "|");
    free(sorted);
}

char *nb_fontset_describe(const char *font_dir, int fontconfig)
{
    char *error = NULL;
    nb_fontset *set = nb_fontset_new(font_dir, &error);
    if (!set)
        return error;
    if (fontconfig) {
        /* The folder alone, as fontconfig lists it (no system fonts). */
        char *why = NULL;
        if (nb_installed_faces(set->font_dir, 0, &set->cands, &set->ncands, &why) != 0) {
            nb_fontset_free(set);
            if (why)
                return why;
            return nb_strdup("fontconfig could not read the folder");
        }
        set->listed = 1;
        sort_candidates(set);
    }
    list_candidates(set);
    nb_buf b = {0};
    for (size_t i = 0; i < set->ncands; i++) {
        const candidate *c = &set->cands[i];
        const char *base = strrchr(c->file, '/');
        nb_buf_printf(&b, "%s|%d|", base ? base + 1 : c->file, c->index);
        put_list(&b, c->families, c->nfamilies);
        put_list(&b, c->styles, c->nstyles);
        put_list(&b, c->fullnames, c->nfullnames);
        nb_buf_printf(&b, "%s|%d|%d\n", c->ps_name ? c->ps_name : "", c->weight, c->slant);
    }
    nb_buf_put(&b, "", 1);
    nb_fontset_free(set);
    return (char *)b.data;
}

/* Adds an open font to the set, or returns the one already there with the same data. Caller
 * holds the lock; takes f. */
static nb_font *keep_font(nb_fontset *set, nb_font *f)
{
    for (size_t i = 0; i < set->nfonts; i++) {
        nb_font *g = set->fonts[i];
        if (g->index == f->index && g->size == f->size && !memcmp(g->data, f->data, f->size)) {
            nb_font_close(f);
            return g;
        }
    }
    nb_grow(&set->fonts, &set->cap_fonts, set->nfonts + 1, sizeof *set->fonts);
    set->fonts[set->nfonts++] = f;
    return f;
}

nb_font *nb_fontset_get_fd(nb_fontset *set, int fd, const char *name, char **error)
{
    nb_font *f = nb_font_open_fd(fd, name, 0, error);
    if (!f)
        return NULL;
    pthread_mutex_lock(&set->lock);
    f = keep_font(set, f);
    pthread_mutex_unlock(&set->lock);
    return f;
}

int nb_fontset_add_memory(nb_fontset *set, const char *name, const unsigned char *data,
                          size_t size, char **error)
{
    nb_font *f = nb_font_open_memory(name, data, size, error);
    if (!f)
        return -1;
    pthread_mutex_lock(&set->lock);
    f = keep_font(set, f);
    /* The name now means this font, ahead of any family or file of that name. */
    size_t i = 0;
    while (i < set->nnames && strcmp(set->names[i].name, name) != 0)
        i++;
    if (i == set->nnames) {
        nb_grow(&set->names, &set->cap_names, set->nnames + 1, sizeof *set->names);
        set->names[set->nnames++] = (name_entry){nb_strdup(name), NULL, NULL};
    }
    set->names[i].font = f;
    free(set->names[i].error);
    set->names[i].error = NULL;
    pthread_mutex_unlock(&set->lock);
    return 0;
}

char *nb_fontset_bundled_problem(const nb_fontset *set, const char *name)
{
    DIR *d = set && set->font_dir ? opendir(set->font_dir) : NULL;
    if (!d)
        return errorf("is missing (no font folder)%s%s", "", "");
    /* The file is named after the font, perhaps with a suffix ("-GB2312"); the first such name
     * in byte order, so the message does not depend on the folder's order. */
    size_t n = strlen(name);
    char *best = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *f = e->d_name;
        if (strncmp(f, name, n) != 0 || (f[n] != '.' && f[n] != '-') || !is_path(f))
            continue;
        if (!best || strcmp(f, best) < 0) {
            free(best);
            best = nb_strdup(f);
        }
    }
    closedir(d);
    if (!best)
        return errorf("is missing from %s%s", set->font_dir, "");
    size_t size = strlen(set->font_dir) + strlen(best) + 2;
    char *path = nb_malloc(size);
    snprintf(path, size, "%s/%s", set->font_dir, best);
    free(best);
    char *why = NULL;
    nb_font *f = nb_font_open(path, 0, &why);
    char *msg = f ? errorf("is in %s, but the font there is not named %s", path, name)
                  : errorf("cannot be used: %s%s", why, "");
    nb_font_close(f);
    free(why);
    free(path);
    return msg;
}
