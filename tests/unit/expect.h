/* The unit tests' one assertion: records a failure with its place and goes on, so one run
 * shows every broken property; main() returns failures != 0. */
#ifndef NB_TEST_EXPECT_H
#define NB_TEST_EXPECT_H

#include <stdio.h>

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

#endif
