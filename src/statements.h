/* What the text of a report states about its tables: the patterns of layouts/statements.yaml
 * (docs/check.md, "The text against the tables"), loaded once per engine, and the finder that
 * reads a text for them. check.c compares what is found with the tables. */
#ifndef NB_STATEMENTS_H
#define NB_STATEMENTS_H

#include "diag.h"
#include <stddef.h>
#include <stdint.h>

/* One cell reference of an expression: TABLE.ROW.COLUMN; ROW "*" is every row, "key*" every
 * row whose key starts with "key"; a trailing "?" on COLUMN makes the term optional (left out
 * where the layout has no such column). */
typedef struct nb_stmt_term {
    char *table, *row, *column; /* owned */
    int row_prefix;             /* ROW ended with '*' (row is the prefix, may be "") */
    int optional;
} nb_stmt_term;

/* The table expression of a statement after a context word: 结果维持72件 after 行政复议 is 表四's
 * 行政复议 row; after 行政诉讼, the two 行政诉讼 rows. */
typedef struct nb_stmt_context {
    char **words; size_t nwords;        /* owned */
    nb_stmt_term *terms; size_t nterms; /* owned */
} nb_stmt_context;

typedef struct nb_statement {
    char *id;                   /* owned: the rule id is "prose." or "claim." + id */
    char *en, *zh;              /* owned: what is counted, for messages */
    int claim;                  /* a claim: `words` say the expression is 0 */
    char **words; size_t nwords;  /* owned: keywords, any of them */
    char **then; size_t nthen;    /* owned: one of these must follow a keyword within `gap` */
    char **not_words; size_t nnot; /* owned: between keyword and number, these cancel it */
    char **units; size_t nunits;  /* owned: the units a number may carry (件, 万元 …) */
    char **layouts; size_t nlayouts; /* owned: the layouts it applies to; none: every one */
    int gap, within;            /* characters: keyword → `then`, then → number */
    nb_stmt_term *terms; size_t nterms; /* owned: the table expression (a sum); none: the
                                         * statement has no table figure and is only listed */
    nb_stmt_context *contexts; size_t ncontexts; /* owned: the expression after a context word
                                                  * earlier in the sentence, the latest one */
    nb_pos pos;                 /* in the statements file */
} nb_statement;

typedef struct nb_statements {
    char *file;                 /* owned */
    nb_statement *items; size_t n;
} nb_statements;

int nb_statements_load(const char *path, nb_statements **out, nb_diags *diags);
void nb_statements_free(nb_statements *s);

/* How a number was written: exactly, as a lower bound (7700余条, 超过50件) or as an
 * approximation (约50件, 近百件). */
typedef enum { NB_NUM_EXACT, NB_NUM_AT_LEAST, NB_NUM_ABOUT } nb_num_mode;

/* One statement found in a text. */
typedef struct nb_found {
    const nb_statement *st;
    size_t at, end;             /* byte offsets in the text: the keyword .. after the unit */
    size_t num_at;              /* the number's offset (or the claim's) */
    size_t shown_at;            /* where the figure as written starts (约 in 约50件) */
    int64_t value;              /* the number, scaled by 10^decimals */
    int decimals;
    nb_num_mode mode;
    const char *unit;           /* borrowed from st->units */
    int numeral;                /* written in Chinese numerals (三件, 二十一起) */
    const nb_stmt_context *context; /* the context word's expression, or NULL: st's own */
} nb_found;

/* Every statement of `s` in text[0..len), in text order, for layout `layout`: a number is
 * claimed by the first statement (in file order) that reads it. Returns the count; *out is
 * malloc'd (caller frees). */
size_t nb_statements_find(const nb_statements *s, const char *layout, const char *text,
                          size_t len, nb_found **out);

/* A number written in Chinese numerals at text[at]: 零一二两三四五六七八九十百千万 and 〇, as
 * written in prose (三, 二十一, 一百零五, 两千, 一万零五百, 零). The whole run of numeral
 * characters must be one well-formed number (一百五, 万一, 二十两, 一二 are not), and not part of
 * a word: not after 第 统 唯 单 逐 其 之 同 … (第三, 统一, 其一) nor before 些 律 方 分 般 切 致 …
 * (一些, 一律, 一方面, 十分, 一致). Returns the run's length in bytes and sets *value, or 0. */
size_t nb_cn_numeral(const char *text, size_t len, size_t at, int64_t *value);

#endif
