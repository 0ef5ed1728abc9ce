package org.mallocsim.kernel.paging;

import java.util.ArrayList;
import java.util.List;
import org.mallocsim.kernel.OutOfMemoryKill;
import org.mallocsim.kernel.SegmentationFault;

/**
 * A minimal fault handler for the paging tests, a stand-in for the mm layer: pages in
 * [start, end) are demand-zero (reads map the zero page when {@link #zeroPageOnRead}, writes get a
 * fresh frame and copy-on-write the zero page), pages in [readOnlyStart, readOnlyEnd) refuse
 * writes, and everything else is SEGV_MAPERR. It records every fault it sees.
 */
final class DemandPager implements FaultHandler {
    final PhysicalMemory ram;
    final PageTable pageTable;
    final Mmu mmu;
    final List<long[]> faults = new ArrayList<>();
    long start;
    long end;
    long readOnlyStart;
    long readOnlyEnd;
    boolean zeroPageOnRead;

    DemandPager(long ramBytes, long start, long end) {
        this.ram = new PhysicalMemory(ramBytes);
        this.pageTable = new PageTable(ram);
        this.mmu = new Mmu(ram, pageTable, this);
        this.start = start;
        this.end = end;
    }

    @Override
    public void handlePageFault(long vaddr, int errorCode) {
        faults.add(new long[] {vaddr, errorCode});
        boolean write = (errorCode & PF_WRITE) != 0;
        if (vaddr < start || vaddr >= end) {
            throw new SegmentationFault(vaddr, SegmentationFault.SEGV_MAPERR);
        }
        long page = vaddr & -4096L;
        boolean readOnly = page >= readOnlyStart && page < readOnlyEnd;
        if (write && readOnly) {
            throw new SegmentationFault(vaddr, SegmentationFault.SEGV_ACCERR);
        }
        long slot = pageTable.pteSlot(page, true);
        if (slot < 0) {
            throw new OutOfMemoryKill(vaddr);
        }
        long pte = ram.getLong(slot);
        if (Pte.isProtNone(pte)) {
            throw new SegmentationFault(vaddr, SegmentationFault.SEGV_ACCERR);
        }
        if (pte == 0 && !write && zeroPageOnRead) {
            ram.putLong(slot, Pte.make(ram.zeroPfn(), Pte.PRESENT | Pte.USER | Pte.SPECIAL));
            return;
        }
        if (pte == 0 || (write && Pte.isSpecial(pte))) {
            long pfn = ram.allocZeroedFrameFor(page); // as the mm layer's anonymous faults do
            if (pfn < 0) {
                throw new OutOfMemoryKill(vaddr);
            }
            long flags = Pte.PRESENT | Pte.USER | (readOnly ? 0 : Pte.RW) | (write ? Pte.ACCESSED | Pte.DIRTY : 0);
            ram.putLong(slot, Pte.make(pfn, flags));
            if (pte != 0) {
                mmu.flushRange(page, page + 4096); // wp_page_copy flushes the zero-page translation
            }
            return;
        }
        throw new IllegalStateException("unexpected fault at 0x" + Long.toHexString(vaddr) + " code " + errorCode
                + " pte " + Pte.toString(pte));
    }

    /** munmap's part: clears the PTEs, frees the frames and tables, then flushes the TLB. */
    void unmap(long from, long to) {
        pageTable.zapRange(from, to, (va, pte) -> {
            if (!Pte.isSpecial(pte)) {
                ram.freeFrame(Pte.pfn(pte));
            }
            return 0;
        });
        mmu.flushRange(from, to);
    }

    long lastFaultAddress() {
        return faults.get(faults.size() - 1)[0];
    }

    int lastFaultCode() {
        return (int) faults.get(faults.size() - 1)[1];
    }
}
