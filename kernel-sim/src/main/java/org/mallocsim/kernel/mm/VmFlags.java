package org.mallocsim.kernel.mm;

/** {@code vm_flags} bits (include/linux/mm.h). */
public final class VmFlags {
    public static final long VM_READ = 0x1;
    public static final long VM_WRITE = 0x2;
    public static final long VM_EXEC = 0x4;
    public static final long VM_SHARED = 0x8;
    public static final long VM_MAYREAD = 0x10;
    public static final long VM_MAYWRITE = 0x20;
    public static final long VM_MAYEXEC = 0x40;
    public static final long VM_MAYSHARE = 0x80;
    public static final long VM_GROWSDOWN = 0x100;
    public static final long VM_PFNMAP = 0x400;
    public static final long VM_LOCKED = 0x2000;
    public static final long VM_IO = 0x4000;
    public static final long VM_SEQ_READ = 0x8000;
    public static final long VM_RAND_READ = 0x10000;
    public static final long VM_DONTCOPY = 0x20000;
    public static final long VM_DONTEXPAND = 0x40000;
    public static final long VM_LOCKONFAULT = 0x80000;
    public static final long VM_ACCOUNT = 0x100000;
    public static final long VM_NORESERVE = 0x200000;
    public static final long VM_HUGETLB = 0x400000;
    public static final long VM_WIPEONFORK = 0x2000000;
    public static final long VM_DONTDUMP = 0x4000000;
    public static final long VM_SOFTDIRTY = 0x8000000;
    public static final long VM_MIXEDMAP = 0x10000000;
    public static final long VM_HUGEPAGE = 0x20000000;
    public static final long VM_NOHUGEPAGE = 0x40000000;
    public static final long VM_MERGEABLE = 0x80000000L;
    /** x86's {@code VM_PKEY_SHIFT}: the VMA's protection key in {@code VM_HIGH_ARCH_0..3}. */
    public static final int VM_PKEY_SHIFT = 32;
    /** {@code ARCH_VM_PKEY_FLAGS}: the four protection-key bits. */
    public static final long ARCH_VM_PKEY_FLAGS = 0xfL << VM_PKEY_SHIFT;

    public static final long VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;
    public static final long VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC;

    private VmFlags() {}

    /** {@code vma_pkey} (arch/x86/include/asm/pkeys.h): the protection key in {@code flags}. */
    public static int vmaPkey(long flags) {
        return (int) ((flags & ARCH_VM_PKEY_FLAGS) >>> VM_PKEY_SHIFT);
    }

    /** The flag bits that carry protection key {@code pkey} ({@code calc_vm_prot_bits}' pkey part). */
    static long pkeyBits(int pkey) {
        return ((long) pkey << VM_PKEY_SHIFT) & ARCH_VM_PKEY_FLAGS;
    }
}
