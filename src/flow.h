/* The page flow: where the next thing goes on the GB/T 9704 grid of the pages being built.
 * Prose (typeset.c) and tables (table.c) both place into it, and neither includes the other:
 * typeset.c decides the order of blocks and calls table.h for a table; table.c knows only this
 * flow. tests/structure.sh fails if that changes. */
#ifndef NB_FLOW_H
#define NB_FLOW_H

#include "diag.h"
#include "page.h"
#include "report.h"
#include "text.h"

typedef struct nb_table_cache nb_table_cache; /* table.c's solved tables */
typedef struct nb_label_cache nb_label_cache; /* table.c's labels shaped once per layout */

/* Where the next thing goes. Owned by nb_typeset for one document. */
typedef struct nb_flow {
    nb_doc *doc;                  /* the document being built (borrowed) */
    const nb_report *report;      /* borrowed */
    const struct nb_access *access; /* borrowed: where the report's files may be read from */
    nb_font_list roles[NB_ROLES]; /* fonts per role */
    nb_diags *diags;
    int page;                     /* index of the current page in doc->pages, -1 before the first */
    float y;                      /* top of the free space on the current page */
    nb_table_cache *tables;       /* owned: the report's tables, solved (table.c) */
    nb_label_cache *labels;       /* borrowed, shared with other documents: the layout's table
                                   * labels shaped once (table.h), or NULL */
    float table_size;             /* the one size of every table, pt; 0 until decided */
    const char *title_words;      /* borrowed: layouts/title-words.txt, or NULL */
    int tag_root;                 /* the Document structure element (nb_doc.tags, 1-based) */
} nb_flow;

/* The current page, starting the first one if needed. */
nb_page *nb_flow_page(nb_flow *f);
/* Starts a new page; the free space is the whole 版心. */
void nb_flow_new_page(nb_flow *f);
/* Height left on the current page (the whole 版心 before the first page). */
float nb_flow_space(const nb_flow *f);
/* Moves y down to the next body grid line (tables end between lines). */
void nb_flow_snap(nb_flow *f);

#endif
