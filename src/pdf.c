/* The PDF writer. libharu 2.3.0 serves only as an object writer (pages, streams, xref, outline,
 * info); its text and font machinery is never used (TECH.md §1). Fonts are embedded by us:
 * the glyphs a document uses are subset (CID-keyed CFF fonts by cff.c, the others with
 * hb-subset) and written as Type0 fonts with
 * Identity-H encoding, a ToUnicode CMap, /DW and /W widths, and for PDF/A a CIDSet (PDF 32000
 * §9.7, §9.10; PDF/A-1 6.3.5). A page's text is one text object in a text space of 1/1024
 * pt, lines placed with relative Td and glyphs with character spacing and TJ adjustments, so
 * that each one lands where the typesetter put it (write_run). Everything written derives from the document:
 * the same doc gives the same bytes. This is the only file that includes libharu's headers. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "pdf.h"
#include "cff.h"
#include "geometry.h"
#include "pdfpack.h"

#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <libdeflate.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A4 in points (ISO 216: 210 × 297 mm). */

/* ------------------------------------------------------------------------------------------ */
/* Per-call context */

/* The content hash behind the file identifier: MurmurHash3's x64 128-bit mixing over 16-byte
 * blocks, streamed. The /ID only has to be deterministic and change with the content, not
 * resist an attacker (signatures hash the file themselves), and SHA-256 through libcrypto cost
 * 10 % of a seed render's instructions, its set-up included (bench/RESULTS.md). */
typedef struct content_hash {
    uint64_t h1, h2, total;
    unsigned char tail[16];
    size_t ntail;
} content_hash;

/* One glyph of one font as the document uses it. */
typedef struct used_glyph {
    uint32_t gid;         /* in the original font */
    uint32_t code;        /* in the content stream: CID (CFF) or new glyph id (TrueType) */
    int width;            /* /W advance, 1/1000 em */
    const char *text;     /* borrowed from a run: the characters for ToUnicode, or NULL */
    size_t text_len;
} used_glyph;

/* One font of the document. */
typedef struct font_use {
    const nb_font *font;
    int32_t *slot;        /* per original glyph id: index in glyphs, or -1; owned */
    unsigned num_glyphs;
    used_glyph *glyphs; size_t nglyphs, cap_glyphs; /* owned, in order of first use */
    uint32_t *gids;       /* the nglyphs glyph ids of glyphs, ascending; owned */
    char res_name[16];    /* resource name in page dictionaries, "F1" … */
    char base_font[80];   /* the subset tag and the PostScript name */
    /* The font's objects, owned by the HPDF doc: made in order before the pages (font_objects),
     * so their numbers do not depend on when the subset is ready; the file, CIDSet, CIDFont and
     * ToUnicode are filled once it is (finish_font). */
    HPDF_Dict file, cidset, cid, tounicode, type0;
    /* What finish_font writes, hashed apart: the fonts are finished in the order their subsets
     * are ready, and their digests go into the file's in the fonts' order. */
    content_hash hash;
} font_use;


static uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t load64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb93e10a5d2e1ULL;
    return k ^ (k >> 33);
}

static void hash_block(content_hash *h, const unsigned char *p)
{
    const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
    uint64_t k1 = load64(p), k2 = load64(p + 8);
    h->h1 ^= rotl64(k1 * c1, 31) * c2;
    h->h1 = (rotl64(h->h1, 27) + h->h2) * 5 + 0x52dce729;
    h->h2 ^= rotl64(k2 * c2, 33) * c1;
    h->h2 = (rotl64(h->h2, 31) + h->h1) * 5 + 0x38495ab5;
}

static void hash_update(content_hash *h, const void *data, size_t len)
{
    const unsigned char *p = data;
    h->total += len;
    if (h->ntail) {
        size_t n = 16 - h->ntail < len ? 16 - h->ntail : len;
        memcpy(h->tail + h->ntail, p, n);
        h->ntail += n;
        p += n;
        len -= n;
        if (h->ntail < 16)
            return;
        hash_block(h, h->tail);
        h->ntail = 0;
    }
    for (; len >= 16; p += 16, len -= 16)
        hash_block(h, p);
    memcpy(h->tail, p, len);
    h->ntail = len;
}

/* The last partial block zero-padded; the length told apart inputs that differ only by
 * trailing zeros. */
static void hash_final(content_hash *h, unsigned char out[16])
{
    memset(h->tail + h->ntail, 0, 16 - h->ntail);
    hash_block(h, h->tail);
    uint64_t h1 = h->h1 ^ h->total, h2 = h->h2 ^ h->total;
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 += h2;
    h2 += h1;
    for (int i = 0; i < 8; i++) {
        out[i] = (unsigned char)(h1 >> (56 - 8 * i));
        out[8 + i] = (unsigned char)(h2 >> (56 - 8 * i));
    }
}

/* The structure elements (nb_doc.tags, 1-based) whose content a page's marked-content
 * sequences hold: owner[MCID]. */
typedef struct page_marks {
    int *owner;
    size_t n, cap;
} page_marks;

/* A Span element the writer adds around one glyph whose text the ToUnicode cannot give
 * (write_actual_text): its parent element and its /ActualText. */
typedef struct actual_span {
    int parent;        /* 1-based in nb_doc.tags */
    const char *text;  /* borrowed from the run */
    size_t len;
} actual_span;

/* A glyph's code is known only once its font is subset, which runs beside the pages
 * (font_jobs): a page's content is written with the code expected (expect_codes) where each
 * code goes, noted here, so that a code the subset gives otherwise can be put in and the page
 * compressed again (pack_page). */
typedef struct code_fixup {
    size_t at;                /* offset of the four hex digits in the page's content */
    const used_glyph *glyph;  /* borrowed from its font_use */
} code_fixup;

/* A page's content stream as written, waiting for its glyphs' codes. */
typedef struct page_body {
    nb_buf text;              /* owned */
    code_fixup *fixups;       /* owned */
    size_t nfixups, cap_fixups;
    unsigned char *packed;    /* the text compressed (pack_page); owned, packed_cap bytes */
    size_t packed_len, packed_cap;
} page_body;

typedef struct pdf_ctx {
    const nb_doc *doc;
    const nb_pdf_options *options;
    nb_diags *diags;
    HPDF_Doc pdf;
    /* libharu reports errors through a callback; the first one is kept here. */
    int hpdf_failed;
    HPDF_STATUS hpdf_error, hpdf_detail;
    int failed; /* a diagnostic has been added */
    font_use *fonts; size_t nfonts, cap_fonts;
    content_hash hash; /* over everything written, for the file identifier */
    content_hash *hashing; /* where hash() goes instead, when not NULL (finish_font) */
    struct libdeflate_compressor *deflaters[2]; /* by enum flate_kind, made on first use */
    int tagged;         /* write the structure tree and marked content (tagged PDF) */
    page_marks *marks;  /* per page: the element of each MCID; owned, npages */
    actual_span *spans; size_t nspans, cap_spans; /* owned; element ntags + 1 + i */
    nb_buf structure_text;  /* the structure elements' keys, written by write_raw_body */
    struct raw_body *raw;   /* owned: [0] the StructTreeRoot's, [e + 1] element e's */
    size_t body_bytes;      /* of every stream's data so far, to size the file's buffer */
    page_body *bodies;      /* owned, npages: each page's content until its codes are known */
    size_t page;            /* the page being written (write_page) */
} pdf_ctx;

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    pdf_ctx *ctx = user_data;
    if (!ctx->hpdf_failed) {
        ctx->hpdf_failed = 1;
        ctx->hpdf_error = error_no;
        ctx->hpdf_detail = detail_no;
    }
}

static void fail(pdf_ctx *ctx, const char *fmt, const char *arg)
{
    nb_pos nowhere = {NULL, 0, 0};
    nb_buf msg = {0};
    nb_buf_printf(&msg, fmt, arg ? arg : "");
    nb_diag_add(ctx->diags, NB_ERROR, nowhere, "cannot write the PDF: %s", (char *)msg.data);
    nb_buf_free(&msg);
    ctx->failed = 1;
}

/* True if anything has gone wrong so far; reports a libharu failure once. */
static int broken(pdf_ctx *ctx)
{
    if (ctx->hpdf_failed && !ctx->failed) {
        char detail[64];
        snprintf(detail, sizeof detail, "libharu error 0x%04X (detail %u)",
                 (unsigned)ctx->hpdf_error, (unsigned)ctx->hpdf_detail);
        fail(ctx, "%s", detail);
    }
    return ctx->failed;
}

static void hash(pdf_ctx *ctx, const void *data, size_t len)
{
    hash_update(ctx->hashing ? ctx->hashing : &ctx->hash, data, len);
}

/* Streams marked for Flate are compressed here with libdeflate (2–9× faster than the zlib
 * inside libharu, and a little smaller); libharu then writes the bytes as they are, and this
 * hook adds the /Filter key it would otherwise strip from a stream without its own filter. */
static HPDF_STATUS write_flate_key(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/* A stream object's data, whole in one buffer. libharu's own memory streams copy what is
 * written into 4 KB chunks a byte at a time (HPDF_MemCpy), and out again the same way when the
 * file is saved: 3.5 % of a batch's CPU time. A stream's bytes are made whole here anyway
 * (deflated, or a cached font program), so the stream object takes the buffer as it is and
 * libharu reads it once, at save, into the file (write_out). */
typedef struct stream_body {
    unsigned char *data; /* owned */
    size_t len, cap, pos;
} stream_body;

static HPDF_STATUS body_write(HPDF_Stream s, const HPDF_BYTE *p, HPDF_UINT n)
{
    stream_body *b = s->attr;
    nb_grow(&b->data, &b->cap, b->len + n, 1);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return HPDF_OK;
}

static HPDF_STATUS body_read(HPDF_Stream s, HPDF_BYTE *p, HPDF_UINT *n)
{
    stream_body *b = s->attr;
    size_t k = b->len - b->pos < *n ? b->len - b->pos : *n;
    if (k)
        memcpy(p, b->data + b->pos, k);
    b->pos += k;
    *n = (HPDF_UINT)k;
    return b->pos == b->len ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS body_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
    stream_body *b = s->attr;
    long long at = mode == HPDF_SEEK_SET ? pos
                 : mode == HPDF_SEEK_CUR ? (long long)b->pos + pos
                                         : (long long)b->len - pos;
    if (at < 0 || (unsigned long long)at > b->len)
        return HPDF_SetError(s->error, HPDF_STREAM_EOF, 0);
    b->pos = (size_t)at;
    return HPDF_OK;
}

static HPDF_INT32 body_tell(HPDF_Stream s) { return (HPDF_INT32)((stream_body *)s->attr)->pos; }

static HPDF_UINT32 body_size(HPDF_Stream s) { return (HPDF_UINT32)((stream_body *)s->attr)->len; }

static void body_free(HPDF_Stream s)
{
    stream_body *b = s->attr;
    if (b)
        free(b->data);
    free(b);
}

/* Gives a stream object `data` (len bytes of cap, malloc'd; taken) as its whole data, in
 * place of the empty memory stream libharu made for it. Appends when it already has a body;
 * falls back to libharu's own stream if it holds anything already. */
static void set_stream_body(pdf_ctx *ctx, HPDF_Dict dict, unsigned char *data, size_t len,
                            size_t cap)
{
    HPDF_Stream old = dict->stream;
    ctx->body_bytes += len;
    if (len > 0x7FFFFFFFu) { /* libharu's lengths are 32-bit; no report comes near */
        free(data);
        fail(ctx, "a stream of %s bytes is too long", "over 2 GB");
        return;
    }
    if (old->free_fn == body_free || old->size > 0) {
        if (len && HPDF_Stream_Write(old, data, (HPDF_UINT)len) != HPDF_OK)
            broken(ctx);
        free(data);
        return;
    }
    HPDF_Stream s = HPDF_GetMem(dict->mmgr, sizeof *s);
    if (!s) {
        free(data);
        return; /* libharu reported it (on_hpdf_error) */
    }
    stream_body *b = nb_malloc(sizeof *b);
    *b = (stream_body){data, len, cap, 0};
    *s = (HPDF_Stream_Rec){.sig_bytes = HPDF_STREAM_SIG_BYTES,
                           .type = HPDF_STREAM_CALLBACK,
                           .mmgr = dict->mmgr,
                           .error = dict->error,
                           .size = (HPDF_UINT)len,
                           .write_fn = body_write,
                           .read_fn = body_read,
                           .seek_fn = body_seek,
                           .free_fn = body_free,
                           .tell_fn = body_tell,
                           .size_fn = body_size,
                           .attr = b};
    dict->stream = s;
    HPDF_Stream_Free(old);
}

/* libharu's output: the whole file, appended to an nb_buf. */
static HPDF_STATUS write_out(HPDF_Stream s, const HPDF_BYTE *p, HPDF_UINT n)
{
    nb_buf_put(s->attr, p, n);
    return HPDF_OK;
}

/* Appends a copy of bytes to a stream object as they are. */
static void write_stream_bytes(pdf_ctx *ctx, HPDF_Dict dict, const unsigned char *p, size_t len)
{
    unsigned char *copy = nb_malloc(len ? len : 1);
    if (len)
        memcpy(copy, p, len);
    set_stream_body(ctx, dict, copy, len, len ? len : 1);
}

/* Compression levels by kind of stream, measured on the seed (bench/RESULTS.md). Font programs
 * barely compress and are most of the bytes deflated: level 1 instead of 6 saves 7 % of a
 * render's instructions for 2 KB more. The other streams (page contents, ToUnicode, images)
 * stay at 6: level 1 would save 1.6 % for 1.4 KB more, level 9 cost 3 % for 0.2 KB less. */
enum flate_kind { FLATE_DEFAULT, FLATE_FONT };
static const int flate_levels[] = {[FLATE_DEFAULT] = 6, [FLATE_FONT] = 1};
static struct libdeflate_compressor *deflater(pdf_ctx *ctx, enum flate_kind kind);

/* Writes bytes into a stream object (compressed if it was made for Flate, at the level of its
 * kind), and into the content hash. */
static void put_stream_kind(pdf_ctx *ctx, HPDF_Dict dict, const void *data, size_t len,
                            enum flate_kind kind)
{
    if (!dict || !dict->stream)
        return;
    hash(ctx, data, len);
    if (dict->write_fn != write_flate_key) {
        write_stream_bytes(ctx, dict, data, len);
        return;
    }
    struct libdeflate_compressor *z = deflater(ctx, kind);
    size_t bound = z ? libdeflate_zlib_compress_bound(z, len) : 0;
    unsigned char *packed = bound ? malloc(bound) : NULL;
    size_t n = packed ? libdeflate_zlib_compress(z, data, len, packed, bound) : 0;
    if (!n) {
        fail(ctx, "could not compress a stream%s", "");
        free(packed);
        return;
    }
    set_stream_body(ctx, dict, packed, n, bound); /* takes packed */
}

static void put_stream(pdf_ctx *ctx, HPDF_Dict dict, const void *data, size_t len)
{
    put_stream_kind(ctx, dict, data, len, FLATE_DEFAULT);
}

static void put_num(nb_buf *b, double v)
{
    char s[40];
    nb_fmt_num(s, v, 3);
    nb_buf_puts(b, s);
}

/* Page content is drawn in units of 1/1024 pt (write_rules, write_run): positions are then
 * integers, which take no decimal point and add up exactly, and a power of two keeps every
 * product with the scale exact in binary too (a thousandth is not: MuPDF read a 14 pt font
 * drawn in thousandths as 14.000001 pt). Positions are as precise as before, when they were
 * written in points to three decimals. */
#define UNITS 1024.0
#define UNIT_SCALE ".0009765625" /* 1 / UNITS, exactly */

static long long units(double v) { return llround(v * UNITS); }

/* ------------------------------------------------------------------------------------------ */
/* Text helpers */

/* Appends a 16-bit value as four upper-case hex digits, without the cost of printf (a font's
 * ToUnicode map writes two of them per glyph). */
static void put_hex4(nb_buf *b, unsigned v)
{
    static const char hex[] = "0123456789ABCDEF";
    char s[4] = {hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15]};
    nb_buf_put(b, s, 4);
}

/* Appends UTF-16BE of valid UTF-8 text as raw bytes (hex = 0) or hex digits. Returns 0 if the
 * text is not valid UTF-8. */
static int put_utf16(nb_buf *b, const char *s, size_t n, int hex)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = nb_utf8_decode(s + i, n - i, &cp);
        if (!k)
            return 0;
        i += k;
        uint16_t units[2];
        int nu = 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            units[0] = (uint16_t)(0xD800 | (cp >> 10));
            units[1] = (uint16_t)(0xDC00 | (cp & 0x3FF));
            nu = 2;
        } else {
            units[0] = (uint16_t)cp;
        }
        for (int u = 0; u < nu; u++) {
            if (hex) {
                put_hex4(b, units[u]);
            } else {
                unsigned char be[2] = {(unsigned char)(units[u] >> 8), (unsigned char)units[u]};
                nb_buf_put(b, be, 2);
            }
        }
    }
    return 1;
}

/* A PDF text string for UTF-8 text: UTF-16BE with a byte order mark (PDF 32000 §7.9.2.2),
 * written by libharu as <FEFF…>. Invalid UTF-8 gives NULL. */
static HPDF_Binary text_string(pdf_ctx *ctx, const char *s)
{
    nb_buf b = {0};
    nb_buf_put(&b, "\xFE\xFF", 2);
    HPDF_Binary bin = NULL;
    if (put_utf16(&b, s, strlen(s), 0)) {
        hash(ctx, b.data, b.len);
        bin = HPDF_Binary_New(ctx->pdf->mmgr, b.data, (HPDF_UINT)b.len);
    }
    nb_buf_free(&b);
    return bin;
}

/* ------------------------------------------------------------------------------------------ */
/* Collecting the glyphs each font has to provide */

static font_use *use_font(pdf_ctx *ctx, const nb_font *font)
{
    for (size_t i = 0; i < ctx->nfonts; i++)
        if (ctx->fonts[i].font == font)
            return &ctx->fonts[i];
    nb_grow(&ctx->fonts, &ctx->cap_fonts, ctx->nfonts + 1, sizeof *ctx->fonts);
    font_use *u = &ctx->fonts[ctx->nfonts++];
    memset(u, 0, sizeof *u);
    u->font = font;
    u->num_glyphs = hb_face_get_glyph_count(font->face);
    u->slot = nb_malloc(u->num_glyphs * sizeof *u->slot);
    memset(u->slot, 0xFF, u->num_glyphs * sizeof *u->slot);
    snprintf(u->res_name, sizeof u->res_name, "F%zu", ctx->nfonts);
    return u;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int collect_glyphs(pdf_ctx *ctx)
{
    const nb_doc *doc = ctx->doc;
    for (size_t p = 0; p < doc->npages; p++) {
        const nb_page *page = &doc->pages[p];
        for (size_t r = 0; r < page->nruns; r++) {
            const nb_run *run = &page->runs[r];
            if (!run->nglyphs)
                continue;
            if (!run->font) {
                fail(ctx, "a text run has no font%s", NULL);
                return 0;
            }
            font_use *u = use_font(ctx, run->font);
            for (size_t g = 0; g < run->nglyphs; g++) {
                const nb_glyph *gl = &run->glyphs[g];
                if (gl->gid >= u->num_glyphs) {
                    fail(ctx, "glyph id out of range in the font file %s", run->font->path);
                    return 0;
                }
                int text_ok = gl->text_len > 0 && run->text && gl->text <= run->text_len &&
                              gl->text_len <= run->text_len - gl->text;
                int32_t s = u->slot[gl->gid];
                if (s < 0) {
                    nb_grow(&u->glyphs, &u->cap_glyphs, u->nglyphs + 1, sizeof *u->glyphs);
                    s = (int32_t)u->nglyphs++;
                    u->slot[gl->gid] = s;
                    u->glyphs[s] = (used_glyph){gl->gid, 0, 0, NULL, 0};
                }
                /* A glyph drawn for two different texts keeps the first one (one code, one
                 * ToUnicode entry). */
                if (text_ok && !u->glyphs[s].text) {
                    u->glyphs[s].text = run->text + gl->text;
                    u->glyphs[s].text_len = gl->text_len;
                }
            }
        }
    }
    /* Each font's glyph ids in order, sorted from the few used rather than found in the
     * font's thousands of slots. */
    for (size_t i = 0; i < ctx->nfonts; i++) {
        font_use *u = &ctx->fonts[i];
        u->gids = nb_malloc((u->nglyphs ? u->nglyphs : 1) * sizeof *u->gids);
        for (size_t k = 0; k < u->nglyphs; k++)
            u->gids[k] = u->glyphs[k].gid;
        qsort(u->gids, u->nglyphs, sizeof *u->gids, cmp_u32);
    }
    return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Embedding one font */

static void subset_tag(const font_use *u, char tag[8])
{
    /* FNV-1a over the glyph set: the same glyphs give the same tag (PDF 32000 §9.6.4). */
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < u->nglyphs; i++) {
        uint32_t g = u->gids[i];
        for (int k = 0; k < 4; k++) {
            h ^= (g >> (8 * k)) & 0xFF;
            h *= 1099511628211ull;
        }
    }
    for (const char *s = u->font->ps_name; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = '+';
    tag[7] = 0;
}

static int cmp_by_code(const void *a, const void *b)
{
    const used_glyph *x = *(const used_glyph *const *)a, *y = *(const used_glyph *const *)b;
    return x->code < y->code ? -1 : x->code > y->code;
}

static HPDF_Dict new_dict(pdf_ctx *ctx)
{
    HPDF_Dict d = HPDF_Dict_New(ctx->pdf->mmgr);
    if (d)
        HPDF_Xref_Add(ctx->pdf->xref, d);
    return d;
}

static HPDF_Dict new_stream(pdf_ctx *ctx, int flate)
{
    HPDF_Dict s = HPDF_DictStream_New(ctx->pdf->mmgr, ctx->pdf->xref);
    if (s && flate)
        s->write_fn = write_flate_key;
    return s;
}

static int scale(const nb_font *f, double v) { return (int)(v * 1000.0 / f->upem + (v < 0 ? -0.5 : 0.5)); }


/* The one BMP code point a glyph stands for, or 0 (none, several, or beyond the BMP). */
static uint32_t single_bmp(const used_glyph *g)
{
    uint32_t cp;
    if (!g->text || nb_utf8_decode(g->text, g->text_len, &cp) != g->text_len || cp >= 0x10000)
        return 0;
    return cp;
}

/* Flushes a block of ToUnicode entries (≤ 100 a block, TN 5411 §1.4.1). */
static void flush_block(nb_buf *b, nb_buf *entries, size_t *count, const char *kind)
{
    if (!*count)
        return;
    nb_buf_printf(b, "%zu begin%s\n", *count, kind);
    nb_buf_put(b, entries->data, entries->len);
    nb_buf_printf(b, "end%s\n", kind);
    entries->len = 0;
    *count = 0;
}

/* The ToUnicode CMap (PDF 32000 §9.10.3; Adobe TN 5411): consecutive codes for consecutive
 * code points (Latin digits and letters) as bfrange entries, within one high byte of code and
 * of code point as TN 5411 requires; every other glyph a bfchar entry. */
static void tounicode_cmap(nb_buf *b, used_glyph **sorted, size_t n)
{
    nb_buf_puts(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    nb_buf chars = {0}, ranges = {0};
    size_t nchars = 0, nranges = 0;
    size_t i = 0;
    while (i < n) {
        const used_glyph *g = sorted[i];
        if (!g->text) {
            i++;
            continue;
        }
        uint32_t cp = single_bmp(g);
        size_t j = i + 1;
        while (cp && j < n && sorted[j]->code == g->code + (j - i) &&
               single_bmp(sorted[j]) == cp + (j - i) && (sorted[j]->code >> 8) == (g->code >> 8) &&
               ((cp + (j - i)) >> 8) == (cp >> 8))
            j++;
        if (j - i >= 2) {
            nb_buf_put(&ranges, "<", 1);
            put_hex4(&ranges, g->code);
            nb_buf_put(&ranges, "> <", 3);
            put_hex4(&ranges, sorted[j - 1]->code);
            nb_buf_put(&ranges, "> <", 3);
            put_hex4(&ranges, cp);
            nb_buf_put(&ranges, ">\n", 2);
            if (++nranges == 100)
                flush_block(b, &ranges, &nranges, "bfrange");
            i = j;
            continue;
        }
        i++;
        size_t mark = chars.len;
        nb_buf_put(&chars, "<", 1);
        put_hex4(&chars, g->code);
        nb_buf_put(&chars, "> <", 3);
        /* bfchar destinations are at most 512 bytes (TN 5411 §1.4.1). */
        if (!put_utf16(&chars, g->text, g->text_len, 1) || g->text_len > 120) {
            chars.len = mark;
            continue;
        }
        nb_buf_puts(&chars, ">\n");
        if (++nchars == 100)
            flush_block(b, &chars, &nchars, "bfchar");
    }
    flush_block(b, &chars, &nchars, "bfchar");
    flush_block(b, &ranges, &nranges, "bfrange");
    nb_buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    nb_buf_free(&chars);
    nb_buf_free(&ranges);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* The most frequent advance among the used glyphs (the smallest of equals): the /DW that leaves
 * /W shortest. 1000 for the CJK fonts, 500 for a subset of Latin digits. */
static int common_width(used_glyph *const *sorted, size_t n)
{
    if (!n)
        return 1000;
    int *widths = nb_malloc(n * sizeof *widths);
    for (size_t i = 0; i < n; i++)
        widths[i] = sorted[i]->width;
    qsort(widths, n, sizeof *widths, cmp_int);
    int best = widths[0];
    size_t best_count = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && widths[j] == widths[i]; j++)
            ;
        if (j - i > best_count) {
            best = widths[i];
            best_count = j - i;
        }
    }
    free(widths);
    return best;
}

/* /W for the used glyphs (sorted by code) whose advance is not dw (PDF 32000 §9.7.4.3): a run
 * of two or more with one advance and no other used code between them is `first last w` (the
 * codes between are not in the subset, so their width is never read); other consecutive codes
 * share one `first [w1 w2 …]`. */
static void write_widths(HPDF_MMgr mmgr, HPDF_Array w, used_glyph *const *sorted, size_t n, int dw)
{
    HPDF_Array group = NULL;
    uint32_t next = 0;
    size_t i = 0;
    while (i < n) {
        const used_glyph *g = sorted[i];
        if (g->width == dw) {
            group = NULL;
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && sorted[j]->width == g->width)
            j++;
        if (j - i >= 2) {
            HPDF_Array_AddNumber(w, (HPDF_INT32)g->code);
            HPDF_Array_AddNumber(w, (HPDF_INT32)sorted[j - 1]->code);
            HPDF_Array_AddNumber(w, g->width);
            group = NULL;
            i = j;
            continue;
        }
        if (!group || g->code != next) {
            HPDF_Array_AddNumber(w, (HPDF_INT32)g->code);
            group = HPDF_Array_New(mmgr);
            HPDF_Array_Add(w, group);
        }
        HPDF_Array_AddNumber(group, g->width);
        next = g->code + 1;
        i++;
    }
}

static int is_bold(const nb_font *f)
{
    hb_blob_t *head = hb_face_reference_table(f->face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned len;
    const unsigned char *h = (const unsigned char *)hb_blob_get_data(head, &len);
    int bold = len >= 46 && (h[45] & 1); /* macStyle bit 0 */
    hb_blob_destroy(head);
    return bold;
}

/* The font as hb-subset should see it: only the tables the PDF embeds (the bare CFF, or a
 * minimal TrueType). Listing the others as tables to drop is not enough: the subset plan still
 * maps the whole cmap (30,000 entries) and closes over the layout tables first, about a sixth
 * of a seed render's instructions. A face over the font's own tables costs nothing to make, and
 * the subsets keep the same bytes (compared on the seed report). */
static hb_blob_t *kept_table(hb_face_t *reduced, hb_tag_t tag, void *font_face)
{
    (void)reduced;
    static const hb_tag_t kept[] = {
        HB_TAG('C', 'F', 'F', ' '), HB_TAG('g', 'l', 'y', 'f'), HB_TAG('l', 'o', 'c', 'a'),
        HB_TAG('h', 'e', 'a', 'd'), HB_TAG('h', 'h', 'e', 'a'), HB_TAG('h', 'm', 't', 'x'),
        HB_TAG('m', 'a', 'x', 'p')};
    for (size_t k = 0; k < sizeof kept / sizeof *kept; k++)
        if (tag == kept[k])
            return hb_face_reference_table(font_face, tag);
    return NULL; /* read as an empty table */
}

/* Returns a new face over `face`'s kept tables (the caller destroys it; it holds a reference
 * to `face`). */
static hb_face_t *reduced_face(hb_face_t *face)
{
    hb_face_t *reduced = hb_face_create_for_tables(kept_table, hb_face_reference(face),
                                                   (hb_destroy_func_t)hb_face_destroy);
    hb_face_set_upem(reduced, hb_face_get_upem(face));
    hb_face_set_glyph_count(reduced, hb_face_get_glyph_count(face));
    return reduced;
}

/* ------------------------------------------------------------------------------------------ */
/* Subsets shared between documents (nb_subset_cache, see pdf.h) */

/* What the subsetter makes of one font and one glyph set; everything in it follows from those two,
 * so a document that finds it in the cache writes the same bytes as one that makes it. Immutable
 * once made; freed when the last reference goes (the cache holds one while it lists it). */
typedef struct subset {
    const nb_font *font;
    uint64_t key_hash;
    uint32_t *gids;              /* the glyph set, ascending: the key; owned */
    size_t ngids;
    uint32_t *codes;             /* per gids[i]: its CID (CFF) or new glyph id; owned */
    unsigned char *program;      /* the font program, deflated at flate_levels[FLATE_FONT]; owned */
    size_t program_len;
    size_t program_raw_len;      /* before deflating (a TrueType program's /Length1) */
    unsigned char *cidset;       /* one bit per code in the subset, glyph 0 included; owned */
    size_t cidset_len;
    /* The first ToUnicode CMap written with this subset and its deflated bytes (put_tounicode),
     * both owned; set once, under the cache's lock. */
    unsigned char *cmap, *cmap_deflated;
    size_t cmap_len, cmap_deflated_len;
    size_t bytes;                /* what it holds, for the cache's bound */
    unsigned refs;               /* guarded by the cache's lock when cached */
    struct subset *newer, *older; /* the cache's recency list */
} subset;

#define SEEN_KEYS 512 /* glyph sets remembered (by hash) for the admission rule below */
#define GLYPH_STORES 16 /* CFF fonts whose flattened glyphs are kept */
#define SPARE_BUFFERS 4 /* one per thread making a program, for -j 2 and more */
#define SPARE_BYTES ((size_t)2 << 20) /* a larger program's buffer is freed */
/* Bytes of flattened glyphs kept, for all fonts: a batch of 1,000 generated reports keeps
 * 0.86 MB (five fonts' tables, 0.4 MB, and their glyphs; measured); a batch drawing on more
 * glyphs keeps the first ones. */
#define GLYPH_STORE_BYTES ((size_t)4 << 20)
/* Compressors kept per level: one a worker thread, for up to four. */
#define IDLE_DEFLATERS 4

struct nb_subset_cache {
    pthread_mutex_t lock; /* guards everything below */
    size_t max_bytes, bytes;
    subset *newest, *oldest;
    /* A set is kept only the second time it is asked for: in a batch the body font has a new
     * glyph set in almost every report, and keeping those would only push out the sets that
     * do repeat (the heading, title-page and Latin faces). */
    uint64_t seen[SEEN_KEYS];
    size_t nseen;
    unsigned long hits, misses;
    /* Per CFF font, its flattened charstrings (cff.h), made the second time the font is
     * subset: the body font's glyph set is new in every report, its glyphs mostly not. The
     * stores take their bytes from glyph_budget, apart from max_bytes. */
    struct glyph_store {
        const nb_font *font;
        unsigned requests;
        nb_cff_glyphs *glyphs; /* owned */
    } stores[GLYPH_STORES];
    size_t nstores;
    atomic_size_t glyph_budget;
    /* Buffers for the programs being made, kept for the next ones: a fresh one for every
     * document costs a page fault per 4 KB (12 k of a 200-report batch's 69 k, measured). */
    nb_buf spare[SPARE_BUFFERS];
    size_t nspare;
    /* Compressors a document is done with, per flate_kind, for the next one: making one and
     * freeing it cost every document of a batch 0.2 M instructions (libdeflate's set-up). */
    struct libdeflate_compressor *idle[2][IDLE_DEFLATERS];
    size_t nidle[2];
};

nb_subset_cache *nb_subset_cache_new(size_t max_bytes)
{
    nb_subset_cache *c = nb_calloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->max_bytes = max_bytes;
    atomic_init(&c->glyph_budget, GLYPH_STORE_BYTES);
    return c;
}

static void subset_free(subset *s)
{
    if (!s)
        return;
    free(s->gids);
    free(s->codes);
    free(s->program);
    free(s->cidset);
    free(s->cmap);
    free(s->cmap_deflated);
    free(s);
}

void nb_subset_cache_free(nb_subset_cache *c)
{
    if (!c)
        return;
    for (subset *s = c->newest, *next; s; s = next) {
        next = s->older;
        subset_free(s); /* no document holds one any more */
    }
    for (size_t i = 0; i < c->nstores; i++)
        nb_cff_glyphs_free(c->stores[i].glyphs);
    for (size_t i = 0; i < c->nspare; i++)
        nb_buf_free(&c->spare[i]);
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < c->nidle[k]; i++)
            libdeflate_free_compressor(c->idle[k][i]);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void nb_subset_cache_stats(nb_subset_cache *c, unsigned long *hits, unsigned long *misses,
                           size_t *bytes)
{
    pthread_mutex_lock(&c->lock);
    *hits = c->hits;
    *misses = c->misses;
    *bytes = c->bytes;
    pthread_mutex_unlock(&c->lock);
}

static uint64_t glyph_set_hash(const nb_font *font, const uint32_t *gids, size_t n)
{
    content_hash h = {0};
    uintptr_t f = (uintptr_t)font;
    hash_update(&h, &f, sizeof f);
    hash_update(&h, gids, n * sizeof *gids);
    unsigned char out[16];
    hash_final(&h, out);
    return load64(out);
}

static void unlink_subset(nb_subset_cache *c, subset *s)
{
    if (s->newer)
        s->newer->older = s->older;
    else
        c->newest = s->older;
    if (s->older)
        s->older->newer = s->newer;
    else
        c->oldest = s->newer;
    s->newer = s->older = NULL;
}

static void push_newest(nb_subset_cache *c, subset *s)
{
    s->older = c->newest;
    s->newer = NULL;
    if (c->newest)
        c->newest->newer = s;
    c->newest = s;
    if (!c->oldest)
        c->oldest = s;
}

/* The cached subset of this font and glyph set, with a reference for the caller, or NULL. */
static subset *cache_find(nb_subset_cache *c, const nb_font *font, uint64_t hash,
                          const uint32_t *gids, size_t n)
{
    pthread_mutex_lock(&c->lock);
    subset *s = c->newest;
    for (; s; s = s->older)
        if (s->key_hash == hash && s->font == font && s->ngids == n &&
            memcmp(s->gids, gids, n * sizeof *gids) == 0)
            break;
    if (s) {
        unlink_subset(c, s);
        push_newest(c, s);
        s->refs++;
        c->hits++;
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->lock);
    return s;
}

/* Offers a subset the caller made (and holds one reference to): kept if its glyph set was
 * asked for before and it fits, pushing out the least recently used. */
static void cache_offer(nb_subset_cache *c, subset *s)
{
    pthread_mutex_lock(&c->lock);
    int seen = 0;
    for (size_t i = 0; i < c->nseen && i < SEEN_KEYS && !seen; i++)
        seen = c->seen[i] == s->key_hash;
    if (!seen) {
        c->seen[c->nseen++ % SEEN_KEYS] = s->key_hash;
    } else if (s->bytes <= c->max_bytes / 4) {
        /* Another thread may have made and kept the same set meanwhile: then both are equal
         * and this one is simply not kept. */
        subset *t = c->newest;
        while (t && !(t->key_hash == s->key_hash && t->font == s->font && t->ngids == s->ngids &&
                      memcmp(t->gids, s->gids, s->ngids * sizeof *s->gids) == 0))
            t = t->older;
        if (!t) {
            while (c->oldest && c->bytes + s->bytes > c->max_bytes) {
                subset *old = c->oldest;
                unlink_subset(c, old);
                c->bytes -= old->bytes;
                if (--old->refs == 0)
                    subset_free(old);
            }
            s->refs++;
            push_newest(c, s);
            c->bytes += s->bytes;
        }
    }
    pthread_mutex_unlock(&c->lock);
}

/* The store of font f's flattened glyphs (cff.h), or NULL: made the second time the font is
 * asked for, so a single document makes none, or at once with `now` (nb_pdf_helper_warm).
 * Lives as long as the cache. */
static nb_cff_glyphs *glyph_store(nb_subset_cache *c, const nb_font *f, int now)
{
    if (!c)
        return NULL;
    nb_cff_glyphs *g = NULL;
    pthread_mutex_lock(&c->lock);
    size_t i = 0;
    while (i < c->nstores && c->stores[i].font != f)
        i++;
    if (i == c->nstores && i < GLYPH_STORES)
        c->stores[c->nstores++] = (struct glyph_store){f, 0, NULL};
    if (i < c->nstores) {
        struct glyph_store *st = &c->stores[i];
        if ((++st->requests >= 2 || now) && !st->glyphs)
            st->glyphs = nb_cff_glyphs_new(hb_face_get_glyph_count(f->face), &c->glyph_budget);
        g = st->glyphs;
    }
    pthread_mutex_unlock(&c->lock);
    return g;
}

/* An empty buffer, with the room of one used before when the cache has one. */
static nb_buf spare_take(nb_subset_cache *c)
{
    nb_buf b = {0};
    if (!c)
        return b;
    pthread_mutex_lock(&c->lock);
    if (c->nspare)
        b = c->spare[--c->nspare];
    pthread_mutex_unlock(&c->lock);
    b.len = 0;
    return b;
}

static void spare_give(nb_subset_cache *c, nb_buf *b)
{
    if (c && b->cap <= SPARE_BYTES) {
        pthread_mutex_lock(&c->lock);
        if (c->nspare < SPARE_BUFFERS) {
            c->spare[c->nspare++] = *b;
            *b = (nb_buf){0};
        }
        pthread_mutex_unlock(&c->lock);
    }
    nb_buf_free(b);
}

/* The document's compressor of `kind`: an idle one of the cache's when it has one, else a new
 * one. A compressor keeps nothing from one input to the next, so the bytes are the same. */
static struct libdeflate_compressor *deflater(pdf_ctx *ctx, enum flate_kind kind)
{
    if (ctx->deflaters[kind])
        return ctx->deflaters[kind];
    nb_subset_cache *c = ctx->options ? ctx->options->subsets : NULL;
    if (c) {
        pthread_mutex_lock(&c->lock);
        if (c->nidle[kind])
            ctx->deflaters[kind] = c->idle[kind][--c->nidle[kind]];
        pthread_mutex_unlock(&c->lock);
    }
    if (!ctx->deflaters[kind])
        ctx->deflaters[kind] = libdeflate_alloc_compressor(flate_levels[kind]);
    return ctx->deflaters[kind];
}

/* Gives the document's compressors to the cache, or frees them. */
static void give_deflaters(pdf_ctx *ctx)
{
    nb_subset_cache *c = ctx->options ? ctx->options->subsets : NULL;
    for (int kind = 0; kind < 2; kind++) {
        struct libdeflate_compressor *z = ctx->deflaters[kind];
        ctx->deflaters[kind] = NULL;
        if (!z)
            continue;
        if (c) {
            pthread_mutex_lock(&c->lock);
            if (c->nidle[kind] < IDLE_DEFLATERS) {
                c->idle[kind][c->nidle[kind]++] = z;
                z = NULL;
            }
            pthread_mutex_unlock(&c->lock);
        }
        if (z)
            libdeflate_free_compressor(z);
    }
}

/* Gives back a reference; the last one frees the subset. */
static void subset_release(nb_subset_cache *c, subset *s)
{
    if (!s)
        return;
    if (!c) {
        subset_free(s);
        return;
    }
    pthread_mutex_lock(&c->lock);
    int last = --s->refs == 0;
    pthread_mutex_unlock(&c->lock);
    if (last)
        subset_free(s);
}

/* Completes a subset made of s->gids and s->codes: its CIDSet and its program, deflated.
 * The subset's glyphs have the codes all_codes[0..count) (NULL: 0 .. count - 1). Returns 0
 * with a diagnostic when the program cannot be compressed. */
static int finish_subset(pdf_ctx *ctx, subset *s, const uint32_t *all_codes, size_t count,
                         const unsigned char *prog, size_t prog_len)
{
    /* CIDSet: one bit per CID present in the subset, glyph 0 included (PDF/A-1 6.3.5). */
    uint32_t max_code = 0;
    for (size_t g = 0; g < count; g++) {
        uint32_t c = all_codes ? all_codes[g] : (uint32_t)g;
        if (c > max_code)
            max_code = c;
    }
    s->cidset_len = max_code / 8 + 1;
    s->cidset = nb_calloc(s->cidset_len, 1);
    for (size_t g = 0; g < count; g++) {
        uint32_t c = all_codes ? all_codes[g] : (uint32_t)g;
        s->cidset[c >> 3] |= (unsigned char)(0x80u >> (c & 7));
    }
    /* Font programs are deflated too, at the fast level (flate_levels): CFF charstrings
     * shrink by about a fifth, TrueType glyf data more. */
    s->program_raw_len = prog_len;
    struct libdeflate_compressor *z = deflater(ctx, FLATE_FONT);
    size_t bound = z ? libdeflate_zlib_compress_bound(z, prog_len) : 0;
    s->program = bound ? malloc(bound) : NULL;
    s->program_len = s->program ? libdeflate_zlib_compress(z, prog, prog_len, s->program, bound)
                                : 0;
    if (!s->program_len) {
        fail(ctx, "could not compress a stream%s", "");
        return 0;
    }
    /* Only what is kept: the deflate bound is generous for the fonts' incompressible parts. */
    unsigned char *shrunk = realloc(s->program, s->program_len);
    if (shrunk)
        s->program = shrunk;
    s->bytes = sizeof *s + s->ngids * 2 * sizeof(uint32_t) + s->program_len + s->cidset_len;
    return 1;
}

static subset *new_subset(const nb_font *f, uint32_t *gids, size_t ngids, uint64_t hash)
{
    subset *s = nb_calloc(1, sizeof *s);
    s->font = f;
    s->key_hash = hash;
    s->gids = gids;
    s->ngids = ngids;
    s->refs = 1;
    s->codes = nb_malloc((ngids ? ngids : 1) * sizeof *s->codes);
    return s;
}

/* Runs hb-subset on the glyph set: the program (deflated), each glyph's code and the CIDSet.
 * Takes gids on success. NULL with a diagnostic on failure. */
static subset *make_hb_subset(pdf_ctx *ctx, const nb_font *f, uint32_t *gids, size_t ngids,
                           uint64_t hash)
{
    /* Subset by the glyph ids from shaping, without the layout tables: keeping GSUB would pull
     * in every alternate form reachable from these glyphs (TECH.md §2). */
    hb_subset_input_t *input = hb_subset_input_create_or_fail();
    if (!input) {
        fail(ctx, "out of memory subsetting the font file %s", f->path);
        return NULL;
    }
    hb_set_t *set = hb_subset_input_glyph_set(input);
    for (size_t i = 0; i < ngids; i++)
        hb_set_add(set, gids[i]);
    /* Without hints: print and PDF viewers at reading sizes do not need them, and they are
     * 12 KB of the seed report's 279 KB (measured). Desubroutinizing gives the same bytes for
     * the Fandol fonts and takes the subsetter's faster path (227 M → 201 M instructions for
     * the seed). */
    hb_subset_input_set_flags(input,
                              HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE);
    hb_face_t *source = reduced_face(f->face);
    hb_subset_plan_t *plan = source ? hb_subset_plan_create_or_fail(source, input) : NULL;
    hb_subset_input_destroy(input);
    hb_face_destroy(source);
    hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
    if (!sub) {
        hb_subset_plan_destroy(plan);
        fail(ctx, "could not subset the font file %s (damaged?)", f->path);
        return NULL;
    }
    const hb_map_t *old_to_new = hb_subset_plan_old_to_new_glyph_mapping(plan);

    /* The font program and each new glyph's code. */
    hb_blob_t *program;
    uint32_t *cids = NULL;
    size_t sub_glyphs;
    if (f->is_cff) {
        program = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
        unsigned len;
        const unsigned char *d = (const unsigned char *)hb_blob_get_data(program, &len);
        sub_glyphs = nb_cff_cids(d, len, &cids);
    } else {
        program = hb_face_reference_blob(sub);
        sub_glyphs = hb_face_get_glyph_count(sub);
    }
    subset *s = new_subset(f, gids, ngids, hash);
    int ok = sub_glyphs > 0 && hb_blob_get_length(program) > 0;
    for (size_t i = 0; ok && i < ngids; i++) {
        hb_codepoint_t ng = hb_map_get(old_to_new, gids[i]);
        if (ng == HB_MAP_VALUE_INVALID || ng >= sub_glyphs || (cids && cids[ng] > 0xFFFF))
            ok = 0;
        else
            s->codes[i] = cids ? cids[ng] : ng;
    }
    if (!ok) {
        s->gids = NULL; /* the caller's still */
        subset_free(s);
        s = NULL;
        fail(ctx, "the subset of the font file %s is unusable (damaged?)", f->path);
    } else {
        unsigned prog_len;
        const char *prog = hb_blob_get_data(program, &prog_len);
        if (!finish_subset(ctx, s, cids, sub_glyphs, (const unsigned char *)prog, prog_len)) {
            s->gids = NULL;
            subset_free(s);
            s = NULL;
        }
    }
    free(cids);
    hb_blob_destroy(program);
    hb_face_destroy(sub);
    hb_subset_plan_destroy(plan);
    return s;
}

/* A CID-keyed CFF font through our own subsetter (cff.c), in a fifth of hb-subset's time: its
 * glyphs get the CIDs 0 .. n - 1 in glyph id order, where hb-subset keeps the source's. NULL when cff.c declines the font (the caller then runs hb-subset);
 * *failed when it could not be compressed (a diagnostic was given). */
static subset *make_cff_subset(pdf_ctx *ctx, const nb_font *f, uint32_t *gids, size_t ngids,
                               uint64_t hash, int *failed)
{
    hb_blob_t *table = hb_face_reference_table(f->face, HB_TAG('C', 'F', 'F', ' '));
    unsigned len;
    const unsigned char *d = (const unsigned char *)hb_blob_get_data(table, &len);
    subset *s = new_subset(f, gids, ngids, hash);
    nb_subset_cache *cache = ctx->options ? ctx->options->subsets : NULL;
    nb_buf program = spare_take(cache);
    nb_cff_glyphs *kept = glyph_store(cache, f, 0);
    if (!d || !nb_cff_subset(d, len, gids, ngids, kept, &program, s->codes)) {
        s->gids = NULL; /* the caller's still */
        subset_free(s);
        s = NULL;
    } else {
        /* The subset's glyphs, .notdef and the ones asked for, are CIDs 0 .. n - 1. */
        int notdef = !ngids || gids[0] != 0;
        if (!finish_subset(ctx, s, NULL, ngids + (size_t)notdef, program.data, program.len)) {
            s->gids = NULL; /* the caller's still */
            subset_free(s);
            s = NULL;
            *failed = 1;
        }
    }
    spare_give(cache, &program);
    hb_blob_destroy(table);
    return s;
}

/* Subsets the glyph set: the program (deflated), each glyph's code and the CIDSet. CID-keyed
 * CFF fonts go through cff.c, the rest (TrueType, what cff.c declines) through hb-subset.
 * Takes gids on success. NULL with a diagnostic on failure. */
static subset *make_subset(pdf_ctx *ctx, const nb_font *f, uint32_t *gids, size_t ngids,
                           uint64_t hash)
{
    if (f->is_cff && !(ctx->options && ctx->options->hb_subset_only)) {
        int failed = 0;
        subset *s = make_cff_subset(ctx, f, gids, ngids, hash, &failed);
        if (s || failed)
            return s;
    }
    return make_hb_subset(ctx, f, gids, ngids, hash);
}

/* Writes an already deflated stream (a cached font program); the content hash covers the
 * bytes as written. */
static void put_deflated_stream(pdf_ctx *ctx, HPDF_Dict dict, const unsigned char *p, size_t len)
{
    if (!dict || !dict->stream)
        return;
    write_stream_bytes(ctx, dict, p, len);
}

/* What a font's program adds to the file's digest (write_id): what made it (the font, the
 * glyph ids kept) and its lengths, rather than its bytes, 200 KB for the body font, which are
 * a function of these. */
static void hash_program(pdf_ctx *ctx, const font_use *u, const subset *sub)
{
    hash(ctx, u->font->ps_name, strlen(u->font->ps_name) + 1);
    hash(ctx, sub->gids, sub->ngids * sizeof *sub->gids);
    uint64_t lens[2] = {sub->program_raw_len, sub->program_len};
    hash(ctx, lens, sizeof lens);
}

/* The subset's deflated program, taken from it when no one else holds the subset (the cache
 * did not keep it), else NULL (then it is copied): the body font's program is 200 KB on the
 * seed, a copy and 50 page faults. The program is only read to be written, in finish_font. */
static unsigned char *take_program(nb_subset_cache *cache, subset *s)
{
    unsigned char *p = NULL;
    if (cache)
        pthread_mutex_lock(&cache->lock);
    if (s->refs == 1) {
        p = s->program;
        s->program = NULL;
    }
    if (cache)
        pthread_mutex_unlock(&cache->lock);
    return p;
}

/* Writes a font's ToUnicode CMap. The same subset nearly always has the same CMap (the glyphs'
 * text differs only where two characters share a glyph), so the deflated bytes are kept with a
 * cached subset the first time and reused while the CMap is the same: in a batch of 200
 * generated reports 1,022 of the 1,400 ToUnicode streams repeat one made before. */
static void put_tounicode(pdf_ctx *ctx, HPDF_Dict dict, const nb_buf *cmap, subset *sub)
{
    nb_subset_cache *cache = ctx->options ? ctx->options->subsets : NULL;
    if (!dict || !dict->stream)
        return;
    const unsigned char *kept = NULL, *deflated = NULL;
    size_t kept_len = 0, deflated_len = 0;
    if (cache) { /* once set, the subset's copies stay until it is freed */
        pthread_mutex_lock(&cache->lock);
        kept = sub->cmap, kept_len = sub->cmap_len;
        deflated = sub->cmap_deflated, deflated_len = sub->cmap_deflated_len;
        pthread_mutex_unlock(&cache->lock);
    }
    if (kept && kept_len == cmap->len && memcmp(kept, cmap->data, kept_len) == 0) {
        hash(ctx, cmap->data, cmap->len); /* as put_stream would */
        write_stream_bytes(ctx, dict, deflated, deflated_len);
        return;
    }
    put_stream(ctx, dict, cmap->data, cmap->len);
    if (!cache || kept || broken(ctx) || dict->stream->free_fn != body_free)
        return;
    const stream_body *body = dict->stream->attr;
    unsigned char *raw = nb_malloc(cmap->len ? cmap->len : 1), *packed = nb_malloc(body->len);
    memcpy(raw, cmap->data, cmap->len);
    memcpy(packed, body->data, body->len);
    pthread_mutex_lock(&cache->lock);
    if (!sub->cmap) {
        sub->cmap = raw, sub->cmap_len = cmap->len;
        sub->cmap_deflated = packed, sub->cmap_deflated_len = body->len;
        raw = packed = NULL;
    }
    pthread_mutex_unlock(&cache->lock);
    free(raw);
    free(packed);
}

/* Makes a font's objects, in the order and with the numbers they always have: the program's
 * stream, the CIDSet (PDF/A), the descriptor, the CIDFont, the ToUnicode stream and the Type0
 * font. What depends on the subset (the codes, widths, program and CMap) comes later, in
 * finish_font. */
static void font_objects(pdf_ctx *ctx, font_use *u)
{
    const nb_font *f = u->font;
    HPDF_MMgr mmgr = ctx->pdf->mmgr;
    for (size_t i = 0; i < u->nglyphs; i++)
        u->glyphs[i].width = scale(f, nb_font_advance(f, u->glyphs[i].gid));
    char tag[8];
    subset_tag(u, tag);
    snprintf(u->base_font, sizeof u->base_font, "%s%s", tag, f->ps_name);

    /* Font program stream (deflated when the subset was made). */
    u->file = new_stream(ctx, 1);
    if (u->file && f->is_cff)
        HPDF_Dict_AddName(u->file, "Subtype", "CIDFontType0C");
    /* CIDSet: PDF/A-1 needs it (6.3.5); plain PDF does not, and without it a seed render is
     * 1.2 KB smaller. */
    if (ctx->options && ctx->options->pdfa)
        u->cidset = new_stream(ctx, 1);

    HPDF_Dict desc = new_dict(ctx);
    if (desc) {
        HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
        HPDF_Dict_AddName(desc, "FontName", u->base_font);
        HPDF_Dict_AddNumber(desc, "Flags", 4); /* symbolic: glyphs outside the Latin set */
        HPDF_Array bbox = HPDF_Array_New(mmgr);
        for (int i = 0; i < 4; i++)
            HPDF_Array_AddNumber(bbox, scale(f, f->bbox[i]));
        HPDF_Dict_Add(desc, "FontBBox", bbox);
        HPDF_Dict_AddNumber(desc, "ItalicAngle", f->italic_angle);
        HPDF_Dict_AddNumber(desc, "Ascent", scale(f, f->ascender));
        HPDF_Dict_AddNumber(desc, "Descent", scale(f, f->descender));
        HPDF_Dict_AddNumber(desc, "CapHeight", scale(f, f->cap_height));
        /* No font table records the stem width; these are the usual estimates. */
        HPDF_Dict_AddNumber(desc, "StemV", is_bold(f) ? 140 : 80);
        if (u->cidset)
            HPDF_Dict_Add(desc, "CIDSet", u->cidset);
        HPDF_Dict_Add(desc, f->is_cff ? "FontFile3" : "FontFile2", u->file);
    }

    u->cid = new_dict(ctx);
    if (u->cid) {
        HPDF_Dict_AddName(u->cid, "Type", "Font");
        HPDF_Dict_AddName(u->cid, "Subtype", f->is_cff ? "CIDFontType0" : "CIDFontType2");
        HPDF_Dict_AddName(u->cid, "BaseFont", u->base_font);
        HPDF_Dict info = HPDF_Dict_New(mmgr);
        HPDF_Dict_Add(info, "Registry", HPDF_String_New(mmgr, "Adobe", NULL));
        HPDF_Dict_Add(info, "Ordering", HPDF_String_New(mmgr, "Identity", NULL));
        HPDF_Dict_AddNumber(info, "Supplement", 0);
        HPDF_Dict_Add(u->cid, "CIDSystemInfo", info);
        HPDF_Dict_Add(u->cid, "FontDescriptor", desc);
    }

    u->tounicode = new_stream(ctx, 1);

    u->type0 = new_dict(ctx);
    if (u->type0) {
        HPDF_Dict_AddName(u->type0, "Type", "Font");
        HPDF_Dict_AddName(u->type0, "Subtype", "Type0");
        HPDF_Dict_AddName(u->type0, "BaseFont", u->base_font);
        HPDF_Dict_AddName(u->type0, "Encoding", "Identity-H");
        HPDF_Array desc_fonts = HPDF_Array_New(mmgr);
        HPDF_Array_Add(desc_fonts, u->cid);
        HPDF_Dict_Add(u->type0, "DescendantFonts", desc_fonts);
        HPDF_Dict_Add(u->type0, "ToUnicode", u->tounicode);
    }
}

/* Fills a font's objects from its subset (taken: the reference is given back): each glyph's
 * code (*unexpected set when one is not the code expect_codes gave it), the program, the
 * CIDSet, /DW and /W, the ToUnicode CMap. */
static int finish_font(pdf_ctx *ctx, font_use *u, subset *sub, int *unexpected)
{
    const nb_font *f = u->font;
    HPDF_MMgr mmgr = ctx->pdf->mmgr;
    ctx->hashing = &u->hash;
    for (size_t k = 0; k < sub->ngids; k++) {
        used_glyph *g = &u->glyphs[u->slot[sub->gids[k]]];
        *unexpected |= g->code != sub->codes[k];
        g->code = sub->codes[k];
    }

    if (u->file && u->file->stream) {
        if (!f->is_cff)
            HPDF_Dict_AddNumber(u->file, "Length1", (HPDF_INT32)sub->program_raw_len);
        hash_program(ctx, u, sub);
        unsigned char *own = take_program(ctx->options ? ctx->options->subsets : NULL, sub);
        if (own) {
            set_stream_body(ctx, u->file, own, sub->program_len, sub->program_len); /* takes */
        } else {
            put_deflated_stream(ctx, u->file, sub->program, sub->program_len);
        }
    }
    if (u->cidset)
        put_stream(ctx, u->cidset, sub->cidset, sub->cidset_len);

    used_glyph **sorted = nb_malloc((u->nglyphs ? u->nglyphs : 1) * sizeof *sorted);
    for (size_t i = 0; i < u->nglyphs; i++)
        sorted[i] = &u->glyphs[i];
    qsort(sorted, u->nglyphs, sizeof *sorted, cmp_by_code);

    if (u->cid) {
        int dw = common_width(sorted, u->nglyphs);
        HPDF_Dict_AddNumber(u->cid, "DW", dw);
        HPDF_Array w = HPDF_Array_New(mmgr);
        write_widths(mmgr, w, sorted, u->nglyphs, dw);
        if (HPDF_Array_Items(w))
            HPDF_Dict_Add(u->cid, "W", w);
        else
            HPDF_Array_Free(w);
        if (!f->is_cff)
            HPDF_Dict_AddName(u->cid, "CIDToGIDMap", "Identity");
    }

    nb_buf cmap = {0};
    tounicode_cmap(&cmap, sorted, u->nglyphs);
    put_tounicode(ctx, u->tounicode, &cmap, sub);
    nb_buf_free(&cmap);
    free(sorted);

    subset_release(ctx->options ? ctx->options->subsets : NULL, sub);
    ctx->hashing = NULL;
    return !broken(ctx);
}

/* ------------------------------------------------------------------------------------------ */
/* Subsets made beside the pages

   Subsetting and compressing the fonts is most of a render's PDF writing (the body font's
   program alone is 250 KB to deflate), and gives the pages nothing but the glyphs' codes,
   which a page's content takes as expected (expect_codes, code_fixup). So each font's subset
   is a job, made by a second thread (the render's nb_pdf_helper, or one started here), largest
   first, while this thread writes the pages, the structure tree and the other objects, makes
   what is left, smallest first, compresses the pages, and fills each font's objects as its
   subset is ready. Every byte of the PDF is decided on this thread in one order, so the file
   is the same whoever made a subset: a job has its own diagnostics, added in the fonts' order,
   and its own compressor; a font's share of the content hash is hashed apart and added in the
   fonts' order. libharu is used by this thread only. */

enum { JOB_QUEUED, JOB_TAKEN, JOB_DONE };

typedef struct font_job {
    const nb_font *font;
    uint32_t *gids;      /* the glyph set, ascending; owned until make_subset takes it */
    size_t ngids;
    uint64_t hash;
    subset *sub;         /* the result, a reference (NULL: failed); owned until finish_font */
    nb_diags *diags;     /* what making it found; owned */
    int state;           /* JOB_*, under font_jobs.lock */
    int handed_out;      /* its result was taken by next_font_result (the writer's thread) */
} font_job;

typedef struct font_jobs {
    pthread_mutex_t lock;  /* guards the states, front and back */
    pthread_cond_t done;   /* a job is done */
    const nb_pdf_options *options;
    font_job *jobs;        /* owned, one per font_use, in their order */
    size_t n;
    size_t *queue;         /* owned: job indexes, largest glyph set first; [front, back) queued */
    size_t front, back;
    int has_worker;        /* a thread of its own, joined by end_font_jobs */
    pthread_t worker;
    cpu_set_t cpus;        /* the caller's CPUs, the worker's once it runs (run_anywhere) */
    int has_cpus;
    nb_pdf_helper *helper; /* or the caller's helper, given these jobs */
} font_jobs;

/* Makes one job's subset with `deflaters` (the calling thread's, made on first use). */
static void run_job(font_jobs *q, font_job *j, struct libdeflate_compressor **deflaters)
{
    pdf_ctx jc = {0};
    jc.options = q->options;
    jc.diags = j->diags;
    memcpy(jc.deflaters, deflaters, sizeof jc.deflaters);
    subset *s = make_subset(&jc, j->font, j->gids, j->ngids, j->hash); /* takes gids */
    nb_subset_cache *cache = q->options ? q->options->subsets : NULL;
    if (!s)
        free(j->gids);
    else if (cache)
        cache_offer(cache, s);
    j->gids = NULL;
    memcpy(deflaters, jc.deflaters, sizeof jc.deflaters);
    pthread_mutex_lock(&q->lock);
    j->sub = s;
    j->state = JOB_DONE;
    pthread_cond_broadcast(&q->done);
    pthread_mutex_unlock(&q->lock);
}

/* The next queued job, from the front (largest) or the back, marked taken; NULL: none. */
static font_job *take_job(font_jobs *q, int from_front)
{
    font_job *j = NULL;
    pthread_mutex_lock(&q->lock);
    if (q->front < q->back) {
        j = &q->jobs[q->queue[from_front ? q->front++ : --q->back]];
        j->state = JOB_TAKEN;
    }
    pthread_mutex_unlock(&q->lock);
    return j;
}

static void free_deflaters(struct libdeflate_compressor **deflaters, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (deflaters[i])
            libdeflate_free_compressor(deflaters[i]);
}

/* Threads a render may use, the caller's included: `threads` when above 0, or by default two
 * when this process may run on two CPUs or more. */
static int writer_threads(int threads)
{
    if (threads > 0)
        return threads;
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof cpus, &cpus) != 0)
        return 1;
    return CPU_COUNT(&cpus) >= 2 ? 2 : 1;
}

/* The CPUs this process may use but the one the calling thread is on, for a thread about to be
 * given work: woken on the caller's CPU, the kernel lets it preempt the caller there and can
 * leave the caller waiting for milliseconds beside an idle CPU (measured on the seed: the
 * writer stalled 4-5 ms in one render of five). 0: fewer than two such CPUs. */
static int other_cpus(cpu_set_t *set)
{
    int cpu = sched_getcpu();
    if (cpu < 0 || sched_getaffinity(0, sizeof *set, set) != 0 || !CPU_ISSET(cpu, set))
        return 0;
    CPU_CLR(cpu, set);
    return CPU_COUNT(set) > 0;
}

/* Gives the calling thread back all of `cpus` (the writer's). A thread is kept off the writer's
 * CPU only to be woken elsewhere: once it runs it may go anywhere, or a busy other CPU would
 * hold it while the writer's sits idle (in a parallel test run, the helper was still waiting
 * to end when the render had renamed its PDF). */
static void run_anywhere(const cpu_set_t *cpus, int has_cpus)
{
    if (has_cpus)
        pthread_setaffinity_np(pthread_self(), sizeof *cpus, cpus);
}

/* pthread_create with the new thread kept off the caller's CPU (other_cpus): started there, it
 * runs first and the caller waits (measured: nb_pdf_helper_start took 0.5-0.8 ms of the seed
 * render, the helper's start-up, instead of the clone's tens of microseconds). */
static int start_thread_elsewhere(pthread_t *thread, void *(*run)(void *), void *arg)
{
    pthread_attr_t attr;
    cpu_set_t others;
    int with_attr = pthread_attr_init(&attr) == 0;
    if (with_attr && other_cpus(&others))
        pthread_attr_setaffinity_np(&attr, sizeof others, &others);
    int rc = pthread_create(thread, with_attr ? &attr : NULL, run, arg);
    if (with_attr)
        pthread_attr_destroy(&attr);
    return rc;
}

static void *font_worker(void *arg)
{
    font_jobs *q = arg;
    run_anywhere(&q->cpus, q->has_cpus);
    struct libdeflate_compressor *deflaters[2] = {0};
    for (font_job *j; (j = take_job(q, 1));)
        run_job(q, j, deflaters);
    free_deflaters(deflaters, 2);
    return NULL;
}

/* A render's helper (pdf.h): a thread that waits for one nb_pdf_write's font jobs at a time. */
struct nb_pdf_helper {
    pthread_mutex_t lock;
    pthread_cond_t wake;   /* jobs were given, or stop */
    pthread_cond_t idle;   /* the jobs given are all taken and made */
    font_jobs *jobs;       /* given by start_font_jobs; NULL when none or when done with them */
    int running;           /* the thread is taking and making jobs */
    int stop;              /* asked to end: the thread then frees this */
    pthread_t thread;      /* detached: valid until stop */
    cpu_set_t cpus;        /* the caller's CPUs, the helper's own once it runs (run_anywhere) */
    int has_cpus;
    /* Glyphs to flatten before the jobs come (nb_pdf_helper_warm): the font, its store, and
     * the text (owned) whose characters it is likely to set. */
    const nb_font *warm_font;
    nb_cff_glyphs *warm_store;
    char *warm_text;
    size_t warm_len;
    int warming;           /* the thread is flattening them (its font and store in use) */
    int stopper_waits;     /* stopped while warming: the caller waits for the end, and frees */
    int exited;
    atomic_int warm_stop;  /* jobs came, or stop was asked: leave the rest to the jobs */
};

/* The glyphs `font` gives the characters of text beyond ASCII (the Latin face sets those),
 * flattened into `store` ahead of the subset: on the seed, 446 of the body font's 456 glyphs,
 * and 1.3 ms of its job done while the report is typeset. */
static void warm_glyphs(nb_pdf_helper *h, const nb_font *font, nb_cff_glyphs *store,
                        const char *text, size_t len)
{
    unsigned count = hb_face_get_glyph_count(font->face);
    unsigned char *seen = nb_calloc(count / 8 + 1, 1);
    size_t n = 0;
    for (size_t at = 0; at < len;) {
        uint32_t cp;
        size_t step = nb_utf8_decode(text + at, len - at, &cp);
        at += step ? step : 1;
        uint32_t g = step && cp >= 0x80 ? nb_font_glyph(font, cp) : 0;
        if (g && g < count && !(seen[g / 8] & (1u << (g % 8)))) {
            seen[g / 8] |= (unsigned char)(1u << (g % 8));
            n++;
        }
    }
    /* The set in ascending order, as nb_cff_keep walks it. */
    uint32_t *gids = nb_malloc((n ? n : 1) * sizeof *gids);
    for (uint32_t g = 1, k = 0; k < n; g++)
        if (seen[g / 8] & (1u << (g % 8)))
            gids[k++] = g;
    free(seen);
    hb_blob_t *table = hb_face_reference_table(font->face, HB_TAG('C', 'F', 'F', ' '));
    unsigned table_len = 0;
    const unsigned char *d = (const unsigned char *)hb_blob_get_data(table, &table_len);
    if (d && n)
        nb_cff_keep(d, table_len, gids, n, store, &h->warm_stop);
    hb_blob_destroy(table);
    free(gids);
}

/* Bytes the helper's heap is made ready with while the caller typesets, for the blocks the
 * body font's subset takes, which would otherwise cost a page fault per 4 KB while the caller
 * waits for them. Measured on the seed: with 512 KB the render has as many page faults as with
 * none (1,302 and 1,309), so all of them are used later; with 1.5 MB 1,572. */
#define HELPER_HEAP_BYTES ((size_t)512 << 10)

static void free_helper(nb_pdf_helper *h)
{
    pthread_cond_destroy(&h->idle);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

static void *helper_main(void *arg)
{
    nb_pdf_helper *h = arg;
    run_anywhere(&h->cpus, h->has_cpus);
    struct libdeflate_compressor *deflaters[2] = {0};
    deflaters[FLATE_FONT] = libdeflate_alloc_compressor(flate_levels[FLATE_FONT]);
    unsigned char *warm = malloc(HELPER_HEAP_BYTES);
    if (warm) {
        for (size_t i = 0; i < HELPER_HEAP_BYTES; i += 4096)
            ((volatile unsigned char *)warm)[i] = 0;
        free(warm); /* its pages stay with this thread's heap for the blocks below */
    }
    pthread_mutex_lock(&h->lock);
    for (;;) {
        while (!h->jobs && !h->stop && !h->warm_text)
            pthread_cond_wait(&h->wake, &h->lock);
        if (h->warm_text) {
            char *text = h->warm_text;
            h->warm_text = NULL;
            if (!h->jobs && !h->stop) {
                h->warming = 1;
                pthread_mutex_unlock(&h->lock);
                warm_glyphs(h, h->warm_font, h->warm_store, text, h->warm_len);
                pthread_mutex_lock(&h->lock);
                h->warming = 0;
                pthread_cond_broadcast(&h->idle);
            }
            free(text);
            continue;
        }
        if (!h->jobs)
            break;
        font_jobs *q = h->jobs;
        h->running = 1;
        pthread_mutex_unlock(&h->lock);
        run_anywhere(&h->cpus, h->has_cpus); /* kept off the writer's CPU to be woken */
        for (font_job *j; (j = take_job(q, 1));)
            run_job(q, j, deflaters);
        pthread_mutex_lock(&h->lock);
        h->running = 0;
        h->jobs = NULL;
        pthread_cond_broadcast(&h->idle);
    }
    int caller_frees = h->stopper_waits;
    h->exited = 1;
    pthread_cond_broadcast(&h->idle);
    pthread_mutex_unlock(&h->lock);
    free_deflaters(deflaters, 2);
    /* Stopped: nobody else refers to h any more (nb_pdf_helper_stop), unless the caller waits
     * to free it. */
    if (!caller_frees)
        free_helper(h);
    return NULL;
}

nb_pdf_helper *nb_pdf_helper_start(int threads)
{
    if (writer_threads(threads) < 2)
        return NULL;
    nb_pdf_helper *h = nb_calloc(1, sizeof *h);
    h->has_cpus = sched_getaffinity(0, sizeof h->cpus, &h->cpus) == 0;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->wake, NULL);
    pthread_cond_init(&h->idle, NULL);
    if (start_thread_elsewhere(&h->thread, helper_main, h) != 0) {
        free_helper(h);
        return NULL;
    }
    /* Never joined: a join would wait for the thread to be scheduled only to end, which on a
     * busy machine is milliseconds at the end of every render; it frees itself instead. */
    pthread_detach(h->thread);
    return h;
}

#define WARM_TEXT_BYTES ((size_t)64 << 10)

void nb_pdf_helper_warm(nb_pdf_helper *h, nb_subset_cache *cache, const nb_font *font,
                        const char *text, size_t len)
{
    if (!h || !cache || !font || !font->is_cff || !len)
        return;
    nb_cff_glyphs *store = glyph_store(cache, font, 1);
    if (!store)
        return;
    /* A report's characters are in its first pages: the seed is 10 KB; a 600-page text
     * (bench/prose.py, 892 KB) cost the helper 40 M instructions for no more glyphs. */
    if (len > WARM_TEXT_BYTES)
        len = WARM_TEXT_BYTES; /* a sequence cut at the end is passed over */
    char *copy = nb_memdup(text, len);
    pthread_mutex_lock(&h->lock);
    int given = !h->warm_text && !h->warm_font && !h->stop;
    if (given) {
        h->warm_font = font;
        h->warm_store = store;
        h->warm_text = copy;
        h->warm_len = len;
    }
    pthread_mutex_unlock(&h->lock);
    if (given)
        pthread_cond_signal(&h->wake);
    else
        free(copy);
}

void nb_pdf_helper_stop(nb_pdf_helper *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    h->stop = 1;
    atomic_store(&h->warm_stop, 1);
    pthread_cond_signal(&h->wake);
    if (!h->warming) {
        pthread_mutex_unlock(&h->lock); /* h is the thread's from here */
        return;
    }
    /* The font and store being warmed are the caller's: the thread is let finish with them
     * (a glyph, as warm_stop is set), and h is freed here. */
    h->stopper_waits = 1;
    while (!h->exited)
        pthread_cond_wait(&h->idle, &h->lock);
    pthread_mutex_unlock(&h->lock);
    free_helper(h);
}


/* Gives each glyph of a font the code its subset should give it, so the pages can be
 * compressed before the subset is made (pack_page; finish_font checks): its place among the
 * glyph ids kept, .notdef first, as cff.c numbers CIDs (cff.h) and hb-subset numbers the
 * glyphs of a TrueType font without composite glyphs. gids: the font's, ascending. */
static void expect_codes(font_use *u, const uint32_t *gids, size_t n)
{
    uint32_t first = n && gids[0] == 0 ? 0 : 1;
    for (size_t k = 0; k < n; k++)
        u->glyphs[u->slot[gids[k]]].code = first + (uint32_t)k;
}

/* One job per font: the glyph set, from the subset cache when another document made it, else
 * queued, and the worker started when there is a job and a second thread is allowed. */
static void start_font_jobs(pdf_ctx *ctx, font_jobs *q)
{
    memset(q, 0, sizeof *q);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->done, NULL);
    q->options = ctx->options;
    q->n = ctx->nfonts;
    q->jobs = nb_calloc(q->n ? q->n : 1, sizeof *q->jobs);
    q->queue = nb_malloc((q->n ? q->n : 1) * sizeof *q->queue);
    nb_subset_cache *cache = ctx->options ? ctx->options->subsets : NULL;
    for (size_t i = 0; i < q->n; i++) {
        const font_use *u = &ctx->fonts[i];
        font_job *j = &q->jobs[i];
        j->font = u->font;
        j->gids = nb_memdup(u->gids, (u->nglyphs ? u->nglyphs : 1) * sizeof *j->gids);
        j->ngids = u->nglyphs;
        expect_codes(&ctx->fonts[i], j->gids, j->ngids);
        j->hash = glyph_set_hash(u->font, j->gids, j->ngids);
        j->diags = nb_diags_new();
        if (ctx->diags)
            j->diags->lang = ctx->diags->lang;
        j->sub = cache ? cache_find(cache, u->font, j->hash, j->gids, j->ngids) : NULL;
        if (j->sub) {
            free(j->gids);
            j->gids = NULL;
            j->state = JOB_DONE;
        } else {
            q->queue[q->back++] = i;
        }
    }
    /* Largest glyph set first (a handful of fonts: insertion, stable). */
    for (size_t k = 1; k < q->back; k++)
        for (size_t m = k; m > 0 && q->jobs[q->queue[m]].ngids > q->jobs[q->queue[m - 1]].ngids;
             m--) {
            size_t t = q->queue[m];
            q->queue[m] = q->queue[m - 1];
            q->queue[m - 1] = t;
        }
    nb_pdf_helper *h = ctx->options ? ctx->options->helper : NULL;
    cpu_set_t others;
    if (q->back > 0 && h) {
        /* Only this thread gives the helper jobs or stops it, so it is alive here. */
        if (other_cpus(&others))
            pthread_setaffinity_np(h->thread, sizeof others, &others);
        atomic_store(&h->warm_stop, 1); /* what is not flattened yet, the job does */
        pthread_mutex_lock(&h->lock);
        int given = !h->jobs && !h->stop; /* one document at a time */
        if (given) {
            h->jobs = q;
            q->helper = h;
        }
        pthread_mutex_unlock(&h->lock);
        if (given) /* after the unlock, so the helper does not wake only to wait for the lock */
            pthread_cond_signal(&h->wake);
    } else if (q->back > 0 && writer_threads(ctx->options ? ctx->options->threads : 0) >= 2) {
        q->has_cpus = sched_getaffinity(0, sizeof q->cpus, &q->cpus) == 0;
        q->has_worker = start_thread_elsewhere(&q->worker, font_worker, q) == 0;
    }
}

/* Makes the jobs still queued on this thread, smallest first. */
static void help_font_jobs(pdf_ctx *ctx, font_jobs *q)
{
    for (font_job *j; (j = take_job(q, 0));)
        run_job(q, j, ctx->deflaters);
}

/* Waits until a font's job not yet handed out is done, and hands it out: the first such font
 * in the fonts' order. *index receives the font; the result is its subset (the reference is
 * the caller's), or NULL when it failed (its diagnostics are added by end_font_jobs). */
static subset *next_font_result(pdf_ctx *ctx, font_jobs *q, size_t *index)
{
    pthread_mutex_lock(&q->lock);
    for (;;) {
        size_t i = 0;
        while (i < q->n && (q->jobs[i].handed_out || q->jobs[i].state != JOB_DONE))
            i++;
        if (i < q->n) {
            *index = i;
            break;
        }
        pthread_cond_wait(&q->done, &q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    font_job *j = &q->jobs[*index];
    j->handed_out = 1;
    subset *s = j->sub;
    j->sub = NULL;
    if (!s)
        ctx->failed = 1; /* make_subset gave the diagnostic */
    return s;
}

/* Makes what is still queued, waits for the worker, adds the jobs' diagnostics in the fonts'
 * order (whichever thread made them, and whenever the render stopped, the same list) and frees
 * what the jobs still hold. */
static void end_font_jobs(pdf_ctx *ctx, font_jobs *q)
{
    help_font_jobs(ctx, q);
    if (q->has_worker)
        pthread_join(q->worker, NULL);
    if (q->helper) {
        /* Taken back if the helper has not started on them (nothing is left to take), else
         * done when it has made the job it took. */
        nb_pdf_helper *h = q->helper;
        pthread_mutex_lock(&h->lock);
        if (h->jobs == q && !h->running)
            h->jobs = NULL;
        while (h->jobs == q)
            pthread_cond_wait(&h->idle, &h->lock);
        pthread_mutex_unlock(&h->lock);
    }
    for (size_t i = 0; i < q->n; i++) {
        if (ctx->diags)
            nb_diags_append(ctx->diags, q->jobs[i].diags);
        if (!q->jobs[i].handed_out && !q->jobs[i].sub)
            ctx->failed = 1;
        free(q->jobs[i].gids);
        subset_release(q->options ? q->options->subsets : NULL, q->jobs[i].sub);
        nb_diags_free(q->jobs[i].diags);
    }
    free(q->jobs);
    free(q->queue);
    pthread_cond_destroy(&q->done);
    pthread_mutex_destroy(&q->lock);
}

/* ------------------------------------------------------------------------------------------ */
/* Pages */

/* True when the text a glyph stands for here is not the text its code's ToUnicode entry gives
 * (collect_glyphs keeps one text per glyph: the first it saw). */
static int differs_from_tounicode(const nb_run *run, const nb_glyph *g, const used_glyph *ug)
{
    if (!g->text_len || !run->text || g->text > run->text_len ||
        g->text_len > run->text_len - g->text || !ug->text)
        return 0;
    return ug->text_len != g->text_len || memcmp(ug->text, run->text + g->text, g->text_len) != 0;
}

/* A decimal number, without the cost of printf (the structure writes thousands). */
static void put_uint(nb_buf *b, size_t v)
{
    char d[24];
    size_t i = sizeof d;
    do {
        d[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    nb_buf_put(b, d + i, sizeof d - i);
}

/* A signed integer, the same way. */
static void put_int(nb_buf *b, long long v)
{
    if (v < 0)
        nb_buf_put(b, "-", 1);
    put_uint(b, v < 0 ? (size_t)(-(v + 1)) + 1 : (size_t)v);
}

static void write_rules(nb_buf *b, const nb_page *page)
{
    if (!page->nrules)
        return;
    /* Projecting caps close the corners where horizontal and vertical table rules meet. In
     * 1/1024 pt, as the text: integers, without the decimal point. */
    nb_buf_puts(b, "q 0 G 2 J " UNIT_SCALE " 0 0 " UNIT_SCALE " 0 0 cm\n");
    double width = -1;
    for (size_t i = 0; i < page->nrules; i++) {
        const nb_stroke *r = &page->rules[i];
        if (r->width != width) {
            width = r->width;
            put_int(b, units(width));
            nb_buf_puts(b, " w\n");
        }
        put_int(b, units(r->x1));
        nb_buf_puts(b, " ");
        put_int(b, units(r->y1));
        nb_buf_puts(b, " m ");
        put_int(b, units(r->x2));
        nb_buf_puts(b, " ");
        put_int(b, units(r->y2));
        nb_buf_puts(b, " l S\n");
    }
    nb_buf_puts(b, "Q\n");
}

/* " N 0 R": a reference to object N. */
static void put_ref(nb_buf *b, unsigned num)
{
    nb_buf_put(b, " ", 1);
    put_uint(b, num);
    nb_buf_put(b, " 0 R", 4);
}

/* Numbers the next marked-content sequence of a page for element `tag` (1-based). */
static size_t new_mcid(page_marks *m, int tag)
{
    nb_grow(&m->owner, &m->cap, m->n + 1, sizeof *m->owner);
    m->owner[m->n] = tag;
    return m->n++;
}

/* Appends a glyph code as four hex digits (codes are 16-bit), after a '<' if asked: a few
 * million times in a long document, where printf cost a fifth of the instructions. */
static void put_code(nb_buf *b, uint32_t code, int open)
{
    static const char hex[] = "0123456789ABCDEF";
    char s[5] = {'<', hex[(code >> 12) & 15], hex[(code >> 8) & 15], hex[(code >> 4) & 15],
                 hex[code & 15]};
    nb_buf_put(b, open ? s : s + 1, open ? 5 : 4);
}

/* Appends a glyph's code as expected (expect_codes), after a '<' if asked, and notes where it
 * is for pack_page (code_fixup). */
static void put_glyph_code(pdf_ctx *ctx, nb_buf *b, const used_glyph *g, int open)
{
    page_body *body = &ctx->bodies[ctx->page];
    nb_grow(&body->fixups, &body->cap_fixups, body->nfixups + 1, sizeof *body->fixups);
    body->fixups[body->nfixups++] = (code_fixup){b->len + (open ? 1 : 0), g};
    put_code(b, g->code, open);
}

/* Text is written in a text space of 1/1024 pt (UNITS): the page's one text object starts
 * with `.0009765625 0 0 .0009765625 0 0 Tm`, so that every position is an integer. A line
 * starts with Td relative to the last one, and integers add up exactly in every reader: a
 * glyph lands on exactly the number an absolute position would have given, and two lines drawn
 * on one baseline by different paths still share it (pdftotext orders words by exact
 * comparisons). Font sizes are scaled to match (16 pt is `16384 Tf`); TJ adjustments, in
 * thousandths of the font size, are unchanged. */
/* What the page's content stream has set so far for text. Text state (Tf, Tc) belongs to the
 * graphics state and lasts across text objects, so it is written only when it changes; the
 * line matrix is the text object's. Marked content nests inside the page's one text object
 * (PDF 32000 §14.6: a sequence that starts in a text object ends in it). */
typedef struct text_state {
    int in_text;              /* inside BT … ET */
    const font_use *font;     /* the font set by Tf (NULL: none yet) */
    long long size;           /* the size set by Tf, in text space units (1/1024 pt) */
    long long lx, ly;         /* start of the current line, in text space units */
    double tc;                /* the character spacing set by Tc, in text space units */
} text_state;

/* Starts the page's text object if it is not open yet. */
static void begin_text(nb_buf *b, text_state *ts)
{
    if (ts->in_text)
        return;
    nb_buf_puts(b, "BT\n" UNIT_SCALE " 0 0 " UNIT_SCALE " 0 0 Tm\n");
    ts->in_text = 1;
    ts->lx = ts->ly = 0;
}

static void set_font(nb_buf *b, text_state *ts, const font_use *u, long long size)
{
    if (ts->font == u && ts->size == size)
        return;
    nb_buf_put(b, "/", 1);
    nb_buf_puts(b, u->res_name);
    nb_buf_put(b, " ", 1);
    put_int(b, size);
    nb_buf_puts(b, " Tf\n");
    ts->font = u;
    ts->size = size;
}

/* Moves to a new line starting at (x, y) pt. */
static void move_to(nb_buf *b, text_state *ts, double x, double y)
{
    long long mx = units(x), my = units(y);
    put_int(b, mx - ts->lx);
    nb_buf_put(b, " ", 1);
    put_int(b, my - ts->ly);
    nb_buf_puts(b, " Td ");
    ts->lx = mx;
    ts->ly = my;
}

/* A glyph whose code's one ToUnicode entry holds another text (collect_glyphs: a glyph two
 * characters share, such as 日 and the Kangxi radical ⽇, or · and ・ in the Fandol fonts): it
 * is drawn alone, as a line of its own, with its own text as /ActualText (PDF 32000 §14.9.4).
 * In a tagged page the element's sequence ends before it and starts again after it, and the
 * glyph's sequence belongs to a Span element inside the element that has the same
 * /ActualText: readers of the content (pdftotext) take the property, readers of the structure
 * (poppler's structure text) the element's attribute. An artifact keeps its glyph as it is. */
static void write_actual_text(pdf_ctx *ctx, nb_buf *b, text_state *ts, const nb_run *run,
                              const nb_glyph *g, const used_glyph *ug, page_marks *marks)
{
    int tag = marks ? run->tag : -1;
    if (tag == 0 || (tag > 0 && (size_t)tag > ctx->doc->ntags))
        tag = 0;
    const char *name = tag > 0 ? nb_tag_names[ctx->doc->tags[tag - 1].kind] : NULL;
    if (tag > 0) {
        nb_grow(&ctx->spans, &ctx->cap_spans, ctx->nspans + 1, sizeof *ctx->spans);
        ctx->spans[ctx->nspans] = (actual_span){tag, run->text + g->text, g->text_len};
        int span = (int)(ctx->doc->ntags + ++ctx->nspans);
        nb_buf_printf(b, "EMC\n/Span<</MCID %zu/ActualText<FEFF", new_mcid(marks, span));
    }
    else if (tag < 0)
        nb_buf_puts(b, "/Span<</ActualText<FEFF");
    if (tag != 0) {
        put_utf16(b, run->text + g->text, g->text_len, 1);
        nb_buf_puts(b, ">>>BDC\n");
    }
    move_to(b, ts, (double)run->x + g->x, (double)run->y + g->y);
    put_glyph_code(ctx, b, ug, 1);
    nb_buf_puts(b, "> Tj\n");
    if (tag > 0)
        nb_buf_printf(b, "EMC\n/%s<</MCID %zu>>BDC\n", name, new_mcid(marks, tag));
    else if (tag < 0)
        nb_buf_puts(b, "EMC\n");
}

/* How far a glyph may stand from the typesetter's position before a TJ adjustment moves it:
 * half a unit (0.0005 pt), as precisely as lines are placed (Td, to a unit), and about what the
 * typesetter's float positions are exact to (their pen adds up in float). */
#define PLACE_TOLERANCE 0.5 /* text space units */

/* The character spacing (Tc) that puts most of a stretch's glyphs where the typesetter put
 * them: the gap after each glyph's advance that recurs most often among the first ones, in
 * text space units to two decimals. A line on the 28-cell grid has one gap throughout (the
 * cell less the font size), and a line spread by 推出 or justified around Latin words another. */
static double common_gap(const nb_run *run, const font_use *u, size_t from, size_t to,
                         double size)
{
    enum { SAMPLE = 32 };
    double gaps[SAMPLE];
    size_t n = 0;
    for (size_t k = from + 1; k < to && n < SAMPLE; k++) {
        const used_glyph *prev = &u->glyphs[u->slot[run->glyphs[k - 1].gid]];
        gaps[n++] = ((double)run->glyphs[k].x - run->glyphs[k - 1].x) * UNITS -
                    prev->width * size / 1000.0;
    }
    /* Most lines have one gap throughout: a majority for the first gap settles it at once. */
    size_t best = 0, best_count = 0;
    for (size_t i = 0; i < n && best_count * 2 <= n; i++) {
        size_t count = 0;
        for (size_t j = 0; j < n; j++)
            count += fabs(gaps[j] - gaps[i]) <= PLACE_TOLERANCE / 4;
        if (count > best_count) {
            best = i;
            best_count = count;
        }
    }
    double sum = 0;
    size_t count = 0;
    for (size_t j = 0; j < n; j++)
        if (fabs(gaps[j] - gaps[best]) <= PLACE_TOLERANCE / 4) {
            sum += gaps[j];
            count++;
        }
    double tc = 0;
    char num[40];
    nb_fmt_num_value(num, count ? sum / (double)count : 0, 2, &tc);
    return tc;
}

/* The glyphs of a stretch that a character spacing `tc` leaves off their place: each of them
 * costs a TJ adjustment. */
static size_t misplaced(const nb_run *run, const font_use *u, size_t from, size_t to,
                        double size, double tc)
{
    double pen = 0;
    size_t count = 0;
    for (size_t k = from; k < to; k++) {
        const nb_glyph *g = &run->glyphs[k];
        double target = ((double)g->x - run->glyphs[from].x) * UNITS;
        if (k > from && fabs(pen - target) > PLACE_TOLERANCE) {
            count++;
            pen = target;
        }
        pen += u->glyphs[u->slot[g->gid]].width * size / 1000.0 + tc;
    }
    return count;
}

/* One run, inside the page's text object: its font if another is in force, then per stretch of
 * equal y a Td to the stretch's first glyph, the character spacing if the stretch wants
 * another, and a TJ whose adjustments move every glyph that Tc leaves more than
 * PLACE_TOLERANCE off its place. Tc also follows a stretch's last glyph, which does not matter:
 * every line starts with its own Td. `pen` follows the position the viewer computes from the
 * numbers as written, so rounding never accumulates along a line. `marks`: the page's marked
 * content when tagged (write_actual_text), else NULL. */
static void write_run(pdf_ctx *ctx, nb_buf *b, text_state *ts, const nb_run *run,
                      const font_use *u, page_marks *marks)
{
    long long tsize = units(run->size);
    if (tsize <= 0)
        return;
    double size = (double)tsize; /* in text space units, as the viewer has it */
    char num[40];
    set_font(b, ts, u, tsize);
    size_t i = 0;
    while (i < run->nglyphs) {
        const nb_glyph *first = &run->glyphs[i];
        if (differs_from_tounicode(run, first, &u->glyphs[u->slot[first->gid]])) {
            write_actual_text(ctx, b, ts, run, first, &u->glyphs[u->slot[first->gid]], marks);
            i++;
            continue;
        }
        size_t end = i + 1;
        while (end < run->nglyphs && run->glyphs[end].y == first->y &&
               !differs_from_tounicode(run, &run->glyphs[end],
                                       &u->glyphs[u->slot[run->glyphs[end].gid]]))
            end++;
        move_to(b, ts, (double)run->x + first->x, (double)run->y + first->y);
        if (end - i > 1) {
            /* Another Tc costs about as much as two adjustments. */
            double tc = common_gap(run, u, i, end, size);
            if (tc != ts->tc &&
                misplaced(run, u, i, end, size, tc) + 2 < misplaced(run, u, i, end, size, ts->tc)) {
                nb_fmt_num(num, tc, 2);
                nb_buf_puts(b, num);
                nb_buf_puts(b, " Tc ");
                ts->tc = tc;
            }
        }
        nb_buf_puts(b, "[<");
        double pen = (double)ts->lx;
        int open = 1;
        for (size_t k = i; k < end; k++) {
            const nb_glyph *g = &run->glyphs[k];
            const used_glyph *ug = &u->glyphs[u->slot[g->gid]];
            double target = ((double)run->x + g->x) * UNITS, adj = 0;
            if (k > i && fabs(pen - target) > PLACE_TOLERANCE)
                /* Two decimals of a thousandth of an em (0 only at sizes over 100 pt). */
                nb_fmt_num_value(num, (pen - target) * 1000.0 / size, 2, &adj);
            if (adj != 0) {
                if (open)
                    nb_buf_put(b, ">", 1);
                nb_buf_puts(b, num);
                open = 0;
                pen -= adj * size / 1000.0;
            }
            put_glyph_code(ctx, b, ug, !open);
            open = 1;
            pen += ug->width * size / 1000.0 + ts->tc;
        }
        nb_buf_puts(b, ">] TJ\n");
        i = end;
    }
}

static font_use *font_of(pdf_ctx *ctx, const nb_font *font)
{
    for (size_t i = 0; i < ctx->nfonts; i++)
        if (ctx->fonts[i].font == font)
            return &ctx->fonts[i];
    return NULL;
}

/* An image XObject of decoded 8-bit samples (PDF 32000 §8.9.5), compressed with the other
 * streams; its alpha plane becomes an /SMask (§11.6.5.3). PDF/A-1 forbids soft masks (6.4),
 * so there the image is composited onto white paper, which is how it prints. */
static HPDF_Dict image_stream(pdf_ctx *ctx, const unsigned char *samples, unsigned w, unsigned h,
                              int components)
{
    HPDF_Dict img = new_stream(ctx, 1);
    if (!img)
        return NULL;
    HPDF_Dict_AddName(img, "Type", "XObject");
    HPDF_Dict_AddName(img, "Subtype", "Image");
    HPDF_Dict_AddNumber(img, "Width", (HPDF_INT32)w);
    HPDF_Dict_AddNumber(img, "Height", (HPDF_INT32)h);
    HPDF_Dict_AddName(img, "ColorSpace", components == 1 ? "DeviceGray" : "DeviceRGB");
    HPDF_Dict_AddNumber(img, "BitsPerComponent", 8);
    put_stream(ctx, img, samples, (size_t)w * h * (size_t)components);
    return img;
}

static HPDF_Dict image_xobject(pdf_ctx *ctx, const nb_raster *r)
{
    if (!r || !r->pixels || !r->width || !r->height || (r->components != 1 && r->components != 3)) {
        fail(ctx, "an image has no data%s", NULL);
        return NULL;
    }
    int pdfa = ctx->options && ctx->options->pdfa;
    if (!r->alpha || !pdfa) {
        HPDF_Dict img = image_stream(ctx, r->pixels, r->width, r->height, r->components);
        if (img && r->alpha) {
            HPDF_Dict mask = image_stream(ctx, r->alpha, r->width, r->height, 1);
            if (mask)
                HPDF_Dict_Add(img, "SMask", mask);
        }
        return img;
    }
    size_t count = (size_t)r->width * r->height, n = count * (size_t)r->components;
    unsigned char *flat = malloc(n);
    if (!flat) {
        fail(ctx, "not enough memory for the seal image%s", NULL);
        return NULL;
    }
    for (size_t i = 0; i < count; i++)
        for (int c = 0; c < r->components; c++) {
            size_t k = i * (size_t)r->components + (size_t)c;
            unsigned v = r->pixels[k], a = r->alpha[i];
            flat[k] = (unsigned char)((v * a + 255u * (255u - a) + 127u) / 255u);
        }
    HPDF_Dict img = image_stream(ctx, flat, r->width, r->height, r->components);
    free(flat);
    return img;
}

/* Ends the marked-content sequence `from` (-1: none open) and begins one for `to`: an element's
 * content with the page's next MCID (PDF 32000 §14.7.4), or an artifact (§14.8.2.2): the page
 * numbers and a table header drawn again after a page break. */
static void open_marked_content(pdf_ctx *ctx, nb_buf *b, page_marks *marks, int from, int to)
{
    if (from >= 0)
        nb_buf_puts(b, "EMC\n");
    if (to <= 0 || (size_t)to > ctx->doc->ntags) {
        nb_buf_puts(b, "/Artifact BMC\n");
        return;
    }
    nb_buf_put(b, "/", 1);
    nb_buf_puts(b, nb_tag_names[ctx->doc->tags[to - 1].kind]);
    nb_buf_puts(b, "<</MCID ");
    put_uint(b, new_mcid(marks, to));
    nb_buf_puts(b, ">>BDC\n");
}

static int write_page(pdf_ctx *ctx, const nb_page *page, HPDF_Page *out)
{
    HPDF_Page hp = HPDF_AddPage(ctx->pdf);
    *out = hp;
    if (!hp)
        return 0;
    HPDF_Page_SetWidth(hp, NB_PAGE_W);
    HPDF_Page_SetHeight(hp, NB_PAGE_H);
    if (ctx->tagged)
        HPDF_Dict_AddNumber(hp, "StructParents", (HPDF_INT32)(page - ctx->doc->pages));

    /* Fonts of this page, in order of first use. */
    HPDF_Dict resources = HPDF_Dict_GetItem(hp, "Resources", HPDF_OCLASS_DICT);
    HPDF_Dict fonts = NULL;
    unsigned char *listed = nb_calloc(ctx->nfonts, 1);
    for (size_t r = 0; r < page->nruns; r++) {
        const nb_run *run = &page->runs[r];
        if (!run->nglyphs)
            continue;
        font_use *u = font_of(ctx, run->font);
        if (!fonts) {
            fonts = HPDF_Dict_New(ctx->pdf->mmgr);
            HPDF_Dict_Add(resources, "Font", fonts);
        }
        if (!listed[u - ctx->fonts]) {
            listed[u - ctx->fonts] = 1;
            HPDF_Dict_Add(fonts, u->res_name, u->type0);
        }
    }
    free(listed);

    /* Images first: the text stays readable over a seal, as black print shows through
     * the red of a real one. */
    nb_buf b = {0};
    HPDF_Dict xobjects = NULL;
    for (size_t i = 0; i < page->nimages; i++) {
        const nb_image *im = &page->images[i];
        HPDF_Dict img = image_xobject(ctx, im->raster);
        if (!img) {
            nb_buf_free(&b);
            broken(ctx);
            return 0;
        }
        if (!xobjects) {
            xobjects = HPDF_Dict_New(ctx->pdf->mmgr);
            HPDF_Dict_Add(resources, "XObject", xobjects);
        }
        char name[32];
        snprintf(name, sizeof name, "Im%zu", i + 1);
        HPDF_Dict_Add(xobjects, name, img);
        nb_buf_puts(&b, "q ");
        put_num(&b, im->w);
        nb_buf_puts(&b, " 0 0 ");
        put_num(&b, im->h);
        nb_buf_puts(&b, " ");
        put_num(&b, im->x);
        nb_buf_puts(&b, " ");
        put_num(&b, im->y);
        nb_buf_printf(&b, " cm /%s Do Q\n", name);
    }
    if (ctx->tagged && b.len) {
        /* The seal: an artifact, as the rules are (only the text carries the report). */
        nb_buf tmp = {0};
        nb_buf_puts(&tmp, "/Artifact BMC\n");
        nb_buf_put(&tmp, b.data, b.len);
        nb_buf_puts(&tmp, "EMC\n");
        nb_buf_free(&b);
        b = tmp;
    }
    if (ctx->tagged && page->nrules)
        nb_buf_puts(&b, "/Artifact BMC\n");
    write_rules(&b, page);
    if (ctx->tagged && page->nrules)
        nb_buf_puts(&b, "EMC\n");
    page_marks *marks = ctx->tagged ? &ctx->marks[page - ctx->doc->pages] : NULL;
    int open_tag = -1; /* the sequence open: an element (1-based), 0 an artifact, -1 none */
    text_state ts = {0};
    for (size_t r = 0; r < page->nruns; r++) {
        const nb_run *run = &page->runs[r];
        if (!run->nglyphs)
            continue;
        begin_text(&b, &ts);
        if (marks && run->tag != open_tag)
            open_marked_content(ctx, &b, marks, open_tag, run->tag);
        open_tag = run->tag;
        write_run(ctx, &b, &ts, run, font_of(ctx, run->font), marks);
    }
    if (marks && open_tag >= 0)
        nb_buf_puts(&b, "EMC\n");
    if (ts.in_text)
        nb_buf_puts(&b, "ET\n");
    ctx->bodies[ctx->page].text = b; /* compressed by put_page_content */

    return !broken(ctx);
}

/* Puts the glyphs' codes into a page's content (code_fixup) and compresses it, into
 * body->packed. Done first with the codes the subsets are expected to give (expect_codes),
 * while the fonts are still being made, and again only if a subset gave others. */
static void pack_page(pdf_ctx *ctx, page_body *body)
{
    static const char hex[] = "0123456789ABCDEF";
    unsigned char *d = body->text.data;
    for (size_t i = 0; i < body->nfixups; i++) {
        uint32_t code = body->fixups[i].glyph->code;
        unsigned char *p = d + body->fixups[i].at;
        p[0] = (unsigned char)hex[(code >> 12) & 15];
        p[1] = (unsigned char)hex[(code >> 8) & 15];
        p[2] = (unsigned char)hex[(code >> 4) & 15];
        p[3] = (unsigned char)hex[code & 15];
    }
    struct libdeflate_compressor *z = deflater(ctx, FLATE_DEFAULT);
    size_t bound = z ? libdeflate_zlib_compress_bound(z, body->text.len) : 0;
    if (bound > body->packed_cap) {
        free(body->packed);
        body->packed = malloc(bound);
        body->packed_cap = body->packed ? bound : 0;
    }
    body->packed_len = body->packed ? libdeflate_zlib_compress(z, body->text.data,
                                                               body->text.len, body->packed,
                                                               body->packed_cap) : 0;
}

/* Writes a page's content as pack_page made it (and into the content hash, as put_stream
 * would). */
static void put_page_content(pdf_ctx *ctx, HPDF_Page hp, page_body *body)
{
    HPDF_Dict contents = ((HPDF_PageAttr)hp->attr)->contents;
    if (!contents || !contents->stream)
        return;
    if (!body->packed_len) {
        fail(ctx, "could not compress a stream%s", "");
        return;
    }
    contents->write_fn = write_flate_key;
    hash(ctx, body->text.data, body->text.len);
    set_stream_body(ctx, contents, body->packed, body->packed_len, body->packed_cap); /* takes */
    body->packed = NULL;
    body->packed_len = body->packed_cap = 0;
    nb_buf_free(&body->text);
    free(body->fixups);
    body->fixups = NULL;
    body->nfixups = body->cap_fixups = 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Document parts */

static void write_outline(pdf_ctx *ctx, HPDF_Page *pages)
{
    const nb_doc *doc = ctx->doc;
    HPDF_Outline top = NULL;
    for (size_t i = 0; i < doc->noutline; i++) {
        const nb_outline_entry *e = &doc->outline[i];
        if (!e->title || e->page < 0 || (size_t)e->page >= doc->npages)
            continue;
        HPDF_Binary title = text_string(ctx, e->title);
        if (!title)
            continue;
        HPDF_Outline parent = e->level > 0 ? top : NULL;
        HPDF_Outline o = HPDF_CreateOutline(ctx->pdf, parent, "", NULL);
        if (!o)
            return;
        HPDF_Dict_Add(o, "Title", title);
        HPDF_Dict_RemoveElement(o, "Type"); /* libharu marks items /Outlines; items have none */
        /* [page /XYZ null top null]: keep the reader's horizontal position and zoom. */
        HPDF_Array dest = HPDF_Array_New(ctx->pdf->mmgr);
        HPDF_Array_Add(dest, pages[e->page]);
        HPDF_Array_AddName(dest, "XYZ");
        HPDF_Array_Add(dest, HPDF_Null_New(ctx->pdf->mmgr));
        HPDF_Array_AddNumber(dest, (HPDF_INT32)(e->y + 0.5f));
        HPDF_Array_Add(dest, HPDF_Null_New(ctx->pdf->mmgr));
        HPDF_Dict_Add(o, "Dest", dest);
        if (e->level == 0) {
            HPDF_Outline_SetOpened(o, HPDF_TRUE);
            top = o;
        }
    }
    if (doc->noutline)
        HPDF_SetPageMode(ctx->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
}

static int valid_date(int y, int m, int d)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

static void write_info(pdf_ctx *ctx)
{
    const nb_doc *doc = ctx->doc;
    HPDF_SetInfoAttr(ctx->pdf, HPDF_INFO_PRODUCER, "nianbao");
    hash(ctx, "nianbao", 7);
    HPDF_Dict info = ctx->pdf->info;
    if (!info)
        return;
    if (doc->title && doc->title[0]) {
        HPDF_Binary t = text_string(ctx, doc->title);
        if (t)
            HPDF_Dict_Add(info, "Title", t);
    }
    if (doc->author && doc->author[0]) {
        HPDF_Binary a = text_string(ctx, doc->author);
        if (a)
            HPDF_Dict_Add(info, "Author", a);
    }
    /* The report's date, never the clock: the same report gives the same file. Reports are
     * Chinese, so the time zone is China Standard Time. */
    if (valid_date(doc->year, doc->month, doc->day)) {
        HPDF_Date date = {doc->year, doc->month, doc->day, 0, 0, 0, '+', 8, 0};
        HPDF_SetInfoDateAttr(ctx->pdf, HPDF_INFO_CREATION_DATE, date);
        HPDF_SetInfoDateAttr(ctx->pdf, HPDF_INFO_MOD_DATE, date);
        int ymd[3] = {doc->year, doc->month, doc->day};
        hash(ctx, ymd, sizeof ymd);
    }
}

/* Print preferences keep GB/T 9704 dimensions on paper: no fit-to-page scaling, duplex.
 * PrintScaling is PDF 1.6, Duplex and NumCopies 1.7. PDF/A-1 files keep them too (with their
 * 1.4 header, set by write_archival_parts): ISO 19005-1 has no rule against keys of later
 * PDF versions, a 1.4 reader ignores them, PDFBox Preflight accepts them, and archived copies
 * are printed too. */
static void write_viewer_preferences(pdf_ctx *ctx)
{
    HPDF_Dict vp = HPDF_Dict_New(ctx->pdf->mmgr);
    HPDF_Dict_AddName(vp, "PrintScaling", "None");
    HPDF_Dict_AddName(vp, "Duplex", "DuplexFlipLongEdge");
    /* The window shows the report's title, not the file's name (PDF/UA 7.1). */
    HPDF_Dict_Add(vp, "DisplayDocTitle", HPDF_Boolean_New(ctx->pdf->mmgr, HPDF_TRUE));
    if (ctx->options && ctx->options->copies > 0)
        HPDF_Dict_AddNumber(vp, "NumCopies", ctx->options->copies);
    HPDF_Dict_Add(ctx->pdf->catalog, "ViewerPreferences", vp);
    ctx->pdf->pdf_version = HPDF_VER_17;
}

/* The file identifier: a digest of everything written, so it changes with the content and
 * nothing else (PDF 32000 §14.4). */
static void write_id(pdf_ctx *ctx)
{
    unsigned char digest[16];
    hash_final(&ctx->hash, digest);
    HPDF_Array id = HPDF_Array_New(ctx->pdf->mmgr);
    HPDF_Array_Add(id, HPDF_Binary_New(ctx->pdf->mmgr, digest, 16));
    HPDF_Array_Add(id, HPDF_Binary_New(ctx->pdf->mmgr, digest, 16));
    HPDF_Dict_Add(ctx->pdf->trailer, "ID", id);
}

/* ------------------------------------------------------------------------------------------ */
/* Tagged PDF (PDF 32000 §14.8): the structure tree of nb_doc.tags, whose leaves point at the
 * marked-content sequences write_page numbered (MCIDs), the parent tree that maps them back,
 * and the catalog's /MarkInfo and /Lang. */

/* The elements are written as text: hundreds of small dictionaries built from libharu objects
 * cost a render of the seed 7 % more instructions (an allocation per key and value, a search per
 * key added), written directly 1 %. Each element is an empty libharu dictionary, numbered in
 * the xref as any object, whose write hook (write_raw_body) puts out its keys. */
typedef struct raw_body {
    const nb_buf *text; /* ctx->structure_text */
    size_t off, len;
} raw_body;

static HPDF_STATUS write_raw_body(HPDF_Dict dict, HPDF_Stream out)
{
    const raw_body *r = dict->attr;
    return r && r->len ? HPDF_Stream_Write(out, r->text->data + r->off, (HPDF_UINT)r->len)
                       : HPDF_OK;
}

static unsigned obj_num(HPDF_Dict d) { return d ? d->header.obj_id & 0x00FFFFFFu : 0; }

/* A kid of an element: another element (elem >= 0), or content: MCID `mcid` of page `page`. */
typedef struct kid {
    int elem;
    int page;
    size_t mcid;
} kid;

typedef struct kid_list {
    kid *k;
    size_t n, cap;
} kid_list;

static void add_kid(kid_list *l, kid k)
{
    nb_grow(&l->k, &l->cap, l->n + 1, sizeof *l->k);
    l->k[l->n++] = k;
}

/* The IDTree's keys in the byte order a name tree needs (PDF 32000 §7.9.6). */
typedef struct id_entry {
    char id[24];
    size_t elem;
} id_entry;

static int by_id(const void *a, const void *b)
{
    return strcmp(((const id_entry *)a)->id, ((const id_entry *)b)->id);
}

/* A TH's /ID, short: a document has hundreds of /Headers entries naming them. */
static void element_id(char *out, size_t size, size_t tag) { snprintf(out, size, "h%zu", tag); }

static void put_element_id(nb_buf *b, size_t tag)
{
    nb_buf_put(b, "(h", 2);
    put_uint(b, tag);
    nb_buf_put(b, ")", 1);
}

static void put_table_attributes(nb_buf *b, const nb_tag *t)
{
    int scope = t->kind == NB_TAG_TH && t->scope != NB_SCOPE_NONE;
    if (!scope && t->rowspan <= 1 && t->colspan <= 1 && !t->nheaders)
        return;
    nb_buf_puts(b, "/A<</O/Table");
    if (scope)
        nb_buf_puts(b, t->scope == NB_SCOPE_COLUMN ? "/Scope/Column"
                       : t->scope == NB_SCOPE_ROW  ? "/Scope/Row"
                                                   : "/Scope/Both");
    if (t->rowspan > 1)
        nb_buf_printf(b, "/RowSpan %d", t->rowspan);
    if (t->colspan > 1)
        nb_buf_printf(b, "/ColSpan %d", t->colspan);
    if (t->nheaders) {
        nb_buf_puts(b, "/Headers[");
        for (size_t i = 0; i < t->nheaders; i++)
            put_element_id(b, (size_t)t->headers[i]);
        nb_buf_puts(b, "]");
    }
    nb_buf_puts(b, ">>");
}

/* write_structure's numbering: 0 grouping elements, 1 text blocks and Spans (t NULL), 2 TH,
 * 3 TD. */
static int number_group(const nb_tag *t)
{
    if (!t)
        return 1;
    switch (t->kind) {
    case NB_TAG_H1: case NB_TAG_H2: case NB_TAG_H3: case NB_TAG_H4: case NB_TAG_P:
        return 1;
    case NB_TAG_TH:
        return 2;
    case NB_TAG_TD:
        return 3;
    default:
        return 0;
    }
}

static void write_structure(pdf_ctx *ctx, HPDF_Page *pages)
{
    const nb_doc *doc = ctx->doc;
    if (!ctx->tagged || !doc->ntags)
        return;
    size_t nt = doc->ntags, n = nt + ctx->nspans;
    HPDF_Dict root = new_dict(ctx);
    HPDF_Dict *elems = nb_calloc(n, sizeof *elems);
    kid_list *kids = nb_calloc(n + 1, sizeof *kids); /* kids[0]: the root's; kids[e + 1]: e's */
    int *first_page = nb_malloc(n * sizeof *first_page);
    unsigned char *placed = nb_calloc(n, 1), *named = nb_calloc(n, 1);
    ctx->raw = nb_calloc(n + 1, sizeof *ctx->raw);
    nb_buf *text = &ctx->structure_text;
    id_entry *ids = NULL;
    size_t nids = 0, cap_ids = 0;
    if (!root)
        goto done;
    /* Object numbers, so the order in pdfpack.c's object streams, by kind: the grouping
     * elements, the text blocks and Spans, the THs, the TDs. Dictionaries alike side by side
     * compress into each other: 561 bytes less on the seed than in document order. */
    for (int group = 0; group < 4; group++)
        for (size_t i = 0; i < n; i++)
            if (number_group(i < nt ? &doc->tags[i] : NULL) == group &&
                !(elems[i] = new_dict(ctx)))
                goto done;
    for (size_t i = 0; i < n; i++)
        first_page[i] = -1;
    /* The THs some TD's /Headers names get an /ID; the others need none. */
    for (size_t i = 0; i < nt; i++)
        for (size_t h = 0; h < doc->tags[i].nheaders; h++)
            if (doc->tags[i].headers[h] > 0 && (size_t)doc->tags[i].headers[h] <= nt)
                named[doc->tags[i].headers[h] - 1] = 1;
    /* Kids: the elements in document order under their parents, then every element's content
     * in page order, a Span where its glyph stands in its parent's content. */
    for (size_t i = 0; i < nt; i++) {
        int parent = doc->tags[i].parent > 0 && (size_t)doc->tags[i].parent <= i
                         ? doc->tags[i].parent : 0;
        add_kid(&kids[parent], (kid){(int)i, 0, 0});
    }
    for (size_t p = 0; p < doc->npages; p++) {
        const page_marks *m = &ctx->marks[p];
        for (size_t k = 0; k < m->n; k++) {
            size_t e = (size_t)m->owner[k] - 1;
            if (e >= nt && !placed[e]) {
                placed[e] = 1;
                add_kid(&kids[ctx->spans[e - nt].parent], (kid){(int)e, 0, 0});
            }
            if (first_page[e] < 0)
                first_page[e] = (int)p;
            add_kid(&kids[e + 1], (kid){-1, (int)p, k});
        }
    }
    /* Each element's keys, with no more white space than PDF syntax needs (they are most of
     * what the tags cost), /K a single kid where there is one (PDF 32000 Table 323). */
    for (size_t i = 0; i < n; i++) {
        size_t off = text->len;
        const nb_tag *t = i < nt ? &doc->tags[i] : NULL;
        int parent = t ? (t->parent > 0 && (size_t)t->parent <= i ? t->parent : 0)
                       : ctx->spans[i - nt].parent;
        nb_buf_puts(text, "/S/");
        nb_buf_puts(text, t ? nb_tag_names[t->kind] : "Span");
        nb_buf_puts(text, "/P");
        put_ref(text, obj_num(parent ? elems[parent - 1] : root));
        if (first_page[i] >= 0) {
            nb_buf_puts(text, "/Pg");
            put_ref(text, obj_num(pages[first_page[i]]));
        }
        if (kids[i + 1].n) {
            nb_buf_puts(text, kids[i + 1].n > 1 ? "/K[" : "/K");
            for (size_t k = 0; k < kids[i + 1].n; k++) {
                const kid *c = &kids[i + 1].k[k];
                if (c->elem >= 0) {
                    put_ref(text, obj_num(elems[c->elem]));
                } else if (c->page == first_page[i]) {
                    nb_buf_put(text, " ", 1);
                    put_uint(text, c->mcid);
                } else {
                    nb_buf_puts(text, "<</Type/MCR/Pg");
                    put_ref(text, obj_num(pages[c->page]));
                    nb_buf_puts(text, "/MCID ");
                    put_uint(text, c->mcid);
                    nb_buf_puts(text, ">>");
                }
            }
            if (kids[i + 1].n > 1)
                nb_buf_puts(text, "]");
        }
        if (t && named[i]) {
            nb_grow(&ids, &cap_ids, nids + 1, sizeof *ids);
            element_id(ids[nids].id, sizeof ids[nids].id, i + 1);
            ids[nids].elem = i;
            nb_buf_printf(text, "/ID(%s)", ids[nids++].id);
        }
        if (t)
            put_table_attributes(text, t);
        else {
            nb_buf_puts(text, "/ActualText<FEFF");
            put_utf16(text, ctx->spans[i - nt].text, ctx->spans[i - nt].len, 1);
            nb_buf_puts(text, ">");
        }
        ctx->raw[i + 1] = (raw_body){text, off, text->len - off};
    }
    /* The root: the Document, the parent tree (each page's MCIDs to their elements), the
     * TH ids. */
    size_t off = text->len;
    nb_buf_puts(text, kids[0].n > 1 ? "/Type/StructTreeRoot/K[" : "/Type/StructTreeRoot/K");
    for (size_t k = 0; k < kids[0].n; k++)
        put_ref(text, obj_num(elems[kids[0].k[k].elem]));
    nb_buf_puts(text, kids[0].n > 1 ? "]/ParentTree<</Nums[" : "/ParentTree<</Nums[");
    for (size_t p = 0; p < doc->npages; p++) {
        const page_marks *m = &ctx->marks[p];
        if (p)
            nb_buf_put(text, " ", 1);
        put_uint(text, p);
        nb_buf_puts(text, "[");
        for (size_t k = 0; k < m->n; k++)
            put_ref(text, obj_num(elems[m->owner[k] - 1]));
        nb_buf_puts(text, "]");
    }
    nb_buf_printf(text, "]>>/ParentTreeNextKey %zu", doc->npages);
    if (nids) {
        qsort(ids, nids, sizeof *ids, by_id);
        nb_buf_puts(text, "/IDTree<</Names[");
        for (size_t i = 0; i < nids; i++) {
            nb_buf_printf(text, "(%s)", ids[i].id);
            put_ref(text, obj_num(elems[ids[i].elem]));
        }
        nb_buf_puts(text, "]>>");
    }
    ctx->raw[0] = (raw_body){text, off, text->len - off};
    hash(ctx, text->data, text->len);
    root->attr = &ctx->raw[0];
    root->write_fn = write_raw_body;
    for (size_t i = 0; i < n; i++) {
        elems[i]->attr = &ctx->raw[i + 1];
        elems[i]->write_fn = write_raw_body;
    }
    HPDF_MMgr mmgr = ctx->pdf->mmgr;
    HPDF_Dict_Add(ctx->pdf->catalog, "StructTreeRoot", root);
    HPDF_Dict mark_info = HPDF_Dict_New(mmgr);
    HPDF_Dict_Add(mark_info, "Marked", HPDF_Boolean_New(mmgr, HPDF_TRUE));
    HPDF_Dict_Add(ctx->pdf->catalog, "MarkInfo", mark_info);
    HPDF_Dict_Add(ctx->pdf->catalog, "Lang", HPDF_String_New(mmgr, "zh-CN", NULL));
done:
    for (size_t i = 0; i <= n; i++)
        free(kids[i].k);
    free(kids);
    free(ids);
    free(elems);
    free(first_page);
    free(placed);
    free(named);
}

/* ------------------------------------------------------------------------------------------ */
/* PDF/A-1b (ISO 19005-1 = GB/T 23286.1): XMP metadata repeating the Info dictionary, an sRGB
 * OutputIntent, no transparency, a 1.4 header. The CIDSet of every font descriptor comes from
 * embed_font, the content-derived trailer /ID from write_id. Checked with PDFBox Preflight
 * (scripts/preflight.sh). */

#ifndef NB_SRGB_ICC
#define NB_SRGB_ICC "/usr/share/color/icc/sRGB.icc" /* Debian icc-profiles-free: ICC v2.x */
#endif
#define MAX_ICC_BYTES (1u << 20)

/* Element content: XML-escaped UTF-8. Characters XML 1.0 cannot carry are dropped. */
static void put_xml_text(nb_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            nb_buf_puts(b, "&amp;");
        else if (c == '<')
            nb_buf_puts(b, "&lt;");
        else if (c == '>')
            nb_buf_puts(b, "&gt;");
        else if (c >= 0x20 || c == '\t' || c == '\n')
            nb_buf_put(b, s, 1);
    }
}

/* The XMP packet. Every value repeats its Info twin exactly (PDF/A-1 6.7.3): Title = dc:title,
 * Author = dc:creator, Creator = xmp:CreatorTool, Producer = pdf:Producer, CreationDate and
 * ModDate = xmp:CreateDate and xmp:ModifyDate (the report's date, 00:00 China time, as in
 * write_info). One rdf:Description declares every namespace (RDF allows any number; one
 * costs 100 bytes less than one a schema), and no padding: nothing edits the file in place. */
static void build_xmp(pdf_ctx *ctx, nb_buf *x)
{
    const nb_doc *doc = ctx->doc;
    const char *creator = HPDF_GetInfoAttr(ctx->pdf, HPDF_INFO_CREATOR);
    const char *producer = HPDF_GetInfoAttr(ctx->pdf, HPDF_INFO_PRODUCER);
    int pdfa = ctx->options && ctx->options->pdfa;
    nb_buf_puts(x, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                   "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                   "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
                   "xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" "
                   "xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"");
    if (pdfa)
        nb_buf_puts(x, " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                       "<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n");
    else
        nb_buf_puts(x, ">\n");
    if (doc->title && doc->title[0]) {
        nb_buf_puts(x, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        put_xml_text(x, doc->title);
        nb_buf_puts(x, "</rdf:li></rdf:Alt></dc:title>\n");
    }
    if (doc->author && doc->author[0]) {
        nb_buf_puts(x, "<dc:creator><rdf:Seq><rdf:li>");
        put_xml_text(x, doc->author);
        nb_buf_puts(x, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    if (valid_date(doc->year, doc->month, doc->day)) {
        char date[40];
        snprintf(date, sizeof date, "%04d-%02d-%02dT00:00:00+08:00", doc->year, doc->month,
                 doc->day);
        nb_buf_printf(x, "<xmp:CreateDate>%s</xmp:CreateDate>\n"
                         "<xmp:ModifyDate>%s</xmp:ModifyDate>\n", date, date);
    }
    if (creator) {
        nb_buf_puts(x, "<xmp:CreatorTool>");
        put_xml_text(x, creator);
        nb_buf_puts(x, "</xmp:CreatorTool>\n");
    }
    if (producer) {
        nb_buf_puts(x, "<pdf:Producer>");
        put_xml_text(x, producer);
        nb_buf_puts(x, "</pdf:Producer>\n");
    }
    nb_buf_puts(x, "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
}

/* The metadata stream: never filtered in PDF/A (PDF/A-1 6.7.2), so that tools which do not
 * read PDF find the packet as text; compressed otherwise (PDF 32000 §14.3.2 allows filters,
 * PDF/UA asks only for dc:title in it), 430 bytes less on the seed. */
static int write_xmp(pdf_ctx *ctx)
{
    if (!HPDF_GetInfoAttr(ctx->pdf, HPDF_INFO_CREATOR)) {
        HPDF_SetInfoAttr(ctx->pdf, HPDF_INFO_CREATOR, "nianbao " NIANBAO_VERSION);
        hash(ctx, "nianbao " NIANBAO_VERSION, strlen("nianbao " NIANBAO_VERSION));
    }
    nb_buf x = {0};
    build_xmp(ctx, &x);
    int pdfa = ctx->options && ctx->options->pdfa;
    HPDF_Dict meta = new_stream(ctx, !pdfa);
    if (meta) {
        meta->filter = HPDF_STREAM_FILTER_NONE;
        HPDF_Dict_AddName(meta, "Type", "Metadata");
        HPDF_Dict_AddName(meta, "Subtype", "XML");
        put_stream(ctx, meta, x.data, x.len);
        HPDF_Dict_Add(ctx->pdf->catalog, "Metadata", meta);
    }
    nb_buf_free(&x);
    return meta != NULL && !broken(ctx);
}

/* Reads the sRGB profile and checks that PDF/A-1 can use it: an RGB display or output profile
 * of ICC version 2 (PDF/A-1 6.2.2 allows nothing newer than ICC.1:1998-09). */
static int read_icc(pdf_ctx *ctx, const char *path, nb_buf *icc)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(ctx, "PDF/A needs an sRGB ICC v2 profile and cannot read %s (Debian: "
                  "icc-profiles-free)", path);
        return 0;
    }
    unsigned char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && icc->len <= MAX_ICC_BYTES)
        nb_buf_put(icc, chunk, n);
    fclose(f);
    const unsigned char *h = icc->data;
    if (icc->len < 128 || icc->len > MAX_ICC_BYTES || memcmp(h + 36, "acsp", 4) != 0 ||
        memcmp(h + 16, "RGB ", 4) != 0 ||
        (memcmp(h + 12, "mntr", 4) != 0 && memcmp(h + 12, "prtr", 4) != 0)) {
        fail(ctx, "%s is not an RGB ICC profile", path);
        return 0;
    }
    if (h[8] != 2) {
        nb_buf msg = {0};
        nb_buf_printf(&msg, "%s is an ICC version %u profile; PDF/A-1 needs version 2", path,
                      (unsigned)h[8]);
        fail(ctx, "%s", (const char *)msg.data);
        nb_buf_free(&msg);
        return 0;
    }
    return 1;
}

/* The catalog's /OutputIntents: one GTS_PDFA1 intent with the embedded sRGB profile, so that
 * DeviceGray and DeviceRGB drawing has a defined colour (PDF/A-1 6.2.2, 6.2.3). */
static int write_output_intent(pdf_ctx *ctx)
{
    const char *path = ctx->options->icc_path ? ctx->options->icc_path : NB_SRGB_ICC;
    nb_buf icc = {0};
    if (!read_icc(ctx, path, &icc)) {
        nb_buf_free(&icc);
        return 0;
    }
    HPDF_MMgr mmgr = ctx->pdf->mmgr;
    HPDF_Dict profile = new_stream(ctx, 1);
    HPDF_Dict intent = HPDF_Dict_New(mmgr);
    HPDF_Array intents = HPDF_Array_New(mmgr);
    if (profile && intent && intents) {
        HPDF_Dict_AddNumber(profile, "N", 3);
        HPDF_Dict_AddName(profile, "Alternate", "DeviceRGB");
        put_stream(ctx, profile, icc.data, icc.len);
        HPDF_Dict_AddName(intent, "Type", "OutputIntent");
        HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
        HPDF_Dict_Add(intent, "OutputConditionIdentifier",
                      HPDF_String_New(mmgr, "sRGB IEC61966-2.1", NULL));
        HPDF_Dict_Add(intent, "RegistryName", HPDF_String_New(mmgr, "http://www.color.org", NULL));
        HPDF_Dict_Add(intent, "Info", HPDF_String_New(mmgr, "sRGB IEC61966-2.1", NULL));
        HPDF_Dict_Add(intent, "DestOutputProfile", profile);
        HPDF_Array_Add(intents, intent);
        HPDF_Dict_Add(ctx->pdf->catalog, "OutputIntents", intents);
    }
    nb_buf_free(&icc);
    return profile && intent && intents && !broken(ctx);
}

/* PDF/A: the output intent and the XMP. A tagged PDF has the XMP too, without the PDF/A
 * claim: its title is where accessibility checkers look for it (PDF/UA 7.1). */
static int write_archival_parts(pdf_ctx *ctx)
{
    if (!ctx->options || !ctx->options->pdfa)
        return ctx->tagged ? write_xmp(ctx) : 1;
    ctx->pdf->pdf_version = HPDF_VER_14;
    return write_output_intent(ctx) && write_xmp(ctx);
}

/* ------------------------------------------------------------------------------------------ */

int nb_pdf_write(const nb_doc *doc, const nb_pdf_options *options, nb_buf *out, nb_diags *diags)
{
    pdf_ctx ctx = {0};
    ctx.doc = doc;
    ctx.options = options;
    ctx.diags = diags;
    ctx.tagged = (!options || !options->untagged) && doc->ntags > 0;
    HPDF_Page *pages = NULL;
    font_jobs jobs;
    int jobs_started = 0;
    if (!doc->npages) {
        fail(&ctx, "the document has no pages%s", NULL);
        return NB_EINPUT;
    }
    ctx.pdf = HPDF_New(on_hpdf_error, &ctx);
    if (!ctx.pdf) {
        fail(&ctx, "libharu could not start a document%s", NULL);
        goto done;
    }
    HPDF_SetCompressionMode(ctx.pdf, HPDF_COMP_IMAGE); /* our own streams: put_stream */
    if (broken(&ctx) || !collect_glyphs(&ctx))
        goto done;
    /* The fonts' subsets are made beside everything else (font_jobs): the pages are written
     * with placeholders for the glyphs' codes, put in once the subsets are there. */
    start_font_jobs(&ctx, &jobs);
    jobs_started = 1;
    for (size_t i = 0; i < ctx.nfonts; i++)
        font_objects(&ctx, &ctx.fonts[i]);
    pages = nb_calloc(doc->npages, sizeof *pages);
    ctx.bodies = nb_calloc(doc->npages, sizeof *ctx.bodies);
    if (ctx.tagged)
        ctx.marks = nb_calloc(doc->npages, sizeof *ctx.marks);
    for (ctx.page = 0; ctx.page < doc->npages; ctx.page++)
        if (!write_page(&ctx, &doc->pages[ctx.page], &pages[ctx.page]))
            goto done;
    write_structure(&ctx, pages);
    write_outline(&ctx, pages);
    write_info(&ctx);
    write_viewer_preferences(&ctx);
    if (!write_archival_parts(&ctx))
        goto done;
    help_font_jobs(&ctx, &jobs);
    /* The pages compressed with the codes the subsets should give, while the largest is
     * still being made; again below if one gave others. */
    for (size_t p = 0; p < doc->npages; p++)
        pack_page(&ctx, &ctx.bodies[p]);
    int unexpected = 0;
    for (size_t k = 0, i; k < ctx.nfonts; k++) {
        subset *sub = next_font_result(&ctx, &jobs, &i);
        if (!sub || !finish_font(&ctx, &ctx.fonts[i], sub, &unexpected))
            goto done;
    }
    for (size_t p = 0; unexpected && p < doc->npages; p++)
        pack_page(&ctx, &ctx.bodies[p]);
    for (size_t i = 0; i < ctx.nfonts; i++) {
        unsigned char digest[16];
        hash_final(&ctx.fonts[i].hash, digest);
        hash(&ctx, digest, sizeof digest);
    }
    for (size_t p = 0; p < doc->npages; p++)
        put_page_content(&ctx, pages[p], &ctx.bodies[p]);
    write_id(&ctx);
    if (broken(&ctx))
        goto done;

    /* libharu writes the file straight into out (write_out) instead of its own memory stream,
     * which would be copied out again. */
    size_t start = out->len;
    nb_grow(&out->data, &out->cap, start + ctx.body_bytes + 65536, 1);
    HPDF_Stream sink = HPDF_CallbackWriter_New(ctx.pdf->mmgr, write_out, out);
    if (!sink || broken(&ctx))
        goto done;
    ctx.pdf->stream = sink; /* freed with the document */
    if (HPDF_SaveToStream(ctx.pdf) != HPDF_OK || broken(&ctx)) {
        out->len = start; /* nothing half-written */
        out->data[start] = 0;
        goto done;
    }
    /* PDF 1.5 object and cross-reference streams, except in PDF/A-1 (PDF 1.4) and where a
     * classic table is asked for: 7.8 KB less on the seed report (bench/RESULTS.md). */
    if (!(options && (options->pdfa || options->classic_xref))) {
        nb_buf packed = {0};
        /* The pages' compressor serves when it has the level nb_pdf_pack wants. */
        struct libdeflate_compressor *z =
            flate_levels[FLATE_DEFAULT] == NB_PACK_LEVEL ? deflater(&ctx, FLATE_DEFAULT) : NULL;
        if (nb_pdf_pack_with(out->data + start, out->len - start, z, &packed)) {
            if (start == 0) { /* the usual case: take the new file's buffer */
                nb_buf classic = *out;
                *out = packed;
                packed = classic;
            } else {
                out->len = start;
                nb_buf_put(out, packed.data, packed.len);
            }
        }
        nb_buf_free(&packed);
    }
    nb_buf_put(out, NULL, 0); /* NUL-terminated */

done:
    if (jobs_started)
        end_font_jobs(&ctx, &jobs);
    free(pages);
    for (size_t p = 0; ctx.bodies && p < doc->npages; p++) {
        nb_buf_free(&ctx.bodies[p].text);
        free(ctx.bodies[p].fixups);
        free(ctx.bodies[p].packed);
    }
    free(ctx.bodies);
    for (size_t p = 0; ctx.marks && p < doc->npages; p++)
        free(ctx.marks[p].owner);
    free(ctx.marks);
    free(ctx.spans);
    free(ctx.raw);
    nb_buf_free(&ctx.structure_text);
    for (size_t i = 0; i < ctx.nfonts; i++) {
        free(ctx.fonts[i].slot);
        free(ctx.fonts[i].glyphs);
        free(ctx.fonts[i].gids);
    }
    free(ctx.fonts);
    if (ctx.pdf)
        HPDF_Free(ctx.pdf);
    give_deflaters(&ctx);
    return ctx.failed ? NB_EINPUT : NB_OK;
}
