package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.Errno.*;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import org.junit.jupiter.api.Test;

/** vm.max_map_count boundaries: mmap checks {@code > max}, splits {@code >= max} (LTP max_map_count, munmap04). */
class MapCountTest {

    /** Alternating protections so that neighbours never merge: one VMA per call. */
    private static void fillTo(AddressSpace as, int count) {
        int i = 0;
        while (as.mapCount() < count) {
            long r = as.mmap(0, PAGE, (i++ & 1) == 0 ? PROT_READ : RW, ANON | MAP_NORESERVE, -1, 0);
            assertThat(r).isPositive();
        }
    }

    @Test
    void mmapSucceedsUpToMaxPlusOneVmas() {
        AddressSpace as = fresh();
        fillTo(as, 65531);
        assertThat(as.mapCount()).isEqualTo(65531);
        assertThat(as.mmap(0, PAGE, PROT_EXEC, ANON, -1, 0)).isEqualTo(-ENOMEM);
        as.checkConsistency();
    }

    @Test
    void punchingAHoleAtTheLimitIsEnomemButTrimmingAnEdgeIsNot() {
        AddressSpace as = fresh();
        long big = as.mmap(0, 3 * PAGE, PROT_READ | PROT_EXEC, ANON, -1, 0);
        fillTo(as, 65530);
        assertThat(as.munmap(big + PAGE, PAGE)).isEqualTo(-ENOMEM);
        assertThat(as.munmap(big, PAGE)).isZero();
        assertThat(as.mapCount()).isEqualTo(65530);
    }

    @Test
    void splitByMprotectAtTheLimitIsEnomem() {
        AddressSpace as = fresh();
        long big = as.mmap(0, 3 * PAGE, PROT_READ | PROT_EXEC, ANON, -1, 0);
        fillTo(as, 65529);
        assertThat(as.mprotect(big + 2 * PAGE, PAGE, PROT_NONE)).isZero();
        assertThat(as.mapCount()).isEqualTo(65530);
        assertThat(as.mprotect(big, PAGE, PROT_NONE)).isEqualTo(-ENOMEM);
    }
}
