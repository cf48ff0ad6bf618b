/* The recognizer: an nb_import_doc (what a source reader saw) → a report description (YAML),
 * plus what could not be placed, reported with the source's positions. Also the dispatcher that
 * picks a reader for a file, and the import-in-memory used by check, render and batch.
 *
 * What it knows of a report (FORMAT.md): title lines naming the agency and the year, an
 * optional preamble, the six headings 一、…六、, second-level headings （一） (alone on their
 * line, or run in with their paragraph up to the first 。), "1." items, the three tables, and
 * an optional 落款 (agency and date) at the end. Tables are matched row by row against every
 * candidate layout's labels (edit distance on normalised labels, so misspellings, ASCII "(一)"
 * and "1、" numbering still match); the layout whose labels and value counts fit best wins. */
#include "import.h"
#include "engine.h"
#include "layout.h"
#include "report.h"
#include "util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The layouts a published report may follow, in order of preference when two fit equally. */
static const char *const candidate_layouts[] = {"gov-2021", "gov-2021-no-other",
                                                "gov-2021-other-merged", "gov-2019"};
#define NCANDIDATES (sizeof candidate_layouts / sizeof *candidate_layouts)

#define MAX_CP NB_LEVENSHTEIN_MAX /* labels compared by edit distance are cut to this many characters */

/* ---- characters -------------------------------------------------------------------------- */

static int is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF) || c == 0x201C ||
           c == 0x201D || c == 0x2018 || c == 0x2019 || c == 0x2014 || c == 0x2026 ||
           (c >= 0x3000 && c <= 0x303F);
}

static int is_space_cp(uint32_t c) { return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0; }

/* Decodes s into at most max code points; returns their number. */
static size_t to_cps(const char *s, uint32_t *out, size_t max)
{
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len && n < max;) {
        uint32_t c;
        size_t k = nb_utf8_decode(s + i, len - i, &c);
        if (!k)
            break;
        out[n++] = c;
        i += k;
    }
    return n;
}

static size_t cp_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Levenshtein distance on code points (labels are Chinese: bytes would triple the cost of a
 * misspelt character). */
static size_t cp_distance(const char *a, const char *b)
{
    uint32_t A[MAX_CP], B[MAX_CP];
    size_t la = to_cps(a, A, MAX_CP), lb = to_cps(b, B, MAX_CP);
    return nb_levenshtein(A, la, B, lb);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *const cn_numerals[] = {"一", "二", "三", "四", "五", "六", "七",
                                          "八", "九", "十"};

/* A Chinese numeral 一…十 at s: returns its value (1–10) and its byte length in *len, or 0. */
static int cn_numeral(const char *s, size_t *len)
{
    for (int i = 0; i < 10; i++)
        if (starts_with(s, cn_numerals[i])) {
            *len = strlen(cn_numerals[i]);
            return i + 1;
        }
    return 0;
}

/* A label as compared: full-width parentheses, no spaces, ASCII digits, "1." numbering,
 * ASCII quotes as the curly ones. Caller frees. */
static char *norm_label(const char *s)
{
    nb_buf b = {0};
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t k = nb_utf8_decode(s + i, n - i, &c);
        if (!k) {
            i++;
            continue;
        }
        i += k;
        if (is_space_cp(c))
            continue;
        if (c == '(')
            c = 0xFF08;
        else if (c == ')')
            c = 0xFF09;
        else if (c >= 0xFF10 && c <= 0xFF19)
            c = '0' + (c - 0xFF10);
        else if (c == 0x3001 || c == 0xFF0E) {
            /* "1、" and "1．" number an item like "1.": only after a digit */
            if (b.len && b.data[b.len - 1] >= '0' && b.data[b.len - 1] <= '9')
                c = '.';
        } else if (c == '"')
            c = 0x201C;
        char u[4];
        nb_buf_put(&b, u, nb_utf8_encode(c, u));
    }
    nb_buf_put(&b, "", 1);
    return (char *)b.data;
}

/* Prose as the report writes it: runs of blanks become one space, and a blank next to a CJK
 * character goes (the typesetter adds the gap between Chinese and Latin or digits itself);
 * a leading "(一)" becomes "（一）", and the blank after a "1." or "（一）" number goes. */
static char *clean_prose(const char *s)
{
    size_t n = strlen(s);
    uint32_t *cp = nb_malloc((n + 1) * sizeof *cp);
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t k = nb_utf8_decode(s + i, n - i, &c);
        if (!k) {
            i++;
            continue;
        }
        i += k;
        cp[m++] = is_space_cp(c) ? ' ' : c;
    }
    /* "- 1.…", "• …": a bullet the extraction added before an item. */
    size_t start = 0;
    while (start < m && cp[start] == ' ')
        start++;
    if (start + 1 < m && (cp[start] == '-' || cp[start] == 0x2022 || cp[start] == 0x00B7) &&
        cp[start + 1] == ' ')
        start += 2;
    /* "(一)" → "（一）" at the start. */
    if (start + 2 < m && cp[start] == '(') {
        size_t j = start + 1;
        while (j < m && j < start + 4 && cp[j] != ')')
            j++;
        if (j < m && cp[j] == ')' && j > start + 1) {
            int numeral = 1;
            for (size_t q = start + 1; q < j; q++) {
                char u[4];
                size_t ul = nb_utf8_encode(cp[q], u);
                size_t l2;
                u[ul < 4 ? ul : 3] = 0;
                if (!cn_numeral(u, &l2))
                    numeral = 0;
            }
            if (numeral) {
                cp[start] = 0xFF08;
                cp[j] = 0xFF09;
            }
        }
    }
    nb_buf b = {0};
    for (size_t i = start; i < m; i++) {
        uint32_t c = cp[i];
        if (c == ' ') {
            size_t j = i;
            while (j < m && cp[j] == ' ')
                j++;
            int at_end = j == m || b.len == 0;
            uint32_t before = 0;
            if (b.len) { /* the last character written */
                size_t k = b.len - 1;
                while (k > 0 && (b.data[k] & 0xC0) == 0x80)
                    k--;
                nb_utf8_decode((const char *)b.data + k, b.len - k, &before);
            }
            uint32_t after = j < m ? cp[j] : 0;
            /* after a leading number "1." or "（一）" */
            int after_number = (before == '.' || before == 0xFF09 || before == 0x3001) &&
                               i - start <= 5;
            if (!at_end && !is_cjk(before) && !is_cjk(after) && !after_number)
                nb_buf_put(&b, " ", 1);
            i = j - 1;
            continue;
        }
        char u[4];
        nb_buf_put(&b, u, nb_utf8_encode(c, u));
    }
    nb_buf_put(&b, "", 1);
    free(cp);
    return (char *)b.data;
}

/* ---- the YAML writer, with a map from its positions to the source's --------------------- */

typedef struct map_entry {
    int yline, ycol; /* where a scalar starts in the YAML */
    int sline, scol; /* where it came from in the source */
    int text;        /* a text: columns inside it advance with the source's */
} map_entry;

struct nb_import_map {
    char *file;      /* owned: the source's name */
    int pages;       /* positions are page numbers */
    map_entry *e;    /* owned, in YAML order */
    size_t n, cap;
};

typedef struct ywriter {
    nb_buf b;
    int line, col; /* of the next character */
    nb_import_map *map;
} ywriter;

static void w_put(ywriter *w, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '\n') {
            w->line++;
            w->col = 1;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            w->col++;
        }
    }
    nb_buf_puts(&w->b, s);
}

static void w_printf(ywriter *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void w_printf(ywriter *w, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    w_put(w, tmp);
}

static void w_mark(ywriter *w, int sline, int scol, int text)
{
    nb_import_map *m = w->map;
    if (!m || sline <= 0)
        return;
    nb_grow(&m->e, &m->cap, m->n + 1, sizeof *m->e);
    m->e[m->n++] = (map_entry){w->line, w->col, sline, scol > 0 ? scol : 1, text};
}

/* Whether a text can be written as a plain YAML scalar and read back unchanged. */
static int plain_ok(const char *s, int flow)
{
    if (!*s)
        return 0;
    if (strchr("-?:,[]{}#&*!|>'\"%@` ", *s))
        return 0;
    size_t n = strlen(s);
    if (s[n - 1] == ' ' || s[n - 1] == ':')
        return 0;
    if (strstr(s, ": ") || strstr(s, " #") || strchr(s, '\t') || strchr(s, '\n'))
        return 0;
    if (flow && strpbrk(s, ",[]{}"))
        return 0;
    /* YAML 1.1 would read these as numbers, booleans or null. */
    int ascii = 1;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p >= 0x80)
            ascii = 0;
    if (ascii) {
        static const char *const words[] = {"y", "n", "yes", "no", "true", "false", "on",
                                            "off", "null", "~"};
        for (size_t i = 0; i < sizeof words / sizeof *words; i++)
            if (!strcasecmp(s, words[i]))
                return 0;
        if (strspn(s, "0123456789+-.:_eExXoObB") == n)
            return 0;
    }
    return 1;
}

/* Writes a text scalar, plain when that is safe, else double-quoted; marks it. */
static void w_text(ywriter *w, const char *s, int sline, int scol, int flow)
{
    w_mark(w, sline, scol, 1);
    if (plain_ok(s, flow)) {
        w_put(w, s);
        return;
    }
    nb_buf q = {0};
    nb_buf_put(&q, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            nb_buf_put(&q, "\\", 1);
        if (*p == '\n')
            nb_buf_puts(&q, "\\n");
        else if (*p == '\t')
            nb_buf_puts(&q, "\\t");
        else
            nb_buf_put(&q, p, 1);
    }
    nb_buf_put(&q, "\"", 2); /* with the NUL */
    w_put(w, (const char *)q.data);
    nb_buf_free(&q);
}

void nb_yaml_put_text(nb_buf *b, const char *s, int flow)
{
    ywriter w = {.b = *b, .line = 1, .col = 1};
    w_text(&w, s, 0, 0, flow);
    *b = w.b;
}

void nb_import_map_free(nb_import_map *m)
{
    if (!m)
        return;
    free(m->e);
    free(m->file);
    free(m);
}

/* The source position of YAML position (line, col): the last scalar starting at or before it
 * on that line (inside a text, the column advances with it), else the last one before. */
static int map_pos(const nb_import_map *m, int line, int col, int *sline, int *scol)
{
    const map_entry *best = NULL;
    for (size_t i = 0; i < m->n; i++) {
        const map_entry *e = &m->e[i];
        if (e->yline < line || (e->yline == line && e->ycol <= col))
            best = e;
        else
            break;
    }
    if (!best)
        return 0;
    *sline = best->sline;
    *scol = best->scol;
    if (best->yline == line && best->text && !m->pages)
        *scol += col - best->ycol;
    if (m->pages)
        *scol = 0;
    return 1;
}

void nb_import_map_diags(const nb_import_map *m, const char *yaml_name, nb_diags *d, size_t first)
{
    if (!m || !d)
        return;
    for (size_t i = first; i < d->count; i++) {
        nb_diag *g = &d->items[i];
        if (!g->file || strcmp(g->file, yaml_name) != 0)
            continue;
        int l, c;
        if (g->line > 0 && map_pos(m, g->line, g->col, &l, &c)) {
            g->line = l;
            g->col = c;
        }
        if (strcmp(g->file, m->file) != 0) {
            free(g->file);
            g->file = nb_strdup(m->file);
        }
    }
}

/* ---- the recognizer's view of the document ------------------------------------------------ */

typedef enum { IT_PARA, IT_H2, IT_RUNIN, IT_ITEM, IT_TABLE } item_kind;

typedef struct item {
    item_kind kind;
    char *text;   /* owned (cleaned prose); the paragraph of a run-in heading */
    char *lead;   /* owned: a run-in heading's own text */
    int line, col;
} item;

/* A table row as the recognizer sees it (a paragraph that is a table label is a row of one). */
typedef struct srow {
    const nb_import_cell *cells; /* borrowed */
    size_t ncells;
    nb_import_cell one;          /* the cell of a one-cell row made from a paragraph */
    int line;
} srow;

typedef struct section {
    char *heading;     /* owned: the heading text without its number, as published */
    int line, col;     /* of the heading */
    item *items;
    size_t nitems, cap;
    srow *rows;
    size_t nrows, cap_rows;
    int table_at;      /* index in items of the table, or -1 */
} section;

typedef struct recognizer {
    nb_engine *engine;
    const nb_import_doc *doc;
    nb_diags *d;
    const nb_layout *layouts[NCANDIDATES];
    char *title;       /* owned, joined title lines, cleaned */
    int title_line, title_col;
    char *agency;      /* owned */
    int year;
    int year_line;
    char *signoff;     /* owned */
    char date[16];
    int signoff_line, date_line;
    item *preamble;
    size_t npreamble, cap_preamble;
    section sec[NB_SECTIONS];
} recognizer;

static void warn_at(recognizer *R, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void warn_at(recognizer *R, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_diag_addv(R->d, NB_WARNING, (nb_pos){R->doc->file, line, R->doc->pages ? 0 : col}, fmt, ap);
    va_end(ap);
}

/* The first characters of a text, for messages. */
static void excerpt(const char *s, char *out, size_t size)
{
    size_t n = 0, chars = 0, len = strlen(s);
    while (n < len && chars < 24) {
        size_t k = 1;
        while (n + k < len && ((unsigned char)s[n + k] & 0xC0) == 0x80)
            k++;
        if (n + k + 4 >= size)
            break;
        n += k;
        chars++;
    }
    snprintf(out, size, "%.*s%s", (int)n, s, n < len ? "…" : "");
}

static void add_item(item **items, size_t *n, size_t *cap, item it)
{
    nb_grow(items, cap, *n + 1, sizeof **items);
    (*items)[(*n)++] = it;
}

/* "一、总体情况" → 1 and the heading's text; 0 if s is not a section heading. */
static int section_heading(const char *s, const char **rest)
{
    size_t k;
    int n = cn_numeral(s, &k);
    if (n < 1 || n > 6)
        return 0;
    const char *p = s + k;
    if (starts_with(p, "、"))
        p += strlen("、");
    else if (*p == '.')
        p++;
    else if (starts_with(p, "．"))
        p += strlen("．");
    else
        return 0;
    while (*p == ' ')
        p++;
    size_t chars = cp_len(p);
    if (chars == 0 || chars > 40)
        return 0;
    const char *stop = strstr(p, "。");
    if (stop && stop[strlen("。")] != '\0') /* a sentence goes on: a paragraph "一、…。…" */
        return 0;
    *rest = p;
    return n;
}

/* "（一）…": the byte length of the number, or 0. */
static size_t subheading_number(const char *s)
{
    if (!starts_with(s, "（"))
        return 0;
    const char *p = s + strlen("（");
    size_t k, total = 0;
    while (cn_numeral(p + total, &k))
        total += k;
    if (!total || !starts_with(p + total, "）"))
        return 0;
    return strlen("（") + total + strlen("）");
}

/* "1.", "1、", "1．" at the start: the byte length of the number, or 0. */
static size_t item_number(const char *s)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9' && i < 3)
        i++;
    if (!i)
        return 0;
    if (s[i] == '.' && !(s[i + 1] >= '0' && s[i + 1] <= '9'))
        return i + 1;
    if (starts_with(s + i, "、"))
        return i + strlen("、");
    if (starts_with(s + i, "．"))
        return i + strlen("．");
    return 0;
}

/* "2024年1月31日" or "2024-01-31" → "2024-01-31" in out; 0 if s is not a date alone. */
static int parse_date(const char *s, char out[16])
{
    int y, m, d, n = 0;
    if ((sscanf(s, "%4d年%2d月%2d日%n", &y, &m, &d, &n) == 3 && (size_t)n == strlen(s)) ||
        (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && (size_t)n == strlen(s))) {
        if (y >= 2000 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
            snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
            return 1;
        }
    }
    /* 二〇二四年一月三十一日 */
    static const char *const digits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    const char *p = s;
    int v[3] = {0, 0, 0};
    static const char *const units[] = {"年", "月", "日"};
    for (int part = 0; part < 3; part++) {
        int val = 0, got = 0, tens = 0;
        for (;;) {
            int hit = -1;
            for (int k = 0; k < 10; k++)
                if (starts_with(p, digits[k]) || (k == 0 && starts_with(p, "○")))
                    hit = k;
            if (hit >= 0) {
                p += starts_with(p, "○") ? strlen("○") : strlen(digits[hit]);
                val = part == 0 ? val * 10 + hit : val + hit;
                got = 1;
            } else if (part > 0 && starts_with(p, "十")) {
                p += strlen("十");
                val = (val ? val : 1) * 10;
                got = tens = 1;
            } else {
                break;
            }
        }
        (void)tens;
        if (!got || !starts_with(p, units[part]))
            return 0;
        p += strlen(units[part]);
        v[part] = val;
    }
    if (*p || v[0] < 2000 || v[0] > 2100 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
        return 0;
    snprintf(out, 16, "%04d-%02d-%02d", v[0], v[1], v[2]);
    return 1;
}

/* A short line without sentence punctuation: a title line or a 落款 name. */
static int is_name_line(const char *s)
{
    size_t chars = cp_len(s);
    if (chars == 0 || chars > 30)
        return 0;
    static const char *const marks[] = {"。", "，", "；", "：", ":", ",", ";", "、"};
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (strstr(s, marks[i]))
            return 0;
    for (const char *p = s; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
            return 0;
    return 1;
}

/* ---- tables ----------------------------------------------------------------------------- */

/* A cell that holds a value rather than a label: empty, a number (with thousands separators,
 * full-width digits, a 万元 or 元 unit) or a not-applicable mark. */
static int value_like(const char *s)
{
    if (!*s)
        return 1;
    static const char *const marks[] = {"/", "／", "-", "－", "—", "——", "–", "\\"};
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (!strcmp(s, marks[i]))
            return 1;
    char *n = norm_label(s);
    const char *p = n;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0;
    while ((*p >= '0' && *p <= '9') || *p == ',' || starts_with(p, "，")) {
        digits += *p >= '0' && *p <= '9';
        p += *p == ',' || (*p >= '0' && *p <= '9') ? 1 : strlen("，");
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (starts_with(p, "万元"))
        p += strlen("万元");
    else if (starts_with(p, "元"))
        p += strlen("元");
    int ok = digits > 0 && *p == '\0';
    free(n);
    return ok;
}

/* The label immediately left of a group's numbers in its grid row, or NULL (表四's rows). */
static const char *own_label(const nb_ltable *t, const nb_group *g)
{
    const nb_lcell *vc = &t->cells[t->slots[g->first_slot].cell];
    const nb_lcell *best = NULL;
    for (size_t i = 0; i < t->ncells; i++) {
        const nb_lcell *c = &t->cells[i];
        if (c->value >= 0 || !c->text)
            continue;
        if (c->row <= g->row && g->row < c->row + c->rowspan && c->col + c->colspan <= vc->col &&
            (!best || c->col > best->col))
            best = c;
    }
    return best ? best->text : NULL;
}

static int is_own_label(const nb_ltable *t, const char *text)
{
    for (size_t g = 0; g < t->ngroups; g++) {
        const char *own = own_label(t, &t->groups[g]);
        if (own && !strcmp(own, text))
            return 1;
    }
    return 0;
}

/* The length in characters of norm_label(s), without making it. */
static size_t norm_len(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p;) {
        uint32_t c;
        size_t k = nb_utf8_decode(p, strnlen(p, 4), &c);
        if (!k)
            k = 1;
        else if (!is_space_cp(c))
            n++;
        p += k;
    }
    return n;
}

/* The group whose labels a source label names, or -1; *dist is the edit distance. */
static int find_group(const nb_ltable *t, const char *label, size_t *dist)
{
    char *nl = norm_label(label);
    size_t lnl = cp_len(nl);
    size_t best = (size_t)-1, second = (size_t)-1;
    int found = -1;
    size_t target_len = 1;
    for (size_t g = 0; g < t->ngroups; g++) {
        const nb_group *grp = &t->groups[g];
        const char *cands[8] = {own_label(t, grp), grp->name};
        int ncands = 2;
        for (size_t a = 0; a < grp->naliases && ncands < 8; a++)
            cands[ncands++] = grp->aliases[a];
        for (int k = 0; k < ncands; k++) {
            if (!cands[k])
                continue;
            /* The distance is at least the difference in length: skip what cannot beat (or
             * tie) the best so far. */
            size_t lc = norm_len(cands[k]);
            if (best != (size_t)-1 && (lc > lnl ? lc - lnl : lnl - lc) > best)
                continue;
            char *nc = norm_label(cands[k]);
            size_t dd = cp_distance(nl, nc);
            if (dd < best) {
                if (found != (int)g)
                    second = best;
                best = dd;
                found = (int)g;
                target_len = cp_len(nc);
            } else if (dd < second && found != (int)g) {
                second = dd;
            }
            free(nc);
        }
    }
    free(nl);
    /* A quarter of the characters may differ: extraction drops characters ("其他法律行政止
     * 公开") and reports misspell. */
    size_t allowed = (target_len + 2) / 4 > 1 ? (target_len + 2) / 4 : 1;
    if (found < 0 || best > allowed || (second == best && best > 0))
        return -1;
    *dist = best;
    return found;
}

/* Whether a label is one of the table's labels; with `skip_own`, one of its header or block
 * labels (not a row's own). */
static int header_label(const nb_ltable *t, const char *label, int skip_own)
{
    char *nl = norm_label(label);
    size_t lnl = cp_len(nl);
    int hit = 0;
    for (size_t i = 0; i < t->ncells && !hit; i++) {
        const nb_lcell *c = &t->cells[i];
        if (c->value >= 0 || !c->text || (skip_own && is_own_label(t, c->text)))
            continue;
        size_t lc = norm_len(c->text);
        if ((lc > lnl ? lc - lnl : lnl - lc) > 1)
            continue;
        char *nc = norm_label(c->text);
        size_t len = cp_len(nc);
        hit = cp_distance(nl, nc) <= (len >= 8 ? 1u : 0u);
        free(nc);
    }
    free(nl);
    return hit;
}

/* How a source row's values were fitted to a group's slots. */
typedef struct placed {
    const srow *row;
    const nb_import_cell *cells[64]; /* NULL: a blank the source did not have */
    int n;
} placed;

typedef struct table_match {
    const nb_ltable *t;
    const char *layout; /* the layout's name, for messages */
    placed *groups; /* owned, one per group; row == NULL: not given */
    int score;
} table_match;

typedef enum { ROW_HEADER, ROW_VALUES, ROW_UNPLACED, ROW_EMPTY } row_fate;

/* Fits cells[from..n) to `want` slots: leading empty cells (label columns of a merged label)
 * and trailing ones (the rest of a wide value cell) are dropped first. Returns how many cells
 * remain, and their start in *start. */
static int fit_values(const srow *r, size_t from, int want, size_t *start)
{
    size_t a = from, b = r->ncells;
    while ((int)(b - a) > want && a < b && !r->cells[a].text[0])
        a++;
    while ((int)(b - a) > want && b > a && !r->cells[b - 1].text[0])
        b--;
    *start = a;
    return (int)(b - a);
}

static void place(placed *p, const srow *r, size_t start, int have, int want)
{
    p->row = r;
    p->n = want;
    int pad = have < want ? want - have : 0; /* fewer: the label took cells at the left */
    for (int k = 0; k < want && k < 64; k++) {
        int src = k - pad;
        p->cells[k] = src >= 0 && src < have ? &r->cells[start + (size_t)src] : NULL;
    }
}

/* Matches one source row against table t; fills m. `report` issues warnings (the chosen
 * layout's pass), else it only scores. */
static row_fate match_row(recognizer *R, table_match *m, const srow *r, int report)
{
    const nb_ltable *t = m->t;
    size_t first_value = r->ncells;
    for (size_t i = 0; i < r->ncells; i++)
        if (r->cells[i].text[0] && value_like(r->cells[i].text)) {
            first_value = i;
            break;
        }
    int last_label = -1;
    for (size_t i = 0; i < first_value; i++)
        if (r->cells[i].text[0])
            last_label = (int)i;
    char ex[128];
    if (first_value == r->ncells) {
        if (last_label < 0)
            return ROW_EMPTY;
        /* A row's label with its cells left empty: the row is given, blank as published. */
        size_t dist0 = 0;
        int g0 = header_label(t, r->cells[last_label].text, 1)
                     ? -1 : find_group(t, r->cells[last_label].text, &dist0);
        if (g0 >= 0 && !m->groups[g0].row) {
            size_t start;
            int have = fit_values(r, (size_t)last_label + 1, t->groups[g0].nslots, &start);
            if (have > t->groups[g0].nslots)
                have = t->groups[g0].nslots;
            place(&m->groups[g0], r, start, have, t->groups[g0].nslots);
            m->score += 1;
            return ROW_VALUES;
        }
        /* Labels only: a header row, or a block's label row. */
        int known = 0, unknown = -1;
        for (size_t i = 0; i < r->ncells; i++) {
            if (!r->cells[i].text[0])
                continue;
            if (header_label(t, r->cells[i].text, 0) || find_group(t, r->cells[i].text, &(size_t){0}) >= 0)
                known++;
            else if (unknown < 0)
                unknown = (int)i;
        }
        if (unknown >= 0) {
            m->score -= 1;
            if (report) {
                excerpt(r->cells[unknown].text, ex, sizeof ex);
                warn_at(R, r->cells[unknown].line, r->cells[unknown].col,
                        "%s: label '%s' is not one of layout %s's; ignored", t->name, ex,
                        m->layout);
            }
        }
        if (known)
            m->score += 1;
        return ROW_HEADER;
    }
    if (last_label < 0) {
        /* Numbers only: the groups whose grid row has no label, filled in order (表四). */
        size_t start;
        int total = 0;
        for (size_t g = 0; g < t->ngroups; g++)
            if (!own_label(t, &t->groups[g]) && !m->groups[g].row)
                total += t->groups[g].nslots;
        int have = fit_values(r, 0, total, &start);
        if (total > 0 && have == total) {
            for (size_t g = 0; g < t->ngroups; g++) {
                if (own_label(t, &t->groups[g]) || m->groups[g].row)
                    continue;
                place(&m->groups[g], r, start, t->groups[g].nslots, t->groups[g].nslots);
                start += (size_t)t->groups[g].nslots;
                m->score += 2;
            }
            return ROW_VALUES;
        }
        m->score -= 2;
        if (report)
            warn_at(R, r->line, r->cells[first_value].col,
                    "%s: a row of %d numbers without a label is not placed (the layout's "
                    "unlabelled rows take %d)", t->name, have, total);
        return ROW_UNPLACED;
    }
    const nb_import_cell *lab = &r->cells[last_label];
    size_t dist = 0;
    int g = find_group(t, lab->text, &dist);
    if (g < 0) {
        m->score -= 2;
        if (report) {
            excerpt(lab->text, ex, sizeof ex);
            warn_at(R, lab->line, lab->col, "%s: row '%s' matches no row of the layout; its "
                    "numbers are not placed", t->name, ex);
        }
        return ROW_UNPLACED;
    }
    const nb_group *grp = &t->groups[g];
    if (m->groups[g].row) {
        m->score -= 2;
        if (report) {
            excerpt(lab->text, ex, sizeof ex);
            warn_at(R, lab->line, lab->col, "%s: row '%s' is %s again (first at line %d); "
                    "not placed", t->name, ex, grp->name, m->groups[g].row->line);
        }
        return ROW_UNPLACED;
    }
    size_t start;
    int have = fit_values(r, (size_t)last_label + 1, grp->nslots, &start);
    place(&m->groups[g], r, start, have, grp->nslots);
    m->score += have == grp->nslots ? 2 : have < grp->nslots ? 1 : 0;
    if (report) {
        excerpt(lab->text, ex, sizeof ex);
        if (dist > 0)
            warn_at(R, lab->line, lab->col, "%s: row label '%s' read as '%s'", t->name, ex,
                    own_label(t, grp) ? own_label(t, grp) : grp->name);
        if (have < grp->nslots)
            warn_at(R, r->line, lab->col,
                    "%s %s: %d values for %d columns (a label took a cell): taken as the "
                    "rightmost, %s%s left blank", t->name, grp->name, have, grp->nslots,
                    t->slots[grp->first_slot].column, grp->nslots - have > 1 ? " …" : "");
        else if (have > grp->nslots)
            warn_at(R, r->line, r->cells[start + (size_t)grp->nslots].col,
                    "%s %s: %d values for %d columns; the last %d not placed", t->name,
                    grp->name, have, grp->nslots, have - grp->nslots);
    }
    return ROW_VALUES;
}

static table_match match_table(recognizer *R, const char *layout, const nb_ltable *t,
                               const section *s, int report)
{
    table_match m = {.t = t, .layout = layout, .groups = nb_calloc(t->ngroups ? t->ngroups : 1, sizeof(placed))};
    for (size_t i = 0; i < s->nrows; i++)
        match_row(R, &m, &s->rows[i], report);
    return m;
}

/* ---- reading the blocks ------------------------------------------------------------------ */

static void add_row_ref(section *s, const nb_import_row *row, int line)
{
    nb_grow(&s->rows, &s->cap_rows, s->nrows + 1, sizeof *s->rows);
    s->rows[s->nrows++] = (srow){.cells = row->cells, .ncells = row->ncells, .line = line};
}

static void add_row_one(section *s, const nb_import_block *b)
{
    nb_grow(&s->rows, &s->cap_rows, s->nrows + 1, sizeof *s->rows);
    srow *r = &s->rows[s->nrows++];
    *r = (srow){.ncells = 1, .line = b->line};
    r->one = (nb_import_cell){.text = b->text, .rowspan = 1, .colspan = 1, .line = b->line,
                              .col = b->col};
}

static void fix_one_cells(section *s)
{
    for (size_t i = 0; i < s->nrows; i++)
        if (!s->rows[i].cells)
            s->rows[i].cells = &s->rows[i].one;
}

/* A paragraph that is a label of the section's table in some layout ("第二十条第（一）项"). */
static int table_label_paragraph(recognizer *R, int sec, const char *text)
{
    for (size_t l = 0; l < NCANDIDATES; l++) {
        const nb_layout *lay = R->layouts[l];
        if (!lay)
            continue;
        for (size_t t = 0; t < lay->ntables; t++)
            if (lay->tables[t].section == sec + 1 && cp_len(text) >= 4 &&
                header_label(&lay->tables[t], text, 1))
                return 1;
    }
    return 0;
}

static void ensure_table_item(section *s, int line, int col)
{
    if (s->table_at >= 0)
        return;
    s->table_at = (int)s->nitems;
    add_item(&s->items, &s->nitems, &s->cap, (item){.kind = IT_TABLE, .line = line, .col = col});
}

/* Classifies a paragraph of a section (or of the preamble when sec < 0). */
static item classify(const nb_import_block *b, char *text)
{
    item it = {.kind = IT_PARA, .text = text, .line = b->line, .col = b->col};
    size_t k = subheading_number(text);
    if (k || b->level == 3) {
        const char *rest = text + k;
        /* The heading ends at its 。 or ：, whichever comes first. */
        const char *stop = strstr(rest, "。"), *colon = strstr(rest, "：");
        if (colon && (!stop || colon < stop))
            stop = colon;
        size_t chars = cp_len(text);
        if (stop && stop[strlen("。")] && cp_len(text) - cp_len(stop) <= 30 && k) {
            /* run in: the heading up to its 。 (or ：), then its paragraph */
            size_t cut = (size_t)(stop - text) + strlen("。");
            it.kind = IT_RUNIN;
            it.lead = nb_strndup(text, cut);
            it.text = nb_strdup(text + cut);
            free(text);
        } else if (chars <= 40 || b->level == 3) {
            it.kind = IT_H2;
        }
        return it;
    }
    if (item_number(text))
        it.kind = IT_ITEM;
    return it;
}

/* A title names the 年度报告 on a short line, in Chinese. */
static int is_title_text(const char *s)
{
    if (cp_len(s) > 60)
        return 0;
    for (const char *p = s; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == ':')
            return 0;
    return 1;
}

static void read_blocks(recognizer *R)
{
    const nb_import_doc *doc = R->doc;
    size_t nb = doc->nblocks;
    char ex[128];
    /* The title: the first paragraph naming a 年度报告 (or marked as a title), with the short
     * lines just before it. */
    size_t title_at = nb, title_from = nb;
    for (size_t i = 0; i < nb && i < 12; i++) {
        const nb_import_block *b = &doc->blocks[i];
        if (b->kind != NB_IMPORT_PARAGRAPH)
            continue;
        if (b->level == 1 || (strstr(b->text, "年度报告") && is_title_text(b->text))) {
            title_at = i;
            break;
        }
    }
    size_t next = 0;
    if (title_at < nb) {
        title_from = title_at;
        while (title_from > 0 && title_at - title_from < 2 &&
               doc->blocks[title_from - 1].kind == NB_IMPORT_PARAGRAPH &&
               is_name_line(doc->blocks[title_from - 1].text) &&
               !section_heading(doc->blocks[title_from - 1].text, &(const char *){0}))
            title_from--;
        size_t title_to = title_at + 1; /* a title marked on several lines */
        while (title_to < nb && doc->blocks[title_to].kind == NB_IMPORT_PARAGRAPH &&
               doc->blocks[title_to].level == 1)
            title_to++;
        nb_buf t = {0};
        for (size_t i = title_from; i < title_to; i++)
            nb_buf_puts(&t, doc->blocks[i].text);
        nb_buf_put(&t, "", 1);
        R->title = clean_prose((const char *)t.data);
        nb_buf_free(&t);
        R->title_line = doc->blocks[title_from].line;
        R->title_col = doc->blocks[title_from].col;
        for (size_t i = 0; i < title_from; i++) {
            const nb_import_block *b = &doc->blocks[i];
            excerpt(b->kind == NB_IMPORT_PARAGRAPH ? b->text : "（表格）", ex, sizeof ex);
            warn_at(R, b->line, b->col, "before the title, not part of the report: '%s'", ex);
        }
        next = title_to;
    } else {
        warn_at(R, 1, 1, "no title line naming the 年度报告 in the first lines");
    }
    /* Agency and year from the title. */
    if (R->title) {
        const char *p = R->title;
        for (; *p; p++) {
            if (p[0] >= '1' && p[0] <= '2' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
                p[2] <= '9' && p[3] >= '0' && p[3] <= '9' &&
                (starts_with(p + 4, "年") || starts_with(p + 4, " 年")) &&
                !(p > R->title && p[-1] >= '0' && p[-1] <= '9'))
                break;
        }
        if (*p) {
            R->year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
            R->year_line = R->title_line;
            size_t n = (size_t)(p - R->title);
            while (n > 0 && R->title[n - 1] == ' ')
                n--;
            if (n > 0)
                R->agency = nb_strndup(R->title, n);
        }
    }
    for (int s = 0; s < NB_SECTIONS; s++)
        R->sec[s].table_at = -1;
    int cur = -1; /* section index, -1: preamble */
    for (size_t i = next; i < nb; i++) {
        const nb_import_block *b = &doc->blocks[i];
        if (b->kind == NB_IMPORT_TABLE) {
            if (cur < 0) {
                warn_at(R, b->line, b->col, "a table before 一、 is not placed");
                continue;
            }
            section *s = &R->sec[cur];
            ensure_table_item(s, b->line, b->col);
            for (size_t r = 0; r < b->nrows; r++)
                add_row_ref(s, &b->rows[r],
                            b->rows[r].ncells ? b->rows[r].cells[0].line : b->line);
            continue;
        }
        char *text = clean_prose(b->text ? b->text : "");
        if (!*text) {
            free(text);
            continue;
        }
        const char *rest = NULL;
        int n = section_heading(text, &rest);
        if (n > cur + 1 && n <= NB_SECTIONS) {
            if (n != cur + 2)
                warn_at(R, b->line, b->col, "heading %s follows section %d; the sections between "
                        "are left empty", cn_numerals[n - 1], cur + 1);
            cur = n - 1;
            R->sec[cur].heading = nb_strdup(rest);
            R->sec[cur].line = b->line;
            R->sec[cur].col = b->col;
            free(text);
            continue;
        }
        if (cur < 0) {
            item it = {.kind = IT_PARA, .text = text, .line = b->line, .col = b->col};
            add_item(&R->preamble, &R->npreamble, &R->cap_preamble, it);
            continue;
        }
        section *s = &R->sec[cur];
        if (table_label_paragraph(R, cur, text)) {
            ensure_table_item(s, b->line, b->col);
            add_row_one(s, b);
            free(text);
            continue;
        }
        item it = classify(b, text);
        add_item(&s->items, &s->nitems, &s->cap, it);
    }
    for (int s = 0; s < NB_SECTIONS; s++)
        fix_one_cells(&R->sec[s]);
    /* The 落款 at the end: a date line, and a short name line before it. */
    section *last = NULL;
    for (int s = NB_SECTIONS - 1; s >= 0 && !last; s--)
        if (R->sec[s].nitems)
            last = &R->sec[s];
    if (last && last->items[last->nitems - 1].kind == IT_PARA &&
        parse_date(last->items[last->nitems - 1].text, R->date)) {
        item *d = &last->items[--last->nitems];
        R->date_line = d->line;
        free(d->text);
        if (last->nitems && last->items[last->nitems - 1].kind == IT_PARA &&
            is_name_line(last->items[last->nitems - 1].text)) {
            item *nm = &last->items[--last->nitems];
            R->signoff = nm->text;
            R->signoff_line = nm->line;
        }
    }
}

/* ---- choosing the layout and writing the report ------------------------------------------ */

static int choose_layout(recognizer *R)
{
    int best = -1, best_score = 0;
    for (size_t l = 0; l < NCANDIDATES; l++) {
        const nb_layout *lay = R->layouts[l];
        if (!lay)
            continue;
        int score = 0;
        for (size_t t = 0; t < lay->ntables; t++) {
            int s = lay->tables[t].section - 1;
            if (s < 0 || s >= NB_SECTIONS)
                continue;
            table_match m = match_table(R, lay->name, &lay->tables[t], &R->sec[s], 0);
            score += m.score;
            free(m.groups);
        }
        if (best < 0 || score > best_score) {
            best = (int)l;
            best_score = score;
        }
    }
    return best;
}

/* A cell's value as the report writes it, or NULL for text that must be quoted. `amount`:
 * the slot takes 万元. Writes a note (e.g. the published unit) into note. */
static void write_value(ywriter *w, const nb_import_cell *c, int amount, char *note, size_t nsize)
{
    if (!c) {
        w_put(w, "~");
        return;
    }
    w_mark(w, c->line, c->col, 0);
    const char *s = c->text;
    if (!*s) {
        w_put(w, "~");
        return;
    }
    if (!strcmp(s, "/") || !strcmp(s, "／") || !strcmp(s, "\\")) {
        w_put(w, "\"/\"");
        return;
    }
    if (!strcmp(s, "-") || !strcmp(s, "－") || !strcmp(s, "–")) {
        w_put(w, "\"-\"");
        return;
    }
    if (!strcmp(s, "—") || !strcmp(s, "——")) {
        w_put(w, "\"—\"");
        return;
    }
    if (value_like(s)) {
        char *n = norm_label(s);
        nb_buf num = {0};
        const char *p = n;
        while (*p) {
            if (*p == ',') {
                p++;
                continue;
            }
            if (starts_with(p, "，")) {
                p += strlen("，");
                continue;
            }
            if (starts_with(p, "万元") || starts_with(p, "元"))
                break;
            nb_buf_put(&num, p, 1);
            p++;
        }
        nb_buf_put(&num, "", 1);
        const char *digits = (const char *)num.data;
        if (starts_with(p, "元") && amount) {
            /* 元 in a 万元 column: the same amount in 万元, exactly (a shift of 4 digits) */
            const char *dot = strchr(digits, '.');
            size_t ip = dot ? (size_t)(dot - digits) : strlen(digits);
            char out[96];
            size_t o = 0;
            if (ip <= 4) {
                out[o++] = '0';
                out[o++] = '.';
                for (size_t z = ip; z < 4; z++)
                    out[o++] = '0';
                memcpy(out + o, digits, ip);
                o += ip;
            } else {
                memcpy(out, digits, ip - 4);
                o = ip - 4;
                out[o++] = '.';
                memcpy(out + o, digits + ip - 4, 4);
                o += 4;
            }
            if (dot)
                for (const char *q = dot + 1; *q && o < sizeof out - 1; q++)
                    out[o++] = *q;
            out[o] = 0;
            while (o > 0 && out[o - 1] == '0' && strchr(out, '.'))
                out[--o] = 0;
            if (o > 0 && out[o - 1] == '.')
                out[--o] = 0;
            w_put(w, out);
            snprintf(note, nsize, "published as %s (元)", s);
        } else if (starts_with(p, "元")) {
            w_text(w, s, 0, 0, 1);
        } else {
            w_put(w, digits);
            if (strcmp(digits, s))
                snprintf(note, nsize, "published as %s", s);
        }
        nb_buf_free(&num);
        free(n);
        return;
    }
    w_text(w, s, 0, 0, 1);
}

static void write_table(recognizer *R, ywriter *w, const nb_layout *lay, const nb_ltable *t,
                        const section *s, int line, int col)
{
    table_match m = match_table(R, lay->name, t, s, 1);
    w_put(w, "      - ");
    w_mark(w, line, col, 0);
    w_printf(w, "table: %s   # %s\n", t->key, t->name);
    w_put(w, "        values:\n");
    size_t keyw = 0;
    for (size_t g = 0; g < t->ngroups; g++)
        if (strlen(t->groups[g].key) > keyw)
            keyw = strlen(t->groups[g].key);
    int given = 0;
    for (size_t g = 0; g < t->ngroups; g++) {
        const nb_group *grp = &t->groups[g];
        const placed *p = &m.groups[g];
        if (!p->row)
            continue;
        given++;
        w_printf(w, "          %s:%*s[", grp->key, (int)(keyw - strlen(grp->key) + 1), "");
        char notes[256] = "";
        for (int k = 0; k < p->n; k++) {
            if (k)
                w_put(w, ", ");
            const nb_slot *slot = &t->slots[grp->first_slot + k];
            char note[96] = "";
            if (!p->cells[k]) /* a blank the source has no cell for: at the row */
                w_mark(w, p->row->line, p->row->cells[0].col, 0);
            write_value(w, p->cells[k], slot->kind == NB_KIND_AMOUNT, note, sizeof note);
            if (note[0] && strlen(notes) + strlen(note) + 4 < sizeof notes) {
                if (notes[0])
                    strcat(notes, "; ");
                strcat(notes, note);
            }
        }
        w_printf(w, "]   # %s%s%s\n", grp->name, notes[0] ? "; " : "", notes);
    }
    if (!given)
        w_put(w, "          {}\n");
    free(m.groups);
}

static void write_prose_item(ywriter *w, const item *it)
{
    w_put(w, "      - ");
    switch (it->kind) {
    case IT_H2:
        w_put(w, "h2: ");
        w_text(w, it->text, it->line, it->col, 0);
        break;
    case IT_RUNIN:
        w_put(w, "h2: ");
        w_text(w, it->lead, it->line, it->col, 0);
        w_put(w, "\n        text: ");
        w_text(w, it->text, it->line, it->col + (int)cp_len(it->lead), 0);
        break;
    case IT_ITEM:
        w_put(w, "item: ");
        w_text(w, it->text, it->line, it->col, 0);
        break;
    default:
        w_text(w, it->text, it->line, it->col, 0);
        break;
    }
    w_put(w, "\n");
}

static void write_report(recognizer *R, ywriter *w, const nb_layout *lay)
{
    const nb_import_doc *doc = R->doc;
    const char *base = strrchr(doc->file, '/');
    base = base ? base + 1 : doc->file;
    w_printf(w, "# Imported from %s by nianbao import (layout chosen from the tables' labels).\n",
             base);
    w_put(w, "# Check it against the source, then: nianbao check, nianbao render.\n");
    w_put(w, "# docs/report-format.md describes every key.\n\n");
    w_put(w, "agency: ");
    if (R->agency) {
        w_text(w, R->agency, R->title_line, R->title_col, 0);
        w_put(w, "   # 发布机关\n");
    } else {
        w_put(w, "~   # 发布机关: not found in the title; write it here\n");
    }
    w_put(w, "year: ");
    if (R->year) {
        w_mark(w, R->year_line, R->title_col, 0);
        w_printf(w, "%d\n", R->year);
    } else {
        w_put(w, "~   # not found in the title; write it here\n");
    }
    if (R->title && R->agency) {
        char dflt[512];
        snprintf(dflt, sizeof dflt, "%s%d年政府信息公开工作年度报告", R->agency, R->year);
        if (strcmp(dflt, R->title) != 0) {
            w_put(w, "title: ");
            w_text(w, R->title, R->title_line, R->title_col, 0);
            w_put(w, "\n");
        }
    }
    /* The layout was chosen from the tables: a message about it points at the first one. */
    for (int s = 0; s < NB_SECTIONS; s++)
        if (R->sec[s].table_at >= 0) {
            const item *t = &R->sec[s].items[R->sec[s].table_at];
            w_put(w, "layout: ");
            w_mark(w, t->line, t->col, 0);
            w_printf(w, "%s   # %s\n", lay->name, lay->title ? lay->title : "");
            break;
        }
    if (w->col == 1 && !strstr((const char *)w->b.data, "\nlayout: "))
        w_printf(w, "layout: %s   # %s (no table in the source)\n", lay->name,
                 lay->title ? lay->title : "");
    if (R->signoff) {
        w_put(w, "signoff: ");
        w_text(w, R->signoff, R->signoff_line, 1, 0);
        w_put(w, "   # 落款\n");
    }
    if (R->date[0]) {
        w_mark(w, R->date_line, 1, 0);
        w_printf(w, "date: %s   # 成文日期\n", R->date);
    } else {
        w_put(w, "# date: YYYY-MM-DD   (成文日期: the source gives none)\n");
    }
    if (R->npreamble) {
        w_put(w, "\npreamble:\n");
        for (size_t i = 0; i < R->npreamble; i++) {
            w_put(w, "  - ");
            w_text(w, R->preamble[i].text, R->preamble[i].line, R->preamble[i].col, 0);
            w_put(w, "\n");
        }
    }
    w_put(w, "\nsections:\n");
    for (int s = 0; s < NB_SECTIONS; s++) {
        section *sec = &R->sec[s];
        w_printf(w, "  # %s%s\n", lay->numbers[s], lay->headings[s]);
        w_put(w, "  - ");
        if (sec->heading && strcmp(sec->heading, lay->headings[s]) != 0) {
            w_put(w, "heading: ");
            w_text(w, sec->heading, sec->line, sec->col + (int)cp_len(lay->numbers[s]), 0);
            w_put(w, "\n    ");
        }
        if (!sec->nitems) {
            if (sec->line)
                w_mark(w, sec->line, sec->col, 0);
            w_put(w, "body: []\n");
            continue;
        }
        if (sec->line)
            w_mark(w, sec->line, sec->col, 0);
        w_put(w, "body:\n");
        for (size_t i = 0; i < sec->nitems; i++) {
            const item *it = &sec->items[i];
            if (it->kind != IT_TABLE) {
                write_prose_item(w, it);
                continue;
            }
            const nb_ltable *t = NULL;
            for (size_t k = 0; k < lay->ntables; k++)
                if (lay->tables[k].section == s + 1)
                    t = &lay->tables[k];
            if (!t) {
                warn_at(R, it->line, it->col, "layout %s has no table in section %d; the table "
                        "is not placed", lay->name, s + 1);
                w_put(w, "      # (a table the layout does not have here)\n");
                continue;
            }
            write_table(R, w, lay, t, sec, it->line, it->col);
        }
    }
}

static void recognizer_free(recognizer *R)
{
    free(R->title);
    free(R->agency);
    free(R->signoff);
    for (size_t i = 0; i < R->npreamble; i++)
        free(R->preamble[i].text);
    free(R->preamble);
    for (int s = 0; s < NB_SECTIONS; s++) {
        section *sec = &R->sec[s];
        free(sec->heading);
        for (size_t i = 0; i < sec->nitems; i++) {
            free(sec->items[i].text);
            free(sec->items[i].lead);
        }
        free(sec->items);
        free(sec->rows);
    }
}

int nb_import_recognize(nb_engine *e, const nb_import_doc *doc, char **yaml, size_t *len,
                        nb_import_map **map, nb_diags *d)
{
    *yaml = NULL;
    *len = 0;
    if (map)
        *map = NULL;
    recognizer R = {.engine = e, .doc = doc, .d = d};
    nb_diags *quiet = nb_diags_new(); /* a layout that is missing is simply not a candidate */
    for (size_t l = 0; l < NCANDIDATES; l++)
        R.layouts[l] = nb_engine_layout(e, candidate_layouts[l], quiet);
    nb_diags_free(quiet);
    if (!R.layouts[0]) {
        nb_diag_add(d, NB_ERROR, (nb_pos){doc->file, 0, 0},
                    "the national layout %s cannot be loaded", candidate_layouts[0]);
        return NB_EINPUT;
    }
    read_blocks(&R);
    int chosen = choose_layout(&R);
    const nb_layout *lay = R.layouts[chosen >= 0 ? chosen : 0];
    ywriter w = {.line = 1, .col = 1};
    if (map) {
        w.map = nb_calloc(1, sizeof *w.map);
        w.map->file = nb_strdup(doc->file);
        w.map->pages = doc->pages;
    }
    write_report(&R, &w, lay);
    recognizer_free(&R);
    nb_buf_put(&w.b, "", 1);
    *len = w.b.len - 1;
    *yaml = (char *)w.b.data;
    if (map)
        *map = w.map;
    return NB_OK;
}

/* ---- the dispatcher and import in memory -------------------------------------------------- */

static void remap_pos(const nb_import_map *m, const char *file, nb_pos *p)
{
    int l, c;
    if (p->line > 0 && map_pos(m, p->line, p->col, &l, &c)) {
        p->line = l;
        p->col = c;
    }
    p->file = file;
}

static void remap_text(const nb_import_map *m, const char *file, nb_text *t)
{
    remap_pos(m, file, &t->pos);
}

static void remap_block(const nb_import_map *m, const char *file, nb_block *b)
{
    remap_text(m, file, &b->text);
    remap_text(m, file, &b->lead);
    remap_text(m, file, &b->table.key);
    for (size_t i = 0; i < b->table.nrows; i++) {
        nb_row_input *row = &b->table.rows[i];
        remap_text(m, file, &row->key);
        for (size_t c = 0; c < row->ncells; c++)
            remap_text(m, file, &row->cells[c].text);
    }
}

/* Points every position of a report parsed from a recognized description into the source. */
static void remap_report(const nb_import_map *m, nb_report *r)
{
    const char *f = r->file;
    nb_text *texts[] = {&r->agency, &r->title, &r->date, &r->layout, &r->signoff, &r->seal};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        remap_text(m, f, texts[i]);
    remap_pos(m, f, &r->year_pos);
    for (int q = 0; q < NB_ROLES; q++)
        for (size_t i = 0; i < r->nfonts[q]; i++)
            remap_text(m, f, &r->fonts[q][i]);
    for (size_t b = 0; b < r->npreamble; b++)
        remap_block(m, f, &r->preamble[b]);
    for (int s = 0; s < NB_SECTIONS; s++) {
        nb_section *sec = &r->sections[s];
        remap_pos(m, f, &sec->pos);
        remap_text(m, f, &sec->heading);
        for (size_t b = 0; b < sec->nblocks; b++)
            remap_block(m, f, &sec->blocks[b]);
    }
}

nb_import_format nb_import_sniff(const char *name, const char *data, size_t size)
{
    if (size >= 5 && !memcmp(data, "%PDF-", 5))
        return NB_FORMAT_PDF;
    if (size >= 4 && !memcmp(data, "PK\003\004", 4))
        return NB_FORMAT_DOCX;
    size_t i = 0;
    if (size >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < size && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
        i++;
    if (i < size && data[i] == '<')
        return NB_FORMAT_HTML;
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (dot && (!strcasecmp(dot, ".yaml") || !strcasecmp(dot, ".yml") || !strcasecmp(dot, ".json")))
        return NB_FORMAT_YAML;
    if (dot && (!strcasecmp(dot, ".txt") || !strcasecmp(dot, ".text")))
        return NB_FORMAT_TEXT;
    if (i < size && data[i] == '{')
        return NB_FORMAT_YAML;
    /* Otherwise a report description names its keys at the start of a line. */
    static const char *const keys[] = {"agency:", "sections:", "layout:", "year:"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        size_t kl = strlen(keys[k]);
        for (size_t p = 0; p + kl <= size; p++)
            if ((p == 0 || data[p - 1] == '\n') && !memcmp(data + p, keys[k], kl))
                return NB_FORMAT_YAML;
    }
    return NB_FORMAT_TEXT;
}

int nb_import_read(const char *name, const char *data, size_t size, nb_import_doc *doc,
                   nb_diags *d)
{
    switch (nb_import_sniff(name, data, size)) {
    case NB_FORMAT_PDF: return nb_import_read_pdf(name, data, size, doc, d);
    case NB_FORMAT_DOCX: return nb_import_read_docx(name, data, size, doc, d);
    case NB_FORMAT_HTML: return nb_import_read_html(name, data, size, doc, d);
    default: return nb_import_read_text(name, data, size, doc, d);
    }
}

int nb_import_load(nb_engine *e, const char *name, const char *data, size_t size,
                   nb_report **out, nb_diags *d)
{
    *out = NULL;
    nb_import_doc doc;
    int rc = nb_import_read(name, data, size, &doc, d);
    if (rc != NB_OK)
        return rc;
    char *yaml;
    size_t len;
    nb_import_map *map = NULL;
    rc = nb_import_recognize(e, &doc, &yaml, &len, &map, d);
    nb_import_doc_clear(&doc);
    if (rc != NB_OK)
        return rc;
    /* Parsed under a name of its own, so that a message about the description itself (never
     * expected: it is written here) can be told apart and mapped into the source. */
    nb_buf yname = {0};
    nb_buf_printf(&yname, "%s (imported)", name);
    size_t first = d->count;
    nb_report *r = NULL;
    rc = nb_report_parse((const char *)yname.data, yaml, len, &r, d);
    nb_import_map_diags(map, (const char *)yname.data, d, first);
    nb_buf_free(&yname);
    free(yaml);
    if (rc == NB_OK) {
        /* Every position of the tree now points into the source, before the tables are bound
         * (the bound values copy their positions). */
        free(r->file);
        r->file = nb_strdup(map->file);
        remap_report(map, r);
        rc = nb_report_attach(e, r, d);
        if (rc == NB_OK)
            *out = r;
    }
    nb_import_map_free(map);
    return rc;
}
