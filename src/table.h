/* Tables in the page flow (table.c): a bound table set between grid lines, split across pages
 * with its header repeated. Uses the flow (flow.h) only, never typeset.c. */
#ifndef NB_TABLE_H
#define NB_TABLE_H

#include "flow.h"
#include "layout.h"

/* Table labels shaped once per layout, font list, size and style, and shared by the documents
 * of an engine (owned by it; any thread may use it, it has its own lock). A label is the same
 * glyphs and widths in every report of a layout, so only the values are shaped per document.
 * Labels borrowed from it stay until nb_label_cache_free, which comes after the last document
 * set with it; the layouts it was used with must outlive it too (an engine's do). */
nb_label_cache *nb_label_cache_new(void);
void nb_label_cache_free(nb_label_cache *cache);

/* Frees the flow's solved tables. */
void nb_table_cache_free(nb_flow *f);

/* Sets one bound table into the flow. `keep` is the height of what must stay on the same page
 * as the table's header and first two body rows (the section heading above it): the caller has
 * not placed it yet; nb_table_min_height gives that height so the heading can move with the
 * table. */
float nb_table_min_height(nb_flow *f, const nb_table *table);
void nb_table_set(nb_flow *f, const nb_table *table);

#endif
