/* Every allocator entry point once or more, each answer printed as the recorder should write it. */
#include <malloc.h>
#include <stdlib.h>

#include "report.h"

int main(void)
{
    char opargs[64];
    void *a = malloc(100);
    report("m 100", a);
    void *b = calloc(3, 40);
    report("c 3 40", b);
    snprintf(opargs, sizeof opargs, "r 0x%lx 5000", (unsigned long)(uintptr_t)a);
    void *c = realloc(a, 5000);
    report(opargs, c);
    void *d = memalign(64, 200);
    report("a 64 200", d);
    void *e = aligned_alloc(256, 512);
    report("a 256 512", e);
    void *f = NULL;
    if (posix_memalign(&f, 128, 300) != 0)
        return 1;
    report("a 128 300", f);
    void *g = valloc(1000);
    report("v 1000", g);
    void *h = pvalloc(5000);
    report("p 5000", h);
    void *big = malloc(1 << 20); /* above the mmap threshold: an mmapped chunk */
    report("m 1048576", big);
    snprintf(opargs, sizeof opargs, "r 0x%lx 16", (unsigned long)(uintptr_t)b);
    void *k = reallocarray(b, 4, 4);
    report(opargs, k);
    void *all[] = {c, d, e, f, g, h, big, k};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        snprintf(opargs, sizeof opargs, "f 0x%lx", (unsigned long)(uintptr_t)all[i]);
        free(all[i]);
        report(opargs, NULL);
    }
    free(NULL); /* not recorded */
    return 0;
}
