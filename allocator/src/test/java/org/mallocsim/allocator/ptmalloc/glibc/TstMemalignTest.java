package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.EINVAL;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.ENOMEM;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.PAGESIZE;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-memalign.c (glibc-2.36): huge sizes fail with ENOMEM (BZ #15857), a huge
 * alignment with EINVAL (BZ #16038), size 0 succeeds, and the result is aligned.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstMemalignTest {

    @Test
    void aHugeSizeFailsWithEnomem() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.memalign(8, -1)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
        a.free(0);
    }

    @Test
    void minusPagesizeAtPageAlignmentFailsWithEnomemNotAnOverflowBz15857() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.memalign(PAGESIZE, -PAGESIZE)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void anAlignmentOfMinusOneFailsWithEinvalBz16038() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.memalign(-1, PAGESIZE)).isZero();
        assertThat(a.errno()).isEqualTo(EINVAL);
    }

    @Test
    void sizeZeroSucceeds() {
        Allocator a = GlibcTestProcess.ptmalloc();

        long p = a.memalign(8, 0);

        assertThat(p).isNotZero();
        a.free(p);
    }

    @Test
    void theResultIsAlignedTo0x100() {
        Allocator a = GlibcTestProcess.ptmalloc();
        a.malloc(8); // so that the next free space is not already 0x100-aligned by chance

        long p = a.memalign(0x100, 10);

        assertThat(p).isNotZero();
        assertThat(p & 0xff).isZero();
        assertThat(a.mallocUsableSize(p)).isGreaterThanOrEqualTo(10);
        a.free(p);
    }
}
