/* The table engine on the national layout: 表三 set low on a page breaks between rows, repeats
 * its header and its cut group labels on the next page (with their text where their rows there
 * hold it), keeps every cell and its text inside the 版心 without overlaps; 表四's fifteen
 * value columns fit the 版心 upright; 表二 (no header rows) breaks only between its 第二十条
 * blocks; nb_table_min_height is the header plus two body rows (表二: its first block). */
#include "geometry.h"
#include "layout.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

#define EPS 0.02f

/* A table bound by hand: every slot present with a number (up to four digits). */
static nb_table *make_table(const nb_ltable *lt)
{
    nb_table *t = calloc(1, sizeof *t);
    t->layout = lt;
    t->pos = (nb_pos){"gov-2021.yaml", 1, 1};
    t->values = calloc(lt->nslots ? lt->nslots : 1, sizeof *t->values);
    t->group_given = calloc(lt->ngroups ? lt->ngroups : 1, sizeof *t->group_given);
    for (size_t i = 0; i < lt->nslots; i++) {
        nb_value *v = &t->values[i];
        v->present = 1;
        v->num = (int64_t)((i * 7919) % 10000);
        if (lt->slots[i].kind == NB_KIND_AMOUNT)
            v->num *= 1000000;
        v->pos = (nb_pos){"report.yaml", (int)i + 1, 1};
    }
    for (size_t g = 0; g < lt->ngroups; g++)
        t->group_given[g] = 1;
    return t;
}

static void free_table(nb_table *t)
{
    free(t->values);
    free(t->group_given);
    free(t);
}

static void start_flow(nb_flow *f, nb_doc *doc, const nb_font *font, nb_diags *d,
                       const nb_report *r)
{
    memset(f, 0, sizeof *f);
    memset(doc, 0, sizeof *doc);
    f->report = r; /* for the layout's words */
    f->doc = doc;
    f->diags = d;
    f->page = -1;
    f->roles[NB_ROLE_TABLE].fonts[0] = font;
    f->roles[NB_ROLE_TABLE].count = 1;
}

static int inside(const nb_box *in, const nb_box *out)
{
    return in->x >= out->x - EPS && in->x + in->w <= out->x + out->w + EPS && in->y >= out->y - EPS &&
           in->y + in->h <= out->y + out->h + EPS;
}

static int overlap(const nb_box *a, const nb_box *b)
{
    float w = fminf(a->x + a->w, b->x + b->w) - fmaxf(a->x, b->x);
    float h = fminf(a->y + a->h, b->y + b->h) - fmaxf(a->y, b->y);
    return w > EPS && h > EPS;
}

static int is_cell(const nb_box *b, const char *table)
{
    return b->kind == NB_BOX_CELL && b->table && strcmp(b->table, table) == 0;
}

/* The properties every page of a set table has. */
static void check_pages(const nb_doc *doc, const char *table, const nb_ltable *lt)
{
    for (size_t p = 0; p < doc->npages; p++) {
        const nb_page *pg = &doc->pages[p];
        float left = 1e9f, right = -1e9f;
        size_t ncells = 0;
        for (size_t i = 0; i < pg->nboxes; i++) {
            const nb_box *b = &pg->boxes[i];
            if (b->kind != NB_BOX_CELL && b->kind != NB_BOX_CELL_TEXT)
                continue;
            CHECK(b->x >= NB_TEXT_LEFT - EPS && b->x + b->w <= NB_TEXT_RIGHT + EPS &&
                      b->y >= NB_TEXT_BOTTOM - EPS && b->y + b->h <= NB_TEXT_TOP + EPS,
                  "page %zu: %s r%d c%d (%.2f %.2f %.2f %.2f) leaves the 版心", p + 1, table, b->row,
                  b->col, b->x, b->y, b->w, b->h);
            if (b->kind == NB_BOX_CELL_TEXT) {
                /* Every line of text lies inside its own cell. */
                int found = 0;
                for (size_t j = 0; j < pg->nboxes && !found; j++) {
                    const nb_box *c = &pg->boxes[j];
                    found = is_cell(c, table) && c->row == b->row && c->col == b->col &&
                            inside(b, c);
                }
                CHECK(found, "page %zu: text '%s' (r%d c%d) is not inside its cell", p + 1,
                      b->text ? b->text : "", b->row, b->col);
                continue;
            }
            ncells++;
            left = fminf(left, b->x);
            right = fmaxf(right, b->x + b->w);
            CHECK(b->row >= 0 && b->col >= 0 && b->row + b->rowspan <= lt->nrows &&
                      b->col + b->colspan <= lt->ncols,
                  "page %zu: cell r%d c%d %dx%d outside the grid", p + 1, b->row, b->col,
                  b->rowspan, b->colspan);
            for (size_t j = i + 1; j < pg->nboxes; j++) {
                const nb_box *c = &pg->boxes[j];
                if (c->kind == NB_BOX_CELL)
                    CHECK(!overlap(b, c), "page %zu: cells r%d c%d and r%d c%d overlap", p + 1,
                          b->row, b->col, c->row, c->col);
            }
        }
        if (ncells) {
            CHECK(fabsf(left - NB_TEXT_LEFT) < EPS && fabsf(right - NB_TEXT_RIGHT) < EPS,
                  "page %zu: %s spans %.2f..%.2f, not the 版心's width", p + 1, table, left, right);
        }
        for (size_t i = 0; i < pg->nruns; i++)
            CHECK(pg->runs[i].size >= NB_SIZE_TABLE_MIN - 0.001f &&
                      pg->runs[i].size <= NB_SIZE_TABLE + 0.001f,
                  "page %zu: text at %.2f pt", p + 1, pg->runs[i].size);
        for (size_t i = 0; i < pg->nrules; i++) {
            const nb_stroke *s = &pg->rules[i];
            CHECK(fabsf(s->width - 0.5f) < 0.001f, "rule of %.2f pt", s->width);
            CHECK(fminf(s->x1, s->x2) >= NB_TEXT_LEFT - EPS &&
                      fmaxf(s->x1, s->x2) <= NB_TEXT_RIGHT + EPS &&
                      fminf(s->y1, s->y2) >= NB_TEXT_BOTTOM - EPS &&
                      fmaxf(s->y1, s->y2) <= NB_TEXT_TOP + EPS,
                  "page %zu: a rule leaves the 版心", p + 1);
        }
    }
}

/* Counts the cell-text boxes of the cell drawn at (page, row, col). */
static int text_lines(const nb_page *pg, const char *table, int row, int col, const char **text)
{
    int n = 0;
    for (size_t i = 0; i < pg->nboxes; i++) {
        const nb_box *b = &pg->boxes[i];
        if (b->kind == NB_BOX_CELL_TEXT && b->table && !strcmp(b->table, table) &&
            b->row == row && b->col == col) {
            n++;
            if (text)
                *text = b->text;
        }
    }
    return n;
}

/* Every value cell is drawn exactly once, on one line, showing its number; the cells of one
 * grid row are all on one page at the same height (no row is split). */
static void check_values(const nb_doc *doc, const nb_table *t)
{
    const nb_ltable *lt = t->layout;
    for (size_t s = 0; s < lt->nslots; s++) {
        const nb_lcell *lc = &lt->cells[lt->slots[s].cell];
        int seen = 0;
        for (size_t p = 0; p < doc->npages; p++) {
            const nb_page *pg = &doc->pages[p];
            for (size_t i = 0; i < pg->nboxes; i++) {
                const nb_box *b = &pg->boxes[i];
                if (!is_cell(b, lt->name) || b->row != lc->row || b->col != lc->col)
                    continue;
                seen++;
                const char *text = NULL;
                char want[32];
                snprintf(want, sizeof want, "%lld",
                         (long long)(lt->slots[s].kind == NB_KIND_AMOUNT ? t->values[s].num / 1000000
                                                                          : t->values[s].num));
                CHECK(text_lines(pg, lt->name, b->row, b->col, &text) == 1 && text &&
                          strcmp(text, want) == 0,
                      "%s %s: the number is not one line reading %s", lt->name, lt->slots[s].name,
                      want);
                /* Its row: every other cell starting in this row is on this page, same top. */
                for (size_t j = 0; j < lt->ncells; j++) {
                    const nb_lcell *o = &lt->cells[j];
                    if (o->row != lc->row || o->rowspan != 1)
                        continue;
                    int here = 0;
                    for (size_t k = 0; k < pg->nboxes; k++) {
                        const nb_box *c = &pg->boxes[k];
                        here |= is_cell(c, lt->name) && c->row == o->row && c->col == o->col &&
                                fabsf(c->y + c->h - (b->y + b->h)) < EPS &&
                                fabsf(c->h - b->h) < EPS;
                    }
                    CHECK(here, "%s row %d is split: column %d is not beside column %d",
                          lt->name, lc->row, o->col, lc->col);
                }
            }
        }
        CHECK(seen == 1, "%s %s drawn %d times", lt->name, lt->slots[s].name, seen);
    }
}

static const nb_box *find_label(const nb_page *pg, const char *table, const char *text)
{
    for (size_t i = 0; i < pg->nboxes; i++)
        if (is_cell(&pg->boxes[i], table) && pg->boxes[i].text && !strcmp(pg->boxes[i].text, text))
            return &pg->boxes[i];
    return NULL;
}

static float table_top(const nb_page *pg, const char *table)
{
    float top = -1e9f;
    for (size_t i = 0; i < pg->nboxes; i++)
        if (is_cell(&pg->boxes[i], table))
            top = fmaxf(top, pg->boxes[i].y + pg->boxes[i].h);
    return top;
}

static void test_applications(const nb_layout *layout, const nb_font *font)
{
    nb_report rep = {0};
    rep.layout_ref = layout;
    const nb_report *r = &rep;
    const nb_ltable *lt = nb_layout_table(layout, "applications");
    CHECK(lt != NULL, "no applications table");
    if (!lt)
        return;
    nb_table *t = make_table(lt);
    nb_diags *d = nb_diags_new();
    nb_flow f;
    nb_doc doc;

    /* On a fresh page: min_height is the header plus two body rows as drawn. */
    start_flow(&f, &doc, font, d, r);
    float keep = nb_table_min_height(&f, t);
    nb_flow_page(&f);
    nb_table_set(&f, t);
    CHECK(d->errors == 0, "errors setting 表三");
    if (doc.npages >= 1) {
        const nb_page *pg = &doc.pages[0];
        float bottom = 1e9f;
        for (size_t i = 0; i < pg->nboxes; i++) {
            const nb_box *b = &pg->boxes[i];
            if (is_cell(b, "表三") && b->row == lt->header_rows + 1 && b->col == lt->ncols - 1)
                bottom = b->y;
        }
        CHECK(fabsf(NB_TEXT_TOP - bottom - keep) < EPS,
              "min_height %.2f, header and two rows drawn %.2f high", keep, NB_TEXT_TOP - bottom);
    }
    nb_table_cache_free(&f);
    nb_doc_free(&doc);

    /* Low on a page: it breaks. */
    start_flow(&f, &doc, font, d, r);
    nb_flow_page(&f);
    f.y = NB_TEXT_BOTTOM + 0.45f * NB_TEXT_H;
    float start = f.y;
    nb_table_set(&f, t);
    CHECK(d->errors == 0, "errors setting 表三");
    CHECK(doc.npages >= 2, "表三 set low on a page did not break (%zu pages)", doc.npages);
    check_pages(&doc, "表三", lt);
    check_values(&doc, t);
    if (doc.npages >= 2) {
        const nb_page *p1 = &doc.pages[0], *p2 = &doc.pages[1];
        CHECK(fabsf(table_top(p1, "表三") - start) < EPS, "表三 does not start at the flow's y");
        CHECK(fabsf(table_top(p2, "表三") - NB_TEXT_TOP) < EPS,
              "the continuation does not start at the top of the 版心");
        CHECK(f.page == (int)doc.npages - 1 && f.y > NB_TEXT_BOTTOM - EPS && f.y < NB_TEXT_TOP,
              "the flow is not left below the table");
        /* The header: every header cell of page 1 again on page 2, marked repeated. */
        int header1 = 0, header2 = 0;
        for (size_t i = 0; i < p1->nboxes; i++)
            if (is_cell(&p1->boxes[i], "表三") && p1->boxes[i].row < lt->header_rows) {
                header1++;
                CHECK(!p1->boxes[i].repeat, "header on page 1 marked repeated");
            }
        for (size_t i = 0; i < p2->nboxes; i++)
            if (is_cell(&p2->boxes[i], "表三") && p2->boxes[i].row < lt->header_rows) {
                header2++;
                CHECK(p2->boxes[i].repeat, "header on page 2 not marked repeated");
            }
        int header = 0;
        for (size_t i = 0; i < lt->ncells; i++)
            header += lt->cells[i].row < lt->header_rows;
        CHECK(header1 == header && header2 == header, "header cells: %d on page 1, %d on page 2",
              header1, header2);
        const char *corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
        CHECK(find_label(p2, "表三", corner) && text_lines(p2, "表三", 0, 0, NULL) >= 1,
              "the corner note is not repeated with its text");
        /* The cut group label is on both pages with its text, broken by meaning. */
        const nb_box *g1 = find_label(p1, "表三", "三、本年度办理结果");
        const nb_box *g2 = find_label(p2, "表三", "三、本年度办理结果");
        CHECK(g1 && g2, "三、本年度办理结果 is not on both pages");
        if (g1 && g2) {
            CHECK(!g1->repeat && g2->repeat, "repeat flags %d, %d", g1->repeat, g2->repeat);
            CHECK(g1->row == 5 && g2->row > 5 && g1->row + g1->rowspan == g2->row &&
                      g2->row + g2->rowspan <= 27,
                  "pieces r%d+%d and r%d+%d do not continue rows 5..26", g1->row, g1->rowspan,
                  g2->row, g2->rowspan);
            int n1 = text_lines(p1, "表三", g1->row, 0, NULL);
            int n2 = text_lines(p2, "表三", g2->row, 0, NULL);
            CHECK(n1 == 4 && n1 == n2, "the label takes %d lines, then %d (三、/本年度/办理/结果)",
                  n1, n2);
        }
        /* The label column is narrow: three characters a line. */
        if (g1)
            CHECK(g1->w < 4 * NB_SIZE_TABLE + 3 * NB_MM, "三、本年度办理结果 column is %.1f pt wide",
                  g1->w);
        /* Row labels that need it wrap inside their cells: 商业企业 in its narrow column. */
        const nb_box *biz = find_label(p1, "表三", "商业企业");
        CHECK(biz && text_lines(p1, "表三", biz->row, biz->col, NULL) == 2,
              "商业企业 is not set in two lines");
    }
    /* No rule is drawn twice. */
    for (size_t p = 0; p < doc.npages; p++) {
        const nb_page *pg = &doc.pages[p];
        for (size_t i = 0; i < pg->nrules; i++)
            for (size_t j = i + 1; j < pg->nrules; j++) {
                const nb_stroke *a = &pg->rules[i], *b = &pg->rules[j];
                int horiz = fabsf(a->y1 - a->y2) < EPS && fabsf(b->y1 - b->y2) < EPS &&
                            fabsf(a->y1 - b->y1) < EPS;
                int vert = fabsf(a->x1 - a->x2) < EPS && fabsf(b->x1 - b->x2) < EPS &&
                           fabsf(a->x1 - b->x1) < EPS;
                float shared = horiz ? fminf(fmaxf(a->x1, a->x2), fmaxf(b->x1, b->x2)) -
                                           fmaxf(fminf(a->x1, a->x2), fminf(b->x1, b->x2))
                               : vert ? fminf(fmaxf(a->y1, a->y2), fmaxf(b->y1, b->y2)) -
                                            fmaxf(fminf(a->y1, a->y2), fminf(b->y1, b->y2))
                                      : 0;
                CHECK(shared < EPS, "page %zu: rules %zu and %zu overlap by %.2f pt", p + 1, i, j,
                      shared);
            }
    }
    nb_table_cache_free(&f);
    nb_doc_free(&doc);

    /* Wherever it starts, the same properties hold, and a cut group label is on both pages. */
    for (int step = 1; step < 40; step++) {
        start_flow(&f, &doc, font, d, r);
        nb_flow_page(&f);
        f.y = NB_TEXT_BOTTOM + (float)step / 40 * NB_TEXT_H;
        nb_table_set(&f, t);
        check_pages(&doc, "表三", lt);
        check_values(&doc, t);
        /* The pieces of 三、本年度办理结果 follow each other from page to page and cover its
         * 22 rows; its text is in every piece whose rows hold it, and in at least one. */
        int next = 5, texts = 0;
        for (size_t p = 0; p < doc.npages; p++) {
            const nb_page *pg = &doc.pages[p];
            for (size_t i = 0; i < pg->nboxes; i++) {
                const nb_box *b = &pg->boxes[i];
                if (!is_cell(b, "表三") || b->col != 0 || b->row < 5 || b->row >= 27)
                    continue;
                CHECK(b->row == next, "start %d/40: page %zu: a piece of the group label starts "
                      "at row %d, not %d", step, p + 1, b->row, next);
                next = b->row + b->rowspan;
                int n = text_lines(pg, "表三", b->row, 0, NULL);
                texts += n > 0;
                CHECK(n == 4 || b->h < 4 * NB_SIZE_TABLE * 1.3f,
                      "start %d/40: page %zu: the label is not drawn in rows %.1f pt high", step,
                      p + 1, b->h);
                CHECK(n == 0 || b->repeat == (b->row > 5), "start %d/40: repeat flag", step);
            }
        }
        CHECK(next == 27 && texts >= 1, "start %d/40: the group label's pieces end at row %d, "
              "%d with text", step, next, texts);
        nb_table_cache_free(&f);
        nb_doc_free(&doc);
    }
    nb_diags_free(d);
    free_table(t);
}

static void test_appeals(const nb_layout *layout, const nb_font *font)
{
    nb_report rep = {0};
    rep.layout_ref = layout;
    const nb_report *r = &rep;
    const nb_ltable *lt = nb_layout_table(layout, "appeals");
    CHECK(lt != NULL, "no appeals table");
    if (!lt)
        return;
    nb_table *t = make_table(lt);
    nb_diags *d = nb_diags_new();
    nb_flow f;
    nb_doc doc;
    start_flow(&f, &doc, font, d, r);
    nb_table_set(&f, t);
    CHECK(d->errors == 0, "errors setting 表四");
    CHECK(doc.npages == 1, "表四 takes %zu pages", doc.npages);
    check_pages(&doc, "表四", lt);
    check_values(&doc, t);
    if (doc.npages >= 1) {
        const nb_page *pg = &doc.pages[0];
        float total = 0;
        int nvalues = 0;
        for (size_t i = 0; i < pg->nboxes; i++) {
            const nb_box *b = &pg->boxes[i];
            if (is_cell(b, "表四") && b->row == 3) {
                total += b->w;
                nvalues++;
            }
            /* Upright, two characters a line: 结果/维持. */
            if (is_cell(b, "表四") && b->text && !strcmp(b->text, "结果维持"))
                CHECK(text_lines(pg, "表四", b->row, b->col, NULL) <= 2,
                      "结果维持 takes more than two lines");
        }
        CHECK(nvalues == 15 && fabsf(total - NB_TEXT_W) < 0.1f,
              "%d value cells, %.2f pt wide together", nvalues, total);
    }
    nb_table_cache_free(&f);
    nb_doc_free(&doc);
    nb_diags_free(d);
    free_table(t);
}

static void test_active(const nb_layout *layout, const nb_font *font)
{
    nb_report rep = {0};
    rep.layout_ref = layout;
    const nb_report *r = &rep;
    const nb_ltable *lt = nb_layout_table(layout, "active");
    CHECK(lt != NULL && lt->header_rows == 0, "no active table without header rows");
    if (!lt)
        return;
    nb_table *t = make_table(lt);
    nb_diags *d = nb_diags_new();
    nb_flow f;
    nb_doc doc;
    start_flow(&f, &doc, font, d, r);
    float first = nb_table_min_height(&f, t);
    nb_flow_page(&f);
    /* Room for the first block and a little: the table breaks before its second block. */
    f.y = NB_TEXT_BOTTOM + first + 10;
    nb_table_set(&f, t);
    CHECK(doc.npages == 2, "表二 takes %zu pages", doc.npages);
    if (doc.npages == 2) {
        /* Page 1 holds rows 0..3 (第二十条第（一）项 to 行政规范性文件), page 2 the rest,
         * starting with its block title. */
        int last1 = -1, first2 = 99;
        for (size_t i = 0; i < doc.pages[0].nboxes; i++)
            if (is_cell(&doc.pages[0].boxes[i], "表二"))
                last1 = doc.pages[0].boxes[i].row > last1 ? doc.pages[0].boxes[i].row : last1;
        for (size_t i = 0; i < doc.pages[1].nboxes; i++)
            if (is_cell(&doc.pages[1].boxes[i], "表二"))
                first2 = doc.pages[1].boxes[i].row < first2 ? doc.pages[1].boxes[i].row : first2;
        CHECK(last1 == 3 && first2 == 4, "表二 broken after row %d, resumed at row %d", last1,
              first2);
        CHECK(find_label(&doc.pages[1], "表二", "第二十条第（五）项") != NULL,
              "page 2 does not start with 第二十条第（五）项");
    }
    nb_table_cache_free(&f);
    nb_doc_free(&doc);
    /* Less room than the first block: the whole table goes to the next page. */
    start_flow(&f, &doc, font, d, r);
    nb_flow_page(&f);
    f.y = NB_TEXT_BOTTOM + first - 10;
    nb_table_set(&f, t);
    if (doc.npages >= 2) {
        size_t cells1 = 0;
        for (size_t i = 0; i < doc.pages[0].nboxes; i++)
            cells1 += is_cell(&doc.pages[0].boxes[i], "表二");
        CHECK(cells1 == 0, "表二 began with %zu cells in less room than its first block", cells1);
    } else {
        CHECK(0, "表二 takes %zu pages", doc.npages);
    }
    check_pages(&doc, "表二", lt);
    check_values(&doc, t);
    nb_table_cache_free(&f);
    nb_doc_free(&doc);
    nb_diags_free(d);
    free_table(t);
}

int main(void)
{
    const char *dir = getenv("NB_SOURCE");
    char path[4096];
    char *error = NULL;
    snprintf(path, sizeof path, "%s/fonts/FandolFang-Regular.otf", dir ? dir : ".");
    nb_font *font = nb_font_open(path, 0, &error);
    if (!font) {
        fprintf(stderr, "cannot open %s: %s\n", path, error ? error : "?");
        free(error);
        return 1;
    }
    snprintf(path, sizeof path, "%s/layouts/gov-2021.yaml", dir ? dir : ".");
    nb_diags *d = nb_diags_new();
    nb_layout *layout = NULL;
    if (nb_layout_load(path, &layout, d) != NB_OK) {
        nb_diags_print(d, stderr);
        nb_diags_free(d);
        nb_font_close(font);
        return 1;
    }
    test_applications(layout, font);
    test_appeals(layout, font);
    test_active(layout, font);
    nb_layout_free(layout);
    nb_diags_free(d);
    nb_font_close(font);
    if (failures)
        fprintf(stderr, "table_layout: %d checks failed\n", failures);
    return failures ? 1 : 0;
}
