/* Loadable modules: the parts of nianbao whose libraries an unsigned render or a check never
 * needs. Signing (libcrypto) and the HTML, .docx and PDF import readers (libxml2, libzip,
 * MuPDF) are shared objects installed in LIBDIR/nianbao/ and loaded with dlopen on first use,
 * so the program and the library start without those libraries (docs/design.md, "Modules").
 *
 *   file              entry                 links
 *   sign.so           nb_sign_pdf           libcrypto
 *   import_html.so    nb_import_read_html   libxml2
 *   import_docx.so    nb_import_read_docx   libxml2, libzip
 *   import_pdf.so     nb_import_read_pdf    MuPDF (static)
 *   system_fonts.so   nb_installed_faces    libfontconfig
 *   seal_image.so     nb_raster_decode      libspng, libjpeg
 *
 * Fontconfig is asked only for a font name that is not among the bundled faces (font.c): the
 * fonts of `--fonts government`, a report's own family names.
 *
 * The entries (sign.h, import.h, font.h, seal.h) keep their signatures: the library's version of
 * each loads its module and calls the implementation there. A module carries its own copy of the
 * small helpers it uses (util.c, diag.c, messages.c, import_build.c), so it needs nothing from the
 * code that loads it and works the same under the program, the shared library and the static one.
 * Modules hold no state: loading twice (two threads) maps the file once, and a loaded module stays
 * until the process ends (RTLD_NODELETE). With NB_MODULES_BUILTIN (the fuzzing library) the
 * implementations are linked in and called directly. */
#ifndef NB_MODULE_H
#define NB_MODULE_H

#include "diag.h"
#include "font.h"
#include "import.h"
#include "seal.h"
#include "sign.h"
#include "util.h"

/* Raised whenever the table below or a structure it passes changes. */
#define NB_MODULE_ABI 2

/* What a module exports, as the data symbol nb_module_entry. A field that a module does not
 * provide is NULL. The sizes let the loader refuse a module built from other headers. */
typedef struct nb_module {
    const char *version;   /* NIANBAO_VERSION of the build */
    unsigned abi;          /* NB_MODULE_ABI */
    size_t sizes;          /* NB_MODULE_SIZES: a checksum of the passed structures' sizes */
    int (*sign_pdf)(nb_buf *pdf, const nb_sign_options *options, nb_diags *diags);
    int (*import_read)(const char *name, const char *data, size_t size, nb_import_doc *doc,
                       nb_diags *diags);
    int (*font_faces)(const char *font_dir, int system, nb_face_names **faces, size_t *n);
    int (*raster_decode)(const unsigned char *data, size_t size, nb_raster *out, char *why,
                         size_t why_size);
} nb_module;

#define NB_MODULE_SIZES                                                                       \
    (sizeof(nb_module) + sizeof(nb_diags) * 3 + sizeof(nb_diag) * 5 + sizeof(nb_buf) * 7 +     \
     sizeof(nb_sign_options) * 11 + sizeof(nb_import_doc) * 13 + sizeof(nb_import_block) * 17 + \
     sizeof(nb_import_cell) * 19 + sizeof(nb_face_names) * 23 + sizeof(nb_raster) * 29)

#ifdef NB_MODULES_BUILTIN
#define NB_MODULE_EXPORT(...) _Static_assert(1, "linked in: no entry table")
#else
/* Defines the module's entry table (once per module source). */
#define NB_MODULE_EXPORT(...)                                                                 \
    __attribute__((visibility("default"))) const nb_module nb_module_entry = {                \
        NIANBAO_VERSION, NB_MODULE_ABI, NB_MODULE_SIZES, __VA_ARGS__}
#endif

/* The implementations, in the modules (sign.c, import_html.c, import_docx.c, import_pdf.c,
 * font_system.c, seal.c). */
int nb_mod_sign_pdf(nb_buf *pdf, const nb_sign_options *options, nb_diags *diags);
int nb_mod_read_html(const char *name, const char *data, size_t size, nb_import_doc *doc,
                     nb_diags *diags);
int nb_mod_read_docx(const char *name, const char *data, size_t size, nb_import_doc *doc,
                     nb_diags *diags);
int nb_mod_read_pdf(const char *name, const char *data, size_t size, nb_import_doc *doc,
                    nb_diags *diags);
int nb_mod_font_faces(const char *font_dir, int system, nb_face_names **faces, size_t *n);
int nb_mod_raster_decode(const unsigned char *data, size_t size, nb_raster *out, char *why,
                         size_t why_size);

/* Loads the module `name` ("sign", "import_html", ...) from the first folder that has
 * NAME.so: $NIANBAO_MODULEDIR alone when it is set; otherwise beside the code (the program's
 * BINDIR/../LIBDIR/nianbao, the shared library's LIBDIR/nianbao, so a moved installation loads
 * its own), the build tree, then the configured LIBDIR/nianbao. Returns its table, or NULL with
 * an error at `pos` (a module that is missing, cannot be loaded or is from another build).
 * *handle goes to nb_module_close. */
const nb_module *nb_module_open(const char *name, const char *purpose, nb_pos pos, void **handle,
                                nb_diags *diags);
void nb_module_close(void *handle);

/* The folder of the file this code was loaded from: the shared library, or the program the
 * library is linked into. NULL when unknown. Caller frees. */
char *nb_code_folder(void);

#endif
