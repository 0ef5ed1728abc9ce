package org.mallocsim.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mallocsim.kernel.Mman.*;
import static org.mallocsim.kernel.mm.Spaces.*;

import org.junit.jupiter.api.Test;
import org.mallocsim.kernel.OutOfMemoryKill;
import org.mallocsim.kernel.SegmentationFault;

class AnonFaultTest {

    @Test
    void readOfUntouchedMemoryMapsTheZeroPageWithoutRss() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 4 * PAGE, RW, ANON, -1, 0);
        assertThat(as.load64(a + 8)).isZero();
        assertThat(as.stats().rssAnon()).isZero();
        assertThat(as.stats().minorFaults()).isEqualTo(1);
        assertThat(as.pageStats(a, a + 4 * PAGE).rss()).isZero();
        // the zero page leaves anon_vma unset, so an RW neighbour still merges
        as.mmap(0, PAGE, RW, ANON, -1, 0);
        assertThat(vmaAt(as, a).start()).isEqualTo(a - PAGE);
        as.checkConsistency();
    }

    @Test
    void writeAllocatesAZeroedFrame() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 4 * PAGE, RW, ANON, -1, 0);
        as.store64(a + PAGE + 16, 0x1122334455667788L);
        assertThat(as.load64(a + PAGE + 16)).isEqualTo(0x1122334455667788L);
        assertThat(as.load64(a + PAGE + 24)).isZero();
        MmStats s = as.stats();
        assertThat(s.rssAnon()).isEqualTo(1);
        assertThat(s.minorFaults()).isEqualTo(1);
        PageStats p = as.pageStats(a, a + 4 * PAGE);
        assertThat(p.rss()).isEqualTo(1);
        assertThat(p.anonymous()).isEqualTo(1);
        assertThat(p.privateDirty()).isEqualTo(1);
        as.checkConsistency();
    }

    @Test
    void writeAfterAZeroPageReadCopiesToAFreshFrame() {
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        assertThat(as.load8(a)).isZero();
        as.store8(a, 7);
        assertThat(as.load8(a)).isEqualTo(7);
        assertThat(as.stats().rssAnon()).isEqualTo(1);
        assertThat(as.stats().minorFaults()).isEqualTo(2);
        // the zero page itself stays zero
        long b = as.mmap(0, PAGE, RW, ANON | MAP_NORESERVE, -1, 0);
        assertThat(as.load8(b)).isZero();
        as.checkConsistency();
    }

    @Test
    void accessWithoutAMappingIsMaperrAtTheExactAddress() {
        AddressSpace as = fresh();
        assertThatThrownBy(() -> as.load32(0x10000123L)).isInstanceOfSatisfying(SegmentationFault.class, e -> {
            assertThat(e.code()).isEqualTo(SegmentationFault.SEGV_MAPERR);
            assertThat(e.address()).isEqualTo(0x10000123L);
        });
    }

    @Test
    void writeToReadOnlyAndAnyAccessToProtNoneAreAccerr() {
        AddressSpace as = fresh();
        long r = as.mmap(0, PAGE, PROT_READ, ANON, -1, 0);
        long n = as.mmap(0, PAGE, PROT_NONE, ANON, -1, 0);
        long w = as.mmap(0, PAGE, PROT_WRITE, ANON, -1, 0);
        assertThat(as.load8(r)).isZero();
        assertThatThrownBy(() -> as.store8(r + 5, 1)).isInstanceOfSatisfying(SegmentationFault.class, e -> {
            assertThat(e.code()).isEqualTo(SegmentationFault.SEGV_ACCERR);
            assertThat(e.address()).isEqualTo(r + 5);
        });
        assertThatThrownBy(() -> as.load8(n))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, e -> assertThat(e.code()).isEqualTo(SegmentationFault.SEGV_ACCERR));
        // a write-only mapping is readable on x86
        assertThat(as.load8(w)).isZero();
        as.checkConsistency();
    }

    @Test
    void mprotectReadOnlyThenWriteFaultsAndBackToWritableKeepsTheData() {
        // mprotect03 and the wp_page_reuse path
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, RW, ANON, -1, 0);
        as.store32(a, 42);
        as.mprotect(a, PAGE, PROT_READ);
        assertThatThrownBy(() -> as.store32(a, 1)).isInstanceOf(SegmentationFault.class);
        assertThat(as.load32(a)).isEqualTo(42);
        as.mprotect(a, PAGE, PROT_NONE);
        assertThatThrownBy(() -> as.load32(a)).isInstanceOf(SegmentationFault.class);
        as.mprotect(a, PAGE, RW);
        as.store32(a + 4, 43);
        assertThat(as.load32(a)).isEqualTo(42);
        assertThat(as.stats().rssAnon()).isEqualTo(1);
        as.checkConsistency();
    }

    @Test
    void munmapFreesFramesAndPageTables() {
        AddressSpace as = fresh();
        long a = as.mmap(0x10000000L, 64 * PAGE, RW, ANON, -1, 0);
        as.load8(a);
        long idle = as.stats().framesInUse();
        for (int i = 0; i < 64; i++) {
            as.store8(a + i * PAGE, i);
        }
        assertThat(as.stats().rssAnon()).isEqualTo(64);
        as.munmap(a, 64 * PAGE);
        assertThat(as.stats().rssAnon()).isZero();
        assertThat(as.stats().pageTableBytes()).isZero();
        assertThat(as.stats().framesInUse()).isLessThan(idle);
        assertThat(as.stats().hiwaterRss()).isEqualTo(64);
        assertThatThrownBy(() -> as.load8(a)).isInstanceOf(SegmentationFault.class);
        as.checkConsistency();
    }

    @Test
    void dontneedMakesReadsReturnZeros() {
        // madvise03
        AddressSpace as = fresh();
        long a = as.mmap(0, 2 * PAGE, RW, ANON, -1, 0);
        as.store64(a, -1L);
        as.store64(a + PAGE, -1L);
        assertThat(as.madvise(a, 2 * PAGE, MADV_DONTNEED)).isZero();
        assertThat(as.load64(a)).isZero();
        assertThat(as.stats().rssAnon()).isZero();
        as.checkConsistency();
    }

    @Test
    void sharedAnonymousMemoryKeepsItsDataAcrossDontneed() {
        AddressSpace as = fresh();
        long s = as.mmap(0, 2 * PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        assertThat(as.load8(s)).isZero();
        assertThat(as.stats().rssShmem()).isEqualTo(1);
        as.store64(s, 99);
        assertThat(as.madvise(s, 2 * PAGE, MADV_DONTNEED)).isZero();
        assertThat(as.stats().rssShmem()).isZero();
        assertThat(as.load64(s)).isEqualTo(99);
        as.checkConsistency();
        as.munmap(s, 2 * PAGE);
        as.checkConsistency();
    }

    @Test
    void madvFreeCountsLazyFreeUntilWrittenAgain() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 2 * PAGE, RW, ANON, -1, 0);
        as.store8(a, 1);
        as.store8(a + PAGE, 2);
        assertThat(as.madvise(a, 2 * PAGE, MADV_FREE)).isZero();
        assertThat(as.pageStats(a, a + 2 * PAGE).lazyFree()).isEqualTo(2);
        assertThat(as.stats().rssAnon()).isEqualTo(2);
        as.store8(a, 3);
        assertThat(as.pageStats(a, a + 2 * PAGE).lazyFree()).isEqualTo(1);
        as.checkConsistency();
    }

    @Test
    void stackGrowsDownOnAFaultBelowItAndStopsAtTheRlimit() {
        AddressSpace as = fresh();
        VmaView stack = vmaAt(as, 0x7ffffffff000L - PAGE);
        long below = stack.start() - 10 * PAGE;
        as.store64(below, 5);
        assertThat(vmaAt(as, below).start()).isEqualTo(below);
        assertThat(vmaAt(as, below).name()).isEqualTo("[stack]");
        assertThat(as.stats().stackVm()).isEqualTo((0x7ffffffff000L - below) / PAGE);
        long tooFar = 0x7ffffffff000L - (8L << 20) - PAGE;
        assertThatThrownBy(() -> as.store64(tooFar, 1))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, e -> assertThat(e.code()).isEqualTo(SegmentationFault.SEGV_MAPERR));
        as.checkConsistency();
    }

    @Test
    void stackGuardGapBlocksGrowthTowardsAMapping() {
        AddressSpace as = fresh();
        VmaView stack = vmaAt(as, 0x7ffffffff000L - PAGE);
        long blocker = stack.start() - (1L << 20);
        assertThat(as.mmap(blocker, PAGE, RW, ANON | MAP_FIXED, -1, 0)).isEqualTo(blocker);
        assertThatThrownBy(() -> as.store8(stack.start() - PAGE, 1)).isInstanceOf(SegmentationFault.class);
    }

    @Test
    void outOfMemoryIsReportedCleanlyWithoutLeaks() {
        AddressSpace as = new AddressSpace(
                KernelConfig.builder().ramBytes(64 * PAGE).overcommitMemory(1).build());
        long a = as.mmap(0, 128 * PAGE, RW, ANON, -1, 0);
        int i = 0;
        try {
            for (; i < 128; i++) {
                as.store8(a + i * PAGE, 1);
            }
        } catch (OutOfMemoryKill e) {
            assertThat(e.address()).isEqualTo(a + i * PAGE);
        }
        assertThat(i).isLessThan(128);
        as.checkConsistency();
        long used = as.stats().framesInUse();
        as.munmap(a, 128 * PAGE);
        as.checkConsistency();
        assertThat(as.stats().framesInUse()).isLessThan(used);
    }

    @Test
    void populateFaultsEveryPageAtMmapTime() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 8 * PAGE, RW, ANON | MAP_POPULATE, -1, 0);
        assertThat(as.stats().rssAnon()).isEqualTo(8);
        long r = as.mmap(0, 8 * PAGE, PROT_READ, ANON | MAP_POPULATE, -1, 0);
        assertThat(as.stats().rssAnon()).isEqualTo(8);
        assertThat(as.madvise(r, 8 * PAGE, MADV_POPULATE_WRITE)).isEqualTo(-org.mallocsim.kernel.Errno.EINVAL);
        assertThat(as.load8(a)).isZero();
        as.checkConsistency();
    }

    @Test
    void mremapMovesPagesWithoutCopying() {
        AddressSpace as = fresh();
        as.mmap(0, PAGE, PROT_READ, ANON, -1, 0);
        long a = as.mmap(0, 2 * PAGE, RW, ANON, -1, 0);
        as.store64(a, 11);
        as.store64(a + PAGE, 12);
        long frames = as.stats().framesInUse();
        long b = as.mremap(a, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE, 0);
        assertThat(b).isNotEqualTo(a);
        assertThat(as.load64(b)).isEqualTo(11);
        assertThat(as.load64(b + PAGE)).isEqualTo(12);
        assertThat(as.stats().rssAnon()).isEqualTo(2);
        assertThatThrownBy(() -> as.load64(a)).isInstanceOf(SegmentationFault.class);
        assertThat(as.stats().framesInUse()).isLessThanOrEqualTo(frames + 3);
        as.checkConsistency();
    }

    @Test
    void guardRegionsFaultUntilRemovedAndSurviveDontneed() {
        // madvise12
        AddressSpace as = fresh();
        long a = as.mmap(0, 4 * PAGE, RW, ANON, -1, 0);
        as.store64(a + 3 * PAGE, 77);
        assertThat(as.madvise(a + PAGE, 2 * PAGE, MADV_GUARD_INSTALL)).isZero();
        assertThat(as.mapCount()).isEqualTo(2);
        assertThatThrownBy(() -> as.load8(a + PAGE + 9)).isInstanceOfSatisfying(SegmentationFault.class, e -> {
            assertThat(e.code()).isEqualTo(SegmentationFault.SEGV_MAPERR);
            assertThat(e.address()).isEqualTo(a + PAGE + 9);
        });
        assertThat(as.madvise(a, 4 * PAGE, MADV_DONTNEED)).isZero();
        assertThatThrownBy(() -> as.store8(a + 2 * PAGE, 1)).isInstanceOf(SegmentationFault.class);
        assertThat(as.madvise(a, 4 * PAGE, MADV_GUARD_REMOVE)).isZero();
        as.store8(a + 2 * PAGE, 1);
        assertThat(as.load8(a + PAGE)).isZero();
        as.checkConsistency();
        as.munmap(a, 4 * PAGE);
        as.checkConsistency();
    }
}
