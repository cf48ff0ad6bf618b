/* Font resolution and font embedding: builds a document by hand from text shaped with
 * nb_font_shape in a CFF font (FandolFang) and TrueType fonts (HanaMinA/B, when installed),
 * writes it twice (the bytes must be identical) and saves it for tests/pdf_embed.sh, which
 * reads it back with poppler, qpdf, mupdf and Ghostscript.
 *
 * usage: unit_pdf_embed [OUT.pdf [TEXTFILE]]
 *   OUT.pdf   where to save the PDF (default: $NB_WORK/pdf_embed.pdf, or nowhere); the text the
 *             PDF must give back is written to OUT.pdf.txt, the font types to OUT.pdf.fonts,
 *             the same document with a classic cross-reference table to OUT.pdf.classic,
 *             and with its CFF fonts subset by hb-subset instead of cff.c to OUT.pdf.hb
 *   TEXTFILE  instead of the fixed sample, set this UTF-8 text (one paragraph per line) in
 *             FandolFang and print the PDF size and times (a measurement, not a test) */
#define _GNU_SOURCE /* memmem */
#include "font.h"
#include "page.h"
#include "pdf.h"
#include "pdfpack.h"
#include "util.h"

#include <hb-subset.h>
#include <hb.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define HANAMIN_DIR "/usr/share/fonts/truetype/hanazono/"

#include "expect.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const char *ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0 ? s + n - k : NULL;
}

/* Shapes `text` and adds it as one run at (x, y) with `extra` pt added after every glyph
 * (letter spacing, so the writer must place glyphs away from their natural advance). Each
 * glyph's text is its cluster: the bytes up to the next cluster. Returns the run's width. */
static double add_line(nb_page *page, const nb_font *font, float size, float x, float y,
                       const char *text, float extra)
{
    size_t len = strlen(text);
    nb_shaped *sh;
    size_t n = nb_font_shape(font, text, len, &sh);
    nb_run *run = nb_page_add_run(page);
    run->font = font;
    run->size = size;
    run->x = x;
    run->y = y;
    run->text = nb_strndup(text, len);
    run->text_len = len;
    run->glyphs = nb_calloc(n, sizeof *run->glyphs);
    run->nglyphs = n;
    double k = size / font->upem, pen = 0;
    for (size_t i = 0; i < n; i++) {
        nb_glyph *g = &run->glyphs[i];
        g->gid = sh[i].gid;
        g->x = (float)(pen + sh[i].x_offset * k);
        g->y = (float)(sh[i].y_offset * k);
        int starts = i == 0 || sh[i].cluster != sh[i - 1].cluster;
        if (starts) {
            size_t end = len;
            for (size_t j = i + 1; j < n; j++)
                if (sh[j].cluster != sh[i].cluster) {
                    end = sh[j].cluster;
                    break;
                }
            g->text = sh[i].cluster;
            g->text_len = (uint32_t)(end - sh[i].cluster);
        }
        pen += sh[i].x_advance * k + extra;
    }
    free(sh);
    return pen;
}

static int all_glyphs(const nb_font *font, const char *text)
{
    size_t len = strlen(text), i = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = nb_utf8_decode(text + i, len - i, &cp);
        if (!k || (cp > ' ' && !nb_font_glyph(font, cp)))
            return 0;
        i += k;
    }
    return 1;
}

static void check_resolver(nb_fontset *set)
{
    static const struct { const char *name, *file; } cases[] = {
        {"FandolFang", "/FandolFang-Regular.otf"},
        {"FandolSong", "/FandolSong-Regular.otf"},
        {"fandolsong", "/FandolSong-Regular.otf"},
        {"FandolSong-Bold", "/FandolSong-Bold.otf"},
        {"FandolSong Bold", "/FandolSong-Bold.otf"},
        {"FandolHei", "/FandolHei-Regular.otf"},
        {"FandolHei-Bold", "/FandolHei-Bold.otf"},
        {"FandolKai", "/FandolKai-Regular.otf"},
        {"FandolSong-Regular", "/FandolSong-Regular.otf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        nb_font *f = nb_fontset_get(set, cases[i].name);
        CHECK(f && ends_with(f->path, cases[i].file), "%s resolved to %s", cases[i].name,
              f ? f->path : "nothing");
    }
    /* No fallback: a family nobody has, or a prefix of one, resolves to nothing. */
    CHECK(!nb_fontset_get(set, "No Such Family"), "an unknown family resolved");
    CHECK(!nb_fontset_get(set, "Fandol"), "a family prefix resolved");
    CHECK(!nb_fontset_get(set, "FandolSong-Heavy"), "an unknown style resolved");
    CHECK(!nb_fontset_get(set, "/nonexistent/font.otf"), "a missing file opened");
    char *error = NULL;
    nb_font *bad = nb_font_open(__FILE__, 0, &error); /* not a font */
    CHECK(!bad && error, "a C file opened as a font");
    free(error);
    nb_font_close(bad);
    /* One open font per file, whatever name reached it. */
    CHECK(nb_fontset_get(set, "FandolSong-Bold") == nb_fontset_get(set, "FandolSong Bold"),
          "the same face was opened twice");

    nb_font *fang = nb_fontset_get(set, "FandolFang");
    if (fang) {
        CHECK(fang->is_cff, "FandolFang is CFF");
        CHECK(strcmp(fang->ps_name, "FandolFang-Regular") == 0, "ps_name %s", fang->ps_name);
        CHECK(fang->upem == 1000, "upem %u", fang->upem);
        CHECK(fang->ascender > 0 && fang->descender < 0, "metrics %d %d", fang->ascender,
              fang->descender);
        CHECK(nb_font_glyph(fang, 0x653F) != 0, "政 has a glyph");
        CHECK(nb_font_advance(fang, nb_font_glyph(fang, 0x653F)) == 1000, "政 is full width");
    }
}

/* A 4 × 4 red PNG, standing in for a seal image. */
static const unsigned char red_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x08, 0x02, 0x00, 0x00, 0x00, 0x26,
    0x93, 0x09, 0x29, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x38,
    0xc1, 0xc0, 0x00, 0x47, 0x0c, 0xc4, 0x71, 0x00, 0x51, 0xc3, 0x0c, 0x81, 0x05, 0x19, 0xe1,
    0x0d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

/* The fixed sample: the text each line must give back is appended to `expected`. */
static void build_sample(nb_doc *doc, nb_fontset *set, nb_buf *expected, nb_buf *fonts)
{
    nb_font *fang = nb_fontset_get(set, "FandolFang");
    nb_font *song_bold = nb_fontset_get(set, "FandolSong-Bold");
    /* Lines short enough for the 156 mm text block at 16 pt. */
    static const char *const body[] = {
        "一、总体情况",
        "2025年，本局坚持“公开为常态、不公开为例外”，",
        "全面贯彻落实《中华人民共和国政府信息公开条例》。",
        "（一）主动公开：新制作并公开规范性文件12件。",
        "收到政府信息公开申请：自然人3件，合计3件。",
    };
    nb_page *page = nb_doc_add_page(doc);
    float y = 841.89f - 100;
    add_line(page, song_bold, 22, 70, y, "某某区人社局2025年政府信息公开工作年度报告", 0);
    nb_buf_puts(expected, "某某区人社局2025年政府信息公开工作年度报告\n");
    nb_doc_add_outline(doc, "某某区人社局2025年政府信息公开工作年度报告", 0, y + 22, 0);
    for (size_t i = 0; i < sizeof body / sizeof *body; i++) {
        y -= 28.9f;
        /* Every other line letter-spaced, as a justified line would be. */
        add_line(page, fang, 16, 79.4f, y, body[i], i % 2 ? 0.37f : 0);
        nb_buf_printf(expected, "%s\n", body[i]);
        if (i == 0)
            nb_doc_add_outline(doc, body[i], 0, y + 16, 1);
    }
    /* A table frame. */
    for (int r = 0; r < 4; r++)
        nb_page_add_rule(page, 79.4f, 500.0f - r * 20, 515.9f, 500.0f - r * 20, r % 3 ? 0.5f : 1);
    nb_page_add_rule(page, 79.4f, 500, 79.4f, 440, 1);
    nb_page_add_rule(page, 515.9f, 500, 515.9f, 440, 1);
    nb_buf_puts(fonts, "CID Type 0C\nCID Type 0C\n");
    nb_raster raster;
    char why[200];
    CHECK(nb_raster_decode(red_png, sizeof red_png, &raster, why, sizeof why) == 0,
          "the red PNG does not decode: %s", why);
    nb_page_add_image(doc, page, &raster, 440, 380, 60, 60);

    /* TrueType: HanaMinA for the BMP, HanaMinB for Extension B (𠮷 U+20BB7, 𡘙 U+21619). */
    nb_font *hana_a = nb_fontset_get(set, HANAMIN_DIR "HanaMinA.ttf");
    nb_font *hana_b = nb_fontset_get(set, HANAMIN_DIR "HanaMinB.ttf");
    if (!hana_a || !hana_b) {
        fprintf(stderr, "HanaMin fonts not installed: TrueType part skipped\n");
        return;
    }
    CHECK(!hana_a->is_cff && !hana_b->is_cff, "HanaMin is TrueType");
    CHECK(all_glyphs(hana_a, "申请人姓名：") && all_glyphs(hana_b, "𠮷𡘙"), "HanaMin coverage");
    page = nb_doc_add_page(doc);
    y = 841.89f - 100;
    double w = add_line(page, hana_a, 16, 79.4f, y, "申请人姓名：", 0);
    add_line(page, hana_b, 16, (float)(79.4 + w), y, "𠮷𡘙", 0);
    nb_buf_puts(expected, "申请人姓名：𠮷𡘙\n");
    y -= 28.9f;
    w = add_line(page, fang, 16, 79.4f, y, "地址：", 0);
    w += add_line(page, hana_b, 16, (float)(79.4 + w), y, "𠮷", 0);
    add_line(page, fang, 16, (float)(79.4 + w), y, "野家路1号", 0);
    nb_buf_puts(expected, "地址：𠮷野家路1号\n");
    nb_doc_add_outline(doc, "附：𠮷", 1, y + 16, 1);
    nb_buf_puts(fonts, "CID TrueType\nCID TrueType\n");
}

/* The measurement mode: one paragraph per line, set 28 characters to a line in FandolFang. */
static void build_text(nb_doc *doc, nb_fontset *set, const char *path, nb_buf *expected)
{
    nb_font *fang = nb_fontset_get(set, "FandolFang");
    FILE *f = fopen(path, "rb");
    if (!f || !fang) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    char line[65536];
    nb_page *page = NULL;
    float y = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        size_t len = strlen(line), at = 0;
        while (at < len) {
            /* 28 characters a line */
            size_t end = at;
            for (int c = 0; c < 28 && end < len; c++) {
                uint32_t cp;
                size_t k = nb_utf8_decode(line + end, len - end, &cp);
                end += k ? k : 1;
            }
            if (!page || y < 70) {
                page = nb_doc_add_page(doc);
                y = 841.89f - 105;
            }
            char *piece = nb_strndup(line + at, end - at);
            add_line(page, fang, 16, 79.4f, y, piece, 0);
            nb_buf_printf(expected, "%s\n", piece);
            free(piece);
            y -= 28.9f;
            at = end;
        }
    }
    fclose(f);
}

/* Several documents written at once from the shared fonts must each come out whole. */
typedef struct job {
    const nb_doc *doc;
    const nb_pdf_options *options;
    nb_buf out;
    int rc;
} job;

/* How many times `needle` occurs in the bytes of `b`. */
static size_t count_of(const nb_buf *b, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    const char *p = (const char *)b->data, *end = p + b->len;
    while ((p = memmem(p, (size_t)(end - p), needle, len)) != NULL) {
        n++;
        p += len;
    }
    return n;
}

static void *write_job(void *arg)
{
    job *j = arg;
    nb_diags *d = nb_diags_new();
    j->rc = nb_pdf_write(j->doc, j->options, &j->out, d);
    nb_diags_free(d);
    return NULL;
}

static int save(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    /* The bundled fonts: $NB_SOURCE/fonts, or found from this file's path. */
    const char *source = getenv("NB_SOURCE");
    const char *here = strstr(__FILE__, "tests/unit/");
    char fonts_dir[4096];
    if (source)
        snprintf(fonts_dir, sizeof fonts_dir, "%s/fonts", source);
    else if (here)
        snprintf(fonts_dir, sizeof fonts_dir, "%.*sfonts", (int)(here - __FILE__), __FILE__);
    else
        snprintf(fonts_dir, sizeof fonts_dir, "fonts");
    char out_path[4096] = "";
    if (argc > 1) {
        snprintf(out_path, sizeof out_path, "%s", argv[1]);
    } else if (getenv("NB_WORK")) {
        mkdir(getenv("NB_WORK"), 0777);
        snprintf(out_path, sizeof out_path, "%s/pdf_embed.pdf", getenv("NB_WORK"));
    }

    char *error = NULL;
    nb_fontset *set = nb_fontset_new(fonts_dir, &error);
    if (!set) {
        fprintf(stderr, "fontset: %s\n", error);
        free(error);
        return 1;
    }
    nb_doc doc = {0};
    nb_buf expected = {0}, fonts = {0};
    int measuring = argc > 2;
    if (measuring) {
        build_text(&doc, set, argv[2], &expected);
        nb_buf_puts(&fonts, "CID Type 0C\n");
    } else {
        check_resolver(set);
        build_sample(&doc, set, &expected, &fonts);
    }
    doc.title = nb_strdup("某某区人社局2025年政府信息公开工作年度报告");
    doc.author = nb_strdup("某某区人力资源和社会保障局");
    doc.year = 2026;
    doc.month = 1;
    doc.day = 20;

    nb_pdf_options options = {.copies = 2};
    nb_buf first = {0}, second = {0};
    nb_diags *diags = nb_diags_new();
    double t0 = now_ms();
    int rc = nb_pdf_write(&doc, &options, &first, diags);
    double t1 = now_ms();
    CHECK(rc == NB_OK, "nb_pdf_write returned %d", rc);
    if (rc != NB_OK)
        nb_diags_print(diags, stderr);
    rc = nb_pdf_write(&doc, &options, &second, diags);
    CHECK(rc == NB_OK && first.len == second.len && memcmp(first.data, second.data, first.len) == 0,
          "two writes of one document differ (%zu and %zu bytes)", first.len, second.len);
    CHECK(first.len > 1000 && memcmp(first.data, "%PDF-1.7", 8) == 0, "PDF header");

    /* The file identifier follows the content: another glyph on page 1 gives another /ID,
     * the same document the same one (checked above with the whole file). */
    if (!measuring && doc.npages && doc.pages[0].nruns && doc.pages[0].runs[0].nglyphs > 1) {
        nb_run *run = &doc.pages[0].runs[0];
        uint32_t saved = run->glyphs[0].gid;
        run->glyphs[0].gid = run->glyphs[1].gid != saved ? run->glyphs[1].gid : saved + 1;
        nb_buf other = {0};
        CHECK(nb_pdf_write(&doc, &options, &other, diags) == NB_OK, "write with another glyph");
        run->glyphs[0].gid = saved;
        const char *id1 = memmem(first.data, first.len, "/ID [", 5);
        const char *id2 = other.len ? memmem(other.data, other.len, "/ID [", 5) : NULL;
        CHECK(id1 && id2 && memcmp(id1, id2, 74) != 0,
              "a different page 1 kept the file identifier %.74s", id1 ? id1 : "(none)");
        nb_buf_free(&other);
    }

    if (!measuring) {
        job jobs[4];
        pthread_t threads[4];
        for (int i = 0; i < 4; i++) {
            jobs[i] = (job){&doc, &options, {0}, -1};
            pthread_create(&threads[i], NULL, write_job, &jobs[i]);
        }
        for (int i = 0; i < 4; i++) {
            pthread_join(threads[i], NULL);
            CHECK(jobs[i].rc == NB_OK && jobs[i].out.len == first.len &&
                      memcmp(jobs[i].out.data, first.data, first.len) == 0,
                  "thread %d wrote different bytes", i);
            nb_buf_free(&jobs[i].out);
        }
    }

    /* A subset cache shared by threads (as a batch shares its engine's): from the third
     * write on, every font's subset comes from the cache, and every write gives the bytes of
     * the document written alone. A document with one glyph changed must not get the cached
     * subsets of the fonts whose glyph set changed. */
    if (!measuring) {
        nb_subset_cache *cache = nb_subset_cache_new(4u << 20);
        nb_pdf_options cached = options;
        cached.subsets = cache;
        for (int round = 0; round < 3; round++) {
            job jobs[4];
            pthread_t threads[4];
            for (int i = 0; i < 4; i++) {
                jobs[i] = (job){&doc, &cached, {0}, -1};
                pthread_create(&threads[i], NULL, write_job, &jobs[i]);
            }
            for (int i = 0; i < 4; i++) {
                pthread_join(threads[i], NULL);
                CHECK(jobs[i].rc == NB_OK && jobs[i].out.len == first.len &&
                          memcmp(jobs[i].out.data, first.data, first.len) == 0,
                      "round %d, thread %d: the cached subsets changed the bytes", round, i);
                nb_buf_free(&jobs[i].out);
            }
        }
        unsigned long hits, misses;
        size_t bytes;
        nb_subset_cache_stats(cache, &hits, &misses, &bytes);
        CHECK(hits >= 8 && bytes > 0 && bytes <= 4u << 20,
              "the cache was not used: %lu hits, %lu misses, %zu bytes", hits, misses, bytes);
        if (doc.npages && doc.pages[0].nruns && doc.pages[0].runs[0].nglyphs > 1) {
            nb_run *run = &doc.pages[0].runs[0];
            uint32_t saved = run->glyphs[0].gid;
            run->glyphs[0].gid = run->glyphs[1].gid != saved ? run->glyphs[1].gid : saved + 1;
            nb_buf alone = {0}, with_cache = {0};
            CHECK(nb_pdf_write(&doc, &options, &alone, diags) == NB_OK &&
                      nb_pdf_write(&doc, &cached, &with_cache, diags) == NB_OK &&
                      alone.len == with_cache.len &&
                      memcmp(alone.data, with_cache.data, alone.len) == 0,
                  "another glyph set was given a cached subset");
            run->glyphs[0].gid = saved;
            nb_buf_free(&alone);
            nb_buf_free(&with_cache);
        }
        nb_subset_cache_free(cache);
        /* A cache too small to keep anything still gives the same bytes. */
        cache = nb_subset_cache_new(1);
        cached.subsets = cache;
        for (int round = 0; round < 3; round++) {
            nb_buf again = {0};
            CHECK(nb_pdf_write(&doc, &cached, &again, diags) == NB_OK && again.len == first.len &&
                      memcmp(again.data, first.data, first.len) == 0,
                  "a full cache changed the bytes");
            nb_buf_free(&again);
        }
        nb_subset_cache_stats(cache, &hits, &misses, &bytes);
        CHECK(hits == 0 && bytes == 0, "a 1-byte cache kept %zu bytes", bytes);
        nb_subset_cache_free(cache);
    }

    /* The objects a PDF reader cannot be asked about directly, in the classic file (the
     * default one has them in compressed object streams). A font descriptor has a CIDSet in
     * PDF/A only (PDF/A-1 6.3.5 wants it; plain PDF does without). */
    nb_pdf_options plain = options;
    plain.classic_xref = 1;
    nb_buf classic = {0};
    CHECK(nb_pdf_write(&doc, &plain, &classic, diags) == NB_OK, "classic write");
    const char *needles[] = {"/Type0", "/Identity-H", "/CIDFontType0C", "/FontFile3",
                             "/ToUnicode", "/W [", "/PrintScaling /None", "/NumCopies 2",
                             "/DuplexFlipLongEdge", "/ID [", "/Subtype /Image", "\nxref\n0 "};
    for (size_t i = 0; i < sizeof needles / sizeof *needles; i++)
        CHECK(memmem(classic.data, classic.len, needles[i], strlen(needles[i])),
              "no %s in the classic PDF", needles[i]);
    CHECK(!memmem(classic.data, classic.len, "/CIDSet", 7), "a /CIDSet outside PDF/A");
    /* The CFF fonts through hb-subset (the path cff.c replaced): the same glyph codes, so
     * pdf_embed.sh finds the same text and pixels in both files. */
    nb_pdf_options hb_only = options;
    hb_only.hb_subset_only = 1;
    nb_buf hb_path = {0};
    CHECK(nb_pdf_write(&doc, &hb_only, &hb_path, diags) == NB_OK, "write through hb-subset");
    CHECK(hb_path.len != first.len || memcmp(hb_path.data, first.data, first.len) != 0,
          "hb-subset and cff.c made the same bytes: is cff.c used at all?");
    /* The default file is the classic one packed; the packer declines what libharu did not
     * write, and never reads outside its input (this runs under ASan too): every 97th
     * truncation and a byte changed every 61 bytes. */
    nb_buf packed = {0};
    CHECK(nb_pdf_pack(classic.data, classic.len, &packed) && packed.len == first.len &&
              memcmp(packed.data, first.data, first.len) == 0,
          "packing the classic file does not give the default one");
    for (size_t cut = 0; cut < classic.len; cut += 97) {
        packed.len = 0;
        CHECK(!nb_pdf_pack(classic.data, cut, &packed) && packed.len == 0,
              "a file cut at %zu bytes was packed", cut);
    }
    for (size_t at = 0; at < classic.len; at += 61) {
        unsigned char saved = classic.data[at];
        classic.data[at] ^= 0x5A;
        packed.len = 0;
        (void)nb_pdf_pack(classic.data, classic.len, &packed);
        classic.data[at] = saved;
    }
    nb_buf_free(&packed);
    CHECK(count_of(&first, "/Type /ObjStm") >= 1 && count_of(&first, "/Type /XRef") == 1 &&
              !memmem(first.data, first.len, "\nxref\n", 6) && first.len < classic.len,
          "the default PDF has no object streams and cross-reference stream (%zu bytes, classic "
          "%zu)", first.len, classic.len);
    nb_pdf_options archival = options;
    archival.pdfa = 1;
    nb_buf pdfa = {0};
    CHECK(nb_pdf_write(&doc, &archival, &pdfa, diags) == NB_OK, "PDF/A write");
    size_t cidsets = count_of(&pdfa, "/CIDSet ");
    CHECK(cidsets > 0 && cidsets == count_of(&pdfa, "/Type /FontDescriptor"),
          "PDF/A: %zu CIDSets for %zu font descriptors", cidsets,
          count_of(&pdfa, "/Type /FontDescriptor"));
    nb_buf_free(&pdfa);

    /* The writer fails cleanly on a glyph the font does not have. */
    if (!measuring && doc.npages && doc.pages[0].nruns) {
        nb_run *run = &doc.pages[0].runs[0];
        uint32_t saved = run->glyphs[0].gid;
        run->glyphs[0].gid = 0x7FFFFFF0u;
        nb_buf bad = {0};
        nb_diags *d2 = nb_diags_new();
        CHECK(nb_pdf_write(&doc, &options, &bad, d2) == NB_EINPUT && nb_diags_errors(d2) == 1,
              "a bad glyph id is an input error");
        run->glyphs[0].gid = saved;
        nb_buf_free(&bad);
        nb_diags_free(d2);
        /* And on an image without samples. */
        if (doc.pages[0].nimages) {
            nb_image saved_image = doc.pages[0].images[0];
            static const nb_raster empty_raster = {0};
            doc.pages[0].images[0].raster = &empty_raster;
            d2 = nb_diags_new();
            CHECK(nb_pdf_write(&doc, &options, &bad, d2) == NB_EINPUT &&
                      nb_diags_errors(d2) == 1, "an image without samples is an input error");
            nb_diags_free(d2);
            nb_buf_free(&bad);
            doc.pages[0].images[0] = saved_image;
        }
        /* And on an empty document. */
        nb_doc empty = {0};
        d2 = nb_diags_new();
        CHECK(nb_pdf_write(&empty, &options, &bad, d2) == NB_EINPUT, "an empty document");
        nb_diags_free(d2);
        nb_buf_free(&bad);
    }

    if (measuring) {
        /* How long subsetting alone takes: the same glyph set through hb-subset. */
        nb_font *fang = nb_fontset_get(set, "FandolFang");
        hb_set_t *gids = hb_set_create();
        for (size_t p = 0; p < doc.npages; p++)
            for (size_t r = 0; r < doc.pages[p].nruns; r++)
                for (size_t g = 0; g < doc.pages[p].runs[r].nglyphs; g++)
                    hb_set_add(gids, doc.pages[p].runs[r].glyphs[g].gid);
        double best = 1e9;
        for (int rep = 0; rep < 5; rep++) {
            double s0 = now_ms();
            hb_subset_input_t *in = hb_subset_input_create_or_fail();
            hb_set_union(hb_subset_input_glyph_set(in), gids);
            hb_face_t *sub = hb_subset_or_fail(fang->face, in);
            hb_face_destroy(sub);
            hb_subset_input_destroy(in);
            double s1 = now_ms() - s0;
            if (s1 < best)
                best = s1;
        }
        printf("pages %zu, distinct glyphs %u, PDF %zu bytes\n", doc.npages,
               hb_set_get_population(gids), first.len);
        printf("nb_pdf_write %.1f ms (first), hb-subset alone %.1f ms (best of 5)\n", t1 - t0,
               best);
        hb_set_destroy(gids);
    }

    if (out_path[0] && first.len) {
        char extra[4200];
        save(out_path, first.data, first.len);
        snprintf(extra, sizeof extra, "%s.txt", out_path);
        save(extra, expected.data, expected.len);
        snprintf(extra, sizeof extra, "%s.fonts", out_path);
        save(extra, fonts.data, fonts.len);
        snprintf(extra, sizeof extra, "%s.classic", out_path);
        save(extra, classic.data, classic.len);
        snprintf(extra, sizeof extra, "%s.hb", out_path);
        save(extra, hb_path.data, hb_path.len);
    }
    nb_buf_free(&hb_path);

    nb_buf_free(&first);
    nb_buf_free(&second);
    nb_buf_free(&classic);
    nb_buf_free(&expected);
    nb_buf_free(&fonts);
    nb_diags_free(diags);
    nb_doc_free(&doc);
    nb_fontset_free(set);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
