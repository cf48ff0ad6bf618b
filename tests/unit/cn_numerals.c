/* Chinese numerals in prose (statements.c, nb_cn_numeral): the counts clerks write in words
 * (三件, 二十一起, 一百零五件, 两件) are read as numbers, and words that merely contain a numeral
 * (一些, 十分, 一方面, 万一, 一律, 统一, 第三) or malformed runs (一百五, 二十两) are not. */
#include "statements.h"
#include "expect.h"

#include <inttypes.h>
#include <string.h>

/* The numeral at the start of `word` inside `text` (the first occurrence). */
static size_t read_in(const char *text, const char *word, int64_t *v)
{
    const char *p = strstr(text, word);
    if (!p)
        return (size_t)-1;
    return nb_cn_numeral(text, strlen(text), (size_t)(p - text), v);
}

static void reads(const char *text, const char *word, int64_t want, size_t want_len)
{
    int64_t v = -1;
    size_t n = read_in(text, word, &v);
    EXPECT(n == want_len && v == want, "“%s” in “%s”: length %zu value %" PRId64
           ", expected length %zu value %" PRId64, word, text, n, v, want_len, want);
}

static void refuses(const char *text, const char *word)
{
    int64_t v = -1;
    size_t n = read_in(text, word, &v);
    EXPECT(n == 0, "“%s” in “%s” read as %" PRId64 " (%zu bytes): it is no number", word, text,
           v, n);
}

int main(void)
{
    /* Well formed: each character is 3 bytes. */
    reads("收到申请三件", "三", 3, 3);
    reads("行政复议二十一起", "二十一", 21, 9);
    reads("共办结一百零五件", "一百零五", 105, 12);
    reads("两件", "两", 2, 3);
    reads("十件", "十", 10, 3);
    reads("十五件", "十五", 15, 6);
    reads("一十五件", "一十五", 15, 9);
    reads("二十件", "二十", 20, 6);
    reads("九十九件", "九十九", 99, 9);
    reads("一百件", "一百", 100, 6);
    reads("一百一十件", "一百一十", 110, 12);
    reads("三百四十五件", "三百四十五", 345, 15);
    reads("一千零五十件", "一千零五十", 1050, 15);
    reads("一千〇五件", "一千〇五", 1005, 12);
    reads("两千件", "两千", 2000, 6);
    reads("两百件", "两百", 200, 6);
    reads("一万件", "一万", 10000, 6);
    reads("两万件", "两万", 20000, 6);
    reads("十万件", "十万", 100000, 6);
    reads("一万零五百件", "一万零五百", 10500, 15);
    reads("一万二千三百件", "一万二千三百", 12300, 18);
    reads("三千零二件", "三千零二", 3002, 12);
    reads("零件", "零", 0, 3);
    reads("〇起", "〇", 0, 3);
    reads("余三", "三", 3, 3); /* at the end of the text */

    /* Words containing a numeral, and malformed runs: not numbers. */
    refuses("收到一些申请", "一些");
    refuses("十分重视", "十分");
    refuses("一方面", "一方面");
    refuses("万一发生", "万一");
    refuses("万一发生", "一"); /* inside the run 万一 */
    refuses("一律公开", "一律");
    refuses("统一办理", "一");
    refuses("第三件", "三");
    refuses("其一件", "一");
    refuses("一致", "一");
    refuses("一般", "一");
    refuses("两年", "两");
    refuses("一百五件", "一百五");  /* colloquial 150: not read */
    refuses("二十两件", "二十两");
    refuses("一二件", "一二");
    refuses("两十件", "两十");
    refuses("一千五十件", "一千五十"); /* the 零 is missing */
    refuses("一百零五十件", "一百零五十");
    refuses("零五件", "零五");
    refuses("一百零件", "一百零");
    refuses("百件", "百");
    refuses("千件", "千");
    refuses("一万二件", "一万二");
    refuses("一万二百件", "一万二百"); /* 一万零二百 */
    refuses("五十十件", "五十十");
    refuses("一万万件", "一万万");
    refuses("二〇二三年", "二〇二三");
    refuses("一二三四五六七八九十一二三四五六七", "一"); /* too long for a count */
    refuses("三件", "件");
    return failures != 0;
}
