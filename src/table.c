/* Tables (FORMAT.md §1.4, §2.5) as the national template sets them: column widths from the
 * layout's own proportions (`widths:`), widened only where a number or an unbreakable word
 * needs it; labels broken only between the layout's words (`words:`), never letter-spaced;
 * one 号 size for every table of a document (五号, or 小五 for all of them when one needs it);
 * rows set in the flow, page breaks between rows — a table without header rows only between its
 * blocks —, the header rows drawn again after a break and a cut spanning label drawn on each
 * page where it fits. Row heights are computed once per table, so setting is linear in rows. */
#include "table.h"
#include "geometry.h"
#include "headers.h"
#include "util.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_WIDTH 0.5f
#define LINE_FACTOR 1.3f           /* line height / font size: single spacing */
#define VPAD_FACTOR 0.25f          /* top and bottom padding / font size */
#define HPAD (1.5f * NB_MM)        /* left and right padding (Word's default is 1.9 mm) */
#define DATA_MIN_W (12.0f * NB_MM) /* a data column, unless the 版心 cannot give it */
/* A line may pass its cell's content width by this much (pt): two 五号 characters in a
 * 10.4 mm column of 表四 (15 columns in 156 mm) then keep 1.5 mm less 0.02 pt to each rule. */
#define FIT_SLACK 0.05f

/* 五号 for every table, or 小五 for every table; never a size in between (issue: one 号). */
static const float table_sizes[] = {NB_SIZE_TABLE, NB_SIZE_TABLE_MIN};
#define NSIZES (sizeof table_sizes / sizeof table_sizes[0])

typedef struct tcell {
    int row, col, rowspan, colspan; /* grid coordinates, clamped to the grid */
    size_t lcell;                   /* index of its layout cell */
    int header;                     /* inside the header rows: drawn on every page */
    int is_value;                   /* a value slot (centred) */
    int nowrap;                     /* a number: one line, never wrapped */
    const char *text;               /* borrowed (label, value text) or points at num */
    size_t len;
    char num[48];
    nb_pos pos;
    nb_text_block block;            /* owned once shaped here */
    const nb_text_block *tb;        /* the shaped text: &block, or a label of the label cache
                                     * (borrowed); NULL until shaped */
    int shaped;
    float min_w;                    /* widest unbreakable piece */
    float nat_w;                    /* the whole text on one line */
    /* Final breaking. */
    nb_text_line *lines;            /* owned */
    size_t nlines;
    float block_w;                  /* the widest line */
    int left;                       /* flush left (a row label); else the lines, left-aligned
                                     * with each other, are centred as a block */
} tcell;

typedef struct tsetup {
    nb_flow *f;
    const nb_ltable *lt;
    const char *name;
    int ncols, nrows, header_rows;
    tcell *cells;
    size_t ncells;
    float size, lh, vpad, hpad;
    float *colw;      /* ncols */
    float *colx;      /* ncols + 1 */
    int *value_col;   /* ncols: the column holds one-column value cells */
    float *h;         /* nrows: row heights, header and body apart */
    float *acc;       /* nrows + 1: acc[r] = sum of h[0..r) */
    int *breakable;   /* nrows + 1: a page may end before row r */
    int failed;       /* a cell's text could not be shaped */
} tsetup;

/* ---- cells ---- */

static void format_value(tcell *c, const nb_slot *slot, const nb_value *v)
{
    c->text = nb_value_text(slot, v, c->num, sizeof c->num);
    c->nowrap = v->present && !v->is_text;
}

/* Header rows that no cell crosses: a cell reaching from the header into the body would have
 * nowhere to go on a continuation page, so such a header is cut back to where none crosses. */
static int clean_header_rows(const nb_ltable *lt, int nrows)
{
    int h = lt->header_rows < 0 ? 0 : lt->header_rows > nrows ? nrows : lt->header_rows;
    for (int changed = 1; changed && h > 0;) {
        changed = 0;
        for (size_t i = 0; i < lt->ncells; i++) {
            const nb_lcell *lc = &lt->cells[i];
            if (lc->row < h && lc->row + lc->rowspan > h) {
                h = lc->row;
                changed = 1;
            }
        }
    }
    return h;
}

/* Where a page may end: anywhere between body rows, except that a table without header rows
 * whose blocks start with a full-width title row (表二's 第二十条第（…）项) breaks only before
 * such a row, so that every block keeps its title and its 信息内容 row. */
static void find_breaks(tsetup *s)
{
    int *title = nb_calloc((size_t)s->nrows + 1, sizeof *title);
    int titles = 0;
    for (size_t i = 0; i < s->ncells; i++) {
        const tcell *c = &s->cells[i];
        if (!c->is_value && c->colspan == s->ncols && c->rowspan == 1 && !c->header) {
            title[c->row] = 1;
            titles++;
        }
    }
    for (int r = 0; r <= s->nrows; r++)
        s->breakable[r] = r > s->header_rows && r < s->nrows &&
                          (s->header_rows > 0 || !titles || title[r]);
    free(title);
}

static int setup_cells(tsetup *s, nb_flow *f, const nb_table *t)
{
    const nb_ltable *lt = t->layout;
    s->f = f;
    s->lt = lt;
    s->name = lt->name ? lt->name : "";
    s->ncols = lt->ncols;
    s->nrows = lt->nrows;
    if (s->ncols <= 0 || s->nrows <= 0)
        return -1;
    s->header_rows = clean_header_rows(lt, s->nrows);
    s->cells = nb_calloc(lt->ncells ? lt->ncells : 1, sizeof *s->cells);
    s->colw = nb_calloc((size_t)s->ncols, sizeof *s->colw);
    s->colx = nb_calloc((size_t)s->ncols + 1, sizeof *s->colx);
    s->value_col = nb_calloc((size_t)s->ncols, sizeof *s->value_col);
    s->h = nb_calloc((size_t)s->nrows, sizeof *s->h);
    s->acc = nb_calloc((size_t)s->nrows + 1, sizeof *s->acc);
    s->breakable = nb_calloc((size_t)s->nrows + 1, sizeof *s->breakable);
    const nb_report *r = f->report;
    const char *layout_file = r && r->layout_ref && r->layout_ref->file ? r->layout_ref->file
                              : t->pos.file;
    for (size_t i = 0; i < lt->ncells; i++) {
        const nb_lcell *lc = &lt->cells[i];
        if (lc->row < 0 || lc->col < 0 || lc->row >= s->nrows || lc->col >= s->ncols)
            continue; /* the loader does not make these; never draw outside the grid */
        tcell *c = &s->cells[s->ncells++];
        c->lcell = i;
        c->row = lc->row;
        c->col = lc->col;
        c->rowspan = lc->rowspan < 1 ? 1 : lc->rowspan;
        c->colspan = lc->colspan < 1 ? 1 : lc->colspan;
        if (c->row + c->rowspan > s->nrows)
            c->rowspan = s->nrows - c->row;
        if (c->col + c->colspan > s->ncols)
            c->colspan = s->ncols - c->col;
        c->header = c->row + c->rowspan <= s->header_rows;
        c->pos = (nb_pos){layout_file, 0, 0};
        if (lc->value >= 0 && (size_t)lc->value < lt->nslots && t->values) {
            c->is_value = 1;
            const nb_value *v = &t->values[lc->value];
            c->pos = v->pos.file ? v->pos : t->pos;
            format_value(c, &lt->slots[lc->value], v);
            if (c->colspan == 1)
                s->value_col[c->col] = 1;
        } else {
            c->text = lc->text ? lc->text : "";
        }
        c->len = strlen(c->text);
    }
    find_breaks(s);
    return 0;
}

static void free_cells(tsetup *s)
{
    for (size_t i = 0; i < s->ncells; i++) {
        nb_text_free(&s->cells[i].block);
        free(s->cells[i].lines);
    }
    free(s->cells);
    free(s->colw);
    free(s->colx);
    free(s->value_col);
    free(s->h);
    free(s->acc);
    free(s->breakable);
    memset(s, 0, sizeof *s);
}

/* No break inside a word of the layout's list, nor after a label's leading item number
 * ("1." stays with the word after it). */
static void keep_words(const nb_layout *lay, const char *text, nb_text_block *b)
{
    size_t i = 0;
    while (i < b->nchars && b->chars[i].cp >= '0' && b->chars[i].cp <= '9')
        i++;
    if (i > 0 && i + 1 < b->nchars && (b->chars[i].cp == '.' || b->chars[i].cp == 0x3001))
        b->chars[i].break_after = 0;
    if (!lay || !lay->nwords || !text[0])
        return;
    /* The byte pairs of the text, as 128 bits: a word whose first two bytes are not among them
     * is not in the text, which rules out most of a layout's hundred-odd words without a
     * search (those searches were 1.5 % of a seed render). */
    uint64_t pairs[2] = {0, 0};
    for (const unsigned char *p = (const unsigned char *)text; p[1]; p++) {
        unsigned bit = ((unsigned)p[0] * 31u + p[1]) & 127u;
        pairs[bit >> 6] |= (uint64_t)1 << (bit & 63);
    }
    for (size_t w = 0; w < lay->nwords; w++) {
        const char *word = lay->words[w];
        const unsigned char *u = (const unsigned char *)word;
        if (u[0] && u[1]) {
            unsigned bit = ((unsigned)u[0] * 31u + u[1]) & 127u;
            if (!(pairs[bit >> 6] >> (bit & 63) & 1))
                continue;
        }
        size_t wl = strlen(word);
        for (const char *p = strstr(text, word); p && wl; p = strstr(p + 1, word)) {
            size_t from = (size_t)(p - text), to = from + wl;
            for (size_t k = 0; k < b->nchars && b->chars[k].offset < to; k++)
                if (b->chars[k].offset >= from && b->chars[k].offset + b->chars[k].len < to)
                    b->chars[k].break_after = 0;
        }
    }
}

static void set_size(tsetup *s, float size)
{
    s->size = size;
    s->lh = LINE_FACTOR * size;
    s->vpad = VPAD_FACTOR * size;
    s->hpad = HPAD;
}

/* ---- labels shaped once per layout ---- */

/* A layout table's labels shaped in one font list at one size and style: the same in every
 * report set so. Immutable once in the cache. */
typedef struct label {
    nb_text_block block; /* text borrowed from the layout cell */
    float nat_w, min_w;
    int ok;              /* shaped; else (a value cell, an empty label, a character no font
                          * has) each document shapes it, and says what is missing */
} label;

typedef struct label_set {
    const nb_layout *lay;    /* its words keep labels whole */
    const nb_ltable *lt;
    nb_font_list fonts;
    float size;
    nb_style style;
    label *labels;           /* owned: one per layout cell */
    struct label_set *next;
} label_set;

/* Sets kept at most: one per table, size and font list in use; a batch uses a few. */
#define MAX_LABEL_SETS 64

struct nb_label_cache {
    pthread_mutex_t lock;    /* guards sets and nsets; a set is read without it once in */
    label_set *sets;         /* owned */
    size_t nsets;
};

nb_label_cache *nb_label_cache_new(void)
{
    nb_label_cache *c = nb_calloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

static void label_set_free(label_set *ls)
{
    for (size_t i = 0; ls->labels && i < ls->lt->ncells; i++)
        nb_text_free(&ls->labels[i].block);
    free(ls->labels);
    free(ls);
}

void nb_label_cache_free(nb_label_cache *c)
{
    if (!c)
        return;
    while (c->sets) {
        label_set *ls = c->sets;
        c->sets = ls->next;
        label_set_free(ls);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static int same_fonts(const nb_font_list *a, const nb_font_list *b)
{
    if (a->count != b->count || a->latin != b->latin)
        return 0;
    for (size_t i = 0; i < a->count; i++)
        if (a->fonts[i] != b->fonts[i])
            return 0;
    return 1;
}

/* The set for this table, fonts, size and style among c's; c's lock is held. */
static const label_set *find_set(const nb_label_cache *c, const nb_layout *lay,
                                 const nb_ltable *lt, const nb_font_list *fonts, float size,
                                 nb_style style)
{
    for (const label_set *ls = c->sets; ls; ls = ls->next)
        if (ls->lt == lt && ls->lay == lay && ls->size == size && ls->style == style &&
            same_fonts(&ls->fonts, fonts))
            return ls;
    return NULL;
}

/* Shapes the label of cell i as shape_cells would (`report` gives the style); 0 if it cannot. */
static int shape_label(label *lb, const nb_layout *lay, const nb_ltable *lt, size_t i,
                       const nb_font_list *fonts, float size, const nb_report *report,
                       nb_diags *scratch)
{
    const nb_lcell *lc = &lt->cells[i];
    if (lc->value >= 0 || !lc->text || !lc->text[0])
        return 0;
    if (nb_text_shape(&lb->block, fonts, lc->text, strlen(lc->text), size, size, report, NULL,
                      (nb_pos){0}, scratch) != 0)
        return 0;
    keep_words(lay, lc->text, &lb->block);
    lb->nat_w = nb_text_width(&lb->block);
    lb->min_w = nb_text_min_width(&lb->block);
    return 1;
}

/* The labels of `lt` shaped in `fonts` at `size` in the report's style: found, or shaped and
 * kept (shaped outside the lock; when two threads shape the same set, the first kept wins and
 * the other is dropped — the glyphs are the same). NULL when the cache is full. */
static const label_set *labels_for(nb_label_cache *c, const nb_layout *lay, const nb_ltable *lt,
                                   const nb_font_list *fonts, float size, const nb_report *report)
{
    nb_style style = report->style;
    pthread_mutex_lock(&c->lock);
    const label_set *found = find_set(c, lay, lt, fonts, size, style);
    int full = c->nsets >= MAX_LABEL_SETS;
    pthread_mutex_unlock(&c->lock);
    if (found || full)
        return found;
    label_set *ls = nb_calloc(1, sizeof *ls);
    *ls = (label_set){.lay = lay, .lt = lt, .fonts = *fonts, .size = size, .style = style};
    ls->labels = nb_calloc(lt->ncells ? lt->ncells : 1, sizeof *ls->labels);
    nb_diags *scratch = nb_diags_new(); /* a label that fails is shaped again by the document */
    for (size_t i = 0; i < lt->ncells; i++)
        ls->labels[i].ok = shape_label(&ls->labels[i], lay, lt, i, fonts, size, report, scratch);
    nb_diags_free(scratch);
    pthread_mutex_lock(&c->lock);
    found = find_set(c, lay, lt, fonts, size, style);
    if (!found && c->nsets < MAX_LABEL_SETS) {
        ls->next = c->sets;
        c->sets = ls;
        c->nsets++;
        found = ls;
        ls = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    if (ls)
        label_set_free(ls);
    return found;
}

/* Value cells of one table by text: a table's numbers repeat (表三's many 0s), and a text is
 * shaped once, its first cell's block borrowed by the others. Open addressing, cell indexes + 1
 * (0: free). */
typedef struct value_memo {
    size_t *slot;
    size_t mask;
} value_memo;

static size_t *memo_find(value_memo *m, const tsetup *s, const char *text, size_t len)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t k = 0; k < len; k++)
        h = (h ^ (unsigned char)text[k]) * 1099511628211u;
    for (size_t at = (size_t)h & m->mask;; at = (at + 1) & m->mask) {
        size_t i = m->slot[at];
        if (!i || (s->cells[i - 1].len == len && !memcmp(s->cells[i - 1].text, text, len)))
            return &m->slot[at];
    }
}

static int shape_cells(tsetup *s, float size, nb_diags *diags)
{
    nb_flow *f = s->f;
    const nb_font_list *fonts = &f->roles[NB_ROLE_TABLE];
    const nb_layout *lay = f->report ? f->report->layout_ref : NULL;
    set_size(s, size);
    const label_set *ls =
        f->labels && f->report ? labels_for(f->labels, lay, s->lt, fonts, size, f->report) : NULL;
    value_memo memo = {0};
    size_t nslots = 16;
    while (nslots < 2 * s->ncells)
        nslots *= 2;
    memo.slot = nb_calloc(nslots, sizeof *memo.slot);
    memo.mask = nslots - 1;
    for (size_t i = 0; i < s->ncells; i++) {
        tcell *c = &s->cells[i];
        if (c->shaped) {
            nb_text_free(&c->block);
            c->tb = NULL;
            c->shaped = 0;
        }
        if (c->len == 0)
            continue;
        const label *lb = ls && !c->is_value ? &ls->labels[c->lcell] : NULL;
        if (lb && lb->ok) {
            c->tb = &lb->block;
            c->shaped = 1;
            c->nat_w = lb->nat_w;
            c->min_w = lb->min_w;
            continue;
        }
        size_t *seen = c->is_value ? memo_find(&memo, s, c->text, c->len) : NULL;
        if (seen && *seen) {
            const tcell *first = &s->cells[*seen - 1];
            c->tb = first->tb;
            c->shaped = 1;
            c->nat_w = first->nat_w;
            c->min_w = c->nowrap ? c->nat_w : nb_text_min_width(c->tb);
            continue;
        }
        /* Pitch = size: a cell's characters sit on its own grid of the table size. */
        if (nb_text_shape(&c->block, fonts, c->text, c->len, size, size, f->report, NULL, c->pos,
                          diags) != 0) {
            nb_text_free(&c->block);
            s->failed = 1;
            continue;
        }
        c->tb = &c->block;
        c->shaped = 1;
        if (!c->is_value)
            keep_words(lay, c->text, &c->block);
        else if (seen)
            *seen = i + 1;
        c->nat_w = nb_text_width(&c->block);
        c->min_w = c->nowrap ? c->nat_w : nb_text_min_width(&c->block);
    }
    free(memo.slot);
    return s->failed ? -1 : 0;
}

/* ---- widths ---- */

static float sum_widths(const float *w, int n)
{
    float t = 0;
    for (int i = 0; i < n; i++)
        t += w[i];
    return t;
}

/* Content width of a cell under widths w: room for its lines, FIT_SLACK included. */
static float content_width(const tsetup *s, const tcell *c, const float *w)
{
    float t = 0;
    for (int k = c->col; k < c->col + c->colspan; k++)
        t += w[k];
    return t - 2 * s->hpad + FIT_SLACK;
}

/* The least width of every column: its numbers whole, its widest word whole, a data column at
 * least 12 mm where the 版心 has room for that in every data column (表四's 15 columns of
 * 10.4 mm do not: there a column holding a long number takes from the others down to what
 * their own text needs); a spanning cell's shortfall is shared by the columns it spans. */
static void min_widths(const tsetup *s, float *mn)
{
    int ndata = 0;
    for (int c = 0; c < s->ncols; c++)
        ndata += s->value_col[c];
    float data_min = (float)ndata * DATA_MIN_W <= NB_TEXT_W + 0.01f ? DATA_MIN_W : 0;
    for (int c = 0; c < s->ncols; c++)
        mn[c] = s->value_col[c] && data_min > 0 ? data_min : 2 * s->hpad + s->size;
    for (size_t i = 0; i < s->ncells; i++) {
        const tcell *c = &s->cells[i];
        if (c->colspan != 1 || !c->shaped)
            continue;
        float need = c->min_w + 2 * s->hpad - FIT_SLACK;
        if (need > mn[c->col])
            mn[c->col] = need;
    }
    for (size_t i = 0; i < s->ncells; i++) {
        const tcell *c = &s->cells[i];
        if (c->colspan == 1 || !c->shaped)
            continue;
        float need = c->min_w + 2 * s->hpad - FIT_SLACK;
        float have = 0;
        for (int k = c->col; k < c->col + c->colspan; k++)
            have += mn[k];
        if (need > have)
            for (int k = c->col; k < c->col + c->colspan; k++)
                mn[k] += (need - have) / (float)c->colspan;
    }
}

/* Widths at the current size: the layout's proportions scaled to the 版心; a column under its
 * least width is raised to it and the others give the difference in proportion to what they
 * have above their own least width. Returns 0, or -1 when the least widths pass the 版心. */
static int solve_widths(tsetup *s)
{
    int n = s->ncols;
    float *mn = nb_calloc((size_t)n, sizeof *mn);
    float *w = s->colw;
    min_widths(s, mn);
    int fits = sum_widths(mn, n) <= NB_TEXT_W + 0.01f;
    if (fits) {
        const float *pref = s->lt->widths;
        float total = pref ? sum_widths(pref, n) : (float)n;
        for (int c = 0; c < n; c++) {
            w[c] = (pref ? pref[c] : 1.0f) * NB_TEXT_W / total;
            if (w[c] < mn[c])
                w[c] = mn[c];
        }
        float excess = sum_widths(w, n) - NB_TEXT_W, slack = 0;
        for (int c = 0; c < n; c++)
            slack += w[c] - mn[c];
        if (excess > 0 && slack > 0)
            for (int c = 0; c < n; c++)
                w[c] -= excess * (w[c] - mn[c]) / slack;
    }
    free(mn);
    return fits ? 0 : -1;
}

/* ---- breaking and heights ---- */

/* A line's width as placed: one the breaker let pass its width by squeezing marks (the
 * compressing style) is squeezed to it. */
static float line_width(const nb_text_line *l) { return l->natural > l->target ? l->target : l->natural; }

/* Breaks every cell at its final width and decides its alignment: a label in a row of numbers,
 * left of them and one row high, is flush left; every other cell is a centred block whose lines
 * start where its first line starts. No line is letter-spaced. */
static void break_cells(tsetup *s)
{
    s->colx[0] = NB_TEXT_LEFT;
    for (int c = 0; c < s->ncols; c++)
        s->colx[c + 1] = s->colx[c] + s->colw[c];
    s->colx[s->ncols] = NB_TEXT_RIGHT; /* no rounding gap at the right edge */
    int *first_value = nb_malloc((size_t)s->nrows * sizeof *first_value);
    for (int r = 0; r < s->nrows; r++)
        first_value[r] = s->ncols;
    for (size_t i = 0; i < s->ncells; i++) {
        const tcell *c = &s->cells[i];
        if (c->is_value && c->col < first_value[c->row])
            first_value[c->row] = c->col;
    }
    for (size_t i = 0; i < s->ncells; i++) {
        tcell *c = &s->cells[i];
        free(c->lines);
        c->lines = NULL;
        c->nlines = 0;
        c->block_w = 0;
        c->left = !c->is_value && !c->header && c->rowspan == 1 &&
                  first_value[c->row] < s->ncols && c->col + c->colspan <= first_value[c->row];
        if (!c->shaped || c->tb->nchars == 0)
            continue;
        float w = content_width(s, c, s->colw);
        if (c->nowrap) {
            c->lines = nb_calloc(1, sizeof *c->lines);
            c->lines[0] = (nb_text_line){0, c->tb->nchars, c->nat_w, w, 0};
            c->nlines = 1;
        } else {
            c->nlines = nb_text_break(c->tb, w, w, &c->lines);
        }
        for (size_t l = 0; l < c->nlines; l++) {
            c->lines[l].justify = 0;
            if (line_width(&c->lines[l]) > c->block_w)
                c->block_w = line_width(&c->lines[l]);
        }
    }
    free(first_value);
}

static float cell_height(const tsetup *s, size_t nlines)
{
    return (float)(nlines > 0 ? nlines : 1) * s->lh + 2 * s->vpad;
}

typedef struct span_ref {
    int span;
    size_t cell;
} span_ref;

static int by_span(const void *a, const void *b)
{
    const span_ref *x = a, *y = b;
    if (x->span != y->span)
        return x->span < y->span ? -1 : 1;
    return x->cell < y->cell ? -1 : x->cell > y->cell;
}

/* Row heights, once: one-row cells first, then each spanning cell's excess goes to the last row
 * it covers, shorter spans first (sorted once: linear in the cells and their spans). Header
 * rows and body rows are measured apart, as the header is drawn apart on later pages. */
static void measure_rows(tsetup *s)
{
    for (int r = 0; r < s->nrows; r++)
        s->h[r] = cell_height(s, 1);
    span_ref *spans = nb_calloc(s->ncells ? s->ncells : 1, sizeof *spans);
    size_t nspans = 0;
    for (size_t i = 0; i < s->ncells; i++) {
        const tcell *c = &s->cells[i];
        if (c->rowspan == 1) {
            float ch = cell_height(s, c->nlines);
            if (ch > s->h[c->row])
                s->h[c->row] = ch;
        } else {
            spans[nspans++] = (span_ref){c->rowspan, i};
        }
    }
    qsort(spans, nspans, sizeof *spans, by_span);
    for (size_t k = 0; k < nspans; k++) {
        const tcell *c = &s->cells[spans[k].cell];
        float sum = 0;
        for (int r = c->row; r < c->row + c->rowspan; r++)
            sum += s->h[r];
        float ch = cell_height(s, c->nlines);
        if (ch > sum)
            s->h[c->row + c->rowspan - 1] += ch - sum;
    }
    free(spans);
    s->acc[0] = 0;
    for (int r = 0; r < s->nrows; r++)
        s->acc[r + 1] = s->acc[r] + s->h[r];
}

/* Height of rows [a, b). */
static float rows_height(const tsetup *s, int a, int b) { return s->acc[b] - s->acc[a]; }

/* ---- preparing: one size for all tables of the document ---- */

typedef enum { PREP_OK, PREP_TOO_WIDE, PREP_FAILED } prep_result;

static prep_result prepare_at(tsetup *s, nb_flow *f, const nb_table *t, float size,
                              nb_diags *diags)
{
    if (!s->cells) {
        memset(s, 0, sizeof *s);
        if (!t || !t->layout || setup_cells(s, f, t) != 0)
            return PREP_FAILED;
    }
    if (shape_cells(s, size, diags) != 0)
        return PREP_FAILED;
    if (solve_widths(s) != 0)
        return PREP_TOO_WIDE;
    break_cells(s);
    measure_rows(s);
    return PREP_OK;
}

/* Solved tables, kept in the flow from the first question about any table (how much room its
 * start needs) to the end of the document: the size is decided for all of them at once. */
struct nb_table_cache {
    const nb_table *table;
    int ok;
    tsetup s;
    struct nb_table_cache *next;
};

/* Prepares every table of the report at 五号, or at 小五 when one of them does not fit at
 * 五号; a table too wide even at 小五 is an error. */
static void prepare_all(nb_flow *f)
{
    const nb_report *r = f->report;
    size_t n = r ? r->ntables : 0;
    nb_table_cache **slot = &f->tables;
    for (size_t i = 0; i < n; i++) {
        if (!r->tables[i])
            continue;
        nb_table_cache *c = nb_calloc(1, sizeof *c);
        c->table = r->tables[i];
        *slot = c;
        slot = &c->next;
    }
    float size = table_sizes[NSIZES - 1];
    for (size_t k = 0; k < NSIZES; k++) {
        int fits = 1;
        for (nb_table_cache *c = f->tables; c; c = c->next) {
            prep_result res = prepare_at(&c->s, f, c->table, table_sizes[k],
                                         k == 0 ? f->diags : NULL);
            c->ok = res == PREP_OK;
            fits &= res != PREP_TOO_WIDE;
        }
        if (fits) {
            size = table_sizes[k];
            break;
        }
    }
    f->table_size = size;
    for (nb_table_cache *c = f->tables; c; c = c->next) {
        if (c->ok || c->s.failed || !c->s.cells)
            continue;
        nb_pos where = c->table->pos.file ? c->table->pos
                       : (nb_pos){r && r->file ? r->file : NULL, 0, 0};
        nb_diag_add(f->diags, NB_ERROR, where,
                    "%s does not fit the page's width even at 小五 (9 pt): its numbers are "
                    "too long for its columns",
                    c->s.name);
    }
}

static const tsetup *prepared(nb_flow *f, const nb_table *table)
{
    if (!f->table_size)
        prepare_all(f);
    nb_table_cache **end = &f->tables;
    for (nb_table_cache *c = f->tables; c; end = &c->next, c = c->next)
        if (c->table == table)
            return c->ok ? &c->s : NULL;
    /* A table the report does not list (a caller setting one table by itself): at the size
     * decided, or the first that fits when it is the only one. */
    nb_table_cache *c = nb_calloc(1, sizeof *c);
    c->table = table;
    *end = c;
    for (size_t k = 0; k < NSIZES; k++) {
        if (f->tables != c && table_sizes[k] != f->table_size)
            continue;
        c->ok = prepare_at(&c->s, f, table, table_sizes[k], f->diags) == PREP_OK;
        if (c->ok || f->tables != c)
            break;
    }
    return c->ok ? &c->s : NULL;
}

void nb_table_cache_free(nb_flow *f)
{
    while (f->tables) {
        nb_table_cache *c = f->tables;
        f->tables = c->next;
        free_cells(&c->s);
        free(c);
    }
}

/* ---- drawing ---- */

typedef struct piece {
    const tcell *cell;
    size_t index;   /* the cell's index */
    int ra, rb;     /* grid rows drawn */
    int la;         /* local row index of ra on the page */
    int repeat;
} piece;

/* Draws header rows and body rows [r0, r1) with the table's top at `top`, each row `extra`
 * taller than measured; returns the bottom.
 * A cut spanning label shows its text where its rows on this page hold it; in its last piece
 * it shows it anyway if no earlier piece could (`shown`, per cell, across pages). */
static float draw_segment(const tsetup *s, nb_page *page, float top, int r0, int r1, int first,
                          int *shown, const int *cell_tag, float extra)
{
    int hr = s->header_rows, nlocal = hr + (r1 - r0);
    /* Local rows: the header, then the body rows of this page. */
    int *grid_row = nb_calloc((size_t)nlocal + 1, sizeof *grid_row);
    float *row_top = nb_calloc((size_t)nlocal + 1, sizeof *row_top);
    float y = top;
    for (int l = 0; l < nlocal; l++) {
        grid_row[l] = l < hr ? l : r0 + (l - hr);
        row_top[l] = y;
        y -= s->h[grid_row[l]] + extra;
    }
    row_top[nlocal] = y;
    int *owner = nb_malloc(((size_t)nlocal * (size_t)s->ncols + 1) * sizeof *owner);
    for (int i = 0; i < nlocal * s->ncols; i++)
        owner[i] = -1;
    piece *pieces = nb_calloc(s->ncells ? s->ncells : 1, sizeof *pieces);
    size_t npieces = 0;
    for (size_t i = 0; i < s->ncells; i++) {
        const tcell *c = &s->cells[i];
        piece p = {c, i, 0, 0, 0, 0};
        if (c->header) {
            p.ra = c->row;
            p.rb = c->row + c->rowspan;
            p.la = c->row;
            p.repeat = !first;
        } else {
            p.ra = c->row > r0 ? c->row : r0;
            p.rb = c->row + c->rowspan < r1 ? c->row + c->rowspan : r1;
            if (p.ra >= p.rb)
                continue;
            p.la = hr + (p.ra - r0);
            p.repeat = c->row < r0;
        }
        for (int l = p.la; l < p.la + (p.rb - p.ra); l++)
            for (int col = c->col; col < c->col + c->colspan; col++)
                owner[l * s->ncols + col] = (int)npieces;
        pieces[npieces++] = p;
    }
    for (size_t i = 0; i < npieces; i++) {
        const piece *p = &pieces[i];
        const tcell *c = p->cell;
        float x0 = s->colx[c->col], x1 = s->colx[c->col + c->colspan];
        float ytop = row_top[p->la], ybot = row_top[p->la + (p->rb - p->ra)];
        int whole = c->header || (p->ra == c->row && p->rb == c->row + c->rowspan);
        int fits = ytop - ybot >= cell_height(s, c->nlines) - 0.01f;
        int last = p->rb == c->row + c->rowspan;
        int show = whole || fits || (last && !shown[p->index]);
        nb_box *b = nb_page_add_box(page, NB_BOX_CELL, x0, ybot, x1 - x0, ytop - ybot,
                                    show ? c->text : "", show ? c->len : 0);
        b->table = s->name;
        b->row = p->ra;
        b->col = c->col;
        b->rowspan = p->rb - p->ra;
        b->colspan = c->colspan;
        b->repeat = p->repeat && show;
        if (!c->nlines || !show)
            continue;
        /* A cell's text belongs to its TH or TD where it is first drawn; drawn again (the
         * header after a page break, a cut label) it is a pagination artifact. */
        int tag = shown[p->index] ? 0 : cell_tag[p->index];
        size_t first_run = page->nruns;
        shown[p->index] = 1;
        float text_h = (float)c->nlines * s->lh;
        float ly = ytop - ((ytop - ybot) - text_h) / 2;
        float x = c->left ? x0 + s->hpad : x0 + ((x1 - x0) - c->block_w) / 2;
        for (size_t l = 0; l < c->nlines; l++, ly -= s->lh) {
            const nb_text_line *line = &c->lines[l];
            const nb_text_block *text = c->tb;
            nb_text_place(text, line, page, x, ly - nb_text_baseline_drop(s->size, s->lh));
            size_t from = line->first < text->nchars ? text->chars[line->first].offset
                                                      : text->len;
            size_t to = line->end < text->nchars ? text->chars[line->end].offset : text->len;
            nb_box *tb = nb_page_add_box(page, NB_BOX_CELL_TEXT, x, ly - s->lh, line_width(line),
                                         s->lh, text->text + from, to - from);
            tb->table = s->name;
            tb->row = p->ra;
            tb->col = c->col;
            tb->rowspan = p->rb - p->ra;
            tb->colspan = c->colspan;
            tb->repeat = p->repeat;
        }
        nb_page_tag_runs(page, first_run, tag);
    }
    /* Rules: a grid segment is drawn where the cells on its two sides differ, so every border
     * is drawn once and nothing is drawn inside a merged cell; runs are joined. */
    for (int l = 0; l <= nlocal; l++) {
        int start = -1;
        for (int col = 0; col <= s->ncols; col++) {
            int edge = 0;
            if (col < s->ncols) {
                int above = l > 0 ? owner[(l - 1) * s->ncols + col] : -1;
                int below = l < nlocal ? owner[l * s->ncols + col] : -1;
                edge = above != below;
            }
            if (edge && start < 0)
                start = col;
            if (!edge && start >= 0) {
                nb_page_add_rule(page, s->colx[start], row_top[l], s->colx[col], row_top[l],
                                 RULE_WIDTH);
                start = -1;
            }
        }
    }
    for (int col = 0; col <= s->ncols; col++) {
        int start = -1;
        for (int l = 0; l <= nlocal; l++) {
            int edge = 0;
            if (l < nlocal) {
                int left = col > 0 ? owner[l * s->ncols + col - 1] : -1;
                int right = col < s->ncols ? owner[l * s->ncols + col] : -1;
                edge = left != right;
            }
            if (edge && start < 0)
                start = l;
            if (!edge && start >= 0) {
                nb_page_add_rule(page, s->colx[col], row_top[start], s->colx[col], row_top[l],
                                 RULE_WIDTH);
                start = -1;
            }
        }
    }
    free(pieces);
    free(owner);
    free(row_top);
    free(grid_row);
    return y;
}

/* ---- the flow ---- */

/* The first rows that must start on one page: up to the first place a page may end after two
 * body rows (a table without header rows: its first block). */
static int first_rows_end(const tsetup *s)
{
    int r = s->header_rows + 2;
    while (r < s->nrows && !s->breakable[r])
        r++;
    return r < s->nrows ? r : s->nrows;
}

/* How well a break before row r (page rows from r0) treats the spanning labels it cuts: 2 when
 * each keeps room for its whole text on both pages, 1 when on one of them, 0 otherwise. */
static int break_quality(const tsetup *s, int r0, int r)
{
    int q = 2;
    for (size_t i = 0; i < s->ncells && q > 0; i++) {
        const tcell *c = &s->cells[i];
        if (c->header || c->row >= r || c->row + c->rowspan <= r || !c->nlines)
            continue;
        float need = cell_height(s, c->nlines) - 0.01f;
        int from = c->row > r0 ? c->row : r0;
        int above = rows_height(s, from, r) >= need;
        int below = rows_height(s, r, c->row + c->rowspan) >= need;
        q = above && below ? q : above || below ? 1 : 0;
    }
    return q;
}

float nb_table_min_height(nb_flow *f, const nb_table *table)
{
    const tsetup *s = prepared(f, table);
    if (!s)
        return 0;
    return rows_height(s, 0, s->header_rows) + rows_height(s, s->header_rows, first_rows_end(s));
}

/* The table's structure elements (PDF 32000 §14.8.4.3.4): Table, THead for the header rows,
 * TBody, a TR per grid row, and a TH (label) or TD (value) per cell in the row where it
 * starts, with its spans; a TH has the scope and, in a table whose scopes do not say it alone,
 * a TD the THs that head it (headers.h, the rule of the portal page). cell_tag[i] gets cell
 * i's element. */
static void tag_table(nb_flow *f, const tsetup *s, int *cell_tag)
{
    nb_doc *doc = f->doc;
    int table = nb_doc_add_tag(doc, NB_TAG_TABLE, f->tag_root);
    int head = s->header_rows > 0 ? nb_doc_add_tag(doc, NB_TAG_THEAD, table) : 0, body = 0;
    nb_headers hd;
    nb_headers_init(&hd, s->lt);
    /* Cells by row, then column (the layout lists them so; sorted to be sure). */
    size_t *order = nb_malloc((s->ncells ? s->ncells : 1) * sizeof *order);
    for (size_t i = 0; i < s->ncells; i++)
        order[i] = i;
    for (size_t i = 1; i < s->ncells; i++)
        for (size_t j = i; j > 0; j--) {
            const tcell *a = &s->cells[order[j - 1]], *b = &s->cells[order[j]];
            if (a->row < b->row || (a->row == b->row && a->col <= b->col))
                break;
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    size_t *th = nb_malloc((s->ncells ? s->ncells : 1) * sizeof *th), nth = 0; /* the THs made */
    size_t k = 0;
    int run = -1; /* where the latest run of rows without values began (headers.h) */
    for (int r = 0; r < s->nrows; r++) {
        if (r < s->lt->nrows && !hd.row_has_value[r] && (r == 0 || hd.row_has_value[r - 1]))
            run = r;
        /* Forget the THs no later cell can have (cells come row by row): a row header whose
         * rows end above this row, a column header above the latest run of label rows. A
         * 900-row table spent a third of its render asking every TH about every TD. */
        size_t kept = 0;
        for (size_t m = 0; m < nth; m++) {
            const nb_lcell *h = &s->lt->cells[s->cells[th[m]].lcell];
            int live = nb_headers_is_column(&hd, h) ? h->row >= run : h->row + h->rowspan > r;
            if (live)
                th[kept++] = th[m];
        }
        nth = kept;
        if (r >= s->header_rows && !body)
            body = nb_doc_add_tag(doc, NB_TAG_TBODY, table);
        int tr = nb_doc_add_tag(doc, NB_TAG_TR, r < s->header_rows ? head : body);
        for (; k < s->ncells && s->cells[order[k]].row == r; k++) {
            size_t i = order[k];
            const tcell *c = &s->cells[i];
            const nb_lcell *lc = &s->lt->cells[c->lcell];
            int t = nb_doc_add_tag(doc, c->is_value ? NB_TAG_TD : NB_TAG_TH, tr);
            cell_tag[i] = t;
            nb_tag *e = &doc->tags[t - 1];
            e->rowspan = c->rowspan;
            e->colspan = c->colspan;
            if (!c->is_value) {
                e->scope = nb_headers_is_column(&hd, lc) ? NB_SCOPE_COLUMN : NB_SCOPE_ROW;
                th[nth++] = i;
                continue;
            }
            /* Its headers: the THs made so far (they come before it in grid order, being above
             * it or to its left) that apply; none where the THs' scopes say the same
             * (headers.h), as PDF/UA-1 7.5 allows: /Headers only in a table that needs them. */
            if (hd.scope_suffices)
                continue;
            size_t count = 0;
            for (size_t m = 0; m < nth; m++)
                count += nb_headers_apply(&hd, &s->lt->cells[s->cells[th[m]].lcell], lc);
            if (!count)
                continue;
            e->headers = nb_malloc(count * sizeof *e->headers);
            for (size_t m = 0; m < nth; m++)
                if (nb_headers_apply(&hd, &s->lt->cells[s->cells[th[m]].lcell], lc))
                    e->headers[e->nheaders++] = cell_tag[th[m]];
        }
    }
    free(th);
    free(order);
    nb_headers_free(&hd);
}

void nb_table_set(nb_flow *f, const nb_table *table)
{
    const tsetup *s = prepared(f, table);
    if (!s)
        return;
    int *cell_tag = nb_calloc(s->ncells ? s->ncells : 1, sizeof *cell_tag);
    tag_table(f, s, cell_tag);
    int hr = s->header_rows;
    float header = rows_height(s, 0, hr);
    nb_flow_page(f);
    int fresh = f->y >= NB_TEXT_TOP - 0.5f;
    if (!fresh && header + rows_height(s, hr, first_rows_end(s)) > nb_flow_space(f) + 0.01f)
        nb_flow_new_page(f);
    int *shown = nb_calloc(s->ncells ? s->ncells : 1, sizeof *shown);
    int r0 = hr, first = 1;
    do {
        float avail = nb_flow_space(f) - header;
        int r1 = r0;
        while (r1 < s->nrows && rows_height(s, r0, r1 + 1) <= avail + 0.01f)
            r1++;
        if (r1 == r0 && r1 < s->nrows)
            r1++; /* a row taller than the page: it goes alone */
        if (r1 < s->nrows) {
            /* End at the last place a page may end, preferring (up to three places back) one
             * that cuts no label too tall for its rows on both pages. */
            int b = r1;
            /* The last page of a table holds at least two body rows, as a paragraph's does. */
            if (s->nrows - b < 2 && s->nrows - 2 > r0 + 1)
                b = s->nrows - 2;
            while (b > r0 && !s->breakable[b])
                b--;
            if (b > r0) {
                /* Of the last four places, the latest where every cut label shows its text on
                 * both pages, else where it shows on one; else the last place. */
                int best = b, best_q = -1;
                for (int k = 0, t = b; t > r0 && k < 4 && best_q < 2; t--) {
                    if (!s->breakable[t])
                        continue;
                    int q = break_quality(s, r0, t);
                    if (q > best_q) {
                        best = t;
                        best_q = q;
                    }
                    k++;
                }
                r1 = best_q > 0 ? best : b;
            }
        }
        /* The last page of the table ends on a grid line, its rows a little taller (less than
         * a line in all), so that the text after it stays on the page's 22-line grid and the
         * space after a table is always one line. */
        float extra = 0;
        if (r1 == s->nrows) {
            float bottom = f->y - header - rows_height(s, r0, r1);
            float lines = ceilf((NB_TEXT_TOP - bottom) / NB_LINE_PITCH - 0.001f);
            float grid = NB_TEXT_TOP - lines * NB_LINE_PITCH;
            if (grid >= NB_TEXT_BOTTOM - 0.01f && bottom > grid)
                extra = (bottom - grid) / (float)(hr + r1 - r0);
        }
        f->y = draw_segment(s, nb_flow_page(f), f->y, r0, r1, first, shown, cell_tag, extra);
        first = 0;
        r0 = r1;
        if (r0 < s->nrows)
            nb_flow_new_page(f);
    } while (r0 < s->nrows);
    free(shown);
    free(cell_tag);
}
