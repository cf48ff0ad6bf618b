/* Build step: the shipped YAML files (the .yaml files of layouts/) as C data, their document
 * trees already composed (src/frozen.h). libyaml reads a layout at about 250 instructions a
 * byte, more than the rest of loading it costs; the program takes these trees instead when a
 * file's bytes are exactly those frozen here, and parses any other file as before.
 *
 * usage: freeze_yaml OUT.c NAME=FILE...
 *
 * The tree is the one libyaml's yaml_parser_load makes (and layout.c's composer, which makes
 * the same nodes in the same order): one node per scalar, sequence and mapping in event order,
 * with the marks of their events. A file the program could read differently (an anchor, an
 * alias, more than one document, a syntax error) fails the build. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 32 /* layout.c's MAX_LAYOUT_DEPTH: deeper is refused at run time */

typedef struct node {
    int type, style;
    yaml_mark_t start, end;
    size_t at, count;
} node;

typedef struct tree {
    node *nodes; size_t nnodes, cap_nodes;
    char *text; size_t ntext, cap_text;
    int *items; size_t nitems, cap_items; /* lists' items */
    int *pairs; size_t npairs, cap_pairs; /* mappings' keys and values, alternating */
    int *pending; size_t npending, cap_pending;
} tree;

static void die(const char *file, const char *why)
{
    fprintf(stderr, "freeze_yaml: %s: %s\n", file, why);
    exit(1);
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    p = realloc(p, n * size);
    if (!p) {
        fprintf(stderr, "freeze_yaml: out of memory\n");
        exit(1);
    }
    *cap = n;
    return p;
}

static int add_node(tree *t, const node *n, int child)
{
    t->nodes = grow(t->nodes, &t->cap_nodes, t->nnodes + 1, sizeof *t->nodes);
    t->nodes[t->nnodes++] = *n;
    int id = (int)t->nnodes;
    if (child) {
        t->pending = grow(t->pending, &t->cap_pending, t->npending + 1, sizeof *t->pending);
        t->pending[t->npending++] = id;
    }
    return id;
}

static void compose(const char *file, const unsigned char *data, size_t size, tree *t)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        die(file, "cannot start the YAML parser");
    yaml_parser_set_input_string(&parser, data, size);
    struct {
        int id;
        size_t first;
    } open[MAX_DEPTH + 1];
    int depth = 0, docs = 0, done = 0;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev))
            die(file, parser.problem ? parser.problem : "invalid YAML");
        node n = {.start = ev.start_mark, .end = ev.end_mark};
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                die(file, "more than one document");
            break;
        case YAML_ALIAS_EVENT:
            die(file, "an alias");
            break;
        case YAML_SCALAR_EVENT:
            if (ev.data.scalar.anchor)
                die(file, "an anchor");
            n.type = YAML_SCALAR_NODE;
            n.style = ev.data.scalar.style;
            n.at = t->ntext;
            n.count = ev.data.scalar.length;
            add_node(t, &n, depth > 0);
            t->text = grow(t->text, &t->cap_text, t->ntext + ev.data.scalar.length + 1, 1);
            memcpy(t->text + t->ntext, ev.data.scalar.value, ev.data.scalar.length);
            t->ntext += ev.data.scalar.length;
            t->text[t->ntext++] = 0;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > MAX_DEPTH)
                die(file, "nested too deep");
            if (ev.type == YAML_SEQUENCE_START_EVENT) {
                if (ev.data.sequence_start.anchor)
                    die(file, "an anchor");
                n.type = YAML_SEQUENCE_NODE;
                n.style = ev.data.sequence_start.style;
            } else {
                if (ev.data.mapping_start.anchor)
                    die(file, "an anchor");
                n.type = YAML_MAPPING_NODE;
                n.style = ev.data.mapping_start.style;
            }
            open[depth].id = add_node(t, &n, depth > 1);
            open[depth].first = t->npending;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            node *c = &t->nodes[open[depth].id - 1];
            size_t first = open[depth].first, nchildren = t->npending - first;
            c->end = ev.end_mark;
            if (c->type == YAML_SEQUENCE_NODE) {
                c->at = t->nitems;
                c->count = nchildren;
                t->items = grow(t->items, &t->cap_items, t->nitems + nchildren, sizeof *t->items);
                memcpy(t->items + t->nitems, t->pending + first, nchildren * sizeof *t->items);
                t->nitems += nchildren;
            } else {
                if (nchildren % 2)
                    die(file, "a mapping with a key and no value");
                c->at = t->npairs / 2;
                c->count = nchildren / 2;
                t->pairs = grow(t->pairs, &t->cap_pairs, t->npairs + nchildren, sizeof *t->pairs);
                memcpy(t->pairs + t->npairs, t->pending + first, nchildren * sizeof *t->pairs);
                t->npairs += nchildren;
            }
            t->npending = first;
            depth--;
            break;
        }
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (docs != 1 || !t->nnodes)
        die(file, "not one document");
}

static unsigned char *read_file(const char *file, size_t *size)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        die(file, "cannot open");
    unsigned char *data = NULL;
    size_t cap = 0, n = 0, got;
    do {
        data = grow(data, &cap, n + 65536, 1);
        got = fread(data + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    if (ferror(f))
        die(file, "read error");
    fclose(f);
    *size = n;
    return data;
}

static void put_bytes(FILE *out, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%u,%s", p[i], i % 24 == 23 ? "\n" : "");
    if (!n)
        fputs("0", out);
}

static void put_ints(FILE *out, const int *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%d,%s", p[i], i % 16 == 15 ? "\n" : "");
    if (!n)
        fputs("0", out);
}

static uint32_t u32(const char *file, size_t v)
{
    if (v > UINT32_MAX)
        die(file, "too large");
    return (uint32_t)v;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: freeze_yaml OUT.c NAME=FILE...\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out)
        die(argv[1], "cannot write");
    fputs("/* Made by tools/freeze_yaml.c from the shipped YAML files; do not edit. */\n"
          "#include \"frozen.h\"\n\n",
          out);
    int nfiles = argc - 2;
    char *table = NULL; /* the entries of nb_frozen_files, written as the files are read */
    size_t table_size = 0;
    FILE *entries = open_memstream(&table, &table_size);
    if (!entries)
        die(argv[1], "out of memory");
    for (int i = 0; i < nfiles; i++) {
        const char *arg = argv[i + 2], *eq = strchr(arg, '=');
        if (!eq)
            die(arg, "not NAME=FILE");
        const char *file = eq + 1;
        size_t size = 0;
        unsigned char *data = read_file(file, &size);
        tree t = {0};
        compose(file, data, size, &t);
        fprintf(out, "static const unsigned char source_%d[] = {\n", i);
        put_bytes(out, data, size);
        fprintf(out, "};\nstatic const char text_%d[] = {\n", i);
        put_bytes(out, (const unsigned char *)t.text, t.ntext);
        fprintf(out, "};\nstatic const int items_%d[] = {\n", i);
        put_ints(out, t.items, t.nitems);
        fprintf(out, "};\nstatic const int pairs_%d[] = {\n", i);
        put_ints(out, t.pairs, t.npairs);
        fprintf(out, "};\nstatic const nb_frozen_node nodes_%d[] = {\n", i);
        for (size_t k = 0; k < t.nnodes; k++) {
            const node *n = &t.nodes[k];
            fprintf(out, "{%d,%d,{%u,%u,%u},{%u,%u,%u},%u,%u},\n", n->type, n->style,
                    u32(file, n->start.index), u32(file, n->start.line),
                    u32(file, n->start.column), u32(file, n->end.index), u32(file, n->end.line),
                    u32(file, n->end.column), u32(file, n->at), u32(file, n->count));
        }
        fprintf(out, "};\n\n");
        fprintf(entries, "{\"%.*s\", source_%d, %u, nodes_%d, %u, text_%d, %u, items_%d, %u, "
                "pairs_%d, %u},\n", (int)(eq - arg), arg, i, u32(file, size), i,
                u32(file, t.nnodes), i, u32(file, t.ntext), i, u32(file, t.nitems), i,
                u32(file, t.npairs / 2));
        free(t.nodes);
        free(t.text);
        free(t.items);
        free(t.pairs);
        free(t.pending);
        free(data);
    }
    if (!nfiles)
        fputs("{0},\n", entries);
    fclose(entries);
    fprintf(out, "const nb_frozen nb_frozen_files[] = {\n%s};\n", table);
    fprintf(out, "const size_t nb_frozen_count = %d;\n", nfiles);
    free(table);
    if (fclose(out))
        die(argv[1], "write error");
    return 0;
}
