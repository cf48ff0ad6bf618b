/* A unit test's walk over the sample reports of the source tree (the .yaml and .json files of
 * samples/, NB_SOURCE or the working directory): each is loaded and typeset once with the
 * bundled fonts and layouts, then handed to the test. Header-only, like expect.h. */
#ifndef NB_TEST_SAMPLES_H
#define NB_TEST_SAMPLES_H

#include "access.h"
#include "engine.h"
#include "expect.h"
#include "page.h"
#include "report.h"
#include "typeset.h"
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One typeset sample; everything in it is borrowed for the call. */
typedef struct {
    nb_engine *engine;
    const char *path; /* the sample's file */
    const char *name; /* its file name */
    nb_report *report;
    const nb_doc *doc;
    nb_diags *diags;
} sample_case;

/* Calls each(c, data) for every sample that loads and typesets (one that does not is a test
 * failure). Returns how many were handed over; -1 without an engine or a samples folder. */
static inline int for_each_sample(void (*each)(const sample_case *c, void *data), void *data)
{
    const char *src = getenv("NB_SOURCE");
    char fonts[4096], layouts[4096], samples[4096], words_path[4200];
    snprintf(fonts, sizeof fonts, "%s/fonts", src ? src : ".");
    snprintf(layouts, sizeof layouts, "%s/layouts", src ? src : ".");
    snprintf(samples, sizeof samples, "%s/samples", src ? src : ".");
    snprintf(words_path, sizeof words_path, "%s/title-words.txt", layouts);
    char *error = NULL;
    nb_engine_options eo = {.font_dir = fonts, .layout_dir = layouts};
    nb_engine *e = nb_engine_new(&eo, &error);
    if (!e) {
        fprintf(stderr, "no engine: %s\n", error ? error : "?");
        return -1;
    }
    DIR *dir = opendir(samples);
    if (!dir) {
        fprintf(stderr, "cannot read %s\n", samples);
        nb_engine_free(e);
        return -1;
    }
    size_t words_len;
    char *words = (char *)read_whole_file(words_path, &words_len);
    int handed = 0;
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
            sample_case c = {e, path, de->d_name, r, &doc, d};
            each(&c, data);
            handed++;
        }
        nb_doc_free(&doc);
        nb_report_free(r);
        nb_diags_free(d);
    }
    closedir(dir);
    free(words);
    nb_engine_free(e);
    return handed;
}

#endif
