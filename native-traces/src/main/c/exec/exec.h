/*
 * What the two halves of mallocsim-exec share: the reply protocol, the process's own syscalls,
 * memory accesses and /proc files (exec.c), and the malloc family on the shell's threads
 * (malloc_calls.c).
 */
#ifndef MALLOCSIM_EXEC_H
#define MALLOCSIM_EXEC_H

#include <stddef.h>
#include <stdint.h>

/* The text of a "t N" reply is built here: static memory, since the executor keeps off the heap. */
extern char text[1 << 22];

/* Set while a malloc-family call runs: a fault there kills the process, as in any program. */
extern volatile int in_alloc;

/* Writes all n bytes to stdout; exits when it cannot. */
void write_all(const char *p, size_t n);

/* v in lowercase hex without 0x at p; returns the digits written. */
size_t put_hex(char *p, uint64_t v);

/* One reply line: "KIND A" or, when two is set, "KIND A B". */
void reply(char kind, uint64_t a, int two, uint64_t b);

/* "thread N" (create thread N on first use and run the following calls on it) or "exit_thread N".
 */
void thread_call(const char *name, uint64_t id);

/* A malloc-family call on the current thread, replied to; 0 when the name is none of them. */
int dispatch(const char *name, int n, const uint64_t *v);

#endif
