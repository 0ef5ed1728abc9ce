package org.mallocsim.kernel.mm;

import static org.mallocsim.kernel.Page.*;

/**
 * One virtual memory area, Linux's {@code vm_area_struct} (include/linux/mm_types.h): the
 * half-open range [start, end) of page-aligned addresses that share flags and backing.
 * While a VMA is in a {@link VmaTree}, its bounds change only through the tree.
 *
 * <p>Besides bounds and flags it carries what the merge rules of mm/vma.c compare: the
 * {@code anon_vma} identity (null until a fault allocates an anonymous page), the backing file
 * (regions of a recorded listing) or shmem object (shared anonymous memory), and {@code vm_pgoff}.
 */
public final class Vma {
    long start;
    long end;
    /** {@code vm_flags}, bits of {@link VmFlags}. */
    long flags;
    /** {@code vm_pgoff}: for private anonymous memory, {@code start >>> 12} at creation. */
    long pgoff;
    /** The name /proc shows for special mappings ({@code [vdso]}, {@code [vvar]}); null otherwise. */
    String name;
    /** {@code vma->anon_vma}: null until the first fault that allocates an anonymous page. */
    AnonVma anonVma;
    /** {@code vma->vm_file} of a file-backed region taken from a listing; null for anonymous memory. */
    MappedFile file;
    /** The shmem object behind MAP_SHARED|MAP_ANONYMOUS memory; null otherwise. */
    Shmem shmem;

    public Vma(long start, long end, long flags, long pgoff, String name) {
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.pgoff = pgoff;
        this.name = name;
    }

    /** {@code vm_area_dup}: same flags and backing, new bounds; the caller inserts it. */
    Vma dup(long newStart, long newEnd, long newPgoff) {
        Vma v = new Vma(newStart, newEnd, flags, newPgoff, name);
        v.anonVma = anonVma;
        v.file = file;
        v.shmem = shmem;
        if (shmem != null) {
            shmem.mappings++;
        }
        return v;
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

    long pages() {
        return (end - start) >>> PAGE_SHIFT;
    }

    /** {@code vma_is_anonymous}: no vm_ops, i.e. private anonymous memory (heap, stack, mmap). */
    boolean isAnonymous() {
        return file == null && shmem == null && (flags & VmFlags.VM_SPECIAL) == 0;
    }

    /** {@code vma_pgoff_offset}-style helper: the pgoff that page {@code addr} has. */
    long pgoffAt(long addr) {
        return pgoff + ((addr - start) >>> PAGE_SHIFT);
    }

    @Override
    public String toString() {
        return Long.toHexString(start) + "-" + Long.toHexString(end) + " flags=0x" + Long.toHexString(flags)
                + " pgoff=0x" + Long.toHexString(pgoff) + (anonVma == null ? "" : " anon")
                + (name == null ? "" : " " + name) + (file == null ? "" : " " + file.path())
                + (shmem == null ? "" : " shmem");
    }
}
