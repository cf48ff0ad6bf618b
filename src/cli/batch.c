/* nianbao batch: many reports, checked and rendered by worker threads (src/batch.c). */
#include "cli.h"
#include "batch.h"

#include <stdlib.h>
#include <string.h>

enum {
    OPT_NAMES = NB_CLI_LONG_ONLY,
    OPT_REPORT,
    OPT_FORCE,
    OPT_CHECK_ONLY,
    OPT_ALLOW_DIR,
};

static const nb_cli_option batch_options[] = {
    {'o', "output", "DIR", "write the PDFs into DIR (created if missing)",
     "把 PDF 写入文件夹 DIR（不存在则创建）"},
    {'j', "jobs", "N", "use N worker threads (default: one per core)",
     "使用 N 个工作线程（默认每个处理器核一个）"},
    {OPT_NAMES, "names", "FROM", "name each PDF after its input (input) or AGENCY-YEAR (agency)",
     "PDF 以输入文件名（input）或“机关-年度”（agency）命名"},
    {OPT_REPORT, "report", "FILE", "write the JSON summary to FILE (default DIR/batch-report.json)",
     "把 JSON 汇总写到 FILE（默认 DIR/batch-report.json）"},
    {OPT_FORCE, "force", NULL, "write the PDFs of reports with errors too",
     "有错误的报告也生成 PDF"},
    {OPT_CHECK_ONLY, "check-only", NULL, "check every report, render nothing",
     "只校核，不生成 PDF"},
    {OPT_ALLOW_DIR, "allow-dir", "DIR",
     "let the reports' seal: and fonts: name files in DIR too, not only in their own folders",
     "允许报告的 seal: 和 fonts: 使用 DIR 中的文件（默认只允许报告所在文件夹）"},
    {0, NULL, NULL, NULL, NULL},
};

#define MAX_ALLOW 16

typedef struct batch_args {
    nb_batch_options o;
    const char *allow[MAX_ALLOW + 1]; /* NULL-terminated */
    int nallow;
} batch_args;

static int take(nb_cli *cli, void *ctx, int key, const char *v)
{
    batch_args *a = ctx;
    nb_batch_options *o = &a->o;
    switch (key) {
    case 'o': o->outdir = v; break;
    case 'j': {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || end == v || n < 1 || n > 256)
            return nb_cli_usage_error(cli, "-j takes a number of threads from 1 to 256",
                                      "-j 取 1 到 256 的线程数");
        o->threads = (int)n;
        break;
    }
    case OPT_NAMES:
        if (strcmp(v, "input") && strcmp(v, "agency"))
            return nb_cli_usage_error(cli, "--names takes input or agency",
                                      "--names 取 input 或 agency");
        o->names_agency = !strcmp(v, "agency");
        break;
    case OPT_REPORT: o->report_path = v; break;
    case OPT_FORCE: o->force = 1; break;
    case OPT_CHECK_ONLY: o->check_only = 1; break;
    case OPT_ALLOW_DIR:
        if (a->nallow == MAX_ALLOW)
            return nb_cli_usage_error(cli, "--allow-dir may be given at most %d times",
                                      "--allow-dir 最多给 %d 次", MAX_ALLOW);
        a->allow[a->nallow++] = v;
        break;
    }
    return 0;
}

static int run(nb_cli *cli, int argc, char **argv)
{
    batch_args a = {0};
    nb_batch_options o = {0};
    int first = nb_cli_parse(cli, argc, argv, take, &a);
    o = a.o;
    o.allow_dirs = a.allow;
    if (first < 0)
        return first == NB_CLI_DONE ? NB_OK : -first;
    if (first >= argc || (!o.outdir && !o.check_only))
        return nb_cli_usage_error(cli, "batch needs reports and -o DIR",
                                  "batch 需要报告和 -o DIR");
    o.verbosity = cli->verbosity;
    return nb_batch_run(&o, (const char *const *)argv + first, (size_t)(argc - first));
}

const nb_cli_command nb_cli_batch_command = {
    "batch",
    "INPUT... -o DIR [OPTION]...",
    "check and render many reports", "批量校核并生成报告",
    "Checks and renders many reports. INPUT is a report, a folder (its *.yaml, *.yml and\n"
    "*.json, by name) or @LIST (a file naming one report or folder a line). Writes DIR/NAME.pdf\n"
    "for every report and a JSON summary. Exit status: 0 every report written, 1 some report\n"
    "had errors, 2 only unreadable inputs failed, or wrong usage.",
    "批量校核并生成报告。INPUT 为报告文件、文件夹（按名称取其中的 *.yaml、*.yml、*.json）\n"
    "或 @LIST（每行一个报告或文件夹）。每份报告生成 DIR/名称.pdf，并写出 JSON 汇总。\n"
    "退出码：0 全部生成，1 有报告存在错误，2 仅有不可读的输入失败，或用法错误。",
    batch_options,
    run,
};
