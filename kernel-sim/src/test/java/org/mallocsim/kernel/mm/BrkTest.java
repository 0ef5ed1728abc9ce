package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import org.junit.jupiter.api.Test;

class BrkTest {
    static final long START = 0x555555559000L;

    @Test
    void brkZeroReturnsTheCurrentBreak() {
        AddressSpace as = fresh();
        assertThat(as.brk(0)).isEqualTo(START);
        assertThat(as.mapCount()).isEqualTo(1);
    }

    @Test
    void unalignedBreakIsKeptAndReturned() {
        AddressSpace as = fresh();
        assertThat(as.brk(START + 2 * PAGE - 1)).isEqualTo(START + 2 * PAGE - 1);
        assertThat(as.currentBrk()).isEqualTo(START + 2 * PAGE - 1);
        assertThat(layout(as)).containsExactly("555555559000-55555555b000 rw-p [heap]");
        assertThat(as.brk(START + 2 * PAGE - 100)).isEqualTo(START + 2 * PAGE - 100);
        assertThat(as.mapCount()).isEqualTo(2);
    }

    @Test
    void growingExpandsTheHeapVmaInPlace() {
        AddressSpace as = fresh();
        as.brk(START + PAGE);
        as.brk(START + 5 * PAGE);
        assertThat(layout(as)).containsExactly("555555559000-55555555e000 rw-p [heap]");
        VmaView heap = vmaAt(as, START);
        assertThat(heap.flags() & VmFlags.VM_ACCOUNT).isNotZero();
        assertThat(as.stats().dataVm()).isEqualTo(5);
        as.checkConsistency();
    }

    @Test
    void shrinkingUnmapsTheTail() {
        AddressSpace as = fresh();
        as.brk(START + 8 * PAGE);
        assertThat(as.brk(START + 3 * PAGE + 5)).isEqualTo(START + 3 * PAGE + 5);
        assertThat(layout(as)).containsExactly("555555559000-55555555d000 rw-p [heap]");
        assertThat(as.brk(START)).isEqualTo(START);
        assertThat(layout(as)).isEmpty();
        assertThat(as.stats().dataVm()).isZero();
    }

    @Test
    void breakBelowStartBrkFailsWithTheOldBreak() {
        AddressSpace as = fresh();
        as.brk(START + PAGE);
        assertThat(as.brk(START - PAGE)).isEqualTo(START + PAGE);
    }

    @Test
    void shrinkAcrossAnMprotectSplitUnmapsEveryPiece() {
        // LTP brk02
        AddressSpace as = fresh();
        as.brk(START + 2 * PAGE);
        assertThat(as.mprotect(START + PAGE, PAGE, PROT_READ)).isZero();
        as.brk(START + 3 * PAGE);
        assertThat(as.mapCount()).isEqualTo(4);
        assertThat(as.brk(START)).isEqualTo(START);
        assertThat(as.mapCount()).isEqualTo(1);
        as.checkConsistency();
    }

    @Test
    void growthNeedsOneFreePageBelowTheNextMapping() {
        AddressSpace as = fresh();
        long next = START + 10 * PAGE;
        assertThat(as.mmap(next, PAGE, RW, ANON | MAP_FIXED, -1, 0)).isEqualTo(next);
        assertThat(as.brk(START + 10 * PAGE)).isEqualTo(START);
        assertThat(as.brk(START + 9 * PAGE)).isEqualTo(START + 9 * PAGE);
        assertThat(as.brk(START + 9 * PAGE + 1)).isEqualTo(START + 9 * PAGE);
    }

    @Test
    void brkNeverMergesWithAMappingAboveIt() {
        AddressSpace as = fresh();
        as.brk(START + PAGE);
        long above = as.mmap(START + 3 * PAGE, PAGE, RW, ANON | MAP_FIXED, -1, 0);
        assertThat(above).isEqualTo(START + 3 * PAGE);
        assertThat(as.brk(START + 2 * PAGE)).isEqualTo(START + 2 * PAGE);
        assertThat(as.mapCount()).isEqualTo(3);
    }

    @Test
    void mmapMergedOntoTheHeapIsShownAsHeap() {
        AddressSpace as = fresh();
        as.brk(START + PAGE);
        // the same flags as a brk VMA: private, writable, accounted, pgoff continuous
        assertThat(as.mmap(START + PAGE, PAGE, RW, ANON | MAP_FIXED, -1, 0)).isEqualTo(START + PAGE);
        assertThat(layout(as)).containsExactly("555555559000-55555555b000 rw-p [heap]");
    }

    @Test
    void rlimitDataLimitsTheHeap() {
        AddressSpace as =
                new AddressSpace(KernelConfig.builder().rlimitData(16 * PAGE).build());
        assertThat(as.brk(START + 16 * PAGE)).isEqualTo(START + 16 * PAGE);
        assertThat(as.brk(START + 17 * PAGE)).isEqualTo(START + 16 * PAGE);
    }

    @Test
    void growthFailsAtTheMapCountLimitButShrinkDoesNot() {
        AddressSpace as = new AddressSpace(KernelConfig.builder().maxMapCount(3).build());
        as.brk(START + PAGE);
        as.mmap(0, PAGE, RW, ANON, -1, 0);
        as.mmap(0, PAGE, PROT_READ, ANON, -1, 0);
        assertThat(as.mapCount()).isEqualTo(4);
        // just_expand does not need a new VMA but do_brk_flags checks map_count > max first
        assertThat(as.brk(START + 2 * PAGE)).isEqualTo(START + PAGE);
        assertThat(as.brk(START)).isEqualTo(START);
    }
}
