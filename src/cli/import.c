/* nianbao import: a published report (plain text, HTML, .docx, PDF) to a report description. */
#include "cli.h"
#include "diag.h"
#include "engine.h"
#include "import.h"
#include "output.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SOURCE ((size_t)64 << 20) /* a published PDF is a few MB */

static const nb_cli_option import_options[] = {
    {'o', "output", "FILE", "write the description to FILE (default: standard output)"},
    {0, NULL, NULL, NULL},
};

typedef struct import_args {
    const char *output;
} import_args;

static int take(nb_cli *cli, void *ctx, int key, const char *v)
{
    (void)cli;
    import_args *a = ctx;
    if (key == 'o')
        a->output = v;
    return 0;
}

/* Reads a whole file ("-": standard input) into out, NUL-terminated (the NUL not counted). */
int nb_cli_read_file(const char *path, nb_buf *out, nb_diags *d)
{
    memset(out, 0, sizeof *out);
    int std = strcmp(path, "-") == 0;
    const char *name = std ? "<stdin>" : path;
    FILE *f = std ? stdin : fopen(path, "rb");
    if (!f) {
        nb_diag_add(d, NB_ERROR, (nb_pos){name, 0, 0}, "cannot read: %s", strerror(errno));
        return NB_EINPUT;
    }
    char chunk[65536];
    size_t n;
    int too_big = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (out->len + n > MAX_SOURCE) {
            too_big = 1;
            break;
        }
        nb_buf_put(out, chunk, n);
    }
    int err = ferror(f);
    if (!std)
        fclose(f);
    if (too_big || err) {
        if (too_big)
            nb_diag_add(d, NB_ERROR, (nb_pos){name, 0, 0}, "larger than %zu bytes", MAX_SOURCE);
        else
            nb_diag_add(d, NB_ERROR, (nb_pos){name, 0, 0}, "cannot read: %s", strerror(errno));
        nb_buf_free(out);
        return NB_EINPUT;
    }
    nb_buf_put(out, "", 1);
    out->len--;
    return NB_OK;
}

static int run(nb_cli *cli, int argc, char **argv)
{
    import_args a = {0};
    int first = nb_cli_parse(cli, argc, argv, take, &a);
    if (first < 0)
        return first == NB_CLI_DONE ? NB_OK : -first;
    if (argc - first != 1)
        return nb_cli_usage_error(cli, "import needs one source file");
    const char *in = argv[first];
    const char *name = strcmp(in, "-") ? in : "<stdin>";
    nb_engine *e = nb_cli_engine(cli);
    if (!e)
        return NB_EINPUT;
    nb_diags *d = nb_cli_diags(cli);
    nb_buf src;
    nb_import_doc doc = {0};
    char *yaml = NULL;
    size_t len = 0;
    int rc = nb_cli_read_file(in, &src, d);
    if (rc == NB_OK) {
        rc = nb_import_read(name, (const char *)src.data, src.len, &doc, d);
        nb_buf_free(&src);
    }
    if (rc == NB_OK)
        rc = nb_import_recognize(e, &doc, &yaml, &len, NULL, d);
    nb_import_doc_clear(&doc);
    if (rc == NB_OK) {
        /* The description is written even when it does not load yet (no agency in the source):
         * the messages then point into it, where it is to be completed. */
        int to_stdout = !a.output || !strcmp(a.output, "-");
        const char *out = to_stdout ? "<stdout>" : a.output;
        nb_report *r = NULL;
        int loaded = nb_report_load_memory(e, out, yaml, len, &r, d);
        nb_report_free(r);
        if (!to_stdout) {
            nb_file_set inputs = {0}; /* `import x.yaml -o x.yaml` must not replace its source */
            if (strcmp(in, "-"))
                nb_file_set_add(&inputs, in);
            nb_file_set_seal(&inputs);
            rc = nb_output_write(out, yaml, len, &inputs, d);
            nb_file_set_free(&inputs);
        } else if (fwrite(yaml, 1, len, stdout) != len || fflush(stdout) != 0) {
            nb_diag_add(d, NB_ERROR, (nb_pos){out, 0, 0}, "cannot write: %s", strerror(errno));
            rc = NB_EINPUT;
        }
        if (rc == NB_OK && loaded != NB_OK)
            rc = NB_EREPORT;
    }
    free(yaml);
    nb_cli_print_diags(cli, d, stderr);
    nb_diags_free(d);
    nb_engine_free(e);
    return rc;
}

const nb_cli_command nb_cli_import = {
    "import",
    "SOURCE [OPTION]...",
    "write a report description from a published report",
    "Reads a published report (plain text as portals give it, HTML, Word .docx or PDF; - for\n"
    "standard input), recognizes its title, headings, paragraphs and tables, chooses the layout\n"
    "from the tables' labels and writes the report description. Everything that cannot be\n"
    "placed is listed on standard error with its line and column (a PDF: its page). Exit\n"
    "status: 0 written, 1 written but incomplete (it does not load yet), 2 unreadable input.",
    import_options,
    run,
    0,
};
