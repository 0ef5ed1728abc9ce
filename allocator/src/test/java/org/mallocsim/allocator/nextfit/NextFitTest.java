package org.mallocsim.allocator.nextfit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.common.PolicyAllocator;
import org.mallocsim.allocator.firstfit.FirstFit;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/** Next fit resumes where the last search ended; first fit, on the same calls, starts over. */
class NextFitTest {
    private final AddressSpace space = new AddressSpace(KernelConfig.defaults());
    private final NextFit heap = new NextFit(space, Map.of());

    @AfterEach
    void theHeapChecksOut() {
        heap.checkHeap();
    }

    @Test
    void theSearchResumesFromTheRoverWhereFirstFitStartsOver() {
        long[] abc = threeFreeChunks(heap);
        long rover = heap.rover();
        assertThat(rover)
                .as("the last guard came from the tail, and the rover stayed there")
                .isGreaterThan(abc[2]);
        assertThat(heap.malloc(100)).as("from the rover, though a, b and c fit").isEqualTo(rover + 16);
        assertThat(heap.rover()).isEqualTo(rover + 112);

        AddressSpace other = new AddressSpace(KernelConfig.defaults());
        FirstFit first = new FirstFit(other, Map.of());
        long[] same = threeFreeChunks(first);
        assertThat(first.malloc(100)).as("first fit starts over at a").isEqualTo(same[0]);
    }

    @Test
    void theSearchWrapsAroundToTheListsHead() {
        heap.mallopt(PolicyAllocator.M_MMAP_THRESHOLD, 1 << 20);
        long a = heap.malloc(120_000);
        heap.malloc(10);
        heap.free(a);
        heap.malloc(heap.mallinfo2().keepcost() - 300); // too big for a: from the tail, the rover follows
        assertThat(heap.rover()).isGreaterThan(a);
        assertThat(heap.malloc(100_000))
                .as("nothing past the rover fits: wrapped around to a")
                .isEqualTo(a);
    }

    @Test
    void aRoverOnAChunkThatMergesMovesOn() {
        long[] abc = threeFreeChunks(heap);
        long rover = heap.rover();
        heap.free(abc[2] + 208); // the guard between c and the tail: c, guard and tail become one chunk
        assertThat(heap.rover()).isNotEqualTo(rover);
        assertThat(heap.malloc(100))
                .as("the merged chunk, from the list's head on")
                .isEqualTo(abc[0]);
    }

    /** Frees a, b and c of 200 bytes (chunks of 208), kept apart by live 10-byte guards. */
    static long[] threeFreeChunks(org.mallocsim.allocator.Allocator h) {
        long a = h.malloc(200);
        h.malloc(10);
        long b = h.malloc(200);
        h.malloc(10);
        long c = h.malloc(200);
        h.malloc(10);
        h.free(a);
        h.free(b);
        h.free(c);
        return new long[] {a, b, c};
    }
}
