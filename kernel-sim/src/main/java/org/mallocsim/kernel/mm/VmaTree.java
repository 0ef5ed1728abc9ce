package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmaTreeNodes.LEAF_MIN;
import static org.mallocsim.kernel.mm.VmaTreeNodes.LEAF_SLOTS;
import static org.mallocsim.kernel.mm.VmaTreeNodes.NODE_MIN;
import static org.mallocsim.kernel.mm.VmaTreeNodes.NODE_SLOTS;
import static org.mallocsim.kernel.mm.VmaTreeNodes.NONE;
import static org.mallocsim.kernel.mm.VmaTreeNodes.countAtOrBelow;
import static org.mallocsim.kernel.mm.VmaTreeNodes.endOf;
import static org.mallocsim.kernel.mm.VmaTreeNodes.firstAbove;
import static org.mallocsim.kernel.mm.VmaTreeNodes.firstAboveFromMid;
import static org.mallocsim.kernel.mm.VmaTreeNodes.key;
import static org.mallocsim.kernel.mm.VmaTreeNodes.leafBase;
import static org.mallocsim.kernel.mm.VmaTreeNodes.nodeBase;

/**
 * The address-ordered index of an address space's VMAs ({@code mm->mm_mt}, the maple tree of
 * mm/mmap.c and lib/maple_tree.c): lookups, neighbours and free-gap search.
 *
 * <p>A B+-tree over primitive arrays ({@link VmaTreeNodes} draws the layout): leaves hold up to 64
 * VMAs sorted by address, keyed by their ends, so {@code find_vma} is "the first end above addr"; each
 * internal node keeps, per child, the largest end and the largest free gap beneath it, the way the
 * maple tree's allocation-range nodes do, so the free-gap searches skip every subtree without a
 * large enough hole. Lookups, inserts, removals and gap searches take O(log n) steps and allocate
 * nothing (the node arrays grow by doubling when the tree outgrows them). Addresses compare
 * unsigned throughout. Not thread-safe: like the kernel's tree it is guarded by the mmap lock.
 */
public final class VmaTree {
    /** Deep enough for 16^10 VMAs; the path of the last descent, root at {@code height}. */
    private static final int MAX_HEIGHT = 10;
    /** No gap is this large: a gap ends at a page-aligned start. */
    private static final long UNKNOWN = -1;

    final VmaTreeNodes nodes = new VmaTreeNodes(4, 2);
    int root;
    /** 0 while the root is a leaf. */
    int height;

    int size;
    final int firstLeaf;
    int lastLeaf;
    /** {@code key(end)} of the highest VMA; {@code key(0)} when empty. */
    long lastEndKey = key(0);

    /** pathNode[0] is a leaf; pathNode[l] for l >= 1 an internal node and pathSlot[l] the child taken. */
    private final int[] pathNode = new int[MAX_HEIGHT + 1];

    private final int[] pathSlot = new int[MAX_HEIGHT + 1];
    private final VmaTreeGapSearch gapSearch = new VmaTreeGapSearch(this);

    public VmaTree() {
        root = nodes.allocateLeaf();
        firstLeaf = root;
        lastLeaf = root;
    }

    public int size() {
        return size;
    }

    /** {@code find_vma} (mm/mmap.c): the VMA containing addr, else the first above it, else null. */
    public Vma find(long addr) {
        long k = key(addr);
        if (k >= lastEndKey) {
            return null;
        }
        VmaTreeNodes n = nodes;
        long[] ends = n.leafEnds;
        Vma[] vmas = n.leafVmas;
        int node = root;
        int level = height;
        if (level > 0) {
            long[] keys = n.nodeKeys;
            int[] child = n.nodeChild;
            while (level > 1) {
                int base = nodeBase(node);
                node = child[base + firstAbove(keys, base, k)];
                level--;
            }
            // the leaf's first step uses the middle key its parent keeps, not waiting for the leaf id
            int base = nodeBase(node);
            int slot = base + firstAbove(keys, base, k);
            int leaf = leafBase(child[slot]);
            return vmas[leaf + firstAboveFromMid(ends, leaf, n.leafMids[slot], k)];
        }
        int base = leafBase(node);
        return vmas[base + firstAbove(ends, base, k)];
    }

    /** {@code vma_lookup} (include/linux/mm.h): only a VMA that contains addr. */
    public Vma lookup(long addr) {
        Vma v = find(addr);
        return v != null && Long.compareUnsigned(v.start, addr) <= 0 ? v : null;
    }

    /** {@code find_vma_intersection} (mm/mmap.c): the first VMA overlapping [start, end). */
    public Vma findIntersection(long start, long end) {
        Vma v = find(start);
        return v != null && Long.compareUnsigned(v.start, end) < 0 ? v : null;
    }

    /** {@code vma_prev}: the VMA with the highest start below {@code vma.start}, or null. */
    public Vma prev(Vma vma) {
        int pos = locate(key(vma.start));
        int leaf = pathNode[0];
        int b = leafBase(leaf);
        if (pos < nodes.leafCount[leaf] && Long.compareUnsigned(nodes.leafStarts[b + pos], vma.start) < 0) {
            return nodes.leafVmas[b + pos];
        }
        if (pos > 0) {
            return nodes.leafVmas[b + pos - 1];
        }
        int p = nodes.leafPrev[leaf];
        return p == NONE ? null : nodes.leafVmas[leafBase(p) + nodes.leafCount[p] - 1];
    }

    /** {@code vma_next}: the VMA with the lowest start above {@code vma.start}, or null. */
    public Vma next(Vma vma) {
        int pos = locate(key(vma.start));
        int leaf = pathNode[0];
        int b = leafBase(leaf);
        int count = nodes.leafCount[leaf];
        if (pos < count && Long.compareUnsigned(nodes.leafStarts[b + pos], vma.start) <= 0) {
            pos++;
        }
        if (pos < count) {
            return nodes.leafVmas[b + pos];
        }
        int nx = nodes.leafNext[leaf];
        return nx == NONE ? null : nodes.leafVmas[leafBase(nx)];
    }

    public Vma first() {
        return size == 0 ? null : nodes.leafVmas[leafBase(firstLeaf)];
    }

    public Vma last() {
        return size == 0 ? null : nodes.leafVmas[leafBase(lastLeaf) + nodes.leafCount[lastLeaf] - 1];
    }

    /**
     * Adds a VMA that overlaps none present.
     *
     * @throws IllegalArgumentException if the VMA is empty, not page aligned or overlaps one in the
     *     tree
     */
    public void insert(Vma vma) {
        long start = vma.start;
        long end = vma.end;
        checkRange(start, end, vma);
        int pos = descendForInsert(key(start));
        VmaTreeNodes n = nodes;
        int leaf = pathNode[0];
        int b = leafBase(leaf);
        int count = n.leafCount[leaf];
        int at = b + pos;
        long oldMax = height == 0 ? UNKNOWN : n.nodeGaps[nodeBase(pathNode[1]) + pathSlot[1]];
        long leafGap;
        long prevEnd;
        if (pos < count) {
            // descendForInsert leaves the successor in this leaf whenever there is one
            if (Long.compareUnsigned(n.leafStarts[at], end) < 0) {
                throw new IllegalArgumentException(vma + " overlaps " + n.leafVmas[at]);
            }
            long split = n.leafGaps[at];
            prevEnd = n.leafStarts[at] - split;
            n.moveLeafEntries(at, at + 1, count - pos);
            n.leafGaps[at + 1] = n.leafStarts[at + 1] - end;
            // the two new gaps are parts of the split one: the largest stays unless that was it
            leafGap = Long.compareUnsigned(split, oldMax) < 0 ? oldMax : UNKNOWN;
        } else {
            prevEnd = endOf(lastEndKey);
            lastEndKey = key(end);
            leafGap = oldMax == UNKNOWN ? UNKNOWN : VmaTreeGapSearch.maxUnsigned(oldMax, start - prevEnd);
        }
        n.leafEnds[at] = key(end);
        n.leafStarts[at] = start;
        n.leafGaps[at] = start - prevEnd;
        n.leafVmas[at] = vma;
        n.leafCount[leaf] = count + 1;
        size++;
        refreshPath(false, leafGap);
    }

    /**
     * Removes the VMA that starts at {@code vma.start} (the one given, in a consistent tree); does
     * nothing if no VMA starts there.
     */
    public void remove(Vma vma) {
        int pos = locate(key(vma.start));
        VmaTreeNodes n = nodes;
        int leaf = pathNode[0];
        int b = leafBase(leaf);
        int count = n.leafCount[leaf];
        int at = b + pos;
        if (pos == count || n.leafStarts[at] != vma.start) {
            return;
        }
        long oldMax = height == 0 ? UNKNOWN : n.nodeGaps[nodeBase(pathNode[1]) + pathSlot[1]];
        long gap = n.leafGaps[at];
        long prevEnd = n.leafStarts[at] - gap;
        // without a successor here the removed gap goes: the largest stays unless that was it
        long leafGap = Long.compareUnsigned(gap, oldMax) < 0 ? oldMax : UNKNOWN;
        if (pos + 1 < count) {
            long joined = n.leafStarts[at + 1] - prevEnd;
            n.leafGaps[at + 1] = joined;
            // the successor's gap absorbs the removed one and grows past both
            leafGap = oldMax == UNKNOWN ? UNKNOWN : VmaTreeGapSearch.maxUnsigned(oldMax, joined);
        } else if (n.leafNext[leaf] != NONE) {
            int nb = leafBase(n.leafNext[leaf]);
            n.leafGaps[nb] = n.leafStarts[nb] - prevEnd;
            long succKey = key(n.leafStarts[nb]);
            locate(succKey);
            refreshPath();
            locate(key(vma.start));
        } else {
            lastEndKey = key(prevEnd);
        }
        n.moveLeafEntries(at + 1, at, count - pos - 1);
        n.clearLeafEntry(b + count - 1);
        n.leafCount[leaf] = count - 1;
        size--;
        boolean merge = count - 1 < LEAF_MIN && height > 0;
        if (merge) {
            rebalance(0);
            leafGap = UNKNOWN;
        }
        refreshPath(merge, leafGap);
        while (height > 0 && n.nodeCount[root] == 1) {
            int old = root;
            root = n.nodeChild[nodeBase(old)];
            n.freeNode(old);
            height--;
        }
    }

    /**
     * Moves a VMA's bounds; the new range must overlap no other VMA. A VMA not in the tree is added
     * with its new bounds.
     */
    public void resize(Vma vma, long newStart, long newEnd) {
        checkRange(newStart, newEnd, vma);
        VmaTreeNodes n = nodes;
        int pos = locate(key(vma.start));
        int leaf = pathNode[0];
        int b = leafBase(leaf);
        int count = n.leafCount[leaf];
        int at = b + pos;
        if (pos < count && n.leafStarts[at] == vma.start) {
            long prevEnd = n.leafStarts[at] - n.leafGaps[at];
            int nextLeaf = pos + 1 < count ? leaf : n.leafNext[leaf];
            int succ = pos + 1 < count ? at + 1 : nextLeaf == NONE ? NONE : leafBase(nextLeaf);
            if (Long.compareUnsigned(prevEnd, newStart) <= 0
                    && (succ == NONE || Long.compareUnsigned(newEnd, n.leafStarts[succ]) <= 0)) {
                vma.start = newStart;
                vma.end = newEnd;
                n.leafStarts[at] = newStart;
                n.leafEnds[at] = key(newEnd);
                n.leafGaps[at] = newStart - prevEnd;
                if (succ == NONE) {
                    lastEndKey = key(newEnd);
                } else {
                    n.leafGaps[succ] = n.leafStarts[succ] - newEnd;
                }
                refreshPath();
                if (nextLeaf != leaf && nextLeaf != NONE) {
                    locate(key(n.leafStarts[succ]));
                    refreshPath();
                }
                return;
            }
            remove(vma);
        }
        vma.start = newStart;
        vma.end = newEnd;
        insert(vma);
    }

    /**
     * {@code unmapped_area_topdown} (mm/vma.c): the highest address {@code a} with
     * {@code low <= a}, {@code a + length <= high}, {@code (a & alignMask) == 0}, at or above the end
     * of the VMA below it and with {@code a + length} at or below {@code vm_start_gap} of the VMA
     * above it (its start, less {@code stackGuardGap} when it grows down); -1 when none fits.
     *
     * <p>Checks the hole above the last VMA, then walks the tree right to left, entering only
     * subtrees whose largest gap could hold {@code length} and that reach into [low, high).
     */
    public long unmappedAreaTopdown(long length, long low, long high, long alignMask, long stackGuardGap) {
        return gapSearch.topdown(length, low, high, alignMask, stackGuardGap);
    }

    /** {@code unmapped_area} (mm/vma.c): the bottom-up mirror of {@link #unmappedAreaTopdown}. */
    public long unmappedArea(long length, long low, long high, long alignMask, long stackGuardGap) {
        return gapSearch.bottomUp(length, low, high, alignMask, stackGuardGap);
    }

    private static void checkRange(long start, long end, Vma vma) {
        if (Long.compareUnsigned(start, end) >= 0 || ((start | end) & ~PAGE_MASK) != 0) {
            throw new IllegalArgumentException("empty or unaligned range " + Long.toHexString(start) + "-"
                    + Long.toHexString(end) + " for " + vma);
        }
    }

    /** {@code vm_start_gap} (include/linux/mm.h): a stack's start less the guard gap (clamped at 0). */
    static long startGap(Vma vma, long stackGuardGap) {
        if ((vma.flags & VmFlags.VM_GROWSDOWN) != 0) {
            long g = vma.start - stackGuardGap;
            return Long.compareUnsigned(g, vma.start) > 0 ? 0 : g;
        }
        return vma.start;
    }

    /**
     * Descends to the leaf whose keys bracket {@code k}, recording the path, and returns the index of
     * the first entry in it with a key above {@code k} (the leaf's count if none).
     */
    private int locate(long k) {
        VmaTreeNodes n = nodes;
        int node = root;
        for (int level = height; level > 0; level--) {
            int base = nodeBase(node);
            int slot = Math.min(countAtOrBelow(n.nodeKeys, base, k), n.nodeCount[node] - 1);
            pathNode[level] = node;
            pathSlot[level] = slot;
            node = n.nodeChild[base + slot];
        }
        pathNode[0] = node;
        // only the largest key, key(2^64 - 1), also counts the padding
        return Math.min(countAtOrBelow(n.leafEnds, leafBase(node), k), n.leafCount[node]);
    }

    /**
     * {@link #locate} for an insertion: splits every full node on the way down (the one-pass
     * top-down B-tree insertion of Cormen et al., "Introduction to Algorithms", ch. 18), so the leaf
     * reached has room and a split never has to climb back up.
     */
    private int descendForInsert(long k) {
        VmaTreeNodes n = nodes;
        if (height == 0 ? n.leafCount[root] == LEAF_SLOTS : n.nodeCount[root] == NODE_SLOTS) {
            int newRoot = n.allocateNode();
            int b = nodeBase(newRoot);
            n.nodeChild[b] = root;
            n.nodeKeys[b] = height == 0 ? n.leafMaxKey(root) : n.nodeMaxKey(root);
            if (height == 0) {
                n.setLeafMid(b, root);
            }
            n.nodeGaps[b] = height == 0 ? n.leafMaxGap(root) : n.nodeMaxGap(root);
            n.nodeCount[newRoot] = 1;
            root = newRoot;
            height++;
        }
        int node = root;
        for (int level = height; level > 0; level--) {
            int base = nodeBase(node);
            int slot = Math.min(countAtOrBelow(n.nodeKeys, base, k), n.nodeCount[node] - 1);
            int child = n.nodeChild[base + slot];
            boolean full = level == 1 ? n.leafCount[child] == LEAF_SLOTS : n.nodeCount[child] == NODE_SLOTS;
            if (full) {
                // split where the new entry goes, within the fill bounds: runs of mmaps, each placed
                // below the last, then leave full leaves behind rather than half-empty ones
                int at = level == 1
                        ? countAtOrBelow(n.leafEnds, leafBase(child), k)
                        : countAtOrBelow(n.nodeKeys, nodeBase(child), k);
                int min = level == 1 ? LEAF_MIN : NODE_MIN;
                int half = Math.max(min, Math.min(at, (level == 1 ? LEAF_SLOTS : NODE_SLOTS) - min));
                VmaTreeSplits.splitChild(this, node, slot, level - 1, half);
                if (n.nodeKeys[base + slot] <= k) {
                    slot++;
                }
                child = n.nodeChild[base + slot];
            }
            pathNode[level] = node;
            pathSlot[level] = slot;
            node = child;
        }
        pathNode[0] = node;
        return countAtOrBelow(n.leafEnds, leafBase(node), k);
    }

    /**
     * Rewrites the key and largest gap of the nodes on the recorded path, bottom up, stopping at the
     * first that already holds them: above it nothing changed.
     */
    private void refreshPath() {
        refreshPath(false, UNKNOWN);
    }

    /**
     * @param all rewrite up to the root (after a merge, which changes the parent directly)
     * @param leafGap the path leaf's largest gap when the caller could tell it without a scan,
     *     else {@link #UNKNOWN}
     */
    private void refreshPath(boolean all, long leafGap) {
        VmaTreeNodes n = nodes;
        int child = pathNode[0];
        if (height == 0) {
            return;
        }
        long maxKey = n.leafMaxKey(child);
        long maxGap = leafGap != UNKNOWN ? leafGap : n.leafMaxGap(child);
        n.setLeafMid(nodeBase(pathNode[1]) + pathSlot[1], child); // the leaf's keys may have shifted
        for (int level = 1; level <= height; level++) {
            int node = pathNode[level];
            int at = nodeBase(node) + pathSlot[level];
            if (!all && n.nodeKeys[at] == maxKey && n.nodeGaps[at] == maxGap) {
                return;
            }
            n.nodeKeys[at] = maxKey;
            n.nodeGaps[at] = maxGap;
            maxKey = n.nodeMaxKey(node);
            maxGap = n.nodeMaxGap(node);
        }
    }

    /**
     * Refills the underfull node on the path at {@code level} from a sibling, or merges the two, and
     * repeats one level up while the parent (not the root) falls below its minimum. Keeps the path
     * pointing at whichever node now holds the path's lower node, so {@link #refreshPath} still
     * visits every node whose key or gap went stale.
     */
    private void rebalance(int level) {
        VmaTreeNodes n = nodes;
        while (level < height) {
            int parent = pathNode[level + 1];
            int pb = nodeBase(parent);
            int left = pathSlot[level + 1] > 0 ? pathSlot[level + 1] - 1 : 0;
            boolean merged = VmaTreeSplits.mergeOrShare(this, parent, left, level);
            int slot = left;
            if (level > 0) {
                int below = pathNode[level - 1];
                int holder = n.nodeChild[pb + left];
                int at = VmaTreeSplits.indexOfChild(n, holder, below);
                if (at < 0) {
                    slot = left + 1;
                    holder = n.nodeChild[pb + slot];
                    at = VmaTreeSplits.indexOfChild(n, holder, below);
                }
                pathSlot[level] = at;
            }
            pathNode[level] = n.nodeChild[pb + slot];
            pathSlot[level + 1] = slot;
            if (!merged || level + 1 == height || n.nodeCount[parent] >= NODE_MIN) {
                return;
            }
            level++;
        }
    }
}
