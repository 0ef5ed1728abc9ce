package org.mallocsim.allocator;

import org.mallocsim.kernel.mm.AddressSpace;

/**
 * The C allocator interface of one emulated process (malloc/malloc.h and stdlib.h), implemented by
 * glibc's ptmalloc and by every other policy. An instance owns one {@link AddressSpace}: every byte
 * of its state lives in that process's memory, reached through loads and stores.
 *
 * <p>Pointers are user-space virtual addresses as {@code long}; 0 is NULL. Calls that fail the way
 * the C function fails return NULL (or its error value) and set {@link #errno()}. A call that makes
 * glibc abort ends the process: it throws {@link MallocAbort} carrying glibc's message, and the
 * instance answers no further calls. Calls run on the current emulated thread.
 */
public interface Allocator {

    /** The emulated process this allocator serves. */
    AddressSpace addressSpace();

    /** {@code malloc(size)}; NULL with errno ENOMEM when it cannot be served. */
    long malloc(long size);

    /** {@code free(ptr)}; free(NULL) does nothing. */
    void free(long ptr);

    /** {@code calloc(nmemb, size)}: zeroed memory; NULL with ENOMEM when nmemb * size overflows. */
    long calloc(long nmemb, long size);

    /** {@code realloc(ptr, size)}: realloc(NULL, n) mallocs; realloc(p, 0) frees and returns NULL. */
    long realloc(long ptr, long size);

    /** {@code reallocarray(ptr, nmemb, size)}: realloc with an overflow check (ENOMEM). */
    long reallocarray(long ptr, long nmemb, long size);

    /** {@code memalign(alignment, size)}: a non-power-of-two alignment is rounded up. */
    long memalign(long alignment, long size);

    /**
     * {@code aligned_alloc(alignment, size)}: EINVAL and NULL unless alignment is a power of two
     * (C11, glibc 2.38+); glibc 2.36, which ptmalloc emulates, makes it an alias of memalign.
     */
    long alignedAlloc(long alignment, long size);

    /**
     * {@code posix_memalign(&p, alignment, size)}: returns the pointer, or a negative errno
     * ({@code -EINVAL}, {@code -ENOMEM}) where the C function returns that error and leaves
     * {@code *memptr} alone. In glibc 2.36 ({@code __posix_memalign}, malloc/malloc.c) a bad
     * alignment returns EINVAL before any allocation and leaves errno alone, but a failed
     * allocation goes through {@code _mid_memalign}, whose malloc or {@code _int_memalign} sets
     * errno to ENOMEM on the way, so errno is ENOMEM too (posix_memalign(&p, 64, SIZE_MAX - 100)
     * returns 12 with errno 12 on glibc 2.36-9+deb12u14).
     */
    long posixMemalign(long alignment, long size);

    /** {@code valloc(size)}: page-aligned. */
    long valloc(long size);

    /** {@code pvalloc(size)}: page-aligned, size rounded up to whole pages. */
    long pvalloc(long size);

    /** {@code malloc_usable_size(ptr)}; 0 for NULL. */
    long mallocUsableSize(long ptr);

    /** {@code malloc_trim(pad)}: 1 when memory was given back to the kernel, else 0. */
    int mallocTrim(long pad);

    /** {@code mallopt(param, value)}: 1 on success, 0 on a rejected parameter or value. */
    int mallopt(int param, int value);

    /** {@code mallinfo2()}. */
    MallInfo2 mallinfo2();

    /** What {@code malloc_stats()} prints on stderr, byte for byte. */
    String mallocStats();

    /** What {@code malloc_info(options, fp)} writes, byte for byte. */
    String mallocInfo(int options);

    /** The calling thread's {@code errno} after the last call (0 if none set it). */
    int errno();
}
