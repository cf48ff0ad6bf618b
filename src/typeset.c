/* Prose on the GB/T 9704 grid (FORMAT.md §2): title, headings, paragraphs, page numbers, and the
 * page-break decisions that keep headings with what follows and avoid lone lines. */
#include "typeset.h"
#include "flow.h"
#include "table.h"
#include "files.h"
#include "geometry.h"
#include "util.h"

#include <hb.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The bundled fonts per role, tried in order after the report's. The title's 小标宋 stand-in is
 * Noto Serif CJK SC Black cut to GB 2312 (fonts/LICENSE-NOTE.md); FandolSong-Bold sets what it
 * lacks. */
static const char *const default_fonts[NB_ROLES][2] = {
    {"NotoSerifCJKsc-Black", "FandolSong-Bold"}, /* title: 小标宋 */
    {"FandolHei-Regular"},                       /* heading1: 黑体 */
    {"FandolKai-Regular"},                       /* heading2: 楷体 */
    {"FandolFang-Regular"},                      /* body and level-3 headings: 仿宋 */
    {"FandolFang-Regular"},                      /* table */
    {"FandolSong-Regular"},                      /* folio: 宋体 (its dashes) */
};

/* `fonts: government`: the fonts agencies set their documents in, taken per role when
 * installed (they are not free; a missing one is named in a warning). */
static const char *const government_fonts[NB_ROLES] = {
    "方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312", "仿宋_GB2312", NULL,
};

const char *nb_government_font(int role)
{
    return role >= 0 && role < NB_ROLES ? government_fonts[role] : NULL;
}

/* Latin letters and digits per role: Liberation Serif has the metrics of Times New Roman,
 * which official documents use with 仿宋 and 小标宋; Liberation Sans Bold goes with 黑体. The
 * page number's digits are the body's, so that "— 3 —" matches the 3 in the text. */
static const char *const default_latin[NB_ROLES] = {
    "LiberationSerif-Bold", "LiberationSans-Bold", "LiberationSerif-Regular",
    "LiberationSerif-Regular", "LiberationSerif-Regular", "LiberationSerif-Regular",
};

/* Pages of one document: the limits on text (1 MiB) and tables keep a report under it; this
 * stops whatever else grows before it costs minutes. */
#define NB_MAX_PAGES 1000

static const char *const section_numbers[NB_SECTIONS] = {"一、", "二、", "三、",
                                                         "四、", "五、", "六、"};

/* Whole grid lines left on the page. */
static int lines_left(const nb_flow *f)
{
    return (int)floorf(nb_flow_space(f) / NB_LINE_PITCH + 0.001f);
}

typedef enum { IT_TITLE, IT_H1, IT_H2, IT_H3, IT_PARA, IT_TABLE } item_kind;

typedef struct item {
    item_kind kind;
    nb_role role;
    nb_text_block text;
    nb_text_line *lines;
    size_t nlines;
    char *owned_text;      /* for texts built here (numbered headings) */
    const nb_table *table;
    int tag;               /* its structure element (nb_doc.tags), made when it is placed */
    int lead_tag;          /* a run-in heading's own element (H3); its paragraph is `tag` */
    int tail;              /* lines that must follow this item on its last page: the 落款's
                              (blank line, name, date) after the document's last item */
} item;

/* A bundled font that did not resolve: missing, or what is wrong with its file (a damaged copy
 * of the data folder should not read as a missing file). Said once per font, though several
 * roles use it: `said` holds the names said so far (NB_ROLES * 3 room). */
static void bundled_font_error(nb_diags *diags, const nb_fontset *set, nb_pos pos,
                               const char *name, const char **said, int *nsaid)
{
    for (int i = 0; i < *nsaid; i++)
        if (!strcmp(said[i], name))
            return;
    said[(*nsaid)++] = name;
    char *why = nb_fontset_bundled_problem(set, name);
    nb_diag_add(diags, NB_ERROR, pos, "the bundled font %s %s", name, why);
    free(why);
}

int nb_font_roles(nb_fontset *set, const nb_access *access, const nb_report *r,
                  nb_font_list roles[NB_ROLES], unsigned char *role_failed, nb_diags *diags)
{
    int ok = 1;
    nb_pos none = {r ? r->file : NULL, 0, 0};
    const char *said[NB_ROLES * 3];
    int nsaid = 0;
    for (int role = 0; role < NB_ROLES; role++) {
        nb_font_list *l = &roles[role];
        memset(l, 0, sizeof *l);
        int failed = 0;
        for (size_t i = 0; r && i < r->nfonts[role]; i++) {
            nb_font *font = nb_files_font(set, access, r, role, i, diags);
            if (!font)
                failed = 1;
            else if (l->count < 5)
                l->fonts[l->count++] = font;
        }
        if (r && r->fonts_government && government_fonts[role]) {
            nb_font *gov = nb_fontset_get(set, government_fonts[role]);
            if (gov && l->count < 6)
                l->fonts[l->count++] = gov;
            else if (!gov)
                nb_diag_add(diags, NB_WARNING, r->fonts_government_pos,
                            "fonts: government: %s is not installed; the %s role uses the "
                            "bundled %s instead",
                            government_fonts[role], nb_role_names[role], default_fonts[role][0]);
        }
        if (default_latin[role] && !(l->latin = nb_fontset_get(set, default_latin[role]))) {
            bundled_font_error(diags, set, none, default_latin[role], said, &nsaid);
            failed = 1;
        }
        for (int k = 0; k < 2 && default_fonts[role][k]; k++) {
            nb_font *def = nb_fontset_get(set, default_fonts[role][k]);
            if (!def) {
                bundled_font_error(diags, set, none, default_fonts[role][k], said, &nsaid);
                failed = 1;
            } else if (l->count < 8) {
                l->fonts[l->count++] = def;
            }
        }
        if (role_failed)
            role_failed[role] = (unsigned char)failed;
        ok &= !failed;
    }
    return ok;
}

static float role_size(nb_role role) { return role == NB_ROLE_TITLE ? NB_SIZE_TITLE : NB_SIZE_BODY; }

static float indent_of(item_kind k) { return k == IT_TITLE ? 0 : 2 * NB_CHAR_PITCH; }

/* Title lines (GB/T 9704 7.3.1): words stay whole and several lines form a trapezoid or a
 * diamond, never a long line over a short one. The title is cut into units: the words of the
 * title word list (layouts/title-words.txt, longest first), numbers with the 年/年度/月/日 after
 * them, and other characters. A line may end between two units unless both are other characters
 * (a name the list does not know is not cut), or after a place-name ending ('+' in the list),
 * or at the end of the agency's name; never before a closing mark or after an opening one. One,
 * two and three lines are tried; the fewest lines without a long line over a short one win, the
 * most even of those (the shortest longest line). A line break typed in the title is kept. */
static size_t char_at(const nb_text_block *b, size_t offset)
{
    size_t i = 0;
    while (i < b->nchars && b->chars[i].offset < offset)
        i++;
    return i;
}

/* The longest entry of the word list matching the text at character i: its length in
 * characters (0: none). `plus` selects the '+' entries (place-name endings) or the words. */
static size_t title_word_at(const nb_text_block *b, size_t i, const char *words, int plus)
{
    size_t best = 0;
    const char *at = b->text + b->chars[i].offset;
    size_t room = b->len - b->chars[i].offset;
    for (const char *p = words; p && *p;) {
        size_t n = strcspn(p, "\r\n");
        const char *w = p;
        p += n;
        p += strspn(p, "\r\n");
        if (!n || *w == '#' || (*w == '+') != plus)
            continue;
        if (plus) {
            w++;
            n--;
        }
        if (!n || n > room || memcmp(at, w, n) != 0)
            continue;
        size_t j = char_at(b, b->chars[i].offset + n);
        if (j - i > best && (j >= b->nchars || b->chars[j].offset == b->chars[i].offset + n))
            best = j - i;
    }
    return best;
}

static int is_digit_cp(uint32_t c) { return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19); }

/* (typeset.h) */
void nb_title_breaks(const nb_text_block *b, const char *words, const char *agency,
                         unsigned char *ok)
{
    size_t n = b->nchars;
    int prev_other = 0, prev_end = 0; /* the unit before: other characters; a place ending */
    for (size_t i = 0; i < n;) {
        size_t len = 0;
        int other = 0, place = 0;
        if (is_digit_cp(b->chars[i].cp)) {
            len = 1;
            while (i + len < n && is_digit_cp(b->chars[i + len].cp))
                len++;
            uint32_t c = i + len < n ? b->chars[i + len].cp : 0;
            if (c == 0x5E74 /* 年 */ || c == 0x6708 /* 月 */ || c == 0x65E5 /* 日 */ ||
                c == 0x53F7 /* 号 */)
                len++;
            if (c == 0x5E74 && i + len < n && b->chars[i + len].cp == 0x5EA6 /* 度 */)
                len++;
        } else if ((len = title_word_at(b, i, words, 0)) == 0) {
            len = title_word_at(b, i, words, 1);
            place = len > 0;
            if (!len)
                len = 1;
            other = 1;
        }
        if (i > 0)
            ok[i] = !(prev_other && other) || prev_end;
        prev_other = other;
        prev_end = place;
        i += len;
    }
    /* The end of the agency's name, wherever it stands. */
    const char *p = agency && *agency ? strstr(b->text, agency) : NULL;
    if (p) {
        size_t k = char_at(b, (size_t)(p - b->text) + strlen(agency));
        if (k < n)
            ok[k] = 1;
    }
    for (size_t k = 1; k < n; k++) {
        nb_char_class next = b->chars[k].cls, before = b->chars[k - 1].cls;
        if (next == NB_CC_STOP || next == NB_CC_CLOSE || next == NB_CC_SPACE ||
            before == NB_CC_OPEN || !b->chars[k - 1].break_after)
            ok[k] = 0;
    }
}

/* 0: one line or a good shape (no line longer than the one below it, or a diamond whose middle
 * line is the longest); 1: a long line over a short one. */
static int title_shape_bad(const float *w, size_t n)
{
    const float same = NB_SIZE_TITLE * 0.5f;
    int trapezoid = 1;
    for (size_t i = 0; i + 1 < n; i++)
        trapezoid &= w[i] <= w[i + 1] + same;
    int diamond = n == 3 && w[1] + same > w[0] && w[1] + same > w[2] && w[0] < w[1];
    return !(trapezoid || diamond);
}

static size_t break_title(item *it, const nb_report *r, const char *words)
{
    nb_text_block *b = &it->text;
    size_t n = b->nchars;
    if (n < 2)
        return 0;
    unsigned char *ok = nb_calloc(n, 1);
    int forced = 0;
    for (size_t i = 0; i < n; i++)
        if (b->chars[i].cp == '\n')
            forced = 1;
    if (forced) {
        for (size_t i = 1; i < n; i++)
            ok[i] = b->chars[i].cp == '\n';
    } else {
        nb_title_breaks(b, words, r->agency.s, ok);
    }
    size_t cand[64], nc = 0;
    for (size_t i = 1; i < n && nc < 64; i++)
        if (ok[i])
            cand[nc++] = i;
    free(ok);
    float wmax = NB_TEXT_W;
    size_t best[4] = {0};
    size_t best_n = 0;
    float best_score = 1e30f;
    /* One line, then every choice of one or two breaks (x, y index cand; nc means none). */
    for (size_t x = 0; x <= nc; x++) {
        for (size_t y = x + 1; y <= nc + (x == nc); y++) {
            size_t cuts[4], nl = 0;
            cuts[nl++] = 0;
            if (x < nc)
                cuts[nl++] = cand[x];
            if (y < nc)
                cuts[nl++] = cand[y];
            if (forced && nl != nc + 1)
                continue;
            cuts[nl] = n;
            float w[3];
            int fits = 1;
            float hi = 0;
            for (size_t i = 0; i < nl; i++) {
                size_t from = cuts[i] + (forced && i > 0); /* a typed break is not set */
                w[i] = nb_text_span_width(b, from, cuts[i + 1]);
                fits &= w[i] <= wmax + 0.01f && w[i] > 0;
                hi = w[i] > hi ? w[i] : hi;
            }
            if (!fits)
                continue;
            /* Fewest lines of a good shape first, then the most even. */
            float score = (forced ? 0 : (float)title_shape_bad(w, nl) * 1e6f) +
                          (float)nl * 1e4f + hi;
            if (score < best_score) {
                best_score = score;
                best_n = nl;
                for (size_t i = 0; i <= nl; i++)
                    best[i] = cuts[i];
            }
        }
    }
    if (!best_n)
        return 0; /* no word-boundary split fits: the caller falls back to plain breaking */
    it->lines = nb_calloc(best_n, sizeof *it->lines);
    for (size_t i = 0; i < best_n; i++) {
        nb_text_line *l = &it->lines[i];
        l->first = best[i] + (forced && i > 0);
        l->end = i + 1 < best_n ? best[i + 1] : n;
        l->natural = nb_text_span_width(b, l->first, l->end);
        l->target = wmax;
        l->justify = 0;
    }
    return best_n;
}

/* `where`: the place of a text the report gives no string of its own for (src NULL). */
static int shape_item_at(nb_flow *f, item *it, const char *s, size_t len, const nb_text *src,
                         nb_pos where)
{
    float size = role_size(it->role);
    float pitch = it->kind == IT_TITLE ? NB_SIZE_TITLE : NB_CHAR_PITCH;
    if (nb_text_shape(&it->text, &f->roles[it->role], s, len, size, pitch, f->report, src,
                      src ? src->pos : where, f->diags) != 0)
        return -1;
    float indent = indent_of(it->kind);
    if (it->kind == IT_TITLE)
        it->nlines = break_title(it, f->report, f->title_words);
    if (!it->nlines)
        it->nlines = nb_text_break(&it->text, NB_TEXT_W - indent, NB_TEXT_W, &it->lines);
    if (it->kind != IT_PARA)
        for (size_t i = 0; i < it->nlines; i++)
            it->lines[i].justify = it->lines[i].justify && it->kind != IT_TITLE;
    return 0;
}

static int shape_item(nb_flow *f, item *it, const char *s, size_t len, const nb_text *src)
{
    return shape_item_at(f, it, s, len, src, (nb_pos){f->report->file, 0, 0});
}

static void place_line(nb_flow *f, item *it, size_t i)
{
    nb_page *page = nb_flow_page(f);
    const nb_text_line *l = &it->lines[i];
    float x = NB_TEXT_LEFT + (i == 0 ? indent_of(it->kind) : 0);
    if (it->kind == IT_TITLE)
        x = NB_TEXT_LEFT + (NB_TEXT_W - l->natural) / 2;
    float size = role_size(it->role);
    float baseline = f->y - nb_text_baseline_drop(size, NB_LINE_PITCH);
    size_t first_run = page->nruns;
    nb_text_place(&it->text, l, page, x, baseline);
    nb_page_tag_runs(page, first_run, it->tag);
    for (size_t r = first_run; it->lead_tag && r < page->nruns; r++)
        if (page->runs[r].first_char < it->text.joined_at)
            page->runs[r].tag = it->lead_tag;
    nb_box_kind kind = it->kind == IT_TITLE ? NB_BOX_TITLE
                       : it->kind == IT_PARA ? NB_BOX_LINE
                                             : NB_BOX_HEADING;
    float w = l->justify ? l->target : l->natural;
    size_t from = it->text.chars[l->first].offset;
    size_t to = l->end < it->text.nchars ? it->text.chars[l->end].offset : it->text.len;
    nb_page_add_box(page, kind, x, f->y - NB_LINE_PITCH, w, NB_LINE_PITCH, it->text.text + from,
                    to - from);
    f->y -= NB_LINE_PITCH;
}

/* The title's lines sit on a 2号 pitch of 36 pt (practice: 35–38 pt), the block centred in
 * whole grid lines so that the text after it stays on the 22-line grid. */
static void place_title(nb_flow *f, item *it)
{
    nb_page *page = nb_flow_page(f);
    float n = (float)it->nlines;
    float k = ceilf(n * NB_TITLE_PITCH / NB_LINE_PITCH - 0.001f);
    float top = f->y - (k * NB_LINE_PITCH - n * NB_TITLE_PITCH) / 2;
    for (size_t i = 0; i < it->nlines; i++) {
        const nb_text_line *l = &it->lines[i];
        float x = NB_TEXT_LEFT + (NB_TEXT_W - l->natural) / 2;
        float line_top = top - (float)i * NB_TITLE_PITCH;
        size_t first_run = page->nruns;
        nb_text_place(&it->text, l, page, x,
                      line_top - nb_text_baseline_drop(NB_SIZE_TITLE, NB_TITLE_PITCH));
        nb_page_tag_runs(page, first_run, it->tag);
        size_t from = it->text.chars[l->first].offset;
        size_t to = l->end < it->text.nchars ? it->text.chars[l->end].offset : it->text.len;
        nb_page_add_box(page, NB_BOX_TITLE, x, line_top - NB_TITLE_PITCH, l->natural,
                        NB_TITLE_PITCH, it->text.text + from, to - from);
    }
    f->y -= k * NB_LINE_PITCH;
}

/* Items that must not end a page: headings, and a short lead-in paragraph right before a table
 * ("该部分以表格形式报告。"). They stay with the start of what follows. */
static int keeps_with_next(const item *items, size_t n, size_t i)
{
    const item *it = &items[i];
    if (it->kind == IT_TITLE || it->kind == IT_TABLE || i + 1 >= n)
        return 0;
    if (it->kind != IT_PARA)
        return 1;
    return it->nlines <= 2 && items[i + 1].kind == IT_TABLE;
}

/* Height the start of item i needs on one page: a table's header and first two rows, two lines
 * of a paragraph (all three of a three-line one, whose third line would else stand alone at the
 * next page's head and which place_text_item then moves whole), or the whole of a heading and
 * the start of what it keeps with. */
static float keep_height(nb_flow *f, const item *items, size_t n, size_t i)
{
    /* A loop that stops once past a full page: more than a page cannot be kept together anyway,
     * and a run of thousands of headings would otherwise cost time quadratic in its length. */
    float sum = 0;
    for (; i < n && sum <= NB_TEXT_H; i++) {
        const item *it = &items[i];
        if (it->kind == IT_TABLE)
            return sum + nb_table_min_height(f, it->table);
        if (!keeps_with_next(items, n, i)) {
            /* The last paragraph before the 落款: a short one goes whole with it (GB/T 9704
             * 7.3.5: the 落款 never stands alone), so the heading above it must fit too. */
            if (it->tail && it->nlines <= 3)
                return sum + (float)(it->nlines + (size_t)it->tail) * NB_LINE_PITCH;
            return sum + (float)(it->nlines <= 3 ? it->nlines : 2) * NB_LINE_PITCH;
        }
        sum += (float)it->nlines * NB_LINE_PITCH;
    }
    return sum;
}

static void place_text_item(nb_flow *f, item *items, size_t nitems, size_t index)
{
    item *it = &items[index];
    if (f->page < 0)
        nb_flow_page(f);
    int left = lines_left(f);
    int n = (int)it->nlines;
    int full = NB_LINES_PER_PAGE;
    if (keeps_with_next(items, nitems, index) || it->kind != IT_PARA) {
        float need = keep_height(f, items, nitems, index);
        if (need > nb_flow_space(f) + 0.01f && left < full)
            nb_flow_new_page(f);
        for (int i = 0; i < n; i++) {
            if (lines_left(f) < 1)
                nb_flow_new_page(f);
            place_line(f, it, (size_t)i);
        }
        return;
    }
    int i = 0;
    int tail = it->tail;
    while (i < n) {
        left = lines_left(f);
        int rest = n - i;
        if (rest + tail <= left || (rest <= left && tail == 0)) {
            while (i < n)
                place_line(f, it, (size_t)i++);
            break;
        }
        /* The paragraph crosses the page end: no lone first line at the foot, no lone last
         * line at the head, when moving a line avoids it. Before the 落款, which needs `tail`
         * lines after the paragraph, at least two of its lines go over with it (all of a
         * paragraph of three lines or fewer). */
        int k = left;
        if (rest - k == 1 && k >= 2)
            k--;
        if (tail && rest <= left) {
            k = rest - 2;
            if (i == 0 && rest <= 3)
                k = 0;
        }
        if (k == 1 && i == 0 && rest > 1)
            k = 0;
        if (k <= 0 && left == full)
            k = rest < left ? rest : left; /* a page of one paragraph: nothing to gain */
        for (int j = 0; j < k; j++)
            place_line(f, it, (size_t)i++);
        nb_flow_new_page(f);
    }
}

/* "— N —": 4号 宋体 digits between two 一字线, the dashes 7 mm below the 版心, odd pages right
 * and even pages left, one character in (FORMAT.md §2.4). */
static void place_folio(nb_flow *f, size_t page_index)
{
    nb_page *page = &f->doc->pages[page_index];
    char digits[24];
    int nd = snprintf(digits, sizeof digits, "%zu", page_index + 1);
    nb_text_block dash, num;
    nb_pos nowhere = {f->report->file, 0, 0};
    const nb_font_list *fl = &f->roles[NB_ROLE_FOLIO];
    if (nb_text_shape(&dash, fl, "—", strlen("—"), NB_SIZE_FOLIO, NB_SIZE_FOLIO, NULL, NULL,
                      nowhere, f->diags) != 0)
        return;
    if (nb_text_shape(&num, fl, digits, (size_t)nd, NB_SIZE_FOLIO, NB_SIZE_FOLIO, NULL, NULL,
                      nowhere, f->diags) != 0) {
        nb_text_free(&dash);
        return;
    }
    float gap = NB_SIZE_FOLIO / 2;
    float dw = nb_text_width(&dash), nw = nb_text_width(&num);
    float total = 2 * dw + 2 * gap + nw;
    float x = page_index % 2 == 0 ? NB_TEXT_RIGHT - NB_SIZE_FOLIO - total
                                  : NB_TEXT_LEFT + NB_SIZE_FOLIO;
    /* Put the dash's vertical centre on the line 7 mm below the 版心. */
    const nb_font *font = dash.chars[0].font;
    hb_glyph_extents_t ext = {0};
    hb_font_get_glyph_extents(font->hb, dash.glyphs[0].gid, &ext);
    float centre = ((float)ext.y_bearing + (float)ext.height / 2) * NB_SIZE_FOLIO / (float)font->upem;
    float baseline = NB_TEXT_BOTTOM - NB_FOLIO_DROP - centre;
    nb_text_line dl = {0, dash.nchars, dw, dw, 0}, nl = {0, num.nchars, nw, nw, 0};
    nb_text_place(&dash, &dl, page, x, baseline);
    nb_text_place(&num, &nl, page, x + dw + gap, baseline);
    nb_text_place(&dash, &dl, page, x + dw + 2 * gap + nw, baseline);
    char label[40];
    snprintf(label, sizeof label, "— %s —", digits);
    nb_page_add_box(page, NB_BOX_FOLIO, x, baseline - NB_SIZE_FOLIO * 0.12f, total,
                    NB_SIZE_FOLIO, label, strlen(label));
    nb_text_free(&dash);
    nb_text_free(&num);
}

/* 落款 (GB/T 9704 7.3.5). Without a seal (7.3.5.2): one blank line below the text, the agency's
 * name 右空二字, the date on the next line starting two characters right of the name's first
 * character — or, when the date is the longer, the date 右空二字 and the name moved left.
 * With a seal (7.3.5.1): the date 右空四字, the name centred above it, and the seal, 42 mm
 * wide, centred on them with the two lines below its centre and its top within one line of
 * the text above. */
static int place_signoff(nb_flow *f)
{
    const nb_report *r = f->report;
    if (!r->signoff.s)
        return 0;
    char date[64];
    snprintf(date, sizeof date, "%d年%d月%d日", r->date_y, r->date_m, r->date_d);
    nb_text_block name, when;
    if (nb_text_shape(&name, &f->roles[NB_ROLE_BODY], r->signoff.s, r->signoff.len, NB_SIZE_BODY,
                      NB_CHAR_PITCH, r, &r->signoff, r->signoff.pos, f->diags) != 0)
        return -1;
    if (nb_text_shape(&when, &f->roles[NB_ROLE_BODY], date, strlen(date), NB_SIZE_BODY,
                      NB_CHAR_PITCH, NULL, NULL, r->date.pos, f->diags) != 0) {
        nb_text_free(&name);
        return -1;
    }
    float nw = nb_text_width(&name), dw = nb_text_width(&when);
    nb_raster raster = {0};
    int seal = r->seal.s != NULL || r->seal_data != NULL;
    if (seal && nb_files_seal(f->access, r, &raster, f->diags) != 0) {
        nb_text_free(&name);
        nb_text_free(&when);
        return -1;
    }
    float nx, dx;
    if (seal) {
        dx = NB_TEXT_RIGHT - 4 * NB_CHAR_PITCH - dw;
        nx = dx + (dw - nw) / 2;
    } else {
        float right = NB_TEXT_RIGHT - 2 * NB_CHAR_PITCH;
        nx = right - nw;
        dx = nx + 2 * NB_CHAR_PITCH;
        if (dx + dw > right) {
            dx = right - dw;
            nx = dx - 2 * NB_CHAR_PITCH;
        }
    }
    if (nx < NB_TEXT_LEFT)
        nx = NB_TEXT_LEFT;
    /* Blank lines above: one, or two under a seal so that it stays clear of the text. */
    int blank = seal ? 2 : 1;
    nb_flow_page(f);
    if (lines_left(f) < 2 + blank)
        nb_flow_new_page(f);
    else
        f->y -= (float)blank * NB_LINE_PITCH;
    if (seal) {
        float w = 42.0f * NB_MM, h = w * (float)raster.height / (float)raster.width;
        float cx = dx + dw / 2;
        float cy = f->y - NB_LINE_PITCH + 0.3f * h / 2; /* the two lines sit below the centre */
        nb_page_add_image(f->doc, nb_flow_page(f), &raster, cx - w / 2, cy - h / 2, w, h);
        nb_page_add_box(nb_flow_page(f), NB_BOX_IMAGE, cx - w / 2, cy - h / 2, w, h, "seal", 4);
    }
    nb_text_line nl = {0, name.nchars, nw, nw, 0}, dl = {0, when.nchars, dw, dw, 0};
    const nb_text_block *blocks[2] = {&name, &when};
    const nb_text_line *lines[2] = {&nl, &dl};
    float xs[2] = {nx, dx}, ws[2] = {nw, dw};
    for (int i = 0; i < 2; i++) {
        nb_page *page = nb_flow_page(f);
        float baseline = f->y - nb_text_baseline_drop(NB_SIZE_BODY, NB_LINE_PITCH);
        size_t first_run = page->nruns;
        nb_text_place(blocks[i], lines[i], page, xs[i], baseline);
        /* The agency's name and the date: a paragraph each. */
        nb_page_tag_runs(page, first_run, nb_doc_add_tag(f->doc, NB_TAG_P, f->tag_root));
        nb_page_add_box(page, NB_BOX_SIGNOFF, xs[i], f->y - NB_LINE_PITCH, ws[i], NB_LINE_PITCH,
                        blocks[i]->text, blocks[i]->len);
        f->y -= NB_LINE_PITCH;
    }
    nb_text_free(&name);
    nb_text_free(&when);
    return 0;
}

static void add_item(item **items, size_t *n, size_t *cap, item it)
{
    nb_grow(items, cap, *n + 1, sizeof **items);
    (*items)[(*n)++] = it;
}

/* A run-in heading: its words in the heading2 role (楷体), then the paragraph in the body role
 * (仿宋), set as one paragraph. */
static int shape_runin(nb_flow *f, item *it, const nb_block *blk)
{
    size_t n = blk->lead.len + blk->text.len;
    it->owned_text = nb_malloc(n + 1);
    memcpy(it->owned_text, blk->lead.s, blk->lead.len);
    memcpy(it->owned_text + blk->lead.len, blk->text.s, blk->text.len);
    it->owned_text[n] = 0;
    nb_text_block body;
    if (nb_text_shape(&it->text, &f->roles[NB_ROLE_HEADING2], it->owned_text, blk->lead.len,
                      NB_SIZE_BODY, NB_CHAR_PITCH, f->report, &blk->lead, blk->lead.pos,
                      f->diags) != 0)
        return -1;
    if (nb_text_shape(&body, &f->roles[NB_ROLE_BODY], it->owned_text + blk->lead.len,
                      blk->text.len, NB_SIZE_BODY, NB_CHAR_PITCH, f->report, &blk->text,
                      blk->text.pos, f->diags) != 0)
        return -1;
    nb_text_append(&it->text, &body, it->owned_text);
    it->nlines = nb_text_break(&it->text, NB_TEXT_W - indent_of(it->kind), NB_TEXT_W, &it->lines);
    return 0;
}

/* Adds the item of one block; returns nonzero when its text cannot be set. */
static int add_block(nb_flow *f, item **items, size_t *nitems, size_t *cap, const nb_block *blk,
                     size_t *table_index)
{
    const nb_report *r = f->report;
    item it = {0};
    int failed = 0;
    switch (blk->kind) {
    case NB_BLOCK_PARAGRAPH:
    case NB_BLOCK_ITEM:
        it.kind = IT_PARA; it.role = NB_ROLE_BODY; break;
    case NB_BLOCK_RUNIN:
        it.kind = IT_PARA;
        it.role = NB_ROLE_BODY;
        it.lead_tag = blk->lead.len ? -1 : 0; /* made with the paragraph's */
        failed = shape_runin(f, &it, blk) != 0;
        add_item(items, nitems, cap, it);
        return failed;
    case NB_BLOCK_HEADING2:
        it.kind = IT_H2; it.role = NB_ROLE_HEADING2; break;
    case NB_BLOCK_HEADING3:
        it.kind = IT_H3; it.role = NB_ROLE_BODY; break;
    case NB_BLOCK_TABLE:
        it.kind = IT_TABLE;
        it.role = NB_ROLE_TABLE;
        if (*table_index < r->ntables)
            it.table = r->tables[(*table_index)++];
        if (it.table)
            add_item(items, nitems, cap, it);
        return 0;
    }
    failed = shape_item(f, &it, blk->text.s, blk->text.len, &blk->text) != 0;
    add_item(items, nitems, cap, it);
    return failed;
}

int nb_typeset(const nb_report *r, nb_fontset *fonts, const char *title_words,
               const nb_access *access, nb_label_cache *labels, nb_doc *doc, nb_diags *diags)
{
    size_t errors_before = diags->errors; /* a forced render arrives with the check's errors */
    nb_flow f = {0};
    f.doc = doc;
    f.report = r;
    f.access = access;
    f.diags = diags;
    f.title_words = title_words;
    f.labels = labels;
    f.page = -1;
    if (!nb_font_roles(fonts, access, r, f.roles, NULL, diags))
        return NB_EREPORT;

    doc->title = nb_strdup(r->title_text);
    doc->author = nb_strdup(r->agency.s);
    doc->year = r->date_y;
    doc->month = r->date_m;
    doc->day = r->date_d;

    item *items = NULL;
    size_t nitems = 0, cap = 0;
    int failed = 0;

    item title = {.kind = IT_TITLE, .role = NB_ROLE_TITLE};
    const nb_text *title_src = r->title.s ? &r->title : NULL;
    /* A title made from the agency's name: its characters are the agency's. */
    failed |= shape_item_at(&f, &title, r->title_text, strlen(r->title_text), title_src,
                            r->agency.pos) != 0;
    add_item(&items, &nitems, &cap, title);

    size_t table_index = 0;
    for (size_t b = 0; b < r->npreamble; b++)
        failed |= add_block(&f, &items, &nitems, &cap, &r->preamble[b], &table_index);
    /* A report full of characters no font has: stop naming them after a few. */
    int stopped = 0;
    for (int s = 0; s < NB_SECTIONS && !stopped; s++) {
        const nb_section *sec = &r->sections[s];
        item h = {.kind = IT_H1, .role = NB_ROLE_HEADING1};
        /* The layout gives the number and the national heading; a report may reword it. */
        const nb_layout *lay = r->layout_ref;
        const char *number = lay && lay->numbers[s] ? lay->numbers[s] : section_numbers[s];
        const char *words = sec->heading.s ? sec->heading.s
                            : lay && lay->headings[s] ? lay->headings[s] : "";
        size_t hn = strlen(number) + strlen(words) + 1;
        h.owned_text = nb_malloc(hn);
        snprintf(h.owned_text, hn, "%s%s", number, words);
        failed |= shape_item_at(&f, &h, h.owned_text, strlen(h.owned_text), NULL,
                                sec->heading.s ? sec->heading.pos : (nb_pos){r->file, 0, 0}) != 0;
        add_item(&items, &nitems, &cap, h);
        for (size_t b = 0; b < sec->nblocks && !stopped; b++) {
            if (failed && diags->errors - errors_before >= NB_MAX_MISSING) {
                const nb_block *blk = &sec->blocks[b];
                nb_diag_add(diags, NB_ERROR, blk->text.pos.file ? blk->text.pos : sec->pos,
                            "too many errors about characters; the rest of the report was not "
                            "set");
                stopped = 1;
                break;
            }
            failed |= add_block(&f, &items, &nitems, &cap, &sec->blocks[b], &table_index);
        }
    }

    /* The 落款 needs a blank line (two under a seal), the name and the date after the last
     * item: the page breaking keeps body lines with it (GB/T 9704 7.3.5). */
    if (r->signoff.s && nitems && items[nitems - 1].kind != IT_TABLE &&
        items[nitems - 1].kind != IT_TITLE)
        items[nitems - 1].tail = 2 + (r->seal.s ? 2 : 1);

    if (!failed) {
        /* The structure tree: the Document, then one element per item as it is placed; the
         * title is the H1, the six section headings H2, the report's own heading levels H3
         * and H4 (a run-in heading an H3 before its paragraph's P), every paragraph a P;
         * tables build their own (table.c), the 落款 its two Ps (place_signoff). */
        f.tag_root = nb_doc_add_tag(doc, NB_TAG_DOCUMENT, 0);
        static const nb_tag_kind item_tags[] = {[IT_TITLE] = NB_TAG_H1, [IT_H1] = NB_TAG_H2,
                                                [IT_H2] = NB_TAG_H3, [IT_H3] = NB_TAG_H4,
                                                [IT_PARA] = NB_TAG_P, [IT_TABLE] = NB_TAG_TABLE};
        for (size_t i = 0; i < nitems; i++) {
            item *it = &items[i];
            if (it->lead_tag)
                it->lead_tag = nb_doc_add_tag(doc, NB_TAG_H3, f.tag_root);
            if (it->kind != IT_TABLE)
                it->tag = nb_doc_add_tag(doc, item_tags[it->kind], f.tag_root);
            if (doc->npages > NB_MAX_PAGES) {
                nb_diag_add(diags, NB_ERROR, (nb_pos){r->file, 0, 0},
                            "the document would be longer than %d pages; a report is a few "
                            "dozen", NB_MAX_PAGES);
                failed = 1;
                break;
            }
            if (it->kind == IT_TABLE) {
                nb_flow_page(&f);
                nb_table_set(&f, it->table);
                /* One grid line after a table, always: the table ends on a grid line. */
                f.y -= NB_LINE_PITCH;
                if (lines_left(&f) < 1 && i + 1 < nitems)
                    nb_flow_new_page(&f);
                continue;
            }
            if (it->kind == IT_TITLE) {
                nb_flow_page(&f);
                nb_doc_add_outline(doc, r->title_text, f.page, f.y, 0);
            }
            if (it->kind == IT_H1) {
                /* The outline points at the heading where it lands: place first, then record. */
                place_text_item(&f, items, nitems, i);
                float top = f.y + (float)it->nlines * NB_LINE_PITCH;
                nb_doc_add_outline(doc, it->owned_text, f.page, top, 1);
                continue;
            }
            if (it->kind == IT_TITLE) {
                place_title(&f, it);
                f.y -= NB_LINE_PITCH; /* one blank line after the title */
                if (lines_left(&f) < 1)
                    nb_flow_new_page(&f);
                continue;
            }
            place_text_item(&f, items, nitems, i);
        }
        failed |= place_signoff(&f) != 0;
        for (size_t p = 0; p < doc->npages; p++)
            place_folio(&f, p);
    }
    nb_table_cache_free(&f);
    for (size_t i = 0; i < nitems; i++) {
        nb_text_free(&items[i].text);
        free(items[i].lines);
        free(items[i].owned_text);
    }
    free(items);
    return failed || diags->errors > errors_before ? NB_EREPORT : NB_OK;
}
