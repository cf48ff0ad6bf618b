/* Seal images decoded into raw 8-bit samples: the seal_image module (module.h), the only user of
 * libspng and libjpeg, so that a report without a seal starts without them. libharu's own PNG
 * loader hands errors to libpng's
 * abort() and decodes any dimensions it is given (a 1 MB file of 16000 × 16000 pixels took 16 s
 * and 2 GB before it reached the PDF), so it is never used: PNG goes through libspng, which
 * returns every error, and JPEG through libjpeg with its error exit turned into a longjmp back
 * here. Both are told the size limits before they decode a pixel. */
#include "seal.h"
#include "module.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */

#include <jpeglib.h>
#include <spng.h>
#include <zlib.h>
#include <stdlib.h>
#include <string.h>

static void say(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t size, const char *fmt, ...)
{
    if (!size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
}

static int dimensions_ok(unsigned long w, unsigned long h, char *why, size_t size)
{
    if (!w || !h) {
        say(why, size, "it has no pixels");
        return 0;
    }
    if (w > NB_SEAL_MAX_SIDE || h > NB_SEAL_MAX_SIDE) {
        say(why, size, "it is %lu × %lu pixels; at most %u × %u are accepted", w, h,
            NB_SEAL_MAX_SIDE, NB_SEAL_MAX_SIDE);
        return 0;
    }
    return 1;
}

/* Splits w × h RGBA (or grey+alpha kept as RGBA) samples into colour and alpha planes, in place
 * for the colour; drops the alpha plane when every pixel is opaque. Takes ownership of rgba. */
static int split_alpha(unsigned char *rgba, unsigned w, unsigned h, int components,
                       nb_raster *out, char *why, size_t size)
{
    size_t count = (size_t)w * h;
    unsigned char *alpha = malloc(count);
    if (!alpha) {
        free(rgba);
        say(why, size, "not enough memory to decode it");
        return -1;
    }
    int opaque = 1;
    for (size_t i = 0; i < count; i++) {
        const unsigned char *p = rgba + 4 * i;
        unsigned char *q = rgba + (size_t)components * i; /* never ahead of p */
        alpha[i] = p[3];
        opaque &= p[3] == 255;
        if (components == 3) {
            q[0] = p[0];
            q[1] = p[1];
            q[2] = p[2];
        } else {
            q[0] = p[0];
        }
    }
    unsigned char *shrunk = realloc(rgba, count * (size_t)components);
    out->width = w;
    out->height = h;
    out->components = components;
    out->pixels = shrunk ? shrunk : rgba;
    if (opaque) {
        free(alpha);
        alpha = NULL;
    }
    out->alpha = alpha;
    return 0;
}

/* Walks the chunks once before decoding: each must fit in the file with a matching CRC, up to
 * IEND. libspng stops reading once it has the pixels, so a damaged last chunk would pass. */
static int png_chunks_ok(const unsigned char *data, size_t len, char *why, size_t size)
{
    size_t at = 8;
    for (;;) {
        if (len - at < 12) {
            say(why, size, "it is truncated (no IEND chunk)");
            return 0;
        }
        const unsigned char *p = data + at;
        size_t n = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
        if (n > len - at - 12) {
            say(why, size, "it is truncated (a chunk runs past the end of the file)");
            return 0;
        }
        unsigned long want = (unsigned long)p[8 + n] << 24 | (unsigned long)p[9 + n] << 16 |
                             (unsigned long)p[10 + n] << 8 | p[11 + n];
        if (crc32(0L, p + 4, (uInt)(n + 4)) != want) {
            char type[5] = {0};
            for (int i = 0; i < 4; i++)
                type[i] = p[4 + i] >= 0x20 && p[4 + i] < 0x7F ? (char)p[4 + i] : '?';
            say(why, size, "its chunk %s is damaged (wrong CRC)", type);
            return 0;
        }
        if (!memcmp(p + 4, "IEND", 4))
            return 1;
        at += 12 + n;
    }
}

static int decode_png(const unsigned char *data, size_t len, nb_raster *out, char *why,
                      size_t size)
{
    if (!png_chunks_ok(data, len, why, size))
        return -1;
    spng_ctx *ctx = spng_ctx_new(0);
    if (!ctx) {
        say(why, size, "not enough memory to decode it");
        return -1;
    }
    unsigned char *rgba = NULL;
    int rc = -1, err;
    struct spng_ihdr ihdr;
    size_t need = 0;
    /* Limits before anything is read: dimensions, and the size of any one chunk and of all the
     * ancillary chunks kept (text, ICC profiles) together. */
    spng_set_image_limits(ctx, NB_SEAL_MAX_SIDE, NB_SEAL_MAX_SIDE);
    spng_set_chunk_limits(ctx, NB_SEAL_MAX_BYTES, NB_SEAL_MAX_BYTES);
    spng_set_crc_action(ctx, SPNG_CRC_ERROR, SPNG_CRC_DISCARD);
    if ((err = spng_set_png_buffer(ctx, data, len)) != 0 || (err = spng_get_ihdr(ctx, &ihdr)) != 0) {
        if ((err == SPNG_EWIDTH || err == SPNG_EHEIGHT || err == SPNG_EUSER_WIDTH ||
             err == SPNG_EUSER_HEIGHT) && len >= 24 && !memcmp(data + 12, "IHDR", 4)) {
            const unsigned char *d = data + 16; /* IHDR's width and height, big-endian */
            unsigned long w = (unsigned long)d[0] << 24 | (unsigned long)d[1] << 16 |
                              (unsigned long)d[2] << 8 | d[3];
            unsigned long h = (unsigned long)d[4] << 24 | (unsigned long)d[5] << 16 |
                              (unsigned long)d[6] << 8 | d[7];
            if (dimensions_ok(w, h, why, size))
                say(why, size, "its dimensions are out of range");
        } else
            say(why, size, "it is not a valid PNG image (%s)", spng_strerror(err));
        goto done;
    }
    if (!dimensions_ok(ihdr.width, ihdr.height, why, size))
        goto done;
    if ((err = spng_decoded_image_size(ctx, SPNG_FMT_RGBA8, &need)) != 0 ||
        need != (size_t)ihdr.width * ihdr.height * 4) {
        say(why, size, "it is not a valid PNG image (%s)", err ? spng_strerror(err) : "size");
        goto done;
    }
    rgba = malloc(need);
    if (!rgba) {
        say(why, size, "not enough memory to decode it");
        goto done;
    }
    /* RGBA8 covers every colour type and depth: palettes are expanded, 16-bit samples scaled,
     * tRNS turned into alpha, interlaced passes put back together. */
    if ((err = spng_decode_image(ctx, rgba, need, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS)) != 0) {
        say(why, size, "its image data is damaged (%s)", spng_strerror(err));
        goto done;
    }
    int grey = ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE ||
               ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA;
    rc = split_alpha(rgba, ihdr.width, ihdr.height, grey ? 1 : 3, out, why, size);
    rgba = NULL;
done:
    free(rgba);
    spng_ctx_free(ctx);
    return rc;
}

/* libjpeg's error handling: every error, and every warning (a truncated or damaged file only
 * warns, then decodes grey), leaves through this longjmp with the library's message. */
typedef struct jpeg_trap {
    struct jpeg_error_mgr mgr;
    jmp_buf back;
    char message[JMSG_LENGTH_MAX];
} jpeg_trap;

static void jpeg_trap_error(j_common_ptr c)
{
    jpeg_trap *t = (jpeg_trap *)c->err;
    c->err->format_message(c, t->message);
    longjmp(t->back, 1);
}

static void jpeg_trap_message(j_common_ptr c, int level)
{
    if (level < 0) /* a warning: the data is damaged */
        jpeg_trap_error(c);
}

/* A progressive JPEG can hold thousands of tiny scans, each a pass over the whole image. */
#define NB_JPEG_MAX_SCANS 100
static void jpeg_scan_limit(j_common_ptr c)
{
    if (c->is_decompressor && ((j_decompress_ptr)c)->input_scan_number > NB_JPEG_MAX_SCANS) {
        jpeg_trap *t = (jpeg_trap *)c->err;
        snprintf(t->message, sizeof t->message, "more than %d progressive scans",
                 NB_JPEG_MAX_SCANS);
        longjmp(t->back, 1);
    }
}

/* What the decoder fills; reached through a pointer so that nothing set after setjmp lives in a
 * local variable the longjmp could leave stale. */
typedef struct jpeg_job {
    struct jpeg_decompress_struct info;
    jpeg_trap trap;
    struct jpeg_progress_mgr progress;
    unsigned char *pixels;
    unsigned char *row;
    int cmyk;
} jpeg_job;

static int decode_jpeg(const unsigned char *data, size_t len, nb_raster *out, char *why,
                       size_t size)
{
    jpeg_job *job = calloc(1, sizeof *job);
    if (!job) {
        say(why, size, "not enough memory to decode it");
        return -1;
    }
    int rc = -1;
    job->info.err = jpeg_std_error(&job->trap.mgr);
    job->trap.mgr.error_exit = jpeg_trap_error;
    job->trap.mgr.emit_message = jpeg_trap_message;
    if (setjmp(job->trap.back)) {
        say(why, size, "it is not a valid JPEG image (%s)", job->trap.message);
        goto done;
    }
    jpeg_create_decompress(&job->info);
    job->progress.progress_monitor = jpeg_scan_limit;
    job->info.progress = &job->progress;
    job->info.mem->max_memory_to_use = 192L << 20;
    jpeg_mem_src(&job->info, data, (unsigned long)len);
    jpeg_read_header(&job->info, TRUE);
    if (!dimensions_ok(job->info.image_width, job->info.image_height, why, size))
        goto done;
    switch (job->info.jpeg_color_space) {
    case JCS_GRAYSCALE:
        job->info.out_color_space = JCS_GRAYSCALE;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        job->info.out_color_space = JCS_CMYK;
        job->cmyk = 1;
        break;
    default:
        job->info.out_color_space = JCS_RGB;
        break;
    }
    jpeg_start_decompress(&job->info);
    unsigned w = job->info.output_width, h = job->info.output_height;
    int in_comps = job->info.output_components, comps = job->cmyk ? 3 : in_comps;
    if (!dimensions_ok(w, h, why, size))
        goto done;
    job->pixels = malloc((size_t)w * h * (size_t)comps);
    job->row = malloc((size_t)w * (size_t)in_comps);
    if (!job->pixels || !job->row) {
        say(why, size, "not enough memory to decode it");
        goto done;
    }
    while (job->info.output_scanline < h) {
        JSAMPROW rows[1] = {job->row};
        unsigned y = job->info.output_scanline;
        if (jpeg_read_scanlines(&job->info, rows, 1) != 1)
            continue;
        unsigned char *dst = job->pixels + (size_t)y * w * (size_t)comps;
        if (!job->cmyk) {
            memcpy(dst, job->row, (size_t)w * (size_t)comps);
            continue;
        }
        /* Adobe's CMYK JPEGs store the inks inverted (255 = no ink); others store them plain. */
        int inverted = job->info.saw_Adobe_marker;
        for (unsigned x = 0; x < w; x++) {
            const unsigned char *p = job->row + 4 * (size_t)x;
            unsigned k = inverted ? p[3] : 255u - p[3];
            for (int c = 0; c < 3; c++) {
                unsigned ink = inverted ? p[c] : 255u - p[c];
                dst[3 * (size_t)x + (size_t)c] = (unsigned char)((ink * k + 127u) / 255u);
            }
        }
    }
    jpeg_finish_decompress(&job->info);
    out->width = w;
    out->height = h;
    out->components = comps;
    out->pixels = job->pixels;
    out->alpha = NULL;
    job->pixels = NULL;
    rc = 0;
done:
    jpeg_destroy_decompress(&job->info);
    free(job->pixels);
    free(job->row);
    free(job);
    return rc;
}

int nb_mod_raster_decode(const unsigned char *data, size_t size, nb_raster *out, char *why,
                         size_t why_size)
{
    memset(out, 0, sizeof *out);
    say(why, why_size, "%s", "");
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (size > NB_SEAL_MAX_BYTES) {
        say(why, why_size, "it is %zu bytes; at most %u are accepted", size, NB_SEAL_MAX_BYTES);
        return -1;
    }
    if (size >= 8 && memcmp(data, png_sig, 8) == 0)
        return decode_png(data, size, out, why, why_size);
    if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return decode_jpeg(data, size, out, why, why_size);
    say(why, why_size, "it is neither a PNG nor a JPEG image");
    return -1;
}

NB_MODULE_EXPORT(.raster_decode = nb_mod_raster_decode);
