/* The built-in SHA-256 (src/sha256.c), on both of its paths: the portable code
 * (nb_sha256_init_portable, whatever the CPU) and the one nb_sha256_init picks (the x86 SHA
 * instructions where the CPU has them).
 * - FIPS 180-4's examples, the empty message and a million 'a's give their published digests
 *   on each path, whole and fed in pieces of every length from 1 to 130 bytes (every split of a
 *   64-byte block and of the padding) and at pseudo-random split points;
 * - the two paths agree on pseudo-random buffers of every length from 0 to 4,000 bytes, and on
 *   2,000 buffers of up to 9,000 bytes cut at pseudo-random points (empty pieces included);
 * - nb_sha256_init uses the SHA instructions exactly when CPUID says the CPU has them (so under
 *   valgrind, whose virtual CPU has none, both runs are the portable code). */
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

#include "expect.h"

typedef void (*init_fn)(nb_sha256 *);

static const struct {
    init_fn init;
    const char *name;
} paths[] = {{nb_sha256_init, "default"}, {nb_sha256_init_portable, "portable"}};

/* A seeded xorshift generator: the same data and split points every run. */
static uint32_t next_random(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void hex(const unsigned char d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* The digest of msg by `init`'s path, fed in pieces of `piece` bytes (0: whole). */
static void digest_in_pieces(init_fn init, const unsigned char *msg, size_t len, size_t piece,
                             unsigned char d[32])
{
    nb_sha256 h;
    init(&h);
    if (!piece)
        piece = len ? len : 1;
    for (size_t at = 0; at < len; at += piece)
        nb_sha256_update(&h, msg + at, len - at < piece ? len - at : piece);
    nb_sha256_final(&h, d);
}

/* The digest of msg by `init`'s path, fed in pieces of 0 to max_piece bytes at random. */
static void digest_at_random_splits(init_fn init, const unsigned char *msg, size_t len,
                                    size_t max_piece, uint32_t *x, unsigned char d[32])
{
    nb_sha256 h;
    init(&h);
    for (size_t at = 0; at < len;) {
        size_t piece = next_random(x) % (max_piece + 1);
        if (piece > len - at)
            piece = len - at;
        nb_sha256_update(&h, msg + at, piece);
        at += piece;
    }
    nb_sha256_final(&h, d);
}

static void expect_digest(const char *text, size_t len, const char *want)
{
    const unsigned char *msg = (const unsigned char *)text;
    unsigned char d[32];
    char got[65];
    nb_sha256_bytes(msg, len, d);
    hex(d, got);
    EXPECT(strcmp(got, want) == 0, "%zu bytes, nb_sha256_bytes: got %s, want %s", len, got, want);
    uint32_t x = 88172645u;
    for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
        size_t max_piece = len > 100000 ? 0 : 130; /* a million bytes: whole, and at random */
        for (size_t piece = 0; piece <= max_piece; piece++) {
            digest_in_pieces(paths[p].init, msg, len, piece, d);
            hex(d, got);
            EXPECT(strcmp(got, want) == 0, "%zu bytes in pieces of %zu (%s): got %s", len, piece,
                   paths[p].name, got);
        }
        for (int round = 0; round < 20; round++) {
            size_t most = round < 10 ? 70 : 5000;
            digest_at_random_splits(paths[p].init, msg, len, most, &x, d);
            hex(d, got);
            EXPECT(strcmp(got, want) == 0, "%zu bytes in random pieces of up to %zu (%s): got %s",
                   len, most, paths[p].name, got);
        }
    }
}

/* The SHA instructions are used exactly when CPUID reports them (with SSSE3 and SSE4.1). */
static void expect_dispatch(void)
{
    nb_sha256 h;
    nb_sha256_init(&h);
    int cpu = 0;
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) && (c & bit_SSE4_1) &&
        __get_cpuid_count(7, 0, &a, &b, &c, &d))
        cpu = (b & bit_SHA) != 0;
#endif
    EXPECT(h.sha_ni == cpu, "nb_sha256_init chose %s, CPUID says the CPU %s them",
           h.sha_ni ? "the SHA instructions" : "the portable code", cpu ? "has" : "lacks");
    nb_sha256_init_portable(&h);
    EXPECT(h.sha_ni == 0, "nb_sha256_init_portable chose the SHA instructions");
    printf("SHA instructions: %s\n", cpu ? "used, and compared with the portable code"
                                         : "not available: the portable code twice");
}

int main(void)
{
    expect_dispatch();
    expect_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    expect_digest(two, strlen(two),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *four = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    expect_digest(four, strlen(four),
                  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    char *million = malloc(1000000);
    if (!million)
        return 1;
    memset(million, 'a', 1000000);
    expect_digest(million, 1000000,
                  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);

    enum { MAX_LEN = 9000 };
    unsigned char *buf = malloc(MAX_LEN);
    if (!buf)
        return 1;
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < MAX_LEN; i++)
        buf[i] = (unsigned char)next_random(&x);
    /* Every length from 0 to 4,000, each from its own offset (unaligned loads too). */
    for (size_t len = 0; len <= 4000; len++) {
        const unsigned char *msg = buf + len % 61;
        unsigned char a[32], b[32];
        digest_in_pieces(nb_sha256_init, msg, len, 0, a);
        digest_in_pieces(nb_sha256_init_portable, msg, len, 0, b);
        EXPECT(memcmp(a, b, 32) == 0, "%zu random bytes: the two paths differ", len);
    }
    /* Random lengths cut at random points, each path against the other's whole digest. */
    for (int round = 0; round < 2000; round++) {
        size_t len = round < 1000 ? next_random(&x) % 301 : next_random(&x) % MAX_LEN;
        size_t max_piece = 1 + next_random(&x) % (round % 2 ? 200 : 3000);
        unsigned char whole[2][32], cut[2][32];
        for (int p = 0; p < 2; p++) {
            digest_in_pieces(paths[p].init, buf, len, 0, whole[p]);
            digest_at_random_splits(paths[p].init, buf, len, max_piece, &x, cut[p]);
        }
        EXPECT(memcmp(whole[0], whole[1], 32) == 0, "%zu random bytes: the two paths differ", len);
        EXPECT(memcmp(cut[0], whole[1], 32) == 0 && memcmp(cut[1], whole[0], 32) == 0,
               "%zu random bytes in random pieces of up to %zu: a path's digest differs", len,
               max_piece);
    }
    free(buf);
    return failures != 0;
}
