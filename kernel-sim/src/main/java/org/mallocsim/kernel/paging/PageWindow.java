package org.mallocsim.kernel.paging;

import static org.mallocsim.kernel.Page.*;

/**
 * Page windows on an {@link Mmu}: one TLB test for a run of accesses to one small structure
 * (ptmalloc's tcache_perthread_struct), then each access a plain host load or store.
 *
 * <pre>
 *  window = host address of the frame of vaddr's page   (0: make ordinary accesses)
 *  access through it: window + (vaddr &amp; (PAGE_SIZE - size)), one hit counted
 * </pre>
 *
 * <p>A window opens only on a page the TLB holds writable (its PTE accessed and dirty, every
 * access a hit) and not watched ({@link Mmu#watchWrites}). An access through it counts as the hit
 * it stands for. It holds until a flush ({@link Mmu#flushGeneration} moves) or an access to
 * another page of the same entry ({@link #sharesEntry}) evicts it; a caller that makes other
 * accesses in between checks both and goes back to ordinary accesses if either happened, so
 * counts, PTE bits and faults stay those of ordinary accesses.
 */
public final class PageWindow {
    private static final sun.misc.Unsafe UNSAFE = HostMemory.UNSAFE;

    private PageWindow() {}

    /** Opens a window on {@code vaddr}'s page: its frame's host address, or 0. */
    public static long open(Mmu mmu, long vaddr) {
        long e = mmu.entry(vaddr);
        long page = vaddr & PAGE_MASK;
        // a watched page's WATCHED bit survives the mask: no window, its stores stay seen
        return (UNSAFE.getLong(e + Mmu.WRITE_TAG) & ~Mmu.NOT_HOME) == page ? page + UNSAFE.getLong(e + Mmu.ADDEND) : 0;
    }

    /** Whether {@code a} and {@code b} lie in different pages that share a TLB entry. */
    public static boolean sharesEntry(long a, long b) {
        long pages = (a ^ b) >>> PAGE_SHIFT;
        return pages != 0 && (pages & Mmu.TLB_MASK) == 0;
    }

    /**
     * The 64 bits at {@code vaddr} through {@code window}, opened on vaddr's page. Only the offset
     * within the page is used, rounded down to the access's alignment, so a wrong address reads
     * the window's own frame and never leaves it.
     */
    public static long load64(Mmu mmu, long window, long vaddr) {
        if (Mmu.COUNT) mmu.accesses++;
        return UNSAFE.getLong(window + (vaddr & (PAGE_SIZE - 8)));
    }

    /** The 16 bits at {@code vaddr} through {@code window}, zero-extended (see {@link #load64}). */
    public static int load16(Mmu mmu, long window, long vaddr) {
        if (Mmu.COUNT) mmu.accesses++;
        return UNSAFE.getShort(window + (vaddr & (PAGE_SIZE - 2))) & 0xffff;
    }

    /** Stores {@code value} at {@code vaddr} through {@code window} (see {@link #load64}). */
    public static void store64(Mmu mmu, long window, long vaddr, long value) {
        if (Mmu.COUNT) mmu.accesses++;
        UNSAFE.putLong(window + (vaddr & (PAGE_SIZE - 8)), value);
    }

    /** Stores the low 16 bits of {@code value} at {@code vaddr} through {@code window}. */
    public static void store16(Mmu mmu, long window, long vaddr, int value) {
        if (Mmu.COUNT) mmu.accesses++;
        UNSAFE.putShort(window + (vaddr & (PAGE_SIZE - 2)), (short) value);
    }
}
