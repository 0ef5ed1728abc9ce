/*
 * Threads that create threads: main creates "outer", which creates "inner"; each allocates and
 * frees one block whose size names it (outer 700, inner 800) and prints "NAME TID". The
 * recorder must name each thread's creator: outer's is main (the pid), inner's is outer.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "report.h"

static void announce(const char *name, size_t size)
{
    char line[64];
    snprintf(line, sizeof line, "%s %ld\n", name, (long)syscall(SYS_gettid));
    say(line);
    free(keep(malloc(size)));
}

static void *inner(void *arg)
{
    (void)arg;
    announce("inner", 800);
    return NULL;
}

static void *outer(void *arg)
{
    (void)arg;
    announce("outer", 700);
    pthread_t t;
    if (pthread_create(&t, NULL, inner, NULL) != 0)
        return NULL;
    pthread_join(t, NULL);
    return NULL;
}

int main(void)
{
    announce("main", 600);
    pthread_t t;
    if (pthread_create(&t, NULL, outer, NULL) != 0)
        return 1;
    pthread_join(t, NULL);
    return 0;
}
