/* A layout rule's equation (勾稽关系), e.g. "total = disclosed + partial - x + previous(y)":
 * parsed into the rule's refs, each ref checked against the table it belongs to, resolved to
 * group indexes or positions inside a group (the *_ix arrays of nb_rule), and written again
 * when a variant drops a column. The layout file grammar around a rule (id, per, rows,
 * severity) is layout.c; check.c evaluates resolved rules on a report's values.
 * The grammar: docs/layouts.md. */
#ifndef NB_RULE_EXPR_H
#define NB_RULE_EXPR_H

#include "diag.h"
#include "layout.h"
#include <stddef.h>

/* Where an equation's text stands in its file, to give each term its position. */
typedef struct nb_rule_src {
    nb_pos at;     /* the text as a whole (errors about the whole equation) */
    int first_col; /* column of the text's first character when it is on one line; 0: it spans
                    * lines, and every term is placed at `at` */
} nb_rule_src;

/* Parses the equation r->check into r's refs (total, parts, minus, previous, cross_year) and
 * checks each against table t: r->id, r->per_column and, for a per-row rule, r->rows_ix are set
 * first. Refs are kept even after errors, for nb_rule_free. Returns the number of errors
 * added to d (0: the rule is sound; then call nb_rule_resolve). */
size_t nb_rule_parse(const nb_ltable *t, nb_rule *r, nb_rule_src src, nb_diags *d);

/* (Re)computes r's resolved arrays (total_ix, parts_ix, minus_ix, previous_ix) from its refs
 * against t, expanding wildcards; after parsing and after t lost a column. */
void nb_rule_resolve(const nb_ltable *t, nb_rule *r);

/* Drops a per-row rule's refs to a removed column and rewrites r->check to match. Returns 0
 * if the rule lost its meaning (no total, or nothing to compare it with): free it then. */
int nb_rule_drop_column(nb_rule *r, const char *column);

/* Frees what r owns (not r itself). */
void nb_rule_free(nb_rule *r);
/* A deep copy of r: the result owns copies of everything r owns (nb_rule_free it). */
nb_rule nb_rule_copy(const nb_rule *r);

#endif
