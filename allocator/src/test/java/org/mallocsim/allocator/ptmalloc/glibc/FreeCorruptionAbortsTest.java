package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.kernel.SegmentationFault;

/**
 * Double frees and corrupted headers in the style of glibc's malloc/tst-malloc-backtrace.c and
 * tst-tcfree1.c, on the paths those tests do not reach: each program below was run against glibc
 * 2.36-9+deb12u14 on the reference machine, and the message is the one it printed before dying of
 * SIGABRT (the checks of {@code _int_free}, {@code munmap_chunk} and {@code __libc_realloc} in
 * malloc/malloc.c). Two controls pin what glibc does not catch.
 */
@ExtendWith(HeapCheckAfterEach.class)
class FreeCorruptionAbortsTest {

    private static String abortMessage(Allocator a, Runnable call) {
        HeapCheckAfterEach.corrupted(a);
        Throwable t = catchThrowable(call::run);
        assertThat(t).as("the process aborts").isInstanceOf(MallocAbort.class);
        return ((MallocAbort) t).glibcMessage();
    }

    @Test
    void aSecondFreeOfAnUnsortedChunkFindsItsNextChunksPrevInuseClear() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.malloc(2000); // 0x7e0: too big for the tcache and the fastbins
        a.malloc(16); // a guard, so p does not merge into top
        a.free(p);

        assertThat(abortMessage(a, () -> a.free(p))).isEqualTo("double free or corruption (!prev)");
    }

    @Test
    void aSecondFreeOfAChunkThatMergedIntoTopIsCaughtAsTop() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.malloc(2000);
        a.free(p); // next to top: p becomes top

        assertThat(abortMessage(a, () -> a.free(p))).isEqualTo("double free or corruption (top)");
    }

    @Test
    void freeOfAPointerInsideABlockIsAnInvalidPointer() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.malloc(40);

        assertThat(abortMessage(a, () -> a.free(p + 8))).isEqualTo("free(): invalid pointer");
    }

    @Test
    void aSizeWordBelowMinsizeIsAnInvalidSize() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.malloc(40);
        a.malloc(16);
        a.addressSpace().store64(p - 8, 0x11);

        assertThat(abortMessage(a, () -> a.free(p))).isEqualTo("free(): invalid size");
    }

    @Test
    void aCorruptedNextSizeIsCaughtOnTheNormalPath() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.malloc(2000);
        a.malloc(16);
        a.addressSpace().store64(p + 2000 + 8, 1); // the size word of the chunk after p's 0x7e0 chunk

        assertThat(abortMessage(a, () -> a.free(p))).isEqualTo("free(): invalid next size (normal)");
    }

    @Test
    void anMmappedChunkWhoseSizeIsNotPageAlignedIsAnInvalidMunmapChunk() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.malloc(200000);
        a.addressSpace().store64(p - 8, a.addressSpace().load64(p - 8) | 0x800);

        assertThat(abortMessage(a, () -> a.free(p))).isEqualTo("munmap_chunk(): invalid pointer");
    }

    @Test
    void reallocOfAPointerInsideABlockIsAnInvalidPointer() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.malloc(40);

        assertThat(abortMessage(a, () -> a.realloc(p + 8, 100))).isEqualTo("realloc(): invalid pointer");
    }

    @Test
    void aSecondFreeOfAnMmappedChunkFaultsOnTheUnmappedHeaderWithoutAMessage() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long p = a.malloc(200000);
        a.free(p);

        HeapCheckAfterEach.corrupted(a);
        assertThat(catchThrowable(() -> a.free(p))).isInstanceOf(SegmentationFault.class);
    }

    @Test
    void aDoubleFreeOfAFastbinChunkThatIsNotTheHeadGoesUndetectedAndTheChunkIsHandedOutTwice() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long[] p = new long[9];
        for (int i = 0; i < p.length; i++) {
            p[i] = a.malloc(40);
        }
        for (long q : p) {
            a.free(q); // p[0..6] fill the tcache; p[7], then p[8], go to fastbin 1
        }

        a.free(p[7]); // fasttop only compares with the head, p[8]: the fastbin is now a cycle
        HeapCheckAfterEach.corrupted(a);

        long[] got = new long[12];
        for (int k = 0; k < got.length; k++) {
            got[k] = a.malloc(40);
        }
        // as glibc returned them: the tcache LIFO, then p[7] and p[8] twice each (the stash into the
        // tcache walks the cycle), then a fresh chunk after p[8]
        assertThat(got).containsExactly(p[6], p[5], p[4], p[3], p[2], p[1], p[0], p[7], p[8], p[7], p[8], p[0] + 0x1b0);
    }
}
