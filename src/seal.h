/* Seal images: a PNG or JPEG file decoded here, never by libharu, into the 8-bit samples a PDF
 * image XObject takes, in the seal_image module (seal.c, module.h). Decoding goes through
 * libraries that return errors (libspng, libjpeg with its error exit turned into a return),
 * after the file size and the pixel dimensions are checked, so a hostile seal fails its own
 * report and nothing else. */
#ifndef NB_SEAL_H
#define NB_SEAL_H

#include <stddef.h>

/* Limits, checked before any pixel is decoded (docs/report-format.md, "seal"). A seal is
 * printed 42 mm wide: 4000 pixels are 2400 dpi, far beyond any scanner setting used for one. */
#define NB_SEAL_MAX_BYTES (4u << 20)
#define NB_SEAL_MAX_SIDE 4000u

/* A decoded image: `components` (1 grey, 3 RGB) samples of 8 bits per pixel, row by row, and an
 * optional 8-bit alpha plane (NULL when every pixel is opaque). */
typedef struct nb_raster {
    unsigned width, height;
    int components;
    unsigned char *pixels; /* owned: width × height × components bytes */
    unsigned char *alpha;  /* owned or NULL: width × height bytes */
} nb_raster;

/* Decodes a PNG or JPEG held in memory (the format is told by its signature). Returns 0 and fills
 * *out (free with nb_raster_free), or -1 and writes a one-line reason, without a file name, to
 * why[0..why_size) (the module missing is one). Never aborts, whatever the bytes; memory is
 * bounded by the limits above. Loads the seal_image module (libspng, libjpeg) on first use. */
int nb_raster_decode(const unsigned char *data, size_t size, nb_raster *out, char *why,
                     size_t why_size);
void nb_raster_free(nb_raster *raster);

#endif
