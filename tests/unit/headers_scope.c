/* headers.h's scope_suffices: whether a table's header scopes alone give every value cell the
 * headers nb_headers_apply gives it (the tagged PDF then has no /Headers). Grids built here:
 * 表二's blocks (no), 表三's levels of row and column headers (yes), two header runs over
 * different columns (yes), value rows above the first run (yes); and for the first, that the
 * two readings do differ on a later block's value. */
#include "headers.h"

#include <stdio.h>

#include "expect.h"

#define L(r, c, rs, cs) {r, c, rs, cs, "label", -1}
#define V(r, c, rs, cs) {r, c, rs, cs, NULL, 0}

static int suffices(nb_lcell *cells, size_t n, int nrows, int ncols)
{
    nb_ltable lt = {0};
    lt.cells = cells;
    lt.ncells = n;
    lt.nrows = nrows;
    lt.ncols = ncols;
    nb_headers h;
    nb_headers_init(&h, &lt);
    int ok = h.scope_suffices;
    nb_headers_free(&h);
    return ok;
}

/* The Scope reading: a column header above the value over its columns, a row header left of it
 * in its rows. */
static int by_scope(const nb_headers *h, const nb_lcell *c, const nb_lcell *v)
{
    if (c->value >= 0)
        return 0;
    if (nb_headers_is_column(h, c))
        return c->row + c->rowspan <= v->row && c->col < v->col + v->colspan &&
               v->col < c->col + c->colspan;
    return c->col < v->col && c->row < v->row + v->rowspan && v->row < c->row + c->rowspan;
}

int main(void)
{
    /* 表二: a block of header rows, value rows, another block over the same columns. */
    nb_lcell blocks[] = {
        L(0, 0, 1, 4),
        L(1, 0, 1, 1), L(1, 1, 1, 1), L(1, 2, 1, 1), L(1, 3, 1, 1),
        L(2, 0, 1, 1), V(2, 1, 1, 1), V(2, 2, 1, 1), V(2, 3, 1, 1),
        L(3, 0, 1, 4),
        L(4, 0, 1, 1), L(4, 1, 1, 3),
        L(5, 0, 1, 1), V(5, 1, 1, 3),
    };
    size_t nb = sizeof blocks / sizeof *blocks;
    EXPECT(!suffices(blocks, nb, 6, 4), "表二's later block has the first block's labels above");
    {
        nb_ltable lt = {0};
        lt.cells = blocks;
        lt.ncells = nb;
        lt.nrows = 6;
        lt.ncols = 4;
        nb_headers h;
        nb_headers_init(&h, &lt);
        const nb_lcell *v = &blocks[nb - 1];
        int differ = 0;
        for (size_t i = 0; i < nb; i++)
            differ += nb_headers_apply(&h, &blocks[i], v) != by_scope(&h, &blocks[i], v);
        EXPECT(differ == 4, "the last value: %d labels read differently, expected the 4 of the "
                            "first block above it", differ);
        /* The first block's values: both readings agree. */
        for (size_t i = 0; i < nb; i++)
            EXPECT(nb_headers_apply(&h, &blocks[i], &blocks[6]) ==
                       by_scope(&h, &blocks[i], &blocks[6]),
                   "label %zu and the first block's value", i);
        nb_headers_free(&h);
    }

    /* 表三: two levels of column headers with spans, three levels of row headers. */
    nb_lcell matrix[] = {
        L(0, 0, 2, 3), L(0, 3, 1, 2),
        L(1, 3, 1, 1), L(1, 4, 1, 1),
        L(2, 0, 3, 1), L(2, 1, 2, 1), L(2, 2, 1, 1), V(2, 3, 1, 1), V(2, 4, 1, 1),
        L(3, 2, 1, 1), V(3, 3, 1, 1), V(3, 4, 1, 1),
        L(4, 1, 1, 2), V(4, 3, 1, 1), V(4, 4, 1, 1),
    };
    EXPECT(suffices(matrix, sizeof matrix / sizeof *matrix, 5, 5),
           "表三's headers are all above or left of their values");

    /* Two header runs over different columns: the first run's labels stand over no value of
     * the second block. */
    nb_lcell apart[] = {
        L(0, 0, 1, 1), L(0, 1, 1, 1),
        L(1, 0, 1, 1), V(1, 1, 1, 1),
        L(2, 2, 1, 2),
        L(3, 0, 1, 2), V(3, 2, 1, 1), V(3, 3, 1, 1),
    };
    EXPECT(suffices(apart, sizeof apart / sizeof *apart, 4, 4),
           "runs over different columns need no /Headers");

    /* Value rows before the first header run have no column headers either way. */
    nb_lcell early[] = {
        L(0, 0, 1, 1), V(0, 1, 1, 1),
        L(1, 0, 1, 1), L(1, 1, 1, 1),
        L(2, 0, 1, 1), V(2, 1, 1, 1),
    };
    EXPECT(suffices(early, sizeof early / sizeof *early, 3, 2),
           "a value row above the only header run");

    return failures != 0;
}
