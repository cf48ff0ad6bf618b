/* nianbao: render 政府信息公开工作年度报告 into GB/T 9704 PDF.
 *
 * Life cycle:
 *   nb_engine   fonts and layouts, created once, shared read-only by any number of threads;
 *   nb_report   one loaded report description, owned by the caller, used by one thread at a time;
 *   nb_diags    the findings of a load, check or render, owned by the caller.
 * Every function that returns a pointer documents who frees it. No global mutable state.
 *
 * Out of memory: when an allocation fails, the library writes "nianbao: out of memory" to
 * standard error and calls abort(). No function returns a partial result or an error code for
 * it, so a caller that must survive exhaustion runs the library in a process of its own.
 *
 * Options structs (nb_engine_options, nb_render_options) begin with `size`, so they can grow
 * without breaking programs built against an older header: set it to sizeof the struct (the
 * NB_..._INIT macros do), and the library reads only the fields that size covers. A size of 0
 * (a struct zeroed with {0}) stands for the fields of version 0.1, the first. Fields added later
 * are read only when size covers them.
 *
 * Linking: pkg-config --cflags --libs nianbao, or in CMake find_package(nianbao) and
 * target_link_libraries(PROGRAM nianbao::nianbao). Only the functions below are exported from
 * the shared library (NB_API). */
#ifndef NIANBAO_H
#define NIANBAO_H

#include <stddef.h>

/* Marks the public functions: the library is built with -fvisibility=hidden, and these alone
 * are exported. */
#if defined(__GNUC__) || defined(__clang__)
#define NB_API __attribute__((visibility("default")))
#else
#define NB_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The version this header belongs to; nb_version() is the one of the library actually loaded. */
#define NIANBAO_VERSION "0.1.0"
#define NIANBAO_VERSION_MAJOR 0
#define NIANBAO_VERSION_MINOR 1
#define NIANBAO_VERSION_PATCH 0

/* The library's version, "MAJOR.MINOR.PATCH"; a static string. */
NB_API const char *nb_version(void);

/* Exit codes of the nianbao command, also returned by the functions below. */
enum {
    NB_OK = 0,          /* written / clean (warnings allowed) */
    NB_EREPORT = 1,     /* the report has errors (arithmetic, a character no font has, ...) */
    NB_EINPUT = 2       /* unreadable or malformed input, wrong usage, unwritable output */
};

typedef struct nb_engine nb_engine;
typedef struct nb_report nb_report;
typedef struct nb_diags nb_diags;

/* NB_NOTE: what the checker read and compared, only with nb_diags_set_verbose. */
typedef enum { NB_WARNING = 0, NB_ERROR = 1, NB_NOTE = 2 } nb_severity;

/* Font role names: "title", "heading1", "heading2", "body", "table", "folio". */
typedef struct nb_engine_options {
    size_t size;             /* sizeof(nb_engine_options), or 0: the 0.1 fields */
    const char *font_dir;    /* bundled fonts folder; NULL: the installed one */
    const char *layout_dir;  /* layouts folder; NULL: the installed one */
} nb_engine_options;
#define NB_ENGINE_OPTIONS_INIT {sizeof(nb_engine_options)}

/* Returns NULL and, unless error is NULL, writes a message to *error (caller frees) when fonts
 * cannot be set up. */
NB_API nb_engine *nb_engine_new(const nb_engine_options *options, char **error);
NB_API void nb_engine_free(nb_engine *engine);

/* Diagnostics: an append-only list. */
NB_API nb_diags *nb_diags_new(void);
NB_API void nb_diags_free(nb_diags *diags);
NB_API size_t nb_diags_count(const nb_diags *diags);
NB_API size_t nb_diags_errors(const nb_diags *diags);
/* Borrowed pointers, valid until nb_diags_free. */
NB_API nb_severity nb_diags_get(const nb_diags *diags, size_t i, const char **file, int *line,
                                int *col, const char **message);
/* The finding's stable rule id (docs/check.md), e.g. "B3", "blank"; "input" for a report that
 * cannot be read as given. Borrowed, valid until nb_diags_free. */
NB_API const char *nb_diags_rule(const nb_diags *diags, size_t i);
/* The language of the messages added from now on: "zh…" Chinese, anything else English. */
NB_API void nb_diags_set_lang(nb_diags *diags, const char *lang);
/* Keep notes (NB_NOTE): every prose statement the check found and what it was compared to. */
NB_API void nb_diags_set_verbose(nb_diags *diags, int verbose);

/* Loads a report description (YAML or JSON). On NB_OK *report is set (caller frees with
 * nb_report_free); otherwise *report is NULL and diags says why. `name` is used in messages. */
NB_API int nb_report_load_file(nb_engine *engine, const char *path, nb_report **report,
                               nb_diags *diags);
NB_API int nb_report_load_memory(nb_engine *engine, const char *name, const char *data,
                                 size_t size, nb_report **report, nb_diags *diags);
NB_API void nb_report_free(nb_report *report);

/* Puts a font (a family name or a font file) first in a role's list, before the fonts the report
 * names: for an agency's licensed fonts (方正小标宋简体, 仿宋_GB2312). `role` is one of the role
 * names above. The caller chose it, so a file path here is opened as given (relative to the
 * current folder), outside the access policy below. Returns NB_OK, or NB_EINPUT for an unknown
 * role. */
NB_API int nb_report_use_font(nb_report *report, const char *role, const char *font);

/* A font preset: "government" takes 方正小标宋简体 (title), 黑体 (一、 headings), 楷体_GB2312
 * ((一) headings) and 仿宋_GB2312 (body, tables) where installed, after fonts the report or
 * nb_report_use_font names and before the bundled ones; each one missing is a warning naming
 * it and the bundled font used instead. Returns NB_OK, or NB_EINPUT for another name. */
NB_API int nb_report_use_fonts(nb_report *report, const char *preset);

/* Files a report names (seal:, and font files in fonts:) are read only from the report's own
 * folder (the folder of the name given to nb_report_load_file or nb_report_load_memory; the
 * current folder for a name without one), never through "..", an absolute path or a symbolic
 * link leading out, unless nb_render_options.allow_dirs allows another folder; the engine's font
 * folder is always allowed. Only regular files are opened. See docs/report-format.md. */

/* A font given in memory, registered under `name`: a report's fonts: entry or
 * nb_report_use_font naming it then uses it, before any installed family or file of that name.
 * The engine copies the bytes (the caller may free them at once) and keeps the font until
 * nb_engine_free. Call it before rendering starts on other threads. Returns NB_OK, or NB_EINPUT
 * with *error (caller frees) when the bytes are not a usable font. */
NB_API int nb_engine_add_font(nb_engine *engine, const char *name, const unsigned char *data,
                              size_t size, char **error);

/* A seal image (PNG or JPEG, at most 4 MiB) given in memory, used instead of the file the
 * report's seal: key names. The report copies the bytes. The image is decoded when rendering
 * (errors are reported then). Returns NB_OK, or NB_EINPUT when the report has no signoff (the
 * seal is placed over it) or the size is 0 or over the limit. */
NB_API int nb_report_set_seal(nb_report *report, const unsigned char *data, size_t size);

/* How text is set: "grid" (the default; every Han character and full-width mark one cell of
 * the 28-cell line, FORMAT.md §3.4a) or "compact" (clreq punctuation compression). Overrides the
 * report's own `style:`. Returns NB_OK, or NB_EINPUT for another name. */
NB_API int nb_report_set_style(nb_report *report, const char *style);

/* Arithmetic and consistency check, and the characters no font has (looked up as render looks
 * them up, with the fonts the report and nb_report_use_font(s) name). `previous` (may be NULL)
 * is last year's report. */
NB_API int nb_check(const nb_report *report, const nb_report *previous, nb_diags *diags);

enum { NB_OUTPUT_PDF = 0, NB_OUTPUT_HTML = 1, NB_OUTPUT_HTML_FRAGMENT = 2 };

typedef struct nb_render_options {
    size_t size;          /* sizeof(nb_render_options), or 0: the 0.1 fields */
    int force;            /* render even when the check finds errors */
    int pdfa;             /* PDF/A-1b */
    int copies;           /* viewer's print copy count; 0: unset */
    const char *dump_layout;   /* if set, write the page boxes here ("-" = stdout) */
    int dump_json;        /* dump as JSON instead of text */
    /* Digital signature (an incremental update after the PDF is written): either sign_p12, or
     * sign_key + sign_cert (PEM; further certificates in sign_cert form the chain). All NULL:
     * not signed. sign_password opens the PKCS#12 file or an encrypted key. */
    const char *sign_p12, *sign_key, *sign_cert, *sign_password;
    const char *sign_reason, *sign_location; /* UTF-8, may be NULL */
    int sign_cades;       /* /SubFilter /ETSI.CAdES.detached instead of adbe.pkcs7.detached */
    /* The caller already ran nb_check on this report and chose to render: the render does not
     * check again, so no finding is reported twice, and `force` is not needed for a report
     * with errors. Typesetting still fails on what it finds itself (a character no font has). */
    int skip_check;
    /* What to write: NB_OUTPUT_PDF, NB_OUTPUT_HTML (a whole HTML5 page for a portal, from the
     * same tables the PDF is set from) or NB_OUTPUT_HTML_FRAGMENT (a <div> with a scoped
     * stylesheet, to paste into a CMS). The PDF-only options are ignored for HTML. */
    int format;
    /* Fields added after 0.1 go here; the library reads them only when `size` covers them. */
    /* Folders, besides the report's own, that the report's seal: and fonts: may name files in
     * (a NULL-terminated list, borrowed; NULL: none). */
    const char *const *allow_dirs;
    /* 1: a PDF without the structure tree (tags), /Lang and marked content that screen readers
     * and text extraction use; smaller (the seed: 3 %, as PDF/A 16 %). 0, the default: a tagged PDF. */
    int untagged;
    /* Threads one render may use, the caller's included: 1 only the caller's (what a program
     * that renders several reports at once wants); 2 or more lets the PDF writer subset and
     * compress the fonts on a second thread while the caller writes the pages; 0, the
     * default, two when the process may run on two CPUs or more. The bytes are the same. */
    int threads;
} nb_render_options;
#define NB_RENDER_OPTIONS_INIT {sizeof(nb_render_options)}

/* Renders to memory: *pdf is malloc'd (caller frees); it holds HTML when options->format asks. */
NB_API int nb_render_memory(nb_engine *engine, const nb_report *report,
                            const nb_render_options *options, unsigned char **pdf, size_t *size,
                            nb_diags *diags);

/* Renders to a file, atomically: a temporary file in the same folder is renamed into place only
 * when complete, so a failure never leaves a partial PDF or destroys an existing one. */
NB_API int nb_render_file(nb_engine *engine, const nb_report *report,
                          const nb_render_options *options, const char *path, nb_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
