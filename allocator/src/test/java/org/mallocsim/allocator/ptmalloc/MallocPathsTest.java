package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The allocation paths of __libc_malloc and _int_malloc, with the fact sheet's golden layouts. */
class MallocPathsTest {
    private final Heap h = new Heap();

    @Test
    void firstMallocPutsTheTcacheAtTheHeapStartAndTheUserChunkAfterIt() {
        long p = h.malloc(16);
        assertThat(h.off(p)).isEqualTo(0x2a0);
        assertThat(h.word(p)).isEqualTo(0x21);
        assertThat(h.brkOff()).isEqualTo(0x21000);
        assertThat(h.pm.tcache()).isEqualTo(h.base + 0x10);
        assertThat(h.as.load64(h.base + 8)).isEqualTo(0x291);
        assertThat(h.pm.mallocUsableSize(p)).isEqualTo(24);
        long top = h.as.load64(h.pm.mainArena() + MallocState.TOP);
        assertThat(top - h.base).isEqualTo(0x2b0);
        assertThat(h.as.load64(top + 8)).isEqualTo((0x21000 - 0x2b0) | 1);
        assertThat(h.as.load64(h.pm.mainArena() + MallocState.SYSTEM_MEM)).isEqualTo(0x21000);
    }

    @Test
    void tcacheIsLastInFirstOut() {
        long a = h.malloc(24);
        long b = h.malloc(24);
        h.free(a);
        h.free(b);
        assertThat(h.malloc(24)).isEqualTo(b);
        assertThat(h.malloc(24)).isEqualTo(a);
    }

    @Test
    void theEighthFreeOfASizeGoesToItsFastbinAndComesBackAfterTheTcacheEmpties() {
        long[] q = new long[8];
        for (int i = 0; i < 8; i++) {
            q[i] = h.malloc(40);
        }
        for (int i = 0; i < 8; i++) {
            h.free(q[i]);
        }
        long fastbin1 = h.as.load64(MallocState.fastbin(h.pm.mainArena(), 1));
        assertThat(fastbin1).isEqualTo(q[7] - 16);
        for (int i = 6; i >= 0; i--) {
            assertThat(h.malloc(40)).isEqualTo(q[i]);
        }
        assertThat(h.malloc(40)).isEqualTo(q[7]);
    }

    @Test
    void aFastbinHitStashesTheRestOfItsBinIntoTheTcache() {
        long[] q = new long[10];
        for (int i = 0; i < 10; i++) {
            q[i] = h.malloc(40);
        }
        for (int i = 0; i < 10; i++) {
            h.free(q[i]);
        }
        for (int i = 0; i < 7; i++) {
            h.malloc(40);
        }
        // tcache empty, fastbin holds q9 -> q8 -> q7: q9 is served and q8, q7 move to the tcache
        assertThat(h.malloc(40)).isEqualTo(q[9]);
        assertThat(h.as.load64(MallocState.fastbin(h.pm.mainArena(), 1))).isZero();
        assertThat(h.malloc(40)).isEqualTo(q[7]);
        assertThat(h.malloc(40)).isEqualTo(q[8]);
    }

    @Test
    void aFreedLargeChunkIsBinnedThenSplitAndItsRemainderServesTheNextSmallRequest() {
        long l = h.malloc(0x500);
        h.malloc(16);
        h.free(l);
        assertThat(h.malloc(0x100)).isEqualTo(l);
        long lr = h.as.load64(h.pm.mainArena() + MallocState.LAST_REMAINDER);
        assertThat(lr).isEqualTo(l - 16 + 0x110);
        assertThat(h.malloc(0x100)).isEqualTo(l + 0x110);
    }

    @Test
    void smallbinHitsTakeTheOldestChunkAndStashTheOthers() {
        long[] p = new long[10];
        for (int i = 0; i < 10; i++) {
            p[i] = h.malloc(200);
            h.malloc(16);
        }
        for (int i = 0; i < 10; i++) {
            h.free(p[i]);
        }
        // 7 cached, p7..p9 in unsorted; a big request bins them into smallbin 13 (newest at front)
        h.malloc(3000);
        for (int i = 0; i < 7; i++) {
            h.malloc(200);
        }
        assertThat(h.malloc(200)).isEqualTo(p[7]);
        assertThat(h.malloc(200)).isEqualTo(p[9]);
        assertThat(h.malloc(200)).isEqualTo(p[8]);
    }

    @Test
    void largebinBestFitTakesTheSmallestChunkThatFits() {
        long a = h.malloc(0x1000);
        h.malloc(16);
        long b = h.malloc(0x1100);
        h.malloc(16);
        long c = h.malloc(0x1050);
        h.malloc(16);
        h.free(a);
        h.free(b);
        h.free(c);
        h.malloc(0x2000); // bins all three into largebin 99 (sizes 0x1010, 0x1060, 0x1110)
        assertThat(h.malloc(0x1040)).isEqualTo(c);
    }

    @Test
    void exactFitsFoundInTheUnsortedScanAreCachedAndTheLastOneReturned() {
        long[] p = new long[9];
        for (int i = 0; i < 9; i++) {
            p[i] = h.malloc(500);
            h.malloc(16);
        }
        for (int i = 0; i < 9; i++) {
            h.free(p[i]);
        }
        for (int i = 0; i < 7; i++) {
            h.malloc(500);
        }
        // unsorted holds p8 (newest, front) and p7; the scan caches p7 then p8, returns p8
        assertThat(h.malloc(500)).isEqualTo(p[8]);
        assertThat(h.malloc(500)).isEqualTo(p[7]);
    }

    @Test
    void aLargeRequestConsolidatesFastbinsFirst() {
        long[] q = new long[9];
        for (int i = 0; i < 9; i++) {
            q[i] = h.malloc(100);
        }
        long guard = h.malloc(16);
        for (int i = 0; i < 9; i++) {
            h.free(q[i]);
        }
        // q7, q8 are in fastbin 5; a large request merges them into one 0xe0 chunk and bins it
        h.malloc(2000);
        assertThat(h.as.load64(MallocState.fastbin(h.pm.mainArena(), 5))).isZero();
        long merged = q[7] - 16;
        assertThat(h.as.load64(merged + 8)).isEqualTo(0xe0 | 1);
        assertThat(guard).isPositive();
    }

    @Test
    void hugeRequestsFailWithEnomem() {
        assertThat(h.malloc(-1L)).isZero();
        assertThat(h.pm.errno()).isEqualTo(MallocContext.ENOMEM);
        assertThat(h.malloc(Long.MAX_VALUE)).isZero();
        assertThat(h.pm.errno()).isEqualTo(MallocContext.ENOMEM);
    }

    @Test
    void withTheTcacheOffTheSameSizeComesBackFromTheFastbin() {
        Heap t = new Heap(Tunables.builder().tcacheCount(0).build());
        long a = t.malloc(24);
        t.free(a);
        assertThat(t.as.load64(MallocState.fastbin(t.pm.mainArena(), 0))).isEqualTo(a - 16);
        assertThat(t.malloc(24)).isEqualTo(a);
    }

    @Test
    void tcacheUnsortedLimitReturnsACachedChunkOnceThatManyChunksWereBinned() {
        for (long limit : new long[] {0, 1}) {
            Heap t = new Heap(Tunables.builder().tcacheUnsortedLimit(limit).build());
            long[] p = new long[8];
            for (int i = 0; i < 8; i++) {
                p[i] = t.malloc(500);
                t.malloc(16);
            }
            long[] big = new long[3];
            for (int i = 0; i < 3; i++) {
                big[i] = t.malloc(3000 + 100 * i);
                t.malloc(16);
            }
            for (int i = 0; i < 8; i++) {
                t.free(p[i]);
            }
            for (int i = 0; i < 3; i++) {
                t.free(big[i]);
            }
            for (int i = 0; i < 7; i++) {
                t.malloc(500);
            }
            // unsorted, oldest first: p7 (cached), big0, big1 (binned: 2 > 1 returns), big2
            assertThat(t.malloc(500)).isEqualTo(p[7]);
            long unsorted = MallocState.unsortedChunks(t.pm.mainArena());
            long left = t.as.load64(unsorted + Chunk.FD);
            assertThat(left).isEqualTo(limit == 1 ? big[2] - 16 : unsorted);
        }
    }

    @Test
    void theUnsortedScanBinsAtMostTenThousandChunksPerPass() {
        Heap t = new Heap(Tunables.builder().tcacheCount(0).mxfast(0).build());
        long[] p = new long[10_001];
        for (int i = 0; i < p.length; i++) {
            p[i] = t.pm.malloc(24);
            t.pm.malloc(24);
        }
        for (long q : p) {
            t.pm.free(q);
        }
        // 10,001 chunks of 0x20 wait in unsorted; a large request bins 10,000 and stops
        t.pm.malloc(5000);
        long unsorted = MallocState.unsortedChunks(t.pm.mainArena());
        long first = t.as.load64(unsorted + Chunk.FD);
        assertThat(first).isEqualTo(p[10_000] - 16);
        assertThat(t.as.load64(unsorted + Chunk.BK)).isEqualTo(first);
        t.pm.checkHeap();
    }
}
