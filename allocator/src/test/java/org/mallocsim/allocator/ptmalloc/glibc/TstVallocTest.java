package org.mallocsim.allocator.ptmalloc.glibc;

import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-valloc.c (glibc-2.36): valloc (-1) and valloc (-pagesize) fail with ENOMEM
 * rather than overflow (BZ #15856), valloc (0) succeeds, and the result is page aligned; valloc
 * keeps the size asked for.
 */
class TstVallocTest extends PageAlignedAllocCases {
    TstVallocTest() {
        super(Allocator::valloc, 32);
    }
}
