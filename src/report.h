/* The report tree: what a report description (YAML or JSON) says, with every node's position.
 * Built by report.c from libyaml events; read by check, typeset and the table binder. */
#ifndef NB_REPORT_H
#define NB_REPORT_H

#include "diag.h"
#include <stddef.h>
#include <stdint.h>

/* A string from the input. `s` is NUL-terminated UTF-8 (owned by the report). `src` is the byte
 * offset of the scalar's first character in the source text, `style` its libyaml scalar style:
 * together they let nb_report_text_pos find the line:col of any character inside it. */
typedef struct nb_text {
    char *s;
    size_t len;
    nb_pos pos;
    size_t src;
    int style;
} nb_text;

typedef enum {
    NB_BLOCK_PARAGRAPH, /* a plain string in a section's list */
    NB_BLOCK_HEADING2,  /* {h2: "（一）…"}: 楷体 */
    NB_BLOCK_HEADING3,  /* {h3: "1.…"}: 仿宋 */
    NB_BLOCK_ITEM,      /* {item: "1.…"}: a list item, set like a paragraph */
    NB_BLOCK_TABLE,     /* {table: KEY, values: {ROW: [v, …]}} */
    NB_BLOCK_RUNIN      /* {h2: "（一）…。", text: "…"}: a heading run in with its paragraph,
                         * the heading 楷体 then the paragraph 仿宋 on the same line */
} nb_block_kind;

/* One value of a table row as written: `text` is the scalar, `quoted` says whether it was
 * quoted (a quoted "0" is text, not a count). Kinds are decided against the layout. */
typedef struct nb_cell_input {
    nb_text text;
    int quoted;
    int is_null; /* ~, null or an empty plain scalar */
} nb_cell_input;

typedef struct nb_row_input {
    nb_text key;
    nb_cell_input *cells; /* owned */
    size_t ncells;
} nb_row_input;

typedef struct nb_table_input {
    nb_text key;        /* table key in the layout, e.g. "applications" */
    nb_row_input *rows; /* owned, in input order */
    size_t nrows;
    int blanks;         /* `blanks: zero` 1, `blanks: blank` 2, not said 0 (the report's) */
} nb_table_input;

typedef struct nb_block {
    nb_block_kind kind;
    nb_text text;          /* paragraph / heading / item text (a run-in's paragraph); unused
                            * for tables */
    nb_text lead;          /* NB_BLOCK_RUNIN: the heading that runs in */
    nb_table_input table;  /* NB_BLOCK_TABLE only */
} nb_block;

typedef struct nb_section {
    nb_text heading;       /* s == NULL: the layout's heading for this section */
    nb_pos pos;
    nb_block *blocks;      /* owned */
    size_t nblocks;
} nb_section;

#define NB_SECTIONS 6
#define NB_ROLES 6
typedef enum { NB_ROLE_TITLE, NB_ROLE_HEADING1, NB_ROLE_HEADING2, NB_ROLE_BODY, NB_ROLE_TABLE,
               NB_ROLE_FOLIO } nb_role;
extern const char *const nb_role_names[NB_ROLES];

/* How prose and table text is set (FORMAT.md §3.4a). Grid, the default: every Han character and
 * full-width mark takes exactly one cell, 禁则 are kept by pushing a character down (推出).
 * Compact: clreq's punctuation compression (§3.4), marks squeezed to fit more on a line. */
typedef enum { NB_STYLE_GRID = 0, NB_STYLE_COMPACT = 1 } nb_style;

struct nb_report {
    char *file;       /* owned: the name used in positions */
    char *source;     /* owned: the whole input text, for positions inside scalars */
    size_t source_len;
    int from_file;    /* loaded by nb_report_load_file: the file's device and inode, so that */
    unsigned long long file_dev, file_ino; /* rendering never writes over it */

    nb_text agency;   /* 发布机关 (required) */
    int year;         /* required */
    nb_pos year_pos;
    nb_text title;    /* optional; s == NULL: "<agency><year>年政府信息公开工作年度报告" */
    char *title_text; /* owned: the effective title */
    nb_text date;     /* 成文日期, "YYYY-MM-DD" (required with a signoff); s == NULL: none */
    int date_y, date_m, date_d; /* 0 when there is no date */
    nb_text layout;   /* layout name (required) */
    nb_text signoff;  /* optional 落款 agency; s == NULL: no signature block */
    nb_text seal;     /* optional seal image path (PNG or JPEG) */
    unsigned char *seal_data; /* owned or NULL: a seal given in memory (nb_report_set_seal),
                                 used instead of the seal: file */
    size_t seal_size;
    int blanks_zero;  /* `blanks: zero`: blank and "/" cells of every table count as 0 */

    /* Per role, fonts the report names (families or file paths), tried before the defaults. */
    nb_text *fonts[NB_ROLES];
    size_t nfonts[NB_ROLES];
    size_t nfonts_operator[NB_ROLES]; /* how many of them, at the front, came from
                                         nb_report_use_font (not subject to the access policy) */

    nb_style style;   /* style: grid (default) or compact; the command line may override */
    int fonts_government;     /* fonts: government (or --fonts government) */
    const char *const *allow_dirs; /* not owned, NULL-terminated or NULL: the folders besides
                                      the report's own its fonts: may name (--allow-dir), for
                                      check's font coverage; set by nb_pdf_settings_apply */
    nb_pos fonts_government_pos;

    nb_block *preamble;    /* owned: paragraphs before 一、 (`preamble:`), may be empty */
    size_t npreamble;
    nb_section sections[NB_SECTIONS];

    struct nb_engine *engine_ref;       /* borrowed: the engine that loaded it (its fonts
                                           serve check's font coverage) */
    const struct nb_layout *layout_ref; /* borrowed from the engine after loading */
    const struct nb_layout *national_ref; /* borrowed: the layout deviations are measured
                                             against (layout_ref itself for a national one) */
    const struct nb_statements *statements_ref; /* borrowed from the engine: what the text may
                                                   state (layouts/statements.yaml); NULL: the
                                                   text is not checked */
    struct nb_table **tables;           /* owned: tables bound to the layout, in block order */
    size_t ntables;
};

/* Parses YAML/JSON text. Returns NB_OK or NB_EINPUT (with diagnostics). The report takes
 * ownership of nothing passed in; it copies `name` and `data`. */
int nb_report_parse(const char *name, const char *data, size_t size, nb_report **out,
                    nb_diags *diags);

/* Position of the character at byte `offset` of t->s in the source. */
nb_pos nb_report_text_pos(const nb_report *r, const nb_text *t, size_t offset);

#endif
