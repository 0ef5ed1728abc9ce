package org.mallocsim.kernel.paging;

import static org.mallocsim.kernel.Page.PAGE_SHIFT;

/**
 * The {@link Mmu}'s TLB checked against the page table, for {@code -Dmallocsim.mm.check} and the
 * tests: every valid entry's page has a present PTE, the entry reaches that PTE's frame, a
 * write entry exists only for a writable, dirty PTE and is marked watched exactly when its page
 * is ({@link Mmu#watchWrites}), and an entry takes the fast path's home
 * address exactly when the PTE's frame is the page's home frame. A stale entry would let a load or store
 * bypass a munmap, mprotect or MADV_DONTNEED, which Linux's TLB flushes exist to prevent.
 */
final class TlbAudit {
    private TlbAudit() {}

    /** Null when every entry of {@code mmu} agrees with {@code pageTable}, else the first disagreement. */
    static String check(Mmu mmu, PageTable pageTable, PhysicalMemory ram) {
        for (int i = 0; i < Mmu.TLB_SIZE; i++) {
            long read = readTag(mmu, i);
            long write = writeTag(mmu, i);
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
            int offset = ram.slabOffset(pfn << PAGE_SHIFT);
            if (mmu.hostAt(i) != ram.slab(pfn)
                    || mmu.hostOffsetAt(i, page) != offset
                    || mmu.hostAddressAt(i, page) != HostMemory.address(ram.slab(pfn)) + offset) {
                return where + " reaches another frame than the PTE's " + Pte.toString(pte);
            }
            if (write != -1 && (write != page || (pte & (Pte.RW | Pte.DIRTY)) != (Pte.RW | Pte.DIRTY))) {
                return where + " allows writes but the PTE is " + Pte.toString(pte);
            }
            long rawWrite = mmu.tagAt(i, true);
            if (write != -1 && ((rawWrite & Mmu.WATCHED) != 0) != mmu.watches(page)) {
                return where
                        + ((rawWrite & Mmu.WATCHED) != 0
                                ? " sends the stores of an unwatched page to the slow path"
                                : " lets the stores of a watched page bypass the watcher");
            }
            if (home(mmu, i) != ram.isHome(pfn, page)) {
                String how = home(mmu, i)
                        ? " takes the home frame's fast path, but the PTE is "
                        : " misses the home frame of ";
                return where + how + Pte.toString(pte);
            }
        }
        return null;
    }

    /** The page TLB entry {@code i} of {@code mmu} translates for reads, or -1. */
    static long readTag(Mmu mmu, int i) {
        return page(mmu.tagAt(i, false));
    }

    /** The page TLB entry {@code i} of {@code mmu} translates for writes, or -1. */
    static long writeTag(Mmu mmu, int i) {
        return page(mmu.tagAt(i, true));
    }

    /** Whether TLB entry {@code i}'s tags send hits to the home frames' fast path. */
    static boolean home(Mmu mmu, int i) {
        long tag = mmu.tagAt(i, false) != -1 ? mmu.tagAt(i, false) : mmu.tagAt(i, true);
        return tag != -1 && (tag & Mmu.NOT_HOME) == 0;
    }

    private static long page(long tag) {
        return tag == -1 ? -1 : tag & ~Mmu.TAG_FLAGS;
    }
}
