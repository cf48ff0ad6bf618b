/* Every sample report (the .yaml and .json files of samples/) typeset once and written twice: with its CFF
 * fonts subset by cff.c (as render does) and by hb-subset (nb_pdf_options.hb_subset_only, the
 * path cff.c replaced). Both writes succeed, give different bytes (so cff.c did the work) and
 * each is the same on a second write; with OUT_DIR the pairs are saved as FILE.pdf and
 * FILE.hb.pdf (FILE: the sample's file name) for tests/cff_samples.sh, which compares their text, fonts and 80 dpi pixels.
 *
 * usage: unit_cff_samples [OUT_DIR] */
#include "pdf.h"
#include "samples.h"

static int save(const char *path, const nb_buf *b)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    if (f && fclose(f) != 0)
        ok = 0;
    EXPECT(ok, "cannot write %s", path);
    return ok;
}

/* One typeset sample written by both subsetters; data: the folder to save them in, or NULL. */
static void check_sample(const sample_case *c, void *data)
{
    const char *out_dir = data;
    const char *path = c->path;
    nb_diags *d = c->diags;
    nb_buf own = {0}, hb = {0}, again = {0};
    nb_pdf_options cff_path = {0}, hb_path = {.hb_subset_only = 1};
    EXPECT(nb_pdf_write(c->doc, &cff_path, &own, d) == NB_OK &&
               nb_pdf_write(c->doc, &hb_path, &hb, d) == NB_OK,
           "%s: a write failed", path);
    EXPECT(own.len && hb.len && (own.len != hb.len || memcmp(own.data, hb.data, own.len)),
           "%s: cff.c and hb-subset wrote the same bytes: is cff.c used?", path);
    EXPECT(nb_pdf_write(c->doc, &cff_path, &again, d) == NB_OK && again.len == own.len &&
               memcmp(again.data, own.data, own.len) == 0,
           "%s: a second write differs", path);
    if (out_dir) {
        char name[8400];
        snprintf(name, sizeof name, "%s/%s.pdf", out_dir, c->name);
        save(name, &own);
        snprintf(name, sizeof name, "%s/%s.hb.pdf", out_dir, c->name);
        save(name, &hb);
    }
    nb_buf_free(&own);
    nb_buf_free(&hb);
    nb_buf_free(&again);
}

int main(int argc, char **argv)
{
    int rendered = for_each_sample(check_sample, argc > 1 ? argv[1] : NULL);
    EXPECT(rendered >= 3, "only %d samples rendered", rendered);
    return failures != 0;
}
