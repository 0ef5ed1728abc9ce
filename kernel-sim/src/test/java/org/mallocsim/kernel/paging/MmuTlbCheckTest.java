package org.mallocsim.kernel.paging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MmuTlbCheckTest {
    private static final long BASE = 0x7f00_0000_0000L;

    @Test
    void aFilledTlbAgreesWithThePageTable() {
        DemandPager p = new DemandPager(16 << 20, BASE, BASE + (64 << 12));
        for (int i = 0; i < 64; i++) {
            p.mmu.store64(BASE + ((long) i << 12), i);
            p.mmu.load64(BASE + ((long) i << 12) + 8);
        }
        assertThat(p.mmu.checkAgainstPageTable()).isNull();
    }

    @Test
    void anEntryLeftBehindByAZapWithoutFlushIsReported() {
        DemandPager p = new DemandPager(16 << 20, BASE, BASE + (4 << 12));
        p.mmu.store64(BASE, 42);
        p.pageTable.zapRange(BASE, BASE + 4096, (va, pte) -> 0);
        assertThat(p.mmu.checkAgainstPageTable()).contains("for 0x7f0000000000").contains("PTE is");
        p.mmu.flushRange(BASE, BASE + 4096);
        assertThat(p.mmu.checkAgainstPageTable()).isNull();
    }

    @Test
    void aWriteEntryForAPageMadeReadOnlyWithoutFlushIsReported() {
        DemandPager p = new DemandPager(16 << 20, BASE, BASE + (4 << 12));
        p.mmu.store64(BASE, 42);
        p.pageTable.forEachPte(BASE, BASE + 4096, (va, pte) -> pte & ~Pte.RW);
        assertThat(p.mmu.checkAgainstPageTable()).contains("allows writes");
    }
}
