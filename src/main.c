/* The nianbao command. Exit codes: 0 written / clean, 1 the report has errors, 2 unreadable
 * input, wrong usage or unwritable output. */
#include "batch.h"
#include "diag.h"
#include "nianbao.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: nianbao render REPORT.yaml -o OUT.pdf [--force] [--pdfa] [--copies N]\n"
    "                      [--dump-layout FILE] [--dump-format text|json] [--font ROLE=FONT]\n"
    "                      [--style grid|compact]\n"
    "                      [--sign FILE.p12 | --sign-key KEY.pem --sign-cert CERT.pem]\n"
    "                      [--sign-password-env VAR | --sign-password PW] [--sign-cades]\n"
    "                      [--sign-reason TEXT] [--sign-location TEXT]\n"
    "       nianbao check REPORT.yaml [--previous LAST_YEAR.yaml] [--format text|json]\n"
    "       nianbao batch INPUT... -o OUTDIR [-j N] [--names input|agency] [--report FILE.json]\n"
    "                     [--force] [--check-only]\n"
    "       nianbao --version\n";

static int usage_error(const char *msg)
{
    if (msg)
        fprintf(stderr, "nianbao: %s\n", msg);
    fputs(usage, stderr);
    return NB_EINPUT;
}

static nb_engine *engine_or_die(void)
{
    char *error = NULL;
    nb_engine *e = nb_engine_new(NULL, &error);
    if (!e) {
        fprintf(stderr, "nianbao: %s\n", error ? error : "cannot set up fonts");
        free(error);
    }
    return e;
}

/* The signing options of render. Returns 1 when argv[*i] was one (and consumed its value),
 * 0 when it is not a signing option, -1 after a usage error. The password is read from an
 * option or the environment and never printed. */
static int sign_option(int argc, char **argv, int *i, nb_render_options *o)
{
    static const char *const with_value[] = {"--sign", "--sign-key", "--sign-cert",
                                             "--sign-password", "--sign-password-env",
                                             "--sign-reason", "--sign-location"};
    const char *a = argv[*i];
    if (!strcmp(a, "--sign-cades")) {
        o->sign_cades = 1;
        return 1;
    }
    size_t k = 0, n = sizeof with_value / sizeof *with_value;
    while (k < n && strcmp(a, with_value[k]))
        k++;
    if (k == n)
        return 0;
    if (++*i >= argc) {
        fprintf(stderr, "nianbao: %s needs a value\n", a);
        return -1;
    }
    const char *v = argv[*i];
    switch (k) {
    case 0: o->sign_p12 = v; break;
    case 1: o->sign_key = v; break;
    case 2: o->sign_cert = v; break;
    case 3: o->sign_password = v; break;
    case 4:
        o->sign_password = getenv(v);
        if (!o->sign_password) {
            fprintf(stderr, "nianbao: the environment variable %s is not set\n", v);
            return -1;
        }
        break;
    case 5: o->sign_reason = v; break;
    default: o->sign_location = v; break;
    }
    return 1;
}

/* Checks that the signing options fit together; fills the password from the environment. */
static int sign_options_ok(nb_render_options *o)
{
    int any = o->sign_p12 || o->sign_key || o->sign_cert;
    if (!any && (o->sign_password || o->sign_reason || o->sign_location || o->sign_cades)) {
        fputs("nianbao: the --sign-... options need --sign or --sign-key/--sign-cert\n", stderr);
        return 0;
    }
    if (any && !(o->sign_p12 ? !o->sign_key && !o->sign_cert : o->sign_key && o->sign_cert)) {
        fputs("nianbao: sign with either --sign FILE.p12 or both --sign-key and --sign-cert\n",
              stderr);
        return 0;
    }
    if (any && !o->sign_password)
        o->sign_password = getenv("NIANBAO_SIGN_PASSWORD");
    return 1;
}

static int cmd_render(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *style = NULL;
    const char *fonts[16];
    int nfonts = 0;
    nb_render_options o = {0};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (++i >= argc)
                return usage_error("-o needs a file name");
            out = argv[i];
        } else if (!strcmp(a, "--force")) {
            o.force = 1;
        } else if (!strcmp(a, "--pdfa")) {
            o.pdfa = 1;
        } else if (!strcmp(a, "--copies")) {
            if (++i >= argc)
                return usage_error("--copies needs a number");
            char *end;
            long n = strtol(argv[i], &end, 10);
            if (*end || n < 1 || n > 99)
                return usage_error("--copies takes a number from 1 to 99");
            o.copies = (int)n;
        } else if (!strcmp(a, "--dump-layout")) {
            if (++i >= argc)
                return usage_error("--dump-layout needs a file name (- for standard output)");
            o.dump_layout = argv[i];
        } else if (!strcmp(a, "--dump-format")) {
            if (++i >= argc)
                return usage_error("--dump-format takes text or json");
            if (!strcmp(argv[i], "json"))
                o.dump_json = 1;
            else if (strcmp(argv[i], "text"))
                return usage_error("--dump-format takes text or json");
        } else if (!strcmp(a, "--font")) {
            if (++i >= argc || !strchr(argv[i], '=') || nfonts == 16)
                return usage_error("--font takes ROLE=FONT (a family name or a font file)");
            fonts[nfonts++] = argv[i];
        } else if (!strcmp(a, "--style")) {
            if (++i >= argc || (strcmp(argv[i], "grid") && strcmp(argv[i], "compact")))
                return usage_error("--style takes grid or compact");
            style = argv[i];
        } else if (!strncmp(a, "--sign", 6)) {
            int took = sign_option(argc, argv, &i, &o);
            if (took < 0)
                return usage_error(NULL);
            if (!took) {
                fprintf(stderr, "nianbao: unknown option %s\n", a);
                return usage_error(NULL);
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "nianbao: unknown option %s\n", a);
            return usage_error(NULL);
        } else if (!in) {
            in = a;
        } else {
            return usage_error("render takes one report");
        }
    }
    if (!in || !out)
        return usage_error("render needs a report and -o OUT.pdf");
    if (!sign_options_ok(&o))
        return usage_error(NULL);
    nb_engine *e = engine_or_die();
    if (!e)
        return NB_EINPUT;
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    int rc = nb_report_load_file(e, in, &r, d);
    if (rc == NB_OK && style)
        rc = nb_report_set_style(r, style);
    for (int i = nfonts - 1; i >= 0 && rc == NB_OK; i--) {
        char role[32];
        const char *eq = strchr(fonts[i], '=');
        snprintf(role, sizeof role, "%.*s", (int)(eq - fonts[i]), fonts[i]);
        if (nb_report_use_font(r, role, eq + 1) != NB_OK) {
            fprintf(stderr, "nianbao: --font: unknown role '%s' (title, heading1, heading2, body, "
                            "table, folio)\n", role);
            rc = NB_EINPUT;
        }
    }
    if (rc == NB_OK)
        rc = nb_render_file(e, r, &o, out, d);
    nb_diags_print(d, stderr);
    nb_report_free(r);
    nb_diags_free(d);
    nb_engine_free(e);
    return rc;
}

static int cmd_check(int argc, char **argv)
{
    const char *in = NULL, *prev = NULL;
    int json = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--previous")) {
            if (++i >= argc)
                return usage_error("--previous needs a file name");
            prev = argv[i];
        } else if (!strcmp(a, "--format")) {
            if (++i >= argc)
                return usage_error("--format takes text or json");
            if (!strcmp(argv[i], "json"))
                json = 1;
            else if (strcmp(argv[i], "text"))
                return usage_error("--format takes text or json");
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "nianbao: unknown option %s\n", a);
            return usage_error(NULL);
        } else if (!in) {
            in = a;
        } else {
            return usage_error("check takes one report");
        }
    }
    if (!in)
        return usage_error("check needs a report");
    nb_engine *e = engine_or_die();
    if (!e)
        return NB_EINPUT;
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL, *last = NULL;
    int rc = nb_report_load_file(e, in, &r, d);
    if (rc == NB_OK && prev)
        rc = nb_report_load_file(e, prev, &last, d);
    if (rc == NB_OK)
        rc = nb_check(r, last, d);
    if (json)
        nb_diags_print_json(d, stdout);
    else
        nb_diags_print(d, stdout);
    nb_report_free(r);
    nb_report_free(last);
    nb_diags_free(d);
    nb_engine_free(e);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(NULL);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "render"))
        return cmd_render(argc - 2, argv + 2);
    if (!strcmp(cmd, "check"))
        return cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "batch"))
        return nb_cli_batch(argc - 2, argv + 2);
    if (!strcmp(cmd, "--version")) {
        puts("nianbao " NIANBAO_VERSION);
        return NB_OK;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage, stdout);
        return NB_OK;
    }
    fprintf(stderr, "nianbao: unknown command '%s'\n", cmd);
    return usage_error(NULL);
}
