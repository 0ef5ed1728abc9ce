package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;

/**
 * {@code /sys/kernel/mm/transparent_hugepage/enabled}, which decides smaps' {@code THPeligible}
 * (and, in Linux, whether a fault may map a huge page: the emulator maps 4 KiB pages only, which
 * is what {@link #MADVISE} and {@link #NEVER} do for memory not advised with MADV_HUGEPAGE).
 * The reference machine runs {@link #MADVISE}, with only the PMD size (2 MiB) enabled ({@code inherit})
 * among the anonymous mTHP sizes and {@code shmem_enabled = never}.
 */
public enum ThpMode {
    ALWAYS,
    MADVISE,
    NEVER;

    /** The mode named as the sysfs file shows it selected ({@code always}, {@code madvise}, {@code never}). */
    public static ThpMode of(String name) {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * {@code thp_vma_allowable_orders(vma, vm_flags, TVA_SMAPS | TVA_ENFORCE_SYSFS, THP_ORDERS_ALL)}
     * (include/linux/huge_mm.h, mm/huge_memory.c), for the PMD order alone.
     *
     * <p>Only private anonymous VMAs can qualify here: shmem is off by sysfs, regular files need
     * CONFIG_READ_ONLY_THP_FOR_FS (not set on the reference machine) or a {@code huge_fault} handler,
     * and special mappings ({@code [vdso]}, {@code [vvar]}, {@code [vsyscall]}) have no anonymous
     * backing. Anonymous means here: no inode and no special name; a {@code VmaView} cannot tell a
     * PR_SET_VMA-named shmem region from anonymous memory, so {@code [anon_shmem:...]} is excluded by name.
     */
    public boolean eligible(VmaView vma) {
        long flags = vma.flags();
        if (this == NEVER || (flags & (VmFlags.VM_NOHUGEPAGE | VmFlags.VM_HUGETLB)) != 0) {
            return false;
        }
        if (this == MADVISE && (flags & VmFlags.VM_HUGEPAGE) == 0) {
            return false;
        }
        if (!isPrivateAnonymous(vma)) {
            return false;
        }
        // thp_vma_suitable_order() on the last huge page that could end at vm_end
        long haddr = (vma.end() - PMD_SIZE) & -PMD_SIZE;
        return vma.end() - vma.start() >= PMD_SIZE
                && Long.compareUnsigned(haddr, vma.start()) >= 0
                && Long.compareUnsigned(haddr + PMD_SIZE, vma.end()) <= 0;
    }

    public static boolean isPrivateAnonymous(VmaView vma) {
        if (vma.inode() != 0 || (vma.flags() & VmFlags.VM_MAYSHARE) != 0) {
            return false;
        }
        String name = vma.name();
        return name == null || name.equals("[heap]") || name.equals("[stack]") || name.startsWith("[anon:");
    }
}
