package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.Errno.ENOMEM;
import static org.mallocsim.kernel.Mman.*;

import org.junit.jupiter.api.Test;

/** The merge request's outcome is its state, read from the one reusable descriptor (mm/vma.h). */
class VmaMergeStructTest {
    private static final long PAGE = 4096;
    private static final int RW = PROT_READ | PROT_WRITE;
    private static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS;

    @Test
    void aSplitOverMaxMapCountIsErrorNomemAndMadviseReturnsIt() {
        AddressSpace as = new AddressSpace(KernelConfig.builder().maxMapCount(2).build());
        long a = as.mmap(0, 3 * PAGE, RW, ANON, -1, 0);
        assertThat(as.madvise(a + PAGE, PAGE, MADV_DONTFORK)).isEqualTo(-ENOMEM);
        assertThat(as.mm().vmg.state).isEqualTo(VmaMergeStruct.State.ERROR_NOMEM);
        assertThat(as.mm().vmg.errno()).isEqualTo(-ENOMEM);
        assertThat(as.mprotect(a + PAGE, PAGE, PROT_READ)).isEqualTo(-ENOMEM);
        assertThat(as.mm().vmg.nomem()).isTrue();
    }

    @Test
    void aModifyThatMergesIsSuccessWithTheCoveringVmaAsTarget() {
        AddressSpace as = new AddressSpace(KernelConfig.defaults());
        long a = as.mmap(0, 2 * PAGE, RW, ANON, -1, 0);
        assertThat(as.mprotect(a, PAGE, PROT_READ)).isZero();
        assertThat(as.mm().vmg.state).as("a split, no merge").isEqualTo(VmaMergeStruct.State.NOMERGE);
        assertThat(as.mprotect(a, PAGE, RW)).isZero();
        assertThat(as.mm().vmg.state).isEqualTo(VmaMergeStruct.State.SUCCESS);
        assertThat(as.mm().vmg.target.start()).isEqualTo(a);
        assertThat(as.mm().vmg.target.end()).isEqualTo(a + 2 * PAGE);
    }

    @Test
    void aNewRangeNextToACompatibleVmaMergesIntoIt() {
        AddressSpace as = new AddressSpace(KernelConfig.defaults());
        long a = as.mmap(0x10000000L, PAGE, RW, ANON | MAP_FIXED, -1, 0);
        as.mmap(a + PAGE, PAGE, RW, ANON | MAP_FIXED, -1, 0);
        assertThat(as.mm().vmg.state).isEqualTo(VmaMergeStruct.State.SUCCESS);
        assertThat(as.mm().vmg.target.end()).isEqualTo(a + 2 * PAGE);
    }
}
