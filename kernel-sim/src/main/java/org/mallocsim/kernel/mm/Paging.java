package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmFlags.*;

import org.mallocsim.kernel.paging.FaultHandler;
import org.mallocsim.kernel.paging.Mmu;
import org.mallocsim.kernel.paging.PageTable;
import org.mallocsim.kernel.paging.PhysicalMemory;
import org.mallocsim.kernel.paging.Pte;

/**
 * The address space's hold on RAM, page table and TLB, and the PTE-level work the syscalls need:
 * {@code zap_page_range} (mm/memory.c), {@code free_pgtables}, {@code change_protection}
 * (mm/mprotect.c) and {@code move_page_tables} (mm/mremap.c). The page table is made on the first
 * fault ({@code mm_alloc_pgd} at exec in Linux); until then no VMA has a page and the zaps are no-ops.
 */
final class Paging {
    private final KernelConfig config;
    /** False when the RAM is shared with other address spaces (then its frame count is not ours alone). */
    final boolean ownsRam;

    private PhysicalMemory ram;
    private PageTable pageTable;
    private Mmu mmu;

    Paging(KernelConfig config, PhysicalMemory sharedRam) {
        this.config = config;
        this.ram = sharedRam;
        this.ownsRam = sharedRam == null;
    }

    boolean started() {
        return mmu != null;
    }

    /** Makes RAM, page table and MMU on first use. */
    void start(FaultHandler handler) {
        if (mmu == null) {
            if (ram == null) {
                ram = new PhysicalMemory(config.ramBytes());
            }
            pageTable = new PageTable(ram);
            mmu = new Mmu(ram, pageTable, handler);
        }
    }

    /** Ends the process's memory: the TLB is flushed, and the RAM released when it is ours alone. */
    void release() {
        if (mmu != null) {
            mmu.flushAll();
        }
        if (ownsRam && ram != null) {
            ram.release();
        }
    }

    PhysicalMemory ram() {
        return ram;
    }

    PageTable pageTable() {
        return pageTable;
    }

    Mmu mmu() {
        return mmu;
    }

    void flushRange(long start, long end) {
        if (mmu != null) {
            mmu.flushRange(start, end);
        }
    }

    /** {@code free_pgtables} between two neighbours: nothing is mapped there, so every table left empty goes. */
    void freePgtables(long floor, long ceiling) {
        if (pageTable != null && ceiling > floor) {
            pageTable.zapRange(floor, ceiling, clearAll);
        }
    }

    private final PageTable.PteVisitor clearAll = (vaddr, pte) -> 0;

    // ---- PTE templates ------------------------------------------------------------------------------

    /**
     * {@code vm_get_page_prot(vm_flags)} for x86's {@code protection_map}, with {@code pte_mkwrite}
     * when {@code writable}: the PTE bits a page of the VMA gets. PROT_NONE gives a not-present
     * PROTNONE entry; otherwise present, user, NX unless VM_EXEC, RW when writable, and the VMA's
     * protection key ({@code vm_pgprot_modify} carries {@code vma_pkey} into the PTE).
     */
    static long pageProt(long vmFlags, boolean writable) {
        if ((vmFlags & VM_ACCESS_FLAGS) == 0) {
            return Pte.PROTNONE;
        }
        long prot = Pte.PRESENT | Pte.USER | ((long) vmaPkey(vmFlags) << Pte.PKEY_SHIFT);
        if ((vmFlags & VM_EXEC) == 0) {
            prot |= Pte.NX;
        }
        return writable ? prot | Pte.RW : prot;
    }

    // ---- zap (mm/memory.c zap_pte_range) --------------------------------------------------------------

    private final class Zap implements PageTable.PteVisitor {
        Mm mm;
        Vma vma;
        boolean shmem;
        boolean keepMarkers;

        @Override
        public long visit(long vaddr, long pte) {
            if (!Pte.isPresent(pte)) {
                return keepMarkers && pte == Pte.GUARD_MARKER ? pte : 0;
            }
            if ((pte & Pte.SPECIAL) != 0) {
                return 0;
            }
            if (shmem) {
                mm.rssShmem--;
                if ((pte & Pte.DIRTY) != 0) {
                    vma.shmem.dirty.set((int) vma.pgoffAt(vaddr));
                }
            } else {
                mm.rssAnon--;
                ram.freeFrame(Pte.pfn(pte));
            }
            return 0;
        }
    }

    private final Zap zap = new Zap();

    /**
     * {@code unmap_vmas} over [start, end) of one VMA (munmap, which also drops guard markers);
     * RSS counters drop, private frames are freed.
     */
    void zapVma(Mm mm, Vma vma, long start, long end) {
        zap(mm, vma, start, end, false);
    }

    /** {@code zap_page_range_single} for MADV_DONTNEED and friends: guard markers stay. */
    void zapKeepingMarkers(Mm mm, Vma vma, long start, long end) {
        zap(mm, vma, start, end, true);
    }

    private void zap(Mm mm, Vma vma, long start, long end, boolean keepMarkers) {
        if (pageTable == null) {
            return;
        }
        mm.updateHiwaterRss();
        zap.mm = mm;
        zap.vma = vma;
        zap.shmem = vma.shmem != null;
        zap.keepMarkers = keepMarkers;
        pageTable.forEachPte(start, end, zap);
        zap.mm = null;
        zap.vma = null;
    }

    /**
     * The empty-page-table reclaim of MADV_DONTNEED (Linux 6.14+, CONFIG_PT_RECLAIM, on for x86-64):
     * every PTE table that [start, end) covers whole and that the zap left with no entry is freed,
     * so the block has no page table again (a later MADV_COLLAPSE finds {@code pmd_none}). A table
     * the range covers only in part stays, even if empty.
     */
    void reclaimEmptyPteTables(long start, long end) {
        if (pageTable == null) {
            return;
        }
        for (long block = (start + PMD_SIZE - 1) & -PMD_SIZE; block + PMD_SIZE <= end; block += PMD_SIZE) {
            pageTable.freePteTableIfEmpty(block);
        }
    }

    /** Whether the PTE table of the 2 MiB block at {@code block} exists ({@code pmd_none} is false). */
    boolean hasPteTable(long block) {
        return pageTable != null && pageTable.pteSlot(block, false) >= 0;
    }

    private final class MarkerScan implements PageTable.PteVisitor {
        boolean found;

        @Override
        public long visit(long vaddr, long pte) {
            found |= pte == Pte.GUARD_MARKER;
            return pte;
        }
    }

    private final MarkerScan markerScan = new MarkerScan();

    /** Whether [start, end) holds a guard marker: a non-present entry that is not none. */
    boolean holdsMarker(long start, long end) {
        if (pageTable == null) {
            return false;
        }
        markerScan.found = false;
        pageTable.forEachPte(start, end, markerScan);
        return markerScan.found;
    }

    private final class GuardInstall implements PageTable.PteVisitor {
        @Override
        public long visit(long vaddr, long pte) {
            return Pte.GUARD_MARKER;
        }
    }

    private final GuardInstall guardInstall = new GuardInstall();

    private final PageTable.PteVisitor guardRemove = (vaddr, pte) -> pte == Pte.GUARD_MARKER ? 0 : pte;

    /**
     * MADV_GUARD_INSTALL: zaps the range, then writes a marker in every PTE slot (allocating the
     * tables); false when RAM ran out of page-table frames.
     */
    boolean installGuards(Mm mm, Vma vma, long start, long end, org.mallocsim.kernel.paging.FaultHandler handler) {
        start(handler);
        zap(mm, vma, start, end, false);
        for (long a = start; a < end; a += PAGE_SIZE) {
            long slot = pageTable.pteSlot(a, true);
            if (slot < 0) {
                return false;
            }
            ram.putLong(slot, Pte.GUARD_MARKER);
        }
        mmu.flushRange(start, end);
        return true;
    }

    /** MADV_GUARD_REMOVE: clears the markers of [start, end); pages stay as they are. */
    void removeGuards(long start, long end) {
        if (pageTable != null) {
            pageTable.forEachPte(start, end, guardRemove);
        }
    }

    /** Frees the frames of a shmem object nobody maps any more. */
    void freeShmem(Shmem s) {
        if (ram == null) {
            return;
        }
        for (int i = 0; i < s.pages.length; i++) {
            if (s.pages[i] != 0) {
                ram.freeFrame(s.pages[i] - 1);
                s.pages[i] = 0;
            }
        }
    }

    // ---- change_protection (mm/mprotect.c) ----------------------------------------------------------------

    private final class ChangeProt implements PageTable.PteVisitor {
        long flags;
        boolean tryWritable;

        @Override
        public long visit(long vaddr, long pte) {
            if (!Pte.isPresent(pte)) {
                return pte;
            }
            boolean special = (pte & Pte.SPECIAL) != 0;
            boolean writable;
            if ((flags & VM_SHARED) != 0) {
                writable = (flags & VM_WRITE) != 0;
            } else {
                // can_change_pte_writable: every private page here is an exclusive anonymous one;
                // the zero page stays read-only so that a write still copies
                writable = tryWritable && !special;
            }
            long keep = pte & (Pte.ACCESSED | Pte.DIRTY | Pte.SPECIAL | Pte.LAZYFREE);
            return Pte.make(Pte.pfn(pte), pageProt(flags, writable) | keep);
        }
    }

    private final ChangeProt changeProt = new ChangeProt();

    /** {@code change_protection}: rewrites the PTEs of [start, end) for the VMA's new flags and flushes. */
    void changeProtection(Vma vma, long start, long end) {
        if (pageTable == null) {
            return;
        }
        changeProt.flags = vma.flags;
        changeProt.tryWritable = (vma.flags & VM_WRITE) != 0;
        pageTable.forEachPte(start, end, changeProt);
        mmu.flushRange(start, end);
    }

    // ---- move_page_tables (mm/mremap.c) ---------------------------------------------------------------

    private final class Mover implements PageTable.PteVisitor {
        long delta;
        boolean failed;

        @Override
        public long visit(long vaddr, long pte) {
            long slot = pageTable.pteSlot(vaddr + delta, true);
            if (slot < 0) {
                failed = true;
                return pte;
            }
            ram.putLong(slot, pte);
            return 0;
        }
    }

    private final Mover mover = new Mover();

    /**
     * {@code move_page_tables}: moves every PTE of [oldStart, oldStart + len) to newStart (the frames
     * stay, nothing is copied); false when RAM ran out of page-table frames.
     */
    boolean movePageTables(long oldStart, long newStart, long len) {
        if (pageTable == null) {
            return true;
        }
        mover.delta = newStart - oldStart;
        mover.failed = false;
        pageTable.forEachPte(oldStart, oldStart + len, mover);
        mmu.flushRange(oldStart, oldStart + len);
        return !mover.failed;
    }

    // ---- MADV_FREE --------------------------------------------------------------------------------------

    private final class LazyFree implements PageTable.PteVisitor {
        @Override
        public long visit(long vaddr, long pte) {
            if ((pte & Pte.PRESENT) == 0 || (pte & Pte.SPECIAL) != 0) {
                return pte;
            }
            return (pte & ~(Pte.DIRTY | Pte.ACCESSED)) | Pte.LAZYFREE;
        }
    }

    private final LazyFree lazyFree = new LazyFree();

    /** {@code madvise_free_pte_range}: clean and old, and on the lazy-free list. */
    void markLazyFree(long start, long end) {
        if (pageTable == null) {
            return;
        }
        pageTable.forEachPte(start, end, lazyFree);
        mmu.flushRange(start, end);
    }

    private final class Reclaim implements PageTable.PteVisitor {
        Mm mm;
        long freed;

        @Override
        public long visit(long vaddr, long pte) {
            if ((pte & Pte.LAZYFREE) == 0 || (pte & Pte.DIRTY) != 0 || (pte & Pte.PRESENT) == 0) {
                return pte;
            }
            ram.freeFrame(Pte.pfn(pte));
            mm.rssAnon--;
            freed++;
            return 0;
        }
    }

    private final Reclaim reclaim = new Reclaim();

    /**
     * Reclaim of lazy-free pages (mm/vmscan.c drops clean MADV_FREE folios instead of swapping
     * them): run when a fault finds no free frame. Returns the frames freed.
     */
    long reclaimLazyFree(Mm mm) {
        if (pageTable == null) {
            return 0;
        }
        reclaim.mm = mm;
        reclaim.freed = 0;
        for (Vma v = mm.tree.first(); v != null; v = mm.tree.next(v)) {
            if (v.isAnonymous() || v.file != null) {
                pageTable.forEachPte(v.start, v.end, reclaim);
            }
        }
        reclaim.mm = null;
        if (reclaim.freed > 0) {
            mmu.flushAll();
        }
        return reclaim.freed;
    }

    /** {@code shmem_fallocate(PUNCH_HOLE)} for MADV_REMOVE: the object's pages of [start, end) are freed. */
    void punchShmem(Vma vma, long start, long end) {
        if (ram == null) {
            return;
        }
        for (long a = start; a < end; a += PAGE_SIZE) {
            long idx = vma.pgoffAt(a);
            long pfn = vma.shmem.pfn(idx);
            if (pfn >= 0) {
                ram.freeFrame(pfn);
                vma.shmem.pages[(int) idx] = 0;
                vma.shmem.dirty.clear((int) idx);
            }
        }
    }
}
