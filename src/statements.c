/* The statement patterns of layouts/statements.yaml and the finder (statements.h). */
#include "statements.h"
#include "frozen.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- loading -------------------------------------------------------------------------------- */

typedef struct loader {
    yaml_document_t *doc;
    nb_statements *s;
    nb_diags *d;
    int errors;
} loader;

static nb_pos node_pos(const loader *L, const yaml_node_t *n)
{
    return (nb_pos){L->s->file, (int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
}

static void load_error(loader *L, const yaml_node_t *n, const char *msg, const char *what)
{
    nb_diag_add(L->d, NB_ERROR, node_pos(L, n), msg, what);
    L->errors++;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A string or a list of strings. */
static void read_list(loader *L, const yaml_node_t *n, const char *key, char ***out, size_t *count)
{
    if (scalar(n)) {
        *out = nb_calloc(1, sizeof **out);
        (*out)[(*count)++] = nb_strdup(scalar(n));
        return;
    }
    if (n->type != YAML_SEQUENCE_NODE) {
        load_error(L, n, "%s must be a word or a list of words", key);
        return;
    }
    size_t total = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    *out = nb_calloc(total ? total : 1, sizeof **out);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        const yaml_node_t *item = yaml_document_get_node(L->doc, *it);
        if (!scalar(item) || !scalar(item)[0]) {
            load_error(L, item, "%s must be a list of words", key);
            continue;
        }
        (*out)[(*count)++] = nb_strdup(scalar(item));
    }
}

static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return nb_strndup(s, n);
}

/* "applications.new.总计 + appeals.*.尚未审结 + applications.new.其他?" */
static void read_expr(loader *L, const yaml_node_t *n, nb_stmt_term **terms, size_t *nterms)
{
    const char *s = scalar(n);
    if (!s) {
        load_error(L, n, "%s must be a sum of TABLE.ROW.COLUMN", "the expression");
        return;
    }
    size_t parts = 1;
    for (const char *p = s; *p; p++)
        parts += *p == '+';
    *terms = nb_calloc(parts, sizeof **terms);
    for (const char *p = s;;) {
        const char *plus = strchr(p, '+');
        size_t len = plus ? (size_t)(plus - p) : strlen(p);
        char *term = trimmed(p, len);
        char *d1 = strchr(term, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
        if (!d1 || !d2 || strchr(d2 + 1, '.') || d1 == term || d2 == d1 + 1 || !d2[1]) {
            load_error(L, n, "'%s' is not TABLE.ROW.COLUMN", term);
            free(term);
        } else {
            nb_stmt_term *t = &(*terms)[(*nterms)++];
            t->table = nb_strndup(term, (size_t)(d1 - term));
            size_t rl = (size_t)(d2 - d1 - 1);
            t->row_prefix = d1[rl] == '*';
            t->row = nb_strndup(d1 + 1, rl - (size_t)t->row_prefix);
            size_t cl = strlen(d2 + 1);
            t->optional = d2[cl] == '?';
            t->column = nb_strndup(d2 + 1, cl - (size_t)t->optional);
            free(term);
        }
        if (!plus)
            break;
        p = plus + 1;
    }
}

static int read_int(loader *L, const yaml_node_t *n, const char *key)
{
    const char *s = scalar(n);
    char *end = NULL;
    long v = s ? strtol(s, &end, 10) : -1;
    if (!s || *end || v < 0 || v > 64) {
        load_error(L, n, "%s must be a whole number of characters, 0 to 64", key);
        return 0;
    }
    return (int)v;
}

static void read_contexts(loader *L, const yaml_node_t *n, nb_statement *st);

static void read_statement(loader *L, const yaml_node_t *m, int claim)
{
    if (m->type != YAML_MAPPING_NODE) {
        load_error(L, m, "%s must be a mapping", claim ? "a claim" : "a statement");
        return;
    }
    nb_statements *s = L->s;
    nb_statement *st = &s->items[s->n++];
    *st = (nb_statement){.claim = claim, .gap = 12, .within = 10, .pos = node_pos(L, m)};
    const yaml_node_t *expr = NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(L->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(L->doc, p->value);
        const char *key = scalar(k) ? scalar(k) : "";
        if (!strcmp(key, "id") && scalar(v))
            st->id = nb_strdup(scalar(v));
        else if (!strcmp(key, "en") && scalar(v))
            st->en = nb_strdup(scalar(v));
        else if (!strcmp(key, "zh") && scalar(v))
            st->zh = nb_strdup(scalar(v));
        else if (!strcmp(key, "words"))
            read_list(L, v, key, &st->words, &st->nwords);
        else if (!strcmp(key, "then"))
            read_list(L, v, key, &st->then, &st->nthen);
        else if (!strcmp(key, "not"))
            read_list(L, v, key, &st->not_words, &st->nnot);
        else if (!strcmp(key, "units") && !claim)
            read_list(L, v, key, &st->units, &st->nunits);
        else if (!strcmp(key, "layouts"))
            read_list(L, v, key, &st->layouts, &st->nlayouts);
        else if (!strcmp(key, "gap"))
            st->gap = read_int(L, v, key);
        else if (!strcmp(key, "within") && !claim)
            st->within = read_int(L, v, key);
        else if (!strcmp(key, claim ? "zero" : "value"))
            expr = v;
        else if (!strcmp(key, "context") && !claim)
            read_contexts(L, v, st);
        else
            load_error(L, k, claim ? "unknown key '%s' in a claim (id, en, zh, words, then, not, "
                                     "gap, layouts, zero)"
                                   : "unknown key '%s' in a statement (id, en, zh, words, then, "
                                     "not, units, gap, within, layouts, value, context)",
                       key);
    }
    if (!st->id || !st->en || !st->zh || !st->nwords || (!claim && !st->nunits) ||
        (claim && !expr))
        load_error(L, m, "%s needs id, en, zh, words and units (a claim: zero instead of units)",
                   claim ? "a claim" : "a statement");
    if (expr)
        read_expr(L, expr, &st->terms, &st->nterms);
}

/* context: [{words: [...], value: EXPR}, ...] */
static void read_contexts(loader *L, const yaml_node_t *n, nb_statement *st)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        load_error(L, n, "%s must be a list of {words, value}", "context");
        return;
    }
    size_t total = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    st->contexts = nb_calloc(total ? total : 1, sizeof *st->contexts);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        const yaml_node_t *m = yaml_document_get_node(L->doc, *it);
        if (m->type != YAML_MAPPING_NODE) {
            load_error(L, m, "%s must be a list of {words, value}", "context");
            continue;
        }
        nb_stmt_context *cx = &st->contexts[st->ncontexts++];
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
             p++) {
            const yaml_node_t *k = yaml_document_get_node(L->doc, p->key);
            const yaml_node_t *v = yaml_document_get_node(L->doc, p->value);
            const char *key = scalar(k) ? scalar(k) : "";
            if (!strcmp(key, "words"))
                read_list(L, v, key, &cx->words, &cx->nwords);
            else if (!strcmp(key, "value"))
                read_expr(L, v, &cx->terms, &cx->nterms);
            else
                load_error(L, k, "unknown key '%s' in a context (words, value)", key);
        }
        if (!cx->nwords || !cx->nterms)
            load_error(L, m, "%s needs words and value", "a context");
    }
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static void free_terms(nb_stmt_term *terms, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(terms[k].table);
        free(terms[k].row);
        free(terms[k].column);
    }
    free(terms);
}

void nb_statements_free(nb_statements *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        nb_statement *st = &s->items[i];
        free(st->id);
        free(st->en);
        free(st->zh);
        free_list(st->words, st->nwords);
        free_list(st->then, st->nthen);
        free_list(st->not_words, st->nnot);
        free_list(st->units, st->nunits);
        free_list(st->layouts, st->nlayouts);
        free_terms(st->terms, st->nterms);
        for (size_t k = 0; k < st->ncontexts; k++) {
            free_list(st->contexts[k].words, st->contexts[k].nwords);
            free_terms(st->contexts[k].terms, st->contexts[k].nterms);
        }
        free(st->contexts);
    }
    free(s->items);
    free(s->file);
    free(s);
}

int nb_statements_load(const char *path, nb_statements **out, nb_diags *d)
{
    *out = NULL;
    size_t size = 0;
    char *data = nb_read_file(path, SIZE_MAX, &size);
    if (!data) {
        nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0}, "cannot read: %s", strerror(errno));
        return NB_EINPUT;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    /* The shipped file's tree was made at build time (frozen.h); any other is parsed. Only
     * the nodes are read here, and yaml_document_delete is not called on a frozen one. */
    const nb_frozen *frozen = nb_frozen_find(data, size);
    if (frozen) {
        size_t nnodes = 0;
        memset(&doc, 0, sizeof doc);
        nb_frozen_thaw(frozen, &doc.nodes.start, &nnodes);
        doc.nodes.top = doc.nodes.end = doc.nodes.start + nnodes;
    } else {
        yaml_parser_set_input_string(&parser, (const unsigned char *)data, size);
        if (!yaml_parser_load(&parser, &doc)) {
            nb_diag_add(d, NB_ERROR,
                        (nb_pos){path, (int)parser.problem_mark.line + 1,
                                 (int)parser.problem_mark.column + 1},
                        "%s", parser.problem ? parser.problem : "not YAML");
            yaml_parser_delete(&parser);
            free(data);
            return NB_EINPUT;
        }
    }
    nb_statements *s = nb_calloc(1, sizeof *s);
    s->file = nb_strdup(path);
    loader L = {.doc = &doc, .s = s, .d = d};
    const yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        nb_diag_add(d, NB_ERROR, (nb_pos){path, 1, 1},
                    "a statements file is a mapping with statements and claims");
        L.errors++;
    } else {
        size_t cap = 0;
        for (int pass = 0; pass < 2; pass++)
            for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
                 p < root->data.mapping.pairs.top; p++) {
                const yaml_node_t *k = yaml_document_get_node(&doc, p->key);
                const yaml_node_t *v = yaml_document_get_node(&doc, p->value);
                const char *key = scalar(k) ? scalar(k) : "";
                int claim = !strcmp(key, "claims");
                if (!claim && strcmp(key, "statements")) {
                    if (pass == 0)
                        load_error(&L, k, "unknown key '%s' (statements, claims)", key);
                    continue;
                }
                if (v->type != YAML_SEQUENCE_NODE) {
                    if (pass == 0)
                        load_error(&L, v, "%s must be a list", key);
                    continue;
                }
                size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
                if (pass == 0) {
                    cap += n;
                    continue;
                }
                if (!s->items)
                    s->items = nb_calloc(cap ? cap : 1, sizeof *s->items);
                for (yaml_node_item_t *it = v->data.sequence.items.start;
                     it < v->data.sequence.items.top; it++)
                    read_statement(&L, yaml_document_get_node(&doc, *it), claim);
            }
    }
    if (frozen)
        free(doc.nodes.start);
    else
        yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    free(data);
    if (L.errors) {
        nb_statements_free(s);
        return NB_EINPUT;
    }
    *out = s;
    return NB_OK;
}

/* ---- finding statements in a text ---------------------------------------------------------- */

/* Clause breaks: a number after one of these belongs to another statement. */
static int is_break(uint32_t cp)
{
    static const uint32_t breaks[] = {0xFF0C, 0x3002, 0xFF1B, 0xFF1A, 0x3001, 0xFF08, 0xFF09,
                                      0xFF01, 0xFF1F, 0x201C, 0x201D, 0x300A, 0x300B, ',', ';',
                                      ':', '(', ')', '!', '?', '\n'};
    for (size_t i = 0; i < sizeof breaks / sizeof *breaks; i++)
        if (cp == breaks[i])
            return 1;
    return 0;
}

static int starts(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
}

static int any_starts(const char *p, const char *end, char **words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (starts(p, end, words[i]))
            return 1;
    return 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* A number at p: digits, thousands commas (3,119), decimals (73802895.90). Returns its end, or
 * NULL when it is too long. */
static const char *read_number(const char *p, const char *end, int64_t *value, int *decimals)
{
    int64_t v = 0;
    int digits = 0, dec = -1;
    while (p < end) {
        if (is_digit(*p)) {
            if (++digits > 15)
                return NULL;
            v = v * 10 + (*p - '0');
            if (dec >= 0)
                dec++;
            p++;
        } else if (*p == ',' && dec < 0 && end - p > 3 && is_digit(p[1]) && is_digit(p[2]) &&
                   is_digit(p[3]) && (end - p == 4 || !is_digit(p[4]))) {
            p++;
        } else if (*p == '.' && dec < 0 && end - p > 1 && is_digit(p[1])) {
            dec = 0;
            p++;
        } else {
            break;
        }
    }
    *value = v;
    *decimals = dec < 0 ? 0 : dec;
    return p;
}

/* The words before a number that make it approximate or a lower bound; *len: their length. */
static nb_num_mode prefix_mode(const char *start, const char *num, size_t *len)
{
    *len = 0;
    static const struct { const char *w; nb_num_mode m; } words[] = {
        {"超过", NB_NUM_AT_LEAST}, {"逾", NB_NUM_AT_LEAST}, {"大约", NB_NUM_ABOUT},
        {"约", NB_NUM_ABOUT},      {"近", NB_NUM_ABOUT},    {"接近", NB_NUM_ABOUT},
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t n = strlen(words[i].w);
        if ((size_t)(num - start) >= n && !memcmp(num - n, words[i].w, n)) {
            *len = n;
            return words[i].m;
        }
    }
    return NB_NUM_EXACT;
}

/* From p, within `limit` characters of one clause, with none of `not` on the way: the start of
 * one of `words`, whose length goes to *len; or NULL. */
static const char *find_within(const char *p, const char *end, char **words, size_t nwords,
                               const nb_statement *st, int limit, size_t *len)
{
    for (int chars = 0; p < end && chars <= limit; chars++) {
        for (size_t i = 0; i < nwords; i++)
            if (starts(p, end, words[i])) {
                *len = strlen(words[i]);
                return p;
            }
        uint32_t cp;
        size_t n = nb_utf8_decode(p, (size_t)(end - p), &cp);
        if (!n || is_break(cp) || any_starts(p, end, st->not_words, st->nnot))
            return NULL;
        p += n;
    }
    return NULL;
}

/* ---- Chinese numerals ---------------------------------------------------------------------- */

/* A digit's value (两 is 2, 〇 and 零 are 0), or -1. */
static int cn_digit(uint32_t cp)
{
    switch (cp) {
    case 0x96F6: case 0x3007: return 0; /* 零 〇 */
    case 0x4E00: return 1;              /* 一 */
    case 0x4E8C: case 0x4E24: return 2; /* 二 两 */
    case 0x4E09: return 3;              /* 三 */
    case 0x56DB: return 4;              /* 四 */
    case 0x4E94: return 5;              /* 五 */
    case 0x516D: return 6;              /* 六 */
    case 0x4E03: return 7;              /* 七 */
    case 0x516B: return 8;              /* 八 */
    case 0x4E5D: return 9;              /* 九 */
    }
    return -1;
}

/* A unit's value (十 百 千 万), or 0. */
static int cn_unit(uint32_t cp)
{
    return cp == 0x5341 ? 10 : cp == 0x767E ? 100 : cp == 0x5343 ? 1000 : cp == 0x4E07 ? 10000 : 0;
}

static int cn_char(uint32_t cp) { return cn_digit(cp) >= 0 || cn_unit(cp); }

/* One section below 万 of tok[*i..n): digit-unit pairs in falling order, 零 for a gap (一百零五),
 * the ones digit last; 十 alone leads only the number's first section (十五). After 万 the
 * section starts with 零 unless it has thousands (一万零五百, 一万二千). Returns -1 when it is
 * not well formed. */
static int64_t cn_section(const uint32_t *tok, size_t n, size_t *i, int first)
{
    int64_t val = 0;
    int last = 10000, any = 0, zero = 0;
    while (*i < n && tok[*i] != 0x4E07) {
        uint32_t t = tok[*i];
        int d = cn_digit(t), u = cn_unit(t);
        if (d == 0) {
            if (zero || (!any && first))
                return -1;
            zero = 1;
            (*i)++;
            continue;
        }
        if (d > 0) {
            int next = *i + 1 < n ? cn_unit(tok[*i + 1]) : 0;
            if (next && next < 10000) {
                if (next >= last || (t == 0x4E24 && next == 10))
                    return -1;
                /* A skipped unit needs its 零: 一千零五十, not 一千五十. */
                if ((any || !first) && !zero && next * 10 != last)
                    return -1;
                if (zero && next * 10 == last)
                    return -1;
                val += (int64_t)d * next;
                last = next;
                any = 1;
                zero = 0;
                *i += 2;
                continue;
            }
            /* The ones digit ends the section: after 十 or 零 (二十一, 一百零五), or alone. */
            if (any && !zero && last != 10)
                return -1; /* 一百五: colloquial 150, not read */
            if (any && t == 0x4E24)
                return -1; /* 二十两 */
            if (!any && !first && !zero)
                return -1;
            val += d;
            (*i)++;
            return *i < n && tok[*i] != 0x4E07 ? -1 : val;
        }
        /* 十 with no digit before it: only at the start of the number (十五). */
        if (u == 10 && !any && first && !zero) {
            val = 10;
            last = 10;
            any = 1;
            (*i)++;
            continue;
        }
        return -1;
    }
    return any && !zero ? val : -1;
}

/* Characters a numeral stands after, or before, when it is part of a word. */
static const uint32_t cn_word_before[] = {
    0x7B2C, 0x7EDF, 0x552F, 0x5355, 0x9010, 0x5176, 0x4E4B, 0x521D, 0x5468, /* 第统唯单逐其之初周 */
    0x540C, 0x5212, 0x5408, 0x4E13, 0x5F52, 0x7EAF, 0x661F,                 /* 同划合专归纯星 */
};
static const uint32_t cn_word_after[] = {
    0x4E9B, 0x5F8B, 0x65B9, 0x5206, 0x822C, 0x5207, 0x76F4, 0x81F4, 0x6837, /* 些律方分般切直致样 */
    0x5B9A, 0x65E6, 0x518D, 0x5EA6, 0x4F53, 0x624B, 0x7EBF, 0x7EA7, 0x5B63, /* 定旦再度体手线级季 */
    0x6708, 0x5E74, 0x65E5, 0x53F7, 0x65F6, 0x5929, 0x5411, 0x6982, 0x5E76, /* 月年日号时天向概并 */
    0x9053, 0x756A, 0x8D2F, 0x5757, 0x70B9, 0x7CFB, 0x9762, 0x534A,         /* 道番贯块点系面半 */
};

static int in_list(uint32_t cp, const uint32_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == cp)
            return 1;
    return 0;
}

size_t nb_cn_numeral(const char *text, size_t len, size_t at, int64_t *value)
{
    uint32_t tok[16], cp;
    size_t n = 0, p = at;
    while (p < len) {
        size_t k = nb_utf8_decode(text + p, len - p, &cp);
        if (!k || !cn_char(cp))
            break;
        if (n == sizeof tok / sizeof *tok)
            return 0; /* a run this long is no count */
        tok[n++] = cp;
        p += k;
    }
    if (!n)
        return 0;
    /* The character before: another numeral (the run starts earlier) or a word's first part. */
    if (at > 0) {
        size_t b = at - 1;
        while (b > 0 && ((unsigned char)text[b] & 0xC0) == 0x80)
            b--;
        if (nb_utf8_decode(text + b, at - b, &cp) == at - b &&
            (cn_char(cp) || in_list(cp, cn_word_before, sizeof cn_word_before / sizeof *cn_word_before)))
            return 0;
    }
    if (p < len && nb_utf8_decode(text + p, len - p, &cp) &&
        in_list(cp, cn_word_after, sizeof cn_word_after / sizeof *cn_word_after))
        return 0;
    int64_t v;
    size_t i = 0;
    if (n == 1 && cn_digit(tok[0]) == 0) {
        v = 0;
        i = 1;
    } else {
        v = cn_section(tok, n, &i, 1);
        if (v >= 0 && i < n) { /* 万 */
            i++;
            int64_t low = i < n ? cn_section(tok, n, &i, 0) : 0;
            v = low < 0 ? -1 : v * 10000 + low;
        }
    }
    if (v < 0 || i != n)
        return 0;
    *value = v;
    return p - at;
}

/* What follows a number that ends at `after`: 余/多 (the number is then a lower bound) and the
 * longest of the statement's units. Fills f and returns 1 when a unit follows; a count needs
 * one, whether written in digits or in Chinese numerals. */
static int count_with_unit(const nb_statement *st, const char *start, const char *q,
                           const char *after, const char *end, const char *text, nb_found *f)
{
    size_t prefix;
    nb_num_mode mode = prefix_mode(start, q, &prefix);
    if (starts(after, end, "余") || starts(after, end, "多")) {
        after += strlen("余");
        if (mode == NB_NUM_EXACT)
            mode = NB_NUM_AT_LEAST;
    }
    const char *unit = NULL;
    for (size_t u = 0; u < st->nunits; u++)
        if (starts(after, end, st->units[u]) && (!unit || strlen(st->units[u]) > strlen(unit)))
            unit = st->units[u];
    if (!unit)
        return 0;
    f->num_at = (size_t)(q - text);
    f->shown_at = f->num_at - prefix;
    f->end = (size_t)(after - text) + strlen(unit);
    f->mode = mode;
    f->unit = unit;
    return 1;
}

/* The statement's number after q: the first number in the clause within st->within
 * characters decides; it counts when a unit of the statement follows it. */
static int read_count(const nb_statement *st, const char *q, const char *end, nb_found *f,
                      const char *text)
{
    const char *start = q;
    for (int chars = 0; q < end && chars <= st->within; chars++) {
        /* A count in Chinese numerals (三件, 二十一起) counts only with its unit; a numeral
         * without one is part of the words around it and does not end the search. 两个月 is a
         * time, not two of something. */
        int64_t cv;
        size_t cl = nb_cn_numeral(text, (size_t)(end - text), (size_t)(q - text), &cv);
        if (cl) {
            if (count_with_unit(st, start, q, q + cl, end, text, f) &&
                !starts(text + f->end, end, "月")) {
                f->value = cv;
                f->decimals = 0;
                f->numeral = 1;
                return 1;
            }
            q += cl;
            chars += (int)(cl / 3) - 1;
            continue;
        }
        if (is_digit(*q)) {
            int64_t v;
            int dec;
            const char *after = read_number(q, end, &v, &dec);
            if (!after || !count_with_unit(st, start, q, after, end, text, f))
                return 0;
            f->value = v;
            f->decimals = dec;
            return 1;
        }
        uint32_t cp;
        size_t n = nb_utf8_decode(q, (size_t)(end - q), &cp);
        if (!n || is_break(cp) || any_starts(q, end, st->not_words, st->nnot))
            return 0;
        q += n;
    }
    return 0;
}

/* The context of a statement at `at`: of its context words, the one that occurs last before it
 * in the same sentence (since the last 。). */
static const nb_stmt_context *find_context(const nb_statement *st, const char *text, size_t at)
{
    if (!st->ncontexts)
        return NULL;
    size_t start = 0;
    static const char stop[] = "。";
    for (size_t i = 0; i + sizeof stop - 1 <= at; i++)
        if (!memcmp(text + i, stop, sizeof stop - 1))
            start = i + sizeof stop - 1;
    const nb_stmt_context *best = NULL;
    size_t best_at = 0;
    for (size_t k = 0; k < st->ncontexts; k++)
        for (size_t w = 0; w < st->contexts[k].nwords; w++) {
            const char *word = st->contexts[k].words[w];
            size_t wl = strlen(word);
            for (size_t i = start; i + wl <= at; i++)
                if (!memcmp(text + i, word, wl) && (!best || i >= best_at)) {
                    best = &st->contexts[k];
                    best_at = i;
                }
        }
    return best;
}

static int applies(const nb_statement *st, const char *layout)
{
    if (!st->nlayouts)
        return 1;
    for (size_t i = 0; i < st->nlayouts; i++)
        if (layout && !strcmp(st->layouts[i], layout))
            return 1;
    return 0;
}

static int by_offset(const void *a, const void *b)
{
    const nb_found *x = a, *y = b;
    if (x->at != y->at)
        return (x->at > y->at) - (x->at < y->at);
    if (x->num_at != y->num_at)
        return (x->num_at > y->num_at) - (x->num_at < y->num_at);
    return (x->st > y->st) - (x->st < y->st);
}

size_t nb_statements_find(const nb_statements *s, const char *layout, const char *text,
                          size_t len, nb_found **out)
{
    *out = NULL;
    size_t n = 0, cap = 0;
    if (!s || !text)
        return 0;
    const char *end = text + len;
    for (size_t i = 0; i < s->n; i++) {
        const nb_statement *st = &s->items[i];
        if (!applies(st, layout))
            continue;
        for (size_t w = 0; w < st->nwords; w++) {
            size_t wl = strlen(st->words[w]);
            for (const char *p = strstr(text, st->words[w]); p && p < end;
                 p = strstr(p + wl, st->words[w])) {
                const char *q = p + wl;
                if (st->nthen) {
                    size_t tl = 0;
                    q = find_within(q, end, st->then, st->nthen, st, st->gap, &tl);
                    if (!q)
                        continue;
                    q += tl;
                } else if (st->claim && any_starts(q, end, st->not_words, st->nnot)) {
                    continue;
                }
                nb_found f = {.st = st, .at = (size_t)(p - text)};
                f.context = find_context(st, text, f.at);
                if (st->claim) {
                    f.num_at = f.shown_at = f.at;
                    f.end = (size_t)(q - text);
                } else if (!read_count(st, q, end, &f, text)) {
                    continue;
                }
                /* A number (a claim's words) is read once: by the first statement that reads
                 * it, as statements.yaml orders them (予以公开及部分公开 before 予以公开). */
                int taken = 0;
                for (size_t k = 0; k < n && !taken; k++)
                    taken = (*out)[k].st->claim == st->claim &&
                            (st->claim ? (*out)[k].at == f.at : (*out)[k].num_at == f.num_at);
                if (taken)
                    continue;
                nb_grow(out, &cap, n + 1, sizeof **out);
                (*out)[n++] = f;
            }
        }
    }
    if (n > 1)
        qsort(*out, n, sizeof **out, by_offset);
    return n;
}
