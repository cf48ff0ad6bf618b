/* Every sample report (the .yaml and .json files of samples/) typeset once and written twice: with its CFF
 * fonts subset by cff.c (as render does) and by hb-subset (nb_pdf_options.hb_subset_only, the
 * path cff.c replaced). Both writes succeed, give different bytes (so cff.c did the work) and
 * each is the same on a second write; with OUT_DIR the pairs are saved as FILE.pdf and
 * FILE.hb.pdf (FILE: the sample's file name) for tests/cff_samples.sh, which compares their text, fonts and 80 dpi pixels.
 *
 * usage: unit_cff_samples [OUT_DIR] */
#include "access.h"
#include "engine.h"
#include "expect.h"
#include "page.h"
#include "pdf.h"
#include "report.h"
#include "typeset.h"
#include "util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    nb_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        nb_buf_put(&b, chunk, n);
    fclose(f);
    nb_buf_put(&b, "", 0);
    return (char *)b.data;
}

static int save(const char *path, const nb_buf *b)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    if (f && fclose(f) != 0)
        ok = 0;
    EXPECT(ok, "cannot write %s", path);
    return ok;
}

int main(int argc, char **argv)
{
    const char *src = getenv("NB_SOURCE");
    const char *out_dir = argc > 1 ? argv[1] : NULL;
    char fonts[4096], layouts[4096], samples[4096], words_path[4200];
    snprintf(fonts, sizeof fonts, "%s/fonts", src ? src : ".");
    snprintf(layouts, sizeof layouts, "%s/layouts", src ? src : ".");
    snprintf(samples, sizeof samples, "%s/samples", src ? src : ".");
    snprintf(words_path, sizeof words_path, "%s/title-words.txt", layouts);
    char *error = NULL;
    nb_engine_options o = {.font_dir = fonts, .layout_dir = layouts};
    nb_engine *e = nb_engine_new(&o, &error);
    if (!e) {
        fprintf(stderr, "no engine: %s\n", error ? error : "?");
        return 1;
    }
    char *words = read_text(words_path);
    DIR *dir = opendir(samples);
    if (!dir) {
        fprintf(stderr, "cannot read %s\n", samples);
        return 1;
    }
    int rendered = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || (strcmp(de->d_name + l - 5, ".yaml") && strcmp(de->d_name + l - 5, ".json")))
            continue;
        char path[8300];
        snprintf(path, sizeof path, "%s/%s", samples, de->d_name);
        nb_diags *d = nb_diags_new();
        nb_report *r = NULL;
        nb_doc doc = {0};
        int rc = nb_report_load_file(e, path, &r, d);
        EXPECT(rc == NB_OK, "%s does not load", path);
        if (rc == NB_OK) {
            nb_access access;
            nb_access_init(&access, r->file, NULL, fonts);
            rc = nb_typeset(r, nb_engine_fonts(e), words, &access, NULL, &doc, d);
            nb_access_free(&access);
            EXPECT(rc == NB_OK, "%s does not typeset", path);
        }
        if (rc == NB_OK) {
            nb_buf own = {0}, hb = {0}, again = {0};
            nb_pdf_options cff_path = {0}, hb_path = {.hb_subset_only = 1};
            EXPECT(nb_pdf_write(&doc, &cff_path, &own, d) == NB_OK &&
                       nb_pdf_write(&doc, &hb_path, &hb, d) == NB_OK,
                   "%s: a write failed", path);
            EXPECT(own.len && hb.len && (own.len != hb.len || memcmp(own.data, hb.data, own.len)),
                   "%s: cff.c and hb-subset wrote the same bytes: is cff.c used?", path);
            EXPECT(nb_pdf_write(&doc, &cff_path, &again, d) == NB_OK && again.len == own.len &&
                       memcmp(again.data, own.data, own.len) == 0,
                   "%s: a second write differs", path);
            if (out_dir) {
                char name[8400];
                snprintf(name, sizeof name, "%s/%s.pdf", out_dir, de->d_name);
                save(name, &own);
                snprintf(name, sizeof name, "%s/%s.hb.pdf", out_dir, de->d_name);
                save(name, &hb);
            }
            rendered++;
            nb_buf_free(&own);
            nb_buf_free(&hb);
            nb_buf_free(&again);
        }
        nb_doc_free(&doc);
        nb_report_free(r);
        nb_diags_free(d);
    }
    closedir(dir);
    free(words);
    nb_engine_free(e);
    EXPECT(rendered >= 3, "only %d samples rendered", rendered);
    return failures != 0;
}
