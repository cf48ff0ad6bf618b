/* Header cells of a layout table and the value cells they head (headers.h). */
#include "headers.h"
#include "util.h"

#include <stdlib.h>

/* scope_suffices (headers.h): the columns covered by column headers of the runs before the
 * current one, where no value cell may stand. Cells bucketed by row, so linear in the cells
 * times their spans. */
static int scope_suffices(const nb_headers *h)
{
    const nb_ltable *lt = h->lt;
    if (lt->ncols <= 0 || lt->nrows <= 0)
        return 1;
    size_t nr = (size_t)lt->nrows;
    size_t *first = nb_calloc(nr + 1, sizeof *first), *order = nb_malloc((lt->ncells + 1) * sizeof *order);
    for (size_t i = 0; i < lt->ncells; i++)
        if (lt->cells[i].row >= 0 && lt->cells[i].row < lt->nrows)
            first[lt->cells[i].row + 1]++;
    for (size_t r = 0; r < nr; r++)
        first[r + 1] += first[r];
    size_t *fill = nb_malloc(nr * sizeof *fill);
    for (size_t r = 0; r < nr; r++)
        fill[r] = first[r];
    for (size_t i = 0; i < lt->ncells; i++)
        if (lt->cells[i].row >= 0 && lt->cells[i].row < lt->nrows)
            order[fill[lt->cells[i].row]++] = i;
    unsigned char *earlier = nb_calloc((size_t)lt->ncols, 1);
    unsigned char *current = nb_calloc((size_t)lt->ncols, 1);
    int ok = 1;
    for (int r = 0; ok && r < lt->nrows; r++) {
        if (!h->row_has_value[r] && (r == 0 || h->row_has_value[r - 1]))
            for (int k = 0; k < lt->ncols; k++) { /* a new run: the last one is earlier now */
                earlier[k] |= current[k];
                current[k] = 0;
            }
        for (size_t j = first[r]; ok && j < first[r + 1]; j++) {
            const nb_lcell *c = &lt->cells[order[j]];
            int column = c->value < 0 && nb_headers_is_column(h, c);
            int c1 = c->col + c->colspan < lt->ncols ? c->col + c->colspan : lt->ncols;
            for (int k = c->col < 0 ? 0 : c->col; k < c1; k++) {
                if (c->value >= 0 && earlier[k])
                    ok = 0;
                if (column)
                    current[k] = 1;
            }
        }
    }
    free(first);
    free(order);
    free(fill);
    free(earlier);
    free(current);
    return ok;
}

void nb_headers_init(nb_headers *h, const nb_ltable *lt)
{
    h->lt = lt;
    int n = lt->nrows > 0 ? lt->nrows : 1;
    h->row_has_value = nb_calloc((size_t)n, sizeof(int));
    h->run_start = nb_malloc((size_t)n * sizeof(int));
    h->run_end = nb_malloc((size_t)n * sizeof(int));
    for (size_t i = 0; i < lt->ncells; i++)
        if (lt->cells[i].value >= 0 && lt->cells[i].row >= 0 && lt->cells[i].row < lt->nrows)
            h->row_has_value[lt->cells[i].row] = 1;
    int start = -1, end = -1;
    for (int r = 0; r < lt->nrows; r++) {
        if (!h->row_has_value[r]) {
            if (r == 0 || h->row_has_value[r - 1])
                start = r;
            end = r + 1;
        }
        h->run_start[r] = h->row_has_value[r] ? start : -1;
        h->run_end[r] = h->row_has_value[r] ? end : -1;
    }
    h->scope_suffices = scope_suffices(h);
}

void nb_headers_free(nb_headers *h)
{
    free(h->row_has_value);
    free(h->run_start);
    free(h->run_end);
}

int nb_headers_is_column(const nb_headers *h, const nb_lcell *c)
{
    if (c->value >= 0)
        return 0;
    for (int r = c->row < 0 ? 0 : c->row; r < c->row + c->rowspan && r < h->lt->nrows; r++)
        if (h->row_has_value[r])
            return 0;
    return 1;
}

static int overlaps(int a0, int an, int b0, int bn) { return a0 < b0 + bn && b0 < a0 + an; }

int nb_headers_apply(const nb_headers *h, const nb_lcell *c, const nb_lcell *v)
{
    if (c->value >= 0 || v->row < 0 || v->row >= h->lt->nrows)
        return 0;
    if (nb_headers_is_column(h, c)) {
        int r0 = h->run_start[v->row], r1 = h->run_end[v->row];
        return r0 >= 0 && c->row >= r0 && c->row < r1 &&
               overlaps(c->col, c->colspan, v->col, v->colspan);
    }
    return c->col < v->col && overlaps(c->row, c->rowspan, v->row, v->rowspan);
}
