/*
 * Writes the golden captures of this directory from the running kernel (Linux 6.18, x86-64):
 *   gcc -O0 -o cap capture.c && ./cap
 * produces maps.txt, smaps.txt, smaps_rollup.txt, status.txt and statm.txt in the current
 * directory. maps-full.txt, status.txt, statm.txt and smaps_rollup-full.txt are those files as
 * written by one run; smaps-fixed-regions.txt keeps only the smaps entries of the regions mapped at
 * fixed addresses below (0x200000 and 0x7e00...) plus [vsyscall]. The executable, heap, libraries
 * and stack move from run to run (ASLR), and so does the shmem inode of the
 * MAP_SHARED|MAP_ANONYMOUS region.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void dump(const char *path, FILE *out)
{
    FILE *f = fopen(path, "r");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, out);
    fclose(f);
}

static void *map(unsigned long addr, size_t len, int prot, int flags)
{
    void *p = mmap((void *)addr, len, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | flags, -1, 0);
    if (p == MAP_FAILED || (unsigned long)p != addr) {
        perror("mmap");
        exit(1);
    }
    return p;
}

int main(void)
{
    const long pg = 4096;
    /* low address: fewer than 8 hex digits, printed zero-padded */
    char *low = map(0x200000, 4 * pg, PROT_READ | PROT_WRITE, 0);
    low[0] = 1;
    /* rw-p, 16 pages, 5 written */
    char *a = map(0x7e0000000000UL, 16 * pg, PROT_READ | PROT_WRITE, 0);
    for (int i = 0; i < 5; i++)
        a[i * pg] = 1;
    /* r--p, 8 pages, 3 read: zero page, not counted in Rss */
    volatile char *b = map(0x7e0000100000UL, 8 * pg, PROT_READ, 0);
    for (int i = 0; i < 3; i++)
        (void)b[i * pg];
    /* ---p */
    map(0x7e0000200000UL, 4 * pg, PROT_NONE, 0);
    /* rwxp, 2 of 4 written */
    char *d = map(0x7e0000300000UL, 4 * pg, PROT_READ | PROT_WRITE | PROT_EXEC, 0);
    d[0] = 1;
    d[pg] = 1;
    /* rw-p written then MADV_FREE: lazily freed, clean */
    char *f = map(0x7e0000400000UL, 4 * pg, PROT_READ | PROT_WRITE, 0);
    memset(f, 1, 4 * pg);
    if (madvise(f, 4 * pg, MADV_FREE)) {
        perror("madvise");
        exit(1);
    }
    /* mlocked: all pages populated, Locked = Pss */
    char *g = map(0x7e0000500000UL, 3 * pg, PROT_READ | PROT_WRITE, 0);
    if (mlock(g, 3 * pg)) {
        perror("mlock");
        exit(1);
    }
    /* MAP_NORESERVE: no VM_ACCOUNT */
    map(0x7e0000600000UL, 2 * pg, PROT_READ | PROT_WRITE, MAP_NORESERVE);
    /* MADV_HUGEPAGE on 4 MiB at a 2 MiB boundary: THPeligible 1, untouched */
    char *h = map(0x7e0000800000UL, 1024 * pg, PROT_READ | PROT_WRITE, 0);
    if (madvise(h, 1024 * pg, MADV_HUGEPAGE)) {
        perror("madvise");
        exit(1);
    }
    /* write-only and exec-only and other perms */
    map(0x7e0001000000UL, pg, PROT_WRITE, 0);
    map(0x7e0001002000UL, pg, PROT_EXEC, 0);
    map(0x7e0001004000UL, pg, PROT_WRITE | PROT_EXEC, 0);
    map(0x7e0001006000UL, pg, PROT_READ | PROT_EXEC, 0);
    /* madvise flag codes */
    char *m = map(0x7e0001100000UL, 2 * pg, PROT_READ | PROT_WRITE, 0);
    madvise(m, 2 * pg, MADV_DONTFORK);
    madvise(m, 2 * pg, MADV_DONTDUMP);
    char *s = map(0x7e0001200000UL, 2 * pg, PROT_READ | PROT_WRITE, 0);
    madvise(s, 2 * pg, MADV_SEQUENTIAL);
    madvise(s, 2 * pg, MADV_WIPEONFORK);
    madvise(s, 2 * pg, MADV_NOHUGEPAGE);
    char *r = map(0x7e0001300000UL, 2 * pg, PROT_READ | PROT_WRITE, 0);
    madvise(r, 2 * pg, MADV_RANDOM);
    madvise(r, 2 * pg, MADV_MERGEABLE);
    map(0x7e0001400000UL, 2 * pg, PROT_READ | PROT_WRITE, MAP_GROWSDOWN);
    char *lf = map(0x7e0001500000UL, 2 * pg, PROT_READ | PROT_WRITE, 0);
    if (mlock2(lf, 2 * pg, MLOCK_ONFAULT))
        perror("mlock2");
    char *sl = map(0x7e0001600000UL, pg, PROT_READ, 0);
    if (syscall(462, sl, pg, 0))
        perror("mseal");
    if (mmap((void *)0x7e0001700000UL, pg, PROT_READ | PROT_WRITE,
             0x08 /* MAP_DROPPABLE */ | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED)
        perror("droppable");
    char *sh = mmap((void *)0x7e0001800000UL, 2 * pg, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (sh == MAP_FAILED)
        perror("shared");

    FILE *out = fopen("maps.txt", "w");
    dump("/proc/self/maps", out);
    fclose(out);
    out = fopen("smaps.txt", "w");
    dump("/proc/self/smaps", out);
    fclose(out);
    out = fopen("smaps_rollup.txt", "w");
    dump("/proc/self/smaps_rollup", out);
    fclose(out);
    out = fopen("status.txt", "w");
    dump("/proc/self/status", out);
    fclose(out);
    out = fopen("statm.txt", "w");
    dump("/proc/self/statm", out);
    fclose(out);
    return 0;
}
