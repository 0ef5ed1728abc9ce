/*
 * The real glibc's side of PtmallocPathBenchmark, measured on this machine in the same run: one
 * free + malloc pair on the tcache, fastbin, smallbin or large path, with the very same calls as
 * the emulated ptmalloc makes there (PairWorkload.java: 1024 live slots, 65536 precomputed slot
 * indexes, sizes and indexes from xorshift64* with the same seed).
 *
 *   alloc_baseline tcache|fastbin|smallbin|large [window seconds]
 *   ALLOC_CLOCK=cpu alloc_baseline ...   windows of thread CPU time instead of wall time, as
 *                                        PairCpuTime.java measures the emulation on a loaded host
 *
 * The fastbin and smallbin paths need the tcache off; tunables are read once at startup, so the
 * program runs itself again with GLIBC_TUNABLES=glibc.malloc.tcache_count=0 for them. Prints
 * "alloc-<path> <best window's ns per pair> <median window's>" over WINDOWS windows, as
 * kernel_baseline.c does. Built and run by benchmarks/run.sh.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WINDOWS    10
#define SLOTS      1024
#define INDICES    (1 << 16)
#define SEED       0x9E3779B97F4A7C15ULL
#define MUL        0x2545F4914F6CDD1DULL
#define TCACHE_OFF "glibc.malloc.tcache_count=0"

static void *slots[SLOTS];
static size_t sizes[SLOTS];
static int indices[INDICES];

static clockid_t clock_id = CLOCK_MONOTONIC;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(clock_id, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static uint64_t next(uint64_t x)
{
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    return x;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s tcache|fastbin|smallbin|large [window seconds]\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    const char *clock_name = getenv("ALLOC_CLOCK");
    if (clock_name != NULL && strcmp(clock_name, "cpu") == 0)
        clock_id = CLOCK_THREAD_CPUTIME_ID;
    double seconds = argc > 2 ? atof(argv[2]) : 1.0;
    uint64_t lo, hi;
    int tcache_off = 0;
    if (strcmp(path, "tcache") == 0) {
        lo = 16, hi = 1024;
    } else if (strcmp(path, "fastbin") == 0) {
        lo = 16, hi = 120, tcache_off = 1;
    } else if (strcmp(path, "smallbin") == 0) {
        lo = 128, hi = 1000, tcache_off = 1;
    } else if (strcmp(path, "large") == 0) {
        lo = 1100, hi = 65536;
    } else {
        fprintf(stderr, "%s: unknown path %s\n", argv[0], path);
        return 2;
    }
    const char *t = getenv("GLIBC_TUNABLES");
    if (tcache_off != (t != NULL && strcmp(t, TCACHE_OFF) == 0)) {
        if (tcache_off)
            setenv("GLIBC_TUNABLES", TCACHE_OFF, 1);
        else
            unsetenv("GLIBC_TUNABLES");
        execv("/proc/self/exe", argv);
        perror("execv");
        return 1;
    }

    uint64_t x = SEED;
    for (int i = 0; i < SLOTS; i++) {
        x = next(x);
        sizes[i] = lo + ((x * MUL) >> 1) % (hi - lo + 1);
    }
    for (int i = 0; i < INDICES; i++) {
        x = next(x);
        indices[i] = (int)((x * MUL) >> 54);
    }
    for (int i = 0; i < SLOTS; i++)
        if (!(slots[i] = malloc(sizes[i]))) {
            perror("malloc");
            return 1;
        }

    double ns[WINDOWS];
    unsigned cursor = 0;
    for (int w = 0; w < WINDOWS; w++) {
        long ops = 0;
        double start = now_ns(), end = start + seconds * 1e9, now;
        do {
            for (int k = 0; k < 1000; k++) {
                int i = indices[cursor++ & (INDICES - 1)];
                free(slots[i]);
                slots[i] = malloc(sizes[i]);
            }
            ops += 1000;
            now = now_ns();
        } while (now < end);
        ns[w] = (now - start) / ops;
    }
    qsort(ns, WINDOWS, sizeof *ns, compare_doubles);
    printf("alloc-%s %.2f %.2f\n", path, ns[0], (ns[WINDOWS / 2 - 1] + ns[WINDOWS / 2]) / 2);
    return 0;
}
