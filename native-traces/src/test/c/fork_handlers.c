/*
 * A multi-threaded program whose fork handlers allocate: the prepare handler mallocs 701 bytes,
 * the parent handler 702 and the child handler 703, around a fork made while a second thread
 * exists. The recorder holds its lock across the fork, so the handlers' calls must neither
 * deadlock nor go missing: the parent's trace holds 701 and 702, the child's 703.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "report.h"

static void prepare(void)
{
    free(keep(malloc(701)));
}
static void parent(void)
{
    free(keep(malloc(702)));
}
static void child(void)
{
    free(keep(malloc(703)));
}

static void *idle(void *arg)
{
    return arg;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, idle, NULL) != 0)
        return 1;
    pthread_join(t, NULL); /* the process stays multi-threaded for glibc from here on */
    if (pthread_atfork(prepare, parent, child) != 0)
        return 1;
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0)
        _exit(0);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
