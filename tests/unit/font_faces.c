/* The bundled fonts are looked up without fontconfig (font.c reads their name tables itself):
 * every face of fonts/ must have the families, styles, full names, PostScript name, weight and
 * slant that fontconfig gives it, or a name would resolve differently with and without the
 * system's fonts loaded. */
#include "font.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

int main(void)
{
    const char *source = getenv("NB_SOURCE");
    if (!source) {
        fprintf(stderr, "NB_SOURCE must name the source tree\n");
        return 1;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/fonts", source);
    char *ours = nb_fontset_describe(dir, 0);
    char *fc = nb_fontset_describe(dir, 1);
    EXPECT(strcmp(ours, fc) == 0, "the faces differ:\n-- read by nianbao:\n%s-- by fontconfig:\n%s",
           ours, fc);
    /* Every bundled file is there (and only font files: not COPYING or the licences). */
    size_t lines = 0;
    for (const char *p = ours; *p; p++)
        lines += *p == '\n';
    EXPECT(lines == 10, "%zu faces in fonts/, want the 10 bundled ones:\n%s", lines, ours);
    EXPECT(strstr(ours, "FandolFang-Regular.otf|0|FandolFang,FandolFang R|Regular|") != NULL,
           "FandolFang: %s", ours);
    EXPECT(strstr(ours, "|Noto Serif CJK SC,Noto Serif CJK SC Black|Black,Regular|") != NULL,
           "Noto Serif CJK SC Black: %s", ours);
    free(ours);
    free(fc);
    return failures != 0;
}
