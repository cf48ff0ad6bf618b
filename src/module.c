/* Finding and loading the modules, and the library's entries that call into them (module.h). */
#define _GNU_SOURCE /* dladdr1, secure_getenv */
#include "module.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef NB_MODULES_FROM_BIN
#define NB_MODULES_FROM_BIN "../lib/nianbao"
#endif
#ifndef NB_MODULES_FROM_LIB
#define NB_MODULES_FROM_LIB "nianbao"
#endif
#ifndef NB_INSTALL_MODULEDIR
#define NB_INSTALL_MODULEDIR "/usr/local/lib/nianbao"
#endif
#ifndef NB_BUILD_MODULEDIR
#define NB_BUILD_MODULEDIR ""
#endif

char *nb_code_folder(void)
{
    Dl_info info;
    struct link_map *map = NULL;
    /* The main program's link map has an empty name: its path comes from /proc/self/exe, not
     * from argv[0]. */
    if (!dladdr1((void *)nb_version, &info, (void **)&map, RTLD_DL_LINKMAP) || !map)
        return NULL;
    const char *file = map->l_name && map->l_name[0] ? map->l_name : "/proc/self/exe";
    char *real = realpath(file, NULL);
    if (!real)
        return NULL;
    *strrchr(real, '/') = 0;
    return real;
}

#ifndef NB_MODULES_BUILTIN
static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = nb_malloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

const nb_module *nb_module_open(const char *name, const char *purpose, nb_pos pos, void **handle,
                                nb_diags *d)
{
    *handle = NULL;
    char file[64];
    snprintf(file, sizeof file, "%s.so", name);
    char *dirs[5] = {0};
    size_t ndirs = 0;
    const char *chosen = secure_getenv("NIANBAO_MODULEDIR");
    if (chosen && chosen[0]) {
        dirs[ndirs++] = nb_strdup(chosen);
    } else {
        char *here = nb_code_folder();
        if (here) {
            dirs[ndirs++] = join(here, NB_MODULES_FROM_BIN);
            dirs[ndirs++] = join(here, NB_MODULES_FROM_LIB);
            free(here);
        }
        if (NB_BUILD_MODULEDIR[0])
            dirs[ndirs++] = nb_strdup(NB_BUILD_MODULEDIR);
        dirs[ndirs++] = nb_strdup(NB_INSTALL_MODULEDIR);
    }
    const nb_module *m = NULL;
    char *path = NULL;
    for (size_t i = 0; i < ndirs && !path; i++) {
        struct stat st;
        char *p = join(dirs[i], file);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            path = realpath(p, NULL); /* named without "bin/../" in messages */
            if (!path) {
                path = p;
                p = NULL;
            }
        }
        free(p);
    }
    if (!path) {
        nb_buf looked = {0};
        for (size_t i = 0; i < ndirs; i++)
            nb_buf_printf(&looked, "%s%s", i ? ", " : "", dirs[i]);
        nb_buf_put(&looked, "", 1);
        nb_diag_add(d, NB_ERROR, pos,
                    "%s needs the module %s, which is not installed (looked in %s)",
                    nb_tr(d, purpose), file, (const char *)looked.data);
        nb_buf_free(&looked);
    } else {
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        const nb_module *entry = h ? dlsym(h, "nb_module_entry") : NULL;
        if (!h)
            nb_diag_add(d, NB_ERROR, pos, "cannot load the module %s: %s", path, dlerror());
        else if (!entry)
            nb_diag_add(d, NB_ERROR, pos, "%s is not a nianbao module", path);
        else if (entry->abi != NB_MODULE_ABI || entry->sizes != NB_MODULE_SIZES ||
                 !entry->version || strcmp(entry->version, NIANBAO_VERSION) != 0)
            nb_diag_add(d, NB_ERROR, pos,
                        "the module %s is from another build of nianbao (version %s), not from "
                        "this one (%s)",
                        path, entry->version ? entry->version : "?", NIANBAO_VERSION);
        else
            m = entry;
        if (m)
            *handle = h;
        else if (h)
            dlclose(h);
    }
    free(path);
    for (size_t i = 0; i < ndirs; i++)
        free(dirs[i]);
    return m;
}

void nb_module_close(void *handle)
{
    if (handle)
        dlclose(handle);
}

int nb_sign_pdf(nb_buf *pdf, const nb_sign_options *options, nb_diags *diags)
{
    void *h;
    const nb_module *m = nb_module_open("sign", "signing", (nb_pos){NULL, 0, 0}, &h, diags);
    if (!m || !m->sign_pdf) {
        nb_module_close(h);
        return NB_EINPUT;
    }
    int rc = m->sign_pdf(pdf, options, diags);
    nb_module_close(h);
    return rc;
}

static int read_with(const char *module, const char *purpose, const char *name, const char *data,
                     size_t size, nb_import_doc *doc, nb_diags *diags)
{
    memset(doc, 0, sizeof *doc);
    void *h;
    const nb_module *m = nb_module_open(module, purpose, (nb_pos){name, 0, 0}, &h, diags);
    if (!m || !m->import_read) {
        nb_module_close(h);
        return NB_EINPUT;
    }
    int rc = m->import_read(name, data, size, doc, diags);
    nb_module_close(h);
    return rc;
}

int nb_import_read_html(const char *name, const char *data, size_t size, nb_import_doc *doc,
                        nb_diags *diags)
{
    return read_with("import_html", "importing HTML", name, data, size, doc, diags);
}

int nb_import_read_docx(const char *name, const char *data, size_t size, nb_import_doc *doc,
                        nb_diags *diags)
{
    return read_with("import_docx", "importing a .docx file", name, data, size, doc, diags);
}

int nb_import_read_pdf(const char *name, const char *data, size_t size, nb_import_doc *doc,
                       nb_diags *diags)
{
    return read_with("import_pdf", "importing a PDF", name, data, size, doc, diags);
}

/* The module's first message as a string (caller frees), for callers that have no diags. */
static char *first_message(const nb_diags *d)
{
    return d->count ? nb_strdup(d->items[0].message) : NULL;
}

int nb_installed_faces(const char *font_dir, int system, nb_face_names **faces, size_t *n,
                       char **error)
{
    *faces = NULL;
    *n = 0;
    *error = NULL;
    void *h;
    nb_diags *d = nb_diags_new();
    const nb_module *m = nb_module_open("system_fonts", "looking up installed fonts",
                                        (nb_pos){NULL, 0, 0}, &h, d);
    int rc = -1;
    if (m && m->font_faces)
        rc = m->font_faces(font_dir, system, faces, n);
    else
        *error = first_message(d);
    nb_diags_free(d);
    nb_module_close(h);
    return rc;
}

int nb_raster_decode(const unsigned char *data, size_t size, nb_raster *out, char *why,
                     size_t why_size)
{
    memset(out, 0, sizeof *out);
    void *h;
    nb_diags *d = nb_diags_new();
    const nb_module *m =
        nb_module_open("seal_image", "reading a seal image", (nb_pos){NULL, 0, 0}, &h, d);
    int rc = -1;
    if (m && m->raster_decode) {
        rc = m->raster_decode(data, size, out, why, why_size);
    } else if (why_size) {
        char *msg = first_message(d);
        snprintf(why, why_size, "%s", msg ? msg : "");
        free(msg);
    }
    nb_diags_free(d);
    nb_module_close(h);
    return rc;
}

#else /* NB_MODULES_BUILTIN: the implementations are linked in */

int nb_sign_pdf(nb_buf *pdf, const nb_sign_options *options, nb_diags *diags)
{
    return nb_mod_sign_pdf(pdf, options, diags);
}

int nb_import_read_html(const char *name, const char *data, size_t size, nb_import_doc *doc,
                        nb_diags *diags)
{
    return nb_mod_read_html(name, data, size, doc, diags);
}

int nb_import_read_docx(const char *name, const char *data, size_t size, nb_import_doc *doc,
                        nb_diags *diags)
{
    return nb_mod_read_docx(name, data, size, doc, diags);
}

int nb_import_read_pdf(const char *name, const char *data, size_t size, nb_import_doc *doc,
                       nb_diags *diags)
{
    return nb_mod_read_pdf(name, data, size, doc, diags);
}

int nb_installed_faces(const char *font_dir, int system, nb_face_names **faces, size_t *n,
                       char **error)
{
    *error = NULL;
    return nb_mod_font_faces(font_dir, system, faces, n);
}

int nb_raster_decode(const unsigned char *data, size_t size, nb_raster *out, char *why,
                     size_t why_size)
{
    return nb_mod_raster_decode(data, size, out, why, why_size);
}

#endif
