/* Built with `pkg-config --cflags --libs nianbao` against an installed copy: renders a report
 * after checking it once, and prints how many findings there were (the render must not add the
 * check's findings again). `render_pc REPORT OUT.pdf [KEY.pem CERT.pem]`: REPORT may be a
 * published source (imported by its module), and with a key the PDF is signed (the signing
 * module). */
#include <nianbao.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if ((argc != 3 && argc != 5) || strcmp(nb_version(), NIANBAO_VERSION) != 0)
        return 2;
    char *error = NULL;
    nb_engine *e = nb_engine_new(NULL, &error);
    if (!e) {
        fprintf(stderr, "%s\n", error);
        return 2;
    }
    nb_diags *d = nb_diags_new();
    nb_report *r = NULL;
    nb_render_options o = NB_RENDER_OPTIONS_INIT;
    o.skip_check = 1;
    if (argc == 5) {
        o.sign_key = argv[3];
        o.sign_cert = argv[4];
    }
    int rc = nb_report_load_file(e, argv[1], &r, d);
    if (rc == NB_OK)
        rc = nb_check(r, NULL, d);
    if (rc == NB_OK)
        rc = nb_render_file(e, r, &o, argv[2], d);
    printf("%s %zu findings\n", nb_version(), nb_diags_count(d));
    nb_report_free(r);
    nb_diags_free(d);
    nb_engine_free(e);
    return rc;
}
