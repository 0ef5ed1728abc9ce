package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import org.junit.jupiter.api.Test;

/** Ports of Linux tools/testing/vma (merge.c, mmap.c) cases expressible through syscalls. */
class VmaMergeTest {
    static final long BASE = 0x100000000L;

    private static long fixed(AddressSpace as, long pageIndex, long pages, int prot) {
        return as.mmap(BASE + pageIndex * PAGE, pages * PAGE, prot, ANON | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
    }

    @Test
    void simpleMergeFillsTheGapBetweenTwoVmas() {
        // test_simple_merge: [0,1) and [2,3), then [1,2) ⇒ one VMA [0,3)
        AddressSpace as = fresh();
        fixed(as, 0, 1, RW);
        fixed(as, 2, 1, RW);
        fixed(as, 1, 1, RW);
        VmaView v = vmaAt(as, BASE);
        assertThat(v.start()).isEqualTo(BASE);
        assertThat(v.end()).isEqualTo(BASE + 3 * PAGE);
        assertThat(as.mapCount()).isEqualTo(2);
    }

    @Test
    void mergeNewExpandsPrevNextOrBoth() {
        // test_merge_new: new ranges merge left, right and both ways
        AddressSpace as = fresh();
        fixed(as, 0, 2, RW);
        fixed(as, 2, 1, RW);
        assertThat(as.mapCount()).isEqualTo(2);
        fixed(as, 5, 1, RW);
        fixed(as, 4, 1, RW);
        assertThat(as.mapCount()).isEqualTo(3);
        assertThat(vmaAt(as, BASE + 4 * PAGE).start()).isEqualTo(BASE + 4 * PAGE);
        fixed(as, 3, 1, RW);
        assertThat(as.mapCount()).isEqualTo(2);
        assertThat(vmaAt(as, BASE).end()).isEqualTo(BASE + 6 * PAGE);
    }

    @Test
    void specialFlagsNeverMerge() {
        // test_vma_merge_special_flags: [vdso]-like VMAs from a listing stay alone
        AddressSpace as = AddressSpace.fromMaps(
                KernelConfig.defaults(),
                java.util.List.of(
                        "100000000-100002000 r-xp 00000000 00:00 0                          [vdso]",
                        "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]"),
                0x555555559000L);
        assertThat(as.mmap(BASE + 2 * PAGE, PAGE, PROT_READ | PROT_EXEC, ANON | MAP_FIXED, -1, 0))
                .isEqualTo(BASE + 2 * PAGE);
        assertThat(as.mapCount()).isEqualTo(3);
        assertThat(vmaAt(as, BASE).name()).isEqualTo("[vdso]");
    }

    @Test
    void expandWithMremapTakesInTheNextVma() {
        // test_simple_expand / test_merge_extend
        AddressSpace as = fresh();
        fixed(as, 0, 1, RW);
        fixed(as, 3, 1, RW);
        assertThat(as.mremap(BASE, PAGE, 3 * PAGE, 0, 0)).isEqualTo(BASE);
        assertThat(vmaAt(as, BASE).end()).isEqualTo(BASE + 4 * PAGE);
        assertThat(as.mapCount()).isEqualTo(2);
        as.checkConsistency();
    }

    @Test
    void shrinkWithMremapKeepsTheStart() {
        // test_simple_shrink
        AddressSpace as = fresh();
        fixed(as, 0, 3, RW);
        assertThat(as.mremap(BASE, 3 * PAGE, PAGE, 0, 0)).isEqualTo(BASE);
        assertThat(vmaAt(as, BASE).end()).isEqualTo(BASE + PAGE);
        assertThat(vmaAt(as, BASE + PAGE)).isNull();
    }

    @Test
    void mmapRegionBasicCollapsesFourMappingsIntoTwo() {
        // test_mmap_region_basic: 0x300000-0x303000, 0x24d000-0x24e000, 0x24e000-0x250000 (rw-),
        // then 0x24d000 again fixed: the three low ones end up as one and 0x300000 alone
        AddressSpace as = fresh();
        as.mmap(0x300000L, 3 * PAGE, RW, ANON | MAP_FIXED, -1, 0);
        as.mmap(0x250000L, 0x3000, RW, ANON | MAP_FIXED, -1, 0);
        as.mmap(0x24d000L, 0x3000, RW, ANON | MAP_FIXED, -1, 0);
        as.mmap(0x24d000L, 0x3000, RW, ANON | MAP_FIXED, -1, 0);
        assertThat(layout(as)).containsExactly("24d000-253000 rw-p", "300000-303000 rw-p");
        as.checkConsistency();
    }

    @Test
    void mprotectOfAnEdgeMergesExistingRangeLeftAndRight() {
        // test_merge_existing: merge_left, merge_right, merge_both through mprotect
        AddressSpace as = fresh();
        fixed(as, 0, 2, PROT_READ);
        fixed(as, 2, 3, RW);
        fixed(as, 5, 2, PROT_READ);
        as.mprotect(BASE + 2 * PAGE, PAGE, PROT_READ);
        assertThat(vmaAt(as, BASE).end()).isEqualTo(BASE + 3 * PAGE);
        as.mprotect(BASE + 4 * PAGE, PAGE, PROT_READ);
        assertThat(vmaAt(as, BASE + 4 * PAGE).start()).isEqualTo(BASE + 4 * PAGE);
        assertThat(vmaAt(as, BASE + 4 * PAGE).end()).isEqualTo(BASE + 7 * PAGE);
        as.mprotect(BASE + 3 * PAGE, PAGE, PROT_READ);
        assertThat(layout(as))
                .containsExactly(Long.toHexString(BASE) + "-" + Long.toHexString(BASE + 7 * PAGE) + " r--p");
        assertThat(as.mapCount()).isEqualTo(2);
        as.checkConsistency();
    }

    @Test
    void unfaultedAnonymousVmaMovedByMremapTakesANewPgoffAndMergesAtTheDestination() {
        // test_copy_vma semantics
        AddressSpace as = fresh();
        fixed(as, 0, 1, RW);
        fixed(as, 10, 1, RW);
        assertThat(as.mremap(BASE + 10 * PAGE, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, BASE + PAGE))
                .isEqualTo(BASE + PAGE);
        assertThat(vmaAt(as, BASE).end()).isEqualTo(BASE + 2 * PAGE);
        assertThat(as.mapCount()).isEqualTo(2);
    }
}
