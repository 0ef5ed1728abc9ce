/* Allocates 444 bytes, then execs itself with "again", where it allocates 555 bytes. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "again") == 0) {
        free(keep(malloc(555)));
        return 0;
    }
    free(keep(malloc(444)));
    char *again[] = {argv[0], "again", NULL};
    execv("/proc/self/exe", again);
    return 1;
}
