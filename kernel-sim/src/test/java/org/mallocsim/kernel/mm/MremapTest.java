package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.Errno.*;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import org.junit.jupiter.api.Test;

class MremapTest {

    @Test
    void parameterChecksAreEinval() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 2 * PAGE, RW, ANON, -1, 0);
        assertThat(as.mremap(a, PAGE, PAGE, 8, 0)).isEqualTo(-EINVAL);
        assertThat(as.mremap(a + 1, PAGE, PAGE, 0, 0)).isEqualTo(-EINVAL);
        assertThat(as.mremap(a, PAGE, 0, 0, 0)).isEqualTo(-EINVAL);
        // mremap05: FIXED without MAYMOVE, unaligned new address, overlapping ranges
        assertThat(as.mremap(a, PAGE, PAGE, MREMAP_FIXED, 0x10000000L)).isEqualTo(-EINVAL);
        assertThat(as.mremap(a, PAGE, PAGE, MREMAP_FIXED | MREMAP_MAYMOVE, 0x10000001L))
                .isEqualTo(-EINVAL);
        assertThat(as.mremap(a, 2 * PAGE, 2 * PAGE, MREMAP_FIXED | MREMAP_MAYMOVE, a + PAGE))
                .isEqualTo(-EINVAL);
        assertThat(as.mremap(a, PAGE, 2 * PAGE, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0))
                .isEqualTo(-EINVAL);
    }

    @Test
    void unmappedOldAddressIsEfault() {
        AddressSpace as = fresh();
        assertThat(as.mremap(0x10000000L, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0)).isEqualTo(-EFAULT);
    }

    @Test
    void oldRangeCrossingTheVmaEndIsEfault() {
        // mremap03
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, PROT_NONE, ANON, -1, 0);
        assertThat(as.mremap(a, 1000 * PAGE, 1001 * PAGE, MREMAP_MAYMOVE, 0)).isEqualTo(-EFAULT);
    }

    @Test
    void privateOldLengthZeroIsEinval() {
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        assertThat(as.mremap(a, 0, PAGE, MREMAP_MAYMOVE, 0)).isEqualTo(-EINVAL);
    }

    @Test
    void sameSizeReturnsTheAddress() {
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        assertThat(as.mremap(a, PAGE, PAGE, 0, 0)).isEqualTo(a);
    }

    @Test
    void growInPlaceWhenTheSpaceAboveIsFree() {
        AddressSpace as = fresh();
        long a = as.mmap(0x10000000L, PAGE, RW, ANON, -1, 0);
        assertThat(as.mremap(a, PAGE, 4 * PAGE, 0, 0)).isEqualTo(a);
        assertThat(vmaAt(as, a).end()).isEqualTo(a + 4 * PAGE);
        assertThat(as.stats().dataVm()).isEqualTo(4);
        as.checkConsistency();
    }

    @Test
    void growBlockedAboveIsEnomemWithoutMaymoveAndMovesWithIt() {
        AddressSpace as = fresh();
        long top = as.mmap(0, PAGE, PROT_READ, ANON, -1, 0);
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        assertThat(a).isEqualTo(top - PAGE);
        assertThat(as.mremap(a, PAGE, 2 * PAGE, 0, 0)).isEqualTo(-ENOMEM);
        long b = as.mremap(a, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0);
        assertThat(b).isEqualTo(a - 2 * PAGE);
        assertThat(vmaAt(as, a)).isNull();
        assertThat(vmaAt(as, b).end()).isEqualTo(b + 2 * PAGE);
        as.checkConsistency();
    }

    @Test
    void movingTwoMebibyteMultiplesIsTwoMebibyteAligned() {
        AddressSpace as = fresh();
        as.mmap(0, PAGE, PROT_READ, ANON, -1, 0);
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        long b = as.mremap(a, PAGE, 2 << 20, MREMAP_MAYMOVE, 0);
        assertThat(b).isNotEqualTo(a);
        assertThat(b & ((2 << 20) - 1)).isZero();
    }

    @Test
    void fixedMoveReplacesWhateverIsAtTheTarget() {
        AddressSpace as = fresh();
        long a = as.mmap(0x10000000L, 2 * PAGE, RW, ANON, -1, 0);
        long t = as.mmap(0x20000000L, 4 * PAGE, PROT_READ, ANON, -1, 0);
        assertThat(as.mremap(a, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, t + PAGE))
                .isEqualTo(t + PAGE);
        assertThat(vmaAt(as, t).perms()).isEqualTo("r--p");
        assertThat(vmaAt(as, t + PAGE).perms()).isEqualTo("rw-p");
        assertThat(vmaAt(as, t + 3 * PAGE).perms()).isEqualTo("r--p");
        assertThat(vmaAt(as, a)).isNull();
        as.checkConsistency();
    }

    @Test
    void dontUnmapLeavesTheOldRangeMappedAndStillAccounted() {
        AddressSpace as = fresh();
        long a = as.mmap(0x10000000L, 2 * PAGE, RW, ANON, -1, 0);
        long committed = as.committedPages();
        long b = as.mremap(a, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
        assertThat(b).isNotEqualTo(a).isPositive();
        // as Linux 6.18 shows it: "ac" on both, the destination charged in full
        assertThat(vmaAt(as, a).flags() & VmFlags.VM_ACCOUNT).isNotZero();
        assertThat(vmaAt(as, b).flags() & VmFlags.VM_ACCOUNT).isNotZero();
        assertThat(as.committedPages()).isEqualTo(committed + 2);
        assertThat(as.stats().totalVm()).isEqualTo(0x21 + 4);
        as.checkConsistency();
    }

    @Test
    void shrinkUnmapsTheTailInPlace() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 4 * PAGE, RW, ANON, -1, 0);
        long committed = as.committedPages();
        assertThat(as.mremap(a, 4 * PAGE, PAGE + 1, 0, 0)).isEqualTo(a);
        assertThat(vmaAt(as, a).end()).isEqualTo(a + 2 * PAGE);
        assertThat(as.committedPages()).isEqualTo(committed - 2);
    }

    @Test
    void moveNearTheMapCountLimitIsEnomem() {
        AddressSpace as = new AddressSpace(KernelConfig.builder().maxMapCount(6).build());
        as.mmap(0, PAGE, PROT_READ, ANON, -1, 0);
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        assertThat(as.mremap(a, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, 0x10000000L))
                .isEqualTo(-ENOMEM);
        assertThat(as.mremap(a, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0)).isEqualTo(-ENOMEM);
    }
}
