package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.ENOMEM;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.PAGESIZE;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-valloc.c (glibc-2.36): valloc (-1) and valloc (-pagesize) fail with ENOMEM
 * rather than overflow (BZ #15856), valloc (0) succeeds, and the result is page aligned.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstVallocTest {

    @Test
    void minusOneFailsWithEnomem() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.valloc(-1)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void minusPagesizeFailsWithEnomemNotAnOverflowBz15856() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.valloc(-PAGESIZE)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void sizeZeroSucceeds() {
        Allocator a = GlibcTestProcess.ptmalloc();

        long p = a.valloc(0);

        assertThat(p).isNotZero();
        a.free(p);
    }

    @Test
    void theResultIsPageAligned() {
        Allocator a = GlibcTestProcess.ptmalloc();
        a.malloc(8);

        long p = a.valloc(32);

        assertThat(p).isNotZero();
        assertThat(p & (PAGESIZE - 1)).isZero();
        assertThat(a.mallocUsableSize(p)).isGreaterThanOrEqualTo(32);
        a.free(p);
    }
}
