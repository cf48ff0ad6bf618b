/* Typesetting: a bound report becomes pages of positioned boxes (nb_doc). Prose is set on the
 * GB/T 9704 grid; tables (table.c) are set in the same flow between grid lines. */
#ifndef NB_TYPESET_H
#define NB_TYPESET_H

#include "diag.h"
#include "font.h"
#include "layout.h"
#include "page.h"
#include "report.h"
#include "text.h"

/* The flow: where the next thing goes. Owned by nb_typeset for one document. */
typedef struct nb_flow {
    nb_doc *doc;                  /* the document being built (borrowed) */
    const nb_report *report;      /* borrowed */
    const struct nb_access *access; /* borrowed: where the report's files may be read from */
    nb_font_list roles[NB_ROLES]; /* fonts per role */
    nb_diags *diags;
    int page;                     /* index of the current page in doc->pages, -1 before the first */
    float y;                      /* top of the free space on the current page */
    struct nb_table_cache *tables; /* owned: the report's tables, solved (table.c) */
    float table_size;             /* the one size of every table, pt; 0 until decided */
    const char *title_words;      /* borrowed: layouts/title-words.txt, or NULL */
} nb_flow;
typedef struct nb_table_cache nb_table_cache;

/* Frees the flow's solved tables (table.c). */
void nb_table_cache_free(nb_flow *f);

/* The current page, starting the first one if needed. */
nb_page *nb_flow_page(nb_flow *f);
/* Starts a new page; the free space is the whole 版心. */
void nb_flow_new_page(nb_flow *f);
/* Height left on the current page (the whole 版心 before the first page). */
float nb_flow_space(const nb_flow *f);
/* Moves y down to the next body grid line (tables end between lines). */
void nb_flow_snap(nb_flow *f);

/* Sets one bound table into the flow (table.c). `keep` is the height of what must stay on the
 * same page as the table's header and first two body rows (the section heading above it): the
 * caller has not placed it yet; nb_table_set returns the page break decision through
 * nb_table_min_height so the heading can move with the table. */
float nb_table_min_height(nb_flow *f, const nb_table *table);
void nb_table_set(nb_flow *f, const nb_table *table);

/* Typesets a report whose tables are bound (report->tables). Returns NB_OK, or NB_EREPORT when a
 * character has no font or a file the report names cannot be used (diagnostics say where).
 * `fonts` resolves the roles' fonts; `title_words` is the text of the title word list
 * (layouts/title-words.txt; NULL: none); the report's own files are opened through `access`. */
int nb_typeset(const nb_report *report, nb_fontset *fonts, const char *title_words,
               const struct nb_access *access, nb_doc *doc, nb_diags *diags);

#endif
