package org.mallocsim.allocator.common;

/**
 * A boundary-tagged block (Knuth's boundary tags, as dlmalloc and glibc lay them out:
 * malloc/malloc.c, "malloc_chunk details"), shared by the fits, segregated-fits and TLSF heaps.
 *
 * <pre>
 * chunk c (16-aligned, size a multiple of 16, at least 32)
 *  offset  field
 *    0     prev_size   the previous chunk's size when it is free (its footer); otherwise
 *                      the previous chunk's last 8 usable bytes
 *    8     size | PINUSE (0x8) | INUSE (0x1)     bits 1 and 2 stay clear (see PolicyLayout)
 *   16     user data (mem = c + 16) ... up to c + size + 8          when in use
 *   16     next free chunk    (fd)                                  when free: the index's links
 *   24     previous free chunk (bk)
 *   32     index-specific words (TLSF and tree bins: none beyond fd/bk in this layout)
 *  size    the next chunk; its prev_size is this chunk's footer when this one is free
 *
 * a segment ends with a fence: a chunk of size 0 with INUSE set, so walks and coalescing stop
 * </pre>
 */
public final class TagChunk {
    private TagChunk() {}

    public static final int PREV_SIZE = 0;
    public static final int SIZE = PREV_SIZE + 8;
    public static final int MEM = SIZE + 8;
    public static final int FD = MEM;
    public static final int BK = FD + 8;

    /** This chunk is in use. */
    public static final long INUSE = 0x1;
    /** The previous chunk is in use, so prev_size is not a footer (dlmalloc's PINUSE_BIT). */
    public static final long PINUSE = 0x8;

    public static final long FLAG_BITS = 0xf;
    /** The smallest chunk: header, fd and bk, and the footer lent by the next chunk. */
    public static final long MIN_CHUNK = 32;
    /** The fence ending a segment: its prev_size word and its size word. */
    public static final long FENCE = 16;

    public static long sizeOffset(long c) {
        return c + SIZE;
    }

    public static long fdOffset(long c) {
        return c + FD;
    }

    public static long bkOffset(long c) {
        return c + BK;
    }

    public static long chunk2mem(long c) {
        return c + MEM;
    }

    public static long mem2chunk(long mem) {
        return mem - MEM;
    }

    public static long chunksize(long word) {
        return word & ~FLAG_BITS;
    }

    /** glibc's {@code request2size}: the chunk holding {@code req} bytes, the next chunk's prev_size lent. */
    public static long request2size(long req) {
        return req + 8 + 15 < MIN_CHUNK ? MIN_CHUNK : (req + 8 + 15) & ~15L;
    }

    /** Bytes a caller may use in an in-use chunk of {@code size}. */
    public static long usable(long size) {
        return size - 8;
    }
}
