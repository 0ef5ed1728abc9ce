package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.Errno.*;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import org.junit.jupiter.api.Test;

class MprotectTest {

    private static String range(long s, long e, String perms) {
        return Long.toHexString(s) + "-" + Long.toHexString(e) + " " + perms;
    }

    @Test
    void validationErrors() {
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        assertThat(as.mprotect(a + 1, PAGE, PROT_READ)).isEqualTo(-EINVAL);
        assertThat(as.mprotect(a, 0, PROT_READ)).isZero();
        assertThat(as.mprotect(a, PAGE, 0x10)).isEqualTo(-EINVAL);
        assertThat(as.mprotect(a, PAGE, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP))
                .isEqualTo(-EINVAL);
        assertThat(as.mprotect(a, -PAGE, PROT_READ)).isEqualTo(-ENOMEM);
        assertThat(as.mprotect(0, PAGE + 1, PROT_READ)).isEqualTo(-ENOMEM);
    }

    @Test
    void protectingTheMiddleSplitsIntoThree() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 3 * PAGE, RW, ANON, -1, 0);
        assertThat(as.mprotect(a + PAGE, PAGE, PROT_READ)).isZero();
        assertThat(layout(as))
                .containsExactly(
                        range(a, a + PAGE, "rw-p"),
                        range(a + PAGE, a + 2 * PAGE, "r--p"),
                        range(a + 2 * PAGE, a + 3 * PAGE, "rw-p"));
        as.checkConsistency();
    }

    @Test
    void protectingBackMergesEverythingAgainWhenUnfaultedAndStillAccounted() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 3 * PAGE, RW, ANON | MAP_NORESERVE, -1, 0);
        as.mprotect(a + PAGE, PAGE, PROT_READ);
        assertThat(as.mprotect(a + PAGE, PAGE, RW)).isZero();
        assertThat(layout(as)).containsExactly(range(a, a + 3 * PAGE, "rw-p"));
    }

    @Test
    void readOnlyUnfaultedAnonymousMemoryLosesVmAccountSoItMergesOnlyWithUnaccountedMemory() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 3 * PAGE, RW, ANON, -1, 0);
        long before = as.committedPages();
        as.mprotect(a + PAGE, PAGE, PROT_READ);
        assertThat(vmaAt(as, a + PAGE).flags() & VmFlags.VM_ACCOUNT).isZero();
        assertThat(as.committedPages()).isEqualTo(before - 1);
        // becoming writable charges again and sets VM_ACCOUNT, so all three merge
        as.mprotect(a + PAGE, PAGE, RW);
        assertThat(as.committedPages()).isEqualTo(before);
        assertThat(layout(as)).containsExactly(range(a, a + 3 * PAGE, "rw-p"));
    }

    @Test
    void protectingTheLeftEdgeMergesIntoThePreviousVma() {
        AddressSpace as = fresh();
        long b = as.mmap(0, 2 * PAGE, PROT_READ, ANON, -1, 0);
        long a = as.mmap(0, 2 * PAGE, RW, ANON, -1, 0);
        assertThat(a).isEqualTo(b - 2 * PAGE);
        // [a, a+2) rw, [b, b+2) r: make b's first page... the right VMA's left edge read/write
        assertThat(as.mprotect(b, PAGE, RW)).isZero();
        assertThat(layout(as)).containsExactly(range(a, b + PAGE, "rw-p"), range(b + PAGE, b + 2 * PAGE, "r--p"));
        as.checkConsistency();
    }

    @Test
    void protectingTheRightEdgeMergesIntoTheNextVma() {
        AddressSpace as = fresh();
        long b = as.mmap(0, 2 * PAGE, PROT_READ, ANON, -1, 0);
        long a = as.mmap(0, 2 * PAGE, RW | PROT_EXEC, ANON, -1, 0);
        assertThat(as.mprotect(a + PAGE, PAGE, PROT_READ)).isZero();
        assertThat(layout(as)).containsExactly(range(a, a + PAGE, "rwxp"), range(a + PAGE, b + 2 * PAGE, "r--p"));
        as.checkConsistency();
    }

    @Test
    void aHoleStopsWithEnomemAfterChangingWhatCameBefore() {
        AddressSpace as = fresh();
        long a = as.mmap(0x10000000L, 2 * PAGE, RW, ANON, -1, 0);
        as.mmap(0x10003000L, PAGE, RW, ANON, -1, 0);
        assertThat(as.mprotect(a, 4 * PAGE, PROT_READ)).isEqualTo(-ENOMEM);
        assertThat(vmaAt(as, a).perms()).isEqualTo("r--p");
        assertThat(vmaAt(as, 0x10003000L).perms()).isEqualTo("rw-p");
    }

    @Test
    void rangeEndingPastTheLastVmaIsEnomemAfterTheChange() {
        AddressSpace as = fresh();
        long a = as.mmap(0x10000000L, 2 * PAGE, RW, ANON, -1, 0);
        assertThat(as.mprotect(a, 3 * PAGE, PROT_READ)).isEqualTo(-ENOMEM);
        assertThat(vmaAt(as, a).perms()).isEqualTo("r--p");
    }

    @Test
    void splitAtTheMapCountLimitFailsWithEnomem() {
        AddressSpace as = new AddressSpace(KernelConfig.builder().maxMapCount(2).build());
        long a = as.mmap(0, 3 * PAGE, RW, ANON, -1, 0);
        assertThat(as.mapCount()).isEqualTo(2);
        assertThat(as.mprotect(a + PAGE, PAGE, PROT_READ)).isEqualTo(-ENOMEM);
        assertThat(as.mprotect(a, PAGE, PROT_READ)).isEqualTo(-ENOMEM);
        assertThat(as.mprotect(a, 3 * PAGE, PROT_READ)).isZero();
    }

    @Test
    void growsDownExtendsTheRangeToTheStackStart() {
        AddressSpace as = fresh();
        VmaView stack = as.vmas().get(as.vmas().size() - 1);
        assertThat(as.mprotect(stack.end() - PAGE, PAGE, RW | PROT_EXEC | PROT_GROWSDOWN))
                .isZero();
        assertThat(vmaAt(as, stack.start()).perms()).isEqualTo("rwxp");
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        assertThat(as.mprotect(a, PAGE, PROT_READ | PROT_GROWSDOWN)).isEqualTo(-EINVAL);
    }

    @Test
    void statsMoveBetweenDataAndExec() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 4 * PAGE, RW, ANON, -1, 0);
        long data = as.stats().dataVm();
        as.mprotect(a, 4 * PAGE, PROT_READ | PROT_EXEC);
        assertThat(as.stats().dataVm()).isEqualTo(data - 4);
        assertThat(as.stats().execVm()).isEqualTo(4);
        as.checkConsistency();
    }
}
