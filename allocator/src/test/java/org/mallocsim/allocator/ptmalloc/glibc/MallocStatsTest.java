package org.mallocsim.allocator.ptmalloc.glibc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mallocsim.allocator.Allocator;

/**
 * malloc_stats () byte for byte (malloc/malloc.c {@code __malloc_stats}). glibc's own test of it,
 * malloc/tst-malloc-stats-cancellation.c, is about thread cancellation inside the call, which the
 * emulation has no threads for; this test pins the text instead, as glibc 2.36-9+deb12u14 printed it
 * on the reference machine for the same calls (stderr is unbuffered, so printing allocates nothing):
 * a hundred heap blocks, every third freed, and two mmapped ones of which one is freed, so the
 * totals include mmapped memory and the maximum counts remember the freed one.
 */
@ExtendWith(HeapCheckAfterEach.class)
class MallocStatsTest {

    @Test
    void mallocStatsPrintsGlibcsTextForHeapAndMmappedBlocks() {
        Allocator a = GlibcTestProcess.ptmalloc();
        long[] p = new long[100];
        for (int i = 0; i < p.length; i++) {
            p[i] = a.malloc(100 + i * 37L);
        }
        a.malloc(300000);
        long big2 = a.malloc(200000);
        for (int i = 0; i < p.length; i += 3) {
            a.free(p[i]);
        }
        a.free(big2);

        assertThat(a.mallocStats()).isEqualTo("""
                Arena 0:
                system bytes     =     270336
                in use bytes     =     134208
                Total (incl. mmap):
                system bytes     =     573440
                in use bytes     =     437312
                max mmap regions =          2
                max mmap bytes   =     503808
                """);
    }
}
