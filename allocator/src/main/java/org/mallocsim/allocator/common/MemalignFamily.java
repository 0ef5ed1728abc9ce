package org.mallocsim.allocator.common;

import org.mallocsim.allocator.Allocator;
import org.mallocsim.kernel.Errno;
import org.mallocsim.kernel.Page;

/**
 * The memalign family and errno for every policy but ptmalloc: the argument rules of glibc's
 * {@code _mid_memalign}, {@code aligned_alloc}, {@code __posix_memalign}, {@code valloc} and
 * {@code pvalloc} (malloc/malloc.c), so that each policy answers bad alignments and huge sizes as
 * glibc does and supplies only {@link #alignedBlock}, a block at an alignment it can serve.
 */
public abstract class MemalignFamily implements Allocator {
    /** Requests above this many bytes (more than the 47-bit user address space) fail with ENOMEM. */
    public static final long MAX_REQUEST = 1L << 47;

    /** At or below this alignment memalign is malloc (MALLOC_ALIGNMENT). */
    private static final long MALLOC_ALIGNMENT = 16;

    private static final long PAGE = Page.PAGE_SIZE;

    /** The calling thread's errno: thread-local storage in libc, not heap metadata. */
    protected int errno;

    /**
     * A block of {@code size} bytes at {@code alignment}, a power of two above 16 and at most
     * {@link #MAX_REQUEST}, with {@code size} at most {@link #MAX_REQUEST}; 0, with errno set,
     * when it cannot be served.
     */
    protected abstract long alignedBlock(long alignment, long size);

    @Override
    public final int errno() {
        return errno;
    }

    /** {@inheritDoc} Follows glibc's {@code _mid_memalign}: EINVAL above 2^63, small alignments are malloc. */
    @Override
    public final long memalign(long alignment, long size) {
        if (Long.compareUnsigned(alignment, MALLOC_ALIGNMENT) <= 0) {
            return malloc(size);
        }
        if (Long.compareUnsigned(alignment, Long.MIN_VALUE) > 0) {
            errno = Errno.EINVAL;
            return 0;
        }
        if (Long.bitCount(alignment) != 1) {
            alignment = Long.highestOneBit(alignment) << 1;
        }
        if (Long.compareUnsigned(size, MAX_REQUEST) > 0 || Long.compareUnsigned(alignment, MAX_REQUEST) > 0) {
            errno = Errno.ENOMEM;
            return 0;
        }
        return alignedBlock(alignment, size);
    }

    @Override
    public final long alignedAlloc(long alignment, long size) {
        if (alignment == 0 || Long.bitCount(alignment) != 1) {
            errno = Errno.EINVAL;
            return 0;
        }
        return memalign(alignment, size);
    }

    /** {@inheritDoc} These policies leave errno as it was, whatever the answer. */
    @Override
    public final long posixMemalign(long alignment, long size) {
        if (alignment == 0 || alignment % 8 != 0 || Long.bitCount(alignment) != 1) {
            return -Errno.EINVAL;
        }
        int saved = errno;
        long p = memalign(alignment, size);
        errno = saved;
        return p == 0 ? -Errno.ENOMEM : p;
    }

    @Override
    public final long valloc(long size) {
        return memalign(PAGE, size);
    }

    @Override
    public final long pvalloc(long size) {
        long rounded = (size + PAGE - 1) & -PAGE;
        if (Long.compareUnsigned(rounded, size) < 0) {
            errno = Errno.ENOMEM;
            return 0;
        }
        return memalign(PAGE, rounded);
    }
}
