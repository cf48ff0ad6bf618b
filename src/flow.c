/* The page flow (flow.h): pages started on demand, the free space left, the grid lines. */
#include "flow.h"
#include "geometry.h"

#include <math.h>

nb_page *nb_flow_page(nb_flow *f)
{
    if (f->page < 0)
        nb_flow_new_page(f);
    return &f->doc->pages[f->page];
}

void nb_flow_new_page(nb_flow *f)
{
    nb_doc_add_page(f->doc);
    f->page = (int)f->doc->npages - 1;
    f->y = NB_TEXT_TOP;
}

float nb_flow_space(const nb_flow *f) { return f->page < 0 ? NB_TEXT_H : f->y - NB_TEXT_BOTTOM; }

void nb_flow_snap(nb_flow *f)
{
    float used = NB_TEXT_TOP - f->y;
    float lines = ceilf(used / NB_LINE_PITCH - 0.001f);
    f->y = NB_TEXT_TOP - lines * NB_LINE_PITCH;
}
