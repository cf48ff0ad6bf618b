/* nianbao check: the arithmetic and consistency findings of one report. */
#include "cli.h"
#include "diag.h"

#include <stdio.h>
#include <string.h>

enum {
    OPT_PREVIOUS = NB_CLI_LONG_ONLY,
    OPT_FORMAT,
};

static const nb_cli_option check_options[] = {
    {OPT_PREVIOUS, "previous", "FILE", "last year's report, to compare the carried-over counts"},
    {OPT_FORMAT, "format", "FORMAT", "text (file:line:col: ...) or json"},
    {NB_CLI_PDF_FONT, "font", "ROLE=FONT",
     "as render: FONT counts first for ROLE when checking that every character has a font"},
    {NB_CLI_PDF_FONTS, "fonts", "PRESET", "as render: government"},
    {NB_CLI_PDF_ALLOW_DIR, "allow-dir", "DIR",
     "as render: the report's fonts: may name files in DIR too (repeatable)"},
    {0, NULL, NULL, NULL},
};

typedef struct check_args {
    const char *previous;
    int json;
    nb_cli_pdf_args fonts; /* --font and --fonts, taken and applied as render's */
} check_args;

static int take(nb_cli *cli, void *ctx, int key, const char *v)
{
    check_args *a = ctx;
    switch (key) {
    case OPT_PREVIOUS: a->previous = v; break;
    case OPT_FORMAT:
        if (strcmp(v, "json") && strcmp(v, "text"))
            return nb_cli_usage_error(cli, "--format takes text or json");
        a->json = !strcmp(v, "json");
        break;
    default: return nb_cli_take_pdf_option(cli, &a->fonts, key, v);
    }
    return 0;
}

static int run(nb_cli *cli, int argc, char **argv)
{
    check_args a = {0};
    int first = nb_cli_parse(cli, argc, argv, take, &a);
    if (first < 0)
        return first == NB_CLI_DONE ? NB_OK : -first;
    if (argc - first != 1)
        return nb_cli_usage_error(cli, "check needs one report");
    const char *in = argv[first];
    if (a.previous && !strcmp(a.previous, "-") && !strcmp(in, "-"))
        return nb_cli_usage_error(cli, "only one of the reports can come from standard input");
    nb_engine *e = nb_cli_engine(cli);
    if (!e)
        return NB_EINPUT;
    nb_diags *d = nb_cli_diags(cli);
    nb_report *r = NULL, *last = NULL;
    int rc = nb_cli_load_report(e, in, &r, d);
    if (rc == NB_OK) /* the fonts render would be given count for the font coverage */
        nb_pdf_settings_apply(&a.fonts, r);
    if (rc == NB_OK && a.previous)
        rc = nb_cli_load_report(e, a.previous, &last, d);
    if (rc == NB_OK)
        rc = nb_check(r, last, d);
    if (a.json)
        nb_diags_print_json(d, stdout);
    else
        nb_cli_print_diags(cli, d, stdout);
    if (cli->verbosity > 0) {
        size_t warnings = 0; /* not the notes -v adds */
        for (size_t i = 0; i < nb_diags_count(d); i++)
            warnings += nb_diags_get(d, i, NULL, NULL, NULL, NULL) == NB_WARNING;
        nb_cli_note(cli, "%s: %zu errors, %zu warnings", in,
                    nb_diags_errors(d), warnings);
    }
    nb_report_free(r);
    nb_report_free(last);
    nb_diags_free(d);
    nb_engine_free(e);
    return rc;
}

const nb_cli_command nb_cli_check = {
    "check",
    "REPORT [OPTION]...",
    "check a report's arithmetic",
    "Checks the arithmetic and consistency of REPORT (- for standard input) and prints the\n"
    "findings. Exit status: 0 no errors, 1 the report has errors, 2 unreadable input or wrong\n"
    "usage.",
    check_options,
    run,
    0,
};
