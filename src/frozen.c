/* The shipped YAML files' trees made at build time (frozen.h). */
#include "frozen.h"
#include "util.h"

#include <string.h>

const nb_frozen *nb_frozen_find(const void *data, size_t size)
{
    for (size_t i = 0; i < nb_frozen_count; i++) {
        const nb_frozen *f = &nb_frozen_files[i];
        if (f->source && f->size == size && !memcmp(f->source, data, size))
            return f;
    }
    return NULL;
}

static yaml_mark_t mark_of(nb_frozen_mark m)
{
    return (yaml_mark_t){m.index, m.line, m.column};
}

void nb_frozen_thaw(const nb_frozen *f, yaml_node_t **nodes, size_t *nnodes)
{
    /* Nodes, pairs, items and text, in that order: each part stays aligned. */
    size_t nodes_size = f->nnodes * sizeof(yaml_node_t);
    size_t pairs_size = f->npairs * sizeof(yaml_node_pair_t);
    size_t items_size = f->nitems * sizeof(yaml_node_item_t);
    char *mem = nb_malloc(nodes_size + pairs_size + items_size + f->ntext + 1);
    yaml_node_t *n = (yaml_node_t *)mem;
    yaml_node_pair_t *pairs = (yaml_node_pair_t *)(mem + nodes_size);
    yaml_node_item_t *items = (yaml_node_item_t *)(mem + nodes_size + pairs_size);
    char *text = mem + nodes_size + pairs_size + items_size;
    for (uint32_t i = 0; i < f->npairs; i++)
        pairs[i] = (yaml_node_pair_t){f->pairs[2 * i], f->pairs[2 * i + 1]};
    memcpy(items, f->items, items_size);
    memcpy(text, f->text, f->ntext);
    for (uint32_t i = 0; i < f->nnodes; i++) {
        const nb_frozen_node *fn = &f->nodes[i];
        yaml_node_t *y = &n[i];
        memset(y, 0, sizeof *y);
        y->type = (yaml_node_type_t)fn->type;
        y->start_mark = mark_of(fn->start);
        y->end_mark = mark_of(fn->end);
        if (y->type == YAML_SCALAR_NODE) {
            y->data.scalar.value = (yaml_char_t *)text + fn->at;
            y->data.scalar.length = fn->count;
            y->data.scalar.style = (yaml_scalar_style_t)fn->style;
        } else if (y->type == YAML_SEQUENCE_NODE) {
            y->data.sequence.items.start = items + fn->at;
            y->data.sequence.items.top = y->data.sequence.items.end = items + fn->at + fn->count;
            y->data.sequence.style = (yaml_sequence_style_t)fn->style;
        } else {
            y->data.mapping.pairs.start = pairs + fn->at;
            y->data.mapping.pairs.top = y->data.mapping.pairs.end = pairs + fn->at + fn->count;
            y->data.mapping.style = (yaml_mapping_style_t)fn->style;
        }
    }
    *nodes = n;
    *nnodes = f->nnodes;
}
