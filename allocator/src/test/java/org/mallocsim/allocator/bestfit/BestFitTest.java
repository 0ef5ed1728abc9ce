package org.mallocsim.allocator.bestfit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/** Best fit takes the smallest chunk that fits, the lowest among equals. */
class BestFitTest {
    private final AddressSpace space = new AddressSpace(KernelConfig.defaults());
    private final BestFit heap = new BestFit(space, Map.of());

    @AfterEach
    void theHeapChecksOut() {
        heap.checkHeap();
    }

    @Test
    void theSmallestChunkThatFitsServesTheRequest() {
        long big = heap.malloc(300);
        heap.malloc(10);
        long small = heap.malloc(100);
        heap.malloc(10);
        long middle = heap.malloc(200);
        heap.malloc(10);
        heap.free(big);
        heap.free(small);
        heap.free(middle);
        assertThat(heap.malloc(90)).isEqualTo(small);
        assertThat(heap.malloc(150)).isEqualTo(middle);
        assertThat(heap.malloc(150)).as("only the big one is left that fits").isEqualTo(big);
    }

    @Test
    void amongEqualFitsTheLowestAddressWins() {
        long a = heap.malloc(100);
        heap.malloc(10);
        long b = heap.malloc(100);
        heap.malloc(10);
        heap.free(b);
        heap.free(a);
        assertThat(heap.malloc(100)).isEqualTo(a);
    }

    @Test
    void anExactFitIsTakenWholeWithoutASplit() {
        long a = heap.malloc(104);
        heap.malloc(10);
        heap.free(a);
        long chunksBefore = heap.mallinfo2().ordblks();
        assertThat(heap.malloc(104)).isEqualTo(a);
        assertThat(heap.mallinfo2().ordblks()).isEqualTo(chunksBefore - 1);
    }
}
