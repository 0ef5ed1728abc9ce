package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.mm.VmaTreeNodes.LEAF_MIN;
import static org.mallocsim.kernel.mm.VmaTreeNodes.LEAF_SLOTS;
import static org.mallocsim.kernel.mm.VmaTreeNodes.NODE_MIN;
import static org.mallocsim.kernel.mm.VmaTreeNodes.NODE_SLOTS;
import static org.mallocsim.kernel.mm.VmaTreeNodes.NONE;
import static org.mallocsim.kernel.mm.VmaTreeNodes.PAD;
import static org.mallocsim.kernel.mm.VmaTreeNodes.key;
import static org.mallocsim.kernel.mm.VmaTreeNodes.leafBase;
import static org.mallocsim.kernel.mm.VmaTreeNodes.nodeBase;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks a whole {@link VmaTree} and fails on the first broken invariant: VMAs sorted and disjoint,
 * every stored gap, key and largest gap equal to what it summarises, node fill within bounds, all
 * leaves at one depth, the leaf chain in address order, unused slots padded, the counts right, and
 * the arrays' lengths powers of two (the last search step masks its index with them).
 */
final class VmaTreeChecker {
    private final VmaTree tree;
    private final VmaTreeNodes n;
    private final List<Integer> leavesInOrder = new ArrayList<>();
    private int internalNodes;

    private VmaTreeChecker(VmaTree tree) {
        this.tree = tree;
        this.n = tree.nodes;
    }

    /** The VMAs in address order, after checking every invariant. */
    static List<Vma> check(VmaTree tree) {
        return new VmaTreeChecker(tree).run();
    }

    private List<Vma> run() {
        if (tree.height == 0) {
            walkLeaf(tree.root, true);
        } else {
            walkNode(tree.root, tree.height, true);
        }
        List<Vma> vmas = new ArrayList<>();
        long prevEnd = 0;
        for (int i = 0; i < leavesInOrder.size(); i++) {
            int leaf = leavesInOrder.get(i);
            expect(n.leafPrev[leaf] == (i == 0 ? NONE : leavesInOrder.get(i - 1)), "leafPrev of leaf " + leaf);
            expect(
                    n.leafNext[leaf] == (i == leavesInOrder.size() - 1 ? NONE : leavesInOrder.get(i + 1)),
                    "leafNext of leaf " + leaf);
            int b = leafBase(leaf);
            for (int j = 0; j < n.leafCount[leaf]; j++) {
                Vma v = n.leafVmas[b + j];
                expect(v != null, "VMA in slot " + j + " of leaf " + leaf);
                expect(n.leafStarts[b + j] == v.start && n.leafEnds[b + j] == key(v.end), "bounds of " + v);
                expect(Long.compareUnsigned(v.start, v.end) < 0, "non-empty " + v);
                expect(Long.compareUnsigned(prevEnd, v.start) <= 0 || vmas.isEmpty(), "disjoint and sorted at " + v);
                expect(n.leafGaps[b + j] == v.start - prevEnd, "gap below " + v);
                prevEnd = v.end;
                vmas.add(v);
            }
        }
        expect(leavesInOrder.get(0) == tree.firstLeaf, "firstLeaf");
        expect(leavesInOrder.get(leavesInOrder.size() - 1) == tree.lastLeaf, "lastLeaf");
        expect(vmas.size() == tree.size, "size " + tree.size + " but " + vmas.size() + " VMAs");
        expect(tree.lastEndKey == key(vmas.isEmpty() ? 0 : vmas.get(vmas.size() - 1).end), "lastEndKey");
        expect(n.leavesInUse() == leavesInOrder.size(), "leaves in use " + n.leavesInUse());
        expect(n.nodesInUse() == internalNodes, "nodes in use " + n.nodesInUse());
        expect(
                Integer.bitCount(n.leafEnds.length) == 1 && Integer.bitCount(n.nodeKeys.length) == 1,
                "array lengths are powers of two");
        return vmas;
    }

    private void walkLeaf(int leaf, boolean isRoot) {
        int count = n.leafCount[leaf];
        expect(count <= LEAF_SLOTS && (isRoot || count >= LEAF_MIN), "fill " + count + " of leaf " + leaf);
        int b = leafBase(leaf);
        for (int j = count; j < LEAF_SLOTS; j++) {
            expect(n.leafEnds[b + j] == PAD && n.leafVmas[b + j] == null, "padding of leaf " + leaf);
        }
        leavesInOrder.add(leaf);
    }

    private void walkNode(int node, int level, boolean isRoot) {
        internalNodes++;
        int count = n.nodeCount[node];
        expect(count <= NODE_SLOTS && count >= (isRoot ? 2 : NODE_MIN), "fill " + count + " of node " + node);
        int b = nodeBase(node);
        for (int j = 0; j < NODE_SLOTS; j++) {
            if (j >= count) {
                expect(n.nodeKeys[b + j] == PAD && n.nodeChild[b + j] == NONE, "padding of node " + node);
                continue;
            }
            int child = n.nodeChild[b + j];
            long maxKey;
            long maxGap;
            if (level == 1) {
                walkLeaf(child, false);
                maxKey = n.leafMaxKey(child);
                maxGap = n.leafMaxGap(child);
                expect(
                        n.leafMids[b + j] == n.leafEnds[VmaTreeNodes.leafBase(child) + 31],
                        "middle key of leaf slot " + j + " of node " + node);
            } else {
                walkNode(child, level - 1, false);
                maxKey = n.nodeMaxKey(child);
                maxGap = n.nodeMaxGap(child);
            }
            expect(n.nodeKeys[b + j] == maxKey, "key of slot " + j + " of node " + node + " at level " + level);
            expect(n.nodeGaps[b + j] == maxGap, "largest gap of slot " + j + " of node " + node);
            expect(j == 0 || n.nodeKeys[b + j - 1] < n.nodeKeys[b + j], "keys sorted in node " + node);
        }
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("VmaTree invariant broken: " + what);
        }
    }
}
