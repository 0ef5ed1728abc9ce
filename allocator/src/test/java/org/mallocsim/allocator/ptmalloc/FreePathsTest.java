package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The paths of __libc_free and _int_free: tcache, fastbins, coalescing, top, trimming. */
class FreePathsTest {
    private final Heap h = new Heap(Tunables.builder().tcacheCount(0).build());

    private long top() {
        return h.as.load64(h.pm.mainArena() + MallocState.TOP);
    }

    private long unsortedFirst() {
        return h.as.load64(MallocState.unsortedChunks(h.pm.mainArena()) + Chunk.FD);
    }

    @Test
    void freeOfChunkNextToTopMergesIntoTop() {
        long a = h.malloc(200);
        long topBefore = top();
        h.free(a);
        assertThat(top()).isEqualTo(a - 16);
        assertThat(h.as.load64(top() + 8)).isEqualTo(((topBefore - top()) + h.as.load64(topBefore + 8) - 1) | 1);
    }

    @Test
    void freeCoalescesBackwardAndForwardIntoOneUnsortedChunk() {
        long a = h.malloc(200);
        long b = h.malloc(200);
        long c = h.malloc(200);
        h.malloc(16);
        h.free(a);
        h.free(c);
        h.free(b);
        assertThat(unsortedFirst()).isEqualTo(a - 16);
        assertThat(h.as.load64(a - 8)).isEqualTo(3 * 0xd0 | 1);
        assertThat(h.as.load64(a - 16 + 3 * 0xd0)).isEqualTo(3 * 0xd0);
    }

    @Test
    void freedSmallChunkClearsThePrevInuseBitOfItsSuccessor() {
        long a = h.malloc(200);
        long b = h.malloc(16);
        h.free(a);
        assertThat(h.word(b) & Chunk.PREV_INUSE).isZero();
        assertThat(h.as.load64(b - 16)).isEqualTo(0xd0);
    }

    @Test
    void fastChunksStayMarkedInUseAndSafeLinked() {
        long a = h.malloc(24);
        long b = h.malloc(24);
        h.malloc(16);
        h.free(a);
        h.free(b);
        long fb = h.as.load64(MallocState.fastbin(h.pm.mainArena(), 0));
        assertThat(fb).isEqualTo(b - 16);
        assertThat(h.as.load64(b)).isEqualTo(Chunk.protectPtr(b, a - 16));
        assertThat(h.as.load64(a)).isEqualTo(Chunk.protectPtr(a, 0));
        assertThat(h.word(b) & 1).isEqualTo(1);
    }

    @Test
    void freeingAChunkAbove64KiBConsolidatesFastbinsAndTrimsTop() {
        long f = h.malloc(24);
        long big = h.malloc(200_000 - 100_000);
        long big2 = h.malloc(100_000);
        h.free(f);
        long brkBefore = h.brkOff();
        h.free(big2);
        h.free(big);
        assertThat(h.as.load64(MallocState.fastbin(h.pm.mainArena(), 0))).isZero();
        assertThat(top()).isEqualTo(f - 16);
        assertThat(h.brkOff()).isLessThan(brkBefore);
        long topSize = h.as.load64(top() + 8) & ~7L;
        assertThat(topSize).isBetween(128L * 1024 + 33, 128L * 1024 + 33 + 4095);
    }

    @Test
    void freeOfNullDoesNothingAndFreeKeepsErrno() {
        h.free(0);
        assertThat(h.malloc(-1L)).isZero();
        long a = h.malloc(10);
        h.free(a);
        assertThat(h.pm.errno()).isEqualTo(MallocContext.ENOMEM);
    }
}
