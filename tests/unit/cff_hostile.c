/* cff.c against damaged and hostile programs: small CID-keyed fonts built here exercise the
 * charstring rules one by one (the width kept from a dropped stem operator, subroutines
 * inlined, recursion, nesting deeper than 10, calls fanning out, a full argument stack and one
 * past it, seac, arithmetic, a mask past the end, no endchar), then a real subset with global
 * and local subroutines and several Font DICTs (hb-subset of the bundled Noto Serif CJK, hints
 * and subroutines kept) is cut at every length and has bytes changed all over. Every case
 * either fails cleanly or gives a program FreeType opens and whose charset cff.c reads back;
 * none may read outside the font (run under ASan in CI). */
#include "cff.h"
#include "expect.h"
#include "util.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H
#include <hb-subset.h>
#include <hb.h>

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* A minimal CID-keyed CFF */

typedef struct bytes {
    const unsigned char *p;
    size_t n;
} bytes;

#define B(...) ((bytes){(const unsigned char[]){__VA_ARGS__}, sizeof((const unsigned char[]){__VA_ARGS__})})

static void put(nb_buf *b, const void *p, size_t n) { nb_buf_put(b, p, n); }

static void put_u(nb_buf *b, uint32_t v, unsigned n)
{
    unsigned char c[4];
    for (unsigned i = 0; i < n; i++)
        c[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
    put(b, c, n);
}

static void put_int5(nb_buf *b, uint32_t v)
{
    put_u(b, 29, 1);
    put_u(b, v, 4);
}

static size_t index_len(const bytes *items, size_t n)
{
    size_t data = 0;
    for (size_t i = 0; i < n; i++)
        data += items[i].n;
    return n ? 2 + 1 + 4 * (n + 1) + data : 2;
}

static void put_index(nb_buf *b, const bytes *items, size_t n)
{
    put_u(b, (uint32_t)n, 2);
    if (!n)
        return;
    put_u(b, 4, 1);
    uint32_t off = 1;
    put_u(b, off, 4);
    for (size_t i = 0; i < n; i++)
        put_u(b, off += (uint32_t)items[i].n, 4);
    for (size_t i = 0; i < n; i++)
        put(b, items[i].p, items[i].n);
}

/* Glyph i has CID 100 + i (glyph 0: CID 0); one Font DICT, its Private DICT with the local
 * subroutines. `ros` 0 makes it name-keyed; 1 gives it the ROS Adobe-Identity-0, 2 Foo-Bar-0
 * (with neither "Adobe" nor "Identity" among its strings). */
static void build(nb_buf *out, const bytes *cs, size_t ncs, const bytes *gsubrs, size_t ngs,
                  const bytes *lsubrs, size_t nls, int ros)
{
    bytes name = {(const unsigned char *)"T", 1};
    bytes strings[] = {{(const unsigned char *)"Adobe", 5}, {(const unsigned char *)"Identity", 8}};
    if (ros == 2) {
        strings[0] = (bytes){(const unsigned char *)"Foo", 3};
        strings[1] = (bytes){(const unsigned char *)"Bar", 3};
    }
    size_t top_len = (ros ? 17 : 0) + 6 + 6 + 7 + 7;
    size_t at = 4 + index_len(&name, 1) + 2 + 1 + 8 + top_len + index_len(strings, 2) +
                index_len(gsubrs, ngs);
    size_t at_charset = at, at_fdselect = at_charset + 1 + 2 * (ncs - 1);
    size_t at_cs = at_fdselect + 3 + 3 + 2, at_fdarray = at_cs + index_len(cs, ncs);
    size_t at_private = at_fdarray + 2 + 1 + 8 + 11, private_len = nls ? 6 : 0;
    put(out, (const unsigned char[]){1, 0, 4, 4}, 4);
    put_index(out, &name, 1);
    /* Top DICT INDEX */
    put_u(out, 1, 2);
    put_u(out, 4, 1);
    put_u(out, 1, 4);
    put_u(out, 1 + (uint32_t)top_len, 4);
    if (ros) {
        put_int5(out, 391), put_int5(out, 392), put_int5(out, 0);
        put(out, (const unsigned char[]){12, 30}, 2);
    }
    put_int5(out, (uint32_t)at_charset), put_u(out, 15, 1);
    put_int5(out, (uint32_t)at_cs), put_u(out, 17, 1);
    put_int5(out, (uint32_t)at_fdselect), put(out, (const unsigned char[]){12, 37}, 2);
    put_int5(out, (uint32_t)at_fdarray), put(out, (const unsigned char[]){12, 36}, 2);
    put_index(out, strings, 2);
    put_index(out, gsubrs, ngs);
    put_u(out, 0, 1); /* charset format 0 */
    for (size_t g = 1; g < ncs; g++)
        put_u(out, 100 + (uint32_t)g, 2);
    put(out, (const unsigned char[]){3, 0, 1, 0, 0, 0}, 6); /* FDSelect: all glyphs FD 0 */
    put_u(out, (uint32_t)ncs, 2);
    put_index(out, cs, ncs);
    put_u(out, 1, 2); /* FDArray: one Font DICT, a Private entry only */
    put_u(out, 4, 1);
    put_u(out, 1, 4);
    put_u(out, 12, 4);
    put_int5(out, (uint32_t)private_len), put_int5(out, (uint32_t)at_private);
    put_u(out, 18, 1);
    if (nls) {
        put_int5(out, 6), put_u(out, 19, 1); /* Subrs right after the Private DICT */
        put_index(out, lsubrs, nls);
    }
}

/* Subsets every glyph but .notdef of a font built from these charstrings; returns what
 * nb_cff_subset returns and leaves the program in *sub. */
static int subset_built(const bytes *cs, size_t ncs, const bytes *gs, size_t ngs,
                        const bytes *ls, size_t nls, nb_buf *sub)
{
    nb_buf font = {0};
    build(&font, cs, ncs, gs, ngs, ls, nls, 1);
    /* An exact copy: reading one byte past the font is an ASan error. */
    unsigned char *exact = malloc(font.len);
    memcpy(exact, font.data, font.len);
    uint32_t gids[16], cids[16];
    for (size_t i = 1; i < ncs; i++)
        gids[i - 1] = (uint32_t)i;
    sub->len = 0;
    int ok = nb_cff_subset(exact, font.len, gids, ncs - 1, NULL, sub, cids);
    for (size_t i = 1; ok && i < ncs; i++)
        EXPECT(cids[i - 1] == i, "glyph %zu: CID %u", i, cids[i - 1]);
    free(exact);
    nb_buf_free(&font);
    return ok;
}

static int contains(const nb_buf *b, bytes want)
{
    for (size_t i = 0; i + want.n <= b->len; i++)
        if (memcmp(b->data + i, want.p, want.n) == 0)
            return 1;
    return 0;
}

static void charstring_rules(FT_Library ft)
{
    nb_buf sub = {0};
    bytes notdef = B(14);
    /* width 50, hstemhm 10 20, implicit vstem 30 40 and a hintmask, 100 100 rmoveto, a local
     * and a global subroutine each drawing a line (bias 107: number -107 is subroutine 0),
     * endchar. */
    bytes glyph = B(189, 149, 159, 18, 169, 179, 19, 0xC0, 239, 239, 21, 32, 10, 32, 29, 14);
    bytes lsub = B(189, 139, 5, 11), gsub = B(139, 189, 5, 11);
    bytes cs[] = {notdef, glyph};
    EXPECT(subset_built(cs, 2, &gsub, 1, &lsub, 1, &sub), "a valid glyph is declined");
    EXPECT(contains(&sub, B(189, 239, 239, 21, 189, 139, 5, 139, 189, 5, 14)),
           "the flattened charstring is not width, rmoveto, the two lines, endchar");
    FT_Face face;
    int e = FT_New_Memory_Face(ft, sub.data, (FT_Long)sub.len, 0, &face);
    EXPECT(e == 0, "FreeType does not open the subset (%d)", e);
    if (!e) {
        e = FT_Load_Glyph(face, 1, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING);
        EXPECT(e == 0 && face->glyph->outline.n_points == 3 &&
                   face->glyph->metrics.horiAdvance == 50,
               "glyph CID 1 (source CID 101): error %d, %d points, advance %ld", e,
               face->glyph->outline.n_points, (long)face->glyph->metrics.horiAdvance);
        FT_Done_Face(face);
    }
    /* The width on a moveto stays there; a glyph of width and endchar only. */
    bytes moveto_width = B(189, 239, 239, 21, 239, 139, 5, 14), empty = B(189, 14);
    bytes cs2[] = {notdef, moveto_width, empty};
    EXPECT(subset_built(cs2, 3, NULL, 0, NULL, 0, &sub), "valid glyphs are declined");
    EXPECT(contains(&sub, B(189, 239, 239, 21, 239, 139, 5, 14, 189, 14)),
           "the glyphs are not copied as they are");

    /* A full argument stack is fine; one more is not. */
    unsigned char full[60], over[60];
    size_t nf = 0, no = 0;
    full[nf++] = 139, full[nf++] = 139, full[nf++] = 21;
    for (int i = 0; i < 48; i++)
        full[nf++] = 140;
    full[nf++] = 5, full[nf++] = 14;
    for (int i = 0; i < 49; i++)
        over[no++] = 140;
    over[no++] = 5, over[no++] = 14;
    bytes cs_full[] = {notdef, {full, nf}}, cs_over[] = {notdef, {over, no}};
    EXPECT(subset_built(cs_full, 2, NULL, 0, NULL, 0, &sub), "48 arguments are declined");
    EXPECT(!subset_built(cs_over, 2, NULL, 0, NULL, 0, &sub), "49 arguments are accepted");

    struct {
        const char *what;
        bytes glyph;
        int ngs; /* global subroutines: the recursive one, a chain, or a fan */
    } bad[] = {
        {"seac", B(139, 139, 139, 139, 14), 0},
        {"an arithmetic operator", B(139, 139, 12, 10, 139, 21, 14), 0},
        {"storage", B(139, 139, 12, 20, 14), 0},
        {"a reserved operator", B(139, 139, 21, 2, 14), 0},
        {"a mask past the end", B(139, 139, 1, 19), 0},
        {"no endchar", B(139, 139, 21), 0},
        {"return outside a subroutine", B(139, 139, 21, 11, 14), 0},
        {"a number cut short", B(139, 139, 21, 28, 1), 0},
        {"a local subroutine the font has not", B(139, 139, 21, 32, 10, 14), 0},
        {"a subroutine number past the end", B(139, 139, 21, 139, 29, 14), 1},
        {"a call without a number", B(29, 14), 1},
        {"a recursive subroutine", B(32, 29, 14), -1},
        {"subroutines nested 11 deep", B(32, 29, 14), 11},
        {"calls fanning out", B(32, 29, 14), -2},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        static const unsigned char self_call[] = {32, 29, 11}, just_return[] = {11};
        bytes gs[16];
        unsigned char calls[16][40];
        int ngs = bad[k].ngs;
        if (ngs == -1) { /* subroutine 0 calls itself */
            gs[0] = (bytes){self_call, sizeof self_call};
            ngs = 1;
        } else if (ngs == -2) { /* each of 10 calls the next one 12 times */
            for (int i = 0; i < 10; i++) {
                size_t n = 0;
                for (int j = 0; j < 12; j++)
                    calls[i][n++] = (unsigned char)(139 - 107 + i + 1), calls[i][n++] = 29;
                if (i == 9)
                    n = 0, calls[i][n++] = 139, calls[i][n++] = 139, calls[i][n++] = 5;
                calls[i][n++] = 11;
                gs[i] = (bytes){calls[i], n};
            }
            ngs = 10;
        } else if (ngs > 1) { /* a chain: i calls i + 1 */
            for (int i = 0; i < ngs; i++) {
                size_t n = 0;
                if (i + 1 < ngs)
                    calls[i][n++] = (unsigned char)(139 - 107 + i + 1), calls[i][n++] = 29;
                calls[i][n++] = 11;
                gs[i] = (bytes){calls[i], n};
            }
        } else if (ngs == 1) {
            gs[0] = (bytes){just_return, sizeof just_return};
        }
        bytes cs_bad[] = {notdef, bad[k].glyph};
        EXPECT(!subset_built(cs_bad, 2, gs, (size_t)ngs, NULL, 0, &sub), "%s is accepted",
               bad[k].what);
    }
    /* Ten deep is the limit, and fine. */
    bytes chain[10];
    unsigned char chain_calls[10][3];
    for (int i = 0; i < 10; i++) {
        size_t n = 0;
        if (i + 1 < 10)
            chain_calls[i][n++] = (unsigned char)(139 - 107 + i + 1), chain_calls[i][n++] = 29;
        chain_calls[i][n++] = 11;
        chain[i] = (bytes){chain_calls[i], n};
    }
    bytes cs_chain[] = {notdef, B(139, 139, 21, 32, 29, 14)};
    EXPECT(subset_built(cs_chain, 2, chain, 10, NULL, 0, &sub),
           "subroutines nested 10 deep are declined");

    /* Glyph ids out of order, repeated or past the font; a name-keyed font. */
    nb_buf font = {0};
    bytes cs3[] = {notdef, B(139, 14), B(139, 14)};
    build(&font, cs3, 3, NULL, 0, NULL, 0, 1);
    uint32_t cids[4];
    EXPECT(!nb_cff_subset(font.data, font.len, (const uint32_t[]){2, 1}, 2, NULL, &sub, cids),
           "glyphs out of order are accepted");
    EXPECT(!nb_cff_subset(font.data, font.len, (const uint32_t[]){1, 1}, 2, NULL, &sub, cids),
           "a repeated glyph is accepted");
    EXPECT(!nb_cff_subset(font.data, font.len, (const uint32_t[]){3}, 1, NULL, &sub, cids),
           "a glyph past the font is accepted");
    size_t before = sub.len = 0;
    EXPECT(nb_cff_subset(font.data, font.len, (const uint32_t[]){0, 2}, 2, NULL, &sub, cids) &&
               cids[0] == 0 && cids[1] == 1,
           "glyphs 0 and 2 give CIDs %u %u", cids[0], cids[1]);
    (void)before;
    font.len = 0;
    build(&font, cs3, 3, NULL, 0, NULL, 0, 0);
    size_t kept = sub.len;
    EXPECT(!nb_cff_subset(font.data, font.len, (const uint32_t[]){1}, 1, NULL, &sub, cids) &&
               sub.len == kept,
           "a name-keyed font is accepted, or the buffer changed");
    nb_buf_free(&font);
    nb_buf_free(&sub);
}

/* The subset's ROS is Adobe-Identity-0 whatever the source's, "Adobe" and "Identity" added to
 * the String INDEX when missing, and its glyphs are CIDs 0 .. n - 1. */
static void identity_ros(FT_Library ft)
{
    bytes cs[] = {B(14), B(189, 239, 239, 21, 189, 139, 5, 14), B(189, 14)};
    for (int ros = 1; ros <= 2; ros++) {
        nb_buf font = {0}, sub = {0};
        build(&font, cs, 3, NULL, 0, NULL, 0, ros);
        uint32_t cids[2];
        EXPECT(nb_cff_subset(font.data, font.len, (const uint32_t[]){1, 2}, 2, NULL, &sub, cids) &&
                   cids[0] == 1 && cids[1] == 2,
               "ROS %d: declined, or CIDs %u %u", ros, cids[0], cids[1]);
        FT_Face face;
        int e = FT_New_Memory_Face(ft, sub.data, (FT_Long)sub.len, 0, &face);
        EXPECT(e == 0, "ROS %d: FreeType does not open the subset (%d)", ros, e);
        if (!e) {
            const char *registry = NULL, *ordering = NULL;
            FT_Int supplement = -1;
            EXPECT(FT_Get_CID_Registry_Ordering_Supplement(face, &registry, &ordering,
                                                           &supplement) == 0 &&
                       strcmp(registry, "Adobe") == 0 && strcmp(ordering, "Identity") == 0 &&
                       supplement == 0,
                   "ROS %d: the subset says %s-%s-%d", ros, registry ? registry : "?",
                   ordering ? ordering : "?", (int)supplement);
            e = FT_Load_Glyph(face, 1, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING);
            EXPECT(e == 0 && face->glyph->outline.n_points == 2 &&
                       face->glyph->metrics.horiAdvance == 50,
                   "ROS %d: CID 1: error %d, %d points", ros, e, face->glyph->outline.n_points);
            FT_Done_Face(face);
        }
        nb_buf_free(&font);
        nb_buf_free(&sub);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* A real program, damaged */

/* A failure, or a program cff.c reads back with the glyphs asked for and FreeType opens
 * (unless FreeType rejects the damaged source too: its Top and Font DICT entries are copied). */
static void check_outcome(FT_Library ft, const unsigned char *d, size_t len, const uint32_t *gids,
                          size_t n, const char *what, size_t where, int *accepted)
{
    unsigned char *exact = malloc(len ? len : 1);
    memcpy(exact, d, len);
    nb_buf out = {0};
    uint32_t cids[64];
    if (nb_cff_subset(exact, len, gids, n, NULL, &out, cids)) {
        (*accepted)++;
        uint32_t *back = NULL;
        size_t count = nb_cff_cids(out.data, out.len, &back);
        int notdef = gids[0] != 0;
        EXPECT(count == n + (size_t)notdef, "%s at %zu: the subset has %zu glyphs", what, where,
               count);
        for (size_t i = 0; count == n + (size_t)notdef && i < n; i++)
            EXPECT(back[i + (size_t)notdef] == cids[i], "%s at %zu: glyph %zu CID %u, not %u",
                   what, where, i, back[i + (size_t)notdef], cids[i]);
        free(back);
        FT_Face face;
        if (FT_New_Memory_Face(ft, out.data, (FT_Long)out.len, 0, &face) == 0) {
            for (size_t i = 0; i < n; i += 8)
                FT_Load_Glyph(face, cids[i], FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING);
            FT_Done_Face(face);
        } else if (FT_New_Memory_Face(ft, exact, (FT_Long)len, 0, &face) == 0) {
            FT_Done_Face(face);
            EXPECT(0, "%s at %zu: FreeType opens the source but not what cff.c made of it",
                   what, where);
        }
    }
    nb_buf_free(&out);
    free(exact);
}

static void damaged(FT_Library ft)
{
    const char *source = getenv("NB_SOURCE");
    char path[4096];
    snprintf(path, sizeof path, "%s/fonts/NotoSerifCJKsc-Black-GB2312.otf", source ? source : ".");
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    EXPECT(blob, "cannot read %s", path);
    if (!blob)
        return;
    hb_face_t *face = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    /* Glyphs from several Font DICTs (Latin, digits, Han); subroutines and hints kept. */
    hb_subset_input_t *input = hb_subset_input_create_or_fail();
    hb_set_t *set = hb_subset_input_glyph_set(input);
    unsigned count = hb_face_get_glyph_count(face);
    for (unsigned g = 1; g < count; g += count / 40)
        hb_set_add(set, g);
    hb_face_t *sub = hb_subset_or_fail(face, input);
    hb_subset_input_destroy(input);
    hb_blob_t *cff = sub ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' ')) : NULL;
    unsigned len = 0;
    const unsigned char *d = cff ? (const unsigned char *)hb_blob_get_data(cff, &len) : NULL;
    EXPECT(len > 0, "hb-subset made no CFF program");
    size_t n = (size_t)hb_face_get_glyph_count(sub) - 1;
    uint32_t gids[64];
    for (size_t i = 0; i < n && i < 64; i++)
        gids[i] = (uint32_t)i + 1;
    if (n > 64)
        n = 64;
    /* The undamaged program is accepted, and has the subroutines this test is about. */
    int accepted = 0;
    check_outcome(ft, d, len, gids, n, "undamaged", 0, &accepted);
    EXPECT(accepted == 1, "the undamaged program is declined");
    EXPECT(len > 4 && len > 2000, "the program is only %u bytes", len);

    accepted = 0;
    size_t tries = 0;
    for (size_t cut = 0; cut < len; cut += cut < 4096 ? 1 : 5, tries++)
        check_outcome(ft, d, cut, gids, n, "cut", cut, &accepted);
    EXPECT(accepted < (int)tries / 10, "%d of %zu cut programs accepted", accepted, tries);
    unsigned char *copy = malloc(len);
    uint32_t r = 1;
    for (size_t at = 0; at < len; at += at < 4096 ? 1 : 3) {
        memcpy(copy, d, len);
        r = r * 1103515245u + 12345u;
        copy[at] ^= (unsigned char)(1 + (r >> 16) % 255);
        check_outcome(ft, copy, len, gids, n, "changed", at, &accepted);
    }
    free(copy);
    hb_blob_destroy(cff);
    hb_face_destroy(sub);
    hb_face_destroy(face);
}

int main(void)
{
    FT_Library ft;
    if (FT_Init_FreeType(&ft))
        return 1;
    charstring_rules(ft);
    identity_ros(ft);
    damaged(ft);
    FT_Done_FreeType(ft);
    return failures != 0;
}
