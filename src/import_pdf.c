/* The PDF reader (import.h): text-based PDFs as WPS, Word or nianbao make them.
 *
 * MuPDF interprets each page into a device of ours that keeps two things: every character with
 * its position, size and font, and every straight rule drawn (stroked lines and thin filled
 * rectangles). Tables are rebuilt from the rules: connected horizontal and vertical rules give a
 * grid; a rule missing between two grid cells merges them (a row or column span); characters go
 * to the cell they sit in. The rest of the page is prose: characters make lines by baseline,
 * lines make paragraphs (a line ending short of the right margin, an indented line, a change of
 * size or a wide gap starts a new one), page numbers ("— 3 —") are dropped. A table that goes on
 * at the top of the next page is joined to the one before it: header rows repeated there are
 * dropped, and a group label cut by the page break becomes one cell again.
 *
 * MuPDF runs under an allocator of ours that refuses to pass a memory budget, its errors are
 * caught with fz_try, and a cookie stops a page that draws too much. */
#include "import_build.h"
#include "module.h"

#include <math.h>
#include <mupdf/fitz.h>
#include <stdlib.h>
#include <string.h>

#define PDF_MAX_BYTES (32u << 20)       /* the file (reports are 0.2 to 5 MB) */
#define PDF_MAX_PAGES 200               /* reports have 3 to 30 */
#define PDF_MAX_CHARS 200000            /* characters in the whole document */
#define PDF_MAX_RULES 5000              /* rules on one page (a table page draws some 1,000) */
#define PDF_MAX_DOC_RULES 50000         /* rules in the whole document */
#define PDF_MAX_GRID 10000              /* grid cells of one table part (rows x columns) */
#define PDF_MEMORY (96u << 20)          /* MuPDF's allocations at once (a report: about 10 MB) */
#define RULE_THIN 2.5f                  /* a filled rectangle this thin (pt) is a rule */
#define SNAP 1.5f                       /* rules this close (pt) are one grid line */

/* MuPDF's own PDF handler: registered alone, so that no other format's code is reachable. Its
 * headers do not declare it; the library defines it (pdf/pdf-xref.c). */
extern fz_document_handler pdf_document_handler;

/* ---- MuPDF's allocator: counted and capped --------------------------------------------- */

typedef struct budget {
    size_t used, limit;
    int refused; /* a request was refused for the budget */
} budget;

typedef union block_head {
    size_t size;
    max_align_t align;
} block_head;

static void *budget_malloc(void *user, size_t size)
{
    budget *b = user;
    if (size > b->limit - b->used || size > SIZE_MAX - sizeof(block_head)) {
        b->refused = 1;
        return NULL;
    }
    block_head *h = malloc(sizeof *h + size);
    if (!h)
        return NULL;
    h->size = size;
    b->used += size;
    return h + 1;
}

static void budget_free(void *user, void *p)
{
    if (!p)
        return;
    budget *b = user;
    block_head *h = (block_head *)p - 1;
    b->used -= h->size;
    free(h);
}

static void *budget_realloc(void *user, void *p, size_t size)
{
    if (!p)
        return budget_malloc(user, size);
    if (!size) {
        budget_free(user, p);
        return NULL;
    }
    budget *b = user;
    block_head *h = (block_head *)p - 1;
    size_t old = h->size;
    if (size > old && (size - old > b->limit - b->used || size > SIZE_MAX - sizeof *h)) {
        b->refused = 1;
        return NULL;
    }
    block_head *n = realloc(h, sizeof *n + size);
    if (!n)
        return NULL;
    n->size = size;
    b->used = b->used - old + size;
    return n + 1;
}

static void quiet(void *user, const char *message) { (void)user, (void)message; }

/* ---- what a page draws ------------------------------------------------------------------- */

typedef struct pchar {
    uint32_t c;
    float x0, x1, y;  /* left, right, baseline; y grows downwards */
    float size;
    int font;         /* index into pdf_reader.fonts */
    int seq;          /* drawing order, to keep equal positions stable */
    int doubled;      /* drawn twice over itself: WPS's bold for faces without a bold */
} pchar;

typedef struct rule {
    float at, from, to; /* horizontal: y, x range; vertical: x, y range */
} rule;

typedef struct font_info {
    char *name;  /* without the subset tag */
    int bold;    /* MuPDF says bold, or the name does */
    int kind;    /* 0 other, 1 黑体-like (sans, bold), 2 楷体-like */
} font_info;

typedef struct page_draw {
    pchar *chars;
    size_t nchars, capc;
    rule *h, *v;
    size_t nh, nv, caph, capv;
    int seq;
    fz_cookie *cookie;
    size_t *total_chars;
    size_t *total_rules;
    struct pdf_reader *reader;
    int too_much;
    /* the path being walked */
    fz_matrix ctm;
    float width;          /* stroke width, 0 for a fill */
    fz_point start, last;
    fz_point pts[5];
    int npts, polygon;    /* a fill: the points of a 4-sided polygon so far */
} page_draw;

typedef struct draw_device {
    fz_device super;
    page_draw *page;
} draw_device;

typedef struct pdf_reader {
    const char *name;
    nb_import_doc *doc;
    nb_diags *diags;
    fz_context *ctx;
    font_info *fonts;
    size_t nfonts, capf;
    size_t total_chars;
    size_t total_rules;
    size_t cells;
    int overflow;
} pdf_reader;

static int font_index(fz_context *ctx, pdf_reader *r, fz_font *font)
{
    const char *name = fz_font_name(ctx, font);
    if (!name)
        name = "";
    const char *plus = strchr(name, '+');
    if (plus && plus - name == 6)
        name = plus + 1;
    for (size_t i = 0; i < r->nfonts; i++)
        if (!strcmp(r->fonts[i].name, name))
            return (int)i;
    nb_grow(&r->fonts, &r->capf, r->nfonts + 1, sizeof *r->fonts);
    font_info *f = &r->fonts[r->nfonts];
    f->name = nb_strdup(name);
    f->bold = fz_font_is_bold(ctx, font) || strstr(name, "Bold") || strstr(name, "bold");
    f->kind = (strstr(name, "Hei") || strstr(name, "hei") || strstr(name, "黑") ||
               strstr(name, "Sans") || strstr(name, "Gothic"))
                  ? 1
                  : (strstr(name, "Kai") || strstr(name, "kai") || strstr(name, "楷")) ? 2 : 0;
    return (int)r->nfonts++;
}

static void add_char(page_draw *pg, uint32_t c, float x0, float x1, float y, float size, int font)
{
    if (pg->too_much)
        return;
    if (*pg->total_chars >= PDF_MAX_CHARS) {
        pg->too_much = 1;
        pg->cookie->abort = 1;
        return;
    }
    ++*pg->total_chars;
    nb_grow(&pg->chars, &pg->capc, pg->nchars + 1, sizeof *pg->chars);
    pg->chars[pg->nchars++] = (pchar){c, x0 < x1 ? x0 : x1, x0 < x1 ? x1 : x0, y, size, font,
                                      pg->seq++, 0};
}

static void text_chars(fz_context *ctx, page_draw *pg, const fz_text *text, fz_matrix ctm)
{
    for (const fz_text_span *span = text->head; span && !pg->too_much; span = span->next) {
        fz_matrix trm = span->trm;
        trm.e = trm.f = 0;
        fz_matrix m = fz_concat(trm, ctm);
        float size = fz_matrix_expansion(m);
        if (!(size > 0.5f) || !(size < 500.0f))
            continue;
        int font = font_index(ctx, pg->reader, span->font);
        float last_x0 = 0, last_x1 = 0, last_y = 0;
        for (int i = 0; i < span->len; i++) {
            const fz_text_item *it = &span->items[i];
            if (it->ucs < 0)
                continue;
            float x0, x1, y;
            if (it->gid < 0) { /* one glyph, several characters: share its place */
                x0 = last_x1;
                x1 = last_x1;
                y = last_y;
            } else {
                fz_point p = fz_transform_point(fz_make_point(it->x, it->y), ctm);
                float adv = span->wmode ? 1.0f : fz_advance_glyph(ctx, span->font, it->gid, 0);
                fz_point w = fz_transform_vector(fz_make_point(adv, 0), m);
                x0 = p.x;
                x1 = p.x + w.x;
                y = p.y;
            }
            last_x0 = x0, last_x1 = x1, last_y = y;
            (void)last_x0;
            add_char(pg, (uint32_t)it->ucs, x0, x1, y, size, font);
        }
    }
}

static void dev_fill_text(fz_context *ctx, fz_device *dev, const fz_text *text, fz_matrix ctm,
                          fz_colorspace *cs, const float *color, float alpha, fz_color_params cp)
{
    (void)cs, (void)color, (void)alpha, (void)cp;
    text_chars(ctx, ((draw_device *)dev)->page, text, ctm);
}

static void dev_stroke_text(fz_context *ctx, fz_device *dev, const fz_text *text,
                            const fz_stroke_state *st, fz_matrix ctm, fz_colorspace *cs,
                            const float *color, float alpha, fz_color_params cp)
{
    (void)st, (void)cs, (void)color, (void)alpha, (void)cp;
    text_chars(ctx, ((draw_device *)dev)->page, text, ctm);
}

static void add_rule(page_draw *pg, int horizontal, float at, float a, float b)
{
    if (pg->too_much)
        return;
    if (pg->nh + pg->nv >= PDF_MAX_RULES || *pg->total_rules >= PDF_MAX_DOC_RULES) {
        pg->too_much = 1;
        pg->cookie->abort = 1;
        return;
    }
    if (!isfinite(at) || !isfinite(a) || !isfinite(b))
        return;
    ++*pg->total_rules;
    rule r = {at, a < b ? a : b, a < b ? b : a};
    if (horizontal) {
        nb_grow(&pg->h, &pg->caph, pg->nh + 1, sizeof *pg->h);
        pg->h[pg->nh++] = r;
    } else {
        nb_grow(&pg->v, &pg->capv, pg->nv + 1, sizeof *pg->v);
        pg->v[pg->nv++] = r;
    }
}

/* A straight segment of a stroked path: a rule when horizontal or vertical. */
static void stroke_segment(page_draw *pg, fz_point a, fz_point b)
{
    float dx = fabsf(b.x - a.x), dy = fabsf(b.y - a.y);
    if (dy < 0.5f && dx > 2.0f)
        add_rule(pg, 1, (a.y + b.y) / 2, a.x, b.x);
    else if (dx < 0.5f && dy > 2.0f)
        add_rule(pg, 0, (a.x + b.x) / 2, a.y, b.y);
}

/* A filled axis-aligned rectangle that is thin in one direction is a rule along the other. */
static void fill_rect(page_draw *pg, float x0, float y0, float x1, float y1)
{
    float w = fabsf(x1 - x0), h = fabsf(y1 - y0);
    if (h <= RULE_THIN && w > h && w > 2.0f)
        add_rule(pg, 1, (y0 + y1) / 2, x0, x1);
    else if (w <= RULE_THIN && h > w && h > 2.0f)
        add_rule(pg, 0, (x0 + x1) / 2, y0, y1);
}

static void flush_polygon(page_draw *pg)
{
    if (pg->width == 0 && pg->polygon && pg->npts >= 4) {
        /* 4 corners (a 5th equal to the first closes it) of an axis-aligned rectangle */
        fz_point *p = pg->pts;
        float x0 = p[0].x, x1 = p[0].x, y0 = p[0].y, y1 = p[0].y;
        int axis = 1;
        for (int i = 1; i < pg->npts; i++) {
            x0 = fminf(x0, p[i].x), x1 = fmaxf(x1, p[i].x);
            y0 = fminf(y0, p[i].y), y1 = fmaxf(y1, p[i].y);
            float dx = fabsf(p[i].x - p[i - 1].x), dy = fabsf(p[i].y - p[i - 1].y);
            if (dx > 0.3f && dy > 0.3f)
                axis = 0;
        }
        if (axis)
            fill_rect(pg, x0, y0, x1, y1);
    }
    pg->npts = 0;
    pg->polygon = 1;
}

static void walk_moveto(fz_context *ctx, void *arg, float x, float y)
{
    (void)ctx;
    page_draw *pg = arg;
    flush_polygon(pg);
    pg->start = pg->last = fz_transform_point(fz_make_point(x, y), pg->ctm);
    pg->pts[0] = pg->start;
    pg->npts = 1;
}

static void walk_lineto(fz_context *ctx, void *arg, float x, float y)
{
    (void)ctx;
    page_draw *pg = arg;
    fz_point p = fz_transform_point(fz_make_point(x, y), pg->ctm);
    if (pg->width > 0)
        stroke_segment(pg, pg->last, p);
    if (pg->npts < 5)
        pg->pts[pg->npts++] = p;
    else
        pg->polygon = 0;
    pg->last = p;
}

static void walk_curveto(fz_context *ctx, void *arg, float x1, float y1, float x2, float y2,
                         float x3, float y3)
{
    (void)ctx, (void)x1, (void)y1, (void)x2, (void)y2;
    page_draw *pg = arg;
    pg->polygon = 0;
    pg->last = fz_transform_point(fz_make_point(x3, y3), pg->ctm);
}

static void walk_closepath(fz_context *ctx, void *arg)
{
    (void)ctx;
    page_draw *pg = arg;
    if (pg->width > 0)
        stroke_segment(pg, pg->last, pg->start);
    flush_polygon(pg);
    pg->last = pg->start;
}

static void walk_rectto(fz_context *ctx, void *arg, float x0, float y0, float x1, float y1)
{
    (void)ctx;
    page_draw *pg = arg;
    flush_polygon(pg);
    fz_point a = fz_transform_point(fz_make_point(x0, y0), pg->ctm);
    fz_point b = fz_transform_point(fz_make_point(x1, y0), pg->ctm);
    fz_point c = fz_transform_point(fz_make_point(x1, y1), pg->ctm);
    fz_point d = fz_transform_point(fz_make_point(x0, y1), pg->ctm);
    if (pg->width > 0) {
        stroke_segment(pg, a, b);
        stroke_segment(pg, b, c);
        stroke_segment(pg, c, d);
        stroke_segment(pg, d, a);
    } else {
        fill_rect(pg, fminf(a.x, c.x), fminf(a.y, c.y), fmaxf(a.x, c.x), fmaxf(a.y, c.y));
    }
    pg->start = pg->last = a;
    pg->npts = 0;
}

static const fz_path_walker walker = {
    .moveto = walk_moveto, .lineto = walk_lineto, .curveto = walk_curveto,
    .closepath = walk_closepath, .rectto = walk_rectto};

/* White (or nearly) paint draws nothing a reader sees. */
static int is_white(fz_context *ctx, fz_colorspace *cs, const float *color)
{
    if (!cs || !color)
        return 0;
    int n = fz_colorspace_n(ctx, cs);
    if (fz_colorspace_is_cmyk(ctx, cs))
        return n == 4 && color[0] < 0.05f && color[1] < 0.05f && color[2] < 0.05f &&
               color[3] < 0.05f;
    for (int i = 0; i < n && i < 4; i++)
        if (color[i] < 0.95f)
            return 0;
    return n > 0 && n <= 3;
}

static void dev_fill_path(fz_context *ctx, fz_device *dev, const fz_path *path, int even_odd,
                          fz_matrix ctm, fz_colorspace *cs, const float *color, float alpha,
                          fz_color_params cp)
{
    (void)even_odd, (void)cp;
    page_draw *pg = ((draw_device *)dev)->page;
    if (pg->too_much || alpha < 0.1f || is_white(ctx, cs, color))
        return;
    pg->ctm = ctm;
    pg->width = 0;
    pg->npts = 0;
    pg->polygon = 1;
    fz_walk_path(ctx, path, &walker, pg);
    flush_polygon(pg);
}

static void dev_stroke_path(fz_context *ctx, fz_device *dev, const fz_path *path,
                            const fz_stroke_state *st, fz_matrix ctm, fz_colorspace *cs,
                            const float *color, float alpha, fz_color_params cp)
{
    (void)cp;
    page_draw *pg = ((draw_device *)dev)->page;
    if (pg->too_much || alpha < 0.1f || is_white(ctx, cs, color))
        return;
    pg->ctm = ctm;
    pg->width = fmaxf(st ? st->linewidth * fz_matrix_expansion(ctm) : 1.0f, 0.01f);
    pg->npts = 0;
    pg->polygon = 0;
    fz_walk_path(ctx, path, &walker, pg);
}

/* ---- tables from rules ------------------------------------------------------------------- */

typedef struct tcell {
    int row, col, rowspan, colspan;
    float x0, x1, y0, y1;
    nb_buf text;
    float last_y;      /* baseline of the last character put in */
    float last_x0, last_x1; /* extent of the cell's last line of text */
    float cut_size;    /* size of its characters */
    int keep;          /* 0 once merged into a cell of the part before */
} tcell;

typedef struct ptable {
    float x0, x1, y0, y1;
    float *xs;          /* column boundaries, left to right */
    int nxs;
    int nrows;
    tcell *cells;
    size_t ncells;
    float *ys;          /* row boundaries of the page's part, before joining */
    int nys;
    int *owner;         /* (nys-1) x (nxs-1): the cell covering each grid cell; NULL once joined */
    int page;           /* where it starts */
    int last_page;      /* where its last part (joined from later pages) is */
} ptable;

static void ptable_free(ptable *t)
{
    for (size_t i = 0; i < t->ncells; i++)
        nb_buf_free(&t->cells[i].text);
    free(t->cells);
    free(t->xs);
    free(t->ys);
    free(t->owner);
    memset(t, 0, sizeof *t);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* Sorted positions closer than SNAP become one (their mean). Returns the count. */
static int snap(float *v, int n)
{
    if (n == 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_float);
    int k = 0;
    float sum = v[0];
    int cnt = 1;
    for (int i = 1; i <= n; i++) {
        if (i < n && v[i] - v[i - 1] < SNAP) {
            sum += v[i];
            cnt++;
            continue;
        }
        v[k++] = sum / (float)cnt;
        if (i < n) {
            sum = v[i];
            cnt = 1;
        }
    }
    return k;
}

/* Is the line at `at` (within SNAP) drawn across the point `mid`? */
static int covered(const rule *rs, const int *member, int n, float at, float mid)
{
    for (int i = 0; i < n; i++) {
        const rule *r = &rs[member[i]];
        if (fabsf(r->at - at) < SNAP && r->from - SNAP <= mid && mid <= r->to + SNAP)
            return 1;
    }
    return 0;
}

static int uf_find(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void uf_union(int *parent, int a, int b)
{
    a = uf_find(parent, a), b = uf_find(parent, b);
    if (a != b)
        parent[a > b ? a : b] = a > b ? b : a;
}

/* Builds the table of one group of connected rules (indices into h and v), or returns 0. */
static int build_table(const page_draw *pg, const int *hs, int nh, const int *vs, int nv,
                       ptable *t)
{
    memset(t, 0, sizeof *t);
    if (nh < 2 || nv < 2)
        return 0;
    float *xs = nb_malloc(sizeof(float) * (size_t)nv);
    float *ys = nb_malloc(sizeof(float) * (size_t)(nh + 2));
    float vtop = pg->v[vs[0]].from, vbottom = pg->v[vs[0]].to;
    for (int i = 0; i < nv; i++) {
        xs[i] = pg->v[vs[i]].at;
        vtop = fminf(vtop, pg->v[vs[i]].from);
        vbottom = fmaxf(vbottom, pg->v[vs[i]].to);
    }
    for (int i = 0; i < nh; i++)
        ys[i] = pg->h[hs[i]].at;
    /* a table cut by the page may lack its last (or first) horizontal rule there: the ends of
     * its vertical rules close the row */
    ys[nh] = vtop;
    ys[nh + 1] = vbottom;
    int nx = snap(xs, nv), ny = snap(ys, nh + 2);
    /* a box (one row or one column: a frame, a text box) is no table */
    if (nx < 3 || ny < 3 || (ny - 1) * (nx - 1) > PDF_MAX_GRID) {
        free(xs), free(ys);
        return 0;
    }
    int rows = ny - 1, cols = nx - 1;
    int *parent = nb_malloc(sizeof(int) * (size_t)(rows * cols));
    for (int i = 0; i < rows * cols; i++)
        parent[i] = i;
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            float ym = (ys[r] + ys[r + 1]) / 2, xm = (xs[c] + xs[c + 1]) / 2;
            if (c + 1 < cols && !covered(pg->v, vs, nv, xs[c + 1], ym))
                uf_union(parent, r * cols + c, r * cols + c + 1);
            if (r + 1 < rows && !covered(pg->h, hs, nh, ys[r + 1], xm))
                uf_union(parent, r * cols + c, (r + 1) * cols + c);
        }
    /* each group's bounding rows and columns, in one pass; groups in reading order */
    int *box = nb_malloc(sizeof(int) * 4 * (size_t)(rows * cols));
    for (int i = 0; i < rows * cols; i++) {
        int root = uf_find(parent, i), r = i / cols, c = i % cols;
        int *b = &box[4 * root];
        if (root == i) {
            b[0] = b[1] = r;
            b[2] = b[3] = c;
        }
        b[0] = r < b[0] ? r : b[0], b[1] = r > b[1] ? r : b[1];
        b[2] = c < b[2] ? c : b[2], b[3] = c > b[3] ? c : b[3];
    }
    size_t cap = 0;
    for (int i = 0; i < rows * cols; i++) {
        if (uf_find(parent, i) != i)
            continue;
        int r0 = box[4 * i], r1 = box[4 * i + 1], c0 = box[4 * i + 2], c1 = box[4 * i + 3];
        nb_grow(&t->cells, &cap, t->ncells + 1, sizeof *t->cells);
        tcell *cell = &t->cells[t->ncells++];
        memset(cell, 0, sizeof *cell);
        cell->row = r0, cell->col = c0;
        cell->rowspan = r1 - r0 + 1, cell->colspan = c1 - c0 + 1;
        cell->x0 = xs[c0], cell->x1 = xs[c1 + 1], cell->y0 = ys[r0], cell->y1 = ys[r1 + 1];
        cell->keep = 1;
    }
    /* which cell covers each grid cell, to place characters quickly */
    t->owner = nb_malloc(sizeof(int) * (size_t)(rows * cols));
    for (size_t k = 0; k < t->ncells; k++) {
        const tcell *c = &t->cells[k];
        for (int r = c->row; r < c->row + c->rowspan; r++)
            for (int cc = c->col; cc < c->col + c->colspan; cc++)
                t->owner[r * cols + cc] = (int)k;
    }
    free(box);
    free(parent);
    t->x0 = xs[0], t->x1 = xs[nx - 1], t->y0 = ys[0], t->y1 = ys[ny - 1];
    t->xs = xs;
    t->nxs = nx;
    t->ys = ys;
    t->nys = ny;
    t->nrows = rows;
    return 1;
}

/* The interval of v (sorted, n >= 2 boundaries) that x falls in: 0 .. n-2. */
static int upper_index(const float *v, int n, float x)
{
    int lo = 0, hi = n - 2;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (x >= v[mid])
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* The page's tables: groups of rules that touch each other. */
static ptable *find_tables(const page_draw *pg, int *ntables)
{
    int n = (int)(pg->nh + pg->nv);
    *ntables = 0;
    if (!pg->nh || !pg->nv)
        return NULL;
    int *parent = nb_malloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++)
        parent[i] = i;
    for (size_t i = 0; i < pg->nh; i++)
        for (size_t j = 0; j < pg->nv; j++) {
            const rule *h = &pg->h[i], *v = &pg->v[j];
            if (v->at >= h->from - SNAP && v->at <= h->to + SNAP && h->at >= v->from - SNAP &&
                h->at <= v->to + SNAP)
                uf_union(parent, (int)i, (int)(pg->nh + j));
        }
    ptable *tables = NULL;
    size_t cap = 0;
    int *hs = nb_malloc(sizeof(int) * pg->nh), *vs = nb_malloc(sizeof(int) * pg->nv);
    for (int root = 0; root < n; root++) {
        if (uf_find(parent, root) != root)
            continue;
        int nh = 0, nv = 0;
        for (int i = 0; i < n; i++)
            if (uf_find(parent, i) == root) {
                if (i < (int)pg->nh)
                    hs[nh++] = i;
                else
                    vs[nv++] = i - (int)pg->nh;
            }
        ptable t;
        if (build_table(pg, hs, nh, vs, nv, &t)) {
            nb_grow(&tables, &cap, (size_t)*ntables + 1, sizeof *tables);
            tables[(*ntables)++] = t;
        }
    }
    free(hs), free(vs), free(parent);
    return tables;
}

/* ---- characters to lines ----------------------------------------------------------------- */

typedef struct pline {
    int page;
    float x0, x1, y, size;
    int first_font, last_font, font; /* the font of most characters */
    int all_bold, kind;              /* every character bold; 黑/楷 kind of every character */
    nb_buf text;
} pline;

static int cmp_char(const void *a, const void *b)
{
    const pchar *p = a, *q = b;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    if (p->x0 != q->x0)
        return p->x0 < q->x0 ? -1 : 1;
    return p->seq - q->seq;
}

static int cmp_char_x(const void *a, const void *b)
{
    const pchar *p = a, *q = b;
    if (p->x0 != q->x0)
        return p->x0 < q->x0 ? -1 : 1;
    return p->seq - q->seq;
}

/* Groups characters (sorted by baseline) into lines: a character within 30% of its size from
 * the line's baseline belongs to it. Calls `emit` for each line, its characters sorted by x. */
static size_t next_line(pchar *chars, size_t *count, size_t start)
{
    size_t n = *count;
    size_t end = start + 1;
    float y = chars[start].y, size = chars[start].size;
    while (end < n && fabsf(chars[end].y - y) < 0.3f * fmaxf(size, chars[end].size))
        end++;
    qsort(chars + start, end - start, sizeof *chars, cmp_char_x);
    /* a character drawn again over itself (fake bold, or fill then stroke) counts once */
    size_t k = start;
    for (size_t i = start; i < end; i++) {
        int twin = 0;
        size_t floor = k > start + 4 ? k - 4 : start; /* twins sit side by side: look back 4 */
        for (size_t j = k; j-- > floor && chars[i].x0 - chars[j].x0 < 0.3f * chars[i].size;)
            if (chars[j].c == chars[i].c && fabsf(chars[j].y - chars[i].y) < 0.3f * chars[i].size) {
                chars[j].doubled = 1;
                twin = 1;
                break;
            }
        if (!twin)
            chars[k++] = chars[i];
    }
    if (k < end) { /* close the gap the twins left */
        memmove(chars + k, chars + end, (n - end) * sizeof *chars);
        *count = n - (end - k);
    }
    return k;
}

/* The text of characters[start, end) (one line, sorted by x), a space where the gap between
 * two characters is wider than a third of their size. */
static void line_text(const pchar *c, size_t start, size_t end, nb_buf *out)
{
    for (size_t i = start; i < end; i++) {
        if (i > start && c[i].x0 - c[i - 1].x1 > 0.3f * fmaxf(c[i].size, c[i - 1].size) &&
            c[i - 1].c != ' ' && c[i].c != ' ')
            nb_buf_put(out, " ", 1);
        char u[4];
        nb_buf_put(out, u, nb_utf8_encode(c[i].c, u));
    }
}

static int is_dash(uint32_t c)
{
    return c == '-' || c == 0x2014 || c == 0x2013 || c == 0x2012 || c == 0xFF0D || c == 0x2015 ||
           c == 0x2212 || c == 0x2500 || c == 0x2501;
}

/* A page number as GB/T 9704 and others print it: "— 3 —", "- 3 -", "3", "第3页". */
static int is_folio(const pchar *c, size_t start, size_t end)
{
    int digits = 0;
    for (size_t i = start; i < end; i++) {
        if (c[i].c >= '0' && c[i].c <= '9')
            digits++;
        else if (!is_dash(c[i].c) && c[i].c != ' ' && c[i].c != 0x3000 && c[i].c != 0x7B2C &&
                 c[i].c != 0x9875 && c[i].c != '/' && c[i].c != 0x5171)
            return 0;
    }
    return digits > 0 && digits <= 4;
}

/* ---- assembling the document ------------------------------------------------------------- */

/* One thing on a page in reading order: a line of prose or a table. */
typedef struct item {
    float y;
    int is_table;
    pline line;
    ptable table;
} item;

static int cmp_item(const void *a, const void *b)
{
    const item *p = a, *q = b;
    return p->y < q->y ? -1 : p->y > q->y;
}

static void overflow(pdf_reader *r, int page)
{
    if (!r->overflow)
        nb_diag_add(r->diags, NB_ERROR, (nb_pos){r->name, page, 0},
                    "the document holds more than %d blocks or %d table cells; it is not read",
                    NB_IMPORT_MAX_BLOCKS, NB_IMPORT_MAX_CELLS);
    r->overflow = 1;
}

static int numeric(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || *s == '.' || *s == ',' || *s == '-' || *s == '/'))
            return 0;
    return 1;
}

static const char *cell_str(const tcell *c) { return c->text.data ? (const char *)c->text.data : ""; }

/* The cleaned text of every cell, once its characters are in. */
static void clean_cells(ptable *t)
{
    for (size_t i = 0; i < t->ncells; i++) {
        tcell *c = &t->cells[i];
        char *s = nb_import_clean(cell_str(c), c->text.len);
        c->text.len = 0;
        nb_buf_puts(&c->text, s);
        free(s);
    }
}

static int row_text_equal(const ptable *a, int ra, const ptable *b, int rb)
{
    /* the cells starting in row ra of a and rb of b, left to right, have the same texts */
    size_t ia = 0, ib = 0;
    for (;;) {
        while (ia < a->ncells && a->cells[ia].row != ra)
            ia++;
        while (ib < b->ncells && (b->cells[ib].row != rb || !b->cells[ib].keep))
            ib++;
        if (ia == a->ncells || ib == b->ncells)
            return ia == a->ncells && ib == b->ncells;
        if (strcmp(cell_str(&a->cells[ia]), cell_str(&b->cells[ib])) ||
            fabsf(a->cells[ia].x0 - b->cells[ib].x0) > 2 * SNAP)
            return 0;
        ia++, ib++;
    }
}

/* The index of the boundary at x in xs (within 2 SNAP), or -1. */
static int boundary(const float *xs, int n, float x)
{
    for (int i = 0; i < n; i++)
        if (fabsf(xs[i] - x) <= 2 * SNAP)
            return i;
    return -1;
}

/* Puts a table's cells on the column boundaries xs (a superset of its own). */
static void remap_columns(ptable *t, const float *xs, int n)
{
    for (size_t i = 0; i < t->ncells; i++) {
        tcell *c = &t->cells[i];
        int c0 = boundary(xs, n, c->x0), c1 = boundary(xs, n, c->x1);
        if (c0 >= 0 && c1 > c0) {
            c->col = c0;
            c->colspan = c1 - c0;
        }
    }
}

/* Joins table b (the top of a page) to a (the last thing on the page before) when their outer
 * edges line up; returns 1 when joined (b is then emptied). The column boundaries are the union
 * of both parts': a part may not show every boundary (a header over merged label columns). */
static int join_tables(ptable *a, ptable *b)
{
    if (fabsf(a->x0 - b->x0) > 2 * SNAP || fabsf(a->x1 - b->x1) > 2 * SNAP ||
        a->ncells + b->ncells > NB_IMPORT_MAX_CELLS)
        return 0;
    float *xs = nb_malloc(sizeof(float) * (size_t)(a->nxs + b->nxs));
    memcpy(xs, a->xs, sizeof(float) * (size_t)a->nxs);
    int n = a->nxs;
    for (int i = 0; i < b->nxs; i++)
        if (boundary(xs, n, b->xs[i]) < 0)
            xs[n++] = b->xs[i];
    qsort(xs, (size_t)n, sizeof *xs, cmp_float);
    free(a->xs);
    a->xs = xs;
    a->nxs = n;
    remap_columns(a, xs, n);
    remap_columns(b, xs, n);
    /* header rows repeated at the top of the continuation */
    int skip = 0;
    while (skip < b->nrows && skip < a->nrows && row_text_equal(a, skip, b, skip))
        skip++;
    if (skip == b->nrows)
        skip = 0; /* the whole continuation equal to the head: keep it, it is data */
    for (size_t i = 0; i < b->ncells; i++)
        if (b->cells[i].row < skip)
            b->cells[i].keep = 0;
    /* cells cut by the page break: a cell of the continuation's first row under a label cell
     * that reaches the bottom of the part before goes on that cell when it is empty, repeats
     * the label, or holds the rest of a label whose last line above filled the cell's width
     * (WPS splits a merged cell's text across the break) */
    for (size_t i = 0; i < b->ncells; i++) {
        tcell *c = &b->cells[i];
        if (!c->keep || c->row != skip)
            continue;
        for (size_t j = 0; j < a->ncells; j++) {
            tcell *up = &a->cells[j];
            if (up->row + up->rowspan != a->nrows || fabsf(up->x0 - c->x0) > 2 * SNAP ||
                fabsf(up->x1 - c->x1) > 2 * SNAP || numeric(cell_str(up)))
                continue;
            float em = up->cut_size > 0 ? up->cut_size : 10;
            int full = up->last_x0 <= up->x0 + 1.2f * em && up->last_x1 >= up->x1 - 1.2f * em;
            int group = up->rowspan > 1 || c->rowspan > 1; /* a label over several rows */
            if (!*cell_str(up)) {
                /* nianbao prints a cut label on the part with more of its rows */
                if (group && *cell_str(c) && !numeric(cell_str(c))) {
                    nb_buf_put(&up->text, c->text.data, c->text.len);
                    up->rowspan += c->rowspan;
                    c->keep = 0;
                }
            } else if (!*cell_str(c) || !strcmp(cell_str(c), cell_str(up))) {
                up->rowspan += c->rowspan;
                c->keep = 0;
            } else if (full && group && !numeric(cell_str(c))) {
                nb_buf_put(&up->text, c->text.data, c->text.len);
                up->rowspan += c->rowspan;
                c->keep = 0;
            }
            break;
        }
    }
    size_t cap = a->ncells;
    for (size_t i = 0; i < b->ncells; i++) {
        tcell *c = &b->cells[i];
        if (!c->keep)
            continue;
        tcell moved = *c;
        moved.row = a->nrows + c->row - skip;
        memset(&c->text, 0, sizeof c->text);
        nb_grow(&a->cells, &cap, a->ncells + 1, sizeof *a->cells);
        a->cells[a->ncells++] = moved;
    }
    a->nrows += b->nrows - skip;
    a->last_page = b->page;
    ptable_free(b);
    return 1;
}

static int cmp_cell(const void *a, const void *b)
{
    const tcell *p = a, *q = b;
    return p->row != q->row ? (p->row > q->row) - (p->row < q->row)
                            : (p->col > q->col) - (p->col < q->col);
}

static void emit_table(pdf_reader *r, ptable *t)
{
    nb_import_block *b = nb_import_add_block(r->doc, NB_IMPORT_TABLE, t->page, 0);
    if (!b) {
        overflow(r, t->page);
        return;
    }
    if (t->ncells)
        qsort(t->cells, t->ncells, sizeof *t->cells, cmp_cell);
    nb_import_row *out = NULL;
    int out_row = -1;
    for (size_t i = 0; i < t->ncells && !r->overflow; i++) {
        tcell *next = &t->cells[i];
        if (!next->keep)
            continue;
        {
            if (!out || next->row != out_row) {
                out = nb_import_add_row(b);
                out_row = next->row;
            }
            if (!nb_import_add_cell(out, cell_str(next), next->text.len, next->rowspan,
                                    next->colspan, t->page, 0, &r->cells)) {
                overflow(r, t->page);
                break;
            }
        }
    }
}

typedef struct para_state {
    nb_buf text;
    int page, open;
    float size_sum, chars;
    int all_bold, kind, font;
    int mixed;
} para_state;

static void flush_para(pdf_reader *r, para_state *p, float body_size)
{
    if (p->open && p->text.len) {
        char *text = nb_import_clean((const char *)p->text.data, p->text.len);
        nb_import_block *b =
            *text ? nb_import_add_block(r->doc, NB_IMPORT_PARAGRAPH, p->page, 0) : NULL;
        if (!b) {
            if (*text)
                overflow(r, p->page);
            free(text);
        } else {
            b->text = text;
            float size = p->chars > 0 ? p->size_sum / p->chars : 0;
            b->size = roundf(size * 2) / 2;
            b->bold = p->all_bold;
            b->level = body_size > 0 && size >= body_size * 1.25f ? 1
                       : p->mixed                                   ? 0
                       : p->kind == 1                               ? 2
                       : p->kind == 2                               ? 3
                                                                    : 0;
        }
    }
    p->text.len = 0;
    p->open = 0;
    p->size_sum = p->chars = 0;
    p->mixed = 0;
}

/* Reads one page into items (lines outside tables, tables). */
static item *page_items(pdf_reader *r, page_draw *pg, int page, fz_rect bounds, size_t *nitems)
{
    int ntables;
    ptable *tables = find_tables(pg, &ntables);
    item *items = NULL;
    size_t n = 0, cap = 0;
    if (pg->nchars)
        qsort(pg->chars, pg->nchars, sizeof *pg->chars, cmp_char);
    /* line by line (each sorted by x), characters into the cells they sit in; the rest stay,
     * in the same order, for prose */
    size_t kept = 0;
    for (size_t s = 0; s < pg->nchars;) {
        size_t e = next_line(pg->chars, &pg->nchars, s);
        for (size_t i = s; i < e; i++) {
            pchar *c = &pg->chars[i];
            float cx = (c->x0 + c->x1) / 2, cy = c->y - 0.35f * c->size;
            int placed = 0;
            for (int t = 0; t < ntables && !placed; t++) {
                ptable *tb = &tables[t];
                if (cx < tb->x0 || cx > tb->x1 || cy < tb->y0 || cy > tb->y1)
                    continue;
                placed = 1;
                int col = upper_index(tb->xs, tb->nxs, cx), row = upper_index(tb->ys, tb->nys, cy);
                {
                    tcell *cell = &tb->cells[tb->owner[row * (tb->nxs - 1) + col]];
                    /* a new line in the cell is a space, which cleaning drops in Chinese */
                    if (!cell->text.len || fabsf(cell->last_y - c->y) > 0.3f * c->size) {
                        cell->last_x0 = c->x0;
                        cell->last_x1 = c->x1;
                    }
                    cell->last_x0 = fminf(cell->last_x0, c->x0);
                    cell->last_x1 = fmaxf(cell->last_x1, c->x1);
                    if (cell->text.len && fabsf(cell->last_y - c->y) > 0.3f * c->size)
                        nb_buf_put(&cell->text, "\n", 1);
                    else if (cell->text.len && i > s && c->x0 - pg->chars[i - 1].x1 > 0.3f * c->size)
                        nb_buf_put(&cell->text, " ", 1);
                    char u[4];
                    nb_buf_put(&cell->text, u, nb_utf8_encode(c->c, u));
                    cell->last_y = c->y;
                    cell->cut_size = c->size;
                    break;
                }
            }
            if (!placed)
                pg->chars[kept++] = *c;
        }
        s = e;
    }
    for (int t = 0; t < ntables; t++) {
        tables[t].page = tables[t].last_page = page;
        clean_cells(&tables[t]);
        nb_grow(&items, &cap, n + 1, sizeof *items);
        items[n].y = tables[t].y0;
        items[n].is_table = 1;
        items[n].table = tables[t];
        memset(&items[n].line, 0, sizeof items[n].line);
        n++;
    }
    free(tables);
    float height = bounds.y1 - bounds.y0;
    for (size_t s = 0; s < kept;) {
        size_t e = next_line(pg->chars, &kept, s);
        pline ln = {.page = page, .x0 = pg->chars[s].x0, .x1 = pg->chars[e - 1].x1,
                    .y = pg->chars[s].y};
        int in_margin = ln.y > bounds.y0 + height * 0.88f || ln.y < bounds.y0 + height * 0.08f;
        if (!(in_margin && is_folio(pg->chars, s, e))) {
            float sum = 0;
            int bold = 1, kind = -1;
            for (size_t i = s; i < e; i++) {
                sum += pg->chars[i].size;
                const font_info *f = &r->fonts[pg->chars[i].font];
                if (pg->chars[i].c == ' ' || pg->chars[i].c == 0x3000)
                    continue;
                bold &= f->bold || pg->chars[i].doubled;
                kind = kind < 0 ? f->kind : kind == f->kind ? kind : 0;
            }
            ln.size = sum / (float)(e - s);
            ln.first_font = pg->chars[s].font;
            ln.last_font = pg->chars[e - 1].font;
            ln.font = ln.first_font;
            ln.all_bold = bold;
            ln.kind = kind < 0 ? 0 : kind;
            line_text(pg->chars, s, e, &ln.text);
            nb_grow(&items, &cap, n + 1, sizeof *items);
            memset(&items[n], 0, sizeof items[n]);
            items[n].y = ln.y - ln.size;
            items[n].line = ln;
            n++;
        }
        s = e;
    }
    /* stable order: tables were added first; sort by top */
    if (n)
        qsort(items, n, sizeof *items, cmp_item);
    *nitems = n;
    return items;
}

/* The most common value of v (rounded to 0.5 pt), weighted by w. */
typedef struct keyed {
    float key, weight;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    float x = ((const keyed *)a)->key, y = ((const keyed *)b)->key;
    return (x > y) - (x < y);
}

static float mode(const float *v, const float *w, size_t n)
{
    if (!n)
        return 0;
    keyed *k = nb_malloc(n * sizeof *k);
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){roundf(v[i] * 2) / 2, w[i]};
    qsort(k, n, sizeof *k, cmp_keyed);
    float best = k[0].key, best_w = -1;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        float sum = 0;
        for (; j < n && k[j].key == k[i].key; j++)
            sum += k[j].weight;
        if (sum > best_w)
            best_w = sum, best = k[i].key;
        i = j;
    }
    free(k);
    return best;
}

static void assemble(pdf_reader *r, item *items, size_t n)
{
    /* the body: the size of most text, its left and right margins */
    size_t nl = 0;
    for (size_t i = 0; i < n; i++)
        nl += !items[i].is_table;
    float *v = nb_malloc(sizeof(float) * (nl ? nl : 1)), *w = nb_malloc(sizeof(float) * (nl ? nl : 1));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!items[i].is_table) {
            v[k] = items[i].line.size;
            w[k++] = (float)items[i].line.text.len;
        }
    float body = nl ? mode(v, w, nl) : 0;
    /* margins of body lines; the mode over at most a few thousand lines is cheap enough */
    k = 0;
    for (size_t i = 0; i < n && k < 4000; i++)
        if (!items[i].is_table && fabsf(items[i].line.size - body) < 0.6f) {
            v[k] = items[i].line.x1;
            w[k++] = 1;
        }
    float right = k ? mode(v, w, k) : 0;
    k = 0;
    for (size_t i = 0; i < n && k < 4000; i++)
        if (!items[i].is_table && fabsf(items[i].line.size - body) < 0.6f) {
            v[k] = items[i].line.x0;
            w[k++] = 1;
        }
    float left = k ? mode(v, w, k) : 0;
    free(v), free(w);

    para_state p = {0};
    const pline *prev = NULL;
    ptable *last_table = NULL; /* the table just before, with nothing in between */
    for (size_t i = 0; i < n && !r->overflow; i++) {
        item *it = &items[i];
        if (it->is_table) {
            flush_para(r, &p, body);
            prev = NULL;
            if (last_table && last_table->last_page == it->table.page - 1 &&
                join_tables(last_table, &it->table))
                continue;
            if (last_table)
                emit_table(r, last_table);
            last_table = &it->table;
            continue;
        }
        const pline *ln = &it->line;
        if (last_table) {
            emit_table(r, last_table);
            last_table = NULL;
        }
        float sz = fmaxf(ln->size, 1.0f);
        int starts = !prev || !p.open;
        if (prev) {
            float gap = ln->page == prev->page ? ln->y - prev->y : 0;
            starts |= prev->x1 < right - 1.0f * prev->size;             /* ended short */
            starts |= ln->x0 > left + 1.0f * sz;                         /* indented */
            starts |= fabsf(ln->size - prev->size) > 0.1f * sz;          /* other size */
            starts |= gap > 2.5f * sz;                                   /* a wide gap */
            starts |= ln->kind != prev->kind && (ln->kind || prev->kind) &&
                      ln->first_font != prev->last_font;                 /* other face */
        }
        if (starts) {
            flush_para(r, &p, body);
            p.open = 1;
            p.page = ln->page;
            p.all_bold = 1;
            p.kind = ln->kind;
        } else {
            nb_buf_put(&p.text, "\n", 1);
        }
        if (ln->kind != p.kind)
            p.mixed = 1;
        if (ln->kind == 0 && ln->first_font != ln->last_font)
            p.mixed = 1;
        p.all_bold &= ln->all_bold;
        p.size_sum += ln->size * (float)ln->text.len;
        p.chars += (float)ln->text.len;
        nb_buf_put(&p.text, ln->text.data, ln->text.len);
        prev = ln;
    }
    flush_para(r, &p, body);
    if (last_table)
        emit_table(r, last_table);
    nb_buf_free(&p.text);
}

/* ---- the document ------------------------------------------------------------------------ */

int nb_mod_read_pdf(const char *name, const char *data, size_t size, nb_import_doc *doc,
                    nb_diags *diags)
{
    memset(doc, 0, sizeof *doc);
    nb_pos whole = {name, 1, 0};
    if (size > PDF_MAX_BYTES) {
        nb_diag_add(diags, NB_ERROR, whole, "the file is larger than %u MiB; it is not read",
                    PDF_MAX_BYTES >> 20);
        return NB_EINPUT;
    }
    budget mem = {0, PDF_MEMORY, 0};
    fz_alloc_context alloc = {&mem, budget_malloc, budget_realloc, budget_free};
    fz_context *ctx = fz_new_context(&alloc, NULL, 16u << 20);
    if (!ctx) {
        nb_diag_add(diags, NB_ERROR, whole, "cannot start the PDF library");
        return NB_EINPUT;
    }
    fz_set_error_callback(ctx, quiet, NULL);
    fz_set_warning_callback(ctx, quiet, NULL);
    pdf_reader r = {.name = name, .doc = doc, .diags = diags, .ctx = ctx};
    fz_stream *stm = NULL;
    fz_document *fdoc = NULL;
    fz_page *page = NULL;
    fz_device *dev = NULL;
    page_draw pg = {0};
    item *all = NULL;
    size_t nall = 0, capall = 0;
    int failed = 0, pages = 0, at_page = 0;
    fz_var(stm);
    fz_var(fdoc);
    fz_var(page);
    fz_var(dev);
    fz_var(failed);
    fz_var(at_page);
    fz_var(all);
    fz_var(nall);
    fz_var(capall);
    fz_try(ctx)
    {
        fz_register_document_handler(ctx, &pdf_document_handler); /* PDF only */
        stm = fz_open_memory(ctx, (const unsigned char *)data, size);
        fdoc = fz_open_document_with_stream(ctx, "application/pdf", stm);
        if (fz_needs_password(ctx, fdoc))
            fz_throw(ctx, FZ_ERROR_GENERIC, "the PDF is encrypted with a password");
        pages = fz_count_pages(ctx, fdoc);
        if (pages > PDF_MAX_PAGES)
            fz_throw(ctx, FZ_ERROR_GENERIC, "the PDF has %d pages, more than the %d a report may have",
                     pages, PDF_MAX_PAGES);
        for (at_page = 0; at_page < pages && !failed; at_page++) {
            page = fz_load_page(ctx, fdoc, at_page);
            fz_rect bounds = fz_bound_page(ctx, page);
            fz_cookie cookie = {0};
            memset(&pg, 0, sizeof pg);
            pg.cookie = &cookie;
            pg.total_chars = &r.total_chars;
            pg.total_rules = &r.total_rules;
            pg.reader = &r;
            draw_device *dd = fz_new_derived_device(ctx, draw_device);
            dd->page = &pg;
            dd->super.fill_text = dev_fill_text;
            dd->super.stroke_text = dev_stroke_text;
            dd->super.fill_path = dev_fill_path;
            dd->super.stroke_path = dev_stroke_path;
            dev = &dd->super;
            fz_run_page(ctx, page, dev, fz_identity, &cookie);
            fz_close_device(ctx, dev);
            fz_drop_device(ctx, dev);
            dev = NULL;
            fz_drop_page(ctx, page);
            page = NULL;
            if (pg.too_much) {
                nb_diag_add(diags, NB_ERROR, (nb_pos){name, at_page + 1, 0},
                            r.total_chars >= PDF_MAX_CHARS
                                ? "more than %d characters in the document; it is not read"
                            : r.total_rules >= PDF_MAX_DOC_RULES
                                ? "more than %d ruling lines in the document; it is not read"
                                : "the page draws more than %d ruling lines; it is not read",
                            r.total_chars >= PDF_MAX_CHARS       ? PDF_MAX_CHARS
                            : r.total_rules >= PDF_MAX_DOC_RULES ? PDF_MAX_DOC_RULES
                                                                 : PDF_MAX_RULES);
                failed = 1;
            } else {
                size_t nitems;
                item *items = page_items(&r, &pg, at_page + 1, bounds, &nitems);
                nb_grow(&all, &capall, nall + nitems, sizeof *all);
                if (nitems)
                    memcpy(all + nall, items, nitems * sizeof *items);
                nall += nitems;
                free(items);
            }
            free(pg.chars), free(pg.h), free(pg.v);
            memset(&pg, 0, sizeof pg);
        }
    }
    fz_always(ctx)
    {
        fz_drop_device(ctx, dev);
        fz_drop_page(ctx, page);
        fz_drop_document(ctx, fdoc);
        fz_drop_stream(ctx, stm);
    }
    fz_catch(ctx)
    {
        const char *why = fz_caught_message(ctx);
        nb_diag_add(diags, NB_ERROR, at_page ? (nb_pos){name, at_page + 1, 0} : whole,
                    "cannot read the PDF: %s",
                    mem.refused ? "it needs too much memory" : why);
        failed = 1;
    }
    free(pg.chars), free(pg.h), free(pg.v);
    fz_drop_context(ctx);
    if (!failed) {
        doc->file = nb_strdup(name);
        doc->pages = 1;
        assemble(&r, all, nall);
    }
    for (size_t i = 0; i < nall; i++) {
        nb_buf_free(&all[i].line.text);
        ptable_free(&all[i].table);
    }
    free(all);
    for (size_t i = 0; i < r.nfonts; i++)
        free(r.fonts[i].name);
    free(r.fonts);
    if (failed || r.overflow) {
        nb_import_doc_clear(doc);
        return NB_EINPUT;
    }
    if (!doc->nblocks) {
        nb_diag_add(diags, NB_ERROR, whole,
                    "the PDF has no text (a scan?); only PDFs with a text layer can be read");
        nb_import_doc_clear(doc);
        return NB_EINPUT;
    }
    return NB_OK;
}

NB_MODULE_EXPORT(.import_read = nb_mod_read_pdf);
