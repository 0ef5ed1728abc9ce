package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.MallInfo2;

/** mallinfo2, malloc_stats and malloc_info, byte for byte. */
class StatsTest {
    private final Heap h = new Heap();

    @Test
    void mallinfo2OfAFullyFreedFreshHeapCountsOnlyTheTcacheInUse() {
        long p = h.malloc(2000);
        h.free(p);
        MallInfo2 m = h.pm.mallinfo2();
        assertThat(m).isEqualTo(new MallInfo2(135168, 1, 0, 0, 0, 0, 0, 656, 134512, 0x20d70));
    }

    @Test
    void mallinfo2CountsFastbinsBinsAndMmappedChunks() {
        Heap t = new Heap(Tunables.builder().tcacheCount(0).build());
        long a = t.malloc(24);
        t.malloc(16);
        long b = t.malloc(500);
        t.malloc(16);
        long c = t.malloc(300_000);
        t.free(a);
        t.free(b);
        MallInfo2 m = t.pm.mallinfo2();
        assertThat(m.smblks()).isEqualTo(1);
        assertThat(m.fsmblks()).isEqualTo(0x20);
        assertThat(m.ordblks()).isEqualTo(2);
        assertThat(m.hblks()).isEqualTo(1);
        assertThat(m.hblkhd()).isEqualTo(SysMalloc.alignUp(300_000 + 24, 4096));
        assertThat(m.arena()).isEqualTo(m.uordblks() + m.fordblks());
        assertThat(c).isNotZero();
    }

    @Test
    void mallocStatsPrintsGlibcsLines() {
        h.malloc(100);
        h.malloc(200_000);
        String expected = "Arena 0:\n"
                + "system bytes     =     135168\n"
                + "in use bytes     =        768\n"
                + "Total (incl. mmap):\n"
                + "system bytes     =     335872\n"
                + "in use bytes     =     201472\n"
                + "max mmap regions =          1\n"
                + "max mmap bytes   =     200704\n";
        assertThat(h.pm.mallocStats()).isEqualTo(expected);
    }

    @Test
    void mallocInfoPrintsGlibcsXml() {
        Heap t = new Heap(Tunables.builder().tcacheCount(0).build());
        long a = t.malloc(24);
        t.malloc(16);
        long b = t.malloc(500);
        t.malloc(16);
        t.free(a);
        t.free(b);
        String expected = "<malloc version=\"1\">\n"
                + "<heap nr=\"0\">\n<sizes>\n"
                + "  <size from=\"17\" to=\"32\" total=\"32\" count=\"1\"/>\n"
                + "  <unsorted from=\"513\" to=\"513\" total=\"513\" count=\"1\"/>\n"
                + "</sizes>\n<total type=\"fast\" count=\"1\" size=\"32\"/>\n"
                + "<total type=\"rest\" count=\"2\" size=\"134417\"/>\n"
                + "<system type=\"current\" size=\"135168\"/>\n"
                + "<system type=\"max\" size=\"135168\"/>\n"
                + "<aspace type=\"total\" size=\"135168\"/>\n"
                + "<aspace type=\"mprotect\" size=\"135168\"/>\n"
                + "</heap>\n"
                + "<total type=\"fast\" count=\"1\" size=\"32\"/>\n"
                + "<total type=\"rest\" count=\"2\" size=\"134417\"/>\n"
                + "<total type=\"mmap\" count=\"0\" size=\"0\"/>\n"
                + "<system type=\"current\" size=\"135168\"/>\n"
                + "<system type=\"max\" size=\"135168\"/>\n"
                + "<aspace type=\"total\" size=\"135168\"/>\n"
                + "<aspace type=\"mprotect\" size=\"135168\"/>\n"
                + "</malloc>\n";
        // bins report raw size words (0x201 here), top its chunksize: glibc's own arithmetic
        assertThat(t.pm.mallocInfo(0)).isEqualTo(expected);
        assertThat(t.pm.mallocInfo(1)).isEmpty();
    }
}
