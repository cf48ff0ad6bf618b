/* Tables in the page flow (table.c): a bound table set between grid lines, split across pages
 * with its header repeated. Uses the flow (flow.h) only, never typeset.c. */
#ifndef NB_TABLE_H
#define NB_TABLE_H

#include "flow.h"
#include "layout.h"

/* Frees the flow's solved tables. */
void nb_table_cache_free(nb_flow *f);

/* Sets one bound table into the flow. `keep` is the height of what must stay on the same page
 * as the table's header and first two body rows (the section heading above it): the caller has
 * not placed it yet; nb_table_min_height gives that height so the heading can move with the
 * table. */
float nb_table_min_height(nb_flow *f, const nb_table *table);
void nb_table_set(nb_flow *f, const nb_table *table);

#endif
