package org.mallocsim.kernel.mm;

import java.util.Map;
import java.util.TreeMap;

/**
 * The address-ordered index of an address space's VMAs ({@code mm->mm_mt}, the maple tree of
 * mm/mmap.c and lib/maple_tree.c): lookups, neighbours and free-gap search.
 *
 * <p>SKELETON: a plain TreeMap with the final method set, replaced by the VMA-index work.
 */
public final class VmaTree {
    private final TreeMap<Long, Vma> byStart = new TreeMap<>();

    public int size() {
        return byStart.size();
    }

    /** {@code find_vma}: the VMA containing addr, else the first above it, else null. */
    public Vma find(long addr) {
        Map.Entry<Long, Vma> e = byStart.floorEntry(addr);
        if (e != null && Long.compareUnsigned(addr, e.getValue().end) < 0) {
            return e.getValue();
        }
        Map.Entry<Long, Vma> c = byStart.higherEntry(addr);
        return c == null ? null : c.getValue();
    }

    /** {@code vma_lookup}: only a VMA that contains addr. */
    public Vma lookup(long addr) {
        Map.Entry<Long, Vma> e = byStart.floorEntry(addr);
        return e != null && Long.compareUnsigned(addr, e.getValue().end) < 0 ? e.getValue() : null;
    }

    /** {@code find_vma_intersection}: the first VMA overlapping [start, end). */
    public Vma findIntersection(long start, long end) {
        Vma v = find(start);
        return v != null && Long.compareUnsigned(v.start, end) < 0 ? v : null;
    }

    public Vma prev(Vma vma) {
        Map.Entry<Long, Vma> e = byStart.lowerEntry(vma.start);
        return e == null ? null : e.getValue();
    }

    public Vma next(Vma vma) {
        Map.Entry<Long, Vma> e = byStart.higherEntry(vma.start);
        return e == null ? null : e.getValue();
    }

    public Vma first() {
        Map.Entry<Long, Vma> e = byStart.firstEntry();
        return e == null ? null : e.getValue();
    }

    public Vma last() {
        Map.Entry<Long, Vma> e = byStart.lastEntry();
        return e == null ? null : e.getValue();
    }

    /** Adds a VMA that overlaps none present. */
    public void insert(Vma vma) {
        byStart.put(vma.start, vma);
    }

    public void remove(Vma vma) {
        byStart.remove(vma.start);
    }

    /** Moves a VMA's bounds; the new range must overlap no other VMA. */
    public void resize(Vma vma, long newStart, long newEnd) {
        byStart.remove(vma.start);
        vma.start = newStart;
        vma.end = newEnd;
        byStart.put(newStart, vma);
    }

    /**
     * {@code unmapped_area_topdown} (mm/vma.c): the highest address {@code a} with
     * {@code low <= a}, {@code a + length <= high}, {@code (a & alignMask) == 0}, at or above the end
     * of the VMA below it and with {@code a + length} at or below {@code vm_start_gap} of the VMA
     * above it (its start, less {@code stackGuardGap} when it grows down); -1 when none fits.
     */
    public long unmappedAreaTopdown(long length, long low, long high, long alignMask, long stackGuardGap) {
        long top = high;
        Vma above = null;
        Vma v = last();
        while (true) {
            // the gap between v (or nothing) and 'above'
            long gapEnd = above == null ? high : Math.min(high, startGap(above, stackGuardGap));
            long gapStart = v == null ? low : Math.max(low, v.end);
            if (Long.compareUnsigned(gapEnd, gapStart) > 0 && gapEnd - gapStart >= length) {
                long a = (gapEnd - length) & ~alignMask;
                if (Long.compareUnsigned(a, gapStart) >= 0) {
                    return a;
                }
            }
            if (v == null || Long.compareUnsigned(v.end, low) <= 0) {
                return -1;
            }
            above = v;
            v = prev(v);
        }
    }

    /** {@code unmapped_area} (mm/vma.c): the bottom-up mirror of {@link #unmappedAreaTopdown}. */
    public long unmappedArea(long length, long low, long high, long alignMask, long stackGuardGap) {
        Vma below = null;
        Vma v = find(low);
        if (v != null) {
            below = prev(v);
        } else {
            below = last();
        }
        while (true) {
            long gapStart = below == null ? low : Math.max(low, below.end);
            long gapEnd = v == null ? high : Math.min(high, startGap(v, stackGuardGap));
            long a = (gapStart + alignMask) & ~alignMask;
            if (Long.compareUnsigned(gapEnd, a) > 0 && gapEnd - a >= length) {
                return a;
            }
            if (v == null || Long.compareUnsigned(v.start, high) >= 0) {
                return -1;
            }
            below = v;
            v = next(v);
        }
    }

    /** {@code vm_start_gap}: a stack's start less the guard gap (clamped at 0). */
    static long startGap(Vma vma, long stackGuardGap) {
        if ((vma.flags & VmFlags.VM_GROWSDOWN) != 0) {
            long g = vma.start - stackGuardGap;
            return Long.compareUnsigned(g, vma.start) > 0 ? 0 : g;
        }
        return vma.start;
    }
}
