/* Placeholder until the PDF reader lands: refuses every file with a clear message. */
#include "import_build.h"
#include <string.h>
int nb_import_read_pdf(const char *name, const char *data, size_t size, nb_import_doc *doc,
                        nb_diags *diags)
{
    memset(doc, 0, sizeof *doc);
    nb_diag_add(diags, NB_ERROR, (nb_pos){name, 1, 1}, "PDF files cannot be read yet");
    return NB_EINPUT;
}
