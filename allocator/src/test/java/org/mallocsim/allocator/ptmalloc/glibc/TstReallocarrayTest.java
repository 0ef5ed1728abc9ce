package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.ENOMEM;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.bytes;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.filled;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.memset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-reallocarray.c (glibc-2.36): nmemb * size overflow fails with ENOMEM; otherwise
 * reallocarray behaves as realloc, keeping contents as the block grows and shrinks, and an
 * overflowing call leaves the block untouched.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstReallocarrayTest {
    static final long MAX = -1L;

    @Test
    void overflowingProductsFailWithEnomem() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long b = Long.divideUnsigned(MAX, 65537) + 1;

        assertThat(a.reallocarray(0, MAX, 2)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
        assertThat(a.reallocarray(0, 2, MAX)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
        assertThat(a.reallocarray(0, 65537, b)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
        assertThat(a.reallocarray(0, b, 65537)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
    }

    @Test
    void reallocarrayBehavesAsReallocAndAnOverflowLeavesTheBlockAlone() {
        Allocator a = GlibcTestProcess.ptmalloc();

        long ptr = a.reallocarray(0, 10, 2);
        assertThat(ptr).isNotZero();
        assertThat(a.mallocUsableSize(ptr)).isGreaterThanOrEqualTo(10 * 2);
        memset(a, ptr, 0xaf, 10 * 2);

        long ptr2 = a.reallocarray(ptr, 20, 2);
        assertThat(ptr2).isNotZero();
        ptr = ptr2;
        assertThat(a.mallocUsableSize(ptr)).isGreaterThanOrEqualTo(20 * 2);
        assertThat(bytes(a, ptr, 10 * 2)).isEqualTo(filled(10 * 2, 0xaf));

        ptr2 = a.reallocarray(ptr, 5, 3);
        assertThat(ptr2).isNotZero();
        ptr = ptr2;
        assertThat(a.mallocUsableSize(ptr)).isGreaterThanOrEqualTo(5 * 3);
        assertThat(bytes(a, ptr, 5 * 3)).isEqualTo(filled(5 * 3, 0xaf));

        assertThat(a.reallocarray(ptr, 2, MAX)).isZero();
        assertThat(a.errno()).isEqualTo(ENOMEM);
        assertThat(bytes(a, ptr, 5 * 3)).isEqualTo(filled(5 * 3, 0xaf));
        a.free(ptr);
    }
}
