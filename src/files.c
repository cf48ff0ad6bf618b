/* The files a report names, opened through the access policy (files.h). */
#include "files.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

nb_font *nb_files_font(nb_fontset *set, const nb_access *access, const nb_report *r, int role,
                       size_t i, nb_diags *d)
{
    const nb_text *name = &r->fonts[role][i];
    char *why = NULL;
    nb_font *font = NULL;
    if (i < r->nfonts_operator[role] || !nb_font_is_path(name->s)) {
        /* The operator's choice, or a family name: nothing of the report's folder is read. */
        font = nb_fontset_find(set, name->s, &why);
        if (!font && !why)
            nb_diag_add_once(d, NB_ERROR, name->pos,
                        "font '%s' (role %s) is neither an installed family nor a font file",
                        name->s, nb_role_names[role]);
    } else {
        int fd, err;
        nb_access_status st = nb_access_open(access, name->s, &fd, &err);
        if (st == NB_ACCESS_OK) {
            font = nb_fontset_get_fd(set, fd, name->s, &why);
            close(fd);
        } else {
            char reason[160];
            nb_diag_add_once(d, NB_ERROR, name->pos, "font '%s' (role %s) cannot be used: %s",
                        name->s, nb_role_names[role],
                        nb_access_message(st, err, 0, 0, reason, sizeof reason));
        }
    }
    if (why)
        nb_diag_add_once(d, NB_ERROR, name->pos, "font '%s' (role %s) cannot be used: %s", name->s,
                    nb_role_names[role], why);
    free(why);
    return font;
}

void nb_raster_free(nb_raster *r)
{
    if (!r)
        return;
    free(r->pixels);
    free(r->alpha);
    memset(r, 0, sizeof *r);
}

int nb_files_seal(const nb_access *access, const nb_report *r, nb_raster *out, nb_diags *d)
{
    nb_pos pos = r->seal.s ? r->seal.pos : (nb_pos){r->file, 0, 0};
    const char *name = r->seal.s ? r->seal.s : "given in memory";
    char why[256] = "";
    unsigned char *data = NULL;
    size_t size = 0;
    int rc = -1;
    if (r->seal_data) {
        rc = nb_raster_decode(r->seal_data, r->seal_size, out, why, sizeof why);
    } else {
        int err;
        nb_access_status st = nb_access_read(access, r->seal.s, NB_SEAL_MAX_BYTES, &data, &size,
                                             &err);
        if (st == NB_ACCESS_OK)
            rc = nb_raster_decode(data, size, out, why, sizeof why);
        else
            nb_access_message(st, err, size, NB_SEAL_MAX_BYTES, why, sizeof why);
    }
    free(data);
    if (rc != 0)
        nb_diag_add(d, NB_ERROR, pos, "cannot use the seal %s: %s", name, why);
    return rc;
}
