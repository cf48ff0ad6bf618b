/* The nianbao command: one file per subcommand (render.c, check.c, batch.c), this shared
 * option parser and help printer (cli.c), and main.c, which picks the subcommand.
 *
 * A subcommand is a table of options plus a function that takes one option at a time. Adding an
 * option is one row in that table and one case in that function; --help, `nianbao help CMD`
 * and the usage errors come from the table, and tests/cli.sh compares the table (through
 * --help) with the man page, man/nianbao.1. */
#ifndef NB_CLI_H
#define NB_CLI_H

#include "batch.h"
#include "nianbao.h"

#include <stdio.h>

/* Keys of long options that have no short letter start here; those of the PDF options
 * (pdf_options.c) at NB_CLI_PDF_KEYS. */
#define NB_CLI_LONG_ONLY 256
#define NB_CLI_PDF_KEYS 512

typedef struct nb_cli_option {
    int key;               /* the short letter, or NB_CLI_LONG_ONLY + n for a long-only option */
    const char *name;      /* long name without "--" */
    const char *value;     /* the value's placeholder ("FILE"); NULL: the option takes none */
    const char *help;      /* one line, English: the key of its translation (messages.c) */
} nb_cli_option;

typedef struct nb_cli nb_cli;

typedef struct nb_cli_command {
    const char *name;
    const char *synopsis;           /* after "nianbao NAME " */
    const char *brief;              /* a few words for the list of commands */
    const char *summary;            /* English, like every text below: the translation's key */
    const nb_cli_option *options;   /* ends with a row whose name is NULL */
    int (*run)(nb_cli *cli, int argc, char **argv); /* argv[0] is the command's name */
    int pdf_options;                /* also takes nb_cli_pdf_options (listed after its own) */
} nb_cli_command;

/* Settings every subcommand shares; set by main.c and by the common options. */
struct nb_cli {
    const nb_cli_command *command;
    int verbosity; /* -1: errors only (-q), 0: normal, 1 and more: -v */
    int zh;        /* messages in Chinese: --lang zh, or LC_ALL, LC_MESSAGES or LANG starts
                    * with "zh" */
};

/* Takes option `key` with its value (NULL for a flag). Returns 0, or NB_EINPUT after printing
 * what is wrong with the value (nb_cli_usage_error). */
typedef int (*nb_cli_take)(nb_cli *cli, void *ctx, int key, const char *value);

/* Parses argv (argv[0] is the command's name) with getopt_long: --name=value and --name value,
 * bundled short options (-qv, -j2), options and operands in any order, "--" ends the options,
 * "-" is an operand. The common options -h/--help, -q/--quiet and -v/--verbose are handled here.
 * Returns the index in argv of the first operand (operands are moved to the end, in order),
 * NB_CLI_DONE after printing help, or -NB_EINPUT after a usage error. */
#define NB_CLI_DONE (-1000)
int nb_cli_parse(nb_cli *cli, int argc, char **argv, nb_cli_take take, void *ctx);

/* The options that shape a PDF, shared by render and batch (pdf_options.c); check takes
 * --font and --fonts by the same keys, with help of its own. */
typedef nb_pdf_settings nb_cli_pdf_args;
enum {
    NB_CLI_PDF_FORCE = NB_CLI_PDF_KEYS,
    NB_CLI_PDF_PDFA,
    NB_CLI_PDF_UNTAGGED,
    NB_CLI_PDF_COPIES,
    NB_CLI_PDF_FONT,
    NB_CLI_PDF_STYLE,
    NB_CLI_PDF_FONTS,
    NB_CLI_PDF_ALLOW_DIR,
    NB_CLI_PDF_SIGN,
    NB_CLI_PDF_SIGN_KEY,
    NB_CLI_PDF_SIGN_CERT,
    NB_CLI_PDF_SIGN_PASSWORD,
    NB_CLI_PDF_SIGN_PASSWORD_ENV,
    NB_CLI_PDF_SIGN_REASON,
    NB_CLI_PDF_SIGN_LOCATION,
    NB_CLI_PDF_SIGN_CADES,
};

extern const nb_cli_option nb_cli_pdf_options[];
/* Takes one of them (key >= NB_CLI_PDF_KEYS); as nb_cli_take. */
int nb_cli_take_pdf_option(nb_cli *cli, nb_cli_pdf_args *args, int key, const char *value);
/* After parsing: checks that the signing options fit together (0 after a usage error), takes
 * the password from NIANBAO_SIGN_PASSWORD when none was given, sets render.size. */
int nb_cli_pdf_args_ok(const nb_cli *cli, nb_cli_pdf_args *args);

/* Prints the command's help: synopsis, summary and every option. */
void nb_cli_help(const nb_cli *cli, const nb_cli_command *cmd, FILE *f);

/* Messages are written in English; the English text (a printf format) is the key of its Chinese
 * version in the one message table of the program and the library, src/messages.c, as for
 * check's findings. tests/unit/cli_messages.c fails when a text given to these functions, or an
 * option's help, has no Chinese there. */

/* "nianbao CMD: message" and a hint to --help on stderr; returns NB_EINPUT. */
int nb_cli_usage_error(const nb_cli *cli, const char *en, ...)
    __attribute__((format(printf, 2, 3)));
/* "nianbao: message" on stderr (no hint). */
void nb_cli_error(const nb_cli *cli, const char *en, ...) __attribute__((format(printf, 2, 3)));
/* "nianbao: message" on stderr unless -q. */
void nb_cli_note(const nb_cli *cli, const char *en, ...) __attribute__((format(printf, 2, 3)));

/* The text in the command's language: its Chinese version (messages.c) when cli->zh, else
 * itself (also when the table has none). */
const char *nb_cli_tr(const nb_cli *cli, const char *en) __attribute__((format_arg(2)));

/* A new findings list in the command's language; with -v it keeps notes (check: every
 * statement of the text and what it was compared with). The caller frees it. */
nb_diags *nb_cli_diags(const nb_cli *cli);

/* Prints findings as "file:line:col: error: message"; with -q only the errors. */
void nb_cli_print_diags(const nb_cli *cli, const nb_diags *diags, FILE *f);

/* The engine with the installed fonts and layouts; NULL after printing why. */
nb_engine *nb_cli_engine(const nb_cli *cli);

/* Loads a report from a file, or from standard input when path is "-" (named "<stdin>" in
 * messages). */
int nb_cli_load_report(nb_engine *engine, const char *path, nb_report **report, nb_diags *diags);

extern const nb_cli_command nb_cli_render, nb_cli_check, nb_cli_batch_command, nb_cli_import,
    nb_cli_init;

/* Reads a whole file ("-": standard input) into *out (NUL-terminated; caller frees). */
struct nb_buf;
int nb_cli_read_file(const char *path, struct nb_buf *out, nb_diags *diags);

#endif
