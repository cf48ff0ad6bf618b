/* Every message the nianbao command shows has its Chinese version in the one message table
 * (src/messages.c): this test reads the command's sources, the .c files of src/cli, takes each
 * English text it gives to nb_cli_usage_error, nb_cli_error, nb_cli_note, nb_cli_tr and
 * nb_diag_add, each option's help (the fourth field of an nb_cli_option row) and each command's
 * brief and summary, and fails for one that nb_msg_zh does not translate. A text without words
 * ("%s") needs none. A snippet with untranslated messages shows that the scan finds them. */
#include "diag.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

/* A token of C source: a string (adjacent literals joined, escapes decoded), a name, or one
 * punctuation character. */
typedef struct token {
    enum { T_STRING, T_NAME, T_PUNCT } kind;
    char *text; /* owned */
    int line;
} token;

typedef struct tokens {
    token *v;
    size_t n, cap;
} tokens;

static void push(tokens *ts, int kind, const char *s, size_t len, int line)
{
    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? 2 * ts->cap : 256;
        ts->v = realloc(ts->v, ts->cap * sizeof *ts->v);
        if (!ts->v)
            abort();
    }
    char *text = malloc(len + 1);
    if (!text)
        abort();
    memcpy(text, s, len);
    text[len] = 0;
    ts->v[ts->n++] = (token){kind, text, line};
}

/* Decodes the literal starting after its opening quote at s[*i]; appends to buf (size >= the
 * literal's length). Returns the decoded length added. */
static size_t decode_literal(const char *s, size_t *i, char *buf, int *line)
{
    size_t n = 0;
    while (s[*i] && s[*i] != '"') {
        char c = s[(*i)++];
        if (c == '\n')
            (*line)++;
        if (c != '\\') {
            buf[n++] = c;
            continue;
        }
        c = s[(*i)++];
        switch (c) {
        case 'n': buf[n++] = '\n'; break;
        case 't': buf[n++] = '\t'; break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            int v = c - '0';
            for (int k = 0; k < 2 && s[*i] >= '0' && s[*i] <= '7'; k++)
                v = v * 8 + (s[(*i)++] - '0');
            buf[n++] = (char)v;
            break;
        }
        default: buf[n++] = c; /* \\ \" \' \? */
        }
    }
    if (s[*i] == '"')
        (*i)++;
    return n;
}

static void lex(const char *s, tokens *ts)
{
    size_t i = 0, len = strlen(s);
    int line = 1, line_start = 1;
    char *buf = malloc(len + 1);
    if (!buf)
        abort();
    while (s[i]) {
        char c = s[i];
        if (c == '\n') {
            line++;
            line_start = 1;
            i++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            i++;
        } else if (c == '#' && line_start) { /* a preprocessor line: #include "cli.h" */
            while (s[i] && (s[i] != '\n' || s[i - 1] == '\\'))
                i++;
        } else if (!strncmp(s + i, "/*", 2)) {
            const char *end = strstr(s + i + 2, "*/");
            size_t stop = end ? (size_t)(end - s) + 2 : len;
            for (; i < stop; i++)
                line += s[i] == '\n';
        } else if (!strncmp(s + i, "//", 2)) {
            while (s[i] && s[i] != '\n')
                i++;
        } else if (c == '"') {
            /* Adjacent literals are one string. */
            int at = line;
            size_t n = 0;
            while (s[i] == '"') {
                i++;
                n += decode_literal(s, &i, buf + n, &line);
                size_t j = i;
                int lines = 0;
                while (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')
                    lines += s[j++] == '\n';
                if (s[j] == '"') {
                    i = j;
                    line += lines;
                }
            }
            push(ts, T_STRING, buf, n, at);
            line_start = 0;
        } else if (c == '\'') {
            i++;
            while (s[i] && s[i] != '\'')
                i += s[i] == '\\' ? 2 : 1;
            if (s[i])
                i++;
            push(ts, T_PUNCT, "'", 1, line);
            line_start = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                   (c >= '0' && c <= '9')) {
            size_t start = i;
            while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
                   (s[i] >= '0' && s[i] <= '9'))
                i++;
            push(ts, T_NAME, s + start, i - start, line);
            line_start = 0;
        } else {
            push(ts, T_PUNCT, s + i, 1, line);
            line_start = 0;
            i++;
        }
    }
    free(buf);
}

static int is_punct(const token *t, char c) { return t->kind == T_PUNCT && t->text[0] == c; }
static int is_name(const token *t, const char *name)
{
    return t->kind == T_NAME && !strcmp(t->text, name);
}

/* The tokens of argument `arg` (0-based) of the parenthesised or braced list opening at `open`:
 * [*from, *to). Returns 0 when the list has no such argument. */
static int argument(const tokens *ts, size_t open, int arg, size_t *from, size_t *to)
{
    int depth = 0, index = 0;
    *from = open + 1;
    for (size_t i = open; i < ts->n; i++) {
        const token *t = &ts->v[i];
        if (is_punct(t, '(') || is_punct(t, '{') || is_punct(t, '['))
            depth++;
        else if (is_punct(t, ')') || is_punct(t, '}') || is_punct(t, ']')) {
            if (--depth == 0) {
                *to = i;
                return index == arg;
            }
        } else if (depth == 1 && is_punct(t, ',')) {
            if (index == arg) {
                *to = i;
                return 1;
            }
            index++;
            *from = i + 1;
        }
    }
    return 0;
}

/* The index of the bracket closing the one at `open`. */
static size_t closing(const tokens *ts, size_t open)
{
    int depth = 0;
    for (size_t i = open; i < ts->n; i++) {
        const token *t = &ts->v[i];
        if (is_punct(t, '(') || is_punct(t, '{') || is_punct(t, '['))
            depth++;
        else if ((is_punct(t, ')') || is_punct(t, '}') || is_punct(t, ']')) && --depth == 0)
            return i;
    }
    return ts->n;
}

/* Whether a text has words to translate: a letter outside its % conversions. */
static int has_words(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '%') {
            p++;
            while (*p && strchr("0123456789$-+ #.*hlLqjzt", *p))
                p++;
            if (!*p)
                break;
            continue;
        }
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (unsigned char)*p >= 0x80)
            return 1;
    }
    return 0;
}

typedef struct scan {
    size_t found, missing;
    int quiet; /* the self-test: count, do not fail */
} scan;

static void check_key(scan *sc, const char *file, const token *t)
{
    if (!has_words(t->text))
        return;
    sc->found++;
    const char *zh = nb_msg_zh(t->text);
    int translated = zh && strcmp(zh, t->text);
    sc->missing += !translated;
    if (!sc->quiet)
        EXPECT(translated, "%s:%d: no Chinese in src/messages.c for \"%s\"", file, t->line,
               t->text);
}

/* Every string in tokens [from, to) is a message. */
static void check_strings(scan *sc, const char *file, const tokens *ts, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (ts->v[i].kind == T_STRING)
            check_key(sc, file, &ts->v[i]);
}

static const struct {
    const char *function;
    int arg; /* 0-based: the message */
} message_functions[] = {
    {"nb_cli_usage_error", 1}, {"nb_cli_error", 1}, {"nb_cli_note", 1},
    {"nb_cli_tr", 1},          {"nb_diag_add", 3},
};

static void scan_source(scan *sc, const char *file, const char *text)
{
    tokens ts = {0};
    lex(text, &ts);
    for (size_t i = 0; i + 2 < ts.n; i++) {
        const token *t = &ts.v[i];
        size_t from, to;
        for (size_t f = 0; f < sizeof message_functions / sizeof *message_functions; f++)
            if (is_name(t, message_functions[f].function) && is_punct(&ts.v[i + 1], '(') &&
                argument(&ts, i + 1, message_functions[f].arg, &from, &to))
                check_strings(sc, file, &ts, from, to);
        /* nb_cli_option NAME[] = { {key, "name", "VALUE", "help"}, … } */
        if (is_name(t, "nb_cli_option") && ts.v[i + 1].kind == T_NAME &&
            is_punct(&ts.v[i + 2], '[')) {
            size_t k = i + 2;
            while (k < ts.n && !is_punct(&ts.v[k], '{'))
                k++;
            size_t end = closing(&ts, k);
            for (size_t r = k + 1; r < end; r++)
                if (is_punct(&ts.v[r], '{')) {
                    if (argument(&ts, r, 3, &from, &to))
                        check_strings(sc, file, &ts, from, to);
                    r = closing(&ts, r);
                }
        }
        /* nb_cli_command NAME = {"name", "synopsis", "brief", "summary", …} */
        if (is_name(t, "nb_cli_command") && ts.v[i + 1].kind == T_NAME &&
            is_punct(&ts.v[i + 2], '=') && i + 3 < ts.n && is_punct(&ts.v[i + 3], '{'))
            for (int a = 2; a <= 3; a++)
                if (argument(&ts, i + 3, a, &from, &to))
                    check_strings(sc, file, &ts, from, to);
    }
    for (size_t i = 0; i < ts.n; i++)
        free(ts.v[i].text);
    free(ts.v);
}

int main(void)
{
    /* The scan finds what an untranslated message would look like, in each of its forms. */
    scan self = {.quiet = 1};
    scan_source(&self, "snippet.c",
                "static const nb_cli_option opts[] = {\n"
                "    {'x', \"example\", NULL, \"an option nobody \"\n \"translated\"},\n"
                "    {0, NULL, NULL, NULL},\n};\n"
                "int f(nb_cli *cli) { nb_cli_note(cli, \"%s\", \"x\");\n"
                "    return nb_cli_usage_error(cli, n ? \"no such %s\" : \"none at all\", n); }\n"
                "const nb_cli_command c = {\"cmd\", \"FILE\", \"show this help and exit\",\n"
                "    \"A summary\\nnobody translated\", opts, run, 0};\n");
    EXPECT(self.found == 5 && self.missing == 4, "snippet: %zu messages, %zu untranslated",
           self.found, self.missing);

    const char *source = getenv("NB_SOURCE");
    if (!source)
        source = ".";
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/src/cli", source);
    DIR *d = opendir(dir);
    EXPECT(d != NULL, "cannot open %s", dir);
    if (!d)
        return 1;
    scan sc = {0};
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".c"))
            continue;
        char path[4096 + 256];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t text_len;
        char *text = (char *)read_whole_file(path, &text_len);
        EXPECT(text != NULL, "cannot read %s", path);
        if (text)
            scan_source(&sc, path, text);
        free(text);
        files++;
    }
    closedir(d);
    /* Every option's help, every command's summary and the usage errors: well over 80. */
    EXPECT(files >= 8 && sc.found >= 80, "%zu files, %zu messages found", files, sc.found);
    printf("%zu messages of the command in %zu files, %zu without Chinese\n", sc.found, files,
           sc.missing);
    return failures ? 1 : 0;
}
