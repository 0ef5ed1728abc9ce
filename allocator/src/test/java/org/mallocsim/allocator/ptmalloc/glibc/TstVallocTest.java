package org.mallocsim.allocator.ptmalloc.glibc;

import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-valloc.c (glibc-2.36): valloc (-1) and valloc (-pagesize) fail with ENOMEM
 * rather than overflow (BZ #15856), valloc (0) succeeds, and the result is page aligned.
 */
class TstVallocTest extends PageAlignedAllocCases {

    @Override
    long alloc(Allocator a, long size) {
        return a.valloc(size);
    }

    /** valloc keeps the size asked for. */
    @Override
    long usableSizeOf32Bytes() {
        return 32;
    }
}
