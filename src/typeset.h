/* Typesetting: a bound report becomes pages of positioned boxes (nb_doc). Prose is set on the
 * GB/T 9704 grid; tables (table.h) are set in the same page flow (flow.h) between grid lines. */
#ifndef NB_TYPESET_H
#define NB_TYPESET_H

#include "diag.h"
#include "font.h"
#include "page.h"
#include "report.h"
#include "text.h"

struct nb_access;
struct nb_label_cache;

/* The fonts of each role, in the order render tries them for every character: the report's own
 * (fonts:, --font; its files opened through `access`), the government preset's, then the
 * bundled ones (and the bundled Latin face). `r` NULL: the bundled fonts alone, which end every
 * report's lists. Returns 0 when a font cannot be used or a bundled one is missing
 * (diagnostics say which; `role_failed`, if not NULL, says for which roles). */
int nb_font_roles(nb_fontset *set, const struct nb_access *access, const nb_report *r,
                  nb_font_list roles[NB_ROLES], unsigned char *role_failed, nb_diags *diags);

/* The family `fonts: government` asks for in a role (a static string), or NULL (none). */
const char *nb_government_font(int role);

/* Typesets a report whose tables are bound (report->tables). Returns NB_OK, or NB_EREPORT when a
 * character has no font or a file the report names cannot be used (diagnostics say where).
 * `fonts` resolves the roles' fonts; `title_words` is the text of the title word list
 * (layouts/title-words.txt; NULL: none); the report's own files are opened through `access`;
 * `labels` (NULL: none) holds the table labels of the report's layout shaped once (table.h:
 * the layout must outlive it). */
int nb_typeset(const nb_report *report, nb_fontset *fonts, const char *title_words,
               const struct nb_access *access, struct nb_label_cache *labels, nb_doc *doc,
               nb_diags *diags);

/* Where a title without a typed line break may end a line (GB/T 9704 7.3.1: words stay whole):
 * ok[k] (b->nchars entries, zeroed by the caller) is set where a line may end before character
 * k. `b` needs only its characters, classes and break_after (nb_text_classify); `words` is the
 * title word list's text, `agency` the report's agency (a line may end after it). The PDF's
 * title lines and the HTML page's title break only there. */
void nb_title_breaks(const nb_text_block *b, const char *words, const char *agency,
                     unsigned char *ok);

#endif
