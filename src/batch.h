/* nianbao batch: check and render many reports with one engine and N worker threads. */
#ifndef NB_BATCH_H
#define NB_BATCH_H

#include <stddef.h>

/* `nianbao batch INPUT... -o OUTDIR [-j N] [--names input|agency] [--report FILE.json] [--force]
 * [--check-only]`; argv holds the arguments after "batch". Exit code: 0 every report written (or
 * checked clean), 1 some report had errors, 2 wrong usage or only unreadable inputs failed. */
int nb_cli_batch(int argc, char **argv);

/* Makes a file name that is safe on every common file system from UTF-8 text: / \ : * ? " < > |
 * and control characters become '_', invalid UTF-8 bytes too; leading dots and surrounding
 * spaces (ASCII and U+3000) are dropped, as are trailing dots (Windows); reserved device names
 * (CON, NUL, COM1, …) get a leading '_'; the result plus `suffix` is at most `max` bytes, cut on
 * a character boundary; an empty name becomes "report". Returns a malloc'd string (caller
 * frees) that ends with `suffix`. */
char *nb_safe_file_name(const char *text, size_t len, const char *suffix, size_t max);

#endif
