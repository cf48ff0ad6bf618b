/* Signing finished PDF bytes: a small reader for the original's trailer, cross-reference table,
 * catalog and first page, an incremental update that adds the signature field, and OpenSSL CMS
 * over the /ByteRange. Layout of the update (TECH.md §4):
 *
 *   sig    << /Type /Sig ... /ByteRange [...] /Contents <00...> /M (D:...) >>
 *   widget << /Type /Annot /Subtype /Widget /FT /Sig ... /Rect [0 0 0 0] /F 132 /AP << /N ap >> >>
 *   ap     empty Form XObject (PDF/A-1 wants an appearance even for an invisible field)
 *   page   the first page again, with the widget in /Annots
 *   root   the catalog again, with /AcroForm << /Fields [widget] /SigFlags 3 >>
 *   xref + trailer (/Prev = the original's xref; /ID copied) */
#include "module.h"
#include "sign.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#define MAX_DEPTH 64        /* nesting of arrays and dicts the reader follows */
#define MAX_SECTIONS 256    /* cross-reference sections followed through /Prev */
#define MAX_TREE_DEPTH 32   /* page tree levels followed to the first page */
#define NUM_WIDTH 10        /* digits of each patched /ByteRange number */

/* ---- a minimal PDF reader over the original bytes ---------------------------------------- */

typedef struct span {
    size_t start, end; /* [start, end) in the PDF bytes; start == end: absent */
} span;

typedef struct reader {
    const unsigned char *s;
    size_t len;
    /* object table from the cross-reference sections, newest entry wins */
    size_t size;       /* /Size of the newest trailer */
    size_t *offsets;   /* owned; SIZE_MAX: no in-use entry */
    int *gens;         /* owned */
    unsigned char *seen; /* owned; 1 once any section has given the entry */
    /* from the newest trailer */
    span root, info, id;
    size_t xref_offset; /* the newest section: the update's /Prev */
    const char *error;  /* why reading stopped (static text) */
} reader;

static int is_space(int c) { return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32; }
static int is_delim(int c) { return c && strchr("()<>[]{}/%", c) != NULL; }
static int is_regular(int c) { return !is_space(c) && !is_delim(c); }

static void skip_space(const reader *r, size_t *pos)
{
    while (*pos < r->len) {
        int c = r->s[*pos];
        if (c == '%') {
            while (*pos < r->len && r->s[*pos] != '\n' && r->s[*pos] != '\r')
                (*pos)++;
        } else if (is_space(c)) {
            (*pos)++;
        } else {
            break;
        }
    }
}

/* Does a token equal to word start at pos (followed by a non-regular character)? */
static int token_is(const reader *r, size_t pos, const char *word)
{
    size_t n = strlen(word);
    return pos + n <= r->len && memcmp(r->s + pos, word, n) == 0 &&
           (pos + n == r->len || !is_regular(r->s[pos + n]));
}

/* Reads an unsigned integer token at *pos; 0 when there is none. */
static int read_uint(const reader *r, size_t *pos, size_t *value)
{
    size_t p = *pos, v = 0;
    if (p >= r->len || r->s[p] < '0' || r->s[p] > '9')
        return 0;
    while (p < r->len && r->s[p] >= '0' && r->s[p] <= '9') {
        if (v > (SIZE_MAX - 9) / 10)
            return 0;
        v = v * 10 + (size_t)(r->s[p] - '0');
        p++;
    }
    if (p < r->len && is_regular(r->s[p]))
        return 0;
    *value = v;
    *pos = p;
    return 1;
}

static int skip_object(const reader *r, size_t *pos, int depth);

/* Skips one value; "N G R" counts as one value. */
static int skip_value(const reader *r, size_t *pos, int depth)
{
    skip_space(r, pos);
    size_t p = *pos, n;
    if (read_uint(r, &p, &n)) {
        size_t q = p, g;
        skip_space(r, &q);
        if (read_uint(r, &q, &g)) {
            skip_space(r, &q);
            if (token_is(r, q, "R")) {
                *pos = q + 1;
                return 1;
            }
        }
    }
    return skip_object(r, pos, depth);
}

static int skip_object(const reader *r, size_t *pos, int depth)
{
    if (depth > MAX_DEPTH)
        return 0;
    skip_space(r, pos);
    size_t p = *pos;
    if (p >= r->len)
        return 0;
    int c = r->s[p];
    if (c == '/') {
        p++;
        while (p < r->len && is_regular(r->s[p]))
            p++;
    } else if (c == '(') {
        int nest = 0;
        for (; p < r->len; p++) {
            if (r->s[p] == '\\')
                p++;
            else if (r->s[p] == '(')
                nest++;
            else if (r->s[p] == ')' && --nest == 0)
                break;
        }
        if (p >= r->len)
            return 0;
        p++;
    } else if (c == '<' && p + 1 < r->len && r->s[p + 1] == '<') {
        p += 2;
        for (;;) {
            skip_space(r, &p);
            if (p + 1 < r->len && r->s[p] == '>' && r->s[p + 1] == '>')
                break;
            if (!skip_value(r, &p, depth + 1))
                return 0;
        }
        p += 2;
    } else if (c == '<') {
        while (p < r->len && r->s[p] != '>')
            p++;
        if (p >= r->len)
            return 0;
        p++;
    } else if (c == '[') {
        p++;
        for (;;) {
            skip_space(r, &p);
            if (p < r->len && r->s[p] == ']')
                break;
            if (!skip_value(r, &p, depth + 1))
                return 0;
        }
        p++;
    } else if (is_regular(c)) {
        while (p < r->len && is_regular(r->s[p]))
            p++;
    } else {
        return 0;
    }
    *pos = p;
    return 1;
}

/* Finds key (with its slash, e.g. "/Root") among the entries of the dict at dict.start.
 * Stores the value's span and the whole entry's span (from the key to the value's end). */
static int dict_get(const reader *r, span dict, const char *key, span *value, span *entry)
{
    size_t p = dict.start + 2, klen = strlen(key);
    for (;;) {
        skip_space(r, &p);
        if (p + 1 >= dict.end)
            return 0;
        size_t key_start = p;
        if (r->s[p] != '/' || !skip_object(r, &p, 0))
            return 0;
        int match = p - key_start == klen && memcmp(r->s + key_start, key, klen) == 0;
        skip_space(r, &p);
        size_t value_start = p;
        if (!skip_value(r, &p, 1))
            return 0;
        if (match) {
            if (value)
                *value = (span){value_start, p};
            if (entry)
                *entry = (span){key_start, p};
            return 1;
        }
    }
}

static int span_is_dict(const reader *r, span v)
{
    return v.end - v.start >= 4 && r->s[v.start] == '<' && r->s[v.start + 1] == '<';
}

/* Parses "N G R" in v. */
static int span_ref(const reader *r, span v, size_t *num, int *gen)
{
    size_t p = v.start, n, g;
    if (!read_uint(r, &p, &n))
        return 0;
    skip_space(r, &p);
    if (!read_uint(r, &p, &g) || g > 65535)
        return 0;
    skip_space(r, &p);
    if (!token_is(r, p, "R") || p + 1 != v.end)
        return 0;
    *num = n;
    *gen = (int)g;
    return 1;
}

static int span_uint(const reader *r, span v, size_t *value)
{
    size_t p = v.start;
    return read_uint(r, &p, value) && p == v.end;
}

/* The dictionary after the keyword "trailer" (p is just past the keyword). */
static int trailer_dict(reader *r, size_t p, span *out)
{
    skip_space(r, &p);
    out->start = out->end = p;
    if (p + 1 >= r->len || r->s[p] != '<' || r->s[p + 1] != '<' || !skip_object(r, &p, 0)) {
        r->error = "malformed trailer";
        return 0;
    }
    out->end = p;
    return 1;
}

/* Reads one cross-reference section and its trailer; returns the trailer's /Prev (or SIZE_MAX). */
static int read_section(reader *r, size_t offset, int newest, size_t *prev)
{
    size_t p = offset;
    *prev = SIZE_MAX;
    if (offset >= r->len || !token_is(r, p, "xref")) {
        r->error = p < r->len && r->s[p] >= '0' && r->s[p] <= '9'
                       ? "the PDF uses a cross-reference stream, which this signer cannot update"
                       : "startxref does not point to a cross-reference table";
        return 0;
    }
    p += 4;
    for (;;) {
        skip_space(r, &p);
        if (token_is(r, p, "trailer"))
            break;
        size_t first, count;
        if (!read_uint(r, &p, &first) || (skip_space(r, &p), !read_uint(r, &p, &count))) {
            r->error = "malformed cross-reference table";
            return 0;
        }
        for (size_t i = 0; i < count; i++) {
            size_t off, gen;
            skip_space(r, &p);
            if (!read_uint(r, &p, &off) || (skip_space(r, &p), !read_uint(r, &p, &gen)) ||
                (skip_space(r, &p), p >= r->len) || (r->s[p] != 'n' && r->s[p] != 'f')) {
                r->error = "malformed cross-reference entry";
                return 0;
            }
            int in_use = r->s[p] == 'n';
            p++;
            size_t num = first + i;
            if (num < r->size && !r->seen[num]) {
                r->seen[num] = 1;
                r->offsets[num] = in_use ? off : SIZE_MAX;
                r->gens[num] = (int)(gen > 65535 ? 65535 : gen);
            }
            if (num >= r->size && !newest)
                continue;
            if (num >= r->size && newest && r->size) {
                r->error = "cross-reference entry beyond the trailer's /Size";
                return 0;
            }
        }
    }
    span trailer;
    if (!trailer_dict(r, p + 7, &trailer))
        return 0;
    span v;
    if (dict_get(r, trailer, "/Prev", &v, NULL) && !span_uint(r, v, prev)) {
        r->error = "malformed /Prev in the trailer";
        return 0;
    }
    if (newest) {
        if (!dict_get(r, trailer, "/Root", &r->root, NULL)) {
            r->error = "the trailer has no /Root";
            return 0;
        }
        dict_get(r, trailer, "/Info", &r->info, NULL);
        dict_get(r, trailer, "/ID", &r->id, NULL);
    }
    return 1;
}

/* The trailer's /Size is needed before the table can be filled: read it first. */
static int read_size(reader *r, size_t offset)
{
    size_t p = offset;
    /* find "trailer" after the table: entries never contain the word */
    const char *hit = NULL;
    for (size_t i = p; i + 7 <= r->len; i++)
        if (r->s[i] == 't' && memcmp(r->s + i, "trailer", 7) == 0) {
            hit = (const char *)r->s + i;
            break;
        }
    if (!hit) {
        r->error = "no trailer after the cross-reference table";
        return 0;
    }
    span trailer;
    if (!trailer_dict(r, (size_t)((const unsigned char *)hit - r->s) + 7, &trailer))
        return 0;
    span v;
    if (!dict_get(r, trailer, "/Size", &v, NULL) || !span_uint(r, v, &r->size) || r->size == 0 ||
        r->size > r->len) {
        r->error = "the trailer has no valid /Size";
        return 0;
    }
    return 1;
}

static int reader_open(reader *r, const unsigned char *s, size_t len)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    r->len = len;
    /* startxref in the last KB */
    size_t from = len > 1024 ? len - 1024 : 0, at = SIZE_MAX;
    for (size_t i = from; i + 9 <= len; i++)
        if (memcmp(s + i, "startxref", 9) == 0)
            at = i;
    if (len < 8 || memcmp(s, "%PDF-", 5) != 0) {
        r->error = "not a PDF file";
        return 0;
    }
    size_t p = at + 9, xref;
    if (at == SIZE_MAX || (skip_space(r, &p), !read_uint(r, &p, &xref))) {
        r->error = "no startxref at the end of the PDF";
        return 0;
    }
    r->xref_offset = xref;
    if (xref >= len || !token_is(r, xref, "xref")) {
        size_t q = xref;
        r->error = q < len && s[q] >= '0' && s[q] <= '9'
                       ? "the PDF uses a cross-reference stream, which this signer cannot update"
                       : "startxref does not point to a cross-reference table";
        return 0;
    }
    if (!read_size(r, xref))
        return 0;
    r->offsets = nb_malloc(r->size * sizeof *r->offsets);
    r->gens = nb_calloc(r->size, sizeof *r->gens);
    r->seen = nb_calloc(r->size, 1);
    for (size_t i = 0; i < r->size; i++)
        r->offsets[i] = SIZE_MAX;
    size_t offset = xref, visited[MAX_SECTIONS];
    for (int n = 0; offset != SIZE_MAX; n++) {
        if (n == MAX_SECTIONS) {
            r->error = "too many cross-reference sections";
            return 0;
        }
        for (int k = 0; k < n; k++)
            if (visited[k] == offset) {
                r->error = "the cross-reference sections form a loop";
                return 0;
            }
        visited[n] = offset;
        size_t prev;
        if (!read_section(r, offset, n == 0, &prev))
            return 0;
        offset = prev;
    }
    return 1;
}

static void reader_close(reader *r)
{
    free(r->offsets);
    free(r->gens);
    free(r->seen);
}

/* The value of indirect object num (after "num gen obj"). */
static int read_object(reader *r, size_t num, span *value)
{
    if (num >= r->size || r->offsets[num] == SIZE_MAX) {
        r->error = "a referenced object is missing from the cross-reference table";
        return 0;
    }
    size_t p = r->offsets[num], n, g;
    if (!read_uint(r, &p, &n) || n != num || (skip_space(r, &p), !read_uint(r, &p, &g)) ||
        (skip_space(r, &p), !token_is(r, p, "obj"))) {
        r->error = "a cross-reference offset does not point to its object";
        return 0;
    }
    p += 3;
    skip_space(r, &p);
    size_t start = p;
    if (!skip_value(r, &p, 0)) {
        r->error = "malformed object";
        return 0;
    }
    *value = (span){start, p};
    return 1;
}

/* The value of v, following one indirect reference. */
static int resolve(reader *r, span v, span *out)
{
    size_t num;
    int gen;
    if (span_ref(r, v, &num, &gen))
        return read_object(r, num, out);
    *out = v;
    return 1;
}

/* First element of an array span. */
static int array_first(const reader *r, span a, span *first)
{
    size_t p = a.start;
    if (p >= a.end || r->s[p] != '[')
        return 0;
    p++;
    skip_space(r, &p);
    size_t start = p;
    if (p >= a.end || r->s[p] == ']' || !skip_value(r, &p, 1))
        return 0;
    *first = (span){start, p};
    return 1;
}

static int name_is(const reader *r, span v, const char *name)
{
    size_t n = strlen(name);
    return v.end - v.start == n && memcmp(r->s + v.start, name, n) == 0;
}

/* Finds the first page of the page tree under the catalog's /Pages. */
static int first_page(reader *r, span catalog, size_t *num, int *gen, span *dict)
{
    span v;
    if (!dict_get(r, catalog, "/Pages", &v, NULL) || !span_ref(r, v, num, gen)) {
        r->error = "the catalog has no /Pages reference";
        return 0;
    }
    for (int depth = 0; depth < MAX_TREE_DEPTH; depth++) {
        if (!read_object(r, *num, dict))
            return 0;
        if (!span_is_dict(r, *dict)) {
            r->error = "a page tree node is not a dictionary";
            return 0;
        }
        span type, kids, first;
        if (dict_get(r, *dict, "/Type", &type, NULL) && name_is(r, type, "/Page"))
            return 1;
        if (!dict_get(r, *dict, "/Kids", &v, NULL) || !resolve(r, v, &kids) ||
            !array_first(r, kids, &first) || !span_ref(r, first, num, gen)) {
            r->error = "the page tree has no first page";
            return 0;
        }
    }
    r->error = "the page tree is too deep";
    return 0;
}

/* ---- writing the update --------------------------------------------------------------------- */

static void put_span(nb_buf *b, const unsigned char *s, span v) { nb_buf_put(b, s + v.start, v.end - v.start); }

/* A dict's text with one entry left out (entry may be empty), ending before the closing ">>":
 * the caller appends its own entries and the ">>". */
static void put_dict_without(nb_buf *b, const unsigned char *s, span dict, span entry)
{
    size_t inner_end = dict.end - 2;
    if (entry.start < entry.end) {
        nb_buf_put(b, s + dict.start, entry.start - dict.start);
        nb_buf_put(b, s + entry.end, inner_end - entry.end);
    } else {
        nb_buf_put(b, s + dict.start, inner_end - dict.start);
    }
}

/* A PDF text string: a literal for printable ASCII, else UTF-16BE hex with a byte order mark. */
static int put_text_string(nb_buf *b, const char *text)
{
    size_t n = strlen(text);
    int ascii = 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7e)
            ascii = 0;
    if (ascii) {
        nb_buf_puts(b, "(");
        for (size_t i = 0; i < n; i++) {
            if (text[i] == '(' || text[i] == ')' || text[i] == '\\')
                nb_buf_puts(b, "\\");
            nb_buf_put(b, text + i, 1);
        }
        nb_buf_puts(b, ")");
        return 1;
    }
    nb_buf_puts(b, "<FEFF");
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = nb_utf8_decode(text + i, n - i, &cp);
        if (!k)
            return 0;
        i += k;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            nb_buf_printf(b, "%04X%04X", 0xD800 + (unsigned)(cp >> 10),
                          0xDC00 + (unsigned)(cp & 0x3FF));
        } else {
            nb_buf_printf(b, "%04X", (unsigned)cp);
        }
    }
    nb_buf_puts(b, ">");
    return 1;
}

static int valid_utf8(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = nb_utf8_decode(s + i, n - i, &cp);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* ---- keys and CMS ----------------------------------------------------------------------------- */

typedef struct signer {
    EVP_PKEY *key;
    X509 *cert;
    STACK_OF(X509) *chain;
} signer;

static void signer_free(signer *s)
{
    EVP_PKEY_free(s->key);
    X509_free(s->cert);
    sk_X509_pop_free(s->chain, X509_free);
}

/* OpenSSL's reason for the last failure, for messages. */
static const char *ssl_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *why = e ? ERR_reason_error_string(e) : NULL;
    return why ? why : "unknown OpenSSL error";
}

typedef struct pem_password {
    const char *password;
    int asked;
} pem_password;

/* Never prompts: the command is used from scripts and batch jobs. */
static int give_password(char *buf, int size, int rwflag, void *u)
{
    pem_password *pw = u;
    pw->asked = 1;
    if (!pw->password)
        return -1;
    size_t n = strlen(pw->password);
    if (n > (size_t)size)
        return -1;
    memcpy(buf, pw->password, n);
    return (int)n;
}

static BIO *open_file(const char *path, nb_diags *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        nb_diag_add(d, NB_ERROR, (nb_pos){path, 0, 0}, "cannot read: %s", strerror(errno));
        return NULL;
    }
    BIO *b = BIO_new_fp(f, BIO_CLOSE);
    if (!b)
        fclose(f);
    return b;
}

static int load_p12(const char *path, const char *password, signer *s, nb_diags *d)
{
    BIO *b = open_file(path, d);
    if (!b)
        return 0;
    PKCS12 *p12 = d2i_PKCS12_bio(b, NULL);
    BIO_free(b);
    nb_pos pos = {path, 0, 0};
    if (!p12) {
        nb_diag_add(d, NB_ERROR, pos, "not a PKCS#12 file");
        return 0;
    }
    /* An empty password and no password are different things in PKCS#12. */
    const char *pass = password;
    if (PKCS12_mac_present(p12)) {
        if (password && PKCS12_verify_mac(p12, password, -1))
            pass = password;
        else if (!password && PKCS12_verify_mac(p12, "", 0))
            pass = "";
        else if (!password && PKCS12_verify_mac(p12, NULL, 0))
            pass = NULL;
        else {
            nb_diag_add(d, NB_ERROR, pos,
                        password ? "wrong password for the PKCS#12 file"
                                 : "the PKCS#12 file needs a password (--sign-password-env VAR "
                                   "or NIANBAO_SIGN_PASSWORD)");
            PKCS12_free(p12);
            return 0;
        }
    }
    int ok = PKCS12_parse(p12, pass, &s->key, &s->cert, &s->chain);
    PKCS12_free(p12);
    if (!ok) {
        nb_diag_add(d, NB_ERROR, pos, "cannot read the PKCS#12 file: %s", ssl_reason());
        return 0;
    }
    if (!s->key || !s->cert) {
        nb_diag_add(d, NB_ERROR, pos, "the PKCS#12 file holds no %s",
                    s->key ? "certificate" : "private key");
        return 0;
    }
    return 1;
}

static int load_pem(const char *key_path, const char *cert_path, const char *password, signer *s,
                    nb_diags *d)
{
    BIO *b = open_file(key_path, d);
    if (!b)
        return 0;
    pem_password pw = {password, 0};
    s->key = PEM_read_bio_PrivateKey(b, NULL, give_password, &pw);
    BIO_free(b);
    if (!s->key) {
        nb_pos pos = {key_path, 0, 0};
        if (pw.asked && !password)
            nb_diag_add(d, NB_ERROR, pos,
                        "the key is encrypted and needs a password (--sign-password-env VAR or "
                        "NIANBAO_SIGN_PASSWORD)");
        else if (pw.asked)
            nb_diag_add(d, NB_ERROR, pos, "wrong password for the key");
        else
            nb_diag_add(d, NB_ERROR, pos, "not a PEM private key");
        return 0;
    }
    b = open_file(cert_path, d);
    if (!b)
        return 0;
    pem_password none = {NULL, 0};
    X509 *c;
    while ((c = PEM_read_bio_X509(b, NULL, give_password, &none)) != NULL) {
        if (!s->cert) {
            s->cert = c;
        } else {
            if (!s->chain)
                s->chain = sk_X509_new_null();
            sk_X509_push(s->chain, c);
        }
    }
    BIO_free(b);
    if (!s->cert) {
        nb_diag_add(d, NB_ERROR, (nb_pos){cert_path, 0, 0}, "no PEM certificate in the file");
        return 0;
    }
    return 1;
}

/* Signs the two byte ranges; returns the DER CMS (caller frees) or NULL with a diagnostic. */
static unsigned char *make_cms(const signer *s, const unsigned char *data, size_t a, size_t b,
                               size_t len, time_t when, int cades, int *der_len, nb_diags *d)
{
    unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
    unsigned char *der = NULL;
    BIO *bio = NULL;
    ASN1_TIME *t = NULL;
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
    CMS_SignerInfo *si = cms ? CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(),
                                               flags | (cades ? CMS_CADES : 0))
                             : NULL;
    int ok = si != NULL;
    for (int i = 0; ok && s->chain && i < sk_X509_num(s->chain); i++)
        ok = CMS_add1_cert(cms, sk_X509_value(s->chain, i));
    /* The signingTime attribute gets the same time as /M (OpenSSL would take the clock). */
    if (ok) {
        t = ASN1_TIME_set(NULL, when);
        ok = t && CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1);
    }
    if (ok)
        ok = (bio = CMS_dataInit(cms, NULL)) != NULL;
    if (ok)
        ok = BIO_write(bio, data, (int)a) == (int)a &&
             BIO_write(bio, data + b, (int)(len - b)) == (int)(len - b) &&
             BIO_flush(bio) == 1 && CMS_dataFinal(cms, bio);
    if (ok) {
        *der_len = i2d_CMS_ContentInfo(cms, &der);
        ok = *der_len > 0;
    }
    if (!ok) {
        nb_diag_add(d, NB_ERROR, (nb_pos){NULL, 0, 0}, "cannot make the signature: %s",
                    ssl_reason());
        OPENSSL_free(der);
        der = NULL;
    }
    BIO_free_all(bio);
    ASN1_TIME_free(t);
    CMS_ContentInfo_free(cms);
    return der;
}

/* Keys this signer is known to get right: RSA (PKCS#1 v1.5 signatures) of at least 2048 bits and
 * EC of at least 256 bits. An RSA-PSS key made CMS signatures that pdfsig called invalid, and
 * shorter keys are breakable. Returns 0 with a diagnostic for any other key. */
static int key_acceptable(const signer *s, const char *where, nb_diags *d)
{
    nb_pos pos = {where, 0, 0};
    int id = EVP_PKEY_get_base_id(s->key), bits = EVP_PKEY_get_bits(s->key);
    /* What to make instead, said with every refusal of a key's type. */
    static const char use[] =
        "use an RSA key (PKCS#1 v1.5 signatures) of at least 2048 bits or an EC P-256 key "
        "(openssl req -newkey rsa:2048, or -newkey ec -pkeyopt ec_paramgen_curve:prime256v1)";
    if (id == EVP_PKEY_RSA_PSS) {
        nb_diag_add(d, NB_ERROR, pos, "RSA-PSS keys are not supported; %s", use);
        return 0;
    }
    if (id == EVP_PKEY_RSA && bits < 2048) {
        nb_diag_add(d, NB_ERROR, pos, "the RSA key has %d bits; at least 2048 are needed", bits);
        return 0;
    }
    if (id == EVP_PKEY_EC && bits < 256) {
        nb_diag_add(d, NB_ERROR, pos, "the EC key has %d bits; at least 256 are needed", bits);
        return 0;
    }
    if (id != EVP_PKEY_RSA && id != EVP_PKEY_EC) {
        nb_diag_add(d, NB_ERROR, pos, "%s keys are not supported; %s", OBJ_nid2sn(id), use);
        return 0;
    }
    return 1;
}

/* A warning when the certificate is not valid at the signing time: readers will say so. */
static void check_validity(const signer *s, time_t when, const char *where, nb_diags *d)
{
    time_t t = when;
    const ASN1_TIME *after = X509_get0_notAfter(s->cert), *before = X509_get0_notBefore(s->cert);
    char stamp[64] = "?";
    BIO *mem = BIO_new(BIO_s_mem());
    if (after && X509_cmp_time(after, &t) < 0) {
        if (mem && ASN1_TIME_print(mem, after) > 0) {
            int n = BIO_read(mem, stamp, (int)sizeof stamp - 1);
            stamp[n > 0 ? n : 0] = 0;
        }
        nb_diag_add(d, NB_WARNING, (nb_pos){where, 0, 0},
                    "the certificate expired on %s, before the signing time: readers will "
                    "report the signature's certificate as expired", stamp);
    } else if (before && X509_cmp_time(before, &t) > 0) {
        nb_diag_add(d, NB_WARNING, (nb_pos){where, 0, 0},
                    "the certificate is not yet valid at the signing time");
    }
    BIO_free(mem);
}

/* Checks the signature just made, as a reader would: the CMS over the two byte ranges of the
 * final bytes, with the signer's own certificate (trust in it is the reader's business). */
static int verify_own(const unsigned char *der, int der_len, const unsigned char *pdf, size_t a,
                      size_t b, size_t len, nb_diags *d)
{
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, der_len);
    nb_buf signed_bytes = {0};
    nb_buf_put(&signed_bytes, pdf, a);
    nb_buf_put(&signed_bytes, pdf + b, len - b);
    BIO *content = BIO_new_mem_buf(signed_bytes.data, (int)signed_bytes.len);
    int ok = cms && content &&
             CMS_verify(cms, NULL, NULL, content, NULL,
                        CMS_BINARY | CMS_DETACHED | CMS_NO_SIGNER_CERT_VERIFY) == 1;
    if (!ok)
        nb_diag_add(d, NB_ERROR, (nb_pos){NULL, 0, 0},
                    "the signature just made does not verify (%s); nothing was written",
                    ssl_reason());
    BIO_free(content);
    nb_buf_free(&signed_bytes);
    CMS_ContentInfo_free(cms);
    return ok;
}

/* SOURCE_DATE_EPOCH (reproducible builds) or the clock. */
static int signing_time(time_t *when, nb_diags *d)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (!epoch || !*epoch) {
        *when = time(NULL);
        return 1;
    }
    char *end;
    errno = 0;
    long long v = strtoll(epoch, &end, 10);
    if (*end || errno || v < 0 || v > 253402300799LL) {
        nb_diag_add(d, NB_ERROR, (nb_pos){NULL, 0, 0},
                    "SOURCE_DATE_EPOCH must be a number of seconds since 1970");
        return 0;
    }
    *when = (time_t)v;
    return 1;
}

/* ---- the whole update ------------------------------------------------------------------------ */

typedef struct xref_entry {
    size_t num, offset;
    int gen;
} xref_entry;

static int by_num(const void *a, const void *b)
{
    size_t x = ((const xref_entry *)a)->num, y = ((const xref_entry *)b)->num;
    return x < y ? -1 : x > y;
}

int nb_mod_sign_pdf(nb_buf *pdf, const nb_sign_options *o, nb_diags *d)
{
    nb_pos nowhere = {NULL, 0, 0};
    if (!((o->p12_path && !o->key_path && !o->cert_path) ||
          (!o->p12_path && o->key_path && o->cert_path))) {
        nb_diag_add(d, NB_ERROR, nowhere,
                    "signing needs a PKCS#12 file, or a PEM key and a PEM certificate");
        return NB_EINPUT;
    }
    if ((o->reason && !valid_utf8(o->reason)) || (o->location && !valid_utf8(o->location))) {
        nb_diag_add(d, NB_ERROR, nowhere, "the signing reason and location must be UTF-8");
        return NB_EINPUT;
    }
    time_t when;
    if (!signing_time(&when, d))
        return NB_EINPUT;
    struct tm tm;
    if (!gmtime_r(&when, &tm)) {
        nb_diag_add(d, NB_ERROR, nowhere, "the signing time is out of range");
        return NB_EINPUT;
    }

    signer s = {0};
    ERR_clear_error();
    int loaded = o->p12_path ? load_p12(o->p12_path, o->password, &s, d)
                             : load_pem(o->key_path, o->cert_path, o->password, &s, d);
    const char *key_file = o->p12_path ? o->p12_path : o->key_path;
    if (loaded && !X509_check_private_key(s.cert, s.key)) {
        nb_diag_add(d, NB_ERROR, (nb_pos){key_file, 0, 0},
                    "the private key does not belong to the certificate");
        loaded = 0;
    }
    if (loaded && !key_acceptable(&s, key_file, d))
        loaded = 0;
    if (loaded)
        check_validity(&s, when, o->p12_path ? o->p12_path : o->cert_path, d);
    if (!loaded) {
        signer_free(&s);
        ERR_clear_error();
        return NB_EINPUT;
    }

    const size_t original_len = pdf->len;
    reader r;
    int ok = reader_open(&r, pdf->data, pdf->len);
    span catalog = {0, 0}, page = {0, 0}, v, annots_entry = {0, 0}, annots = {0, 0};
    size_t root_num = 0, page_num = 0;
    int root_gen = 0, page_gen = 0;
    if (ok && !span_ref(&r, r.root, &root_num, &root_gen)) {
        r.error = "the trailer's /Root is not a reference";
        ok = 0;
    }
    if (ok && !(read_object(&r, root_num, &catalog) && span_is_dict(&r, catalog))) {
        r.error = r.error ? r.error : "the catalog is not a dictionary";
        ok = 0;
    }
    if (ok && dict_get(&r, catalog, "/AcroForm", &v, NULL)) {
        r.error = "the PDF already has a form (/AcroForm); signing it is not supported";
        ok = 0;
    }
    if (ok)
        ok = first_page(&r, catalog, &page_num, &page_gen, &page);
    if (ok && dict_get(&r, page, "/Annots", &v, &annots_entry) &&
        !(resolve(&r, v, &annots) && annots.end > annots.start && r.s[annots.start] == '[')) {
        r.error = "the first page's /Annots is not an array";
        ok = 0;
    }
    if (!ok) {
        nb_diag_add(d, NB_ERROR, nowhere, "cannot sign: %s", r.error ? r.error : "malformed PDF");
        reader_close(&r);
        signer_free(&s);
        return NB_EINPUT;
    }

    /* The update. pdf->data may move while it grows: keep offsets, not pointers. */
    const size_t sig_num = r.size, widget_num = r.size + 1, ap_num = r.size + 2;
    xref_entry xref[5];
    /* A copy of the pieces of the original that are rewritten, taken before pdf grows. */
    nb_buf page_text = {0}, root_text = {0}, trailer_text = {0};
    put_dict_without(&page_text, r.s, page, annots_entry);
    nb_buf_puts(&page_text, " /Annots [");
    if (annots.end > annots.start) {
        span inner = {annots.start + 1, annots.end - 1}; /* between [ and ] */
        put_span(&page_text, r.s, inner);
        nb_buf_puts(&page_text, " ");
    }
    nb_buf_printf(&page_text, "%zu 0 R] >>", widget_num);
    put_dict_without(&root_text, r.s, catalog, (span){0, 0});
    nb_buf_printf(&root_text, " /AcroForm << /Fields [%zu 0 R] /SigFlags 3 >> >>", widget_num);
    nb_buf_printf(&trailer_text, "<< /Size %zu /Root ", ap_num + 1);
    put_span(&trailer_text, r.s, r.root);
    if (r.info.end > r.info.start) {
        nb_buf_puts(&trailer_text, " /Info ");
        put_span(&trailer_text, r.s, r.info);
    }
    nb_buf_puts(&trailer_text, " /ID ");
    if (r.id.end > r.id.start) {
        put_span(&trailer_text, r.s, r.id);
    } else { /* none before: one from the original bytes, the same for both halves */
        unsigned char h[SHA256_DIGEST_LENGTH];
        SHA256(pdf->data, pdf->len, h);
        for (int k = 0; k < 2; k++) {
            nb_buf_puts(&trailer_text, k ? "<" : "[<");
            for (int i = 0; i < 16; i++)
                nb_buf_printf(&trailer_text, "%02X", h[i]);
            nb_buf_puts(&trailer_text, k ? ">]" : "> ");
        }
    }
    nb_buf_printf(&trailer_text, " /Prev %zu >>", r.xref_offset);
    reader_close(&r);

    const size_t reserve = o->reserve ? o->reserve : NB_SIGN_RESERVE;
    if (pdf->len && pdf->data[pdf->len - 1] != '\n' && pdf->data[pdf->len - 1] != '\r')
        nb_buf_puts(pdf, "\n");

    xref[0] = (xref_entry){sig_num, pdf->len, 0};
    nb_buf_printf(pdf, "%zu 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /%s /ByteRange ",
                  sig_num, o->cades ? "ETSI.CAdES.detached" : "adbe.pkcs7.detached");
    const size_t byterange_at = pdf->len;
    char placeholder[3 * (NUM_WIDTH + 1) + 4];
    snprintf(placeholder, sizeof placeholder, "[0 %0*d %0*d %0*d]", NUM_WIDTH, 0, NUM_WIDTH, 0,
             NUM_WIDTH, 0);
    nb_buf_puts(pdf, placeholder);
    nb_buf_puts(pdf, " /Contents ");
    const size_t contents_at = pdf->len; /* the '<' */
    nb_buf_puts(pdf, "<");
    {
        char zeros[256];
        memset(zeros, '0', sizeof zeros);
        for (size_t left = 2 * reserve; left;) {
            size_t n = left < sizeof zeros ? left : sizeof zeros;
            nb_buf_put(pdf, zeros, n);
            left -= n;
        }
    }
    nb_buf_puts(pdf, ">");
    const size_t contents_end = pdf->len; /* after the '>' */
    nb_buf_printf(pdf, " /M (D:%04d%02d%02d%02d%02d%02dZ)", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (o->reason) {
        nb_buf_puts(pdf, " /Reason ");
        put_text_string(pdf, o->reason);
    }
    if (o->location) {
        nb_buf_puts(pdf, " /Location ");
        put_text_string(pdf, o->location);
    }
    nb_buf_puts(pdf, " >>\nendobj\n");

    xref[1] = (xref_entry){widget_num, pdf->len, 0};
    nb_buf_printf(pdf,
                  "%zu 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V %zu 0 R "
                  "/P %zu %d R /Rect [0 0 0 0] /F 132 /AP << /N %zu 0 R >> >>\nendobj\n",
                  widget_num, sig_num, page_num, page_gen, ap_num);
    xref[2] = (xref_entry){ap_num, pdf->len, 0};
    nb_buf_printf(pdf,
                  "%zu 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 0 0] /Resources << >> "
                  "/Length 0 >>\nstream\n\nendstream\nendobj\n",
                  ap_num);
    xref[3] = (xref_entry){page_num, pdf->len, page_gen};
    nb_buf_printf(pdf, "%zu %d obj\n", page_num, page_gen);
    nb_buf_put(pdf, page_text.data, page_text.len);
    nb_buf_puts(pdf, "\nendobj\n");
    xref[4] = (xref_entry){root_num, pdf->len, root_gen};
    nb_buf_printf(pdf, "%zu %d obj\n", root_num, root_gen);
    nb_buf_put(pdf, root_text.data, root_text.len);
    nb_buf_puts(pdf, "\nendobj\n");

    /* Classic xref: one subsection per run of consecutive numbers, 20-byte entries. */
    const size_t xref_at = pdf->len;
    qsort(xref, 5, sizeof *xref, by_num);
    nb_buf_puts(pdf, "xref\n");
    for (size_t i = 0; i < 5;) {
        size_t j = i + 1;
        while (j < 5 && xref[j].num == xref[j - 1].num + 1)
            j++;
        nb_buf_printf(pdf, "%zu %zu\n", xref[i].num, j - i);
        for (; i < j; i++)
            nb_buf_printf(pdf, "%010zu %05d n\r\n", xref[i].offset, xref[i].gen);
    }
    nb_buf_puts(pdf, "trailer\n");
    nb_buf_put(pdf, trailer_text.data, trailer_text.len);
    nb_buf_printf(pdf, "\nstartxref\n%zu\n%%%%EOF\n", xref_at);
    nb_buf_free(&page_text);
    nb_buf_free(&root_text);
    nb_buf_free(&trailer_text);

    /* Patch /ByteRange in place (same width), then sign the two ranges around /Contents. */
    char range[sizeof placeholder];
    int n = snprintf(range, sizeof range, "[0 %zu %zu %zu]", contents_at, contents_end,
                     pdf->len - contents_end);
    if (n < 0 || (size_t)n >= sizeof range) {
        nb_diag_add(d, NB_ERROR, nowhere, "cannot sign: the PDF is too large");
        pdf->len = original_len;
        signer_free(&s);
        return NB_EINPUT;
    }
    memset(range + n, ' ', sizeof range - 1 - (size_t)n);
    memcpy(pdf->data + byterange_at, range, sizeof range - 1);

    int der_len = 0;
    unsigned char *der = pdf->len <= INT_MAX
                             ? make_cms(&s, pdf->data, contents_at, contents_end, pdf->len, when,
                                        o->cades, &der_len, d)
                             : NULL;
    signer_free(&s);
    ERR_clear_error();
    if (!der) {
        if (pdf->len > INT_MAX)
            nb_diag_add(d, NB_ERROR, nowhere, "cannot sign: the PDF is too large");
        pdf->len = original_len;
        return NB_EINPUT;
    }
    if ((size_t)der_len > reserve) {
        nb_diag_add(d, NB_ERROR, nowhere,
                    "cannot sign: the signature takes %d bytes, more than the %zu reserved",
                    der_len, reserve);
        OPENSSL_free(der);
        pdf->len = original_len;
        return NB_EINPUT;
    }
    static const char hex[] = "0123456789ABCDEF";
    for (int i = 0; i < der_len; i++) {
        pdf->data[contents_at + 1 + 2 * (size_t)i] = (unsigned char)hex[der[i] >> 4];
        pdf->data[contents_at + 2 + 2 * (size_t)i] = (unsigned char)hex[der[i] & 15];
    }
    int verified = verify_own(der, der_len, pdf->data, contents_at, contents_end, pdf->len, d);
    OPENSSL_free(der);
    ERR_clear_error();
    if (!verified) {
        pdf->len = original_len;
        return NB_EINPUT;
    }
    return NB_OK;
}

NB_MODULE_EXPORT(.sign_pdf = nb_mod_sign_pdf);
