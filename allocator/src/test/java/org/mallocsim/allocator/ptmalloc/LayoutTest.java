package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;

/**
 * Pins each descriptor's diagram: the offsets are glibc's x86-64 ones (fact sheet §1 and the C
 * structs), and writing every field through the MMU and reading all back shows no two overlap.
 */
class LayoutTest {

    private final AddressSpace as = new AddressSpace(KernelConfig.defaults());
    private final long mem =
            as.mmap(0, 4 * 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);

    /** Stores a distinct value in each field (8-byte fields unless widths says 4 or 2), then reads all back. */
    private void roundTrip(int[] offsets, int[] widths) {
        for (int i = 0; i < offsets.length; i++) {
            store(mem + offsets[i], widths[i], value(i, widths[i]));
        }
        for (int i = 0; i < offsets.length; i++) {
            assertThat(load(mem + offsets[i], widths[i]))
                    .as("field at 0x%x", offsets[i])
                    .isEqualTo(value(i, widths[i]));
        }
    }

    private static long value(int i, int width) {
        return width == 2 ? 0x100 + i : 0x1111L * (i + 1);
    }

    private void store(long a, int w, long v) {
        if (w == 8) {
            as.store64(a, v);
        } else if (w == 4) {
            as.store32(a, (int) v);
        } else {
            as.store16(a, (int) v);
        }
    }

    private long load(long a, int w) {
        return w == 8 ? as.load64(a) : w == 4 ? as.load32(a) : as.load16(a) & 0xffff;
    }

    @Test
    void mallocChunkFieldsSitWhereGlibcPutsThem() {
        int[] offs = {Chunk.PREV_SIZE, Chunk.SIZE, Chunk.FD, Chunk.BK, Chunk.FD_NEXTSIZE, Chunk.BK_NEXTSIZE};
        assertThat(offs).containsExactly(0, 8, 16, 24, 32, 40);
        assertThat(Chunk.STRUCT_SIZE).isEqualTo(48);
        assertThat(Chunk.MINSIZE).isEqualTo(32);
        roundTrip(offs, new int[] {8, 8, 8, 8, 8, 8});
    }

    @Test
    void mallocStateFieldsSitWhereGlibcPutsThem() {
        int[] offs = {
            MallocState.MUTEX,
            MallocState.FLAGS,
            MallocState.HAVE_FASTCHUNKS,
            MallocState.FASTBINS_Y,
            MallocState.TOP,
            MallocState.LAST_REMAINDER,
            MallocState.BINS,
            MallocState.BINMAP,
            MallocState.NEXT,
            MallocState.NEXT_FREE,
            MallocState.ATTACHED_THREADS,
            MallocState.SYSTEM_MEM,
            MallocState.MAX_SYSTEM_MEM
        };
        assertThat(offs).containsExactly(0, 4, 8, 0x10, 0x60, 0x68, 0x70, 0x860, 0x870, 0x878, 0x880, 0x888, 0x890);
        assertThat(MallocState.SIZE).isEqualTo(0x898);
        assertThat(MallocState.unsortedChunks(0x1000) + Chunk.FD).isEqualTo(0x1000 + 0x70);
        assertThat(MallocState.binAt(0x1000, 2)).isEqualTo(0x1000 + 0x60 + 16);
        roundTrip(offs, new int[] {4, 4, 4, 8, 8, 8, 8, 4, 8, 8, 8, 8, 8});
    }

    @Test
    void mallocParFieldsSitWhereGlibcPutsThem() {
        int[] offs = {
            MallocPar.TRIM_THRESHOLD,
            MallocPar.TOP_PAD,
            MallocPar.MMAP_THRESHOLD,
            MallocPar.ARENA_TEST,
            MallocPar.ARENA_MAX,
            MallocPar.THP_PAGESIZE,
            MallocPar.HP_PAGESIZE,
            MallocPar.HP_FLAGS,
            MallocPar.N_MMAPS,
            MallocPar.N_MMAPS_MAX,
            MallocPar.MAX_N_MMAPS,
            MallocPar.NO_DYN_THRESHOLD,
            MallocPar.MMAPPED_MEM,
            MallocPar.MAX_MMAPPED_MEM,
            MallocPar.SBRK_BASE,
            MallocPar.TCACHE_BINS,
            MallocPar.TCACHE_MAX_BYTES,
            MallocPar.TCACHE_COUNT,
            MallocPar.TCACHE_UNSORTED_LIMIT
        };
        assertThat(offs)
                .containsExactly(
                        0, 8, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38, 0x3c, 0x40, 0x44, 0x48, 0x50, 0x58, 0x60, 0x68, 0x70,
                        0x78, 0x80);
        assertThat(MallocPar.SIZE).isEqualTo(0x88);
        roundTrip(offs, new int[] {8, 8, 8, 8, 8, 8, 8, 4, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8, 8});
    }

    @Test
    void tcachePerthreadStructIs640BytesOfCountsThenEntries() {
        assertThat(TcachePerthread.ENTRIES).isEqualTo(0x80);
        assertThat(TcachePerthread.SIZE).isEqualTo(640);
        assertThat(Chunk.request2size(TcachePerthread.SIZE)).isEqualTo(0x290);
        assertThat(TcachePerthread.countAddr(0, 63)).isEqualTo(126);
        assertThat(TcachePerthread.entryAddr(0, 63)).isEqualTo(0x80 + 63 * 8);
        int[] offs = new int[128];
        int[] widths = new int[128];
        for (int i = 0; i < 64; i++) {
            offs[i] = (int) TcachePerthread.countAddr(0, i);
            widths[i] = 2;
            offs[64 + i] = (int) TcachePerthread.entryAddr(0, i);
            widths[64 + i] = 8;
        }
        roundTrip(offs, widths);
    }

    @Test
    void libcDataHoldsMainArenaAndTheArenaListThenOnTheNextPageTheCopiedGlobals() {
        int[] offs = {
            LibcData.THREAD_ARENA,
            LibcData.CURBRK,
            LibcData.TCACHE_SHUTTING_DOWN,
            LibcData.NARENAS,
            LibcData.ALIGNED_HEAP_AREA,
            LibcData.FREE_LIST,
            LibcData.NEXT_TO_USE,
            LibcData.NARENAS_LIMIT,
            LibcData.TCACHE,
            LibcData.TCACHE_KEY,
            LibcData.GLOBAL_MAX_FAST,
            LibcData.MALLOC_INITIALIZED,
            LibcData.PERTURB_BYTE
        };
        assertThat(LibcData.MP).isEqualTo(0x1000);
        assertThat(offs)
                .containsExactly(
                        0x898, 0x8a0, 0x8a8, 0x8ac, 0x8b0, 0x8b8, 0x8c0, 0x8c8, 0x1088, 0x1090, 0x1098, 0x10a0, 0x10a4);
        assertThat(LibcData.SIZE).isEqualTo(0x10a8);
        roundTrip(offs, new int[] {8, 8, 4, 4, 8, 8, 8, 8, 8, 8, 8, 4, 4});
    }

    @Test
    void heapInfoIs48BytesAndHeapForPtrRoundsDownTo64MiB() {
        int[] offs = {
            HeapInfo.AR_PTR, HeapInfo.PREV, HeapInfo.SIZE, HeapInfo.MPROTECT_SIZE, HeapInfo.PAGESIZE, HeapInfo.PAD
        };
        assertThat(offs).containsExactly(0, 8, 0x10, 0x18, 0x20, 0x28);
        assertThat(HeapInfo.STRUCT_SIZE).isEqualTo(48);
        assertThat(HeapInfo.heapForPtr(0x7fca18000b70L)).isEqualTo(0x7fca18000000L);
        roundTrip(offs, new int[] {8, 8, 8, 8, 8, 8});
    }
}
