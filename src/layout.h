/* Table layouts, loaded from layouts/<name>.yaml: every table's grid of labels and value slots,
 * the kind of each value, and the arithmetic rules that tie them. See docs/layouts.md. */
#ifndef NB_LAYOUT_H
#define NB_LAYOUT_H

#include "diag.h"
#include "report.h"
#include <stddef.h>
#include <stdint.h>

typedef enum {
    NB_KIND_COUNT,   /* non-negative integer */
    NB_KIND_AMOUNT,  /* 万元, up to 6 decimals */
    NB_KIND_TEXT,    /* free text such as "/" */
    NB_KIND_CHANGE   /* signed integer: 本年增/减 of the 2019 format */
} nb_value_kind;

/* A cell of the grid: a label, or a value slot (value >= 0: index into the table's slots). */
typedef struct nb_lcell {
    int row, col, rowspan, colspan; /* 0-based grid coordinates */
    char *text;                     /* owned label text; NULL for a value slot */
    int value;                      /* slot index, or -1 for a label */
} nb_lcell;

/* A value slot: one number of the table. */
typedef struct nb_slot {
    int cell;             /* index into cells */
    int group;            /* index into groups */
    int index;            /* position inside its group (0-based) */
    nb_value_kind kind;   /* what the slot accepts; every slot also accepts empty and "/" text */
    char *column;         /* owned: the column's name for messages, e.g. "自然人"; in 表四
                           * "结果维持" (the same five names in each group) */
    char *name;           /* owned: the cell's full name for messages, after the table's name:
                           * "（七）总计 / 自然人", "行政复议 总计" (the table's cell_name) */
} nb_slot;

/* A keyed group of slots: one line of numbers in the report ("new: [0, 0, 0, 0, 0, 0, 0]"). */
typedef struct nb_group {
    char *key;            /* owned, e.g. "new" */
    char *name;           /* owned, the row's labels for messages, e.g. "（七）总计" */
    int first_slot, nslots;
    int row;              /* grid row */
    char **aliases;       /* owned: other names a report may use for the key (the row's Chinese
                           * label, with or without its number), from the layout's `aliases` */
    size_t naliases;
} nb_group;

typedef enum { NB_RULE_SUM } nb_rule_type;

/* Σ total = Σ parts − Σ minus (+ last year's `previous` when cross_year), evaluated
 *  - per_column: for every position j inside the groups; refs are group keys (a trailing '*'
 *    matches a key prefix), and the value of ref g is slot groups[g].first_slot + j;
 *  - otherwise per group (row) of rows_ix; refs are column names of the group's slots.
 * The loader resolves every ref against this layout (the *_ix arrays, wildcards expanded);
 * `previous` names a group key (per_column) or a column name (per row) in last year's report,
 * to be looked up in last year's layout by name (nb_ltable_group, nb_group_column), as that
 * layout may differ. See docs/layouts.md. */
typedef struct nb_rule {
    char *id;            /* owned, e.g. "B1" */
    char *text;          /* owned, human description */
    int per_column;      /* 1: refs are groups; 0: refs are slot positions inside each group */
    int severity;        /* nb_severity */
    int cross_year;      /* compares with the previous year's report */
    char **total; size_t ntotal;  /* owned refs: the left side of the equation */
    char **parts; size_t nparts;  /* owned refs added on the right side */
    char **minus; size_t nminus;  /* owned refs subtracted from parts (cross-year A1) */
    char *previous;      /* owned: cross-year ref into last year's report, or NULL */
    char *check;         /* owned: the equation, e.g. "total = disclosed + partial + …" */
    int *total_ix; size_t ntotal_ix; /* owned: resolved refs: group indexes (per_column) or */
    int *parts_ix; size_t nparts_ix; /*        positions inside each group (per row) */
    int *minus_ix; size_t nminus_ix;
    int previous_ix;     /* `previous` resolved in this layout, or -1 */
    int *rows_ix; size_t nrows_ix;   /* owned: per row: the groups the rule applies to */
} nb_rule;

typedef struct nb_ltable {
    char *key;            /* owned, e.g. "applications" */
    char *name;           /* owned, e.g. "表三" */
    int section;          /* 1..6: the section it belongs to by default */
    int ncols, nrows;     /* grid size including header rows */
    int header_rows;      /* the first header_rows grid rows repeat after a page break */
    nb_lcell *cells; size_t ncells;
    nb_slot *slots; size_t nslots;
    nb_group *groups; size_t ngroups;
    nb_rule *rules; size_t nrules;
    float *widths;        /* owned: ncols preferred column widths in mm (`widths:`, the national
                           * template's proportions, scaled to the 版心), or NULL */
    char **aliases; size_t naliases; /* owned: other names for the key, e.g. "表三" */
} nb_ltable;

typedef struct nb_layout {
    char *name;           /* owned, e.g. "gov-2021" */
    char *file;           /* owned path, for positions */
    char **files;         /* owned: every file it was read from: its own, then its base's, */
    size_t nfiles;        /* and so on (batch --changed hashes them) */
    char *title;          /* owned: what the layout is, e.g. "国办公开办函〔2021〕30号" */
    char *national;       /* owned: name of the layout deviations are measured against (a
                           * national format names itself) */
    char *numbers[NB_SECTIONS];  /* owned: the section numbers, "一、" … "六、" */
    char *headings[NB_SECTIONS]; /* owned: the six section headings without their numbers,
                                  * "总体情况" …; a report's own heading replaces one of these,
                                  * the number stays: print numbers[i] then the heading */
    nb_ltable *tables; size_t ntables;
    char **words; size_t nwords; /* owned: words a table label never breaks inside (`words:`);
                                  * a variant's add to its base's */
} nb_layout;

/* Loads one layout file. Returns NB_OK or NB_EINPUT with diagnostics; on NB_OK the caller owns
 * *out (nb_layout_free). A variant's `base` is looked up next to the file. */
int nb_layout_load(const char *path, nb_layout **out, nb_diags *diags);

/* Layouts already loaded, for a variant's base: `find` returns the layout read from exactly
 * the file `path` (borrowed; NULL: none), which the variant starts from a copy of; a base read
 * from its file is handed to `keep`, which takes it (the variant gets a copy). An engine keeps
 * its layouts so, and reads a base shared by its variants once. */
typedef struct nb_layout_cache {
    const nb_layout *(*find)(void *ctx, const char *path);
    void (*keep)(void *ctx, nb_layout *layout);
    void *ctx;
} nb_layout_cache;
/* nb_layout_load with bases found in and kept to `cache` (NULL: nb_layout_load). The layout
 * and the messages are those of nb_layout_load. */
int nb_layout_load_cached(const char *path, const nb_layout_cache *cache, nb_layout **out,
                          nb_diags *diags);
/* A deep copy: shares nothing with `layout`; the caller owns it (nb_layout_free). */
nb_layout *nb_layout_copy(const nb_layout *layout);
/* The same from memory; `file` names it in messages and locates a `base`. */
int nb_layout_parse(const char *file, const char *data, size_t size, nb_layout **out,
                    nb_diags *diags);
void nb_layout_free(nb_layout *layout);
/* The table (group) whose key or one of whose aliases is `key`; aliases compare without white
 * space, with ASCII parentheses as full-width ones and "1、" as "1.". */
const nb_ltable *nb_layout_table(const nb_layout *layout, const char *key);
/* Index of the group with this key (or alias), or -1. */
int nb_ltable_group(const nb_ltable *table, const char *key);
/* Position inside group `group` of the slot whose column is named `column`, or -1. */
int nb_group_column(const nb_ltable *table, int group, const char *column);

/* A value as bound to its slot. */
typedef struct nb_value {
    int present;          /* 0: the slot is empty (blank cell) */
    int is_text;          /* text such as "/" */
    int64_t num;          /* count, signed change, or amount in millionths of 万元 */
    const char *text;     /* borrowed from the report: the value as written */
    const char *unit;     /* an amount's unit as written ("元", "万元"; static), printed with
                           * it; NULL: none written, or the column's label gives it */
    nb_pos pos;
} nb_value;

/* A table of a report bound to its layout. */
typedef struct nb_table {
    const nb_ltable *layout;   /* borrowed */
    nb_pos pos;
    nb_value *values;          /* owned, one per slot */
    int *group_given;          /* owned, per group: 1 if the report gave it */
    int blanks;                /* the table's `blanks:`: 1 zero, 2 blank, 0 the report's */
} nb_table;

/* Binds a report's table input to its layout table: checks the key, the number of values per
 * row and the kind of each, naming table, row and column in every error. Returns NULL on error. */
/* The value as a table prints it: "" for a blank, text as written, a count in digits, an amount
 * as the clerk wrote it when that is a plain number (keeps "12.50"), else with up to 6
 * decimals; a negative number with the minus sign U+2212. Returns v's own text or `buf` (>= 32 bytes), which it fills. */
const char *nb_value_text(const nb_slot *slot, const nb_value *v, char *buf, size_t size);

nb_table *nb_table_bind(const nb_layout *layout, const nb_table_input *in, nb_diags *diags);
/* Whether every row `in` gives is a row of `lt` with as many values as that row has: the
 * table's shape fits (rows may be left out; the values themselves are not looked at). */
int nb_table_fits(const nb_ltable *lt, const nb_table_input *in);
/* nb_table_bind, except that a table whose shape does not fit its layout is one finding
 * (rule table.shape), not one per row, naming the layouts of `family` (the other layouts of
 * the same national format, borrowed) whose table of that key it fits. */
nb_table *nb_table_bind_family(const nb_layout *layout, const nb_layout *const *family,
                               size_t nfamily, const nb_table_input *in, nb_diags *diags);
void nb_table_free(nb_table *t);

#endif
