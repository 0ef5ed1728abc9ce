package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mallocsim.kernel.Errno.*;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import org.junit.jupiter.api.Test;

class MunmapTest {

    @Test
    void invalidArgumentsAreEinval() {
        AddressSpace as = fresh();
        assertThat(as.munmap(0x1001, PAGE)).isEqualTo(-EINVAL);
        assertThat(as.munmap(0x1000, 0)).isEqualTo(-EINVAL);
        assertThat(as.munmap(0x800000000000L, PAGE)).isEqualTo(-EINVAL);
        assertThat(as.munmap(0x7ffffffff000L, 2 * PAGE)).isEqualTo(-EINVAL);
    }

    @Test
    void unmappingNothingSucceeds() {
        AddressSpace as = fresh();
        assertThat(as.munmap(0x10000000L, PAGE)).isZero();
    }

    @Test
    void holesInsideTheRangeAreAllowed() {
        AddressSpace as = fresh();
        long a = as.mmap(0x10000000L, PAGE, RW, ANON, -1, 0);
        long b = as.mmap(0x10002000L, PAGE, RW, ANON, -1, 0);
        assertThat(as.munmap(a, 4 * PAGE)).isZero();
        assertThat(vmaAt(as, a)).isNull();
        assertThat(vmaAt(as, b)).isNull();
        assertThat(as.mapCount()).isEqualTo(1);
    }

    @Test
    void punchingAHoleSplitsTheVmaInTwo() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 5 * PAGE, RW, ANON, -1, 0);
        assertThat(as.munmap(a + 2 * PAGE, PAGE)).isZero();
        assertThat(layout(as))
                .containsExactly(
                        Long.toHexString(a) + "-" + Long.toHexString(a + 2 * PAGE) + " rw-p",
                        Long.toHexString(a + 3 * PAGE) + "-" + Long.toHexString(a + 5 * PAGE) + " rw-p");
        assertThat(as.stats().totalVm()).isEqualTo(0x21 + 4);
        as.checkConsistency();
    }

    @Test
    void unalignedLengthCoversTheWholeLastPage() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 3 * PAGE, RW, ANON, -1, 0);
        assertThat(as.munmap(a, PAGE + 1)).isZero();
        assertThat(vmaAt(as, a + PAGE)).isNull();
        assertThat(vmaAt(as, a + 2 * PAGE)).isNotNull();
    }

    @Test
    void freedSpaceIsReusedByTheNextMmap() {
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        as.mmap(0, PAGE, PROT_READ, ANON, -1, 0);
        as.munmap(a, PAGE);
        assertThat(as.mmap(0, PAGE, RW, ANON, -1, 0)).isEqualTo(a);
    }

    @Test
    void hiwaterVmRemembersThePeak() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 100 * PAGE, RW, ANON, -1, 0);
        long peak = as.stats().totalVm();
        as.munmap(a, 100 * PAGE);
        assertThat(as.stats().hiwaterVm()).isEqualTo(peak);
        assertThat(as.stats().totalVm()).isEqualTo(peak - 100);
    }
}
