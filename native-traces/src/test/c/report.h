/*
 * For the recorder's test programs: print what glibc answered in the reference format (without
 * the thread id), through snprintf into a stack buffer and write(2), so printing allocates nothing
 * and the trace holds exactly the program's own calls.
 */
#ifndef MALLOCSIM_TEST_REPORT_H
#define MALLOCSIM_TEST_REPORT_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Makes p escape, so the compiler cannot drop a malloc/free pair as dead code. */
static inline void *keep(void *p)
{
    __asm__ volatile("" : : "r"(p) : "memory");
    return p;
}

static inline void say(const char *text)
{
    if (write(1, text, strlen(text)) < 0)
        _exit(3);
}

/* "OPARGS = RESULT CHUNKWORD BRK", where OPARGS is already formatted ("m 100", "f 0x..."). */
static inline void report(const char *opargs, void *result)
{
    char line[160];
    uint64_t word = 0;
    if (result != NULL && opargs[0] != 'f') {
        /* The chunk header is glibc's, not ours: hide the pointer's origin from gcc's
           uninitialized-read analysis, which does not know malloc wrote that word. */
        const char *p = result;
        __asm__("" : "+r"(p));
        memcpy(&word, p - 8, sizeof word);
    }
    snprintf(line, sizeof line, "%s = 0x%lx 0x%lx 0x%lx\n", opargs,
             (unsigned long)(uintptr_t)result, (unsigned long)word,
             (unsigned long)(uintptr_t)sbrk(0));
    say(line);
}

#endif
