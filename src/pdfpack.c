/* Object streams and a cross-reference stream over libharu's output (see pdfpack.h). The input
 * is our own, written by libharu 2.3.0 in a fixed shape, so this is no general PDF parser: the
 * cross-reference table gives where each object starts, the next start where it ends, and a
 * stream's data is found from its end and its /Length object, never by scanning binary data.
 * Anything not in that shape makes nb_pdf_pack decline, and the classic file is kept.
 *
 * On the seed report the small objects (fonts' dictionaries, pages, outline, info) are about
 * 9 KB of text, and the stream lengths and the 20-byte table entries 2.7 KB more: in one
 * compressed object stream they take 1.6 KB (bench/RESULTS.md). */
#include "pdfpack.h"

#include <libdeflate.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of objects per object stream: a reader inflates a whole stream to get one object, so
 * large documents get several; a report's few hundred objects (30 KB in the seed) go into
 * one: 977 bytes less than in four of 100 objects each. */
#define PACK_STREAM_BYTES 65536
/* Deflate level of the object and cross-reference streams (NB_PACK_LEVEL): 12 saves 40 bytes
 * on the seed and costs 0.5 G instructions on a 600-page report (bench/RESULTS.md). */
#define PACK_LEVEL NB_PACK_LEVEL

enum obj_kind { OBJ_FREE, OBJ_SMALL, OBJ_STREAM, OBJ_LENGTH };

typedef struct pack_obj {
    enum obj_kind kind;
    size_t start, end;        /* the object's value: after "N 0 obj\n", before "\nendobj\n" */
    size_t dict_rest;         /* streams: where the dictionary goes on after the /Length line */
    size_t data, data_len;    /* streams: the data */
    size_t length_obj;        /* streams: the object holding /Length */
    size_t offset;            /* in the new file (streams), or index in its object stream */
    size_t in_stream;         /* small objects: the object stream's number */
} pack_obj;

typedef struct span_ord {
    size_t offset, num;
} span_ord;

static int cmp_span(const void *a, const void *b)
{
    const span_ord *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Reads decimal digits at s[*p..end); returns 0 if there are none or too many. */
static int read_uint(const unsigned char *s, size_t end, size_t *p, size_t *value)
{
    size_t v = 0, start = *p;
    while (*p < end && s[*p] >= '0' && s[*p] <= '9') {
        if (*p - start >= 15)
            return 0;
        v = v * 10 + (size_t)(s[*p] - '0');
        (*p)++;
    }
    *value = v;
    return *p > start;
}

static int has(const unsigned char *s, size_t end, size_t p, const char *lit)
{
    size_t n = strlen(lit);
    return p <= end && end - p >= n && memcmp(s + p, lit, n) == 0;
}

static void put_be(unsigned char *p, size_t v, int width)
{
    for (int i = width - 1; i >= 0; i--)
        *p++ = (unsigned char)(v >> (8 * i));
}

/* `v` in decimal at `p` (at least 20 bytes); returns the digits written. Written by hand: with
 * snprintf for each object's number and offset, the formatting was a sixth of this file's
 * instructions. */
static size_t put_decimal(char *p, size_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return n;
}

/* Appends `v` in decimal and then `after` (a literal). */
static void put_uint(nb_buf *out, size_t v, const char *after)
{
    char s[20];
    nb_buf_put(out, s, put_decimal(s, v));
    nb_buf_puts(out, after);
}

/* Compresses `data` and appends "N 0 obj\n<< dict /Filter /FlateDecode /Length n >>\nstream
 * ... endobj" to out. */
static int put_compressed(nb_buf *out, struct libdeflate_compressor *z, size_t num,
                          const char *dict, const nb_buf *data)
{
    size_t bound = libdeflate_zlib_compress_bound(z, data->len);
    unsigned char *packed = malloc(bound ? bound : 1);
    size_t n = packed ? libdeflate_zlib_compress(z, data->data, data->len, packed, bound) : 0;
    if (!n) {
        free(packed);
        return 0;
    }
    put_uint(out, num, " 0 obj\n<<");
    nb_buf_puts(out, dict);
    nb_buf_puts(out, "/Filter /FlateDecode /Length ");
    put_uint(out, n, ">>\nstream\r\n");
    nb_buf_put(out, packed, n);
    nb_buf_puts(out, "\nendstream\nendobj\n");
    free(packed);
    return 1;
}

/* Appends the rest of a stream's dictionary (libharu writes one key a line) with no more white
 * space than PDF syntax needs: a space only between two tokens that would otherwise run into
 * each other. Only for names, numbers, references and arrays of them; anything else (a string,
 * a nested dictionary) is copied as it is. 7 KB on a 600-page report, a byte or ten a stream. */
static void put_compact(nb_buf *out, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == ' ' || c == '\n' || c == '/' || c == '.' || c == '-' || c == '+' ||
              c == '_' || c == '[' || c == ']')) {
            nb_buf_puts(out, "\n");
            nb_buf_put(out, p, n);
            return;
        }
    }
    unsigned char last = '0'; /* what came before: "<</Length N" ends in a digit */
    size_t i = 0;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == '\n'))
            i++;
        size_t j = i;
        while (j < n && p[j] != ' ' && p[j] != '\n' && (j == i || (p[j] != '/' && p[j] != '[' &&
                                                                    p[j] != ']')))
            j++;
        if (j == i)
            break;
        int delimited = p[i] == '/' || p[i] == '[' || p[i] == ']' || last == '[' || last == ']';
        if (!delimited)
            nb_buf_put(out, " ", 1);
        nb_buf_put(out, p + i, j - i);
        last = p[j - 1];
        i = j;
    }
}

/* Finds the objects of the classic file; returns the number of table entries, or 0. */
static size_t read_table(const unsigned char *s, size_t len, size_t *xref_at, pack_obj **objs,
                         size_t *trailer, size_t *trailer_end)
{
    /* "startxref\n<offset>\n%%EOF\n" at the very end. */
    size_t tail = len > 64 ? len - 64 : 0, at = SIZE_MAX;
    for (size_t i = tail; i + 9 <= len; i++)
        if (memcmp(s + i, "startxref", 9) == 0)
            at = i;
    size_t p = at + 10, x;
    if (at == SIZE_MAX || !has(s, len, at, "startxref\n") || !read_uint(s, len, &p, &x) ||
        !has(s, len, p, "\n%%EOF"))
        return 0;
    p = x;
    size_t count;
    if (!has(s, len, p, "xref\n0 ") || (p += 7, !read_uint(s, len, &p, &count)) ||
        !has(s, len, p, "\n") || count < 2)
        return 0;
    p++;
    if (count > (len - p) / 20 || !has(s, len, p, "0000000000 65535 f\r\n"))
        return 0;
    pack_obj *o = nb_calloc(count, sizeof *o);
    for (size_t i = 1; i < count; i++) {
        const unsigned char *e = s + p + 20 * i;
        size_t q = 0, off;
        if (!read_uint(e, 10, &q, &off) || q != 10 || memcmp(e + 10, " 00000 n\r\n", 10) != 0 ||
            off >= x) {
            free(o);
            return 0;
        }
        o[i].start = off;
    }
    p += 20 * count;
    if (!has(s, len, p, "trailer\n<<\n")) {
        free(o);
        return 0;
    }
    *trailer = p + 11;
    size_t end = *trailer;
    while (end < at && !has(s, len, end, ">>\nstartxref\n"))
        end++;
    if (end >= at) {
        free(o);
        return 0;
    }
    *trailer_end = end;
    *xref_at = x;
    *objs = o;
    return count;
}

/* Bounds of every object and, for streams, their parts; marks the /Length objects. */
static int read_objects(const unsigned char *s, size_t xref_at, pack_obj *o, size_t count,
                        size_t *header_end)
{
    span_ord *ord = nb_malloc((count - 1) * sizeof *ord);
    for (size_t i = 1; i < count; i++)
        ord[i - 1] = (span_ord){o[i].start, i};
    qsort(ord, count - 1, sizeof *ord, cmp_span);
    int ok = 1;
    *header_end = ord[0].offset;
    for (size_t k = 0; ok && k + 1 < count; k++) {
        size_t num = ord[k].num, start = ord[k].offset;
        size_t end = k + 2 < count ? ord[k + 1].offset : xref_at;
        char head[32];
        size_t n = put_decimal(head, num);
        memcpy(head + n, " 0 obj\n", 8);
        n += 7;
        if (end <= start || !has(s, end, start, head) || end - start < n + 8 ||
            memcmp(s + end - 8, "\nendobj\n", 8) != 0) {
            ok = 0;
            break;
        }
        o[num].start = start + n;
        o[num].end = end - 8;
        o[num].kind = OBJ_SMALL;
    }
    /* Streams: "<<\n/Length L 0 R\n" ... ">>\nstream\r\n" data "\nendstream". */
    for (size_t i = 1; ok && i < count; i++) {
        pack_obj *b = &o[i];
        if (b->end - b->start < 10 || memcmp(s + b->end - 10, "\nendstream", 10) != 0)
            continue;
        size_t p = b->start + 11, len_obj, data_len;
        if (!has(s, b->end, b->start, "<<\n/Length ") || !read_uint(s, b->end, &p, &len_obj) ||
            !has(s, b->end, p, " 0 R\n") || len_obj == 0 || len_obj >= count ||
            o[len_obj].kind != OBJ_SMALL) {
            ok = 0;
            break;
        }
        b->dict_rest = p + 5;
        size_t q = o[len_obj].start;
        if (!read_uint(s, o[len_obj].end, &q, &data_len) || q != o[len_obj].end ||
            data_len > b->end - 10 - b->dict_rest ||
            b->end - 10 - data_len - b->dict_rest < 11 ||
            memcmp(s + b->end - 10 - data_len - 11, ">>\nstream\r\n", 11) != 0) {
            ok = 0;
            break;
        }
        b->kind = OBJ_STREAM;
        b->data = b->end - 10 - data_len;
        b->data_len = data_len;
        b->length_obj = len_obj;
    }
    for (size_t i = 1; ok && i < count; i++)
        if (o[i].kind == OBJ_STREAM) {
            if (o[o[i].length_obj].kind != OBJ_SMALL)
                ok = 0; /* a stream, or the length of two streams */
            else
                o[o[i].length_obj].kind = OBJ_LENGTH;
        }
    free(ord);
    return ok;
}

/* The trailer's keys but /Size, one a line as libharu writes them; 0 for keys an update or
 * encryption would bring (never written by us). */
static int trailer_keys(const unsigned char *s, size_t from, size_t to, nb_buf *keys)
{
    size_t p = from;
    while (p < to) {
        const unsigned char *nl = memchr(s + p, '\n', to - p);
        size_t e = nl ? (size_t)(nl - s) : to;
        if (s[p] != '/' || has(s, e, p, "/Prev") || has(s, e, p, "/Encrypt") ||
            has(s, e, p, "/XRefStm"))
            return 0;
        if (!has(s, e, p, "/Size ")) {
            nb_buf_puts(keys, " ");
            nb_buf_put(keys, s + p, e - p);
        }
        p = e + 1;
    }
    return 1;
}

int nb_pdf_pack(const unsigned char *s, size_t len, nb_buf *result)
{
    return nb_pdf_pack_with(s, len, NULL, result);
}

int nb_pdf_pack_with(const unsigned char *s, size_t len, struct libdeflate_compressor *given,
                     nb_buf *result)
{
    pack_obj *o = NULL;
    size_t xref_at, trailer, trailer_end, header_end;
    size_t count = read_table(s, len, &xref_at, &o, &trailer, &trailer_end);
    if (!count)
        return 0;
    /* The new file is written straight after what `result` holds (base); it is nearly always
     * smaller than the classic one, so one allocation usually holds it. */
    nb_buf *out = result, keys = {0}, chunk = {0}, index = {0}, rows = {0};
    size_t base = result->len;
    struct libdeflate_compressor *z = NULL;
    int ok = read_objects(s, xref_at, o, count, &header_end) &&
             trailer_keys(s, trailer, trailer_end, &keys) && header_end >= 9 &&
             has(s, len, 0, "%PDF-1.") && s[7] >= '5' && s[7] <= '9';
    if (ok)
        ok = (z = given ? given : libdeflate_alloc_compressor(PACK_LEVEL)) != NULL;
    if (!ok)
        goto done;
    nb_grow(&out->data, &out->cap, base + len + 1, 1);

    /* The header and its binary comment, then the streams with direct lengths. */
    nb_buf_put(out, s, header_end);
    for (size_t i = 1; i < count; i++) {
        pack_obj *b = &o[i];
        if (b->kind != OBJ_STREAM)
            continue;
        b->offset = (out->len - base);
        put_uint(out, i, " 0 obj\n<</Length ");
        put_uint(out, b->data_len, "");
        put_compact(out, s + b->dict_rest, b->data - 11 - b->dict_rest);
        nb_buf_puts(out, ">>\nstream\r\n");
        nb_buf_put(out, s + b->data, b->data_len);
        nb_buf_puts(out, "\nendstream\nendobj\n");
    }

    /* The other objects, PACK_STREAM_BYTES or a little more to an object stream, numbered after
     * the last object. */
    size_t next_num = count, in_chunk = 0;
    for (size_t i = 1; ok && i <= count; i++) {
        if (i < count && o[i].kind == OBJ_SMALL) {
            put_uint(&index, i, " ");
            put_uint(&index, chunk.len, " ");
            nb_buf_put(&chunk, s + o[i].start, o[i].end - o[i].start);
            nb_buf_puts(&chunk, "\n");
            o[i].in_stream = next_num;
            o[i].offset = in_chunk++;
        }
        if (in_chunk && (chunk.len >= PACK_STREAM_BYTES || i == count)) {
            char dict[96];
            snprintf(dict, sizeof dict, "/Type /ObjStm /N %zu /First %zu ", in_chunk, index.len);
            nb_buf_put(&index, chunk.data, chunk.len);
            o = nb_realloc(o, (next_num + 1) * sizeof *o);
            o[next_num] = (pack_obj){.kind = OBJ_STREAM, .offset = (out->len - base)};
            ok = put_compressed(out, z, next_num, dict, &index);
            next_num++;
            index.len = chunk.len = 0;
            in_chunk = 0;
        }
    }
    if (!ok)
        goto done;

    /* The cross-reference stream, the last object: type 0 (free: object 0 and the former
     * lengths, linked), 1 (offset) or 2 (object stream, index), with the PNG Up predictor. */
    size_t size = next_num + 1, xref_offset = (out->len - base);
    o = nb_realloc(o, size * sizeof *o);
    o[next_num] = (pack_obj){.kind = OBJ_STREAM, .offset = xref_offset};
    size_t largest = xref_offset > size ? xref_offset : size;
    int w2 = 1;
    while (w2 < 8 && (largest >> (8 * w2)) != 0)
        w2++;
    size_t columns = 1 + (size_t)w2 + 2;
    unsigned char *prev = nb_calloc(columns, 1), *row = nb_malloc(columns);
    size_t *next_free = nb_malloc(size * sizeof *next_free), last_free = 0;
    for (size_t i = size; i-- > 0;) {
        next_free[i] = last_free;
        if (i > 0 && o[i].kind == OBJ_LENGTH)
            last_free = i;
    }
    next_free[0] = last_free;
    for (size_t i = 0; i < size; i++) {
        if (i == 0) {
            put_be(row, 0, 1), put_be(row + 1, next_free[0], w2), put_be(row + 1 + w2, 65535, 2);
        } else if (o[i].kind == OBJ_LENGTH || o[i].kind == OBJ_FREE) {
            put_be(row, 0, 1), put_be(row + 1, next_free[i], w2), put_be(row + 1 + w2, 1, 2);
        } else if (o[i].kind == OBJ_STREAM) {
            put_be(row, 1, 1), put_be(row + 1, o[i].offset, w2), put_be(row + 1 + w2, 0, 2);
        } else {
            put_be(row, 2, 1), put_be(row + 1, o[i].in_stream, w2);
            put_be(row + 1 + w2, o[i].offset, 2);
        }
        unsigned char line[1 + 11];
        line[0] = 2; /* PNG Up */
        for (size_t c = 0; c < columns; c++)
            line[1 + c] = (unsigned char)(row[c] - prev[c]);
        nb_buf_put(&rows, line, 1 + columns);
        memcpy(prev, row, columns);
    }
    free(prev);
    free(row);
    free(next_free);
    nb_buf dict = {0};
    nb_buf_printf(&dict, "/Type /XRef /Size %zu /W [1 %d 2]", size, w2);
    nb_buf_put(&dict, keys.data, keys.len);
    nb_buf_printf(&dict, " /DecodeParms <</Columns %zu /Predictor 12>> ", columns);
    ok = put_compressed(out, z, next_num, (const char *)dict.data, &rows);
    nb_buf_free(&dict);
    if (ok)
        nb_buf_printf(out, "startxref\n%zu\n%%%%EOF\n", xref_offset);

done:
    if (z && z != given)
        libdeflate_free_compressor(z);
    free(o);
    if (!ok && result->data) {
        result->len = base;
        result->data[base] = 0;
    }
    nb_buf_free(&keys);
    nb_buf_free(&chunk);
    nb_buf_free(&index);
    nb_buf_free(&rows);
    return ok;
}
