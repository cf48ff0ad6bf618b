/* The public API's side of the file-access policy: a font and a seal passed from memory are used
 * (the PDF embeds that font and draws the seal with its soft mask) and their bytes may be freed
 * at once; bad bytes are refused with a message; a seal outside the report's folder is refused
 * until nb_render_options.allow_dirs names its folder. */
#include "nianbao.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "expect.h"

static void put_chunk(unsigned char *out, size_t *len, const char *type, const unsigned char *d,
                      uint32_t n)
{
    unsigned char *p = out + *len;
    p[0] = (unsigned char)(n >> 24), p[1] = (unsigned char)(n >> 16);
    p[2] = (unsigned char)(n >> 8), p[3] = (unsigned char)n;
    memcpy(p + 4, type, 4);
    if (n)
        memcpy(p + 8, d, n);
    uint32_t crc = (uint32_t)crc32(0, p + 4, n + 4);
    p[8 + n] = (unsigned char)(crc >> 24), p[9 + n] = (unsigned char)(crc >> 16);
    p[10 + n] = (unsigned char)(crc >> 8), p[11 + n] = (unsigned char)crc;
    *len += 12 + n;
}

/* A 2 × 2 RGBA PNG: red, half-transparent red, transparent, red. */
static size_t make_png(unsigned char *out)
{
    static const unsigned char raw[] = {0, 200, 16, 32, 255, 200, 16, 32, 128,
                                        0, 255, 255, 255, 0, 200, 16, 32, 255};
    static const unsigned char ihdr[13] = {0, 0, 0, 2, 0, 0, 0, 2, 8, 6, 0, 0, 0};
    unsigned char z[128];
    uLongf zlen = sizeof z;
    compress(z, &zlen, raw, sizeof raw);
    size_t len = 8;
    memcpy(out, "\x89PNG\r\n\x1a\n", 8);
    put_chunk(out, &len, "IHDR", ihdr, 13);
    put_chunk(out, &len, "IDAT", z, (uint32_t)zlen);
    put_chunk(out, &len, "IEND", NULL, 0);
    return len;
}

static int has_raw(const unsigned char *pdf, size_t n, const char *what)
{
    size_t k = strlen(what);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(pdf + i, what, k))
            return 1;
    return 0;
}

/* `what` in the PDF's bytes or in one of its streams inflated: font names are in the
 * compressed object streams of a plain PDF. */
static int has(const unsigned char *pdf, size_t n, const char *what)
{
    if (has_raw(pdf, n, what))
        return 1;
    static const char mark[] = "stream\r\n";
    size_t cap = 8u << 20;
    unsigned char *out = malloc(cap);
    int found = 0;
    for (size_t i = 0; out && !found && i + sizeof mark - 1 < n; i++) {
        if (memcmp(pdf + i, mark, sizeof mark - 1) != 0)
            continue;
        uLongf out_len = (uLongf)cap;
        uLong in_len = (uLong)(n - i - (sizeof mark - 1));
        if (uncompress2(out, &out_len, pdf + i + sizeof mark - 1, &in_len) == Z_OK)
            found = has_raw(out, out_len, what);
    }
    free(out);
    return found;
}

static int any_message(const nb_diags *d, const char *part)
{
    for (size_t i = 0; i < nb_diags_count(d); i++) {
        const char *msg;
        nb_diags_get(d, i, NULL, NULL, NULL, &msg);
        if (strstr(msg, part))
            return 1;
    }
    return 0;
}

/* The seed report with `extra` (YAML lines) after its signoff line; caller frees. */
static char *seed_with(const char *seed, const char *extra)
{
    const char *at = strstr(seed, "\nsignoff:");
    const char *eol = at ? strchr(at + 1, '\n') : NULL;
    if (!eol)
        return NULL;
    size_t head = (size_t)(eol + 1 - seed);
    char *out = malloc(strlen(seed) + strlen(extra) + 1);
    memcpy(out, seed, head);
    strcpy(out + head, extra);
    strcat(out, eol + 1);
    return out;
}

static int render(nb_engine *e, const char *name, const char *text, const unsigned char *seal,
                  size_t seal_len, const char *const *allow, unsigned char **pdf, size_t *n,
                  nb_diags *d)
{
    nb_report *r = NULL;
    *pdf = NULL;
    *n = 0;
    int rc = nb_report_load_memory(e, name, text, strlen(text), &r, d);
    if (rc != NB_OK)
        return rc;
    if (seal && nb_report_set_seal(r, seal, seal_len) != NB_OK)
        rc = -1;
    nb_render_options o = {.size = sizeof o, .force = 1, .allow_dirs = allow};
    if (rc == NB_OK)
        rc = nb_render_memory(e, r, &o, pdf, n, d);
    nb_report_free(r);
    return rc;
}

int main(void)
{
    const char *src = getenv("NB_SOURCE");
    if (!src)
        src = ".";
    char fonts[1024], layouts[1024], path[1200];
    snprintf(fonts, sizeof fonts, "%s/fonts", src);
    snprintf(layouts, sizeof layouts, "%s/layouts", src);
    char *error = NULL;
    nb_engine_options eo = {sizeof eo, fonts, layouts};
    nb_engine *e = nb_engine_new(&eo, &error);
    if (!e) {
        fprintf(stderr, "no engine: %s\n", error ? error : "?");
        free(error);
        return 1;
    }
    snprintf(path, sizeof path, "%s/samples/seed.yaml", src);
    size_t seed_len = 0;
    char *seed = (char *)read_whole_file(path, &seed_len);
    snprintf(path, sizeof path, "%s/fonts/FandolKai-Regular.otf", src);
    size_t font_len = 0;
    unsigned char *font = read_whole_file(path, &font_len);
    if (!seed || !font) {
        fprintf(stderr, "cannot read the seed report or FandolKai\n");
        return 1;
    }

    /* 1. A font from memory, registered under a name no installed font has; the bytes are freed
     *    before anything uses them. */
    EXPECT(nb_engine_add_font(e, "AgencyKai", font, font_len, &error) == NB_OK,
           "a font from memory was refused: %s", error ? error : "");
    free(error);
    error = NULL;
    memset(font, 0, font_len);
    free(font);
    static const unsigned char junk[64] = "not a font at all";
    EXPECT(nb_engine_add_font(e, "Junk", junk, sizeof junk, &error) == NB_EINPUT && error &&
               strstr(error, "Junk"),
           "junk bytes accepted as a font, or the error does not name it: %s",
           error ? error : "(none)");
    free(error);

    /* 2. A seal from memory, and the memory font for the body: both in the PDF. The report's
     *    folder does not exist: nothing is read from any folder. */
    unsigned char png[256];
    size_t png_len = make_png(png);
    char *text = seed_with(seed, "fonts:\n  body: AgencyKai\n");
    nb_diags *d = nb_diags_new();
    unsigned char *pdf = NULL;
    size_t n = 0;
    int rc = render(e, "/no/such/folder/r.yaml", text, png, png_len, NULL, &pdf, &n, d);
    EXPECT(rc == NB_OK, "render with a font and seal from memory: %d", rc);
    EXPECT(pdf && has(pdf, n, "/SMask") &&
               (has(pdf, n, "/Subtype/Image") || has(pdf, n, "/Subtype /Image")),
           "the seal from memory is not in the PDF");
    EXPECT(pdf && has(pdf, n, "FandolKai"), "the body font from memory is not in the PDF");
    free(pdf);
    free(text);
    nb_diags_free(d);

    /* 3. A bad seal from memory: an error that says so. A report without a signoff takes none. */
    d = nb_diags_new();
    static const unsigned char bad_png[] = "\x89PNG\r\n\x1a\n and then nothing";
    rc = render(e, "r.yaml", seed, bad_png, sizeof bad_png, NULL, &pdf, &n, d);
    EXPECT(rc != NB_OK && !pdf && any_message(d, "cannot use the seal"),
           "a bad seal from memory was not refused: %d", rc);
    nb_diags_free(d);
    d = nb_diags_new();
    char *no_signoff = strdup(seed);
    char *line = strstr(no_signoff, "\nsignoff:");
    if (line)
        line[1] = '#';
    nb_report *r = NULL;
    if (nb_report_load_memory(e, "r.yaml", no_signoff, strlen(no_signoff), &r, d) == NB_OK)
        EXPECT(nb_report_set_seal(r, png, png_len) == NB_EINPUT, "a seal without a signoff");
    nb_report_free(r);
    free(no_signoff);
    nb_diags_free(d);

    /* 4. allow_dirs: a seal in a sibling folder is refused, then allowed. */
    char tmp[] = "/tmp/nb-memory-files.XXXXXX";
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    char a_dir[128], b_dir[128], seal_path[160], report_name[160];
    snprintf(a_dir, sizeof a_dir, "%s/A", tmp);
    snprintf(b_dir, sizeof b_dir, "%s/B", tmp);
    snprintf(seal_path, sizeof seal_path, "%s/seal.png", b_dir);
    snprintf(report_name, sizeof report_name, "%s/r.yaml", a_dir);
    mkdir(a_dir, 0700);
    mkdir(b_dir, 0700);
    FILE *f = fopen(seal_path, "wb");
    if (f) {
        fwrite(png, 1, png_len, f);
        fclose(f);
    }
    text = seed_with(seed, "seal: ../B/seal.png\n");
    d = nb_diags_new();
    rc = render(e, report_name, text, NULL, 0, NULL, &pdf, &n, d);
    EXPECT(rc != NB_OK && any_message(d, "is not inside the report's folder"),
           "a seal in a sibling folder was not refused");
    free(pdf);
    nb_diags_free(d);
    d = nb_diags_new();
    const char *allow[] = {b_dir, NULL};
    rc = render(e, report_name, text, NULL, 0, allow, &pdf, &n, d);
    EXPECT(rc == NB_OK && pdf && has(pdf, n, "/SMask"), "allow_dirs did not allow the seal");
    free(pdf);
    nb_diags_free(d);
    free(text);
    unlink(seal_path);
    rmdir(a_dir);
    rmdir(b_dir);
    rmdir(tmp);

    free(seed);
    nb_engine_free(e);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures != 0;
}
