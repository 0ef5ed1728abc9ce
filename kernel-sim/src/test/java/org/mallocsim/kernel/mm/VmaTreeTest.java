package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The documented behaviour of {@link VmaTree}, case by case. */
class VmaTreeTest {
    private static final long PAGE = 4096;
    private static final long GUARD = 256 * PAGE;
    private static final long MMAP_BASE = 0x7ffff7fff000L;

    private final VmaTree tree = new VmaTree();

    private Vma map(long start, long end) {
        return map(start, end, VmFlags.VM_READ);
    }

    private Vma map(long start, long end, long flags) {
        Vma v = new Vma(start, end, flags, start >>> 12, null);
        tree.insert(v);
        return v;
    }

    @Test
    void emptyTreeFindsNothingAndHasNoNeighbours() {
        Vma probe = new Vma(0x1000, 0x2000, 0, 0, null);
        assertThat(tree.size()).isZero();
        assertThat(tree.find(0)).isNull();
        assertThat(tree.find(-1)).isNull();
        assertThat(tree.lookup(0x1000)).isNull();
        assertThat(tree.first()).isNull();
        assertThat(tree.last()).isNull();
        assertThat(tree.prev(probe)).isNull();
        assertThat(tree.next(probe)).isNull();
        assertThat(tree.unmappedAreaTopdown(PAGE, PAGE, MMAP_BASE, 0, GUARD)).isEqualTo(MMAP_BASE - PAGE);
        assertThat(tree.unmappedArea(PAGE, PAGE, MMAP_BASE, 0, GUARD)).isEqualTo(PAGE);
    }

    @Test
    void findReturnsTheVmaContainingTheAddressElseTheFirstAboveIt() {
        Vma low = map(0x10000, 0x12000);
        Vma high = map(0x20000, 0x21000);
        assertThat(tree.find(0)).isSameAs(low);
        assertThat(tree.find(0x11fff)).isSameAs(low);
        assertThat(tree.find(0x12000)).isSameAs(high);
        assertThat(tree.find(0x20fff)).isSameAs(high);
        assertThat(tree.find(0x21000)).isNull();
    }

    @Test
    void lookupFindsOnlyAVmaThatContainsTheAddress() {
        Vma v = map(0x10000, 0x12000);
        assertThat(tree.lookup(0xffff)).isNull();
        assertThat(tree.lookup(0x10000)).isSameAs(v);
        assertThat(tree.lookup(0x12000)).isNull();
    }

    @Test
    void findIntersectionIgnoresAVmaThatStartsAtTheEndOfTheRange() {
        Vma v = map(0x10000, 0x12000);
        assertThat(tree.findIntersection(0x8000, 0x10000)).isNull();
        assertThat(tree.findIntersection(0x8000, 0x10001)).isSameAs(v);
        assertThat(tree.findIntersection(0x11000, 0x30000)).isSameAs(v);
    }

    @Test
    void prevAndNextWalkTheVmasInAddressOrder() {
        Vma a = map(0x1000, 0x2000);
        Vma b = map(0x3000, 0x4000);
        Vma c = map(0x4000, 0x9000);
        assertThat(tree.prev(a)).isNull();
        assertThat(tree.next(a)).isSameAs(b);
        assertThat(tree.prev(c)).isSameAs(b);
        assertThat(tree.next(c)).isNull();
        assertThat(tree.first()).isSameAs(a);
        assertThat(tree.last()).isSameAs(c);
    }

    @Test
    void insertRejectsAVmaThatOverlapsOneInTheTree() {
        map(0x10000, 0x12000);
        assertThatThrownBy(() -> map(0x11000, 0x13000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map(0xf000, 0x11000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(tree.size()).isEqualTo(1);
    }

    @Test
    void insertRejectsAnEmptyOrUnalignedRange() {
        assertThatThrownBy(() -> map(0x2000, 0x2000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map(0x2000, 0x1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map(0x1000, 0x2001)).isInstanceOf(IllegalArgumentException.class);
        assertThat(tree.size()).isZero();
    }

    @Test
    void removeOfAVmaNotInTheTreeChangesNothing() {
        Vma v = map(0x10000, 0x12000);
        tree.remove(new Vma(0x20000, 0x21000, 0, 0, null));
        assertThat(tree.size()).isEqualTo(1);
        assertThat(tree.find(0)).isSameAs(v);
    }

    @Test
    void resizeBetweenItsNeighboursMovesOnlyItsBounds() {
        Vma a = map(0x1000, 0x2000);
        Vma b = map(0x4000, 0x5000);
        Vma c = map(0x8000, 0x9000);
        tree.resize(b, 0x2000, 0x8000);
        assertThat(b.start()).isEqualTo(0x2000);
        assertThat(b.end()).isEqualTo(0x8000);
        assertThat(tree.find(0x2000)).isSameAs(b);
        assertThat(tree.prev(b)).isSameAs(a);
        assertThat(tree.next(b)).isSameAs(c);
        VmaTreeChecker.check(tree);
    }

    @Test
    void resizePastANeighbourMovesTheVmaInTheOrder() {
        Vma a = map(0x1000, 0x2000);
        Vma b = map(0x4000, 0x5000);
        tree.resize(a, 0x6000, 0x7000);
        assertThat(tree.first()).isSameAs(b);
        assertThat(tree.last()).isSameAs(a);
        assertThat(tree.lookup(0x1000)).isNull();
        VmaTreeChecker.check(tree);
    }

    @Test
    void vmaEndingAtTheTopOfTheSixtyFourBitSpaceIsFound() {
        Vma top = map(-0x3000L, -PAGE);
        Vma bottom = map(0, PAGE);
        assertThat(tree.find(PAGE)).isSameAs(top);
        assertThat(tree.find(-0x2001L)).isSameAs(top);
        assertThat(tree.find(-PAGE)).isNull();
        assertThat(tree.find(-1)).isNull();
        assertThat(tree.prev(top)).isSameAs(bottom);
        assertThat(tree.unmappedAreaTopdown(PAGE, 0, -PAGE, 0, 0)).isEqualTo(-0x4000L);
        assertThat(tree.unmappedArea(PAGE, 0, -1, 0, 0)).isEqualTo(PAGE);
        VmaTreeChecker.check(tree);
    }

    @Test
    void unmappedAreaTopdownKeepsTheGuardGapBelowAStackThatGrowsDown() {
        map(MMAP_BASE, MMAP_BASE + 8 * PAGE, VmFlags.VM_GROWSDOWN);
        long below = tree.unmappedAreaTopdown(PAGE, PAGE, MMAP_BASE + 8 * PAGE, 0, GUARD);
        assertThat(below).isEqualTo(MMAP_BASE - GUARD - PAGE);
    }

    @Test
    void unmappedAreaTopdownPlacesEachMappingDirectlyBelowTheLastOne() {
        long expected = MMAP_BASE;
        for (int i = 0; i < 200; i++) {
            long a = tree.unmappedAreaTopdown(2 * PAGE, PAGE, MMAP_BASE, 0, GUARD);
            expected -= 2 * PAGE;
            assertThat(a).isEqualTo(expected);
            map(a, a + PAGE); // leaves a one-page hole that the next request does not fit
        }
    }

    @Test
    void unmappedAreaRoundsUpToTheAlignment() {
        map(0x10000, 0x11000);
        long alignMask = 0x10000 - 1;
        assertThat(tree.unmappedArea(PAGE, 0x10000, MMAP_BASE, alignMask, 0)).isEqualTo(0x20000);
        assertThat(tree.unmappedAreaTopdown(PAGE, 0, 0x1f000, alignMask, 0)).isEqualTo(0);
        assertThat(tree.unmappedAreaTopdown(PAGE, 0x1000, 0x1f000, alignMask, 0))
                .isEqualTo(-1);
    }

    @Test
    void aFullMapCountOfOnePageMappingsIsThreeLevelsDeepAndFindsEveryVma() {
        int count = 65_531; // vm.max_map_count + 1, which mmap can reach
        Vma[] vmas = new Vma[count];
        for (int i = 0; i < count; i++) {
            long start = MMAP_BASE - (2L * i + 2) * PAGE;
            vmas[i] = map(start, start + PAGE);
        }
        assertThat(tree.height).isEqualTo(2);
        for (Vma v : vmas) {
            assertThat(tree.find(v.start() - PAGE)).isSameAs(v);
            assertThat(tree.lookup(v.end() - 1)).isSameAs(v);
        }
        VmaTreeChecker.check(tree);
    }
}
