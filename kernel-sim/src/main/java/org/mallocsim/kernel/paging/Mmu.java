package org.mallocsim.kernel.paging;

/**
 * Loads and stores by virtual address through a software TLB in the manner of QEMU's softmmu
 * (accel/tcg/cputlb.c): a direct-mapped table indexed by virtual page number, with separate read
 * and write tags, holding the slab and offset of the frame. A miss walks the {@link PageTable};
 * a missing or insufficient translation goes to the {@link FaultHandler}, then the access is retried.
 * Accessed and dirty bits are set in the PTE as the hardware does.
 *
 * <p>SKELETON: bodies are filled in by the paging work; signatures are fixed.
 */
public final class Mmu {

    public Mmu(PhysicalMemory ram, PageTable pageTable, FaultHandler faultHandler) {
        throw new UnsupportedOperationException("skeleton");
    }

    public int load8(long vaddr) { throw new UnsupportedOperationException("skeleton"); }
    public int load16(long vaddr) { throw new UnsupportedOperationException("skeleton"); }
    public int load32(long vaddr) { throw new UnsupportedOperationException("skeleton"); }
    public long load64(long vaddr) { throw new UnsupportedOperationException("skeleton"); }
    public void store8(long vaddr, int value) { throw new UnsupportedOperationException("skeleton"); }
    public void store16(long vaddr, int value) { throw new UnsupportedOperationException("skeleton"); }
    public void store32(long vaddr, int value) { throw new UnsupportedOperationException("skeleton"); }
    public void store64(long vaddr, long value) { throw new UnsupportedOperationException("skeleton"); }

    /** memset. */
    public void fill(long vaddr, int value, long length) { throw new UnsupportedOperationException("skeleton"); }
    /** memmove between two virtual ranges. */
    public void copy(long dstVaddr, long srcVaddr, long length) { throw new UnsupportedOperationException("skeleton"); }
    public void read(long vaddr, byte[] dst, int offset, int length) { throw new UnsupportedOperationException("skeleton"); }
    public void write(long vaddr, byte[] src, int offset, int length) { throw new UnsupportedOperationException("skeleton"); }

    /** Invalidates every TLB entry ({@code flush_tlb_mm}). */
    public void flushAll() { throw new UnsupportedOperationException("skeleton"); }
    /** Invalidates the entries of the pages in [start, end) ({@code flush_tlb_range}). */
    public void flushRange(long start, long end) { throw new UnsupportedOperationException("skeleton"); }

    public long tlbHits() { throw new UnsupportedOperationException("skeleton"); }
    public long tlbMisses() { throw new UnsupportedOperationException("skeleton"); }
}
