/* Output files (see output.h). The rules come from what went wrong when the PDF was written by
 * name: a temporary file chmod'ed by name after close could be swapped for a symbolic link by
 * anyone who can write to the folder, `-o r.yaml` replaced the report itself, and `-o
 * /dev/null` replaced the device with a regular file. */
#define _GNU_SOURCE /* syncfs */
#include "output.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int nb_file_set_add(nb_file_set *s, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    nb_grow(&s->items, &s->cap, s->n + 1, sizeof *s->items);
    s->items[s->n] = (nb_file_id){st.st_dev, st.st_ino, path, s->n};
    s->n++;
    return 1;
}

static int compare_ids(const void *a, const void *b)
{
    const nb_file_id *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino)
        return x->ino < y->ino ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

void nb_file_set_seal(nb_file_set *s)
{
    if (s->n)
        qsort(s->items, s->n, sizeof *s->items, compare_ids);
}

const char *nb_file_set_find(const nb_file_set *s, dev_t dev, ino_t ino)
{
    if (!s)
        return NULL;
    size_t lo = 0, hi = s->n; /* first item not less than (dev, ino) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const nb_file_id *m = &s->items[mid];
        if (m->dev < dev || (m->dev == dev && m->ino < ino))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->n && s->items[lo].dev == dev && s->items[lo].ino == ino)
        return s->items[lo].name;
    return NULL;
}

void nb_file_set_free(nb_file_set *s)
{
    free(s->items);
    s->items = NULL;
    s->n = s->cap = 0;
}

static int fail(nb_diags *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(nb_diags *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_diag_addv(d, NB_ERROR, (nb_pos){path, 0, 0}, fmt, ap);
    va_end(ap);
    return NB_EINPUT;
}

static int write_all(int fd, const unsigned char *p, size_t size)
{
    while (size) {
        ssize_t w = write(fd, p, size);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        size -= (size_t)w;
    }
    return 0;
}

/* A device or FIFO: written in place, never replaced. Opened without O_CREAT, so if the name
 * stops being a device in between nothing is created; and if it turned into something else,
 * nothing is written. */
static int write_in_place(const char *path, const void *data, size_t size, nb_diags *d)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return fail(d, path, "cannot write: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
        close(fd);
        return fail(d, path, "cannot write: %s", "the file changed while it was being opened");
    }
    int ok = write_all(fd, data, size) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    return ok ? NB_OK : fail(d, path, "cannot write: %s", strerror(saved));
}

/* Creates a new hidden file beside `target`, O_EXCL (a name that exists, even as a symbolic
 * link, is never opened). `mode` is 0666 (the kernel takes away the umask) or 0600 when the
 * caller sets the bits itself. */
static int create_temporary(const char *target, char **tmp_out, mode_t mode)
{
    static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
    const char *base = slash ? slash + 1 : target;
    size_t n = dirlen + strlen(base) + 16;
    char *tmp = nb_malloc(n);
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned char r[6];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
            /* No entropy source: the clock and the attempt still make names differ. */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            unsigned long v = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^
                              (unsigned long)attempt * 2654435761u;
            for (size_t i = 0; i < sizeof r; i++, v >>= 5)
                r[i] = (unsigned char)v;
        }
        char suffix[7];
        for (size_t i = 0; i < 6; i++)
            suffix[i] = letters[r[i] % (sizeof letters - 1)];
        suffix[6] = 0;
        snprintf(tmp, n, "%.*s.%s.%s", (int)dirlen, target, base, suffix);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd >= 0) {
            *tmp_out = tmp;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    int saved = errno;
    free(tmp);
    errno = saved;
    return -1;
}

/* A file written under its temporary name and not yet renamed (nb_output_stage). */
typedef struct staged_file {
    char *tmp, *target, *shown; /* owned */
    dev_t dev;                  /* the temporary file as written, to see it was not swapped */
    ino_t ino;
    void (*done)(void *arg, const char *shown, const char *error);
    void *arg;
} staged_file;

struct nb_output_batch {
    pthread_mutex_t lock; /* guards the list */
    staged_file *files;   /* owned */
    size_t n, cap;
};

/* Writes `data` to a new temporary file beside `target` with the replaced file's owner and
 * bits, and closes it; with `durable`, flushed to disk first. *tmp_out (owned by the caller)
 * names it, *st_out is its identity. On failure the temporary file is gone and the result is
 * an errno value. */
static int write_temporary(const char *target, const struct stat *old, const void *data,
                           size_t size, int durable, char **tmp_out, struct stat *st_out)
{
    char *tmp = NULL;
    int fd = create_temporary(target, &tmp, old ? 0600 : 0666);
    if (fd < 0)
        return errno;
    int saved = 0;
    /* The replaced file's owner and bits, on the descriptor: the name may already be someone
     * else's symbolic link by now, and a chmod by name would follow it. fchown comes first
     * because it may clear set-id bits. */
    if (old) {
        if (geteuid() == 0 && fchown(fd, old->st_uid, old->st_gid) != 0)
            saved = errno;
        if (!saved && fchmod(fd, old->st_mode & 0777) != 0)
            saved = errno;
    }
    if (!saved && write_all(fd, data, size) != 0)
        saved = errno;
    if (!saved && durable && fsync(fd) != 0)
        saved = errno;
    if (!saved && fstat(fd, st_out) != 0)
        saved = errno;
    if (close(fd) != 0 && !saved)
        saved = errno;
    if (saved) {
        unlink(tmp);
        free(tmp);
        return saved;
    }
    *tmp_out = tmp;
    return 0;
}

/* Renames a written temporary file over `target`, unless its name was taken over by another
 * file meanwhile (in a folder others can write to: a symbolic link, say). Returns 0, -1 when
 * swapped, or an errno value; the temporary name is removed on failure. */
static int rename_temporary(const char *tmp, const char *target, const struct stat *mine)
{
    struct stat named;
    if (lstat(tmp, &named) != 0 || named.st_dev != mine->st_dev ||
        named.st_ino != mine->st_ino)
        return -1; /* not ours any more: left alone */
    if (rename(tmp, target) != 0) {
        int saved = errno;
        unlink(tmp);
        return saved;
    }
    return 0;
}

static const char swapped_message[] =
    "the temporary file was replaced by another program while it was written";

/* Replaces (or creates) the regular file `target`. `old` is the file being replaced, or NULL
 * for a new one. Messages name `shown`, the path the caller gave. With `stage`, the file is
 * only written (not flushed) and queued for nb_output_commit. */
static int replace(const char *shown, const char *target, const struct stat *old,
                   const void *data, size_t size, nb_diags *d, nb_output_batch *stage,
                   void (*done)(void *, const char *, const char *), void *arg, int *queued)
{
    char *tmp = NULL;
    struct stat mine;
    int err = write_temporary(target, old, data, size, !stage, &tmp, &mine);
    if (err)
        return fail(d, shown, "cannot write: %s", strerror(err));
    if (stage) {
        pthread_mutex_lock(&stage->lock);
        nb_grow(&stage->files, &stage->cap, stage->n + 1, sizeof *stage->files);
        stage->files[stage->n++] = (staged_file){tmp, nb_strdup(target), nb_strdup(shown),
                                                 mine.st_dev, mine.st_ino, done, arg};
        pthread_mutex_unlock(&stage->lock);
        *queued = 1;
        return NB_OK;
    }
    err = rename_temporary(tmp, target, &mine);
    free(tmp);
    if (err == -1)
        return fail(d, shown, "cannot write: %s", swapped_message);
    return err ? fail(d, shown, "cannot write: %s", strerror(err)) : NB_OK;
}

static int shared_folder_stranger_link(const char *path, const struct stat *link)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? nb_strndup(path, slash == path ? 1 : (size_t)(slash - path))
                      : nb_strdup(".");
    struct stat st;
    int shared = stat(dir, &st) == 0 && (st.st_mode & S_ISVTX) && (st.st_mode & S_IWOTH);
    free(dir);
    return shared && link->st_uid != geteuid() && link->st_uid != st.st_uid;
}

static int output_write(const char *path, const void *data, size_t size,
                        const nb_file_set *inputs, nb_diags *d, nb_output_batch *stage,
                        void (*done)(void *, const char *, const char *), void *arg,
                        int *queued)
{
    if (strcmp(path, "-") == 0) {
        if (write_all(STDOUT_FILENO, data, size) != 0)
            return fail(d, "standard output", "cannot write: %s", strerror(errno));
        return NB_OK;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return fail(d, path, "cannot write: %s", strerror(errno));
        struct stat lst;
        if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
            return fail(d, path, "cannot write: %s",
                        "a symbolic link to a file that does not exist; not followed");
        return replace(path, path, NULL, data, size, d, stage, done, arg, queued);
    }
    const char *input = nb_file_set_find(inputs, st.st_dev, st.st_ino);
    if (input)
        return fail(d, path, "the output would replace the input %s; not written", input);
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
        return write_in_place(path, data, size, d);
    if (S_ISDIR(st.st_mode))
        return fail(d, path, "cannot write: %s", strerror(EISDIR));
    if (!S_ISREG(st.st_mode))
        return fail(d, path, "cannot write: %s",
                    "not a regular file, a character device or a FIFO");
    struct stat lst;
    if (lstat(path, &lst) == 0 && !S_ISLNK(lst.st_mode))
        return replace(path, path, &st, data, size, d, stage, done, arg, queued);
    /* A symbolic link (perhaps through several): the file it names is replaced, in that file's
     * folder, so the link stays a link. In a shared folder (sticky and writable by all, like
     * /tmp) a link is followed only if it is the folder owner's or ours, as the kernel's
     * protected_symlinks does for open: anyone can plant a link there. */
    if (shared_folder_stranger_link(path, &lst))
        return fail(d, path, "cannot write: %s",
                    "a symbolic link of another user in a shared folder; not followed");
    char *target = realpath(path, NULL);
    if (!target)
        return fail(d, path, "cannot write: %s", strerror(errno));
    int rc = replace(path, target, &st, data, size, d, stage, done, arg, queued);
    free(target);
    return rc;
}

int nb_output_write(const char *path, const void *data, size_t size, const nb_file_set *inputs,
                    nb_diags *d)
{
    int queued = 0;
    return output_write(path, data, size, inputs, d, NULL, NULL, NULL, &queued);
}

/* ---- many files made durable together -------------------------------------------------- */

nb_output_batch *nb_output_batch_new(void)
{
    nb_output_batch *b = nb_calloc(1, sizeof *b);
    pthread_mutex_init(&b->lock, NULL);
    return b;
}

int nb_output_stage(nb_output_batch *b, const char *path, const void *data, size_t size,
                    const nb_file_set *inputs, nb_diags *d,
                    void (*done)(void *arg, const char *shown, const char *error), void *arg)
{
    int queued = 0;
    int rc = output_write(path, data, size, inputs, d, b, done, arg, &queued);
    /* Standard output, a device or a FIFO was written at once: done now. */
    if (rc == NB_OK && !queued && done)
        done(arg, path, NULL);
    return rc;
}

size_t nb_output_pending(nb_output_batch *b)
{
    pthread_mutex_lock(&b->lock);
    size_t n = b->n;
    pthread_mutex_unlock(&b->lock);
    return n;
}

static void free_staged(staged_file *f)
{
    free(f->tmp);
    free(f->target);
    free(f->shown);
}

/* The folder of a path, opened for syncfs/fsync. */
static int open_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? nb_strndup(path, slash == path ? 1 : (size_t)(slash - path))
                      : nb_strdup(".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    return fd;
}

/* Flushes one temporary file by itself (after a failed syncfs): 0 or an errno value. */
static int flush_one(const staged_file *f)
{
    int fd = open(f->tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0)
        err = errno;
    else if (st.st_dev != f->dev || st.st_ino != f->ino)
        err = EEXIST; /* another file under the name: rename_temporary refuses it */
    else if (fsync(fd) != 0)
        err = errno;
    close(fd);
    return err == EEXIST ? 0 : err;
}

size_t nb_output_commit(nb_output_batch *b)
{
    pthread_mutex_lock(&b->lock);
    staged_file *files = b->files;
    size_t n = b->n;
    b->files = NULL;
    b->n = b->cap = 0;
    pthread_mutex_unlock(&b->lock);
    if (!n)
        return 0;
    /* One syncfs per file system: every temporary file's data is on disk before any of them
     * is renamed, so a crash leaves each path with its old file or the whole new one. */
    int synced = 1;
    dev_t done_devs[8];
    size_t dev_first[8]; /* a file on each synced file system */
    size_t ndevs = 0;
    for (size_t i = 0; i < n && synced; i++) {
        int seen = 0;
        for (size_t k = 0; k < ndevs && !seen; k++)
            seen = done_devs[k] == files[i].dev;
        if (seen)
            continue;
        int fd = open_folder(files[i].tmp);
        synced = fd >= 0 && syncfs(fd) == 0 && ndevs < sizeof done_devs / sizeof *done_devs;
        if (fd >= 0)
            close(fd);
        if (synced) {
            dev_first[ndevs] = i;
            done_devs[ndevs++] = files[i].dev;
        }
    }
    size_t renamed = 0;
    for (size_t i = 0; i < n; i++) {
        staged_file *f = &files[i];
        /* When syncfs failed (an I/O error, a full disk found at write-back), each file is
         * flushed alone, so that only the ones that did not reach the disk fail. */
        int err = synced ? 0 : flush_one(f);
        if (err) {
            unlink(f->tmp);
        } else {
            struct stat mine = {.st_dev = f->dev, .st_ino = f->ino};
            err = rename_temporary(f->tmp, f->target, &mine);
        }
        if (!err)
            renamed++;
        if (f->done)
            f->done(f->arg, f->shown, err == -1 ? swapped_message : err ? strerror(err) : NULL);
    }
    /* The renames reach the disk with the folders' next flush; one more syncfs makes them
     * durable now, so that what the batch reports as written stays written. (Whatever a crash
     * does to them, every path holds its old file or the whole new one.) */
    for (size_t k = 0; renamed && k < ndevs; k++) {
        int fd = open_folder(files[dev_first[k]].target);
        if (fd >= 0) {
            syncfs(fd);
            close(fd);
        }
    }
    for (size_t i = 0; i < n; i++)
        free_staged(&files[i]);
    free(files);
    return renamed;
}

void nb_output_batch_free(nb_output_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        unlink(b->files[i].tmp);
        free_staged(&b->files[i]);
    }
    free(b->files);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

int nb_output_temporary_target(const char *name, char **target)
{
    /* ".NAME.XXXXXX", as create_temporary makes them. */
    size_t n = strlen(name);
    *target = NULL;
    if (n < 9 || name[0] != '.' || name[n - 7] != '.')
        return 0;
    for (size_t i = n - 6; i < n; i++)
        if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z') ||
              (name[i] >= '0' && name[i] <= '9')))
            return 0;
    *target = nb_strndup(name + 1, n - 8);
    return 1;
}

int nb_output_same(const char *a, const char *b)
{
    int a_out = strcmp(a, "-") == 0, b_out = strcmp(b, "-") == 0;
    if (a_out || b_out)
        return a_out && b_out;
    struct stat sa, sb;
    int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea && eb)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return !ea && !eb && strcmp(a, b) == 0;
}
