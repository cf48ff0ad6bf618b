/* The shipped layouts' trees made at build time (src/frozen.h): every .yaml file of layouts/
 * is frozen; each frozen tree is node for node the one libyaml's document loader makes from
 * the file (type, style, start and end marks, scalar bytes, items, pairs), and it is found
 * by those exact bytes only: a byte more, less or changed and the file is parsed. */
#include "frozen.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "expect.h"

static int same_mark(yaml_mark_t a, yaml_mark_t b)
{
    return a.index == b.index && a.line == b.line && a.column == b.column;
}

static void compare(const char *name, const yaml_node_t *got, size_t ngot, yaml_document_t *doc)
{
    size_t want = (size_t)(doc->nodes.top - doc->nodes.start);
    EXPECT(ngot == want, "%s: %zu nodes frozen, %zu parsed", name, ngot, want);
    for (size_t i = 0; i < ngot && i < want; i++) {
        const yaml_node_t *g = &got[i], *w = &doc->nodes.start[i];
        int id = (int)i + 1;
        EXPECT(g->type == w->type, "%s: node %d type %d, parsed %d", name, id, g->type, w->type);
        EXPECT(same_mark(g->start_mark, w->start_mark) && same_mark(g->end_mark, w->end_mark),
               "%s: node %d at %zu:%zu-%zu:%zu, parsed %zu:%zu-%zu:%zu", name, id,
               g->start_mark.line, g->start_mark.column, g->end_mark.line, g->end_mark.column,
               w->start_mark.line, w->start_mark.column, w->end_mark.line, w->end_mark.column);
        if (g->type != w->type)
            continue;
        if (g->type == YAML_SCALAR_NODE) {
            EXPECT(g->data.scalar.style == w->data.scalar.style, "%s: node %d style", name, id);
            EXPECT(g->data.scalar.length == w->data.scalar.length &&
                       !memcmp(g->data.scalar.value, w->data.scalar.value, w->data.scalar.length) &&
                       g->data.scalar.value[g->data.scalar.length] == 0,
                   "%s: node %d text '%s', parsed '%s'", name, id, g->data.scalar.value,
                   w->data.scalar.value);
        } else if (g->type == YAML_SEQUENCE_NODE) {
            size_t n = (size_t)(g->data.sequence.items.top - g->data.sequence.items.start);
            size_t m = (size_t)(w->data.sequence.items.top - w->data.sequence.items.start);
            EXPECT(g->data.sequence.style == w->data.sequence.style, "%s: node %d style", name, id);
            EXPECT(n == m && !memcmp(g->data.sequence.items.start, w->data.sequence.items.start,
                                     n * sizeof(yaml_node_item_t)),
                   "%s: list node %d has other items", name, id);
        } else {
            size_t n = (size_t)(g->data.mapping.pairs.top - g->data.mapping.pairs.start);
            size_t m = (size_t)(w->data.mapping.pairs.top - w->data.mapping.pairs.start);
            EXPECT(g->data.mapping.style == w->data.mapping.style, "%s: node %d style", name, id);
            int same = n == m;
            for (size_t k = 0; same && k < n; k++)
                same = g->data.mapping.pairs.start[k].key == w->data.mapping.pairs.start[k].key &&
                       g->data.mapping.pairs.start[k].value == w->data.mapping.pairs.start[k].value;
            EXPECT(same, "%s: mapping node %d has other pairs", name, id);
        }
    }
}

static void check_file(const char *dir, const char *name)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%.1000s", dir, name);
    size_t size = 0;
    unsigned char *data = read_whole_file(path, &size);
    EXPECT(data != NULL, "cannot read %s", path);
    if (!data)
        return;
    const nb_frozen *f = nb_frozen_find(data, size);
    EXPECT(f != NULL, "%s is not frozen (or not its shipped bytes)", name);
    if (f) {
        EXPECT(!strcmp(f->name, name), "%s found as %s", name, f->name);
        yaml_parser_t parser;
        yaml_document_t doc;
        yaml_parser_initialize(&parser);
        yaml_parser_set_input_string(&parser, data, size);
        int loaded = yaml_parser_load(&parser, &doc);
        EXPECT(loaded, "%s does not parse", name);
        if (loaded) {
            yaml_node_t *nodes = NULL;
            size_t n = 0;
            nb_frozen_thaw(f, &nodes, &n);
            compare(name, nodes, n, &doc);
            free(nodes);
            yaml_document_delete(&doc);
        }
        yaml_parser_delete(&parser);
    }
    /* Other bytes are not taken for it: one more, one less, one changed. */
    unsigned char *more = malloc(size + 2);
    memcpy(more, data, size);
    more[size] = '\n';
    EXPECT(!nb_frozen_find(more, size + 1), "%s with a newline more is taken as frozen", name);
    EXPECT(!size || !nb_frozen_find(data, size - 1), "%s a byte short is taken as frozen", name);
    if (size) {
        more[size / 2] ^= 0x20;
        EXPECT(!nb_frozen_find(more, size), "%s with a byte changed is taken as frozen", name);
    }
    free(more);
    free(data);
}

int main(void)
{
    const char *src = getenv("NB_SOURCE");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/layouts", src ? src : ".");
    DIR *d = opendir(dir);
    EXPECT(d != NULL, "cannot list %s", dir);
    size_t files = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 5 && !strcmp(e->d_name + n - 5, ".yaml")) {
            check_file(dir, e->d_name);
            files++;
        }
    }
    if (d)
        closedir(d);
    EXPECT(files >= 5 && files == nb_frozen_count, "%zu layout files, %zu frozen", files,
           nb_frozen_count);
    EXPECT(!nb_frozen_find("layout: x\n", 10), "a file never shipped is taken as frozen");
    return failures != 0;
}
