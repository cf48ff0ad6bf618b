/* The PDF writer gives the same bytes whether the fonts are subset on a second thread beside
 * the pages or on the caller's thread alone (nb_pdf_options.threads 2 and 1): every sample
 * report (the .yaml and .json files of samples/) is typeset once and written both ways, tagged
 * and untagged, as PDF/A-1b, with a classic cross-reference table, through hb-subset only, and
 * with a subset cache shared by the writes (the second threaded write finds every subset the
 * first one made), and with a helper thread started before the writes (nb_pdf_helper). The bytes must be equal in each pair, and the tagged pair must differ from
 * the untagged one (so the comparisons are of real, different files). Also through the public
 * API: nb_render_memory with nb_render_options.threads 1 and 2 (the second with the body font's
 * glyphs flattened ahead by the helper, nb_pdf_helper_warm), and a helper stopped while it
 * flattens.
 *
 * usage: unit_pdf_threads */
#include "font.h"
#include "pdf.h"
#include "samples.h"

#include <time.h>

static int same(const nb_buf *a, const nb_buf *b)
{
    return a->len > 0 && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* Writes doc with o at one thread and at two; both must succeed with the same bytes. The
 * one-thread file is left in *out. */
static void write_both(const char *what, const char *path, const nb_doc *doc, nb_pdf_options o,
                       nb_buf *out)
{
    nb_buf two = {0}, helped = {0};
    nb_diags *d1 = nb_diags_new(), *d2 = nb_diags_new();
    o.threads = 1;
    int rc1 = nb_pdf_write(doc, &o, out, d1);
    o.threads = 2;
    int rc2 = nb_pdf_write(doc, &o, &two, d2);
    EXPECT(rc1 == NB_OK && rc2 == NB_OK, "%s, %s: a write failed (%d, %d)", path, what, rc1, rc2);
    EXPECT(same(out, &two), "%s, %s: one thread wrote %zu bytes, two threads %zu, not the same",
           path, what, out->len, two.len);
    EXPECT(nb_diags_count(d1) == nb_diags_count(d2), "%s, %s: %zu and %zu diagnostics", path,
           what, nb_diags_count(d1), nb_diags_count(d2));
    /* With a helper thread started beforehand (as a render starts one before typesetting),
     * used by two writes in turn. */
    nb_pdf_helper *helper = nb_pdf_helper_start(2);
    EXPECT(helper != NULL, "%s, %s: no helper thread", path, what);
    o.helper = helper;
    for (int round = 0; round < 2; round++) {
        EXPECT(nb_pdf_write(doc, &o, &helped, d2) == NB_OK && same(out, &helped),
               "%s, %s: the write %d with a helper thread differs", path, what, round + 1);
        nb_buf_free(&helped);
    }
    nb_pdf_helper_stop(helper);
    nb_buf_free(&two);
    nb_diags_free(d1);
    nb_diags_free(d2);
}

/* Every way of writing one typeset sample, each at one thread and at two. */
static void check_sample(const sample_case *c, void *data)
{
    (void)data;
    const char *path = c->path;
    const nb_doc *doc = c->doc;
    nb_engine *e = c->engine;
    nb_report *r = c->report;
    nb_diags *d = c->diags;
    nb_buf tagged = {0}, untagged = {0}, pdfa = {0}, classic = {0}, hb = {0};
    write_both("tagged", path, doc, (nb_pdf_options){0}, &tagged);
    write_both("untagged", path, doc, (nb_pdf_options){.untagged = 1}, &untagged);
    write_both("PDF/A-1b", path, doc, (nb_pdf_options){.pdfa = 1}, &pdfa);
    write_both("classic xref", path, doc, (nb_pdf_options){.classic_xref = 1}, &classic);
    write_both("hb-subset", path, doc, (nb_pdf_options){.hb_subset_only = 1}, &hb);
    EXPECT(tagged.len && untagged.len && !same(&tagged, &untagged),
           "%s: the tagged and untagged files are the same", path);
    EXPECT(!same(&tagged, &hb), "%s: cff.c and hb-subset wrote the same bytes", path);

    /* A shared cache: the first threaded write makes and offers every subset, the
     * second finds them (a set is kept the second time it is asked for), the third
     * uses them; all equal to the write without a cache. */
    nb_subset_cache *cache = nb_subset_cache_new((size_t)64 << 20);
    nb_pdf_options cached = {.subsets = cache, .threads = 2};
    for (int round = 0; round < 3; round++) {
        nb_buf again = {0};
        nb_diags *d2 = nb_diags_new();
        EXPECT(nb_pdf_write(doc, &cached, &again, d2) == NB_OK && same(&again, &tagged),
               "%s: threaded write %d with a subset cache differs", path, round + 1);
        nb_buf_free(&again);
        nb_diags_free(d2);
    }
    unsigned long hits, misses;
    size_t bytes;
    nb_subset_cache_stats(cache, &hits, &misses, &bytes);
    EXPECT(hits > 0 && misses > 0, "%s: the cache had %lu hits and %lu misses", path,
           hits, misses);
    nb_subset_cache_free(cache);

    /* A helper stopped while it flattens the body font's glyphs ahead (as after a render
     * whose typesetting failed): the stop waits for the glyph in hand, so the cache holding
     * the store can be freed at once (ASan and TSan watch this). Some rounds stop before the
     * helper has begun, some during. */
    const nb_font *body = NULL;
    for (size_t k = 0; !body && k < doc->pages[0].nruns; k++)
        if (doc->pages[0].runs[k].font && doc->pages[0].runs[k].font->is_cff)
            body = doc->pages[0].runs[k].font;
    EXPECT(body != NULL, "%s: no CFF font on the first page", path);
    for (int round = 0; body && round < 20; round++) {
        nb_subset_cache *own = nb_subset_cache_new((size_t)64 << 20);
        nb_pdf_helper *h = nb_pdf_helper_start(2);
        nb_pdf_helper_warm(h, own, body, r->source, r->source_len);
        if (round % 2) {
            struct timespec pause = {0, 200000L * (round % 5)};
            nanosleep(&pause, NULL);
        }
        nb_pdf_helper_stop(h);
        nb_subset_cache_free(own);
    }

    /* Through the public API. */
    nb_render_options ro = {.size = sizeof ro, .force = 1};
    unsigned char *pdf1 = NULL, *pdf2 = NULL;
    size_t n1 = 0, n2 = 0;
    ro.threads = 1;
    int rc1 = nb_render_memory(e, r, &ro, &pdf1, &n1, d);
    ro.threads = 2;
    int rc2 = nb_render_memory(e, r, &ro, &pdf2, &n2, d);
    EXPECT(rc1 == NB_OK && rc2 == NB_OK && n1 > 0 && n1 == n2 &&
               memcmp(pdf1, pdf2, n1) == 0,
           "%s: nb_render_memory with 1 and 2 threads: %zu and %zu bytes, not the same",
           path, n1, n2);
    free(pdf1);
    free(pdf2);
    nb_buf_free(&tagged);
    nb_buf_free(&untagged);
    nb_buf_free(&pdfa);
    nb_buf_free(&classic);
    nb_buf_free(&hb);
}

int main(void)
{
    int rendered = for_each_sample(check_sample, NULL);
    EXPECT(rendered >= 3, "only %d samples rendered", rendered);
    return failures != 0;
}
