package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmFlags.*;

import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.Mman;

/**
 * madvise(2) (mm/madvise.c): validation, then {@code madvise_walk_vmas} over the VMAs of the
 * range; holes are skipped and reported as ENOMEM at the end, a per-VMA error stops the walk.
 *
 * <p>MADV_FREE is modelled as lazy free: present private pages become clean and are flagged
 * lazy-free (smaps {@code LazyFree}); a later write keeps them, and when a fault finds no free
 * frame the clean lazy-free pages are dropped first, as reclaim would, so later reads see zeros.
 */
final class Madvise {
    private Madvise() {}

    /** {@code madvise_behavior_valid} for this emulated kernel (KSM built in as on the reference machine; no hwpoison privileges). */
    static boolean behaviorValid(int advice) {
        return switch (advice) {
            case Mman.MADV_NORMAL,
                    Mman.MADV_RANDOM,
                    Mman.MADV_SEQUENTIAL,
                    Mman.MADV_WILLNEED,
                    Mman.MADV_DONTNEED,
                    Mman.MADV_DONTNEED_LOCKED,
                    Mman.MADV_FREE,
                    Mman.MADV_REMOVE,
                    Mman.MADV_DONTFORK,
                    Mman.MADV_DOFORK,
                    Mman.MADV_DONTDUMP,
                    Mman.MADV_DODUMP,
                    Mman.MADV_WIPEONFORK,
                    Mman.MADV_KEEPONFORK,
                    Mman.MADV_COLD,
                    Mman.MADV_PAGEOUT,
                    Mman.MADV_POPULATE_READ,
                    Mman.MADV_POPULATE_WRITE,
                    Mman.MADV_HUGEPAGE,
                    Mman.MADV_NOHUGEPAGE,
                    Mman.MADV_COLLAPSE,
                    Mman.MADV_MERGEABLE,
                    Mman.MADV_UNMERGEABLE,
                    Mman.MADV_GUARD_INSTALL,
                    Mman.MADV_GUARD_REMOVE -> true;
            default -> false;
        };
    }

    static int doMadvise(Mm mm, long start, long lenIn, int advice) {
        if (!behaviorValid(advice)) {
            return -Errno.EINVAL;
        }
        if ((start & ~PAGE_MASK) != 0) {
            return -Errno.EINVAL;
        }
        long len = pageAlign(lenIn);
        if (lenIn != 0 && len == 0) {
            return -Errno.EINVAL;
        }
        long end = start + len;
        if (Long.compareUnsigned(end, start) < 0) {
            return -Errno.EINVAL;
        }
        if (end == start) {
            return 0;
        }
        if (advice == Mman.MADV_POPULATE_READ || advice == Mman.MADV_POPULATE_WRITE) {
            return madvisePopulate(mm, start, end, advice == Mman.MADV_POPULATE_WRITE);
        }
        // madvise_walk_vmas
        long cur = start;
        int unmapped = 0;
        Vma vma = mm.tree.find(cur);
        while (true) {
            if (vma == null) {
                return -Errno.ENOMEM;
            }
            if (cur < vma.start) {
                unmapped = -Errno.ENOMEM;
                cur = vma.start;
                if (cur >= end) {
                    break;
                }
            }
            long tmp = Math.min(vma.end, end);
            int e = visit(mm, vma, cur, tmp, advice);
            if (e < 0) {
                return e;
            }
            cur = tmp;
            if (cur >= end) {
                break;
            }
            vma = mm.tree.find(cur);
        }
        return unmapped;
    }

    /** {@code madvise_vma_behavior} for [start, end) inside one VMA. */
    private static int visit(Mm mm, Vma vma, long start, long end, int advice) {
        long f = vma.flags;
        switch (advice) {
            case Mman.MADV_WILLNEED -> {
                return 0;
            }
            case Mman.MADV_COLLAPSE -> {
                return collapse(mm, vma, start, end);
            }
            case Mman.MADV_COLD, Mman.MADV_PAGEOUT -> {
                return (f & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB)) != 0 ? -Errno.EINVAL : 0;
            }
            case Mman.MADV_DONTNEED, Mman.MADV_DONTNEED_LOCKED -> {
                if ((advice == Mman.MADV_DONTNEED && (f & VM_LOCKED) != 0) || (f & (VM_PFNMAP | VM_HUGETLB)) != 0) {
                    return -Errno.EINVAL;
                }
                mm.paging.zapKeepingMarkers(mm, vma, start, end);
                mm.paging.reclaimEmptyPteTables(start, end);
                mm.paging.flushRange(start, end);
                return 0;
            }
            case Mman.MADV_GUARD_INSTALL -> {
                if ((f & (VM_SPECIAL | VM_HUGETLB | VM_LOCKED)) != 0) {
                    return -Errno.EINVAL;
                }
                return mm.paging.installGuards(mm, vma, start, end, mm.fault) ? 0 : -Errno.ENOMEM;
            }
            case Mman.MADV_GUARD_REMOVE -> {
                if ((f & (VM_SPECIAL | VM_HUGETLB)) != 0) {
                    return -Errno.EINVAL;
                }
                mm.paging.removeGuards(start, end);
                return 0;
            }
            case Mman.MADV_FREE -> {
                if (!vma.isAnonymous() || (f & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB)) != 0) {
                    return -Errno.EINVAL;
                }
                mm.paging.markLazyFree(start, end);
                return 0;
            }
            case Mman.MADV_REMOVE -> {
                if ((f & VM_LOCKED) != 0 || vma.shmem == null) {
                    return (f & VM_SHARED) == 0 || (f & VM_LOCKED) != 0 ? -Errno.EINVAL : -Errno.EACCES;
                }
                if ((f & VM_WRITE) == 0) {
                    return -Errno.EACCES;
                }
                mm.paging.zapKeepingMarkers(mm, vma, start, end);
                mm.paging.flushRange(start, end);
                mm.paging.punchShmem(vma, start, end);
                return 0;
            }
            default -> {}
        }
        long nf = f;
        switch (advice) {
            case Mman.MADV_NORMAL -> nf &= ~(VM_RAND_READ | VM_SEQ_READ);
            case Mman.MADV_RANDOM -> nf = (nf & ~VM_SEQ_READ) | VM_RAND_READ;
            case Mman.MADV_SEQUENTIAL -> nf = (nf & ~VM_RAND_READ) | VM_SEQ_READ;
            case Mman.MADV_DONTFORK -> nf |= VM_DONTCOPY;
            case Mman.MADV_DOFORK -> {
                if ((f & VM_IO) != 0) {
                    return -Errno.EINVAL;
                }
                nf &= ~VM_DONTCOPY;
            }
            case Mman.MADV_WIPEONFORK -> {
                if (!vma.isAnonymous()) {
                    return -Errno.EINVAL;
                }
                nf |= VM_WIPEONFORK;
            }
            case Mman.MADV_KEEPONFORK -> nf &= ~VM_WIPEONFORK;
            case Mman.MADV_DONTDUMP -> nf |= VM_DONTDUMP;
            case Mman.MADV_DODUMP -> {
                if ((f & VM_SPECIAL) != 0) {
                    return -Errno.EINVAL;
                }
                nf &= ~VM_DONTDUMP;
            }
            case Mman.MADV_HUGEPAGE -> nf = (nf & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
            case Mman.MADV_NOHUGEPAGE -> nf = (nf & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
            case Mman.MADV_MERGEABLE -> {
                // ksm_madvise: special, shared and hugetlb mappings are silently left alone
                if ((f & (VM_SHARED | VM_MAYSHARE | VM_SPECIAL | VM_HUGETLB)) == 0) {
                    nf |= VM_MERGEABLE;
                }
            }
            case Mman.MADV_UNMERGEABLE -> nf &= ~VM_MERGEABLE;
            default -> {
                return -Errno.EINVAL;
            }
        }
        if (nf == f) {
            return 0;
        }
        Vma v = VmaMerge.modify(mm, mm.vmg.modify(vma, start, end, nf));
        if (v == null) {
            return mm.vmg.errno();
        }
        v.flags = nf;
        return 0;
    }

    /**
     * {@code madvise_populate}: faults the range in VMA by VMA; a hole is ENOMEM at once (what came
     * before stays populated), an incompatible VMA EINVAL (as Linux 6.18 answers for PROT_NONE or a
     * write to a read-only mapping), a guard region or SIGBUS EFAULT.
     */
    private static int madvisePopulate(Mm mm, long start, long end, boolean write) {
        long cur = start;
        while (cur < end) {
            Vma vma = mm.tree.find(cur);
            if (vma == null || vma.start > cur) {
                return -Errno.ENOMEM;
            }
            long f = vma.flags;
            if ((f & (VM_IO | VM_PFNMAP)) != 0 || (write ? (f & VM_WRITE) == 0 : (f & VM_READ) == 0)) {
                return -Errno.EINVAL;
            }
            long tmp = Math.min(end, vma.end);
            int e = mm.fault.populate(vma, cur, tmp, write);
            if (e < 0) {
                return e;
            }
            cur = tmp;
        }
        return 0;
    }

    /**
     * {@code madvise_collapse} (mm/khugepaged.c) as far as its result goes; huge pages themselves
     * are not modelled, so a collapse that succeeds leaves the 4 KiB pages as they were. The rules,
     * as Linux 6.18 answers them (checked natively: native-traces' shell scripts and the collapse
     * cases of madvise-advice.msh):
     * <ul>
     * <li>EINVAL when the VMA may not hold a PMD-sized page ({@code thp_vma_allowable_order} with
     *     TVA_FORCED_COLLAPSE: VM_NOHUGEPAGE, or no 2 MiB-aligned block fits in it); the sysfs
     *     {@code enabled} mode does not matter to a forced collapse;
     * <li>a range holding no whole aligned block collapses nothing and succeeds;
     * <li>each aligned block must have a page table ({@code pmd_none} is SCAN_PMD_NULL), with no
     *     guard marker in it (SCAN_PTE_NON_PRESENT); a block mapped by zero pages alone or by none
     *     at all is fine;
     * <li>private anonymous memory must have an anon_vma: {@code hugepage_vma_revalidate} answers
     *     SCAN_PAGE_ANON without one, so a VMA only ever read (zero pages) does not collapse.
     * </ul>
     * Every failure becomes EINVAL ({@code madvise_collapse_errno}); ENOMEM and EAGAIN need memory
     * pressure or page locks the emulator does not have. Blocks that a fault mapped with a huge page
     * (THP {@code always}, or MADV_HUGEPAGE memory) would answer SCAN_PMD_MAPPED, a success; the
     * emulator never maps one, which is why the shell's native run pins THP to {@code madvise}.
     */
    private static int collapse(Mm mm, Vma vma, long start, long end) {
        long firstBlock = (vma.start + PMD_SIZE - 1) & -PMD_SIZE;
        if ((vma.flags & VM_NOHUGEPAGE) != 0 || firstBlock + PMD_SIZE > vma.end) {
            return -Errno.EINVAL;
        }
        long hstart = (start + PMD_SIZE - 1) & -PMD_SIZE;
        long hend = end & -PMD_SIZE;
        if (hstart >= hend) {
            return 0;
        }
        if (vma.isAnonymous() && vma.anonVma == null) {
            return -Errno.EINVAL;
        }
        for (long block = hstart; block < hend; block += PMD_SIZE) {
            if (!mm.paging.hasPteTable(block) || mm.paging.holdsMarker(block, block + PMD_SIZE)) {
                return -Errno.EINVAL;
            }
        }
        return 0;
    }
}
