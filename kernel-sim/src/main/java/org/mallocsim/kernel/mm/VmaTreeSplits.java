package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.mm.VmaTreeNodes.LEAF_SLOTS;
import static org.mallocsim.kernel.mm.VmaTreeNodes.MERGE_LIMIT;
import static org.mallocsim.kernel.mm.VmaTreeNodes.NODE_SLOTS;
import static org.mallocsim.kernel.mm.VmaTreeNodes.NONE;
import static org.mallocsim.kernel.mm.VmaTreeNodes.leafBase;
import static org.mallocsim.kernel.mm.VmaTreeNodes.nodeBase;

/**
 * The structural changes of a {@link VmaTree}: splitting a full child in two, and merging an
 * underfull child with its sibling or sharing the sibling's entries. Each keeps the parent's key and
 * largest gap right for the children it touches; the callers refresh the ancestors.
 *
 * <p>The textbook B-tree operations (Cormen et al., "Introduction to Algorithms", ch. 18); the maple
 * tree does the same work as {@code mas_split} and {@code mas_rebalance} in lib/maple_tree.c.
 */
final class VmaTreeSplits {
    private VmaTreeSplits() {}

    /**
     * Splits the full child at {@code slot} of {@code parent}, which has room for one more child:
     * entries from {@code half} on move to a new right sibling.
     */
    static void splitChild(VmaTree tree, int parent, int slot, int childLevel, int half) {
        VmaTreeNodes n = tree.nodes;
        int pb = nodeBase(parent);
        int left = n.nodeChild[pb + slot];
        int right;
        long leftKey;
        long leftGap;
        long rightKey;
        long rightGap;
        if (childLevel == 0) {
            right = n.allocateLeaf();
            int lb = leafBase(left);
            int rb = leafBase(right);
            n.moveLeafEntries(lb + half, rb, LEAF_SLOTS - half);
            n.clearLeafEntries(lb + half, lb + LEAF_SLOTS);
            n.leafCount[left] = half;
            n.leafCount[right] = LEAF_SLOTS - half;
            int after = n.leafNext[left];
            n.leafNext[right] = after;
            n.leafPrev[right] = left;
            n.leafNext[left] = right;
            if (after == NONE) {
                tree.lastLeaf = right;
            } else {
                n.leafPrev[after] = right;
            }
            leftKey = n.leafMaxKey(left);
            leftGap = n.leafMaxGap(left);
            rightKey = n.leafMaxKey(right);
            rightGap = n.leafMaxGap(right);
        } else {
            right = n.allocateNode();
            int lb = nodeBase(left);
            n.moveNodeEntries(lb + half, nodeBase(right), NODE_SLOTS - half);
            n.clearNodeEntries(lb + half, lb + NODE_SLOTS);
            n.nodeCount[left] = half;
            n.nodeCount[right] = NODE_SLOTS - half;
            leftKey = n.nodeMaxKey(left);
            leftGap = n.nodeMaxGap(left);
            rightKey = n.nodeMaxKey(right);
            rightGap = n.nodeMaxGap(right);
        }
        int count = n.nodeCount[parent];
        n.moveNodeEntries(pb + slot + 1, pb + slot + 2, count - slot - 1);
        n.nodeKeys[pb + slot] = leftKey;
        n.nodeGaps[pb + slot] = leftGap;
        n.nodeKeys[pb + slot + 1] = rightKey;
        n.nodeGaps[pb + slot + 1] = rightGap;
        n.nodeChild[pb + slot + 1] = right;
        if (childLevel == 0) {
            n.setLeafMid(pb + slot, left);
            n.setLeafMid(pb + slot + 1, right);
        }
        n.nodeCount[parent] = count + 1;
    }

    /**
     * Merges the children at {@code left} and {@code left + 1} of {@code parent} into the left one
     * when their entries fit in {@link VmaTreeNodes#MERGE_LIMIT} slots, else evens out their counts.
     *
     * @return whether they merged (and the parent lost a child)
     */
    static boolean mergeOrShare(VmaTree tree, int parent, int left, int childLevel) {
        VmaTreeNodes n = tree.nodes;
        int pb = nodeBase(parent);
        int a = n.nodeChild[pb + left];
        int b = n.nodeChild[pb + left + 1];
        boolean merged;
        if (childLevel == 0) {
            int ab = leafBase(a);
            int bb = leafBase(b);
            int ca = n.leafCount[a];
            int cb = n.leafCount[b];
            merged = ca + cb <= MERGE_LIMIT;
            if (merged) {
                n.moveLeafEntries(bb, ab + ca, cb);
                n.leafCount[a] = ca + cb;
                int after = n.leafNext[b];
                n.leafNext[a] = after;
                if (after == NONE) {
                    tree.lastLeaf = a;
                } else {
                    n.leafPrev[after] = a;
                }
                n.clearLeafEntries(bb, bb + LEAF_SLOTS);
                n.freeLeaf(b);
            } else {
                int half = (ca + cb) / 2;
                if (ca < half) {
                    int m = half - ca;
                    n.moveLeafEntries(bb, ab + ca, m);
                    n.moveLeafEntries(bb + m, bb, cb - m);
                    n.clearLeafEntries(bb + cb - m, bb + cb);
                    n.leafCount[a] = ca + m;
                    n.leafCount[b] = cb - m;
                } else {
                    int m = ca - half;
                    n.moveLeafEntries(bb, bb + m, cb);
                    n.moveLeafEntries(ab + ca - m, bb, m);
                    n.clearLeafEntries(ab + ca - m, ab + ca);
                    n.leafCount[a] = ca - m;
                    n.leafCount[b] = cb + m;
                }
                n.nodeKeys[pb + left + 1] = n.leafMaxKey(b);
                n.nodeGaps[pb + left + 1] = n.leafMaxGap(b);
                n.setLeafMid(pb + left + 1, b);
            }
            n.nodeKeys[pb + left] = n.leafMaxKey(a);
            n.nodeGaps[pb + left] = n.leafMaxGap(a);
            n.setLeafMid(pb + left, a);
        } else {
            int ab = nodeBase(a);
            int bb = nodeBase(b);
            int ca = n.nodeCount[a];
            int cb = n.nodeCount[b];
            merged = ca + cb <= NODE_SLOTS * 3 / 4;
            if (merged) {
                n.moveNodeEntries(bb, ab + ca, cb);
                n.nodeCount[a] = ca + cb;
                n.freeNode(b);
                n.clearNodeEntries(bb, bb + NODE_SLOTS);
            } else {
                int half = (ca + cb) / 2;
                if (ca < half) {
                    int m = half - ca;
                    n.moveNodeEntries(bb, ab + ca, m);
                    n.moveNodeEntries(bb + m, bb, cb - m);
                    n.clearNodeEntries(bb + cb - m, bb + cb);
                    n.nodeCount[a] = ca + m;
                    n.nodeCount[b] = cb - m;
                } else {
                    int m = ca - half;
                    n.moveNodeEntries(bb, bb + m, cb);
                    n.moveNodeEntries(ab + ca - m, bb, m);
                    n.clearNodeEntries(ab + ca - m, ab + ca);
                    n.nodeCount[a] = ca - m;
                    n.nodeCount[b] = cb + m;
                }
                n.nodeKeys[pb + left + 1] = n.nodeMaxKey(b);
                n.nodeGaps[pb + left + 1] = n.nodeMaxGap(b);
            }
            n.nodeKeys[pb + left] = n.nodeMaxKey(a);
            n.nodeGaps[pb + left] = n.nodeMaxGap(a);
        }
        if (merged) {
            int count = n.nodeCount[parent];
            n.moveNodeEntries(pb + left + 2, pb + left + 1, count - left - 2);
            n.clearNodeEntries(pb + count - 1, pb + count);
            n.nodeCount[parent] = count - 1;
        }
        return merged;
    }

    /** The slot of {@code child} in {@code node}, or -1. */
    static int indexOfChild(VmaTreeNodes n, int node, int child) {
        int b = nodeBase(node);
        for (int i = 0, c = n.nodeCount[node]; i < c; i++) {
            if (n.nodeChild[b + i] == child) {
                return i;
            }
        }
        return -1;
    }
}
