package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import org.junit.jupiter.api.Test;

class AccountingTest {

    @Test
    void oneTouchedPageCostsAPudAPmdAndAPteTable() {
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        as.store8(a, 1);
        MmStats s = as.stats();
        assertThat(s.pageTableBytes()).isEqualTo(3 * PAGE);
        // PGD + 3 tables + the page + the zero page
        assertThat(s.framesInUse()).isEqualTo(6);
        assertThat(s.rss()).isEqualTo(1);
        as.checkConsistency();
    }

    @Test
    void lockedMappingsArePopulatedAndCountedInLockedVm() {
        // mmap14: VmLck grows by exactly the size
        AddressSpace as = fresh();
        long a = as.mmap(0, 4 * PAGE, RW, ANON | MAP_LOCKED, -1, 0);
        assertThat(as.stats().lockedVm()).isEqualTo(4);
        assertThat(as.stats().rssAnon()).isEqualTo(4);
        as.munmap(a, 2 * PAGE);
        assertThat(as.stats().lockedVm()).isEqualTo(2);
        as.checkConsistency();
    }

    @Test
    void hiwaterRssIsThePeakOfResidentPages() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 8 * PAGE, RW, ANON, -1, 0);
        as.fill(a, 0x5a, 8 * PAGE);
        assertThat(as.stats().rssAnon()).isEqualTo(8);
        as.madvise(a, 8 * PAGE, MADV_DONTNEED);
        as.store8(a, 1);
        MmStats s = as.stats();
        assertThat(s.rssAnon()).isEqualTo(1);
        assertThat(s.hiwaterRss()).isEqualTo(8);
    }

    @Test
    void syscallsAndFaultsAreCounted() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 2 * PAGE, RW, ANON, -1, 0);
        as.mprotect(a, PAGE, PROT_READ);
        as.madvise(a, PAGE, MADV_NORMAL);
        as.brk(0);
        as.munmap(a, PAGE);
        as.mremap(a + PAGE, PAGE, PAGE, 0, 0);
        as.load8(a + PAGE);
        as.store8(a + PAGE, 1);
        assertThat(as.syscallCount(SyscallKind.MMAP)).isEqualTo(1);
        assertThat(as.syscallCount(SyscallKind.MPROTECT)).isEqualTo(1);
        assertThat(as.syscallCount(SyscallKind.MADVISE)).isEqualTo(1);
        assertThat(as.syscallCount(SyscallKind.BRK)).isEqualTo(1);
        assertThat(as.syscallCount(SyscallKind.MUNMAP)).isEqualTo(1);
        assertThat(as.syscallCount(SyscallKind.MREMAP)).isEqualTo(1);
        assertThat(as.stats().minorFaults()).isEqualTo(2);
        assertThat(as.stats().tlbMisses()).isPositive();
    }

    @Test
    void sharedRamIsUsedAndNotCountedAsOurs() {
        org.mallocsim.kernel.paging.PhysicalMemory ram = new org.mallocsim.kernel.paging.PhysicalMemory(1L << 24);
        AddressSpace one = new AddressSpace(KernelConfig.defaults(), ram);
        AddressSpace two = new AddressSpace(KernelConfig.defaults(), ram);
        long a = one.mmap(0, PAGE, RW, ANON, -1, 0);
        long b = two.mmap(0, PAGE, RW, ANON, -1, 0);
        one.store64(a, 1);
        two.store64(b, 2);
        assertThat(one.load64(a)).isEqualTo(1);
        assertThat(two.load64(b)).isEqualTo(2);
        one.checkConsistency();
        two.checkConsistency();
    }
}
