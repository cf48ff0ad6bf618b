/* The shipped YAML files (the .yaml files of layouts/) with their document trees composed at
 * build time (tools/freeze_yaml.c). A loader handed exactly the bytes of one of them takes its
 * tree instead of parsing: the same nodes, text and marks as libyaml's document loader and
 * layout.c's composer make, so messages and results do not change. Any other bytes (an edited
 * layout, an agency's own) are parsed as before. */
#ifndef NB_FROZEN_H
#define NB_FROZEN_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

typedef struct nb_frozen_mark {
    uint32_t index, line, column;
} nb_frozen_mark;

typedef struct nb_frozen_node {
    uint8_t type;  /* yaml_node_type_t */
    uint8_t style; /* its yaml_*_style_t */
    nb_frozen_mark start, end;
    uint32_t at, count; /* scalar: text offset and length; list: items; mapping: pairs */
} nb_frozen_node;

typedef struct nb_frozen {
    const char *name; /* file name in layouts/ */
    const unsigned char *source; uint32_t size;
    const nb_frozen_node *nodes; uint32_t nnodes;
    const char *text; uint32_t ntext; /* scalars, each NUL-terminated */
    const int *items; uint32_t nitems;
    const int *pairs; uint32_t npairs; /* key and value node ids, alternating */
} nb_frozen;

/* The generated table (frozen_data.c in the build folder). */
extern const nb_frozen nb_frozen_files[];
extern const size_t nb_frozen_count;

/* The frozen file whose bytes are exactly data[0..size), or NULL. */
const nb_frozen *nb_frozen_find(const void *data, size_t size);
/* Its tree as libyaml's nodes (node id k is (*nodes)[k - 1]; the root is the first), in one
 * allocation the caller owns: free(*nodes) releases the nodes, their text and children. */
void nb_frozen_thaw(const nb_frozen *f, yaml_node_t **nodes, size_t *nnodes);

#endif
