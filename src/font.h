/* Fonts: files opened once (mmap) and shared read-only; names resolved among the bundled faces,
 * then through fontconfig (a module); shaping with HarfBuzz. */
#ifndef NB_FONT_H
#define NB_FONT_H

#include <stddef.h>
#include <stdint.h>

typedef struct hb_face_t hb_face_t;
typedef struct hb_font_t hb_font_t;

/* One font face of one file. Immutable after nb_font_open; safe to share between threads. */
typedef struct nb_font {
    char *path;          /* owned */
    int index;           /* face index in a collection */
    char *family;        /* owned; for messages */
    char *ps_name;       /* owned; PostScript name (ASCII, no spaces) for the PDF BaseFont */
    const unsigned char *data; size_t size;  /* the mmap'd file */
    hb_face_t *face;     /* owns a blob over `data` */
    hb_font_t *hb;       /* immutable, scale = upem */
    unsigned upem;
    int is_cff;          /* CFF outlines (FontFile3) rather than glyf (FontFile2) */
    int ascender, descender, cap_height; /* font units */
    int bbox[4];         /* font units */
    int italic_angle;
    struct nb_shape_cache *shapes; /* owned: texts shaped before and their glyphs (font.c) */
    struct nb_cmap_cache *cmap;    /* owned: the BMP characters looked up so far (font.c) */
} nb_font;

/* Opens a font file (mmap). Returns NULL and sets *error (caller frees) on failure: a file
 * that is not a font, truncated (a table past its end) or whose outlines cannot be read; the
 * message names the file. */
nb_font *nb_font_open(const char *path, int index, char **error);
/* The same from an open regular file (not closed here); `name` is used in messages. */
nb_font *nb_font_open_fd(int fd, const char *name, int index, char **error);
/* The same from bytes in memory, which are copied. */
nb_font *nb_font_open_memory(const char *name, const unsigned char *data, size_t size,
                             char **error);
void nb_font_close(nb_font *font);

/* Nominal glyph for a code point, 0 if the font has none. */
uint32_t nb_font_glyph(const nb_font *font, uint32_t cp);
/* Horizontal advance of a glyph in font units. */
int nb_font_advance(const nb_font *font, uint32_t gid);

/* One shaped glyph. `cluster` is the byte offset in the shaped text of the first character the
 * glyph comes from; x_advance/x_offset/y_offset in font units. */
typedef struct nb_shaped {
    uint32_t gid;
    uint32_t cluster;
    int32_t x_advance, x_offset, y_offset;
} nb_shaped;

/* Shapes UTF-8 text (zh-Hans, horizontal). *out is malloc'd (caller frees); returns the count.
 * Thread-safe. A text shaped before is answered from the font's cache (a batch shapes the same
 * prose and figures again and again). */
size_t nb_font_shape(const nb_font *font, const char *text, size_t len, nb_shaped **out);

/* The fonts of one engine: an ordered cache keyed by path, guarded by a mutex so documents on
 * several threads can resolve report-named fonts. Fonts live until nb_fontset_free. */
typedef struct nb_fontset nb_fontset;

/* `font_dir` is the bundled folder: names are looked up among its faces first (read from the
 * files, without fontconfig), then through fontconfig (the system's fonts, with `font_dir` as
 * an application font folder), which is started only then. */
nb_fontset *nb_fontset_new(const char *font_dir, char **error);
void nb_fontset_free(nb_fontset *set);

/* Resolves a family name (exact family match: the bundled faces, then fontconfig's) or a file
 * path (contains '/' or ends in .otf/.ttf/.ttc/.otc) to an open font. Returns NULL if nothing
 * matches. */
nb_font *nb_fontset_get(nb_fontset *set, const char *name_or_path);
/* The same; when the name resolves to a file that cannot be opened, *error (caller frees) says
 * why, naming the file. */
nb_font *nb_fontset_find(nb_fontset *set, const char *name_or_path, char **error);
/* Whether a font name is a file path for nb_fontset_get (has '/' or a font file extension). */
int nb_font_is_path(const char *name);
/* Why a bundled font (`name`: a file NAME.otf, NAME-*.otf or .ttf in the font folder) did not
 * resolve: "is missing from DIR", or what opening its file says (damaged: a table past the end
 * of the file, truncated; not a font file). Malloc'd, caller frees. */
char *nb_fontset_bundled_problem(const nb_fontset *set, const char *name);
/* A font from an open regular file (a report's font, opened through the access policy), kept in
 * the set; the same bytes opened twice give the same font. NULL with *error on failure. */
nb_font *nb_fontset_get_fd(nb_fontset *set, int fd, const char *name, char **error);
/* Registers a font given in memory (copied) under `name`, which then resolves to it before any
 * family or file of that name. Returns 0, or -1 with *error (caller frees). */
int nb_fontset_add_memory(nb_fontset *set, const char *name, const unsigned char *data,
                          size_t size, char **error);
/* The faces of `font_dir` as name lookup sees them, one line each, "file|index|families|styles|
 * full names|PostScript name|weight|slant" (lists sorted, comma-separated): read from the files
 * (fontconfig 0) or as fontconfig lists them (1), for the test that keeps the two the same.
 * Caller frees; an error message when the folder cannot be read. */
char *nb_fontset_describe(const char *font_dir, int fontconfig);

/* One face as name lookup sees it: its file and face index, its names, and its weight and slant
 * on fontconfig's scale. Read from the bundled folder's files by font.c, or listed by
 * fontconfig in the system_fonts module (font_system.c). Every pointer is owned (malloc). */
typedef struct nb_face_names {
    char *file;
    int index;
    char **families; size_t nfamilies;
    char **styles;   size_t nstyles;
    char **fullnames; size_t nfullnames;
    char *ps_name;
    int weight, slant;
    int bundled; /* lives under the fontset's font_dir (set by font.c) */
} nb_face_names;

/* The faces fontconfig lists: the system's fonts (`system` 1) or none (0), and those of
 * `font_dir` (if not NULL). Returns 0 with *faces (free with nb_face_names_free), or -1 when
 * fontconfig cannot start or read the folder, or its module (module.h) cannot be loaded: then
 * *error (caller frees) says why, or is NULL. fontconfig and its libraries are loaded only by
 * this call, so that a report set in the bundled fonts starts without them. */
int nb_installed_faces(const char *font_dir, int system, nb_face_names **faces, size_t *n,
                       char **error);
void nb_face_names_free(nb_face_names *faces, size_t n);


#endif
