/* The Word .docx reader (import.h): word/document.xml's paragraphs and tables.
 *
 * The zip is opened from memory with libzip; the three parts read (document, styles,
 * numbering) are checked for size and compression ratio before they are inflated, and never
 * inflated past the size their header states. The XML is parsed by libxml2 without entity
 * substitution or network access. Outline levels come from the paragraph or its style chain;
 * list numbers ("一、", "（一）", "1.") that Word generates from numbering.xml are rebuilt and
 * put in front of the text, as the reader of the document sees them. A table's vertically
 * merged cells (w:vMerge restart … continue) become one cell with a row span.
 *
 * Positions: line is the paragraph's number in the document (1-based, counting the
 * paragraphs inside table cells too), as document.xml's own lines mean nothing to a user; a
 * cell's col is its grid column (1-based). */
#include "import_build.h"
#include "module.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define DOCX_MAX_BYTES (32u << 20)       /* the .docx file itself */
#define DOCX_MAX_PART (16u << 20)        /* one inflated XML part */
#define DOCX_MAX_RATIO 100               /* inflated : compressed, for parts over 1 MiB */
#define DOCX_STYLE_DEPTH 16              /* basedOn chain followed this far */
#define DOCX_LEVELS 9                    /* list levels 0–8, as Word has */

static const char W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/* One list level of numbering.xml. */
typedef struct num_level {
    int start;
    char fmt[32];        /* numFmt: decimal, chineseCounting, … */
    char text[64];       /* lvlText: "%1、" */
    char suffix[16];     /* tab (default), space, nothing */
} num_level;

typedef struct num_def {
    int id;                          /* numId */
    int abstract_id;
    int start_override[DOCX_LEVELS]; /* 0: none, else start + 1 */
    int counters[DOCX_LEVELS];       /* current values; 0 = not yet used */
    int used[DOCX_LEVELS];
} num_def;

typedef struct abstract_def {
    int id;
    num_level levels[DOCX_LEVELS];
} abstract_def;

typedef struct style_def {
    char *id;
    char *based_on;
    char *name;
    int outline;      /* -1 none */
    int bold;         /* -1 unset, 0, 1 */
    double size;      /* 0 unset */
    int num_id, ilvl; /* numbering given by the style; num_id 0 none */
} style_def;

typedef struct docx_reader {
    const char *name;
    nb_import_doc *doc;
    nb_diags *diags;
    size_t cells;
    int overflow;
    int paragraphs;          /* paragraphs seen, for positions */
    style_def *styles;
    size_t nstyles;
    const style_def *default_style;
    abstract_def *abstracts;
    size_t nabstracts;
    num_def *nums;
    size_t nnums;
} docx_reader;

static int is_w(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           !strcmp((const char *)n->ns->href, W_NS) && !strcmp((const char *)n->name, name);
}

static xmlNode *child_w(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_w(c, name))
            return c;
    return NULL;
}

/* The w:val attribute (owned by libxml2; free with xmlFree), or NULL. */
static xmlChar *w_val(const xmlNode *n)
{
    return n ? xmlGetNsProp(n, (const xmlChar *)"val", (const xmlChar *)W_NS) : NULL;
}

static int w_int(const xmlNode *n, int fallback)
{
    xmlChar *v = w_val(n);
    if (!v)
        return fallback;
    long k = strtol((const char *)v, NULL, 10);
    xmlFree(v);
    return k < -1000000 ? -1000000 : k > 1000000 ? 1000000 : (int)k;
}

/* On/off properties (w:b): present means on unless w:val is 0/false/off. */
static int w_onoff(const xmlNode *n)
{
    if (!n)
        return -1;
    xmlChar *v = w_val(n);
    int on = !v || !(!strcmp((const char *)v, "0") || !strcmp((const char *)v, "false") ||
                     !strcmp((const char *)v, "off"));
    xmlFree(v);
    return on;
}

static void w_copy(const xmlNode *n, char *out, size_t size)
{
    xmlChar *v = w_val(n);
    snprintf(out, size, "%s", v ? (const char *)v : "");
    xmlFree(v);
}

/* A paragraph's position; line 0 means the whole file (1:1). */
static nb_pos pos_at(const docx_reader *r, int line)
{
    return line ? (nb_pos){r->name, line, 0} : (nb_pos){r->name, 1, 1};
}

/* ---- the zip ---------------------------------------------------------------------------- */

/* The inflated part `path`, or NULL: *missing is set when the zip has no such entry; other
 * failures are reported. */
static char *read_part(docx_reader *r, zip_t *z, const char *path, size_t *size, int *missing)
{
    *missing = 0;
    zip_stat_t st;
    zip_int64_t idx = zip_name_locate(z, path, 0);
    if (idx < 0) {
        *missing = 1;
        return NULL;
    }
    if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
        nb_diag_add(r->diags, NB_ERROR, pos_at(r, 0), "%s in the zip cannot be read", path);
        return NULL;
    }
    if (st.size > DOCX_MAX_PART) {
        nb_diag_add(r->diags, NB_ERROR, pos_at(r, 0),
                    "%s inflates to %llu bytes, more than the %u MiB a report's part may have",
                    path, (unsigned long long)st.size, DOCX_MAX_PART >> 20);
        return NULL;
    }
    if (st.size > (1u << 20) && st.size / (st.comp_size ? st.comp_size : 1) > DOCX_MAX_RATIO) {
        nb_diag_add(r->diags, NB_ERROR, pos_at(r, 0),
                    "%s is compressed more than %d:1 (%llu bytes from %llu); it is not inflated",
                    path, DOCX_MAX_RATIO, (unsigned long long)st.size,
                    (unsigned long long)st.comp_size);
        return NULL;
    }
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
    if (!f) {
        nb_diag_add(r->diags, NB_ERROR, pos_at(r, 0), "%s cannot be opened: %s", path,
                    zip_strerror(z));
        return NULL;
    }
    /* one byte more than stated, to catch a part that inflates past its header */
    char *buf = nb_malloc((size_t)st.size + 2);
    size_t got = 0;
    int failed = 0;
    while (got < (size_t)st.size + 1) {
        zip_int64_t n = zip_fread(f, buf + got, (size_t)st.size + 1 - got);
        if (n < 0) {
            failed = 1;
            break;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (failed || got != (size_t)st.size) {
        nb_diag_add(r->diags, NB_ERROR, pos_at(r, 0), "%s is damaged: %s", path,
                    failed ? zip_file_strerror(f) : "its size differs from its header");
        zip_fclose(f);
        free(buf);
        return NULL;
    }
    zip_fclose(f);
    buf[got] = 0;
    *size = got;
    return buf;
}

static xmlDoc *parse_part(docx_reader *r, const char *path, const char *data, size_t size)
{
    /* no XML_PARSE_NOENT (no entity substitution), no DTD loading, no network */
    xmlDoc *x = xmlReadMemory(data, (int)size, path, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                  XML_PARSE_NOCDATA);
    if (!x || !xmlDocGetRootElement(x)) {
        nb_diag_add(r->diags, NB_ERROR, pos_at(r, 0), "%s is not well-formed XML", path);
        xmlFreeDoc(x);
        return NULL;
    }
    return x;
}

/* ---- styles.xml and numbering.xml ------------------------------------------------------- */

static void read_styles(docx_reader *r, xmlNode *root)
{
    size_t cap = 0, default_index = 0;
    for (xmlNode *s = root->children; s; s = s->next) {
        if (!is_w(s, "style"))
            continue;
        xmlChar *id = xmlGetNsProp(s, (const xmlChar *)"styleId", (const xmlChar *)W_NS);
        if (!id)
            continue;
        nb_grow(&r->styles, &cap, r->nstyles + 1, sizeof *r->styles);
        style_def *d = &r->styles[r->nstyles++];
        memset(d, 0, sizeof *d);
        d->id = nb_strdup((const char *)id);
        xmlFree(id);
        xmlChar *v = w_val(child_w(s, "basedOn"));
        d->based_on = v ? nb_strdup((const char *)v) : NULL;
        xmlFree(v);
        v = w_val(child_w(s, "name"));
        d->name = v ? nb_strdup((const char *)v) : NULL;
        xmlFree(v);
        xmlNode *ppr = child_w(s, "pPr"), *rpr = child_w(s, "rPr");
        d->outline = w_int(child_w(ppr, "outlineLvl"), -1);
        d->bold = w_onoff(child_w(rpr, "b"));
        d->size = w_int(child_w(rpr, "sz"), 0) / 2.0;
        xmlNode *numpr = child_w(ppr, "numPr");
        d->num_id = w_int(child_w(numpr, "numId"), 0);
        d->ilvl = w_int(child_w(numpr, "ilvl"), 0);
        xmlChar *def = xmlGetNsProp(s, (const xmlChar *)"default", (const xmlChar *)W_NS);
        xmlChar *type = xmlGetNsProp(s, (const xmlChar *)"type", (const xmlChar *)W_NS);
        if (def && type && !strcmp((const char *)type, "paragraph") &&
            (!strcmp((const char *)def, "1") || !strcmp((const char *)def, "true")))
            default_index = r->nstyles; /* 1-based: the array may still move */
        xmlFree(def);
        xmlFree(type);
    }
    r->default_style = default_index ? &r->styles[default_index - 1] : NULL;
}

static const style_def *find_style(const docx_reader *r, const char *id)
{
    for (size_t i = 0; id && i < r->nstyles; i++)
        if (!strcmp(r->styles[i].id, id))
            return &r->styles[i];
    return NULL;
}

/* What a paragraph style says, following basedOn. */
typedef struct style_props {
    int outline, bold, num_id, ilvl, title;
    double size;
} style_props;

static int heading_name_level(const char *name)
{
    /* Word's built-in names, whatever the UI language shows: "heading 1", "Title" */
    if (!name)
        return -1;
    if (!strncasecmp(name, "heading ", 8) && name[8] >= '1' && name[8] <= '9' && !name[9])
        return name[8] - '1';
    return -1;
}

static style_props style_chain(const docx_reader *r, const char *id)
{
    style_props p = {.outline = -1, .bold = -1, .num_id = -1, .ilvl = 0};
    const style_def *s = id ? find_style(r, id) : r->default_style;
    for (int depth = 0; s && depth < DOCX_STYLE_DEPTH; depth++) {
        if (p.outline < 0)
            p.outline = s->outline >= 0 ? s->outline : heading_name_level(s->name);
        if (p.bold < 0)
            p.bold = s->bold;
        if (!p.size)
            p.size = s->size;
        if (p.num_id < 0 && s->num_id) {
            p.num_id = s->num_id;
            p.ilvl = s->ilvl;
        }
        if (s->name && (!strcasecmp(s->name, "Title") || !strcmp(s->name, "标题")))
            p.title = 1;
        s = find_style(r, s->based_on);
    }
    if (!p.size && r->default_style && r->default_style->size)
        p.size = r->default_style->size;
    return p;
}

static void read_numbering(docx_reader *r, xmlNode *root)
{
    size_t acap = 0, ncap = 0;
    for (xmlNode *a = root->children; a; a = a->next) {
        if (is_w(a, "abstractNum")) {
            nb_grow(&r->abstracts, &acap, r->nabstracts + 1, sizeof *r->abstracts);
            abstract_def *d = &r->abstracts[r->nabstracts++];
            memset(d, 0, sizeof *d);
            xmlChar *id = xmlGetNsProp(a, (const xmlChar *)"abstractNumId",
                                       (const xmlChar *)W_NS);
            d->id = id ? atoi((const char *)id) : -1;
            xmlFree(id);
            for (int i = 0; i < DOCX_LEVELS; i++) {
                d->levels[i].start = 1;
                strcpy(d->levels[i].fmt, "decimal");
                strcpy(d->levels[i].suffix, "tab");
            }
            for (xmlNode *l = a->children; l; l = l->next) {
                if (!is_w(l, "lvl"))
                    continue;
                xmlChar *il = xmlGetNsProp(l, (const xmlChar *)"ilvl", (const xmlChar *)W_NS);
                int i = il ? atoi((const char *)il) : -1;
                xmlFree(il);
                if (i < 0 || i >= DOCX_LEVELS)
                    continue;
                num_level *lv = &d->levels[i];
                lv->start = w_int(child_w(l, "start"), 1);
                if (child_w(l, "numFmt"))
                    w_copy(child_w(l, "numFmt"), lv->fmt, sizeof lv->fmt);
                w_copy(child_w(l, "lvlText"), lv->text, sizeof lv->text);
                if (child_w(l, "suff"))
                    w_copy(child_w(l, "suff"), lv->suffix, sizeof lv->suffix);
            }
        } else if (is_w(a, "num")) {
            nb_grow(&r->nums, &ncap, r->nnums + 1, sizeof *r->nums);
            num_def *d = &r->nums[r->nnums++];
            memset(d, 0, sizeof *d);
            xmlChar *id = xmlGetNsProp(a, (const xmlChar *)"numId", (const xmlChar *)W_NS);
            d->id = id ? atoi((const char *)id) : -1;
            xmlFree(id);
            d->abstract_id = w_int(child_w(a, "abstractNumId"), -1);
            for (xmlNode *o = a->children; o; o = o->next) {
                if (!is_w(o, "lvlOverride"))
                    continue;
                xmlChar *il = xmlGetNsProp(o, (const xmlChar *)"ilvl", (const xmlChar *)W_NS);
                int i = il ? atoi((const char *)il) : -1;
                xmlFree(il);
                xmlNode *so = child_w(o, "startOverride");
                if (i >= 0 && i < DOCX_LEVELS && so)
                    d->start_override[i] = w_int(so, 1) + 1;
            }
        }
    }
}

static const char *const cn_digits[] = {"零", "一", "二", "三", "四", "五",
                                        "六", "七", "八", "九"};

/* 1–99 in Chinese counting: 一 … 十 十一 … 二十 … 九十九; beyond, digit by digit. */
static void chinese_number(int n, nb_buf *out)
{
    if (n <= 0) {
        nb_buf_puts(out, cn_digits[0]);
    } else if (n < 10) {
        nb_buf_puts(out, cn_digits[n]);
    } else if (n < 100) {
        if (n / 10 > 1)
            nb_buf_puts(out, cn_digits[n / 10]);
        nb_buf_puts(out, "十");
        if (n % 10)
            nb_buf_puts(out, cn_digits[n % 10]);
    } else {
        char digits[16];
        snprintf(digits, sizeof digits, "%d", n);
        for (const char *d = digits; *d; d++)
            nb_buf_puts(out, cn_digits[*d - '0']);
    }
}

static void format_counter(const char *fmt, int n, nb_buf *out)
{
    char tmp[32];
    if (!strcmp(fmt, "chineseCounting") || !strcmp(fmt, "chineseCountingThousand") ||
        !strcmp(fmt, "chineseLegalSimplified") || !strcmp(fmt, "ideographDigital") ||
        !strcmp(fmt, "japaneseCounting") || !strcmp(fmt, "taiwaneseCounting")) {
        chinese_number(n, out);
    } else if (!strcmp(fmt, "ideographTraditional") && n >= 1 && n <= 10) {
        static const char *const stems[] = {"甲", "乙", "丙", "丁", "戊",
                                            "己", "庚", "辛", "壬", "癸"};
        nb_buf_puts(out, stems[n - 1]);
    } else if (!strcmp(fmt, "decimalEnclosedCircle") || !strcmp(fmt, "decimalEnclosedCircleChinese")) {
        char u[4];
        if (n >= 1 && n <= 20)
            nb_buf_put(out, u, nb_utf8_encode(0x2460 + (uint32_t)(n - 1), u));
        else
            nb_buf_printf(out, "%d", n);
    } else if (!strcmp(fmt, "decimalFullWidth") || !strcmp(fmt, "decimalFullWidth2")) {
        snprintf(tmp, sizeof tmp, "%d", n);
        for (const char *d = tmp; *d; d++) {
            char u[4];
            nb_buf_put(out, u, nb_utf8_encode(0xFF10 + (uint32_t)(*d - '0'), u));
        }
    } else if ((!strcmp(fmt, "lowerLetter") || !strcmp(fmt, "upperLetter")) && n >= 1) {
        char c = (char)((fmt[0] == 'l' ? 'a' : 'A') + (n - 1) % 26);
        for (int k = 0; k <= (n - 1) / 26 && k < 8; k++)
            nb_buf_put(out, &c, 1);
    } else if ((!strcmp(fmt, "lowerRoman") || !strcmp(fmt, "upperRoman")) && n >= 1 && n < 4000) {
        static const int val[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
        static const char *const up[] = {"M", "CM", "D", "CD", "C", "XC", "L", "XL",
                                         "X", "IX", "V", "IV", "I"};
        static const char *const lo[] = {"m", "cm", "d", "cd", "c", "xc", "l", "xl",
                                         "x", "ix", "v", "iv", "i"};
        for (int i = 0; i < 13; i++)
            for (; n >= val[i]; n -= val[i])
                nb_buf_puts(out, fmt[0] == 'l' ? lo[i] : up[i]);
    } else if (!strcmp(fmt, "none") || !strcmp(fmt, "bullet")) {
        /* nothing: a bullet's lvlText is its glyph */
    } else {
        nb_buf_printf(out, "%d", n);
    }
}

/* The number Word shows in front of a paragraph with numId/ilvl, appended to `out`, counting
 * it. Nothing for an unknown list. */
static void list_number(docx_reader *r, int num_id, int ilvl, nb_buf *out)
{
    if (num_id <= 0 || ilvl < 0 || ilvl >= DOCX_LEVELS)
        return;
    num_def *num = NULL;
    for (size_t i = 0; i < r->nnums && !num; i++)
        if (r->nums[i].id == num_id)
            num = &r->nums[i];
    const abstract_def *abs = NULL;
    for (size_t i = 0; num && i < r->nabstracts && !abs; i++)
        if (r->abstracts[i].id == num->abstract_id)
            abs = &r->abstracts[i];
    if (!abs)
        return;
    for (int l = 0; l < ilvl; l++)
        if (!num->used[l]) { /* a level used before its parents counts them as at their start */
            num->counters[l] = num->start_override[l] ? num->start_override[l] - 1
                                                      : abs->levels[l].start;
            num->used[l] = 1;
        }
    if (!num->used[ilvl])
        num->counters[ilvl] = num->start_override[ilvl] ? num->start_override[ilvl] - 1
                                                        : abs->levels[ilvl].start;
    else if (num->counters[ilvl] < 1000000)
        num->counters[ilvl]++;
    num->used[ilvl] = 1;
    for (int l = ilvl + 1; l < DOCX_LEVELS; l++)
        num->used[l] = 0; /* deeper levels restart */
    const num_level *lv = &abs->levels[ilvl];
    for (const char *t = lv->text; *t; t++) {
        if (t[0] == '%' && t[1] >= '1' && t[1] <= '9') {
            int l = t[1] - '1';
            format_counter(abs->levels[l].fmt, num->counters[l], out);
            t++;
        } else {
            nb_buf_put(out, t, 1);
        }
    }
    if (strcmp(lv->suffix, "nothing"))
        nb_buf_put(out, " ", 1);
}

/* ---- document.xml ----------------------------------------------------------------------- */

/* The visible text below `n` (runs, hyperlinks, insertions, fields' results, nested tables),
 * appended to `out`; deleted text and field instructions are skipped. Counts the bold and all
 * characters of runs for the paragraph's bold flag, and takes the first run's size. */
typedef struct run_stats {
    size_t chars, bold_chars;
    double size;
} run_stats;

static void run_text(const xmlNode *top, nb_buf *out, run_stats *st, int style_bold,
                     double style_size)
{
    for (const xmlNode *n = top->children; n;) {
        int descend = n->type == XML_ELEMENT_NODE && !is_w(n, "del") && !is_w(n, "instrText") &&
                      !is_w(n, "delText") && !is_w(n, "pPr") && !is_w(n, "rPr") &&
                      !is_w(n, "tcPr") && !is_w(n, "trPr") && !is_w(n, "tblPr");
        if (is_w(n, "t") && n->parent && is_w(n->parent, "r") &&
            w_onoff(child_w(child_w(n->parent, "rPr"), "vanish")) > 0) {
            descend = 0; /* hidden text: Word does not show it */
        } else if (is_w(n, "t") && n->parent && is_w(n->parent, "r")) {
            xmlChar *t = xmlNodeGetContent(n);
            size_t len = t ? strlen((const char *)t) : 0;
            nb_buf_put(out, t, len);
            const xmlNode *rpr = child_w(n->parent, "rPr");
            int bold = w_onoff(child_w(rpr, "b"));
            if (bold < 0)
                bold = style_bold > 0;
            double size = w_int(child_w(rpr, "sz"), 0) / 2.0;
            if (!st->size && len)
                st->size = size ? size : style_size;
            st->chars += len;
            if (bold)
                st->bold_chars += len;
            xmlFree(t);
            descend = 0;
        } else if (is_w(n, "tab") || is_w(n, "br") || is_w(n, "cr")) {
            nb_buf_put(out, " ", 1);
        } else if (is_w(n, "p") && n != top) {
            nb_buf_put(out, " ", 1); /* paragraphs of a nested table */
        }
        if (descend && n->children) {
            n = n->children;
            continue;
        }
        while (n != top && !n->next)
            n = n->parent;
        n = n == top ? NULL : n->next;
    }
}

/* A paragraph's text with its list number in front; its level, bold and size. */
static char *paragraph_text(docx_reader *r, const xmlNode *p, int *level, int *bold,
                            double *size)
{
    const xmlNode *ppr = child_w(p, "pPr");
    xmlChar *sid = w_val(child_w(ppr, "pStyle"));
    style_props sp = style_chain(r, (const char *)sid);
    xmlFree(sid);
    int outline = w_int(child_w(ppr, "outlineLvl"), sp.outline);
    const xmlNode *numpr = child_w(ppr, "numPr");
    int num_id = numpr ? w_int(child_w(numpr, "numId"), 0) : sp.num_id;
    int ilvl = numpr && child_w(numpr, "ilvl") ? w_int(child_w(numpr, "ilvl"), 0) : sp.ilvl;

    nb_buf raw = {0};
    run_stats st = {0};
    nb_buf body = {0};
    run_text(p, &body, &st, sp.bold, sp.size);
    char *clean_body = nb_import_clean(body.data ? (const char *)body.data : "", body.len);
    nb_buf_free(&body);
    if (*clean_body) /* Word numbers only paragraphs that show something */
        list_number(r, num_id, ilvl, &raw);
    nb_buf_puts(&raw, clean_body);
    free(clean_body);
    char *text = nb_import_clean(raw.data ? (const char *)raw.data : "", raw.len);
    nb_buf_free(&raw);
    *level = sp.title ? 1 : outline == 0 ? 2 : outline == 1 ? 3 : 0;
    *bold = st.chars > 0 && st.bold_chars == st.chars;
    *size = st.size;
    return text;
}

static void overflow(docx_reader *r, int line)
{
    if (!r->overflow)
        nb_diag_add(r->diags, NB_ERROR, pos_at(r, line),
                    "the document holds more than %d blocks or %d table cells; it is not read",
                    NB_IMPORT_MAX_BLOCKS, NB_IMPORT_MAX_CELLS);
    r->overflow = 1;
}

static int count_paragraphs(const xmlNode *top)
{
    int k = 0;
    for (const xmlNode *n = top->children; n;) {
        if (is_w(n, "p"))
            k++;
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n != top && !n->next)
            n = n->parent;
        n = n == top ? NULL : n->next;
    }
    return k;
}

/* An open vertical merge: the cell that started it, by row and cell index. */
typedef struct vmerge {
    size_t row, cell;
    int open;
} vmerge;

static void read_table(docx_reader *r, const xmlNode *tbl)
{
    int first_line = r->paragraphs + 1;
    nb_import_block *b = nb_import_add_block(r->doc, NB_IMPORT_TABLE, first_line, 0);
    if (!b) {
        overflow(r, first_line);
        return;
    }
    vmerge *open = NULL;
    size_t nopen = 0;
    for (const xmlNode *tr = tbl->children; tr && !r->overflow; tr = tr->next) {
        if (!is_w(tr, "tr"))
            continue;
        nb_import_row *row = NULL;
        size_t row_index = b->nrows;
        size_t col = (size_t)w_int(child_w(child_w(tr, "trPr"), "gridBefore"), 0);
        if (col > NB_IMPORT_MAX_COLSPAN)
            col = NB_IMPORT_MAX_COLSPAN;
        for (const xmlNode *tc = tr->children; tc; tc = tc->next) {
            if (is_w(tc, "sdt")) /* a content control around cells */
                tc = child_w(tc, "sdtContent") ? child_w(tc, "sdtContent")->children : tc;
            if (!tc || !is_w(tc, "tc"))
                continue;
            const xmlNode *tcpr = child_w(tc, "tcPr");
            int span = w_int(child_w(tcpr, "gridSpan"), 1);
            span = span < 1 ? 1 : span > NB_IMPORT_MAX_COLSPAN ? NB_IMPORT_MAX_COLSPAN : span;
            const xmlNode *vm = child_w(tcpr, "vMerge");
            xmlChar *vmv = w_val(vm);
            int restart = vm && vmv && !strcmp((const char *)vmv, "restart");
            int cont = vm && !restart;
            xmlFree(vmv);
            int cell_line = r->paragraphs + 1;
            r->paragraphs += count_paragraphs(tc);
            if (col + (size_t)span > nopen) {
                size_t need = col + (size_t)span;
                open = nb_realloc(open, need * sizeof *open);
                memset(open + nopen, 0, (need - nopen) * sizeof *open);
                nopen = need;
            }
            if (cont && open[col].open) {
                vmerge *m = &open[col];
                b->rows[m->row].cells[m->cell].rowspan++;
                col += (size_t)span;
                continue;
            }
            if (!row)
                row = nb_import_add_row(b);
            nb_buf numbered = {0};
            for (const xmlNode *p = tc->children; p; p = p->next) {
                if (!is_w(p, "p"))
                    continue;
                int lv, bd;
                double sz;
                char *t = paragraph_text(r, p, &lv, &bd, &sz);
                if (numbered.len)
                    nb_buf_put(&numbered, " ", 1);
                nb_buf_puts(&numbered, t);
                free(t);
            }
            /* nested tables' text (not in the cell's own paragraphs) is kept after them */
            for (const xmlNode *t = tc->children; t; t = t->next)
                if (is_w(t, "tbl")) {
                    nb_buf inner = {0};
                    run_stats ist = {0};
                    run_text(t, &inner, &ist, 0, 0);
                    nb_buf_put(&numbered, " ", 1);
                    if (inner.len)
                        nb_buf_put(&numbered, inner.data, inner.len);
                    nb_buf_free(&inner);
                }
            const char *cell_src = numbered.data ? (const char *)numbered.data : "";
            nb_import_cell *cell = nb_import_add_cell(row, cell_src, numbered.len, 1, span,
                                                      cell_line, (int)col + 1, &r->cells);
            nb_buf_free(&numbered);
            if (!cell) {
                overflow(r, cell_line);
                break;
            }
            for (int k = 0; k < span; k++)
                open[col + (size_t)k].open = 0;
            if (restart) {
                open[col].open = 1;
                open[col].row = row_index;
                open[col].cell = row->ncells - 1;
            }
            col += (size_t)span;
        }
    }
    free(open);
}

static void read_paragraph(docx_reader *r, const xmlNode *p)
{
    int line = ++r->paragraphs;
    int level, bold;
    double size;
    char *text = paragraph_text(r, p, &level, &bold, &size);
    if (!*text) {
        free(text);
        return;
    }
    nb_import_block *b = nb_import_add_block(r->doc, NB_IMPORT_PARAGRAPH, line, 0);
    if (!b) {
        free(text);
        overflow(r, line);
        return;
    }
    b->text = text;
    b->level = level;
    b->bold = bold;
    b->size = size;
}

/* The body's paragraphs and tables in order; content controls (w:sdt) and custom XML are
 * looked into. */
static void read_body(docx_reader *r, const xmlNode *body)
{
    for (const xmlNode *n = body->children; n && !r->overflow;) {
        int descend = 0;
        if (is_w(n, "p"))
            read_paragraph(r, n);
        else if (is_w(n, "tbl"))
            read_table(r, n);
        else if (is_w(n, "sdt") || is_w(n, "sdtContent") || is_w(n, "customXml") ||
                 is_w(n, "ins") || is_w(n, "smartTag"))
            descend = 1;
        if (descend && n->children) {
            n = n->children;
            continue;
        }
        while (n != body && !n->next)
            n = n->parent;
        n = n == body ? NULL : n->next;
    }
}

static void free_reader(docx_reader *r)
{
    for (size_t i = 0; i < r->nstyles; i++) {
        free(r->styles[i].id);
        free(r->styles[i].based_on);
        free(r->styles[i].name);
    }
    free(r->styles);
    free(r->abstracts);
    free(r->nums);
}

/* Reads an optional part (styles, numbering) into `fn`; a damaged one is an error. */
static int read_optional(docx_reader *r, zip_t *z, const char *path,
                         void (*fn)(docx_reader *, xmlNode *))
{
    size_t size;
    int missing;
    char *data = read_part(r, z, path, &size, &missing);
    if (!data)
        return missing ? 0 : -1;
    xmlDoc *x = parse_part(r, path, data, size);
    free(data);
    if (!x)
        return -1;
    fn(r, xmlDocGetRootElement(x));
    xmlFreeDoc(x);
    return 0;
}

int nb_mod_read_docx(const char *name, const char *data, size_t size, nb_import_doc *doc,
                     nb_diags *diags)
{
    memset(doc, 0, sizeof *doc);
    docx_reader r = {.name = name, .doc = doc, .diags = diags};
    if (size > DOCX_MAX_BYTES) {
        nb_diag_add(diags, NB_ERROR, pos_at(&r, 0),
                    "the file is larger than %u MiB; it is not read", DOCX_MAX_BYTES >> 20);
        return NB_EINPUT;
    }
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, size, 0, &zerr);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr) : NULL;
    if (!z) {
        nb_diag_add(diags, NB_ERROR, pos_at(&r, 0), "not a Word .docx file (a zip): %s",
                    zip_error_strerror(&zerr));
        zip_error_fini(&zerr);
        if (src)
            zip_source_free(src);
        return NB_EINPUT;
    }
    zip_error_fini(&zerr);
    int failed = read_optional(&r, z, "word/styles.xml", read_styles) != 0 ||
                 read_optional(&r, z, "word/numbering.xml", read_numbering) != 0;
    size_t dsize = 0;
    int missing = 0;
    char *xml = failed ? NULL : read_part(&r, z, "word/document.xml", &dsize, &missing);
    zip_discard(z); /* also frees src */
    if (missing)
        nb_diag_add(diags, NB_ERROR, pos_at(&r, 0),
                    "a zip without word/document.xml: not a Word .docx file");
    xmlDoc *x = xml ? parse_part(&r, "word/document.xml", xml, dsize) : NULL;
    free(xml);
    const xmlNode *body = x ? child_w(xmlDocGetRootElement(x), "body") : NULL;
    if (x && !body)
        nb_diag_add(diags, NB_ERROR, pos_at(&r, 0), "word/document.xml has no w:body");
    if (body) {
        doc->file = nb_strdup(name);
        read_body(&r, body);
    }
    xmlFreeDoc(x);
    free_reader(&r);
    if (!body || r.overflow) {
        nb_import_doc_clear(doc);
        return NB_EINPUT;
    }
    if (!doc->nblocks) {
        nb_diag_add(diags, NB_ERROR, pos_at(&r, 0), "the document has no text");
        nb_import_doc_clear(doc);
        return NB_EINPUT;
    }
    return NB_OK;
}

NB_MODULE_EXPORT(.import_read = nb_mod_read_docx);
