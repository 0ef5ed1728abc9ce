package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;
import static org.mallocsim.kernel.mm.VmFlags.*;

import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.Mman;

/**
 * mprotect(2): {@code do_mprotect_pkey} and {@code mprotect_fixup} (mm/mprotect.c). VMAs before
 * an error keep their new protection, as in Linux.
 */
final class Mprotect {
    private Mprotect() {}

    static int doMprotect(Mm mm, long start, long len, int prot) {
        int grows = prot & (Mman.PROT_GROWSDOWN | Mman.PROT_GROWSUP);
        prot &= ~(Mman.PROT_GROWSDOWN | Mman.PROT_GROWSUP);
        if (grows == (Mman.PROT_GROWSDOWN | Mman.PROT_GROWSUP)) {
            return -Errno.EINVAL;
        }
        if ((start & ~PAGE_MASK) != 0) {
            return -Errno.EINVAL;
        }
        if (len == 0) {
            return 0;
        }
        len = pageAlign(len);
        long end = start + len;
        if (Long.compareUnsigned(end, start) <= 0) {
            return -Errno.ENOMEM;
        }
        if ((prot & ~(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC | Mman.PROT_SEM)) != 0) {
            return -Errno.EINVAL;
        }
        Vma vma = mm.tree.findIntersection(start, end);
        if (vma == null) {
            return -Errno.ENOMEM;
        }
        if ((grows & Mman.PROT_GROWSDOWN) != 0) {
            if (vma.start >= end) {
                return -Errno.ENOMEM;
            }
            start = vma.start;
            if ((vma.flags & VM_GROWSDOWN) == 0) {
                return -Errno.EINVAL;
            }
        } else if (vma.start > start) {
            return -Errno.ENOMEM;
        } else if (grows != 0) {
            return -Errno.EINVAL;
        }
        long nstart = start;
        long tmp = vma.start;
        int error = 0;
        while (vma != null && vma.start < end) {
            if (vma.start != tmp) {
                error = -Errno.ENOMEM;
                break;
            }
            long newFlags = Mmap.calcVmProtBits(prot)
                    | pkeyBits(overrideMprotectPkey(mm, vma, prot))
                    | (vma.flags & ~(VM_ACCESS_FLAGS | ARCH_VM_PKEY_FLAGS));
            if (((newFlags & ~(newFlags >>> 4)) & VM_ACCESS_FLAGS) != 0) {
                error = -Errno.EACCES;
                break;
            }
            tmp = Math.min(vma.end, end);
            error = mprotectFixup(mm, vma, nstart, tmp, newFlags);
            if (error != 0) {
                break;
            }
            Vma done = mm.vmg.target;
            tmp = done.end;
            nstart = tmp;
            vma = mm.tree.next(done);
        }
        if (error == 0 && tmp < end) {
            error = -Errno.ENOMEM;
        }
        return error;
    }

    /**
     * {@code __arch_override_mprotect_pkey} (arch/x86/mm/pkeys.c) for plain mprotect: PROT_EXEC
     * alone takes the execute-only key; an execute-only VMA given any other protection goes back
     * to key 0; everything else keeps its VMA's key.
     */
    static int overrideMprotectPkey(Mm mm, Vma vma, int prot) {
        if (prot == Mman.PROT_EXEC) {
            int pkey = mm.executeOnlyPkey();
            if (pkey > 0) {
                return pkey;
            }
        } else if ((vma.flags & VM_ACCESS_FLAGS) == VM_EXEC
                && vmaPkey(vma.flags) != 0
                && vmaPkey(vma.flags) == mm.executeOnlyPkeyIfAllocated()) {
            return 0;
        }
        return vmaPkey(vma.flags);
    }

    /**
     * {@code mprotect_fixup}: limits and commit charge when a private mapping turns writable,
     * VM_ACCOUNT dropped from an unfaulted anonymous VMA that turns read-only, merge or split,
     * then {@code change_protection}. Returns 0 with the VMA covering the range as {@code mm.vmg}'s
     * target, or -errno with the request's state saying why.
     */
    static int mprotectFixup(Mm mm, Vma vma, long start, long end, long newFlags) {
        VmaMergeStruct vmg = mm.vmg.modify(vma, start, end, newFlags);
        long oldFlags = vma.flags;
        if (newFlags == oldFlags) {
            vmg.done(VmaMergeStruct.State.SUCCESS, vma);
            return 0;
        }
        long pages = (end - start) >>> PAGE_SHIFT;
        long charged = 0;
        if ((newFlags & VM_WRITE) != 0) {
            if (!mm.mayExpandVm(newFlags, pages) && mm.mayExpandVm(oldFlags, pages)) {
                vmg.done(VmaMergeStruct.State.ERROR_NOMEM, null);
                return vmg.errno();
            }
            if ((oldFlags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE)) == 0) {
                charged = pages;
                if (!mm.vmEnoughMemory(charged)) {
                    vmg.done(VmaMergeStruct.State.ERROR_NOMEM, null);
                    return vmg.errno();
                }
                newFlags |= VM_ACCOUNT;
                vmg.flags = newFlags;
            }
        } else if ((oldFlags & VM_ACCOUNT) != 0 && vma.isAnonymous() && vma.anonVma == null) {
            newFlags &= ~VM_ACCOUNT;
            vmg.flags = newFlags;
        }
        Vma v = VmaMerge.modify(mm, vmg);
        if (v == null) {
            mm.vmUnacct(charged);
            return vmg.errno();
        }
        v.flags = newFlags;
        mm.paging.changeProtection(v, start, end);
        if ((oldFlags & VM_ACCOUNT) != 0 && (newFlags & VM_ACCOUNT) == 0) {
            mm.vmUnacct(pages);
        }
        mm.vmStatAccount(oldFlags, -pages);
        mm.vmStatAccount(newFlags, pages);
        if ((oldFlags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (newFlags & VM_WRITE) != 0) {
            mm.fault.populate(v, start, end, true);
        }
        return 0;
    }
}
