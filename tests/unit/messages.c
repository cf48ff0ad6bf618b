/* The message table (src/messages.c): every Chinese format takes the same arguments as its
 * English one — the same conversions for the same argument numbers, with %n$ reordering — so
 * that a translated message can never read an argument of the wrong type. And a list in Chinese
 * translates what it has and leaves the rest in English. */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

#define MAX_ARGS 16

/* The conversion of each argument (by number, from 1) of a printf format, as its length
 * modifier and conversion letter ("s", "d", "zu", "lld"). Returns the number of arguments, or
 * -1 for a format this test cannot read (mixed numbered and plain conversions, * widths). */
static int conversions(const char *fmt, char conv[MAX_ARGS + 1][8])
{
    int next = 1, count = 0, numbered = -1;
    for (int i = 0; i <= MAX_ARGS; i++)
        conv[i][0] = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        int arg = next;
        const char *q = p;
        int n = 0;
        while (*q >= '0' && *q <= '9')
            n = n * 10 + (*q++ - '0');
        int is_numbered = *q == '$' && n > 0;
        if (numbered >= 0 && numbered != is_numbered)
            return -1;
        numbered = is_numbered;
        if (is_numbered) {
            arg = n;
            p = q + 1;
        } else {
            next++;
        }
        while (strchr("-+ #0", *p))
            p++;
        while ((*p >= '0' && *p <= '9') || *p == '.' || *p == '*') {
            if (*p == '*') {
                /* A width or precision from an int argument, before the value's own. */
                if (is_numbered || arg > MAX_ARGS)
                    return -1;
                strcpy(conv[arg], "d");
                if (arg > count)
                    count = arg;
                arg = next++;
            }
            p++;
        }
        char spec[8];
        size_t k = 0;
        while (strchr("hlLqjzt", *p) && k < 5)
            spec[k++] = *p++;
        spec[k++] = *p;
        spec[k] = 0;
        if (arg < 1 || arg > MAX_ARGS)
            return -1;
        if (conv[arg][0] && strcmp(conv[arg], spec))
            return -1;
        strcpy(conv[arg], spec);
        if (arg > count)
            count = arg;
    }
    return count;
}

int main(void)
{
    const char *zh, *en;
    size_t pairs = 0;
    for (size_t i = 0; (en = nb_msg_pair(i, &zh)); i++, pairs++) {
        char ce[MAX_ARGS + 1][8], cz[MAX_ARGS + 1][8];
        int ne = conversions(en, ce), nz = conversions(zh, cz);
        EXPECT(ne >= 0 && ne == nz, "argument count differs: '%s' (%d) / '%s' (%d)", en, ne, zh, nz);
        for (int a = 1; a <= ne && ne == nz; a++)
            EXPECT(!strcmp(ce[a], cz[a]), "argument %d: %%%s in '%s' but %%%s in '%s'", a, ce[a], en,
                   cz[a], zh);
        EXPECT(nb_msg_zh(en) == zh, "'%s' is in the table twice", en);
    }
    EXPECT(pairs > 20, "only %zu messages", pairs);

    /* A list in Chinese: a known format is translated, an unknown one stays English. */
    nb_diags *d = nb_diags_new();
    nb_diags_set_lang(d, "zh_CN.UTF-8");
    nb_pos at = {"r.yaml", 3, 4};
    nb_diag_add(d, NB_WARNING, at, "%s is %s", "总计", "5");
    nb_diag_add(d, NB_ERROR, at, "no translation for %d", 7);
    const char *m0, *m1;
    nb_diags_get(d, 0, NULL, NULL, NULL, &m0);
    nb_diags_get(d, 1, NULL, NULL, NULL, &m1);
    EXPECT(!strcmp(m0, "总计 为 5"), "translated: '%s'", m0);
    EXPECT(!strcmp(m1, "no translation for 7"), "untranslated: '%s'", m1);
    EXPECT(!strcmp(nb_diags_rule(d, 0), "input"), "rule of a plain diagnostic: %s",
           nb_diags_rule(d, 0));
    nb_diags_set_lang(d, "en_US.UTF-8");
    nb_diag_add(d, NB_WARNING, at, "%s is %s", "总计", "5");
    nb_diags_get(d, 2, NULL, NULL, NULL, &m0);
    EXPECT(!strcmp(m0, "总计 is 5"), "English again: '%s'", m0);
    nb_diags_free(d);
    return failures ? 1 : 0;
}
