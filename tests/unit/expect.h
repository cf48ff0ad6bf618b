/* The unit tests' one assertion: records a failure with its place and goes on, so one run
 * shows every broken property; main() returns failures != 0. */
#ifndef NB_TEST_EXPECT_H
#define NB_TEST_EXPECT_H

#include <stdio.h>
#include <stdlib.h>

static int failures;

#define EXPECT(cond, ...)                                                                     \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);          \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fputc('\n', stderr);                                                              \
            failures++;                                                                       \
        }                                                                                     \
    } while (0)

/* Some tests say CHECK. */
#define CHECK EXPECT

/* A whole file, with a NUL after its bytes (not counted in *len); NULL when it cannot be read.
 * The caller frees it. */
static inline unsigned char *read_whole_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *d = malloc(cap);
    while (d && (got = fread(d + n, 1, cap - n - 1, f)) > 0)
        if ((n += got) + 1 == cap) {
            unsigned char *more = realloc(d, cap *= 2);
            if (!more)
                free(d);
            d = more;
        }
    int bad = ferror(f);
    fclose(f);
    if (d && bad) {
        free(d);
        d = NULL;
    }
    if (d) {
        d[n] = 0;
        *len = n;
    }
    return d;
}

#endif
