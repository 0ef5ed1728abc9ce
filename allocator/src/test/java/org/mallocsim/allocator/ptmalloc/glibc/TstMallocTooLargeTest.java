package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.ENOMEM;
import static org.mallocsim.allocator.ptmalloc.glibc.GlibcTestProcess.PAGESIZE;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.kernel.mm.KernelConfig;

/**
 * glibc's malloc/tst-malloc-too-large.c (glibc-2.36): with RLIMIT_AS at 2^50 - 1, every allocation
 * function fails with ENOMEM (posix_memalign returns it) for sizes within 2^14 of SIZE_MAX, just
 * above PTRDIFF_MAX, and at every 2^50 step from SIZE_MAX down to 2^50; a realloc that fails leaves
 * its block usable. Each call is preceded by a small malloc and free, as in glibc. The three loops
 * of glibc's do_test are three tests here, in one process each.
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstMallocTooLargeTest {
    static final long FOURTEEN_ON_BITS = (1L << 14) - 1;
    static final long FIFTY_ON_BITS = (1L << 50) - 1;
    static final long PTRDIFF_MAX = Long.MAX_VALUE;

    private Allocator a;

    @BeforeEach
    void freshProcessWithAFiftyBitAddressSpaceLimit() {
        KernelConfig limited = KernelConfig.builder().rlimitAs(FIFTY_ON_BITS).build();
        a = GlibcTestProcess.ptmalloc(limited, "");
    }

    @Test
    void sizesWithinTwoToTheFourteenOfSizeMaxFail() {
        for (long i = 0; i <= FOURTEEN_ON_BITS; i++) {
            testLargeAllocations(-1L - i);
            testLargeAlignedAllocations(-1L - i);
        }
    }

    @Test
    void sizesJustAbovePtrdiffMaxFail() {
        for (long i = 1; i <= FOURTEEN_ON_BITS; i++) {
            testLargeAllocations(PTRDIFF_MAX + i);
            testLargeAlignedAllocations(PTRDIFF_MAX + i);
        }
    }

    @Test
    void sizesAtEveryTwoToTheFiftyStepFail() {
        for (long msbs = FOURTEEN_ON_BITS; msbs >= 1; msbs--) {
            long size = (msbs << 50) | FIFTY_ON_BITS;
            testLargeAllocations(size);
            testLargeAlignedAllocations(size);
            size = msbs << 50;
            testLargeAllocations(size);
            testLargeAlignedAllocations(size);
        }
    }

    /** A small successful malloc and free before each call under test. */
    private void testSetup() {
        long ptr = a.malloc(16);
        assertThat(ptr).isNotZero();
        a.free(ptr);
    }

    private void assertEnomem(long result, String call, long size) {
        if (result != 0 || a.errno() != ENOMEM) {
            throw new AssertionError(String.format(
                    "%s with size 0x%x returned 0x%x, errno %d (want NULL, ENOMEM)", call, size, result, a.errno()));
        }
    }

    private void testLargeAllocations(long size) {
        testSetup();
        assertEnomem(a.malloc(size), "malloc", size);
        long ptrToRealloc = a.malloc(16);
        assertThat(ptrToRealloc).isNotZero();
        testSetup();
        assertEnomem(a.realloc(ptrToRealloc, size), "realloc", size);
        a.free(ptrToRealloc);
        for (long nmemb = 1; nmemb <= 8; nmemb *= 2) {
            if (Long.remainderUnsigned(size, nmemb) != 0) {
                break;
            }
            long part = Long.divideUnsigned(size, nmemb);
            testSetup();
            assertEnomem(a.calloc(nmemb, part), "calloc (" + nmemb + ", size/nmemb)", size);
            testSetup();
            assertEnomem(a.calloc(part, nmemb), "calloc (size/nmemb, " + nmemb + ")", size);
            ptrToRealloc = a.malloc(16);
            assertThat(ptrToRealloc).isNotZero();
            testSetup();
            assertEnomem(
                    a.reallocarray(ptrToRealloc, nmemb, part), "reallocarray (p, " + nmemb + ", size/nmemb)", size);
            a.free(ptrToRealloc);
            ptrToRealloc = a.malloc(16);
            assertThat(ptrToRealloc).isNotZero();
            testSetup();
            assertEnomem(
                    a.reallocarray(ptrToRealloc, part, nmemb), "reallocarray (p, size/nmemb, " + nmemb + ")", size);
            a.free(ptrToRealloc);
        }
    }

    private void testLargeAlignedAllocations(long size) {
        for (long align = 1; align <= PAGESIZE; align *= 2) {
            testSetup();
            assertEnomem(a.memalign(align, size), "memalign (" + align + ")", size);
            if (align % 8 == 0) {
                testSetup();
                long r = a.posixMemalign(align, size);
                if (r != -ENOMEM) {
                    throw new AssertionError(String.format(
                            "posix_memalign (%d) with size 0x%x returned %d (want -ENOMEM)", align, size, r));
                }
            }
            if (Long.remainderUnsigned(size, align) == 0) {
                testSetup();
                assertEnomem(a.alignedAlloc(align, size), "aligned_alloc (" + align + ")", size);
            }
        }
        testSetup();
        assertEnomem(a.valloc(size), "valloc", size);
        testSetup();
        assertEnomem(a.pvalloc(size), "pvalloc", size);
    }
}
