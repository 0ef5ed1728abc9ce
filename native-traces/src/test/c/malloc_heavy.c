/*
 * A malloc-heavy workload for measuring recorder overhead: a table of live slots, each step frees
 * a pseudo-random slot and refills it with a small block of random size that the program then
 * writes (as real programs fill what they allocate).
 *
 *   malloc_heavy [STEPS]   (default 5,000,000)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096

int main(int argc, char **argv)
{
    long steps = argc > 1 ? atol(argv[1]) : 5000000L;
    static char *slot[SLOTS];
    uint64_t x = 88172645463325252ULL, sum = 0;
    for (long i = 0; i < steps; i++) {
        /* xorshift64: a fixed pseudo-random sequence, so every run does the same calls */
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        unsigned k = (unsigned)(x % SLOTS);
        size_t size = 16 + (size_t)(x >> 40) % 240;
        free(slot[k]);
        slot[k] = malloc(size);
        if (slot[k] == NULL) {
            fputs("malloc_heavy: out of memory\n", stderr);
            return 1;
        }
        memset(slot[k], (int)i, size);
        sum += (uint8_t)slot[k][size / 2];
    }
    for (unsigned k = 0; k < SLOTS; k++)
        free(slot[k]);
    printf("%llu\n", (unsigned long long)sum);
    return 0;
}
