/* Built with find_package(nianbao) against an installed copy: renders a report to memory with
 * options zeroed the 0.1 way ({0}) and writes the PDF itself. */
#include <nianbao.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    nb_engine *e = nb_engine_new(NULL, NULL);
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    nb_render_options o = {0};
    unsigned char *pdf = NULL;
    size_t size = 0;
    int rc = e ? nb_report_load_file(e, argv[1], &r, d) : NB_EINPUT;
    if (rc == NB_OK)
        rc = nb_render_memory(e, r, &o, &pdf, &size, d);
    FILE *f = rc == NB_OK ? fopen(argv[2], "wb") : NULL;
    if (f && (fwrite(pdf, 1, size, f) != size || fclose(f) != 0))
        rc = NB_EINPUT;
    printf("%zu bytes, %zu findings\n", size, nb_diags_count(d));
    free(pdf);
    nb_report_free(r);
    nb_diags_free(d);
    nb_engine_free(e);
    return rc;
}
