package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.mm.VmaTreeNodes.LEAF_SLOTS;
import static org.mallocsim.kernel.mm.VmaTreeNodes.NODE_SLOTS;
import static org.mallocsim.kernel.mm.VmaTreeNodes.NONE;
import static org.mallocsim.kernel.mm.VmaTreeNodes.PAD;
import static org.mallocsim.kernel.mm.VmaTreeNodes.leafBase;
import static org.mallocsim.kernel.mm.VmaTreeNodes.nodeBase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Pins the node layout drawn in {@link VmaTreeNodes}: every row of the picture, slot by slot. */
class VmaTreeLayoutTest {
    private static final long PAGE = 4096;

    @Test
    void diagramStatesTheSlotCountsInUse() throws IOException {
        String source = Files.readString(Path.of("src/main/java/org/mallocsim/kernel/mm/VmaTreeNodes.java"));
        assertThat(source).contains("(LEAF_SLOTS = " + LEAF_SLOTS + ")", "(NODE_SLOTS = " + NODE_SLOTS + ")");
        assertThat(leafBase(3)).isEqualTo(3 * LEAF_SLOTS);
        assertThat(nodeBase(3)).isEqualTo(3 * NODE_SLOTS);
    }

    @Test
    void leafRowsHoldHalvedEndsStartsGapsAndVmasThenPadding() {
        VmaTree tree = new VmaTree();
        Vma a = insert(tree, 0x1000, 0x2000);
        Vma b = insert(tree, 0x4000, 0x5000);
        Vma c = insert(tree, 0x5000, 0x8000);
        VmaTreeNodes n = tree.nodes;
        int base = leafBase(tree.root);
        assertThat(n.leafCount[tree.root]).isEqualTo(3);
        assertThat(slice(n.leafEnds, base, 4)).containsExactly(0x2000 >>> 1, 0x5000 >>> 1, 0x8000 >>> 1, PAD);
        assertThat(slice(n.leafStarts, base, 4)).containsExactly(0x1000, 0x4000, 0x5000, 0);
        assertThat(slice(n.leafGaps, base, 4)).containsExactly(0x1000 - 0, 0x4000 - 0x2000, 0, 0);
        assertThat(n.leafVmas[base]).isSameAs(a);
        assertThat(n.leafVmas[base + 1]).isSameAs(b);
        assertThat(n.leafVmas[base + 2]).isSameAs(c);
        assertThat(n.leafVmas[base + 3]).isNull();
        assertThat(n.leafPrev[tree.root]).isEqualTo(NONE);
        assertThat(n.leafNext[tree.root]).isEqualTo(NONE);
    }

    @Test
    void nodeRowsHoldEachChildsHalvedMaxEndLargestGapAndIdThenPadding() {
        VmaTree tree = new VmaTree();
        // 65 ascending one-page VMAs, each 2 pages after the last, the 40th after a wider hole
        for (int i = 0; i <= LEAF_SLOTS; i++) {
            long start = (2L * i + 1) * PAGE + (i >= 40 ? 16 * PAGE : 0);
            insert(tree, start, start + PAGE);
        }
        VmaTreeNodes n = tree.nodes;
        assertThat(tree.height).isEqualTo(1);
        int root = nodeBase(tree.root);
        assertThat(n.nodeCount[tree.root]).isEqualTo(2);
        int left = n.nodeChild[root];
        int right = n.nodeChild[root + 1];
        assertThat(n.leafNext[left]).isEqualTo(right);
        assertThat(n.leafPrev[right]).isEqualTo(left);
        assertThat(n.nodeKeys[root]).isEqualTo(endOfLast(n, left) >>> 1);
        assertThat(n.nodeKeys[root + 1]).isEqualTo(endOfLast(n, right) >>> 1);
        assertThat(n.nodeKeys[root + 2]).isEqualTo(PAD);
        assertThat(n.nodeChild[root + 2]).isEqualTo(NONE);
        assertThat(n.nodeGaps[root]).isEqualTo(17 * PAGE);
        assertThat(n.nodeGaps[root + 1]).isEqualTo(PAGE);
        // an ascending run splits where it inserts, leaving the left leaf three quarters full
        assertThat(n.leafCount[left]).isEqualTo(LEAF_SLOTS - VmaTreeNodes.LEAF_MIN);
        assertThat(n.leafCount[right]).isEqualTo(VmaTreeNodes.LEAF_MIN + 1);
    }

    private static long endOfLast(VmaTreeNodes n, int leaf) {
        return n.leafVmas[leafBase(leaf) + n.leafCount[leaf] - 1].end;
    }

    private static long[] slice(long[] a, int from, int n) {
        long[] s = new long[n];
        System.arraycopy(a, from, s, 0, n);
        return s;
    }

    private static Vma insert(VmaTree tree, long start, long end) {
        Vma v = new Vma(start, end, 0, 0, null);
        tree.insert(v);
        return v;
    }
}
