package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmFlags.*;

import org.mallocsim.kernel.BusError;
import org.mallocsim.kernel.OutOfMemoryKill;
import org.mallocsim.kernel.SegmentationFault;
import org.mallocsim.kernel.paging.FaultHandler;
import org.mallocsim.kernel.paging.PageTable;
import org.mallocsim.kernel.paging.PhysicalMemory;
import org.mallocsim.kernel.paging.Pte;

/**
 * The page-fault path: x86 {@code do_user_addr_fault} (arch/x86/mm/fault.c) finds the VMA, grows a
 * stack, checks {@code access_error}; then {@code handle_pte_fault} (mm/memory.c) with
 * {@code do_anonymous_page} (zero page on read, zeroed frame on write), {@code do_wp_page}
 * ({@code wp_page_copy} of the zero page, {@code wp_page_reuse} of an exclusive page) and
 * {@code shmem_fault} for shared anonymous memory. File-backed regions of a recorded listing have
 * no contents in the emulator and fault like private anonymous memory.
 *
 * <p>No frame → {@link OutOfMemoryKill} after dropping lazy-free pages, with nothing changed.
 * Shared anonymous memory beyond its object's size (grown by mremap) → {@link BusError}.
 */
final class AnonFault implements FaultHandler {
    private final Mm mm;

    AnonFault(Mm mm) {
        this.mm = mm;
    }

    /** {@code do_user_addr_fault}. */
    @Override
    public void handlePageFault(long vaddr, int errorCode) {
        Vma vma = mm.tree.find(vaddr);
        if (vma == null) {
            throw new SegmentationFault(vaddr, SegmentationFault.SEGV_MAPERR);
        }
        if (vma.start > vaddr) {
            if ((vma.flags & VM_GROWSDOWN) == 0 || !expandDownwards(vma, vaddr)) {
                throw new SegmentationFault(vaddr, SegmentationFault.SEGV_MAPERR);
            }
        }
        int pkey = vmaPkey(vma.flags);
        if (pkey != 0) {
            // access_error's arch_vma_access_permitted: PKRU denies data access to every key but 0
            // (init_pkru_value), and bad_area_access_error reports it as SEGV_PKUERR
            throw new SegmentationFault(vaddr, SegmentationFault.SEGV_PKUERR, pkey);
        }
        if (accessError(errorCode, vma)) {
            throw new SegmentationFault(vaddr, SegmentationFault.SEGV_ACCERR);
        }
        mm.paging.start(this);
        if (mm.paging.pageTable().readPte(vaddr) == Pte.GUARD_MARKER) {
            // handle_pte_fault on a guard marker: VM_FAULT_SIGSEGV, reported as SEGV_MAPERR
            throw new SegmentationFault(vaddr, SegmentationFault.SEGV_MAPERR);
        }
        try {
            handleMmFault(vma, vaddr & PAGE_MASK, (errorCode & PF_WRITE) != 0);
        } catch (BusError e) {
            throw new BusError(vaddr);
        }
        mm.minorFaults++;
    }

    /** {@code access_error} (arch/x86/mm/fault.c). */
    static boolean accessError(int errorCode, Vma vma) {
        if ((errorCode & PF_WRITE) != 0) {
            return (vma.flags & VM_WRITE) == 0;
        }
        if ((errorCode & PF_PROT) != 0) {
            return true;
        }
        return (vma.flags & VM_ACCESS_FLAGS) == 0;
    }

    /**
     * {@code expand_downwards} with {@code acct_stack_growth} (mm/vma.c): guard gap to the VMA below,
     * RLIMIT_STACK, RLIMIT_AS and overcommit.
     */
    boolean expandDownwards(Vma vma, long address) {
        address &= PAGE_MASK;
        if (address < mm.config.mmapMinAddr()) {
            return false;
        }
        Vma prev = mm.tree.prev(vma);
        if (prev != null
                && (prev.flags & VM_GROWSDOWN) == 0
                && (prev.flags & VM_ACCESS_FLAGS) != 0
                && address - prev.end < mm.config.stackGuardGap()) {
            return false;
        }
        // "We must make sure the anon_vma is allocated" even if the growth then fails
        anonVmaPrepare(vma);
        long size = vma.end - address;
        long grow = (vma.start - address) >>> PAGE_SHIFT;
        if (!mm.mayExpandVm(vma.flags, grow)) {
            return false;
        }
        if (size > mm.config.rlimitStack() && mm.config.rlimitStack() >= 0) {
            return false;
        }
        if (grow > vma.pgoff) {
            return false;
        }
        if ((vma.flags & VM_ACCOUNT) != 0 && !mm.vmEnoughMemory(grow)) {
            return false;
        }
        mm.tree.resize(vma, address, vma.end);
        vma.pgoff -= grow;
        mm.vmStatAccount(vma.flags, grow);
        return true;
    }

    /**
     * {@code __handle_mm_fault} → {@code handle_pte_fault} for one page; also the body of populate.
     * The page table must exist.
     */
    void handleMmFault(Vma vma, long page, boolean write) {
        Paging p = mm.paging;
        PhysicalMemory ram = p.ram();
        PageTable pt = p.pageTable();
        long slot = pt.pteSlot(page, true);
        if (slot < 0) {
            slot = reclaimAndRetrySlot(pt, page);
        }
        long pte = ram.getLong(slot);
        if (pte == 0) {
            if (vma.shmem != null) {
                shmemFault(vma, page, slot, write);
            } else {
                doAnonymousPage(vma, page, slot, write);
            }
            return;
        }
        if (pte == Pte.GUARD_MARKER) {
            throw new SegmentationFault(page, SegmentationFault.SEGV_MAPERR);
        }
        if ((pte & Pte.PRESENT) == 0) {
            // a PROTNONE entry in a VMA that is accessible again: rebuild it from the VMA's flags
            boolean w = (vma.flags & VM_WRITE) != 0 && ((vma.flags & VM_SHARED) != 0 || (pte & Pte.SPECIAL) == 0);
            ram.putLong(
                    slot,
                    Pte.make(
                                    Pte.pfn(pte),
                                    Paging.pageProt(vma.flags, w) | pte & (Pte.SPECIAL | Pte.DIRTY | Pte.LAZYFREE))
                            | Pte.ACCESSED);
            p.flushRange(page, page + PAGE_SIZE);
            if (!write || (pte & Pte.SPECIAL) == 0) {
                return;
            }
            pte = ram.getLong(slot);
        }
        if (write && (pte & Pte.RW) == 0) {
            doWpPage(vma, page, slot, pte);
            return;
        }
        ram.putLong(slot, pte | Pte.ACCESSED | (write ? Pte.DIRTY : 0));
        p.flushRange(page, page + PAGE_SIZE);
    }

    private long reclaimAndRetrySlot(PageTable pt, long page) {
        if (mm.paging.reclaimLazyFree(mm) > 0) {
            long slot = pt.pteSlot(page, true);
            if (slot >= 0) {
                return slot;
            }
        }
        throw new OutOfMemoryKill(page);
    }

    /** A zeroed frame for {@code page}, its home frame when free (see {@link PhysicalMemory}). */
    private long allocZeroed(long page) {
        long pfn = mm.paging.ram().allocZeroedFrameFor(page);
        if (pfn < 0 && mm.paging.reclaimLazyFree(mm) > 0) {
            pfn = mm.paging.ram().allocZeroedFrameFor(page);
        }
        if (pfn < 0) {
            throw new OutOfMemoryKill(page);
        }
        return pfn;
    }

    /** {@code do_anonymous_page}: read → shared zero page (no RSS, no anon_vma); write → zeroed frame. */
    private void doAnonymousPage(Vma vma, long page, long slot, boolean write) {
        PhysicalMemory ram = mm.paging.ram();
        if (!write && mm.config.zeroPage()) {
            ram.putLong(slot, Pte.make(ram.zeroPfn(), Paging.pageProt(vma.flags, false) | Pte.SPECIAL | Pte.ACCESSED));
            return;
        }
        long pfn = allocZeroed(page);
        anonVmaPrepare(vma);
        boolean w = (vma.flags & VM_WRITE) != 0;
        ram.putLong(slot, Pte.make(pfn, Paging.pageProt(vma.flags, w) | Pte.ACCESSED | (w ? Pte.DIRTY : 0)));
        mm.rssAnon++;
        mm.updateHiwaterRss();
    }

    /** {@code do_wp_page}: copy of the zero page is a fresh zeroed frame; an exclusive page is reused. */
    private void doWpPage(Vma vma, long page, long slot, long pte) {
        PhysicalMemory ram = mm.paging.ram();
        if ((pte & Pte.SPECIAL) != 0) {
            long pfn = allocZeroed(page);
            anonVmaPrepare(vma);
            ram.putLong(slot, Pte.make(pfn, Paging.pageProt(vma.flags, true) | Pte.ACCESSED | Pte.DIRTY));
            mm.rssAnon++;
            mm.updateHiwaterRss();
        } else {
            long keep = pte & ~(Pte.LAZYFREE);
            ram.putLong(slot, keep | Pte.RW | Pte.DIRTY | Pte.ACCESSED);
        }
        mm.paging.flushRange(page, page + PAGE_SIZE);
    }

    /** {@code shmem_fault}: the object's page at this offset, allocated zeroed on first touch. */
    private void shmemFault(Vma vma, long page, long slot, boolean write) {
        PhysicalMemory ram = mm.paging.ram();
        long index = vma.pgoffAt(page);
        if (index >= vma.shmem.sizePages) {
            // shmem_fault beyond i_size: VM_FAULT_SIGBUS
            throw new BusError(page);
        }
        long pfn = vma.shmem.pfn(index);
        if (pfn < 0) {
            pfn = allocZeroed(page);
            vma.shmem.setPfn(index, pfn);
        }
        boolean w = (vma.flags & VM_WRITE) != 0;
        ram.putLong(slot, Pte.make(pfn, Paging.pageProt(vma.flags, w) | Pte.ACCESSED | (write ? Pte.DIRTY : 0)));
        mm.rssShmem++;
        mm.updateHiwaterRss();
    }

    /** {@code anon_vma_prepare} with {@code find_mergeable_anon_vma}: reuse a compatible neighbour's. */
    void anonVmaPrepare(Vma vma) {
        if (vma.anonVma != null) {
            return;
        }
        Vma prev = mm.tree.prev(vma);
        if (prev != null && prev.anonVma != null && anonVmaCompatible(prev, vma)) {
            vma.anonVma = prev.anonVma;
            return;
        }
        Vma next = mm.tree.next(vma);
        if (next != null && next.anonVma != null && anonVmaCompatible(vma, next)) {
            vma.anonVma = next.anonVma;
            return;
        }
        vma.anonVma = new AnonVma();
    }

    /** {@code anon_vma_compatible}: adjacent, same backing, flags equal but for access bits, pgoff continuous. */
    private static boolean anonVmaCompatible(Vma a, Vma b) {
        return a.end == b.start
                && a.file == b.file
                && a.shmem == b.shmem
                && ((a.flags ^ b.flags) & ~(VM_ACCESS_FLAGS | VM_SOFTDIRTY)) == 0
                && b.pgoff == a.pgoff + a.pages();
    }

    /**
     * {@code populate_vma_page_range} / {@code faultin_page} for [start, end) of one VMA: write
     * faults for private writable memory, read faults otherwise. Returns 0, -EFAULT at a guard
     * marker or past a shmem object's end, -ENOMEM when RAM runs out (mmap ignores all of them).
     */
    int populate(Vma vma, long start, long end, boolean write) {
        mm.paging.start(this);
        PageTable pt = mm.paging.pageTable();
        for (long a = start; a < end; a += PAGE_SIZE) {
            long pte = pt.readPte(a);
            if (Pte.isPresent(pte) && (!write || (pte & Pte.RW) != 0)) {
                continue;
            }
            if (pte == Pte.GUARD_MARKER) {
                return -org.mallocsim.kernel.Errno.EFAULT;
            }
            try {
                handleMmFault(vma, a, write);
                mm.minorFaults++;
            } catch (OutOfMemoryKill e) {
                return -org.mallocsim.kernel.Errno.ENOMEM;
            } catch (BusError e) {
                return -org.mallocsim.kernel.Errno.EFAULT;
            }
        }
        return 0;
    }
}
