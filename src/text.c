/* Text: classes, shaping with fallback, breaking (clreq 基本处理, FORMAT.md §3.2–3.3), placing,
 * in the grid style (§3.4a) or the compact one (§3.4). In the grid style no character has any
 * `shrink`, so the breaker's squeeze terms are zero and a line that cannot end before a mark ends
 * at its previous break opportunity: 推出, its slack spread by nb_text_place. */
#include "text.h"
#include "util.h"

#include <hb.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static nb_char_class classify(uint32_t c)
{
    switch (c) {
    case ' ': case '\t': case '\n': case 0x00A0:
        return NB_CC_SPACE;
    case '(': case '[': case '{':
    case 0x201C: case 0x2018: case 0x300C: case 0x300E: case 0xFF08: case 0xFF3B: case 0xFF5B:
    case 0x3014: case 0x3010: case 0x3016: case 0x3018: case 0x300A: case 0x3008:
        return NB_CC_OPEN;
    case ')': case ']': case '}':
    case 0x201D: case 0x2019: case 0x300D: case 0x300F: case 0xFF09: case 0xFF3D: case 0xFF5D:
    case 0x3015: case 0x3011: case 0x3017: case 0x3019: case 0x300B: case 0x3009:
        return NB_CC_CLOSE;
    case 0x3001: case 0x3002: case 0xFF0C: case 0xFF0E: case 0xFF1A: case 0xFF1B: case 0xFF01:
    case 0xFF1F: case 0x00B7: case 0x30FB: case 0xFF0F: case 0xFF5E: case 0xFF05: case 0x2030:
    case 0x2103: case 0x00B0:
        return NB_CC_STOP;
    case 0x2014: case 0x2026: case 0x2E3A: case 0x22EF:
        return NB_CC_DASH;
    }
    if ((c > 0x20 && c < 0x7F) || c == 0x2212 /* minus sign: travels with its digits */)
        return NB_CC_LATIN;
    if ((c >= 0xC0 && c < 0x2000) && c != 0xD7 && c != 0xF7)
        return NB_CC_LATIN; /* accented Latin, Greek, Cyrillic */
    return NB_CC_CJK;
}

/* Full-width marks take a whole cell even where the font draws them narrow (proportional
 * quotes in some fonts): Chinese text sets quotes full-width. */
static int full_width(nb_char_class cls) { return cls != NB_CC_LATIN && cls != NB_CC_SPACE; }

static int alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0xC0;
}

const nb_font *nb_text_font_for(const nb_font_list *fonts, uint32_t cp)
{
    /* Letters and digits in a Latin face (Times-like in official documents), Han in the
     * role's CJK fonts. */
    if (fonts->latin && classify(cp) == NB_CC_LATIN && nb_font_glyph(fonts->latin, cp))
        return fonts->latin;
    for (size_t i = 0; i < fonts->count; i++)
        if (nb_font_glyph(fonts->fonts[i], cp))
            return fonts->fonts[i];
    return NULL;
}

int nb_text_needs_font(uint32_t cp)
{
    return classify(cp) != NB_CC_SPACE && cp != 0xFE0F && cp != 0xFE0E &&
           !(cp >= 0xE0100 && cp <= 0xE01EF);
}

void nb_text_missing(nb_diags *d, nb_pos at, uint32_t cp)
{
    char u8[5] = {0};
    nb_utf8_encode(cp, u8);
    char msg[200];
    snprintf(msg, sizeof msg,
             nb_tr(d, "no font of this role has the character “%s” (U+%04X); name a font that has "
                      "it under 'fonts:'"),
             u8, (unsigned)cp);
    for (size_t i = 0; d && i < d->count; i++) {
        const nb_diag *g = &d->items[i];
        if (g->rule && !strcmp(g->rule, "font.missing") && g->line == at.line &&
            g->col == at.col && !strcmp(g->file, at.file ? at.file : "") &&
            !strcmp(g->message, msg))
            return; /* said once: the shaping still fails */
    }
    char actual[16];
    snprintf(actual, sizeof actual, "U+%04X", (unsigned)cp);
    nb_finding f = {.rule = "font.missing", .severity = NB_ERROR, .pos = at, .actual = actual};
    nb_diag_finding(d, &f, "%s", msg);
}

void nb_text_missing_more(nb_diags *d, nb_pos at)
{
    nb_finding f = {.rule = "font.missing", .severity = NB_ERROR, .pos = at};
    nb_diag_finding(d, &f, nb_tr(d, "more characters no font of this role has; only the first %d "
                                    "are named"),
                    NB_MAX_MISSING);
}

struct nb_coverage {
    nb_font_list fonts;
    /* Per block of 256 code points of the BMP, made on first use: a state per code point,
     * 0 not looked up yet, 1 a font has it, 2 none has. Only the characters a text uses are
     * looked up; two threads looking one up at once store the same answer. */
    _Atomic(atomic_uchar *) blocks[256];
};

nb_coverage *nb_coverage_new(const nb_font_list *fonts)
{
    nb_coverage *c = nb_calloc(1, sizeof *c);
    c->fonts = *fonts;
    for (size_t i = 0; i < 256; i++)
        atomic_init(&c->blocks[i], NULL);
    return c;
}

void nb_coverage_free(nb_coverage *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < 256; i++)
        free(atomic_load(&c->blocks[i]));
    free(c);
}

/* The states of the block of `cp` (in the BMP). */
static atomic_uchar *coverage_block(nb_coverage *c, uint32_t cp)
{
    atomic_uchar *states = atomic_load_explicit(&c->blocks[cp >> 8], memory_order_acquire);
    if (!states) {
        states = nb_malloc(256 * sizeof *states);
        for (size_t k = 0; k < 256; k++)
            atomic_init(&states[k], 0);
        atomic_uchar *none = NULL;
        /* Another thread may have made the block meanwhile: keep one. */
        if (!atomic_compare_exchange_strong_explicit(&c->blocks[cp >> 8], &none, states,
                                                     memory_order_acq_rel, memory_order_acquire)) {
            free(states);
            states = none;
        }
    }
    return states;
}

static int coverage_lookup(nb_coverage *c, atomic_uchar *states, uint32_t cp)
{
    unsigned char st = atomic_load_explicit(&states[cp & 0xFF], memory_order_relaxed);
    if (!st) {
        st = nb_text_font_for(&c->fonts, cp) ? 1 : 2;
        atomic_store_explicit(&states[cp & 0xFF], st, memory_order_relaxed);
    }
    return st == 1;
}

int nb_coverage_has(nb_coverage *c, uint32_t cp)
{
    if (cp > 0xFFFF)
        return nb_text_font_for(&c->fonts, cp) != NULL;
    return coverage_lookup(c, coverage_block(c, cp), cp);
}

size_t nb_coverage_scan(nb_coverage *c, const char *text, size_t len, size_t from, uint32_t *cp,
                        size_t *cp_len)
{
    const unsigned char *s = (const unsigned char *)text;
    atomic_uchar *states = NULL;
    uint32_t block = (uint32_t)-1;
    for (size_t i = from; i < len;) {
        uint32_t u;
        size_t n;
        /* ASCII and the 3-byte characters of Chinese text decoded here; the rest by the
         * decoder that validates them. */
        if (s[i] < 0x80) {
            u = s[i];
            n = 1;
        } else if ((s[i] & 0xF0) == 0xE0 && i + 2 < len && (s[i + 1] & 0xC0) == 0x80 &&
                   (s[i + 2] & 0xC0) == 0x80 && (s[i] != 0xE0 || s[i + 1] >= 0xA0) &&
                   (s[i] != 0xED || s[i + 1] < 0xA0)) {
            u = (uint32_t)(s[i] & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
            n = 3;
        } else if (!(n = nb_utf8_decode(text + i, len - i, &u))) {
            u = 0xFFFD;
            n = 1;
        }
        int has;
        if (u <= 0xFFFF) {
            if (u >> 8 != block) {
                block = u >> 8;
                states = coverage_block(c, u);
            }
            has = coverage_lookup(c, states, u);
        } else {
            has = nb_text_font_for(&c->fonts, u) != NULL;
        }
        if (!has) {
            *cp = u;
            *cp_len = n;
            return i;
        }
        i += n;
    }
    return len;
}

/* Full-width marks whose glyph fills one half of the em box: the other half is blank and may be
 * compressed away. Checked on the glyph itself, because centred (Taiwan-style) marks must not be
 * compressed (TECH.md §5). */
static int half_mark(uint32_t cp, nb_char_class cls)
{
    if (cp < 0x80)
        return 0;
    if (cls == NB_CC_OPEN || cls == NB_CC_CLOSE)
        return 1;
    switch (cp) {
    case 0x3001: case 0x3002: case 0xFF0C: case 0xFF0E: case 0xFF1A: case 0xFF1B: case 0xFF01:
    case 0xFF1F:
        return 1;
    }
    return 0;
}

/* 。？！ end a sentence: compressed last (clreq's squeeze priority). */
static int full_stop(uint32_t cp) { return cp == 0x3002 || cp == 0xFF1F || cp == 0xFF01 || cp == 0xFF0E; }

static void set_ink_and_shrink(nb_text_block *b, nb_char *c)
{
    c->ink = 0;
    c->shrink = 0;
    c->shrink_left = 0;
    if (!full_width(c->cls) || c->nglyphs == 0)
        return;
    float scale = b->size / (float)c->font->upem;
    float em = (float)c->font->upem;
    /* A narrow (proportional) quote or bracket is set full-width, hugging the text it encloses. */
    if (c->advance < b->size * 0.6f && (c->cls == NB_CC_OPEN || c->cls == NB_CC_CLOSE))
        c->ink = c->cls == NB_CC_OPEN ? c->width - c->advance : 0;
    else
        c->ink = (c->width - c->advance) / 2;
    if (b->style == NB_STYLE_GRID || !half_mark(c->cp, c->cls) || b->pitch < b->size * 0.9f)
        return; /* on the grid a mark keeps its whole cell */
    hb_glyph_extents_t ext = {0};
    if (!hb_font_get_glyph_extents(c->font->hb, b->glyphs[c->glyph0].gid, &ext))
        return;
    /* Ink position inside the cell, in font units of the cell. */
    float left = (float)ext.x_bearing + c->ink / scale;
    float right = left + (float)ext.width;
    float cell = c->width / scale;
    if (c->cls == NB_CC_OPEN) {
        if (left >= cell / 2 - em * 0.05f) {
            c->shrink = c->width / 2;
            c->shrink_left = 1;
        }
    } else if (right <= cell / 2 + em * 0.05f) {
        c->shrink = c->width / 2;
    }
}

/* Two adjacent marks take 1.5 cells: the blank halves facing each other lose one half. */
static void compress_pairs(nb_text_block *b)
{
    for (size_t i = 0; i + 1 < b->nchars; i++) {
        nb_char *a = &b->chars[i], *n = &b->chars[i + 1];
        if (a->shrink <= 0 && n->shrink <= 0)
            continue;
        if (n->shrink > 0 && n->shrink_left && (a->shrink > 0 || a->cls == NB_CC_OPEN ||
                                                 a->cls == NB_CC_CLOSE || a->cls == NB_CC_STOP)) {
            n->width -= n->shrink;
            n->ink -= n->shrink;
            n->shrink = 0;
        } else if (a->shrink > 0 && !a->shrink_left &&
                   (n->cls == NB_CC_CLOSE || n->cls == NB_CC_STOP || n->cls == NB_CC_OPEN)) {
            a->width -= a->shrink;
            a->shrink = 0;
        }
    }
}

/* Where a line may break (clreq 基本处理): break_after of every character, from the characters
 * and their classes alone. */
static void set_breaks(nb_text_block *b)
{
    for (size_t i = 0; i < b->nchars; i++) {
        nb_char *c = &b->chars[i];
        if (i + 1 == b->nchars) {
            c->break_after = 1;
            break;
        }
        const nb_char *n = &b->chars[i + 1];
        int ok = 1;
        if (n->cls == NB_CC_STOP || n->cls == NB_CC_CLOSE || n->cls == NB_CC_SPACE)
            ok = 0;
        else if (c->cls == NB_CC_OPEN)
            ok = 0;
        else if (c->cls == NB_CC_LATIN && n->cls == NB_CC_LATIN)
            ok = 0;
        else if (c->cls == NB_CC_DASH && n->cp == c->cp)
            ok = 0; /* —— and …… are one mark */
        else if ((c->cp == 0x3015 /* 〕 */ && n->cp >= '0' && n->cp <= '9') ||
                 (c->cp >= '0' && c->cp <= '9' && n->cp == 0x53F7 /* 号 */))
            ok = 0; /* a document number such as 〔2021〕30号 stays whole */
        else if (c->cp >= '0' && c->cp <= '9' &&
                 (n->cp == 0x5E74 || n->cp == 0x6708 || n->cp == 0x65E5))
            ok = 0; /* 2025年, 12月, 31日: a number keeps its unit */
        else if (c->cp == 0x6708 && n->cp >= '0' && n->cp <= '9' && i > 0 &&
                 b->chars[i - 1].cp >= '0' && b->chars[i - 1].cp <= '9')
            ok = 0; /* and a month keeps its day: 12月31日 (a line may end after 2025年) */
        c->break_after = (unsigned char)ok;
    }
    /* A run of dashes breaks only between pairs. */
    for (size_t i = 0; i + 1 < b->nchars; i++) {
        if (b->chars[i].cls != NB_CC_DASH)
            continue;
        size_t j = i;
        while (j + 1 < b->nchars && b->chars[j + 1].cp == b->chars[i].cp)
            j++;
        for (size_t k = i; k < j; k++)
            b->chars[k].break_after = (unsigned char)((k - i) % 2 == 1);
        i = j;
    }
}

/* Appends the character at b->text[at] to b->chars, with its class. */
static nb_char *add_char(nb_text_block *b, size_t at)
{
    uint32_t cp;
    size_t n = nb_utf8_decode(b->text + at, b->len - at, &cp);
    if (!n) { /* the loader guarantees UTF-8; be safe anyway */
        cp = 0xFFFD;
        n = 1;
    }
    nb_char *c = &b->chars[b->nchars++];
    c->cp = cp;
    c->offset = (uint32_t)at;
    c->len = (uint32_t)n;
    c->cls = classify(cp);
    return c;
}

float nb_text_baseline_drop(float size, float pitch) { return (pitch - size) / 2 + size * 0.88f; }

int nb_text_shape(nb_text_block *b, const nb_font_list *fonts, const char *text, size_t len,
                  float size, float pitch, const nb_report *report, const nb_text *src,
                  nb_pos where, nb_diags *diags)
{
    memset(b, 0, sizeof *b);
    b->text = text;
    b->len = len;
    b->size = size;
    b->pitch = pitch;
    b->style = report ? report->style : NB_STYLE_GRID;
    b->chars = nb_calloc(len + 1, sizeof *b->chars);
    int missing = 0, nmissing = 0, more_missing = 0;
    uint32_t missing_cps[NB_MAX_MISSING];

    /* Characters, classes, fonts. */
    for (size_t i = 0; i < len;) {
        nb_char *c = add_char(b, i);
        uint32_t cp = c->cp;
        if (!nb_text_needs_font(cp)) { /* a space or a variation selector */
            c->font = b->nchars > 1 ? b->chars[b->nchars - 2].font : NULL;
        } else {
            c->font = nb_text_font_for(fonts, cp);
            if (!c->font) {
                /* Each character once, the first NB_MAX_MISSING of them: finding a position
                 * costs a scan of the text, so a text full of them must not cost n². */
                int seen = 0;
                for (int k = 0; k < nmissing && !seen; k++)
                    seen = missing_cps[k] == cp;
                if (!seen && nmissing < NB_MAX_MISSING) {
                    missing_cps[nmissing++] = cp;
                    nb_text_missing(diags, src && report ? nb_report_text_pos(report, src, i)
                                                         : where, cp);
                } else if (!seen) {
                    more_missing = 1;
                }
                missing++;
            }
        }
        i += c->len;
    }
    if (more_missing)
        nb_text_missing_more(diags, where);
    if (missing) {
        nb_text_free(b); /* a failed shape holds nothing: callers may just return */
        return -1;
    }
    /* Spaces and marks at the very start borrow the first real font. */
    const nb_font *first = NULL;
    for (size_t i = 0; i < b->nchars && !first; i++)
        first = b->chars[i].font;
    if (!first)
        first = fonts->count ? fonts->fonts[0] : NULL;
    if (!first) {
        nb_text_free(b);
        return -1;
    }
    for (size_t i = 0; i < b->nchars && !b->chars[i].font; i++)
        b->chars[i].font = first;

    /* A text whose font changes at every character costs a shaping call and a PDF text run
     * per character; a real paragraph changes font a few dozen times (digits, Latin words). */
    size_t changes = 0;
    for (size_t i = 1; i < b->nchars; i++)
        changes += b->chars[i].font != b->chars[i - 1].font;
    if (changes > NB_MAX_FONT_CHANGES) {
        nb_diag_add(diags, NB_ERROR, where,
                    "the text changes font %zu times (between Han characters and Latin letters, "
                    "digits or marks); at most %d", changes, NB_MAX_FONT_CHANGES);
        nb_text_free(b);
        return -1;
    }

    /* Shape each run of one font; map glyphs to the character their cluster starts at. */
    size_t cap = 0;
    for (size_t s = 0; s < b->nchars;) {
        size_t e = s + 1;
        while (e < b->nchars && b->chars[e].font == b->chars[s].font)
            e++;
        size_t from = b->chars[s].offset;
        size_t to = e < b->nchars ? b->chars[e].offset : len;
        nb_shaped *g = NULL;
        size_t ng = nb_font_shape(b->chars[s].font, text + from, to - from, &g);
        nb_grow(&b->glyphs, &cap, b->nglyphs + ng, sizeof *b->glyphs);
        size_t ci = s;
        for (size_t k = 0; k < ng; k++) {
            uint32_t cl = g[k].cluster + (uint32_t)from;
            while (ci + 1 < e && b->chars[ci + 1].offset <= cl)
                ci++;
            nb_char *c = &b->chars[ci];
            if (!c->nglyphs)
                c->glyph0 = (uint32_t)b->nglyphs;
            c->nglyphs++;
            g[k].cluster = cl;
            b->glyphs[b->nglyphs++] = g[k];
        }
        free(g);
        s = e;
    }

    /* Widths, gaps, compressibility, break opportunities. */
    for (size_t i = 0; i < b->nchars; i++) {
        nb_char *c = &b->chars[i];
        float scale = size / (float)c->font->upem;
        float adv = 0;
        for (uint32_t k = 0; k < c->nglyphs; k++)
            adv += (float)b->glyphs[c->glyph0 + k].x_advance * scale;
        c->advance = adv;
        if (c->cls == NB_CC_SPACE)
            c->width = adv;
        else if (full_width(c->cls))
            c->width = c->nglyphs ? pitch : 0;
        else
            c->width = adv;
    }
    for (size_t i = 0; i < b->nchars; i++)
        set_ink_and_shrink(b, &b->chars[i]);
    if (b->style == NB_STYLE_COMPACT)
        compress_pairs(b);
    for (size_t i = 0; i < b->nchars; i++) {
        nb_char *c = &b->chars[i];
        /* The previous visible character, looking through spaces. */
        size_t p = i;
        int spaces = 0;
        while (p > 0 && b->chars[p - 1].cls == NB_CC_SPACE) {
            p--;
            spaces = 1;
        }
        const nb_char *prev = p > 0 ? &b->chars[p - 1] : NULL;
        /* The gap goes between Han and letters or digits: not after "1." or before "%". */
        if (prev && ((prev->cls == NB_CC_CJK && c->cls == NB_CC_LATIN && alnum(c->cp)) ||
                     (prev->cls == NB_CC_LATIN && alnum(prev->cp) && c->cls == NB_CC_CJK)))
            c->before = pitch / 4; /* clreq: a quarter em between Chinese and Latin */
        /* A space typed between Chinese and Latin becomes that gap: it takes no width. */
        if (spaces && prev && (prev->cls != NB_CC_LATIN || c->cls != NB_CC_LATIN))
            for (size_t k = p; k < i; k++)
                b->chars[k].width = 0;
    }
    set_breaks(b);
    return 0;
}

void nb_text_classify(nb_text_block *b, const char *text, size_t len)
{
    memset(b, 0, sizeof *b);
    b->text = text;
    b->len = len;
    b->chars = nb_calloc(len + 1, sizeof *b->chars);
    for (size_t i = 0; i < len; i += b->chars[b->nchars - 1].len)
        add_char(b, i);
    set_breaks(b);
}

void nb_text_append(nb_text_block *a, nb_text_block *b, const char *joined)
{
    uint32_t off = (uint32_t)a->len, g0 = (uint32_t)a->nglyphs;
    a->joined_at = a->nchars;
    a->chars = nb_realloc(a->chars, (a->nchars + b->nchars + 1) * sizeof *a->chars);
    a->glyphs = nb_realloc(a->glyphs, (a->nglyphs + b->nglyphs + 1) * sizeof *a->glyphs);
    for (size_t i = 0; i < b->nchars; i++) {
        nb_char c = b->chars[i];
        c.offset += off;
        c.glyph0 += g0;
        a->chars[a->nchars++] = c;
    }
    for (size_t i = 0; i < b->nglyphs; i++) {
        nb_shaped g = b->glyphs[i];
        g.cluster += off;
        a->glyphs[a->nglyphs++] = g;
    }
    a->text = joined;
    a->len += b->len;
    nb_text_free(b);
}

void nb_text_free(nb_text_block *b)
{
    free(b->chars);
    free(b->glyphs);
    memset(b, 0, sizeof *b);
}

/* Width of chars [s, e) set on one line: no gap before the first, trailing spaces dropped. */
static float span_width(const nb_text_block *b, size_t s, size_t e)
{
    while (e > s && b->chars[e - 1].cls == NB_CC_SPACE)
        e--;
    while (s < e && b->chars[s].cls == NB_CC_SPACE)
        s++;
    float w = 0;
    for (size_t i = s; i < e; i++)
        w += b->chars[i].width + (i > s ? b->chars[i].before : 0);
    return w;
}

float nb_text_span_width(const nb_text_block *b, size_t first, size_t end)
{
    return span_width(b, first, end);
}

float nb_text_width(const nb_text_block *b) { return span_width(b, 0, b->nchars); }

float nb_text_min_width(const nb_text_block *b)
{
    float best = 0;
    size_t s = 0;
    for (size_t i = 0; i < b->nchars; i++) {
        if (b->chars[i].break_after) {
            float w = span_width(b, s, i + 1);
            if (w > best)
                best = w;
            s = i + 1;
        }
    }
    return best;
}

/* How much the chars [s, e) can be compressed on one line. */
static float span_shrink(const nb_text_block *b, size_t s, size_t e)
{
    while (e > s && b->chars[e - 1].cls == NB_CC_SPACE)
        e--;
    float w = 0;
    for (size_t i = s; i < e; i++)
        w += b->chars[i].shrink;
    return w;
}

static int fits(const nb_text_block *b, size_t s, size_t e, float avail)
{
    return span_width(b, s, e) - span_shrink(b, s, e) <= avail + 0.01f;
}

/* Counts the characters of a line that are not punctuation or space. */
static size_t letters(const nb_text_block *b, size_t s, size_t e)
{
    size_t n = 0;
    for (size_t i = s; i < e; i++) {
        nb_char_class c = b->chars[i].cls;
        n += c == NB_CC_CJK || c == NB_CC_LATIN;
    }
    return n;
}

size_t nb_text_break(const nb_text_block *b, float first_width, float width, nb_text_line **out)
{
    size_t n = 0, cap = 0;
    nb_text_line *lines = NULL;
    size_t start = 0;
    while (start < b->nchars) {
        /* Skip spaces at a line start. */
        while (start < b->nchars && b->chars[start].cls == NB_CC_SPACE)
            start++;
        if (start >= b->nchars)
            break;
        float avail = n == 0 ? first_width : width;
        size_t end = start, last_fit = 0;
        /* Greedy, counting what compression can squeeze in (先挤进，后推出). The width is kept
         * as a running sum, as fits() would compute it: spaces count only once a character
         * follows them, and the first character's gap does not count. */
        float w = 0, pending = 0, squeeze = 0;
        for (size_t i = start; i < b->nchars; i++) {
            const nb_char *c = &b->chars[i];
            float add = c->width + (i > start ? c->before : 0);
            if (c->cls == NB_CC_SPACE) {
                pending += add;
            } else {
                w += pending + add;
                pending = 0;
                squeeze += c->shrink;
            }
            if (!c->break_after)
                continue;
            if (w - squeeze <= avail + 0.01f)
                last_fit = i + 1;
            else
                break;
        }
        if (last_fit) {
            end = last_fit;
        } else {
            /* Nothing fits whole: cut the first group where it overflows. */
            end = start + 1;
            while (end < b->nchars && fits(b, start, end + 1, avail))
                end++;
        }
        nb_grow(&lines, &cap, n + 1, sizeof *lines);
        nb_text_line *l = &lines[n++];
        l->first = start;
        l->end = end;
        l->target = avail;
        l->justify = end < b->nchars;
        start = end;
    }
    /* No paragraph ends with a line of one character (孤字) when the line before can give it a
     * companion: end the line before at its previous break opportunity. */
    if (n >= 2 && letters(b, lines[n - 1].first, lines[n - 1].end) == 1) {
        nb_text_line *p = &lines[n - 2], *l = &lines[n - 1];
        for (size_t k = l->first - 1; k > p->first + 1; k--) {
            if (!b->chars[k - 1].break_after)
                continue;
            if (fits(b, k, l->end, l->target) && letters(b, p->first, k) >= 2) {
                p->end = k;
                l->first = k;
            }
            break;
        }
    }
    for (size_t i = 0; i < n; i++)
        lines[i].natural = span_width(b, lines[i].first, lines[i].end);
    *out = lines;
    return n;
}

/* Stretch goes between characters that may be separated: not inside a Latin word or a dash,
 * and once only around a typed space that became the Han–Latin gap. */
static int stretchable(const nb_text_block *b, size_t i)
{
    const nb_char *c = &b->chars[i], *n = &b->chars[i + 1];
    if (c->cls == NB_CC_LATIN && n->cls == NB_CC_LATIN)
        return 0;
    if (c->cls == NB_CC_SPACE && c->width == 0)
        return 0;
    if (c->cls == NB_CC_DASH && n->cp == c->cp)
        return 0;
    return 1;
}

void nb_text_place(const nb_text_block *b, const nb_text_line *line, nb_page *page, float x,
                   float y)
{
    size_t s = line->first, e = line->end;
    while (e > s && b->chars[e - 1].cls == NB_CC_SPACE)
        e--;
    if (s >= e)
        return;
    /* Marks at the edges first (GB/T 15834 5.1.10, clreq): a justified line's last mark gives
     * up its blank half so its ink meets the 版心's edge, and so does an opening mark starting
     * a continuation line; a first line keeps its indent whole unless it needs the room. Edge
     * marks go all or nothing: half-squeezed, their ink would sit off the edge. Then, if the
     * line is still too long, the other marks' blank halves give way evenly (先挤进); if it is
     * short, the rest is stretched. */
    const nb_char *first = &b->chars[s], *last = &b->chars[e - 1];
    float end_room = last->shrink_left ? 0 : last->shrink;
    float start_room = e - s > 1 && first->shrink_left ? first->shrink : 0;
    float need = line->natural - line->target, end_squeeze = 0, start_squeeze = 0;
    float ratio = 0, extra = 0;
    if (line->justify) {
        end_squeeze = end_room;
        if (line->first > 0)
            start_squeeze = start_room;
    } else if (need > 0) {
        end_squeeze = end_room < need ? end_room : need;
    }
    need -= end_squeeze + start_squeeze;
    if (need > 0.001f && start_squeeze == 0 && start_room > 0) {
        start_squeeze = start_room;
        need -= start_squeeze;
    }
    float ratio_stops = 0;
    if (need > 0) {
        /* clreq's order: ，、；： and brackets give way first, 。？！ only when that is not enough. */
        float stops = 0;
        for (size_t i = s + 1; i + 1 < e; i++)
            stops += full_stop(b->chars[i].cp) ? b->chars[i].shrink : 0;
        if (s + 1 < e && full_stop(b->chars[s].cp) && start_room == 0)
            stops += b->chars[s].shrink;
        float others = span_shrink(b, s, e) - end_room - start_room - stops;
        if (others > 0)
            ratio = need / others;
        if (ratio > 1)
            ratio = 1;
        float rest = need - ratio * (others > 0 ? others : 0);
        if (rest > 0.001f && stops > 0)
            ratio_stops = rest / stops < 1 ? rest / stops : 1;
    } else if (line->justify) {
        int gaps = 0;
        for (size_t i = s; i + 1 < e; i++)
            gaps += stretchable(b, i);
        if (gaps > 0)
            extra = -need / (float)gaps;
    }
    float pen = x;
    nb_run *run = NULL;
    for (size_t i = s; i < e; i++) {
        const nb_char *c = &b->chars[i];
        if (i > s)
            pen += c->before;
        if (c->cls == NB_CC_SPACE && c->width == 0) {
            if (i + 1 < e && stretchable(b, i))
                pen += extra;
            continue;
        }
        /* A run ends where the font changes, and where an appended block starts (a run-in
         * heading's paragraph: another structure element). */
        int joined = b->joined_at > 0 && i >= b->joined_at;
        if (c->nglyphs && (!run || run->font != c->font ||
                           (joined && run->first_char < b->joined_at))) {
            run = nb_page_add_run(page);
            run->font = c->font;
            run->size = b->size;
            run->x = pen;
            run->y = y;
            run->first_char = i;
            /* Room for the whole run at once, rather than growing glyph by glyph; only the
             * run, not the rest of the line: a line whose font changes at every character
             * would otherwise allocate the square of its length. The run ends where a
             * character with glyphs in another font begins (as the test above decides). */
            size_t glyphs = 0, k = i;
            for (; k < e; k++) {
                const nb_char *ck = &b->chars[k];
                int skipped = ck->cls == NB_CC_SPACE && ck->width == 0;
                if (k > i && !skipped && ck->nglyphs && ck->font != c->font)
                    break;
                if (!joined && b->joined_at > 0 && k >= b->joined_at)
                    break;
                glyphs += ck->nglyphs;
            }
            size_t to = k < b->nchars ? b->chars[k].offset : b->len;
            run->glyphs = nb_malloc(glyphs * sizeof *run->glyphs);
            run->text = nb_malloc(to - c->offset + 1);
        }
        float scale = b->size / (float)c->font->upem;
        float squeeze = c->shrink * (full_stop(c->cp) ? ratio_stops : ratio);
        if (i + 1 == e && end_room > 0)
            squeeze = end_squeeze;
        else if (i == s && start_room > 0)
            squeeze = start_squeeze;
        float gx = pen + c->ink - (c->shrink_left ? squeeze : 0);
        for (uint32_t k = 0; k < c->nglyphs && c->cls != NB_CC_SPACE; k++) {
            const nb_shaped *g = &b->glyphs[c->glyph0 + k];
            nb_glyph *out = &run->glyphs[run->nglyphs++];
            out->gid = g->gid;
            out->x = gx + (float)g->x_offset * scale - run->x;
            out->y = (float)g->y_offset * scale;
            if (k == 0) {
                /* The glyph stands for this character and any that follow without glyphs. */
                size_t j = i + 1;
                while (j < e && b->chars[j].nglyphs == 0 && b->chars[j].cls != NB_CC_SPACE)
                    j++;
                uint32_t from = c->offset;
                uint32_t to = j < b->nchars ? b->chars[j].offset : (uint32_t)b->len;
                out->text = (uint32_t)run->text_len;
                out->text_len = to - from;
                memcpy(run->text + run->text_len, b->text + from, out->text_len);
                run->text_len += out->text_len;
                run->text[run->text_len] = 0;
            } else {
                out->text = (uint32_t)run->text_len;
                out->text_len = 0;
            }
            gx += (float)g->x_advance * scale;
        }
        pen += c->width - squeeze;
        if (i + 1 < e && stretchable(b, i))
            pen += extra;
    }
}
