package org.mallocsim.kernel.mm;

import java.util.Arrays;

/**
 * The node storage of a {@link VmaTree}: every leaf and every internal node lives in flat primitive
 * arrays, addressed by an int id, so a lookup follows array indices rather than object pointers.
 *
 * <p>Keys are VMA ends halved ({@code end >>> 1}), so that every key, and every address halved the
 * same way, lies in [0, 2^63) where a signed comparison orders them as the unsigned addresses; as
 * ends are page aligned, {@code end <= addr} exactly when {@code key(end) <= key(addr)}. Unused key
 * slots hold {@link #PAD}, above every key, so a search may read past the count.
 *
 * <pre>
 * leaf L, entry k lives at index L * LEAF_SLOTS + k (LEAF_SLOTS = 64), entries sorted by address:
 *
 *   leafEnds   | end0>>>1   | end1>>>1   | ... | end(c-1)>>>1   | PAD  | ... | PAD  |  find_vma key
 *   leafStarts | start0     | start1     | ... | start(c-1)     | 0    | ... | 0    |
 *   leafGaps   | start0-e'  | start1-end0| ... | start(c-1)-... | 0    | ... | 0    |  free bytes below
 *   leafVmas   | vma0       | vma1       | ... | vma(c-1)       | null | ... | null |
 *   leafCount[L] = c      leafPrev[L], leafNext[L] = neighbouring leaf ids, -1 at either end
 *   (e' = end of the last VMA of the previous leaf, or 0 before the first VMA)
 *
 * internal node N, child k lives at index N * NODE_SLOTS + k (NODE_SLOTS = 64):
 *
 *   nodeKeys   | maxEnd(child0)>>>1 | ... | maxEnd(child(c-1))>>>1 | PAD | ... | PAD |
 *   nodeGaps   | maxGap(child0)     | ... | maxGap(child(c-1))     | 0   | ... | 0   |
 *   nodeChild  | child0             | ... | child(c-1)             | -1  | ... | -1  |
 *   leafMids   | leafEnds(child0)31 | ... | leafEnds(child(c-1))31 | 0   | ... | 0   |  level 1 only
 *   nodeCount[N] = c      children are leaf ids at level 1 and node ids above it
 *   (leafMids: a copy of slot 31 of each child leaf's ends, so find_vma takes the leaf's first
 *    step while the leaf id is still being loaded)
 *
 * every array's length is a power of two (its capacity doubles), and ids stay below 2^24
 * </pre>
 *
 * <p>This is the shape of the maple tree's {@code maple_range_64} leaves and {@code maple_arange_64}
 * internal nodes (lib/maple_tree.c): pivots (here the ends) in each node, and per child the largest
 * gap beneath it, so that {@code unmapped_area} can skip whole subtrees. Unlike the maple tree the
 * gaps are not stored as NULL ranges; each VMA carries the gap below it.
 */
final class VmaTreeNodes {
    static final int LEAF_SLOTS = 64;
    static final int NODE_SLOTS = 64;
    /** A leaf or node below this many entries is merged with, or refilled from, a sibling. */
    static final int LEAF_MIN = LEAF_SLOTS / 4;

    static final int NODE_MIN = NODE_SLOTS / 4;
    /** Two siblings merge when their entries fit in this many slots (else they share evenly). */
    static final int MERGE_LIMIT = LEAF_SLOTS * 3 / 4;

    static final long PAD = Long.MAX_VALUE;
    static final int NONE = -1;
    /** Leaf and node ids stay below 2^24, so every slot index lies in [0, 2^30). */
    static final int MAX_IDS = 1 << 24;

    long[] leafEnds;
    long[] leafStarts;
    long[] leafGaps;
    Vma[] leafVmas;
    int[] leafCount;
    int[] leafNext;
    int[] leafPrev;
    private int leafHighWater;
    private int[] freeLeaves = new int[8];
    private int freeLeafCount;

    long[] nodeKeys;
    long[] leafMids;
    long[] nodeGaps;
    int[] nodeChild;
    int[] nodeCount;
    private int nodeHighWater;
    private int[] freeNodes = new int[8];
    private int freeNodeCount;

    VmaTreeNodes(int leafCapacity, int nodeCapacity) {
        leafEnds = new long[0];
        leafStarts = new long[0];
        leafGaps = new long[0];
        leafVmas = new Vma[0];
        leafCount = new int[0];
        leafNext = new int[0];
        leafPrev = new int[0];
        nodeKeys = new long[0];
        leafMids = new long[0];
        nodeGaps = new long[0];
        nodeChild = new int[0];
        nodeCount = new int[0];
        // powers of two, kept so by doubling: firstAbove masks an index with length - 1
        growLeaves(powerOfTwo(leafCapacity));
        growNodes(powerOfTwo(nodeCapacity));
    }

    private static int powerOfTwo(int atLeast) {
        return Integer.highestOneBit(Math.max(1, atLeast) * 2 - 1);
    }

    /**
     * The first slot index of a leaf. The mask changes no valid id (all lie below
     * {@link #MAX_IDS}); it costs one AND per leaf and tells the JIT that the index is not
     * negative, so that the search steps below address the arrays without sign-extending it.
     */
    static int leafBase(int leaf) {
        return (leaf & (MAX_IDS - 1)) * LEAF_SLOTS;
    }

    /** The first slot index of an internal node; masked as in {@link #leafBase}. */
    static int nodeBase(int node) {
        return (node & (MAX_IDS - 1)) * NODE_SLOTS;
    }

    /** The key order: an address as a signed long that compares like the unsigned address. */
    static long key(long address) {
        return address >>> 1;
    }

    /** The VMA end a key stands for (ends are page aligned, so halving lost nothing). */
    static long endOf(long key) {
        return key << 1;
    }

    /**
     * The index of the first of a node's 64 sorted key slots above {@code key}, given that one is
     * (always so below {@link #PAD}, unless all 64 slots hold keys at or below it; {@code find_vma}
     * never meets that case). A binary search over the whole node, padding included, in six fixed
     * steps (Khuong and Morin, "Array layouts for comparison-based searching", 2017): no loop and no
     * count to load. Each step is written so that C2 compiles it to a conditional move where its
     * profile is mixed and to a predicted branch where it is not (a small node's padding never
     * counts, a syscall looks up one address again and again): one arm adds a constant, the other
     * keeps the index (C2's conditional_move refuses a diamond with work in both arms). The last
     * probe masks its index with the power-of-two length, as a range check that reads the merged
     * index itself would also make C2 keep the branch (the mask is the identity on every valid
     * index and lets C2 drop the check), and adds its outcome as a sign bit, as the result goes
     * on to index the child or VMA array, whose range check would do the same.
     */
    static int firstAbove(long[] keys, int base, long key) {
        int half = keys[base + 31] <= key ? base + 32 : base;
        return firstAboveInHalf(keys, half, key) - base;
    }

    /**
     * {@link #firstAbove} with its first step taken from {@code mid}, the key at slot 31 as the
     * node's parent keeps it (see leafMids), so the step need not wait for {@code base}.
     */
    static int firstAboveFromMid(long[] keys, int base, long mid, long key) {
        return firstAboveInHalf(keys, mid <= key ? base + 32 : base, key) - base;
    }

    /** The last five steps of {@link #firstAbove}, over the 32 slots from index {@code i}. */
    private static int firstAboveInHalf(long[] keys, int i, long key) {
        i = keys[i + 15] <= key ? i + 16 : i;
        i = keys[i + 7] <= key ? i + 8 : i;
        i = keys[i + 3] <= key ? i + 4 : i;
        i = keys[i + 1] <= key ? i + 2 : i;
        return i + atOrBelow(keys[i & (keys.length - 1)], key);
    }

    /**
     * How many of a node's 64 key slots hold keys at or below {@code key}: 0 to 64, the padding never
     * counted (even for the key of the highest address, which is {@link #PAD} itself). The insert,
     * remove, neighbour and gap paths search with this plain binary search, not with
     * {@link #firstAbove}, so that the JIT's branch profile of find_vma's steps is find_vma's alone:
     * shared, it took in every insertion's outcomes (65,530 top-down inserts are 65,530 "not
     * above"), and a find_vma compiled from that profile branched where it must not.
     */
    static int countAtOrBelow(long[] keys, int base, long key) {
        long k = Math.min(key, PAD - 1);
        int lo = base;
        int n = LEAF_SLOTS;
        while (n > 0) {
            int half = n >>> 1;
            if (keys[lo + half] <= k) {
                lo += half + 1;
                n -= half + 1;
            } else {
                n = half;
            }
        }
        return lo - base;
    }

    /**
     * 1 if {@code slot <= key}, else 0, without a branch: the sign of {@code slot - key - 1}, written
     * as {@code slot + ~key} so that the JIT emits one add, not a subtract and a decrement. Both lie
     * in [0, 2^63) and key below PAD, so the sum cannot overflow.
     */
    private static int atOrBelow(long slot, long key) {
        return (int) ((slot + ~key) >>> 63);
    }

    int allocateLeaf() {
        int leaf;
        if (freeLeafCount > 0) {
            leaf = freeLeaves[--freeLeafCount];
        } else {
            if (leafHighWater == leafCount.length) {
                growLeaves(leafCount.length * 2);
            }
            leaf = leafHighWater++;
        }
        leafCount[leaf] = 0;
        leafNext[leaf] = NONE;
        leafPrev[leaf] = NONE;
        return leaf;
    }

    void freeLeaf(int leaf) {
        int b = leafBase(leaf);
        Arrays.fill(leafEnds, b, b + LEAF_SLOTS, PAD);
        Arrays.fill(leafVmas, b, b + LEAF_SLOTS, null);
        leafCount[leaf] = 0;
        if (freeLeafCount == freeLeaves.length) {
            freeLeaves = Arrays.copyOf(freeLeaves, freeLeafCount * 2);
        }
        freeLeaves[freeLeafCount++] = leaf;
    }

    int allocateNode() {
        int node;
        if (freeNodeCount > 0) {
            node = freeNodes[--freeNodeCount];
        } else {
            if (nodeHighWater == nodeCount.length) {
                growNodes(nodeCount.length * 2);
            }
            node = nodeHighWater++;
        }
        nodeCount[node] = 0;
        return node;
    }

    void freeNode(int node) {
        int b = nodeBase(node);
        Arrays.fill(nodeKeys, b, b + NODE_SLOTS, PAD);
        Arrays.fill(nodeChild, b, b + NODE_SLOTS, NONE);
        nodeCount[node] = 0;
        if (freeNodeCount == freeNodes.length) {
            freeNodes = Arrays.copyOf(freeNodes, freeNodeCount * 2);
        }
        freeNodes[freeNodeCount++] = node;
    }

    /** Leaves in use, for the invariant checker. */
    int leavesInUse() {
        return leafHighWater - freeLeafCount;
    }

    int nodesInUse() {
        return nodeHighWater - freeNodeCount;
    }

    private void growLeaves(int leaves) {
        checkIds(leaves);
        int old = leafCount.length;
        leafEnds = Arrays.copyOf(leafEnds, leaves * LEAF_SLOTS);
        Arrays.fill(leafEnds, old * LEAF_SLOTS, leaves * LEAF_SLOTS, PAD);
        leafStarts = Arrays.copyOf(leafStarts, leaves * LEAF_SLOTS);
        leafGaps = Arrays.copyOf(leafGaps, leaves * LEAF_SLOTS);
        leafVmas = Arrays.copyOf(leafVmas, leaves * LEAF_SLOTS);
        leafCount = Arrays.copyOf(leafCount, leaves);
        leafNext = Arrays.copyOf(leafNext, leaves);
        leafPrev = Arrays.copyOf(leafPrev, leaves);
    }

    private void growNodes(int nodes) {
        checkIds(nodes);
        int old = nodeCount.length;
        nodeKeys = Arrays.copyOf(nodeKeys, nodes * NODE_SLOTS);
        leafMids = Arrays.copyOf(leafMids, nodes * NODE_SLOTS);
        Arrays.fill(nodeKeys, old * NODE_SLOTS, nodes * NODE_SLOTS, PAD);
        nodeGaps = Arrays.copyOf(nodeGaps, nodes * NODE_SLOTS);
        nodeChild = Arrays.copyOf(nodeChild, nodes * NODE_SLOTS);
        Arrays.fill(nodeChild, old * NODE_SLOTS, nodes * NODE_SLOTS, NONE);
        nodeCount = Arrays.copyOf(nodeCount, nodes);
    }

    /** Over 2^24 leaves (at least 2^28 VMAs) would break leafBase's mask; none get there. */
    private static void checkIds(int ids) {
        if (ids > MAX_IDS) {
            throw new IllegalStateException("VMA tree: more than " + MAX_IDS + " leaves or nodes");
        }
    }

    /** The largest gap below any VMA of a leaf, compared unsigned. */
    long leafMaxGap(int leaf) {
        int b = leafBase(leaf);
        long max = 0;
        for (int i = b, e = b + leafCount[leaf]; i < e; i++) {
            long g = leafGaps[i];
            max = Long.compareUnsigned(g, max) > 0 ? g : max;
        }
        return max;
    }

    long nodeMaxGap(int node) {
        int b = nodeBase(node);
        long max = 0;
        for (int i = b, e = b + nodeCount[node]; i < e; i++) {
            long g = nodeGaps[i];
            max = Long.compareUnsigned(g, max) > 0 ? g : max;
        }
        return max;
    }

    long leafMaxKey(int leaf) {
        return leafEnds[leafBase(leaf) + leafCount[leaf] - 1];
    }

    long nodeMaxKey(int node) {
        return nodeKeys[nodeBase(node) + nodeCount[node] - 1];
    }

    /** Copies {@code n} leaf entries from slot index {@code from} to {@code to} (overlap allowed). */
    void moveLeafEntries(int from, int to, int n) {
        if (n > 8) {
            // a long move: arraycopy, which also marks the VMA row's cards for the collector once
            // rather than once per reference stored (under G1 a store into an old array is costly)
            System.arraycopy(leafEnds, from, leafEnds, to, n);
            System.arraycopy(leafStarts, from, leafStarts, to, n);
            System.arraycopy(leafGaps, from, leafGaps, to, n);
            System.arraycopy(leafVmas, from, leafVmas, to, n);
            return;
        }
        // a short one: a single loop over the four rows costs less than four arraycopy calls
        long[] ends = leafEnds;
        long[] starts = leafStarts;
        long[] gaps = leafGaps;
        Vma[] vmas = leafVmas;
        if (to > from) {
            for (int i = n - 1; i >= 0; i--) {
                ends[to + i] = ends[from + i];
                starts[to + i] = starts[from + i];
                gaps[to + i] = gaps[from + i];
                vmas[to + i] = vmas[from + i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                ends[to + i] = ends[from + i];
                starts[to + i] = starts[from + i];
                gaps[to + i] = gaps[from + i];
                vmas[to + i] = vmas[from + i];
            }
        }
    }

    /** Empties leaf slot indices [from, to). */
    void clearLeafEntries(int from, int to) {
        Arrays.fill(leafEnds, from, to, PAD);
        Arrays.fill(leafStarts, from, to, 0);
        Arrays.fill(leafGaps, from, to, 0);
        Arrays.fill(leafVmas, from, to, null);
    }

    void clearLeafEntry(int at) {
        leafEnds[at] = PAD;
        leafStarts[at] = 0;
        leafGaps[at] = 0;
        leafVmas[at] = null;
    }

    /** Keeps in the parent's slot {@code at} the middle key (slot 31) of its child {@code leaf}. */
    void setLeafMid(int at, int leaf) {
        leafMids[at] = leafEnds[leafBase(leaf) + 31];
    }

    void moveNodeEntries(int from, int to, int n) {
        System.arraycopy(nodeKeys, from, nodeKeys, to, n);
        System.arraycopy(leafMids, from, leafMids, to, n);
        System.arraycopy(nodeGaps, from, nodeGaps, to, n);
        System.arraycopy(nodeChild, from, nodeChild, to, n);
    }

    void clearNodeEntries(int from, int to) {
        Arrays.fill(nodeKeys, from, to, PAD);
        Arrays.fill(leafMids, from, to, 0);
        Arrays.fill(nodeGaps, from, to, 0);
        Arrays.fill(nodeChild, from, to, NONE);
    }
}
