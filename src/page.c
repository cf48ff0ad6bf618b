#include "page.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const nb_box_kind_names[] = {"title", "heading", "line", "cell", "cell-text",
                                         "folio", "signoff", "image"};

const char *const nb_tag_names[] = {"Document", "H1", "H2", "H3", "H4", "P", "Table",
                                    "THead", "TBody", "TR", "TH", "TD"};

int nb_doc_add_tag(nb_doc *doc, nb_tag_kind kind, int parent)
{
    nb_grow(&doc->tags, &doc->cap_tags, doc->ntags + 1, sizeof *doc->tags);
    doc->tags[doc->ntags++] = (nb_tag){kind, parent, NB_SCOPE_NONE, 1, 1, NULL, 0};
    return (int)doc->ntags;
}

void nb_page_tag_runs(nb_page *page, size_t first, int tag)
{
    for (size_t i = first; i < page->nruns; i++)
        page->runs[i].tag = tag;
}

nb_page *nb_doc_add_page(nb_doc *doc)
{
    nb_grow(&doc->pages, &doc->cap_pages, doc->npages + 1, sizeof *doc->pages);
    nb_page *p = &doc->pages[doc->npages++];
    memset(p, 0, sizeof *p);
    return p;
}

nb_run *nb_page_add_run(nb_page *page)
{
    nb_grow(&page->runs, &page->cap_runs, page->nruns + 1, sizeof *page->runs);
    nb_run *r = &page->runs[page->nruns++];
    memset(r, 0, sizeof *r);
    return r;
}

void nb_page_add_rule(nb_page *page, float x1, float y1, float x2, float y2, float width)
{
    nb_grow(&page->rules, &page->cap_rules, page->nrules + 1, sizeof *page->rules);
    page->rules[page->nrules++] = (nb_stroke){x1, y1, x2, y2, width};
}

nb_box *nb_page_add_box(nb_page *page, nb_box_kind kind, float x, float y, float w, float h,
                        const char *text, size_t text_len)
{
    nb_grow(&page->boxes, &page->cap_boxes, page->nboxes + 1, sizeof *page->boxes);
    nb_box *b = &page->boxes[page->nboxes++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->x = x;
    b->y = y;
    b->w = w;
    b->h = h;
    b->text = text ? nb_strndup(text, text_len) : NULL;
    b->row = b->col = -1;
    return b;
}

void nb_page_add_image(nb_doc *doc, nb_page *page, nb_raster *raster, float x, float y, float w,
                       float h)
{
    nb_raster *kept = nb_malloc(sizeof *kept);
    *kept = *raster;
    memset(raster, 0, sizeof *raster);
    doc->rasters = nb_realloc(doc->rasters, (doc->nrasters + 1) * sizeof *doc->rasters);
    doc->rasters[doc->nrasters++] = kept;
    nb_grow(&page->images, &page->cap_images, page->nimages + 1, sizeof *page->images);
    page->images[page->nimages++] = (nb_image){kept, x, y, w, h};
}

void nb_doc_add_outline(nb_doc *doc, const char *title, int page, float y, int level)
{
    nb_grow(&doc->outline, &doc->cap_outline, doc->noutline + 1, sizeof *doc->outline);
    doc->outline[doc->noutline++] = (nb_outline_entry){nb_strdup(title), page, y, level};
}

void nb_doc_free(nb_doc *doc)
{
    for (size_t i = 0; i < doc->npages; i++) {
        nb_page *p = &doc->pages[i];
        for (size_t j = 0; j < p->nruns; j++) {
            free(p->runs[j].glyphs);
            free(p->runs[j].text);
        }
        for (size_t j = 0; j < p->nboxes; j++)
            free(p->boxes[j].text);
        free(p->runs);
        free(p->rules);
        free(p->boxes);
        free(p->images);
    }
    free(doc->pages);
    for (size_t i = 0; i < doc->nrasters; i++) {
        nb_raster_free(doc->rasters[i]);
        free(doc->rasters[i]);
    }
    free(doc->rasters);
    for (size_t i = 0; i < doc->noutline; i++)
        free(doc->outline[i].title);
    free(doc->outline);
    for (size_t i = 0; i < doc->ntags; i++)
        free(doc->tags[i].headers);
    free(doc->tags);
    free(doc->title);
    free(doc->author);
    memset(doc, 0, sizeof *doc);
}


void nb_doc_dump(const nb_doc *doc, void *fp, int json)
{
    FILE *f = fp;
    char x[32], y[32], w[32], h[32];
    if (json)
        fputs("[", f);
    int first = 1;
    for (size_t i = 0; i < doc->npages; i++) {
        const nb_page *p = &doc->pages[i];
        for (size_t j = 0; j < p->nboxes; j++) {
            const nb_box *b = &p->boxes[j];
            nb_fmt_num(x, b->x, 2);
            nb_fmt_num(y, b->y, 2);
            nb_fmt_num(w, b->w, 2);
            nb_fmt_num(h, b->h, 2);
            if (json) {
                fprintf(f, "%s\n {\"kind\": \"%s\", \"page\": %zu, \"x\": %s, \"y\": %s, "
                           "\"width\": %s, \"height\": %s",
                        first ? "" : ",", nb_box_kind_names[b->kind], i + 1, x, y, w, h);
                if (b->table) {
                    fputs(", \"table\": ", f);
                    nb_json_string(f, b->table);
                    fprintf(f, ", \"row\": %d, \"col\": %d, \"rowspan\": %d, \"colspan\": %d, "
                               "\"repeat\": %d",
                            b->row, b->col, b->rowspan, b->colspan, b->repeat);
                }
                fputs(", \"text\": ", f);
                nb_json_string(f, b->text);
                fputs("}", f);
            } else {
                fprintf(f, "%s %zu %s %s %s %s", nb_box_kind_names[b->kind], i + 1, x, y, w, h);
                if (b->table)
                    fprintf(f, " %s r%d c%d %dx%d%s", b->table, b->row, b->col, b->rowspan,
                            b->colspan, b->repeat ? " repeat" : "");
                fprintf(f, " %s\n", b->text ? b->text : "");
            }
            first = 0;
        }
    }
    if (json)
        fputs(first ? "]\n" : "\n]\n", f);
}
