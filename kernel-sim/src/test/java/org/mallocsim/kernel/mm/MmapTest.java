package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.Errno.*;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import org.junit.jupiter.api.Test;

class MmapTest {

    @Test
    void defaultLayoutPutsMmapBaseBelowTheStackGapAndTheStackUnderTaskSize() {
        AddressSpace as = fresh();
        assertThat(as.mmapBase()).isEqualTo(0x7ffff7fff000L);
        assertThat(as.startBrk()).isEqualTo(0x555555559000L);
        assertThat(as.currentBrk()).isEqualTo(0x555555559000L);
        VmaView stack = as.vmas().get(0);
        assertThat(stack.name()).isEqualTo("[stack]");
        assertThat(stack.end()).isEqualTo(0x7ffffffff000L);
        assertThat(stack.flags() & VmFlags.VM_GROWSDOWN).isNotZero();
        assertThat(as.mapCount()).isEqualTo(1);
        as.checkConsistency();
    }

    @Test
    void firstAnonymousMmapEndsAtMmapBase() {
        AddressSpace as = fresh();
        assertThat(as.mmap(0, PAGE, RW, ANON, -1, 0)).isEqualTo(MMAP_BASE - PAGE);
    }

    @Test
    void mmapBelowPreviousMappingMergesIntoOneVma() {
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        long b = as.mmap(0, 3 * PAGE, RW, ANON, -1, 0);
        assertThat(b).isEqualTo(a - 3 * PAGE);
        assertThat(layout(as)).containsExactly(Long.toHexString(b) + "-" + Long.toHexString(MMAP_BASE) + " rw-p");
        assertThat(as.mapCount()).isEqualTo(2);
        as.checkConsistency();
    }

    @Test
    void mappingsWithDifferentProtectionStaySeparate() {
        AddressSpace as = fresh();
        as.mmap(0, PAGE, RW, ANON, -1, 0);
        as.mmap(0, PAGE, PROT_READ, ANON, -1, 0);
        assertThat(as.mapCount()).isEqualTo(3);
    }

    @Test
    void twoMebibyteMultipleAnonymousMappingsAreTwoMebibyteAligned() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 2 << 20, RW, ANON, -1, 0);
        assertThat(a).isEqualTo(0x7ffff7c00000L);
        long b = as.mmap(0, 4 << 20, RW, ANON, -1, 0);
        assertThat(b).isEqualTo(0x7ffff7800000L);
        long c = as.mmap(0, (2 << 20) + PAGE, RW, ANON, -1, 0);
        assertThat(c).isEqualTo(b - (2 << 20) - PAGE);
    }

    @Test
    void alreadyAlignedPaddedSearchTakesTheUpperHalf() {
        // as on Linux 6.18: a PROT_NONE 2 MiB map at an aligned boundary, then another right below it
        AddressSpace as = fresh();
        long a = as.mmap(0, 2 << 20, PROT_NONE, ANON, -1, 0);
        long b = as.mmap(0, 2 << 20, RW, ANON | MAP_NORESERVE, -1, 0);
        assertThat(b).isEqualTo(a - (2 << 20));
    }

    @Test
    void sharedAnonymousMemoryIsNotAlignedAndShowsAsDevZero() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 2 << 20, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        assertThat(a).isEqualTo(MMAP_BASE - (2 << 20));
        VmaView v = vmaAt(as, a);
        assertThat(v.perms()).isEqualTo("rw-s");
        assertThat(v.name()).isEqualTo("/dev/zero (deleted)");
        assertThat(v.devMinor()).isEqualTo(1);
        assertThat(v.inode()).isNotZero();
    }

    @Test
    void twoSharedAnonymousMappingsNeverMerge() {
        AddressSpace as = fresh();
        as.mmap(0, PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        as.mmap(0, PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        assertThat(as.mapCount()).isEqualTo(3);
    }

    @Test
    void validationErrorsComeInLinuxOrder() {
        AddressSpace as = fresh();
        assertThat(as.mmap(0, PAGE, RW, ANON, -1, 1)).isEqualTo(-EINVAL);
        assertThat(as.mmap(0, PAGE, RW, MAP_PRIVATE, -1, 0)).isEqualTo(-EBADF);
        assertThat(as.mmap(0, 0, RW, ANON, -1, 0)).isEqualTo(-EINVAL);
        assertThat(as.mmap(0, -1L, RW, ANON, -1, 0)).isEqualTo(-ENOMEM);
        assertThat(as.mmap(0, PAGE, RW, MAP_ANONYMOUS, -1, 0)).isEqualTo(-EINVAL);
        assertThat(as.mmap(0, PAGE, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0))
                .isEqualTo(-EINVAL);
        assertThat(as.mmap(0, PAGE, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0))
                .isEqualTo(-EINVAL);
        assertThat(as.mapCount()).isEqualTo(1);
    }

    @Test
    void fixedMappingBelowMmapMinAddrIsRefusedWithEperm() {
        AddressSpace as = fresh();
        assertThat(as.mmap(0, PAGE, RW, ANON | MAP_FIXED, -1, 0)).isEqualTo(-EPERM);
        assertThat(as.mmap(0x1000, PAGE, RW, ANON | MAP_FIXED, -1, 0)).isEqualTo(0x1000);
    }

    @Test
    void fixedMappingAtTheTopPageIsRefusedWithEnomem() {
        AddressSpace as = fresh();
        assertThat(as.mmap(-PAGE, PAGE, RW, ANON | MAP_FIXED, -1, 0)).isEqualTo(-ENOMEM);
        assertThat(as.mmap(0x7ffffffff000L, PAGE, RW, ANON | MAP_FIXED, -1, 0)).isEqualTo(-ENOMEM);
    }

    @Test
    void fixedNoReplaceOverAnExistingMappingFailsWithEexist() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 4 * PAGE, RW, ANON, -1, 0);
        assertThat(as.mmap(a + PAGE, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0))
                .isEqualTo(-EEXIST);
        assertThat(as.mmap(a - PAGE, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0))
                .isEqualTo(a - PAGE);
    }

    @Test
    void fixedMappingReplacesTheMiddleOfAVmaAndSplitsIt() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 4 * PAGE, RW, ANON, -1, 0);
        assertThat(as.mmap(a + PAGE, PAGE, PROT_READ, ANON | MAP_FIXED, -1, 0)).isEqualTo(a + PAGE);
        assertThat(layout(as))
                .containsExactly(
                        Long.toHexString(a) + "-" + Long.toHexString(a + PAGE) + " rw-p",
                        Long.toHexString(a + PAGE) + "-" + Long.toHexString(a + 2 * PAGE) + " r--p",
                        Long.toHexString(a + 2 * PAGE) + "-" + Long.toHexString(a + 4 * PAGE) + " rw-p");
        assertThat(as.stats().totalVm())
                .isEqualTo(as.vmas().stream().mapToLong(VmaView::size).sum() / PAGE);
        as.checkConsistency();
    }

    @Test
    void hintIsUsedWhenTheRangeIsFreeAndIgnoredWhenNot() {
        AddressSpace as = fresh();
        assertThat(as.mmap(0x10000000L, PAGE, RW, ANON, -1, 0)).isEqualTo(0x10000000L);
        assertThat(as.mmap(0x10000000L, PAGE, RW, ANON, -1, 0)).isEqualTo(MMAP_BASE - PAGE);
        // the rounded-down hint is taken, so the search goes top-down (as the real kernel answers)
        assertThat(as.mmap(0x10000123L, PAGE, RW, ANON, -1, 0)).isEqualTo(MMAP_BASE - 2 * PAGE);
        // a hint that rounds down to 0 is no hint
        assertThat(as.mmap(0x100, PAGE, RW, ANON, -1, 0)).isEqualTo(MMAP_BASE - 3 * PAGE);
        assertThat(as.mmap(0x20000123L, PAGE, RW, ANON, -1, 0)).isEqualTo(0x20000000L);
    }

    @Test
    void mapStackGivesNoHugepageAndDoesNotMergeWithPlainAnonymousMemory() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 2 * PAGE, RW, ANON | MAP_STACK, -1, 0);
        as.mmap(0, 2 * PAGE, RW, ANON, -1, 0);
        assertThat(vmaAt(as, a).flags() & VmFlags.VM_NOHUGEPAGE).isNotZero();
        assertThat(as.mapCount()).isEqualTo(3);
    }

    @Test
    void privateWritableMappingsAreAccountedAndNoreserveOnesAreNot() {
        AddressSpace as = fresh();
        long before = as.committedPages();
        long a = as.mmap(0, 10 * PAGE, RW, ANON, -1, 0);
        assertThat(as.committedPages()).isEqualTo(before + 10);
        assertThat(vmaAt(as, a).flags() & VmFlags.VM_ACCOUNT).isNotZero();
        long b = as.mmap(0, 10 * PAGE, RW, ANON | MAP_NORESERVE, -1, 0);
        assertThat(vmaAt(as, b).flags() & VmFlags.VM_ACCOUNT).isZero();
        assertThat(as.committedPages()).isEqualTo(before + 10);
        assertThat(as.munmap(a, 10 * PAGE)).isZero();
        assertThat(as.committedPages()).isEqualTo(before);
    }

    @Test
    void overcommitGuessRefusesOneRequestLargerThanRam() {
        AddressSpace as =
                new AddressSpace(KernelConfig.builder().ramBytes(64L << 20).build());
        assertThat(as.mmap(0, 65L << 20, RW, ANON, -1, 0)).isEqualTo(-ENOMEM);
        assertThat(as.mmap(0, 65L << 20, RW, ANON | MAP_NORESERVE, -1, 0)).isPositive();
        assertThat(as.mmap(0, 65L << 20, PROT_READ, ANON, -1, 0)).isPositive();
    }

    @Test
    void overcommitNeverStopsAtTheCommitLimit() {
        AddressSpace as = new AddressSpace(
                KernelConfig.builder().ramBytes(64L << 20).overcommitMemory(2).build());
        long ok = as.mmap(0, 16L << 20, RW, ANON, -1, 0);
        assertThat(ok).isPositive();
        assertThat(as.mmap(0, 16L << 20, RW, ANON, -1, 0)).isEqualTo(-ENOMEM);
        assertThat(as.mmap(0, 16L << 20, RW, ANON | MAP_NORESERVE, -1, 0)).isEqualTo(-ENOMEM);
    }

    @Test
    void rlimitAsCountsEveryMapping() {
        AddressSpace as =
                new AddressSpace(KernelConfig.builder().rlimitAs(1L << 20).build());
        // the 132 KiB stack already counts
        assertThat(as.mmap(0, 1L << 20, PROT_NONE, ANON, -1, 0)).isEqualTo(-ENOMEM);
        assertThat(as.mmap(0, 512L << 10, PROT_NONE, ANON, -1, 0)).isPositive();
    }

    @Test
    void rlimitDataCountsOnlyPrivateWritableMappings() {
        AddressSpace as =
                new AddressSpace(KernelConfig.builder().rlimitData(1L << 20).build());
        assertThat(as.mmap(0, 2L << 20, RW, ANON, -1, 0)).isEqualTo(-ENOMEM);
        assertThat(as.mmap(0, 2L << 20, PROT_READ, ANON, -1, 0)).isPositive();
    }

    @Test
    void unlimitedStackGivesTheLegacyBottomUpLayout() {
        AddressSpace as =
                new AddressSpace(KernelConfig.builder().rlimitStack(-1).build());
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        long b = as.mmap(0, PAGE, RW, ANON, -1, 0);
        assertThat(a).isEqualTo(0x2aaaaaaab000L);
        assertThat(b).isEqualTo(a + PAGE);
    }

    @Test
    void statsFollowTheMappingKinds() {
        AddressSpace as = fresh();
        MmStats s0 = as.stats();
        as.mmap(0, 4 * PAGE, RW, ANON, -1, 0);
        as.mmap(0, 2 * PAGE, PROT_READ | PROT_EXEC, ANON, -1, 0);
        as.mmap(0, 3 * PAGE, PROT_READ, ANON, -1, 0);
        MmStats s = as.stats();
        assertThat(s.totalVm() - s0.totalVm()).isEqualTo(9);
        assertThat(s.dataVm() - s0.dataVm()).isEqualTo(4);
        assertThat(s.execVm() - s0.execVm()).isEqualTo(2);
        assertThat(s.stackVm()).isEqualTo(0x21);
        assertThat(s.hiwaterVm()).isEqualTo(s.totalVm());
        assertThat(as.syscallCount(SyscallKind.MMAP)).isEqualTo(3);
    }

    @Test
    void stackAndGrowsDownRequestsAreAlignedLikeAnyOtherAndSmallOnesFillTheGapAbove() {
        // the same sequence on Linux 6.18 gave x, a = x's 2 MiB boundary below, y right below x, b = a - 2 MiB
        AddressSpace as = fresh();
        long x = as.mmap(0, PAGE, PROT_READ, ANON, -1, 0);
        long a = as.mmap(0, 2 << 20, RW, ANON | MAP_STACK, -1, 0);
        long y = as.mmap(0, PAGE, PROT_READ, ANON, -1, 0);
        long b = as.mmap(0, 2 << 20, RW, ANON | MAP_GROWSDOWN, -1, 0);
        assertThat(a).isEqualTo(0x7ffff7c00000L);
        assertThat(y).isEqualTo(x - PAGE);
        assertThat(b).isEqualTo(a - (2 << 20));
        assertThat(vmaAt(as, b).flags() & VmFlags.VM_GROWSDOWN).isNotZero();
    }

    @Test
    void mappingsKeepTheGuardGapBelowAGrowsDownVma() {
        AddressSpace as = fresh();
        long g = as.mmap(0, PAGE, RW, ANON | MAP_GROWSDOWN, -1, 0);
        long n = as.mmap(0, PAGE, RW, ANON, -1, 0);
        assertThat(n).isEqualTo(g - (1 << 20) - PAGE);
    }

    @Test
    void thpAlignmentCanBeSwitchedOff() {
        AddressSpace as =
                new AddressSpace(KernelConfig.builder().thpAlign(false).build());
        assertThat(as.mmap(0, 2 << 20, RW, ANON, -1, 0)).isEqualTo(MMAP_BASE - (2 << 20));
    }
}
