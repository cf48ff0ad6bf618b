/* CFF programs: the charset, and subsetting a CID-keyed font for PDF (cff.h).
 *
 * The subset is written in one pass over the used glyphs' charstrings: each is flattened
 * (subroutine calls replaced by the subroutine's bytes, hint operators and their arguments
 * dropped) by copying the source's number and operator bytes as they are, so no outline
 * coordinate is decoded or re-encoded. The rest of the program is copied from the source
 * (Name and String INDEXes, Top and Font DICT entries) or written small (charset, FDSelect).
 * The subset's glyphs get consecutive CIDs in the order of their source glyph ids, .notdef 0,
 * so its charset is one range and the PDF's codes, ToUnicode ranges and CIDSet are compact.
 * Nothing sized by the font's glyph count is allocated: FDSelect is walked alongside the
 * ascending glyph ids. */
#include "cff.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Reading */

static uint32_t be(const unsigned char *p, unsigned n)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* An INDEX (TN 5176 §5): count items, item i at [data + off[i], data + off[i + 1]). */
typedef struct cff_index {
    size_t count;
    size_t offsets;  /* the offset array */
    unsigned offsize;
    size_t data;     /* offsets count from data + 1 */
    size_t start, end; /* the whole INDEX */
} cff_index;

static int read_index(const unsigned char *d, size_t n, size_t at, cff_index *ix)
{
    memset(ix, 0, sizeof *ix);
    ix->start = at;
    if (at > n || n - at < 2)
        return 0;
    ix->count = be(d + at, 2);
    if (ix->count == 0) {
        ix->end = at + 2;
        return 1;
    }
    if (n - at < 3)
        return 0;
    ix->offsize = d[at + 2];
    if (ix->offsize < 1 || ix->offsize > 4)
        return 0;
    ix->offsets = at + 3;
    size_t table = (ix->count + 1) * ix->offsize;
    if (n - ix->offsets < table)
        return 0;
    ix->data = ix->offsets + table - 1;
    uint32_t first = be(d + ix->offsets, ix->offsize);
    uint32_t last = be(d + ix->offsets + ix->count * ix->offsize, ix->offsize);
    if (first != 1 || last < 1 || n - ix->data < last)
        return 0;
    ix->end = ix->data + last;
    return 1;
}

/* Item i's bytes [*start, *end), checked against the INDEX's own extent. */
static int index_item(const unsigned char *d, const cff_index *ix, size_t i, size_t *start,
                      size_t *end)
{
    if (i >= ix->count)
        return 0;
    const unsigned char *o = d + ix->offsets + i * ix->offsize;
    uint32_t a = be(o, ix->offsize), b = be(o + ix->offsize, ix->offsize);
    if (a < 1 || a > b || ix->data + b > ix->end)
        return 0;
    *start = ix->data + a;
    *end = ix->data + b;
    return 1;
}

/* One DICT entry (TN 5176 §4): operands then an operator. */
#define OP_ESC(b) (0x0C00u | (b))
typedef struct dict_entry {
    unsigned op;
    size_t start, end;  /* the entry's bytes, operands and operator */
    int nargs;
    long arg[2];        /* the last two operands (a real reads as 0, see `real`) */
    int real;           /* one of the operands is a real number */
} dict_entry;

/* Reads the entry at *p (< end); returns 1, or 0 for a malformed one. */
static int dict_next(const unsigned char *d, size_t *p, size_t end, dict_entry *e)
{
    size_t at = *p;
    e->start = at;
    e->nargs = 0;
    e->real = 0;
    e->arg[0] = e->arg[1] = 0;
    while (at < end) {
        unsigned b = d[at];
        long v;
        if (b <= 21) {
            e->op = b;
            at++;
            if (b == 12) {
                if (at >= end)
                    return 0;
                e->op = OP_ESC(d[at]);
                at++;
            }
            e->end = *p = at;
            return 1;
        } else if (b == 28) {
            if (end - at < 3)
                return 0;
            v = (int16_t)be(d + at + 1, 2);
            at += 3;
        } else if (b == 29) {
            if (end - at < 5)
                return 0;
            v = (int32_t)be(d + at + 1, 4);
            at += 5;
        } else if (b == 30) { /* real: nibbles up to an 0xF */
            at++;
            for (;;) {
                if (at >= end)
                    return 0;
                unsigned c = d[at++];
                if ((c & 0xF0) == 0xF0 || (c & 0x0F) == 0x0F)
                    break;
            }
            v = 0;
            e->real = 1;
        } else if (b >= 32 && b <= 246) {
            v = (long)b - 139;
            at++;
        } else if (b >= 247 && b <= 254) {
            if (end - at < 2)
                return 0;
            v = b <= 250 ? ((long)b - 247) * 256 + d[at + 1] + 108
                         : -((long)b - 251) * 256 - d[at + 1] - 108;
            at += 2;
        } else {
            return 0; /* reserved */
        }
        if (++e->nargs > 48)
            return 0;
        e->arg[0] = e->arg[1];
        e->arg[1] = v;
    }
    return 0; /* operands without an operator */
}

/* The last operand of an entry as an offset or size, or -1 when it cannot be one. */
static long dict_int(const dict_entry *e, int last_but)
{
    if (e->real || e->nargs < 1 + last_but)
        return -1;
    long v = e->arg[1 - last_but];
    return v < 0 ? -1 : v;
}

static long subr_bias(size_t count)
{
    return count < 1240 ? 107 : count < 33900 ? 1131 : 32768;
}

/* One Font DICT of the FDArray and what its Private DICT says. */
typedef struct font_dict {
    size_t start, end;       /* the Font DICT */
    size_t priv, priv_end;   /* its Private DICT (empty when it has none) */
    cff_index subrs;         /* local subroutines (count 0: none) */
    long bias;
    int new_index;           /* in the subset's FDArray, -1 while unused */
} font_dict;

typedef struct cff_font {
    const unsigned char *d;
    size_t n;
    cff_index names, tops, strings, gsubrs, charstrings, fdarray;
    size_t top, top_end;     /* the Top DICT */
    long gbias;
    size_t charset, fdselect;
    int cid_keyed;
    font_dict *fds;          /* fdarray.count of them; owned */
} cff_font;

/* Parses the header, INDEXes and Top DICT; for a CID-keyed font also the FDArray and Private
 * DICTs (with_fds). Returns 1, or 0 for a damaged or unsupported program. */
static int cff_open(cff_font *f, const unsigned char *d, size_t n, int with_fds)
{
    memset(f, 0, sizeof *f);
    f->d = d;
    f->n = n;
    if (n < 4 || d[0] != 1 || d[2] < 4)
        return 0;
    if (!read_index(d, n, d[2], &f->names) || f->names.count != 1 ||
        !read_index(d, n, f->names.end, &f->tops) || f->tops.count != 1 ||
        !read_index(d, n, f->tops.end, &f->strings) ||
        !read_index(d, n, f->strings.end, &f->gsubrs) ||
        !index_item(d, &f->tops, 0, &f->top, &f->top_end))
        return 0;
    f->gbias = subr_bias(f->gsubrs.count);
    long charset = 0, charstrings = -1, fdselect = -1, fdarray = -1;
    int first = 1;
    for (size_t p = f->top; p < f->top_end; first = 0) {
        dict_entry e;
        if (!dict_next(d, &p, f->top_end, &e))
            return 0;
        switch (e.op) {
        case 15: charset = dict_int(&e, 0); break;
        case 17: charstrings = dict_int(&e, 0); break;
        case OP_ESC(37): fdselect = dict_int(&e, 0); break;
        case OP_ESC(36): fdarray = dict_int(&e, 0); break;
        case OP_ESC(30): f->cid_keyed = first; break; /* ROS, which must come first */
        case OP_ESC(6):  /* CharstringType */
            if (dict_int(&e, 0) != 2)
                return 0;
            break;
        default: break;
        }
    }
    if (charstrings <= 0 || (size_t)charstrings >= n || charset < 0 ||
        !read_index(d, n, (size_t)charstrings, &f->charstrings) || f->charstrings.count == 0)
        return 0;
    f->charset = (size_t)charset; /* 0-2: the predefined charsets of a name-keyed font */
    if (!with_fds)
        return 1;
    if (!f->cid_keyed || f->charset <= 2 || f->charset >= n || fdselect <= 0 ||
        (size_t)fdselect >= n || fdarray <= 0 || (size_t)fdarray >= n ||
        !read_index(d, n, (size_t)fdarray, &f->fdarray) || f->fdarray.count == 0 ||
        f->fdarray.count > 256)
        return 0;
    f->fdselect = (size_t)fdselect;
    f->fds = calloc(f->fdarray.count, sizeof *f->fds);
    if (!f->fds)
        return 0;
    for (size_t i = 0; i < f->fdarray.count; i++) {
        font_dict *fd = &f->fds[i];
        fd->new_index = -1;
        if (!index_item(d, &f->fdarray, i, &fd->start, &fd->end))
            return 0;
        for (size_t p = fd->start; p < fd->end;) {
            dict_entry e;
            if (!dict_next(d, &p, fd->end, &e))
                return 0;
            if (e.op == 18) {
                long size = dict_int(&e, 1), at = dict_int(&e, 0);
                if (size < 0 || at < 0 || (size_t)at > n || n - (size_t)at < (size_t)size)
                    return 0;
                fd->priv = (size_t)at;
                fd->priv_end = (size_t)at + (size_t)size;
            }
        }
        for (size_t p = fd->priv; p < fd->priv_end;) {
            dict_entry e;
            if (!dict_next(d, &p, fd->priv_end, &e))
                return 0;
            if (e.op == 19) {
                long at = dict_int(&e, 0);
                if (at <= 0 || (size_t)at > n - fd->priv ||
                    !read_index(d, n, fd->priv + (size_t)at, &fd->subrs))
                    return 0;
            }
        }
        fd->bias = subr_bias(fd->subrs.count);
    }
    return 1;
}

static void cff_close(cff_font *f) { free(f->fds); }

/* The charset (TN 5176 §13) walked by ascending glyph ids. */
typedef struct charset_walk {
    const cff_font *f;
    unsigned format;
    size_t at;             /* the next range */
    uint32_t gid, cid, left; /* the current range: gid .. gid + left from cid */
} charset_walk;

static int charset_start(charset_walk *w, const cff_font *f)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    if (f->charset >= f->n)
        return 0;
    w->format = f->d[f->charset];
    w->at = f->charset + 1;
    w->gid = 0; /* glyph 0 is CID 0, outside the ranges */
    return w->format <= 2;
}

/* The CID of `gid`, which is at least the last glyph asked for; -1 when the charset ends
 * first. */
static long charset_cid(charset_walk *w, uint32_t gid)
{
    const unsigned char *d = w->f->d;
    size_t n = w->f->n;
    if (gid == 0)
        return 0;
    if (w->format == 0) {
        size_t at = w->at + 2 * (size_t)(gid - 1);
        return at + 2 <= n ? (long)be(d + at, 2) : -1;
    }
    unsigned width = w->format == 1 ? 1 : 2;
    while (gid > w->gid + w->left || w->gid == 0) {
        uint32_t next = w->gid == 0 ? 1 : w->gid + w->left + 1;
        if (w->at > n || n - w->at < 2 + width || next > w->f->charstrings.count)
            return -1;
        w->cid = be(d + w->at, 2);
        w->left = be(d + w->at + 2, width);
        w->gid = next;
        w->at += 2 + width;
    }
    return (long)(w->cid + (gid - w->gid));
}

/* FDSelect (TN 5176 §19) walked by ascending glyph ids. */
typedef struct fdselect_walk {
    const cff_font *f;
    unsigned format;
    size_t nranges, range; /* format 3: the current range */
} fdselect_walk;

static int fdselect_start(fdselect_walk *w, const cff_font *f)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    const unsigned char *d = f->d;
    size_t at = f->fdselect, n = f->n;
    w->format = d[at];
    if (w->format == 0)
        return n - at - 1 >= f->charstrings.count;
    if (w->format != 3 || n - at < 3)
        return 0;
    w->nranges = be(d + at + 1, 2);
    return w->nranges > 0 && n - at - 3 >= 3 * w->nranges + 2 && be(d + at + 3, 2) == 0;
}

/* The Font DICT index of `gid` (at least the last asked for), or -1. */
static int fdselect_fd(fdselect_walk *w, uint32_t gid)
{
    const unsigned char *r = w->f->d + w->f->fdselect;
    unsigned fd;
    if (w->format == 0) {
        fd = r[1 + gid];
    } else {
        r += 3;
        while (w->range + 1 < w->nranges + 1 && be(r + 3 * (w->range + 1), 2) <= gid) {
            if (be(r + 3 * (w->range + 1), 2) <= be(r + 3 * w->range, 2))
                return -1; /* ranges must ascend */
            w->range++;
        }
        if (w->range >= w->nranges)
            return -1; /* past the sentinel */
        fd = r[3 * w->range + 2];
    }
    return fd < w->f->fdarray.count ? (int)fd : -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Flattening a Type 2 charstring (TN 5177) */

enum { RUN_FAIL, RUN_RETURN, RUN_ENDCHAR };

#define MAX_ARGS 48     /* the argument stack (TN 5177 appendix B) */
#define MAX_NESTING 10  /* subroutine calls */
#define MAX_STEMS 96
#define GLYPH_BUDGET (1u << 20) /* bytes read for one glyph: bounds calls fanning out */

/* The argument stack is kept as the runs of source bytes its numbers were read from (a run
 * breaks only where a subroutine call or return comes between two numbers), so numbers are
 * neither decoded nor copied one by one. */
typedef struct arg_run {
    uint32_t at, end;
} arg_run;

typedef struct flattener {
    const unsigned char *d;
    const cff_index *gsubrs, *lsubrs;
    long gbias, lbias;
    arg_run runs[MAX_ARGS];
    int nruns, nargs;
    int nstems;
    int cleared;               /* a stack-clearing operator was seen (the width is decided) */
    uint32_t width_at;         /* the width taken from a dropped hint operator, */
    unsigned width_len;        /* written before the first operator kept (0: none) */
    size_t budget;
    nb_buf *out;               /* where the charstrings go */
    size_t span_at, span_end;  /* source bytes kept as they are, not yet copied to out */
} flattener;

/* The length of a number by its first byte; 0: an operator. */
static const unsigned char number_lens[256] = {
    [28] = 3, [32 ... 246] = 1, [247 ... 254] = 2, [255] = 5};

static unsigned number_len(unsigned b) { return number_lens[b]; }

/* Room for `more` bytes (and nb_buf's terminating 0) after out->len. */
static void reserve(nb_buf *out, size_t more)
{
    if (out->data && out->cap - out->len > more)
        return;
    size_t cap = out->cap ? out->cap : 4096;
    while (cap - out->len <= more)
        cap *= 2;
    out->data = nb_realloc(out->data, cap);
    out->cap = cap;
}

/* Writes the arguments and the operator (op_len bytes at op), the width first if pending. */
/* Writes the source bytes kept and not yet copied (see emit). */
static void flush_span(flattener *fl)
{
    size_t n = fl->span_end - fl->span_at;
    if (n) {
        reserve(fl->out, n);
        memcpy(fl->out->data + fl->out->len, fl->d + fl->span_at, n);
        fl->out->len += n;
    }
    fl->span_at = fl->span_end = 0;
}

static void emit(flattener *fl, const unsigned char *op, unsigned op_len)
{
    /* Arguments read in one run right before their operator, and no width to insert: the
     * source's bytes are the output's, so they are only noted, and copied in one go with the
     * ones around them (a glyph without hints or subroutines is a single copy). */
    size_t op_at = (size_t)(op - fl->d);
    if (!fl->width_len && (fl->nruns == 0 || (fl->nruns == 1 && fl->runs[0].end == op_at))) {
        size_t from = fl->nruns ? fl->runs[0].at : op_at;
        if (fl->span_end != from || fl->span_end == fl->span_at) {
            flush_span(fl);
            fl->span_at = from;
        }
        fl->span_end = op_at + op_len;
        fl->nargs = fl->nruns = 0;
        fl->cleared = 1;
        return;
    }
    flush_span(fl);
    reserve(fl->out, 5 + MAX_ARGS * 5 + 2);
    unsigned char *o = fl->out->data + fl->out->len;
    if (fl->width_len) {
        memcpy(o, fl->d + fl->width_at, fl->width_len);
        o += fl->width_len;
        fl->width_len = 0;
    }
    for (int i = 0; i < fl->nruns; i++) {
        memcpy(o, fl->d + fl->runs[i].at, fl->runs[i].end - fl->runs[i].at);
        o += fl->runs[i].end - fl->runs[i].at;
    }
    memcpy(o, op, op_len);
    o += op_len;
    fl->out->len = (size_t)(o - fl->out->data);
    fl->nargs = fl->nruns = 0;
    fl->cleared = 1;
}

/* A hint operator, dropped: its arguments are stems (and before any other stack-clearing
 * operator an odd first argument is the advance width, kept for later). */
static int drop_stems(flattener *fl)
{
    int args = fl->nargs;
    if (!fl->cleared && (args & 1)) {
        fl->width_at = fl->runs[0].at;
        fl->width_len = number_len(fl->d[fl->width_at]);
        args--;
    }
    fl->nstems += args / 2;
    fl->nargs = fl->nruns = 0;
    fl->cleared = 1;
    return fl->nstems <= MAX_STEMS;
}

/* Pops the last argument, an integer (a subroutine number). */
static int pop_int(flattener *fl, long *v)
{
    if (fl->nargs == 0)
        return 0;
    arg_run *r = &fl->runs[fl->nruns - 1];
    uint32_t at = r->at;
    while (at + number_len(fl->d[at]) < r->end)
        at += number_len(fl->d[at]);
    const unsigned char *p = fl->d + at;
    unsigned b = p[0];
    if (b == 28)
        *v = (int16_t)be(p + 1, 2);
    else if (b >= 32 && b <= 246)
        *v = (long)b - 139;
    else if (b >= 247 && b <= 250)
        *v = ((long)b - 247) * 256 + p[1] + 108;
    else if (b >= 251 && b <= 254)
        *v = -((long)b - 251) * 256 - p[1] - 108;
    else
        return 0; /* a 16.16 fixed number */
    r->end = at;
    if (r->end == r->at)
        fl->nruns--;
    fl->nargs--;
    return 1;
}

static int run(flattener *fl, size_t p, size_t end, int depth)
{
    const unsigned char *d = fl->d;
    if (end - p > fl->budget)
        return RUN_FAIL;
    fl->budget -= end - p;
    while (p < end) {
        unsigned b = d[p], l = number_lens[b];
        if (l) { /* numbers, up to the next operator */
            size_t from = p;
            int k = 0;
            do {
                p += l;
                k++;
            } while (p < end && (l = number_lens[d[p]]) != 0);
            if (p > end || fl->nargs + k > MAX_ARGS)
                return RUN_FAIL;
            fl->nargs += k;
            if (fl->nruns && fl->runs[fl->nruns - 1].end == from) {
                fl->runs[fl->nruns - 1].end = (uint32_t)p;
            } else {
                fl->runs[fl->nruns].at = (uint32_t)from;
                fl->runs[fl->nruns++].end = (uint32_t)p;
            }
            continue;
        }
        size_t op = p++;
        switch (b) {
        case 1: case 3: case 18: case 23: /* hstem vstem hstemhm vstemhm */
            if (!drop_stems(fl))
                return RUN_FAIL;
            break;
        case 19: case 20: { /* hintmask cntrmask: stems before them are implicit vstems */
            if (!drop_stems(fl))
                return RUN_FAIL;
            size_t mask = ((size_t)fl->nstems + 7) / 8;
            if (end - p < mask)
                return RUN_FAIL;
            p += mask;
            break;
        }
        case 21: case 22: case 4: /* rmoveto hmoveto vmoveto */
        case 5: case 6: case 7: case 8: case 24: case 25: case 26: case 27: case 30: case 31:
            emit(fl, d + op, 1);
            break;
        case 14: { /* endchar */
            int args = fl->nargs - (!fl->cleared && (fl->nargs & 1));
            if (args != 0)
                return RUN_FAIL; /* 4: seac (an accented glyph from two others) */
            emit(fl, d + op, 1);
            return RUN_ENDCHAR;
        }
        case 10: case 29: { /* callsubr callgsubr */
            const cff_index *subrs = b == 10 ? fl->lsubrs : fl->gsubrs;
            long i;
            if (depth >= MAX_NESTING || !pop_int(fl, &i))
                return RUN_FAIL;
            i += b == 10 ? fl->lbias : fl->gbias;
            size_t s, e;
            if (i < 0 || !index_item(d, subrs, (size_t)i, &s, &e))
                return RUN_FAIL;
            int r = run(fl, s, e, depth + 1);
            if (r != RUN_RETURN)
                return r;
            break;
        }
        case 11: /* return */
            return depth > 0 ? RUN_RETURN : RUN_FAIL;
        case 12: {
            if (p >= end)
                return RUN_FAIL;
            unsigned b2 = d[p++];
            if (b2 >= 34 && b2 <= 37) /* hflex flex hflex1 flex1 */
                emit(fl, d + op, 2);
            else if (b2 == 0) /* dotsection: an old hint */
                fl->nargs = fl->nruns = 0;
            else
                return RUN_FAIL; /* arithmetic, storage, reserved */
            break;
        }
        default:
            return RUN_FAIL; /* reserved */
        }
    }
    return depth > 0 ? RUN_RETURN : RUN_FAIL; /* a glyph ends with endchar */
}

/* Appends glyph `gid`'s flattened charstring; fd: its Font DICT. */
static int flatten(flattener *fl, const cff_font *f, uint32_t gid, const font_dict *fd)
{
    size_t s, e;
    if (!index_item(f->d, &f->charstrings, gid, &s, &e))
        return 0;
    fl->lsubrs = &fd->subrs;
    fl->lbias = fd->bias;
    fl->nargs = fl->nruns = fl->nstems = fl->cleared = 0;
    fl->width_len = 0;
    fl->budget = GLYPH_BUDGET;
    fl->span_at = fl->span_end = 0;
    if (run(fl, s, e, 0) != RUN_ENDCHAR)
        return 0;
    flush_span(fl);
    return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Writing */

static unsigned char *extend(nb_buf *b, size_t n)
{
    reserve(b, n);
    unsigned char *p = b->data + b->len;
    b->len += n;
    b->data[b->len] = 0;
    return p;
}

static void put_be(unsigned char *p, uint32_t v, unsigned n)
{
    for (unsigned i = n; i-- > 0; v >>= 8)
        p[i] = (unsigned char)v;
}

static unsigned offsize_for(size_t last_offset)
{
    return last_offset <= 0xFF ? 1 : last_offset <= 0xFFFF ? 2 : last_offset <= 0xFFFFFF ? 3 : 4;
}

static size_t index_size(size_t count, size_t data_len)
{
    return count ? 3 + (count + 1) * offsize_for(data_len + 1) + data_len : 2;
}

/* An INDEX header and offset array for items ending at ends[0..count) (relative to the data). */
static void put_index_head(nb_buf *out, size_t count, const size_t *ends)
{
    unsigned char *p = extend(out, 2);
    put_be(p, (uint32_t)count, 2);
    if (!count)
        return;
    unsigned os = offsize_for(ends[count - 1] + 1);
    p = extend(out, 1 + (count + 1) * os);
    *p++ = (unsigned char)os;
    put_be(p, 1, os);
    for (size_t i = 0; i < count; i++)
        put_be(p + (i + 1) * os, (uint32_t)(ends[i] + 1), os);
}

/* A DICT operand as a 5-byte integer, so sizes are known before offsets. */
static void put_int5(unsigned char *p, uint32_t v)
{
    p[0] = 29;
    put_be(p + 1, v, 4);
}

/* Copies the entries of a DICT except those `drop` names; returns the bytes written, or -1. */
static long copy_dict(const cff_font *f, size_t start, size_t end, int (*drop)(unsigned),
                      nb_buf *out)
{
    size_t before = out->len;
    for (size_t p = start; p < end;) {
        dict_entry e;
        if (!dict_next(f->d, &p, end, &e))
            return -1;
        if (!drop(e.op))
            memcpy(extend(out, e.end - e.start), f->d + e.start, e.end - e.start);
    }
    return (long)(out->len - before);
}

/* Top DICT entries rewritten for the subset (or meaningless in it). */
static int top_rewritten(unsigned op)
{
    return op == 15 || op == 16 || op == 17 || op == 18 || op == OP_ESC(30) ||
           op == OP_ESC(36) || op == OP_ESC(37);
}

/* The SID of a string of the String INDEX, or -1 (no standard string is asked for). */
static long string_sid(const cff_font *f, const char *str)
{
    size_t len = strlen(str), s, e;
    for (size_t i = 0; i < f->strings.count; i++)
        if (index_item(f->d, &f->strings, i, &s, &e) && e - s == len &&
            memcmp(f->d + s, str, len) == 0)
            return (long)(391 + i);
    return -1;
}

static int font_rewritten(unsigned op) { return op == 18; }

/* Private DICT entries that are subroutines or hints (the subset has neither; the same as
 * hb-subset drops without hinting). */
static int private_dropped(unsigned op)
{
    switch (op) {
    case 19:                      /* Subrs */
    case 6: case 7: case 8: case 9: /* BlueValues OtherBlues FamilyBlues FamilyOtherBlues */
    case 10: case 11:             /* StdHW StdVW */
    case OP_ESC(9): case OP_ESC(10): case OP_ESC(11): /* BlueScale BlueShift BlueFuzz */
    case OP_ESC(12): case OP_ESC(13): case OP_ESC(14): /* StemSnapH StemSnapV ForceBold */
    case OP_ESC(17): case OP_ESC(18): /* LanguageGroup ExpansionFactor */
        return 1;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Flattened charstrings kept between subsets */

typedef struct flat_glyph {
    uint32_t len;
    unsigned char bytes[];
} flat_glyph;

struct nb_cff_glyphs {
    size_t count;
    atomic_size_t *budget;
    _Atomic(flat_glyph *) *glyphs; /* count of them; each set once, never changed */
};

nb_cff_glyphs *nb_cff_glyphs_new(size_t count, atomic_size_t *budget)
{
    size_t table = count * sizeof(_Atomic(flat_glyph *));
    size_t left = atomic_load(budget);
    do {
        if (left < table)
            return NULL;
    } while (!atomic_compare_exchange_weak(budget, &left, left - table));
    nb_cff_glyphs *g = nb_calloc(1, sizeof *g);
    g->count = count;
    g->budget = budget;
    g->glyphs = nb_calloc(count ? count : 1, sizeof *g->glyphs);
    for (size_t i = 0; i < count; i++)
        atomic_init(&g->glyphs[i], NULL);
    return g;
}

void nb_cff_glyphs_free(nb_cff_glyphs *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->count; i++)
        free(atomic_load_explicit(&g->glyphs[i], memory_order_relaxed));
    free(g->glyphs);
    free(g);
}

/* Keeps glyph gid's flattened bytes if the budget allows; the first of two threads wins. */
static void glyphs_keep(nb_cff_glyphs *g, uint32_t gid, const unsigned char *p, size_t len)
{
    size_t need = sizeof(flat_glyph) + len + 16; /* and malloc's own header, about */
    size_t left = atomic_load_explicit(g->budget, memory_order_relaxed);
    do {
        if (left < need)
            return;
    } while (!atomic_compare_exchange_weak(g->budget, &left, left - need));
    flat_glyph *r = nb_malloc(sizeof *r + len);
    r->len = (uint32_t)len;
    memcpy(r->bytes, p, len);
    flat_glyph *none = NULL;
    if (!atomic_compare_exchange_strong_explicit(&g->glyphs[gid], &none, r, memory_order_release,
                                                 memory_order_relaxed)) {
        free(r);
        atomic_fetch_add(g->budget, need);
    }
}

/* ------------------------------------------------------------------------------------------ */

int nb_cff_subset(const unsigned char *cff, size_t len, const uint32_t *gids, size_t n,
                  nb_cff_glyphs *kept, nb_buf *out, uint32_t *cids)
{
    cff_font f;
    size_t out_start = out->len;
    flattener fl = {0};
    size_t *ends = NULL;
    unsigned char *fd_of = NULL;
    nb_buf dicts = {0}, top = {0}, strings = {0};
    int ok = 0;
    if (!cff_open(&f, cff, len, 1))
        goto done;

    /* The glyphs: .notdef, then the ones asked for. */
    int with_notdef = n == 0 || gids[0] != 0;
    size_t m = n + (size_t)with_notdef;
    if (m > 65535)
        goto done;
    ends = nb_malloc(m * sizeof *ends);
    fd_of = nb_malloc(m);
    fdselect_walk fw;
    if (!fdselect_start(&fw, &f))
        goto done;
    fl.d = cff;
    fl.gsubrs = &f.gsubrs;
    fl.gbias = f.gbias;
    fl.out = out;
    if (kept && kept->count != f.charstrings.count)
        kept = NULL; /* kept for another font */
    /* Each glyph's Font DICT, and the source's charstring bytes (without subroutines, the
     * flattened ones are no longer: room enough for one allocation). */
    size_t estimate = 0;
    uint32_t prev = 0;
    for (size_t k = 0; k < m; k++) {
        uint32_t gid = with_notdef ? (k ? gids[k - 1] : 0) : gids[k];
        size_t s, e;
        if (gid >= f.charstrings.count || (k && gid <= prev) ||
            !index_item(cff, &f.charstrings, gid, &s, &e))
            goto done;
        prev = gid;
        estimate += e - s;
        int fd = fdselect_fd(&fw, gid);
        if (fd < 0)
            goto done;
        fd_of[k] = (unsigned char)fd;
    }
    /* Font DICTs in use, in their source order. */
    unsigned nfds = 0;
    for (size_t k = 0; k < m; k++)
        f.fds[fd_of[k]].new_index = 0;
    for (size_t i = 0; i < f.fdarray.count; i++)
        if (f.fds[i].new_index == 0)
            f.fds[i].new_index = (int)nfds++;

    /* Every offset in a DICT is a 5-byte integer, so the DICTs' sizes do not depend on the
     * offsets, and every part before the CharStrings has its size known now. */
    /* The glyphs have CIDs 0 .. m - 1, which follow no character collection: the ROS is
     * Adobe-Identity-0 (first in the Top DICT, TN 5176 §18), its strings added to the String
     * INDEX when the source has not got them. */
    size_t strings_count = f.strings.count;
    long adobe = string_sid(&f, "Adobe"), identity = string_sid(&f, "Identity");
    if (adobe < 0)
        adobe = (long)(391 + strings_count++);
    if (identity < 0)
        identity = (long)(391 + strings_count++);
    if (identity > 32767 || strings_count > 65535)
        goto done; /* the SIDs are written as 16-bit numbers */
    unsigned char *ros = extend(&top, 9);
    ros[0] = 28, put_be(ros + 1, (uint32_t)adobe, 2);
    ros[3] = 28, put_be(ros + 4, (uint32_t)identity, 2);
    ros[6] = 139, ros[7] = 12, ros[8] = 30;
    long top_kept = copy_dict(&f, f.top, f.top_end, top_rewritten, &top);
    size_t top_len = top.len + 4 * 5 + 1 + 1 + 2 + 2;
    if (strings_count == f.strings.count) {
        nb_buf_put(&strings, cff + f.strings.start, f.strings.end - f.strings.start);
    } else {
        /* The source's strings, then "Adobe" and/or "Identity" */
        size_t *str_ends = nb_malloc(strings_count * sizeof *str_ends), s, e, src_len = 0;
        for (size_t i = 0; i < f.strings.count; i++) {
            if (!index_item(cff, &f.strings, i, &s, &e)) {
                free(str_ends);
                goto done;
            }
            str_ends[i] = src_len = e - (f.strings.data + 1);
        }
        size_t next = f.strings.count, data_len = src_len;
        if (adobe == (long)(391 + next))
            str_ends[next++] = (data_len += 5);
        if (identity == (long)(391 + next))
            str_ends[next++] = (data_len += 8);
        put_index_head(&strings, strings_count, str_ends);
        free(str_ends);
        nb_buf_put(&strings, cff + f.strings.data + 1, src_len);
        if (adobe >= (long)(391 + f.strings.count))
            nb_buf_puts(&strings, "Adobe");
        if (identity >= (long)(391 + f.strings.count))
            nb_buf_puts(&strings, "Identity");
    }
    /* charset: CIDs 1 .. m - 1 from glyph 1 on, one range (format 1 or 2) or, for one or two
     * glyphs, a CID each (format 0) */
    unsigned charset_format = m <= 2 ? 0 : m - 2 <= 0xFF ? 1 : 2;
    size_t charset_len = charset_format == 0 ? 1 + 2 * (m - 1) : charset_format == 1 ? 4 : 5;
    size_t fd_ranges = 0;
    for (size_t k = 0; k < m; k++)
        if (k == 0 || fd_of[k] != fd_of[k - 1])
            fd_ranges++;
    size_t fdselect_len = 3 + 3 * fd_ranges + 2;
    /* Font and Private DICTs: the Font DICTs into `dicts`, then the Private ones */
    size_t fd_ends[256], priv_len[256], priv_total = 0;
    for (size_t i = 0, j = 0; i < f.fdarray.count; i++) {
        if (f.fds[i].new_index < 0)
            continue;
        if (copy_dict(&f, f.fds[i].start, f.fds[i].end, font_rewritten, &dicts) < 0)
            goto done;
        extend(&dicts, 11); /* Private, written below */
        fd_ends[j++] = dicts.len;
    }
    size_t font_dicts_len = dicts.len;
    for (size_t i = 0, j = 0; i < f.fdarray.count; i++) {
        if (f.fds[i].new_index < 0)
            continue;
        long l = copy_dict(&f, f.fds[i].priv, f.fds[i].priv_end, private_dropped, &dicts);
        if (l < 0)
            goto done;
        priv_len[j++] = (size_t)l;
        priv_total += (size_t)l;
    }
    if (top_kept < 0)
        goto done;
    size_t names_len = f.names.end - f.names.start, strings_len = strings.len;
    size_t at_charset = 4 + names_len + index_size(1, top_len) + strings_len + 2;
    size_t at_fdselect = at_charset + charset_len;
    size_t at_charstrings = at_fdselect + fdselect_len;
    size_t fdarray_len = index_size(nfds, font_dicts_len);
    reserve(out, at_charstrings + 3 + (m + 1) * 4 + estimate + fdarray_len + priv_total);

    /* Header, Name INDEX, Top DICT INDEX, String INDEX, Global Subr INDEX (empty) */
    unsigned char *p = extend(out, 4);
    p[0] = 1, p[1] = 0, p[2] = 4, p[3] = 4;
    memcpy(extend(out, names_len), cff + f.names.start, names_len);
    put_index_head(out, 1, &top_len);
    memcpy(extend(out, top.len), top.data, top.len);
    p = extend(out, top_len - top.len);
    size_t fdarray_int = (size_t)(p - out->data) + 19; /* written once the CharStrings are */
    put_int5(p, (uint32_t)at_charset), p[5] = 15;
    put_int5(p + 6, (uint32_t)at_charstrings), p[11] = 17;
    put_int5(p + 12, (uint32_t)at_fdselect), p[17] = 12, p[18] = 37;
    put_int5(p + 19, 0), p[24] = 12, p[25] = 36;
    memcpy(extend(out, strings_len), strings.data, strings_len);
    p = extend(out, 2);
    p[0] = p[1] = 0;
    /* charset */
    p = extend(out, charset_len);
    *p++ = (unsigned char)charset_format;
    if (charset_format == 0) {
        for (size_t k = 1; k < m; k++, p += 2)
            put_be(p, (uint32_t)k, 2);
    } else {
        put_be(p, 1, 2);
        put_be(p + 2, (uint32_t)(m - 2), charset_format);
    }
    /* FDSelect, format 3 */
    p = extend(out, fdselect_len);
    *p++ = 3;
    put_be(p, (uint32_t)fd_ranges, 2);
    p += 2;
    for (size_t k = 0; k < m; k++)
        if (k == 0 || fd_of[k] != fd_of[k - 1]) {
            put_be(p, (uint32_t)k, 2);
            p[2] = (unsigned char)f.fds[fd_of[k]].new_index;
            p += 3;
        }
    put_be(p, (uint32_t)m, 2);

    /* CharStrings INDEX: the charstrings flattened in place after room for offsets of the
     * size the source's charstrings would need (flattened without hints they are no longer,
     * unless subroutines were inlined), moved when the offsets are of another size: the body
     * font's 250 KB are not moved. */
    size_t head = out->len;
    unsigned guess = offsize_for(estimate + 2);
    extend(out, 3 + (m + 1) * guess);
    size_t data = out->len;
    for (size_t k = 0; k < m; k++) {
        uint32_t gid = with_notdef ? (k ? gids[k - 1] : 0) : gids[k];
        const flat_glyph *r;
        if (k == 0 && with_notdef) { /* .notdef not drawn: an empty glyph */
            *extend(out, 1) = 14;
        } else if (kept && (r = atomic_load_explicit(&kept->glyphs[gid], memory_order_acquire))) {
            memcpy(extend(out, r->len), r->bytes, r->len);
        } else {
            size_t from = out->len;
            if (!flatten(&fl, &f, gid, &f.fds[fd_of[k]]))
                goto done;
            if (kept)
                glyphs_keep(kept, gid, out->data + from, out->len - from);
        }
        ends[k] = out->len - data;
    }
    size_t data_len = out->len - data;
    unsigned os = offsize_for(data_len + 1);
    if (os < guess) {
        size_t gap = (m + 1) * (guess - os);
        memmove(out->data + data - gap, out->data + data, data_len);
        out->len -= gap;
    } else if (os > guess) {
        size_t more = (m + 1) * (os - guess);
        extend(out, more);
        memmove(out->data + data + more, out->data + data, data_len);
    }
    p = out->data + head;
    put_be(p, (uint32_t)m, 2);
    p[2] = (unsigned char)os;
    put_be(p + 3, 1, os);
    for (size_t k = 0; k < m; k++)
        put_be(p + 3 + (k + 1) * os, (uint32_t)(ends[k] + 1), os);
    size_t at_fdarray = out->len - out_start;
    size_t at_private = at_fdarray + fdarray_len;
    if (at_private + priv_total > 0x7FFFFFFF)
        goto done;
    put_int5(out->data + fdarray_int, (uint32_t)at_fdarray);

    /* FDArray INDEX, each Font DICT ending in its Private entry, then the Private DICTs */
    put_index_head(out, nfds, fd_ends);
    size_t priv_at = at_private;
    for (unsigned j = 0; j < nfds; j++) {
        size_t from = j ? fd_ends[j - 1] : 0;
        p = extend(out, fd_ends[j] - from);
        memcpy(p, dicts.data + from, fd_ends[j] - from - 11);
        p += fd_ends[j] - from - 11;
        put_int5(p, (uint32_t)priv_len[j]);
        put_int5(p + 5, (uint32_t)priv_at);
        p[10] = 18;
        priv_at += priv_len[j];
    }
    memcpy(extend(out, priv_total), dicts.data + font_dicts_len, priv_total);
    if (out->len - out_start != at_private + priv_total)
        goto done; /* cannot happen: the sizes above are the bytes written */
    for (size_t i = 0; i < n; i++)
        cids[i] = (uint32_t)(i + (size_t)with_notdef);
    ok = 1;
done:
    if (!ok && out->data) {
        out->len = out_start;
        out->data[out_start] = 0;
    }
    nb_buf_free(&dicts);
    nb_buf_free(&top);
    nb_buf_free(&strings);
    free(ends);
    free(fd_of);
    cff_close(&f);
    return ok;
}

size_t nb_cff_keep(const unsigned char *cff, size_t len, const uint32_t *gids, size_t n,
                   nb_cff_glyphs *kept, atomic_int *stop)
{
    cff_font f;
    size_t made = 0;
    if (!kept || !cff_open(&f, cff, len, 1))
        return 0;
    fdselect_walk fw;
    if (kept->count == f.charstrings.count && fdselect_start(&fw, &f)) {
        flattener fl = {0};
        nb_buf one = {0};
        fl.d = cff;
        fl.gsubrs = &f.gsubrs;
        fl.gbias = f.gbias;
        fl.out = &one;
        uint32_t prev = 0;
        for (size_t k = 0; k < n && !atomic_load_explicit(stop, memory_order_relaxed); k++) {
            uint32_t gid = gids[k];
            if (gid == 0 || gid >= f.charstrings.count || gid <= prev)
                continue; /* .notdef is never kept; the walk goes up */
            prev = gid;
            int fd = fdselect_fd(&fw, gid);
            if (fd < 0)
                break;
            if (atomic_load_explicit(&kept->glyphs[gid], memory_order_relaxed))
                continue;
            one.len = 0;
            if (flatten(&fl, &f, gid, &f.fds[fd])) {
                glyphs_keep(kept, gid, one.data, one.len);
                made++;
            }
        }
        nb_buf_free(&one);
    }
    cff_close(&f);
    return made;
}

size_t nb_cff_cids(const unsigned char *cff, size_t len, uint32_t **cids)
{
    *cids = NULL;
    cff_font f;
    if (!cff_open(&f, cff, len, 0))
        return 0;
    size_t count = f.charstrings.count;
    uint32_t *c = nb_malloc(count * sizeof *c);
    charset_walk w;
    int ok = 1;
    if (f.cid_keyed) {
        ok = f.charset > 2 && charset_start(&w, &f);
        for (size_t g = 0; ok && g < count; g++) {
            long cid = charset_cid(&w, (uint32_t)g);
            ok = cid >= 0;
            c[g] = (uint32_t)cid;
        }
    } else {
        for (size_t g = 0; g < count; g++)
            c[g] = (uint32_t)g;
    }
    cff_close(&f);
    if (!ok) {
        free(c);
        return 0;
    }
    *cids = c;
    return count;
}
