/* Diagnostics: positions in the input and the findings list behind the public nb_diags.
 *
 * A finding is a severity, a place, a stable rule id (docs/check.md) and a message; the checker
 * adds what a program needs besides (nb_finding: the table, row and column, the expected and
 * actual values, related places). Messages are written in English or Chinese (nb_diags_set_lang):
 * the English format string is the key into the message table of messages.c, and rule ids and
 * JSON keys are the same in both languages. */
#ifndef NB_DIAG_H
#define NB_DIAG_H

#include "nianbao.h"
#include <stdarg.h>
#include <stddef.h>

struct nb_buf;

/* A place in an input file. `file` is borrowed: it points into the string pool of the report
 * (or layout) that the position belongs to, which outlives every diagnostic made from it. */
typedef struct nb_pos {
    const char *file;
    int line, col; /* 1-based; 0 when unknown */
} nb_pos;

/* A place a finding refers to besides its own: a cell summed, the prose statement. */
typedef struct nb_related {
    nb_pos pos;
    const char *label; /* e.g. "（一）予以公开 / 总计" */
    const char *value; /* as written ("12", "/", "(blank)"); NULL: none */
} nb_related;

/* What nb_diag_finding records besides the message. Every pointer is borrowed for the call
 * (copied); NULL strings and column 0 are left out of the JSON. */
typedef struct nb_finding {
    const char *rule;        /* stable id, e.g. "B3", "blank", "prose.received" */
    nb_severity severity;
    nb_pos pos;
    const char *table, *table_label; /* "applications", "表三" */
    const char *row, *row_label;     /* "total", "（七）总计" */
    int column;                      /* 1-based position of the value in its row; 0: none */
    const char *column_label;        /* "总计" */
    const char *expected, *actual;   /* values as text */
    const nb_related *related;
    size_t nrelated;
    const char *const *layouts;      /* layouts suggested instead (table.shape), or NULL */
    size_t nlayouts;
} nb_finding;

typedef struct nb_diag {
    nb_severity severity;
    char *file;     /* owned copy */
    int line, col;
    char *message;  /* owned */
    char *rule;     /* owned, NULL: "input" (a finding without its own id) */
    char *table, *table_label, *row, *row_label, *column_label, *expected, *actual; /* owned */
    int column;
    nb_related *related; /* owned, with owned file, label and value strings */
    size_t nrelated;
    char **layouts;      /* owned, with owned strings: layouts suggested instead */
    size_t nlayouts;
} nb_diag;

typedef enum { NB_LANG_EN = 0, NB_LANG_ZH = 1 } nb_lang;

struct nb_diags {
    nb_diag *items;
    size_t count, capacity;
    size_t errors;
    nb_lang lang;
    int verbose;    /* notes wanted (check --verbose: every prose statement found) */
};

/* printf-style; the message excludes the "file:line:col: error: " prefix. The format is
 * translated when the list's language has it (messages.c). */
void nb_diag_add(nb_diags *d, nb_severity severity, nb_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void nb_diag_addv(nb_diags *d, nb_severity severity, nb_pos pos, const char *fmt, va_list ap);
/* As nb_diag_add, unless the list already has the same message at the same place: for what
 * both check and a render after it find (a report's font file that cannot be used). */
void nb_diag_add_once(nb_diags *d, nb_severity severity, nb_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with a rule id and structured fields (f->severity and f->pos are used). */
void nb_diag_finding(nb_diags *d, const nb_finding *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The list's language version of an English message format (itself when there is none). The
 * translation takes the same arguments, possibly reordered with %n$ (POSIX). */
const char *nb_tr(const nb_diags *d, const char *english);
/* The message table: the Chinese format of an English one, or NULL. */
const char *nb_msg_zh(const char *english);
/* Every pair of the table, for the test that compares their conversions: NULL past the end. */
const char *nb_msg_pair(size_t i, const char **zh);

/* Writes "file:line:col: error: message\n" for every diagnostic. */
void nb_diags_print(const nb_diags *d, void *file /* FILE* */);
/* The same for the errors alone (the command's -q). */
void nb_diags_print_errors(const nb_diags *d, void *file /* FILE* */);
/* Writes the list as a JSON array (docs/check.schema.json). */
void nb_diags_print_json(const nb_diags *d, void *file /* FILE* */);
/* The same into a buffer; `indent` starts every line after the first (batch nests the array). */
void nb_diags_json(struct nb_buf *out, const nb_diags *d, const char *indent);
/* Appends a copy of every finding of `from` to `to`. */
void nb_diags_append(nb_diags *to, const nb_diags *from);

#endif
