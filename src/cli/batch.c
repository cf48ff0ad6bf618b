/* nianbao batch: many reports, checked and rendered by worker threads (src/batch.c). */
#include "cli.h"
#include "batch.h"

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
    {'o', "output", "DIR", "write the PDFs into DIR (created if missing)",
     "把 PDF 写入文件夹 DIR（不存在则创建）"},
    {'j', "jobs", "N", "use N worker threads (default: one per core)",
     "使用 N 个工作线程（默认每个处理器核一个）"},
    {'r', "recursive", NULL, "read the subfolders of a folder too; the PDFs go to the same "
     "subfolders of DIR",
     "也读取文件夹的子文件夹；PDF 写入 DIR 下同名的子文件夹"},
    {OPT_NAMES, "names", "FROM", "name each PDF after its input (input) or AGENCY-YEAR (agency)",
     "PDF 以输入文件名（input）或“机关-年度”（agency）命名"},
    {OPT_PREVIOUS_DIR, "previous-dir", "DIR",
     "compare each report with last year's report of the same agency found in DIR",
     "与 DIR 中同一机关上一年度的报告核对"},
    {OPT_CHANGED, "changed", NULL,
     "render only reports whose input, last year's report or options changed since their PDF "
     "was written",
     "只生成输入、上年报告或选项自上次生成 PDF 以来有变化的报告"},
    {OPT_REPORT, "report", "FILE",
     "write the JSON summary to FILE (default DIR/batch-report.json, with --check-only "
     "DIR/batch-check.json)",
     "把 JSON 汇总写到 FILE（默认 DIR/batch-report.json；--check-only 时为 DIR/batch-check.json）"},
    {OPT_SUMMARY, "summary", "FILE.csv",
     "also write a CSV summary, a row per report (UTF-8 with BOM, for Excel)",
     "另写 CSV 汇总，每份报告一行（带 BOM 的 UTF-8，便于 Excel 打开）"},
    {OPT_CHECK_ONLY, "check-only", NULL, "check every report, render nothing",
     "只校核，不生成 PDF"},
    {OPT_FORMAT, "format", "FORMATS",
     "pdf (the default), html, or pdf,html: DIR/NAME.pdf and/or the portal page DIR/NAME.html "
     "(repeating --format adds formats)",
     "pdf（默认）、html 或 pdf,html：生成 DIR/名称.pdf 和/或门户网页 DIR/名称.html"
     "（多次给出 --format 则累加）"},
    {OPT_HTML_FRAGMENT, "html-fragment", NULL,
     "with html: write each page as a fragment (a div and its stylesheet) for a CMS",
     "与 html 同用：每个网页写为片段（一个 div 及其样式表），供内容管理系统粘贴"},
    {0, NULL, NULL, NULL, NULL},
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
            return nb_cli_usage_error(cli, "-j takes a number of threads from 1 to 256",
                                      "-j 取 1 到 256 的线程数");
        o->threads = (int)n;
        break;
    }
    case 'r': o->recursive = 1; break;
    case OPT_NAMES:
        if (strcmp(v, "input") && strcmp(v, "agency"))
            return nb_cli_usage_error(cli, "--names takes input or agency",
                                      "--names 取 input 或 agency");
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
                return nb_cli_usage_error(cli, "--format takes pdf, html or pdf,html",
                                          "--format 取 pdf、html 或 pdf,html");
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

static int run(nb_cli *cli, int argc, char **argv)
{
    nb_batch_options o = {0};
    int first = nb_cli_parse(cli, argc, argv, take, &o);
    if (first < 0)
        return first == NB_CLI_DONE ? NB_OK : -first;
    if (first >= argc || (!o.outdir && !o.check_only))
        return nb_cli_usage_error(cli, "batch needs reports and -o DIR",
                                  "batch 需要报告和 -o DIR");
    if (o.changed && o.check_only)
        return nb_cli_usage_error(cli, "--changed is for rendering, not with --check-only",
                                  "--changed 用于生成 PDF，不能与 --check-only 同用");
    if (o.html_fragment && !(o.formats & NB_BATCH_HTML))
        return nb_cli_usage_error(cli, "--html-fragment needs --format html (or pdf,html)",
                                  "--html-fragment 需要 --format html（或 pdf,html）");
    if (o.formats && o.check_only)
        return nb_cli_usage_error(cli, "--format is for rendering, not with --check-only",
                                  "--format 用于生成，不能与 --check-only 同用");
    if (!nb_cli_pdf_args_ok(cli, &o.pdf))
        return NB_EINPUT;
    o.verbosity = cli->verbosity;
    return nb_batch_run(&o, (const char *const *)argv + first, (size_t)(argc - first));
}

const nb_cli_command nb_cli_batch_command = {
    "batch",
    "INPUT... -o DIR [OPTION]...",
    "check and render many reports", "批量校核并生成报告",
    "Checks and renders many reports. INPUT is a report, a folder (its *.yaml, *.yml and\n"
    "*.json, by name; with -r its subfolders too) or @LIST (a file naming one report or folder\n"
    "a line). Writes DIR/NAME.pdf for every report (--format html: DIR/NAME.html, the portal\n"
    "page; pdf,html: both) and a JSON summary naming each output; a report with errors gets no\n"
    "output, and one left at its path by an earlier run is removed. Exit status: 0 every\n"
    "report written, 1 some report had errors, 2 only unreadable inputs failed, or wrong usage.",
    "批量校核并生成报告。INPUT 为报告文件、文件夹（按名称取其中的 *.yaml、*.yml、*.json；\n"
    "加 -r 时含子文件夹）或 @LIST（每行一个报告或文件夹）。每份报告生成 DIR/名称.pdf\n"
    "（--format html：门户网页 DIR/名称.html；pdf,html：两者），并写出列明每个输出的 JSON\n"
    "汇总；有错误的报告不生成输出，此前运行留在其路径上的输出会被删除。\n"
    "退出码：0 全部生成，1 有报告存在错误，2 仅有不可读的输入失败，或用法错误。",
    batch_options,
    run,
    1,
};
