package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.bytes;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.filled;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * glibc's malloc/tst-mallopt.c (glibc-2.36): each of these mallopt calls returns 1. Two more checks
 * hold the return value to glibc's {@code __libc_mallopt}: an M_MXFAST above MAX_FAST_SIZE (160) is
 * refused with 0, and the settings take effect.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstMalloptTest {
    static final int M_MXFAST = 1;
    static final int M_TRIM_THRESHOLD = -1;
    static final int M_TOP_PAD = -2;
    static final int M_MMAP_THRESHOLD = -3;
    static final int M_MMAP_MAX = -4;
    static final int M_CHECK_ACTION = -5;
    static final int M_PERTURB = -6;

    @Test
    void theCallsOfTstMalloptEachReturnOne() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.mallopt(M_CHECK_ACTION, 1)).as("M_CHECK_ACTION, 1").isEqualTo(1);
        assertThat(a.mallopt(M_MMAP_MAX, 64 * 1024)).as("M_MMAP_MAX, 64*1024").isEqualTo(1);
        assertThat(a.mallopt(M_MMAP_THRESHOLD, 64 * 1024))
                .as("M_MMAP_THRESHOLD, 64*1024")
                .isEqualTo(1);
        assertThat(a.mallopt(M_MXFAST, 0)).as("M_MXFAST, 0").isEqualTo(1);
        assertThat(a.mallopt(M_PERTURB, 0xa5)).as("M_PERTURB, 0xa5").isEqualTo(1);
        assertThat(a.mallopt(M_TOP_PAD, 64 * 1024)).as("M_TOP_PAD, 64*1024").isEqualTo(1);
        assertThat(a.mallopt(M_TRIM_THRESHOLD, -1)).as("M_TRIM_THRESHOLD, -1").isEqualTo(1);
    }

    @Test
    void anMxfastAboveMaxFastSizeIsRefused() {
        Allocator a = GlibcTestProcess.ptmalloc();

        assertThat(a.mallopt(M_MXFAST, 161)).isZero();
        assertThat(a.mallopt(M_MXFAST, 160)).isEqualTo(1);
    }

    @Test
    void aLoweredMmapThresholdMmapsWhatTopCannotServe() {
        Allocator a = GlibcTestProcess.ptmalloc();
        assertThat(a.mallopt(M_MMAP_THRESHOLD, 64 * 1024)).isEqualTo(1);

        long first = a.malloc(100000);
        long second = a.malloc(100000);

        // the threshold is consulted only in sysmalloc: the first comes from top, the second is mmapped
        assertThat(a.addressSpace().load64(first - 8) & 2)
                .as("first IS_MMAPPED")
                .isZero();
        assertThat(a.addressSpace().load64(second - 8)).as("second chunk word").isEqualTo(0x19002L);
    }

    @Test
    void withTheDefaultThresholdTheSameRequestExtendsTheHeap() {
        Allocator a = GlibcTestProcess.ptmalloc();

        a.malloc(100000);
        long second = a.malloc(100000);

        assertThat(a.addressSpace().load64(second - 8)).as("second chunk word").isEqualTo(0x186b1L);
    }

    @Test
    void perturbFillsFreshBlocksWithItsComplement() {
        Allocator a = GlibcTestProcess.ptmalloc();
        assertThat(a.mallopt(M_PERTURB, 0xa5)).isEqualTo(1);

        long p = a.malloc(64);

        // alloc_perturb: memset (p, perturb_byte ^ 0xff, bytes)
        assertThat(bytes(a, p, 64)).isEqualTo(filled(64, 0x5a));
    }
}
