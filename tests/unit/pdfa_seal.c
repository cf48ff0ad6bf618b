/* PDF/A-1 forbids transparency: a seal PNG with an alpha channel keeps its /SMask in ordinary
 * output and is composited onto white in PDF/A output (no /SMask left on the drawn image; the
 * pixels are what the page shows on paper). */
#include "page.h"
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "expect.h"

static void put_be32(nb_buf *b, uint32_t v)
{
    unsigned char be[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 8), (unsigned char)v};
    nb_buf_put(b, be, 4);
}

static void png_chunk(nb_buf *b, const char *type, const unsigned char *data, uint32_t n)
{
    put_be32(b, n);
    size_t at = b->len;
    nb_buf_put(b, type, 4);
    nb_buf_put(b, data, n);
    put_be32(b, (uint32_t)crc32(0, b->data + at, n + 4));
}

/* A 2 × 1 RGBA PNG: red fully transparent, blue half transparent. */
static void make_png(nb_buf *png)
{
    static const unsigned char row[] = {0, 255, 0, 0, 0, 0, 0, 255, 128};
    unsigned char ihdr[13] = {0, 0, 0, 2, 0, 0, 0, 1, 8, 6, 0, 0, 0};
    unsigned char z[128];
    uLongf zlen = sizeof z;
    compress(z, &zlen, row, sizeof row);
    nb_buf_put(png, "\x89PNG\r\n\x1a\n", 8);
    png_chunk(png, "IHDR", ihdr, 13);
    png_chunk(png, "IDAT", z, (uint32_t)zlen);
    png_chunk(png, "IEND", NULL, 0);
}

static size_t find(const nb_buf *b, size_t from, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = from; i + n <= b->len; i++)
        if (!memcmp(b->data + i, needle, n))
            return i;
    return SIZE_MAX;
}

/* The decoded samples of the DeviceRGB image in pdf, into out (n bytes). */
static int rgb_samples(const nb_buf *pdf, unsigned char *out, size_t n)
{
    for (size_t at = find(pdf, 0, "/Subtype /Image"); at != SIZE_MAX;
         at = find(pdf, at + 1, "/Subtype /Image")) {
        size_t stream = find(pdf, at, "stream");
        size_t rgb = find(pdf, at, "/DeviceRGB");
        size_t dict_start = at;
        while (dict_start > 0 && memcmp(pdf->data + dict_start, "<<", 2))
            dict_start--;
        if (stream == SIZE_MAX || rgb > stream)
            continue;
        stream += 6;
        while (pdf->data[stream] == '\r' || pdf->data[stream] == '\n')
            stream++;
        uLongf got = n;
        uLong src = pdf->len - stream;
        return uncompress2(out, &got, pdf->data + stream, &src) == Z_OK && got == n;
    }
    return 0;
}

static int render(const nb_buf *png, int pdfa, nb_buf *out)
{
    nb_doc doc = {0};
    doc.title = nb_strdup("印章测试");
    doc.author = nb_strdup("测试机关");
    doc.year = 2025;
    doc.month = 1;
    doc.day = 20;
    nb_page *page = nb_doc_add_page(&doc);
    nb_raster raster;
    char why[200];
    if (nb_raster_decode(png->data, png->len, &raster, why, sizeof why) != 0) {
        fprintf(stderr, "the test PNG does not decode: %s\n", why);
        nb_doc_free(&doc);
        return NB_EINPUT;
    }
    nb_page_add_image(&doc, page, &raster, 100, 100, 120, 60);
    nb_pdf_options o = {.pdfa = pdfa};
    nb_diags *d = nb_diags_new();
    int rc = nb_pdf_write(&doc, &o, out, d);
    for (size_t i = 0; i < nb_diags_count(d); i++) {
        const char *msg;
        nb_diags_get(d, i, NULL, NULL, NULL, &msg);
        fprintf(stderr, "nb_pdf_write: %s\n", msg);
    }
    nb_diags_free(d);
    nb_doc_free(&doc);
    return rc;
}

int main(void)
{
    nb_buf png = {0};
    make_png(&png);

    nb_buf plain = {0}, archival = {0};
    CHECK(render(&png, 0, &plain) == NB_OK, "ordinary output failed");
    CHECK(find(&plain, 0, "/SMask") != SIZE_MAX, "ordinary output lost the seal's alpha channel");

    CHECK(render(&png, 1, &archival) == NB_OK, "PDF/A output failed");
    CHECK(find(&archival, 0, "/SMask") == SIZE_MAX, "PDF/A output keeps an /SMask");
    unsigned char px[6] = {0};
    CHECK(rgb_samples(&archival, px, sizeof px), "no RGB image in the PDF/A output");
    static const unsigned char want[6] = {255, 255, 255, 127, 127, 255};
    CHECK(!memcmp(px, want, 6), "flattened pixels %u %u %u / %u %u %u, want white / 127 127 255",
          px[0], px[1], px[2], px[3], px[4], px[5]);

    nb_buf_free(&png);
    nb_buf_free(&plain);
    nb_buf_free(&archival);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures != 0;
}
