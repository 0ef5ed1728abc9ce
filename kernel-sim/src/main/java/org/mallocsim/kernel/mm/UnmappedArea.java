package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;

import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.Mman;

/**
 * Where a new mapping goes: {@code __get_unmapped_area} (mm/mmap.c) with the x86-64
 * {@code arch_get_unmapped_area_topdown} / {@code arch_get_unmapped_area}
 * (arch/x86/kernel/sys_x86_64.c) and {@code thp_get_unmapped_area} (mm/huge_memory.c), which on
 * Linux 6.18 2 MiB-aligns private anonymous requests without a hint whose length is a multiple
 * of 2 MiB (checked against the real kernel: a 2 MiB or 4 MiB anonymous mmap comes back 2 MiB
 * aligned and directly below the previous mapping's aligned boundary; shared anonymous memory and
 * other lengths are not aligned).
 */
final class UnmappedArea {
    private UnmappedArea() {}

    /** {@code __get_unmapped_area}: an address, or -errno. */
    static long getUnmappedArea(Mm mm, long addr, long len, int flags, boolean anonShared) {
        if (Long.compareUnsigned(len, Mm.TASK_SIZE) > 0) {
            return -Errno.ENOMEM;
        }
        long a;
        if (!anonShared
                && mm.config.thpAlign()
                && addr == 0
                && (len & (PMD_SIZE - 1)) == 0
                && (flags & Mman.MAP_FIXED) == 0) {
            a = thpGetUnmappedArea(mm, len, flags);
            if (a == 0) {
                a = archGetUnmappedArea(mm, addr, len, flags);
            }
        } else {
            a = archGetUnmappedArea(mm, addr, len, flags);
        }
        if (Errno.isErrValue(a)) {
            return a;
        }
        if (Long.compareUnsigned(a, Mm.TASK_SIZE - len) > 0) {
            return -Errno.ENOMEM;
        }
        if ((a & ~PAGE_MASK) != 0) {
            return -Errno.EINVAL;
        }
        if (Long.compareUnsigned(a, mm.config.mmapMinAddr()) < 0) {
            return -Errno.EPERM;
        }
        return a;
    }

    /** {@code __thp_get_unmapped_area} for anonymous memory (offset 0); 0 when the padded search fails. */
    private static long thpGetUnmappedArea(Mm mm, long len, int flags) {
        long size = PMD_SIZE;
        long lenPad = len + size;
        if (lenPad < len) {
            return 0;
        }
        long ret = archGetUnmappedArea(mm, 0, lenPad, flags);
        if (Errno.isErrValue(ret)) {
            return 0;
        }
        long offSub = (-ret) & (size - 1);
        if (mm.topdown && offSub == 0) {
            return ret + size;
        }
        return ret + offSub;
    }

    /** {@code arch_get_unmapped_area_topdown}, or the bottom-up one under the legacy layout. */
    static long archGetUnmappedArea(Mm mm, long addr, long len, int flags) {
        if (Long.compareUnsigned(len, Mm.TASK_SIZE) > 0) {
            return -Errno.ENOMEM;
        }
        if ((flags & Mman.MAP_FIXED) != 0) {
            return addr;
        }
        if (!mm.topdown || (flags & Mman.MAP_32BIT) != 0) {
            return bottomUp(mm, addr, len, flags);
        }
        if (addr != 0) {
            addr &= PAGE_MASK;
            if (hintValid(mm, addr, len)) {
                return addr;
            }
        }
        long low = Math.max(PAGE_SIZE, mm.config.mmapMinAddr());
        long a = unmappedAreaTopdown(mm, len, low, mm.mmapBase);
        if (a != -1) {
            return a;
        }
        return bottomUp(mm, 0, len, flags);
    }

    /**
     * {@code unmapped_area_topdown} (mm/vma.c) with Linux's retry rule: take the highest gap that
     * fits; if the VMA above it grows down and its guard gap reaches into the gap, lower the limit to
     * that VMA's start gap and search again. Gaps between the new limit and that VMA are skipped even
     * when they would fit (checked against Linux 6.18 in the differential tests).
     */
    static long unmappedAreaTopdown(Mm mm, long len, long low, long high) {
        long guard = mm.config.stackGuardGap();
        while (Long.compareUnsigned(high, len) >= 0) {
            long a = mm.tree.unmappedAreaTopdown(len, low, high, 0, 0);
            if (a == -1) {
                return -1;
            }
            Vma next = mm.tree.find(a);
            long gapEnd = next == null ? high : Math.min(next.start, high);
            if (next != null && (next.flags & VmFlags.VM_GROWSDOWN) != 0) {
                long startGap = VmaTree.startGap(next, guard);
                if (Long.compareUnsigned(startGap, gapEnd) < 0) {
                    high = startGap;
                    continue;
                }
            }
            return a;
        }
        return -1;
    }

    /** {@code unmapped_area}: the lowest gap that fits; past a grows-down VMA whose guard gap intrudes. */
    static long unmappedArea(Mm mm, long len, long low, long high) {
        long guard = mm.config.stackGuardGap();
        while (true) {
            long a = mm.tree.unmappedArea(len, low, high, 0, 0);
            if (a == -1) {
                return -1;
            }
            Vma next = mm.tree.find(a);
            if (next != null
                    && (next.flags & VmFlags.VM_GROWSDOWN) != 0
                    && Long.compareUnsigned(VmaTree.startGap(next, guard), a + len - 1) < 0) {
                low = next.end;
                continue;
            }
            return a;
        }
    }

    /** {@code mmap_address_hint_valid} plus the check that the range is free up to the next VMA's start gap. */
    private static boolean hintValid(Mm mm, long addr, long len) {
        if (Long.compareUnsigned(Mm.TASK_SIZE - len, addr) < 0) {
            return false;
        }
        Vma next = mm.tree.find(addr);
        return next == null || Long.compareUnsigned(addr + len, VmaTree.startGap(next, mm.config.stackGuardGap())) <= 0;
    }

    /** {@code arch_get_unmapped_area} (bottom-up from {@code mmap_legacy_base}; MAP_32BIT in [1 GiB, 2 GiB)). */
    private static long bottomUp(Mm mm, long addr, long len, int flags) {
        long begin = mm.mmapLegacyBase;
        long end = Mm.TASK_SIZE;
        if ((flags & Mman.MAP_32BIT) != 0) {
            begin = 0x40000000L;
            end = 0x80000000L;
        }
        if (len > end) {
            return -Errno.ENOMEM;
        }
        if (addr != 0) {
            addr = pageAlign(addr);
            if (Long.compareUnsigned(end - len, addr) >= 0
                    && addr >= mm.config.mmapMinAddr()
                    && hintValid(mm, addr, len)) {
                return addr;
            }
        }
        long a = unmappedArea(mm, len, begin, end);
        return a == -1 ? -Errno.ENOMEM : a;
    }
}
