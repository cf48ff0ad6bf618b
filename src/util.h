/* Small helpers: growable byte buffer, checked allocation, UTF-8. */
#ifndef NB_UTIL_H
#define NB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Allocation failure is fatal (prints and aborts): the program cannot do anything useful
 * without memory, and checking every small allocation would bury the logic. */
void *nb_malloc(size_t n);
void *nb_calloc(size_t n, size_t size);
void *nb_realloc(void *p, size_t n);
char *nb_strdup(const char *s);
char *nb_strndup(const char *s, size_t n);
/* A copy of n bytes (NULL for NULL; at least one byte allocated otherwise), and of a list of n
 * strings, each copied (NULL for NULL). The caller owns the copies. */
void *nb_memdup(const void *p, size_t n);
char **nb_strs_dup(char *const *list, size_t n);

/* Grow *items (of `size` bytes each) so that it holds at least `need` elements. */
void nb_grow(void *items_ptr, size_t *capacity, size_t need, size_t size);

typedef struct nb_buf {
    unsigned char *data; /* owned */
    size_t len, cap;
} nb_buf;

/* Makes room for n more bytes and the NUL after them (nb_buf_put's slow path). */
void nb_buf_reserve(nb_buf *b, size_t n);

/* Appends n bytes and keeps the buffer NUL-terminated. Inline: a render appends a million
 * small pieces (content streams, the packed file), and the call cost more than the copy. */
static inline void nb_buf_put(nb_buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap)
        nb_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = 0;
}

/* Inline too: the length of a literal is then known when compiling. */
static inline void nb_buf_puts(nb_buf *b, const char *s) { nb_buf_put(b, s, strlen(s)); }
void nb_buf_printf(nb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nb_buf_free(nb_buf *b);

/* The whole of a file, NUL-terminated (*size: without the NUL); caller frees. NULL with errno
 * set when it cannot be opened (the system's error) or read (EIO), or has more than max bytes
 * (EFBIG). */
char *nb_read_file(const char *path, size_t max, size_t *size);

/* Decodes one UTF-8 sequence at s[0..n); returns its length (>= 1) and stores the code point,
 * or returns 0 for an invalid or truncated sequence. */
size_t nb_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encodes cp into out (4 bytes room); returns the length. */
size_t nb_utf8_encode(uint32_t cp, char *out);

/* Formats a double with up to `decimals` digits, no trailing zeros, '.' decimal point, and no
 * dependence on the locale (PDF and JSON need it). Returns the length written to out (32 B). */
int nb_fmt_num(char *out, double v, int decimals);
/* The same, and stores in *written (if not NULL) the value of the digits written, exactly as
 * strtod would read them back. */
int nb_fmt_num_value(char *out, double v, int decimals, double *written);

/* Levenshtein distance of two short byte strings, for "did you mean" suggestions; strings
 * longer than 64 bytes are not compared (99). */
size_t nb_edit_distance(const char *a, const char *b);
/* The same on sequences (code points, or bytes widened), each at most NB_LEVENSHTEIN_MAX
 * long (longer: 99). */
#define NB_LEVENSHTEIN_MAX 256
size_t nb_levenshtein(const uint32_t *a, size_t la, const uint32_t *b, size_t lb);

/* The one JSON string writer: s (NULL as "") as a JSON string literal, always valid UTF-8 (a
 * byte that is not UTF-8 becomes U+FFFD), with quotes, backslashes and control characters
 * escaped. nb_json_put appends to a buffer, nb_json_string writes to a FILE*. */
void nb_json_put(nb_buf *out, const char *s);
void nb_json_string(void *file, const char *s);

#endif
