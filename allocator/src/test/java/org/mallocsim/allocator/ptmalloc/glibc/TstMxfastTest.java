package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-mxfast.c (glibc-2.36), run as malloc/Makefile runs it, with
 * {@code GLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0}: with fastbins off a
 * freed small chunk is not in a fastbin, so mallinfo's smblks stays 0. The second test is the
 * control that makes the first meaningful: without mxfast=0 the same chunk does land in a fastbin.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstMxfastTest {

    @Test
    void withMxfastZeroAFreedSmallChunkIsNotInAFastbin() {
        Allocator a = GlibcTestProcess.ptmalloc("glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0");
        long p1 = a.malloc(3);
        long p2 = a.malloc(512); // so that p1 is not next to top
        a.free(p1);

        assertThat(a.mallinfo2().smblks()).isZero();
        a.free(p2);
    }

    @Test
    void withTheDefaultMxfastTheSameChunkLandsInAFastbin() {
        Allocator a = GlibcTestProcess.ptmalloc("glibc.malloc.tcache_count=0");
        long p1 = a.malloc(3);
        a.malloc(512);
        a.free(p1);

        assertThat(a.mallinfo2().smblks()).isEqualTo(1);
        assertThat(a.mallinfo2().fsmblks()).isEqualTo(0x20);
    }
}
