/* Diagnostics: positions in the input and the findings list behind the public nb_diags. */
#ifndef NB_DIAG_H
#define NB_DIAG_H

#include "nianbao.h"
#include <stdarg.h>
#include <stddef.h>

/* A place in an input file. `file` is borrowed: it points into the string pool of the report
 * (or layout) that the position belongs to, which outlives every diagnostic made from it. */
typedef struct nb_pos {
    const char *file;
    int line, col; /* 1-based; 0 when unknown */
} nb_pos;

typedef struct nb_diag {
    nb_severity severity;
    char *file;     /* owned copy */
    int line, col;
    char *message;  /* owned */
} nb_diag;

struct nb_diags {
    nb_diag *items;
    size_t count, capacity;
    size_t errors;
};

/* printf-style; the message excludes the "file:line:col: error: " prefix. */
void nb_diag_add(nb_diags *d, nb_severity severity, nb_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void nb_diag_addv(nb_diags *d, nb_severity severity, nb_pos pos, const char *fmt, va_list ap);

/* Writes "file:line:col: error: message\n" for every diagnostic. */
void nb_diags_print(const nb_diags *d, void *file /* FILE* */);
/* The same for the errors alone (the command's -q). */
void nb_diags_print_errors(const nb_diags *d, void *file /* FILE* */);
/* Writes the list as a JSON array. */
void nb_diags_print_json(const nb_diags *d, void *file /* FILE* */);

#endif
