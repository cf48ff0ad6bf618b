/* Importing published reports. Each source reader (plain text, HTML, Word .docx, PDF) turns its
 * file into an nb_import_doc: a flat sequence of paragraphs and tables, each with its position
 * in the source. One recognizer turns a document into a report description and lists what it
 * could not place. Readers know their file format; only the recognizer knows what a report is. */
#ifndef NB_IMPORT_H
#define NB_IMPORT_H

#include "diag.h"
#include <stddef.h>

/* One cell as the source shows it. A cell covered by another's span is not repeated: a source
 * with real merged cells (HTML, .docx, PDF rules) gives spans; plain text gives every cell with
 * spans of 1 and leaves the label cells of merged rows empty. */
typedef struct nb_import_cell {
    char *text;           /* owned, UTF-8, trimmed; "" for an empty cell */
    int rowspan, colspan; /* >= 1 */
    int line, col;        /* where the cell starts in the source (PDF: page, 0) */
} nb_import_cell;

typedef struct nb_import_row {
    nb_import_cell *cells; /* owned, left to right */
    size_t ncells;
} nb_import_row;

typedef enum { NB_IMPORT_PARAGRAPH, NB_IMPORT_TABLE } nb_import_kind;

typedef struct nb_import_block {
    nb_import_kind kind;
    char *text;           /* owned paragraph text (NULL for a table) */
    /* What the source says about a paragraph's role, 0 when it says nothing: 1 title, 2 一、
     * heading, 3 （一） heading (HTML h1–h3, Word outline levels or heading styles). The
     * recognizer decides from the text when this is 0. */
    int level;
    int bold;             /* 1: the source sets the whole paragraph bold */
    double size;          /* font size in pt when the source has one (PDF, .docx), else 0 */
    int line, col;        /* source position (PDF: page, 0) */
    nb_import_row *rows;  /* owned, a table's rows top to bottom */
    size_t nrows;
} nb_import_block;

typedef struct nb_import_doc {
    char *file;              /* owned: the source's name, used in messages */
    int pages;               /* 1: positions are page numbers (PDF), 0: line:col */
    nb_import_block *blocks; /* owned, in reading order */
    size_t nblocks;
} nb_import_doc;

/* Frees what `doc` owns (not `doc` itself) and zeroes it. */
void nb_import_doc_clear(nb_import_doc *doc);

/* Source readers. Each fills a zeroed *doc and returns NB_OK, or returns NB_EINPUT with
 * diagnostics ("file:line:col: error: ...") and leaves *doc empty. `name` is used in messages;
 * `data` is the whole file and is not kept. */
int nb_import_read_text(const char *name, const char *data, size_t size, nb_import_doc *doc,
                        nb_diags *diags);
int nb_import_read_html(const char *name, const char *data, size_t size, nb_import_doc *doc,
                        nb_diags *diags);
int nb_import_read_docx(const char *name, const char *data, size_t size, nb_import_doc *doc,
                        nb_diags *diags);
int nb_import_read_pdf(const char *name, const char *data, size_t size, nb_import_doc *doc,
                       nb_diags *diags);

/* ---- the recognizer and the dispatcher (import.c) ---- */

struct nb_report;
typedef enum { NB_FORMAT_YAML, NB_FORMAT_TEXT, NB_FORMAT_HTML, NB_FORMAT_DOCX,
               NB_FORMAT_PDF } nb_import_format;

/* What a file is: %PDF- → PDF, a zip → .docx, markup → HTML, a .yaml/.yml/.json name or a text
 * naming report keys → a report description, anything else → plain text. */
nb_import_format nb_import_sniff(const char *name, const char *data, size_t size);

/* Runs the reader nb_import_sniff picks (a report description is read as plain text here). */
int nb_import_read(const char *name, const char *data, size_t size, nb_import_doc *doc,
                   nb_diags *diags);

/* Appends s to b as a YAML scalar that reads back as s: plain when that is safe, else
 * double-quoted (`flow`: inside [ ]). */
struct nb_buf;
void nb_yaml_put_text(struct nb_buf *b, const char *s, int flow);

/* Where each scalar of a recognized description came from in the source. */
typedef struct nb_import_map nb_import_map;
void nb_import_map_free(nb_import_map *map);
/* Rewrites diagnostics d[first..] that point into the description called `yaml_name` to point
 * into the source instead. */
void nb_import_map_diags(const nb_import_map *map, const char *yaml_name, nb_diags *d,
                         size_t first);

/* Recognizes a report in doc: *yaml (malloc'd, NUL-terminated, caller frees) is the report
 * description, *map (may be NULL; caller frees) where its scalars came from. Everything that
 * could not be placed is a warning in diags at its source position. NB_OK or NB_EINPUT. */
int nb_import_recognize(nb_engine *engine, const nb_import_doc *doc, char **yaml, size_t *len,
                        nb_import_map **map, nb_diags *diags);

/* Reads, recognizes and loads a source file in memory. Every position in *report points into
 * the source, so load, check and render messages name the source's line:col (PDF: page). */
int nb_import_load(nb_engine *engine, const char *name, const char *data, size_t size,
                   struct nb_report **report, nb_diags *diags);

#endif
