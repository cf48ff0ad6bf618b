/* Digital signatures: a CMS (PKCS#7) signature appended to finished PDF bytes as an incremental
 * update (TECH.md §4). The original bytes stay unchanged, so a PDF/A file stays PDF/A and the
 * document's /ID is kept. Only classic cross-reference tables are read (libharu writes those). */
#ifndef NB_SIGN_H
#define NB_SIGN_H

#include "diag.h"
#include "util.h"

/* All strings are borrowed for the duration of the call. The key comes either from a PKCS#12
 * file (p12_path) or from a PEM private key plus a PEM certificate file (key_path + cert_path;
 * certificates after the first one in cert_path are added as the chain). */
typedef struct nb_sign_options {
    const char *p12_path;
    const char *key_path, *cert_path;
    const char *password;       /* of the PKCS#12 file or the encrypted PEM key; NULL: none */
    const char *reason;         /* UTF-8 /Reason; NULL: none */
    const char *location;       /* UTF-8 /Location; NULL: none */
    int cades;                  /* 1: /SubFilter /ETSI.CAdES.detached; 0: adbe.pkcs7.detached */
    size_t reserve;             /* bytes reserved for the DER signature; 0: NB_SIGN_RESERVE */
} nb_sign_options;

#define NB_SIGN_RESERVE 16384u  /* fits a signer certificate and a chain of a few more */

/* Appends the signature to pdf (which keeps its first pdf->len bytes unchanged). The signing
 * time is $SOURCE_DATE_EPOCH when set, otherwise the clock. Returns NB_OK, or NB_EINPUT with a
 * diagnostic (unreadable key, wrong password, a PDF this parser cannot update); on failure pdf
 * is left as it was. */
int nb_sign_pdf(nb_buf *pdf, const nb_sign_options *options, nb_diags *diags);

#endif
