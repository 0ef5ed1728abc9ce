package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The heap around one pointer, compared whole so that a failure is a readable diff. */
class HeapNeighbourhoodTest {

    @Test
    void thePointersChunkIsDrawnWithItsNeighboursAndTheBinsAreCounted() {
        Heap h = new Heap();
        long a = h.malloc(24);
        long b = h.malloc(2000);
        long c = h.malloc(100);
        long d = h.malloc(40);
        h.malloc(16);
        h.free(a);
        h.free(b);
        h.free(d);
        String expected = "arena 0 (main)\n"
                + "  +0x000290  0x000020 --P  tcache 0\n"
                + "  +0x0002b0  0x0007e0 --P  unsorted\n"
                + "  +0x000a90  0x000070 ---  in use   <-- 0x" + Long.toHexString(c) + "\n"
                + "  +0x000b00  0x000030 --P  tcache 1\n"
                + "  +0x000b30  0x000020 --P  in use\n"
                + "bins of the main arena:\n"
                + "  tcache:    0(24 B)x1 1(40 B)x1\n"
                + "  fastbins:  empty\n"
                + "  unsorted:  1 chunk(s)\n"
                + "  smallbins: empty\n"
                + "  largebins: empty\n"
                + "  top:       0x204b0 bytes\n";
        assertThat(h.pm.dumpHeapAround(c, 2)).isEqualTo(expected);
    }

    @Test
    void theWindowStopsAtTheHeapsEdgesAndAtTop() {
        Heap h = new Heap();
        long a = h.malloc(24);
        assertThat(h.pm.dumpHeapAround(a, 5))
                .startsWith("arena 0 (main)\n"
                        + "  +0x000000  0x000290 --P  in use\n"
                        + "  +0x000290  0x000020 --P  in use   <-- 0x" + Long.toHexString(a) + "\n"
                        + "  +0x0002b0  0x020d50 --P  top\n"
                        + "bins of the main arena:\n");
    }

    @Test
    void anMmappedChunkIsDrawnAloneAndAThreadArenaByItsHeap() {
        Heap h = new Heap();
        long big = h.malloc(1 << 20);
        assertThat(h.pm.dumpHeapAround(big, 2))
                .startsWith("mmapped chunk (no arena)\n" + "  +0x000000  0x101000 -M-  mmapped   <-- 0x"
                        + Long.toHexString(big) + "\n");
        h.pm.switchThread(1);
        h.malloc(10);
        h.pm.switchThread(2);
        long t = h.malloc(100);
        assertThat(h.pm.dumpHeapAround(t, 1))
                .startsWith("arena 1 heap +0x0\n"
                        + "  +0x0008d0  0x000290 A-P  in use\n"
                        + "  +0x000b60  0x000070 A-P  in use   <-- 0x" + Long.toHexString(t) + "\n"
                        + "  +0x000bd0  0x020430 --P  top\n"
                        + "bins of this arena:\n");
        assertThat(h.pm.dumpHeapAround(0, 1)).startsWith("no pointer to show (NULL)\nbins of the main arena:\n");
    }
}
