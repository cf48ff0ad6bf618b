/* Replays corpus files through the fuzzed entry points without libFuzzer, so that CI (and the
 * sanitizer build) checks every kept input: `fuzz_replay TARGET PATH...`, TARGET one of report,
 * layout, render, import_text, import_html, import_docx, import_pdf, seal, cff, access; a PATH is a file or a
 * folder whose files (not sub-folders, not *.expect) are
 * all replayed, in name order. Exits 0 when every input ran; a finding crashes or is reported by
 * a sanitizer. */
#include "targets.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct replay {
    const char *target;
    nb_engine *engine;
    size_t files;
} replay;

static int run_file(replay *rp, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 0;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *data = malloc(cap);
    size_t n;
    while (data && (n = fread(data + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *bigger = realloc(data, cap *= 2);
            if (!bigger)
                free(data);
            data = bigger;
        }
    }
    fclose(f);
    if (!data) {
        fprintf(stderr, "%s: out of memory\n", path);
        return 0;
    }
    if (!strcmp(rp->target, "report"))
        nb_fuzz_report(rp->engine, data, len);
    else if (!strcmp(rp->target, "layout"))
        nb_fuzz_layout(data, len);
    else if (!strcmp(rp->target, "import_text"))
        nb_fuzz_import_text(rp->engine, data, len);
    else if (!strcmp(rp->target, "import_html"))
        nb_fuzz_import_html(data, len);
    else if (!strcmp(rp->target, "import_docx"))
        nb_fuzz_import_docx(data, len);
    else if (!strcmp(rp->target, "import_pdf"))
        nb_fuzz_import_pdf(data, len);
    else if (!strcmp(rp->target, "seal"))
        nb_fuzz_seal(data, len);
    else if (!strcmp(rp->target, "cff"))
        nb_fuzz_cff(data, len);
    else if (!strcmp(rp->target, "access"))
        nb_fuzz_access(data, len);
    else
        nb_fuzz_render(rp->engine, data, len);
    free(data);
    rp->files++;
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(replay *rp, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 0;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(rp, path);
    DIR *dir = opendir(path);
    if (!dir) {
        perror(path);
        return 0;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *ent;
    int ok = 1;
    while ((ent = readdir(dir)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (ent->d_name[0] == '.' || (len > 7 && !strcmp(ent->d_name + len - 7, ".expect")))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            char **bigger = realloc(names, cap * sizeof *names);
            if (!bigger) {
                ok = 0;
                break;
            }
            names = bigger;
        }
        size_t n = strlen(path) + len + 2;
        names[count] = malloc(n);
        if (!names[count]) {
            ok = 0;
            break;
        }
        snprintf(names[count++], n, "%s/%s", path, ent->d_name);
    }
    closedir(dir);
    if (count)
        qsort(names, count, sizeof *names, by_name);
    for (size_t i = 0; i < count; i++) {
        struct stat fs;
        if (ok && stat(names[i], &fs) == 0 && S_ISREG(fs.st_mode))
            ok = run_file(rp, names[i]);
        free(names[i]);
    }
    free(names);
    return ok;
}

int main(int argc, char **argv)
{
    static const char *const targets[] = {"report", "layout", "render", "import_text",
                                          "import_html",
                                          "import_docx", "import_pdf", "seal", "cff", "access", NULL};
    int known = 0;
    for (int i = 0; argc >= 3 && targets[i]; i++)
        known |= !strcmp(argv[1], targets[i]);
    if (!known) {
        fputs("usage: fuzz_replay report|layout|render|import_text|import_html|import_docx|"
              "import_pdf|seal|cff|access "
              "PATH...\n", stderr);
        return 2;
    }
    replay rp = {.target = argv[1]};
    if (!strcmp(rp.target, "report") || !strcmp(rp.target, "render") ||
        !strcmp(rp.target, "import_text"))
        rp.engine = nb_fuzz_engine();
    int ok = 1;
    for (int i = 2; i < argc && ok; i++)
        ok = run_path(&rp, argv[i]);
    nb_engine_free(rp.engine);
    printf("fuzz_replay %s: %zu inputs\n", rp.target, rp.files);
    if (ok && rp.files == 0) {
        fputs("fuzz_replay: no inputs found\n", stderr);
        return 1;
    }
    return ok ? 0 : 1;
}
