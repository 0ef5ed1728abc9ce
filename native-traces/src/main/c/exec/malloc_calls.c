/*
 * The malloc family of mallocsim-exec (see exec.c for the protocol): glibc's own malloc, calloc,
 * realloc, the memalign family, the queries and statistics, run on the main thread or on one of
 * the shell's worker threads. Like the rest of the executor it keeps its state in static memory
 * and writes with raw syscalls, so the heap it reports on is the program's alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec.h"

/* Set while a malloc-family call runs: a fault there kills the process, as in any program. */
volatile int in_alloc;

/* mallinfo2's fields, space-separated in hex, as text. */
static void send_mallinfo2(void)
{
    struct mallinfo2 m = mallinfo2();
    size_t f[] = {m.arena,   m.ordblks, m.smblks,   m.hblks,    m.hblkhd,
                  m.usmblks, m.fsmblks, m.uordblks, m.fordblks, m.keepcost};
    size_t n = 0;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        n += put_hex(text + n, f[i]);
        text[n++] = i + 1 < sizeof f / sizeof f[0] ? ' ' : '\n';
    }
    reply('t', n, 0, 0);
    write_all(text, n);
}

/*
 * What a report writes on stderr, caught in a memfd put on fd 2 for the call: stderr is
 * unbuffered, so glibc formats on its stack and the heap stays as it was. malloc_stats writes
 * there itself; malloc_info is given stderr as its FILE. malloc_info's nonzero return (EINVAL
 * for options it does not know) is replied as e N, as posix_memalign's is.
 */
static void send_stderr_text(int info, int options)
{
    int mem = (int)syscall(SYS_memfd_create, "malloc_report", 0);
    int saved = dup(2);
    size_t n = 0;
    int r = 0;
    if (mem >= 0 && saved >= 0) {
        dup2(mem, 2);
        if (info)
            r = malloc_info(options, stderr);
        else
            malloc_stats();
        dup2(saved, 2);
        lseek(mem, 0, SEEK_SET);
        ssize_t k;
        while (n < sizeof text && (k = read(mem, text + n, sizeof text - n)) > 0)
            n += (size_t)k;
    }
    if (mem >= 0)
        close(mem);
    if (saved >= 0)
        close(saved);
    if (r != 0) {
        reply('e', (uint64_t)r, 0, 0);
        return;
    }
    reply('t', n, 0, 0);
    write_all(text, n);
}

/* One call of the malloc family (extra arguments ignored); 0 when the name is none of them. */
static int alloc_call(const char *name, int n, const uint64_t *v)
{
    void *p;
    if (!strcmp(name, "malloc") && n >= 1)
        reply('r', (uintptr_t)malloc(v[0]), 0, 0);
    else if (!strcmp(name, "free") && n >= 1) {
        free((void *)(uintptr_t)v[0]);
        reply('r', 0, 0, 0);
    } else if (!strcmp(name, "calloc") && n >= 2)
        reply('r', (uintptr_t)calloc(v[0], v[1]), 0, 0);
    else if (!strcmp(name, "realloc") && n >= 2)
        reply('r', (uintptr_t)realloc((void *)(uintptr_t)v[0], v[1]), 0, 0);
    else if (!strcmp(name, "reallocarray") && n >= 3)
        reply('r', (uintptr_t)reallocarray((void *)(uintptr_t)v[0], v[1], v[2]), 0, 0);
    else if (!strcmp(name, "memalign") && n >= 2)
        reply('r', (uintptr_t)memalign(v[0], v[1]), 0, 0);
    else if (!strcmp(name, "aligned_alloc") && n >= 2)
        reply('r', (uintptr_t)aligned_alloc(v[0], v[1]), 0, 0);
    else if (!strcmp(name, "posix_memalign") && n >= 2) {
        int e = posix_memalign(&p, v[0], v[1]);
        if (e)
            reply('e', (uint64_t)e, 0, 0);
        else
            reply('r', (uintptr_t)p, 0, 0);
    } else if (!strcmp(name, "valloc") && n >= 1)
        reply('r', (uintptr_t)valloc(v[0]), 0, 0);
    else if (!strcmp(name, "pvalloc") && n >= 1)
        reply('r', (uintptr_t)pvalloc(v[0]), 0, 0);
    else if (!strcmp(name, "usable") && n >= 1)
        reply('r', malloc_usable_size((void *)(uintptr_t)v[0]), 0, 0);
    else if (!strcmp(name, "trim") && n >= 1)
        reply('r', (uint64_t)malloc_trim(v[0]), 0, 0);
    else if (!strcmp(name, "mallopt") && n >= 2)
        reply('r', (uint64_t)(uint32_t)mallopt((int)v[0], (int)v[1]), 0, 0);
    else if (!strcmp(name, "mallinfo2"))
        send_mallinfo2();
    else if (!strcmp(name, "malloc_stats"))
        send_stderr_text(0, 0);
    else if (!strcmp(name, "malloc_info") && n >= 1)
        send_stderr_text(1, (int)v[0]);
    else
        return 0;
    return 1;
}

/*
 * Threads for the malloc family: "thread N" (N > 0) creates a pthread on first use, with default
 * attributes as any program would (its stack mmapped, its DTV calloc'ed by this thread), and
 * makes it the one the following calls run on; "thread 0" is the main thread again. A worker
 * waits on a semaphore for a call, runs it and replies itself. "exit_thread N" ends worker N and
 * joins it. The workers live in static memory: no heap of the executor's own.
 */
#define MAX_THREADS 16

struct worker {
    pthread_t thread;
    sem_t go, done;
    int live, quit, n;
    char name[32];
    uint64_t v[8];
};

static struct worker workers[MAX_THREADS];
static int current;

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (;;) {
        while (sem_wait(&w->go) != 0)
            ;
        if (w->quit)
            return NULL;
        in_alloc = 1;
        alloc_call(w->name, w->n, w->v);
        in_alloc = 0;
        sem_post(&w->done);
    }
}

void thread_call(const char *name, uint64_t id)
{
    if (id >= MAX_THREADS) {
        reply('e', EINVAL, 0, 0);
        return;
    }
    struct worker *w = &workers[id];
    if (!strcmp(name, "thread")) {
        if (id > 0 && !w->live) {
            sem_init(&w->go, 0, 0);
            sem_init(&w->done, 0, 0);
            w->quit = 0;
            int e = pthread_create(&w->thread, NULL, worker_main, w);
            if (e) {
                reply('e', (uint64_t)e, 0, 0);
                return;
            }
            w->live = 1;
        }
        current = (int)id;
        reply('r', 0, 0, 0);
        return;
    }
    if (id == 0 || !w->live) {
        reply('e', EINVAL, 0, 0);
        return;
    }
    w->quit = 1;
    sem_post(&w->go);
    pthread_join(w->thread, NULL);
    w->live = 0;
    if (current == (int)id)
        current = 0;
    reply('r', 0, 0, 0);
}

/* A malloc-family call on the current thread; 0 when the name is none of them. */
int dispatch(const char *name, int n, const uint64_t *v)
{
    if (current == 0)
        return alloc_call(name, n, v);
    struct worker *w = &workers[current];
    size_t l = strlen(name);
    if (l >= sizeof w->name)
        return 0;
    memcpy(w->name, name, l + 1);
    w->n = n;
    memcpy(w->v, v, sizeof w->v);
    sem_post(&w->go);
    while (sem_wait(&w->done) != 0)
        ;
    return 1;
}
