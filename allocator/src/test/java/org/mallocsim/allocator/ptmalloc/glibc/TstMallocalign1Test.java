package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.allocator.Allocator;

/** glibc's malloc/tst-mallocalign1.c (glibc-2.36): malloc returns MALLOC_ALIGNMENT (16) aligned blocks. */
@ExtendWith(HeapCheckAfterEach.class)
class TstMallocalign1Test {

    @ParameterizedTest(name = "malloc ({0})")
    @ValueSource(longs = {2, 8, 13, 16, 23, 43, 123})
    void mallocReturnsSixteenByteAlignedPointers(long size) {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.malloc(size);

        assertThat(p).isNotZero();
        assertThat(p & 15).isZero();
        a.free(p);
        long q = a.malloc(size);
        assertThat(q & 15).isZero();
    }
}
