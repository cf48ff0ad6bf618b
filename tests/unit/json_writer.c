/* The one JSON string writer (util.c), used by the diagnostics, the layout dump and the batch
 * summary: quotes, backslashes and control characters escaped, UTF-8 kept, every byte that is
 * not UTF-8 replaced by U+FFFD, so whatever a message holds the file stays valid JSON. The
 * FILE* form writes the same bytes as the buffer form. */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

static void expect_json(const char *in, const char *want)
{
    nb_buf b = {0};
    nb_json_put(&b, in);
    nb_buf_put(&b, "", 1);
    EXPECT(strcmp((const char *)b.data, want) == 0, "%s gives %s, want %s", in ? in : "NULL",
           (const char *)b.data, want);

    char *mem = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&mem, &size);
    nb_json_string(f, in);
    fclose(f);
    EXPECT(size == b.len - 1 && memcmp(mem, b.data, size) == 0, "the FILE* form gives %.*s",
           (int)size, mem);
    free(mem);
    nb_buf_free(&b);
}

int main(void)
{
    expect_json("plain", "\"plain\"");
    expect_json(NULL, "\"\"");
    expect_json("a\"b\\c", "\"a\\\"b\\\\c\"");
    expect_json("tab\there\nnl\x01\x7f", "\"tab\\u0009here\\u000anl\\u0001\\u007f\"");
    expect_json("表三 “总计”", "\"表三 “总计”\"");
    /* not UTF-8: a lone continuation byte, a cut sequence, an overlong slash, 0xff */
    expect_json("x\x80y", "\"x\\ufffdy\"");
    expect_json("\xe8\xa1", "\"\\ufffd\\ufffd\"");
    expect_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");
    expect_json("\xff", "\"\\ufffd\"");
    return failures != 0;
}
