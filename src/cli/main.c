/* The nianbao command: picks the subcommand; each lives in its own file (cli.h).
 * Exit codes: 0 written / clean, 1 the report has errors, 2 unreadable input, wrong usage or
 * unwritable output. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Every subcommand, in the order `nianbao --help` lists them. */
static const nb_cli_command *const commands[] = {
    &nb_cli_render,
    &nb_cli_check,
    &nb_cli_batch_command,
    &nb_cli_import,
    &nb_cli_init,
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static const nb_cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* Chinese messages when the locale the user chose for messages is a Chinese one. */
static int wants_chinese(void)
{
    const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strncmp(v, "zh", 2) == 0;
    }
    return 0;
}

static void print_overview(const nb_cli *cli, FILE *f)
{
    fputs(nb_cli_tr(cli, "usage: nianbao COMMAND [OPTION]... [ARG]...\n"),
          f);
    fputs(nb_cli_tr(cli,
                    "Renders 政府信息公开工作年度报告 from a YAML or JSON description into a GB/T 9704 "
                    "PDF,\nand checks their arithmetic.\n\nCommands:\n"),
          f);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fprintf(f, "  %-8s %s\n", commands[i]->name,
                nb_cli_tr(cli, commands[i]->brief));
    }
    fputs(nb_cli_tr(cli,
                    "\n  nianbao help COMMAND      describe a command and its options\n"
                    "  nianbao --version         print the library's version\n"
                    "\nSee also: man nianbao\n"),
          f);
}

int main(int argc, char **argv)
{
    nb_cli cli = {.zh = wants_chinese()};
    if (argc < 2) {
        print_overview(&cli, stderr);
        return NB_EINPUT;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--version") || !strcmp(name, "-V") || !strcmp(name, "version")) {
        printf("nianbao %s\n", nb_version());
        return NB_OK;
    }
    if (!strcmp(name, "--help") || !strcmp(name, "-h") ||
        (!strcmp(name, "help") && argc == 2)) {
        print_overview(&cli, stdout);
        return NB_OK;
    }
    if (!strcmp(name, "help")) {
        const nb_cli_command *cmd = find_command(argv[2]);
        if (!cmd || argc > 3)
            return nb_cli_usage_error(&cli, "help: unknown command '%s'",
                                      argv[2]);
        nb_cli_help(&cli, cmd, stdout);
        return NB_OK;
    }
    cli.command = find_command(name);
    if (!cli.command) {
        return nb_cli_usage_error(&cli, "unknown command '%s'", name);
    }
    return cli.command->run(&cli, argc - 1, argv + 1);
}
