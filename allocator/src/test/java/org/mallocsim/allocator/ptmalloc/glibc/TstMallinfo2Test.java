package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;
import org.mallocsim.allocator.MallInfo2;

/**
 * glibc's malloc/tst-mallinfo2.c (glibc-2.36): after nineteen heap-sized mallocs of 160·i bytes,
 * uordblks grew by at least their total. The exact structs are the ones glibc 2.36-9+deb12u14
 * returned for the same calls in a fresh process on the reference machine (a C program with
 * nothing but these calls, printing to unbuffered stderr only after both mallinfo2 calls).
 */
@ExtendWith(HeapCheckAfterEach.class)
class TstMallinfo2Test {

    @Test
    void uordblksGrowsByAtLeastWhatWasAllocated() {
        Allocator a = GlibcTestProcess.ptmalloc();
        MallInfo2 mi1 = a.mallinfo2();
        long total = 0;
        for (int i = 1; i < 20; ++i) {
            assertThat(a.malloc(160L * i)).isNotZero();
            total += 160L * i;
        }
        MallInfo2 mi2 = a.mallinfo2();

        assertThat(mi2.uordblks()).isGreaterThanOrEqualTo(mi1.uordblks() + total);
    }

    @Test
    void theStructsAreGlibcsFieldForField() {
        Allocator a = GlibcTestProcess.ptmalloc();
        MallInfo2 mi1 = a.mallinfo2();
        for (int i = 1; i < 20; ++i) {
            a.malloc(160L * i);
        }
        MallInfo2 mi2 = a.mallinfo2();

        // before the first malloc: ptmalloc_init has run, top is the size-0 initial_top
        assertThat(mi1).isEqualTo(new MallInfo2(0, 1, 0, 0, 0, 0, 0, 0, 0, 0));
        // one 0x21000 brk heap: the 0x290 tcache and the nineteen chunks in use, the rest in top
        assertThat(mi2).isEqualTo(new MallInfo2(135168, 1, 0, 0, 0, 0, 0, 31360, 103808, 103808));
    }

    @Test
    void tcacheAndFastbinChunksAreCountedAsGlibcCountsThem() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long[] p = new long[9];
        for (int i = 0; i < p.length; i++) {
            p[i] = a.malloc(40);
        }
        for (long q : p) {
            a.free(q);
        }

        MallInfo2 mi = a.mallinfo2();

        // seven 0x30 chunks in tcache bin 1 count as in use; the other two sit in fastbin 1
        assertThat(mi.smblks()).isEqualTo(2);
        assertThat(mi.fsmblks()).isEqualTo(2 * 0x30);
        assertThat(mi.uordblks()).isEqualTo(0x290 + 7 * 0x30);
        assertThat(mi.arena()).isEqualTo(mi.uordblks() + mi.fordblks());
    }
}
