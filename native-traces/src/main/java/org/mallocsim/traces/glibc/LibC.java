package org.mallocsim.traces.glibc;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.AddressByReference;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The JNR-FFI view of the C library's allocator and memory calls, pointers as raw {@code long}.
 * Two traps of JNR-FFI 2.2 shape it: a struct returned by value is not supported (so
 * {@code mallinfo2} is called through jffi in {@link Glibc}), and an all-primitive six-argument
 * signature gets a garbage sixth argument on JNR's fast path (jnr/jnr-ffi#181), so {@code mmap}
 * takes its address as a {@link Pointer}. Use {@link Glibc}, which wraps this.
 */
public interface LibC {
    @IgnoreError
    long malloc(@size_t long size);

    @IgnoreError
    void free(long ptr);

    @IgnoreError
    long calloc(@size_t long nmemb, @size_t long size);

    @IgnoreError
    long realloc(long ptr, @size_t long size);

    @IgnoreError
    long memalign(@size_t long alignment, @size_t long size);

    @IgnoreError
    long aligned_alloc(@size_t long alignment, @size_t long size);

    @IgnoreError
    int posix_memalign(@Out AddressByReference memptr, @size_t long alignment, @size_t long size);

    @IgnoreError
    long valloc(@size_t long size);

    @IgnoreError
    long pvalloc(@size_t long size);

    @IgnoreError
    @size_t
    long malloc_usable_size(long ptr);

    @IgnoreError
    int mallopt(int param, int value);

    @IgnoreError
    int malloc_trim(@size_t long pad);

    long mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, @off_t long offset);

    int munmap(long addr, @size_t long length);

    int madvise(long addr, @size_t long length, int advice);

    long sbrk(@ssize_t long increment);

    String gnu_get_libc_version();
}
