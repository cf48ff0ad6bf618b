/* The option parser, help and messages shared by the subcommands (cli.h). */
#include "cli.h"
#include "diag.h"
#include "import.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NB_CLI_MAX_OPTIONS 64

/* The options every subcommand takes, listed after its own. */
static const nb_cli_option common_options[] = {
    {'q', "quiet", NULL, "print errors only"},
    {'v', "verbose", NULL, "say more about what is done"},
    {'h', "help", NULL, "show this help and exit"},
    {NB_CLI_LONG_ONLY + 200, "lang", "LANG",
     "zh or en (or a locale name: zh_CN, en_US): the language of messages and findings "
     "(default: from LC_ALL, LC_MESSAGES, LANG)"},
    {0, NULL, NULL, NULL},
};

const char *nb_cli_tr(const nb_cli *cli, const char *en)
{
    const char *zh = cli && cli->zh ? nb_msg_zh(en) : NULL;
    return zh ? zh : en;
}

static void vmessage(const nb_cli *cli, int with_command, const char *en, va_list ap)
{
    if (with_command && cli && cli->command)
        fprintf(stderr, "nianbao %s: ", cli->command->name);
    else
        fputs("nianbao: ", stderr);
    vfprintf(stderr, nb_cli_tr(cli, en), ap);
    fputc('\n', stderr);
}

int nb_cli_usage_error(const nb_cli *cli, const char *en, ...)
{
    va_list ap;
    va_start(ap, en);
    vmessage(cli, 1, en, ap);
    va_end(ap);
    if (cli && cli->command)
        fprintf(stderr, nb_cli_tr(cli, "Try 'nianbao %s --help' for more information.\n"),
                cli->command->name);
    else
        fputs(nb_cli_tr(cli, "Try 'nianbao --help' for more information.\n"), stderr);
    return NB_EINPUT;
}

void nb_cli_error(const nb_cli *cli, const char *en, ...)
{
    va_list ap;
    va_start(ap, en);
    vmessage(cli, 0, en, ap);
    va_end(ap);
}

void nb_cli_note(const nb_cli *cli, const char *en, ...)
{
    if (cli && cli->verbosity < 0)
        return;
    va_list ap;
    va_start(ap, en);
    vmessage(cli, 0, en, ap);
    va_end(ap);
}

/* "-o, --output=FILE" or "    --force" */
static int option_label(const nb_cli_option *o, char *buf, size_t size)
{
    char shortpart[8] = "    ";
    if (o->key > 0 && o->key < NB_CLI_LONG_ONLY)
        snprintf(shortpart, sizeof shortpart, "-%c, ", o->key);
    return snprintf(buf, size, "%s--%s%s%s", shortpart, o->name, o->value ? "=" : "",
                    o->value ? o->value : "");
}

#define HELP_COLUMN 31 /* where an option's description starts */
#define HELP_WIDTH 79

/* Display columns of the UTF-8 character starting with byte c: Han text is two wide. */
static int char_width(unsigned char c) { return c < 0x80 ? 1 : 2; }
static int char_len(unsigned char c) { return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4; }

/* Whether a line may start at p: not with a full-width mark (、，。）：； and the like, U+3000
 * to U+303F and U+FF00 to U+FF3F), which belongs to the character before it. */
static int may_start_line(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return !((u[0] == 0xe3 && u[1] == 0x80) || (u[0] == 0xef && u[1] == 0xbc));
}

/* Prints text from column HELP_COLUMN, wrapped before HELP_WIDTH at a space or before a
 * wide character. */
static void print_wrapped(const char *text, FILE *f)
{
    const char *line = text;
    while (*line) {
        const char *p = line, *cut = NULL;
        int col = HELP_COLUMN;
        while (*p) {
            unsigned char c = (unsigned char)*p;
            if (p > line && (c == ' ' || (char_width(c) == 2 && may_start_line(p))))
                cut = p;
            col += char_width(c);
            if (col > HELP_WIDTH && cut)
                break;
            p += char_len(c);
        }
        if (!*p)
            cut = p;
        fprintf(f, "%.*s\n", (int)(cut - line), line);
        line = cut;
        while (*line == ' ')
            line++;
        if (*line)
            fprintf(f, "%*s", HELP_COLUMN, "");
    }
}

static void print_options(const nb_cli *cli, const nb_cli_option *list, FILE *f)
{
    for (const nb_cli_option *o = list; o && o->name; o++) {
        char label[96];
        int n = option_label(o, label, sizeof label);
        if (n < HELP_COLUMN - 3)
            fprintf(f, "  %-*s ", HELP_COLUMN - 3, label);
        else
            fprintf(f, "  %s\n%*s", label, HELP_COLUMN, "");
        print_wrapped(nb_cli_tr(cli, o->help), f);
    }
}

void nb_cli_help(const nb_cli *cli, const nb_cli_command *cmd, FILE *f)
{
    fprintf(f, nb_cli_tr(cli, "usage: nianbao %s %s\n"), cmd->name, cmd->synopsis);
    fprintf(f, "%s\n\n%s\n", nb_cli_tr(cli, cmd->summary),
            nb_cli_tr(cli, "Options:"));
    print_options(cli, cmd->options, f);
    if (cmd->pdf_options)
        print_options(cli, nb_cli_pdf_options, f);
    print_options(cli, common_options, f);
}

static size_t count_options(const nb_cli_option *list)
{
    size_t n = 0;
    while (list && list[n].name)
        n++;
    return n;
}

int nb_cli_parse(nb_cli *cli, int argc, char **argv, nb_cli_take take, void *ctx)
{
    const nb_cli_command *cmd = cli->command;
    const nb_cli_option *lists[3] = {cmd->options, cmd->pdf_options ? nb_cli_pdf_options : NULL,
                                     common_options};
    struct option longs[NB_CLI_MAX_OPTIONS + 1];
    const nb_cli_option *rows[NB_CLI_MAX_OPTIONS];
    /* "+" would stop at the first operand; the GNU order (options anywhere) is wanted, so
     * no prefix. ":" first: a missing value is reported as ':' rather than '?'. */
    char shorts[3 * NB_CLI_MAX_OPTIONS + 2] = ":";
    size_t n = 0, s = 1;
    for (int l = 0; l < 3; l++) {
        size_t count = count_options(lists[l]);
        for (size_t i = 0; i < count && n < NB_CLI_MAX_OPTIONS; i++) {
            const nb_cli_option *o = &lists[l][i];
            longs[n] = (struct option){o->name, o->value ? required_argument : no_argument, NULL,
                                       o->key};
            rows[n++] = o;
            if (o->key > 0 && o->key < NB_CLI_LONG_ONLY) {
                shorts[s++] = (char)o->key;
                if (o->value)
                    shorts[s++] = ':';
            }
        }
    }
    longs[n] = (struct option){NULL, 0, NULL, 0};
    shorts[s] = 0;

    opterr = 0;
    optind = 0; /* 0, not 1: glibc then starts afresh */
    for (;;) {
        int index = -1;
        int c = getopt_long(argc, argv, shorts, longs, &index);
        if (c == -1)
            break;
        if (c == '?' || c == ':') {
            const char *arg = argv[optind - 1];
            char letter[3] = {'-', (char)optopt, 0};
            const char *name = optopt && strncmp(arg, "--", 2) != 0 ? letter : arg;
            if (c == ':')
                return -nb_cli_usage_error(cli, "option %s needs a value", name);
            return -nb_cli_usage_error(cli, "unknown option %s", name);
        }
        const nb_cli_option *row = NULL;
        for (size_t i = 0; i < n && !row; i++)
            if (rows[i]->key == c)
                row = rows[i];
        if (!row)
            return -nb_cli_usage_error(cli, "unknown option");
        if (c == 'h' && row == &common_options[2]) {
            nb_cli_help(cli, cmd, stdout);
            return NB_CLI_DONE;
        }
        if (row == &common_options[3]) {
            /* zh or en, or a locale name as LANG gives it (zh_CN, zh_CN.UTF-8, en_US). */
            int zh = !strncmp(optarg, "zh", 2), en = !strncmp(optarg, "en", 2);
            if ((!zh && !en) || (optarg[2] && optarg[2] != '_'))
                return -nb_cli_usage_error(cli, "--lang takes zh or en");
            cli->zh = zh;
            continue;
        }
        if (row >= common_options && row < common_options + 3) {
            if (c == 'q')
                cli->verbosity = -1;
            else if (cli->verbosity >= 0)
                cli->verbosity++;
            continue;
        }
        if (take(cli, ctx, c, optarg) != 0)
            return -NB_EINPUT;
    }
    return optind;
}

nb_diags *nb_cli_diags(const nb_cli *cli)
{
    nb_diags *d = nb_diags_new();
    nb_diags_set_lang(d, cli && cli->zh ? "zh" : "en");
    nb_diags_set_verbose(d, cli && cli->verbosity > 0);
    return d;
}

void nb_cli_print_diags(const nb_cli *cli, const nb_diags *d, FILE *f)
{
    if (cli && cli->verbosity < 0)
        nb_diags_print_errors(d, f);
    else
        nb_diags_print(d, f);
}

nb_engine *nb_cli_engine(const nb_cli *cli)
{
    char *error = NULL;
    nb_engine *e = nb_engine_new(NULL, &error);
    if (!e) {
        nb_cli_error(cli, "%s", error ? error : "cannot set up fonts");
        free(error);
    }
    return e;
}

int nb_cli_load_report(nb_engine *e, const char *path, nb_report **report, nb_diags *d)
{
    if (strcmp(path, "-") != 0)
        return nb_report_load_file(e, path, report, d);
    *report = NULL;
    size_t size = 0, cap = 65536;
    char *data = malloc(cap);
    if (!data)
        abort();
    for (;;) {
        if (size == cap) {
            if (cap >= (64u << 20))
                break; /* far above what nb_report_load_memory accepts: it says so */
            cap *= 2;
            data = realloc(data, cap);
            if (!data)
                abort();
        }
        ssize_t got = read(STDIN_FILENO, data + size, cap - size);
        if (got == 0)
            break;
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            nb_diag_add(d, NB_ERROR, (nb_pos){"<stdin>", 0, 0}, "cannot read: %s",
                        strerror(errno));
            free(data);
            return NB_EINPUT;
        }
        size += (size_t)got;
    }
    /* A published report on standard input is imported, as a file would be. */
    int rc = nb_import_sniff("<stdin>", data, size) == NB_FORMAT_YAML
                 ? nb_report_load_memory(e, "<stdin>", data, size, report, d)
                 : nb_import_load(e, "<stdin>", data, size, report, d);
    free(data);
    return rc;
}
