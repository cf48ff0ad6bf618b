/* nianbao batch: check and render many reports with one engine and N worker threads. */
#ifndef NB_BATCH_H
#define NB_BATCH_H

#include <stddef.h>

/* What `nianbao batch` does (src/cli/batch.c fills it from the command line). */
typedef struct nb_batch_options {
    const char *outdir;      /* the PDFs go here; may be NULL with check_only */
    const char *report_path; /* the JSON summary; NULL: OUTDIR/batch-report.json */
    int threads;             /* worker threads; 0: one per core */
    int names_agency;        /* output names from "<agency>-<year>" instead of the input's name */
    int force;               /* write PDFs despite errors */
    int check_only;          /* check, render nothing */
    int verbosity;           /* -1: errors only, 0: progress, 1: a line per report */
    const char *const *allow_dirs; /* NULL-terminated folders the reports may name files in,
                                      besides their own (borrowed); NULL: none */
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
