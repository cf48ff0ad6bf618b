/* The message table: each English message format with its Chinese version (nb_tr, diag.h).
 *
 * A table in the program rather than gettext: gettext picks the language from the process's
 * locale (global state a library must not touch, and a zh_CN locale that a server or a clean
 * Debian system usually lacks), and needs a compiled catalogue installed beside the program.
 * Here the language belongs to each nb_diags (nb_diags_set_lang), so two threads can check in
 * two languages, and a message without a translation falls back to English. A Chinese format
 * takes the same arguments as its English one, reordered with %n$ where the sentence needs it;
 * tests/unit/messages.c compares the conversions of every pair. */
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
    /* render */
    {"no PDF written (use --force to render anyway)", "未生成 PDF（如仍要生成，请加 --force）"},
    /* modules (module.c) */
    {"%s needs the module %s, which is not installed (looked in %s)",
     "%s需要模块 %s，但未安装（已查找：%s）"},
    {"signing", "签名"},
    {"importing HTML", "导入 HTML"},
    {"importing a .docx file", "导入 .docx 文件"},
    {"importing a PDF", "导入 PDF"},
    {"cannot load the module %s: %s", "无法加载模块 %s：%s"},
    {"%s is not a nianbao module", "%s 不是 nianbao 的模块"},
    {"the module %s is from another build of nianbao (version %s), not from this one (%s)",
     "模块 %s 来自另一个 nianbao 构建（版本 %s），不是本程序所用的（%s）"},
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
