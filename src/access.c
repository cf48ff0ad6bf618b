/* The file-access policy (access.h). A path is resolved one component at a time from an open
 * folder descriptor, the way the kernel's RESOLVE_BENEATH does but on any kernel: ".." may not
 * climb above the starting folder, a symbolic link is read and spliced into the rest of the path
 * (an absolute target escapes), and every step opens with O_NOFOLLOW, so a link swapped in
 * between two steps is refused rather than followed. The final component must be a regular file
 * before it is opened (with O_NONBLOCK, checked again with fstat on the descriptor). */
#include "access.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40  /* as the kernel's ELOOP */
#define MAX_DEPTH 256 /* folders deep below a root */

/* Cleans an absolute path lexically: no "//", ".", or "name/..". */
static char *clean_path(const char *path)
{
    size_t n = strlen(path);
    char *out = nb_malloc(n + 2);
    size_t len = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *end = strchr(p, '/');
        size_t k = end ? (size_t)(end - p) : strlen(p);
        if (k == 0)
            break;
        if (k == 1 && p[0] == '.') {
            /* nothing */
        } else if (k == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--; /* the slash before the dropped name */
        } else {
            out[len++] = '/';
            memcpy(out + len, p, k);
            len += k;
        }
        p += k;
    }
    if (len == 0)
        out[len++] = '/';
    out[len] = 0;
    return out;
}

/* `path` made absolute against `base` (an absolute folder) and cleaned. */
static char *absolute(const char *base, const char *path)
{
    if (path[0] == '/')
        return clean_path(path);
    size_t n = strlen(base) + strlen(path) + 2;
    char *joined = nb_malloc(n);
    snprintf(joined, n, "%s/%s", base, path);
    char *out = clean_path(joined);
    free(joined);
    return out;
}

typedef struct access_root {
    int fd;       /* the folder, open (O_DIRECTORY); -1 if it could not be opened */
    char *real;   /* owned: its canonical path */
    char *given;  /* owned: the path as given, made absolute and cleaned lexically */
} access_root;

struct nb_access_folders {
    access_root report; /* the report's folder */
    access_root *roots; /* owned, nroots: the other folders allowed */
    size_t nroots;
};

static void root_open(access_root *r, const char *dir, const char *cwd)
{
    r->fd = -1;
    r->real = realpath(dir, NULL);
    r->given = absolute(cwd, dir);
    if (r->real)
        r->fd = open(r->real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void root_free(access_root *r)
{
    if (r->fd >= 0)
        close(r->fd);
    free(r->real);
    free(r->given);
}

void nb_access_init(nb_access *a, const char *report_file, const char *const *allowed,
                    const char *font_dir)
{
    memset(a, 0, sizeof *a);
    const char *slash = report_file ? strrchr(report_file, '/') : NULL;
    a->report_folder =
        slash ? nb_strndup(report_file, slash == report_file ? 1 : (size_t)(slash - report_file))
              : nb_strdup(".");
    size_t n = 0;
    while (allowed && allowed[n])
        n++;
    a->allowed = nb_calloc(n + 1, sizeof *a->allowed);
    for (size_t i = 0; i < n; i++)
        a->allowed[a->nallowed++] = nb_strdup(allowed[i]);
    if (font_dir)
        a->allowed[a->nallowed++] = nb_strdup(font_dir);
}

/* The folders, opened on first use. */
static nb_access_folders *folders(const nb_access *a)
{
    nb_access_folders *f = a->folders;
    if (f)
        return f;
    f = nb_calloc(1, sizeof *f);
    char *cwd = getcwd(NULL, 0);
    const char *here = cwd ? cwd : "/";
    root_open(&f->report, a->report_folder, here);
    f->roots = nb_calloc(a->nallowed + 1, sizeof *f->roots);
    for (size_t i = 0; i < a->nallowed; i++)
        root_open(&f->roots[f->nroots++], a->allowed[i], here);
    free(cwd);
    ((nb_access *)a)->folders = f; /* the policy's own cache; one nb_access serves one thread */
    return f;
}

void nb_access_free(nb_access *a)
{
    nb_access_folders *f = a->folders;
    if (f) {
        root_free(&f->report);
        for (size_t i = 0; i < f->nroots; i++)
            root_free(&f->roots[i]);
        free(f->roots);
        free(f);
    }
    for (size_t i = 0; i < a->nallowed; i++)
        free(a->allowed[i]);
    free(a->allowed);
    free(a->report_folder);
    memset(a, 0, sizeof *a);
}

/* Resolves `rel` beneath the folder `root`. Returns NB_ACCESS_OK with *out open, or why not. */
static nb_access_status open_beneath(int root, const char *rel, int *out, int *err)
{
    if (rel[0] == '/')
        return NB_ACCESS_FORBIDDEN;
    int stack[MAX_DEPTH + 1];
    int depth = 0, links = 0;
    stack[0] = root;
    char *rest = nb_strdup(rel); /* what is left to resolve */
    nb_access_status st = NB_ACCESS_ERRNO;
    *err = 0;
    size_t at = 0;
    for (;;) {
        while (rest[at] == '/')
            at++;
        if (!rest[at]) { /* the path ends in a folder */
            st = NB_ACCESS_NOT_REGULAR;
            break;
        }
        size_t k = strcspn(rest + at, "/");
        char name[NAME_MAX + 1];
        if (k > NAME_MAX) {
            *err = ENAMETOOLONG;
            break;
        }
        memcpy(name, rest + at, k);
        name[k] = 0;
        at += k;
        size_t after = at;
        while (rest[after] == '/')
            after++;
        int last = !rest[after];
        if (!strcmp(name, "."))
            continue;
        if (!strcmp(name, "..")) {
            if (depth == 0) {
                st = NB_ACCESS_FORBIDDEN;
                break;
            }
            close(stack[depth--]);
            continue;
        }
        struct stat sb;
        if (fstatat(stack[depth], name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            *err = errno;
            break;
        }
        if (S_ISLNK(sb.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlinkat(stack[depth], name, target, sizeof target - 1);
            if (n <= 0 || ++links > MAX_LINKS) {
                *err = n < 0 ? errno : ELOOP;
                break;
            }
            target[n] = 0;
            if (target[0] == '/') {
                st = NB_ACCESS_FORBIDDEN;
                break;
            }
            /* The link's text takes the place of its name in what is left. */
            size_t tail = strlen(rest + at);
            char *spliced = nb_malloc((size_t)n + 1 + tail + 1);
            memcpy(spliced, target, (size_t)n);
            spliced[n] = '/';
            memcpy(spliced + n + 1, rest + at, tail + 1);
            if (!tail)
                spliced[n] = 0;
            free(rest);
            rest = spliced;
            at = 0;
            continue;
        }
        if (!last) {
            if (!S_ISDIR(sb.st_mode)) {
                *err = ENOTDIR;
                break;
            }
            if (depth == MAX_DEPTH) {
                *err = ENAMETOOLONG;
                break;
            }
            int fd = openat(stack[depth], name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                *err = errno;
                break;
            }
            stack[++depth] = fd;
            continue;
        }
        if (!S_ISREG(sb.st_mode)) {
            st = NB_ACCESS_NOT_REGULAR;
            break;
        }
        int fd = openat(stack[depth], name,
                        O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            *err = errno;
            break;
        }
        struct stat now;
        if (fstat(fd, &now) != 0 || !S_ISREG(now.st_mode) || now.st_dev != sb.st_dev ||
            now.st_ino != sb.st_ino) {
            close(fd); /* swapped for something else since it was looked at */
            st = NB_ACCESS_NOT_REGULAR;
            break;
        }
        *out = fd;
        st = NB_ACCESS_OK;
        break;
    }
    while (depth > 0)
        close(stack[depth--]);
    free(rest);
    return st;
}

/* The part of `path` below `folder`, or NULL if path is not inside it. */
static const char *below(const char *path, const char *folder)
{
    if (!folder)
        return NULL;
    size_t n = strlen(folder);
    if (n == 1 && folder[0] == '/')
        return path[0] == '/' ? path + 1 : NULL;
    if (strncmp(path, folder, n) != 0 || (path[n] != '/' && path[n] != 0))
        return NULL;
    return path[n] == '/' ? path + n + 1 : path + n;
}

nb_access_status nb_access_open(const nb_access *a, const char *path, int *fd, int *err)
{
    *fd = -1;
    *err = 0;
    if (!path || !path[0]) {
        *err = ENOENT;
        return NB_ACCESS_ERRNO;
    }
    const nb_access_folders *f = folders(a);
    if (path[0] != '/' && f->report.fd >= 0) {
        nb_access_status st = open_beneath(f->report.fd, path, fd, err);
        if (st != NB_ACCESS_FORBIDDEN)
            return st;
    }
    /* Absolute, or leaving the report's folder: inside an allowed folder (or the report's own),
     * as written or once every link is followed? The answer is the same whether the path
     * exists or not. */
    const char *base = f->report.real ? f->report.real : "/";
    char *lexical = absolute(base, path);
    char *real = realpath(lexical, NULL);
    nb_access_status st = NB_ACCESS_FORBIDDEN;
    for (size_t i = 0; i <= f->nroots && st == NB_ACCESS_FORBIDDEN; i++) {
        const access_root *r = i == 0 ? &f->report : &f->roots[i - 1];
        if (r->fd < 0)
            continue;
        const char *forms[4] = {below(lexical, r->real), below(lexical, r->given),
                                real ? below(real, r->real) : NULL,
                                real ? below(real, r->given) : NULL};
        for (int k = 0; k < 4 && st == NB_ACCESS_FORBIDDEN; k++)
            if (forms[k])
                st = open_beneath(r->fd, forms[k], fd, err);
    }
    free(lexical);
    free(real);
    return st;
}

nb_access_status nb_access_read(const nb_access *a, const char *path, size_t max,
                                unsigned char **data, size_t *size, int *err)
{
    *data = NULL;
    *size = 0;
    int fd;
    nb_access_status st = nb_access_open(a, path, &fd, err);
    if (st != NB_ACCESS_OK)
        return st;
    struct stat sb;
    if (fstat(fd, &sb) == 0 && (unsigned long long)sb.st_size > max) {
        close(fd);
        *size = (size_t)sb.st_size;
        return NB_ACCESS_TOO_BIG;
    }
    nb_buf b = {0};
    unsigned char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *err = errno;
            st = NB_ACCESS_ERRNO;
            break;
        }
        if (n == 0)
            break;
        if (b.len + (size_t)n > max) { /* grew since fstat */
            st = NB_ACCESS_TOO_BIG;
            *size = b.len + (size_t)n;
            break;
        }
        nb_buf_put(&b, chunk, (size_t)n);
    }
    close(fd);
    if (st != NB_ACCESS_OK) {
        nb_buf_free(&b);
        return st;
    }
    *data = b.data ? b.data : nb_calloc(1, 1);
    *size = b.len;
    return NB_ACCESS_OK;
}

const char *nb_access_message(nb_access_status st, int err, size_t actual, size_t max, char *buf,
                              size_t size)
{
    switch (st) {
    case NB_ACCESS_OK:
        snprintf(buf, size, "no error");
        break;
    case NB_ACCESS_FORBIDDEN:
        snprintf(buf, size, "it is not inside the report's folder or a folder allowed with "
                            "--allow-dir");
        break;
    case NB_ACCESS_NOT_REGULAR:
        snprintf(buf, size, "it is not a regular file");
        break;
    case NB_ACCESS_TOO_BIG:
        snprintf(buf, size, "it is %zu bytes; at most %zu are accepted", actual, max);
        break;
    default:
        snprintf(buf, size, "%s", strerror(err ? err : EIO));
        break;
    }
    return buf;
}
