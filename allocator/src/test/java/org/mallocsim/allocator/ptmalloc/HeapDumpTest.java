package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The heap picture, compared whole so that a failure is a readable diff. */
class HeapDumpTest {

    @Test
    void aSmallHeapDrawsEveryChunkWithItsBin() {
        Heap h = new Heap();
        long a = h.malloc(24);
        long b = h.malloc(2000);
        h.malloc(100);
        long d = h.malloc(40);
        h.malloc(16);
        h.free(a);
        h.free(b);
        h.free(d);
        String expected = "arena 0 (main)\n"
                + "  +0x000000  0x000290 --P  in use\n"
                + "  +0x000290  0x000020 --P  tcache 0\n"
                + "  +0x0002b0  0x0007e0 --P  unsorted\n"
                + "  +0x000a90  0x000070 ---  in use\n"
                + "  +0x000b00  0x000030 --P  tcache 1\n"
                + "  +0x000b30  0x000020 --P  in use\n"
                + "  +0x000b50  0x0204b0 --P  top\n";
        assertThat(h.pm.dumpHeap()).isEqualTo(expected);
    }

    @Test
    void threadArenasAreDrawnFromTheirHeaps() {
        Heap h = new Heap();
        h.pm.switchThread(1);
        h.malloc(10);
        h.pm.switchThread(2);
        h.malloc(100);
        String dump = h.pm.dumpHeap();
        assertThat(dump)
                .contains("arena 1\n heap +0x0\n"
                        + "  +0x0008d0  0x000290 A-P  in use\n"
                        + "  +0x000b60  0x000070 A-P  in use\n"
                        + "  +0x000bd0  0x020430 --P  top\n");
    }
}
