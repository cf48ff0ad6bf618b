/* cff.c's subsets read back with FreeType: for every bundled CID-keyed CFF font and several
 * glyph sets (a few glyphs, .notdef among them or not, a random few hundred, every other glyph
 * of the font), the bare CFF program loads as an Adobe-Identity-0 CIDFont, its glyphs have
 * the CIDs 0 .. m - 1 in the order of their source glyph ids (.notdef 0; FreeType maps CIDs to
 * glyphs through the subset's charset), and each glyph's outline (points, tags, contours) and
 * advance under its new CID equal the source font's glyph, unscaled and unhinted. The same
 * glyphs from hb-subset's program (the path cff.c replaces, which keeps the source CIDs) give
 * the same outlines too; and flattened glyphs kept between subsets (nb_cff_glyphs) give the
 * same bytes as flattening them again. */
#include "cff.h"
#include "expect.h"
#include "util.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H
#include FT_TRUETYPE_TAGS_H
#include FT_TRUETYPE_TABLES_H
#include <hb-subset.h>
#include <hb.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* Whether glyph a of face fa and glyph b of fb have the same unscaled outline and advance;
 * says why not. */
static int same_glyph(FT_Face fa, unsigned a, FT_Face fb, unsigned b, const char *what)
{
    const FT_Int32 flags = FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING;
    int ea = FT_Load_Glyph(fa, a, flags);
    if (ea) {
        EXPECT(0, "%s: the source glyph %u does not load (%d)", what, a, ea);
        return 0;
    }
    FT_Outline oa = fa->glyph->outline;
    FT_Pos adv_a = fa->glyph->metrics.horiAdvance;
    /* Copy: loading into fb's slot leaves fa's alone, but keep the arrays of a stable. */
    FT_Vector *pa = malloc((size_t)(oa.n_points ? oa.n_points : 1) * sizeof *pa);
    char *ta = malloc(oa.n_points ? (size_t)oa.n_points : 1);
    short *ca = malloc((size_t)(oa.n_contours ? oa.n_contours : 1) * sizeof *ca);
    if (oa.n_points) { /* an empty glyph has no arrays */
        memcpy(pa, oa.points, (size_t)oa.n_points * sizeof *pa);
        memcpy(ta, oa.tags, (size_t)oa.n_points);
    }
    if (oa.n_contours)
        memcpy(ca, oa.contours, (size_t)oa.n_contours * sizeof *ca);
    int eb = FT_Load_Glyph(fb, b, flags);
    int ok = 0;
    if (eb) {
        EXPECT(0, "%s: glyph %u (source %u) does not load from the subset (%d)", what, b, a, eb);
    } else {
        FT_Outline ob = fb->glyph->outline;
        ok = ob.n_points == oa.n_points && ob.n_contours == oa.n_contours &&
             (!oa.n_points || (memcmp(ob.points, pa, (size_t)oa.n_points * sizeof *pa) == 0 &&
                               memcmp(ob.tags, ta, (size_t)oa.n_points) == 0)) &&
             (!oa.n_contours ||
              memcmp(ob.contours, ca, (size_t)oa.n_contours * sizeof *ca) == 0);
        EXPECT(ok, "%s: glyph %u (source %u): outline differs (%d/%d points, %d/%d contours)",
               what, b, a, ob.n_points, oa.n_points, ob.n_contours, oa.n_contours);
        EXPECT(fb->glyph->metrics.horiAdvance == adv_a,
               "%s: glyph %u (source %u): advance %ld, source %ld", what, b, a,
               (long)fb->glyph->metrics.horiAdvance, (long)adv_a);
        ok = ok && fb->glyph->metrics.horiAdvance == adv_a;
    }
    free(pa);
    free(ta);
    free(ca);
    return ok;
}

/* hb-subset's bare CFF of the same glyphs, as pdf.c asks for it (no hints, desubroutinized). */
static hb_blob_t *hb_cff_subset(hb_face_t *face, const uint32_t *gids, size_t n)
{
    hb_subset_input_t *input = hb_subset_input_create_or_fail();
    hb_set_t *set = hb_subset_input_glyph_set(input);
    for (size_t i = 0; i < n; i++)
        hb_set_add(set, gids[i]);
    hb_subset_input_set_flags(input,
                              HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE);
    hb_face_t *sub = hb_subset_or_fail(face, input);
    hb_subset_input_destroy(input);
    hb_blob_t *cff = sub ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' ')) : NULL;
    hb_face_destroy(sub);
    return cff;
}

static void check_set(FT_Library ft, FT_Face src, hb_face_t *hb_src, const unsigned char *cff,
                      size_t cff_len, const uint32_t *source_cids, const uint32_t *gids,
                      size_t n, const char *what, int with_hb)
{
    nb_buf out = {0};
    uint32_t *cids = malloc((n ? n : 1) * sizeof *cids);
    int ok = nb_cff_subset(cff, cff_len, gids, n, NULL, &out, cids);
    EXPECT(ok, "%s: cff.c declined the font", what);
    if (!ok)
        goto done;
    FT_Face sub;
    int e = FT_New_Memory_Face(ft, out.data, (FT_Long)out.len, 0, &sub);
    EXPECT(e == 0, "%s: FreeType does not open the subset (%d)", what, e);
    if (e)
        goto done;
    int notdef = n == 0 || gids[0] != 0;
    uint32_t *sub_cids = NULL, max_cid = 0;
    size_t sub_count = nb_cff_cids(out.data, out.len, &sub_cids);
    EXPECT(sub_count == n + (size_t)notdef, "%s: %zu glyphs, not %zu", what, sub_count,
           n + (size_t)notdef);
    for (size_t i = 0; i < sub_count; i++)
        max_cid = sub_cids[i] > max_cid ? sub_cids[i] : max_cid;
    free(sub_cids);
    /* FreeType counts the glyphs of a bare CID-keyed font by CID. */
    EXPECT(sub->num_glyphs == (FT_Long)max_cid + 1, "%s: FreeType sees %ld glyphs, not %lu", what,
           (long)sub->num_glyphs, (unsigned long)max_cid + 1);
    EXPECT(max_cid + 1 == sub_count, "%s: %zu glyphs, CIDs up to %u", what, sub_count,
           max_cid);
    FT_Bool cid_keyed = 0;
    EXPECT(FT_Get_CID_Is_Internally_CID_Keyed(sub, &cid_keyed) == 0 && cid_keyed,
           "%s: the subset is not CID-keyed", what);
    const char *registry = NULL, *ordering = NULL;
    FT_Int supplement = -1;
    EXPECT(FT_Get_CID_Registry_Ordering_Supplement(sub, &registry, &ordering, &supplement) == 0 &&
               strcmp(registry, "Adobe") == 0 && strcmp(ordering, "Identity") == 0 &&
               supplement == 0,
           "%s: the subset's ROS is %s-%s-%d, not Adobe-Identity-0", what,
           registry ? registry : "?", ordering ? ordering : "?", (int)supplement);
    size_t bad = 0;
    for (size_t i = 0; i < n && bad < 5; i++) {
        FT_UInt cid = 0;
        uint32_t want = (uint32_t)(i + (size_t)notdef); /* consecutive, .notdef 0 */
        EXPECT(cids[i] == want, "%s: glyph %u: CID %u, not %u", what, gids[i], cids[i], want);
        EXPECT(FT_Get_CID_From_Glyph_Index(sub, (FT_UInt)(i + (size_t)notdef), &cid) == 0 &&
                   cid == want,
               "%s: the subset's charset gives glyph %zu CID %u, not %u", what,
               i + (size_t)notdef, cid, want);
        /* A bare CID-keyed CFF: FreeType takes the glyph index as a CID. */
        if (!same_glyph(src, gids[i], sub, want, what) || cids[i] != want)
            bad++;
    }
    if (with_hb) {
        hb_blob_t *hb = hb_cff_subset(hb_src, gids, n);
        unsigned hb_len = 0;
        const char *hb_data = hb ? hb_blob_get_data(hb, &hb_len) : NULL;
        FT_Face hb_face;
        EXPECT(hb_len > 0 && FT_New_Memory_Face(ft, (const FT_Byte *)hb_data, (FT_Long)hb_len, 0,
                                                &hb_face) == 0,
               "%s: hb-subset's program does not load", what);
        if (hb_len > 0) {
            char hb_what[200];
            snprintf(hb_what, sizeof hb_what, "%s, against hb-subset", what);
            for (size_t i = 0; i < n && bad < 5; i++)
                if (!same_glyph(hb_face, source_cids[gids[i]], sub, cids[i], hb_what))
                    bad++;
            FT_Done_Face(hb_face);
        }
        hb_blob_destroy(hb);
    }
    FT_Done_Face(sub);
done:
    free(cids);
    nb_buf_free(&out);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    const char *source = getenv("NB_SOURCE");
    if (!source) {
        fprintf(stderr, "NB_SOURCE must name the source tree\n");
        return 2;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/fonts", source);
    DIR *dp = opendir(dir);
    if (!dp) {
        fprintf(stderr, "cannot read %s\n", dir);
        return 1;
    }
    FT_Library ft;
    if (FT_Init_FreeType(&ft))
        return 1;
    int fonts = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".otf") != 0)
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t len;
        unsigned char *data = read_whole_file(path, &len);
        FT_Face src;
        EXPECT(data && FT_New_Memory_Face(ft, data, (FT_Long)len, 0, &src) == 0,
               "%s does not open", path);
        if (!data)
            continue;
        FT_ULong cff_len = 0;
        FT_Load_Sfnt_Table(src, TTAG_CFF, 0, NULL, &cff_len);
        unsigned char *cff = malloc(cff_len ? cff_len : 1);
        EXPECT(cff_len > 0 && FT_Load_Sfnt_Table(src, TTAG_CFF, 0, cff, &cff_len) == 0,
               "%s has no CFF table", path);
        uint32_t *source_cids = NULL;
        size_t count = nb_cff_cids(cff, cff_len, &source_cids);
        EXPECT(count == (size_t)src->num_glyphs, "%s: the charset has %zu glyphs, not %ld",
               path, count, (long)src->num_glyphs);
        for (size_t g = 0; g < count; g += 997) {
            FT_UInt cid = 0;
            EXPECT(FT_Get_CID_From_Glyph_Index(src, (FT_UInt)g, &cid) == 0 &&
                       cid == source_cids[g],
                   "%s: glyph %zu: nb_cff_cids says CID %u, FreeType %u", path, g,
                   source_cids[g], cid);
        }
        hb_blob_t *blob = hb_blob_create((const char *)data, (unsigned)len,
                                         HB_MEMORY_MODE_READONLY, NULL, NULL);
        hb_face_t *hb_src = hb_face_create(blob, 0);
        hb_blob_destroy(blob);
        char what[300];
        uint32_t *gids = malloc(count * sizeof *gids);

        /* Glyphs one by one: in a subroutinized font a charstring of under 255 source bytes
         * often flattens to more, so the subset's offsets are wider than its source's would
         * be and the flattened data is moved up under them. */
        for (uint32_t g = 1; g < count; g += 97) {
            snprintf(what, sizeof what, "%s, glyph %u alone", de->d_name, g);
            check_set(ft, src, hb_src, cff, cff_len, source_cids, &g, 1, what, 0);
        }
        /* A few glyphs, without and with .notdef. */
        size_t n = 0;
        for (uint32_t g = 1; g < count && n < 12; g += 1 + 37 * n)
            gids[n++] = g;
        snprintf(what, sizeof what, "%s, %zu glyphs", de->d_name, n);
        check_set(ft, src, hb_src, cff, cff_len, source_cids, gids, n, what, 1);
        memmove(gids + 1, gids, n * sizeof *gids);
        gids[0] = 0;
        gids[n + 1] = (uint32_t)count - 1;
        snprintf(what, sizeof what, "%s, .notdef and %zu glyphs", de->d_name, n + 1);
        check_set(ft, src, hb_src, cff, cff_len, source_cids, gids, n + 2, what, 1);
        /* A random few hundred, as a report's body text has (a fixed seed: the same test). */
        uint32_t r = 12345u + (uint32_t)count;
        n = 0;
        for (int k = 0; k < 450; k++) {
            r = r * 1103515245u + 12345u;
            gids[n++] = 1 + (r >> 8) % ((uint32_t)count - 1);
        }
        qsort(gids, n, sizeof *gids, cmp_u32);
        size_t u = 0;
        for (size_t i = 0; i < n; i++)
            if (!u || gids[i] != gids[u - 1])
                gids[u++] = gids[i];
        snprintf(what, sizeof what, "%s, %zu random glyphs", de->d_name, u);
        check_set(ft, src, hb_src, cff, cff_len, source_cids, gids, u, what, 1);
        /* Glyphs kept flattened between subsets (cff.h) give the same program: kept in a
         * first subset, taken in a second; and with a budget that runs out part way. */
        {
            nb_buf plain = {0}, first = {0}, second = {0}, partial = {0};
            uint32_t *c = malloc(u * sizeof *c);
            atomic_size_t budget, small;
            atomic_init(&budget, (size_t)64 << 20);
            atomic_init(&small, count * sizeof(void *) + 40000);
            nb_cff_glyphs *kept = nb_cff_glyphs_new(count, &budget);
            nb_cff_glyphs *some = nb_cff_glyphs_new(count, &small);
            EXPECT(kept && some, "%s: no glyph store", de->d_name);
            size_t table_left = atomic_load(&budget);
            EXPECT(nb_cff_subset(cff, cff_len, gids, u, NULL, &plain, c) &&
                       nb_cff_subset(cff, cff_len, gids, u, kept, &first, c) &&
                       nb_cff_subset(cff, cff_len, gids, u, kept, &second, c) &&
                       nb_cff_subset(cff, cff_len, gids, u, some, &partial, c) &&
                       nb_cff_subset(cff, cff_len, gids, u, some, &partial, c),
                   "%s: a subset with kept glyphs failed", de->d_name);
            EXPECT(atomic_load(&budget) + 10000 < table_left,
                   "%s: the first subset kept no glyphs", de->d_name);
            EXPECT(atomic_load(&small) < 1000, "%s: the small budget is not spent (%zu left)",
                   de->d_name, (size_t)atomic_load(&small));
            EXPECT(first.len == plain.len && second.len == plain.len &&
                       partial.len == 2 * plain.len &&
                       memcmp(first.data, plain.data, plain.len) == 0 &&
                       memcmp(second.data, plain.data, plain.len) == 0 &&
                       memcmp(partial.data, plain.data, plain.len) == 0 &&
                       memcmp(partial.data + plain.len, plain.data, plain.len) == 0,
                   "%s: kept glyphs change the program", de->d_name);
            /* Flattened ahead (nb_cff_keep), as a render's helper does for the body font: a
             * superset of the glyphs (every other one asked for and some never asked for),
             * then the rest made by the subset: the same program. A stop flag set stops it. */
            atomic_size_t ahead_budget;
            atomic_init(&ahead_budget, (size_t)64 << 20);
            nb_cff_glyphs *ahead = nb_cff_glyphs_new(count, &ahead_budget);
            uint32_t *half = malloc((u + 2) * sizeof *half);
            size_t nh = 0;
            half[nh++] = 0; /* .notdef: passed over */
            for (size_t i = 0; i < u; i += 2)
                half[nh++] = gids[i] + (gids[i] + 1 < count && (i / 2) % 3 == 0);
            half[nh++] = (uint32_t)count + 5; /* out of range: passed over */
            atomic_int go, stop;
            atomic_init(&go, 0);
            atomic_init(&stop, 1);
            EXPECT(nb_cff_keep(cff, cff_len, half, nh, ahead, &stop) == 0,
                   "%s: nb_cff_keep went on after its stop flag", de->d_name);
            size_t made = nb_cff_keep(cff, cff_len, half, nh, ahead, &go);
            EXPECT(made >= u / 3 && made <= nh - 2,
                   "%s: nb_cff_keep flattened %zu of %zu glyphs", de->d_name, made, nh);
            EXPECT(nb_cff_keep(cff, cff_len, half, nh, ahead, &go) == 0,
                   "%s: nb_cff_keep flattened kept glyphs again", de->d_name);
            nb_buf warmed = {0};
            EXPECT(nb_cff_subset(cff, cff_len, gids, u, ahead, &warmed, c) &&
                       warmed.len == plain.len && memcmp(warmed.data, plain.data, plain.len) == 0,
                   "%s: glyphs flattened ahead change the program", de->d_name);
            nb_buf_free(&warmed);
            free(half);
            nb_cff_glyphs_free(ahead);
            nb_cff_glyphs_free(kept);
            nb_cff_glyphs_free(some);
            nb_buf_free(&plain);
            nb_buf_free(&first);
            nb_buf_free(&second);
            nb_buf_free(&partial);
            free(c);
        }
        /* Every other glyph of the font. */
        n = 0;
        for (uint32_t g = 0; g < count; g += 2)
            gids[n++] = g;
        snprintf(what, sizeof what, "%s, %zu glyphs (every other one)", de->d_name, n);
        check_set(ft, src, hb_src, cff, cff_len, source_cids, gids, n, what, 0);

        free(gids);
        hb_face_destroy(hb_src);
        free(source_cids);
        free(cff);
        FT_Done_Face(src);
        free(data);
        fonts++;
    }
    closedir(dp);
    FT_Done_FreeType(ft);
    EXPECT(fonts >= 7, "only %d CFF fonts in %s", fonts, dir);
    return failures != 0;
}
