package org.mallocsim.kernel.paging;

import static org.mallocsim.kernel.Page.*;

import java.util.Arrays;

/**
 * The x86-64 4-level page table (PGD → PUD → PMD → PTE, 512 eight-byte entries per level, 48-bit
 * virtual addresses), with every table in a frame of {@link PhysicalMemory}. Entries use the
 * hardware bit layout of {@link Pte}. Tables left empty by {@link #zapRange} are freed, and the
 * frames they occupy are counted for VmPTE.
 *
 * <pre>
 *  virtual address (user half, below 2^47):
 *   63      48 47      39 38      30 29      21 20      12 11          0
 *  +----------+----------+----------+----------+----------+-------------+
 *  |  zero    | PGD index| PUD index| PMD index| PTE index| page offset |
 *  +----------+----------+----------+----------+----------+-------------+
 *
 *  CR3 = pgdPfn ─► PGD frame: 512 × 8 B ─► PUD frame ─► PMD frame ─► PTE frame: 512 leaves
 *                  entry = pfn | PAGE_TABLE (P|RW|U|A|D)                entry = Pte layout
 *
 *  counts[pfn of a PUD or PMD table] = its non-zero entries (child tables), so "empty" is O(1).
 *
 *  groups[pfn of any table]: one bit per group of 8 entries (64 bits × 8 = 512)
 *   bit g clear ⇒ entries 8g .. 8g+7 are all zero; set ⇒ one of them may be non-zero
 * </pre>
 *
 * <p>PTE tables have no count: their leaves are written by the fault handler straight into RAM at
 * the address {@link #pteSlot} returns, so no count could stay exact. {@link #zapRange} learns
 * whether a PTE table became empty from the walk itself (it reads every slot in the range), plus a
 * scan of the slots outside the range for the at most two tables the range only partly covers.
 *
 * <p>The walks read only the groups of 8 entries whose {@code groups} bit is set: a brk shrink's
 * {@code free_pgtables} spans the whole gap up to the next mapping (terabytes), and without the
 * bits it read every empty entry of the tables at both ends of the gap. A bit is set wherever an
 * entry may become non-zero (a table linked in, a slot handed out by {@link #pteSlot} with
 * {@code allocate}, the only way a leaf is written where there was none) and cleared only after
 * its 8 entries were read as zero, so skipping a clear group never skips an entry.
 *
 * <p>Upper levels are always {@link Pte#PAGE_TABLE}, as Linux's {@code pmd_populate} and
 * {@code pud_populate} write them, so a leaf alone decides the access rights.
 * Not thread-safe: one emulated CPU.
 */
public final class PageTable {

    /** Visits page-table entries; returns the entry's new value (0 clears it). */
    public interface PteVisitor {
        long visit(long vaddr, long pte);
    }

    /** End of the user half of the 4-level address space: canonical user addresses are below it. */
    public static final long USER_END = 1L << 47;
    /** Entries per table. */
    public static final int PTRS_PER_TABLE = 512;

    static final int PGDIR_SHIFT = 39;
    static final int PUD_SHIFT = 30;

    private final PhysicalMemory ram;
    private final long pgdPfn;
    private final long pgd;
    /** Non-zero entries per PUD/PMD table, indexed by the table's pfn; grown to the highest table pfn. */
    private int[] counts = new int[1024];
    /** Per table pfn, the groups of 8 entries that may hold a non-zero one (same indexing as counts). */
    private long[] groups = new long[1024];
    /** PUD + PMD + PTE tables in use. */
    private long tables;

    /** A process's empty page table: one zeroed PGD frame ({@code pgd_alloc}, arch/x86/mm/pgtable.c). */
    public PageTable(PhysicalMemory ram) {
        this.ram = ram;
        long pfn = ram.allocZeroedFrame();
        if (pfn < 0) {
            throw new IllegalStateException("no free frame for the PGD");
        }
        this.pgdPfn = pfn;
        this.pgd = pfn << PAGE_SHIFT;
        if (pfn >= counts.length) {
            counts = new int[(int) pfn + 1024];
            groups = new long[counts.length];
        }
    }

    /**
     * Physical address of the PTE slot for {@code vaddr}. With {@code allocate} the missing PUD,
     * PMD and PTE tables are made (zeroed frames); returns -1 when a level is missing and
     * {@code allocate} is false, or when no frame is left for a table. A failed allocation leaves
     * the table exactly as it was: all frames a walk needs are taken before any is linked in
     * ({@code __pte_alloc} and friends, mm/memory.c). Addresses outside the user half have no slot.
     */
    public long pteSlot(long vaddr, boolean allocate) {
        if ((vaddr & -USER_END) != 0) {
            if (allocate) {
                throw new IllegalArgumentException("not a user address: 0x" + Long.toHexString(vaddr));
            }
            return -1;
        }
        long slot = pgd + (index(vaddr, PGDIR_SHIFT) << 3);
        int shift = PGDIR_SHIFT;
        long e;
        while ((e = ram.getLong(slot)) != 0) {
            shift -= 9;
            slot = (e & Pte.PFN_MASK) + (index(vaddr, shift) << 3);
            if (shift == PAGE_SHIFT) {
                if (allocate) {
                    markGroup(slot);
                }
                return slot;
            }
        }
        if (!allocate) {
            return -1;
        }
        // slot is the empty entry at level `shift`; it needs (shift - 12) / 9 new tables below it
        int missing = (shift - PAGE_SHIFT) / 9;
        long a = ram.allocZeroedFrame();
        long b = missing >= 2 ? ram.allocZeroedFrame() : 0;
        long c = missing == 3 ? ram.allocZeroedFrame() : 0;
        if (a < 0 || b < 0 || c < 0) {
            if (a > 0) ram.freeFrame(a);
            if (b > 0) ram.freeFrame(b);
            if (c > 0) ram.freeFrame(c);
            return -1;
        }
        slot = link(slot, a, vaddr, shift -= 9);
        if (missing >= 2) {
            slot = link(slot, b, vaddr, shift -= 9);
        }
        if (missing == 3) {
            slot = link(slot, c, vaddr, shift - 9);
        }
        markGroup(slot);
        return slot;
    }

    /** The PTE mapping {@code vaddr}, or 0 when there is none. */
    public long readPte(long vaddr) {
        long slot = walk(vaddr);
        return slot < 0 ? 0 : ram.getLong(slot);
    }

    /**
     * Calls the visitor for every non-zero PTE in [start, end) in address order, storing what it
     * returns; levels with no table are skipped whole, so a sparse range costs little.
     * Pages partly inside the range are visited; the range is clipped to the user half.
     * The walk is {@code walk_page_range}'s (mm/pagewalk.c): a {@code pXd_none} entry skips to
     * {@code pXd_addr_end}.
     */
    public void forEachPte(long start, long end, PteVisitor visitor) {
        walkRange(start, end, visitor, false);
    }

    /**
     * Like {@link #forEachPte}, expecting the visitor to clear entries; then frees every PTE, PMD
     * and PUD table in [start, end) that has become empty ({@code free_pgtables}, mm/memory.c).
     * The PGD is never freed.
     */
    public void zapRange(long start, long end, PteVisitor visitor) {
        walkRange(start, end, visitor, true);
    }

    /**
     * Frees the PTE table that maps the 2 MiB block at {@code block} when all 512 of its entries
     * are none, leaving the PMD table in place even if it becomes empty: Linux 6.14+'s
     * {@code try_to_free_pte} (mm/pt_reclaim.c), which MADV_DONTNEED runs on each page table it
     * zapped whole. Returns whether a table was freed.
     */
    public boolean freePteTableIfEmpty(long block) {
        if ((block & -USER_END) != 0) {
            return false;
        }
        long e = ram.getLong(pgd + (index(block, PGDIR_SHIFT) << 3));
        if (e == 0) {
            return false;
        }
        e = ram.getLong((e & Pte.PFN_MASK) + (index(block, PUD_SHIFT) << 3));
        if (e == 0) {
            return false;
        }
        long pmdSlot = (e & Pte.PFN_MASK) + (index(block, PMD_SHIFT) << 3);
        e = ram.getLong(pmdSlot);
        if (e == 0 || !slotsZero(e & Pte.PFN_MASK, 0, PTRS_PER_TABLE)) {
            return false;
        }
        unlink(pmdSlot, e & Pte.PFN_MASK);
        return true;
    }

    /** Bytes of page tables below the PGD, as VmPTE counts them ({@code mm_pgtables_bytes}). */
    public long tableBytes() {
        return tables << PAGE_SHIFT;
    }

    /** The PGD's frame (CR3). */
    public long pgdPfn() {
        return pgdPfn;
    }

    /** The MMU's walk: the PTE slot's physical address, or -1 where a level is missing. */
    long walk(long vaddr) {
        if ((vaddr & -USER_END) != 0) {
            return -1;
        }
        long e = ram.getLong(pgd + (index(vaddr, PGDIR_SHIFT) << 3));
        if (e == 0) {
            return -1;
        }
        e = ram.getLong((e & Pte.PFN_MASK) + (index(vaddr, PUD_SHIFT) << 3));
        if (e == 0) {
            return -1;
        }
        e = ram.getLong((e & Pte.PFN_MASK) + (index(vaddr, PMD_SHIFT) << 3));
        if (e == 0) {
            return -1;
        }
        return (e & Pte.PFN_MASK) + (index(vaddr, PAGE_SHIFT) << 3);
    }

    private static long index(long vaddr, int shift) {
        return (vaddr >>> shift) & (PTRS_PER_TABLE - 1);
    }

    /** Sets the group bit of the entry at physical address {@code slot}: it may become non-zero. */
    private void markGroup(long slot) {
        groups[(int) (slot >>> PAGE_SHIFT)] |= 1L << ((slot >>> 6) & 63);
    }

    /** The bits of the groups holding entries {@code first} .. {@code last} (inclusive). */
    private static long groupMask(int first, int last) {
        return (-1L << (first >>> 3)) & (-1L >>> (63 - (last >>> 3)));
    }

    /** Points {@code slot} at the new table {@code pfn}; returns the slot for {@code vaddr} inside it. */
    private long link(long slot, long pfn, long vaddr, int childShift) {
        ram.putLong(slot, Pte.make(pfn, Pte.PAGE_TABLE));
        counts[(int) (slot >>> PAGE_SHIFT)]++;
        markGroup(slot);
        if (pfn >= counts.length) {
            counts = Arrays.copyOf(counts, (int) Math.max(pfn + 1, counts.length * 2L));
            groups = Arrays.copyOf(groups, counts.length);
        }
        counts[(int) pfn] = 0;
        groups[(int) pfn] = 0;
        tables++;
        return (pfn << PAGE_SHIFT) + (index(vaddr, childShift) << 3);
    }

    private void walkRange(long start, long end, PteVisitor visitor, boolean zap) {
        if (start < 0 || start >= USER_END) {
            return;
        }
        if (end < 0 || end > USER_END) {
            end = USER_END;
        }
        long va = start & PAGE_MASK;
        if (va < end) {
            walkUpper(pgd, PGDIR_SHIFT, va, end, visitor, zap);
        }
    }

    /**
     * Walks [va, end) of one PGD, PUD or PMD table (each entry maps {@code 1 << shift} bytes; the
     * range lies inside the table's span) in address order, descending into every present entry;
     * with {@code zap}, unlinks each child table the walk left empty.
     */
    private void walkUpper(long table, int shift, long va, long end, PteVisitor visitor, boolean zap) {
        int first = (int) index(va, shift);
        int last = (int) index(end - 1, shift);
        long base = va & -(1L << (shift + 9));
        long mask = groupMask(first, last) & groups[(int) (table >>> PAGE_SHIFT)];
        while (mask != 0) {
            int g = Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            int to = Math.min(last, (g << 3) + 7);
            for (int i = Math.max(first, g << 3); i <= to; i++) {
                long slot = table + ((long) i << 3);
                long e = ram.getLong(slot);
                if (e == 0) {
                    continue;
                }
                long child = e & Pte.PFN_MASK;
                long lo = Math.max(va, base + ((long) i << shift));
                long hi = Math.min(end, base + ((long) (i + 1) << shift));
                if (shift == PMD_SHIFT) {
                    if (walkPte(child, lo, hi, visitor, zap)) {
                        unlink(slot, child);
                    }
                } else {
                    walkUpper(child, shift - 9, lo, hi, visitor, zap);
                    if (zap && counts[(int) (child >>> PAGE_SHIFT)] == 0) {
                        unlink(slot, child);
                    }
                }
            }
        }
    }

    /** Visits one PTE table's slots for [va, end); with {@code zap}, returns whether it is now empty. */
    private boolean walkPte(long pt, long va, long end, PteVisitor visitor, boolean zap) {
        int first = (int) index(va, PAGE_SHIFT);
        int last = (int) index(end - 1, PAGE_SHIFT);
        long base = va & (-1L << PMD_SHIFT);
        int tpfn = (int) (pt >>> PAGE_SHIFT);
        long mask = groupMask(first, last) & groups[tpfn];
        boolean live = false;
        while (mask != 0) {
            int g = Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            int from = Math.max(first, g << 3);
            int to = Math.min(last, (g << 3) + 7);
            boolean groupLive = false;
            for (int i = from; i <= to; i++) {
                long slot = pt + ((long) i << 3);
                long e = ram.getLong(slot);
                if (e != 0) {
                    long n = visitor.visit(base + ((long) i << PAGE_SHIFT), e);
                    if (n != e) {
                        ram.putLong(slot, n);
                    }
                    groupLive |= n != 0;
                }
            }
            live |= groupLive;
            if (!groupLive && to - from == 7) {
                // the visitor may have linked tables (mremap's mover), so the field is read again
                groups[tpfn] &= ~(1L << g);
            }
        }
        if (!zap || live) {
            return false;
        }
        return slotsZero(pt, 0, first) && slotsZero(pt, last + 1, PTRS_PER_TABLE);
    }

    /** Whether entries [from, to) of a table are all zero; clears the bits of groups found zero whole. */
    private boolean slotsZero(long table, int from, int to) {
        if (from >= to) {
            return true;
        }
        int tpfn = (int) (table >>> PAGE_SHIFT);
        long mask = groupMask(from, to - 1) & groups[tpfn];
        while (mask != 0) {
            int g = Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            int lo = Math.max(from, g << 3);
            int hi = Math.min(to, (g + 1) << 3);
            for (int i = lo; i < hi; i++) {
                if (ram.getLong(table + ((long) i << 3)) != 0) {
                    return false;
                }
            }
            if (hi - lo == 8) {
                groups[tpfn] &= ~(1L << g);
            }
        }
        return true;
    }

    /** Clears the parent's entry and frees the child table ({@code free_pte_range} and kin). */
    private void unlink(long parentSlot, long child) {
        if (PhysicalMemory.CHECKS && !ram.isZeroFrame(child >>> PAGE_SHIFT)) {
            throw new IllegalStateException("freeing a non-empty table at paddr 0x" + Long.toHexString(child));
        }
        ram.putLong(parentSlot, 0);
        counts[(int) (parentSlot >>> PAGE_SHIFT)]--;
        int groupStart = (int) ((parentSlot & ~PAGE_MASK) >>> 3) & -8;
        slotsZero(parentSlot & PAGE_MASK, groupStart, groupStart + 8);
        ram.freeFrame(child >>> PAGE_SHIFT);
        tables--;
    }
}
