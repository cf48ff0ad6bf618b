/* Tables (FORMAT.md §1.4, §2.5): column widths solved from the cells' text, rows set in the flow
 * between grid lines, page breaks between rows only, with the header rows drawn again and a cut
 * spanning label drawn as a whole cell, label repeated, on each page it reaches. */
#include "typeset.h"
#include "geometry.h"
#include "util.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_WIDTH 0.5f
#define LINE_FACTOR 1.35f  /* line height / font size */
#define VPAD_FACTOR 0.3f   /* top and bottom padding / font size */
#define HPAD_FACTOR 0.25f  /* left and right padding / font size */
#define NUMBER_ROOM 0.5f   /* extra room beside a number, in ems: digits never touch a rule */
#define MAX_STEPS 64       /* line counts tabulated per cell */

/* 五号 first, then smaller, never below 小五. */
static const float table_sizes[] = {NB_SIZE_TABLE, 10.0f, 9.5f, NB_SIZE_TABLE_MIN};

typedef struct tcell {
    int row, col, rowspan, colspan; /* grid coordinates, clamped to the grid */
    int header;                     /* inside the header rows: drawn on every page */
    int is_value;                   /* a value slot (centred) */
    int nowrap;                     /* a number: one line, never wrapped */
    const char *text;               /* borrowed (label, value text) or points at num */
    size_t len;
    char num[48];
    nb_pos pos;
    nb_text_block block;            /* owned once shaped */
    int shaped;
    float min_w;                    /* widest unbreakable piece */
    float nat_w;                    /* the whole text on one line */
    /* need[k-1]: the least content width at which the text takes at most k lines. */
    float need[MAX_STEPS];
    int nneed;
    /* Final breaking. */
    nb_text_line *lines;            /* owned */
    size_t nlines;
    int left;                       /* left-aligned (long label in a wide cell) */
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
    int loose;        /* labels may break inside unbreakable pieces (last resort) */
    int failed;       /* a cell's text could not be shaped */
} tsetup;

/* ---- cells ---- */

static void format_value(tcell *c, const nb_slot *slot, const nb_value *v)
{
    if (!v->present) {
        c->text = "";
        return;
    }
    if (v->is_text) {
        c->text = v->text ? v->text : "";
        return;
    }
    c->nowrap = 1;
    if (slot->kind == NB_KIND_AMOUNT) {
        /* As the clerk wrote it (keeps "12.50"), when that is a plain number. */
        if (v->text && v->text[0] && strspn(v->text, "0123456789.") == strlen(v->text) &&
            strlen(v->text) < sizeof c->num) {
            snprintf(c->num, sizeof c->num, "%s", v->text);
        } else {
            int64_t whole = v->num / 1000000, frac = v->num % 1000000;
            if (frac < 0)
                frac = -frac;
            int n = snprintf(c->num, sizeof c->num, "%s%" PRId64 ".%06" PRId64,
                             v->num < 0 && whole == 0 ? "-" : "", whole, frac);
            while (n > 0 && c->num[n - 1] == '0')
                c->num[--n] = 0;
            if (n > 0 && c->num[n - 1] == '.')
                c->num[--n] = 0;
        }
    } else {
        snprintf(c->num, sizeof c->num, "%" PRId64, v->num);
    }
    c->text = c->num;
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
    const nb_report *r = f->report;
    const char *layout_file = r && r->layout_ref && r->layout_ref->file ? r->layout_ref->file
                              : t->pos.file;
    for (size_t i = 0; i < lt->ncells; i++) {
        const nb_lcell *lc = &lt->cells[i];
        if (lc->row < 0 || lc->col < 0 || lc->row >= s->nrows || lc->col >= s->ncols)
            continue; /* the loader does not make these; never draw outside the grid */
        tcell *c = &s->cells[s->ncells++];
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
}

/* Lines the cell's text takes at content width w (0 for an empty cell). */
static int break_count(const tcell *c, float w)
{
    if (!c->shaped || c->block.nchars == 0)
        return 0;
    if (c->nowrap)
        return 1;
    nb_text_line *lines = NULL;
    size_t n = nb_text_break(&c->block, w, w, &lines);
    free(lines);
    return (int)n;
}

/* The narrowest content width the cell may have. */
static float floor_width(const tsetup *s, const tcell *c)
{
    if (c->nowrap || !s->loose)
        return c->min_w;
    float w = 0; /* the widest single character */
    for (size_t i = 0; i < c->block.nchars; i++)
        if (c->block.chars[i].width > w)
            w = c->block.chars[i].width;
    return w;
}

/* Tabulates need[]: for each line count, the least width (to 0.05 pt) that gives it. */
static void tabulate(const tsetup *s, tcell *c)
{
    c->nneed = 0;
    if (!c->shaped || c->block.nchars == 0)
        return;
    float lo_w = floor_width(s, c), hi_w = c->nat_w > lo_w ? c->nat_w : lo_w;
    int most = c->nowrap ? 1 : break_count(c, lo_w);
    if (most < 1)
        most = 1;
    for (int k = 1; k <= most && k <= MAX_STEPS; k++) {
        float lo = lo_w, hi = k == 1 ? hi_w : c->need[k - 2];
        if (break_count(c, lo) <= k) {
            hi = lo;
        } else {
            while (hi - lo > 0.05f) {
                float mid = (lo + hi) / 2;
                if (break_count(c, mid) <= k)
                    hi = mid;
                else
                    lo = mid;
            }
        }
        c->need[c->nneed++] = hi;
        if (hi <= lo_w)
            break;
    }
}

/* Content width for at most k lines. */
static float need_for(const tsetup *s, const tcell *c, int k)
{
    if (c->nneed == 0)
        return 0;
    if (c->nowrap)
        return c->nat_w + NUMBER_ROOM * s->size;
    if (k < 1)
        k = 1;
    if (k > c->nneed)
        return c->need[c->nneed - 1] < floor_width(s, c) ? c->need[c->nneed - 1] : floor_width(s, c);
    return c->need[k - 1];
}

/* Line count at content width w, from the table (exact breaking below its range). */
static int lines_for(const tcell *c, float w)
{
    if (c->nneed == 0)
        return 0;
    if (c->nowrap)
        return 1;
    if (w + 0.01f < c->need[c->nneed - 1])
        return break_count(c, w);
    int lo = 1, hi = c->nneed; /* need[] falls as k grows: find the least k with need <= w */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (c->need[mid - 1] <= w + 0.01f)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static int shape_cells(tsetup *s, float size, nb_diags *diags)
{
    nb_flow *f = s->f;
    const nb_font_list *fonts = &f->roles[NB_ROLE_TABLE];
    for (size_t i = 0; i < s->ncells; i++) {
        tcell *c = &s->cells[i];
        if (c->shaped) {
            nb_text_free(&c->block);
            c->shaped = 0;
        }
        if (c->len == 0)
            continue;
        /* Pitch = size: tables are not on the body grid. */
        if (nb_text_shape(&c->block, fonts, c->text, c->len, size, size, f->report, NULL, c->pos,
                          diags) != 0) {
            nb_text_free(&c->block);
            s->failed = 1;
            continue;
        }
        c->shaped = 1;
        c->nat_w = nb_text_width(&c->block);
        c->min_w = c->nowrap ? c->nat_w : nb_text_min_width(&c->block);
    }
    return s->failed ? -1 : 0;
}

static void set_size(tsetup *s, float size)
{
    s->size = size;
    s->lh = LINE_FACTOR * size;
    s->vpad = VPAD_FACTOR * size;
    s->hpad = HPAD_FACTOR * size;
}

/* ---- heights ---- */

static float cell_height(const tsetup *s, int nlines)
{
    return (float)(nlines > 0 ? nlines : 1) * s->lh + 2 * s->vpad;
}

/* Heights of rows [a, b) with every cell clipped to them: one-row cells first, then each
 * spanning cell's excess goes to the last row it covers, shorter spans first. `nlines[i]` is
 * cell i's line count. */
static void row_heights(const tsetup *s, const int *nlines, int a, int b, float *h)
{
    for (int r = a; r < b; r++)
        h[r] = cell_height(s, 1);
    int longest = 1;
    for (size_t i = 0; i < s->ncells; i++) {
        const tcell *c = &s->cells[i];
        int ra = c->row > a ? c->row : a, rb = c->row + c->rowspan < b ? c->row + c->rowspan : b;
        if (ra >= rb)
            continue;
        if (rb - ra == 1) {
            float ch = cell_height(s, nlines[i]);
            if (ch > h[ra])
                h[ra] = ch;
        } else if (rb - ra > longest) {
            longest = rb - ra;
        }
    }
    for (int span = 2; span <= longest; span++) {
        for (size_t i = 0; i < s->ncells; i++) {
            const tcell *c = &s->cells[i];
            int ra = c->row > a ? c->row : a;
            int rb = c->row + c->rowspan < b ? c->row + c->rowspan : b;
            if (rb - ra != span)
                continue;
            float sum = 0;
            for (int r = ra; r < rb; r++)
                sum += h[r];
            float ch = cell_height(s, nlines[i]);
            if (ch > sum)
                h[rb - 1] += ch - sum;
        }
    }
}

static float sum_heights(const float *h, int a, int b)
{
    float t = 0;
    for (int r = a; r < b; r++)
        t += h[r];
    return t;
}

/* Content width of a cell under widths w. */
static float content_width(const tsetup *s, const tcell *c, const float *w)
{
    float t = 0;
    for (int k = c->col; k < c->col + c->colspan; k++)
        t += w[k];
    return t - 2 * s->hpad;
}

/* Height of the whole table (header once) under widths w, from the tabulated line counts. */
static float table_height(const tsetup *s, const float *w, int *nlines, float *h)
{
    for (size_t i = 0; i < s->ncells; i++)
        nlines[i] = lines_for(&s->cells[i], content_width(s, &s->cells[i], w));
    row_heights(s, nlines, 0, s->header_rows, h);
    row_heights(s, nlines, s->header_rows, s->nrows, h);
    return sum_heights(h, 0, s->nrows);
}

/* ---- widths ---- */

static float sum_widths(const float *w, int n)
{
    float t = 0;
    for (int i = 0; i < n; i++)
        t += w[i];
    return t;
}

/* Column widths when every cell may take `k` lines per row it spans. */
static void widths_for_lines(const tsetup *s, int k, float *w)
{
    for (int c = 0; c < s->ncols; c++)
        w[c] = 2 * s->hpad + s->size; /* even an empty column keeps one character's room */
    for (size_t i = 0; i < s->ncells; i++) {
        const tcell *c = &s->cells[i];
        if (c->colspan != 1)
            continue;
        float need = need_for(s, c, k * c->rowspan) + 2 * s->hpad;
        if (need > w[c->col])
            w[c->col] = need;
    }
    int longest = 1;
    for (size_t i = 0; i < s->ncells; i++)
        if (s->cells[i].colspan > longest)
            longest = s->cells[i].colspan;
    /* Value columns are equal (a row of numbers reads as one), spanning cells widen what they
     * span in proportion; a few rounds settle both. */
    for (int round = 0; round < 4; round++) {
        float most = 0;
        for (int c = 0; c < s->ncols; c++)
            if (s->value_col[c] && w[c] > most)
                most = w[c];
        for (int c = 0; c < s->ncols; c++)
            if (s->value_col[c])
                w[c] = most;
        int changed = 0;
        for (int span = 2; span <= longest; span++) {
            for (size_t i = 0; i < s->ncells; i++) {
                const tcell *c = &s->cells[i];
                if (c->colspan != span)
                    continue;
                float need = need_for(s, c, k * c->rowspan);
                float have = content_width(s, c, w);
                if (need <= have + 0.01f)
                    continue;
                float total = have + 2 * s->hpad;
                for (int col = c->col; col < c->col + span; col++)
                    w[col] += (need - have) * w[col] / total;
                changed = 1;
            }
        }
        if (!changed)
            break;
    }
}

/* Gives spare width where it saves the most height per point, a column at a time (all value
 * columns together, so they stay equal); returns what is left. */
static float spend_on_height(const tsetup *s, float *w, float spare)
{
    size_t n = s->ncells;
    int *nlines = nb_calloc(n ? n : 1, sizeof *nlines);
    int *trial_lines = nb_calloc(n ? n : 1, sizeof *trial_lines);
    float *h = nb_calloc((size_t)s->nrows, sizeof *h);
    float *trial = nb_calloc((size_t)s->ncols, sizeof *trial);
    int nvalue = 0;
    for (int c = 0; c < s->ncols; c++)
        nvalue += s->value_col[c];
    /* Units: -1 = the value columns together, else one other column. */
    for (int step = 0; step < 400 && spare > 0.05f; step++) {
        float height = table_height(s, w, nlines, h);
        float best_ratio = 0, best_delta = 0;
        int best_unit = -2;
        for (int unit = -1; unit < s->ncols; unit++) {
            if (unit == -1 ? nvalue == 0 : s->value_col[unit])
                continue;
            int width_units = unit == -1 ? nvalue : 1;
            for (size_t i = 0; i < n; i++) {
                const tcell *c = &s->cells[i];
                if (c->nowrap || nlines[i] <= 1)
                    continue;
                int overlap = 0;
                for (int col = c->col; col < c->col + c->colspan; col++)
                    overlap += unit == -1 ? s->value_col[col] : col == unit;
                if (!overlap)
                    continue;
                float have = content_width(s, c, w);
                float delta = (need_for(s, c, nlines[i] - 1) - have) / (float)overlap + 0.01f;
                float cost = delta * (float)width_units;
                if (delta <= 0 || cost > spare)
                    continue;
                memcpy(trial, w, (size_t)s->ncols * sizeof *w);
                for (int col = 0; col < s->ncols; col++)
                    if (unit == -1 ? s->value_col[col] : col == unit)
                        trial[col] += delta;
                float gain = height - table_height(s, trial, trial_lines, h);
                if (gain > 0.01f && gain / cost > best_ratio) {
                    best_ratio = gain / cost;
                    best_delta = delta;
                    best_unit = unit;
                }
            }
        }
        if (best_unit == -2)
            break;
        for (int col = 0; col < s->ncols; col++)
            if (best_unit == -1 ? s->value_col[col] : col == best_unit)
                w[col] += best_delta;
        spare -= best_delta * (float)(best_unit == -1 ? nvalue : 1);
    }
    free(nlines);
    free(trial_lines);
    free(h);
    free(trial);
    return spare;
}

/* Solves the widths at the current size; returns 0 if the table fits the 版心's width. */
static int solve_at_size(tsetup *s)
{
    for (size_t i = 0; i < s->ncells; i++)
        tabulate(s, &s->cells[i]);
    float *w = s->colw;
    /* The fewest lines per row that fit; past every cell's line count, the minimums. */
    int most = 1;
    for (size_t i = 0; i < s->ncells; i++)
        if (s->cells[i].nneed + 1 > most)
            most = s->cells[i].nneed + 1;
    int k = 1;
    for (; k <= most; k++) {
        widths_for_lines(s, k, w);
        if (sum_widths(w, s->ncols) <= NB_TEXT_W + 0.01f)
            break;
    }
    if (k > most)
        return -1;
    float spare = spend_on_height(s, w, NB_TEXT_W - sum_widths(w, s->ncols));

    /* What is left goes to every column in proportion to its width. */
    float total = sum_widths(w, s->ncols);
    for (int c = 0; c < s->ncols; c++)
        w[c] += spare * w[c] / total;
    return 0;
}

static int solve(tsetup *s, nb_diags *diags)
{
    size_t nsizes = sizeof table_sizes / sizeof table_sizes[0];
    for (size_t i = 0; i < nsizes; i++) {
        set_size(s, table_sizes[i]);
        if (shape_cells(s, s->size, i == 0 ? diags : NULL) != 0)
            return -1;
        if (solve_at_size(s) == 0)
            return 0;
    }
    /* At 小五 the minimums still do not fit: let labels break anywhere. */
    s->loose = 1;
    if (solve_at_size(s) == 0)
        return 0;
    /* Numbers wider than the page allows: scale the minimums down to the 版心. */
    float total = sum_widths(s->colw, s->ncols);
    for (int c = 0; c < s->ncols; c++)
        s->colw[c] *= NB_TEXT_W / total;
    nb_diag_add(diags, NB_WARNING, s->f->report ? (nb_pos){s->f->report->file, 0, 0} : (nb_pos){0},
                "%s is too wide for the page even at 9 pt; its numbers may touch their rules",
                s->name);
    return 0;
}

/* Breaks every cell at its final width and decides its alignment. */
static void break_cells(tsetup *s)
{
    s->colx[0] = NB_TEXT_LEFT;
    for (int c = 0; c < s->ncols; c++)
        s->colx[c + 1] = s->colx[c] + s->colw[c];
    s->colx[s->ncols] = NB_TEXT_RIGHT; /* no rounding gap at the right edge */
    for (size_t i = 0; i < s->ncells; i++) {
        tcell *c = &s->cells[i];
        free(c->lines);
        c->lines = NULL;
        c->nlines = 0;
        if (!c->shaped || c->block.nchars == 0)
            continue;
        float w = content_width(s, c, s->colw);
        if (c->nowrap) {
            c->lines = nb_calloc(1, sizeof *c->lines);
            c->lines[0] = (nb_text_line){0, c->block.nchars, c->nat_w, w, 0};
            c->nlines = 1;
        } else {
            c->nlines = nb_text_break(&c->block, w, w, &c->lines);
        }
    }
    /* Where row labels are long enough to wrap, the wide ones read as a list: flush left, the
     * wrapped lines justified. Otherwise, and for narrow group labels, headers and numbers,
     * text is centred. Row labels are the body labels left of every value. */
    int first_value = s->ncols;
    for (size_t i = 0; i < s->ncells; i++)
        if (s->cells[i].is_value && s->cells[i].col < first_value)
            first_value = s->cells[i].col;
    int wrapped = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < s->ncells; i++) {
            tcell *c = &s->cells[i];
            int wide_row_label = !c->header && !c->is_value && c->col + c->colspan <= first_value &&
                                 content_width(s, c, s->colw) >= 8 * s->size;
            if (pass == 0) {
                wrapped |= wide_row_label && c->nlines > 1;
                continue;
            }
            c->left = wrapped && wide_row_label;
            for (size_t l = 0; l < c->nlines; l++)
                c->lines[l].justify = c->left && l + 1 < c->nlines;
        }
    }
}

static int *final_counts(const tsetup *s)
{
    int *n = nb_calloc(s->ncells ? s->ncells : 1, sizeof *n);
    for (size_t i = 0; i < s->ncells; i++)
        n[i] = (int)s->cells[i].nlines;
    return n;
}

/* ---- drawing ---- */

typedef struct piece {
    const tcell *cell;
    int ra, rb;     /* grid rows drawn */
    int la;         /* local row index of ra on the page */
    int repeat;
} piece;

/* Draws header rows and body rows [r0, r1) with the table's top at `top`; returns the bottom. */
static float draw_segment(const tsetup *s, nb_page *page, float top, int r0, int r1, int first,
                          const int *counts)
{
    int hr = s->header_rows, nlocal = hr + (r1 - r0);
    float *h = nb_calloc((size_t)s->nrows, sizeof *h);
    row_heights(s, counts, 0, hr, h);
    row_heights(s, counts, r0, r1, h);
    /* Local rows: the header, then the body rows of this page. */
    int *grid_row = nb_calloc((size_t)nlocal, sizeof *grid_row);
    float *row_top = nb_calloc((size_t)nlocal + 1, sizeof *row_top);
    float y = top;
    for (int l = 0; l < nlocal; l++) {
        grid_row[l] = l < hr ? l : r0 + (l - hr);
        row_top[l] = y;
        y -= h[grid_row[l]];
    }
    row_top[nlocal] = y;
    int *owner = nb_malloc((size_t)nlocal * (size_t)s->ncols * sizeof *owner);
    for (int i = 0; i < nlocal * s->ncols; i++)
        owner[i] = -1;
    piece *pieces = nb_calloc(s->ncells ? s->ncells : 1, sizeof *pieces);
    size_t npieces = 0;
    for (size_t i = 0; i < s->ncells; i++) {
        const tcell *c = &s->cells[i];
        piece p = {c, 0, 0, 0, 0};
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
        nb_box *b = nb_page_add_box(page, NB_BOX_CELL, x0, ybot, x1 - x0, ytop - ybot, c->text,
                                    c->len);
        b->table = s->name;
        b->row = p->ra;
        b->col = c->col;
        b->rowspan = p->rb - p->ra;
        b->colspan = c->colspan;
        b->repeat = p->repeat;
        if (!c->nlines)
            continue;
        float text_h = (float)c->nlines * s->lh;
        float ly = ytop - ((ytop - ybot) - text_h) / 2;
        for (size_t l = 0; l < c->nlines; l++, ly -= s->lh) {
            const nb_text_line *line = &c->lines[l];
            /* A line over its width is squeezed to it (先挤进) when placed. */
            float w = line->justify || line->natural > line->target ? line->target
                                                                    : line->natural;
            float x = c->left ? x0 + s->hpad : x0 + ((x1 - x0) - w) / 2;
            nb_text_place(&c->block, line, page, x, ly - nb_text_baseline_drop(s->size, s->lh));
            size_t from = line->first < c->block.nchars ? c->block.chars[line->first].offset
                                                         : c->block.len;
            size_t to = line->end < c->block.nchars ? c->block.chars[line->end].offset
                                                     : c->block.len;
            nb_box *tb = nb_page_add_box(page, NB_BOX_CELL_TEXT, x, ly - s->lh, w, s->lh,
                                         c->block.text + from, to - from);
            tb->table = s->name;
            tb->row = p->ra;
            tb->col = c->col;
            tb->rowspan = p->rb - p->ra;
            tb->colspan = c->colspan;
            tb->repeat = p->repeat;
        }
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
    free(h);
    return y;
}

/* ---- the flow ---- */

/* Height of body rows [r0, r1) as they would be drawn on one page. */
static float segment_height(const tsetup *s, const int *counts, float *h, int r0, int r1)
{
    row_heights(s, counts, r0, r1, h);
    return sum_heights(h, r0, r1);
}

/* A break before row r is clean when every spanning cell it cuts keeps room for its whole
 * label on both sides without stretching rows (heights h of the unbroken table). */
static int clean_break(const tsetup *s, const int *counts, const float *h, int r)
{
    for (size_t i = 0; i < s->ncells; i++) {
        const tcell *c = &s->cells[i];
        if (c->header || c->row >= r || c->row + c->rowspan <= r)
            continue;
        float need = cell_height(s, counts[i]);
        if (need > sum_heights(h, c->row, r) + 0.01f ||
            need > sum_heights(h, r, c->row + c->rowspan) + 0.01f)
            return 0;
    }
    return 1;
}

static int prepare(tsetup *s, nb_flow *f, const nb_table *t, nb_diags *diags)
{
    memset(s, 0, sizeof *s);
    if (!t || !t->layout || setup_cells(s, f, t) != 0)
        return -1;
    if (solve(s, diags) != 0)
        return -1;
    break_cells(s);
    return 0;
}

/* Solved tables, kept in the flow from the first question about a table (how much room its
 * start needs) to its setting: solving the widths is most of a table's cost. */
struct nb_table_cache {
    const nb_table *table;
    int ok;
    tsetup s;
    struct nb_table_cache *next;
};

static const tsetup *prepared(nb_flow *f, const nb_table *table)
{
    for (nb_table_cache *c = f->tables; c; c = c->next)
        if (c->table == table)
            return c->ok ? &c->s : NULL;
    nb_table_cache *c = nb_calloc(1, sizeof *c);
    c->table = table;
    c->ok = prepare(&c->s, f, table, f->diags) == 0;
    c->next = f->tables;
    f->tables = c;
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

float nb_table_min_height(nb_flow *f, const nb_table *table)
{
    const tsetup *solved = prepared(f, table);
    if (!solved)
        return 0;
    tsetup s = *solved; /* a view: the cache owns the cells */
    int *counts = final_counts(&s);
    float *h = nb_calloc((size_t)s.nrows, sizeof *h);
    float header = segment_height(&s, counts, h, 0, s.header_rows);
    float all = segment_height(&s, counts, h, s.header_rows, s.nrows);
    float result;
    if (s.header_rows == 0 && all <= NB_TEXT_H)
        result = all; /* a small table without a header stays whole */
    else
        result = header + segment_height(&s, counts, h, s.header_rows,
                                         s.header_rows + 2 < s.nrows ? s.header_rows + 2 : s.nrows);
    free(h);
    free(counts);
    return result;
}

void nb_table_set(nb_flow *f, const nb_table *table)
{
    const tsetup *solved = prepared(f, table);
    if (!solved)
        return;
    tsetup s = *solved; /* a view: the cache owns the cells */
    int *counts = final_counts(&s);
    float *h = nb_calloc((size_t)s.nrows, sizeof *h);
    int hr = s.header_rows;
    float header = segment_height(&s, counts, h, 0, hr);
    float all = segment_height(&s, counts, h, hr, s.nrows);
    nb_flow_page(f);
    int fresh = f->y >= NB_TEXT_TOP - 0.5f;
    /* The start: without a header a table moves whole to the next page if it fits there;
     * otherwise the header goes with at least the first two body rows (as min_height says). */
    if (!fresh) {
        float need = hr == 0 && all <= NB_TEXT_H
                         ? all
                         : header + segment_height(&s, counts, h, hr, hr + 2 < s.nrows ? hr + 2
                                                                                      : s.nrows);
        if (need > nb_flow_space(f) + 0.01f)
            nb_flow_new_page(f);
    }
    float *whole = nb_calloc((size_t)s.nrows, sizeof *whole);
    row_heights(&s, counts, hr, s.nrows, whole);
    int r0 = hr, first = 1;
    do {
        float avail = nb_flow_space(f) - header;
        int r1 = r0 + 1;
        while (r1 < s.nrows && segment_height(&s, counts, h, r0, r1 + 1) <= avail + 0.01f)
            r1++;
        if (r1 > s.nrows) /* a table of header rows only */
            r1 = s.nrows;
        /* A cut group label too tall for its rows on either page would stretch them: break
         * up to three rows earlier where no label is squeezed so. */
        for (int back = r1; r1 < s.nrows && back > r0 + 1 && back >= r1 - 3; back--) {
            if (clean_break(&s, counts, whole, back)) {
                r1 = back;
                break;
            }
        }
        f->y = draw_segment(&s, nb_flow_page(f), f->y, r0, r1, first, counts);
        first = 0;
        r0 = r1;
        if (r0 < s.nrows)
            nb_flow_new_page(f);
    } while (r0 < s.nrows);
    free(whole);
    free(h);
    free(counts);
}
