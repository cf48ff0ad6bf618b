/* The files a report names — fonts: and seal: — opened through the access policy (access.h),
 * with errors at the report's key that name the file. */
#ifndef NB_FILES_H
#define NB_FILES_H

#include "access.h"
#include "diag.h"
#include "font.h"
#include "report.h"
#include "seal.h"

/* The i-th font of `role` in the report's list. Fonts put first by nb_report_use_font (the
 * operator's) resolve as given; the report's own font files go through the policy; family
 * names resolve through fontconfig. NULL with a diagnostic at the name when it cannot be used. */
nb_font *nb_files_font(nb_fontset *set, const nb_access *access, const nb_report *r, int role,
                       size_t i, nb_diags *d);

/* The report's seal, decoded: from memory (nb_report_set_seal) or from the file its seal: key
 * names. Returns 0, or -1 with a diagnostic at the seal: key. */
int nb_files_seal(const nb_access *access, const nb_report *r, nb_raster *out, nb_diags *d);

#endif
