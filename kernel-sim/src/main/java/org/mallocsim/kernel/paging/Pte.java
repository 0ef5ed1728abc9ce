package org.mallocsim.kernel.paging;

/**
 * Layout of an x86-64 page-table entry (arch/x86/include/asm/pgtable_types.h).
 *
 * <p>SKELETON: the paging work draws the layout and adds the helpers; the bit values are fixed.
 */
public final class Pte {
    public static final long PRESENT = 1L;
    public static final long RW = 1L << 1;
    public static final long USER = 1L << 2;
    public static final long ACCESSED = 1L << 5;
    public static final long DIRTY = 1L << 6;
    /** When PRESENT is clear: a PROT_NONE page that Linux still counts as present. */
    public static final long PROTNONE = 1L << 8;
    /** _PAGE_SPECIAL (software bit 1): the zero page and other pages without a struct page. */
    public static final long SPECIAL = 1L << 9;
    public static final long NX = 1L << 63;
    public static final long PFN_MASK = 0x000f_ffff_ffff_f000L;

    private Pte() {}

    public static long pfn(long pte) {
        return (pte & PFN_MASK) >>> 12;
    }
}
