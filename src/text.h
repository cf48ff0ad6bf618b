/* Text: shaping with per-character font fallback, break units (clreq 基本处理), line breaking,
 * and placing a broken line as glyph runs. Used by the prose typesetter and the table engine. */
#ifndef NB_TEXT_H_INCLUDED
#define NB_TEXT_H_INCLUDED

/* Characters no font has: the first this many (distinct) are named, then the rest are counted
 * in one message and the document stops there. */
#define NB_MAX_MISSING 20
/* Font changes in one text (a paragraph, a heading, a table cell). */
#define NB_MAX_FONT_CHANGES 2000

#include "diag.h"
#include "font.h"
#include "page.h"
#include "report.h"
#include <stddef.h>
#include <stdint.h>

/* Fonts of one role, tried in order for every character. Borrowed from the engine. */
typedef struct nb_font_list {
    const nb_font *fonts[8];
    size_t count;
    const nb_font *latin; /* letters and digits come from this face when it has them, or NULL */
} nb_font_list;

/* The font of `fonts` that sets `cp` — a Latin letter or digit from the Latin face when it has
 * it, else the first font of the list that has it — or NULL: no font has it. The one lookup of
 * nb_text_shape and of check's font coverage (check.c). */
const nb_font *nb_text_font_for(const nb_font_list *fonts, uint32_t cp);
/* Whether `cp` takes a font of its own: spaces and variation selectors take their neighbour's. */
int nb_text_needs_font(uint32_t cp);
/* Reports a character no font of its role has, at `at` (rule font.missing), unless the list
 * already holds that very finding (check ran before the render). */
void nb_text_missing(nb_diags *diags, nb_pos at, uint32_t cp);
/* After NB_MAX_MISSING characters: the rest are not named. */
void nb_text_missing_more(nb_diags *diags, nb_pos at);

/* Which characters a font list has, cached: in the Basic Multilingual Plane each character is
 * looked up once, on first use, and its answer kept (lock-free: threads share the cache);
 * beyond it, looked up each time. The list is copied, its fonts borrowed. */
typedef struct nb_coverage nb_coverage;
nb_coverage *nb_coverage_new(const nb_font_list *fonts);
void nb_coverage_free(nb_coverage *coverage);
/* Whether nb_text_font_for(fonts, cp) is not NULL. */
int nb_coverage_has(nb_coverage *coverage, uint32_t cp);
/* The first character of s[from..len) the fonts do not have: its offset (and *cp), or len.
 * Bytes that are not UTF-8 count as U+FFFD. The fast path of check's font coverage. */
size_t nb_coverage_scan(nb_coverage *coverage, const char *s, size_t len, size_t from,
                        uint32_t *cp, size_t *cp_len);

/* Character classes that matter for breaking and spacing. */
typedef enum {
    NB_CC_CJK,      /* ideographs and other full-width characters */
    NB_CC_LATIN,    /* letters, digits and the ASCII marks that travel with them */
    NB_CC_OPEN,     /* opening brackets and quotes: never at a line end */
    NB_CC_CLOSE,    /* closing brackets and quotes: never at a line start */
    NB_CC_STOP,     /* 、，。：；！？ and friends: never at a line start */
    NB_CC_DASH,     /* — and …: pairs stay together */
    NB_CC_SPACE
} nb_char_class;

typedef struct nb_char {
    uint32_t cp;
    uint32_t offset, len;     /* bytes in the text */
    nb_char_class cls;
    const nb_font *font;
    uint32_t glyph0, nglyphs; /* glyphs of this character in the shaped text */
    float advance;            /* natural advance, pt */
    float width;              /* width the character takes in a line, pt (grid cell for CJK) */
    float before;             /* space before it (CJK–Latin gap), removed at a line start */
    float ink;                /* where the glyph sits, relative to the character's pen position */
    float shrink;             /* how much more it may be compressed: the blank half of a mark */
    unsigned char shrink_left;/* the blank half is on the left (opening marks) */
    unsigned char break_after;/* a line may break after this character */
} nb_char;

typedef struct nb_text_block {
    const char *text; size_t len;     /* borrowed */
    float size;                       /* font size, pt */
    float pitch;                      /* width of one CJK cell, pt */
    nb_style style;                   /* grid or compact (FORMAT.md §3.4a) */
    nb_char *chars; size_t nchars;    /* owned */
    nb_shaped *glyphs; size_t nglyphs;/* owned, in font units */
    size_t joined_at;                 /* nb_text_append: the first character of the appended
                                         block (no run crosses it; 0: none) */
} nb_text_block;

/* One line of a broken block: characters [first, end), natural width and the width to fill. */
typedef struct nb_text_line {
    size_t first, end;
    float natural;   /* sum of widths and gaps at natural spacing */
    float target;    /* the width the line fills when justified, or may not exceed */
    int justify;     /* 0 for a paragraph's last line */
} nb_text_line;

/* Two styles (FORMAT.md §3.4a), taken from report->style when shaping:
 *
 * Grid (the default): every Han character and full-width mark takes exactly one cell of `pitch`,
 * at a line's start, inside it and at its end; no mark is ever compressed. A 禁则 is kept by
 * 推出 only: the line ends one break opportunity earlier, the character goes down with the mark,
 * and the freed cells are spread evenly over that one line. Latin words and digit runs keep their
 * widths and the quarter-cell Han–Latin gaps, and their line is justified to the full width.
 * Tables get the same rule through the same calls (pass the report; its style applies).
 *
 * Compact: punctuation compression (clreq 标点挤压, §3.4): two adjacent full-width marks take
 * 1.5 cells, fixed when shaping; a line that is too long squeezes its last mark to half a cell,
 * then the blank halves of the other marks (先挤进，后推出); only then does a character move to
 * the next line. */

/* Shapes text for setting at `size` with CJK characters on cells of `pitch`, in the style of
 * `report` (grid when report is NULL). A character no font of the list has is an error at its
 * position in the report (`src` may be NULL: then `where` names it). Returns 0 on success; on
 * failure *b holds nothing (nb_text_free is not needed). */
int nb_text_shape(nb_text_block *b, const nb_font_list *fonts, const char *text, size_t len,
                  float size, float pitch, const nb_report *report, const nb_text *src,
                  nb_pos where, nb_diags *diags);
void nb_text_free(nb_text_block *b);

/* The characters of `text` with their classes and break opportunities (break_after) only, as
 * nb_text_shape sets them, without fonts or glyphs: for a writer that breaks no lines itself
 * (the HTML page). Free with nb_text_free. */
void nb_text_classify(nb_text_block *b, const char *text, size_t len);

/* Appends b (shaped at the same size and pitch, perhaps in other fonts) to a, for a paragraph
 * set in two roles (a run-in heading): `joined` is a's text followed by b's, and becomes a's
 * text (borrowed). b is emptied. */
void nb_text_append(nb_text_block *a, nb_text_block *b, const char *joined);

/* Natural width of characters [first, end) set on one line. */
float nb_text_span_width(const nb_text_block *b, size_t first, size_t end);

/* Natural width of the whole text on one line, and the widest unbreakable piece. */
float nb_text_width(const nb_text_block *b);
float nb_text_min_width(const nb_text_block *b);

/* Breaks into lines: the first line is `first_width` wide (after an indent), the others `width`.
 * *lines is malloc'd (caller frees). Returns the number of lines. */
size_t nb_text_break(const nb_text_block *b, float first_width, float width, nb_text_line **lines);

/* Adds the glyph runs of one line to a page with its left edge at x and its baseline at y;
 * justified lines spread their slack over the break opportunities inside the line. */
void nb_text_place(const nb_text_block *b, const nb_text_line *line, nb_page *page, float x,
                   float y);

/* Distance from the top of a line box of height `pitch` to the baseline, for text of `size`
 * centred in it (CJK em box: 0.88 above the baseline, 0.12 below). */
float nb_text_baseline_drop(float size, float pitch);

#endif
