/* SHA-256 as FIPS 180-4 defines it (sha256.h): portable C, and where the CPU has them the x86
 * SHA extensions, chosen per hash by nb_sha256_init. */
#include "sha256.h"

#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define NB_SHA_NI 1
#endif

/* The round constants: the first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

/* FIPS 180-4's Σ0, Σ1, σ0 and σ1 (§4.1.2), with the rotations nested: the same bits, and on
 * two-operand x86 one copy of x instead of three. */
static uint32_t big_sigma0(uint32_t x) { return rotr(rotr(rotr(x, 9) ^ x, 11) ^ x, 2); }
static uint32_t big_sigma1(uint32_t x) { return rotr(rotr(rotr(x, 14) ^ x, 5) ^ x, 6); }
static uint32_t small_sigma0(uint32_t x) { return rotr(rotr(x, 11) ^ x, 7) ^ (x >> 3); }
static uint32_t small_sigma1(uint32_t x) { return rotr(rotr(x, 2) ^ x, 17) ^ (x >> 10); }

static uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Round t + i of the compression (FIPS 180-4 §6.2.2, step 3; i < 16 a constant, so that the
 * message word w[i] sits at a fixed place) on working variables named in their roles this
 * round: instead of moving each to the next name, the next round is written with the names
 * rotated, and only d and h get new values. */
#define NB_SHA_ROUND(a, b, c, d, e, f, g, h, i)                                                 \
    do {                                                                                    \
        uint32_t t1_ = h + big_sigma1(e) + (g ^ (e & (f ^ g))) + K[t + (i)] + w[i];         \
        uint32_t t2_ = big_sigma0(a) + ((a & b) | (c & (a | b)));                           \
        d += t1_;                                                                           \
        h = t1_ + t2_;                                                                      \
    } while (0)

/* From round 16 on, w[i] (word t + i - 16) first becomes word t + i (step 1): the schedule is a
 * ring of its last 16 words. */
#define NB_SHA_ROUND_SCHEDULED(a, b, c, d, e, f, g, h, i)                                       \
    do {                                                                                    \
        w[i] += small_sigma0(w[((i) + 1) & 15]) + w[((i) + 9) & 15] +                       \
                small_sigma1(w[((i) + 14) & 15]);                                           \
        NB_SHA_ROUND(a, b, c, d, e, f, g, h, i);                                            \
    } while (0)

/* Sixteen rounds from round t, each by `round`. */
#define NB_SHA_ROUNDS16(round)                                                                  \
    do {                                                                                    \
        round(a, b, c, d, e, f, g, h, 0);                                                   \
        round(h, a, b, c, d, e, f, g, 1);                                                   \
        round(g, h, a, b, c, d, e, f, 2);                                                   \
        round(f, g, h, a, b, c, d, e, 3);                                                   \
        round(e, f, g, h, a, b, c, d, 4);                                                   \
        round(d, e, f, g, h, a, b, c, 5);                                                   \
        round(c, d, e, f, g, h, a, b, 6);                                                   \
        round(b, c, d, e, f, g, h, a, 7);                                                   \
        round(a, b, c, d, e, f, g, h, 8);                                                   \
        round(h, a, b, c, d, e, f, g, 9);                                                   \
        round(g, h, a, b, c, d, e, f, 10);                                                  \
        round(f, g, h, a, b, c, d, e, 11);                                                  \
        round(e, f, g, h, a, b, c, d, 12);                                                  \
        round(d, e, f, g, h, a, b, c, 13);                                                  \
        round(c, d, e, f, g, h, a, b, 14);                                                  \
        round(b, c, d, e, f, g, h, a, 15);                                                  \
    } while (0)

/* One 64-byte block, portable: for CPUs without the SHA instructions, and under valgrind, whose
 * virtual CPU has none (so callgrind profiles of a batch count this code). The rounds are
 * written out sixteen at a time so that the working variables never move and every index into
 * w is a constant. */
static void compress_portable(uint32_t s[8], const unsigned char *p)
{
    uint32_t w[16];
    for (int i = 0; i < 16; i++)
        w[i] = load_be32(p + 4 * i);
    uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    int t = 0;
    NB_SHA_ROUNDS16(NB_SHA_ROUND);
    for (t = 16; t < 64; t += 16)
        NB_SHA_ROUNDS16(NB_SHA_ROUND_SCHEDULED);
    s[0] += a;
    s[1] += b;
    s[2] += c;
    s[3] += d;
    s[4] += e;
    s[5] += f;
    s[6] += g;
    s[7] += h;
}

#ifdef NB_SHA_NI
/* The x86 SHA extensions (Intel since Goldmont and Ice Lake, AMD since Zen): SHA256RNDS2 does two
 * rounds, SHA256MSG1 and SHA256MSG2 the two halves of the message schedule. Only this file's
 * SHA functions are compiled for them (the target attribute); nb_sha256_init decides whether they
 * run. The working variables live in two registers, as the instruction wants them: ABEF holds
 * a, b, e, f and CDGH holds c, d, g, h, from the highest 32-bit lane down. */
#define NB_SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* Four rounds with message words w (lane i is W[t + i]) and the constants K[t] … K[t + 3].
 * SHA256RNDS2 takes CDGH, ABEF and two W+K in its low lanes and returns the new ABEF; the old
 * ABEF is then the new CDGH, so the two variables swap roles at each call. */
NB_SHA_TARGET static inline void rounds4(__m128i *abef, __m128i *cdgh, __m128i w, int t)
{
    __m128i wk = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)&K[t]));
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

/* W[t] … W[t + 3] from w16 = W[t - 16 … t - 13], w12 = W[t - 12 … t - 9], w8 = W[t - 8 … t - 5]
 * and w4 = W[t - 4 … t - 1]: MSG1 adds σ0(W[t - 15 + i]) to W[t - 16 + i], the W[t - 7 + i] are
 * lanes 1-3 of w8 and lane 0 of w4, and MSG2 adds σ1(W[t - 2 + i]), computing the last two from
 * the first two. */
NB_SHA_TARGET static inline __m128i schedule4(__m128i w16, __m128i w12, __m128i w8, __m128i w4)
{
    __m128i sum = _mm_add_epi32(_mm_sha256msg1_epu32(w16, w12), _mm_alignr_epi8(w4, w8, 4));
    return _mm_sha256msg2_epu32(sum, w4);
}

NB_SHA_TARGET static void compress_sha_ni(uint32_t s[8], const unsigned char *p, size_t nblocks)
{
    /* Message words are big-endian: reverse the bytes of each 32-bit lane. */
    const __m128i be32 = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    /* s[0..3] loads as lanes a, b, c, d from the lowest up; lanes swapped in pairs they are
     * b, a, d, c and f, e, h, g, whose low halves make ABEF (f, e, b, a) and high halves CDGH. */
    __m128i badc = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[0]), 0xB1);
    __m128i fehg = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[4]), 0xB1);
    __m128i abef = _mm_unpacklo_epi64(fehg, badc);
    __m128i cdgh = _mm_unpackhi_epi64(fehg, badc);
    for (; nblocks; nblocks--, p += 64) {
        __m128i abef_in = abef, cdgh_in = cdgh;
        __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), be32);
        __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), be32);
        __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), be32);
        __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), be32);
        rounds4(&abef, &cdgh, w0, 0);
        rounds4(&abef, &cdgh, w1, 4);
        rounds4(&abef, &cdgh, w2, 8);
        rounds4(&abef, &cdgh, w3, 12);
        /* Rounds 16 to 63, four at a time; w0 … w3 always hold the last 16 words. */
        for (int t = 16; t < 64; t += 16) {
            w0 = schedule4(w0, w1, w2, w3);
            rounds4(&abef, &cdgh, w0, t);
            w1 = schedule4(w1, w2, w3, w0);
            rounds4(&abef, &cdgh, w1, t + 4);
            w2 = schedule4(w2, w3, w0, w1);
            rounds4(&abef, &cdgh, w2, t + 8);
            w3 = schedule4(w3, w0, w1, w2);
            rounds4(&abef, &cdgh, w3, t + 12);
        }
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }
    /* Back to a … h: the high halves of ABEF and CDGH are b, a, d, c; the low ones f, e, h, g. */
    _mm_storeu_si128((__m128i *)&s[0], _mm_shuffle_epi32(_mm_unpackhi_epi64(abef, cdgh), 0xB1));
    _mm_storeu_si128((__m128i *)&s[4], _mm_shuffle_epi32(_mm_unpacklo_epi64(abef, cdgh), 0xB1));
}

/* Whether this CPU runs compress_sha_ni: SHA and SSSE3 (and SSE4.1, which the target allows the
 * compiler to use). GCC answers from what its run-time library read with CPUID once at start-up
 * (__builtin_cpu_supports: no state of ours); other compilers ask CPUID each time, which costs
 * microseconds in a virtual machine, where the hypervisor answers it. */
static int cpu_has_sha_ni(void)
{
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
    return __builtin_cpu_supports("sha") && __builtin_cpu_supports("ssse3") &&
           __builtin_cpu_supports("sse4.1");
#else
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
        return 0;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
#endif
}
#endif

static void compress_blocks(nb_sha256 *h, const unsigned char *p, size_t nblocks)
{
#ifdef NB_SHA_NI
    if (h->sha_ni) {
        compress_sha_ni(h->state, p, nblocks);
        return;
    }
#endif
    for (; nblocks; nblocks--, p += 64)
        compress_portable(h->state, p);
}

void nb_sha256_init_portable(nb_sha256 *h)
{
    static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(h->state, initial, sizeof initial);
    h->length = 0;
    h->used = 0;
    h->sha_ni = 0;
}

void nb_sha256_init(nb_sha256 *h)
{
    nb_sha256_init_portable(h);
#ifdef NB_SHA_NI
    h->sha_ni = cpu_has_sha_ni();
#endif
}

void nb_sha256_update(nb_sha256 *h, const void *data, size_t size)
{
    const unsigned char *p = data;
    h->length += size;
    if (h->used) {
        size_t n = 64 - h->used < size ? 64 - h->used : size;
        memcpy(h->block + h->used, p, n);
        h->used += n;
        p += n;
        size -= n;
        if (h->used < 64)
            return;
        compress_blocks(h, h->block, 1);
        h->used = 0;
    }
    compress_blocks(h, p, size / 64);
    p += size / 64 * 64;
    size %= 64;
    memcpy(h->block, p, size);
    h->used = size;
}

void nb_sha256_final(nb_sha256 *h, unsigned char digest[32])
{
    uint64_t bits = h->length * 8;
    h->block[h->used++] = 0x80;
    if (h->used > 56) {
        memset(h->block + h->used, 0, 64 - h->used);
        compress_blocks(h, h->block, 1);
        h->used = 0;
    }
    memset(h->block + h->used, 0, 56 - h->used);
    for (int i = 0; i < 8; i++)
        h->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
    compress_blocks(h, h->block, 1);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (unsigned char)(h->state[i] >> 24);
        digest[4 * i + 1] = (unsigned char)(h->state[i] >> 16);
        digest[4 * i + 2] = (unsigned char)(h->state[i] >> 8);
        digest[4 * i + 3] = (unsigned char)h->state[i];
    }
}

void nb_sha256_bytes(const void *data, size_t size, unsigned char digest[32])
{
    nb_sha256 h;
    nb_sha256_init(&h);
    nb_sha256_update(&h, data, size);
    nb_sha256_final(&h, digest);
}
