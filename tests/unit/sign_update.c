/* The signer's PDF reader and incremental update on hand-written PDFs: first page without and
 * with /Annots (direct and indirect), a nested page tree, a document that is already signed, a
 * cross-reference stream, and every truncation and many corruptions of a valid file (which must
 * be refused, never crash). The signature itself is checked with OpenSSL's CMS_verify. */
#include "sign.h"

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expect.h"

/* The first occurrence of needle in [from, len) of b, or SIZE_MAX. */
static size_t find(const nb_buf *b, size_t from, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = from; i + n <= b->len; i++)
        if (!memcmp(b->data + i, needle, n))
            return i;
    return SIZE_MAX;
}

/* Builds a PDF from object bodies (objs[i] is object i + 1) with a correct classic xref. */
static void make_pdf(nb_buf *b, const char *const *objs, size_t n, const char *trailer_extra)
{
    size_t *off = calloc(n, sizeof *off);
    nb_buf_puts(b, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    for (size_t i = 0; i < n; i++) {
        off[i] = b->len;
        nb_buf_printf(b, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = b->len;
    nb_buf_printf(b, "xref\n0 %zu\n0000000000 65535 f\r\n", n + 1);
    for (size_t i = 0; i < n; i++)
        nb_buf_printf(b, "%010zu 00000 n\r\n", off[i]);
    nb_buf_printf(b, "trailer\n<< /Size %zu /Root 1 0 R %s>>\nstartxref\n%zu\n%%%%EOF\n", n + 1,
                  trailer_extra, xref);
    free(off);
}

static void write_pem(const char *dir, EVP_PKEY **key, X509 **cert)
{
    *key = EVP_RSA_gen(2048);
    *cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(*cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(*cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(*cert), 86400);
    X509_set_pubkey(*cert, *key);
    X509_NAME *name = X509_get_subject_name(*cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"unit", -1, -1, 0);
    X509_set_issuer_name(*cert, name);
    X509_sign(*cert, *key, EVP_sha256());
    char path[512];
    snprintf(path, sizeof path, "%s/key.pem", dir);
    FILE *f = fopen(path, "w");
    PEM_write_PrivateKey(f, *key, NULL, NULL, 0, NULL, NULL);
    fclose(f);
    snprintf(path, sizeof path, "%s/cert.pem", dir);
    f = fopen(path, "w");
    PEM_write_X509(f, *cert);
    fclose(f);
}

/* Verifies the last signature of pdf over its /ByteRange with OpenSSL. */
static int verify(const nb_buf *pdf, X509 *cert)
{
    const char *s = (const char *)pdf->data;
    const char *br = NULL;
    for (size_t at = find(pdf, 0, "/ByteRange ["); at != SIZE_MAX;
         at = find(pdf, at + 1, "/ByteRange ["))
        br = s + at;
    if (!br)
        return 0;
    size_t a, b, c, d;
    if (sscanf(br, "/ByteRange [%zu %zu %zu %zu]", &a, &b, &c, &d) != 4 || a != 0 ||
        c + d != pdf->len || s[b] != '<' || s[c - 1] != '>')
        return 0;
    size_t hexlen = c - b - 2, n = hexlen / 2;
    unsigned char *der = malloc(n);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(s + b + 1 + 2 * i, "%2x", &v);
        der[i] = (unsigned char)v;
    }
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)n);
    BIO *data = BIO_new(BIO_s_mem());
    BIO_write(data, pdf->data, (int)b);
    BIO_write(data, pdf->data + c, (int)d);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, cert);
    int ok = cms && CMS_verify(cms, NULL, store, data, NULL, CMS_BINARY) == 1;
    X509_STORE_free(store);
    BIO_free(data);
    CMS_ContentInfo_free(cms);
    free(der);
    return ok;
}

static int sign(nb_buf *pdf, const char *dir, const char **error)
{
    char key[512], cert[512];
    snprintf(key, sizeof key, "%s/key.pem", dir);
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    nb_sign_options o = {.key_path = key, .cert_path = cert, .reason = "审核", .reserve = 4096};
    nb_diags *d = nb_diags_new();
    int rc = nb_sign_pdf(pdf, &o, d);
    static char last[512];
    last[0] = 0;
    if (nb_diags_count(d)) {
        const char *msg;
        nb_diags_get(d, 0, NULL, NULL, NULL, &msg);
        snprintf(last, sizeof last, "%s", msg);
    }
    if (error)
        *error = last;
    nb_diags_free(d);
    return rc;
}

static int contains(const nb_buf *b, size_t from, const char *needle)
{
    return find(b, from, needle) != SIZE_MAX;
}

int main(void)
{
    char dir[] = "/tmp/nb-sign-unit.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    EVP_PKEY *key;
    X509 *cert;
    write_pem(dir, &key, &cert);
    const char *err;

    /* 1. A first page without /Annots; then signing the signed file is refused. */
    const char *simple[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] >>",
                            "<< /Producer (unit) >>"};
    nb_buf pdf = {0};
    make_pdf(&pdf, simple, 4, "/Info 4 0 R /ID [<0011> <0011>] ");
    nb_buf original = {0};
    nb_buf_put(&original, pdf.data, pdf.len);
    CHECK(sign(&pdf, dir, &err) == NB_OK, "simple: %s", err);
    CHECK(pdf.len > original.len && !memcmp(pdf.data, original.data, original.len),
          "simple: the original is not a prefix");
    CHECK(contains(&pdf, original.len, "/Annots [6 0 R] >>"), "simple: no /Annots");
    CHECK(contains(&pdf, original.len, "/AcroForm << /Fields [6 0 R] /SigFlags 3 >>"),
          "simple: no /AcroForm");
    CHECK(contains(&pdf, original.len, "/Info 4 0 R /ID [<0011> <0011>]"), "simple: trailer");
    CHECK(contains(&pdf, original.len, "/Reason <FEFF5BA16838>"), "simple: /Reason");
    CHECK(verify(&pdf, cert), "simple: the signature does not verify");
    size_t signed_len = pdf.len;
    CHECK(sign(&pdf, dir, &err) == NB_EINPUT && strstr(err, "AcroForm"),
          "signing twice: %s", err);
    CHECK(pdf.len == signed_len, "a refused signing changed the PDF");
    pdf.data[original.len / 2] ^= 1; /* a changed byte breaks the signature */
    CHECK(!verify(&pdf, cert), "a changed byte still verifies");
    nb_buf_free(&pdf);

    /* 2. Direct /Annots, merged. */
    const char *direct[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                            "<< /Type /Page /Parent 2 0 R /Annots [4 0 R] /MediaBox [0 0 9 9] >>",
                            "<< /Type /Annot /Subtype /Text /Rect [0 0 1 1] >>"};
    make_pdf(&pdf, direct, 4, "");
    size_t before = pdf.len;
    CHECK(sign(&pdf, dir, &err) == NB_OK, "direct annots: %s", err);
    CHECK(contains(&pdf, before, "/MediaBox [0 0 9 9]  /Annots [4 0 R 6 0 R] >>") &&
              !contains(&pdf, before, "/Annots [4 0 R] "),
          "direct annots: not merged");
    CHECK(contains(&pdf, before, "/ID [<"), "no /ID made for a file without one");
    CHECK(verify(&pdf, cert), "direct annots: the signature does not verify");
    nb_buf_free(&pdf);

    /* 3. Indirect /Annots and a nested page tree with strings holding delimiters. */
    const char *nested[] = {"<< /Type /Catalog /Pages 2 0 R /Lang (zh\\)<<[) >>",
                            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                            "<< /Type /Pages /Parent 2 0 R /Kids [4 0 R] /Count 1 >>",
                            "<< /Type /Page /Parent 3 0 R /Annots 5 0 R % a comment >>\n>>",
                            "[6 0 R]",
                            "<< /Type /Annot /Subtype /Text /Rect [0 0 1 1] /Contents <3E3E> >>"};
    make_pdf(&pdf, nested, 6, "");
    before = pdf.len;
    CHECK(sign(&pdf, dir, &err) == NB_OK, "nested: %s", err);
    CHECK(contains(&pdf, before, "4 0 obj\n<< /Type /Page /Parent 3 0 R "),
          "nested: page 4 not rewritten");
    CHECK(contains(&pdf, before, "/Annots [6 0 R 8 0 R] >>"), "nested: annots not merged");
    CHECK(contains(&pdf, before, "/Lang (zh\\)<<[)  /AcroForm"), "nested: catalog");
    CHECK(verify(&pdf, cert), "nested: the signature does not verify");
    nb_buf_free(&pdf);

    /* 4. A cross-reference stream is named as the reason. */
    nb_buf xs = {0};
    nb_buf_puts(&xs, "%PDF-1.5\n1 0 obj\n<< /Type /XRef /Size 2 /W [1 2 1] /Length 0 >>\n"
                     "stream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n");
    CHECK(sign(&xs, dir, &err) == NB_EINPUT && strstr(err, "cross-reference stream"),
          "xref stream: %s", err);
    nb_buf_free(&xs);

    /* 5. Every truncation, and byte corruptions, of a valid file: refused or signed, no crash.
     * A file cut before the end of its startxref number must be refused. */
    size_t needed = find(&original, 0, "startxref\n") + 10;
    while (original.data[needed] >= '0' && original.data[needed] <= '9')
        needed++;
    for (size_t cut = 0; cut < original.len; cut++) {
        nb_buf t = {0};
        nb_buf_put(&t, original.data, cut);
        int rc = sign(&t, dir, NULL);
        if (cut < needed) {
            CHECK(rc == NB_EINPUT, "a file cut at %zu was signed", cut);
            CHECK(t.len == cut, "a refused file changed");
        }
        nb_buf_free(&t);
    }
    unsigned seed = 12345;
    for (int round = 0; round < 400; round++) {
        nb_buf t = {0};
        nb_buf_put(&t, original.data, original.len);
        for (int k = 0; k < 3; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % t.len;
            seed = seed * 1103515245u + 12345u;
            t.data[at] = (unsigned char)(seed >> 16);
        }
        sign(&t, dir, NULL); /* either result is fine; it must not crash or overrun */
        nb_buf_free(&t);
    }
    nb_buf_free(&original);

    char path[600];
    snprintf(path, sizeof path, "%s/key.pem", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/cert.pem", dir);
    unlink(path);
    rmdir(dir);
    EVP_PKEY_free(key);
    X509_free(cert);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures != 0;
}
