package org.mallocsim.kernel.paging;

import static org.mallocsim.kernel.Page.PAGE_SHIFT;

/**
 * The {@link Mmu}'s TLB checked against the page table, for {@code -Dmallocsim.mm.check} and the
 * tests: every valid entry's page has a present PTE, the entry reaches that PTE's frame, and a
 * write entry exists only for a writable, dirty PTE. A stale entry would let a load or store
 * bypass a munmap, mprotect or MADV_DONTNEED, which Linux's TLB flushes exist to prevent.
 */
final class TlbAudit {
    private TlbAudit() {}

    /** Null when every entry of {@code mmu} agrees with {@code pageTable}, else the first disagreement. */
    static String check(Mmu mmu, PageTable pageTable, PhysicalMemory ram) {
        for (int i = 0; i < Mmu.TLB_SIZE; i++) {
            long read = mmu.readTagAt(i);
            long write = mmu.writeTagAt(i);
            long page = read != -1 ? read : write;
            if (page == -1) {
                continue;
            }
            long pte = pageTable.readPte(page);
            String where = "TLB entry " + i + " for 0x" + Long.toHexString(page);
            if ((pte & Pte.PRESENT) == 0) {
                return where + " but the PTE is " + Pte.toString(pte);
            }
            long pfn = Pte.pfn(pte);
            if (mmu.hostAt(i) != ram.slab(pfn)
                    || mmu.hostBaseAt(i) != HostMemory.address(mmu.hostAt(i))
                    || mmu.hostOffsetAt(i, page) != ram.slabOffset(pfn << PAGE_SHIFT)) {
                return where + " reaches another frame than the PTE's " + Pte.toString(pte);
            }
            if (write != -1 && (write != page || (pte & (Pte.RW | Pte.DIRTY)) != (Pte.RW | Pte.DIRTY))) {
                return where + " allows writes but the PTE is " + Pte.toString(pte);
            }
        }
        return null;
    }
}
