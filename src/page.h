/* The typeset document: pages of positioned glyph runs, rules and boxes. This is what the PDF
 * writer draws and what --dump-layout prints. Coordinates are PDF points with the origin at the
 * bottom-left of the A4 page; a box's y is its lower edge. */
#ifndef NB_PAGE_H_INCLUDED
#define NB_PAGE_H_INCLUDED

#include "font.h"
#include "seal.h"
#include <stddef.h>
#include <stdint.h>

/* One glyph placed at (run.x + x, run.y + y). `text`/`text_len` give the characters the glyph
 * stands for (ToUnicode); a glyph that continues a cluster has text_len 0. */
typedef struct nb_glyph {
    uint32_t gid;
    float x, y;
    uint32_t text, text_len; /* byte range in the run's text */
} nb_glyph;

typedef struct nb_run {
    const nb_font *font;  /* borrowed from the engine's fontset */
    int tag;              /* the structure element it belongs to (1-based in nb_doc.tags);
                           * 0: an artifact (page numbers, a table's repeated header) */
    float size;           /* pt */
    float x, y;           /* baseline origin */
    size_t first_char;    /* index of its first character in the text block it was set from */
    nb_glyph *glyphs;     /* owned */
    size_t nglyphs;
    char *text;           /* owned UTF-8 */
    size_t text_len;
} nb_run;

typedef struct nb_stroke {
    float x1, y1, x2, y2, width;
} nb_stroke;

typedef enum {
    NB_BOX_TITLE, NB_BOX_HEADING, NB_BOX_LINE, NB_BOX_CELL, NB_BOX_CELL_TEXT, NB_BOX_FOLIO,
    NB_BOX_SIGNOFF, NB_BOX_IMAGE
} nb_box_kind;
extern const char *const nb_box_kind_names[];

/* A box for tests and --dump-layout. For table cells: `table` is the table's name (表三),
 * row/col/rowspan/colspan are grid coordinates (0-based) and `repeat` is 1 when the cell is
 * a header row or spanning label drawn again after a page break. */
typedef struct nb_box {
    nb_box_kind kind;
    float x, y, w, h;
    char *text;        /* owned UTF-8, may be NULL */
    const char *table; /* borrowed */
    int row, col, rowspan, colspan;
    int repeat;
} nb_box;

typedef struct nb_image {
    const nb_raster *raster; /* borrowed from nb_doc.rasters */
    float x, y, w, h;
} nb_image;

/* The logical structure of the document, for the tagged PDF (PDF 32000 §14.8): the element
 * types of the standard structure. A page's runs point at the element they belong to; the
 * elements form a tree in document order (a child after its parent, siblings in order). */
typedef enum {
    NB_TAG_DOCUMENT, NB_TAG_H1, NB_TAG_H2, NB_TAG_H3, NB_TAG_H4, NB_TAG_P, NB_TAG_TABLE,
    NB_TAG_THEAD, NB_TAG_TBODY, NB_TAG_TR, NB_TAG_TH, NB_TAG_TD
} nb_tag_kind;
extern const char *const nb_tag_names[]; /* the standard structure type: "Document", "H1" … */

/* A table header cell heads the cells below it (its column), to its right (its row), or both. */
typedef enum { NB_SCOPE_NONE, NB_SCOPE_COLUMN, NB_SCOPE_ROW, NB_SCOPE_BOTH } nb_scope;

typedef struct nb_tag {
    nb_tag_kind kind;
    int parent;           /* 1-based index of the parent element; 0 for the root (Document) */
    nb_scope scope;       /* TH */
    int rowspan, colspan; /* TH, TD: grid rows and columns covered (1: none spanned) */
    int *headers;         /* owned, TD: the TH elements (1-based) that head it, in grid order;
                           * none in a table whose scopes say it (headers.h) */
    size_t nheaders;
} nb_tag;

typedef struct nb_page {
    nb_run *runs;   size_t nruns,  cap_runs;
    nb_stroke *rules; size_t nrules, cap_rules;
    nb_box *boxes;  size_t nboxes, cap_boxes;
    nb_image *images; size_t nimages, cap_images;
} nb_page;

typedef struct nb_outline_entry {
    char *title;   /* owned */
    int page;
    float y;       /* top of the heading */
    int level;     /* 0 = document title, 1 = section */
} nb_outline_entry;

typedef struct nb_doc {
    nb_page *pages; size_t npages, cap_pages;
    nb_outline_entry *outline; size_t noutline, cap_outline;
    nb_tag *tags; size_t ntags, cap_tags; /* the structure elements, in document order */
    nb_raster **rasters; size_t nrasters; /* owned: the decoded images the pages draw */
    /* document info */
    char *title, *author;    /* owned */
    int year, month, day;    /* creation date */
} nb_doc;

nb_page *nb_doc_add_page(nb_doc *doc);
nb_run *nb_page_add_run(nb_page *page);
void nb_page_add_rule(nb_page *page, float x1, float y1, float x2, float y2, float width);
nb_box *nb_page_add_box(nb_page *page, nb_box_kind kind, float x, float y, float w, float h,
                        const char *text, size_t text_len);
/* Adds a decoded image drawn at (x, y, w, h) on a page. The doc takes over raster's planes and
 * leaves *raster empty. */
void nb_page_add_image(nb_doc *doc, nb_page *page, nb_raster *raster, float x, float y, float w,
                       float h);
/* Adds a structure element under `parent` (1-based, 0: none) and returns its 1-based index. */
int nb_doc_add_tag(nb_doc *doc, nb_tag_kind kind, int parent);
/* Puts the page's runs from index `first` on into element `tag` (0: artifacts). */
void nb_page_tag_runs(nb_page *page, size_t first, int tag);
void nb_doc_add_outline(nb_doc *doc, const char *title, int page, float y, int level);
void nb_doc_free(nb_doc *doc);

/* Writes every page's boxes, as text lines or as JSON. */
void nb_doc_dump(const nb_doc *doc, void *file /* FILE* */, int json);

#endif
