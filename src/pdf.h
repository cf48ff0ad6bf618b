/* The PDF writer: the only module that talks to libharu. It embeds every used font as a
 * subset (Type0, Identity-H, ToUnicode, /W; CIDSet for PDF/A): CID-keyed CFF fonts through cff.c,
 * the others through hb-subset. It draws the pages of an nb_doc. */
#ifndef NB_PDF_H
#define NB_PDF_H

#include "diag.h"
#include "page.h"
#include "util.h"

/* Font subsets kept between documents: what the subsetter made of one font and one glyph set (the
 * deflated program, each glyph's code, the CIDSet), reused when another document uses exactly
 * that set, so the bytes are those the document would get alone. Owned by the engine (one per
 * nb_engine, made with it, freed with it, before its fonts); thread-safe (one mutex), so all
 * of a batch's threads share it. At most `max_bytes` are kept, least recently used out first;
 * a glyph set is kept the second time it is asked for, so sets that never repeat (the body
 * font's, in a batch) do not push out those that do. */
typedef struct nb_subset_cache nb_subset_cache;
nb_subset_cache *nb_subset_cache_new(size_t max_bytes);
void nb_subset_cache_free(nb_subset_cache *cache);
/* Counters since the cache was made (for bench/ and tests). */
void nb_subset_cache_stats(nb_subset_cache *cache, unsigned long *hits, unsigned long *misses,
                           size_t *bytes);

/* A thread that helps one render's nb_pdf_write (nb_pdf_options.helper): started before the
 * document is typeset, so that it is running, its compressor made and its heap ready, when the
 * fonts are to be subset. NULL when `threads` (as nb_pdf_options.threads) or the CPUs allow only
 * one thread, or none could be started. The caller owns it until it asks it to stop with
 * nb_pdf_helper_stop, once no nb_pdf_write uses it (one at a time); the thread then ends on
 * its own and frees it (not joined: it holds nothing of the caller's). */
typedef struct nb_pdf_helper nb_pdf_helper;
nb_pdf_helper *nb_pdf_helper_start(int threads);
void nb_pdf_helper_stop(nb_pdf_helper *helper);
/* Asks the helper, while it waits for the fonts' jobs, to flatten the glyphs `font` (a CFF
 * font of the engine, as cache) gives the characters of `text` (copied), so that the font's
 * subset copies them instead (nb_cff_keep): the body font and the report's text, before the
 * report is typeset. The bytes of the PDF are the same. Once a render. */
struct nb_font;
void nb_pdf_helper_warm(nb_pdf_helper *helper, nb_subset_cache *cache, const struct nb_font *font,
                        const char *text, size_t len);

typedef struct nb_pdf_options {
    int pdfa;          /* PDF/A-1b: XMP, OutputIntent, /ID */
    int copies;        /* /NumCopies; 0: unset */
    const char *icc_path; /* sRGB ICC v2 profile for PDF/A */
    int untagged;      /* no structure tree, marked content or /Lang (tagged is the default) */
    int classic_xref;  /* no object streams: a classic cross-reference table (what the signer
                          updates); PDF/A-1 (PDF 1.4) always has one */
    nb_subset_cache *subsets; /* borrowed; NULL: every subset made for this document only */
    int hb_subset_only; /* CFF fonts through hb-subset too, not cff.c (tests compare the two) */
    /* Threads the writer may use, the caller's included: 1 only the caller's; 2 or more a
     * second one that subsets and compresses the fonts while the caller writes the rest; 0,
     * the default, two when the process may run on two CPUs. The bytes are the same. */
    int threads;
    nb_pdf_helper *helper; /* borrowed: the thread to use instead of starting one; NULL: none */
} nb_pdf_options;

/* Writes the whole PDF into out. Deterministic: the same doc gives the same bytes.
 * Returns NB_OK, or NB_EINPUT with a diagnostic. */
int nb_pdf_write(const nb_doc *doc, const nb_pdf_options *options, nb_buf *out, nb_diags *diags);

#endif
