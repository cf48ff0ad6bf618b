/* Output files: the one place that writes what a command produces (render's PDF, the layout
 * dump, batch's PDFs and its JSON report). See nb_output_write for the rules. */
#ifndef NB_OUTPUT_H
#define NB_OUTPUT_H

#include "diag.h"

#include <stddef.h>
#include <sys/types.h>

/* The files a command reads, by device and inode, so that an output that is one of them (under
 * any name: a hard link, a symbolic link, "./r.yaml") is refused. Add every input, then seal
 * (sorts), then find; a sealed set is read-only and may be shared by threads. */
typedef struct nb_file_id {
    dev_t dev;
    ino_t ino;
    const char *name; /* borrowed: the path the caller gave */
    size_t order;     /* position of the add, to report the first of two names */
} nb_file_id;

typedef struct nb_file_set {
    nb_file_id *items; /* owned */
    size_t n, cap;
} nb_file_set;

/* Adds the file at `path` (the name is borrowed and must outlive the set) if it exists;
 * returns 1 if added, 0 if it does not exist or cannot be examined. Symbolic links are
 * followed. */
int nb_file_set_add(nb_file_set *set, const char *path);
void nb_file_set_seal(nb_file_set *set);
/* The first added name of the file (dev, ino), or NULL. The set must be sealed. */
const char *nb_file_set_find(const nb_file_set *set, dev_t dev, ino_t ino);
void nb_file_set_free(nb_file_set *set);

/* Writes data to `path`:
 * - "-" is standard output;
 * - a character device (/dev/null, a terminal) or a FIFO is opened and written directly;
 * - otherwise the bytes go to a new hidden file beside the destination (".NAME.XXXXXX", created
 *   with O_EXCL so it is never someone else's file), which is flushed to disk and renamed over
 *   it: a failure leaves the old file untouched. A symbolic link to a regular file is followed
 *   and the file it names is replaced; a link to nothing is refused. A new file gets the
 *   permission bits 0666 less the umask (applied by the kernel when creating it); a replaced
 *   file keeps its permission bits (rwx for user, group and others; set-id bits are dropped)
 *   and, when running as root, its owner and group. Both are set on the open descriptor
 *   (fchmod, fchown) before the rename, never by name;
 * - a destination that is one of `inputs` (may be NULL) is refused, as are folders, block
 *   devices and sockets.
 * Returns NB_OK, or NB_EINPUT with a "PATH: error: ..." diagnostic. Thread-safe. */
int nb_output_write(const char *path, const void *data, size_t size, const nb_file_set *inputs,
                    nb_diags *diags);

/* Many outputs made durable together (batch): each file is written to its temporary name at
 * once, without an fsync; nb_output_commit then flushes them all with one syncfs per file
 * system and only then renames each into place. A crash at any moment leaves every path with
 * its earlier file or the complete new one (never an empty or partial file), at the cost of one
 * flush for many files instead of one each. Temporary files not yet committed are removed by
 * nb_output_batch_free; a killed process leaves them as ".NAME.XXXXXX" beside their
 * destination (see nb_output_temporary_target). Thread-safe: any thread may stage and commit. */
typedef struct nb_output_batch nb_output_batch;
nb_output_batch *nb_output_batch_new(void);
/* Frees the batch; staged files that were never committed are removed, not renamed. */
void nb_output_batch_free(nb_output_batch *batch);
/* nb_output_write's rules, except that a regular file is left under its temporary name for
 * nb_output_commit. Returns NB_OK (staged, or written at once to standard output, a device or
 * a FIFO) or NB_EINPUT with a diagnostic (nothing staged). `done(arg, path, error)` is called
 * once the file is in place (error NULL) or finally not written (error says why; the
 * temporary file is removed): from nb_output_commit, on the committing thread, or from here
 * for a file written at once. */
int nb_output_stage(nb_output_batch *batch, const char *path, const void *data, size_t size,
                    const nb_file_set *inputs, nb_diags *diags,
                    void (*done)(void *arg, const char *path, const char *error), void *arg);
/* Files staged and not yet committed. */
size_t nb_output_pending(nb_output_batch *batch);
/* Flushes every staged file (one syncfs per file system; when that fails, an fsync each, so
 * only the files that did not reach the disk fail), then renames each into place and flushes
 * the renames. Calls each file's `done`. Returns the number renamed. */
size_t nb_output_commit(nb_output_batch *batch);

/* Whether a folder entry's name is a temporary file of nb_output_write or nb_output_stage
 * (".NAME.XXXXXX"): then *target (malloc'd, caller frees) is NAME, the file it was to replace. */
int nb_output_temporary_target(const char *name, char **target);

/* Whether two paths name one file: the same existing file (device and inode), or the same
 * name when neither exists. "-" names standard output. */
int nb_output_same(const char *a, const char *b);

#endif
