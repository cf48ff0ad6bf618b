/* Which label cells of a layout table head columns and which head rows, and which of them apply
 * to a value cell: one rule for the portal page's `scope`/`headers` (html.c) and the tagged
 * PDF's /Scope and /Headers (table.c). */
#ifndef NB_HEADERS_H
#define NB_HEADERS_H

#include "layout.h"

/* Rows without any value slot are column headers for the rows below them, up to the next such
 * run (表二 has one run per block). Owned by the caller: nb_headers_free. */
typedef struct nb_headers {
    const nb_ltable *lt; /* borrowed */
    int *row_has_value;  /* nrows */
    int *run_start;      /* nrows: the first row of the header run governing row r, or -1 */
    int *run_end;        /* nrows: one past its last row */
    int scope_suffices;  /* 1: the Scope reading below gives every value cell its headers */
} nb_headers;

void nb_headers_init(nb_headers *h, const nb_ltable *lt);
void nb_headers_free(nb_headers *h);
/* 1: label `c` heads the columns below it; 0: it heads the rows to its right (or is a value). */
int nb_headers_is_column(const nb_headers *h, const nb_lcell *c);
/* 1: label `header` applies to value cell `v`: a column header of v's header run whose columns
 * cover it, or a row header to its left whose rows cover it. */
int nb_headers_apply(const nb_headers *h, const nb_lcell *header, const nb_lcell *v);
/* `scope_suffices` above: 1 when the scopes alone give every value cell the headers
 * nb_headers_apply gives it, reading the table as a reader without explicit headers (PDF
 * /Headers, HTML headers=) does: a value cell is headed by every column header above it whose
 * columns cover it and every row header left of it whose rows cover it. It fails only where a
 * column header of an earlier run of header rows stands over a value cell's columns (表二's
 * later blocks). */

#endif
