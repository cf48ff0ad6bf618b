/* CFF font programs (the 'CFF ' table of an OpenType font, CFF version 1; Adobe TN 5176 and
 * TN 5177): the charset of any CFF, and a subsetter for CID-keyed fonts that writes the bare
 * program PDF embeds as FontFile3 /CIDFontType0C. Every offset and length read from the font
 * is checked: a damaged or hostile program gives a failure, never a read outside it. */
#ifndef NB_CFF_H
#define NB_CFF_H

#include "util.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Flattened charstrings of one font kept between subsets: in a batch the body font's glyph
 * set differs in every report, but most of its glyphs recur. Shared by threads without a
 * lock (each glyph's bytes are published once, with an atomic pointer, and never change).
 * Its table (a pointer per glyph) and every glyph kept are taken from *budget, a count of
 * bytes shared by all the stores of an engine; when it is spent, nothing more is kept.
 * Made by nb_cff_glyphs_new (NULL when the budget cannot hold its table), freed with
 * nb_cff_glyphs_free by its owner once no subset uses it; *budget must outlive it. */
typedef struct nb_cff_glyphs nb_cff_glyphs;
nb_cff_glyphs *nb_cff_glyphs_new(size_t glyph_count, atomic_size_t *budget);
void nb_cff_glyphs_free(nb_cff_glyphs *glyphs);

/* Subsets a CID-keyed CFF `cff[0..len)` to the glyphs `gids` (ascending, no repeats, each
 * below the font's glyph count; glyph 0 may be among them or not: it is always kept, as
 * .notdef, and when not asked for its outline is left out). The program is appended to *out:
 * CIDs 0 .. m - 1 for its m glyphs in the order of their source glyph ids (.notdef 0; the
 * charset is one range, the ROS Adobe-Identity-0, as these CIDs follow no character
 * collection), charstrings flattened (subroutines inlined) and without hints (stem and mask
 * operators dropped, and the Private DICTs' hint values), only the Font DICTs the glyphs use,
 * no global or local subroutines. cids[i] receives the CID of gids[i]: i + 1, or i when
 * gids[0] is 0. A function of the glyph set alone, so equal sets give equal programs.
 * Returns 1, or 0 when the font is damaged or uses what this subsetter does not handle (a
 * name-keyed font, arithmetic or storage operators, endchar as seac); then *out is as it was
 * and the caller uses another subsetter. Thread-safe; `cff` is only read. `kept` (NULL: none)
 * gives the flattened charstrings of glyphs subset before and keeps the new ones; it must
 * have been made for this font (another glyph count: it is not used). */
int nb_cff_subset(const unsigned char *cff, size_t len, const uint32_t *gids, size_t n,
                  nb_cff_glyphs *kept, nb_buf *out, uint32_t *cids);

/* Flattens the glyphs `gids` (ascending; .notdef and ids out of range are passed over) into
 * `kept`, as nb_cff_subset would, so that a subset made later copies them: work done ahead, on
 * another thread, while the glyph set is not yet known. Stops early when *stop becomes
 * nonzero. Returns the glyphs flattened; the output of nb_cff_subset is the same either way. */
size_t nb_cff_keep(const unsigned char *cff, size_t len, const uint32_t *gids, size_t n,
                   nb_cff_glyphs *kept, atomic_int *stop);

/* Maps every glyph of a CFF program to its CID (a name-keyed font: cid = glyph id, as PDF
 * uses glyph indices then). Returns the glyph count, 0 for a damaged program; *cids is
 * malloc'd (caller frees). */
size_t nb_cff_cids(const unsigned char *cff, size_t len, uint32_t **cids);

#endif
