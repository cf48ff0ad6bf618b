/* The PDF writer: the only module that talks to libharu. It embeds every used font as a
 * HarfBuzz subset (Type0, Identity-H, ToUnicode, /W; CIDSet for PDF/A) and draws the pages of an nb_doc. */
#ifndef NB_PDF_H
#define NB_PDF_H

#include "diag.h"
#include "page.h"
#include "util.h"

typedef struct nb_pdf_options {
    int pdfa;          /* PDF/A-1b: XMP, OutputIntent, /ID */
    int copies;        /* /NumCopies; 0: unset */
    const char *icc_path; /* sRGB ICC v2 profile for PDF/A */
    int untagged;      /* no structure tree, marked content or /Lang (tagged is the default) */
    int classic_xref;  /* no object streams: a classic cross-reference table (what the signer
                          updates); PDF/A-1 (PDF 1.4) always has one */
} nb_pdf_options;

/* Writes the whole PDF into out. Deterministic: the same doc gives the same bytes.
 * Returns NB_OK, or NB_EINPUT with a diagnostic. */
int nb_pdf_write(const nb_doc *doc, const nb_pdf_options *options, nb_buf *out, nb_diags *diags);

#endif
