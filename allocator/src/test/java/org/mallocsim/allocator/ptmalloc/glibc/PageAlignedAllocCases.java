package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.ENOMEM;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.PAGESIZE;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * What glibc's malloc/tst-valloc.c and malloc/tst-pvalloc.c (glibc-2.36) both check, each for its
 * own function: a request of -1 or -pagesize fails with ENOMEM rather than overflowing the size
 * rounded up to pages (BZ #15856 for valloc, BZ #15855 for pvalloc), a request of 0 succeeds, and
 * the result is page aligned.
 */
@ExtendWith(HeapCheckAfterEach.class)
abstract class PageAlignedAllocCases {
    /** The function under test: {@code valloc(size)} or {@code pvalloc(size)}. */
    interface PageAlignedAlloc {
        long alloc(Allocator a, long size);
    }

    private final PageAlignedAlloc function;
    private final long usableSizeOf32Bytes;

    /**
     * @param function            the function under test
     * @param usableSizeOf32Bytes the least usable size it promises for a 32-byte request
     */
    PageAlignedAllocCases(PageAlignedAlloc function, long usableSizeOf32Bytes) {
        this.function = function;
        this.usableSizeOf32Bytes = usableSizeOf32Bytes;
    }

    private long alloc(Allocator a, long size) {
        return function.alloc(a, size);
    }

    @Test
    void minusOneFailsWithEnomem() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(alloc(a, -1)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void minusPagesizeFailsWithEnomemNotAnOverflow() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(alloc(a, -PAGESIZE)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void sizeZeroSucceeds() {
        Allocator a = GlibcTestProcess.ptmalloc();

        long p = alloc(a, 0);

        assertThat(p).isNotZero();
        a.free(p);
    }

    @Test
    void theResultIsPageAligned() {
        Allocator a = GlibcTestProcess.ptmalloc();
        a.malloc(8);

        long p = alloc(a, 32);

        assertThat(p).isNotZero();
        assertThat(p & (PAGESIZE - 1)).isZero();
        assertThat(a.mallocUsableSize(p)).isGreaterThanOrEqualTo(usableSizeOf32Bytes);
        a.free(p);
    }
}
