/* SHA-256 (FIPS 180-4), for the hashes that must stay comparable across runs (batch --changed
 * keys). Built in rather than taken from libcrypto, so that a render or a batch does not load
 * libcrypto: only signing needs it, and signing is a module (module.h). */
#ifndef NB_SHA256_H
#define NB_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct nb_sha256 {
    uint32_t state[8];
    uint64_t length;          /* bytes hashed so far */
    unsigned char block[64];  /* the part of a block not yet hashed */
    size_t used;
    int sha_ni;               /* the CPU's SHA instructions are used (x86), chosen by init */
} nb_sha256;

/* Starts a hash, with the x86 SHA instructions where this CPU has them. */
void nb_sha256_init(nb_sha256 *h);
/* Starts a hash that uses the portable code whatever the CPU: for the tests that compare the
 * two ways of computing the same digest. */
void nb_sha256_init_portable(nb_sha256 *h);
void nb_sha256_update(nb_sha256 *h, const void *data, size_t size);
/* Writes the 32-byte digest; h must be initialised again before reuse. */
void nb_sha256_final(nb_sha256 *h, unsigned char digest[32]);
/* The digest of one buffer. */
void nb_sha256_bytes(const void *data, size_t size, unsigned char digest[32]);

#endif
