package org.mallocsim.kernel.paging;

import static org.mallocsim.kernel.Page.*;

/**
 * What the MMU sees when it translates one virtual address: the entry it reads at each of the
 * four levels (0 where a level is absent, and nothing below it), as a learner would draw it.
 *
 * <pre>
 *  vaddr  = | 47..39 PGD index | 38..30 PUD index | 29..21 PMD index | 20..12 PTE index | 11..0 offset |
 *  entries[0] = PGD[pgd index]  → the PUD table's frame
 *  entries[1] = PUD[pud index]  → the PMD table's frame
 *  entries[2] = PMD[pmd index]  → the PTE table's frame
 *  entries[3] = PTE[pte index]  → the page's frame and its bits
 * </pre>
 *
 * @param vaddr   the virtual address
 * @param entries the four entries, PGD first
 */
public record PageWalk(long vaddr, long[] entries) {

    private static final String[] LEVELS = {"PGD", "PUD", "PMD", "PTE"};
    private static final int[] SHIFTS = {39, 30, 21, 12};

    /** Walks the tables rooted at {@code pgdPfn} (read-only: no table is made). */
    public static PageWalk walk(PhysicalMemory ram, long pgdPfn, long vaddr) {
        long[] e = new long[4];
        long table = pgdPfn;
        for (int level = 0; level < 4 && table >= 0; level++) {
            e[level] = ram.getLong((table << PAGE_SHIFT) + (index(vaddr, level) << 3));
            table = level < 3 && (e[level] & Pte.PRESENT) != 0 ? Pte.pfn(e[level]) : -1;
        }
        return new PageWalk(vaddr, e);
    }

    /** The walk of an address space that has no page table yet: every entry empty. */
    public static PageWalk empty(long vaddr) {
        return new PageWalk(vaddr, new long[4]);
    }

    /** The table index the address selects at a level (0 = PGD … 3 = PTE). */
    public static long index(long vaddr, int level) {
        return (vaddr >>> SHIFTS[level]) & 511;
    }

    /** The leaf entry, or 0 when the walk stops early. */
    public long pte() {
        return entries[3];
    }

    /**
     * The walk as text, one level a line:
     * {@code PTE[ 90] = 0x8000000000005067 -> frame 0x5 present rw user accessed dirty nx}.
     */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (int level = 0; level < 4; level++) {
            long e = entries[level];
            sb.append(String.format("%s[%3d] = 0x%016x", LEVELS[level], index(vaddr, level), e));
            if (e == 0) {
                sb.append("  (none)\n");
                break;
            }
            sb.append(" -> frame 0x").append(Long.toHexString(Pte.pfn(e)));
            sb.append(bits(e)).append('\n');
            if ((e & Pte.PRESENT) == 0) {
                break;
            }
        }
        return sb.toString();
    }

    private static String bits(long e) {
        StringBuilder sb = new StringBuilder();
        if ((e & Pte.PRESENT) != 0) sb.append(" present");
        if ((e & Pte.PRESENT) == 0 && (e & Pte.PROTNONE) != 0) sb.append(" protnone");
        if ((e & Pte.RW) != 0) sb.append(" rw");
        if ((e & Pte.USER) != 0) sb.append(" user");
        if ((e & Pte.ACCESSED) != 0) sb.append(" accessed");
        if ((e & Pte.DIRTY) != 0) sb.append(" dirty");
        if ((e & Pte.SPECIAL) != 0) sb.append(" special");
        if ((e & Pte.NX) != 0) sb.append(" nx");
        return sb.toString();
    }
}
