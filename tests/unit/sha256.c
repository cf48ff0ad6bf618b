/* The built-in SHA-256 (src/sha256.c) against the digests of FIPS 180-4's examples and of a
 * million 'a's, whole and fed in pieces of every length from 1 to 130 bytes (so that every
 * split of a 64-byte block and of the padding is taken), by the portable code and, where the
 * CPU has them, by the SHA instructions; and the two paths agree on 4,000 pseudo-random
 * buffers of every length up to 4,000 bytes. */
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

static void hex(const unsigned char d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void expect_digest(const char *msg, size_t len, const char *want)
{
    unsigned char d[32];
    char got[65];
    nb_sha256_bytes(msg, len, d);
    hex(d, got);
    EXPECT(strcmp(got, want) == 0, "%zu bytes: got %s, want %s", len, got, want);
    for (size_t piece = 1; piece <= 260; piece++) {
        nb_sha256 h;
        nb_sha256_init(&h);
        if (piece > 130) /* the same pieces again on the portable path */
            h.sha_ni = 0;
        for (size_t at = 0; at < len; at += piece)
            nb_sha256_update(&h, msg + at, len - at < piece ? len - at : piece);
        nb_sha256_final(&h, d);
        hex(d, got);
        EXPECT(strcmp(got, want) == 0, "%zu bytes in pieces of %zu (%s): got %s", len,
               piece > 130 ? piece - 130 : piece, piece > 130 ? "portable" : "default", got);
    }
}

int main(void)
{
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
    unsigned char d[32];
    char got[65];
    nb_sha256_bytes(million, 1000000, d);
    hex(d, got);
    EXPECT(strcmp(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
           "a million 'a': got %s", got);
    free(million);

    nb_sha256 probe;
    nb_sha256_init(&probe);
    printf("SHA instructions: %s\n", probe.sha_ni ? "used" : "not available");
    unsigned char *buf = malloc(4000);
    if (!buf)
        return 1;
    uint32_t x = 2463534242u;
    for (size_t len = 0; len < 4000; len++) {
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            buf[i] = (unsigned char)x;
        }
        unsigned char a[32], b[32];
        nb_sha256 h;
        nb_sha256_init(&h);
        nb_sha256_update(&h, buf, len);
        nb_sha256_final(&h, a);
        nb_sha256_init(&h);
        h.sha_ni = 0;
        nb_sha256_update(&h, buf, len);
        nb_sha256_final(&h, b);
        EXPECT(memcmp(a, b, 32) == 0, "%zu random bytes: the two paths differ", len);
    }
    free(buf);
    return failures != 0;
}
