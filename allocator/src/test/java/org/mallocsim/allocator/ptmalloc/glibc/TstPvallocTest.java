package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.ENOMEM;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.PAGESIZE;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-pvalloc.c (glibc-2.36): pvalloc (-1) and pvalloc (-pagesize) fail with ENOMEM
 * rather than overflow (BZ #15855), pvalloc (0) succeeds, and the result is page aligned.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstPvallocTest {

    @Test
    void minusOneFailsWithEnomem() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.pvalloc(-1)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void minusPagesizeFailsWithEnomemNotAnOverflowBz15855() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.pvalloc(-PAGESIZE)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void sizeZeroSucceeds() {
        Allocator a = GlibcTestProcess.ptmalloc();

        long p = a.pvalloc(0);

        assertThat(p).isNotZero();
        a.free(p);
    }

    @Test
    void theResultIsPageAligned() {
        Allocator a = GlibcTestProcess.ptmalloc();
        a.malloc(8);

        long p = a.pvalloc(32);

        assertThat(p).isNotZero();
        assertThat(p & (PAGESIZE - 1)).isZero();
        assertThat(a.mallocUsableSize(p)).isGreaterThanOrEqualTo(PAGESIZE);
        a.free(p);
    }
}
