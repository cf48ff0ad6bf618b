/* The system_fonts module (module.h): the faces fontconfig lists, for the names that are not
 * among the bundled fonts. It is the only user of libfontconfig (and, through it, libexpat), so
 * that a report set in the bundled fonts starts without either. Each call makes a configuration
 * of its own, never the process-wide default that FcInit sets up, and destroys it. */
#include "font.h"
#include "module.h"
#include "util.h"

#include <fontconfig/fontconfig.h>

#include <stdlib.h>

static char **pattern_strings(FcPattern *p, const char *object, size_t *n)
{
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    FcChar8 *s;
    for (int i = 0; FcPatternGetString(p, object, i, &s) == FcResultMatch; i++) {
        nb_grow(&v, &cap, *n + 1, sizeof *v);
        v[(*n)++] = nb_strdup((const char *)s);
    }
    return v;
}

int nb_mod_font_faces(const char *font_dir, int system, nb_face_names **faces, size_t *n)
{
    *faces = NULL;
    *n = 0;
    FcConfig *config = system ? FcInitLoadConfigAndFonts() : FcConfigCreate();
    if (!config)
        return -1;
    if (font_dir && !FcConfigAppFontAddDir(config, (const FcChar8 *)font_dir)) {
        FcConfigDestroy(config);
        return -1;
    }
    FcPattern *all = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_FAMILY, FC_STYLE, FC_FULLNAME,
                                       FC_POSTSCRIPT_NAME, FC_WEIGHT, FC_SLANT, (char *)NULL);
    FcFontSet *fs = FcFontList(config, all, os);
    FcObjectSetDestroy(os);
    FcPatternDestroy(all);
    if (fs && fs->nfont > 0) {
        nb_face_names *v = nb_calloc((size_t)fs->nfont, sizeof *v);
        size_t k = 0;
        for (int i = 0; i < fs->nfont; i++) {
            FcPattern *p = fs->fonts[i];
            FcChar8 *file;
            if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch)
                continue;
            nb_face_names *c = &v[k++];
            c->file = nb_strdup((const char *)file);
            if (FcPatternGetInteger(p, FC_INDEX, 0, &c->index) != FcResultMatch)
                c->index = 0;
            if (FcPatternGetInteger(p, FC_WEIGHT, 0, &c->weight) != FcResultMatch)
                c->weight = FC_WEIGHT_REGULAR;
            if (FcPatternGetInteger(p, FC_SLANT, 0, &c->slant) != FcResultMatch)
                c->slant = FC_SLANT_ROMAN;
            c->families = pattern_strings(p, FC_FAMILY, &c->nfamilies);
            c->styles = pattern_strings(p, FC_STYLE, &c->nstyles);
            c->fullnames = pattern_strings(p, FC_FULLNAME, &c->nfullnames);
            FcChar8 *ps;
            c->ps_name = FcPatternGetString(p, FC_POSTSCRIPT_NAME, 0, &ps) == FcResultMatch
                             ? nb_strdup((const char *)ps) : NULL;
        }
        *faces = v;
        *n = k;
    }
    if (fs)
        FcFontSetDestroy(fs);
    FcConfigDestroy(config);
    return 0;
}

NB_MODULE_EXPORT(.font_faces = nb_mod_font_faces);
