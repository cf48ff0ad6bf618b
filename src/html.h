/* The portal page (HTML5) written from a bound report: see html.c. */
#ifndef NB_HTML_H
#define NB_HTML_H

#include "report.h"
#include "util.h"

/* Appends the report as a whole HTML5 page (fragment == 0) or as a fragment for a CMS (a
 * scoped stylesheet and one <div>). The report must be bound (r->tables set). `title_words` is
 * the title word list's text (layouts/title-words.txt; NULL: none): the title breaks only where
 * the PDF's may. */
int nb_html_write(const nb_report *r, const char *title_words, int fragment, nb_buf *out);

#endif
