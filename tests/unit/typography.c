/* Chinese typography of src/text.c on clreq's examples (FORMAT.md §3), with the bundled 仿宋
 * (FandolFang, whose marks sit in one half of the em box). Grid style (the default, §3.4a):
 * every mark takes one whole cell, alone, in pairs and at a line's edges, every character sits
 * on a whole cell, and a 禁则 is kept by pushing a character down (推出) with the line's slack
 * spread evenly. Compact style (§3.4): adjacent marks take 1.5 cells; ——
 * and …… are never split; 〔2021〕30号 stays whole; the 禁则 of 基本处理 hold at every width;
 * a line one cell short squeezes its marks before pushing a character down (先挤进，后推出);
 * line-end marks give up their blank half and justified lines end with ink at the edge; Latin
 * words and numbers are never split; a quarter cell between Han and digits, none at a line's
 * edges, and a typed space becomes that gap; no 孤字 last line. */
#include "page.h"
#include "text.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

#define SIZE 16.0f
#define P 16.0f /* one cell: the pitch equals the size, so widths are whole numbers of cells */
#define EPS 0.02f

static nb_font_list fonts;
/* The style comes from the report being set; only its style field is read here. */
static nb_report style_of;

static void shape(nb_text_block *b, const char *text)
{
    nb_diags d = {0};
    int rc = nb_text_shape(b, &fonts, text, strlen(text), SIZE, P, &style_of, NULL,
                           (nb_pos){"test", 1, 1}, &d);
    CHECK(rc == 0 && d.errors == 0, "shaping %s failed", text);
    free(d.items);
}

/* Index of the character that starts at the n-th occurrence (0-based) of `s` in the text. */
static size_t char_of(const nb_text_block *b, const char *s, int n)
{
    const char *p = b->text;
    for (;;) {
        p = strstr(p, s);
        if (!p)
            return (size_t)-1;
        if (n-- == 0)
            break;
        p++;
    }
    for (size_t i = 0; i < b->nchars; i++)
        if (b->chars[i].offset == (uint32_t)(p - b->text))
            return i;
    return (size_t)-1;
}

/* The lines as text joined by '|', in buf. */
static const char *lines_text(const nb_text_block *b, const nb_text_line *l, size_t n, char *buf,
                              size_t cap)
{
    size_t at = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t from = b->chars[l[i].first].offset;
        size_t to = l[i].end < b->nchars ? b->chars[l[i].end].offset : b->len;
        at += (size_t)snprintf(buf + at, cap - at, "%s%.*s", i ? "|" : "", (int)(to - from),
                               b->text + from);
        if (at >= cap)
            break;
    }
    return buf;
}

/* Where the glyph of character i of line l was placed (x of its origin), or NAN. Every
 * character with glyphs (spaces aside) gives its first glyph the character's text, in order. */
static float glyph_x(const nb_page *pg, const nb_text_block *b, const nb_text_line *l, size_t i)
{
    size_t nth = 0;
    for (size_t k = l->first; k < i; k++)
        nth += b->chars[k].nglyphs && b->chars[k].cls != NB_CC_SPACE;
    for (size_t r = 0; r < pg->nruns; r++) {
        const nb_run *run = &pg->runs[r];
        for (size_t g = 0; g < run->nglyphs; g++) {
            if (!run->glyphs[g].text_len)
                continue;
            if (nth-- == 0)
                return run->x + run->glyphs[g].x;
        }
    }
    return NAN;
}

/* Glyph origin of character i when line l alone is placed at x = 0. */
static float x_of(const nb_text_block *b, const nb_text_line *l, size_t i)
{
    nb_doc doc;
    memset(&doc, 0, sizeof doc);
    nb_page *pg = nb_doc_add_page(&doc);
    nb_text_place(b, l, pg, 0, 0);
    float x = glyph_x(pg, b, l, i);
    nb_doc_free(&doc);
    return x;
}

static int is_any(uint32_t cp, const uint32_t *set)
{
    for (; *set; set++)
        if (*set == cp)
            return 1;
    return 0;
}

static void test_pairs(void)
{
    /* 。」 and ）。: the first mark's blank right half goes; the pair takes 1.5 cells. */
    const char *pairs[] = {"。」", "）。", "”，", "，“", "）（", "《“", "”》", "、（"};
    for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
        char text[64];
        snprintf(text, sizeof text, "好%s好", pairs[k]);
        nb_text_block b;
        shape(&b, text);
        CHECK(b.nchars == 4, "%s: %zu chars", text, b.nchars);
        float w = nb_text_span_width(&b, 1, 3);
        CHECK(fabsf(w - 1.5f * P) < EPS, "%s takes %.2f cells, expected 1.5", pairs[k], w / P);
        CHECK(fabsf(nb_text_width(&b) - 3.5f * P) < EPS, "%s: line width %.2f cells", text,
              nb_text_width(&b) / P);
        /* Placed: the second character's glyph is 1.5 cells from the first mark's cell start,
         * minus the half a compressed opening mark lost on its left. */
        nb_text_line l = {0, b.nchars, nb_text_width(&b), nb_text_width(&b), 0};
        float x1 = x_of(&b, &l, 1), x3 = x_of(&b, &l, 3);
        CHECK(fabsf(x3 - 2.5f * P) < EPS, "%s: the Han after the pair at %.2f, expected %.2f",
              text, x3, 2.5f * P);
        CHECK(fabsf(x1 - P) < EPS || fabsf(x1 - P / 2) < EPS, "%s: first mark at %.2f", text,
              x1);
        nb_text_free(&b);
    }
}

/* Every break of `text` at widths from `lo` to `hi` cells (quarter steps, first line the same or
 * two cells narrower). `check` gets each line. */
typedef void (*line_check)(const nb_text_block *b, const nb_text_line *l, size_t i, size_t n,
                           float width, const char *all);

static void each_width(const char *text, float lo, float hi, line_check check)
{
    nb_text_block b;
    shape(&b, text);
    /* Narrower than the widest unbreakable piece, the breaker cuts the piece as a last resort
     * (clreq allows dropping the rules locally then): not tested here. */
    float floor_w = nb_text_min_width(&b);
    for (float w = lo * P; w <= hi * P + EPS; w += P / 4) {
        if (w - 2 * P < floor_w)
            continue;
        for (int indent = 0; indent <= 2; indent += 2) {
            nb_text_line *lines = NULL;
            size_t n = nb_text_break(&b, w - (float)indent * P, w, &lines);
            char buf[2048];
            lines_text(&b, lines, n, buf, sizeof buf);
            for (size_t i = 0; i < n; i++)
                check(&b, &lines[i], i, n, w, buf);
            free(lines);
        }
    }
    nb_text_free(&b);
}

static void no_split_inside(const nb_text_block *b, const nb_text_line *l, size_t i, size_t n,
                            float w, const char *all)
{
    (void)n;
    if (i == 0)
        return;
    /* The break before this line: between chars first-1 and first. */
    const nb_char *a = &b->chars[l->first - 1], *c = &b->chars[l->first];
    int dash_split = a->cls == NB_CC_DASH && a->cp == c->cp && (l->first - 1 == 0 ||
                     b->chars[l->first - 2].cp != a->cp);
    CHECK(!dash_split, "width %.2f: %s split inside a pair: %s", w / P,
          a->cp == 0x2014 ? "——" : "……", all);
    /* A year keeps its 年, a month its day: 2025年 | 12月31日 at most. */
    static const char *const units[] = {"2025年", "12月31日", "1月1日"};
    for (size_t u = 0; u < 3; u++)
        for (const char *d = b->text; (d = strstr(d, units[u])) != NULL; d++) {
            size_t from = (size_t)(d - b->text), to = from + strlen(units[u]);
            CHECK(!(c->offset > from && c->offset < to), "width %.2f: %s broken: %s", w / P,
                  units[u], all);
        }
    const char *doc = strstr(b->text, "〔2021〕30号");
    if (doc) {
        size_t from = (size_t)(doc - b->text), to = from + strlen("〔2021〕30号");
        CHECK(!(c->offset > from && c->offset < to), "width %.2f: 〔2021〕30号 broken: %s",
              w / P, all);
    }
    int latin_split = a->cls == NB_CC_LATIN && c->cls == NB_CC_LATIN;
    CHECK(!latin_split, "width %.2f: a Latin word or number split: %s", w / P, all);
}

static void test_unbreakable(void)
{
    each_width("好好好——好好好好——好……好好好……好好", 3, 12, no_split_inside);
    each_width("好好好好——————好好……………………好好", 3, 12, no_split_inside);
    each_width("依据国办公开办函〔2021〕30号文件要求，根据〔2021〕30号精神", 7, 20,
               no_split_inside);
    each_width("共计1234567件，其中International和2025年12.5%均", 6, 20, no_split_inside);
    each_width("统计期限自2025年1月1日起至2025年12月31日止，截至2025年12月31日共计", 5, 20,
               no_split_inside);
}

static void kinsoku(const nb_text_block *b, const nb_text_line *l, size_t i, size_t n, float w,
                    const char *all)
{
    static const uint32_t start_bad[] = {0xFF0C, 0x3002, 0x3001, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F,
                                         0xFF09, 0x300B, 0x300D, 0x201D, 0};
    static const uint32_t end_bad[] = {0xFF08, 0x300A, 0x300C, 0x201C, 0};
    (void)i;
    (void)n;
    size_t e = l->end;
    while (e > l->first && b->chars[e - 1].cls == NB_CC_SPACE)
        e--;
    CHECK(!is_any(b->chars[l->first].cp, start_bad), "width %.2f: a line starts with U+%04X: %s",
          w / P, (unsigned)b->chars[l->first].cp, all);
    CHECK(e == b->nchars || !is_any(b->chars[e - 1].cp, end_bad),
          "width %.2f: a line ends with U+%04X: %s", w / P, (unsigned)b->chars[e - 1].cp, all);
    /* Every line fits (compressed as far as its marks allow). */
    float avail = i == 0 ? l->target : l->target;
    float shrink = 0;
    for (size_t k = l->first; k < e; k++)
        shrink += b->chars[k].shrink;
    CHECK(l->natural - shrink <= avail + EPS || e - l->first == 1,
          "width %.2f: line %zu is %.2f wide, more than %.2f: %s", w / P, i, l->natural - shrink,
          avail, all);
}

static void test_kinsoku(void)
{
    each_width("按照“谁起草、谁解读”原则，综合运用（文字、图解）等形式，依据《条例》规定！"
               "是否公开？「好」：是；否。好（好）好《好》好“好”好，好。好、好：好；好！好？",
               3, 16, kinsoku);
    each_width("一二三，。、：；！？）》」好（《「“好好好”」》）好", 3, 16, kinsoku);
    each_width("他说：“好。”（见《条例》）。“是否？”“是！”好，好。", 3, 16, kinsoku);
}

static void test_squeeze_before_push(void)
{
    /* Ten cells wide; the first ten characters and the comma after them need 11 cells at full
     * width: squeezing 、 and the line-end ， to half a cell each brings in the comma
     * (先挤进) instead of pushing 九 down (后推出). */
    nb_text_block b;
    shape(&b, "一二三四、五六七八九，十一二");
    nb_text_line *lines = NULL;
    size_t n = nb_text_break(&b, 10 * P, 10 * P, &lines);
    char buf[512];
    lines_text(&b, lines, n, buf, sizeof buf);
    CHECK(n == 2 && strcmp(buf, "一二三四、五六七八九，|十一二") == 0, "broken as %s", buf);
    if (n >= 1) {
        float x5 = x_of(&b, &lines[0], char_of(&b, "五", 0));
        float xc = x_of(&b, &lines[0], char_of(&b, "，", 0));
        CHECK(fabsf(x5 - 4.5f * P) < EPS, "五 at %.2f cells, expected 4.5", x5 / P);
        /* The comma's inked half ends at the edge. */
        CHECK(fabsf(xc + P / 2 - 10 * P) < EPS, "，'s ink half ends at %.2f cells",
              (xc + P / 2) / P);
    }
    free(lines);
    nb_text_free(&b);
}

static void test_edges(void)
{
    /* A justified line whose last mark fits at full width still ends with ink at the edge: the
     * mark takes half a cell (GB/T 15834 5.1.10) and the line is stretched instead. */
    nb_text_block b;
    shape(&b, "一二三四五六七八九。十一二");
    nb_text_line *lines = NULL;
    size_t n = nb_text_break(&b, 10 * P, 10 * P, &lines);
    char buf[512];
    lines_text(&b, lines, n, buf, sizeof buf);
    CHECK(n == 2 && strcmp(buf, "一二三四五六七八九。|十一二") == 0, "broken as %s", buf);
    if (n == 2) {
        CHECK(lines[0].justify, "the first line is not justified");
        float xs = x_of(&b, &lines[0], char_of(&b, "。", 0));
        CHECK(fabsf(xs + P / 2 - 10 * P) < EPS, "。's ink half ends %.2f pt from the edge",
              10 * P - (xs + P / 2));
    }
    free(lines);
    nb_text_free(&b);

    /* A continuation line starting with an opening quote drops its leading half entirely, so
     * its ink starts at the edge, even when the line needs less than that half. */
    shape(&b, "一二三四五六七八九十“甲乙、丙丁、戊己庚辛壬癸”。");
    n = nb_text_break(&b, 10 * P, 10 * P, &lines);
    lines_text(&b, lines, n, buf, sizeof buf);
    CHECK(n >= 2 && b.chars[lines[1].first].cp == 0x201C, "broken as %s", buf);
    if (n >= 2 && b.chars[lines[1].first].cp == 0x201C) {
        float xq = x_of(&b, &lines[1], lines[1].first);
        CHECK(fabsf(xq + P / 2) < EPS, "“ at %.2f, expected %.2f (its ink half at the edge)",
              xq, -P / 2);
    }
    free(lines);
    nb_text_free(&b);
}

static void test_gaps(void)
{
    /* A quarter cell between Han and digits, both sides. */
    nb_text_block b;
    shape(&b, "共2025年");
    float digits = 0;
    for (size_t i = 1; i <= 4; i++)
        digits += b.chars[i].width;
    CHECK(fabsf(nb_text_width(&b) - (2 * P + digits + P / 2)) < EPS, "共2025年 is %.2f wide",
          nb_text_width(&b));
    nb_text_line l = {0, b.nchars, nb_text_width(&b), nb_text_width(&b), 0};
    float x2 = x_of(&b, &l, 1), xn = x_of(&b, &l, 5);
    CHECK(fabsf(x2 - (P + P / 4)) < EPS, "2 at %.2f, expected %.2f", x2, P + P / 4);
    CHECK(fabsf(xn - (P + P / 4 + digits + P / 4)) < EPS, "年 at %.2f", xn);
    nb_text_free(&b);

    /* A typed space between Han and digits becomes the gap, in natural and justified lines. */
    nb_text_block s;
    shape(&b, "共2025年好好好好");
    shape(&s, "共 2025 年好好好好");
    CHECK(fabsf(nb_text_width(&b) - nb_text_width(&s)) < EPS, "typed spaces: %.2f vs %.2f",
          nb_text_width(&s), nb_text_width(&b));
    for (int justify = 0; justify <= 1; justify++) {
        nb_text_line lb = {0, b.nchars, nb_text_width(&b), nb_text_width(&b) + 12, justify};
        nb_text_line ls = {0, s.nchars, nb_text_width(&s), nb_text_width(&s) + 12, justify};
        const char *probe[] = {"2", "5", "年"};
        for (int k = 0; k < 3; k++) {
            float xb = x_of(&b, &lb, char_of(&b, probe[k], 0));
            float xs = x_of(&s, &ls, char_of(&s, probe[k], 0));
            CHECK(fabsf(xb - xs) < EPS, "%s: %s at %.2f with typed spaces, %.2f without",
                  justify ? "justified" : "natural", probe[k], xs, xb);
        }
    }
    nb_text_free(&s);
    nb_text_free(&b);

    /* No gap at a line's start or end: the digits start the second line at its edge, and a
     * justified line ending in digits ends with them at the edge. */
    shape(&b, "好好好好好2025好好好");
    nb_text_line *lines = NULL;
    float w5 = 0;
    for (size_t i = 5; i < 9; i++)
        w5 += b.chars[i].width;
    size_t n = nb_text_break(&b, 5 * P + P / 4 + w5 + 3, 5 * P, &lines);
    char buf[256];
    lines_text(&b, lines, n, buf, sizeof buf);
    CHECK(n >= 2 && strcmp(buf, "好好好好好2025|好好好") == 0, "broken as %s", buf);
    if (n >= 2) {
        float x5 = x_of(&b, &lines[0], 8);
        CHECK(fabsf(x5 + b.chars[8].width - lines[0].target) < EPS,
              "the line's last digit ends %.2f pt from the edge",
              lines[0].target - (x5 + b.chars[8].width));
        CHECK(fabsf(lines[1].natural - 3 * P) < EPS, "the second line is %.2f wide (a gap at its"
              " start?)", lines[1].natural);
    }
    free(lines);
    nb_text_free(&b);
    shape(&b, "好好好好好好2025好");
    n = nb_text_break(&b, 6 * P, 6 * P, &lines);
    lines_text(&b, lines, n, buf, sizeof buf);
    CHECK(n == 2 && strcmp(buf, "好好好好好好|2025好") == 0, "broken as %s", buf);
    if (n == 2)
        CHECK(fabsf(x_of(&b, &lines[1], 6)) < EPS, "2 starts the line at %.2f",
              x_of(&b, &lines[1], 6));
    free(lines);
    nb_text_free(&b);
}

/* Grid: a pair of marks takes two cells, every glyph sits on its own cell. */
static void test_grid_pairs(void)
{
    const char *pairs[] = {"。」", "）。", "”，", "，“", "）（", "《“", "”》", "、（"};
    for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
        char text[64];
        snprintf(text, sizeof text, "好%s好", pairs[k]);
        nb_text_block b;
        shape(&b, text);
        CHECK(fabsf(nb_text_span_width(&b, 1, 3) - 2 * P) < EPS, "grid: %s takes %.2f cells",
              pairs[k], nb_text_span_width(&b, 1, 3) / P);
        nb_text_line l = {0, b.nchars, nb_text_width(&b), nb_text_width(&b), 0};
        for (size_t i = 0; i < 4; i++) {
            /* FandolFang's marks are a full em wide: the glyph origin is the cell's start. */
            float x = x_of(&b, &l, i);
            CHECK(fabsf(x - (float)i * P) < EPS, "grid: %s: character %zu at %.2f cells",
                  text, i, x / P);
        }
        nb_text_free(&b);
    }
}

/* Grid: the comma cannot start a line and there is no squeezing: 九 goes down with it (推出),
 * and the first line's nine characters are spread evenly over its ten cells. */
static void test_grid_push(void)
{
    nb_text_block b;
    shape(&b, "一二三四、五六七八九，十一二");
    nb_text_line *lines = NULL;
    size_t n = nb_text_break(&b, 10 * P, 10 * P, &lines);
    char buf[512];
    lines_text(&b, lines, n, buf, sizeof buf);
    CHECK(n == 2 && strcmp(buf, "一二三四、五六七八|九，十一二") == 0, "grid: broken as %s", buf);
    if (n == 2) {
        for (size_t i = 0; i < 9; i++) { /* one cell of slack over eight gaps */
            float x = x_of(&b, &lines[0], i);
            CHECK(fabsf(x - (float)i * (P + (P / 8))) < EPS, "grid: 推出 line: character %zu "
                  "at %.2f, expected %.2f", i, x, (float)i * (P + P / 8));
        }
        for (size_t i = lines[1].first; i < lines[1].end; i++) {
            float x = x_of(&b, &lines[1], i);
            CHECK(fabsf(x - (float)(i - lines[1].first) * P) < EPS,
                  "grid: the next line's character %zu at %.2f cells", i, x / P);
        }
    }
    free(lines);
    nb_text_free(&b);

    /* Ten cells, a mark last: the line is full on the grid, the mark keeps its whole cell; an
     * opening quote starting a line keeps its leading half. */
    shape(&b, "一二三四五六七八九。十一二");
    n = nb_text_break(&b, 10 * P, 10 * P, &lines);
    lines_text(&b, lines, n, buf, sizeof buf);
    CHECK(n == 2 && strcmp(buf, "一二三四五六七八九。|十一二") == 0, "grid: broken as %s", buf);
    if (n == 2)
        CHECK(fabsf(x_of(&b, &lines[0], 9) - 9 * P) < EPS, "grid: 。 at %.2f cells",
              x_of(&b, &lines[0], 9) / P);
    free(lines);
    nb_text_free(&b);
    shape(&b, "一二三四五六七八九十“甲乙、丙丁、戊己庚辛壬癸”。");
    n = nb_text_break(&b, 10 * P, 10 * P, &lines);
    lines_text(&b, lines, n, buf, sizeof buf);
    CHECK(n >= 2 && b.chars[lines[1].first].cp == 0x201C, "grid: broken as %s", buf);
    if (n >= 2 && b.chars[lines[1].first].cp == 0x201C) {
        CHECK(fabsf(x_of(&b, &lines[1], lines[1].first)) < EPS, "grid: “ at %.2f, expected 0",
              x_of(&b, &lines[1], lines[1].first));
        CHECK(lines[1].end - lines[1].first == 10, "grid: the second line holds %zu cells: %s",
              lines[1].end - lines[1].first, buf);
    }
    free(lines);
    nb_text_free(&b);
}

static void test_gu_zi(void)
{
    /* 21 characters and a full stop on lines of ten: the last line would hold one character. */
    nb_text_block b;
    shape(&b, "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子。");
    nb_text_line *lines = NULL;
    size_t n = nb_text_break(&b, 10 * P, 10 * P, &lines);
    char buf[512];
    lines_text(&b, lines, n, buf, sizeof buf);
    size_t letters = 0;
    for (size_t i = lines[n - 1].first; i < lines[n - 1].end; i++)
        letters += b.chars[i].cls == NB_CC_CJK;
    CHECK(n == 3 && letters >= 2, "a single character on the last line: %s", buf);
    free(lines);
    nb_text_free(&b);
}

int main(void)
{
    const char *source = getenv("NB_SOURCE");
    const char *here = strstr(__FILE__, "tests/unit/");
    char path[4096];
    if (source)
        snprintf(path, sizeof path, "%s/fonts/FandolFang-Regular.otf", source);
    else if (here)
        snprintf(path, sizeof path, "%.*sfonts/FandolFang-Regular.otf", (int)(here - __FILE__),
                 __FILE__);
    else
        snprintf(path, sizeof path, "fonts/FandolFang-Regular.otf");
    char *error = NULL;
    nb_font *fang = nb_font_open(path, 0, &error);
    if (!fang) {
        fprintf(stderr, "cannot open %s: %s\n", path, error ? error : "?");
        free(error);
        return 1;
    }
    fonts.fonts[0] = fang;
    fonts.count = 1;

    for (int style = NB_STYLE_GRID; style <= NB_STYLE_COMPACT; style++) {
        style_of.style = (nb_style)style;
        test_unbreakable();
        test_kinsoku();
        test_gaps();
        test_gu_zi();
    }
    style_of.style = NB_STYLE_GRID;
    test_grid_pairs();
    test_grid_push();
    style_of.style = NB_STYLE_COMPACT;
    test_pairs();
    test_squeeze_before_push();
    test_edges();

    nb_font_close(fang);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
