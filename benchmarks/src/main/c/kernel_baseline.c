/*
 * The real kernel's side of the kernel-sim benchmarks, measured on this machine in the same run:
 *
 *   mmap-munmap N   one anonymous one-page mmap + munmap pair (a new VMA that merges with nothing)
 *                   with N other VMAs present, as VmaUpdateBenchmark does in the emulator;
 *   fault           a demand-zero write fault on a private anonymous 4 KiB page, as
 *                   PageFaultBenchmark does: touch every page of a region, then MADV_DONTNEED it
 *                   and start again (the zap is part of both measurements).
 *
 * Each figure is measured in WINDOWS windows of the given seconds, as JMH measures in iterations,
 * and printed as one line: "<name> <best window's ns per operation> <median window's>". Built and
 * run by benchmarks/run.sh.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define WINDOWS 10

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The best and the median of the windows' figures. */
static void report(const char *name, double *ns, int windows)
{
    qsort(ns, windows, sizeof *ns, compare_doubles);
    double median = windows % 2 ? ns[windows / 2] : (ns[windows / 2 - 1] + ns[windows / 2]) / 2;
    printf("%s %.1f %.1f\n", name, ns[0], median);
}

/* VMAs of this process now: the lines of /proc/self/maps but [vsyscall], which is not a VMA. */
static int count_vmas(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int n = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strstr(line, "[vsyscall]"))
            n++;
    if (f)
        fclose(f);
    return n;
}

/* One-page VMAs that cannot merge (alternating protections, packed top-down by the kernel)
 * until the process has n VMAs in all. */
static void make_vmas(int n)
{
    for (int i = count_vmas(); i < n; i++) {
        int prot = (i & 1) ? PROT_READ : PROT_READ | PROT_WRITE;
        if (mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED) {
            perror("mmap");
            exit(1);
        }
    }
}

static void bench_mmap_munmap(int n, double seconds)
{
    make_vmas(n);
    double ns[WINDOWS];
    for (int w = 0; w < WINDOWS; w++) {
        long ops = 0;
        double start = now_ns(), end = start + seconds * 1e9, t;
        do {
            for (int i = 0; i < 1000; i++) {
                void *p =
                    mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED || munmap(p, 4096) != 0) {
                    perror("mmap/munmap");
                    exit(1);
                }
            }
            ops += 1000;
            t = now_ns();
        } while (t < end);
        ns[w] = (t - start) / ops;
    }
    char name[32];
    snprintf(name, sizeof name, "mmap-munmap-%d", n);
    report(name, ns, WINDOWS);
}

static void bench_fault(double seconds)
{
    const size_t pages = 16384; /* 64 MiB */
    const size_t len = pages * 4096;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    madvise(p, len, MADV_NOHUGEPAGE); /* 4 KiB faults, as the emulator does */
    double ns[WINDOWS];
    for (int w = 0; w < WINDOWS; w++) {
        long faults = 0;
        double start = now_ns(), end = start + seconds * 1e9, t;
        do {
            for (size_t i = 0; i < pages; i++)
                *(volatile long *)(p + i * 4096) = 1;
            madvise(p, len, MADV_DONTNEED);
            faults += pages;
            t = now_ns();
        } while (t < end);
        ns[w] = (t - start) / faults;
    }
    report("fault", ns, WINDOWS);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "mmap-munmap") == 0) {
        bench_mmap_munmap(atoi(argv[2]), argc > 3 ? atof(argv[3]) : 1.0);
    } else if (argc >= 2 && strcmp(argv[1], "fault") == 0) {
        bench_fault(argc > 2 ? atof(argv[2]) : 1.0);
    } else {
        fprintf(stderr, "usage: %s mmap-munmap N [window seconds] | fault [window seconds]\n",
                argv[0]);
        return 2;
    }
    return 0;
}
