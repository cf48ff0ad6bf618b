/* nianbao check: the arithmetic and consistency findings of one report. */
#include "cli.h"
#include "diag.h"

#include <stdio.h>
#include <string.h>

enum {
    OPT_PREVIOUS = NB_CLI_LONG_ONLY,
    OPT_FORMAT,
    OPT_FONT,
    OPT_FONTS,
};

#define MAX_FONTS 16

static const nb_cli_option check_options[] = {
    {OPT_PREVIOUS, "previous", "FILE", "last year's report, to compare the carried-over counts"},
    {OPT_FORMAT, "format", "FORMAT", "text (file:line:col: ...) or json"},
    {OPT_FONT, "font", "ROLE=FONT",
     "as render: FONT counts first for ROLE when checking that every character has a font"},
    {OPT_FONTS, "fonts", "PRESET", "as render: government"},
    {0, NULL, NULL, NULL},
};

typedef struct check_args {
    const char *previous;
    int json;
    const char *fonts[MAX_FONTS]; /* ROLE=FONT, as given */
    int nfonts;
    const char *preset;
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
    case OPT_FONT:
        if (!strchr(v, '=') || !strchr(v, '=')[1])
            return nb_cli_usage_error(cli, "--font takes ROLE=FONT (a family name or a font file)");
        if (a->nfonts == MAX_FONTS)
            return nb_cli_usage_error(cli, "--font is given more than %d times", MAX_FONTS);
        a->fonts[a->nfonts++] = v;
        break;
    case OPT_FONTS:
        if (strcmp(v, "government"))
            return nb_cli_usage_error(cli, "--fonts takes government");
        a->preset = v;
        break;
    }
    return 0;
}

/* The fonts render would be given, so that the font coverage counts them (as
 * nb_pdf_settings_apply does for render and batch). */
static int use_fonts(nb_cli *cli, const check_args *a, nb_report *r)
{
    if (a->preset)
        nb_report_use_fonts(r, a->preset);
    for (int i = a->nfonts - 1; i >= 0; i--) {
        char role[32];
        const char *eq = strchr(a->fonts[i], '=');
        snprintf(role, sizeof role, "%.*s", (int)(eq - a->fonts[i]), a->fonts[i]);
        if (nb_report_use_font(r, role, eq + 1) != NB_OK)
            return nb_cli_usage_error(
                cli, "--font: unknown role '%.*s' (title, heading1, heading2, body, table, folio)",
                (int)(eq - a->fonts[i]), a->fonts[i]);
    }
    return NB_OK;
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
    if (rc == NB_OK)
        rc = use_fonts(cli, &a, r);
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
