package org.mallocsim.allocator.ptmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.Page;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.kernel.paging.Mmu;
import org.mallocsim.kernel.paging.PageWindow;

/**
 * A tcache hit reaches tcache_perthread_struct through a page window ({@link Tcache#window}); the
 * TLB must see what the ordinary accesses would make it see. The case that tells them apart is a
 * cached chunk in the page that shares the struct's TLB entry, {@link Mmu#TLB_SIZE} pages after
 * it: touching the chunk evicts the struct's translation, and the stores to the struct after that
 * must miss again.
 */
class TcacheWindowTest {
    private final AddressSpace as = new AddressSpace(KernelConfig.defaults());
    private final Ptmalloc pm = new Ptmalloc(as);

    /** A 24-byte block whose chunk starts {@code pagesAfter} pages after the tcache's page, plus 0x100. */
    private long blockPagesAfterTheTcache(long pagesAfter) {
        assertThat(pm.mallopt(MallOpt.M_MMAP_THRESHOLD, 32 << 20)).isEqualTo(1);
        long first = pm.malloc(24);
        long target = (pm.tcache() & Page.PAGE_MASK) + pagesAfter * Page.PAGE_SIZE + 0x100;
        long gap = target - (Chunk.mem2chunk(first) + Chunk.request2size(24));
        long half = (gap / 2) & ~Chunk.MALLOC_ALIGN_MASK;
        pm.malloc(half - Chunk.SIZE_SZ);
        pm.malloc(gap - half - Chunk.SIZE_SZ);
        long b = pm.malloc(24);
        assertThat(Chunk.mem2chunk(b)).isEqualTo(target);
        return b;
    }

    private long tlbMisses() {
        return as.stats().tlbMisses();
    }

    @Test
    void aTcacheHitOnAChunkSharingTheStructsTlbEntryMissesWhereTheOrdinaryAccessesWould() {
        long b = blockPagesAfterTheTcache(Mmu.TLB_SIZE);
        assertThat(PageWindow.sharesEntry(b, pm.tcache())).isTrue();
        pm.free(b);
        long before = tlbMisses();
        assertThat(pm.malloc(24)).isEqualTo(b);
        // the struct's count and head hit; e->next misses (evicting the struct), the stores to the
        // head and count miss once, then the key store misses on the chunk again
        assertThat(tlbMisses() - before).isEqualTo(3);
        pm.checkHeap();
    }

    @Test
    void theSameHitOnAChunkOfAnotherEntryMissesNowhere() {
        long b = blockPagesAfterTheTcache(Mmu.TLB_SIZE - 1);
        assertThat(PageWindow.sharesEntry(b, pm.tcache())).isFalse();
        pm.free(b);
        long before = tlbMisses();
        assertThat(pm.malloc(24)).isEqualTo(b);
        assertThat(tlbMisses() - before).isZero();
        pm.checkHeap();
    }

    @Test
    void aFreeToTheTcacheOfAChunkSharingTheStructsEntryMissesOnEverySwitchOfPage() {
        long b = blockPagesAfterTheTcache(Mmu.TLB_SIZE);
        long before = tlbMisses();
        pm.free(b);
        // the chunk holds the shared entry (malloc wrote its header last): size and key hit; then
        // count, key store, head, next store and head store each switch page and miss; count hits
        assertThat(tlbMisses() - before).isEqualTo(5);
        assertThat(as.load64(pm.tcache() + TcachePerthread.ENTRIES + Chunk.csize2tidx(32) * 8))
                .isEqualTo(b);
        pm.checkHeap();
    }

    @Test
    void aWindowHitCountsTheSameAccessesAsTheOrdinaryPath() {
        long b = blockPagesAfterTheTcache(2);
        pm.free(b);
        long accesses = as.accesses();
        assertThat(pm.malloc(24)).isEqualTo(b);
        // count, head, next, head, count, key: tcache_get's six
        assertThat(as.accesses() - accesses).isEqualTo(6);
    }
}
