package org.mallocsim.allocator.tlsf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.firstfit.FirstFit;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/** TLSF's mapping functions against a table of its lists' bounds, its bitmaps, its good fit, its bounded search. */
class TlsfTest {
    private final AddressSpace space = new AddressSpace(KernelConfig.defaults());
    private final Tlsf heap = new Tlsf(space, Map.of());

    @AfterEach
    void theHeapChecksOut() {
        heap.checkHeap();
    }

    /** The smallest size of every list, in list order: 16-byte steps below 256, then 16 per power of two. */
    private static long[] lowerBounds() {
        long[] b = new long[TlsfLayout.FL_COUNT * TlsfLayout.SL_COUNT];
        int n = 0;
        for (int s = 0; s < 16; s++) {
            b[n++] = 16L * s;
        }
        for (int f = 8; f <= 46; f++) {
            for (int s = 0; s < 16; s++) {
                b[n++] = (1L << f) + s * (1L << (f - 4));
            }
        }
        return Arrays.copyOf(b, n);
    }

    private static long list(int i) {
        return i < 16 ? i : ((long) (i / 16) << 32) | (i % 16);
    }

    @Test
    void mappingInsertFilesEverySizeInTheListWhoseRangeHoldsIt() {
        long[] bounds = lowerBounds();
        for (long size = 32; size <= 1 << 21; size += 16) {
            int i = Arrays.binarySearch(bounds, size);
            int expected = i >= 0 ? i : -i - 2;
            assertThat(TlsfLayout.mappingInsert(size)).as("size %d", size).isEqualTo(list(expected));
        }
        for (int f = 21; f < 47; f++) {
            for (long size : new long[] {(1L << f) - 16, 1L << f, (1L << f) + 16, (1L << f) + (1L << (f - 4))}) {
                int i = Arrays.binarySearch(bounds, size);
                assertThat(TlsfLayout.mappingInsert(size)).as("size %d", size).isEqualTo(list(i >= 0 ? i : -i - 2));
            }
        }
    }

    @Test
    void mappingSearchPicksTheFirstListWhoseEveryChunkFits() {
        long[] bounds = lowerBounds();
        for (long size = 32; size <= 1 << 21; size += 16) {
            int i = Arrays.binarySearch(bounds, size);
            int expected = i >= 0 ? i : -i - 1;
            assertThat(TlsfLayout.mappingSearch(size)).as("size %d", size).isEqualTo(list(expected));
        }
    }

    @Test
    void theBitmapsMarkExactlyTheNonEmptyLists() {
        long a = heap.malloc(1032); // a chunk of 1040: list (3, 0), sizes 1024..1087
        heap.malloc(10);
        long tailOnly = heap.flBitmap();
        heap.free(a);
        assertThat(heap.flBitmap()).isEqualTo(tailOnly | 1L << 3);
        assertThat(heap.slBitmap(3)).isEqualTo(1);
        assertThat(heap.malloc(1000))
                .as("1008 bytes: searched from list (3, 0), whose head is a")
                .isEqualTo(a);
        assertThat(heap.slBitmap(3)).as("the list emptied").isZero();
        assertThat(heap.slBitmap(0))
                .as("the 32-byte remainder is in list (0, 2)")
                .isEqualTo(1 << 2);
    }

    @Test
    void aChunkInTheRequestsOwnListIsSkippedForAListThatSurelyFits() {
        long a = heap.malloc(1032);
        heap.malloc(10);
        heap.free(a);
        assertThat(heap.malloc(1032))
                .as("good fit, not best fit: list (3, 0) may hold smaller chunks")
                .isNotEqualTo(a);
    }

    @Test
    void aSearchCostsTheSameHoweverManyChunksAreFree() {
        AddressSpace other = new AddressSpace(KernelConfig.defaults());
        FirstFit first = new FirstFit(other, Map.of());
        long[] few = {cost(heap, space, 10), cost(first, other, 10)};
        long[] many = {cost(heap, space, 2000), cost(first, other, 2000)};
        assertThat(many[0]).as("TLSF's accesses for one malloc").isLessThanOrEqualTo(few[0] + 4);
        assertThat(many[1]).as("first fit walks its list").isGreaterThan(few[1] + 1000);
    }

    @Test
    void theIndexLayoutIsTheDrawnOne() {
        assertThat(TlsfLayout.FL_COUNT).isEqualTo(41);
        assertThat(TlsfLayout.HEADS).isEqualTo(8 + 8 * 41);
        assertThat(TlsfLayout.INDEX_BYTES).isEqualTo(8 + 8 * 41 + 8 * 41 * 16);
        assertThat(TlsfLayout.headOffset(3, 5)).isEqualTo(TlsfLayout.HEADS + 8 * (3 * 16 + 5));
    }

    /** Frees {@code n} small chunks between guards, then counts the accesses of one malloc none of them fits. */
    private static long cost(org.mallocsim.allocator.Allocator a, AddressSpace s, int n) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = a.malloc(16 + 16 * (i % 8));
            a.malloc(10);
        }
        for (long q : p) {
            a.free(q);
        }
        long before = s.accesses();
        a.malloc(3000);
        return s.accesses() - before;
    }
}
