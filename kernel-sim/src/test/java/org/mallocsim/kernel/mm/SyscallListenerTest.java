package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyscallListenerTest {

    @Test
    void theListenerSeesEachSyscallWithItsArgumentsAndResultUntilRemoved() {
        AddressSpace as = fresh();
        List<String> seen = new ArrayList<>();
        as.syscallListener((kind, a0, a1, a2, a3, a4, a5, r) -> seen.add(
                kind + " " + Long.toHexString(a0) + " " + a1 + " " + a2 + " " + a3 + " " + a4 + " " + a5 + " = " + r));
        long b = as.brk(0);
        long m = as.mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        as.mprotect(m, PAGE, PROT_READ);
        as.madvise(m, PAGE, MADV_DONTNEED);
        as.mremap(m, 2 * PAGE, PAGE, 0, 0);
        as.munmap(m, 3); // a length is rounded up to the page
        as.munmap(m + 1, PAGE);
        as.syscallListener(null);
        as.brk(b + PAGE);
        assertThat(seen)
                .containsExactly(
                        "BRK 0 0 0 0 0 0 = " + b,
                        "MMAP 0 8192 3 34 -1 0 = " + m,
                        "MPROTECT " + Long.toHexString(m) + " 4096 1 0 0 0 = 0",
                        "MADVISE " + Long.toHexString(m) + " 4096 4 0 0 0 = 0",
                        "MREMAP " + Long.toHexString(m) + " 8192 4096 0 0 0 = " + m,
                        "MUNMAP " + Long.toHexString(m) + " 3 0 0 0 0 = 0",
                        "MUNMAP " + Long.toHexString(m + 1) + " 4096 0 0 0 0 = -22");
    }
}
