/* nianbao batch: check and render many reports with one engine and N worker threads. */
#ifndef NB_BATCH_H
#define NB_BATCH_H

#include <stddef.h>

#include "nianbao.h"

/* How every PDF of a run is made: the render options, and the style and fonts that override
 * each report's own (render's and batch's --style and --font). */
#define NB_MAX_FONT_OPTIONS 16
#define NB_MAX_ALLOW_DIRS 16
typedef struct nb_pdf_settings {
    nb_render_options render;
    const char *style;                       /* NULL: the report's own */
    const char *preset;                      /* a font preset ("government"), or NULL */
    const char *fonts[NB_MAX_FONT_OPTIONS];  /* "ROLE=FONT" with a known role, in order given */
    int nfonts;
    const char *allow[NB_MAX_ALLOW_DIRS + 1]; /* --allow-dir folders, NULL-terminated; when
                                               * any, render.allow_dirs points here */
    int nallow;
} nb_pdf_settings;

/* Puts the style and the fonts into a loaded report; the first font given ends up first. */
void nb_pdf_settings_apply(const nb_pdf_settings *settings, nb_report *report);

/* What `nianbao batch` does (src/cli/batch.c fills it from the command line). */
/* What a batch writes for every report (nb_batch_options.formats): both may be asked for. */
enum { NB_BATCH_PDF = 1, NB_BATCH_HTML = 2 };

typedef struct nb_batch_options {
    const char *outdir;      /* the PDFs go here; may be NULL with check_only */
    int formats;             /* NB_BATCH_PDF and/or NB_BATCH_HTML (NAME.html beside NAME.pdf);
                              * 0: the PDF only */
    int html_fragment;       /* the HTML as a fragment for a CMS (NB_OUTPUT_HTML_FRAGMENT) */
    const char *report_path; /* the JSON summary; NULL: OUTDIR/batch-report.json, or
                              * OUTDIR/batch-check.json with check_only */
    const char *summary_path; /* a CSV summary (UTF-8 with BOM), or NULL */
    const char *previous_dir; /* last year's reports, paired with this year's by agency */
    int threads;             /* worker threads; 0: one per core */
    int names_agency;        /* output names from "<agency>-<year>" instead of the input's name */
    int check_only;          /* check, render nothing */
    int recursive;           /* folders: their subfolders too, mirrored below OUTDIR */
    int changed;             /* skip reports whose input and options made the PDF already there */
    int verbosity;           /* -1: errors only, 0: progress, 1: a line per report */
    nb_pdf_settings pdf;     /* every PDF: render options (force: despite errors), style, fonts */
} nb_batch_options;

/* Checks and renders every report of `inputs` (files, folders, "@LIST" manifests). Progress and
 * findings go to stderr, a one-line summary to stdout. Exit code: 0 every report written (or
 * checked clean), 1 some report had errors, 2 only unreadable inputs failed, or the output
 * folder or summary could not be written. */
int nb_batch_run(const nb_batch_options *options, const char *const *inputs, size_t ninputs);

/* Makes a file name that is safe on every common file system from UTF-8 text: / \ : * ? " < > |
 * and control characters become '_', invalid UTF-8 bytes too; leading dots and surrounding
 * spaces (ASCII and U+3000) are dropped, as are trailing dots (Windows); reserved device names
 * (CON, NUL, COM1, …) get a leading '_'; the result plus `suffix` is at most `max` bytes, cut on
 * a character boundary; an empty name becomes "report". Returns a malloc'd string (caller
 * frees) that ends with `suffix`. */
char *nb_safe_file_name(const char *text, size_t len, const char *suffix, size_t max);

#endif
