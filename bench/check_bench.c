/* Times the checker inside one process: loading (YAML parse, table binding) plus nb_check for
 * many reports, without process start-up or font set-up. Built with -DNB_BENCH=ON.
 *
 *   check_bench [-r ROUNDS] FILE...
 *
 * Reads every FILE into memory once, then, ROUNDS times (default 5), loads and checks each of
 * them and prints the round's wall and CPU time; last, the medians, split into load and check
 * (wall time). */
#include "nianbao.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct input {
    const char *name;
    char *data; /* owned */
    size_t size;
} input;

static double clock_s(clockid_t which)
{
    struct timespec ts;
    clock_gettime(which, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void) { return clock_s(CLOCK_MONOTONIC); }
/* CPU time of this (single-threaded) process: less disturbed by other load on the machine. */
static double cpu_now(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *size = len;
    return buf;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int rounds = 5, first = 1;
    if (argc > 2 && !strcmp(argv[1], "-r")) {
        rounds = atoi(argv[2]);
        first = 3;
    }
    if (first >= argc || rounds < 1 || rounds > 1000) {
        fputs("usage: check_bench [-r ROUNDS] FILE...\n", stderr);
        return 2;
    }
    size_t n = (size_t)(argc - first);
    input *in = calloc(n, sizeof *in);
    for (size_t i = 0; i < n; i++) {
        in[i].name = argv[first + (int)i];
        in[i].data = slurp(in[i].name, &in[i].size);
        if (!in[i].data) {
            fprintf(stderr, "check_bench: cannot read %s\n", in[i].name);
            return 2;
        }
    }
    char *error = NULL;
    nb_engine *e = nb_engine_new(NULL, &error);
    if (!e) {
        fprintf(stderr, "check_bench: %s\n", error ? error : "no engine");
        return 2;
    }
    double *total = calloc((size_t)rounds, sizeof *total);
    double *load = calloc((size_t)rounds, sizeof *load);
    double *check = calloc((size_t)rounds, sizeof *check);
    double *cpu = calloc((size_t)rounds, sizeof *cpu);
    size_t findings = 0, errors = 0, failed = 0;
    for (int k = 0; k < rounds; k++) {
        findings = errors = failed = 0;
        double t0 = now(), c0 = cpu_now(), in_load = 0, in_check = 0;
        for (size_t i = 0; i < n; i++) {
            nb_diags *d = nb_diags_new();
            nb_report *r = NULL;
            double a = now();
            int rc = nb_report_load_memory(e, in[i].name, in[i].data, in[i].size, &r, d);
            double b = now();
            if (rc == NB_OK)
                nb_check(r, NULL, d);
            else
                failed++;
            double c = now();
            in_load += b - a;
            in_check += c - b;
            findings += nb_diags_count(d);
            errors += nb_diags_errors(d);
            nb_report_free(r);
            nb_diags_free(d);
        }
        total[k] = now() - t0;
        cpu[k] = cpu_now() - c0;
        load[k] = in_load;
        check[k] = in_check;
        printf("round %d: %zu reports in %.1f ms wall, %.1f ms CPU (load %.1f ms, check %.1f ms)\n",
               k + 1, n, total[k] * 1e3, cpu[k] * 1e3, in_load * 1e3, in_check * 1e3);
    }
    qsort(total, (size_t)rounds, sizeof *total, by_value);
    qsort(load, (size_t)rounds, sizeof *load, by_value);
    qsort(check, (size_t)rounds, sizeof *check, by_value);
    qsort(cpu, (size_t)rounds, sizeof *cpu, by_value);
    int m = rounds / 2;
    printf("median of %d rounds: %zu reports loaded and checked in %.1f ms wall (%.1f µs each), "
           "%.1f ms CPU; load %.1f ms, nb_check %.1f ms; %zu findings, %zu errors, "
           "%zu unreadable\n",
           rounds, n, total[m] * 1e3, total[m] * 1e6 / (double)n, cpu[m] * 1e3, load[m] * 1e3,
           check[m] * 1e3, findings, errors, failed);
    free(total);
    free(load);
    free(check);
    free(cpu);
    for (size_t i = 0; i < n; i++)
        free(in[i].data);
    free(in);
    nb_engine_free(e);
    return 0;
}
