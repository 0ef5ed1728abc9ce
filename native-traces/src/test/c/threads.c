/*
 * THREADS worker threads, each allocating and freeing CALLS blocks whose sizes name the thread
 * and the step (size = 1000 * (thread + 1) + step), so the test can check order per thread.
 * Prints each worker's thread id.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "report.h"

#define THREADS 3
#define CALLS   200

static void *work(void *arg)
{
    long k = (long)(intptr_t)arg;
    char line[64];
    snprintf(line, sizeof line, "tid %ld %ld\n", k, (long)syscall(SYS_gettid));
    say(line);
    for (int i = 0; i < CALLS; i++) {
        void *p = keep(malloc((size_t)(1000 * (k + 1) + i)));
        if (p == NULL)
            return NULL;
        free(p);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    for (long k = 0; k < THREADS; k++)
        if (pthread_create(&t[k], NULL, work, (void *)(intptr_t)k) != 0)
            return 1;
    for (int k = 0; k < THREADS; k++)
        pthread_join(t[k], NULL);
    return 0;
}
