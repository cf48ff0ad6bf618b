/* nianbao init: a complete, commented report description to start from — a blank template for
 * a layout, or this year's draft from last year's report (a description or any source import
 * reads). */
#include "cli.h"
#include "diag.h"
#include "engine.h"
#include "import.h"
#include "layout.h"
#include "output.h"
#include "report.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_LAYOUT = NB_CLI_LONG_ONLY,
    OPT_AGENCY,
    OPT_YEAR,
    OPT_FROM,
};

static const nb_cli_option init_options[] = {
    {'o', "output", "FILE", "write the description to FILE (default: standard output)"},
    {OPT_LAYOUT, "layout", "NAME", "the table layout: gov-2021 (default), gov-2021-no-other, "
     "gov-2021-other-merged, gov-2019"},
    {OPT_AGENCY, "agency", "NAME", "the agency (发布机关)"},
    {OPT_YEAR, "year", "YEAR", "the year reported on (default: the year after last year's report)"},
    {OPT_FROM, "from", "FILE", "start from last year's report (a description or a published "
     "report): its agency and text, its carried-forward applications and documents in force"},
    {0, NULL, NULL, NULL},
};

typedef struct init_args {
    const char *output, *layout, *agency, *from;
    int year;
} init_args;

static int take(nb_cli *cli, void *ctx, int key, const char *v)
{
    init_args *a = ctx;
    switch (key) {
    case 'o': a->output = v; break;
    case OPT_LAYOUT: a->layout = v; break;
    case OPT_AGENCY: a->agency = v; break;
    case OPT_FROM: a->from = v; break;
    case OPT_YEAR: {
        char *end;
        long y = strtol(v, &end, 10);
        if (*end || y < 2000 || y > 2100)
            return nb_cli_usage_error(cli, "--year takes a year from 2000 to 2100");
        a->year = (int)y;
        break;
    }
    }
    return 0;
}

/* ---- writing ---------------------------------------------------------------------------- */

static void put_text(nb_buf *b, const char *s) { nb_yaml_put_text(b, s, 0); }

static void put_block(nb_buf *b, const nb_block *blk, const char *indent)
{
    nb_buf_printf(b, "%s- ", indent);
    switch (blk->kind) {
    case NB_BLOCK_HEADING2: nb_buf_puts(b, "h2: "); break;
    case NB_BLOCK_HEADING3: nb_buf_puts(b, "h3: "); break;
    case NB_BLOCK_ITEM: nb_buf_puts(b, "item: "); break;
    case NB_BLOCK_RUNIN:
        nb_buf_puts(b, "h2: ");
        put_text(b, blk->lead.s);
        nb_buf_printf(b, "\n%s  text: ", indent);
        break;
    default: break;
    }
    put_text(b, blk->text.s);
    nb_buf_puts(b, "\n");
}

/* Last year's value of a slot as it was written, for carrying it over; "~" when blank. */
static const char *last_value(const nb_report *last, const char *table, const char *group,
                              const char *column, int index)
{
    for (size_t i = 0; last && i < last->ntables; i++) {
        const nb_table *t = last->tables[i];
        if (strcmp(t->layout->key, table))
            continue;
        int g = nb_ltable_group(t->layout, group);
        if (g < 0 || !t->group_given[g])
            return NULL;
        int j = column ? nb_group_column(t->layout, g, column) : index;
        if (j < 0 || j >= t->layout->groups[g].nslots)
            return NULL;
        const nb_value *v = &t->values[t->layout->groups[g].first_slot + j];
        return v->present ? v->text : "~";
    }
    return NULL;
}

/* The table of a layout with its rows: zeros, or what last year carries into this one. */
static void put_table(nb_buf *b, const nb_ltable *t, const nb_report *last)
{
    nb_buf_printf(b, "      - table: %s   # %s\n        values:\n", t->key, t->name);
    /* The columns, once when every row has the same ones (表三, 表四), else on each row. */
    int same = 1;
    for (size_t g = 1; g < t->ngroups && same; g++) {
        same = t->groups[g].nslots == t->groups[0].nslots;
        for (int k = 0; same && k < t->groups[g].nslots; k++)
            same = !strcmp(t->slots[t->groups[g].first_slot + k].column,
                           t->slots[t->groups[0].first_slot + k].column);
    }
    if (same && t->ngroups) {
        nb_buf_puts(b, "          # each row:");
        for (int k = 0; k < t->groups[0].nslots; k++)
            nb_buf_printf(b, "%s %s", k ? "," : "", t->slots[t->groups[0].first_slot + k].column);
        nb_buf_puts(b, "\n");
    }
    size_t keyw = 0;
    for (size_t g = 0; g < t->ngroups; g++)
        if (strlen(t->groups[g].key) > keyw)
            keyw = strlen(t->groups[g].key);
    for (size_t g = 0; g < t->ngroups; g++) {
        const nb_group *grp = &t->groups[g];
        nb_buf_printf(b, "          %s:%*s[", grp->key, (int)(keyw - strlen(grp->key) + 1), "");
        const char *note = "";
        for (int k = 0; k < grp->nslots; k++) {
            const nb_slot *slot = &t->slots[grp->first_slot + k];
            const char *v = NULL;
            /* 上年结转 is last year's 结转下年度继续办理 (B5); until this year's applications are
             * entered, all of it is still to be carried forward, so that the table adds up. */
            if (!strcmp(t->key, "applications") &&
                (!strcmp(grp->key, "carried_over") || !strcmp(grp->key, "carry_forward")))
                v = last_value(last, t->key, "carry_forward", slot->column, k);
            /* 现行有效件数 stays what it was until this year's documents are entered (A1). */
            if (!strcmp(slot->column, "现行有效件数"))
                v = last_value(last, t->key, grp->key, slot->column, k);
            if (v) {
                note = !strcmp(grp->key, "carry_forward")
                           ? "; last year's 结转下年度, until this year's are entered"
                           : "; from last year";
            }
            if (k)
                nb_buf_puts(b, ", ");
            if (v && strcmp(v, "~") && strspn(v, "0123456789.+-") == strlen(v) && *v != '-')
                nb_buf_puts(b, v); /* a number, as last year wrote it */
            else if (v && strcmp(v, "~"))
                nb_yaml_put_text(b, v, 1);
            else if (v)
                nb_buf_puts(b, "~");
            else
                nb_buf_puts(b, slot->kind == NB_KIND_TEXT ? "\"\"" : "0");
        }
        nb_buf_printf(b, "]   # %s", grp->name);
        for (int k = 0; !same && k < grp->nslots; k++)
            nb_buf_printf(b, "%s %s", k ? "," : ":", t->slots[grp->first_slot + k].column);
        nb_buf_printf(b, "%s\n", last ? note : "");
    }
}

static const char *const draft_sections[NB_SECTIONS][6] = {
    {"（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设",
     "（五）监督保障", NULL},
    {NULL}, {NULL}, {NULL},
    {"（一）存在的主要问题", "（二）改进情况", NULL},
    {NULL},
};

static void write_template(nb_buf *b, const nb_layout *lay, const char *agency, int year,
                           const nb_report *last, const char *from)
{
    nb_buf_printf(b, "# %s%d年政府信息公开工作年度报告\n", agency, year);
    if (last)
        nb_buf_printf(b, "# A draft made by nianbao init from %s (%d): its agency and text, which\n"
                         "# are last year's and must be brought up to date; its 结转下年度继续办理 as\n"
                         "# this year's 上年结转, its 现行有效件数 kept. Every other number is 0.\n",
                      from, last->year);
    else
        nb_buf_puts(b, "# A template made by nianbao init: replace the text in 【】 and the zeros.\n");
    nb_buf_puts(b, "# docs/report-format.md describes every key; `nianbao check` this file as you go.\n\n");
    nb_buf_puts(b, "agency: ");
    put_text(b, agency);
    nb_buf_printf(b, "   # 发布机关\nyear: %d\nlayout: %s   # %s\n", year, lay->name,
                  lay->title ? lay->title : "");
    const char *signoff = last && last->signoff.s ? last->signoff.s : agency;
    nb_buf_puts(b, "signoff: ");
    put_text(b, signoff);
    nb_buf_printf(b, "   # 落款\ndate: %d-01-31   # 成文日期: change to the day the report is "
                     "signed (by 31 January)\n", year + 1);
    for (int role = 0; last && role < NB_ROLES; role++) {
        if (!last->nfonts[role])
            continue;
        if (role == 0 || !last->nfonts[role - 1])
            nb_buf_puts(b, "fonts:\n");
        nb_buf_printf(b, "  %s: [", nb_role_names[role]);
        for (size_t i = 0; i < last->nfonts[role]; i++) {
            if (i)
                nb_buf_puts(b, ", ");
            nb_yaml_put_text(b, last->fonts[role][i].s, 1);
        }
        nb_buf_puts(b, "]\n");
    }
    nb_buf_puts(b, "\npreamble:\n");
    if (last && last->npreamble) {
        for (size_t i = 0; i < last->npreamble; i++)
            put_block(b, &last->preamble[i], "  ");
    } else {
        nb_buf_printf(b, "  - 本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）编制。"
                         "本报告所列数据的统计期限自%d年1月1日起至%d年12月31日止。"
                         "【对本报告如有疑问，请与%s联系（地址、电话、电子邮箱）。】\n",
                      year, year, agency);
    }
    nb_buf_puts(b, "\nsections:\n");
    size_t table_index = 0;
    (void)table_index;
    for (int s = 0; s < NB_SECTIONS; s++) {
        nb_buf_printf(b, "  # %s%s\n  - ", lay->numbers[s], lay->headings[s]);
        const nb_section *ls = last ? &last->sections[s] : NULL;
        if (ls && ls->heading.s) {
            nb_buf_puts(b, "heading: ");
            put_text(b, ls->heading.s);
            nb_buf_puts(b, "\n    ");
        }
        nb_buf_puts(b, "body:\n");
        int wrote_table = 0;
        if (ls) {
            for (size_t i = 0; i < ls->nblocks; i++) {
                const nb_block *blk = &ls->blocks[i];
                if (blk->kind != NB_BLOCK_TABLE) {
                    put_block(b, blk, "      ");
                    continue;
                }
                const nb_ltable *t = nb_layout_table(lay, blk->table.key.s);
                if (t && !wrote_table) {
                    put_table(b, t, last);
                    wrote_table = 1;
                }
            }
        } else if (s == 0) {
            nb_buf_printf(b, "      - %d年，%s【总体情况：一段概述】。\n", year, agency);
        }
        if (!ls)
            for (int h = 0; draft_sections[s][h]; h++)
                nb_buf_printf(b, "      - h2: %s\n      - 【%s的情况】\n", draft_sections[s][h],
                              draft_sections[s][h]);
        for (size_t t = 0; t < lay->ntables && !wrote_table; t++)
            if (lay->tables[t].section == s + 1) {
                put_table(b, &lay->tables[t], last);
                wrote_table = 1;
            }
        if (!ls && s == 5)
            nb_buf_printf(b, "      - 【%d年收取政府信息公开信息处理费的情况，及其他需要报告的事项。】\n",
                          year);
        if (ls && !ls->nblocks && !wrote_table)
            b->len -= strlen("body:\n"), nb_buf_puts(b, "body: []\n");
    }
}

static int run(nb_cli *cli, int argc, char **argv)
{
    init_args a = {0};
    int first = nb_cli_parse(cli, argc, argv, take, &a);
    if (first < 0)
        return first == NB_CLI_DONE ? NB_OK : -first;
    if (argc - first != 0)
        return nb_cli_usage_error(cli, "init takes options only");
    if (!a.from && (!a.agency || !a.year))
        return nb_cli_usage_error(cli, "init needs --agency and --year, or --from LAST_YEAR");
    nb_engine *e = nb_cli_engine(cli);
    if (!e)
        return NB_EINPUT;
    nb_diags *d = nb_cli_diags(cli);
    nb_report *last = NULL;
    int rc = NB_OK;
    if (a.from)
        rc = nb_cli_load_report(e, a.from, &last, d);
    const nb_layout *lay = NULL;
    if (rc == NB_OK) {
        const char *name = a.layout ? a.layout : last ? last->layout_ref->name : "gov-2021";
        lay = nb_engine_layout(e, name, d);
        if (!lay)
            rc = NB_EINPUT;
    }
    nb_buf out = {0};
    if (rc == NB_OK) {
        const char *agency = a.agency ? a.agency : last->agency.s;
        int year = a.year ? a.year : last->year + 1;
        write_template(&out, lay, agency, year, last, a.from);
        /* What is written must load: the template is checked before it is handed out. */
        nb_report *r = NULL;
        const char *name = a.output && strcmp(a.output, "-") ? a.output : "<stdout>";
        rc = nb_report_load_memory(e, name, (const char *)out.data, out.len, &r, d);
        nb_report_free(r);
        if (rc == NB_OK) {
            /* `init --from x.yaml -o x.yaml` must not replace last year's report. */
            nb_file_set inputs = {0};
            if (a.from && strcmp(a.from, "-"))
                nb_file_set_add(&inputs, a.from);
            nb_file_set_seal(&inputs);
            rc = nb_output_write(a.output ? a.output : "-", out.data, out.len, &inputs, d);
            nb_file_set_free(&inputs);
        }
    }
    nb_buf_free(&out);
    nb_cli_print_diags(cli, d, stderr);
    nb_report_free(last);
    nb_diags_free(d);
    nb_engine_free(e);
    return rc;
}

const nb_cli_command nb_cli_init = {
    "init",
    "[OPTION]...",
    "write a report template, or this year's draft from last year's",
    "Writes a complete, commented report description: with --layout, --agency and --year a\n"
    "template (every row of the tables at 0 with its Chinese label, the six headings, a\n"
    "preamble and a 落款); with --from LAST_YEAR (a description or a published report) a\n"
    "draft carrying over the agency and last year's text, with this year's 上年结转 taken from\n"
    "last year's 结转下年度继续办理 and 现行有效件数 from last year's.",
    init_options,
    run,
    0,
};
