/* nianbao render: one report to one PDF. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

enum {
    OPT_FORCE = NB_CLI_LONG_ONLY,
    OPT_PDFA,
    OPT_COPIES,
    OPT_DUMP_LAYOUT,
    OPT_DUMP_FORMAT,
    OPT_FONT,
    OPT_STYLE,
    OPT_FONTS,
    OPT_ALLOW_DIR,
    OPT_SIGN,
    OPT_SIGN_KEY,
    OPT_SIGN_CERT,
    OPT_SIGN_PASSWORD,
    OPT_SIGN_PASSWORD_ENV,
    OPT_SIGN_REASON,
    OPT_SIGN_LOCATION,
    OPT_SIGN_CADES,
    OPT_FORMAT,
    OPT_HTML_FRAGMENT,
};

static const nb_cli_option render_options[] = {
    {'o', "output", "FILE", "write the PDF to FILE (- for standard output)",
     "把 PDF 写到 FILE（- 表示标准输出）"},
    {OPT_FORCE, "force", NULL, "write the PDF even when the check finds errors",
     "即使校核发现错误也生成 PDF"},
    {OPT_PDFA, "pdfa", NULL, "write PDF/A-1b, for archiving", "生成 PDF/A-1b 归档格式"},
    {OPT_COPIES, "copies", "N", "ask the viewer to print N copies (1 to 99)",
     "请阅读器打印 N 份（1 到 99）"},
    {OPT_DUMP_LAYOUT, "dump-layout", "FILE", "write the page boxes to FILE (- for standard output)",
     "把版面框写到 FILE（- 表示标准输出）"},
    {OPT_DUMP_FORMAT, "dump-format", "FORMAT", "text or json, for --dump-layout",
     "--dump-layout 的格式：text 或 json"},
    {OPT_FONT, "font", "ROLE=FONT",
     "use FONT (a family name or a file) first for ROLE: title, heading1, heading2, body, table, "
     "folio",
     "ROLE（title、heading1、heading2、body、table、folio）优先使用字体 FONT（字体名或文件）"},
    {OPT_STYLE, "style", "STYLE",
     "grid (every Han character and full-width mark one cell) or compact (marks squeezed); "
     "overrides the report's style:",
     "grid（每个汉字和全角标点占一格）或 compact（标点挤压）；优先于报告中的 style:"},
    {OPT_FONTS, "fonts", "PRESET",
     "government: 方正小标宋简体, 黑体, 楷体_GB2312 and 仿宋_GB2312 where installed (a warning "
     "names each one missing and the bundled font used instead)",
     "government：已安装时使用方正小标宋简体、黑体、楷体_GB2312 和仿宋_GB2312（缺少的逐一警告并说明改用的内置字体）"},
    {OPT_ALLOW_DIR, "allow-dir", "DIR",
     "let the report's seal: and fonts: name files in DIR too, not only in its own folder",
     "允许报告的 seal: 和 fonts: 使用 DIR 中的文件（默认只允许报告所在文件夹）"},
    {OPT_SIGN, "sign", "FILE.p12", "sign with the key and certificates in a PKCS#12 file",
     "用 PKCS#12 文件中的密钥和证书签名"},
    {OPT_SIGN_KEY, "sign-key", "KEY.pem", "sign with this private key (with --sign-cert)",
     "用此私钥签名（与 --sign-cert 同用）"},
    {OPT_SIGN_CERT, "sign-cert", "CERT.pem", "the signer's certificate, then its chain",
     "签名者证书及其证书链"},
    {OPT_SIGN_PASSWORD, "sign-password", "PASSWORD",
     "the password of the key (visible to other users: prefer --sign-password-env)",
     "密钥口令（其他用户可见，宜用 --sign-password-env）"},
    {OPT_SIGN_PASSWORD_ENV, "sign-password-env", "VAR",
     "read the password from the environment variable VAR (default NIANBAO_SIGN_PASSWORD)",
     "从环境变量 VAR 读取口令（默认 NIANBAO_SIGN_PASSWORD）"},
    {OPT_SIGN_REASON, "sign-reason", "TEXT", "the reason recorded in the signature",
     "签名中记录的签名原因"},
    {OPT_SIGN_LOCATION, "sign-location", "TEXT", "the place recorded in the signature",
     "签名中记录的签名地点"},
    {OPT_SIGN_CADES, "sign-cades", NULL, "a CAdES (PAdES baseline) signature instead of PKCS#7",
     "使用 CAdES（PAdES 基线）签名，而非 PKCS#7"},
    {OPT_FORMAT, "format", "FORMAT",
     "pdf (the default) or html: a self-contained HTML5 page for the portal, from the same tables",
     "pdf（默认）或 html：供门户网站发布的独立 HTML5 页面，与 PDF 同一数据"},
    {OPT_HTML_FRAGMENT, "html-fragment", NULL,
     "with --format html: a fragment (a <div> and its stylesheet) to paste into a CMS",
     "与 --format html 同用：输出可粘贴到网站内容管理系统的片段"},
    {0, NULL, NULL, NULL, NULL},
};

#define MAX_FONTS 16
#define MAX_ALLOW 16

typedef struct render_args {
    const char *output;
    const char *style;
    const char *preset;
    const char *fonts[MAX_FONTS];
    int nfonts;
    int html, fragment;
    const char *allow[MAX_ALLOW + 1]; /* NULL-terminated */
    int nallow;
    nb_render_options o;
} render_args;

static int take(nb_cli *cli, void *ctx, int key, const char *v)
{
    render_args *a = ctx;
    nb_render_options *o = &a->o;
    switch (key) {
    case 'o': a->output = v; break;
    case OPT_FORCE: o->force = 1; break;
    case OPT_PDFA: o->pdfa = 1; break;
    case OPT_COPIES: {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || end == v || n < 1 || n > 99)
            return nb_cli_usage_error(cli, "--copies takes a number from 1 to 99",
                                      "--copies 取 1 到 99 的数");
        o->copies = (int)n;
        break;
    }
    case OPT_DUMP_LAYOUT: o->dump_layout = v; break;
    case OPT_DUMP_FORMAT:
        if (strcmp(v, "json") && strcmp(v, "text"))
            return nb_cli_usage_error(cli, "--dump-format takes text or json",
                                      "--dump-format 取 text 或 json");
        o->dump_json = !strcmp(v, "json");
        break;
    case OPT_FONT:
        if (!strchr(v, '=') || a->nfonts == MAX_FONTS)
            return nb_cli_usage_error(cli, "--font takes ROLE=FONT (a family name or a font file)",
                                      "--font 取 ROLE=FONT（字体名或字体文件）");
        a->fonts[a->nfonts++] = v;
        break;
    case OPT_STYLE:
        if (strcmp(v, "grid") && strcmp(v, "compact"))
            return nb_cli_usage_error(cli, "--style takes grid or compact",
                                      "--style 取 grid 或 compact");
        a->style = v;
        break;
    case OPT_FONTS:
        if (strcmp(v, "government"))
            return nb_cli_usage_error(cli, "--fonts takes government", "--fonts 取 government");
        a->preset = v;
        break;
    case OPT_ALLOW_DIR:
        if (a->nallow == MAX_ALLOW)
            return nb_cli_usage_error(cli, "--allow-dir may be given at most %d times",
                                      "--allow-dir 最多给 %d 次", MAX_ALLOW);
        a->allow[a->nallow++] = v;
        break;
    case OPT_SIGN: o->sign_p12 = v; break;
    case OPT_SIGN_KEY: o->sign_key = v; break;
    case OPT_SIGN_CERT: o->sign_cert = v; break;
    case OPT_SIGN_PASSWORD: o->sign_password = v; break;
    case OPT_SIGN_PASSWORD_ENV:
        o->sign_password = getenv(v);
        if (!o->sign_password)
            return nb_cli_usage_error(cli, "the environment variable %s is not set",
                                      "环境变量 %s 未设置", v);
        break;
    case OPT_SIGN_REASON: o->sign_reason = v; break;
    case OPT_SIGN_LOCATION: o->sign_location = v; break;
    case OPT_SIGN_CADES: o->sign_cades = 1; break;
    case OPT_FORMAT:
        if (strcmp(v, "pdf") && strcmp(v, "html"))
            return nb_cli_usage_error(cli, "--format takes pdf or html", "--format 取 pdf 或 html");
        a->html = !strcmp(v, "html");
        break;
    case OPT_HTML_FRAGMENT: a->fragment = 1; break;
    }
    return 0;
}

/* Checks that the signing options fit together; fills the password from the environment. */
static int sign_options_ok(const nb_cli *cli, nb_render_options *o)
{
    int any = o->sign_p12 || o->sign_key || o->sign_cert;
    if (!any && (o->sign_password || o->sign_reason || o->sign_location || o->sign_cades)) {
        nb_cli_usage_error(cli, "the --sign-... options need --sign or --sign-key/--sign-cert",
                           "--sign-... 选项需要 --sign 或 --sign-key/--sign-cert");
        return 0;
    }
    if (any && !(o->sign_p12 ? !o->sign_key && !o->sign_cert : o->sign_key && o->sign_cert)) {
        nb_cli_usage_error(cli, "sign with either --sign FILE.p12 or both --sign-key and --sign-cert",
                           "签名须用 --sign FILE.p12，或同时用 --sign-key 和 --sign-cert");
        return 0;
    }
    if (any && !o->sign_password)
        o->sign_password = getenv("NIANBAO_SIGN_PASSWORD");
    return 1;
}

static int run(nb_cli *cli, int argc, char **argv)
{
    render_args a = {0};
    a.o.size = sizeof a.o;
    int first = nb_cli_parse(cli, argc, argv, take, &a);
    if (first < 0)
        return first == NB_CLI_DONE ? NB_OK : -first;
    if (argc - first != 1 || !a.output)
        return nb_cli_usage_error(cli, "render needs one report and -o OUT.pdf",
                                  "render 需要一份报告和 -o OUT.pdf");
    const char *in = argv[first];
    if (!sign_options_ok(cli, &a.o))
        return NB_EINPUT;
    if (a.fragment && !a.html)
        return nb_cli_usage_error(cli, "--html-fragment needs --format html",
                                  "--html-fragment 需要 --format html");
    a.o.format = a.html ? (a.fragment ? NB_OUTPUT_HTML_FRAGMENT : NB_OUTPUT_HTML) : NB_OUTPUT_PDF;
    a.o.allow_dirs = a.allow;
    nb_engine *e = nb_cli_engine(cli);
    if (!e)
        return NB_EINPUT;
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    int rc = nb_cli_load_report(e, in, &r, d);
    if (rc == NB_OK && a.style)
        rc = nb_report_set_style(r, a.style);
    if (rc == NB_OK && a.preset)
        rc = nb_report_use_fonts(r, a.preset);
    for (int i = a.nfonts - 1; i >= 0 && rc == NB_OK; i--) {
        char role[32];
        const char *eq = strchr(a.fonts[i], '=');
        snprintf(role, sizeof role, "%.*s", (int)(eq - a.fonts[i]), a.fonts[i]);
        if (nb_report_use_font(r, role, eq + 1) != NB_OK) {
            nb_cli_error(cli,
                         "--font: unknown role '%s' (title, heading1, heading2, body, table, folio)",
                         "--font：未知角色 '%s'（title、heading1、heading2、body、table、folio）",
                         role);
            rc = NB_EINPUT;
        }
    }
    /* "-" (standard output), devices, links and inputs are the library's (src/output.c). */
    if (rc == NB_OK)
        rc = nb_render_file(e, r, &a.o, a.output, d);
    nb_cli_print_diags(cli, d, stderr);
    if (cli->verbosity > 0)
        nb_cli_note(cli, rc == NB_OK ? "%s: written (%zu errors, %zu warnings)"
                                     : "%s: not written (%zu errors, %zu warnings)",
                    rc == NB_OK ? "%s：已生成（%zu 个错误，%zu 个警告）"
                                : "%s：未生成（%zu 个错误，%zu 个警告）",
                    a.output, nb_diags_errors(d), nb_diags_count(d) - nb_diags_errors(d));
    nb_report_free(r);
    nb_diags_free(d);
    nb_engine_free(e);
    return rc;
}

const nb_cli_command nb_cli_render = {
    "render",
    "REPORT -o OUT.pdf [OPTION]...",
    "render a report as PDF (or as an HTML page)", "把报告排版为 PDF（或 HTML 页面）",
    "Checks REPORT (YAML or JSON; - for standard input) and renders it as a GB/T 9704 PDF.\n"
    "Exit status: 0 written, 1 the report has errors, 2 unreadable input, wrong usage or\n"
    "unwritable output.",
    "校核报告 REPORT（YAML 或 JSON；- 表示标准输入），并排版为符合 GB/T 9704 的 PDF。\n"
    "退出码：0 已生成，1 报告有错误，2 输入不可读、用法错误或无法写出。",
    render_options,
    run,
};
