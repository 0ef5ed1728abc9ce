package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The globals {@link MallocContext} keeps copies of (mp_, global_max_fast, …) are read by every
 * call from emulated memory in glibc; a write that no setter made must reach the copies before
 * the next call, as in glibc it reaches the next read.
 */
class CopiedGlobalsTest {

    @Test
    void aProgramsStoreToMpTcacheCountTakesEffectAtTheNextFree() {
        Heap h = new Heap();
        long a = h.malloc(24);
        h.malloc(24);
        h.as.store64(h.pm.libcData() + LibcData.MP + MallocPar.TCACHE_COUNT, 0);
        h.free(a);
        assertThat(h.as.load64(MallocState.fastbin(h.pm.mainArena(), 0)))
                .as("tcache_count 0: the chunk skips the tcache for its fastbin")
                .isEqualTo(a - 16);
        assertThat(h.as.load16(TcachePerthread.countAddr(h.pm.tcache(), 0))).isZero();
    }

    @Test
    void aMemsetOverGlobalMaxFastTakesEffectAtTheNextFree() {
        Heap h = new Heap(Tunables.builder().tcacheCount(0).build());
        long a = h.malloc(24);
        h.malloc(24);
        h.as.fill(h.pm.libcData() + LibcData.GLOBAL_MAX_FAST, 0, 8);
        h.free(a);
        assertThat(h.as.load64(MallocState.fastbin(h.pm.mainArena(), 0)))
                .as("global_max_fast 0: no chunk is fast")
                .isZero();
        assertThat(h.as.load64(MallocState.unsortedChunks(h.pm.mainArena()) + Chunk.FD))
                .isEqualTo(a - 16);
    }

    /**
     * how2heap's large_bin_attack (glibc 2.36) aimed at global_max_fast: ptmalloc's own store
     * through the forged bk_nextsize writes a heap address there, and the next free of a 256-byte
     * chunk then files it as "fastbin" 14, a word of main_arena's bins, as glibc does.
     */
    @Test
    void aLargeBinAttackOnGlobalMaxFastTurnsTheNextFreeIntoAFastbinFree() {
        Heap h = new Heap(Tunables.builder().tcacheCount(0).build());
        Ptmalloc pm = h.pm;
        long target = pm.libcData() + LibcData.GLOBAL_MAX_FAST;
        long q = pm.malloc(0xf8);
        long p1 = pm.malloc(0x428);
        pm.malloc(0x18);
        long p2 = pm.malloc(0x418);
        pm.malloc(0x18);
        pm.free(p1);
        pm.malloc(0x438);
        pm.free(p2);
        h.as.store64(p1 + 24, target - 32);
        pm.malloc(0x438);
        assertThat(h.as.load64(target)).isEqualTo(p2 - 16);

        pm.free(q);
        assertThat(h.as.load64(MallocState.fastbin(pm.mainArena(), 14))).isEqualTo(q - 16);
    }
}
