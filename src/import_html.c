/* The HTML reader: a portal page's article as paragraphs and tables (import.h).
 *
 * libxml2's HTML parser builds the tree (it recovers from the tag soup portals serve and
 * decodes the declared charset through iconv). The page's chrome — navigation, header, footer,
 * scripts, menus, breadcrumbs, link lists — is skipped; the article body is the deepest element
 * that still holds most of the remaining text. Headings before the body (the title often sits
 * in its own block above the article) are kept. Every walk over the tree is iterative, so a
 * page nested 10,000 levels deep costs no stack. */
#include "import_build.h"
#include "module.h"

#include <errno.h>
#include <iconv.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Pages larger than this are refused: portal pages are well under 1 MiB, and libxml2's tree
 * costs about ten times the page. */
#define HTML_MAX_BYTES (8u << 20)

/* What pass 1 measures for each element (node->_private points at one). */
typedef struct elem_info {
    size_t text;  /* bytes of non-space text below, chrome excluded */
    size_t link;  /* of which inside <a> */
    int table;    /* a <table>: 0 not yet known, 1 data, 2 layout (is_layout_table) */
    int marks;    /* pass 2: what entering the element set, for leaving it to undo */
} elem_info;

enum { MARK_ENTERED = 1, MARK_BOLD = 2, MARK_HEADING = 4, MARK_BLOCK = 8 };

typedef struct html_reader {
    const char *name;
    nb_import_doc *doc;
    nb_diags *diags;
    size_t cells;
    int overflow;      /* a limit of import_build.h was reached */
    /* the paragraph being gathered */
    nb_buf para;
    size_t para_chars, para_bold_chars;
    int para_line, para_level;
    int bold_depth, level; /* inside <b>/<strong>; the innermost h1–h3 (0 outside) */
} html_reader;

static int is_name(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && !strcasecmp((const char *)n->name, name);
}

static int is_one_of(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (is_name(n, *names))
            return 1;
    return 0;
}

static int heading_level(const xmlNode *n)
{
    static const char *const h[] = {"h1", "h2", "h3", NULL};
    for (int i = 0; h[i]; i++)
        if (is_name(n, h[i]))
            return i + 1;
    return 0;
}

/* Elements whose content ends the paragraph before and after them. */
static int is_block(const xmlNode *n)
{
    static const char *const blocks[] = {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dd", "dt",
        "table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption", "blockquote", "section",
        "article", "main", "center", "pre", "body", "hr", "address", "figure", "figcaption",
        NULL};
    return is_one_of(n, blocks);
}

/* Does a class or id attribute name a piece of chrome? Tokens are split at spaces, '-' and
 * '_' and compared whole, so "nav" matches "top-nav" but not "canvas". */
static int names_chrome(const char *v)
{
    static const char *const words[] = {
        "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs",
        "footer", "foot", "header", "sidebar", "side", "share", "bdshare", "toolbar", "banner",
        "copyright", "search", "login", "position", "location", "weizhi", "dqwz", "skip",
        "related", "xgxx", "xglj", "print", "close", "fontsize", "zihao", NULL};
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == '-' || *p == '_' || *p == '\t')
            p++;
        const char *start = p;
        while (*p && *p != ' ' && *p != '-' && *p != '_' && *p != '\t')
            p++;
        size_t n = (size_t)(p - start);
        for (int i = 0; n && words[i]; i++)
            if (strlen(words[i]) == n && !strncasecmp(start, words[i], n))
                return 1;
    }
    return 0;
}

static int attr_names_chrome(const xmlNode *n, const char *attr)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
    int yes = v && names_chrome((const char *)v);
    xmlFree(v);
    return yes;
}

/* Chrome that the element's own name or attributes announce. */
static int is_static_chrome(const xmlNode *n)
{
    static const char *const never[] = {
        "head", "script", "style", "noscript", "template", "nav", "header", "footer", "aside",
        "form", "select", "option", "button", "input", "textarea", "iframe", "frame", "object",
        "embed", "svg", "map", "menu", "title", "link", "meta", NULL};
    if (n->type != XML_ELEMENT_NODE)
        return n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE;
    if (is_one_of(n, never))
        return 1;
    xmlChar *role = xmlGetProp(n, (const xmlChar *)"role");
    int chrome = role && (!strcasecmp((const char *)role, "navigation") ||
                          !strcasecmp((const char *)role, "banner") ||
                          !strcasecmp((const char *)role, "contentinfo") ||
                          !strcasecmp((const char *)role, "menu") ||
                          !strcasecmp((const char *)role, "search"));
    xmlFree(role);
    if (chrome)
        return 1;
    xmlChar *style = xmlGetProp(n, (const xmlChar *)"style");
    if (style) {
        /* display:none hides text the reader never sees */
        nb_buf squeezed = {0};
        for (const xmlChar *s = style; *s; s++)
            if (*s != ' ' && *s != '\t')
                nb_buf_put(&squeezed, s, 1);
        chrome = squeezed.data && strstr((char *)squeezed.data, "display:none") != NULL;
        nb_buf_free(&squeezed);
        xmlFree(style);
        if (chrome)
            return 1;
    }
    if (heading_level(n))
        return 0;
    return attr_names_chrome(n, "class") || attr_names_chrome(n, "id");
}

/* A list or box made mostly of links is navigation, whatever it is called. */
static int is_link_list(const xmlNode *n)
{
    static const char *const boxes[] = {"ul", "ol", "dl", "div", "table", "section", "td",
                                        "span", NULL};
    const elem_info *in = n->_private;
    return in && is_one_of(n, boxes) && in->text > 0 && in->link * 10 > in->text * 6;
}

static int is_chrome(const xmlNode *n) { return is_static_chrome(n) || is_link_list(n); }

/* The node after `n` in document order below `root`, into n's children when `descend`; calls
 * `leave` (when given) for n and every ancestor left on the way up. NULL after the last. */
static xmlNode *walk_next(xmlNode *n, xmlNode *root, int descend,
                          void (*leave)(xmlNode *, void *), void *ctx)
{
    if (descend && n->children)
        return n->children;
    for (;;) {
        if (leave)
            leave(n, ctx);
        if (n == root)
            return NULL;
        if (n->next)
            return n->next;
        n = n->parent;
    }
}

static size_t nonspace_bytes(const xmlChar *s)
{
    size_t k = 0;
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            k++;
    return k;
}

/* Adds a finished element's sizes to its parent's. */
static void add_up(xmlNode *n, void *root)
{
    if (n->type != XML_ELEMENT_NODE || n == root || !n->parent || !n->parent->_private ||
        is_static_chrome(n))
        return;
    elem_info *me = n->_private, *up = n->parent->_private;
    up->text += me->text;
    up->link += is_name(n, "a") ? me->text : me->link;
}

/* Pass 1: the text and link-text sizes of every element, chrome excluded, children first. */
static elem_info *measure(xmlNode *root, size_t *count)
{
    size_t n_elems = 0;
    for (xmlNode *n = root; n;) {
        if (n->type == XML_ELEMENT_NODE)
            n_elems++;
        n = walk_next(n, root, n->type == XML_ELEMENT_NODE, NULL, NULL);
    }
    elem_info *info = nb_calloc(n_elems ? n_elems : 1, sizeof *info);
    size_t k = 0;
    for (xmlNode *n = root; n;) {
        int descend = 0;
        if (n->type == XML_ELEMENT_NODE) {
            n->_private = &info[k++];
            descend = !is_static_chrome(n);
        } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            elem_info *up = n->parent ? n->parent->_private : NULL;
            if (up)
                up->text += nonspace_bytes(n->content);
        }
        n = walk_next(n, root, descend, add_up, root);
    }
    *count = n_elems;
    return info;
}

static int is_layout_table(xmlNode *table);

/* The article: from the body down, into the child that holds the most text while it still
 * holds 85% of the page's. */
static xmlNode *find_article(xmlNode *body)
{
    const elem_info *all = body->_private;
    xmlNode *at = body;
    for (;;) {
        xmlNode *best = NULL;
        size_t best_text = 0;
        for (xmlNode *c = at->children; c; c = c->next) {
            const elem_info *in = c->_private;
            if (c->type != XML_ELEMENT_NODE || !in || is_chrome(c))
                continue;
            if (in->text > best_text) {
                best = c;
                best_text = in->text;
            }
        }
        if (!best || best_text * 100 < all->text * 85 ||
            (is_name(best, "table") && !is_layout_table(best)) || is_name(best, "p") ||
            heading_level(best))
            return at;
        at = best;
    }
}

static nb_pos pos_of(const html_reader *r, int line) { return (nb_pos){r->name, line, 0}; }

static void overflow(html_reader *r, int line)
{
    if (!r->overflow)
        nb_diag_add(r->diags, NB_ERROR, pos_of(r, line),
                    "the page holds more than %d blocks or %d table cells; it is not read",
                    NB_IMPORT_MAX_BLOCKS, NB_IMPORT_MAX_CELLS);
    r->overflow = 1;
}

static void flush_paragraph(html_reader *r)
{
    if (r->para.len) {
        char *text = nb_import_clean((const char *)r->para.data, r->para.len);
        if (*text) {
            nb_import_block *b = nb_import_add_block(r->doc, NB_IMPORT_PARAGRAPH, r->para_line, 0);
            if (!b) {
                overflow(r, r->para_line);
                free(text);
            } else {
                b->text = text;
                b->level = r->para_level;
                b->bold = r->para_chars > 0 && r->para_bold_chars == r->para_chars;
            }
        } else {
            free(text);
        }
    }
    r->para.len = 0;
    r->para_chars = r->para_bold_chars = 0;
    r->para_line = 0;
}

static int is_bold(const xmlNode *n)
{
    if (is_name(n, "b") || is_name(n, "strong"))
        return 1;
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    xmlChar *style = xmlGetProp(n, (const xmlChar *)"style");
    int bold = 0;
    if (style) {
        const char *w = strstr((const char *)style, "font-weight");
        if (w) {
            w += strlen("font-weight");
            while (*w == ' ' || *w == ':')
                w++;
            bold = !strncasecmp(w, "bold", 4) || !strncmp(w, "700", 3) || !strncmp(w, "800", 3) ||
                   !strncmp(w, "900", 3);
        }
        xmlFree(style);
    }
    return bold;
}

static void add_text(html_reader *r, const xmlNode *n)
{
    size_t len = n->content ? strlen((const char *)n->content) : 0;
    size_t chars = nonspace_bytes(n->content);
    if (!len)
        return;
    if (chars && !r->para_line) {
        r->para_line = xmlGetLineNo(n) > 0 ? (int)xmlGetLineNo(n) : 0;
        r->para_level = r->level;
    }
    nb_buf_put(&r->para, n->content, len);
    r->para_chars += chars;
    if (r->bold_depth)
        r->para_bold_chars += chars;
}

static int span_attr(const xmlNode *n, const char *attr, int remaining)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
    if (!v)
        return 1;
    char *end;
    long k = strtol((const char *)v, &end, 10);
    xmlFree(v);
    if (k == 0 && remaining > 0) /* rowspan="0": to the end of the table */
        return remaining;
    if (k < 1)
        return 1;
    if (remaining > 0 && k > remaining)
        return remaining;
    return k > NB_IMPORT_MAX_COLSPAN ? NB_IMPORT_MAX_COLSPAN : (int)k;
}

/* The text of a cell, <br> and block ends as spaces (cleaning drops them inside Chinese). */
static void cell_text(xmlNode *cell, nb_buf *out)
{
    out->len = 0;
    for (xmlNode *n = cell; n;) {
        int descend = n->type == XML_ELEMENT_NODE && !is_static_chrome(n);
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
            nb_buf_puts(out, n->content ? (const char *)n->content : "");
        else if (is_name(n, "br") || (n != cell && is_block(n)))
            nb_buf_put(out, " ", 1);
        n = walk_next(n, cell, descend, NULL, NULL);
    }
}

/* The rows of a table: its own <tr>, directly or in thead/tbody/tfoot (not nested tables). */
static size_t table_rows(xmlNode *table, xmlNode **rows, size_t max)
{
    size_t k = 0;
    for (xmlNode *c = table->children; c; c = c->next) {
        if (is_name(c, "tr")) {
            if (rows && k < max)
                rows[k] = c;
            k++;
        } else if (is_name(c, "thead") || is_name(c, "tbody") || is_name(c, "tfoot")) {
            for (xmlNode *t = c->children; t; t = t->next)
                if (is_name(t, "tr")) {
                    if (rows && k < max)
                        rows[k] = t;
                    k++;
                }
        }
    }
    return k;
}

static int is_cell(const xmlNode *n) { return is_name(n, "td") || is_name(n, "th"); }

/* Portals lay pages out with tables: a table holding another table, or a single cell, is a
 * box to read through, not data. */
static int scan_layout_table(xmlNode *table)
{
    size_t nrows = table_rows(table, NULL, 0), ncells = 0;
    xmlNode **rows = nb_calloc(nrows ? nrows : 1, sizeof *rows);
    table_rows(table, rows, nrows);
    for (size_t i = 0; i < nrows; i++)
        for (xmlNode *c = rows[i]->children; c; c = c->next)
            if (is_cell(c))
                ncells++;
    free(rows);
    if (ncells <= 1)
        return 1;
    for (xmlNode *n = table->children; n;) {
        if (is_name(n, "table"))
            return 1;
        n = walk_next(n, table, n->type == XML_ELEMENT_NODE, NULL, NULL);
    }
    return 0;
}

static int is_layout_table(xmlNode *table)
{
    elem_info *in = table->_private;
    if (!in)
        return scan_layout_table(table);
    if (!in->table)
        in->table = scan_layout_table(table) ? 2 : 1;
    return in->table == 2;
}

static void read_table(html_reader *r, xmlNode *table)
{
    size_t nrows = table_rows(table, NULL, 0);
    if (!nrows)
        return;
    xmlNode **rows = nb_calloc(nrows, sizeof *rows);
    table_rows(table, rows, nrows);
    nb_import_block *b =
        nb_import_add_block(r->doc, NB_IMPORT_TABLE, (int)xmlGetLineNo(table), 0);
    if (!b) {
        overflow(r, (int)xmlGetLineNo(table));
        free(rows);
        return;
    }
    nb_buf text = {0};
    for (size_t i = 0; i < nrows && !r->overflow; i++) {
        nb_import_row *row = NULL;
        for (xmlNode *c = rows[i]->children; c; c = c->next) {
            if (!is_cell(c))
                continue;
            if (!row)
                row = nb_import_add_row(b);
            cell_text(c, &text);
            int line = (int)xmlGetLineNo(c);
            if (!nb_import_add_cell(row, text.data ? (const char *)text.data : "", text.len,
                                    span_attr(c, "rowspan", (int)(nrows - i)),
                                    span_attr(c, "colspan", 0), line, 0, &r->cells)) {
                overflow(r, line);
                break;
            }
        }
    }
    nb_buf_free(&text);
    free(rows);
}

static void leave_block(xmlNode *n, void *ctx)
{
    html_reader *r = ctx;
    elem_info *in = n->type == XML_ELEMENT_NODE ? n->_private : NULL;
    if (!in || !(in->marks & MARK_ENTERED))
        return;
    if (in->marks & MARK_BLOCK)
        flush_paragraph(r);
    if (in->marks & MARK_BOLD)
        r->bold_depth--;
    if (in->marks & MARK_HEADING)
        r->level = 0;
    in->marks = 0;
}

/* Pass 2: paragraphs and tables below `root`, in document order. */
static void read_blocks(html_reader *r, xmlNode *root)
{
    for (xmlNode *n = root; n && !r->overflow;) {
        int descend = 0;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            add_text(r, n);
        } else if (n->type == XML_ELEMENT_NODE && (n == root || !is_chrome(n))) {
            descend = 1;
            if (is_name(n, "br") || is_name(n, "hr")) {
                flush_paragraph(r);
            } else if (is_block(n)) {
                flush_paragraph(r);
                if (is_name(n, "table") && !is_layout_table(n)) {
                    read_table(r, n);
                    descend = 0;
                }
            }
            elem_info *in = n->_private;
            if (descend && in) {
                in->marks = MARK_ENTERED | (is_block(n) ? MARK_BLOCK : 0);
                if (is_bold(n)) {
                    r->bold_depth++;
                    in->marks |= MARK_BOLD;
                }
                if (heading_level(n)) {
                    r->level = heading_level(n);
                    in->marks |= MARK_HEADING;
                }
            }
        }
        n = walk_next(n, root, descend, leave_block, r);
    }
    flush_paragraph(r);
}

/* Headings (and "title" blocks) before the article: the page's title of the report often sits
 * above the article's own box. */
static void read_titles_before(html_reader *r, xmlNode *body, xmlNode *article)
{
    for (xmlNode *n = body; n && n != article && !r->overflow;) {
        int descend = n->type == XML_ELEMENT_NODE && (n == body || !is_chrome(n));
        int title = 0;
        if (descend && n != body) {
            xmlChar *cls = xmlGetProp(n, (const xmlChar *)"class");
            title = heading_level(n) ||
                    (cls && (!strcasecmp((const char *)cls, "title") ||
                             strstr((const char *)cls, "article-title") ||
                             strstr((const char *)cls, "art_title") ||
                             strstr((const char *)cls, "detail-title")));
            xmlFree(cls);
        }
        /* the article's ancestors are walked into, never read whole */
        int holds_article = 0;
        for (xmlNode *a = article; a; a = a->parent)
            if (a == n)
                holds_article = 1;
        if (title && !holds_article) {
            r->level = heading_level(n) ? heading_level(n) : 1;
            read_blocks(r, n);
            r->level = 0;
            descend = 0;
        }
        n = walk_next(n, body, descend, NULL, NULL);
    }
}

static xmlNode *find_body(xmlNode *root)
{
    for (xmlNode *n = root; n;) {
        if (is_name(n, "body"))
            return n;
        n = walk_next(n, root, n->type == XML_ELEMENT_NODE && !is_name(n, "head"), NULL, NULL);
    }
    return root;
}

static int is_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = nb_utf8_decode(s + i, n - i, &cp);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

static const char *find_nocase(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (!strncasecmp(s, word, n))
            return s;
    return NULL;
}

/* The charset a <meta> element declares ("charset" or http-equiv Content-Type), or NULL. */
static char *declared_charset(xmlNode *root)
{
    for (xmlNode *n = root; n;) {
        if (is_name(n, "meta")) {
            xmlChar *cs = xmlGetProp(n, (const xmlChar *)"charset");
            if (!cs) {
                xmlChar *content = xmlGetProp(n, (const xmlChar *)"content");
                const char *at = content ? find_nocase((const char *)content, "charset=") : NULL;
                if (at) {
                    at += strlen("charset=");
                    size_t k = strcspn(at, " ;\"'");
                    cs = xmlStrndup((const xmlChar *)at, (int)k);
                }
                xmlFree(content);
            }
            if (cs) {
                char *copy = nb_strdup((const char *)cs);
                xmlFree(cs);
                return copy;
            }
        }
        n = walk_next(n, root, n->type == XML_ELEMENT_NODE, NULL, NULL);
    }
    return NULL;
}

/* GB2312 pages carry GBK characters more often than not: every GB charset is read as GB18030,
 * their superset. */
static int is_gb(const char *enc)
{
    static const char *const gb[] = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936",
                                     "gb18030", "euc-cn", "x-euc-cn", NULL};
    for (int i = 0; enc && gb[i]; i++)
        if (!strcasecmp(enc, gb[i]))
            return 1;
    return 0;
}

/* The page in UTF-8: `data` itself when it is valid UTF-8, else converted with iconv from the
 * charset its <meta> declares (GB18030 for the GB family and when it declares none). Bytes the
 * charset cannot decode are dropped. Returns an owned copy or NULL (then use `data`). */
static char *to_utf8(const char *data, size_t size, size_t *out_size, int options)
{
    if (is_utf8(data, size))
        return NULL;
    const char *from = "GB18030";
    char *declared = NULL;
    if (size >= 2 && ((unsigned char)data[0] == 0xFF || (unsigned char)data[0] == 0xFE) &&
        ((unsigned char)data[1] == 0xFE || (unsigned char)data[1] == 0xFF)) {
        from = "UTF-16";
    } else {
        /* Latin-1 reads any bytes: enough to find the <meta> element */
        xmlDoc *x = htmlReadMemory(data, (int)size, NULL, "ISO-8859-1", options);
        if (x && xmlDocGetRootElement(x))
            declared = declared_charset(xmlDocGetRootElement(x));
        xmlFreeDoc(x);
        if (declared && !is_gb(declared) && strcasecmp(declared, "utf-8"))
            from = declared;
    }
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        cd = iconv_open("UTF-8", "GB18030");
    free(declared);
    if (cd == (iconv_t)-1)
        return NULL;
    nb_buf out = {0};
    char chunk[4096];
    char *in = (char *)data;
    size_t left = size;
    while (left) {
        char *o = chunk;
        size_t room = sizeof chunk;
        size_t rc = iconv(cd, &in, &left, &o, &room);
        nb_buf_put(&out, chunk, sizeof chunk - room);
        if (rc == (size_t)-1 && errno != E2BIG) {
            in++; /* an undecodable or truncated sequence: skip a byte */
            left--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
    iconv_close(cd);
    *out_size = out.len;
    return out.data ? (char *)out.data : nb_strdup("");
}

int nb_mod_read_html(const char *name, const char *data, size_t size, nb_import_doc *doc,
                     nb_diags *diags)
{
    memset(doc, 0, sizeof *doc);
    nb_pos start = {name, 1, 1};
    if (size > HTML_MAX_BYTES) {
        nb_diag_add(diags, NB_ERROR, start, "the page is larger than %u MiB; it is not read",
                    HTML_MAX_BYTES >> 20);
        return NB_EINPUT;
    }
    const int options = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                        HTML_PARSE_NOWARNING | HTML_PARSE_NOBLANKS;
    size_t utf8_size = size;
    char *utf8 = to_utf8(data, size, &utf8_size, options);
    xmlDoc *x = htmlReadMemory(utf8 ? utf8 : data, (int)utf8_size, name, "UTF-8", options);
    free(utf8);
    xmlNode *root = x ? xmlDocGetRootElement(x) : NULL;
    if (!root) {
        nb_diag_add(diags, NB_ERROR, start, "not an HTML page with any content");
        xmlFreeDoc(x);
        return NB_EINPUT;
    }
    size_t n_elems;
    elem_info *info = measure(root, &n_elems);
    xmlNode *body = find_body(root);
    xmlNode *article = body->_private ? find_article(body) : body;

    html_reader r = {.name = name, .doc = doc, .diags = diags};
    doc->file = nb_strdup(name);
    if (article != body)
        read_titles_before(&r, body, article);
    read_blocks(&r, article);
    nb_buf_free(&r.para);
    free(info);
    xmlFreeDoc(x);
    if (r.overflow) {
        nb_import_doc_clear(doc);
        return NB_EINPUT;
    }
    if (!doc->nblocks) {
        nb_diag_add(diags, NB_ERROR, start, "the page has no text outside its menus and scripts");
        nb_import_doc_clear(doc);
        return NB_EINPUT;
    }
    return NB_OK;
}

NB_MODULE_EXPORT(.import_read = nb_mod_read_html);
