package org.mallocsim.allocator.ptmalloc.glibc;

import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.PAGESIZE;

import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-pvalloc.c (glibc-2.36): pvalloc (-1) and pvalloc (-pagesize) fail with ENOMEM
 * rather than overflow (BZ #15855), pvalloc (0) succeeds, and the result is page aligned; pvalloc
 * rounds the size up to whole pages.
 */
class TstPvallocTest extends PageAlignedAllocCases {
    TstPvallocTest() {
        super(Allocator::pvalloc, PAGESIZE);
    }
}
