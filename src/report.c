/* The report loader: YAML (or JSON) text → nb_report, every node with its file:line:col.
 *
 * Two passes. First libyaml's events are collected into a small generic node tree, refusing
 * what no report needs (aliases, several documents) and what could exhaust memory or time
 * (too large, too deep, too many nodes, too long a text) as soon as it is seen. Then the tree is
 * read against the report's schema (docs/report-format.md), which reports every error it finds
 * rather than only the first. */
#include "report.h"
#include "layout.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hb.h>
#include <yaml.h>

const char *const nb_role_names[NB_ROLES] = {"title", "heading1", "heading2", "body", "table",
                                             "folio"};

/* Limits; docs/report-format.md lists them. A real report is a few hundred nodes and a few KB. */
#define MAX_INPUT ((size_t)8 << 20)
#define MAX_DEPTH 64
#define MAX_TEXT ((size_t)64 << 10)
#define MAX_NODES 200000
#define MAX_BLOCKS 10000
#define MAX_TOTAL_TEXT ((size_t)1 << 20) /* typesetting time and memory grow with it: 1 MiB of
                                          * text is some 570 pages (a report has 5 to 20) */
#define MAX_ROWS 1000
#define MAX_VALUES 64
#define MAX_TABLES 32      /* table blocks of a report: the national format has five */
#define MAX_MARKS 30       /* combining marks in a row (UAX #15's stream-safe limit) */
#define MAX_TITLE_BREAKS 2 /* typed line breaks in a title: three lines */
#define MAX_DUPLICATES 20  /* duplicate-key messages per mapping; the rest are counted */

/* ---- source text: characters, positions ---------------------------------------------------- */

/* The characters libyaml accepts in a stream, minus the C1 controls (U+0085 included): a report
 * has no use for them and they are invisible in every editor. */
static int allowed_char(uint32_t c)
{
    return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0x7E) ||
           (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/* Allowed inside a text value (after escapes are decoded): no control characters but newline
 * and tab. */
static int allowed_text_char(uint32_t c)
{
    return c == '\t' || c == '\n' || (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* Characters a reader cannot see, or that reorder what is seen (the "Trojan Source" controls):
 * in a report they are a copying accident or a trick, and no font draws them. Refused with
 * their name, wherever they are. */
static const char *invisible_name(uint32_t c)
{
    switch (c) {
    case 0x00AD: return "SOFT HYPHEN, an invisible character";
    case 0x061C: return "ARABIC LETTER MARK, an invisible bidirectional control";
    case 0x180E: return "MONGOLIAN VOWEL SEPARATOR, an invisible character";
    case 0x200B: return "ZERO WIDTH SPACE, an invisible character";
    case 0x200C: return "ZERO WIDTH NON-JOINER, an invisible character";
    case 0x200D: return "ZERO WIDTH JOINER, an invisible character";
    case 0x200E: return "LEFT-TO-RIGHT MARK, an invisible bidirectional control";
    case 0x200F: return "RIGHT-TO-LEFT MARK, an invisible bidirectional control";
    case 0x2028: return "LINE SEPARATOR, an invisible line break";
    case 0x2029: return "PARAGRAPH SEPARATOR, an invisible line break";
    case 0x202A: return "LEFT-TO-RIGHT EMBEDDING, an invisible bidirectional control";
    case 0x202B: return "RIGHT-TO-LEFT EMBEDDING, an invisible bidirectional control";
    case 0x202C: return "POP DIRECTIONAL FORMATTING, an invisible bidirectional control";
    case 0x202D: return "LEFT-TO-RIGHT OVERRIDE, an invisible bidirectional control";
    case 0x202E: return "RIGHT-TO-LEFT OVERRIDE, an invisible bidirectional control";
    case 0x2060: return "WORD JOINER, an invisible character";
    case 0x2061: case 0x2062: case 0x2063: case 0x2064:
        return "an invisible mathematical operator";
    case 0x2066: return "LEFT-TO-RIGHT ISOLATE, an invisible bidirectional control";
    case 0x2067: return "RIGHT-TO-LEFT ISOLATE, an invisible bidirectional control";
    case 0x2068: return "FIRST STRONG ISOLATE, an invisible bidirectional control";
    case 0x2069: return "POP DIRECTIONAL ISOLATE, an invisible bidirectional control";
    case 0x206A: case 0x206B: case 0x206C: case 0x206D: case 0x206E: case 0x206F:
        return "a deprecated invisible format character";
    case 0x3164: return "HANGUL FILLER, an invisible character";
    case 0xFEFF: return "ZERO WIDTH NO-BREAK SPACE (a byte order mark inside the text), an "
                        "invisible character";
    case 0xFFF9: case 0xFFFA: case 0xFFFB: return "an invisible interlinear annotation control";
    default:
        return c >= 0xE0000 && c <= 0xE007F ? "a tag character, invisible" : NULL;
    }
}

/* Length of the UTF-8 sequence starting with byte b (source text is validated first). */
static size_t utf8_len(unsigned char b)
{
    return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

/* Steps one character forward from s[*i], counting lines and columns the way libyaml does:
 * "\r\n", "\r", "\n", U+2028 and U+2029 each end a line; every character is one column. */
static void step(const char *s, size_t n, size_t *i, int *line, int *col)
{
    unsigned char b = (unsigned char)s[*i];
    size_t len = utf8_len(b);
    if (b == '\r' && *i + 1 < n && s[*i + 1] == '\n')
        len = 2;
    int brk = b == '\n' || b == '\r' ||
              (b == 0xE2 && *i + 2 < n && (unsigned char)s[*i + 1] == 0x80 &&
               ((unsigned char)s[*i + 2] == 0xA8 || (unsigned char)s[*i + 2] == 0xA9));
    *i += len;
    if (*i > n)
        *i = n;
    if (brk) {
        (*line)++;
        *col = 1;
    } else {
        (*col)++;
    }
}

static int is_break_byte(const char *s, size_t n, size_t i)
{
    unsigned char b = (unsigned char)s[i];
    return b == '\n' || b == '\r' ||
           (b == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9));
}

/* libyaml's marks count characters; the report keeps byte offsets. The cursor converts, moving
 * from the last answer, since marks arrive nearly in order. */
typedef struct cursor {
    const char *s;
    size_t n;
    size_t chars, bytes;
} cursor;

static size_t cursor_byte(cursor *c, size_t char_index)
{
    while (c->chars < char_index && c->bytes < c->n) {
        c->bytes += utf8_len((unsigned char)c->s[c->bytes]);
        c->chars++;
    }
    while (c->chars > char_index && c->bytes > 0) {
        do
            c->bytes--;
        while (c->bytes > 0 && ((unsigned char)c->s[c->bytes] & 0xC0) == 0x80);
        c->chars--;
    }
    return c->bytes < c->n ? c->bytes : c->n;
}

/* ---- the generic tree ---------------------------------------------------------------------- */

typedef enum { YN_SCALAR, YN_SEQ, YN_MAP } yn_type;

typedef struct ynode {
    yn_type type;
    char *value;          /* owned, scalars only */
    size_t len;
    int style;            /* yaml_scalar_style_t */
    int str_tag;          /* explicitly tagged !!str */
    nb_pos pos;
    size_t src, src_end;  /* byte offsets of the node in the source */
    struct ynode *items;  /* owned; a mapping holds key, value, key, value, … */
    size_t n, cap;
} ynode;

static void ynode_free(ynode *y)
{
    for (size_t i = 0; i < y->n; i++)
        ynode_free(&y->items[i]);
    free(y->items);
    free(y->value);
}

static const char *type_name(const ynode *y)
{
    return y->type == YN_MAP ? "a mapping" : y->type == YN_SEQ ? "a list" : "a scalar";
}

typedef struct loader {
    nb_report *r;
    nb_diags *diags;
    size_t errors;
    cursor cur;
    size_t nodes, blocks;
    size_t text_total; /* bytes of text in all blocks so far */
    size_t tables;     /* table blocks so far */
} loader;

static void error_at(loader *L, nb_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void error_at(loader *L, nb_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_diag_addv(L->diags, NB_ERROR, pos, fmt, ap);
    va_end(ap);
    L->errors++;
}

static nb_pos mark_pos(loader *L, yaml_mark_t m)
{
    return (nb_pos){L->r->file, (int)m.line + 1, (int)m.column + 1};
}

/* Position of byte offset `off` of the source, counted from the start. */
static nb_pos byte_pos(loader *L, size_t off)
{
    int line = 1, col = 1;
    size_t i = 0;
    while (i < off && i < L->r->source_len)
        step(L->r->source, L->r->source_len, &i, &line, &col);
    return (nb_pos){L->r->file, line, col};
}

/* Checks the whole source before libyaml sees it, so that a bad byte gets our message and an
 * exact position rather than a reader error with a byte offset. */
/* Combining marks stack on one character; shaping a stack costs its square. Unicode's
 * stream-safe format (UAX #15) allows 30 in a row, and so does nianbao. */
static int is_mark(hb_unicode_funcs_t *ucd, uint32_t c)
{
    if (c < 0x300)
        return 0;
    hb_unicode_general_category_t gc = hb_unicode_general_category(ucd, c);
    return gc == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
           gc == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
           gc == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

/* Printable ASCII, Han ideographs (Extension A and the unified block) and the full-width forms
 * of ASCII: nearly all of a report's characters. Each is allowed, visible, no combining mark
 * and no line break, so the checks below pass it without the look-ups. */
static int plain_char(uint32_t c)
{
    return (c >= 0x20 && c <= 0x7E) || (c >= 0x3400 && c <= 0x9FFF) ||
           (c >= 0xFF01 && c <= 0xFF5E);
}

static int check_source(loader *L)
{
    const char *s = L->r->source;
    size_t n = L->r->source_len;
    size_t i = 0;
    int line = 1, col = 1, marks = 0;
    hb_unicode_funcs_t *ucd = hb_unicode_funcs_get_default();
    while (i < n) {
        uint32_t c;
        size_t len = nb_utf8_decode(s + i, n - i, &c);
        if (!len) {
            error_at(L, (nb_pos){L->r->file, line, col},
                     "invalid UTF-8 (byte 0x%02X); the report must be UTF-8 text",
                     (unsigned char)s[i]);
            return 0;
        }
        if (plain_char(c)) { /* what step() does for it */
            marks = 0;
            i += len;
            col++;
            continue;
        }
        if (!allowed_char(c)) {
            error_at(L, (nb_pos){L->r->file, line, col}, "character U+%04X is not allowed",
                     (unsigned)c);
            return 0;
        }
        const char *invisible = invisible_name(c);
        if (invisible) {
            error_at(L, (nb_pos){L->r->file, line, col}, "U+%04X %s: remove it", (unsigned)c,
                     invisible);
            return 0;
        }
        marks = is_mark(ucd, c) ? marks + 1 : 0;
        if (marks > MAX_MARKS) {
            error_at(L, (nb_pos){L->r->file, line, col},
                     "more than %d combining marks in a row on one character", MAX_MARKS);
            return 0;
        }
        step(s, n, &i, &line, &col);
    }
    return 1;
}

static int check_text_chars(loader *L, const char *s, size_t n, nb_pos pos)
{
    size_t i = 0;
    int marks = 0;
    hb_unicode_funcs_t *ucd = hb_unicode_funcs_get_default();
    while (i < n) {
        uint32_t c;
        size_t len = nb_utf8_decode(s + i, n - i, &c);
        if (!len) {
            error_at(L, pos, "text is not valid UTF-8");
            return 0;
        }
        if (plain_char(c)) {
            marks = 0;
            i += len;
            continue;
        }
        if (!allowed_text_char(c)) {
            error_at(L, pos, "control character U+%04X is not allowed in text", (unsigned)c);
            return 0;
        }
        const char *invisible = invisible_name(c); /* written as an escape, "\u200b" */
        if (invisible) {
            error_at(L, pos, "U+%04X %s: remove it", (unsigned)c, invisible);
            return 0;
        }
        marks = is_mark(ucd, c) ? marks + 1 : 0;
        if (marks > MAX_MARKS) {
            error_at(L, pos, "more than %d combining marks in a row on one character", MAX_MARKS);
            return 0;
        }
        i += len;
    }
    return 1;
}

static ynode *append(ynode *parent)
{
    if (!parent->cap) { /* most collections are small: start with two, not nb_grow's eight */
        parent->items = nb_malloc(2 * sizeof *parent->items);
        parent->cap = 2;
    }
    nb_grow(&parent->items, &parent->cap, parent->n + 1, sizeof *parent->items);
    ynode *y = &parent->items[parent->n++];
    memset(y, 0, sizeof *y);
    return y;
}

static int compare_keys(const void *a, const void *b)
{
    const ynode *x = *(const ynode *const *)a, *y = *(const ynode *const *)b;
    int c = strcmp(x->value, y->value);
    if (c)
        return c;
    return x < y ? -1 : x > y; /* keeps the input order among equal keys */
}

/* Keys are strings, each given once. Sorting keeps a large mapping from costing n² compares,
 * and so does remembering where each run of equal keys starts; past MAX_DUPLICATES messages the
 * rest are counted in one line. */
static void check_mapping(loader *L, ynode *m)
{
    size_t nkeys = 0;
    const ynode **keys = nb_malloc((m->n / 2 + 1) * sizeof *keys);
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        if (m->items[i].type != YN_SCALAR)
            error_at(L, m->items[i].pos, "a key must be a string, not %s",
                     type_name(&m->items[i]));
        else
            keys[nkeys++] = &m->items[i];
    }
    qsort(keys, nkeys, sizeof *keys, compare_keys);
    size_t first = 0, reported = 0, more = 0;
    for (size_t i = 1; i < nkeys; i++) {
        if (strcmp(keys[first]->value, keys[i]->value) != 0) {
            first = i;
            continue;
        }
        if (reported++ < MAX_DUPLICATES)
            error_at(L, keys[i]->pos, "duplicate key '%s' (first given at line %d)",
                     keys[i]->value, keys[first]->pos.line);
        else
            more++;
    }
    if (more)
        error_at(L, m->pos, "and %zu more duplicate keys in this mapping", more);
    free((void *)keys);
}

/* Reads the event stream into root (a list holding the document's node). */
static int build_tree(loader *L, ynode *root)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        error_at(L, (nb_pos){L->r->file, 0, 0}, "cannot start the YAML parser");
        return 0;
    }
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&parser, (const unsigned char *)L->r->source, L->r->source_len);

    ynode *stack[MAX_DEPTH + 1];
    int depth = 0;
    stack[0] = root;
    int documents = 0, ok = 1, done = 0;
    while (ok && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            nb_pos pos = mark_pos(L, parser.problem_mark);
            if (parser.error == YAML_READER_ERROR)
                pos = byte_pos(L, parser.problem_offset);
            if (parser.context && (parser.context_mark.line != parser.problem_mark.line ||
                                   parser.context_mark.column != parser.problem_mark.column))
                error_at(L, pos, "invalid YAML: %s (%s at line %d column %d)",
                         parser.problem ? parser.problem : "syntax error", parser.context,
                         (int)parser.context_mark.line + 1, (int)parser.context_mark.column + 1);
            else if (parser.context)
                error_at(L, pos, "invalid YAML: %s (%s)",
                         parser.problem ? parser.problem : "syntax error", parser.context);
            else
                error_at(L, pos, "invalid YAML: %s",
                         parser.problem ? parser.problem : "syntax error");
            ok = 0;
            break;
        }
        nb_pos pos = mark_pos(L, ev.start_mark);
        size_t src = cursor_byte(&L->cur, ev.start_mark.index);
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                error_at(L, pos, "a report is one YAML document; found a second one here");
                ok = 0;
            }
            break;
        case YAML_ALIAS_EVENT:
            error_at(L, pos, "aliases are not allowed");
            ok = 0;
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            if (++L->nodes > MAX_NODES) {
                error_at(L, pos, "too many nodes: a report has at most %d", MAX_NODES);
                ok = 0;
                break;
            }
            if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length > MAX_TEXT) {
                error_at(L, pos, "text of %zu bytes is too long: at most %zu (64 KiB)",
                         ev.data.scalar.length, MAX_TEXT);
                ok = 0;
                break;
            }
            if (ev.type != YAML_SCALAR_EVENT && depth >= MAX_DEPTH) {
                error_at(L, pos, "nesting is too deep: at most %d levels", MAX_DEPTH);
                ok = 0;
                break;
            }
            ynode *y = append(stack[depth]);
            y->pos = pos;
            y->src = src;
            if (ev.type == YAML_SCALAR_EVENT) {
                y->type = YN_SCALAR;
                y->value = nb_strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
                y->len = ev.data.scalar.length;
                y->style = ev.data.scalar.style;
                y->str_tag = ev.data.scalar.tag &&
                             strcmp((const char *)ev.data.scalar.tag, YAML_STR_TAG) == 0;
                y->src_end = cursor_byte(&L->cur, ev.end_mark.index);
                if (strlen(y->value) != y->len) {
                    error_at(L, pos, "control character U+0000 is not allowed in text");
                    ok = 0;
                } else if (!check_text_chars(L, y->value, y->len, pos)) {
                    ok = 0;
                }
            } else {
                y->type = ev.type == YAML_MAPPING_START_EVENT ? YN_MAP : YN_SEQ;
                stack[++depth] = y;
            }
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            stack[depth]->src_end = cursor_byte(&L->cur, ev.end_mark.index);
            if (ev.type == YAML_MAPPING_END_EVENT)
                check_mapping(L, stack[depth]);
            if (depth > 0)
                depth--;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return ok;
}

/* ---- text normalisation -------------------------------------------------------------------- */

/* Characters set without spaces between them: CJK ideographs, kana, hangul, and the full-width
 * and CJK punctuation; also the curly quotes, dashes and ellipsis of Chinese text. A line break
 * next to one of them joins the lines without a space. */
static int is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE10 && c <= 0xFE1F) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) ||
           (c >= 0x20000 && c <= 0x3FFFF) || (c >= 0x2018 && c <= 0x201F) || c == 0x2014 ||
           c == 0x2015 || c == 0x2026 || c == 0x00B7;
}

static int is_space(uint32_t c) { return c == ' ' || c == '\t' || c == '\n'; }

/* Where the scalar's content begins in the source: after the opening quote, or after the header
 * line of a block scalar (which may carry a comment). */
static size_t content_start(const char *s, size_t n, size_t src, int style, int *line, int *col)
{
    size_t i = src;
    if (i >= n)
        return n;
    if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
        step(s, n, &i, line, col);
    } else if (style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE) {
        while (i < n && !is_break_byte(s, n, i))
            step(s, n, &i, line, col);
        if (i < n)
            step(s, n, &i, line, col);
    }
    return i;
}

/* Makes the text of a block (or of the title when keep_newlines is set). A run of white space
 * that stands for a line break — a newline in the value, or a line break in the source that YAML
 * folded into a space — joins the lines: with nothing when a character on either side is CJK,
 * with one space between Latin words. Spaces written inside a line are kept. With keep_newlines
 * a newline in the value stays a (single) newline: a forced line break. Leading and trailing
 * white space goes. To know which spaces were line breaks, the value is walked along the source
 * text, matching its non-space characters; escapes of a double-quoted scalar can make the walk
 * lose its place, and then the remaining spaces are kept as written. */
static char *normalise(const loader *L, const ynode *y, int keep_newlines, size_t *out_len)
{
    const char *src = L->r->source;
    size_t n = L->r->source_len;
    int line = 0, col = 0;
    size_t j = content_start(src, n, y->src, y->style, &line, &col);
    size_t end = y->src_end > n ? n : y->src_end;
    int aligned = y->style != YAML_LITERAL_SCALAR_STYLE;

    nb_buf b = {0};
    size_t i = 0, run_start = 0, run_end = 0;
    int in_run = 0, run_newline = 0;
    uint32_t prev = 0;
    while (i < y->len) {
        uint32_t c;
        size_t len = nb_utf8_decode(y->value + i, y->len - i, &c);
        if (!len)
            len = 1, c = 0xFFFD; /* not reached: values were checked */
        if (is_space(c)) {
            if (!in_run)
                run_start = i, run_newline = 0, in_run = 1;
            run_newline |= c == '\n';
            run_end = i + len;
            i += len;
            continue;
        }
        int source_break = 0;
        if (aligned) {
            size_t k = j;
            while (k < end && memcmp(src + k, y->value + i, len) != 0) {
                source_break |= is_break_byte(src, n, k);
                k += utf8_len((unsigned char)src[k]);
            }
            if (k < end)
                j = k + len;
            else
                aligned = 0, source_break = 0;
        }
        if (in_run && b.len > 0) {
            if (run_newline && keep_newlines)
                nb_buf_put(&b, "\n", 1);
            else if (run_newline || source_break) {
                if (!is_cjk(prev) && !is_cjk(c))
                    nb_buf_put(&b, " ", 1);
            } else {
                nb_buf_put(&b, y->value + run_start, run_end - run_start);
            }
        }
        in_run = 0;
        nb_buf_put(&b, y->value + i, len);
        prev = c;
        i += len;
    }
    if (!b.data)
        nb_buf_put(&b, "", 0);
    *out_len = b.len;
    return (char *)b.data;
}

/* ---- reading the tree against the schema --------------------------------------------------- */

static int is_null(const ynode *y)
{
    if (y->type != YN_SCALAR || y->style != YAML_PLAIN_SCALAR_STYLE || y->str_tag)
        return 0;
    const char *v = y->value;
    return !v[0] || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
           !strcmp(v, "NULL");
}

static nb_text raw_text(const ynode *y)
{
    nb_text t = {0};
    t.s = nb_strndup(y->value, y->len);
    t.len = y->len;
    t.pos = y->pos;
    t.src = y->src;
    t.style = y->style;
    return t;
}

/* Whether normalised text holds nothing but blanks: ASCII ones, the ideographic space U+3000,
 * no-break spaces and the other Unicode spaces. Such a paragraph prints as nothing. */
static int only_blanks(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t len = nb_utf8_decode(s + i, n - i, &c);
        if (!len)
            return 0;
        if (!(c == ' ' || c == '\t' || c == '\n' || c == 0xA0 || c == 0x1680 ||
              (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000))
            return 0;
        i += len;
    }
    return 1;
}

/* A text field: a non-empty scalar, normalised. `what` names it in messages. */
static int get_text(loader *L, const ynode *y, const char *what, int keep_newlines, nb_text *out)
{
    if (y->type != YN_SCALAR) {
        error_at(L, y->pos, "%s must be a string, not %s", what, type_name(y));
        return 0;
    }
    nb_text t = {.pos = y->pos, .src = y->src, .style = y->style};
    t.s = normalise(L, y, keep_newlines, &t.len);
    if (!t.len || is_null(y) || only_blanks(t.s, t.len)) {
        free(t.s);
        error_at(L, y->pos, "%s must not be empty%s", what,
                 t.len && !is_null(y) ? " (it holds only spaces)" : "");
        return 0;
    }
    free(out->s);
    *out = t;
    return 1;
}


/* `allowed` is a list like "table, values"; a close one is suggested (a typo is the usual
 * cause). */
static void unknown_key(loader *L, const ynode *key, const char *where, const char *allowed)
{
    char best[32] = "";
    int best_distance = 3;
    for (const char *p = allowed; *p;) {
        size_t n = strcspn(p, ",");
        char word[32];
        if (n < sizeof word) {
            memcpy(word, p, n);
            word[n] = 0;
            int d = (int)nb_edit_distance(key->value, word);
            if (d < best_distance && d < (int)n)
                best_distance = d, memcpy(best, word, n + 1);
        }
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    if (best[0])
        error_at(L, key->pos, "unknown key '%s' %s: did you mean '%s'? (allowed: %s)",
                 key->value, where, best, allowed);
    else
        error_at(L, key->pos, "unknown key '%s' %s (allowed: %s)", key->value, where, allowed);
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static void read_year(loader *L, const ynode *y)
{
    nb_report *r = L->r;
    r->year_pos = y->pos;
    size_t sign = y->type == YN_SCALAR && y->len > 0 && y->value[0] == '-';
    int digits = y->type == YN_SCALAR && y->style == YAML_PLAIN_SCALAR_STYLE && !y->str_tag &&
                 y->len > sign;
    for (size_t i = sign; digits && i < y->len; i++)
        digits = y->value[i] >= '0' && y->value[i] <= '9';
    if (!digits) {
        error_at(L, y->pos, "year must be an integer");
        return;
    }
    if (y->len - sign > 1 && y->value[sign] == '0') {
        error_at(L, y->pos, "year %s has a leading zero, which is ambiguous (YAML 1.1 reads it "
                 "as an octal number); write it without", y->value);
        return;
    }
    /* An integer too long for atoi is out of range too; it is named as written. */
    r->year = y->len - sign <= 9 ? atoi(y->value) : 0;
    if (r->year < 2000 || r->year > 2100)
        error_at(L, y->pos, "year %s is out of range: 2000–2100", y->value);
}

static void read_date(loader *L, const ynode *y)
{
    nb_report *r = L->r;
    if (!get_text(L, y, "date", 0, &r->date))
        return;
    const char *s = r->date.s;
    int shape = r->date.len == 10 && s[4] == '-' && s[7] == '-';
    for (int i = 0; shape && i < 10; i++)
        shape = i == 4 || i == 7 || (s[i] >= '0' && s[i] <= '9');
    if (!shape) {
        error_at(L, y->pos, "date '%s' must be written YYYY-MM-DD", s);
        return;
    }
    int yy = atoi(s), mm = atoi(s + 5), dd = atoi(s + 8);
    if (mm < 1 || mm > 12 || dd < 1 || dd > days_in_month(yy, mm)) {
        error_at(L, y->pos, "date '%s' is not a calendar date", s);
        return;
    }
    if (yy < 2000 || yy > 2102) { /* the years a report's year allows, and two after */
        error_at(L, y->pos, "date '%s' is out of range: a report is dated 2000 to 2102", s);
        return;
    }
    r->date_y = yy, r->date_m = mm, r->date_d = dd;
}

static void read_fonts(loader *L, const ynode *m)
{
    nb_report *r = L->r;
    if (m->type != YN_MAP) {
        error_at(L, m->pos, "fonts must be 'government' or a mapping from role to font names");
        return;
    }
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const ynode *k = &m->items[i], *v = &m->items[i + 1];
        if (k->type != YN_SCALAR)
            continue;
        int role = -1;
        for (int q = 0; q < NB_ROLES; q++)
            if (!strcmp(k->value, nb_role_names[q]))
                role = q;
        if (role < 0) {
            error_at(L, k->pos,
                     "unknown font role '%s' (allowed: title, heading1, heading2, body, table, "
                     "folio)", k->value);
            continue;
        }
        const ynode *names = v->type == YN_SEQ ? v->items : v;
        size_t count = v->type == YN_SEQ ? v->n : 1;
        if (v->type == YN_MAP) {
            error_at(L, v->pos, "fonts.%s must be a font name or a list of them", k->value);
            continue;
        }
        for (size_t f = 0; f < r->nfonts[role]; f++)
            free(r->fonts[role][f].s);
        free(r->fonts[role]);
        r->fonts[role] = nb_calloc(count, sizeof(nb_text));
        r->nfonts[role] = 0;
        for (size_t f = 0; f < count; f++) {
            nb_text t = {0};
            if (get_text(L, &names[f], "a font name", 0, &t))
                r->fonts[role][r->nfonts[role]++] = t;
        }
    }
}

/* A row written as one string of values separated by spaces, tabs, 、 or ， (pasted from a
 * spreadsheet): "3001 53 0 0 61 4 3119". Each value is read as an unquoted scalar would be: a
 * number, /, - or —, or ~ for a blank. Its position is its own inside the string (exact for a
 * string on one line). */
static void read_string_row(loader *L, const ynode *v, nb_row_input *row)
{
    const char *s = v->value;
    size_t n = v->len;
    int quoted = v->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                 v->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    size_t cap = 0;
    int col = v->pos.col + quoted;
    for (size_t i = 0; i < n;) {
        size_t sep = 0;
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
            sep = 1;
        else if (!strncmp(s + i, "、", strlen("、")) || !strncmp(s + i, "，", strlen("，")) ||
                 !strncmp(s + i, "\xe3\x80\x80", 3))
            sep = 3;
        if (sep) {
            i += sep;
            col++;
            continue;
        }
        size_t j = i;
        int chars = 0;
        while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' &&
               strncmp(s + j, "、", strlen("、")) && strncmp(s + j, "，", strlen("，")) &&
               strncmp(s + j, "\xe3\x80\x80", 3)) {
            j += utf8_len((unsigned char)s[j]);
            chars++;
        }
        if (j > n)
            j = n;
        if (row->ncells >= MAX_VALUES) {
            error_at(L, v->pos, "row '%s' has more than %d values", row->key.s, MAX_VALUES);
            return;
        }
        nb_grow(&row->cells, &cap, row->ncells + 1, sizeof *row->cells);
        nb_cell_input *ci = &row->cells[row->ncells++];
        memset(ci, 0, sizeof *ci);
        ci->text.s = nb_strndup(s + i, j - i);
        ci->text.len = j - i;
        ci->text.pos = (nb_pos){v->pos.file, v->pos.line, col};
        ci->text.src = v->src + (size_t)quoted + i;
        ci->text.style = YAML_PLAIN_SCALAR_STYLE;
        ci->is_null = !strcmp(ci->text.s, "~") || !strcmp(ci->text.s, "null");
        col += chars;
        i = j;
    }
    if (!row->ncells)
        error_at(L, v->pos, "row '%s' holds no values", row->key.s);
}

/* `blanks: zero` (a blank or "/" cell means none: 0 in the sums) or `blanks: blank` (the
 * default: a blank where a rule needs a number is reported). Returns 1 (zero), 2 (blank), or 0
 * after an error. */
static int read_blanks(loader *L, const ynode *v)
{
    if (v->type == YN_SCALAR && !strcmp(v->value, "zero"))
        return 1;
    if (v->type == YN_SCALAR && !strcmp(v->value, "blank"))
        return 2;
    error_at(L, v->pos, "blanks takes zero (a blank cell means none) or blank (the default)");
    return 0;
}

static void read_table(loader *L, const ynode *m, nb_block *b)
{
    b->kind = NB_BLOCK_TABLE;
    /* A table is at least a page or so of output even when empty: thousands of them took
     * minutes. Refused once, at the first table past the limit. */
    if (++L->tables == MAX_TABLES + 1)
        error_at(L, m->pos, "a report has at most %d tables", MAX_TABLES);
    nb_table_input *t = &b->table;
    const ynode *key = NULL, *values = NULL;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const ynode *k = &m->items[i];
        if (k->type != YN_SCALAR)
            continue;
        if (!strcmp(k->value, "table"))
            key = &m->items[i + 1];
        else if (!strcmp(k->value, "values"))
            values = &m->items[i + 1];
        else if (!strcmp(k->value, "blanks"))
            t->blanks = read_blanks(L, &m->items[i + 1]);
        else
            unknown_key(L, k, "in a table block", "table, values, blanks");
    }
    if (key)
        get_text(L, key, "table", 0, &t->key);
    if (!values) {
        error_at(L, m->pos, "missing key 'values'");
        return;
    }
    if (is_null(values))
        return; /* `values:` left empty: every row blank */
    if (values->type != YN_MAP) {
        error_at(L, values->pos, "values must be a mapping from row key to a list of values");
        return;
    }
    size_t nrows = values->n / 2;
    if (nrows > MAX_ROWS) {
        error_at(L, values->pos, "a table has at most %d rows; this one has %zu", MAX_ROWS,
                 nrows);
        return;
    }
    t->rows = nb_calloc(nrows, sizeof *t->rows);
    for (size_t i = 0; i < nrows; i++) {
        const ynode *k = &values->items[2 * i], *v = &values->items[2 * i + 1];
        if (k->type != YN_SCALAR)
            continue;
        nb_row_input *row = &t->rows[t->nrows++];
        row->key = raw_text(k);
        if (v->type == YN_SCALAR && !is_null(v)) {
            read_string_row(L, v, row);
            continue;
        }
        if (v->type != YN_SEQ) {
            error_at(L, v->pos, "row '%s' must be a list of values, e.g. [0, 0, 0], or the "
                     "values in one string, e.g. \"0 0 0\"", k->value);
            continue;
        }
        if (v->n > MAX_VALUES) {
            error_at(L, v->pos, "row '%s' has %zu values; a row has at most %d", k->value, v->n,
                     MAX_VALUES);
            continue;
        }
        row->cells = nb_calloc(v->n, sizeof *row->cells);
        for (size_t c = 0; c < v->n; c++) {
            const ynode *cell = &v->items[c];
            if (cell->type != YN_SCALAR) {
                error_at(L, cell->pos, "a table value must be a number, text or empty, not %s",
                         type_name(cell));
                continue;
            }
            nb_cell_input *ci = &row->cells[row->ncells++];
            ci->text = raw_text(cell);
            ci->quoted = cell->style != YAML_PLAIN_SCALAR_STYLE || cell->str_tag;
            ci->is_null = is_null(cell);
        }
    }
}

static void read_block_text(loader *L, const ynode *y, nb_block *b);

/* Reads a block and counts its text against MAX_TOTAL_TEXT, refused once, at the block that
 * passes it. */
static void read_block(loader *L, const ynode *y, nb_block *b)
{
    read_block_text(L, y, b);
    if (L->text_total <= MAX_TOTAL_TEXT && L->text_total + b->text.len > MAX_TOTAL_TEXT)
        error_at(L, y->pos, "the report's text is too long: at most %zu bytes (1 MiB) in all "
                 "blocks", MAX_TOTAL_TEXT);
    L->text_total += b->text.len + b->lead.len;
}

static void read_block_text(loader *L, const ynode *y, nb_block *b)
{
    if (y->type == YN_SCALAR) {
        b->kind = NB_BLOCK_PARAGRAPH;
        b->text = (nb_text){.pos = y->pos, .src = y->src, .style = y->style};
        b->text.s = normalise(L, y, 0, &b->text.len);
        if (!b->text.len || is_null(y))
            error_at(L, y->pos, "empty paragraph");
        else if (only_blanks(b->text.s, b->text.len))
            error_at(L, y->pos, "empty paragraph: it holds only spaces");
        return;
    }
    if (y->type != YN_MAP) {
        error_at(L, y->pos, "a block must be a paragraph (a string) or a mapping with one of "
                            "h2, h3, item, table");
        return;
    }
    if (y->n == 0) {
        error_at(L, y->pos, "empty block: write a string, or one of h2, h3, item, table");
        return;
    }
    for (size_t i = 0; i + 1 < y->n; i += 2)
        if (y->items[i].type == YN_SCALAR && !strcmp(y->items[i].value, "table")) {
            read_table(L, y, b);
            return;
        }
    const ynode *k = &y->items[0], *v = &y->items[1];
    if (k->type != YN_SCALAR)
        return; /* reported by check_mapping */
    static const struct { const char *key; nb_block_kind kind; const char *what; } kinds[] = {
        {"h2", NB_BLOCK_HEADING2, "h2"},
        {"h3", NB_BLOCK_HEADING3, "h3"},
        {"item", NB_BLOCK_ITEM, "item"},
    };
    int found = -1;
    for (int q = 0; q < 3; q++)
        if (!strcmp(k->value, kinds[q].key))
            found = q;
    if (found < 0) {
        error_at(L, k->pos, "unknown block key '%s' (allowed: h2, h3, item, table)", k->value);
        return;
    }
    if (found == 0 && y->n == 4 && y->items[2].type == YN_SCALAR &&
        !strcmp(y->items[2].value, "text")) {
        /* A run-in heading: the heading, then its paragraph on the same line. */
        b->kind = NB_BLOCK_RUNIN;
        get_text(L, v, "h2", 0, &b->lead);
        get_text(L, &y->items[3], "text", 0, &b->text);
        return;
    }
    if (y->n > 2) {
        const ynode *k2 = &y->items[2];
        error_at(L, k2->pos, "a block has one key; '%s' follows '%s' (start a new list entry "
                 "with '- ')", k2->type == YN_SCALAR ? k2->value : "?", k->value);
        return;
    }
    b->kind = kinds[found].kind;
    get_text(L, v, kinds[found].what, 0, &b->text);
}

static void read_section(loader *L, const ynode *m, nb_section *sec)
{
    sec->pos = m->pos;
    if (m->type != YN_MAP) {
        error_at(L, m->pos, "a section must be a mapping with heading and body, not %s",
                 type_name(m));
        return;
    }
    const ynode *body = NULL;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const ynode *k = &m->items[i], *v = &m->items[i + 1];
        if (k->type != YN_SCALAR)
            continue;
        if (!strcmp(k->value, "heading")) {
            if (!is_null(v))
                get_text(L, v, "heading", 0, &sec->heading);
        } else if (!strcmp(k->value, "body")) {
            body = v;
        } else {
            unknown_key(L, k, "in a section", "heading, body");
        }
    }
    if (!body) {
        error_at(L, m->pos, "missing key 'body'");
        return;
    }
    if (is_null(body))
        return; /* `body:` left empty: a section with no text */
    if (body->type != YN_SEQ) {
        error_at(L, body->pos, "body must be a list of blocks, not %s", type_name(body));
        return;
    }
    if (L->blocks + body->n > MAX_BLOCKS) {
        if (L->blocks <= MAX_BLOCKS) /* once, not again for every later section */
            error_at(L, body->pos, "a report has at most %d blocks", MAX_BLOCKS);
        L->blocks = MAX_BLOCKS + 1;
        return;
    }
    L->blocks += body->n;
    sec->blocks = nb_calloc(body->n, sizeof *sec->blocks);
    sec->nblocks = body->n;
    for (size_t i = 0; i < body->n; i++)
        read_block(L, &body->items[i], &sec->blocks[i]);
}

/* A title is set in one to three lines (GB/T 9704 7.3.1 shapes them); typed line breaks choose
 * where. More than two would be dropped by the title breaker, so they are refused here. */
static void check_title_breaks(loader *L, const nb_text *title)
{
    size_t breaks = 0;
    for (size_t i = 0; i < title->len; i++)
        breaks += title->s[i] == '\n';
    if (breaks > MAX_TITLE_BREAKS)
        error_at(L, title->pos, "the title has %zu typed line breaks; at most %d (a title has "
                 "at most %d lines)", breaks, MAX_TITLE_BREAKS, MAX_TITLE_BREAKS + 1);
}

static void read_report(loader *L, const ynode *root)
{
    nb_report *r = L->r;
    if (root->type != YN_MAP) {
        error_at(L, root->pos, "a report must be a mapping with agency, year, date, layout and "
                               "sections, not %s", type_name(root));
        return;
    }
    static const char allowed[] =
        "agency, year, title, date, layout, signoff, seal, fonts, style, preamble, blanks, "
        "sections";
    const ynode *agency = NULL, *year = NULL, *date = NULL, *layout = NULL, *sections = NULL,
                *seal = NULL, *signoff = NULL, *preamble = NULL;
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const ynode *k = &root->items[i], *v = &root->items[i + 1];
        if (k->type != YN_SCALAR)
            continue;
        const char *key = k->value;
        if (!strcmp(key, "agency")) {
            agency = v;
            get_text(L, v, "agency", 0, &r->agency);
        } else if (!strcmp(key, "year")) {
            year = v;
            read_year(L, v);
        } else if (!strcmp(key, "title")) {
            if (!is_null(v) && get_text(L, v, "title", 1, &r->title))
                check_title_breaks(L, &r->title);
        } else if (!strcmp(key, "date")) {
            date = is_null(v) ? NULL : v;
            if (date)
                read_date(L, v);
        } else if (!strcmp(key, "preamble")) {
            preamble = is_null(v) ? NULL : v;
        } else if (!strcmp(key, "layout")) {
            layout = v;
            get_text(L, v, "layout", 0, &r->layout);
        } else if (!strcmp(key, "signoff")) {
            signoff = is_null(v) ? NULL : v;
            if (signoff)
                get_text(L, v, "signoff", 0, &r->signoff);
        } else if (!strcmp(key, "seal")) {
            seal = is_null(v) ? NULL : v;
            if (seal)
                get_text(L, v, "seal", 0, &r->seal);
        } else if (!strcmp(key, "fonts")) {
            if (v->type == YN_SCALAR && !is_null(v) && !strcmp(v->value, "government")) {
                r->fonts_government = 1;
                r->fonts_government_pos = v->pos;
            } else if (!is_null(v)) {
                read_fonts(L, v);
            }
        } else if (!strcmp(key, "style")) {
            nb_text t = {0};
            if (get_text(L, v, "style", 0, &t)) {
                if (!strcmp(t.s, "grid"))
                    r->style = NB_STYLE_GRID;
                else if (!strcmp(t.s, "compact"))
                    r->style = NB_STYLE_COMPACT;
                else
                    error_at(L, v->pos, "style must be grid or compact, not '%s'", t.s);
                free(t.s);
            }
        } else if (!strcmp(key, "blanks")) {
            r->blanks_zero = read_blanks(L, v) == 1;
        } else if (!strcmp(key, "sections")) {
            sections = v;
        } else {
            unknown_key(L, k, "in the report", allowed);
        }
    }
    static const char *const required[] = {"agency", "year", "layout", "sections"};
    const ynode *given[] = {agency, year, layout, sections};
    for (int i = 0; i < 4; i++)
        if (!given[i])
            error_at(L, root->pos, "missing key '%s'", required[i]);
    if (signoff && !date)
        error_at(L, signoff->pos, "signoff needs date: the 落款 prints the 成文日期 under the "
                 "agency (date: YYYY-MM-DD)");
    if (preamble) {
        if (preamble->type != YN_SEQ) {
            error_at(L, preamble->pos, "preamble must be a list of paragraphs");
        } else if (L->blocks + preamble->n > MAX_BLOCKS) {
            error_at(L, preamble->pos, "a report has at most %d blocks", MAX_BLOCKS);
            L->blocks = MAX_BLOCKS + 1;
        } else {
            L->blocks += preamble->n;
            r->preamble = nb_calloc(preamble->n ? preamble->n : 1, sizeof *r->preamble);
            r->npreamble = preamble->n;
            for (size_t i = 0; i < preamble->n; i++) {
                read_block(L, &preamble->items[i], &r->preamble[i]);
                if (r->preamble[i].kind == NB_BLOCK_TABLE)
                    error_at(L, preamble->items[i].pos, "a table belongs in a section, not in "
                             "the preamble");
            }
        }
    }
    /* A report on year Y is written once Y is over, by January 31 of Y + 1 (条例 第四十九条),
     * or, revised or published late, after that; never before Y. Much later is unusual but
     * happens (a missing year published afterwards): a warning. */
    if (date && year && r->date_y && r->year >= 2000) {
        if (r->date_y < r->year)
            error_at(L, date->pos, "date '%s' is before the year the report is on (%d)",
                     r->date.s, r->year);
        else if (r->date_y > r->year + 1)
            nb_diag_add(L->diags, NB_WARNING, date->pos,
                        "date '%s' is %d years after the year the report is on (%d); is the "
                        "year or the date wrong?", r->date.s, r->date_y - r->year, r->year);
    }
    if (seal && !signoff)
        error_at(L, seal->pos, "seal needs signoff: the seal is placed over the signature");
    if (sections) {
        if (sections->type != YN_SEQ)
            error_at(L, sections->pos, "sections must be a list of six sections");
        else if (sections->n != NB_SECTIONS)
            error_at(L, sections->pos, "sections must be a list of six sections; found %zu",
                     sections->n);
        else
            for (int s = 0; s < NB_SECTIONS; s++)
                read_section(L, &sections->items[s], &r->sections[s]);
    }
    if (r->title.s) {
        r->title_text = nb_strdup(r->title.s);
    } else if (r->agency.s) {
        nb_buf b = {0};
        nb_buf_printf(&b, "%s%d年政府信息公开工作年度报告", r->agency.s, r->year);
        r->title_text = (char *)b.data;
    }
}

int nb_report_parse(const char *name, const char *data, size_t size, nb_report **out,
                    nb_diags *diags)
{
    *out = NULL;
    nb_report *r = nb_calloc(1, sizeof *r);
    r->file = nb_strdup(name ? name : "<report>");
    loader L = {.r = r, .diags = diags};
    if (size > MAX_INPUT) {
        error_at(&L, (nb_pos){r->file, 0, 0},
                 "the report is %zu bytes; at most %zu (8 MiB) are accepted", size, MAX_INPUT);
        nb_report_free(r);
        return NB_EINPUT;
    }
    /* A UTF-8 byte order mark is dropped so that columns on the first line count from 1. */
    if (size >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        data += 3, size -= 3;
    r->source = nb_strndup(data ? data : "", size);
    r->source_len = size;
    L.cur = (cursor){r->source, size, 0, 0};

    ynode root = {.type = YN_SEQ};
    if (check_source(&L) && build_tree(&L, &root) && L.errors == 0) {
        if (root.n == 0)
            error_at(&L, (nb_pos){r->file, 1, 1},
                     "the report is empty: expected a mapping with agency, year, date, layout "
                     "and sections");
        else
            read_report(&L, &root.items[0]);
    }
    ynode_free(&root);
    if (L.errors) {
        nb_report_free(r);
        return NB_EINPUT;
    }
    *out = r;
    return NB_OK;
}

/* ---- positions inside texts ---------------------------------------------------------------- */

/* The character is found by counting: the k-th occurrence of its code point in the text is
 * taken to be the k-th in the source from the scalar's content on. Normalisation only removes
 * or replaces white space, and block scalars and plain scalars hold their characters verbatim,
 * so this is exact for every non-space character but those produced by escapes. A white-space
 * character is placed at the non-space character before it. */
nb_pos nb_report_text_pos(const nb_report *r, const nb_text *t, size_t offset)
{
    nb_pos pos = t->pos;
    if (!r || !r->source || !t->s || offset >= t->len || t->src >= r->source_len)
        return pos;
    while (offset > 0 && ((unsigned char)t->s[offset] & 0xC0) == 0x80)
        offset--;
    uint32_t c = 0;
    size_t len = nb_utf8_decode(t->s + offset, t->len - offset, &c);
    while (len && is_space(c)) {
        if (offset == 0)
            return pos;
        do
            offset--;
        while (offset > 0 && ((unsigned char)t->s[offset] & 0xC0) == 0x80);
        len = nb_utf8_decode(t->s + offset, t->len - offset, &c);
    }
    if (!len)
        return pos;
    size_t before = 0;
    for (size_t i = 0; i < offset;) {
        if (!memcmp(t->s + i, t->s + offset, len))
            before++;
        i += utf8_len((unsigned char)t->s[i]);
    }
    const char *s = r->source;
    size_t n = r->source_len;
    int line = pos.line, col = pos.col;
    size_t i = content_start(s, n, t->src, t->style, &line, &col);
    int dq = t->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    int sq = t->style == YAML_SINGLE_QUOTED_SCALAR_STYLE;
    while (i < n) {
        if (dq && s[i] == '"')
            break;
        if (sq && s[i] == '\'') {
            if (i + 1 < n && s[i + 1] == '\'' && c == '\'') {
                if (before-- == 0)
                    return (nb_pos){pos.file, line, col};
                i += 2, col += 2;
                continue;
            }
            if (i + 1 < n && s[i + 1] == '\'') {
                i += 2, col += 2;
                continue;
            }
            break;
        }
        if (dq && s[i] == '\\') { /* an escape stands for some other character: skip it */
            step(s, n, &i, &line, &col);
            if (i < n)
                step(s, n, &i, &line, &col);
            continue;
        }
        if (i + len <= n && !memcmp(s + i, t->s + offset, len) && before-- == 0)
            return (nb_pos){pos.file, line, col};
        step(s, n, &i, &line, &col);
    }
    return pos;
}

static void block_free(nb_block *blk)
{
    free(blk->text.s);
    free(blk->lead.s);
    nb_table_input *t = &blk->table;
    free(t->key.s);
    for (size_t i = 0; i < t->nrows; i++) {
        free(t->rows[i].key.s);
        for (size_t c = 0; c < t->rows[i].ncells; c++)
            free(t->rows[i].cells[c].text.s);
        free(t->rows[i].cells);
    }
    free(t->rows);
}

void nb_report_free(nb_report *r)
{
    if (!r)
        return;
    free(r->agency.s);
    free(r->title.s);
    free(r->title_text);
    free(r->date.s);
    free(r->layout.s);
    free(r->signoff.s);
    free(r->seal.s);
    free(r->seal_data);
    for (int q = 0; q < NB_ROLES; q++) {
        for (size_t f = 0; f < r->nfonts[q]; f++)
            free(r->fonts[q][f].s);
        free(r->fonts[q]);
    }
    for (int s = 0; s < NB_SECTIONS; s++) {
        nb_section *sec = &r->sections[s];
        free(sec->heading.s);
        for (size_t b = 0; b < sec->nblocks; b++)
            block_free(&sec->blocks[b]);
        free(sec->blocks);
    }
    for (size_t b = 0; b < r->npreamble; b++)
        block_free(&r->preamble[b]);
    free(r->preamble);

    for (size_t i = 0; i < r->ntables; i++)
        nb_table_free(r->tables[i]);
    free(r->tables);
    free(r->source);
    free(r->file);
    free(r);
}
