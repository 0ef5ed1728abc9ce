package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random mixes of malloc, calloc, realloc, memalign and free against a reference model of
 * live blocks: results are 16-aligned (or as asked), never overlap a live block, hold at least
 * the request, keep their bytes across realloc, and calloc's are zero; the heap checker passes
 * after every call.
 */
class RandomizedContractTest {

    private static final class Block {
        final long ptr;
        final long size;
        final int fill;

        Block(long ptr, long size, int fill) {
            this.ptr = ptr;
            this.size = size;
            this.fill = fill;
        }
    }

    private static long randomSize(SplittableRandom r) {
        int k = r.nextInt(100);
        if (k < 60) {
            return r.nextInt(130);
        }
        if (k < 90) {
            return r.nextInt(2000);
        }
        if (k < 98) {
            return r.nextInt(70_000);
        }
        return 100_000 + r.nextInt(300_000);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomCallsKeepEveryContractAndEveryHeapInvariant(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tunables t = seed % 2 == 0
                ? Tunables.defaults()
                : Tunables.builder().tcacheCount(seed % 4).build();
        Heap h = new Heap(t);
        List<Block> live = new ArrayList<>();
        TreeMap<Long, Block> byAddr = new TreeMap<>();
        for (int step = 0; step < 3000; step++) {
            int op = r.nextInt(10);
            if (op < 4 || live.isEmpty()) {
                long n = randomSize(r);
                long p;
                boolean zero = false;
                long align = 16;
                int kind = r.nextInt(10);
                if (kind < 7) {
                    p = h.malloc(n);
                } else if (kind < 9) {
                    p = h.calloc(1, n);
                    zero = true;
                } else {
                    align = 32L << r.nextInt(8);
                    p = h.memalign(align, n);
                }
                assertThat(p).isNotZero();
                assertThat(p % align).isZero();
                assertThat(h.pm.mallocUsableSize(p)).isGreaterThanOrEqualTo(n);
                if (zero) {
                    for (long i = 0; i < Math.min(n, 256); i++) {
                        assertThat(h.as.load8(p + i)).as("calloc byte %d", i).isZero();
                    }
                }
                add(h, r, live, byAddr, p, n);
            } else if (op < 7) {
                Block b = live.remove(r.nextInt(live.size()));
                byAddr.remove(b.ptr);
                check(h, b);
                h.free(b.ptr);
            } else {
                int i = r.nextInt(live.size());
                Block b = live.remove(i);
                byAddr.remove(b.ptr);
                check(h, b);
                long n = randomSize(r) + 1;
                long p = h.realloc(b.ptr, n);
                assertThat(p).isNotZero();
                long kept = Math.min(n, b.size);
                for (long j = 0; j < Math.min(kept, 64); j++) {
                    assertThat(h.as.load8(p + j)).isEqualTo(b.fill);
                }
                add(h, r, live, byAddr, p, n);
            }
        }
        for (Block b : live) {
            check(h, b);
            h.free(b.ptr);
        }
        h.pm.checkHeap();
    }

    private static void add(Heap h, SplittableRandom r, List<Block> live, TreeMap<Long, Block> byAddr, long p, long n) {
        var below = byAddr.floorEntry(p);
        assertThat(below == null || below.getValue().ptr + below.getValue().size <= p)
                .as("overlap below")
                .isTrue();
        var above = byAddr.ceilingEntry(p);
        assertThat(above == null || p + n <= above.getKey()).as("overlap above").isTrue();
        int fill = 1 + r.nextInt(255);
        h.as.fill(p, fill, n);
        Block b = new Block(p, n, fill);
        live.add(b);
        byAddr.put(p, b);
    }

    private static void check(Heap h, Block b) {
        if (b.size > 0) {
            assertThat(h.as.load8(b.ptr)).isEqualTo(b.fill);
            assertThat(h.as.load8(b.ptr + b.size - 1)).isEqualTo(b.fill);
        }
    }
}
