package org.mallocsim.cli.shell;

/**
 * Where the shell's calls run: the emulated kernel or a real process. Syscalls return what the
 * kernel entry point returns (the value, or {@code -errno}; brk the break); loads and stores
 * throw {@link org.mallocsim.kernel.SegmentationFault} or {@link org.mallocsim.kernel.BusError}.
 */
interface Backend extends AutoCloseable {
    long brk(long addr);

    long mmap(long addr, long length, long prot, long flags, long fd, long offset);

    long munmap(long addr, long length);

    long mprotect(long addr, long length, long prot);

    long mremap(long oldAddr, long oldLength, long newLength, long flags, long newAddr);

    long madvise(long addr, long length, long advice);

    /** A load of {@code width} bits (8, 16, 32 or 64), zero-extended. */
    long load(int width, long addr);

    void store(int width, long addr, long value);

    /** The page-table walk that translates {@code addr}, one level a line. */
    String pageWalk(long addr);

    /** The text of /proc/self/{@code file}: maps, smaps or status. */
    String proc(String file);

    /**
     * A call of the malloc family by its C name (malloc, free, calloc, realloc, reallocarray,
     * memalign, aligned_alloc, posix_memalign, valloc, pvalloc, malloc_usable_size, malloc_trim,
     * mallopt) with up to three arguments: its result (posix_memalign: the pointer, or
     * {@code -error}). Throws {@link ProcessDied} when the call ended the process.
     */
    long alloc(String name, long a, long b, long c);

    /** {@link #alloc(String, long, long, long)} for a call of at most two arguments. */
    default long alloc(String name, long a, long b) {
        return alloc(name, a, b, 0);
    }

    /**
     * {@code thread N}: the following malloc-family calls run on thread N (0 is the main thread),
     * created on first use as pthread_create creates it; 0 or {@code -errno}.
     */
    long thread(int id);

    /** {@code exit_thread N}: thread N returns and is joined; 0 or {@code -errno}. */
    long exitThread(int id);

    /** mallinfo2()'s ten fields in the struct's order. */
    long[] mallinfo2();

    /** What malloc_stats() wrote on stderr. */
    String mallocStats();

    /**
     * {@code malloc_info(options, fp)}: appends what it wrote to {@code fp} to {@code out} and
     * returns its result, 0 or glibc's EINVAL for options other than 0.
     */
    int mallocInfo(int options, StringBuilder out);

    /**
     * The memory syscalls the process made since the last call of this method, one strace line
     * each (see {@link Strace#normalize}); the shell shows them for allocator calls.
     */
    java.util.List<String> takeSyscalls();

    /** The heap views (see {@link HeapViews}); null where the process's heap cannot be read. */
    HeapViews heapViews();

    @Override
    void close();
}
