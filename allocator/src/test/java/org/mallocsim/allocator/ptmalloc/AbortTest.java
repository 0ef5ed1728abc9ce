package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.mallocsim.allocator.MallocAbort;

/**
 * Every reachable malloc_printerr of glibc 2.36 (fact sheet §9), each provoked by the corruption
 * that trips it; after the abort the process answers nothing more.
 */
class AbortTest {
    private final Heap h = new Heap();
    private final Heap t0 = new Heap(Tunables.builder().tcacheCount(0).build());

    private static void aborts(Heap heap, String message, Executable call) {
        MallocAbort a = assertThrows(MallocAbort.class, call);
        assertThat(a.glibcMessage()).isEqualTo(message);
        assertThat(a.stderrLine()).isEqualTo(message + "\n");
        MallocAbort again = assertThrows(MallocAbort.class, () -> heap.pm.malloc(1));
        assertThat(again.glibcMessage()).isEqualTo(message);
    }

    private long arena(Heap heap) {
        return heap.pm.mainArena();
    }

    /** A 200-byte chunk in unsorted with a guard after it (tcache off). */
    private long unsortedChunk() {
        long a = t0.malloc(200);
        t0.malloc(16);
        t0.free(a);
        return a - 16;
    }

    /** A 24-byte block freed into a fastbin (tcache off), a guard after it; returns the block. */
    private long fastChunk() {
        long a = t0.malloc(24);
        t0.malloc(16);
        t0.free(a);
        return a;
    }

    /**
     * Two 24-byte blocks freed (into the tcache, or a fastbin when tcache is off), the second, now
     * the list's head, linking to the first's middle: the list's next entry is misaligned.
     */
    private static void misalignedSecondEntry(Heap heap) {
        long a = heap.malloc(24);
        long b = heap.malloc(24);
        heap.malloc(16);
        heap.free(a);
        heap.free(b);
        heap.as.store64(b, Chunk.protectPtr(b, a + 8));
    }

    /**
     * Block a freed into the tcache with its link set to {@code a + linkOffset}, and block b made to
     * look as if it were in the tcache too (it carries tcache_key), so that freeing b walks the list.
     */
    private long tcacheListWithLinkTo(long linkOffset) {
        long a = h.malloc(24);
        long b = h.malloc(24);
        h.free(a);
        h.as.store64(a, Chunk.protectPtr(a, a + linkOffset));
        h.as.store64(b + 8, h.pm.tcacheKey());
        return b;
    }

    /** A mmapped block whose prev_size (the offset of the chunk in its mapping) is 8, not 0. */
    private long mmappedChunkWithABadOffset() {
        long a = h.malloc(200_000);
        h.as.store64(a - 16, 8);
        return a;
    }

    /** A 100-byte block whose first word is written, so a pointer 8 bytes in is a misaligned chunk. */
    private long blockUnderAMisalignedPointer() {
        long a = h.malloc(100);
        h.as.store64(a, 0);
        return a + 8;
    }

    /** The main arena's top chunk, its size word overwritten with {@code size}, after one malloc. */
    private void topSizeSetTo(long size) {
        h.malloc(16);
        long top = h.as.load64(arena(h) + MallocState.TOP);
        h.as.store64(top + 8, size);
    }

    /** Blocks x and a of 200 bytes and a guard g (tcache off), a freed; returns {x, a, g}. */
    private long[] blockBeforeAFreeChunk() {
        long x = t0.malloc(200);
        long a = t0.malloc(200);
        long g = t0.malloc(16);
        t0.free(a);
        return new long[] {x, a, g};
    }

    // ---- free ----------------------------------------------------------------------------------

    @Test
    void doubleFreeIntoTheTcache() {
        long a = h.malloc(24);
        h.free(a);
        aborts(h, "free(): double free detected in tcache 2", () -> h.pm.free(a));
    }

    @Test
    void doubleFreeAtTheHeadOfAFastbin() {
        long a = fastChunk();
        aborts(t0, "double free or corruption (fasttop)", () -> t0.pm.free(a));
    }

    @Test
    void freeOfAMisalignedPointer() {
        long p = blockUnderAMisalignedPointer();
        aborts(h, "free(): invalid pointer", () -> h.pm.free(p));
    }

    @Test
    void freeOfAChunkWithAMisalignedSize() {
        long a = h.malloc(100);
        h.as.store64(a - 8, 0x79);
        aborts(h, "free(): invalid size", () -> h.pm.free(a));
    }

    @Test
    void freeOfTheTopChunk() {
        h.malloc(100);
        long top = h.as.load64(arena(h) + MallocState.TOP);
        aborts(h, "double free or corruption (top)", () -> h.pm.free(top + 16));
    }

    @Test
    void freeOfAChunkReachingPastTop() {
        long a = h.malloc(2000);
        h.as.store64(a - 8, 0x100001);
        aborts(h, "double free or corruption (out)", () -> h.pm.free(a));
    }

    @Test
    void freeOfAChunkAlreadyFree() {
        long a = h.malloc(2000);
        h.malloc(16);
        h.free(a);
        aborts(h, "double free or corruption (!prev)", () -> h.pm.free(a));
    }

    @Test
    void fastFreeWithABadNextSize() {
        long a = t0.malloc(24);
        long b = t0.malloc(24);
        t0.as.store64(b - 8, 0);
        aborts(t0, "free(): invalid next size (fast)", () -> t0.pm.free(a));
    }

    @Test
    void normalFreeWithABadNextSize() {
        long a = h.malloc(2000);
        long b = h.malloc(16);
        h.as.store64(b - 8, 1);
        aborts(h, "free(): invalid next size (normal)", () -> h.pm.free(a));
    }

    @Test
    void freeOfAMmappedChunkWithABadOffset() {
        long a = mmappedChunkWithABadOffset();
        aborts(h, "munmap_chunk(): invalid pointer", () -> h.pm.free(a));
    }

    @Test
    void tcacheWalkThatNeverEnds() {
        long b = tcacheListWithLinkTo(0);
        aborts(h, "free(): too many chunks detected in tcache", () -> h.pm.free(b));
    }

    @Test
    void tcacheWalkMeetingAMisalignedEntry() {
        long b = tcacheListWithLinkTo(8);
        aborts(h, "free(): unaligned chunk detected in tcache 2", () -> h.pm.free(b));
    }

    @Test
    void freeIntoACorruptedUnsortedList() {
        long x = t0.malloc(200);
        t0.malloc(16);
        long b = t0.malloc(200);
        t0.malloc(16);
        t0.free(x);
        t0.as.store64(x - 16 + Chunk.BK, b - 16);
        aborts(t0, "free(): corrupted unsorted chunks", () -> t0.pm.free(b));
    }

    @Test
    void splitTailFreedOntoAFastbinWhoseHeadHasAnotherSize() {
        long x = t0.malloc(24);
        t0.malloc(16);
        long b = t0.malloc(56);
        t0.malloc(16);
        t0.free(x);
        t0.as.store64(x - 8, 0x31);
        aborts(t0, "invalid fastbin entry (free)", () -> t0.pm.realloc(b, 24));
    }

    @Test
    void coalescingWithAPrevSizeThatDisagrees() {
        long x = t0.malloc(200);
        long y = t0.malloc(200);
        t0.malloc(16);
        t0.free(x);
        t0.as.store64(y - 16, 0xa0);
        aborts(t0, "corrupted size vs. prev_size while consolidating", () -> t0.pm.free(y));
    }

    @Test
    void unlinkOfAChunkWhoseFootDisagrees() {
        long[] xag = blockBeforeAFreeChunk();
        t0.as.store64(xag[2] - 16, 0xc0);
        aborts(t0, "corrupted size vs. prev_size", () -> t0.pm.free(xag[0]));
    }

    @Test
    void unlinkOfAChunkWithBrokenLinks() {
        long[] xag = blockBeforeAFreeChunk();
        t0.as.store64(xag[1], xag[2] - 16);
        aborts(t0, "corrupted double-linked list", () -> t0.pm.free(xag[0]));
    }

    // ---- malloc --------------------------------------------------------------------------------

    @Test
    void tcacheHeadMisaligned() {
        misalignedSecondEntry(h);
        h.pm.malloc(24);
        aborts(h, "malloc(): unaligned tcache chunk detected", () -> h.pm.malloc(24));
    }

    @Test
    void fastbinHeadMisaligned() {
        misalignedSecondEntry(t0);
        t0.pm.malloc(24);
        aborts(t0, "malloc(): unaligned fastbin chunk detected 2", () -> t0.pm.malloc(24));
    }

    @Test
    void fastbinEntryMisalignedWhileStashing() {
        long[] q = new long[9];
        for (int i = 0; i < 9; i++) {
            q[i] = h.malloc(24);
        }
        for (int i = 0; i < 9; i++) {
            h.free(q[i]);
        }
        for (int i = 0; i < 7; i++) {
            h.malloc(24);
        }
        h.as.store64(q[8], Chunk.protectPtr(q[8], q[7] + 8));
        aborts(h, "malloc(): unaligned fastbin chunk detected 3", () -> h.pm.malloc(24));
    }

    @Test
    void fastbinChunkOfTheWrongSize() {
        long a = fastChunk();
        t0.as.store64(a - 8, 0x31);
        aborts(t0, "malloc(): memory corruption (fast)", () -> t0.pm.malloc(24));
    }

    @Test
    void smallbinWithABrokenBackLink() {
        long a = t0.malloc(200);
        long g = t0.malloc(16);
        t0.free(a);
        t0.malloc(3000);
        t0.as.store64(a + 8, g - 16);
        aborts(t0, "malloc(): smallbin double linked list corrupted", () -> t0.pm.malloc(200));
    }

    @Test
    void unsortedChunkTooSmall() {
        long a = unsortedChunk();
        t0.as.store64(a + 8, 0x11);
        aborts(t0, "malloc(): invalid size (unsorted)", () -> t0.pm.malloc(100));
    }

    @Test
    void unsortedChunkWithABadNextSize() {
        long a = unsortedChunk();
        t0.as.store64(a + 0xd0 + 8, 0);
        aborts(t0, "malloc(): invalid next size (unsorted)", () -> t0.pm.malloc(100));
    }

    @Test
    void unsortedChunkWhoseFootDisagrees() {
        long a = unsortedChunk();
        t0.as.store64(a + 0xd0, 0xc0);
        aborts(t0, "malloc(): mismatching next->prev_size (unsorted)", () -> t0.pm.malloc(100));
    }

    @Test
    void unsortedChunkWithBrokenLinks() {
        long a = unsortedChunk();
        t0.as.store64(a + Chunk.FD, a);
        aborts(t0, "malloc(): unsorted double linked list corrupted", () -> t0.pm.malloc(100));
    }

    @Test
    void unsortedChunkWhoseSuccessorSaysItIsInUse() {
        long a = unsortedChunk();
        t0.as.store64(a + 0xd0 + 8, 0x21);
        aborts(t0, "malloc(): invalid next->prev_inuse (unsorted)", () -> t0.pm.malloc(100));
    }

    /** L (chunk 0x5b0) in largebin 70, and the unsorted header's fd pointing at garbage. */
    private long largeChunkWithCorruptUnsortedFd() {
        long l = t0.malloc(0x5a0);
        long g = t0.malloc(16);
        t0.free(l);
        t0.malloc(0x1000);
        t0.as.store64(MallocState.unsortedChunks(arena(t0)) + Chunk.FD, g - 16);
        return l;
    }

    @Test
    void largebinSplitIntoACorruptedUnsortedList() {
        largeChunkWithCorruptUnsortedFd();
        aborts(t0, "malloc(): corrupted unsorted chunks", () -> t0.pm.malloc(0x570));
    }

    @Test
    void binmapSplitIntoACorruptedUnsortedList() {
        largeChunkWithCorruptUnsortedFd();
        aborts(t0, "malloc(): corrupted unsorted chunks 2", () -> t0.pm.malloc(0x100));
    }

    /** A (chunk 0x1010) alone in largebin 99; V (chunk 0x1100) in unsorted, to be binned next to it. */
    private long[] twoChunksForLargebin99() {
        long a = t0.malloc(0x1000);
        long g = t0.malloc(16);
        long v = t0.malloc(0x10f0);
        t0.malloc(16);
        t0.free(a);
        t0.malloc(0x2000);
        t0.free(v);
        return new long[] {a - 16, g - 16};
    }

    @Test
    void largebinInsertWithABrokenNextsizeList() {
        long[] ag = twoChunksForLargebin99();
        t0.as.store64(ag[0] + Chunk.BK_NEXTSIZE, ag[1]);
        aborts(t0, "malloc(): largebin double linked list corrupted (nextsize)", () -> t0.pm.malloc(0x3000));
    }

    @Test
    void largebinInsertWithABrokenBackLink() {
        long[] ag = twoChunksForLargebin99();
        t0.as.store64(ag[0] + Chunk.BK, ag[1]);
        aborts(t0, "malloc(): largebin double linked list corrupted (bk)", () -> t0.pm.malloc(0x3000));
    }

    @Test
    void topChunkLargerThanTheSystemMemory() {
        topSizeSetTo(0x1000001);
        aborts(h, "malloc(): corrupted top size", () -> h.pm.malloc(2000));
    }

    @Test
    void consolidationOfAFastChunkOfTheWrongSize() {
        long a = fastChunk();
        t0.as.store64(a - 8, 0x31);
        aborts(t0, "malloc_consolidate(): invalid chunk size", () -> t0.pm.malloc(2000));
    }

    @Test
    void consolidationMeetingAMisalignedFastChunk() {
        misalignedSecondEntry(t0);
        aborts(t0, "malloc_consolidate(): unaligned fastbin chunk detected", () -> t0.pm.malloc(2000));
    }

    @Test
    void consolidationWithAPrevSizeThatDisagrees() {
        long x = t0.malloc(200);
        long a = t0.malloc(24);
        t0.malloc(16);
        t0.free(x);
        t0.free(a);
        t0.as.store64(a - 16, 0x40);
        aborts(t0, "corrupted size vs. prev_size in fastbins", () -> t0.pm.malloc(2000));
    }

    // ---- realloc and statistics ---------------------------------------------------------------

    @Test
    void reallocOfAMisalignedPointer() {
        long p = blockUnderAMisalignedPointer();
        aborts(h, "realloc(): invalid pointer", () -> h.pm.realloc(p, 200));
    }

    @Test
    void reallocOfAChunkWithAHugeSize() {
        long a = h.malloc(100);
        h.as.store64(a - 8, 0x1000001);
        aborts(h, "realloc(): invalid old size", () -> h.pm.realloc(a, 200));
    }

    @Test
    void reallocWithABadNextSize() {
        long a = h.malloc(100);
        long b = h.malloc(100);
        h.as.store64(b - 8, 1);
        aborts(h, "realloc(): invalid next size", () -> h.pm.realloc(a, 500));
    }

    @Test
    void reallocOfAMmappedChunkWithABadOffset() {
        long a = mmappedChunkWithABadOffset();
        aborts(h, "mremap_chunk(): invalid pointer", () -> h.pm.realloc(a, 300_000));
    }

    @Test
    void mallinfoWalkingAMisalignedFastbin() {
        misalignedSecondEntry(t0);
        aborts(t0, "int_mallinfo(): unaligned fastbin chunk detected", () -> t0.pm.mallinfo2());
    }

    @Test
    void mallocInfoWalkingAMisalignedFastbin() {
        misalignedSecondEntry(t0);
        aborts(t0, "__malloc_info(): unaligned fastbin chunk detected", () -> t0.pm.mallocInfo(0));
    }

    @Test
    void sysmallocAssertsThatTopEndsOnAPageBoundary() {
        topSizeSetTo(0x1001);
        aborts(
                h,
                "Fatal glibc error: malloc assertion failure in sysmalloc: (old_top == initial_top (av) && "
                        + "old_size == 0) || ((unsigned long) (old_size) >= MINSIZE && prev_inuse (old_top) && "
                        + "((unsigned long) old_end & (pagesize - 1)) == 0)",
                () -> h.pm.malloc(0x2000));
    }

    @Test
    void fastbinWithAMisalignedNextOnceThreadsRun() {
        // REMOVE_FB, the multi-threaded pop, checks the new head before taking the chunk
        t0.pm.switchThread(1);
        misalignedSecondEntry(t0);
        t0.pm.switchThread(2);
        t0.pm.switchThread(1);
        aborts(t0, "malloc(): unaligned fastbin chunk detected", () -> t0.pm.malloc(24));
    }
}
