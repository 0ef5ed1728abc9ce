package org.mallocsim.kernel.paging;

/**
 * The x86-64 4-level page table (PGD → PUD → PMD → PTE, 512 eight-byte entries per level, 48-bit
 * virtual addresses), with every table in a frame of {@link PhysicalMemory}. Entries use the
 * hardware bit layout of {@link Pte}. Tables left empty by {@link #zapRange} are freed, and the
 * frames they occupy are counted for VmPTE.
 *
 * <p>SKELETON: bodies are filled in by the paging work; signatures are fixed.
 */
public final class PageTable {

    /** Visits page-table entries; returns the entry's new value (0 clears it). */
    public interface PteVisitor {
        long visit(long vaddr, long pte);
    }

    public PageTable(PhysicalMemory ram) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Physical address of the PTE slot for {@code vaddr}. With {@code allocate} the missing PUD,
     * PMD and PTE tables are made (zeroed frames); returns -1 when a level is missing and
     * {@code allocate} is false, or when no frame is left for a table.
     */
    public long pteSlot(long vaddr, boolean allocate) { throw new UnsupportedOperationException("skeleton"); }

    /** The PTE mapping {@code vaddr}, or 0 when there is none. */
    public long readPte(long vaddr) { throw new UnsupportedOperationException("skeleton"); }

    /**
     * Calls the visitor for every non-zero PTE in [start, end) in address order, storing what it
     * returns; levels with no table are skipped whole, so a sparse range costs little.
     */
    public void forEachPte(long start, long end, PteVisitor visitor) { throw new UnsupportedOperationException("skeleton"); }

    /**
     * Like {@link #forEachPte}, expecting the visitor to clear entries; then frees every PTE, PMD
     * and PUD table in [start, end) that has become empty ({@code free_pgtables}, mm/memory.c).
     */
    public void zapRange(long start, long end, PteVisitor visitor) { throw new UnsupportedOperationException("skeleton"); }

    /** Bytes of page tables below the PGD, as VmPTE counts them ({@code mm_pgtables_bytes}). */
    public long tableBytes() { throw new UnsupportedOperationException("skeleton"); }

    /** The PGD's frame (CR3). */
    public long pgdPfn() { throw new UnsupportedOperationException("skeleton"); }
}
