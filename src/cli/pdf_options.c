/* The options that shape a PDF, taken alike by render and batch (cli.h). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

const nb_cli_option nb_cli_pdf_options[] = {
    {NB_CLI_PDF_FORCE, "force", NULL, "write the PDF even when the check finds errors"},
    {NB_CLI_PDF_PDFA, "pdfa", NULL, "write PDF/A-1b, for archiving"},
    {NB_CLI_PDF_UNTAGGED, "untagged", NULL,
     "leave out the tags (the structure screen readers and text extraction read) for a smaller "
     "file"},
    {NB_CLI_PDF_COPIES, "copies", "N", "ask the viewer to print N copies (1 to 99)"},
    {NB_CLI_PDF_FONT, "font", "ROLE=FONT",
     "use FONT (a family name or a file) first for ROLE: title, heading1, heading2, body, table, "
     "folio"},
    {NB_CLI_PDF_STYLE, "style", "STYLE",
     "grid (every Han character and full-width mark one cell) or compact (marks squeezed); "
     "overrides the report's style:"},
    {NB_CLI_PDF_FONTS, "fonts", "PRESET",
     "government: 方正小标宋简体, 黑体, 楷体_GB2312 and 仿宋_GB2312 where installed (a warning "
     "names each one missing and the bundled font used instead)"},
    {NB_CLI_PDF_ALLOW_DIR, "allow-dir", "DIR",
     "let the report's seal: and fonts: name files in DIR too, not only in its own folder"},
    {NB_CLI_PDF_SIGN, "sign", "FILE.p12", "sign with the key and certificates in a PKCS#12 file"},
    {NB_CLI_PDF_SIGN_KEY, "sign-key", "KEY.pem", "sign with this private key (with --sign-cert)"},
    {NB_CLI_PDF_SIGN_CERT, "sign-cert", "CERT.pem", "the signer's certificate, then its chain"},
    {NB_CLI_PDF_SIGN_PASSWORD, "sign-password", "PASSWORD",
     "the password of the key (visible to other users: prefer --sign-password-env)"},
    {NB_CLI_PDF_SIGN_PASSWORD_ENV, "sign-password-env", "VAR",
     "read the password from the environment variable VAR (default NIANBAO_SIGN_PASSWORD)"},
    {NB_CLI_PDF_SIGN_REASON, "sign-reason", "TEXT", "the reason recorded in the signature"},
    {NB_CLI_PDF_SIGN_LOCATION, "sign-location", "TEXT", "the place recorded in the signature"},
    {NB_CLI_PDF_SIGN_CADES, "sign-cades", NULL, "a CAdES (PAdES baseline) signature instead of PKCS#7"},
    {0, NULL, NULL, NULL},
};

static const char *const roles[] = {"title", "heading1", "heading2", "body", "table", "folio"};

int nb_cli_take_pdf_option(nb_cli *cli, nb_cli_pdf_args *a, int key, const char *v)
{
    nb_render_options *o = &a->render;
    switch (key) {
    case NB_CLI_PDF_FORCE: o->force = 1; break;
    case NB_CLI_PDF_PDFA: o->pdfa = 1; break;
    case NB_CLI_PDF_UNTAGGED: o->untagged = 1; break;
    case NB_CLI_PDF_COPIES: {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || end == v || n < 1 || n > 99)
            return nb_cli_usage_error(cli, "--copies takes a number from 1 to 99");
        o->copies = (int)n;
        break;
    }
    case NB_CLI_PDF_FONT: {
        const char *eq = strchr(v, '=');
        size_t i = 0, n = sizeof roles / sizeof *roles;
        while (eq && i < n && (strlen(roles[i]) != (size_t)(eq - v) ||
                               strncmp(roles[i], v, (size_t)(eq - v)) != 0))
            i++;
        if (!eq || !eq[1])
            return nb_cli_usage_error(cli, "--font takes ROLE=FONT (a family name or a font file)");
        if (i == n)
            return nb_cli_usage_error(
                cli, "--font: unknown role '%.*s' (title, heading1, heading2, body, table, folio)",
                (int)(eq - v), v);
        if (a->nfonts == NB_MAX_FONT_OPTIONS)
            return nb_cli_usage_error(cli, "--font is given more than %d times", NB_MAX_FONT_OPTIONS);
        a->fonts[a->nfonts++] = v;
        break;
    }
    case NB_CLI_PDF_STYLE:
        if (strcmp(v, "grid") && strcmp(v, "compact"))
            return nb_cli_usage_error(cli, "--style takes grid or compact");
        a->style = v;
        break;
    case NB_CLI_PDF_FONTS:
        if (strcmp(v, "government"))
            return nb_cli_usage_error(cli, "--fonts takes government");
        a->preset = v;
        break;
    case NB_CLI_PDF_ALLOW_DIR:
        if (a->nallow == NB_MAX_ALLOW_DIRS)
            return nb_cli_usage_error(cli, "--allow-dir may be given at most %d times", NB_MAX_ALLOW_DIRS);
        a->allow[a->nallow++] = v;
        break;
    case NB_CLI_PDF_SIGN: o->sign_p12 = v; break;
    case NB_CLI_PDF_SIGN_KEY: o->sign_key = v; break;
    case NB_CLI_PDF_SIGN_CERT: o->sign_cert = v; break;
    case NB_CLI_PDF_SIGN_PASSWORD: o->sign_password = v; break;
    case NB_CLI_PDF_SIGN_PASSWORD_ENV:
        o->sign_password = getenv(v);
        if (!o->sign_password)
            return nb_cli_usage_error(cli, "the environment variable %s is not set", v);
        break;
    case NB_CLI_PDF_SIGN_REASON: o->sign_reason = v; break;
    case NB_CLI_PDF_SIGN_LOCATION: o->sign_location = v; break;
    case NB_CLI_PDF_SIGN_CADES: o->sign_cades = 1; break;
    default:
        return nb_cli_usage_error(cli, "unknown option");
    }
    return 0;
}

int nb_cli_pdf_args_ok(const nb_cli *cli, nb_cli_pdf_args *a)
{
    nb_render_options *o = &a->render;
    o->size = sizeof *o;
    o->allow_dirs = a->nallow ? a->allow : NULL;
    int any = o->sign_p12 || o->sign_key || o->sign_cert;
    if (!any && (o->sign_password || o->sign_reason || o->sign_location || o->sign_cades)) {
        nb_cli_usage_error(cli, "the --sign-... options need --sign or --sign-key/--sign-cert");
        return 0;
    }
    if (any && !(o->sign_p12 ? !o->sign_key && !o->sign_cert : o->sign_key && o->sign_cert)) {
        nb_cli_usage_error(cli, "sign with either --sign FILE.p12 or both --sign-key and --sign-cert");
        return 0;
    }
    if (any && !o->sign_password)
        o->sign_password = getenv("NIANBAO_SIGN_PASSWORD");
    return 1;
}
