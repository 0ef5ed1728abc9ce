package org.mallocsim.allocator.segfit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/** dlmalloc-style bins: exact small bins, LIFO; best fit from the tries; the tries stay well formed. */
class SegregatedFitTest {
    private final AddressSpace space = new AddressSpace(KernelConfig.defaults());
    private final SegregatedFit heap = new SegregatedFit(space, Map.of());

    @AfterEach
    void theHeapChecksOut() {
        heap.checkHeap();
    }

    @Test
    void everyLargeSizeFallsInTheTreeBinWhoseRangeHoldsIt() {
        for (long size = 256; size <= 1 << 23; size += 16) {
            int i = SegLayout.treeIndex(size);
            assertThat(SegLayout.minsizeForTreeIndex(i))
                    .as("size %d, bin %d", size, i)
                    .isLessThanOrEqualTo(size);
            if (i < SegLayout.NTREEBINS - 1) {
                assertThat(SegLayout.minsizeForTreeIndex(i + 1))
                        .as("size %d, bin %d", size, i)
                        .isGreaterThan(size);
            }
        }
        assertThat(SegLayout.treeIndex(256)).isZero();
        assertThat(SegLayout.treeIndex(384)).isEqualTo(1);
        assertThat(SegLayout.treeIndex(1L << 40)).isEqualTo(31);
    }

    @Test
    void smallBinsAreExactAndLastInFirstOut() {
        long a = heap.malloc(100);
        heap.malloc(10);
        long b = heap.malloc(100);
        heap.malloc(10);
        long c = heap.malloc(200);
        heap.malloc(10);
        heap.free(c);
        heap.free(a);
        heap.free(b);
        assertThat(heap.malloc(100)).as("the last freed of the exact bin").isEqualTo(b);
        assertThat(heap.malloc(100)).isEqualTo(a);
        assertThat(heap.malloc(90)).as("the next non-empty small bin, split").isEqualTo(c);
    }

    @Test
    void largeRequestsGetTheBestFitFromTheTrees() {
        long[] p = new long[4];
        long[] sizes = {1000, 3000, 2000, 1000};
        for (int i = 0; i < 4; i++) {
            p[i] = heap.malloc(sizes[i]);
            heap.malloc(10);
        }
        for (long q : p) {
            heap.free(q);
        }
        assertThat(heap.malloc(1500)).isEqualTo(p[2]);
        long x = heap.malloc(990);
        long y = heap.malloc(990);
        assertThat(List.of(x, y)).containsExactlyInAnyOrder(p[0], p[3]);
        assertThat(heap.malloc(2500)).isEqualTo(p[1]);
    }

    @Test
    void aTreeChunkReadsBackAsDrawn() {
        assertThat(SegLayout.TREEBINS).isEqualTo(144);
        assertThat(SegLayout.INDEX_BYTES).isEqualTo(400);
        long a = heap.malloc(1000);
        heap.malloc(10);
        long b = heap.malloc(1000);
        heap.malloc(10);
        heap.free(a);
        heap.free(b);
        long ca = a - 16;
        long cb = b - 16;
        int i = SegLayout.treeIndex(1008);
        assertThat(space.load64(ca + SegLayout.TINDEX)).isEqualTo(i);
        assertThat(space.load64(ca + SegLayout.PARENT))
                .as("a is the root: its parent is its bin's slot")
                .isNotZero();
        assertThat(space.load64(cb + SegLayout.PARENT)).as("b is in a's ring").isZero();
        assertThat(space.load64(ca + 16)).as("a.fd").isEqualTo(cb);
        assertThat(space.load64(cb + 16)).as("b.fd").isEqualTo(ca);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void theTriesStayWellFormedThroughRandomCalls(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Long> live = new ArrayList<>();
        for (int op = 0; op < 3000; op++) {
            if (live.isEmpty() || rnd.nextInt(100) < 55) {
                // many equal sizes, so rings form as well as branches
                long n = rnd.nextBoolean() ? 256 + 16 * rnd.nextInt(8) : rnd.nextInt(20_000);
                live.add(heap.malloc(n));
            } else {
                heap.free(live.remove(rnd.nextInt(live.size())));
            }
            if (op % 100 == 0) {
                heap.checkHeap();
            }
        }
    }
}
