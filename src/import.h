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

#endif
