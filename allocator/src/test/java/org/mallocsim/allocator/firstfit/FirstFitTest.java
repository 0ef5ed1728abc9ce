package org.mallocsim.allocator.firstfit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.allocator.common.BoundaryTagHeap;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.kernel.mm.SyscallKind;

/** First fit's own behaviour, and what every boundary-tag heap does: split, merge, grow, trim, its aborts. */
class FirstFitTest {
    private final AddressSpace space = new AddressSpace(KernelConfig.defaults());
    private final FirstFit heap = new FirstFit(space, Map.of());
    private final long start = space.currentBrk();

    @AfterEach
    void theHeapChecksOut() {
        heap.checkHeap();
        space.checkConsistency();
    }

    @Test
    void theLowestAddressedFreeChunkThatFitsServesTheRequest() {
        long a = heap.malloc(200);
        heap.malloc(10);
        long b = heap.malloc(200);
        heap.malloc(10);
        long c = heap.malloc(100);
        heap.malloc(10);
        heap.free(c);
        heap.free(b);
        heap.free(a);
        assertThat(heap.malloc(90)).as("a, the lowest, though c fits better").isEqualTo(a);
        assertThat(heap.malloc(90)).as("b, the next lowest that fits").isEqualTo(b);
        assertThat(heap.malloc(90)).as("c").isEqualTo(c);
    }

    @Test
    void theFirstChunkStartsAtTheBreakAndASplitLeavesItsRemainderInPlace() {
        long a = heap.malloc(200);
        assertThat(a).isEqualTo(start + 16);
        heap.malloc(10);
        heap.free(a);
        long p = heap.malloc(50);
        long q = heap.malloc(50);
        assertThat(p).isEqualTo(a);
        assertThat(q).as("request2size(50) = 64 after p").isEqualTo(a + 64);
    }

    @Test
    void freedNeighboursMergeAtOnceInEitherOrder() {
        long a = heap.malloc(100);
        long b = heap.malloc(100);
        long c = heap.malloc(100);
        heap.malloc(10);
        long freeChunks = heap.mallinfo2().ordblks();
        heap.free(a);
        heap.free(c);
        assertThat(heap.mallinfo2().ordblks()).isEqualTo(freeChunks + 2);
        heap.free(b);
        assertThat(heap.mallinfo2().ordblks()).as("a, b and c are one chunk").isEqualTo(freeChunks + 1);
        assertThat(heap.malloc(3 * 112 - 8))
                .as("the merged chunk serves three chunks' worth")
                .isEqualTo(a);
    }

    @Test
    void theBreakGrowsByTheRequestAndTopPadAndShrinksWhenTheFreeTailPassesTheTrimThreshold() {
        long p = heap.malloc(100_000);
        long grown = space.currentBrk() - start;
        assertThat(grown)
                .isGreaterThanOrEqualTo(100_000 + BoundaryTagHeap.TOP_PAD)
                .isLessThan(100_000 + BoundaryTagHeap.TOP_PAD + 8192);
        long q = heap.malloc(100_000);
        long r = heap.malloc(100_000);
        long high = space.currentBrk();
        heap.free(r);
        heap.free(q);
        heap.free(p);
        assertThat(space.currentBrk()).as("trimmed").isLessThan(high);
        assertThat(space.currentBrk() - start).isLessThanOrEqualTo(BoundaryTagHeap.TOP_PAD + 8192);
        assertThat(heap.mallinfo2().keepcost()).isEqualTo(space.currentBrk() - start - 16);
    }

    @Test
    void largeRequestsGetRegionsOfTheirOwnThatFreeUnmaps() {
        long p = heap.malloc(200_000);
        assertThat(p < start || p > start + (1 << 20)).as("0x%x is mmapped", p).isTrue();
        assertThat(heap.mallinfo2().hblks()).isEqualTo(1);
        assertThat(heap.mallinfo2().hblkhd()).isEqualTo(200_704);
        long munmaps = space.syscallCount(SyscallKind.MUNMAP);
        heap.free(p);
        assertThat(space.syscallCount(SyscallKind.MUNMAP)).isEqualTo(munmaps + 1);
        assertThat(heap.mallinfo2().hblks()).isZero();
    }

    @Test
    void reallocGrowsIntoAFreeNeighbourAndShrinksInPlace() {
        long a = heap.malloc(100);
        long b = heap.malloc(300);
        heap.malloc(10);
        heap.free(b);
        space.store64(a, 0x1234);
        assertThat(heap.realloc(a, 350)).as("a absorbs the free b").isEqualTo(a);
        assertThat(space.load64(a)).isEqualTo(0x1234);
        assertThat(heap.realloc(a, 40)).isEqualTo(a);
        assertThat(heap.malloc(200))
                .as("the tail given back serves the next request")
                .isEqualTo(a + 48);
    }

    @Test
    void whenBrkIsBlockedTheHeapGoesOnInMmappedSegmentsThatFreeAndMergeLikeTheRest() {
        long blocker = start + 32 * 4096;
        assertThat(space.mmap(
                        blocker, 4096, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0))
                .isEqualTo(blocker);
        long a = heap.malloc(100_000); // the brk heap: request + TOP_PAD would pass the blocker
        assertThat(a < start || a > blocker).as("0x%x is in a segment", a).isTrue();
        long b = heap.malloc(100_000);
        long c = heap.malloc(100);
        assertThat(b).as("the same segment").isEqualTo(a + 100_016);
        heap.free(a);
        heap.free(b);
        assertThat(heap.malloc(120_000))
                .as("a and b merged: a alone is too small")
                .isEqualTo(a);
        heap.free(c);
        assertThat(heap.mallinfo2().arena()).isEqualTo(BoundaryTagHeap.SEGMENT_BYTES);
    }

    @Test
    void badPointersEndTheProcessWithTheDocumentedMessages() {
        long a = heap.malloc(100);
        long b = heap.malloc(100);
        heap.malloc(10);
        assertThatThrownBy(() -> heap.free(a + 8))
                .isInstanceOf(MallocAbort.class)
                .hasMessage("free(): invalid pointer");
        space.store64(a + 40, 0);
        assertThatThrownBy(() -> heap.free(a + 48)).hasMessage("free(): invalid size");
        heap.free(b);
        assertThatThrownBy(() -> heap.free(b)).hasMessage("free(): double free detected");
        assertThatThrownBy(() -> heap.realloc(b, 10)).hasMessage("realloc(): double free detected");
        assertThat(heap.mallocUsableSize(b))
                .as("a free chunk has no usable bytes")
                .isZero();
        space.store64(a - 8, space.load64(a - 8) | 0x2);
        assertThatThrownBy(() -> heap.free(a)).hasMessage("free(): invalid mmapped block");
        space.store64(a - 8, space.load64(a - 8) & ~0x2L);
    }
}
