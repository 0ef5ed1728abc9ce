package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** __libc_calloc and the memalign family. */
class CallocMemalignTest {
    private final Heap h = new Heap();

    @Test
    void callocSkipsTheTcache() {
        long p = h.malloc(30);
        h.free(p);
        long q = h.calloc(1, 30);
        assertThat(q).isNotEqualTo(p);
    }

    @Test
    void callocClearsReusedMemory() {
        Heap t = new Heap(Tunables.builder().tcacheCount(0).build());
        long p = t.malloc(500);
        t.malloc(16);
        t.as.fill(p, 0xaa, 500);
        t.free(p);
        long q = t.calloc(10, 50);
        assertThat(q).isEqualTo(p);
        for (int i = 0; i < 500; i++) {
            assertThat(t.as.load8(q + i)).isZero();
        }
    }

    @Test
    void callocOfAnOverflowingProductFailsWithEnomem() {
        assertThat(h.calloc(1L << 32, 1L << 31)).isZero();
        assertThat(h.pm.errno()).isEqualTo(MallocContext.ENOMEM);
        assertThat(h.calloc(-1L, 1)).isZero();
    }

    @Test
    void memalignAsTheFirstCallRunsBeforeTheTcacheExistsAndFreesItsLeaderToAFastbin() {
        // no MAYBE_INIT_TCACHE on this path: _int_malloc(0x70 + 64 + 32) is carved at the heap start
        long p = h.memalign(64, 100);
        assertThat(h.off(p)).isEqualTo(0x40);
        assertThat(h.word(p)).isEqualTo(0x71);
        assertThat(h.pm.tcache()).isZero();
        assertThat(h.as.load64(MallocState.fastbin(h.pm.mainArena(), 1))).isEqualTo(h.base);
    }

    @Test
    void memalignKeepsATrailerOfExactlyMinsize() {
        // _int_malloc(0x70 + 32 + 32 bytes) gives 0xc0; the 0x30 leader leaves 0x90 = nb + MINSIZE,
        // and only a strictly larger excess is split off
        long p = h.memalign(32, 100);
        assertThat(h.off(p)).isEqualTo(0x40);
        assertThat(h.word(p) & ~7L).isEqualTo(0x90);
    }

    @Test
    void memalignFreesTheLeaderAndTheTrailer() {
        h.malloc(16);
        long p = h.memalign(4096, 5000);
        assertThat(p % 4096).isZero();
        // the leader went to unsorted, so this chunk's PREV_INUSE is clear
        assertThat(h.word(p)).isEqualTo(Chunk.request2size(5000));
        assertThat(h.pm.mallocUsableSize(p)).isEqualTo(Chunk.request2size(5000) - 8);
    }

    @Test
    void smallAlignmentsAreMallocsAndOddOnesRoundUp() {
        long p = h.memalign(8, 10);
        assertThat(h.off(p)).isEqualTo(0x2a0);
        long q = h.memalign(100, 10);
        assertThat(q % 128).isZero();
    }

    @Test
    void badAlignmentsFailWithEinval() {
        assertThat(h.memalign(Long.MIN_VALUE + 1, 10)).isZero();
        assertThat(h.pm.errno()).isEqualTo(MallocContext.EINVAL);
        assertThat(h.pm.posixMemalign(12, 10)).isEqualTo(-MallocContext.EINVAL);
        assertThat(h.pm.posixMemalign(0, 10)).isEqualTo(-MallocContext.EINVAL);
        assertThat(h.pm.posixMemalign(24, 10)).isEqualTo(-MallocContext.EINVAL);
        assertThat(h.pm.posixMemalign(64, 10) % 64).isZero();
        assertThat(h.pm.posixMemalign(64, -1L)).isEqualTo(-MallocContext.ENOMEM);
    }

    @Test
    void vallocAndPvallocArePageAligned() {
        long v = h.pm.valloc(10);
        assertThat(v % 4096).isZero();
        long p = h.pm.pvalloc(10);
        assertThat(p % 4096).isZero();
        assertThat(h.pm.mallocUsableSize(p)).isGreaterThanOrEqualTo(4096);
        h.pm.checkHeap();
    }

    @Test
    void callocLeavesFreshlyBrkedPagesUntouched() {
        Heap t = new Heap(Tunables.builder().mmapThreshold(1 << 20).build());
        t.malloc(16);
        long rssBefore = t.as.stats().rssAnon();
        long oldTopPages = (0x21000 - 0x2b0) / 4096 + 1;
        long p = t.calloc(1, 0x40000);
        long topSize = 0x21000 - 0x2b0;
        assertThat(t.as.load8(p + topSize - 17)).isZero();
        // the old top's pages are cleared; the new brk pages (zero already) are not touched,
        // save the one holding the new top's header
        long touched = t.as.stats().rssAnon() - rssBefore;
        assertThat(touched).isLessThanOrEqualTo(oldTopPages + 1);
        assertThat(t.brkOff()).isGreaterThan(0x40000 + 0x21000 - 4096);
    }

    @Test
    void callocOfAMmappedChunkTouchesOnlyItsHeaderPage() {
        h.malloc(16);
        long rssBefore = h.as.stats().rssAnon();
        long p = h.calloc(1, 1 << 20);
        assertThat(h.word(p) & Chunk.IS_MMAPPED).isNotZero();
        assertThat(h.as.stats().rssAnon() - rssBefore).isEqualTo(1);
    }

    @Test
    void memalignOfAMmappedChunkMovesItsStartAndRecordsTheLeadInPrevSize() {
        h.malloc(16);
        long p = h.memalign(8192, 200_000);
        assertThat(p % 8192).isZero();
        assertThat(h.word(p) & Chunk.IS_MMAPPED).isNotZero();
        long lead = h.as.load64(p - 16);
        assertThat((p - 16 - lead) & 4095).isZero();
        assertThat(h.pm.mallocUsableSize(p)).isGreaterThanOrEqualTo(200_000);
        long munmaps = h.as.syscallCount(org.mallocsim.kernel.mm.SyscallKind.MUNMAP);
        h.free(p);
        assertThat(h.as.syscallCount(org.mallocsim.kernel.mm.SyscallKind.MUNMAP))
                .isEqualTo(munmaps + 1);
        assertThat(h.pm.mallinfo2().hblks()).isZero();
    }
}
