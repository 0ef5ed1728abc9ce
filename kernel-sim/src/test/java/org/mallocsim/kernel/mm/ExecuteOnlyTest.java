package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mallocsim.kernel.Mman.*;

import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.SegmentationFault;
import org.mallocsim.kernel.proc.ProcMaps;
import org.mallocsim.kernel.proc.ProcSmaps;

/** PROT_EXEC alone with and without protection keys (arch/x86/mm/pkeys.c, arch/x86/mm/fault.c). */
class ExecuteOnlyTest {
    private static final long PAGE = 4096;
    private static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS;

    private static AddressSpace withPku(boolean pku) {
        return new AddressSpace(KernelConfig.builder().pku(pku).build());
    }

    @Test
    void withPkuLoadsAndStoresOfExecuteOnlyMemoryFaultWithTheExecuteOnlyKey() {
        AddressSpace as = withPku(true);
        long x = as.mmap(0, 2 * PAGE, PROT_EXEC, ANON, -1, 0);
        SegmentationFault load = catchThrowableOfType(() -> as.load64(x), SegmentationFault.class);
        assertThat(load.code()).isEqualTo(SegmentationFault.SEGV_PKUERR);
        assertThat(load.pkey()).isEqualTo(1);
        assertThat(load.straceLine())
                .isEqualTo("--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_PKUERR, si_addr=0x" + Long.toHexString(x)
                        + ", si_pkey=1} ---");
        SegmentationFault store = catchThrowableOfType(() -> as.store8(x + PAGE, 1), SegmentationFault.class);
        assertThat(store.code()).isEqualTo(SegmentationFault.SEGV_PKUERR);
        assertThat(ProcMaps.of(as)).contains(Long.toHexString(x) + "-" + Long.toHexString(x + 2 * PAGE) + " --xp");
        assertThat(ProcSmaps.of(as))
                .contains("ProtectionKey:         1\nVmFlags: ex mr mw me \n")
                .contains("ProtectionKey:         0\n");
        assertThat(as.mprotect(x, PAGE, PROT_READ | PROT_EXEC)).isZero();
        assertThat(as.load64(x)).isZero();
        assertThat(as.mprotect(x + PAGE, PAGE, PROT_READ | PROT_EXEC)).isZero();
        assertThat(as.vmas())
                .filteredOn(v -> v.start() == x)
                .singleElement()
                .satisfies(v ->
                        assertThat(v.end()).as("key 0 again: the halves merge").isEqualTo(x + 2 * PAGE));
    }

    @Test
    void withPkuAPresentPageTurnedExecuteOnlyFaultsInTheMmu() {
        AddressSpace as = withPku(true);
        long w = as.mmap(0, PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0);
        as.store64(w, 5);
        assertThat(as.mprotect(w, PAGE, PROT_EXEC)).isZero();
        SegmentationFault f = catchThrowableOfType(() -> as.load64(w), SegmentationFault.class);
        assertThat(f.code()).isEqualTo(SegmentationFault.SEGV_PKUERR);
        assertThat(as.mprotect(w, PAGE, PROT_READ)).isZero();
        assertThat(as.load64(w)).isEqualTo(5);
    }

    @Test
    void withoutPkuExecImpliesReadAndSmapsHasNoProtectionKey() {
        AddressSpace as = withPku(false);
        long x = as.mmap(0, PAGE, PROT_EXEC, ANON, -1, 0);
        assertThat(as.load64(x)).isZero();
        SegmentationFault store = catchThrowableOfType(() -> as.store8(x, 1), SegmentationFault.class);
        assertThat(store.code()).isEqualTo(SegmentationFault.SEGV_ACCERR);
        assertThat(ProcSmaps.of(as)).doesNotContain("ProtectionKey:");
    }
}
