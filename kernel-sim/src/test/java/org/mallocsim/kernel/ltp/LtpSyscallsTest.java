package org.mallocsim.kernel.ltp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mallocsim.kernel.Mman.MAP_ANONYMOUS;
import static org.mallocsim.kernel.Mman.MAP_FIXED;
import static org.mallocsim.kernel.Mman.MAP_FIXED_NOREPLACE;
import static org.mallocsim.kernel.Mman.MAP_PRIVATE;
import static org.mallocsim.kernel.Mman.MAP_SHARED;
import static org.mallocsim.kernel.Mman.PROT_EXEC;
import static org.mallocsim.kernel.Mman.PROT_NONE;
import static org.mallocsim.kernel.Mman.PROT_READ;
import static org.mallocsim.kernel.Mman.PROT_WRITE;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.Mman;
import org.mallocsim.kernel.SegmentationFault;
import org.mallocsim.kernel.mm.AddressSpace;
import org.mallocsim.kernel.mm.KernelConfig;
import org.mallocsim.kernel.mm.VmaView;

/**
 * Ports of LTP's syscall tests (linux-test-project/ltp, testcases/kernel/syscalls/) that apply to
 * anonymous memory: each case's sequence of calls and the result or errno LTP expects, run on
 * the emulated kernel, with SIGSEGV as {@link SegmentationFault}.
 */
class LtpSyscallsTest {
    private static final long PAGE = 4096;
    private static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS;

    private static AddressSpace fresh() {
        return new AddressSpace(KernelConfig.defaults());
    }

    private static VmaView vmaAt(AddressSpace as, long addr) {
        return as.vmas().stream()
                .filter(v -> v.start() <= addr && addr < v.end())
                .findFirst()
                .orElse(null);
    }

    /** brk01: the break moves to exactly the (unaligned) address asked for, and back. */
    @Nested
    class Brk01 {
        @Test
        void thirtyThreeRoundsOfUnalignedGrowAndShrinkKeepTheExactBreak() {
            AddressSpace as = fresh();
            long cur = as.brk(0);
            for (int round = 0; round < 33; round++) {
                long grown = cur + 2 * PAGE - 1;
                assertThat(as.brk(grown)).isEqualTo(grown);
                as.store8(grown - 1, round);
                assertThat(as.load8(grown - 1)).isEqualTo(round);
                assertThat(as.brk(cur)).isEqualTo(cur);
                cur = as.brk(0) + round;
                assertThat(as.brk(cur)).isEqualTo(cur);
            }
            as.checkConsistency();
        }
    }

    /** brk02: shrinking the break must unmap a heap that mprotect split in two. */
    @Nested
    class Brk02 {
        @Test
        void shrinkingAcrossAnMprotectSplitHeapUnmapsBothParts() {
            AddressSpace as = fresh();
            long start = as.brk(0);
            assertThat(as.brk(start + 2 * PAGE)).isEqualTo(start + 2 * PAGE);
            assertThat(as.mprotect(start + PAGE, PAGE, PROT_READ)).isZero();
            assertThat(as.brk(start + 3 * PAGE)).isEqualTo(start + 3 * PAGE);
            int before = as.mapCount();
            assertThat(as.brk(start)).isEqualTo(start);
            assertThat(as.mapCount()).isLessThanOrEqualTo(before - 2);
            assertThat(vmaAt(as, start)).isNull();
        }
    }

    /**
     * glibc's {@code sbrk} (misc/sbrk.c over brk.c): the old break, or -1 with ENOMEM when the
     * sum wraps or the kernel leaves the break below the one asked for; returns -errno for -1.
     */
    private static long sbrk(AddressSpace as, long increment) {
        long old = as.brk(0);
        if (increment == 0) {
            return old;
        }
        if (increment > 0
                ? Long.compareUnsigned(old + increment, old) < 0
                : Long.compareUnsigned(old, -increment) < 0) {
            return -Errno.ENOMEM;
        }
        long wanted = old + increment;
        return Long.compareUnsigned(as.brk(wanted), wanted) < 0 ? -Errno.ENOMEM : old;
    }

    /** sbrk01: sbrk(8192) and then sbrk(-8192) succeed, each returning the break before it. */
    @Test
    void sbrk01GrowsAndShrinksByTwoPages() {
        AddressSpace as = fresh();
        long start = as.brk(0);
        assertThat(sbrk(as, 8192)).isEqualTo(start);
        assertThat(as.brk(0)).isEqualTo(start + 8192);
        as.store64(start + 8192 - 8, 1);
        assertThat(sbrk(as, -8192)).isEqualTo(start + 8192);
        assertThat(as.brk(0)).isEqualTo(start);
        assertThat(vmaAt(as, start)).isNull();
    }

    /**
     * sbrk02: growing by 16 MiB, 32 MiB, ... until the first failure, then one more sbrk by the
     * next increment must fail with ENOMEM (here the overcommit heuristic refuses an increment
     * larger than RAM, as Linux's {@code __vm_enough_memory} does).
     */
    @Test
    void sbrk02GrowingUntilRefusedThenFailsWithEnomem() {
        AddressSpace as = fresh();
        long inc = 16L << 20;
        long increment = inc;
        int calls = 0;
        while (sbrk(as, increment) >= 0) {
            increment += inc;
            calls++;
        }
        assertThat(calls).as("some growth succeeded first").isPositive();
        long brk = as.brk(0);
        increment += inc;
        assertThat(sbrk(as, increment)).isEqualTo(-Errno.ENOMEM);
        assertThat(as.brk(0)).as("a refused sbrk leaves the break").isEqualTo(brk);
        as.checkConsistency();
    }

    /**
     * madvise01 on anonymous memory: every advice it lists succeeds on a private mapping, and on a
     * shared one except FREE (private only) and WIPEONFORK (private only); REMOVE is the reverse.
     * Checked on Linux 6.18 with {@code mallocsim shell --native} (cli/src/test/resources/shell/
     * madvise-advice.msh runs the same list as a differential script).
     */
    @ParameterizedTest(name = "madvise01 {0}: private {1}, shared {2}")
    @CsvSource({
        "MADV_NORMAL, 0, 0", "MADV_RANDOM, 0, 0", "MADV_SEQUENTIAL, 0, 0", "MADV_WILLNEED, 0, 0",
        "MADV_DONTNEED, 0, 0", "MADV_FREE, 0, EINVAL", "MADV_REMOVE, EINVAL, 0", "MADV_DONTFORK, 0, 0",
        "MADV_DOFORK, 0, 0", "MADV_MERGEABLE, 0, 0", "MADV_UNMERGEABLE, 0, 0", "MADV_HUGEPAGE, 0, 0",
        "MADV_NOHUGEPAGE, 0, 0", "MADV_DONTDUMP, 0, 0", "MADV_DODUMP, 0, 0", "MADV_WIPEONFORK, 0, EINVAL",
        "MADV_KEEPONFORK, 0, 0", "MADV_COLD, 0, 0", "MADV_PAGEOUT, 0, 0",
    })
    void madvise01EveryAdviceOnAnonymousMemory(String advice, String onPrivate, String onShared) throws Exception {
        int value = Mman.class.getField(advice).getInt(null);
        AddressSpace as = fresh();
        long priv = as.mmap(0, 10 * PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0);
        long shared = as.mmap(0, 10 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        as.store64(priv, 1);
        as.store64(shared, 1);
        assertThat(as.madvise(priv, 10 * PAGE, value)).isEqualTo(expected(onPrivate));
        assertThat(as.madvise(shared, 10 * PAGE, value)).isEqualTo(expected(onShared));
        as.checkConsistency();
    }

    private static int expected(String result) throws ReflectiveOperationException {
        return "0".equals(result) ? 0 : -Errno.class.getField(result).getInt(null);
    }

    /** mmap04: the permissions /proc/self/maps shows for each protection and sharing. */
    @ParameterizedTest(name = "mmap04 prot {0} {1} -> {2}")
    @CsvSource({
        "0, private, ---p",
        "1, private, r--p",
        "2, private, -w-p",
        "3, private, rw-p",
        "5, private, r-xp",
        "6, private, -wxp",
        "7, private, rwxp",
        "0, shared, ---s",
        "1, shared, r--s",
        "2, shared, -w-s",
        "3, shared, rw-s",
        "5, shared, r-xs",
        "6, shared, -wxs",
        "7, shared, rwxs"
    })
    void mmap04PermsOfEachProtectionAndSharing(int prot, String sharing, String perms) {
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, prot, (sharing.equals("shared") ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
        assertThat(a).isPositive();
        assertThat(vmaAt(as, a).perms()).isEqualTo(perms);
    }

    /** mmap05: touching a PROT_NONE mapping raises SIGSEGV. */
    @Test
    void mmap05AccessToProtNoneFaultsWithAccerr() {
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, PROT_NONE, ANON, -1, 0);
        assertThatThrownBy(() -> as.load8(a + 10)).isInstanceOfSatisfying(SegmentationFault.class, f -> {
            assertThat(f.code()).isEqualTo(SegmentationFault.SEGV_ACCERR);
            assertThat(f.address()).isEqualTo(a + 10);
        });
    }

    /** mmap06: EINVAL for a zero length and for flags with no mapping type. */
    @Test
    void mmap06ZeroLengthAndMissingTypeAreInvalid() {
        AddressSpace as = fresh();
        assertThat(as.mmap(0, 0, PROT_READ, ANON, -1, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(as.mmap(0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0)).isEqualTo(-Errno.EINVAL);
    }

    /** mmap15: MAP_FIXED at the last page of the 64-bit space is refused (ENOMEM on x86-64). */
    @Test
    void mmap15FixedMappingAtTheTopOfTheAddressSpaceFails() {
        AddressSpace as = fresh();
        assertThat(as.mmap(-PAGE, PAGE, PROT_READ, ANON | MAP_FIXED, -1, 0)).isEqualTo(-Errno.ENOMEM);
    }

    /** mmap17: MAP_FIXED_NOREPLACE over an existing mapping gives EEXIST and leaves it alone. */
    @Test
    void mmap17FixedNoreplaceOverAMappingIsEexist() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0);
        as.store64(a + PAGE, 77);
        assertThat(as.mmap(a + PAGE, PAGE, PROT_READ, ANON | MAP_FIXED_NOREPLACE, -1, 0))
                .isEqualTo(-Errno.EEXIST);
        assertThat(as.load64(a + PAGE)).isEqualTo(77);
    }

    /** munmap01/03: access after munmap faults; bad arguments are EINVAL. */
    @Test
    void munmap01And03UnmappedMemoryFaultsAndBadArgumentsAreInvalid() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0);
        assertThat(as.munmap(a, PAGE)).isZero();
        assertThatThrownBy(() -> as.load8(a))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, f -> assertThat(f.code()).isEqualTo(SegmentationFault.SEGV_MAPERR));
        assertThat(as.munmap(a + PAGE, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(as.munmap(a + 1, PAGE)).isEqualTo(-Errno.EINVAL);
        assertThat(as.munmap(0x800000000000L, PAGE)).isEqualTo(-Errno.EINVAL);
    }

    /**
     * munmap04 and mem/tunable/max_map_count: three-page mappings two pages apart until mmap fails
     * (at map_count = max + 1); then punching a hole (one more VMA) is ENOMEM.
     */
    @ParameterizedTest(name = "munmap04 with vm.max_map_count {0}")
    @CsvSource({"1000", "65530"})
    void munmap04HolePunchAtTheMapCountLimitIsEnomem(int max) {
        AddressSpace as =
                new AddressSpace(KernelConfig.builder().maxMapCount(max).build());
        long first = 0x10000000L;
        long addr = first;
        long r;
        while ((r = as.mmap(addr, 3 * PAGE, PROT_READ, ANON | MAP_FIXED_NOREPLACE, -1, 0)) == addr) {
            addr += 5 * PAGE;
        }
        assertThat(r).isEqualTo(-Errno.ENOMEM);
        assertThat(as.mapCount()).isEqualTo(max + 1);
        assertThat(as.munmap(first + PAGE, PAGE)).isEqualTo(-Errno.ENOMEM);
        assertThat(as.munmap(first, PAGE)).isZero();
    }

    /** mprotect01-04: errnos, and faults after taking write or all access away. */
    @Test
    void mprotect01To04ErrnosAndFaults() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0);
        assertThat(as.mprotect(a + 1, PAGE, PROT_READ)).isEqualTo(-Errno.EINVAL);
        assertThat(as.mprotect(0x10000000L, PAGE + 1, PROT_READ)).isEqualTo(-Errno.ENOMEM);
        assertThat(as.mprotect(a, PAGE, PROT_READ)).isZero();
        assertThatThrownBy(() -> as.store8(a, 1))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, f -> assertThat(f.code()).isEqualTo(SegmentationFault.SEGV_ACCERR));
        assertThat(as.mprotect(a, PAGE, PROT_READ | PROT_WRITE)).isZero();
        as.store8(a, 1);
        assertThat(as.mprotect(a, PAGE, PROT_NONE)).isZero();
        assertThatThrownBy(() -> as.load8(a)).isInstanceOf(SegmentationFault.class);
    }

    /** mremap02/03/05: unaligned old address, a range past the VMA, and the MREMAP_FIXED rules. */
    @Test
    void mremap02To05ErrnosAndFixedMoves() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0);
        as.store64(a, 0x55);
        assertThat(as.mremap(a + 1, PAGE, 2 * PAGE, Mman.MREMAP_MAYMOVE, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(as.mremap(a, 1000 * PAGE, 1001 * PAGE, Mman.MREMAP_MAYMOVE, 0))
                .isEqualTo(-Errno.EFAULT);
        long target = 0x30000000L;
        assertThat(as.mremap(a, PAGE, PAGE, Mman.MREMAP_FIXED, target)).isEqualTo(-Errno.EINVAL);
        assertThat(as.mremap(a, PAGE, PAGE, Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED, target + 1))
                .isEqualTo(-Errno.EINVAL);
        assertThat(as.mremap(a, 2 * PAGE, 2 * PAGE, Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED, a + PAGE))
                .isEqualTo(-Errno.EINVAL);
        assertThat(as.mmap(target, PAGE, PROT_READ, ANON | MAP_FIXED, -1, 0)).isEqualTo(target);
        assertThat(as.mremap(a, 2 * PAGE, 2 * PAGE, Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED, target))
                .isEqualTo(target);
        assertThat(as.load64(target)).isEqualTo(0x55);
        assertThat(vmaAt(as, target).perms()).isEqualTo("rw-p");
        assertThat(vmaAt(as, a)).isNull();
    }

    /** madvise02/03: EINVAL for bad arguments, ENOMEM for a hole after the rest is done, DONTNEED zeros. */
    @Test
    void madvise02And03ErrnosAndDontneedZeros() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0);
        as.store64(a, 9);
        as.store64(a + 2 * PAGE, 9);
        assertThat(as.madvise(a + 1, PAGE, Mman.MADV_NORMAL)).isEqualTo(-Errno.EINVAL);
        assertThat(as.madvise(a, PAGE, 1212)).isEqualTo(-Errno.EINVAL);
        assertThat(as.munmap(a + 3 * PAGE, PAGE)).isZero();
        assertThat(as.madvise(a, 4 * PAGE, Mman.MADV_DONTNEED)).isEqualTo(-Errno.ENOMEM);
        assertThat(as.load64(a)).isZero();
        assertThat(as.load64(a + 2 * PAGE)).isZero();
        assertThat(as.madvise(a, 0, Mman.MADV_WIPEONFORK)).isZero();
    }

    /** madvise05: WILLNEED on a populated PROT_NONE mapping succeeds (an old oops regression). */
    @Test
    void madvise05WillneedOnAPopulatedProtNoneMapping() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 4 * PAGE, PROT_NONE, ANON | Mman.MAP_POPULATE, -1, 0);
        assertThat(as.madvise(a, 4 * PAGE, Mman.MADV_WILLNEED)).isZero();
        as.checkConsistency();
    }

    /** madvise12: a guard page faults, its neighbours keep their data, and removing it gives zeros. */
    @Test
    void madvise12GuardInstallFaultsAndGuardRemoveRestoresAccess() {
        AddressSpace as = fresh();
        long a = as.mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0);
        for (int i = 0; i < 3; i++) {
            as.store64(a + i * PAGE, i + 1);
        }
        assertThat(as.madvise(a + PAGE, PAGE, Mman.MADV_GUARD_INSTALL)).isZero();
        assertThatThrownBy(() -> as.load64(a + PAGE))
                .isInstanceOfSatisfying(
                        SegmentationFault.class, e -> assertThat(e.address()).isEqualTo(a + PAGE));
        assertThat(as.load64(a)).isEqualTo(1);
        assertThat(as.load64(a + 2 * PAGE)).isEqualTo(3);
        assertThat(as.madvise(a + PAGE, PAGE, Mman.MADV_GUARD_REMOVE)).isZero();
        assertThat(as.load64(a + PAGE)).isZero();
        as.checkConsistency();
    }

    /**
     * mmap18: a MAP_GROWSDOWN mapping at the top of a reserved range grows when pages below it are
     * touched; with a page mapped within stack_guard_gap of it, the first touch below faults.
     */
    @ParameterizedTest(name = "mmap18 with a blocker {0}")
    @CsvSource({"false", "true"})
    void mmap18GrowsDownUnlessAMappingSitsInTheGuardGap(boolean blocker) {
        AddressSpace as = fresh();
        long stackSize = 32 * PAGE;
        long mapped = 4 * PAGE;
        long reserved = 256 * PAGE + stackSize;
        long start = as.mmap(0, reserved, PROT_READ | PROT_WRITE, ANON, -1, 0);
        assertThat(as.munmap(start, reserved)).isZero();
        long top = start + reserved;
        long bottom = top - stackSize;
        assertThat(as.mmap(top - mapped, mapped, PROT_READ | PROT_WRITE, ANON | MAP_FIXED | Mman.MAP_GROWSDOWN, -1, 0))
                .isEqualTo(top - mapped);
        if (blocker) {
            assertThat(as.mmap(bottom, PAGE, PROT_READ | PROT_WRITE, ANON | MAP_FIXED, -1, 0))
                    .isEqualTo(bottom);
            assertThatThrownBy(() -> as.store8(top - mapped - PAGE, 1))
                    .isInstanceOfSatisfying(SegmentationFault.class, e -> {
                        assertThat(e.address()).isEqualTo(top - mapped - PAGE);
                        assertThat(e.code()).isEqualTo(SegmentationFault.SEGV_MAPERR);
                    });
        } else {
            for (long a = top - mapped - PAGE; a >= bottom + PAGE; a -= PAGE) {
                as.store8(a, 1);
            }
            assertThat(vmaAt(as, bottom + PAGE).start()).isEqualTo(bottom + PAGE);
            assertThat(vmaAt(as, bottom + PAGE).end()).isEqualTo(top);
        }
        as.checkConsistency();
    }

    /** mmap with PROT_EXEC alone is still readable on x86 (no execute-only pages without pkeys). */
    @Test
    void execOnlyMappingIsReadableOnX86() {
        AddressSpace as = fresh();
        long a = as.mmap(0, PAGE, PROT_EXEC, ANON, -1, 0);
        assertThat(as.load8(a)).isZero();
    }
}
