/* nianbao batch: many reports, checked and rendered by worker threads (src/batch.c). */
#include "cli.h"
#include "batch.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_NAMES = NB_CLI_LONG_ONLY,
    OPT_REPORT,
    OPT_SUMMARY,
    OPT_PREVIOUS_DIR,
    OPT_CHANGED,
    OPT_CHECK_ONLY,
    OPT_FORMAT,
    OPT_HTML_FRAGMENT,
};

static const nb_cli_option batch_options[] = {
    {'o', "output", "DIR", "write the PDFs into DIR (created if missing)"},
    {'j', "jobs", "N", "use N worker threads (default: one per core)"},
    {'r', "recursive", NULL, "read the subfolders of a folder too; the PDFs go to the same "
     "subfolders of DIR"},
    {OPT_NAMES, "names", "FROM", "name each PDF after its input (input) or AGENCY-YEAR (agency)"},
    {OPT_PREVIOUS_DIR, "previous-dir", "DIR",
     "compare each report with last year's report of the same agency found in DIR"},
    {OPT_CHANGED, "changed", NULL,
     "render only reports whose input, last year's report, layout, seal, fonts or options "
     "changed since their PDF was written"},
    {OPT_REPORT, "report", "FILE",
     "write the JSON summary to FILE (default DIR/batch-report.json, with --check-only "
     "DIR/batch-check.json)"},
    {OPT_SUMMARY, "summary", "FILE.csv",
     "also write a CSV summary, a row per report (UTF-8 with BOM, for Excel)"},
    {OPT_CHECK_ONLY, "check-only", NULL, "check every report, render nothing"},
    {OPT_FORMAT, "format", "FORMATS",
     "pdf (the default), html, or pdf,html: DIR/NAME.pdf and/or the portal page DIR/NAME.html "
     "(repeating --format adds formats)"},
    {OPT_HTML_FRAGMENT, "html-fragment", NULL,
     "with html: write each page as a fragment (a div and its stylesheet) for a CMS"},
    {0, NULL, NULL, NULL},
};

static int take(nb_cli *cli, void *ctx, int key, const char *v)
{
    nb_batch_options *o = ctx;
    switch (key) {
    case 'o': o->outdir = v; break;
    case 'j': {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || end == v || n < 1 || n > 256)
            return nb_cli_usage_error(cli, "-j takes a number of threads from 1 to 256");
        o->threads = (int)n;
        break;
    }
    case 'r': o->recursive = 1; break;
    case OPT_NAMES:
        if (strcmp(v, "input") && strcmp(v, "agency"))
            return nb_cli_usage_error(cli, "--names takes input or agency");
        o->names_agency = !strcmp(v, "agency");
        break;
    case OPT_PREVIOUS_DIR: o->previous_dir = v; break;
    case OPT_CHANGED: o->changed = 1; break;
    case OPT_REPORT: o->report_path = v; break;
    case OPT_SUMMARY: o->summary_path = v; break;
    case OPT_CHECK_ONLY: o->check_only = 1; break;
    case OPT_FORMAT:
        /* A comma-separated list; repeated, the formats add up (an office publishes both). */
        for (const char *p = v;;) {
            size_t n = strcspn(p, ",");
            if (n == 3 && !strncmp(p, "pdf", 3))
                o->formats |= NB_BATCH_PDF;
            else if (n == 4 && !strncmp(p, "html", 4))
                o->formats |= NB_BATCH_HTML;
            else
                return nb_cli_usage_error(cli, "--format takes pdf, html or pdf,html");
            if (!p[n])
                break;
            p += n + 1;
        }
        break;
    case OPT_HTML_FRAGMENT: o->html_fragment = 1; break;
    default: return nb_cli_take_pdf_option(cli, &o->pdf, key, v);
    }
    return 0;
}

/* Each report of a batch allocates and frees blocks of 100 KB to 1 MB (the PDF, its packed
 * twin, deflated streams, the subsetter's). With glibc's default thresholds they came from
 * fresh mappings or from heap just trimmed back, and every page was faulted in again: 340 page
 * faults a report, 16 % of a batch's CPU in the kernel. Here they stay in the heap between
 * reports (the per-thread arenas too); the peak RSS of 1,000 reports at -j 2 goes from 33 to
 * 38 MB. (render sets its own, for one short process.) */
static void heap_for_many_reports(void)
{
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    mallopt(M_TRIM_THRESHOLD, 8 << 20);
}

static int run(nb_cli *cli, int argc, char **argv)
{
    heap_for_many_reports();
    nb_batch_options o = {0};
    int first = nb_cli_parse(cli, argc, argv, take, &o);
    if (first < 0)
        return first == NB_CLI_DONE ? NB_OK : -first;
    if (first >= argc || (!o.outdir && !o.check_only))
        return nb_cli_usage_error(cli, "batch needs reports and -o DIR");
    if (o.changed && o.check_only)
        return nb_cli_usage_error(cli, "--changed is for rendering, not with --check-only");
    if (o.html_fragment && !(o.formats & NB_BATCH_HTML))
        return nb_cli_usage_error(cli, "--html-fragment needs --format html (or pdf,html)");
    if (o.formats && o.check_only)
        return nb_cli_usage_error(cli, "--format is for rendering, not with --check-only");
    if (!nb_cli_pdf_args_ok(cli, &o.pdf))
        return NB_EINPUT;
    o.verbosity = cli->verbosity;
    return nb_batch_run(&o, (const char *const *)argv + first, (size_t)(argc - first));
}

const nb_cli_command nb_cli_batch_command = {
    "batch",
    "INPUT... -o DIR [OPTION]...",
    "check and render many reports",
    "Checks and renders many reports. INPUT is a report, a folder (its *.yaml, *.yml and\n"
    "*.json, by name; with -r its subfolders too) or @LIST (a file naming one report or folder\n"
    "a line). Writes DIR/NAME.pdf for every report (--format html: DIR/NAME.html, the portal\n"
    "page; pdf,html: both) and a JSON summary naming each output; a report with errors gets no\n"
    "output, and one left at its path by an earlier run is removed. Exit status: 0 every\n"
    "report written, 1 some report had errors, 2 only unreadable inputs failed, or wrong usage.",
    batch_options,
    run,
    1,
};
