package org.mallocsim.kernel.mm;

import java.util.List;

/**
 * One emulated process's address space, Linux's {@code mm_struct}: its VMAs, page table and TLB,
 * the memory syscalls with Linux's exact results and errnos, and loads and stores by virtual
 * address. Syscalls return what the kernel entry point returns: the result, or {@code -errno}
 * (brk returns the old break on failure, as the raw syscall does).
 *
 * <p>SKELETON: bodies are filled in by the mm work; signatures are fixed.
 */
public final class AddressSpace {

    /** A fresh process with the default x86-64 layout (no randomization unless configured). */
    public AddressSpace(KernelConfig config) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * A process that starts from a recorded {@code /proc/PID/maps} listing: every line becomes a
     * VMA as it was (file-backed regions keep their names), the heap starts at {@code startBrk}, and
     * later mmaps go where the real kernel would put them.
     */
    public static AddressSpace fromMaps(KernelConfig config, List<String> mapsLines, long startBrk) {
        throw new UnsupportedOperationException("skeleton");
    }

    // ---- syscalls ------------------------------------------------------------------------------

    /** brk(2), mm/mmap.c: the new break, or the old one on failure. */
    public long brk(long addr) { throw new UnsupportedOperationException("skeleton"); }

    /** mmap(2), mm/mmap.c do_mmap: the address, or -errno. */
    public long mmap(long addr, long length, int prot, int flags, int fd, long offset) { throw new UnsupportedOperationException("skeleton"); }

    /** munmap(2), mm/vma.c do_vmi_munmap: 0 or -errno. */
    public int munmap(long addr, long length) { throw new UnsupportedOperationException("skeleton"); }

    /** mprotect(2), mm/mprotect.c do_mprotect_pkey: 0 or -errno. */
    public int mprotect(long addr, long length, int prot) { throw new UnsupportedOperationException("skeleton"); }

    /** mremap(2), mm/mremap.c: the new address, or -errno. */
    public long mremap(long oldAddr, long oldLength, long newLength, int flags, long newAddr) { throw new UnsupportedOperationException("skeleton"); }

    /** madvise(2), mm/madvise.c: 0 or -errno. */
    public int madvise(long addr, long length, int advice) { throw new UnsupportedOperationException("skeleton"); }

    // ---- memory --------------------------------------------------------------------------------

    public int load8(long vaddr) { throw new UnsupportedOperationException("skeleton"); }
    public int load16(long vaddr) { throw new UnsupportedOperationException("skeleton"); }
    public int load32(long vaddr) { throw new UnsupportedOperationException("skeleton"); }
    public long load64(long vaddr) { throw new UnsupportedOperationException("skeleton"); }
    public void store8(long vaddr, int value) { throw new UnsupportedOperationException("skeleton"); }
    public void store16(long vaddr, int value) { throw new UnsupportedOperationException("skeleton"); }
    public void store32(long vaddr, int value) { throw new UnsupportedOperationException("skeleton"); }
    public void store64(long vaddr, long value) { throw new UnsupportedOperationException("skeleton"); }
    public void fill(long vaddr, int value, long length) { throw new UnsupportedOperationException("skeleton"); }
    public void copy(long dstVaddr, long srcVaddr, long length) { throw new UnsupportedOperationException("skeleton"); }
    public void read(long vaddr, byte[] dst, int offset, int length) { throw new UnsupportedOperationException("skeleton"); }
    public void write(long vaddr, byte[] src, int offset, int length) { throw new UnsupportedOperationException("skeleton"); }

    // ---- introspection -------------------------------------------------------------------------

    /** The VMAs in address order, as /proc/PID/maps lists them. */
    public List<VmaView> vmas() { throw new UnsupportedOperationException("skeleton"); }

    /** The page-table walk of [start, end) for smaps. */
    public PageStats pageStats(long start, long end) { throw new UnsupportedOperationException("skeleton"); }

    public MmStats stats() { throw new UnsupportedOperationException("skeleton"); }

    public int mapCount() { throw new UnsupportedOperationException("skeleton"); }

    /** {@code mm->start_brk}. */
    public long startBrk() { throw new UnsupportedOperationException("skeleton"); }

    /** {@code mm->brk}. */
    public long currentBrk() { throw new UnsupportedOperationException("skeleton"); }

    /** {@code mm->mmap_base}. */
    public long mmapBase() { throw new UnsupportedOperationException("skeleton"); }

    public KernelConfig config() { throw new UnsupportedOperationException("skeleton"); }
}
