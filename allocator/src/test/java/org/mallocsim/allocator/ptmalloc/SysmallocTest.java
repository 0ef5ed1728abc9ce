package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.mallocsim.allocator.MallocAbort;
import org.mallocsim.kernel.Mman;

/** sysmalloc, systrim, munmap_chunk and the dynamic mmap threshold. */
class SysmallocTest {
    private final Heap h = new Heap();

    @Test
    void largeRequestsComeFromTopUntilItIsExhaustedThenFromMmap() {
        long a = h.malloc(131064);
        assertThat(h.off(a)).isEqualTo(0x2a0);
        assertThat(h.word(a)).isEqualTo(0x20001);
        long b = h.malloc(131064);
        assertThat(h.word(b)).isEqualTo(0x21002);
        assertThat(b & 0xfff).isEqualTo(0x10);
        assertThat(h.pm.mallinfo2().hblks()).isEqualTo(1);
        assertThat(h.pm.mallinfo2().hblkhd()).isEqualTo(0x21000);
    }

    @Test
    void brkGrowsInPagesWithTopPadWhenTopIsTooSmall() {
        long a = h.malloc(0x10000);
        long b = h.malloc(0x10000);
        long c = h.malloc(0x10000);
        assertThat(h.off(a)).isEqualTo(0x2a0);
        assertThat(h.off(b)).isEqualTo(0x2a0 + 0x10010);
        assertThat(h.off(c)).isEqualTo(0x2a0 + 2 * 0x10010);
        // size = nb + top_pad + MINSIZE - old_size = 0x10010 + 0x20000 + 0x20 - 0xd40, page-aligned
        assertThat(h.brkOff()).isEqualTo(0x21000 + 0x30000);
        assertThat(h.as.load64(h.pm.mainArena() + MallocState.SYSTEM_MEM)).isEqualTo(0x51000);
    }

    @Test
    void freeingAMmappedChunkRaisesTheMmapThresholdToItsSize() {
        h.malloc(16);
        long a = h.malloc(200_000);
        assertThat(h.word(a)).isEqualTo(0x31002);
        h.free(a);
        long b = h.malloc(200_000);
        assertThat(h.word(b) & Chunk.IS_MMAPPED).isZero();
    }

    @Test
    void mmapThresholdSetByMalloptIsNotRaisedByFrees() {
        h.pm.mallopt(MallOpt.M_MMAP_THRESHOLD, 128 * 1024);
        long a = h.malloc(200_000);
        h.free(a);
        assertThat(h.word(h.malloc(200_000)) & Chunk.IS_MMAPPED).isNotZero();
    }

    @Test
    void aForeignSbrkLeavesFencepostsAndTheOldTopIsFreed() {
        Heap t = new Heap(Tunables.builder().mmapThreshold(1 << 20).build());
        long x = t.malloc(0x1fc00);
        long oldTop = x - 16 + 0x1fc10;
        assertThat(t.as.load64(oldTop + 8)).isEqualTo(0x1161);
        t.pm.sbrk(0x1000);
        long y = t.malloc(0x30000);
        assertThat(t.off(y)).isEqualTo(0x22010);
        assertThat(t.as.load64(oldTop + 8)).isEqualTo(0x1141);
        // the first fencepost lost PREV_INUSE when the old top before it was freed
        assertThat(t.as.load64(oldTop + 0x1140 + 8)).isEqualTo(0x10);
        assertThat(t.as.load64(oldTop + 0x1140)).isEqualTo(0x1140);
        assertThat(t.as.load64(oldTop + 0x1150 + 8)).isEqualTo(0x11);
        long unsorted = MallocState.unsortedChunks(t.pm.mainArena());
        assertThat(t.as.load64(unsorted + Chunk.FD)).isEqualTo(oldTop);
        // the foreign page counts in system_mem
        assertThat(t.pm.mallinfo2().arena()).isEqualTo(t.brkOff());
    }

    @Test
    void freeingTheFencedOldTopCanTrimTheNewTopAndFailTheRequest() {
        // glibc's sysmalloc frees the old top with _int_free, whose trim of a 64 KiB+ chunk gives
        // the fresh space back before the request is carved: malloc returns NULL
        Heap t = new Heap(Tunables.builder().mmapThreshold(1 << 20).build());
        t.malloc(16);
        t.pm.sbrk(0x1000);
        assertThat(t.malloc(0x30000)).isZero();
        assertThat(t.pm.errno()).isEqualTo(MallocContext.ENOMEM);
        assertThat(t.brkOff()).isEqualTo(0x43000);
    }

    @Test
    void whenBrkCannotGrowTheHeapContinuesInAMmappedMegabyte() {
        h.as.mmap(h.base + 0x1000, 4096, Mman.PROT_READ, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        long a = h.malloc(16);
        assertThat(a).isNotZero();
        assertThat(h.brkOff()).isZero();
        assertThat(h.word(a)).isEqualTo(0x21);
        assertThat(h.pm.tcache() & 0xfff).isEqualTo(0x10);
        assertThat(h.as.load32(h.pm.mainArena() + MallocState.FLAGS) & MallocState.NONCONTIGUOUS_BIT)
                .isNotZero();
        assertThat(h.pm.mallinfo2().arena()).isEqualTo(1 << 20);
    }

    @Test
    void aBreakMovedBelowTheHeapEndAborts() {
        Heap t = new Heap(Tunables.builder().mmapThreshold(1 << 20).build());
        t.malloc(16);
        t.pm.sbrk(-0x1000);
        assertThatThrownBy(() -> t.pm.malloc(0x30000))
                .isInstanceOf(MallocAbort.class)
                .hasMessage("break adjusted to free malloc space");
    }

    @Test
    void mallocTrimReleasesWholeFreePagesAndTheTop() {
        long[] p = new long[4];
        for (int i = 0; i < 4; i++) {
            p[i] = h.malloc(30_000);
        }
        h.malloc(16);
        h.free(p[1]);
        h.free(p[2]);
        long madvBefore = h.as.syscallCount(org.mallocsim.kernel.mm.SyscallKind.MADVISE);
        assertThat(h.pm.mallocTrim(0)).isEqualTo(1);
        assertThat(h.as.syscallCount(org.mallocsim.kernel.mm.SyscallKind.MADVISE))
                .isEqualTo(madvBefore + 1);
        long top = h.as.load64(h.pm.mainArena() + MallocState.TOP);
        assertThat(h.as.load64(top + 8) & ~7L).isLessThan(4096 + 32);
    }

    @Test
    void withMmapMaxZeroLargeRequestsComeFromBrk() {
        h.pm.mallopt(MallOpt.M_MMAP_MAX, 0);
        long p = h.malloc(1 << 20);
        assertThat(h.word(p) & Chunk.IS_MMAPPED).isZero();
        assertThat(h.brkOff()).isGreaterThan(1 << 20);
    }

    @Test
    void theDynamicThresholdStopsBelow32MiB() {
        h.malloc(16);
        long a = h.malloc(32L << 20);
        assertThat(h.word(a)).isEqualTo(((32L << 20) + 4096) | 2);
        h.free(a);
        // 32 MiB + a page is above DEFAULT_MMAP_THRESHOLD_MAX: the threshold stays at 128 KiB
        long b = h.malloc(200_000);
        assertThat(h.word(b) & Chunk.IS_MMAPPED).isNotZero();
        long c = h.malloc((32L << 20) - 4096 - 100);
        h.free(c);
        long d = h.malloc(200_000);
        assertThat(h.word(d) & Chunk.IS_MMAPPED).isZero();
    }

    @Test
    void aForeignSbrkOfAnOddSizeIsCorrectedToSixteenByteAlignment() {
        Heap t = new Heap(Tunables.builder().mmapThreshold(1 << 20).build());
        t.malloc(0x1fc00);
        t.pm.sbrk(8);
        long y = t.malloc(0x30000);
        // brk came back at +0x21008: the new top starts 8 bytes on, and the correction request
        // rounds the break up to a page again
        assertThat(t.off(y)).isEqualTo(0x21020);
        assertThat(t.brkOff() & 4095).isZero();
        assertThat(t.pm.mallinfo2().arena()).isEqualTo(t.brkOff());
    }
}
