/* Object streams and a cross-reference stream (PDF 1.5, PDF 32000 §7.5.7 and §7.5.8) for the
 * PDF that pdf.c has libharu write: libharu 2.3.0 writes every object on its own with a classic
 * cross-reference table, and each stream's /Length as one more object. */
#ifndef NB_PDFPACK_H
#define NB_PDFPACK_H

#include "util.h"

#include <stddef.h>

/* Rewrites `pdf` (len bytes, as libharu writes it: one classic cross-reference section, objects
 * of generation 0, each stream's /Length an indirect number written after it) with every object
 * that is not a stream in compressed object streams, the stream lengths direct, and a compressed
 * cross-reference stream carrying the trailer's keys. Appends the new file to `out` and returns
 * 1; returns 0 and leaves `out` as it was when the input is not in that shape or is older than
 * PDF 1.5 (the caller then keeps the classic file). Deterministic. */
int nb_pdf_pack(const unsigned char *pdf, size_t len, nb_buf *out);

/* Deflate level of the object and cross-reference streams. */
#define NB_PACK_LEVEL 6

struct libdeflate_compressor;
/* The same with `z`, a compressor of NB_PACK_LEVEL the caller owns (NULL: one made here). */
int nb_pdf_pack_with(const unsigned char *pdf, size_t len, struct libdeflate_compressor *z,
                     nb_buf *out);

#endif
