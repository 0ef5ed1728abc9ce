package org.mallocsim.kernel.paging;

import static org.mallocsim.kernel.Page.*;

/**
 * Layout of an x86-64 page-table entry (arch/x86/include/asm/pgtable_types.h), the same 64 bits
 * at every level of the {@link PageTable}; helpers named after Linux's {@code pte_*} functions
 * (arch/x86/include/asm/pgtable.h).
 *
 * <pre>
 *   63  62..59 58..52  51 ............................ 12 11 10  9  8  7  6  5  4  3  2  1  0
 *  +--+------+-------+----------------------------------+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |NX| PKEY | (sw)  |          page frame number       |S3|S2|S1|G |PS| D| A|CD|WT| U|RW| P|
 *  +--+------+-------+----------------------------------+--+--+--+--+--+--+--+--+--+--+--+--+
 *                                                                |  |
 *   S1 (bit 9) = SPECIAL: zero page, no struct page              |  +-- bit 8 when P = 0:
 *   S2 (bit 10) = LAZYFREE: MADV_FREE'd (emulator)               |      PROTNONE (PROT_NONE page,
 *   bit 58 alone, P = 0: a guard marker (MADV_GUARD_INSTALL)     |      pte_present() is true)
 *   PKEY: the protection key (execute-only memory)               |
 *   PFN_MASK = bits 51..12                                       |
 *   upper levels (PGD/PUD/PMD entries) = table pfn | PAGE_TABLE (P|RW|U|A|D): the leaf decides
 * </pre>
 *
 * <p>A zero entry is {@code pte_none}. Only 4 KiB leaves exist here: PS (bit 7) is never set.
 */
public final class Pte {
    public static final long PRESENT = 1L;
    public static final long RW = 1L << 1;
    public static final long USER = 1L << 2;
    public static final long PWT = 1L << 3;
    public static final long PCD = 1L << 4;
    public static final long ACCESSED = 1L << 5;
    public static final long DIRTY = 1L << 6;
    public static final long PSE = 1L << 7;
    public static final long GLOBAL = 1L << 8;
    /** When PRESENT is clear: a PROT_NONE page that Linux still counts as present. */
    public static final long PROTNONE = 1L << 8;
    /** _PAGE_SPECIAL (software bit 1): the zero page and other pages without a struct page. */
    public static final long SPECIAL = 1L << 9;
    /**
     * Software bit 10 (_PAGE_SOFTW2): the page was given MADV_FREE; Linux keeps this on the folio
     * (it loses PG_swapbacked), the emulator in the PTE that maps it.
     */
    public static final long LAZYFREE = 1L << 10;
    /** _PAGE_SOFT_DIRTY (software bit 3). */
    public static final long SOFT_DIRTY = 1L << 11;
    /**
     * A guard-region marker ({@code PTE_MARKER_GUARD}, MADV_GUARD_INSTALL): a non-present entry
     * whose fault is SIGSEGV; dropped only by munmap and MADV_GUARD_REMOVE.
     */
    public static final long GUARD_MARKER = 1L << 58;
    /** {@code _PAGE_BIT_PKEY_BIT0}: the protection key sits in bits 62..59. */
    public static final int PKEY_SHIFT = 59;
    /** The four protection-key bits ({@code _PAGE_PKEY_MASK}). */
    public static final long PKEY_MASK = 0xfL << PKEY_SHIFT;

    public static final long NX = 1L << 63;
    public static final long PFN_MASK = 0x000f_ffff_ffff_f000L;
    /** Every bit that is not the frame number. */
    public static final long FLAGS_MASK = ~PFN_MASK;
    /** {@code _PAGE_TABLE}: what an upper-level entry carries besides the table's pfn. */
    public static final long PAGE_TABLE = PRESENT | RW | USER | ACCESSED | DIRTY;

    private Pte() {}

    /** {@code pfn_pte}: an entry mapping frame {@code pfn} with {@code flags}. */
    public static long make(long pfn, long flags) {
        return ((pfn << PAGE_SHIFT) & PFN_MASK) | (flags & FLAGS_MASK);
    }

    public static long pfn(long pte) {
        return (pte & PFN_MASK) >>> PAGE_SHIFT;
    }

    /** The non-pfn bits. */
    public static long flags(long pte) {
        return pte & FLAGS_MASK;
    }

    /** {@code pte_none}: the empty entry. */
    public static boolean isNone(long pte) {
        return pte == 0;
    }

    /** {@code pte_present}: the hardware PRESENT bit, or a PROT_NONE page. */
    public static boolean isPresent(long pte) {
        return (pte & (PRESENT | PROTNONE)) != 0;
    }

    /** The hardware PRESENT bit alone: what the MMU walk tests, and the #PF error code's P bit. */
    public static boolean isHardwarePresent(long pte) {
        return (pte & PRESENT) != 0;
    }

    /** {@code pte_protnone}: PRESENT clear and PROTNONE set. */
    public static boolean isProtNone(long pte) {
        return (pte & (PRESENT | PROTNONE)) == PROTNONE;
    }

    /** {@code pte_write}. */
    public static boolean isWrite(long pte) {
        return (pte & RW) != 0;
    }

    /** {@code pte_dirty}. */
    public static boolean isDirty(long pte) {
        return (pte & DIRTY) != 0;
    }

    /** {@code pte_young}. */
    public static boolean isAccessed(long pte) {
        return (pte & ACCESSED) != 0;
    }

    /** {@code pte_special}. */
    public static boolean isSpecial(long pte) {
        return (pte & SPECIAL) != 0;
    }

    /** The entry with {@code flags} set ({@code pte_set_flags}, e.g. {@code pte_mkdirty}). */
    public static long withFlags(long pte, long flags) {
        return pte | (flags & FLAGS_MASK);
    }

    /** The entry with {@code flags} cleared ({@code pte_clear_flags}, e.g. {@code pte_wrprotect}). */
    public static long withoutFlags(long pte, long flags) {
        return pte & ~(flags & FLAGS_MASK);
    }

    /** The same flags on another frame. */
    public static long withPfn(long pte, long pfn) {
        return make(pfn, flags(pte));
    }

    /** For messages: {@code pfn=0x1f3 P RW U A D}. */
    public static String toString(long pte) {
        StringBuilder s = new StringBuilder("pfn=0x").append(Long.toHexString(pfn(pte)));
        if ((pte & PRESENT) != 0) s.append(" P");
        if ((pte & RW) != 0) s.append(" RW");
        if ((pte & USER) != 0) s.append(" U");
        if ((pte & ACCESSED) != 0) s.append(" A");
        if ((pte & DIRTY) != 0) s.append(" D");
        if ((pte & PROTNONE) != 0) s.append((pte & PRESENT) != 0 ? " G" : " PROTNONE");
        if ((pte & SPECIAL) != 0) s.append(" SPECIAL");
        if ((pte & NX) != 0) s.append(" NX");
        return s.toString();
    }
}
