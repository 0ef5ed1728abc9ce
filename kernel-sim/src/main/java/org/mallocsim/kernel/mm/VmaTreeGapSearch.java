package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.mm.VmaTreeNodes.countAtOrBelow;
import static org.mallocsim.kernel.mm.VmaTreeNodes.endOf;
import static org.mallocsim.kernel.mm.VmaTreeNodes.key;
import static org.mallocsim.kernel.mm.VmaTreeNodes.leafBase;
import static org.mallocsim.kernel.mm.VmaTreeNodes.nodeBase;

/**
 * The free-gap searches of a {@link VmaTree}, {@code unmapped_area_topdown} and {@code unmapped_area}
 * of mm/vma.c. One instance per tree holds the request, so a search allocates nothing.
 *
 * <p>Every VMA's leaf entry carries the raw gap below it (its start less the previous VMA's end), and
 * every internal node the largest raw gap per child, as the maple tree's {@code maple_arange_64}
 * nodes do ({@code mas_rev_awalk}/{@code mas_awalk} in lib/maple_tree.c walk them the same way). A
 * raw gap only bounds what a request can use there: the window [low, high), the alignment and a
 * stack's guard gap ({@code vm_start_gap}) can only shrink it. So a subtree whose largest gap is
 * below {@code length} is skipped, and each gap that might fit is tried exactly, in address order;
 * the first one that fits is the answer, exactly as the linear walk over all gaps would find it.
 */
final class VmaTreeGapSearch {
    private static final long NOT_FOUND = -1;

    private final VmaTree tree;
    private long length;
    private long low;
    private long high;
    private long alignMask;
    private long stackGuardGap;

    VmaTreeGapSearch(VmaTree tree) {
        this.tree = tree;
    }

    long topdown(long length, long low, long high, long alignMask, long stackGuardGap) {
        set(length, low, high, alignMask, stackGuardGap);
        Vma last = tree.last();
        long gapStart = last == null ? low : maxUnsigned(low, last.end);
        long a = fitHighest(gapStart, high);
        if (a != NOT_FOUND || last == null || Long.compareUnsigned(last.end, low) <= 0) {
            return a;
        }
        return descendHighest(tree.root, tree.height);
    }

    long bottomUp(long length, long low, long high, long alignMask, long stackGuardGap) {
        set(length, low, high, alignMask, stackGuardGap);
        if (tree.size > 0) {
            long a = descendLowest(tree.root, tree.height);
            if (a != NOT_FOUND) {
                return a;
            }
        }
        Vma last = tree.last();
        return fitLowest(last == null ? low : maxUnsigned(low, last.end), high);
    }

    private void set(long length, long low, long high, long alignMask, long stackGuardGap) {
        this.length = length;
        this.low = low;
        this.high = high;
        this.alignMask = alignMask;
        this.stackGuardGap = stackGuardGap;
    }

    /** The highest fit in the subtree, or -1; right to left over the children worth entering. */
    private long descendHighest(int node, int level) {
        VmaTreeNodes n = tree.nodes;
        long lowKey = key(low);
        if (level == 0) {
            int b = leafBase(node);
            // entries past the first that ends above high have their gaps above it
            int first = Math.min(countAtOrBelow(n.leafEnds, b, key(high)), n.leafCount[node] - 1);
            for (int i = b + first; i >= b; i--) {
                if (n.leafEnds[i] <= lowKey) {
                    return NOT_FOUND; // this gap and all below end under low
                }
                if (Long.compareUnsigned(n.leafGaps[i], length) >= 0) {
                    Vma v = n.leafVmas[i];
                    long prevEnd = n.leafStarts[i] - n.leafGaps[i];
                    long a = fitHighest(
                            maxUnsigned(low, prevEnd), minUnsigned(high, VmaTree.startGap(v, stackGuardGap)));
                    if (a != NOT_FOUND) {
                        return a;
                    }
                }
            }
            return NOT_FOUND;
        }
        int b = nodeBase(node);
        int first = Math.min(countAtOrBelow(n.nodeKeys, b, key(high)), n.nodeCount[node] - 1);
        for (int i = b + first; i >= b; i--) {
            if (n.nodeKeys[i] <= lowKey) {
                return NOT_FOUND;
            }
            boolean belowHigh = i == b || Long.compareUnsigned(endOf(n.nodeKeys[i - 1]), high) < 0;
            if (belowHigh && Long.compareUnsigned(n.nodeGaps[i], length) >= 0) {
                long a = descendHighest(n.nodeChild[i], level - 1);
                if (a != NOT_FOUND) {
                    return a;
                }
            }
        }
        return NOT_FOUND;
    }

    /** The lowest fit in the subtree, or -1; left to right over the children worth entering. */
    private long descendLowest(int node, int level) {
        VmaTreeNodes n = tree.nodes;
        long lowKey = key(low);
        if (level == 0) {
            int b = leafBase(node);
            // entries before the first that ends above low have their gaps below it
            for (int i = b + countAtOrBelow(n.leafEnds, b, lowKey), e = b + n.leafCount[node]; i < e; i++) {
                long prevEnd = n.leafStarts[i] - n.leafGaps[i];
                if (Long.compareUnsigned(prevEnd, high) >= 0) {
                    return NOT_FOUND; // this gap and all above start at or over high
                }
                if (Long.compareUnsigned(n.leafGaps[i], length) >= 0) {
                    long a = fitLowest(
                            maxUnsigned(low, prevEnd),
                            minUnsigned(high, VmaTree.startGap(n.leafVmas[i], stackGuardGap)));
                    if (a != NOT_FOUND) {
                        return a;
                    }
                }
            }
            return NOT_FOUND;
        }
        int b = nodeBase(node);
        for (int i = b + countAtOrBelow(n.nodeKeys, b, lowKey), e = b + n.nodeCount[node]; i < e; i++) {
            if (i > b && Long.compareUnsigned(endOf(n.nodeKeys[i - 1]), high) >= 0) {
                return NOT_FOUND;
            }
            if (Long.compareUnsigned(n.nodeGaps[i], length) >= 0) {
                long a = descendLowest(n.nodeChild[i], level - 1);
                if (a != NOT_FOUND) {
                    return a;
                }
            }
        }
        return NOT_FOUND;
    }

    /** The highest aligned start of {@code length} bytes in [gapStart, gapEnd), or -1. */
    private long fitHighest(long gapStart, long gapEnd) {
        if (Long.compareUnsigned(gapEnd, gapStart) > 0 && Long.compareUnsigned(gapEnd - gapStart, length) >= 0) {
            long a = (gapEnd - length) & ~alignMask;
            if (Long.compareUnsigned(a, gapStart) >= 0) {
                return a;
            }
        }
        return NOT_FOUND;
    }

    /** The lowest aligned start of {@code length} bytes in [gapStart, gapEnd), or -1. */
    private long fitLowest(long gapStart, long gapEnd) {
        long a = (gapStart + alignMask) & ~alignMask;
        if (Long.compareUnsigned(a, gapStart) >= 0
                && Long.compareUnsigned(gapEnd, a) > 0
                && Long.compareUnsigned(gapEnd - a, length) >= 0) {
            return a;
        }
        return NOT_FOUND;
    }

    static long maxUnsigned(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    static long minUnsigned(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
