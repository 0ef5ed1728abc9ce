package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmFlags.*;

import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.Mman;

/**
 * mmap(2) and munmap(2) for anonymous memory: {@code do_mmap} (mm/mmap.c), {@code __mmap_region}
 * (mm/vma.c) and {@code do_vmi_munmap}, with Linux's validation order and errnos.
 */
final class Mmap {
    private Mmap() {}

    /** {@code calc_vm_prot_bits}: unknown bits are ignored. */
    static long calcVmProtBits(int prot) {
        return (prot & Mman.PROT_READ) | (prot & Mman.PROT_WRITE) | (prot & Mman.PROT_EXEC);
    }

    /** {@code calc_vm_flag_bits}; MAP_STACK means VM_NOHUGEPAGE on kernels with THP (6.7+). */
    static long calcVmFlagBits(int flags, boolean thp) {
        long f = 0;
        if ((flags & Mman.MAP_GROWSDOWN) != 0) {
            f |= VM_GROWSDOWN;
        }
        if ((flags & Mman.MAP_LOCKED) != 0) {
            f |= VM_LOCKED;
        }
        if (thp && (flags & Mman.MAP_STACK) != 0) {
            f |= VM_NOHUGEPAGE;
        }
        return f;
    }

    /** {@code ksys_mmap_pgoff} → {@code do_mmap}: the address or -errno. */
    static long doMmap(Mm mm, long addr, long len, int prot, int flags, int fd, long offset) {
        if ((offset & ~PAGE_MASK) != 0) {
            return -Errno.EINVAL;
        }
        if ((flags & Mman.MAP_ANONYMOUS) == 0) {
            return -Errno.EBADF;
        }
        if ((flags & Mman.MAP_HUGETLB) != 0) {
            return -Errno.EINVAL;
        }
        if (len == 0) {
            return -Errno.EINVAL;
        }
        if ((flags & Mman.MAP_FIXED_NOREPLACE) != 0) {
            flags |= Mman.MAP_FIXED;
        }
        if ((flags & Mman.MAP_FIXED) == 0) {
            addr = roundHintToMin(mm, addr);
        }
        len = pageAlign(len);
        if (len == 0) {
            return -Errno.ENOMEM;
        }
        long pgoff = offset >>> PAGE_SHIFT;
        if (pgoff + (len >>> PAGE_SHIFT) < pgoff) {
            return -Errno.EOVERFLOW;
        }
        if (mm.mapCount > mm.config.maxMapCount()) {
            return -Errno.ENOMEM;
        }
        // PROT_EXEC alone is execute-only where the CPU has protection keys
        int pkey = prot == Mman.PROT_EXEC ? Math.max(mm.executeOnlyPkey(), 0) : 0;
        long vmFlags = calcVmProtBits(prot)
                | pkeyBits(pkey)
                | calcVmFlagBits(flags, mm.config.thpAlign())
                | VM_MAYREAD
                | VM_MAYWRITE
                | VM_MAYEXEC;
        int type = flags & Mman.MAP_TYPE;
        addr = UnmappedArea.getUnmappedArea(mm, addr, len, flags, type == Mman.MAP_SHARED);
        if (Errno.isErrValue(addr)) {
            return addr;
        }
        if ((flags & Mman.MAP_FIXED_NOREPLACE) != 0 && mm.tree.findIntersection(addr, addr + len) != null) {
            return -Errno.EEXIST;
        }
        boolean shared;
        switch (type) {
            case Mman.MAP_SHARED -> {
                if ((vmFlags & VM_GROWSDOWN) != 0) {
                    return -Errno.EINVAL;
                }
                pgoff = 0;
                vmFlags |= VM_SHARED | VM_MAYSHARE;
                shared = true;
            }
            case Mman.MAP_DROPPABLE -> {
                if ((vmFlags & (VM_LOCKED | VM_GROWSDOWN)) != 0) {
                    return -Errno.EINVAL;
                }
                vmFlags |= VM_WIPEONFORK | VM_DONTDUMP | VM_NORESERVE;
                pgoff = addr >>> PAGE_SHIFT;
                shared = false;
            }
            case Mman.MAP_PRIVATE -> {
                pgoff = addr >>> PAGE_SHIFT;
                shared = false;
            }
            default -> {
                return -Errno.EINVAL;
            }
        }
        if ((flags & Mman.MAP_NORESERVE) != 0 && mm.config.overcommitMemory() != 2) {
            vmFlags |= VM_NORESERVE;
        }
        long r = mmapRegion(mm, addr, len, vmFlags, pgoff, shared);
        if (r >= 0
                && ((vmFlags & VM_LOCKED) != 0
                        || (flags & (Mman.MAP_POPULATE | Mman.MAP_NONBLOCK)) == Mman.MAP_POPULATE)) {
            populate(mm, addr, addr + len);
        }
        return r;
    }

    /** {@code round_hint_to_min}. */
    private static long roundHintToMin(Mm mm, long hint) {
        hint &= PAGE_MASK;
        if (hint != 0 && Long.compareUnsigned(hint, mm.config.mmapMinAddr()) < 0) {
            return pageAlign(mm.config.mmapMinAddr());
        }
        return hint;
    }

    /** {@code accountable_mapping}. */
    static boolean accountable(long flags) {
        return (flags & (VM_WRITE | VM_SHARED | VM_NORESERVE)) == VM_WRITE;
    }

    /**
     * {@code __mmap_region}: replaces whatever is in [addr, addr + len), checks RLIMIT_AS/DATA and
     * the commit charge for the pages not already there, merges with a neighbour or inserts.
     */
    static long mmapRegion(Mm mm, long addr, long len, long vmFlags, long pgoff, boolean shared) {
        long end = addr + len;
        long pages = len >>> PAGE_SHIFT;
        long replaced = 0;
        long replacedAccounted = 0;
        for (Vma v = mm.tree.findIntersection(addr, end); v != null && v.start < end; v = mm.tree.next(v)) {
            long n = (Math.min(end, v.end) - Math.max(addr, v.start)) >>> PAGE_SHIFT;
            replaced += n;
            if ((v.flags & VM_ACCOUNT) != 0) {
                replacedAccounted += n;
            }
        }
        if (replaced > 0) {
            Vma first = mm.tree.findIntersection(addr, end);
            if (first.start < addr && end < first.end && mm.mapCount >= mm.config.maxMapCount()) {
                return -Errno.ENOMEM;
            }
        }
        if (!mm.mayExpandVm(vmFlags, pages - replaced)) {
            return -Errno.ENOMEM;
        }
        long charged = 0;
        if (accountable(vmFlags)) {
            charged = pages - replacedAccounted;
            if (!mm.vmEnoughMemory(charged)) {
                return -Errno.ENOMEM;
            }
            vmFlags |= VM_ACCOUNT;
        }
        long shmemCharge = 0;
        if (shared && (vmFlags & VM_NORESERVE) == 0) {
            // shmem_acct_size: the object is charged whole, whatever replaced it
            if (!mm.vmEnoughMemory(pages)) {
                mm.vmUnacct(charged);
                return -Errno.ENOMEM;
            }
            shmemCharge = pages;
        }
        if (replaced > 0) {
            int e = mm.alignMunmap(addr, end);
            if (e < 0) {
                mm.vmUnacct(charged + shmemCharge);
                return e;
            }
        }
        Vma v = shared ? null : VmaMerge.mergeNewRange(mm, mm.vmg.newRange(addr, end, vmFlags, pgoff));
        if (v == null) {
            v = mm.newVma(addr, end, vmFlags, pgoff, null);
            if (shared) {
                v.shmem = new Shmem(mm.nextShmemInode++, pages);
                v.shmem.committed = shmemCharge;
            }
            mm.insert(v);
        }
        mm.vmStatAccount(vmFlags, pages);
        return addr;
    }

    /** {@code mm_populate}: prefaults [start, end); errors are ignored as {@code vm_mmap_pgoff} does. */
    static void populate(Mm mm, long start, long end) {
        for (Vma v = mm.tree.findIntersection(start, end); v != null && v.start < end; v = mm.tree.next(v)) {
            if ((v.flags & (VM_IO | VM_PFNMAP)) != 0 || (v.flags & VM_ACCESS_FLAGS) == 0) {
                continue;
            }
            boolean write = (v.flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;
            mm.fault.populate(v, Math.max(start, v.start), Math.min(end, v.end), write);
        }
    }

    /** {@code __vm_munmap} → {@code do_vmi_munmap}: 0 or -errno. */
    static int doMunmap(Mm mm, long start, long len) {
        if ((start & ~PAGE_MASK) != 0
                || Long.compareUnsigned(start, Mm.TASK_SIZE) > 0
                || Long.compareUnsigned(len, Mm.TASK_SIZE - start) > 0) {
            return -Errno.EINVAL;
        }
        long end = start + pageAlign(len);
        if (end == start) {
            return -Errno.EINVAL;
        }
        return mm.alignMunmap(start, end);
    }
}
