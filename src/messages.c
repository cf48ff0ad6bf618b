/* The message table: each English message format with its Chinese version (nb_tr, diag.h).
 *
 * A table in the program rather than gettext: gettext picks the language from the process's
 * locale (global state a library must not touch, and a zh_CN locale that a server or a clean
 * Debian system usually lacks), and needs a compiled catalogue installed beside the program.
 * Here the language belongs to each nb_diags (nb_diags_set_lang), so two threads can check in
 * two languages, and a message without a translation falls back to English. A Chinese format
 * takes the same arguments as its English one, reordered with %n$ where the sentence needs it;
 * tests/unit/messages.c compares the conversions of every pair. The command's help, usage
 * errors and notes (src/cli) are here too, with the same English-text keys (nb_cli_tr);
 * tests/unit/cli_messages.c fails when one it uses is missing. */
#include "diag.h"

#include <string.h>

typedef struct msg {
    const char *en, *zh;
} msg;

static const msg messages[] = {
    /* check: the arithmetic of the tables */
    {"%s %s is %s, but %s", "%s %s 为 %s，但%s"},
    {"the rows it totals add up to %s", "其所合计各行之和为 %s"},
    {"the columns it totals add up to %s (", "其所合计各列之和为 %s（"},
    {")", "）"},
    {"(blank)", "（空白）"},
    {"blank", "空白"},
    {"last year's %s %s (%s:%d:%d)", "上年 %s %s（%s:%d:%d）"},
    {"last year's %s is %s (%s:%d:%d)", "上年 %s 为 %s（%s:%d:%d）"},
    {"last year's %s is %s", "上年 %s 为 %s"},
    {"%s is %s", "%s 为 %s"},
    {"the other side of the equation adds up to %s", "等式另一侧合计为 %s"},
    {"other cells of the equation hold numbers", "等式中其他单元格填有数字"},
    {"%s %s is blank, but rule %s (%s) needs a number there: %s; write 0 if there were none, or "
     "declare `blanks: zero`",
     "%s %s 为空白，但规则 %s（%s）需要此处的数字：%s；没有的填 0，或声明 `blanks: zero`"},
    {"%s %s is %s (not applicable), but rule %s (%s) needs a number there: %s; write 0 if there "
     "were none, or declare `blanks: zero`",
     "%s %s 为 %s（不适用），但规则 %s（%s）需要此处的数字：%s；没有的填 0，或声明 `blanks: zero`"},
    {"%s %s is %s, but rule %s (%s) holds only if it is 0: write 0",
     "%s %s 为 %s，但规则 %s（%s）仅当其为 0 时成立：请填 0"},
    /* check: the shape of the tables */
    {"layout %s has no %s: it differs from the national layout %s",
     "格式 %1$s 没有%2$s：与国家格式 %3$s 不同"},
    {"%s has no column %s: layout %s differs from the national layout %s",
     "%1$s 没有“%2$s”列：格式 %3$s 与国家格式 %4$s 不同"},
    {"%s has no row %s: layout %s differs from the national layout %s",
     "%1$s 没有“%2$s”行：格式 %3$s 与国家格式 %4$s 不同"},
    {"the report has no %s: add `- table: %s` with its values to %s%s",
     "报告缺少%1$s：请在“%3$s%4$s”中加入 `- table: %2$s` 及其数值"},
    {"%s: %zu row not given, printed blank and counted as 0: %s",
     "%s：有 %zu 行未填写，按空白印出并按 0 计算：%s"},
    {"%s: %zu rows not given, printed blank and counted as 0: %s",
     "%s：有 %zu 行未填写，按空白印出并按 0 计算：%s"},
    /* loading: a table written for another layout's shape (table.shape) */
    {"%s: %zu row has %zu values, but layout %s gives it %zu (%s)",
     "%s：有 %zu 行填了 %zu 个数值，但格式 %s 的该行为 %zu 个（%s）"},
    {"%s: %zu rows have %zu values, but layout %s gives them %zu (%s)",
     "%s：有 %zu 行填了 %zu 个数值，但格式 %s 的这些行为 %zu 个（%s）"},
    {"%s: %zu rows have another number of values than layout %s gives them",
     "%s：有 %zu 行的数值个数与格式 %s 不符"},
    {"; ", "；"},
    {"%s: ", "%s："},
    {"row %s is not a row of layout %s", "%s 不是格式 %s 的行"},
    {"rows %s are not rows of layout %s", "%s 不是格式 %s 的行"},
    {" and %zu more", " 等另外 %zu 行"},
    {" or ", " 或 "},
    {": the table fits layout %s; write `layout: %s`", "：该表符合格式 %s；请写 `layout: %s`"},
    /* check: the text against the tables */
    {"%s %s is %s (line %d, column %d)", "%s %s 为 %s（第 %d 行第 %d 列）"},
    {"%s (line %d, column %d)", "%s（第 %d 行第 %d 列）"},
    {" and ", "、"},
    {" add up to %s", "之和为 %s"},
    {"%s %s (line %d, column %d) and %zu more cells add up to %s",
     "%s %s（第 %d 行第 %d 列）及另外 %zu 个单元格之和为 %s"},
    {"not compared: the tables have no figure for it", "未核对：表格中没有对应数字"},
    {"not compared: the report has no %s for it", "未核对：报告缺少%s"},
    {"not compared: its table cells are blank", "未核对：对应单元格为空白"},
    {"not compared: an approximate figure", "未核对：约数"},
    {"it agrees with the tables", "与表格一致"},
    {"it agrees with %s", "与表格一致：%s"},
    {"the text says %s (“%s”), but %s", "正文称%s（“%s”），但%s"},
    {"the text gives %s as %s, at least, but %s", "正文称%s至少为 %s，但%s"},
    {"the text gives %s as %s, but %s", "正文称%s为 %s，但%s"},
    {"the text says %s (“%s”): %s", "正文称%s（“%s”）：%s"},
    {"the text gives %s as %s: %s", "正文称%s为 %s：%s"},
    /* check: sanity */
    {"the title names the year %d, but the report is for %d (year)",
     "标题写的是 %d 年，但报告年度（year）为 %d"},
    {"the report is dated %s, before its year %d has ended", "成文日期为 %s，早于 %d 年度结束"},
    {"the report is dated %s, after the deadline of %d-01-31 for the year %d (条例第四十九条)",
     "成文日期为 %1$s，晚于 %3$d 年度报告的公布期限 %2$d-01-31（条例第四十九条）"},
    {"the signoff names %s, but the report is %s's (agency)",
     "落款为 %s，但发布机关（agency）为 %s"},
    {"layout %s is the 2019 trial format, replaced for the reports on 2021 and later; the report "
     "is for %d: use gov-2021",
     "格式 %s 为 2019 年试行格式，2021 年度起的报告已改用新格式；本报告为 %d 年度：请用 gov-2021"},
    {"%s belongs under %s%s, not under %s%s", "%s 应位于“%s%s”之下，而不是“%s%s”"},
    {"this paragraph starts with “%.*s”: a %s block is written `- %s: …`, with an ASCII colon "
     "and a space",
     "本段以“%.*s”开头：%s 块应写作 `- %s: …`，用英文冒号并加空格"},
    {"this paragraph looks like a heading: write it `- h2: %s`",
     "本段像是标题：请写作 `- h2: %s`"},
    {"a heading ends with a colon: a heading takes no punctuation at its end",
     "标题以冒号结尾：标题末尾不加标点"},
    {"--previous names the same report as the one checked",
     "--previous 指定的就是被校核的报告本身"},
    {"last year's report is %s's, not %s's", "上年报告的发布机关为 %s，而不是 %s"},
    {"last year's report is for %d, not for %d", "上年报告为 %d 年度，而不是 %d 年度"},
    /* check and render: font coverage */
    {"no font of this role has the character “%s” (U+%04X); name a font that has it under "
     "'fonts:'",
     "该角色的字体都没有字符“%s”（U+%04X）；请在 'fonts:' 中指定含有该字符的字体"},
    {"more characters no font of this role has; only the first %d are named",
     "还有其他字体都没有的字符；只列出了前 %d 个"},
    /* render */
    {"no PDF written (use --force to render anyway)", "未生成 PDF（如仍要生成，请加 --force）"},
    /* modules (module.c) */
    {"%s needs the module %s, which is not installed (looked in %s)",
     "%s需要模块 %s，但未安装（已查找：%s）"},
    {"signing", "签名"},
    {"importing HTML", "导入 HTML"},
    {"importing a .docx file", "导入 .docx 文件"},
    {"importing a PDF", "导入 PDF"},
    {"looking up installed fonts", "查找已安装的字体"},
    {"reading a seal image", "读取印章图像"},
    {"cannot load the module %s: %s", "无法加载模块 %s：%s"},
    {"%s is not a nianbao module", "%s 不是 nianbao 的模块"},
    {"the module %s is from another build of nianbao (version %s), not from this one (%s)",
     "模块 %s 来自另一个 nianbao 构建（版本 %s），不是本程序所用的（%s）"},
    /* the command (src/cli): help, usage errors and notes */
    {"option %s needs a value", "选项 %s 需要取值"},
    {"unknown option %s", "未知选项 %s"},
    {"--lang takes zh or en", "--lang 取 zh 或 en"},
    {"write the PDFs into DIR (created if missing)", "把 PDF 写入文件夹 DIR（不存在则创建）"},
    {"use N worker threads (default: one per core)", "使用 N 个工作线程（默认每个处理器核一个）"},
    {"read the subfolders of a folder too; the PDFs go to the same subfolders of DIR",
     "也读取文件夹的子文件夹；PDF 写入 DIR 下同名的子文件夹"},
    {"name each PDF after its input (input) or AGENCY-YEAR (agency)",
     "PDF 以输入文件名（input）或“机关-年度”（agency）命名"},
    {"compare each report with last year's report of the same agency found in DIR",
     "与 DIR 中同一机关上一年度的报告核对"},
    {"render only reports whose input, last year's report, layout, seal, fonts or options "
     "changed since their PDF was written",
     "只生成输入、上年报告、版式、印章、字体或选项自上次生成 PDF 以来有变化的报告"},
    {"write the JSON summary to FILE (default DIR/batch-report.json, with --check-only "
     "DIR/batch-check.json)",
     "把 JSON 汇总写到 FILE（默认 DIR/batch-report.json；--check-only 时为 DIR/batch-check.json）"},
    {"also write a CSV summary, a row per report (UTF-8 with BOM, for Excel)",
     "另写 CSV 汇总，每份报告一行（带 BOM 的 UTF-8，便于 Excel 打开）"},
    {"check every report, render nothing", "只校核，不生成 PDF"},
    {"-j takes a number of threads from 1 to 256", "-j 取 1 到 256 的线程数"},
    {"--names takes input or agency", "--names 取 input 或 agency"},
    {"batch needs reports and -o DIR", "batch 需要报告和 -o DIR"},
    {"--changed is for rendering, not with --check-only",
     "--changed 用于生成 PDF，不能与 --check-only 同用"},
    {"check and render many reports", "批量校核并生成报告"},
    {"pdf (the default), html, or pdf,html: DIR/NAME.pdf and/or the portal page DIR/NAME.html "
     "(repeating --format adds formats)",
     "pdf（默认）、html 或 pdf,html：生成 DIR/名称.pdf 和/或门户网页 DIR/名称.html（多次给出 "
     "--format 则累加）"},
    {"with html: write each page as a fragment (a div and its stylesheet) for a CMS",
     "与 html 同用：每个网页写为片段（一个 div 及其样式表），供内容管理系统粘贴"},
    {"--format takes pdf, html or pdf,html", "--format 取 pdf、html 或 pdf,html"},
    {"--html-fragment needs --format html (or pdf,html)",
     "--html-fragment 需要 --format html（或 pdf,html）"},
    {"--format is for rendering, not with --check-only",
     "--format 用于生成，不能与 --check-only 同用"},
    {"Checks and renders many reports. INPUT is a report, a folder (its *.yaml, *.yml and\n"
     "*.json, by name; with -r its subfolders too) or @LIST (a file naming one report or folder\n"
     "a line). Writes DIR/NAME.pdf for every report (--format html: DIR/NAME.html, the portal\n"
     "page; pdf,html: both) and a JSON summary naming each output; a report with errors gets no\n"
     "output, and one left at its path by an earlier run is removed. Exit status: 0 every\n"
     "report written, 1 some report had errors, 2 only unreadable inputs failed, or wrong usage.",
     "批量校核并生成报告。INPUT 为报告文件、文件夹（按名称取其中的 *.yaml、*.yml、*.json；\n"
     "加 -r 时含子文件夹）或 @LIST（每行一个报告或文件夹）。每份报告生成 DIR/名称.pdf\n"
     "（--format html：门户网页 DIR/名称.html；pdf,html：两者），并写出列明每个输出的 JSON\n"
     "汇总；有错误的报告不生成输出，此前运行留在其路径上的输出会被删除。\n"
     "退出码：0 全部生成，1 有报告存在错误，2 仅有不可读的输入失败，或用法错误。"},
    {"last year's report, to compare the carried-over counts", "上一年度的报告，用于核对结转数"},
    {"text (file:line:col: ...) or json", "text（文件:行:列: ...）或 json"},
    {"--format takes text or json", "--format 取 text 或 json"},
    {"check needs one report", "check 需要一份报告"},
    {"only one of the reports can come from standard input", "只能有一份报告来自标准输入"},
    {"%s: %zu errors, %zu warnings", "%s：%zu 个错误，%zu 个警告"},
    {"check a report's arithmetic", "校核报告的勾稽关系"},
    {"Checks the arithmetic and consistency of REPORT (- for standard input) and prints the\n"
     "findings. Exit status: 0 no errors, 1 the report has errors, 2 unreadable input or wrong\n"
     "usage.",
     "校核报告 REPORT（- 表示标准输入）的勾稽关系与一致性，并输出发现的问题。\n"
     "退出码：0 无错误，1 报告有错误，2 输入不可读或用法错误。"},
    {"print errors only", "只显示错误"},
    {"say more about what is done", "显示更多处理信息"},
    {"show this help and exit", "显示本帮助并退出"},
    {"zh or en (or a locale name: zh_CN, en_US): the language of messages and findings "
     "(default: from LC_ALL, LC_MESSAGES, LANG)",
     "zh 或 en（或 zh_CN、en_US 等语言环境名）：消息和校核结果的语言（默认取自 LC_ALL、LC_MESSAGES、LANG）"},
    {"as render: FONT counts first for ROLE when checking that every character has a font",
     "同 render：核对字符是否都有字体时，ROLE 优先使用字体 FONT"},
    {"as render: government", "同 render：government"},
    {"as render: the report's fonts: may name files in DIR too (repeatable)",
     "同 render：报告的 fonts: 也可指定 DIR 中的文件（可重复）"},
    {"Try 'nianbao %s --help' for more information.\n", "详见 'nianbao %s --help'。\n"},
    {"Try 'nianbao --help' for more information.\n", "详见 'nianbao --help'。\n"},
    {"usage: nianbao %s %s\n", "用法：nianbao %s %s\n"},
    {"Options:", "选项："},
    {"write the description to FILE (default: standard output)",
     "把报告描述写到 FILE（默认：标准输出）"},
    {"import needs one source file", "import 需要一个源文件"},
    {"write a report description from a published report", "从已发布的报告生成报告描述"},
    {"Reads a published report (plain text as portals give it, HTML, Word .docx or PDF; - for\n"
     "standard input), recognizes its title, headings, paragraphs and tables, chooses the layout\n"
     "from the tables' labels and writes the report description. Everything that cannot be\n"
     "placed is listed on standard error with its line and column (a PDF: its page). Exit\n"
     "status: 0 written, 1 written but incomplete (it does not load yet), 2 unreadable input.",
     "读取已发布的报告（门户网站的纯文本、HTML、Word .docx 或 PDF；- 表示标准输入），\n"
     "识别标题、各级标题、段落和表格，按表格标签选定版式，写出报告描述。无法归位的内容\n"
     "连同行号和列号（PDF 为页码）列在标准错误上。退出码：0 已写出，1 已写出但不完整\n"
     "（尚不能加载），2 输入不可读。"},
    {"the table layout: gov-2021 (default), gov-2021-no-other, gov-2021-other-merged, gov-2019",
     "表格版式：gov-2021（默认）、gov-2021-no-other、gov-2021-other-merged、gov-2019"},
    {"the agency (发布机关)", "发布机关"},
    {"the year reported on (default: the year after last year's report)",
     "报告年度（默认：--from 报告的下一年）"},
    {"start from last year's report (a description or a published report): its agency and text, "
     "its carried-forward applications and documents in force",
     "以上一年度报告（报告描述或已发布的报告）为起点：沿用发布机关和正文，填入结转申请数和现行有效"
     "件数"},
    {"--year takes a year from 2000 to 2100", "--year 取 2000 到 2100 之间的年份"},
    {"init takes options only", "init 只接受选项"},
    {"init needs --agency and --year, or --from LAST_YEAR",
     "init 需要 --agency 和 --year，或 --from 上一年度报告"},
    {"write a report template, or this year's draft from last year's",
     "生成报告模板，或由上一年度报告生成本年度草稿"},
    {"Writes a complete, commented report description: with --layout, --agency and --year a\n"
     "template (every row of the tables at 0 with its Chinese label, the six headings, a\n"
     "preamble and a 落款); with --from LAST_YEAR (a description or a published report) a\n"
     "draft carrying over the agency and last year's text, with this year's 上年结转 taken from\n"
     "last year's 结转下年度继续办理 and 现行有效件数 from last year's.",
     "生成完整、带注释的报告描述：指定 --layout、--agency 和 --year 时为模板（表格每行为 0\n"
     "并注明中文名称，含六个标题、前言和落款）；指定 --from 上一年度报告（报告描述或已发布\n"
     "的报告）时为草稿：沿用发布机关和上一年度正文，本年上年结转取自上年结转下年度继续办理，\n"
     "现行有效件数取自上年。"},
    {"usage: nianbao COMMAND [OPTION]... [ARG]...\n",
     "用法：nianbao COMMAND [OPTION]... [ARG]...\n"},
    {"Renders 政府信息公开工作年度报告 from a YAML or JSON description into a GB/T 9704 PDF,\n"
     "and checks their arithmetic.\n"
     "\n"
     "Commands:\n",
     "把 YAML 或 JSON 描述的政府信息公开工作年度报告排版为符合 GB/T 9704 的 PDF，\n"
     "并校核其勾稽关系。\n"
     "\n"
     "命令：\n"},
    {"\n"
     "  nianbao help COMMAND      describe a command and its options\n"
     "  nianbao --version         print the library's version\n"
     "\n"
     "See also: man nianbao\n",
     "\n"
     "  nianbao help COMMAND      说明命令及其选项\n"
     "  nianbao --version         显示程序库版本\n"
     "\n"
     "另见：man nianbao\n"},
    {"help: unknown command '%s'", "help：未知命令 '%s'"},
    {"unknown command '%s'", "未知命令 '%s'"},
    {"write the PDF even when the check finds errors", "即使校核发现错误也生成 PDF"},
    {"write PDF/A-1b, for archiving", "生成 PDF/A-1b 归档格式"},
    {"leave out the tags (the structure screen readers and text extraction read) for a smaller "
     "file",
     "不写入标记结构（供屏幕阅读器和文本提取使用），文件更小"},
    {"ask the viewer to print N copies (1 to 99)", "请阅读器打印 N 份（1 到 99）"},
    {"use FONT (a family name or a file) first for ROLE: title, heading1, heading2, body, table, "
     "folio",
     "ROLE（title、heading1、heading2、body、table、folio）优先使用字体 FONT（字体名或文件）"},
    {"grid (every Han character and full-width mark one cell) or compact (marks squeezed); "
     "overrides the report's style:",
     "grid（每个汉字和全角标点占一格）或 compact（标点挤压）；优先于报告中的 style:"},
    {"government: 方正小标宋简体, 黑体, 楷体_GB2312 and 仿宋_GB2312 where installed (a warning "
     "names each one missing and the bundled font used instead)",
     "government：已安装时使用方正小标宋简体、黑体、楷体_GB2312 和仿宋_GB2312（缺少的逐一警告并说"
     "明改用的内置字体）"},
    {"let the report's seal: and fonts: name files in DIR too, not only in its own folder",
     "允许报告的 seal: 和 fonts: 使用 DIR 中的文件（默认只允许报告所在文件夹）"},
    {"sign with the key and certificates in a PKCS#12 file", "用 PKCS#12 文件中的密钥和证书签名"},
    {"sign with this private key (with --sign-cert)", "用此私钥签名（与 --sign-cert 同用）"},
    {"the signer's certificate, then its chain", "签名者证书及其证书链"},
    {"the password of the key (visible to other users: prefer --sign-password-env)",
     "密钥口令（其他用户可见，宜用 --sign-password-env）"},
    {"read the password from the environment variable VAR (default NIANBAO_SIGN_PASSWORD)",
     "从环境变量 VAR 读取口令（默认 NIANBAO_SIGN_PASSWORD）"},
    {"the reason recorded in the signature", "签名中记录的签名原因"},
    {"the place recorded in the signature", "签名中记录的签名地点"},
    {"a CAdES (PAdES baseline) signature instead of PKCS#7",
     "使用 CAdES（PAdES 基线）签名，而非 PKCS#7"},
    {"--copies takes a number from 1 to 99", "--copies 取 1 到 99 的数"},
    {"--font takes ROLE=FONT (a family name or a font file)",
     "--font 取 ROLE=FONT（字体名或字体文件）"},
    {"--font: unknown role '%.*s' (title, heading1, heading2, body, table, folio)",
     "--font：未知角色 '%.*s'（title、heading1、heading2、body、table、folio）"},
    {"--font is given more than %d times", "--font 超过 %d 次"},
    {"--style takes grid or compact", "--style 取 grid 或 compact"},
    {"--fonts takes government", "--fonts 取 government"},
    {"--allow-dir may be given at most %d times", "--allow-dir 最多给 %d 次"},
    {"the environment variable %s is not set", "环境变量 %s 未设置"},
    {"unknown option", "未知选项"},
    {"the --sign-... options need --sign or --sign-key/--sign-cert",
     "--sign-... 选项需要 --sign 或 --sign-key/--sign-cert"},
    {"sign with either --sign FILE.p12 or both --sign-key and --sign-cert",
     "签名须用 --sign FILE.p12，或同时用 --sign-key 和 --sign-cert"},
    {"write the PDF to FILE (- for standard output)", "把 PDF 写到 FILE（- 表示标准输出）"},
    {"write the page boxes to FILE (- for standard output)", "把版面框写到 FILE（- 表示标准输出）"},
    {"text or json, for --dump-layout", "--dump-layout 的格式：text 或 json"},
    {"pdf (the default) or html: a self-contained HTML5 page for the portal, from the same tables",
     "pdf（默认）或 html：供门户网站发布的独立 HTML5 页面，与 PDF 同一数据"},
    {"with --format html: a fragment (a <div> and its stylesheet) to paste into a CMS",
     "与 --format html 同用：输出可粘贴到网站内容管理系统的片段"},
    {"--dump-format takes text or json", "--dump-format 取 text 或 json"},
    {"--format takes pdf or html", "--format 取 pdf 或 html"},
    {"render needs one report and -o OUT.pdf", "render 需要一份报告和 -o OUT.pdf"},
    {"--html-fragment needs --format html", "--html-fragment 需要 --format html"},
    {"render a report as PDF (or as an HTML page)", "把报告排版为 PDF（或 HTML 页面）"},
    {"Checks REPORT (YAML or JSON; - for standard input) and renders it as a GB/T 9704 PDF.\n"
     "Exit status: 0 written, 1 the report has errors, 2 unreadable input, wrong usage or\n"
     "unwritable output.",
     "校核报告 REPORT（YAML 或 JSON；- 表示标准输入），并排版为符合 GB/T 9704 的 PDF。\n"
     "退出码：0 已生成，1 报告有错误，2 输入不可读、用法错误或无法写出。"},
    {"%s: written (%zu errors, %zu warnings)", "%s：已生成（%zu 个错误，%zu 个警告）"},
    {"%s: not written (%zu errors, %zu warnings)", "%s：未生成（%zu 个错误，%zu 个警告）"},
    {"cannot read: %s", "无法读取：%s"},
    {"larger than %zu bytes", "大于 %zu 字节"},
    {"cannot write: %s", "无法写入：%s"},
};

const char *nb_msg_zh(const char *english)
{
    for (size_t i = 0; i < sizeof messages / sizeof *messages; i++)
        if (!strcmp(messages[i].en, english))
            return messages[i].zh;
    return NULL;
}

const char *nb_msg_pair(size_t i, const char **zh)
{
    if (i >= sizeof messages / sizeof *messages)
        return NULL;
    *zh = messages[i].zh;
    return messages[i].en;
}
