/* The portal page: one HTML5 document from the same report tree and bound tables the PDF is set
 * from, so the two cannot disagree. Headings become <h1>–<h4>, paragraphs <p>, and each table
 * a real table whose header cells carry ids and whose data cells name them in `headers` (the
 * layouts' tables have two- and three-level headers, which `scope` alone cannot express). */
#include "html.h"
#include "headers.h"
#include "layout.h"
#include "text.h"
#include "typeset.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The page looks like the PDF on screen and prints on A4 with GB/T 9704's margins. No fonts
 * are embedded: the same families are named, with the free ones and generic faces after. */
static const char stylesheet[] =
    "@page{size:A4;margin:37mm 26mm 35mm 28mm}\n"
    ".nianbao{max-width:156mm;margin:0 auto;padding:1em 0;color:#000;background:#fff;"
    "font:16pt/1.8 \"仿宋_GB2312\",\"FangSong_GB2312\",\"FangSong\",\"仿宋\",\"FandolFang\","
    "\"STFangsong\",serif}\n"
    ".nianbao h1{font:22pt/1.6 \"方正小标宋简体\",\"FZXiaoBiaoSong-B05S\",\"Noto Serif CJK SC\","
    "\"Source Han Serif SC\",\"SimSun\",serif;font-weight:bold;text-align:center;margin:0 0 1em;"
    "word-break:keep-all;overflow-wrap:anywhere;text-wrap:balance}\n"
    ".nianbao h2{font:16pt/1.8 \"黑体\",\"SimHei\",\"FandolHei\",\"Noto Sans CJK SC\",sans-serif;"
    "margin:0;text-indent:2em}\n"
    ".nianbao h3{font:16pt/1.8 \"楷体_GB2312\",\"KaiTi_GB2312\",\"KaiTi\",\"楷体\",\"FandolKai\","
    "serif;margin:0;text-indent:2em}\n"
    ".nianbao h4{font:inherit;margin:0;text-indent:2em}\n"
    ".nianbao p{margin:0;text-indent:2em;text-align:justify}\n"
    ".nianbao .runin h3,.nianbao .runin p{display:inline}\n"
    ".nianbao .runin{text-indent:2em}\n"
    ".nianbao table{border-collapse:collapse;width:100%;margin:.5em 0 1em;"
    "font-size:10.5pt;line-height:1.3;page-break-inside:auto}\n"
    ".nianbao caption{font-size:10.5pt;padding:.3em;caption-side:top}\n"
    ".nianbao th,.nianbao td{border:1px solid #000;padding:1.5mm;vertical-align:middle}\n"
    ".nianbao th{font-weight:normal;text-align:center}\n"
    ".nianbao tbody th[scope=row],.nianbao tbody th[scope=rowgroup]{text-align:left}\n"
    ".nianbao td{text-align:center;white-space:nowrap}\n"
    ".nianbao .signoff{text-align:right;text-indent:0;padding-right:2em;margin-top:1.8em}\n"
    ".nianbao .date{text-align:right;text-indent:0;padding-right:2em}\n";

static void put_escaped(nb_buf *b, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        default: break;
        }
        if (rep) {
            nb_buf_put(b, s + start, i - start);
            nb_buf_puts(b, rep);
            start = i + 1;
        }
    }
    nb_buf_put(b, s + start, n - start);
}

static void put_text(nb_buf *b, const char *s) { put_escaped(b, s ? s : "", s ? strlen(s) : 0); }

static void put_element(nb_buf *b, const char *tag, const char *cls, const char *s, size_t n)
{
    nb_buf_printf(b, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    put_escaped(b, s, n);
    nb_buf_printf(b, "</%s>\n", tag);
}

/* ---- tables ---- */

/* The ids of the header cells that apply to a data cell (headers.h). */
static void put_headers_attr(nb_buf *b, const nb_headers *g, int t, const nb_lcell *v)
{
    const nb_ltable *lt = g->lt;
    int first = 1;
    for (size_t i = 0; i < lt->ncells; i++) {
        if (!nb_headers_apply(g, &lt->cells[i], v))
            continue;
        nb_buf_printf(b, "%st%dc%zu", first ? " headers=\"" : " ", t, i);
        first = 0;
    }
    if (!first)
        nb_buf_puts(b, "\"");
}

static void put_span(nb_buf *b, const nb_lcell *c)
{
    if (c->rowspan > 1)
        nb_buf_printf(b, " rowspan=\"%d\"", c->rowspan);
    if (c->colspan > 1)
        nb_buf_printf(b, " colspan=\"%d\"", c->colspan);
}

static int by_position(const void *a, const void *b)
{
    const nb_lcell *x = *(const nb_lcell *const *)a, *y = *(const nb_lcell *const *)b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col;
}

static void put_table(nb_buf *b, const nb_table *t, int index, const char *caption)
{
    const nb_ltable *lt = t->layout;
    nb_headers g;
    nb_headers_init(&g, lt);
    const nb_lcell **order = nb_malloc((lt->ncells ? lt->ncells : 1) * sizeof *order);
    for (size_t i = 0; i < lt->ncells; i++)
        order[i] = &lt->cells[i];
    qsort(order, lt->ncells, sizeof *order, by_position);

    nb_buf_printf(b, "<table id=\"t%d\">\n<caption>", index);
    put_text(b, caption);
    nb_buf_puts(b, "</caption>\n");
    if (lt->widths) {
        /* The layout's column proportions (the national template's), as in the PDF. */
        float total = 0;
        for (int c = 0; c < lt->ncols; c++)
            total += lt->widths[c];
        nb_buf_puts(b, "<colgroup>");
        for (int c = 0; c < lt->ncols && total > 0; c++) {
            char pct[32];
            nb_fmt_num(pct, 100.0 * lt->widths[c] / total, 2);
            nb_buf_printf(b, "<col style=\"width:%s%%\">", pct);
        }
        nb_buf_puts(b, "</colgroup>\n");
    }
    int header_rows = lt->header_rows < 0 ? 0 : lt->header_rows;
    size_t k = 0;
    for (int r = 0; r < lt->nrows; r++) {
        if (r == 0 && header_rows > 0)
            nb_buf_puts(b, "<thead>\n");
        if (r == header_rows) {
            if (header_rows > 0)
                nb_buf_puts(b, "</thead>\n");
        }
        /* A body header run (表二's block headings) starts a new row group. */
        if (r >= header_rows && !g.row_has_value[r] && (r == header_rows || g.row_has_value[r - 1]))
            nb_buf_puts(b, r > header_rows ? "</tbody>\n<tbody>\n" : "<tbody>\n");
        else if (r == header_rows)
            nb_buf_puts(b, "<tbody>\n");
        nb_buf_puts(b, "<tr>");
        for (; k < lt->ncells && order[k]->row == r; k++) {
            const nb_lcell *c = order[k];
            size_t ci = (size_t)(c - lt->cells);
            if (c->value < 0) {
                const char *scope = nb_headers_is_column(&g, c)
                                        ? (c->colspan > 1 ? "colgroup" : "col")
                                        : (c->rowspan > 1 ? "rowgroup" : "row");
                nb_buf_printf(b, "<th id=\"t%dc%zu\" scope=\"%s\"", index, ci, scope);
                put_span(b, c);
                nb_buf_puts(b, ">");
                put_text(b, c->text);
                nb_buf_puts(b, "</th>");
            } else {
                char num[48];
                const nb_slot *slot = &lt->slots[c->value];
                nb_buf_puts(b, "<td");
                put_headers_attr(b, &g, index, c);
                put_span(b, c);
                nb_buf_puts(b, ">");
                put_text(b, nb_value_text(slot, &t->values[c->value], num, sizeof num));
                nb_buf_puts(b, "</td>");
            }
        }
        nb_buf_puts(b, "</tr>\n");
    }
    if (lt->nrows > header_rows)
        nb_buf_puts(b, "</tbody>\n");
    else if (header_rows > 0)
        nb_buf_puts(b, "</thead>\n");
    nb_buf_puts(b, "</table>\n");
    free(order);
    nb_headers_free(&g);
}

/* ---- prose ---- */

static void put_block(nb_buf *b, const nb_report *r, const nb_block *blk, size_t *table_index,
                      const char *section_heading)
{
    switch (blk->kind) {
    case NB_BLOCK_PARAGRAPH:
    case NB_BLOCK_ITEM:
        put_element(b, "p", NULL, blk->text.s, blk->text.len);
        break;
    case NB_BLOCK_HEADING2:
        put_element(b, "h3", NULL, blk->text.s, blk->text.len);
        break;
    case NB_BLOCK_HEADING3:
        put_element(b, "h4", NULL, blk->text.s, blk->text.len);
        break;
    case NB_BLOCK_RUNIN:
        /* A heading run in with its paragraph: still a heading for screen readers. */
        nb_buf_puts(b, "<div class=\"runin\">");
        put_element(b, "h3", NULL, blk->lead.s, blk->lead.len);
        put_element(b, "p", NULL, blk->text.s, blk->text.len);
        nb_buf_puts(b, "</div>\n");
        break;
    case NB_BLOCK_TABLE:
        if (*table_index < r->ntables && r->tables[*table_index]) {
            put_table(b, r->tables[*table_index], (int)*table_index + 1, section_heading);
            (*table_index)++;
        }
        break;
    }
}

/* One line of the title (or all of it) with a <wbr> wherever nb_title_breaks lets the PDF's
 * title end a line. */
static void put_title_part(nb_buf *b, const nb_report *r, const char *words, const char *s,
                           size_t len)
{
    nb_text_block tb;
    nb_text_classify(&tb, s, len);
    unsigned char *ok = nb_calloc(tb.nchars ? tb.nchars : 1, 1);
    if (tb.nchars > 1)
        nb_title_breaks(&tb, words, r->agency.s, ok);
    for (size_t k = 0; k < tb.nchars; k++) {
        if (k > 0 && ok[k])
            nb_buf_puts(b, "<wbr>");
        put_escaped(b, s + tb.chars[k].offset, tb.chars[k].len);
    }
    free(ok);
    nb_text_free(&tb);
}

/* The title breaks where the PDF's may (GB/T 9704 7.3.1: words stay whole), whatever the
 * width: the heading is set with word-break: keep-all, which takes away the browser's own break
 * opportunities between Han characters, and a <wbr> marks every place nb_title_breaks allows.
 * A line break typed in the title is a <br>: the PDF breaks only there, and a browser too
 * unless a line is wider than its screen, where it still breaks between words. */
static void put_title(nb_buf *b, const nb_report *r, const char *words)
{
    const char *t = r->title_text ? r->title_text : "";
    nb_buf_puts(b, "<h1>");
    for (const char *p = t;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        put_title_part(b, r, words, p, n);
        if (!nl)
            break;
        nb_buf_puts(b, "<br>");
        p = nl + 1;
    }
    nb_buf_puts(b, "</h1>\n");
}

int nb_html_write(const nb_report *r, const char *title_words, int fragment, nb_buf *b)
{
    const nb_layout *lay = r->layout_ref;
    if (!fragment) {
        nb_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<title>");
        put_text(b, r->title_text);
        nb_buf_puts(b, "</title>\n<style>\n");
        nb_buf_puts(b, stylesheet);
        nb_buf_puts(b, "</style>\n</head>\n<body>\n<main class=\"nianbao\">\n");
    } else {
        /* For a CMS: the stylesheet scoped to .nianbao, then the article. */
        nb_buf_puts(b, "<style>\n");
        nb_buf_puts(b, stylesheet);
        nb_buf_puts(b, "</style>\n<div class=\"nianbao\" lang=\"zh-CN\">\n");
    }
    put_title(b, r, title_words);
    size_t table_index = 0;
    for (size_t i = 0; i < r->npreamble; i++)
        put_block(b, r, &r->preamble[i], &table_index, "");
    for (int s = 0; s < NB_SECTIONS; s++) {
        const nb_section *sec = &r->sections[s];
        const char *number = lay && lay->numbers[s] ? lay->numbers[s] : "";
        const char *words = sec->heading.s ? sec->heading.s
                            : lay && lay->headings[s] ? lay->headings[s] : "";
        size_t hn = strlen(number) + strlen(words) + 1;
        char *heading = nb_malloc(hn);
        snprintf(heading, hn, "%s%s", number, words);
        put_element(b, "h2", NULL, heading, strlen(heading));
        for (size_t k = 0; k < sec->nblocks; k++)
            put_block(b, r, &sec->blocks[k], &table_index, heading);
        free(heading);
    }
    if (r->signoff.s) {
        put_element(b, "p", "signoff", r->signoff.s, r->signoff.len);
        nb_buf_printf(b, "<p class=\"date\">%d年%d月%d日</p>\n", r->date_y, r->date_m, r->date_d);
    }
    nb_buf_puts(b, fragment ? "</div>\n" : "</main>\n</body>\n</html>\n");
    return NB_OK;
}
