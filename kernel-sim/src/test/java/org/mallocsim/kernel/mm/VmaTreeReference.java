package org.mallocsim.kernel.mm;

import java.util.Map;
import java.util.TreeMap;

/**
 * The reference model for {@link VmaTree}: the original TreeMap index with the naive linear gap
 * walks, kept as the specification the tree is compared against. It shares the {@link Vma} objects
 * with the tree under test; {@link #rekey} follows a VMA whose bounds the tree moved.
 *
 * <p>Differences from the first TreeMap version, all for addresses at or above 2^63: the gap walks
 * take min, max and the length comparison unsigned, and the bottom-up walk rejects an alignment that
 * wraps past 2^64. Below 2^63 the answers are the same.
 */
final class VmaTreeReference {
    private final TreeMap<Long, Vma> byStart = new TreeMap<>((a, b) -> Long.compareUnsigned(a, b));

    int size() {
        return byStart.size();
    }

    void insert(Vma vma) {
        byStart.put(vma.start, vma);
    }

    void remove(Vma vma) {
        byStart.remove(vma.start);
    }

    void rekey(long oldStart, Vma vma) {
        byStart.remove(oldStart);
        byStart.put(vma.start, vma);
    }

    Iterable<Vma> inOrder() {
        return byStart.values();
    }

    Vma find(long addr) {
        Map.Entry<Long, Vma> e = byStart.floorEntry(addr);
        if (e != null && Long.compareUnsigned(addr, e.getValue().end) < 0) {
            return e.getValue();
        }
        Map.Entry<Long, Vma> c = byStart.higherEntry(addr);
        return c == null ? null : c.getValue();
    }

    Vma lookup(long addr) {
        Map.Entry<Long, Vma> e = byStart.floorEntry(addr);
        return e != null && Long.compareUnsigned(addr, e.getValue().end) < 0 ? e.getValue() : null;
    }

    Vma findIntersection(long start, long end) {
        Vma v = find(start);
        return v != null && Long.compareUnsigned(v.start, end) < 0 ? v : null;
    }

    Vma prev(Vma vma) {
        Map.Entry<Long, Vma> e = byStart.lowerEntry(vma.start);
        return e == null ? null : e.getValue();
    }

    Vma next(Vma vma) {
        Map.Entry<Long, Vma> e = byStart.higherEntry(vma.start);
        return e == null ? null : e.getValue();
    }

    Vma first() {
        Map.Entry<Long, Vma> e = byStart.firstEntry();
        return e == null ? null : e.getValue();
    }

    Vma last() {
        Map.Entry<Long, Vma> e = byStart.lastEntry();
        return e == null ? null : e.getValue();
    }

    /** {@code unmapped_area_topdown}: every gap from the top down, the first that fits wins. */
    long unmappedAreaTopdown(long length, long low, long high, long alignMask, long stackGuardGap) {
        Vma above = null;
        Vma v = last();
        while (true) {
            long gapEnd = above == null ? high : minU(high, VmaTree.startGap(above, stackGuardGap));
            long gapStart = v == null ? low : maxU(low, v.end);
            if (Long.compareUnsigned(gapEnd, gapStart) > 0 && Long.compareUnsigned(gapEnd - gapStart, length) >= 0) {
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

    /** {@code unmapped_area}: every gap from low upwards, the first that fits wins. */
    long unmappedArea(long length, long low, long high, long alignMask, long stackGuardGap) {
        Vma v = find(low);
        Vma below = v != null ? prev(v) : last();
        while (true) {
            long gapStart = below == null ? low : maxU(low, below.end);
            long gapEnd = v == null ? high : minU(high, VmaTree.startGap(v, stackGuardGap));
            long a = (gapStart + alignMask) & ~alignMask;
            if (Long.compareUnsigned(a, gapStart) >= 0
                    && Long.compareUnsigned(gapEnd, a) > 0
                    && Long.compareUnsigned(gapEnd - a, length) >= 0) {
                return a;
            }
            if (v == null || Long.compareUnsigned(v.start, high) >= 0) {
                return -1;
            }
            below = v;
            v = next(v);
        }
    }

    private static long minU(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    private static long maxU(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }
}
