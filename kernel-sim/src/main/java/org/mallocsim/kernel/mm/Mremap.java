package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmFlags.*;

import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.Mman;

/**
 * mremap(2) (mm/mremap.c, the 6.16-era {@code vma_remap_struct} flow): {@code check_mremap_params},
 * shrink in place, {@code expand_vma} in place or by {@code move_vma}, {@code mremap_to} for
 * MREMAP_FIXED and MREMAP_DONTUNMAP. A move carries the PTEs over ({@code move_page_tables});
 * nothing is copied.
 */
final class Mremap {
    private Mremap() {}

    static long doMremap(Mm mm, long addr, long oldLenIn, long newLenIn, int flags, long newAddr) {
        if ((flags & ~(Mman.MREMAP_FIXED | Mman.MREMAP_MAYMOVE | Mman.MREMAP_DONTUNMAP)) != 0) {
            return -Errno.EINVAL;
        }
        if ((addr & ~PAGE_MASK) != 0) {
            return -Errno.EINVAL;
        }
        long oldLen = pageAlign(oldLenIn);
        long newLen = pageAlign(newLenIn);
        if (newLen == 0) {
            return -Errno.EINVAL;
        }
        boolean impliesNewAddr = (flags & (Mman.MREMAP_FIXED | Mman.MREMAP_DONTUNMAP)) != 0;
        if (Long.compareUnsigned(newLen, Mm.TASK_SIZE) > 0) {
            return -Errno.EINVAL;
        }
        if (impliesNewAddr) {
            if (Long.compareUnsigned(newAddr, Mm.TASK_SIZE - newLen) > 0) {
                return -Errno.EINVAL;
            }
            if ((newAddr & ~PAGE_MASK) != 0) {
                return -Errno.EINVAL;
            }
            if ((flags & Mman.MREMAP_MAYMOVE) == 0) {
                return -Errno.EINVAL;
            }
            if ((flags & Mman.MREMAP_DONTUNMAP) != 0 && oldLen != newLen) {
                return -Errno.EINVAL;
            }
            if ((flags & Mman.MREMAP_FIXED) != 0 && addr < newAddr + newLen && newAddr < addr + oldLen) {
                return -Errno.EINVAL;
            }
            if (mm.mapCount + 2 >= mm.config.maxMapCount() - 3) {
                return -Errno.ENOMEM;
            }
        }
        Vma vma = mm.tree.lookup(addr);
        if (vma == null) {
            return -Errno.EFAULT;
        }
        if (impliesNewAddr) {
            return mremapTo(mm, addr, oldLen, newLen, flags, newAddr);
        }
        if (oldLen == newLen) {
            return addr;
        }
        if (newLen < oldLen) {
            int e = Mmap.doMunmap(mm, addr + newLen, oldLen - newLen);
            return e < 0 ? e : addr;
        }
        return expandVma(mm, vma, addr, oldLen, newLen, flags);
    }

    /** {@code resize_is_valid} / {@code remap_is_valid}: 0 or -errno. */
    private static int resizeIsValid(Mm mm, Vma vma, long addr, long oldLen, long newLen, int flags) {
        if (oldLen == 0 && (vma.flags & (VM_SHARED | VM_MAYSHARE)) == 0) {
            return -Errno.EINVAL;
        }
        if ((flags & Mman.MREMAP_DONTUNMAP) != 0 && (vma.flags & (VM_DONTEXPAND | VM_PFNMAP)) != 0) {
            return -Errno.EINVAL;
        }
        if (Long.compareUnsigned(oldLen, vma.end - addr) > 0) {
            return -Errno.EFAULT;
        }
        if (newLen == oldLen) {
            return 0;
        }
        if ((vma.flags & (VM_DONTEXPAND | VM_PFNMAP)) != 0) {
            return -Errno.EFAULT;
        }
        if (newLen > oldLen && !mm.mayExpandVm(vma.flags, (newLen - oldLen) >>> PAGE_SHIFT)) {
            return -Errno.ENOMEM;
        }
        return 0;
    }

    /** {@code expand_vma}: in place when the range ends the VMA and the space above is free, else move. */
    private static long expandVma(Mm mm, Vma vma, long addr, long oldLen, long newLen, int flags) {
        int e = resizeIsValid(mm, vma, addr, oldLen, newLen, flags);
        if (e < 0) {
            return e;
        }
        long delta = newLen - oldLen;
        if (addr + oldLen == vma.end && vmaExpandable(mm, vma, delta)) {
            long pages = delta >>> PAGE_SHIFT;
            if ((vma.flags & VM_ACCOUNT) != 0 && !mm.vmEnoughMemory(pages)) {
                return -Errno.ENOMEM;
            }
            // vma_merge_extend: grow vma, taking in the next VMA when compatible
            long oldEnd = vma.end;
            Vma merged = VmaMerge.mergeNewRange(
                    mm,
                    mm.vmg
                            .newRange(oldEnd, oldEnd + delta, vma.flags, vma.pgoffAt(oldEnd))
                            .backedAs(vma));
            if (merged == null) {
                if ((vma.flags & VM_ACCOUNT) != 0) {
                    mm.vmUnacct(pages);
                }
                return -Errno.ENOMEM;
            }
            mm.vmStatAccount(vma.flags, pages);
            if ((vma.flags & VM_LOCKED) != 0) {
                mm.fault.populate(merged, oldEnd, oldEnd + delta, (vma.flags & (VM_WRITE | VM_SHARED)) == VM_WRITE);
            }
            return addr;
        }
        if ((flags & Mman.MREMAP_MAYMOVE) == 0) {
            return -Errno.ENOMEM;
        }
        long to = UnmappedArea.getUnmappedArea(mm, 0, newLen, 0, vma.shmem != null);
        if (Errno.isErrValue(to)) {
            return to;
        }
        return moveVma(mm, vma, addr, oldLen, newLen, to, flags);
    }

    /** {@code vma_expandable}: nothing in [vm_end, vm_end + delta) and the whole range is a valid place. */
    private static boolean vmaExpandable(Mm mm, Vma vma, long delta) {
        long end = vma.end + delta;
        if (Long.compareUnsigned(end, vma.end) < 0) {
            return false;
        }
        if (mm.tree.findIntersection(vma.end, end) != null) {
            return false;
        }
        long r = UnmappedArea.getUnmappedArea(mm, vma.start, end - vma.start, Mman.MAP_FIXED, false);
        return r == vma.start;
    }

    /** {@code mremap_to}: MREMAP_FIXED unmaps the target first; a shrink is done before the move. */
    private static long mremapTo(Mm mm, long addr, long oldLen, long newLen, int flags, long newAddr) {
        Vma first = mm.tree.lookup(addr);
        boolean multi = (flags & (Mman.MREMAP_FIXED | Mman.MREMAP_DONTUNMAP)) == Mman.MREMAP_FIXED
                && oldLen == newLen
                && Long.compareUnsigned(oldLen, first.end - addr) > 0;
        if (!multi) {
            // check_prep_vma (6.17+): the source is validated before the target is unmapped
            // (on Linux 6.18 a failed MREMAP_FIXED leaves the target mapped)
            int e = resizeIsValid(mm, first, addr, Math.min(oldLen, newLen), newLen, flags);
            if (e < 0) {
                return e;
            }
        }
        if (multi) {
            return moveMultiple(mm, addr, oldLen, newAddr, flags);
        }
        if ((flags & Mman.MREMAP_FIXED) != 0) {
            int e = Mmap.doMunmap(mm, newAddr, newLen);
            if (e < 0) {
                return e;
            }
        }
        if (oldLen > newLen) {
            int e = Mmap.doMunmap(mm, addr + newLen, oldLen - newLen);
            if (e < 0) {
                return e;
            }
            oldLen = newLen;
        }
        Vma vma = mm.tree.lookup(addr);
        if (vma == null) {
            return -Errno.EFAULT;
        }
        int e = resizeIsValid(mm, vma, addr, oldLen, newLen, flags);
        if (e < 0) {
            return e;
        }
        if ((flags & Mman.MREMAP_DONTUNMAP) != 0 && !mm.mayExpandVm(vma.flags, oldLen >>> PAGE_SHIFT)) {
            return -Errno.ENOMEM;
        }
        int mapFlags = (flags & Mman.MREMAP_FIXED) != 0 ? Mman.MAP_FIXED : 0;
        long to = UnmappedArea.getUnmappedArea(mm, newAddr, newLen, mapFlags, vma.shmem != null);
        if (Errno.isErrValue(to)) {
            return to;
        }
        return moveVma(mm, vma, addr, oldLen, newLen, to, flags);
    }

    /**
     * {@code move_vma}: {@code copy_vma} at the destination (merging there when it can; an unfaulted
     * anonymous VMA takes {@code pgoff = new_addr >> 12}), {@code move_page_tables}, then unmap the
     * old range, or with MREMAP_DONTUNMAP leave it mapped and empty, without VM_LOCKED.
     */
    private static long moveVma(Mm mm, Vma vma, long oldAddr, long oldLen, long newLen, long newAddr, int flags) {
        if (mm.mapCount >= mm.config.maxMapCount() - 3) {
            return -Errno.ENOMEM;
        }
        boolean dontUnmap = (flags & Mman.MREMAP_DONTUNMAP) != 0;
        long charged = 0;
        if ((vma.flags & VM_ACCOUNT) != 0) {
            charged = dontUnmap ? newLen >>> PAGE_SHIFT : newLen > oldLen ? (newLen - oldLen) >>> PAGE_SHIFT : 0;
            if (charged > 0 && !mm.vmEnoughMemory(charged)) {
                return -Errno.ENOMEM;
            }
        }
        long vmFlags = vma.flags;
        long pgoff = vma.pgoffAt(oldAddr);
        if (vma.isAnonymous() && vma.anonVma == null) {
            pgoff = newAddr >>> PAGE_SHIFT;
        }
        Vma newVma = VmaMerge.mergeNewRange(
                mm, mm.vmg.newRange(newAddr, newAddr + newLen, vmFlags, pgoff).backedAs(vma));
        if (newVma == null) {
            newVma = vma.dup(newAddr, newAddr + newLen, pgoff);
            mm.insert(newVma);
        } else if (vma.shmem != null) {
            // merged into a VMA of the same object: no new hold on it
        }
        long moveLen = Math.min(oldLen, newLen);
        if (!mm.paging.movePageTables(oldAddr, newAddr, moveLen)) {
            // no frame for a page table: undo as move_vma does, moving the entries back
            mm.paging.movePageTables(newAddr, oldAddr, moveLen);
            mm.alignMunmap(newAddr, newAddr + newLen);
            mm.vmUnacct(charged);
            return -Errno.ENOMEM;
        }
        mm.vmStatAccount(vmFlags, newLen >>> PAGE_SHIFT);
        Vma old = mm.tree.lookup(oldAddr);
        if (dontUnmap) {
            // dontunmap_complete: the source stays whole and keeps VM_ACCOUNT (Linux 6.18 shows "ac"
            // and no split); only VM_LOCKED is cleared, which needs the range as its own VMA
            boolean whole = old.start == oldAddr && old.end == oldAddr + oldLen;
            if ((old.flags & (VM_LOCKED | VM_LOCKONFAULT)) != 0) {
                long nf = old.flags & ~(VM_LOCKED | VM_LOCKONFAULT);
                long of = old.flags;
                Vma v = VmaMerge.modify(mm, mm.vmg.modify(old, oldAddr, oldAddr + oldLen, nf));
                if (v != null) {
                    v.flags = nf;
                    mm.vmStatAccount(of, -(oldLen >>> PAGE_SHIFT));
                    mm.vmStatAccount(nf, oldLen >>> PAGE_SHIFT);
                    old = v;
                }
            }
            if (whole) {
                old.anonVma = null;
            }
            return newAddr;
        }
        // the new VMA carries the commit charge: unmap the old range without unaccounting it
        long unacct = 0;
        for (Vma v = mm.tree.findIntersection(oldAddr, oldAddr + oldLen);
                v != null && v.start < oldAddr + oldLen;
                v = mm.tree.next(v)) {
            if ((v.flags & VM_ACCOUNT) != 0) {
                unacct += (Math.min(v.end, oldAddr + oldLen) - Math.max(v.start, oldAddr)) >>> PAGE_SHIFT;
            }
        }
        mm.alignMunmap(oldAddr, oldAddr + oldLen);
        mm.committed += unacct;
        return newAddr;
    }

    /**
     * Linux 6.17+ {@code remap_move}: a same-size MREMAP_FIXED move whose source spans several
     * VMAs moves each of them by the same offset, keeping the gaps (checked on Linux 6.18: the first
     * page must be mapped, gaps are allowed, and what the target has opposite a gap stays mapped).
     */
    private static long moveMultiple(Mm mm, long addr, long len, long newAddr, int flags) {
        long end = addr + len;
        java.util.ArrayList<long[]> pieces = new java.util.ArrayList<>();
        for (Vma v = mm.tree.findIntersection(addr, end); v != null && v.start < end; v = mm.tree.next(v)) {
            pieces.add(new long[] {Math.max(addr, v.start), Math.min(end, v.end)});
        }
        for (long[] p : pieces) {
            long l = p[1] - p[0];
            long to = newAddr + (p[0] - addr);
            // each VMA replaces only its own target range: mappings facing the gaps stay
            int e = Mmap.doMunmap(mm, to, l);
            if (e < 0) {
                return e;
            }
            Vma v = mm.tree.lookup(p[0]);
            e = resizeIsValid(mm, v, p[0], l, l, flags);
            if (e < 0) {
                return e;
            }
            long r = moveVma(mm, v, p[0], l, l, to, flags);
            if (Errno.isErrValue(r)) {
                return r;
            }
        }
        return newAddr;
    }
}
