/* The file-access policy for paths written in a report (seal:, fonts:). A report comes from an
 * agency and is not trusted with the machine's files: its paths resolve against the report's own
 * folder and may not leave it — no "..", no absolute path, no symbolic link pointing out — unless
 * the operator allowed another folder (--allow-dir, nb_render_options.allow_dirs); the engine's
 * font folder is always allowed. Only regular files are opened, without blocking, so a FIFO or
 * a device is refused at once. A refusal never tells whether the forbidden path exists. */
#ifndef NB_ACCESS_H
#define NB_ACCESS_H

#include <stddef.h>

typedef struct nb_access_folders nb_access_folders;

typedef struct nb_access {
    char *report_folder; /* owned: the report's folder as named ("." for none) */
    char **allowed;      /* owned, nallowed: the other folders as named, the font folder last */
    size_t nallowed;
    /* owned: the folders opened and their canonical paths, made by the first open. Most
     * reports name no file, and resolving the folders costs a getcwd, a readlink per path
     * component and an open each: ~12 system calls a report, twice a report in a batch. */
    nb_access_folders *folders;
} nb_access;

/* Sets up the policy for a report named `report_file` (its folder is the base; a name without a
 * folder means the current one). `allowed` is a NULL-terminated list of folders (may be NULL),
 * `font_dir` the engine's font folder (may be NULL). Folders that do not exist are skipped.
 * The folders are looked up at the first nb_access_open, relative to the working folder then. */
void nb_access_init(nb_access *a, const char *report_file, const char *const *allowed,
                    const char *font_dir);
void nb_access_free(nb_access *a);

/* Why an open was refused. */
typedef enum {
    NB_ACCESS_OK = 0,
    NB_ACCESS_FORBIDDEN,   /* outside every allowed folder (whether it exists or not) */
    NB_ACCESS_NOT_REGULAR, /* a folder, FIFO, device or socket */
    NB_ACCESS_TOO_BIG,     /* larger than the limit given */
    NB_ACCESS_ERRNO        /* the system's error, in *err */
} nb_access_status;

/* Opens `path`, as written in the report, for reading. On NB_ACCESS_OK *fd is an open regular
 * file (caller closes). Never blocks, never follows a link out of an allowed folder. */
nb_access_status nb_access_open(const nb_access *a, const char *path, int *fd, int *err);

/* Reads the whole file `path` names (nb_access_open, then at most `max` bytes) into *data
 * (malloc'd, caller frees) and *size. On NB_ACCESS_TOO_BIG *size is the file's size. */
nb_access_status nb_access_read(const nb_access *a, const char *path, size_t max,
                                unsigned char **data, size_t *size, int *err);

/* Why, in words, for "cannot use the seal X: <why>": written to buf (of `size` bytes) and
 * returned. `actual` and `max` are the file's size and the limit (NB_ACCESS_TOO_BIG). */
const char *nb_access_message(nb_access_status st, int err, size_t actual, size_t max, char *buf,
                              size_t size);

#endif
