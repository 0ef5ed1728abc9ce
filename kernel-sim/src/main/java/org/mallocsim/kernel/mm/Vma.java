package org.mallocsim.kernel.mm;

/**
 * One virtual memory area, Linux's {@code vm_area_struct} (include/linux/mm_types.h): the
 * half-open range [start, end) of page-aligned addresses that share flags and backing.
 * While a VMA is in a {@link VmaTree}, its bounds change only through the tree.
 *
 * <p>SKELETON: the mm work adds what merging needs (anon_vma, file identity, ...).
 */
public final class Vma {
    long start;
    long end;
    /** {@code vm_flags}, bits of {@link VmFlags}. */
    long flags;
    /** {@code vm_pgoff}: for private anonymous memory, {@code start >>> 12} at creation. */
    long pgoff;
    /** The name /proc shows (a path, {@code [vdso]}, ...); null for anonymous memory. */
    String name;

    public Vma(long start, long end, long flags, long pgoff, String name) {
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.pgoff = pgoff;
        this.name = name;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public long flags() {
        return flags;
    }

    @Override
    public String toString() {
        return Long.toHexString(start) + "-" + Long.toHexString(end) + " flags=0x" + Long.toHexString(flags)
                + (name == null ? "" : " " + name);
    }
}
