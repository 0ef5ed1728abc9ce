package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmFlags.*;

import org.mallocsim.kernel.Mman;

/**
 * brk(2): {@code SYSCALL_DEFINE1(brk)} (mm/mmap.c) and {@code do_brk_flags} (mm/vma.c). The
 * raw syscall returns the new break, or the old one on any failure; an unaligned break is kept.
 */
final class Brk {
    /** {@code VM_DATA_DEFAULT_FLAGS} | VM_ACCOUNT, what a brk VMA gets. */
    static final long BRK_FLAGS = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT;

    private Brk() {}

    static long brk(Mm mm, long brk) {
        long origBrk = mm.brk;
        if (Long.compareUnsigned(brk, mm.startBrk) < 0) {
            return origBrk;
        }
        long rlim = mm.config.rlimitData();
        if (rlim >= 0 && brk - mm.startBrk > rlim) {
            return origBrk;
        }
        long newBrk = pageAlign(brk);
        long oldBrk = pageAlign(mm.brk);
        if (oldBrk == newBrk) {
            mm.brk = brk;
            return brk;
        }
        if (Long.compareUnsigned(brk, mm.brk) <= 0) {
            Vma v = mm.tree.find(newBrk);
            if (v == null || v.start >= oldBrk) {
                return origBrk;
            }
            mm.brk = brk;
            if (mm.alignMunmap(newBrk, oldBrk) < 0) {
                mm.brk = origBrk;
                return origBrk;
            }
            return brk;
        }
        // check_brk_limits: get_unmapped_area(MAP_FIXED) accepts the range
        long len = newBrk - oldBrk;
        if (newBrk == 0 || UnmappedArea.getUnmappedArea(mm, oldBrk, len, Mman.MAP_FIXED, false) != oldBrk) {
            return origBrk;
        }
        Vma next = mm.tree.find(oldBrk);
        if (next != null
                && Long.compareUnsigned(next.start, newBrk + PAGE_SIZE + mm.config.stackGuardGap()) < 0
                && Long.compareUnsigned(newBrk + PAGE_SIZE, VmaTree.startGap(next, mm.config.stackGuardGap())) > 0) {
            return origBrk;
        }
        Vma brkVma = mm.prevOf(oldBrk);
        if (brkVma != null && brkVma.end <= mm.startBrk) {
            brkVma = null;
        }
        if (!doBrkFlags(mm, brkVma, oldBrk, len)) {
            return origBrk;
        }
        mm.brk = brk;
        return brk;
    }

    /** {@code do_brk_flags}: expand the brk VMA in place ({@code just_expand}) or add a new one. */
    static boolean doBrkFlags(Mm mm, Vma prev, long addr, long len) {
        long pages = len >>> PAGE_SHIFT;
        if (!mm.mayExpandVm(BRK_FLAGS, pages)) {
            return false;
        }
        if (mm.mapCount > mm.config.maxMapCount()) {
            return false;
        }
        if (!mm.vmEnoughMemory(pages)) {
            return false;
        }
        Vma v = null;
        if (prev != null && prev.end == addr) {
            VmaMergeStruct vmg = mm.vmg.newRange(addr, addr + len, BRK_FLAGS, addr >>> PAGE_SHIFT);
            vmg.justExpand = true;
            v = VmaMerge.mergeNewRange(mm, vmg);
        }
        if (v == null) {
            mm.insert(new Vma(addr, addr + len, BRK_FLAGS, addr >>> PAGE_SHIFT, null));
        }
        mm.vmStatAccount(BRK_FLAGS, pages);
        return true;
    }
}
