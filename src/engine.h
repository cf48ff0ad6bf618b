/* Engine internals shared by the command and the batch runner. */
#ifndef NB_ENGINE_H
#define NB_ENGINE_H

#include "diag.h"
#include "font.h"
#include "layout.h"
#include "nianbao.h"
#include "text.h"

/* The layout called `name`, loaded on first use; NULL with a diagnostic if there is none. */
const nb_layout *nb_engine_layout(nb_engine *engine, const char *name, nb_diags *diags);
nb_fontset *nb_engine_fonts(nb_engine *engine);
/* The folders of the bundled fonts and of the layouts (and title-words.txt). */
const char *nb_engine_font_dir(const nb_engine *engine);
const char *nb_engine_layout_dir(const nb_engine *engine);
/* What the bundled fonts of a role have (typeset.c's lists, which end every report's), made on
 * first use and shared by every report of the engine; NULL when a bundled font is missing. */
nb_coverage *nb_engine_coverage(nb_engine *engine, int role);

/* The second half of loading a report: its layout found and its tables bound. On failure the
 * report is freed (diagnostics say why) and NB_EINPUT returned. */
int nb_report_attach(nb_engine *engine, nb_report *report, nb_diags *diags);

/* nb_check, with the font coverage (`fonts`: a character no font of its role has) or without
 * it: render leaves that to typesetting, which reports the same characters the same way. */
int nb_check_report(const nb_report *report, const nb_report *previous, int fonts,
                    nb_diags *diags);

#endif
