/* nianbao render: one report to one PDF. */
#include "cli.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_DUMP_LAYOUT = NB_CLI_LONG_ONLY,
    OPT_DUMP_FORMAT,
    OPT_FORMAT,
    OPT_HTML_FRAGMENT,
};

static const nb_cli_option render_options[] = {
    {'o', "output", "FILE", "write the PDF to FILE (- for standard output)"},
    {OPT_DUMP_LAYOUT, "dump-layout", "FILE", "write the page boxes to FILE (- for standard output)"},
    {OPT_DUMP_FORMAT, "dump-format", "FORMAT", "text or json, for --dump-layout"},
    {OPT_FORMAT, "format", "FORMAT",
     "pdf (the default) or html: a self-contained HTML5 page for the portal, from the same tables"},
    {OPT_HTML_FRAGMENT, "html-fragment", NULL,
     "with --format html: a fragment (a <div> and its stylesheet) to paste into a CMS"},
    {0, NULL, NULL, NULL},
};

typedef struct render_args {
    const char *output;
    int html, fragment;
    nb_cli_pdf_args pdf;
} render_args;

static int take(nb_cli *cli, void *ctx, int key, const char *v)
{
    render_args *a = ctx;
    switch (key) {
    case 'o': a->output = v; break;
    case OPT_DUMP_LAYOUT: a->pdf.render.dump_layout = v; break;
    case OPT_DUMP_FORMAT:
        if (strcmp(v, "json") && strcmp(v, "text"))
            return nb_cli_usage_error(cli, "--dump-format takes text or json");
        a->pdf.render.dump_json = !strcmp(v, "json");
        break;
    case OPT_FORMAT:
        if (strcmp(v, "pdf") && strcmp(v, "html"))
            return nb_cli_usage_error(cli, "--format takes pdf or html");
        a->html = !strcmp(v, "html");
        break;
    case OPT_HTML_FRAGMENT: a->fragment = 1; break;
    default: return nb_cli_take_pdf_option(cli, &a->pdf, key, v);
    }
    return 0;
}

/* One render is one short process whose heap peaks at a few MB (the seed: 5 MB, with blocks of
 * up to 2 MB for font subsets, compressors and the PDF). glibc would map each block over 128
 * KB by itself and unmap it when freed, so the next one faulted in fresh zeroed pages, and it
 * trimmed and regrew the heap in 128 KB steps. Here every block comes from the heap, which
 * grows in 8 MB steps of address space (pages are touched only when used) and is never
 * trimmed: a freed block's pages serve the next. The process exit returns them all. */
static void heap_for_one_render(void)
{
    mallopt(M_MMAP_THRESHOLD, 32 << 20); /* glibc's largest */
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 8 << 20);
}

/* Whether to free the engine, report and messages before the process ends. The kernel takes
 * back the heap and the font mappings at exit in one go; freeing them first cost the seed
 * render 0.65 M instructions and a munmap per font file (nine, of 0.4 to 7.8 MB), all after
 * the PDF is written. Leak checkers need them freed: LeakSanitizer builds always free, and
 * NIANBAO_FREE_AT_EXIT=1 makes any other run free (tests/valgrind.sh sets it). Instruction
 * counts under callgrind (bench/run.sh) thus measure the path a real run takes. */
static int free_at_exit(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
    return 1;
#endif
#endif
    const char *v = getenv("NIANBAO_FREE_AT_EXIT");
    return v && *v && strcmp(v, "0");
}

static int run(nb_cli *cli, int argc, char **argv)
{
    heap_for_one_render();
    render_args a = {0};
    int first = nb_cli_parse(cli, argc, argv, take, &a);
    if (first < 0)
        return first == NB_CLI_DONE ? NB_OK : -first;
    if (argc - first != 1 || !a.output)
        return nb_cli_usage_error(cli, "render needs one report and -o OUT.pdf");
    const char *in = argv[first];
    if (!nb_cli_pdf_args_ok(cli, &a.pdf))
        return NB_EINPUT;
    if (a.fragment && !a.html)
        return nb_cli_usage_error(cli, "--html-fragment needs --format html");
    a.pdf.render.format =
        a.html ? (a.fragment ? NB_OUTPUT_HTML_FRAGMENT : NB_OUTPUT_HTML) : NB_OUTPUT_PDF;
    nb_engine *e = nb_cli_engine(cli);
    if (!e)
        return NB_EINPUT;
    nb_diags *d = nb_cli_diags(cli);
    nb_report *r = NULL;
    int rc = nb_cli_load_report(e, in, &r, d);
    if (rc == NB_OK)
        nb_pdf_settings_apply(&a.pdf, r);
    /* "-" (standard output), devices, links and inputs are the library's (src/output.c). */
    if (rc == NB_OK)
        rc = nb_render_file(e, r, &a.pdf.render, a.output, d);
    nb_cli_print_diags(cli, d, stderr);
    if (cli->verbosity > 0)
        nb_cli_note(cli,
                    rc == NB_OK ? "%s: written (%zu errors, %zu warnings)"
                                : "%s: not written (%zu errors, %zu warnings)",
                    a.output, nb_diags_errors(d), nb_diags_count(d) - nb_diags_errors(d));
    if (free_at_exit()) {
        nb_report_free(r);
        nb_diags_free(d);
        nb_engine_free(e);
    }
    return rc;
}

const nb_cli_command nb_cli_render = {
    "render",
    "REPORT -o OUT.pdf [OPTION]...",
    "render a report as PDF (or as an HTML page)",
    "Checks REPORT (YAML or JSON; - for standard input) and renders it as a GB/T 9704 PDF.\n"
    "Exit status: 0 written, 1 the report has errors, 2 unreadable input, wrong usage or\n"
    "unwritable output.",
    render_options,
    run,
    1,
};
