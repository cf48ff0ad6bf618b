/* GB/T 9704-2012 page geometry (FORMAT.md §2), in PDF points with the origin at the bottom-left
 * of the sheet. Every dimension of the page lives here and nowhere else. */
#ifndef NB_GEOMETRY_H
#define NB_GEOMETRY_H

#define NB_MM (72.0f / 25.4f)
#define NB_PAGE_W 595.28f /* A4 210 mm, as every PDF tool prints it (595.276 exactly) */
#define NB_PAGE_H 841.89f /* A4 297 mm */
#define NB_TEXT_LEFT (28.0f * NB_MM)     /* 订口 28 mm */
#define NB_TEXT_W (156.0f * NB_MM)       /* 版心 156 mm */
#define NB_TEXT_H (225.0f * NB_MM)       /* 版心 225 mm */
#define NB_TEXT_TOP (NB_PAGE_H - 37.0f * NB_MM) /* 天头 37 mm */
#define NB_TEXT_RIGHT (NB_TEXT_LEFT + NB_TEXT_W)
#define NB_TEXT_BOTTOM (NB_TEXT_TOP - NB_TEXT_H)

#define NB_CHARS_PER_LINE 28
#define NB_LINES_PER_PAGE 22
#define NB_CHAR_PITCH (NB_TEXT_W / NB_CHARS_PER_LINE)  /* 15.79 pt */
#define NB_LINE_PITCH (NB_TEXT_H / NB_LINES_PER_PAGE)  /* 28.99 pt */

#define NB_SIZE_TITLE 22.0f    /* 2号 */
#define NB_TITLE_PITCH 36.0f   /* title line spacing, fixed 36 pt as in practice */
#define NB_SIZE_BODY 16.0f     /* 3号 */
#define NB_SIZE_FOLIO 14.0f    /* 4号 */
#define NB_SIZE_TABLE 10.5f    /* 五号 */
#define NB_SIZE_TABLE_MIN 9.0f /* 小五 */
#define NB_FOLIO_DROP (7.0f * NB_MM) /* the folio's dashes sit 7 mm below the 版心 */

#endif
