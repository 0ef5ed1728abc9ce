/* Makes CALLS allocations, then dies of SIGSEGV with all of them still in the recorder's buffer. */
#include <signal.h>
#include <stdlib.h>

#include "report.h"

#define CALLS 1000

int main(void)
{
    static void *kept[CALLS];
    for (int i = 0; i < CALLS; i++)
        if ((kept[i] = keep(malloc((size_t)(16 + i)))) == NULL)
            return 1;
    raise(SIGSEGV);
    return 0;
}
