/* The parent allocates 111 and 333 bytes, the forked child 222 (its own trace file). */
#include <stdlib.h>
#include <sys/wait.h>

#include "report.h"

int main(void)
{
    void *a = keep(malloc(111));
    pid_t child = fork();
    if (child < 0)
        return 1;
    if (child == 0) {
        void *b = keep(malloc(222));
        free(b);
        char line[32];
        snprintf(line, sizeof line, "child %ld\n", (long)getpid());
        say(line);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    void *c = keep(malloc(333));
    free(c);
    free(a);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
