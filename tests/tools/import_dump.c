/* Prints what a source reader makes of a file, as JSON, for the import tests:
 *     import_dump html|docx|pdf FILE
 * {"file":…,"pages":0|1,"blocks":[{"p":TEXT,"line":…,"level":…,"bold":…,"size":…} |
 *  {"table":[[{"text":…,"rowspan":…,"colspan":…,"line":…},…],…],"line":…}]}
 * Exit 0 when read, 2 (with the diagnostics on standard error) when refused. */
#include "import.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    nb_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        nb_buf_put(&b, chunk, n);
    fclose(f);
    *size = b.len;
    return b.data ? (char *)b.data : nb_strdup("");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: import_dump html|docx|pdf FILE\n", stderr);
        return 2;
    }
    size_t size;
    char *data = slurp(argv[2], &size);
    if (!data) {
        perror(argv[2]);
        return 2;
    }
    nb_import_doc doc;
    nb_diags *diags = nb_diags_new();
    int rc;
    if (!strcmp(argv[1], "html"))
        rc = nb_import_read_html(argv[2], data, size, &doc, diags);
    else if (!strcmp(argv[1], "docx"))
        rc = nb_import_read_docx(argv[2], data, size, &doc, diags);
    else if (!strcmp(argv[1], "pdf"))
        rc = nb_import_read_pdf(argv[2], data, size, &doc, diags);
    else {
        fprintf(stderr, "import_dump: unknown source kind %s\n", argv[1]);
        return 2;
    }
    free(data);
    nb_diags_print(diags, stderr);
    nb_diags_free(diags);
    if (rc != NB_OK)
        return 2;
    printf("{\"file\":");
    nb_json_string(stdout, doc.file);
    printf(",\"pages\":%d,\"blocks\":[", doc.pages);
    for (size_t i = 0; i < doc.nblocks; i++) {
        const nb_import_block *b = &doc.blocks[i];
        printf("%s\n{", i ? "," : "");
        if (b->kind == NB_IMPORT_PARAGRAPH) {
            printf("\"p\":");
            nb_json_string(stdout, b->text);
            printf(",\"level\":%d,\"bold\":%d,\"size\":%g", b->level, b->bold, b->size);
        } else {
            printf("\"table\":[");
            for (size_t r = 0; r < b->nrows; r++) {
                printf("%s\n [", r ? "," : "");
                for (size_t c = 0; c < b->rows[r].ncells; c++) {
                    const nb_import_cell *cell = &b->rows[r].cells[c];
                    printf("%s{\"text\":", c ? "," : "");
                    nb_json_string(stdout, cell->text);
                    printf(",\"rowspan\":%d,\"colspan\":%d,\"line\":%d}", cell->rowspan,
                           cell->colspan, cell->line);
                }
                printf("]");
            }
            printf("]");
        }
        printf(",\"line\":%d,\"col\":%d}", b->line, b->col);
    }
    printf("]}\n");
    nb_import_doc_clear(&doc);
    return 0;
}
