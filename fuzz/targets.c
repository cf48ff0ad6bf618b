/* The fuzzed entry points: the report loader, the layout loader, and the whole path from text to
 * PDF bytes in memory. Diagnostics are collected and dropped: only crashes, sanitizer reports and
 * leaks are findings. */
#include "targets.h"
#include "diag.h"
#include "import.h"
#include "layout.h"
#include "report.h"
#include "seal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nb_engine *nb_fuzz_engine(void)
{
    char *error = NULL;
    nb_engine_options o = {.font_dir = NB_SOURCE_DATADIR "/fonts",
                           .layout_dir = NB_SOURCE_DATADIR "/layouts"};
    nb_engine *e = nb_engine_new(&o, &error);
    if (!e) {
        fprintf(stderr, "fuzz: no engine: %s\n", error ? error : "?");
        abort();
    }
    return e;
}

int nb_fuzz_report(nb_engine *e, const uint8_t *data, size_t size)
{
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    nb_report_load_memory(e, "fuzz.yaml", (const char *)data, size, &r, d);
    nb_report_free(r);
    nb_diags_free(d);
    return 0;
}

int nb_fuzz_layout(const uint8_t *data, size_t size)
{
    nb_diags *d = nb_diags_new();
    nb_layout *l = NULL;
    /* Named as a file of the layouts folder, so that a `base:` finds the real layouts. */
    if (nb_layout_parse(NB_SOURCE_DATADIR "/layouts/fuzz.yaml", (const char *)data, size, &l, d) ==
        NB_OK)
        nb_layout_free(l);
    nb_diags_free(d);
    return 0;
}

int nb_fuzz_render(nb_engine *e, const uint8_t *data, size_t size)
{
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    if (nb_report_load_memory(e, "fuzz.yaml", (const char *)data, size, &r, d) == NB_OK) {
        nb_check(r, NULL, d);
        nb_render_options o = {.force = 1};
        unsigned char *pdf = NULL;
        size_t len = 0;
        nb_render_memory(e, r, &o, &pdf, &len, d);
        free(pdf);
    }
    nb_report_free(r);
    nb_diags_free(d);
    return 0;
}

typedef int (*import_reader)(const char *, const char *, size_t, nb_import_doc *, nb_diags *);

static int fuzz_import(import_reader read, const uint8_t *data, size_t size)
{
    nb_diags *d = nb_diags_new();
    nb_import_doc doc;
    if (read("fuzz", (const char *)data, size, &doc, d) == NB_OK)
        nb_import_doc_clear(&doc);
    nb_diags_free(d);
    return 0;
}

int nb_fuzz_import_html(const uint8_t *data, size_t size)
{
    return fuzz_import(nb_import_read_html, data, size);
}

int nb_fuzz_import_docx(const uint8_t *data, size_t size)
{
    return fuzz_import(nb_import_read_docx, data, size);
}

int nb_fuzz_import_pdf(const uint8_t *data, size_t size)
{
    return fuzz_import(nb_import_read_pdf, data, size);
}

int nb_fuzz_import_text(nb_engine *e, const uint8_t *data, size_t size)
{
    nb_diags *d = nb_diags_new();
    nb_import_doc doc;
    if (nb_import_read_text("fuzz.txt", (const char *)data, size, &doc, d) == NB_OK) {
        char *yaml = NULL;
        size_t len = 0;
        if (nb_import_recognize(e, &doc, &yaml, &len, NULL, d) == NB_OK) {
            nb_diags *yd = nb_diags_new();
            nb_report *r = NULL;
            nb_report_parse("fuzz.yaml", yaml, len, &r, yd);
            for (size_t i = 0; i < yd->count; i++)
                if (strstr(yd->items[i].message, "invalid YAML") ||
                    strstr(yd->items[i].message, "invalid UTF-8") ||
                    strstr(yd->items[i].message, "is not allowed")) {
                    fprintf(stderr, "fuzz: the recognizer wrote a bad description: %s\n%s\n",
                            yd->items[i].message, yaml);
                    abort();
                }
            nb_report_free(r);
            nb_diags_free(yd);
        }
        free(yaml);
        nb_import_doc_clear(&doc);
    }
    /* The whole path as check takes it: import in memory, positions mapped, then the check. */
    nb_report *r = NULL;
    if (nb_import_load(e, "fuzz.txt", (const char *)data, size, &r, d) == NB_OK)
        nb_check(r, NULL, d);
    nb_report_free(r);
    nb_diags_free(d);
    return 0;
}

int nb_fuzz_seal(const uint8_t *data, size_t size)
{
    nb_raster r;
    char why[256];
    if (nb_raster_decode(data, size, &r, why, sizeof why) == 0) {
        /* Touch every sample, so that a short plane is a sanitizer report. */
        size_t n = (size_t)r.width * r.height, sum = 0;
        for (size_t i = 0; i < n * (size_t)r.components; i++)
            sum += r.pixels[i];
        for (size_t i = 0; r.alpha && i < n; i++)
            sum += r.alpha[i];
        if (r.components != 1 && r.components != 3)
            abort();
        (void)sum;
        nb_raster_free(&r);
    } else if (!why[0]) {
        abort(); /* a refusal always says why */
    }
    return 0;
}
