/* Output names of nianbao batch: safe on every file system, bounded, on character boundaries. */
#include "batch.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void expect(const char *in, size_t len, const char *want)
{
    char *got = nb_safe_file_name(in, len, ".pdf", 200);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "FAIL: name of \"%.*s\": got \"%s\", want \"%s\"\n", (int)len, in, got,
                want);
        failures++;
    }
    free(got);
}

#define EXPECT(in, want) expect(in, sizeof in - 1, want)

/* No forbidden byte, valid UTF-8, at most `max` bytes, ends in .pdf, no leading dot or space. */
static void expect_safe(const char *in, size_t len)
{
    char *got = nb_safe_file_name(in, len, ".pdf", 200);
    size_t n = strlen(got);
    int bad = n > 200 || n < 5 || strcmp(got + n - 4, ".pdf") != 0 || got[0] == '.' ||
              got[0] == ' ';
    for (size_t i = 0; i < n && !bad;) {
        unsigned char c = (unsigned char)got[i];
        uint32_t cp;
        size_t k = nb_utf8_decode(got + i, n - i, &cp);
        if (k == 0 || c < 0x20 || c == 0x7f || strchr("/\\:*?\"<>|", c) || (cp >= 0x80 && cp < 0xa0))
            bad = 1;
        i += k ? k : 1;
    }
    if (bad) {
        fprintf(stderr, "FAIL: unsafe name \"%s\"\n", got);
        failures++;
    }
    free(got);
}

int main(void)
{
    EXPECT("湛河区人力资源和社会保障局-2024", "湛河区人力资源和社会保障局-2024.pdf");
    EXPECT("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j.pdf");
    EXPECT("tab\there\nnl", "tab_here_nl.pdf");
    EXPECT("..hidden", "hidden.pdf");
    EXPECT("  spaced  ", "spaced.pdf");
    EXPECT("\xe3\x80\x80全角空格\xe3\x80\x80", "全角空格.pdf");
    EXPECT("trailing...", "trailing.pdf");
    EXPECT("", "report.pdf");
    EXPECT("...", "report.pdf");
    EXPECT("CON", "_CON.pdf");
    EXPECT("nul.tar", "_nul.tar.pdf");
    EXPECT("com7", "_com7.pdf");
    EXPECT("console", "console.pdf");
    EXPECT("bad\xff\xfe" "byte", "bad__byte.pdf");
    EXPECT("c1\xc2\x85" "ctl", "c1_ctl.pdf");

    /* 100 three-byte characters = 300 bytes: cut to whole characters within 196 + ".pdf". */
    char longname[301];
    for (int i = 0; i < 100; i++)
        memcpy(longname + 3 * i, "报", 3);
    longname[300] = 0;
    char *got = nb_safe_file_name(longname, 300, ".pdf", 200);
    if (strlen(got) != 65 * 3 + 4 || strncmp(got, longname, 65 * 3) != 0) {
        fprintf(stderr, "FAIL: long name cut to %zu bytes: %s\n", strlen(got), got);
        failures++;
    }
    free(got);

    /* Every single byte and a few nasty combinations stay safe. */
    for (int c = 0; c < 256; c++) {
        char s[3] = {(char)c, 'x', 0};
        expect_safe(s, 2);
        expect_safe(s, 1);
    }
    expect_safe(". . .\xe3\x80\x80.x", 10);
    expect_safe(longname, 299); /* ends inside a character */
    return failures ? 1 : 0;
}
