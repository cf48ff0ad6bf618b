/* nianbao batch: every input is loaded, checked and rendered by one of N worker threads that
 * share one engine (fonts opened once, read-only). Output names are decided before any
 * rendering, in input order, so a collision always fails the later input and never depends on
 * thread timing. Each worker owns the job it took; the shared state (next job, counters, the
 * progress display) sits behind one mutex. */
#include "access.h"
#include "batch.h"
#include "diag.h"
#include "engine.h"
#include "nianbao.h"
#include "output.h"
#include "sha256.h"
#include "typeset.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

#define NB_NAME_MAX 200 /* bytes of an output file name, ".pdf" included */

typedef enum {
    JOB_PENDING,
    JOB_UNREADABLE, /* the file, folder or manifest could not be read */
    JOB_FAILED,     /* errors: not written */
    JOB_WRITTEN,    /* written (or, with --check-only, clean) */
    JOB_WARNINGS,   /* written with warnings */
    JOB_FORCED,     /* written despite errors (--force) */
    JOB_UNCHANGED   /* --changed: input and options as when its PDF was written; not rendered */
} job_status;

typedef struct job {
    char *input;      /* owned */
    char *output;     /* owned; path in OUTDIR, NULL when none was assigned: the PDF, or the
                       * HTML page when that is the only format */
    char *html_output; /* owned; with both formats, the HTML page beside the PDF; else NULL */
    char *name_text;  /* owned; --names agency: "<agency>-<year>" found by the naming pass */
    char *subdir;     /* owned; the input's folder below the folder named on the command line
                       * ("" for none): the output goes to the same folder below OUTDIR */
    const char *previous; /* borrowed from the batch's index: last year's report, or NULL */
    int name_taken;   /* failed because an earlier input has its output name */
    int stale_removed; /* outputs from an earlier run removed from this job's output paths:
                        * bit k for the k-th of job_outputs() */
    char key[65];     /* --changed: SHA-256 (hex) of input, last year's report and options */
    char pdf_hash[65]; /* SHA-256 (hex) of the output written, or of the unchanged one */
    char html_hash[65]; /* the same of html_output */
    job_status status;
    nb_diags *diags;  /* owned */
    int unwritable;   /* the PDF could not be written (a full disk, a read-only folder) */
    char *commit_error; /* owned: why a staged output was not renamed into place, or NULL;
                         * set by the committing thread, read after the workers end */
    char *commit_path; /* owned: the output commit_error is about */
    int staged;       /* outputs handed to nb_output_stage (renamed at the next commit) */
    size_t bytes;     /* the output's size */
    size_t html_bytes; /* html_output's size */
    double ms;        /* time spent on this report */
} job;

/* A report of --previous-dir: whose it is and for which year. */
typedef struct last_year {
    char *agency, *path; /* owned */
    int year;
} last_year;

/* A line of the state file, OUTDIR/.nianbao-batch-state: what produced a PDF (--changed). */
typedef struct state_entry {
    char key[65], pdf_hash[65];
    char *output; /* owned: relative to OUTDIR */
} state_entry;

/* --changed: a layout file's SHA-256, read once per batch (a layout is loaded once per batch,
 * too) for the keys of all the reports bound to it. */
typedef struct layout_digest {
    char *path; /* owned: as the layout names it (nb_layout.files) */
    unsigned char digest[32];
    int readable; /* 0: the file could not be read; digest unset */
} layout_digest;

#define NB_STATE_FILE ".nianbao-batch-state"
/* PDFs written to their temporary names before one flush and the renames (nb_output_commit):
 * few enough that an interrupted batch has little to redo, enough that the flush is rare. */
#define NB_SYNC_CHUNK 32
#define NB_MAX_DEPTH 64 /* folders below a folder named on the command line */

typedef struct batch {
    nb_engine *engine; /* owned */
    job *jobs;         /* owned */
    size_t njobs, cap_jobs;
    const char *outdir, *report_path, *summary_path;
    int names_agency, force, check_only, threads, recursive, changed;
    int formats;       /* NB_BATCH_PDF and/or NB_BATCH_HTML, never 0 */
    int html_format;   /* NB_OUTPUT_HTML or NB_OUTPUT_HTML_FRAGMENT */
    int verbosity;     /* -1: errors only, 0: normal, 1: every report even on a terminal */
    nb_file_set inputs; /* every input file, sealed before the workers start; read-only then */
    /* The summaries of this run, and a check's or a render's in the same folder: never read
     * as reports. Borrowed or owned by nb_batch_run. */
    const char *own[4];
    const nb_pdf_settings *pdf;
    char *options_text; /* owned: the options that shape a PDF, as hashed for --changed */
    struct stat outdir_st; /* OUTDIR's identity, so recursion never descends into it */
    int have_outdir_st;
    last_year *previous; /* owned: the --previous-dir index, sorted by agency then path */
    size_t nprevious;
    state_entry *state;  /* owned: the state file as read, sorted by output */
    size_t nstate;
    nb_output_batch *staged; /* owned: PDFs written, waiting for the flush and their rename */
    layout_digest *layout_digests; /* owned; guarded by digest_lock, not by `lock`, so that a
                                    * file being hashed holds up no progress report */
    size_t nlayout_digests, cap_layout_digests;
    pthread_mutex_t digest_lock;

    /* Shared between workers; guarded by `lock`. */
    pthread_mutex_t lock;
    /* The committing thread (flush_staged) flushes and renames staged PDFs while the workers
     * go on rendering: a syncfs of 32 PDFs takes a worker's core for tens of milliseconds. */
    pthread_cond_t commit_wake;
    int committer_running; /* else a worker commits itself */
    int commit_asked;      /* NB_SYNC_CHUNK PDFs or more are staged */
    int workers_done;      /* the committer's last round */
    size_t next;       /* next job index to take */
    int naming_pass;   /* 1: workers only read agency and year */
    size_t done, failed;
    int tty;
    double start, last_draw;
} batch;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void nb_pdf_settings_apply(const nb_pdf_settings *s, nb_report *r)
{
    if (s->style)
        nb_report_set_style(r, s->style);
    if (s->preset)
        nb_report_use_fonts(r, s->preset);
    r->allow_dirs = s->nallow ? s->allow : NULL;
    for (int i = s->nfonts - 1; i >= 0; i--) {
        char role[32];
        const char *eq = strchr(s->fonts[i], '=');
        snprintf(role, sizeof role, "%.*s", (int)(eq - s->fonts[i]), s->fonts[i]);
        nb_report_use_font(r, role, eq + 1);
    }
}

/* ---- output names ---------------------------------------------------------------------- */

static int is_forbidden_ascii(unsigned c)
{
    return c < 0x20 || c == 0x7f || strchr("/\\:*?\"<>|", (int)c) != NULL;
}

/* Drops leading (lead = 1) or trailing spaces, U+3000 and dots from b[0..*len). */
static void trim_name(nb_buf *b, int lead)
{
    static const char ideo_space[] = "\xe3\x80\x80";
    for (;;) {
        char *s = (char *)b->data;
        if (!b->len)
            return;
        if (lead) {
            if (s[0] == ' ' || s[0] == '.') {
                memmove(s, s + 1, --b->len);
            } else if (b->len >= 3 && memcmp(s, ideo_space, 3) == 0) {
                b->len -= 3;
                memmove(s, s + 3, b->len);
            } else {
                return;
            }
        } else {
            if (s[b->len - 1] == ' ' || s[b->len - 1] == '.')
                b->len--;
            else if (b->len >= 3 && memcmp(s + b->len - 3, ideo_space, 3) == 0)
                b->len -= 3;
            else
                return;
        }
    }
}

/* Cuts b to at most `max` bytes without splitting a UTF-8 sequence (b holds valid UTF-8). */
static void cut_name(nb_buf *b, size_t max)
{
    if (b->len <= max)
        return;
    size_t n = max;
    while (n > 0 && (b->data[n] & 0xc0) == 0x80)
        n--;
    b->len = n;
}

/* Windows refuses these as a name's part before the first dot, whatever the extension. */
static int is_reserved_device(const unsigned char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[n] != '.')
        n++;
    static const char *const plain[] = {"CON", "PRN", "AUX", "NUL"};
    for (size_t i = 0; i < 4; i++)
        if (n == 3 && strncasecmp((const char *)s, plain[i], 3) == 0)
            return 1;
    return n == 4 && (strncasecmp((const char *)s, "COM", 3) == 0 ||
                      strncasecmp((const char *)s, "LPT", 3) == 0) &&
           s[3] >= '1' && s[3] <= '9';
}

char *nb_safe_file_name(const char *text, size_t len, const char *suffix, size_t max)
{
    size_t slen = strlen(suffix);
    size_t room = max > slen + 1 ? max - slen : 1;
    nb_buf b = {0};
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = nb_utf8_decode(text + i, len - i, &cp);
        if (n == 0) {
            nb_buf_put(&b, "_", 1);
            i++;
            continue;
        }
        if ((cp < 0x80 && is_forbidden_ascii(cp)) || (cp >= 0x80 && cp < 0xa0))
            nb_buf_put(&b, "_", 1);
        else
            nb_buf_put(&b, text + i, n);
        i += n;
    }
    trim_name(&b, 1);
    cut_name(&b, room);
    trim_name(&b, 0);
    if (b.len && is_reserved_device(b.data, b.len)) {
        nb_buf prefixed = {0};
        nb_buf_put(&prefixed, "_", 1);
        nb_buf_put(&prefixed, b.data, b.len);
        nb_buf_free(&b);
        b = prefixed;
        cut_name(&b, room);
        trim_name(&b, 0);
    }
    if (!b.len)
        nb_buf_puts(&b, "report");
    nb_buf_put(&b, suffix, slen + 1);
    return (char *)b.data;
}

/* The stem of a path: its last component without the last extension. */
static void path_stem(const char *path, const char **stem, size_t *len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    *stem = base;
    *len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t size = n + strlen(name) + 2;
    char *p = nb_malloc(size);
    snprintf(p, size, "%.*s/%s", (int)n, dir, name);
    return p;
}

typedef struct name_key {
    char *key; /* owned: the name with ASCII letters folded (case-insensitive file systems) */
    size_t index;
} name_key;

static int compare_keys(const void *a, const void *b)
{
    const name_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The suffix of a job's first output. */
static const char *first_suffix(const batch *b)
{
    return b->formats & NB_BATCH_PDF ? ".pdf" : ".html";
}

/* "DIR/NAME.pdf" -> "DIR/NAME.html" (malloc'd). */
static char *html_beside(const char *pdf_path)
{
    size_t n = strlen(pdf_path) - strlen(".pdf");
    size_t size = n + sizeof ".html";
    char *p = nb_malloc(size);
    snprintf(p, size, "%.*s.html", (int)n, pdf_path);
    return p;
}

/* A job's output paths (the first, and the HTML page beside a PDF): how many, in out[]. */
static size_t job_outputs(const job *j, const char *out[2])
{
    size_t n = 0;
    if (j->output)
        out[n++] = j->output;
    if (j->html_output)
        out[n++] = j->html_output;
    return n;
}

/* Gives every pending job its output paths; the later of two jobs with the same name (compared
 * without ASCII case) fails instead of overwriting the earlier one's output. */
static void assign_names(batch *b)
{
    name_key *keys = nb_calloc(b->njobs ? b->njobs : 1, sizeof *keys);
    size_t nkeys = 0;
    for (size_t i = 0; i < b->njobs; i++) {
        job *j = &b->jobs[i];
        if (j->status != JOB_PENDING)
            continue;
        char *name;
        if (b->names_agency) {
            name = nb_safe_file_name(j->name_text, strlen(j->name_text), first_suffix(b),
                                     NB_NAME_MAX);
        } else {
            const char *stem;
            size_t len;
            path_stem(j->input, &stem, &len);
            name = nb_safe_file_name(stem, len, first_suffix(b), NB_NAME_MAX);
        }
        char *dir = j->subdir[0] ? join_path(b->outdir, j->subdir) : nb_strdup(b->outdir);
        j->output = join_path(dir, name);
        if (b->formats == (NB_BATCH_PDF | NB_BATCH_HTML))
            j->html_output = html_beside(j->output);
        free(dir);
        char *keyed = j->subdir[0] ? join_path(j->subdir, name) : nb_strdup(name);
        free(name);
        name = keyed;
        for (char *p = name; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        keys[nkeys].key = name;
        keys[nkeys].index = i;
        nkeys++;
    }
    qsort(keys, nkeys, sizeof *keys, compare_keys);
    for (size_t k = 1; k < nkeys; k++) {
        if (strcmp(keys[k].key, keys[k - 1].key) != 0)
            continue;
        size_t first = k - 1;
        while (first > 0 && strcmp(keys[first - 1].key, keys[k].key) == 0)
            first--;
        job *j = &b->jobs[keys[k].index];
        nb_diag_add(j->diags, NB_ERROR, (nb_pos){j->input, 0, 0},
                    "output name %s is already taken by %s; not written", j->output,
                    b->jobs[keys[first].index].input);
        j->status = JOB_FAILED;
        j->name_taken = 1;
    }
    for (size_t k = 0; k < nkeys; k++)
        free(keys[k].key);
    free(keys);
    /* An output that is one of the inputs (a report named x.pdf, given by name) fails now,
     * before its work; nb_output_write refuses it again at the moment of writing. */
    for (size_t i = 0; i < b->njobs; i++) {
        job *j = &b->jobs[i];
        const char *out[2];
        size_t n = j->status == JOB_PENDING ? job_outputs(j, out) : 0;
        for (size_t k = 0; k < n; k++) {
            struct stat st;
            const char *input = stat(out[k], &st) == 0
                                    ? nb_file_set_find(&b->inputs, st.st_dev, st.st_ino) : NULL;
            if (input) {
                nb_diag_add(j->diags, NB_ERROR, (nb_pos){out[k], 0, 0},
                            "the output would replace the input %s; not written", input);
                j->status = JOB_FAILED;
                break;
            }
        }
    }
}

/* ---- inputs ---------------------------------------------------------------------------- */

static job *add_job_in(batch *b, const char *path, const char *subdir)
{
    nb_grow(&b->jobs, &b->cap_jobs, b->njobs + 1, sizeof *b->jobs);
    job *j = &b->jobs[b->njobs++];
    memset(j, 0, sizeof *j);
    j->input = nb_strdup(path);
    j->subdir = nb_strdup(subdir);
    j->diags = nb_diags_new();
    j->status = JOB_PENDING;
    return j;
}

static job *add_job(batch *b, const char *path) { return add_job_in(b, path, ""); }

static void add_unreadable(batch *b, const char *path, const char *what, int err)
{
    job *j = add_job(b, path);
    nb_diag_add(j->diags, NB_ERROR, (nb_pos){j->input, 0, 0}, "cannot read%s: %s", what,
                strerror(err));
    j->status = JOB_UNREADABLE;
}

/* A folder's reports: descriptions, and published reports that are imported in memory (text,
 * HTML, .docx; PDFs too when checking only, since a rendering batch writes PDFs itself). */
static int is_report_name(const char *name, int check_only)
{
    size_t n = strlen(name);
    if (name[0] == '.')
        return 0;
    static const char *const ext[] = {".yaml", ".yml", ".json", ".txt", ".html", ".htm", ".docx",
                                      ".pdf"};
    for (size_t i = 0; i < sizeof ext / sizeof *ext - !check_only; i++) {
        size_t e = strlen(ext[i]);
        if (n > e && strcasecmp(name + n - e, ext[i]) == 0)
            return 1;
    }
    return 0;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether a file found in a folder is this batch's own JSON report (from an earlier run into
 * the same folder): it is never read as a report. */
static int is_own_output(const batch *b, const char *path)
{
    for (size_t i = 0; i < sizeof b->own / sizeof *b->own; i++)
        if (b->own[i] && nb_output_same(path, b->own[i]))
            return 1;
    return 0;
}

/* Whether st is OUTDIR itself: a batch never reads its own outputs back. */
static int is_outdir(const batch *b, const struct stat *st)
{
    return b->have_outdir_st && st->st_dev == b->outdir_st.st_dev &&
           st->st_ino == b->outdir_st.st_ino;
}

/* The names in a folder (closed here) without hidden ones, in byte order; with reports_only
 * only those named like reports. *names is owned by the caller, each name too. */
static size_t sorted_names(DIR *d, const batch *b, int reports_only, char ***names)
{
    size_t n = 0, cap = 0;
    struct dirent *e;
    *names = NULL;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (reports_only && !is_report_name(e->d_name, b->check_only)))
            continue;
        nb_grow(names, &cap, n + 1, sizeof **names);
        (*names)[n++] = nb_strdup(e->d_name);
    }
    closedir(d);
    qsort(*names, n, sizeof **names, compare_strings);
    return n;
}

/* Whether `dir` is OUTDIR or a folder inside it. */
static int is_in_outdir(const batch *b, const char *dir)
{
    char *out = b->outdir ? realpath(b->outdir, NULL) : NULL;
    char *in = out ? realpath(dir, NULL) : NULL;
    size_t n = out ? strlen(out) : 0;
    int inside = in && strncmp(in, out, n) == 0 && (in[n] == 0 || in[n] == '/' || n == 1);
    free(out);
    free(in);
    return inside;
}

/* An HTML page in OUTDIR when the batch writes HTML pages: a page of this batch (or of an
 * earlier run), never read back as a report. */
static int is_html_output(const batch *b, const char *name, int in_outdir)
{
    size_t n = strlen(name);
    return in_outdir && (b->formats & NB_BATCH_HTML) && !b->check_only &&
           ((n > 5 && strcasecmp(name + n - 5, ".html") == 0) ||
            (n > 4 && strcasecmp(name + n - 4, ".htm") == 0));
}

/* Adds the reports of a folder, sorted by name in byte order; with -r also those of its
 * subfolders (not through symbolic links, not OUTDIR), in the same order, each remembering
 * its subfolder so the output tree mirrors the input. */
static void add_folder(batch *b, const char *dir, const char *subdir, int depth, int in_outdir)
{
    DIR *d = opendir(dir);
    if (!d) {
        add_unreadable(b, dir, " the folder", errno);
        return;
    }
    if (depth == 0)
        in_outdir = (b->formats & NB_BATCH_HTML) && is_in_outdir(b, dir);
    size_t before = b->njobs;
    char **names = NULL;
    size_t n = sorted_names(d, b, !b->recursive, &names);
    for (size_t i = 0; i < n; i++) {
        char *path = join_path(dir, names[i]);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (b->recursive && !is_outdir(b, &st)) {
                if (depth >= NB_MAX_DEPTH) {
                    add_unreadable(b, path, " the folder (nested too deep)", ELOOP);
                } else {
                    /* The mirrored folder's name is made safe like a PDF's name. */
                    char *safe = nb_safe_file_name(names[i], strlen(names[i]), "", NB_NAME_MAX);
                    char *sub = subdir[0] ? join_path(subdir, safe) : nb_strdup(safe);
                    add_folder(b, path, sub, depth + 1, in_outdir);
                    free(sub);
                    free(safe);
                }
            }
        } else if (is_report_name(names[i], b->check_only)) {
            if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                ; /* a link to a folder named like a report */
            else if (is_own_output(b, path) || is_html_output(b, names[i], in_outdir))
                ;
            else if (access(path, R_OK) != 0)
                add_unreadable(b, path, "", errno);
            else
                add_job_in(b, path, subdir);
        }
        free(path);
        free(names[i]);
    }
    free(names);
    if (b->njobs == before && depth == 0 && b->verbosity >= 0)
        fprintf(stderr, "nianbao: warning: no report (*.yaml, *.yml, *.json, *.txt, *.html, "
                        "*.htm, *.docx%s) in %s\n", b->check_only ? ", *.pdf" : "", dir);
}

static void add_path(batch *b, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        add_unreadable(b, path, "", errno);
        return;
    }
    if (S_ISDIR(st.st_mode))
        add_folder(b, path, "", 0, 0);
    else if (is_own_output(b, path))
        fprintf(stderr, "nianbao batch: note: %s is this batch's own report; not read\n", path);
    else if (access(path, R_OK) != 0)
        add_unreadable(b, path, "", errno);
    else
        add_job(b, path);
}

/* A manifest lists one file or folder per line, relative to the current folder (like tar -T);
 * blank lines and lines starting with '#' are skipped, and a UTF-8 byte order mark at the start
 * is ignored. */
static void add_manifest(batch *b, const char *manifest)
{
    FILE *f = fopen(manifest, "r");
    if (!f) {
        add_unreadable(b, manifest, " the list", errno);
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int first = 1;
    while ((n = getline(&line, &cap, f)) >= 0) {
        /* A UTF-8 byte order mark (Windows Notepad writes one) is not part of the first path. */
        if (first && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            memmove(line, line + 3, (size_t)n - 2);
            n -= 3;
        }
        first = 0;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
                         line[n - 1] == '\t'))
            line[--n] = 0;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p && *p != '#')
            add_path(b, p);
    }
    if (ferror(f))
        add_unreadable(b, manifest, " the list", errno);
    free(line);
    fclose(f);
}

/* The same file listed twice (by two names, or in a folder and a manifest) is rendered once,
 * for its first listing; then the inputs are sealed, so that no output is written over one. */
static void drop_repeated_inputs(batch *b)
{
    nb_file_set all = {0};
    for (size_t i = 0; i < b->njobs; i++)
        if (b->jobs[i].status == JOB_PENDING && nb_file_set_add(&all, b->jobs[i].input))
            all.items[all.n - 1].order = i;
    nb_file_set_seal(&all);
    char *repeated = nb_calloc(b->njobs ? b->njobs : 1, 1);
    for (size_t k = 1; k < all.n; k++) {
        const nb_file_id *x = &all.items[k], *first = &all.items[k];
        while (first > all.items && first[-1].dev == x->dev && first[-1].ino == x->ino)
            first--;
        if (first == x)
            continue;
        fprintf(stderr, "nianbao batch: note: %s is the same file as %s; rendered once\n",
                x->name, first->name);
        repeated[x->order] = 1;
    }
    nb_file_set_free(&all);
    size_t kept = 0;
    for (size_t i = 0; i < b->njobs; i++) {
        if (repeated[i]) {
            free(b->jobs[i].input);
            free(b->jobs[i].subdir);
            nb_diags_free(b->jobs[i].diags);
            continue;
        }
        b->jobs[kept++] = b->jobs[i];
    }
    b->njobs = kept;
    free(repeated);
    for (size_t i = 0; i < b->njobs; i++)
        nb_file_set_add(&b->inputs, b->jobs[i].input);
    nb_file_set_seal(&b->inputs);
}

/* ---- progress ---------------------------------------------------------------------------- */

static const char *status_word(const batch *b, job_status s)
{
    switch (s) {
    case JOB_UNREADABLE: return "unreadable";
    case JOB_FAILED: return "failed";
    case JOB_WRITTEN: return b->check_only ? "clean" : "written";
    case JOB_WARNINGS: return "warnings";
    case JOB_FORCED: return "forced";
    case JOB_UNCHANGED: return "unchanged";
    default: return "pending";
    }
}

static int is_failure(job_status s) { return s == JOB_FAILED || s == JOB_UNREADABLE; }

/* Caller holds b->lock. */
static void draw_bar(batch *b, int final)
{
    double t = now_seconds();
    if (!final && t - b->last_draw < 0.1)
        return;
    b->last_draw = t;
    double elapsed = t - b->start;
    double rate = elapsed > 0 ? (double)b->done / elapsed : 0;
    size_t total = b->njobs, width = 30;
    size_t filled = total ? b->done * width / total : width;
    char bar[31];
    for (size_t i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "\r[%s] %zu/%zu  %zu failed  %.1f/s", bar, b->done, total, b->failed, rate);
    if (rate > 0 && b->done < total) {
        long left = (long)((double)(total - b->done) / rate + 0.5);
        fprintf(stderr, "  %ld:%02ld left", left / 60, left % 60);
    }
    fputs("\033[K", stderr);
    fflush(stderr);
}

/* Records a finished job on the display. Caller holds b->lock. */
static void report_done(batch *b, const job *j)
{
    b->done++;
    if (is_failure(j->status))
        b->failed++;
    if (b->verbosity < 0) {
        nb_diags_print_errors(j->diags, stderr);
        return;
    }
    if (b->tty && b->verbosity == 0) {
        if (nb_diags_count(j->diags)) {
            fputs("\r\033[K", stderr);
            nb_diags_print(j->diags, stderr);
        }
        draw_bar(b, b->done == b->njobs);
        return;
    }
    fprintf(stderr, "[%zu/%zu] %s %s", b->done, b->njobs, status_word(b, j->status), j->input);
    const char *out[2];
    size_t n = job_outputs(j, out);
    if (n && !is_failure(j->status) && !b->check_only)
        fprintf(stderr, " -> %s%s%s", out[0], n == 2 ? ", " : "", n == 2 ? out[1] : "");
    fputc('\n', stderr);
    nb_diags_print(j->diags, stderr);
    for (size_t k = 0; k < n; k++)
        if (j->stale_removed & (1 << k))
            fprintf(stderr, "nianbao batch: removed %s, left by an earlier run\n", out[k]);
}

/* ---- workers ----------------------------------------------------------------------------- */

/* Naming pass (--names agency): the name comes from the report, so it is read first. */
static void read_name(batch *b, job *j)
{
    nb_report *r = NULL;
    if (nb_report_load_file(b->engine, j->input, &r, j->diags) != NB_OK) {
        j->status = JOB_FAILED;
        return;
    }
    size_t size = r->agency.len + 16;
    j->name_text = nb_malloc(size);
    snprintf(j->name_text, size, "%s-%d", r->agency.s ? r->agency.s : "", r->year);
    nb_report_free(r);
}

/* Last year's report of the same agency (--previous-dir): the one for the year before, or
 * NULL. When several match, the first in path order is taken and the job says so. */
static const char *find_previous(const batch *b, const nb_report *r, job *j)
{
    const last_year *found = NULL;
    size_t matches = 0;
    for (size_t i = 0; i < b->nprevious; i++) {
        const last_year *p = &b->previous[i];
        if (p->year != r->year - 1 || !r->agency.s || strcmp(p->agency, r->agency.s) != 0)
            continue;
        if (!found)
            found = p;
        matches++;
    }
    if (matches > 1)
        nb_diag_add(j->diags, NB_WARNING, r->agency.pos,
                    "%zu reports of %d in the --previous-dir name %s; compared with %s", matches,
                    r->year - 1, r->agency.s, found->path);
    return found ? found->path : NULL;
}

/* ---- --changed: what produced each PDF ---------------------------------------------------- */

static void to_hex(const unsigned char *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Adds the bytes of an open file to the hash and closes it; 0 when they cannot be read. */
static int hash_fd(nb_sha256 *h, int fd)
{
    unsigned char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        nb_sha256_update(h, chunk, (size_t)n);
    }
    close(fd);
    return n == 0;
}

/* Adds a file's bytes to the hash; 0 when it cannot be read. */
static int hash_file(nb_sha256 *h, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    return fd >= 0 && hash_fd(h, fd);
}

/* Adds a label (with its NUL, so that no two sequences of parts hash alike). */
static void hash_label(nb_sha256 *h, const char *label)
{
    nb_sha256_update(h, label, strlen(label) + 1);
}

/* Adds a file the report names (seal:, fonts:) by its bytes, opened through the access policy
 * the render uses (`trusted`: the operator's --font, opened as given); one that cannot be
 * opened counts by its name only, and the render will say why it cannot be used. */
static void hash_named_file(nb_sha256 *h, const nb_access *access, const char *what,
                            const char *name, int trusted)
{
    hash_label(h, what);
    hash_label(h, name);
    int fd = -1, err = 0;
    if (trusted)
        fd = open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    else if (nb_access_open(access, name, &fd, &err) != NB_ACCESS_OK)
        fd = -1;
    if (fd < 0 || !hash_fd(h, fd))
        hash_label(h, "(unreadable)");
}

/* Adds a font a report names by family (in its `fonts:`, or through `fonts: government`) to its
 * key: the file the name resolves to now (the bundled faces, then the installed ones), by path,
 * face, size and modification time, as the bundled fonts are keyed: a family installed,
 * removed or replaced changes the key, not only a new name. */
static void hash_family(batch *b, nb_sha256 *h, const char *what, const char *name)
{
    hash_label(h, what);
    hash_label(h, name);
    const nb_font *f = nb_fontset_get(nb_engine_fonts(b->engine), name);
    struct stat st;
    if (!f || !f->path || stat(f->path, &st) != 0) {
        hash_label(h, "(not installed)");
        return;
    }
    char file[96];
    snprintf(file, sizeof file, "%d %lld %lld.%09ld", f->index, (long long)st.st_size,
             (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    hash_label(h, f->path);
    hash_label(h, file);
}

/* Adds a layout file to a report's key: its path and SHA-256, the file read at its first use
 * in this batch. The engine reads a layout once per batch and renders every report bound to it
 * from that reading, so hashing the file again for each report would only read the same bytes
 * again. */
static void hash_layout_file(batch *b, nb_sha256 *h, const char *path)
{
    hash_label(h, "layout");
    hash_label(h, path);
    pthread_mutex_lock(&b->digest_lock);
    const layout_digest *found = NULL;
    for (size_t i = 0; i < b->nlayout_digests && !found; i++)
        if (!strcmp(b->layout_digests[i].path, path))
            found = &b->layout_digests[i];
    if (!found) {
        nb_grow(&b->layout_digests, &b->cap_layout_digests, b->nlayout_digests + 1,
                sizeof *b->layout_digests);
        layout_digest *d = &b->layout_digests[b->nlayout_digests++];
        d->path = nb_strdup(path);
        nb_sha256 file;
        nb_sha256_init(&file);
        d->readable = hash_file(&file, path);
        if (d->readable)
            nb_sha256_final(&file, d->digest);
        found = d;
    }
    if (found->readable)
        nb_sha256_update(h, found->digest, sizeof found->digest);
    else
        hash_label(h, "(unreadable)");
    pthread_mutex_unlock(&b->digest_lock);
}

/* The --changed key of a report: SHA-256 (hex) of what its output is made from: the options and
 * the bundled data (b->options_text), the report, last year's, the layout files its tables are
 * bound to (a variant's and its base's, by their SHA-256), the seal and font files it names
 * (by content) and the files its font families resolve to (hash_family).
 * "" when the report or last year's cannot be read: such a report is always rendered. */
static void job_key(batch *b, const job *j, const nb_report *r, char *out)
{
    out[0] = 0;
    nb_sha256 h;
    nb_sha256_init(&h);
    hash_label(&h, b->options_text);
    hash_label(&h, "report");
    if (!hash_file(&h, j->input))
        return;
    if (j->previous) {
        hash_label(&h, "last year's report");
        if (!hash_file(&h, j->previous))
            return;
    }
    const nb_layout *lay = r->layout_ref;
    for (size_t i = 0; lay && i < lay->nfiles; i++)
        hash_layout_file(b, &h, lay->files[i]);
    nb_access access;
    nb_access_init(&access, r->file, b->pdf->render.allow_dirs, nb_engine_font_dir(b->engine));
    if (r->seal.s && !r->seal_data)
        hash_named_file(&h, &access, "seal", r->seal.s, 0);
    for (int role = 0; role < NB_ROLES; role++) {
        for (size_t i = 0; i < r->nfonts[role]; i++) {
            if (nb_font_is_path(r->fonts[role][i].s))
                hash_named_file(&h, &access, nb_role_names[role], r->fonts[role][i].s,
                                i < r->nfonts_operator[role]);
            else
                hash_family(b, &h, nb_role_names[role], r->fonts[role][i].s);
        }
        if (r->fonts_government && nb_government_font(role))
            hash_family(b, &h, "government", nb_government_font(role));
    }
    nb_access_free(&access);
    unsigned char digest[32];
    nb_sha256_final(&h, digest);
    to_hex(digest, sizeof digest, out);
}

static void hash_bytes(const unsigned char *data, size_t size, char *out)
{
    unsigned char digest[32];
    nb_sha256_bytes(data, size, digest);
    to_hex(digest, sizeof digest, out);
}

/* An output path (in OUTDIR) relative to OUTDIR. */
static const char *relative_output(const batch *b, const char *output)
{
    size_t n = strlen(b->outdir);
    while (n > 1 && b->outdir[n - 1] == '/')
        n--;
    return output + n + 1;
}

static int compare_state(const void *a, const void *b)
{
    return strcmp(((const state_entry *)a)->output, ((const state_entry *)b)->output);
}

static const state_entry *find_state(const batch *b, const char *output)
{
    state_entry key = {.output = (char *)output};
    return b->nstate ? bsearch(&key, b->state, b->nstate, sizeof key, compare_state) : NULL;
}

/* Whether the file at `output` is the one the state file says the job's key produced; if so,
 * its size and hash are stored. */
static int is_unchanged_output(const batch *b, const job *j, const char *output, size_t *bytes,
                               char *hash)
{
    const state_entry *e = find_state(b, relative_output(b, output));
    if (!e || !j->key[0] || strcmp(e->key, j->key) != 0)
        return 0;
    struct stat st;
    if (lstat(output, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    /* Hashed as it is read, never held whole: an unchanged batch reads every output. */
    nb_sha256 h;
    nb_sha256_init(&h);
    if (!hash_file(&h, output))
        return 0;
    unsigned char digest[32];
    nb_sha256_final(&h, digest);
    char now[65];
    to_hex(digest, sizeof digest, now);
    if (strcmp(now, e->pdf_hash) != 0)
        return 0;
    *bytes = (size_t)st.st_size;
    memcpy(hash, now, 65);
    return 1;
}

/* Whether every output of the job is the one its key produced. */
static int is_unchanged(const batch *b, job *j)
{
    return is_unchanged_output(b, j, j->output, &j->bytes, j->pdf_hash) &&
           (!j->html_output ||
            is_unchanged_output(b, j, j->html_output, &j->html_bytes, j->html_hash));
}

/* A failed report's outputs from an earlier run would look like this run's: they are removed
 * (the PDF and the HTML page alike, so none is left without the other). Only a regular file is
 * removed, and never when the path belongs to another input of this run. */
static void remove_stale(job *j)
{
    const char *out[2];
    size_t n = j->name_taken ? 0 : job_outputs(j, out);
    for (size_t k = 0; k < n; k++) {
        struct stat st;
        if (lstat(out[k], &st) == 0 && S_ISREG(st.st_mode) && unlink(out[k]) == 0)
            j->stale_removed |= 1 << k;
    }
}

/* nb_output_commit's word on a staged PDF (on the committing thread; only this job's
 * commit_error is touched, and it is read after the workers are joined). */
static void committed(void *arg, const char *path, const char *error)
{
    job *j = arg;
    if (error && !j->commit_error) {
        j->commit_error = nb_strdup(error);
        j->commit_path = nb_strdup(path);
    }
}

/* After the last commit: a job whose output could not be put in place fails, as unwritable
 * output; a failed job whose other output was staged before it failed (the PDF, then the page
 * could not be written) loses it again, so that none is left without the other. */
static void apply_commit_errors(batch *b)
{
    for (size_t i = 0; i < b->njobs; i++) {
        job *j = &b->jobs[i];
        if (j->commit_error) {
            nb_diag_add(j->diags, NB_ERROR, (nb_pos){j->commit_path, 0, 0}, "cannot write: %s",
                        j->commit_error);
            fprintf(stderr, "%s: error: cannot write: %s\n", j->commit_path, j->commit_error);
            j->status = JOB_FAILED;
            j->unwritable = 1;
            j->bytes = j->html_bytes = 0;
            j->pdf_hash[0] = j->html_hash[0] = 0;
        }
        if (j->status == JOB_FAILED && j->staged) {
            int before = j->stale_removed;
            remove_stale(j);
            if (j->stale_removed != before && b->verbosity >= 0)
                fprintf(stderr, "nianbao batch: removed the outputs of %s, which failed\n",
                        j->input);
        }
    }
}



/* Renders the report in one format and writes it to `path`; its size and hash are stored. */
static int write_output(batch *b, job *j, const nb_report *r, int format, const char *path,
                        size_t *bytes, char *hash)
{
    /* Checked already: the renderer does not check again, so every finding is listed once. */
    nb_render_options o = b->pdf->render;
    o.size = sizeof o;
    o.skip_check = 1;
    o.dump_layout = NULL;
    o.format = format;
    /* -j N renders on N threads: the workers use the cores, and a render's own second thread
     * (nb_render_options.threads) only cost time even at -j 1 (100 generated reports: 0.77
     * against 0.63 s, 0.71 against 0.58 s CPU), its fonts mostly from the subset cache. */
    o.threads = 1;
    unsigned char *data = NULL;
    size_t size = 0;
    int rc = nb_render_memory(b->engine, r, &o, &data, &size, j->diags);
    if (rc == NB_OK) {
        rc = nb_output_stage(b->staged, path, data, size, &b->inputs, j->diags, committed, j);
        j->unwritable |= rc != NB_OK;
        j->staged += rc == NB_OK;
    }
    if (rc == NB_OK) {
        hash_bytes(data, size, hash);
        *bytes = size;
    }
    free(data);
    return rc;
}

static void run_job(batch *b, job *j)
{
    double t0 = now_seconds();
    nb_report *r = NULL, *last = NULL;
    if (nb_report_load_file(b->engine, j->input, &r, j->diags) != NB_OK) {
        j->status = JOB_FAILED;
        goto out;
    }
    nb_pdf_settings_apply(b->pdf, r);
    j->previous = b->nprevious ? find_previous(b, r, j) : NULL;
    if (j->previous && nb_report_load_file(b->engine, j->previous, &last, j->diags) != NB_OK) {
        j->status = JOB_FAILED;
        goto out;
    }
    nb_check(r, last, j->diags);
    int errors = nb_diags_errors(j->diags) > 0;
    if (b->check_only || (errors && !b->force)) {
        j->status = errors ? JOB_FAILED : nb_diags_count(j->diags) ? JOB_WARNINGS : JOB_WRITTEN;
        goto out;
    }
    job_key(b, j, r, j->key);
    if (b->changed && is_unchanged(b, j)) {
        j->status = JOB_UNCHANGED;
        goto out;
    }
    int first = b->formats & NB_BATCH_PDF ? NB_OUTPUT_PDF : b->html_format;
    int rc = write_output(b, j, r, first, j->output, &j->bytes, j->pdf_hash);
    if (rc == NB_OK && j->html_output)
        rc = write_output(b, j, r, b->html_format, j->html_output, &j->html_bytes, j->html_hash);
    if (rc != NB_OK) {
        j->status = JOB_FAILED;
        j->bytes = j->html_bytes = 0;
    } else
        j->status = errors ? JOB_FORCED : nb_diags_count(j->diags) ? JOB_WARNINGS : JOB_WRITTEN;
out:
    if (j->status == JOB_FAILED && !b->check_only)
        remove_stale(j);
    nb_report_free(r);
    nb_report_free(last);
    j->ms = (now_seconds() - t0) * 1000;
}

static void *worker(void *arg)
{
    batch *b = arg;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        size_t i = b->next;
        while (i < b->njobs && b->jobs[i].status != JOB_PENDING)
            i++;
        b->next = i + 1;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->njobs)
            return NULL;
        job *j = &b->jobs[i];
        if (b->naming_pass) {
            read_name(b, j);
            continue;
        }
        run_job(b, j);
        int full = nb_output_pending(b->staged) >= NB_SYNC_CHUNK;
        pthread_mutex_lock(&b->lock);
        report_done(b, j);
        int inline_commit = full && !b->committer_running;
        if (full && b->committer_running) {
            b->commit_asked = 1;
            pthread_cond_signal(&b->commit_wake);
        }
        pthread_mutex_unlock(&b->lock);
        if (inline_commit)
            nb_output_commit(b->staged);
    }
}

/* The committing thread: one nb_output_commit each time the workers have staged a chunk,
 * until they are done (the last PDFs are committed by nb_batch_run). */
static void *flush_staged(void *arg)
{
    batch *b = arg;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (!b->commit_asked && !b->workers_done)
            pthread_cond_wait(&b->commit_wake, &b->lock);
        if (!b->commit_asked)
            break;
        b->commit_asked = 0;
        pthread_mutex_unlock(&b->lock);
        nb_output_commit(b->staged);
        pthread_mutex_lock(&b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* Runs the pending jobs on b->threads threads (the calling thread is one of them). */
static int run_workers(batch *b)
{
    size_t pending = 0;
    for (size_t i = 0; i < b->njobs; i++)
        pending += b->jobs[i].status == JOB_PENDING;
    size_t n = (size_t)b->threads < pending ? (size_t)b->threads : pending;
    b->next = 0;
    pthread_t *tids = nb_calloc(n ? n : 1, sizeof *tids);
    size_t started = 0;
    pthread_t committer;
    b->workers_done = b->commit_asked = 0;
    b->committer_running = !b->naming_pass && !b->check_only && n > 0 &&
                           pthread_create(&committer, NULL, flush_staged, b) == 0;
    for (size_t t = 1; t < n; t++) {
        int err = pthread_create(&tids[t], NULL, worker, b);
        if (err) {
            fprintf(stderr, "nianbao: cannot start a worker thread: %s\n", strerror(err));
            break;
        }
        started++;
    }
    if (n)
        worker(b);
    for (size_t t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    if (b->committer_running) {
        pthread_mutex_lock(&b->lock);
        b->workers_done = 1;
        pthread_cond_signal(&b->commit_wake);
        pthread_mutex_unlock(&b->lock);
        pthread_join(committer, NULL);
        b->committer_running = 0;
    }
    free(tids);
    return 0;
}

/* ---- the JSON report --------------------------------------------------------------------- */

typedef struct tally {
    size_t written, warnings, forced, failed, unreadable, unwritable, unchanged;
} tally;

static tally count_jobs(const batch *b)
{
    tally t = {0};
    for (size_t i = 0; i < b->njobs; i++) {
        t.unwritable += b->jobs[i].unwritable;
        switch (b->jobs[i].status) {
        case JOB_WRITTEN: t.written++; break;
        case JOB_WARNINGS: t.written++; t.warnings++; break;
        case JOB_FORCED: t.written++; t.forced++; break;
        case JOB_FAILED: t.failed++; break;
        case JOB_UNREADABLE: t.failed++; t.unreadable++; break;
        case JOB_UNCHANGED: t.unchanged++; break;
        default: break;
        }
    }
    return t;
}

static int write_json_report(const batch *b, const tally *t, double seconds)
{
    nb_buf o = {0};
    char num[32];
    nb_buf_puts(&o, "{\n  \"nianbao\": \"" NIANBAO_VERSION "\",\n  \"mode\": ");
    nb_buf_puts(&o, b->check_only ? "\"check\"" : "\"render\"");
    if (!b->check_only)
        nb_buf_puts(&o, b->formats == NB_BATCH_PDF    ? ",\n  \"formats\": [\"pdf\"]"
                        : b->formats == NB_BATCH_HTML ? ",\n  \"formats\": [\"html\"]"
                                                      : ",\n  \"formats\": [\"pdf\", \"html\"]");
    nb_buf_puts(&o, ",\n  \"output_folder\": ");
    if (b->outdir)
        nb_json_put(&o, b->outdir);
    else
        nb_buf_puts(&o, "null");
    nb_fmt_num(num, seconds, 3);
    nb_buf_printf(&o,
                  ",\n  \"threads\": %d,\n  \"summary\": {\"inputs\": %zu, \"written\": %zu, "
                  "\"with_warnings\": %zu, \"forced\": %zu, \"failed\": %zu, \"unreadable\": %zu, "
                  "\"unchanged\": %zu, \"seconds\": %s},\n  \"reports\": [",
                  b->threads, b->njobs, b->check_only ? 0 : t->written, t->warnings, t->forced,
                  t->failed, t->unreadable, t->unchanged, num);
    for (size_t i = 0; i < b->njobs; i++) {
        const job *j = &b->jobs[i];
        nb_buf_puts(&o, i ? ",\n    {\"input\": " : "\n    {\"input\": ");
        nb_json_put(&o, j->input);
        nb_buf_printf(&o, ", \"status\": \"%s\", \"output\": ", status_word(b, j->status));
        int has_outputs = j->output && !is_failure(j->status) && !b->check_only;
        if (has_outputs)
            nb_json_put(&o, j->output);
        else
            nb_buf_puts(&o, "null");
        /* Every output by format: the PDF and the HTML page of a run that writes both. */
        if (!b->check_only) {
            nb_buf_puts(&o, ", \"outputs\": {");
            if (has_outputs) {
                nb_buf_puts(&o, b->formats & NB_BATCH_PDF ? "\"pdf\": " : "\"html\": ");
                nb_json_put(&o, j->output);
                if (j->html_output) {
                    nb_buf_puts(&o, ", \"html\": ");
                    nb_json_put(&o, j->html_output);
                }
            }
            nb_buf_puts(&o, "}");
        }
        nb_buf_puts(&o, ", \"previous\": ");
        if (j->previous)
            nb_json_put(&o, j->previous);
        else
            nb_buf_puts(&o, "null");
        nb_fmt_num(num, j->ms, 2);
        size_t nd = nb_diags_count(j->diags), ne = nb_diags_errors(j->diags);
        nb_buf_printf(&o,
                      ", \"stale_output_removed\": %s, \"bytes\": %zu, \"ms\": %s, "
                      "\"errors\": %zu, \"warnings\": %zu,\n",
                      j->stale_removed ? "true" : "false", j->bytes + j->html_bytes, num, ne,
                      nd - ne);
        nb_buf_puts(&o, "     \"findings\": ");
        nb_diags_json(&o, j->diags, "    ");
        nb_buf_puts(&o, "}");
    }
    nb_buf_puts(&o, b->njobs ? "\n  ]\n}\n" : "]\n}\n");
    nb_diags *d = nb_diags_new();
    int rc = nb_output_write(b->report_path, o.data, o.len, &b->inputs, d);
    nb_diags_print(d, stderr);
    nb_diags_free(d);
    nb_buf_free(&o);
    return rc;
}

/* ---- the CSV summary ----------------------------------------------------------------------- */

/* A CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A field that a
 * spreadsheet would take for a formula (= + - @ first) gets a leading apostrophe. Invalid UTF-8
 * becomes U+FFFD. */
static void csv_field(nb_buf *o, const char *s)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        nb_buf_put(o, "\"", 1);
    if (strchr("=+-@", s[0]) && s[0])
        nb_buf_put(o, "'", 1);
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = nb_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            nb_buf_puts(o, "\xef\xbf\xbd");
            i++;
            continue;
        }
        if (s[i] == '"')
            nb_buf_put(o, "\"", 1);
        nb_buf_put(o, s + i, n);
        i += n;
    }
    if (quote)
        nb_buf_put(o, "\"", 1);
}

/* One row per report; its findings in one cell, a line each ("line:col: severity: message"),
 * so each finding is listed once. UTF-8 with a byte order mark and CRLF line ends, which is
 * what makes Excel open it as Chinese text. */
static int write_csv_summary(const batch *b)
{
    nb_buf o = {0};
    int both = b->formats == (NB_BATCH_PDF | NB_BATCH_HTML) && !b->check_only;
    nb_buf_puts(&o, both ? "\xef\xbb\xbf" "input,status,output,html_output,previous,errors,"
                           "warnings,bytes,findings\r\n"
                         : "\xef\xbb\xbf" "input,status,output,previous,errors,warnings,bytes,"
                           "findings\r\n");
    for (size_t i = 0; i < b->njobs; i++) {
        const job *j = &b->jobs[i];
        csv_field(&o, j->input);
        nb_buf_put(&o, ",", 1);
        csv_field(&o, status_word(b, j->status));
        nb_buf_put(&o, ",", 1);
        int written = j->output && !is_failure(j->status) && !b->check_only;
        csv_field(&o, written ? j->output : "");
        nb_buf_put(&o, ",", 1);
        if (both) {
            csv_field(&o, written && j->html_output ? j->html_output : "");
            nb_buf_put(&o, ",", 1);
        }
        csv_field(&o, j->previous ? j->previous : "");
        size_t nd = nb_diags_count(j->diags), ne = nb_diags_errors(j->diags);
        nb_buf_printf(&o, ",%zu,%zu,%zu,", ne, nd - ne, j->bytes + j->html_bytes);
        nb_buf findings = {0};
        for (size_t k = 0; k < nd; k++) {
            const char *file, *message;
            int line, col;
            nb_severity sev = nb_diags_get(j->diags, k, &file, &line, &col, &message);
            if (k)
                nb_buf_put(&findings, "\n", 1);
            if (strcmp(file, j->input) != 0 && file[0])
                nb_buf_printf(&findings, "%s:", file);
            if (line)
                nb_buf_printf(&findings, "%d:%d: ", line, col);
            nb_buf_printf(&findings, "%s: %s", sev == NB_ERROR ? "error" : "warning", message);
        }
        nb_buf_put(&findings, "", 1);
        csv_field(&o, (const char *)findings.data);
        nb_buf_free(&findings);
        nb_buf_puts(&o, "\r\n");
    }
    nb_diags *d = nb_diags_new();
    int rc = nb_output_write(b->summary_path, o.data, o.len, &b->inputs, d);
    nb_diags_print(d, stderr);
    nb_diags_free(d);
    nb_buf_free(&o);
    return rc;
}

/* ---- the state file (--changed) ----------------------------------------------------------- */

static int is_hex64(const char *s)
{
    size_t n = 0;
    while (n < 64 && ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
        n++;
    return n == 64;
}

/* Reads OUTDIR/.nianbao-batch-state: "KEY PDF-HASH OUTPUT" a line. A missing or damaged file
 * only means that every report is rendered. */
static void read_state(batch *b)
{
    char *path = join_path(b->outdir, NB_STATE_FILE);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0, cap_state = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = 0;
        if (n < 131 || !is_hex64(line) || line[64] != ' ' || !is_hex64(line + 65) ||
            line[129] != ' ')
            continue;
        nb_grow(&b->state, &cap_state, b->nstate + 1, sizeof *b->state);
        state_entry *e = &b->state[b->nstate++];
        memcpy(e->key, line, 64);
        e->key[64] = 0;
        memcpy(e->pdf_hash, line + 65, 64);
        e->pdf_hash[64] = 0;
        e->output = nb_strdup(line + 130);
    }
    free(line);
    fclose(f);
    qsort(b->state, b->nstate, sizeof *b->state, compare_state);
}

/* Writes what produced each PDF of this run, and keeps the earlier lines of outputs this run
 * did not touch. */
static void write_state(const batch *b)
{
    nb_buf o = {0};
    for (size_t i = 0; i < b->njobs; i++) {
        const job *j = &b->jobs[i];
        int written = j->status == JOB_WRITTEN || j->status == JOB_WARNINGS ||
                      j->status == JOB_FORCED || j->status == JOB_UNCHANGED;
        if (written && j->key[0] && j->pdf_hash[0] && j->output)
            nb_buf_printf(&o, "%s %s %s\n", j->key, j->pdf_hash, relative_output(b, j->output));
        if (written && j->key[0] && j->html_hash[0] && j->html_output)
            nb_buf_printf(&o, "%s %s %s\n", j->key, j->html_hash,
                          relative_output(b, j->html_output));
    }
    for (size_t k = 0; k < b->nstate; k++) {
        const state_entry *e = &b->state[k];
        int touched = 0;
        for (size_t i = 0; i < b->njobs && !touched; i++) {
            const char *out[2];
            size_t n = job_outputs(&b->jobs[i], out);
            for (size_t m = 0; m < n && !touched; m++)
                touched = strcmp(relative_output(b, out[m]), e->output) == 0;
        }
        if (!touched)
            nb_buf_printf(&o, "%s %s %s\n", e->key, e->pdf_hash, e->output);
    }
    if (o.len == 0 && b->nstate == 0)
        return; /* nothing written, nothing known: no file (a full disk gets nothing new) */
    char *path = join_path(b->outdir, NB_STATE_FILE);
    nb_diags *d = nb_diags_new();
    nb_output_write(path, o.data ? o.data : (const unsigned char *)"", o.len, &b->inputs, d);
    nb_diags_print(d, stderr);
    nb_diags_free(d);
    free(path);
    nb_buf_free(&o);
}

/* The options that shape a PDF, as text: a part of every report's --changed key. */
static char *options_text(const batch *b)
{
    const nb_render_options *r = &b->pdf->render;
    nb_buf o = {0};
    nb_buf_printf(&o, "nianbao %s\nforce %d pdfa %d copies %d style %s fonts %s\n", nb_version(),
                  b->force, r->pdfa, r->copies, b->pdf->style ? b->pdf->style : "",
                  b->pdf->preset ? b->pdf->preset : "");
    if (b->formats & NB_BATCH_HTML) /* the kind of page; a PDF-only run's key is as before */
        nb_buf_printf(&o, "html %d\n", b->html_format);
    for (int i = 0; i < b->pdf->nfonts; i++)
        nb_buf_printf(&o, "font %s\n", b->pdf->fonts[i]);
    if (r->untagged)
        nb_buf_puts(&o, "untagged\n");
    nb_buf_printf(&o, "sign %s|%s|%s|%s|%s|%d\n", r->sign_p12 ? r->sign_p12 : "",
                  r->sign_key ? r->sign_key : "", r->sign_cert ? r->sign_cert : "",
                  r->sign_reason ? r->sign_reason : "", r->sign_location ? r->sign_location : "",
                  r->sign_cades);
    nb_buf_put(&o, "", 1);
    return (char *)o.data;
}

/* Adds the bundled fonts under `dir` (`rel` its path below the font folder) to the --changed
 * text by name, size and modification time: reading their 40 MB for every batch would cost more
 * than most renders, and a font replaced or edited gets a new time. */
static void add_font_stats(const batch *b, nb_buf *o, const char *dir, const char *rel, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char **names = NULL;
    size_t n = sorted_names(d, b, 0, &names);
    for (size_t i = 0; i < n; i++) {
        char *path = join_path(dir, names[i]);
        char *sub = rel[0] ? join_path(rel, names[i]) : nb_strdup(names[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && depth < NB_MAX_DEPTH)
            add_font_stats(b, o, path, sub, depth + 1);
        else if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            nb_buf_printf(o, "font %s %lld %lld.%09ld\n", sub, (long long)st.st_size,
                          (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
        free(sub);
        free(path);
        free(names[i]);
    }
    free(names);
}

/* The bundled data every render reads, added to the --changed text: the fonts (by name, size
 * and time) and the title word list (by content). The layout files go into the key of each
 * report that is bound to them, by content. */
static void add_data_text(const batch *b, nb_buf *o)
{
    add_font_stats(b, o, nb_engine_font_dir(b->engine), "", 0);
    char *words = join_path(nb_engine_layout_dir(b->engine), "title-words.txt");
    nb_sha256 h;
    nb_sha256_init(&h);
    char hex[65] = "(none)";
    if (hash_file(&h, words)) {
        unsigned char digest[32];
        nb_sha256_final(&h, digest);
        to_hex(digest, sizeof digest, hex);
    }
    nb_buf_printf(o, "title-words %s\n", hex);
    free(words);
}

/* ---- last year's reports (--previous-dir) ------------------------------------------------- */

static void index_previous(batch *b, const char *dir, int depth, size_t *cap)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "nianbao batch: warning: cannot read the folder %s: %s\n", dir,
                strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = sorted_names(d, b, 0, &names);
    for (size_t i = 0; i < n; i++) {
        char *path = join_path(dir, names[i]);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (depth < NB_MAX_DEPTH && !is_outdir(b, &st))
                index_previous(b, path, depth + 1, cap);
        } else if (is_report_name(names[i], b->check_only)) {
            nb_diags *diags = nb_diags_new();
            nb_report *r = NULL;
            if (nb_report_load_file(b->engine, path, &r, diags) == NB_OK && r->agency.s) {
                nb_grow(&b->previous, cap, b->nprevious + 1, sizeof *b->previous);
                last_year *p = &b->previous[b->nprevious++];
                p->agency = nb_strdup(r->agency.s);
                p->path = nb_strdup(path);
                p->year = r->year;
            } else if (b->verbosity >= 0) {
                fprintf(stderr, "nianbao batch: warning: %s is not used as last year's report "
                                "(%zu errors)\n",
                        path, nb_diags_errors(diags));
            }
            nb_report_free(r);
            nb_diags_free(diags);
        }
        free(path);
        free(names[i]);
    }
    free(names);
}

/* ---- the run ----------------------------------------------------------------------------- */

typedef struct out_name {
    char *dir;        /* owned */
    const char *base; /* borrowed from the output's path */
} out_name;

static int compare_out_names(const void *a, const void *b)
{
    const out_name *x = a, *y = b;
    int c = strcmp(x->dir, y->dir);
    return c ? c : strcmp(x->base, y->base);
}

/* A batch killed before its renames leaves its PDFs (and perhaps its summaries) under their
 * temporary names, ".NAME.XXXXXX" beside each destination. The next run into the same place
 * removes those of the files it is about to write; any other hidden file is never read as a
 * report, so it is ignored. Two batches writing the same PDFs at the same time are not
 * supported: one would remove the other's temporary files. */
static void remove_temporaries(batch *b)
{
    char *state = join_path(b->outdir, NB_STATE_FILE);
    const char *extra[] = {b->report_path, b->summary_path, state};
    size_t cap = 2 * b->njobs + 3, n = 0;
    out_name *names = nb_calloc(cap, sizeof *names);
    for (size_t i = 0; i < 2 * b->njobs + 3; i++) {
        const char *out[2] = {NULL, NULL};
        if (i < 2 * b->njobs && b->jobs[i / 2].status == JOB_PENDING)
            job_outputs(&b->jobs[i / 2], out);
        const char *path = i < 2 * b->njobs ? out[i % 2] : extra[i - 2 * b->njobs];
        if (!path)
            continue;
        const char *slash = strrchr(path, '/');
        names[n].dir = slash ? nb_strndup(path, slash == path ? 1 : (size_t)(slash - path))
                             : nb_strdup(".");
        names[n].base = slash ? slash + 1 : path;
        n++;
    }
    qsort(names, n, sizeof *names, compare_out_names);
    size_t removed = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(names[i].dir, names[i - 1].dir) == 0)
            continue;
        DIR *d = opendir(names[i].dir);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            char *target = NULL;
            if (!nb_output_temporary_target(e->d_name, &target))
                continue;
            out_name key = {names[i].dir, target};
            char *path = join_path(names[i].dir, e->d_name);
            struct stat st;
            if (bsearch(&key, names, n, sizeof *names, compare_out_names) &&
                lstat(path, &st) == 0 && S_ISREG(st.st_mode) && unlink(path) == 0)
                removed++;
            free(path);
            free(target);
        }
        if (d)
            closedir(d);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i].dir);
    free(names);
    free(state);
    if (removed && b->verbosity >= 0)
        fprintf(stderr, "nianbao batch: removed %zu temporary file%s left by an interrupted "
                        "run\n", removed, removed == 1 ? "" : "s");
}

/* mkdir -p */
static int make_folder(const char *path)
{
    char *p = nb_strdup(path);
    int ok = 1;
    for (char *s = p + 1; ok; s++) {
        int end = *s == 0;
        if (*s != '/' && !end)
            continue;
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            ok = 0;
        if (end)
            break;
        *s = '/';
    }
    struct stat st;
    ok = ok && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return ok;
}

static void free_batch(batch *b)
{
    for (size_t i = 0; i < b->njobs; i++) {
        free(b->jobs[i].input);
        free(b->jobs[i].output);
        free(b->jobs[i].html_output);
        free(b->jobs[i].name_text);
        free(b->jobs[i].subdir);
        nb_diags_free(b->jobs[i].diags);
        free(b->jobs[i].commit_error);
        free(b->jobs[i].commit_path);
    }
    free(b->jobs);
    nb_output_batch_free(b->staged);
    nb_file_set_free(&b->inputs);
    for (size_t i = 0; i < b->nprevious; i++) {
        free(b->previous[i].agency);
        free(b->previous[i].path);
    }
    free(b->previous);
    for (size_t i = 0; i < b->nstate; i++)
        free(b->state[i].output);
    free(b->state);
    free(b->options_text);
    for (size_t i = 0; i < b->nlayout_digests; i++)
        free(b->layout_digests[i].path);
    free(b->layout_digests);
    nb_engine_free(b->engine);
    pthread_mutex_destroy(&b->digest_lock);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->commit_wake);
}

int nb_batch_run(const nb_batch_options *o, const char *const *inputs, size_t ninputs)
{
    batch b = {0};
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    b.threads = o->threads > 0 ? o->threads : cores > 0 ? (int)cores : 1;
    b.outdir = o->outdir;
    b.report_path = o->report_path;
    b.names_agency = o->names_agency;
    b.force = o->pdf.render.force;
    b.check_only = o->check_only;
    b.verbosity = o->verbosity;
    b.recursive = o->recursive;
    b.changed = o->changed;
    b.summary_path = o->summary_path;
    b.pdf = &o->pdf;
    b.formats = o->formats ? o->formats : NB_BATCH_PDF;
    b.html_format = o->html_fragment ? NB_OUTPUT_HTML_FRAGMENT : NB_OUTPUT_HTML;
    if (b.outdir && !make_folder(b.outdir)) {
        fprintf(stderr, "nianbao batch: cannot create the folder %s: %s\n", b.outdir,
                strerror(errno));
        return NB_EINPUT;
    }
    if (b.outdir && stat(b.outdir, &b.outdir_st) == 0)
        b.have_outdir_st = 1;
    /* A check-only run has a summary of its own, so it never replaces a render's. */
    char *default_report = NULL;
    if (!b.report_path && b.outdir)
        b.report_path = default_report =
            join_path(b.outdir, b.check_only ? "batch-check.json" : "batch-report.json");
    char *render_report = b.outdir ? join_path(b.outdir, "batch-report.json") : NULL;
    char *check_report = b.outdir ? join_path(b.outdir, "batch-check.json") : NULL;
    b.own[0] = b.report_path;
    b.own[1] = b.summary_path;
    b.own[2] = render_report;
    b.own[3] = check_report;
    b.options_text = options_text(&b);

    pthread_mutex_init(&b.lock, NULL);
    pthread_mutex_init(&b.digest_lock, NULL);
    pthread_cond_init(&b.commit_wake, NULL);
    b.staged = nb_output_batch_new();
    for (size_t i = 0; i < ninputs; i++) {
        if (inputs[i][0] == '@')
            add_manifest(&b, inputs[i] + 1);
        else
            add_path(&b, inputs[i]);
    }
    drop_repeated_inputs(&b);

    b.start = now_seconds();
    b.tty = isatty(STDERR_FILENO) && b.verbosity == 0;
    char *error = NULL;
    b.engine = nb_engine_new(NULL, &error);
    if (!b.engine) {
        fprintf(stderr, "nianbao: %s\n", error ? error : "cannot set up fonts");
        free(error);
        free_batch(&b);
        free(default_report);
        free(render_report);
        free(check_report);
        return NB_EINPUT;
    }
    if (o->previous_dir) {
        size_t cap = 0;
        index_previous(&b, o->previous_dir, 0, &cap);
    }
    if (!b.check_only) {
        nb_buf text = {0};
        nb_buf_puts(&text, b.options_text);
        add_data_text(&b, &text);
        nb_buf_put(&text, "", 1);
        free(b.options_text);
        b.options_text = (char *)text.data;
        read_state(&b);
    }
    if (b.names_agency && !b.check_only) {
        b.naming_pass = 1;
        run_workers(&b);
        b.naming_pass = 0;
    }
    if (!b.check_only) {
        assign_names(&b);
        /* The output tree mirrors the input's subfolders. */
        for (size_t i = 0; i < b.njobs; i++) {
            job *j = &b.jobs[i];
            if (j->status != JOB_PENDING || !j->subdir[0])
                continue;
            char *dir = nb_strndup(j->output, (size_t)(strrchr(j->output, '/') - j->output));
            if (!make_folder(dir)) {
                nb_diag_add(j->diags, NB_ERROR, (nb_pos){j->input, 0, 0},
                            "cannot create the folder %s: %s", dir, strerror(errno));
                j->status = JOB_FAILED;
                j->name_taken = 1; /* nothing of this run may be removed there */
            }
            free(dir);
        }
    }
    if (!b.check_only)
        remove_temporaries(&b);
    /* Inputs that failed before rendering are shown first, in input order. */
    for (size_t i = 0; i < b.njobs; i++)
        if (b.jobs[i].status != JOB_PENDING)
            report_done(&b, &b.jobs[i]);
    run_workers(&b);
    nb_output_commit(b.staged);
    apply_commit_errors(&b);
    double seconds = now_seconds() - b.start;
    if (b.tty && b.njobs)
        fputs("\r\033[K", stderr);

    tally t = count_jobs(&b);
    if (b.verbosity < 0)
        ;
    else if (b.check_only)
        printf("nianbao batch: %zu checked, %zu clean, %zu with warnings, %zu failed in %.2f s "
               "(%.1f reports/s)\n",
               b.njobs, b.njobs - t.failed - t.warnings, t.warnings, t.failed, seconds,
               seconds > 0 ? (double)b.njobs / seconds : 0.0);
    else
    {
        char unchanged[48] = "";
        if (b.changed)
            snprintf(unchanged, sizeof unchanged, ", %zu unchanged", t.unchanged);
        printf("nianbao batch: %zu written, %zu with warnings, %zu failed%s in %.2f s "
               "(%.1f reports/s)\n",
               t.written, t.warnings + t.forced, t.failed, unchanged, seconds,
               seconds > 0 ? (double)b.njobs / seconds : 0.0);
    }
    fflush(stdout);
    int rc = NB_OK;
    if (t.failed > t.unreadable + t.unwritable)
        rc = NB_EREPORT;
    else if (t.unreadable)
        rc = NB_EINPUT;
    /* Output that could not be written (a full disk) needs the operator whatever else failed. */
    int report_ok = !b.report_path || write_json_report(&b, &t, seconds) == NB_OK;
    if (t.unwritable || !report_ok)
        rc = NB_EINPUT;
    if (b.summary_path && write_csv_summary(&b) != NB_OK)
        rc = NB_EINPUT;
    if (!b.check_only)
        write_state(&b);
    free_batch(&b);
    free(default_report);
    free(render_report);
    free(check_report);
    return rc;
}
