#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p, size_t n)
{
    if (!p && n) {
        fputs("nianbao: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *nb_malloc(size_t n) { return check(malloc(n ? n : 1), 1); }
void *nb_calloc(size_t n, size_t size) { return check(calloc(n ? n : 1, size ? size : 1), 1); }
void *nb_realloc(void *p, size_t n) { return check(realloc(p, n ? n : 1), 1); }

char *nb_strndup(const char *s, size_t n)
{
    char *d = nb_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *nb_strdup(const char *s) { return s ? nb_strndup(s, strlen(s)) : NULL; }

void *nb_memdup(const void *p, size_t n)
{
    if (!p)
        return NULL;
    void *d = nb_malloc(n ? n : 1);
    memcpy(d, p, n);
    return d;
}

char **nb_strs_dup(char *const *list, size_t n)
{
    if (!list)
        return NULL;
    char **d = nb_malloc((n ? n : 1) * sizeof *d);
    for (size_t i = 0; i < n; i++)
        d[i] = nb_strdup(list[i]);
    return d;
}

void nb_grow(void *items_ptr, size_t *capacity, size_t need, size_t size)
{
    void **items = items_ptr;
    if (need <= *capacity)
        return;
    size_t cap = *capacity ? *capacity : 8;
    while (cap < need)
        cap *= 2;
    *items = nb_realloc(*items, cap * size);
    *capacity = cap;
}

void nb_buf_reserve(nb_buf *b, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = nb_realloc(b->data, cap);
        b->cap = cap;
    }
}


void nb_buf_printf(nb_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        nb_buf_put(b, small, (size_t)n);
        return;
    }
    char *big = nb_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    nb_buf_put(b, big, (size_t)n);
    free(big);
}

void nb_buf_free(nb_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

size_t nb_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0) { len = 2; c = s[0] & 0x1F; min = 0x80; }
    else if ((s[0] & 0xF0) == 0xE0) { len = 3; c = s[0] & 0x0F; min = 0x800; }
    else if ((s[0] & 0xF8) == 0xF0) { len = 4; c = s[0] & 0x07; min = 0x10000; }
    else return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

size_t nb_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) { o[0] = 0xC0 | (cp >> 6); o[1] = 0x80 | (cp & 0x3F); return 2; }
    if (cp < 0x10000) {
        o[0] = 0xE0 | (cp >> 12); o[1] = 0x80 | ((cp >> 6) & 0x3F); o[2] = 0x80 | (cp & 0x3F);
        return 3;
    }
    o[0] = 0xF0 | (cp >> 18); o[1] = 0x80 | ((cp >> 12) & 0x3F);
    o[2] = 0x80 | ((cp >> 6) & 0x3F); o[3] = 0x80 | (cp & 0x3F);
    return 4;
}

int nb_fmt_num_value(char *out, double v, int decimals, double *written)
{
    /* Fixed point by hand: printf's %f honours LC_NUMERIC, and PDF wants '.' always. The
     * digits by hand too: content streams format a few numbers per glyph, and snprintf and
     * reading the text back with strtod were a third of a long document's instructions. */
    if (!isfinite(v))
        v = 0;
    if (decimals > 6)
        decimals = 6;
    long long scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    int neg = v < 0;
    double a = neg ? -v : v;
    long long q = llround(a * (double)scale);
    long long ip = q / scale, fp = q % scale;
    /* q / scale in double is the correctly rounded quotient of two exact integers: the value
     * strtod would read back from the digits. */
    if (written)
        *written = q ? (neg ? -((double)q / (double)scale) : (double)q / (double)scale) : 0.0;
    char *p = out;
    if (neg && q)
        *p++ = '-';
    char rev[24];
    int nrev = 0;
    do {
        rev[nrev++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip > 0 && nrev < 20);
    while (nrev > 0)
        *p++ = rev[--nrev];
    if (fp) {
        char digits[8];
        for (int i = decimals - 1; i >= 0; i--) {
            digits[i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        int n = decimals;
        while (n > 0 && digits[n - 1] == '0')
            n--;
        *p++ = '.';
        memcpy(p, digits, (size_t)n);
        p += n;
    }
    *p = 0;
    return (int)(p - out);
}

int nb_fmt_num(char *out, double v, int decimals) { return nb_fmt_num_value(out, v, decimals, NULL); }

size_t nb_levenshtein(const uint32_t *a, size_t la, const uint32_t *b, size_t lb)
{
    if (la > NB_LEVENSHTEIN_MAX || lb > NB_LEVENSHTEIN_MAX)
        return 99;
    size_t row[NB_LEVENSHTEIN_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

size_t nb_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    uint32_t A[64], B[64];
    for (size_t i = 0; i < la; i++)
        A[i] = (unsigned char)a[i];
    for (size_t i = 0; i < lb; i++)
        B[i] = (unsigned char)b[i];
    return nb_levenshtein(A, la, B, lb);
}

void nb_json_put(nb_buf *o, const char *s)
{
    s = s ? s : "";
    nb_buf_put(o, "\"", 1);
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t n = nb_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            nb_buf_puts(o, "\\ufffd");
            i++;
        } else if (c == '"' || c == '\\') {
            nb_buf_printf(o, "\\%c", c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            nb_buf_printf(o, "\\u%04x", c);
            i++;
        } else {
            nb_buf_put(o, s + i, n);
            i += n;
        }
    }
    nb_buf_put(o, "\"", 1);
}

void nb_json_string(void *fp, const char *s)
{
    nb_buf o = {0};
    nb_json_put(&o, s);
    fwrite(o.data, 1, o.len, (FILE *)fp);
    nb_buf_free(&o);
}

char *nb_read_file(const char *path, size_t max, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    nb_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        nb_buf_put(&b, chunk, n);
        if (b.len > max)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed || b.len > max) {
        nb_buf_free(&b);
        errno = failed ? EIO : EFBIG;
        return NULL;
    }
    nb_buf_put(&b, "", 1);
    *size = b.len - 1;
    return (char *)b.data;
}
